"""The pytest plugin, through real pytest runs (`pytester`): targets as tests, the fixture, and
what it must not do to users' runs (import torch, break without it)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("torch")

MODELS = textwrap.dedent(
    """\
    import torch
    import torch.nn as nn


    class Good(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(64, 64)


    class Uninitialized(Good):
        def __init__(self):
            super().__init__()
            self.fc.weight = nn.Parameter(torch.empty(64, 64))
    """
)


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(models=MODELS)
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    return pytester


def test_option_adds_a_passing_test_per_target(project: pytest.Pytester) -> None:
    result = project.runpytest("--initlint-verify", "models.py:Good", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*initlint-verify?models.py:Good? PASSED*"])


def test_failure_message_is_the_verifiers_report(project: pytest.Pytester) -> None:
    result = project.runpytest("--initlint-verify", "models.py:Uninitialized",
                               "--initlint-verify", "models.py:Good")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([
        "*initlint verify models.py:Uninitialized: initialization check failed*",
        "*INV*fc.weight*",
    ])
    assert "Traceback" not in result.stdout.str()


def test_ini_targets_and_fail_on(project: pytest.Pytester) -> None:
    # As docs/integrations.md shows it.
    project.makepyprojecttoml(
        '[tool.pytest.ini_options]\ninitlint_verify = ["models.py:Good", "models.py:Uninitialized"]\n'
        'initlint_verify_fail_on = "warning"\n'
    )
    result = project.runpytest()
    result.assert_outcomes(passed=2, failed=1)
    bad_target = project.runpytest("--initlint-verify", "models.py:Missing", "-p", "no:cacheprovider")
    bad_target.stdout.fnmatch_lines(["*has no attribute 'Missing'*"])


def test_fixture_fails_with_the_report(project: pytest.Pytester) -> None:
    project.makepyfile(test_models=textwrap.dedent(
        """\
        from models import Good, Uninitialized

        def test_good(initlint_verify):
            assert initlint_verify(Good).ok

        def test_bad(initlint_verify):
            initlint_verify(Uninitialized)
        """
    ))
    result = project.runpytest()
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*initlint verify: initialization check failed*", "*INV*"])


def test_plugin_does_not_import_torch_unless_used(project: pytest.Pytester) -> None:
    project.makeconftest(
        "import sys\n\ndef pytest_sessionfinish(session):\n"
        "    assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    result = project.runpytest_subprocess()
    result.assert_outcomes(passed=1)
    assert result.ret == 0
    out = subprocess.run(
        [sys.executable, "-c", "import sys, initlint.integrations.pytest_plugin as p; "
         "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'libcst', 'click')))"],
        capture_output=True, text=True, check=True,
    )
    assert out.stdout.strip() == "[]"


def test_users_without_torch_are_not_broken(project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = project.mkdir("no_torch")
    (blocker / "torch").mkdir()
    (blocker / "torch" / "__init__.py").write_text("raise ImportError('No module named torch')\n")
    monkeypatch.setenv("PYTHONPATH", str(blocker))
    plain = project.runpytest_subprocess()
    plain.assert_outcomes(passed=1)
    asked = project.runpytest_subprocess("--initlint-verify", "models.py:Good")
    asked.assert_outcomes(passed=1, failed=1)
    asked.stdout.fnmatch_lines(["*initlint verify needs PyTorch: pip install 'initlint?verify?'"])
    assert "During handling" not in asked.stdout.str()

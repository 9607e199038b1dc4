"""INI004's early-override check: its examples built under torch (the INVALID ones raise
AttributeError on construction, the VALID ones build), and the shared analysis across files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from initlint.engine.linter import LintOptions, lint_bytes
from initlint.rules.init_before_layers import InitBeforeLayers

try:
    import torch  # noqa: F401
except ImportError:  # pragma: no cover - the CI job without torch
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs torch")

_INVALID = [case for case in InitBeforeLayers.INVALID if case.message_contains and "__init__` runs `self." in case.message_contains
            or (case.message_contains or "").startswith("(and `self.")]
_BUILDS = {"NoisyLinear": "NoisyLinear(3, 4)", "Attention": "Attention(3, 4)",
           "Hierarchical": "Hierarchical(3)"}


def _namespace(code: str) -> dict:
    namespace: dict = {}
    exec(compile(textwrap.dedent(code), "example.py", "exec"), namespace)  # noqa: S102
    return namespace


def test_the_early_override_examples_are_found() -> None:
    assert len(_INVALID) == 2


@needs_torch
@pytest.mark.parametrize("number", range(2))
def test_invalid_examples_raise_under_torch(number: int) -> None:
    namespace = _namespace(_INVALID[number].code)
    built = next(name for name in _BUILDS if name in namespace and name != "Projective")
    with pytest.raises(AttributeError):
        eval(_BUILDS[built], namespace)  # noqa: S307


@needs_torch
def test_valid_examples_build_under_torch() -> None:
    built = 0
    for case in InitBeforeLayers.VALID:
        if "hasattr(self, \"sigma_weight\")" in case.code or "nn.Module.__init__(self)" in case.code:
            namespace = _namespace(case.code)
            name = "NoisyLinear" if "NoisyLinear" in namespace else "Hierarchical"
            eval(_BUILDS[name], namespace)  # noqa: S307
            built += 1
    assert built == 2


def test_a_base_class_in_another_file(tmp_path: Path) -> None:
    """The base's constructor (in `base.py`) runs `self.reset_parameters()`; the subclass (in
    `layers.py`) overrides it and reads what it creates later: found through the project index."""
    import subprocess
    import sys

    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "base.py").write_text(textwrap.dedent("""
        import torch
        import torch.nn as nn

        class Projective(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.weight = nn.Parameter(torch.empty(d, d))
                self.reset_parameters()

            def reset_parameters(self):
                nn.init.kaiming_uniform_(self.weight)
    """))
    (package / "layers.py").write_text(textwrap.dedent("""
        import torch
        import torch.nn as nn
        from pkg.base import Projective

        class Attention(Projective):
            def __init__(self, d):
                super().__init__(d)
                self.query = nn.Parameter(torch.empty(d, d))
                self.reset_parameters()

            def reset_parameters(self):
                nn.init.xavier_uniform_(self.query)
    """))
    result = subprocess.run(
        [sys.executable, "-m", "initlint", "check", str(package / "layers.py"), "--select", "INI004",
         "--no-cache", "--output-format", "concise"],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert "layers.py:13:33: INI004 `Projective.__init__` runs `self.reset_parameters()`" in result.stdout, result.stdout
    assert result.returncode == 1

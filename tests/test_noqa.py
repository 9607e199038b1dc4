"""Suppressions: `# noqa`, `# noqa: CODE`, `# initlint: noqa` for a file."""

from __future__ import annotations

from conftest import RISKY


def test_line_noqa_with_code(run, write) -> None:
    write("model.py", RISKY.replace("nn.Linear:", "nn.Linear:  # noqa: INI201"))
    assert run("model.py").exit_code == 0


def test_line_noqa_with_other_code_does_not_suppress(run, write) -> None:
    write("model.py", RISKY.replace("nn.Linear:", "nn.Linear:  # noqa: INI101, E501"))
    assert run("model.py").exit_code == 1


def test_bare_noqa(run, write) -> None:
    write("model.py", RISKY.replace("nn.Linear:", "nn.Linear:  # noqa"))
    assert run("model.py").exit_code == 0


def test_noqa_list_with_several_codes(run, write) -> None:
    write("model.py", RISKY.replace("nn.Linear:", "nn.Linear:  # noqa:E501,INI201"))
    assert run("model.py").exit_code == 0


def test_file_level_noqa(run, write) -> None:
    write("model.py", "# initlint: noqa\n" + RISKY)
    assert run("model.py").exit_code == 0


def test_file_level_noqa_for_one_code(run, write) -> None:
    write("model.py", "# initlint: noqa: INI101\n" + RISKY)
    assert run("model.py").exit_code == 1
    write("model.py", "# initlint: noqa: INI201\n" + RISKY)
    assert run("model.py").exit_code == 0


def test_noqa_on_another_line_does_not_suppress(run, write) -> None:
    write("model.py", RISKY.replace("def init_weights(m):", "def init_weights(m):  # noqa"))
    assert run("model.py").exit_code == 1


# The policy (ruff's, and the README's): `# noqa: CODES` exempts those codes on the line a
# diagnostic starts on, a bare `# noqa` every code. An exempt diagnostic is neither reported
# nor fixed, and no fix changes a line whose `# noqa` exempts the fixing rule.

STATEMENT_ON_TWO_LINES = (
    "import torch.nn as nn\n\n\ndef init_weights(m):\n    if isinstance(m, nn.Linear):\n"
    "        nn.init.constant_(\n            m.bias, 0){comment}\n"
)


def test_another_tools_code_exempts_nothing_of_ours(run, write) -> None:
    """`# noqa: E721` speaks to pycodestyle only: INI201 is reported, and fixed by --fix."""
    source = RISKY.replace("nn.Linear:", "nn.Linear:  # noqa: E721")
    path = write("model.py", source)
    assert "model.py:5:8: INI201" in run("model.py", "--output-format", "concise").stdout
    assert run("model.py", "--fix").exit_code == 0
    assert path.read_text() == source.replace("type(m) == nn.Linear", "isinstance(m, nn.Linear)")


def test_exempt_line_is_neither_reported_nor_fixed(run, write) -> None:
    source = RISKY.replace("nn.Linear:", "nn.Linear:  # noqa: E721, INI201")
    path = write("model.py", source)
    assert "INI201" not in run("model.py", "--output-format", "concise").stdout
    assert run("model.py", "--fix").exit_code == 0
    assert path.read_text() == source


def test_wrap_fix_never_reindents_a_bare_noqa_on_the_second_line(run, write) -> None:
    """The diagnostic starts on the first line (no noqa there): it is reported, but its fix
    would re-indent the line the bare `# noqa` protects, so the fix is withheld."""
    source = STATEMENT_ON_TWO_LINES.format(comment="  # noqa")
    path = write("model.py", source)
    result = run("model.py", "--output-format", "concise")
    assert result.stdout.startswith("model.py:6:9: INI002 ")
    assert "[*]" not in result.stdout
    run("model.py", "--fix")
    assert path.read_text() == source


def test_wrap_fix_respects_a_noqa_naming_its_code_on_the_second_line(run, write) -> None:
    source = STATEMENT_ON_TWO_LINES.format(comment="  # noqa: INI002")
    path = write("model.py", source)
    run("model.py", "--fix")
    assert path.read_text() == source


def test_wrap_fix_reindents_a_line_whose_noqa_names_only_other_codes(run, write) -> None:
    source = STATEMENT_ON_TWO_LINES.format(comment="  # noqa: E501")
    path = write("model.py", source)
    assert run("model.py", "--fix").exit_code == 0
    assert path.read_text() == source.replace(
        "        nn.init.constant_(\n            m.bias, 0)",
        "        if m.bias is not None:\n            nn.init.constant_(\n                m.bias, 0)",
    )

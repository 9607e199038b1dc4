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

"""The command line as users and CI see it: exit codes, selection, fixes, stdin, subcommands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import CLEAN, REPO, RISKY

from initlint import __version__


def test_clean_file_exits_zero(run, write) -> None:
    write("model.py", CLEAN)
    result = run("model.py")
    assert result.exit_code == 0
    assert result.stdout == "All checks passed!\n"


def test_risky_file_reports_position_code_and_message(run, write) -> None:
    write("model.py", RISKY)
    result = run("model.py", "--output-format", "concise")
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("model.py:5:8: INI201 [*] `type(m) == nn.Linear` skips subclasses")


def test_default_path_is_current_directory_and_check_alias(run, write) -> None:
    write("pkg/model.py", RISKY)
    assert "pkg/model.py:5:8: INI201" in run().stdout
    assert "pkg/model.py:5:8: INI201" in run("check").stdout


def test_examples_report_both_rules(run) -> None:
    result = run(str(REPO / "examples"), "--output-format", "concise")
    assert result.exit_code == 1
    codes = {line.split(": ")[1].split()[0] for line in result.stdout.splitlines() if ".py:" in line}
    assert codes == {"INI101", "INI201"}


def test_fix_rewrites_and_second_fix_changes_nothing(run, write) -> None:
    path = write("model.py", RISKY)
    first = run("model.py", "--fix")
    assert first.exit_code == 0
    assert path.read_text() == CLEAN
    second = run("model.py", "--fix")
    assert second.exit_code == 0
    assert path.read_text() == CLEAN


def test_unsafe_fixes_need_the_flag(run, write) -> None:
    source = (
        "import torch.nn as nn\n\nclass M(nn.Module):\n    def __init__(self):\n"
        "        super().__init__()\n        self.fc = nn.Linear(2, 2)\n        self.act = nn.ReLU()\n"
        "        nn.init.zeros_(self.fc.weight)\n\n    def forward(self, x):\n"
        "        return self.act(self.fc(x))\n"
    )
    path = write("m.py", source)
    safe = run("m.py", "--fix")
    assert safe.exit_code == 1 and path.read_text() == source
    assert "1 hidden fix can be enabled with the `--unsafe-fixes` option" in safe.stdout
    unsafe = run("m.py", "--fix", "--unsafe-fixes")
    assert unsafe.exit_code == 0
    assert 'nn.init.kaiming_uniform_(self.fc.weight, nonlinearity="relu")' in path.read_text()


def test_diff_prints_and_writes_nothing(run, write) -> None:
    path = write("model.py", RISKY)
    result = run("model.py", "--diff")
    assert result.exit_code == 1
    assert path.read_text() == RISKY
    assert result.stdout.splitlines()[:2] == ["--- a/model.py", "+++ b/model.py"]
    assert "-    if type(m) == nn.Linear:" in result.stdout
    assert "+    if isinstance(m, nn.Linear):" in result.stdout
    write("model.py", CLEAN)
    assert run("model.py", "--diff").exit_code == 0


def test_show_fixes_lists_what_was_fixed(run, write) -> None:
    write("model.py", RISKY)
    result = run("model.py", "--fix", "--show-fixes")
    assert "Fixed 1 diagnostic:\n- model.py:\n    1 × INI201 (type-comparison-in-init)" in result.stdout


def test_exit_non_zero_on_fix(run, write) -> None:
    write("model.py", RISKY)
    assert run("model.py", "--fix", "--exit-non-zero-on-fix").exit_code == 1


def test_exit_zero(run, write) -> None:
    write("model.py", RISKY)
    result = run("model.py", "--exit-zero")
    assert result.exit_code == 0
    assert "INI201" in result.stdout


def test_select_ignore_by_code_prefix_and_name(run, write) -> None:
    write("model.py", RISKY)
    assert run("model.py", "--ignore", "INI201").exit_code == 0
    assert run("model.py", "--ignore", "INI2").exit_code == 0
    assert run("model.py", "--ignore", "type-comparison-in-init").exit_code == 0
    assert run("model.py", "--select", "INI1").exit_code == 0
    assert run("model.py", "--select", "INI1", "--extend-select", "INI201").exit_code == 1
    assert run("model.py", "--select", "INI101,INI201").exit_code == 1


def test_unknown_selector_is_a_usage_error(run, write) -> None:
    write("model.py", RISKY)
    result = run("model.py", "--select", "XYZ999")
    assert result.exit_code == 2
    assert result.stderr == "initlint: error: unknown rule selector 'XYZ999'\n"


def test_statistics(run, write) -> None:
    write("a.py", RISKY)
    write("b.py", RISKY)
    result = run(".", "--statistics")
    assert result.stdout == "2\tINI201\t[*] type-comparison-in-init\n"


def test_quiet_and_silent(run, write) -> None:
    write("model.py", RISKY)
    quiet = run("model.py", "-q", "--output-format", "concise")
    assert "Found" not in quiet.stdout and "INI201" in quiet.stdout
    silent = run("model.py", "-s")
    assert silent.stdout == "" and silent.exit_code == 1


def test_fail_on_error_ignores_warnings(run, write) -> None:
    write("model.py", RISKY)
    assert run("model.py", "--fail-on", "error").exit_code == 0
    assert run("model.py", "--fail-on", "warning").exit_code == 1


def test_info_findings_do_not_fail_by_default(run, write) -> None:
    write(
        "block.py",
        "import torch.nn as nn\n\nclass Block(nn.Module):\n    def __init__(self):\n"
        "        super().__init__()\n        self.out_proj = nn.Linear(4, 4)\n"
        "        nn.init.zeros_(self.out_proj.weight)\n",
    )
    result = run("block.py")
    assert "INI101" in result.stdout and "1 info" in result.stdout
    assert result.exit_code == 0
    assert run("block.py", "--fail-on", "info").exit_code == 1


def test_stdin_lint_and_fix(run) -> None:
    result = run("-", "--stdin-filename", "model.py", "--output-format", "concise", input=RISKY)
    assert result.exit_code == 1
    assert result.stdout.startswith("model.py:5:8: INI201")
    fixed = run("-", "--fix", input=RISKY)
    assert fixed.stdout == CLEAN
    assert fixed.exit_code == 0


def test_stdin_cannot_mix_with_paths(run, write) -> None:
    write("model.py", CLEAN)
    assert run("-", "model.py").exit_code == 2


def test_output_file(run, write, tmp_path: Path) -> None:
    write("model.py", RISKY)
    result = run("model.py", "--output-format", "json", "-o", "out.json")
    assert result.stdout == ""
    assert '"code": "INI201"' in (tmp_path / "out.json").read_text()


def test_rules_table_and_rule_page(run) -> None:
    table = run("rules")
    assert table.exit_code == 0
    header = table.stdout.splitlines()[0].split()
    assert header == ["Code", "Name", "Severity", "Fix", "Summary"]
    assert any(line.startswith("INI201  type-comparison-in-init") for line in table.stdout.splitlines())
    page = run("rule", "INI201")
    assert page.stdout.startswith("# INI201 type-comparison-in-init")
    assert "## Why is this bad?" in page.stdout and "## Fix safety" in page.stdout
    assert run("rule", "constant-weight-init").stdout.startswith("# INI101")
    missing = run("rule", "INI999")
    assert missing.exit_code == 2 and "unknown rule" in missing.stderr


def test_version_and_module_entry_point() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "initlint", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout == f"initlint {__version__}\n"


def test_help_lists_subcommands(run) -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("check", "rule", "rules"):
        assert command in result.stdout


def test_examples_fix_then_second_fix_changes_nothing(run, tmp_path: Path) -> None:
    import shutil

    shutil.copytree(REPO / "examples", tmp_path / "examples")
    target = tmp_path / "examples" / "mlp_classifier.py"
    before = target.read_text()
    first = run("examples", "--fix")
    after = target.read_text()
    assert "if isinstance(m, nn.Linear):" in after and "type(m) ==" not in after
    assert after == before.replace("type(m) == nn.Linear", "isinstance(m, nn.Linear)")
    assert first.exit_code == 1  # the constant init remains: its fix is unsafe
    second = run("examples", "--fix")
    assert target.read_text() == after
    assert second.exit_code == 1


def test_stdin_fix_shows_snippets_of_the_fixed_text(run) -> None:
    """The remaining diagnostic's row is the fixed text's; the snippet came from the input."""
    source = (
        "import torch.nn as nn\n\n\ndef init_weights(m):\n    if isinstance(m, nn.Linear):\n"
        "        nn.init.zeros_(m.bias)\n        nn.init.zeros_(m.weight)\n"
    )
    result = run("-", "--stdin-filename", "model.py", "--fix", input=source)
    fixed = source.replace(
        "        nn.init.zeros_(m.bias)\n",
        "        if m.bias is not None:\n            nn.init.zeros_(m.bias)\n",
    )
    assert result.stdout == fixed
    assert "model.py:8:9: INI101" in result.stderr
    assert "8 |         nn.init.zeros_(m.weight)\n" in result.stderr
    assert "7 |             nn.init.zeros_(m.bias)\n" in result.stderr


def test_findings_in_test_modules_are_info(run, tmp_path) -> None:
    """A fixture model in a test suite (`tests/test_x.py`) is checked by tests, not trained:
    its findings are `info` and say why; the same code in the package keeps its severity."""
    code = (
        "import torch\nfrom torch import nn\n\n\nclass Scale(nn.Module):\n    def __init__(self, n):\n"
        "        super().__init__()\n        self.w = nn.Parameter(torch.rand(n, n))\n\n"
        "    def forward(self, x):\n        return x @ self.w\n"
    )
    (tmp_path / "pkg" / "tests").mkdir(parents=True)
    for init in ("pkg/__init__.py", "pkg/tests/__init__.py"):
        (tmp_path / init).write_text("")
    (tmp_path / "pkg" / "model.py").write_text(code)
    (tmp_path / "pkg" / "tests" / "test_model.py").write_text(code)
    result = run(str(tmp_path), "--output-format", "json", "--select", "INI102", "--no-cache")
    found = {d["filename"].rsplit("/", 1)[-1]: (d["severity"], d["message"]) for d in json.loads(result.stdout)}
    assert found["model.py"][0] == "error"
    assert found["test_model.py"][0] == "info"
    assert found["test_model.py"][1].endswith("(in a test module: a fixture built to check code, not a model anyone trains)")

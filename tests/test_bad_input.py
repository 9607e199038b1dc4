"""Bad input gets one clear line, the other files are still linted, and the exit code says so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CLEAN, RISKY

AFTER_RISKY = RISKY.count("\n") + 1  # the first line of what a test appends to RISKY

BROKEN = "import torch.nn as nn\n\ndef init_weights(m):\n    if type(m) == nn.Linear\n        pass\n"


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line]


def test_syntax_error_one_line_and_others_still_linted(run, write) -> None:
    write("broken.py", BROKEN)
    write("model.py", RISKY)
    result = run(".", "--output-format", "concise")
    assert _error_lines(result.stderr) == ["broken.py:4:28: error: syntax error: expected ':'"]
    assert "model.py:5:8: INI201" in result.stdout
    assert result.exit_code == 1


def test_syntax_error_alone_fails_the_run(run, write) -> None:
    write("broken.py", BROKEN)
    result = run("broken.py")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr + result.stdout


def _deep(depth: int) -> str:
    """RISKY plus a list nested `depth` deep: libcst's native parser crashed (SIGSEGV) at ~1,200."""
    return RISKY + "x = " + "[" * depth + "]" * depth + "\n"


def _initlint(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """In a separate process: a crash must show as an exit status, not take pytest down."""
    return subprocess.run(
        [sys.executable, "-m", "initlint", *args, "--no-cache", "--output-format", "concise"],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )


def test_deep_nesting_is_a_syntax_error_not_a_crash(write, tmp_path: Path) -> None:
    write("deep.py", _deep(2000))
    write("model.py", RISKY)
    result = _initlint(tmp_path, ".")
    assert result.returncode == 1, result.stderr
    assert _error_lines(result.stderr) == [f"deep.py:{AFTER_RISKY}:205: error: syntax error: too many nested parentheses"]
    assert result.stdout.startswith("model.py:5:8: INI201")


def test_deep_nesting_in_a_folder_run_by_worker_processes(write, tmp_path: Path) -> None:
    """With 24+ files the crash used to break the process pool: no diagnostics for any file."""
    write("deep.py", _deep(2000))
    for index in range(30):
        write(f"m{index:02d}.py", RISKY)
    result = _initlint(tmp_path, ".")
    assert _error_lines(result.stderr) == [f"deep.py:{AFTER_RISKY}:205: error: syntax error: too many nested parentheses"]
    assert result.stdout.count(": INI201 ") == 30
    assert result.returncode == 1


def test_code_cpython_rejects_is_a_syntax_error_and_nothing_is_fixed(write, tmp_path: Path) -> None:
    """500 nested parentheses: libcst parses it, CPython does not ("too many nested parentheses").
    It linted clean, and `--fix` advertised a fix it then refused to write."""
    source = RISKY + "y = " + "(" * 500 + "1" + ")" * 500 + "\n"
    path = write("parens.py", source)
    for args in ((), ("--fix",)):
        result = _initlint(tmp_path, "parens.py", *args)
        assert result.returncode == 1
        assert _error_lines(result.stderr) == [
            f"parens.py:{AFTER_RISKY}:205: error: syntax error: too many nested parentheses"
        ]
        assert result.stdout == "" and "fixable" not in result.stdout
        assert path.read_text() == source


def test_chain_cpython_accepts_but_libcst_nests_deeply_does_not_crash(write, tmp_path: Path) -> None:
    """`1 and 1 and ...` is flat for CPython, 20,000 levels deep for libcst (SIGSEGV on an
    8 MiB stack): one line, and the other files are linted."""
    write("chain.py", RISKY + "y = 1" + " and 1" * 20000 + "\n")
    write("model.py", RISKY)
    result = _initlint(tmp_path, ".")
    assert result.returncode == 1, result.stderr
    assert _error_lines(result.stderr) == [
        "chain.py: error: cannot analyse: nested too deeply for initlint (Python's recursion limit)"
    ]
    assert result.stdout.startswith("model.py:5:8: INI201")


def test_non_utf8_without_declaration(run, write) -> None:
    write("latin.py", b"import torch.nn as nn\n# caf\xe9\n" + RISKY.encode())
    write("model.py", RISKY)
    result = run(".", "--output-format", "concise")
    assert _error_lines(result.stderr) == [
        "latin.py: error: not valid utf-8 (byte 0xe9 on line 2); add a coding declaration "
        "or convert the file to UTF-8"
    ]
    assert "model.py:5:8: INI201" in result.stdout
    assert result.exit_code == 1


def test_declared_latin1_is_read_and_fixed_in_its_encoding(run, write) -> None:
    source = "# -*- coding: latin-1 -*-\n# café\n" + RISKY
    path = write("latin.py", source.encode("latin-1"))
    result = run("latin.py", "--fix")
    assert result.exit_code == 0, result.stderr
    assert path.read_bytes() == source.replace("type(m) == nn.Linear", "isinstance(m, nn.Linear)").encode("latin-1")


def test_unknown_encoding_declaration(run, write) -> None:
    write("odd.py", "# -*- coding: klingon -*-\nimport torch\n")
    result = run("odd.py")
    assert result.exit_code == 1
    assert _error_lines(result.stderr) == ["odd.py: error: bad encoding declaration: unknown encoding: klingon"]


def test_binary_file(run, write) -> None:
    write("blob.py", b"\x89PNG\r\n\x1a\n\x00\x00torch")
    result = run("blob.py")
    assert _error_lines(result.stderr) == ["blob.py: error: binary file (contains NUL bytes), not Python source"]
    assert result.exit_code == 1


def test_empty_file_is_clean(run, write) -> None:
    write("__init__.py", "")
    write("empty.py", b"")
    result = run(".")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_missing_path_is_a_usage_error_but_others_run(run, write) -> None:
    write("model.py", RISKY)
    result = run("nope.py", "model.py", "--output-format", "concise")
    assert _error_lines(result.stderr) == ["nope.py: error: no such file or directory"]
    assert "model.py:5:8: INI201" in result.stdout
    assert result.exit_code == 2


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(run, write) -> None:
    path = write("secret.py", RISKY)
    path.chmod(0)
    try:
        result = run("secret.py")
    finally:
        path.chmod(0o644)
    assert _error_lines(result.stderr) == ["secret.py: error: cannot read file: Permission denied"]
    assert result.exit_code == 1


def _refuse_to_read(monkeypatch, name: str) -> None:
    """Root can read anything, so simulate the OS refusing one file (EACCES) wherever we read it,
    and `access(2)` saying so (what click's readability check asked)."""
    import initlint.engine.source as source

    real_open, real_access = os.open, os.access

    def refusing_open(path, *args, **kwargs):
        if os.path.basename(os.fspath(path)) == name:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, *args, **kwargs)

    def refusing_access(path, mode, *args, **kwargs):
        return False if os.path.basename(os.fspath(path)) == name else real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(source.os, "open", refusing_open)
    monkeypatch.setattr(os, "access", refusing_access)


def test_read_failure_is_one_line_and_others_still_linted(run, write, monkeypatch) -> None:
    write("secret.py", RISKY)
    write("model.py", RISKY)
    _refuse_to_read(monkeypatch, "secret.py")
    result = run(".", "--output-format", "concise")
    assert _error_lines(result.stderr) == ["secret.py: error: cannot read file: Permission denied"]
    assert result.stdout.startswith("model.py:5:8: INI201")
    assert result.exit_code == 1


def test_unreadable_file_named_on_the_command_line_is_one_line_too(run, write, monkeypatch) -> None:
    """It used to abort everything with click's "Path 'secret.py' is not readable" (exit 2,
    nothing linted); now the same rule as inside a folder."""
    write("secret.py", RISKY)
    write("model.py", RISKY)
    _refuse_to_read(monkeypatch, "secret.py")
    result = run("secret.py", "model.py", "--output-format", "concise")
    assert _error_lines(result.stderr) == ["secret.py: error: cannot read file: Permission denied"]
    assert result.stdout.startswith("model.py:5:8: INI201")
    assert result.exit_code == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_named_py_in_a_folder_is_skipped_not_waited_for(write, tmp_path: Path) -> None:
    """Reading a FIFO blocks until someone writes to it: the run used to hang forever."""
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "link.py").symlink_to(tmp_path / "pipe.py")
    write("model.py", RISKY)
    result = _initlint(tmp_path, ".")  # a subprocess with a timeout: a hang fails, not blocks
    assert result.stderr == ""
    assert result.stdout.startswith("model.py:5:8: INI201")
    assert result.returncode == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_named_on_the_command_line_is_one_line(write, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    write("model.py", RISKY)
    result = _initlint(tmp_path, "pipe.py", "model.py")
    assert _error_lines(result.stderr) == ["pipe.py: error: cannot read file: not a regular file (a named pipe)"]
    assert result.stdout.startswith("model.py:5:8: INI201")
    assert result.returncode == 1


def test_directory_symlink_given_explicitly_is_walked(run, write, tmp_path: Path) -> None:
    write("pkg/model.py", RISKY)
    (tmp_path / "alias").symlink_to(tmp_path / "pkg", target_is_directory=True)
    result = run("alias", "--output-format", "concise")
    assert result.stdout.startswith("alias/model.py:5:8: INI201")


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlink_loop(run, write, tmp_path: Path) -> None:
    (tmp_path / "loop.py").symlink_to(tmp_path / "loop.py")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)
    write("model.py", RISKY)
    result = run(".", "--output-format", "concise")
    assert _error_lines(result.stderr) == [
        "loop.py: error: cannot read file: Too many levels of symbolic links"
    ]
    assert result.stdout.count("model.py:5:8: INI201") == 1  # the loop through sub/up is not followed
    assert result.exit_code == 1


def test_broken_config_is_one_line_exit_2(run, write) -> None:
    write("pyproject.toml", "[tool.initlint]\nselect = [\n")
    write("model.py", CLEAN)
    result = run("model.py")
    assert result.exit_code == 2
    lines = _error_lines(result.stderr)
    assert len(lines) == 1 and lines[0].startswith("initlint: error: ")
    assert "pyproject.toml [tool.initlint]" not in lines[0] and "invalid TOML" in lines[0]


def test_fix_never_writes_code_that_does_not_parse(write, monkeypatch) -> None:
    """A rule whose fix produces broken code: nothing is written, one error line, and the
    diagnostic is no longer advertised as fixable (it was, although --fix could not apply it)."""
    import libcst as cst

    from initlint.engine.linter import LintOptions, lint_bytes
    from initlint.rules.type_comparison import TypeComparisonInInit

    class BrokenFix(TypeComparisonInInit):
        def report(self, node, message, *, severity=None, fix=None):
            broken = cst.Name("lambda")  # a valid node, but `if lambda:` is not Python
            super().report(node, message, fix=self.make_fix(node, broken, "break it"))

    result = lint_bytes(RISKY.encode(), "model.py", LintOptions(rules=(BrokenFix,), fix=True))
    assert result.fixed_source is None
    assert [e.render() for e in result.errors] == [
        "model.py: error: fix for INI201 produced invalid code; not applied"
    ]
    assert [(d.code, d.fix) for d in result.diagnostics] == [("INI201", None)]
    assert result.fixed == []


def test_a_broken_fix_does_not_stop_the_others(write) -> None:
    import libcst as cst

    from initlint.engine.linter import LintOptions, lint_bytes
    from initlint.rules.type_comparison import TypeComparisonInInit

    class BreaksOnConv(TypeComparisonInInit):
        def report(self, node, message, *, severity=None, fix=None):
            if "Conv2d" in self.context.code_for(node):
                fix = self.make_fix(node, cst.Name("lambda"), "break it")
            super().report(node, message, fix=fix)

    source = RISKY + "\n\ndef init_conv(m):\n    if type(m) == nn.Conv2d:\n        pass\n"
    result = lint_bytes(source.encode(), "model.py", LintOptions(rules=(BreaksOnConv,), fix=True))
    assert [e.render() for e in result.errors] == [
        "model.py: error: fix for INI201 produced invalid code; not applied"
    ]
    assert result.fixed_source == source.replace("type(m) == nn.Linear", "isinstance(m, nn.Linear)").encode()
    assert [(d.location.row, d.fix) for d in result.diagnostics] == [(AFTER_RISKY + 3, None)]
    assert [d.location.row for d in result.fixed] == [5]


def test_the_parse_without_node_validation_gives_libcst_s_tree_and_restores_validation() -> None:
    """parsing.parse_module skips libcst's per-node `_validate()` during the parse only: the
    tree equals libcst's own parse, and nodes built afterwards (fix replacements) are checked
    again, also after a parse that failed."""
    import libcst as cst

    from initlint.engine import parsing

    source = (Path(__file__).parent.parent / "initlint" / "engine" / "linter.py").read_text(encoding="utf-8")
    source += "async def f(*a, b=1, **k):\n    async with x as (y, z):\n        yield [i async for i in y if i]\n"
    assert parsing.parse_module(source, "x.py").deep_equals(cst.parse_module(source))
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not an identifier")
    with pytest.raises(parsing.ParseFailure):
        parsing.parse_module("x = (\n", "bad.py", cpython_accepts=True)  # libcst's own error
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not an identifier")

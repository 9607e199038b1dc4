"""`--fix` changes what it means to change and not one byte more."""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

import pytest
from conftest import RISKY

BEFORE = "type(m) == nn.Linear"
AFTER = "isinstance(m, nn.Linear)"


def _fix(run, path: Path) -> bytes:
    result = run(path.name, "--fix")
    assert result.exit_code == 0, result.stdout + result.stderr
    return path.read_bytes()


def test_crlf_line_endings_kept(run, write) -> None:
    source = RISKY.replace("\n", "\r\n").encode()
    path = write("model.py", source)
    assert _fix(run, path) == source.replace(BEFORE.encode(), AFTER.encode())


def test_mixed_line_endings_kept(run, write) -> None:
    lines = RISKY.splitlines(keepends=True)
    source = "".join(l.replace("\n", "\r\n") if i % 2 else l for i, l in enumerate(lines)).encode()
    path = write("model.py", source)
    assert _fix(run, path) == source.replace(BEFORE.encode(), AFTER.encode())


def test_utf8_bom_kept(run, write) -> None:
    source = codecs.BOM_UTF8 + ("# modèle\n" + RISKY).encode()
    path = write("model.py", source)
    fixed = _fix(run, path)
    assert fixed.startswith(codecs.BOM_UTF8)
    assert fixed == source.replace(BEFORE.encode(), AFTER.encode())


def test_tabs_comments_and_odd_spacing_kept(run, write) -> None:
    source = (
        "import torch.nn as nn  # the usual alias\n"
        "\n"
        "\n"
        "def init_weights(m):   \n"
        "\t# tabs, trailing spaces and comments survive\n"
        "\tif (type(m)  ==  nn.Linear):  # noqa: E999 unrelated code\n"
        "\t\tnn.init.xavier_uniform_(m.weight)   # keep me\n"
        "x = [1,2 ,3]\n"
    )
    path = write("model.py", source)
    assert _fix(run, path) == source.replace("(type(m)  ==  nn.Linear)", "(isinstance(m, nn.Linear))").encode()


def test_no_trailing_newline_kept(run, write) -> None:
    source = RISKY.rstrip("\n")
    path = write("model.py", source)
    assert _fix(run, path) == source.replace(BEFORE, AFTER).encode()


def test_permissions_kept_and_no_temp_files_left(run, write, tmp_path: Path) -> None:
    path = write("model.py", RISKY)
    path.chmod(0o751)
    _fix(run, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o751
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.py"]


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlinked_file_is_fixed_through_the_link(run, write, tmp_path: Path) -> None:
    target = write("real/model.py", RISKY)
    link = tmp_path / "model.py"
    link.symlink_to(target)
    result = run("model.py", "--fix")
    assert result.exit_code == 0
    assert link.is_symlink()
    assert AFTER in target.read_text()


def test_noqa_line_is_not_fixed(run, write) -> None:
    source = RISKY.replace("nn.Linear:", "nn.Linear:  # noqa: INI201")
    path = write("model.py", source)
    result = run("model.py", "--fix")
    assert result.exit_code == 0
    assert path.read_text() == source


def test_untouched_files_are_not_rewritten(run, write) -> None:
    path = write("clean.py", "import torch\n")
    before = path.stat().st_mtime_ns
    os.utime(path, ns=(before - 10**9, before - 10**9))
    old = path.stat().st_mtime_ns
    run("clean.py", "--fix")
    assert path.stat().st_mtime_ns == old


def test_failed_write_is_a_write_error_and_the_files_diagnostics_are_shown(run, write, monkeypatch) -> None:
    """It was reported as "cannot read file" and the file's diagnostics disappeared (they had
    been fixed in memory only)."""
    import initlint.engine.runner as runner

    full = write("full.py", RISKY)
    fine = write("fine.py", RISKY)
    real_replace = runner.os.replace

    def replace(source, target):
        if Path(target).name == "full.py":
            raise OSError(28, "No space left on device", str(target))
        return real_replace(source, target)

    monkeypatch.setattr(runner.os, "replace", replace)
    result = run(".", "--fix", "--output-format", "concise")
    assert result.stderr.splitlines() == [
        "full.py: error: cannot write fixes: No space left on device; file left unchanged"
    ]
    assert result.stdout.startswith("full.py:5:8: INI201 ")  # not offered as fixable: it failed
    assert "full.py:5:8: INI201 [*]" not in result.stdout
    assert full.read_text() == RISKY and fine.read_text() == RISKY.replace(BEFORE, AFTER)
    assert result.exit_code == 1
    assert sorted(p.name for p in full.parent.iterdir()) == ["fine.py", "full.py"]  # no temp files


def test_read_only_file_is_not_rewritten(run, write) -> None:
    """ruff refuses read-only files; so do we (even as root, where the rename would succeed)."""
    path = write("model.py", RISKY)
    path.chmod(0o444)
    result = run("model.py", "--fix", "--output-format", "concise")
    assert result.stderr.splitlines() == [
        "model.py: error: cannot write fixes: the file is read-only; file left unchanged"
    ]
    assert result.stdout.startswith("model.py:5:8: INI201 ") and "[*]" not in result.stdout
    assert path.read_text() == RISKY and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert result.exit_code == 1


@pytest.mark.skipif(os.name != "posix", reason="hard links")
def test_hard_links_stay_one_file(run, write, tmp_path: Path) -> None:
    path = write("model.py", RISKY)
    other = tmp_path / "elsewhere.py.bak"
    os.link(path, other)
    inode = path.stat().st_ino
    _fix(run, path)
    assert path.stat().st_ino == inode == other.stat().st_ino
    assert other.read_text() == RISKY.replace(BEFORE, AFTER)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="needs root to chown")
def test_another_users_file_keeps_its_owner(run, write) -> None:
    """Fixing a colleague's file (as root, or through group write access) must not make it ours."""
    path = write("model.py", RISKY)
    os.chown(path, 4321, 4322)
    _fix(run, path)
    assert (path.stat().st_uid, path.stat().st_gid) == (4321, 4322)
    assert path.read_text() == RISKY.replace(BEFORE, AFTER)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="needs root to chown")
def test_owner_that_cannot_be_given_back_means_writing_in_place(run, write, monkeypatch) -> None:
    """Without the right to chown (an ordinary user with group write access) the atomic rename
    would take the file over: it is written in place instead."""
    import initlint.engine.runner as runner

    path = write("model.py", RISKY)
    os.chown(path, 4321, 4322)
    inode = path.stat().st_ino

    def chown(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(runner.os, "chown", chown)
    _fix(run, path)
    assert path.stat().st_ino == inode
    assert (path.stat().st_uid, path.stat().st_gid) == (4321, 4322)
    assert path.read_text() == RISKY.replace(BEFORE, AFTER)


WRAP_BEFORE = "        nn.init.zeros_(m.bias)"
BIAS = (
    "import torch.nn as nn\n\n\ndef init_weights(m):\n    if isinstance(m, nn.Linear):\n"
    "        nn.init.zeros_(m.bias)\n"
)


def test_form_feed_at_the_start_of_an_untouched_line_is_kept(run, write) -> None:
    """libcst's codegen drops a form feed that starts a top-level line; --fix used to write
    libcst's regenerated module, deleting it."""
    source = RISKY.replace("def init_weights", "\x0cdef init_weights") + "\x0c\nx = 1\n"
    path = write("model.py", source)
    assert _fix(run, path) == source.replace(BEFORE, AFTER).encode()


def test_cr_only_file_keeps_its_final_cr(run, write) -> None:
    source = RISKY.replace("\n", "\r").encode()
    path = write("model.py", source)
    assert _fix(run, path) == source.replace(BEFORE.encode(), AFTER.encode())


def test_inserted_line_takes_the_ending_of_its_neighbours(run, write) -> None:
    """First line LF (libcst's default for the module), the rest CRLF: the `if` line a wrap fix
    inserts ended with LF among CRLF lines."""
    lines = BIAS.splitlines(keepends=True)
    source = lines[0] + "".join(line.replace("\n", "\r\n") for line in lines[1:])
    path = write("model.py", source.encode())
    expected = source.replace(
        WRAP_BEFORE, "        if m.bias is not None:\r\n            nn.init.zeros_(m.bias)"
    )
    assert _fix(run, path) == expected.encode()


def test_inserted_line_in_an_lf_block_of_a_crlf_file(run, write) -> None:
    lines = BIAS.splitlines(keepends=True)
    source = lines[0].replace("\n", "\r\n") + "".join(lines[1:])
    path = write("model.py", source.encode())
    expected = source.replace(
        WRAP_BEFORE, "        if m.bias is not None:\n            nn.init.zeros_(m.bias)"
    )
    assert _fix(run, path) == expected.encode()


def test_snippet_rows_of_a_file_with_form_feeds(run, write) -> None:
    """str.splitlines breaks at a form feed; the snippet showed the wrong line."""
    write("model.py", RISKY.replace("def init_weights", "\x0c\n\x0cdef init_weights"))
    result = run("model.py")
    assert "6 |     if type(m) == nn.Linear:" in result.stdout

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

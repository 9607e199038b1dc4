"""Linting never imports torch; `--version` does not even import libcst."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO

_PROBE = """
import sys
from initlint.cli.main import main
try:
    main({argv!r})
except SystemExit as exit:
    code = exit.code
heavy = sorted(m for m in ("torch", "numpy", "libcst") if m in sys.modules)
print(code, ",".join(heavy))
"""


def _probe(*argv: str) -> tuple[str, list[str]]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE.format(argv=list(argv))],
        capture_output=True, text=True, check=True, cwd=REPO,
    ).stdout.strip().splitlines()[-1]
    code, _, modules = out.partition(" ")
    return code, [m for m in modules.split(",") if m]


def test_linting_does_not_import_torch() -> None:
    code, modules = _probe("examples", "--no-cache", "-s", "--fix", "--diff")
    assert code == "1"
    assert modules == ["libcst"]


def test_version_imports_neither_torch_nor_libcst() -> None:
    code, modules = _probe("--version")
    assert code == "0"
    assert modules == []


def test_rules_listing_does_not_import_torch() -> None:
    code, modules = _probe("rules")
    assert code == "0"
    assert "torch" not in modules

"""A small slice of real-world precision in the suite: mature-library idioms raise nothing above info.

The full real-package run (timm, torchvision, transformers, diffusers, fairseq) lives in
benchmarks/real_packages.py; its reviewed findings are in docs/precision.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from initlint.diagnostics import Severity
from initlint.engine.linter import LintOptions, lint_bytes
from initlint.rules.registry import all_rules

CORPUS = Path(__file__).parent / "corpus"


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.py")), ids=lambda p: p.name)
def test_mature_idioms_raise_nothing_above_info(path: Path) -> None:
    result = lint_bytes(path.read_bytes(), path.name, LintOptions(rules=all_rules()))
    assert not result.errors
    loud = [
        f"{d.location.row}:{d.location.column} {d.code} {d.severity.value}: {d.message}"
        for d in result.diagnostics
        if d.severity is not Severity.INFO
    ]
    assert loud == []

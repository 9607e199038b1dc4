"""The cyclic collector is paused while one file is linted or summarised, and restored after."""

from __future__ import annotations

import gc
from pathlib import Path

from initlint.engine import linter, project
from initlint.engine.linter import LintOptions, lint_bytes
from initlint.engine.memory import cyclic_gc_paused
from initlint.rules.registry import all_rules

SOURCE = b"import torch.nn as nn\n\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.l = nn.Linear(2, 2)\n        nn.init.normal_(self.l.weight)\n"


def test_lint_runs_without_cyclic_collection_and_restores_it(monkeypatch) -> None:
    seen: list[bool] = []
    real = linter._lint_python
    monkeypatch.setattr(linter, "_lint_python", lambda *a: seen.append(gc.isenabled()) or real(*a))
    assert gc.isenabled()
    result = lint_bytes(SOURCE, "m.py", LintOptions(rules=all_rules()))
    assert seen == [False] and gc.isenabled() and result.errors == []


def test_a_caller_that_disabled_the_collector_keeps_it_disabled() -> None:
    gc.disable()
    try:
        with cyclic_gc_paused():
            assert not gc.isenabled()
        lint_bytes(SOURCE, "m.py", LintOptions(rules=all_rules()))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_exception_in_the_block_restores_the_collector() -> None:
    try:
        with cyclic_gc_paused():
            raise ValueError
    except ValueError:
        pass
    assert gc.isenabled()


def test_summaries_are_built_without_cyclic_collection(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "m.py").write_bytes(SOURCE)
    seen: list[bool] = []
    real = project.summarize
    monkeypatch.setattr(project, "summarize", lambda *a: seen.append(gc.isenabled()) or real(*a))
    index = project.build_index(tmp_path, [tmp_path / "m.py"])
    assert seen == [False] and gc.isenabled() and len(index.files) == 1

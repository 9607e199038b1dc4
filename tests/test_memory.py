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


def test_a_worker_frees_each_files_cyclic_garbage_and_freezes_what_survives() -> None:
    import weakref

    from initlint.engine.memory import collect_per_file, file_done

    class Node:
        pass

    try:
        collect_per_file()
        lint_bytes(SOURCE, "m.py", LintOptions(rules=all_rules()))
        assert not gc.isenabled()  # the per-file pause leaves it off
        kept, cycle = Node(), Node()
        cycle.itself = cycle  # type: ignore[attr-defined]
        freed: list[bool] = []
        weakref.finalize(cycle, freed.append, True)
        del cycle
        assert freed == []
        frozen = gc.get_freeze_count()
        file_done()
        assert freed == [True]  # the file's cycle is collected
        assert gc.get_freeze_count() > frozen and not any(o is kept for o in gc.get_objects())
    finally:
        gc.unfreeze()
        gc.enable()


def test_worker_processes_lint_with_the_per_file_collection(tmp_path: Path, monkeypatch) -> None:
    from initlint.engine import memory, runner

    (tmp_path / "m.py").write_bytes(SOURCE)
    calls: list[str] = []
    monkeypatch.setattr(memory, "collect_per_file", lambda: calls.append("off"))
    monkeypatch.setattr(memory, "file_done", lambda: calls.append("done"))
    task = runner.FileTask(tmp_path / "m.py", "m.py", LintOptions(rules=all_rules()), "")
    runner._init_worker(None, None, None)
    result = runner._lint_in_worker(task)
    assert calls == ["off", "done"] and result.errors == []

"""CPU seconds per phase of linting a fixed sample of a project's files in one process, with the
project index built first (as the CLI does): the text prefilter, the word gate, CPython's
syntax check, the libcst parse, the node table, the import map and file context, the rules'
traversal (per rule with --per-rule, which adds a timer call per callback), the latent-method
pass, positions and diagnostics, freeing the tree, and the cyclic collector (`gc.callbacks`),
run as a worker process runs it (engine/memory.py's per-file collection where the checkout has
it, else the collector paused per file and running between files). `time.process_time` around
each phase. Runs against whatever initlint is first on PYTHONPATH, so two checkouts can be
compared side by side.

    python benchmarks/phases.py ROOT [--every 12] [--index-cache DIR] [--per-rule]

ROOT is a project (a directory with pyproject.toml, as `speed.py` prepares them).
"""

from __future__ import annotations

import argparse
import gc
import time
from collections import defaultdict
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--every", type=int, default=12, help="every Nth file (sorted paths)")
    parser.add_argument("--index-cache", type=Path, default=None)
    parser.add_argument("--per-rule", action="store_true")
    args = parser.parse_args()

    from inprocess import prepared  # (benchmarks/, the script's own folder)

    from initlint.analysis.context import FileContext
    from initlint.analysis.imports import ImportMap
    from initlint.analysis.walk import NodeTable, active_table
    from initlint.engine import memory, parsing, project
    from initlint.engine.linter import _Dispatcher, _FileLinter, _latent_in_unrun_methods
    from initlint.engine.source import decode_source

    index_s, jobs = prepared(args.root, args.index_cache, args.every)

    spent: dict[str, float] = defaultdict(float)
    per_rule: dict[str, float] = defaultdict(float)
    clock = time.process_time
    parsed = findings = 0

    def timed(rule_code: str, callback):
        def call(node):
            begin = clock()
            try:
                callback(node)
            finally:
                per_rule[rule_code] += clock() - begin
        return call

    collected = [0.0, 0.0]

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            collected[1] = clock()
        else:
            collected[0] += clock() - collected[1]

    gc.callbacks.append(on_gc)
    per_file = hasattr(memory, "file_done")
    if per_file:
        memory.collect_per_file()
    total_start = clock()
    for data, rel, opts, package in jobs:
        enabled = gc.isenabled()
        gc.disable()
        t = clock()
        text = decode_source(data).text
        linter = _FileLinter(rel, opts, package)
        t1 = clock(); spent["decode"] += t1 - t; t = t1
        candidates = linter.candidate_rules(text)
        t1 = clock(); spent["prefilter"] += t1 - t; t = t1
        rules = linter.gated(text, candidates)
        t1 = clock(); spent["word gate"] += t1 - t; t = t1
        if not rules:
            if candidates and not linter.index_parsed(text):
                parsing.cpython_syntax_error(text, rel)
            t1 = clock(); spent["syntax check (ungated)"] += t1 - t
            if enabled:
                gc.enable()
            if per_file:
                memory.file_done()
            continue
        parsed += 1
        accepted = linter.index_parsed(text)
        t1 = clock(); spent["index_parsed"] += t1 - t; t = t1
        if not accepted:
            parsing.cpython_syntax_error(text, rel)
        t1 = clock(); spent["syntax check"] += t1 - t; t = t1
        module = parsing._on_deep_stack(parsing._parse_unvalidated, text)
        t1 = clock(); spent["libcst parse"] += t1 - t; t = t1
        table = NodeTable(module)
        t1 = clock(); spent["node table"] += t1 - t; t = t1
        with active_table(table):
            imports = ImportMap.from_module(module, package, opts.init_module_equivalents)
            context = FileContext.build(rel, text, module, imports, package, project.active())
            t1 = clock(); spent["imports+context"] += t1 - t; t = t1
            sink: list = []
            instances = [rule(context, sink) for rule in rules]
            dispatcher = _Dispatcher(instances, context.stack)
            if args.per_rule:
                for table_ in (dispatcher._visit, dispatcher._leave):
                    for name, callbacks in table_.items():
                        table_[name] = [timed(cb.__self__.code, cb) for cb in callbacks]
            t1 = clock(); spent["rule setup"] += t1 - t; t = t1
            dispatcher.run(table)
            t1 = clock(); spent["rules"] += t1 - t; t = t1
            if sink:
                sink = _latent_in_unrun_methods(context, module, sink)
            t1 = clock(); spent["latent"] += t1 - t; t = t1
            diagnostics, _ = linter.diagnostics(text, module, sink)
            findings += len(diagnostics)
            t1 = clock(); spent["diagnostics"] += t1 - t; t = t1
        del module, table, context, instances, dispatcher, imports, sink
        t1 = clock(); spent["free"] += t1 - t; t = t1
        if enabled:
            gc.enable()
        if per_file:
            memory.file_done()
        between_files = [[] for _ in range(800)]  # what a worker allocates between files (its
        del between_files  # results, the next task): the automatic collector runs there
    total = clock() - total_start
    spent["cyclic GC (all of it)"] = collected[0]
    print(f"files {len(jobs)}  parsed {parsed}  findings {findings}  index {index_s:.2f} s  total {total:.2f} s")
    for name, seconds in spent.items():
        print(f"  {name:24s} {seconds:7.2f}")
    if args.per_rule:
        for code, seconds in sorted(per_rule.items(), key=lambda kv: -kv[1]):
            print(f"  rule {code:19s} {seconds:7.2f}")


if __name__ == "__main__":
    main()

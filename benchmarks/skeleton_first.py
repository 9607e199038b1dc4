"""Measure a "skeleton first" lint before building it (docs/performance.md, "Ninth session").

The idea: for a file past the word gate, blank the bodies of functions no rule could draw
evidence from (each becomes `pass` plus empty lines, so every remaining line and column keeps
its place), parse that smaller text with libcst and run the rules; only when the skeleton gives
a report, parse the whole file and lint it as today (so every finding still comes from the full
tree). This script lints each gated file both ways in one process, with the project index
active, and prints CPU seconds (`time.process_time`) for files with and without findings, and
every file where the full lint reports but the skeleton does not (a miss: the skeleton would
lose that file's findings). initlint itself is not changed.

    python benchmarks/skeleton_first.py ROOT [--every 8] [--keep evidence|init-only] [--json OUT]

ROOT is a project (a directory with pyproject.toml, as `speed.py` prepares them).
`--keep evidence` keeps every body that holds an init word, a parameter/module-tree word, a
torch.nn layer name, `affine`, a `1 +` / `+ 1`, or (where INI106 runs) an activation word;
`--keep init-only` keeps only `__init__`, init-named functions and `apply` targets: not sound,
the upper bound of what any skeleton could save.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import time
from pathlib import Path
from typing import Callable, Optional

from initlint.analysis.classes import PARAMETER_ITERATORS
from initlint.analysis.context import _APPLY_TARGET, _MODULE_ITERATORS, FileContext, is_init_name
from initlint.analysis.gate import _LIBRARY, _WORD
from initlint.analysis.imports import ImportMap
from initlint.analysis.tensors import TENSOR_INIT_METHODS
from initlint.analysis.walk import NodeTable, active_table, node_table
from initlint.engine import parsing, project
from initlint.engine.linter import _Dispatcher, _FileLinter, _latent_in_unrun_methods
from initlint.engine.memory import cyclic_gc_paused
from initlint.engine.options import ProjectOptions
from initlint.engine.runner import package_of
from initlint.engine.source import SourceError, decode_source

_NEWLINE = re.compile(r"\r\n|\r|\n")  # CPython's and libcst's line breaks (not \f or \v)
_NN_INIT = frozenset({
    "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "eye_", "dirac_",
    "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "orthogonal_",
    "sparse_", "calculate_gain", "uniform", "normal", "constant", "xavier_uniform",
    "xavier_normal", "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse",
})
_KEEP_WORDS = frozenset({
    "init", "initialization", "weight", "bias", "Parameter", "data", "apply", "deepcopy",
    "reset_parameters", "_reset_parameters", *_MODULE_ITERATORS, *PARAMETER_ITERATORS,
    *TENSOR_INIT_METHODS, *_NN_INIT,
})
_LIBRARY_WORDS = frozenset(name for name, _ in _LIBRARY)  # PyG's `zeros`: only with `inits` written
_TORCH_LAYER = re.compile(
    r"^(?:Lazy)?(?:Conv(?:Transpose)?[123]d|Linear|Bilinear|(?:Sync)?BatchNorm[123]?d?"
    r"|InstanceNorm[123]d|LayerNorm|GroupNorm|RMSNorm|LocalResponseNorm|Embedding(?:Bag)?"
    r"|(?:LSTM|GRU|RNN)(?:Cell)?|MultiheadAttention|Transformer\w*|PReLU|Identity|Sequential"
    r"|ModuleList|ModuleDict)$"
)
_ONE_PLUS = re.compile(r"(?<![\w.])1(?:\.0*)?[\s\\]*\+|\+[\s\\(]*1(?:\.0*)?(?![\w.])")
_ACTIVATION = re.compile(r"(?i)relu|gelu|silu|swish|tanh|sigmoid|elu|softplus|mish|act|glu|sin")

Keep = Callable[[str, str], bool]  # (function name, body text) -> keep the body


def outer_functions(tree: ast.Module) -> list[ast.FunctionDef]:
    """Functions and methods not nested in another function (their bodies hold the nested)."""
    found: list = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append(child)
            elif isinstance(child, (ast.ClassDef, ast.If, ast.Try, ast.With)):
                visit(child)

    visit(tree)
    return found


def skeleton(text: str, tree: ast.Module, keep: Keep) -> tuple[Optional[str], int]:
    """`text` with the bodies `keep` refuses replaced by `pass` on the body's first line and
    empty lines after it: every other line keeps its number and its text, so positions of the
    remaining code are unchanged. Bodies on the `def` line are left alone. Also gives the number
    of characters blanked; None instead of a text when nothing is."""
    lines = _NEWLINE.split(text)
    breaks = _NEWLINE.findall(text)
    blanked = 0
    for function in outer_functions(tree):
        first = function.body[0]
        decorators = getattr(first, "decorator_list", [])
        start = decorators[0].lineno if decorators else first.lineno
        if start <= function.lineno:
            continue
        line = lines[start - 1]
        indent = len(line) - len(line.lstrip(" \t"))
        # the body must start its line (not share it with the end of a multi-line header)
        column = decorators[0].col_offset - 1 if decorators else first.col_offset
        if indent != column:
            continue
        body = "\n".join(lines[start - 1:function.end_lineno])
        if keep(function.name, body):
            continue
        blanked += len(body) - indent
        lines[start - 1] = line[:indent] + "pass"
        for row in range(start, function.end_lineno):  # type: ignore[arg-type]
            lines[row] = ""
    if not blanked:
        return None, 0
    return "".join(line + brk for line, brk in zip(lines, breaks + [""])), blanked


def evidence_keep(text: str, tree: ast.Module, activations: bool) -> Keep:
    words = set(_KEEP_WORDS)
    if re.search(r"\binits\b", text):
        words |= _LIBRARY_WORDS
    for node in ast.walk(tree):  # aliases (`from torch.nn import LayerNorm as LN`)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                source = alias.name.rsplit(".", 1)[-1]
                if alias.asname and (
                    source in words or _TORCH_LAYER.match(source)
                    or _ACTIVATION.search(source) or is_init_name(source)
                ):
                    words.add(alias.asname)
    targets = frozenset(_APPLY_TARGET.findall(text))

    def keep(name: str, body: str) -> bool:
        if name == "__init__" or is_init_name(name) or name in targets:
            return True
        found = set(_WORD.findall(body))
        return bool(
            not found.isdisjoint(words)
            or any(map(is_init_name, found))
            or any(_TORCH_LAYER.match(word) for word in found)
            or "affine" in body
            or _ONE_PLUS.search(body)
            or (activations and any(_ACTIVATION.search(word) for word in found))
        )

    return keep


def init_only_keep(text: str) -> Keep:
    targets = frozenset(_APPLY_TARGET.findall(text))
    return lambda name, body: name == "__init__" or is_init_name(name) or name in targets


def reports_of(linter: _FileLinter, source: str, module, rules) -> list:
    """The rules' reports on `module` (before `# noqa`), with the whole file's text as the
    context's source so the project view and text scans are the full file's."""
    imports = ImportMap.from_module(module, linter.package, linter.options.init_module_equivalents)
    context = FileContext.build(linter.path, source, module, imports, linter.package, project.active())
    sink: list = []
    with active_table(NodeTable(module)), active_table(node_table(module)) as table:
        instances = [rule(context, sink) for rule in rules]
        _Dispatcher(instances, context.stack).run(table)
        if sink:
            sink = _latent_in_unrun_methods(context, module, sink)
    return sink


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path)
    parser.add_argument("--every", type=int, default=1, help="every Nth file (sorted paths)")
    parser.add_argument("--keep", choices=("evidence", "init-only"), default="evidence")
    parser.add_argument("--json", type=Path, default=None, help="per-file rows")
    args = parser.parse_args()

    root = args.root.absolute()
    options = ProjectOptions.discover(root)
    files = project.project_files(root, (), True)
    project.activate(project.build_index(root, files, None), root)
    rows = []
    for path in sorted(files)[:: args.every]:
        relative = path.relative_to(root).as_posix()
        try:
            text = decode_source(path.read_bytes()).text
        except (OSError, SourceError):
            continue
        linter = _FileLinter(relative, options.for_file(relative)[0], package_of(path.parent))
        with cyclic_gc_paused():
            candidates = linter.candidate_rules(text)
            rules = linter.gated(text, candidates) if candidates else []
            if not rules:
                continue  # not parsed either way
            try:
                started = time.process_time()
                _, _, kept = linter.lint_text(text)  # today
                today = time.process_time() - started
                started = time.process_time()
                tree = ast.parse(text)
                keep = (
                    init_only_keep(text) if args.keep == "init-only"
                    else evidence_keep(text, tree, any(rule.code == "INI106" for rule in rules))
                )
                skeletal, blanked = skeleton(text, tree, keep)
                skeleton_reports = None
                if skeletal is None:
                    linter.lint_text(text)
                else:
                    module = parsing._on_deep_stack(parsing._parse_unvalidated, skeletal)
                    skeleton_reports = len(reports_of(linter, text, module, rules))
                    if skeleton_reports:
                        linter.lint_text(text)
                first = time.process_time() - started
            except (parsing.ParseFailure, RecursionError):
                continue
        rows.append({
            "file": relative, "bytes": len(text), "findings": len(kept),
            "skeleton_reports": skeleton_reports,
            "blanked": blanked,
            "today_s": today, "skeleton_first_s": first,
        })
    for label, group in (
        ("with findings", [r for r in rows if r["findings"]]),
        ("without findings", [r for r in rows if not r["findings"]]),
        ("all", rows),
    ):
        today = sum(r["today_s"] for r in group)
        first = sum(r["skeleton_first_s"] for r in group)
        size = sum(r["bytes"] for r in group)
        print(f"{label}: {len(group)} files, {size / 1e6:.2f} MB, "
              f"{sum(r['blanked'] for r in group) / max(size, 1):.1%} blanked; "
              f"today {today:.1f} CPU s, skeleton first {first:.1f} ({first / max(today, 1e-9) - 1:+.1%})")
    misses = [r["file"] for r in rows if r["findings"] and r["skeleton_reports"] == 0]
    print(f"files with findings where the skeleton reports nothing: {len(misses)}", *misses, sep="\n  ")
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()

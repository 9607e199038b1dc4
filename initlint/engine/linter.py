"""Lint one file: decode, prefilter, parse once, run every rule in one traversal, fix.

This module knows nothing about the file system, the cache or processes (see runner.py); it takes
bytes and gives back a FileResult, which makes it easy to test and to run in worker processes.
"""

from __future__ import annotations

import collections
import re
from bisect import bisect_right
from dataclasses import replace
from typing import Optional, Sequence

import libcst as cst

from initlint.analysis.context import FileContext
from initlint.analysis.gate import FileWords
from initlint.analysis.imports import ImportMap
from initlint.analysis.classes import method_never_runs
from initlint.analysis.library import is_test_module
from initlint.analysis.walk import NodeTable, active_table, contains, node_table, table_of
from initlint.diagnostics import (
    Diagnostic,
    FileError,
    FileResult,
    FixInfo,
    Location,
    Severity,
)
from initlint.engine import edits, noqa, notebook, parsing, project
from initlint.engine.memory import cyclic_gc_paused
from initlint.engine.options import LintOptions  # defined there: importable without libcst
from initlint.engine.positions import Positions
from initlint.engine.source import SourceError, SourceFile, decode_source
from initlint.rules.base import Report, Rule

# Every rule resolves names through torch or a torch.nn.init equivalent (transformers model
# files may only import `from ... import initialization as init`).
_BASE_TRIGGERS = ("torch", "initialization")
MAX_FIX_ROUNDS = 10


class _Dispatcher:
    """One traversal for all rules: each node goes to the rules that subscribed to its type."""

    def __init__(self, rules: Sequence[Rule], stack: list[cst.CSTNode]) -> None:
        self._stack = stack
        self._visit: dict[str, list] = {}
        self._leave: dict[str, list] = {}
        for rule in rules:
            for method, node_type in type(rule).visitors().items():
                table = self._visit if method.startswith("visit_") else self._leave
                table.setdefault(node_type, []).append(getattr(rule, method))

    def run(self, table: NodeTable) -> None:
        """Call each node's `visit_` callbacks in pre-order, with its ancestors on the stack,
        and its `leave_` callbacks (the node still on the stack) once its subtree is done: the
        order of a recursive walk. Only the nodes of subscribed types are visited (a sixth of
        a file's nodes); the ancestors between two of them are found by jumping over the
        subtrees that end before the next one, not by stepping through every node."""
        visit, leave = self._visit, self._leave
        events: list[tuple[int, list, list]] = []
        for kind, positions in table.by_type.items():
            name = kind.__name__
            if name in visit or name in leave:
                on_visit, on_leave = visit.get(name, []), leave.get(name, [])
                events.extend((position, on_visit, on_leave) for position in positions)
        events.sort(key=_first)
        nodes, ends = table.nodes, table.ends
        stack = self._stack
        open_at: list[int] = []  # positions of the nodes on the stack above `base`
        open_leaves: list[list] = []  # their `leave_` callbacks
        for position, on_visit, on_leave in events:
            while open_at and ends[open_at[-1]] <= position:
                open_at.pop()
                done = stack[-1]
                for callback in open_leaves.pop():
                    callback(done)
                stack.pop()
            # the ancestors of `position` below the innermost open node (or the root)
            i = open_at[-1] + 1 if open_at else 0
            while i < position:
                if ends[i] > position:
                    open_at.append(i)
                    open_leaves.append(_NO_CALLBACKS)
                    stack.append(nodes[i])
                    i += 1
                else:
                    i = ends[i]
            open_at.append(position)
            open_leaves.append(on_leave)
            node = nodes[position]
            stack.append(node)
            for callback in on_visit:
                callback(node)
        while open_at:
            open_at.pop()
            done = stack[-1]
            for callback in open_leaves.pop():
                callback(done)
            stack.pop()


_NO_CALLBACKS: list = []


def _first(event: tuple) -> int:
    return event[0]


def _latent_in_unrun_methods(context: FileContext, module: cst.Module, reports: list[Report]) -> list[Report]:
    """A finding inside an init method that nothing in the project runs (no call, `apply`,
    reference or framework hook, per the project index) describes code that never executes:
    it is latent, so it is said at `info`, naming the method (an `info` finding there is
    labelled the same way: it describes code that does not run)."""
    unrun: list[tuple[str, cst.FunctionDef]] = []
    for klass in module.body:
        if not isinstance(klass, cst.ClassDef) or not isinstance(klass.body, cst.IndentedBlock):
            continue
        for method in klass.body.body:
            if isinstance(method, cst.FunctionDef) and method_never_runs(context, klass, method):
                unrun.append((f"nothing in the project runs `{klass.name.value}.{method.name.value}`", method))
    unrun += [(f"`{f.name.value}` is defined again later in this module, which replaces this definition", f)
              for f in _shadowed_functions(context, module.body)]
    if not unrun:
        return reports
    result: list[Report] = []
    for report in reports:
        if not report.rule.judges_unrun_code:
            why = next((why for why, method in unrun if contains(method, report.node)), None)
            if why is not None:
                report = replace(report, severity=Severity.INFO, message=f"{report.message} (latent: {why})")
        result.append(report)
    return result


def _shadowed_functions(context: FileContext, body: Sequence[cst.BaseStatement]) -> list[cst.FunctionDef]:
    """Module-level functions that a later module-level `def` of the same name replaces before
    anything at module level could use them (no statement between mentions the name): their
    code never runs (tempodev defines `kaiming_init` twice; every call gets the second)."""
    shadowed: list[cst.FunctionDef] = []
    counts = collections.Counter(s.name.value for s in body if isinstance(s, cst.FunctionDef))
    twice = {name for name, count in counts.items() if count > 1}
    if not twice:
        return shadowed
    for position, statement in enumerate(body):
        if not isinstance(statement, cst.FunctionDef) or statement.decorators or statement.name.value not in twice:
            continue
        name = statement.name.value
        for later in body[position + 1:]:
            if isinstance(later, cst.FunctionDef) and later.name.value == name:
                shadowed.append(statement)
                break
            if any(re.search(rf"\b{re.escape(name)}\b", context.code_for(part)) for part in _runs_at_import(later)):
                break  # used (or rebound) before the redefinition
    return shadowed


def _runs_at_import(statement: cst.CSTNode) -> list[cst.CSTNode]:
    """The parts of a module-level statement that run when the module is imported: not the
    bodies of functions (a method calling `kaiming_init` runs later and gets the last one)."""
    if isinstance(statement, cst.FunctionDef):
        return [*statement.decorators, statement.params]
    if isinstance(statement, cst.ClassDef):
        parts: list[cst.CSTNode] = [*statement.decorators, *statement.bases, *statement.keywords]
        body = statement.body.body if isinstance(statement.body, cst.IndentedBlock) else [statement.body]
        for inner in body:
            parts += _runs_at_import(inner)
        return parts
    return [statement]


class _FileLinter:
    def __init__(self, path: str, options: LintOptions, package: Optional[str]) -> None:
        self.path = path
        self.options = options
        self.package = package

    def is_init_wrapper_module(self) -> bool:
        """transformers.initialization and declared equivalents define torch.nn.init's names
        themselves: their own code is not user init code."""
        if not self.package:
            return False
        stem = self.path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return f"{self.package}.{stem}" in self.options.init_module_equivalents

    def in_test_module(self) -> bool:
        stem = self.path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return is_test_module(f"{self.package}.{stem}" if self.package else stem)

    def candidate_rules(self, text: str) -> list[type[Rule]]:
        """The rules the text prefilter lets through (`torch`, `triggers`, `# noqa`)."""
        if not any(word in text for word in _BASE_TRIGGERS + self.options.init_module_equivalents):
            return []
        if self.is_init_wrapper_module():
            return []
        exempt = noqa.file_exemptions(text)
        index = project.active()
        return [
            rule
            for rule in self.options.rules
            if not noqa.is_exempt(rule.code, exempt) and rule.may_apply(text, index)
        ]

    def gated(self, text: str, rules: list[type[Rule]]) -> list[type[Rule]]:
        """The word gate: only rules that could report in a file with these words run, and a
        file where none could is not parsed (most of a model repository's other files)."""
        if not rules:
            return rules
        words = FileWords(text, self.package, self.options.init_module_equivalents)
        return [rule for rule in rules if rule.may_report(words)]

    def rules_for(self, text: str) -> list[type[Rule]]:
        return self.gated(text, self.candidate_rules(text))

    def parse(self, text: str) -> cst.Module:
        return parsing.parse_module(text, self.path, self.index_parsed(text))

    def index_parsed(self, text: str) -> bool:
        """The project index summarised exactly this text without error: CPython's parser
        accepted it there (`ast.parse`, 4% of a profiled transformers run when repeated)."""
        index = project.active()
        if index is None:
            return False
        from initlint.analysis.project import content_digest, module_name

        key = index.file_with_digest(module_name(self.package, self.path), content_digest(text))
        return key is not None and index.files[key].error is None

    def run_rules(self, text: str, module: cst.Module, rules: list[type[Rule]]) -> list[Report]:
        imports = ImportMap.from_module(module, self.package, self.options.init_module_equivalents)
        context = FileContext.build(
            self.path, text, module, imports, self.package, project.active()
        )
        sink: list[Report] = []
        # One walk of the tree makes the node table; the traversal and every on-demand scan of
        # a subtree (find_all, iter_nodes, walk) read it instead of walking again.
        with active_table(node_table(module)) as table:
            instances = [rule(context, sink) for rule in rules]
            _Dispatcher(instances, context.stack).run(table)
            if sink:
                sink = _latent_in_unrun_methods(context, module, sink)
        return sink

    def diagnostics(
        self, text: str, module: cst.Module, reports: list[Report]
    ) -> tuple[list[Diagnostic], list[Report]]:
        """Attach positions and fix edits (computed only now, and only when something was
        reported), then apply `# noqa`."""
        if not reports:
            return [], []
        fixes = [r.fix.node for r in reports if r.fix]
        statements = None if fixes else _statements_of(module, [r.node for r in reports])
        positions = (statements is not None and Positions.of_statements(module, text, statements)) or Positions(
            module, text, extents_for=fixes
        )
        lines = _NEWLINE.split(text)
        kept: list[tuple[Diagnostic, Report]] = []
        for report in reports:
            span = positions[report.node]
            row = span.start_line
            code = report.rule.code
            if noqa.is_exempt(code, noqa.line_exemptions(_line(lines, row))):
                continue
            fix_info = None
            if report.fix is not None:
                fix_edits = edits.fix_edits(positions, report.fix.node, report.fix.replacement)
                # A fix never changes a line whose `# noqa` exempts the rule (a wrap fix would
                # re-indent a bare `# noqa` on a statement's second line): it is withheld.
                if fix_edits and not any(
                    noqa.is_exempt(code, noqa.line_exemptions(_line(lines, touched)))
                    for edit in fix_edits
                    for touched in edits.touched_rows(edit)
                ):
                    fix_info = FixInfo(report.fix.message, report.fix.safety, fix_edits)
            severity = self.options.severity_overrides.get(code, report.severity)
            message = report.message
            if severity is not Severity.INFO and self.in_test_module():
                # reviewed loud findings in test suites were never true (skorch, fastvideo,
                # norse, llms-from-scratch): fixtures built to check code, not models to train
                severity = Severity.INFO
                message += " (in a test module: a fixture built to check code, not a model anyone trains)"
            kept.append(
                (
                    Diagnostic(
                        path=self.path,
                        code=code,
                        name=report.rule.name,
                        message=message,
                        severity=severity,
                        location=Location(row, span.start_column + 1),
                        end_location=Location(span.end_line, span.end_column + 1),
                        fix=fix_info,
                        noqa_row=row,
                    ),
                    report,
                )
            )
        kept.sort(key=lambda pair: pair[0].sort_key())
        return [d for d, _ in kept], [r for _, r in kept]

    def lint_text(
        self, text: str, module: Optional[cst.Module] = None
    ) -> tuple[Optional[cst.Module], list[Diagnostic], list[Report]]:
        """Raises ParseFailure for text that is not Python, RecursionError for too deep a tree."""
        candidates = self.candidate_rules(text)
        if not candidates:
            return None, [], []
        rules = self.gated(text, candidates)
        if not rules:
            # No rule can report here, so libcst does not parse it; CPython's parser still
            # judges it (unless the project index parsed this very text), so a syntax error is
            # reported as for any file past the prefilter.
            if module is None and not self.index_parsed(text):
                error = parsing.cpython_syntax_error(text, self.path)
                if error is not None:
                    raise parsing.ParseFailure(error)
            return None, [], []
        module = module or self.parse(text)
        with active_table(NodeTable(module)):  # the rules' walks and the reports' statements
            reports = self.run_rules(text, module, rules)
            diagnostics, kept = self.diagnostics(text, module, reports)
        return module, diagnostics, kept

    def fixable(self, diagnostics: list[Diagnostic], banned: set) -> list[Diagnostic]:
        """The fixes of this round: allowed, not known to break the file, and apart from each
        other (ruff's rule: overlapping or touching fixes wait for the next round)."""
        chosen: list[Diagnostic] = []
        taken: list[tuple[tuple[int, int], tuple[int, int]]] = []
        for diagnostic in diagnostics:
            fix = diagnostic.fix
            if fix is None or not fix.edits or not self.options.fix_allowed(fix.safety):
                continue
            if _signature(diagnostic) in banned:
                continue
            start, end = edits.span(fix.edits)
            if any(start <= other_end and other_start <= end for other_start, other_end in taken):
                continue
            taken.append((start, end))
            chosen.append(diagnostic)
        return chosen

    def parses(self, text: str) -> bool:
        try:
            self.parse(text)
        except (parsing.ParseFailure, RecursionError):
            return False
        return True


_NEWLINE = re.compile(r"\r\n|\r|\n")  # where libcst and CPython break lines (not at \f)


def _statements_of(module: cst.Module, nodes: list[cst.CSTNode]) -> Optional[list[int]]:
    """The indices of the top-level statements that hold `nodes`, from the active node table;
    None when there is no table or a node is not inside one statement of `module.body`."""
    table = table_of(module)
    if table is None:
        return None
    starts = [table.start_of(statement) for statement in module.body]
    if None in starts:
        return None
    found = []
    for node in nodes:
        where = table.start_of(node)
        if where is None:
            return None
        index = bisect_right(starts, where) - 1  # type: ignore[type-var]
        if index < 0 or where >= table.ends[starts[index]]:  # type: ignore[index]
            return None
        found.append(index)
    return found


def _line(lines: list[str], row: int) -> str:
    return lines[row - 1] if 0 < row <= len(lines) else ""


def _signature(diagnostic: Diagnostic) -> tuple:
    """A fix independent of where earlier fixes moved it: its rule and its edits' contents."""
    assert diagnostic.fix is not None
    return (diagnostic.code, diagnostic.fix.message, tuple(e.content for e in diagnostic.fix.edits))


def lint_bytes(
    data: bytes, path: str, options: LintOptions, package: Optional[str] = None
) -> FileResult:
    with cyclic_gc_paused():  # the parse tree is freed by reference counting (engine/memory.py)
        if notebook.is_notebook(path):
            return notebook.lint_notebook(data, path, options, package, _lint_python)
        return _lint_python(data, path, options, package)


def _lint_python(
    data: bytes, path: str, options: LintOptions, package: Optional[str] = None
) -> FileResult:
    result = FileResult(path=path, original_source=data)
    try:
        source: SourceFile = decode_source(data)
    except SourceError as exc:
        result.errors.append(FileError(path, str(exc)))
        return result
    linter = _FileLinter(path, options, package)
    text = source.text
    try:
        module, diagnostics, reports = linter.lint_text(text)
    except parsing.ParseFailure as exc:
        result.errors.append(exc.error)
        return result
    except RecursionError:
        result.errors.append(parsing.too_deep(path))
        return result
    if options.fix:
        text, diagnostics = _fix(linter, result, text, diagnostics)
        if text != source.text:
            result.fixed_source = source.encode(text)
    result.diagnostics = diagnostics
    return result


def _fix(
    linter: _FileLinter, result: FileResult, text: str, diagnostics: list[Diagnostic]
) -> tuple[str, list[Diagnostic]]:
    """Apply fixes as text edits, round after round, until none is left (or MAX_FIX_ROUNDS).
    New text must parse (CPython and libcst); a fix that breaks it is dropped with one error
    line and no longer offered, and the others are still applied."""
    banned: set = set()
    failed: set[str] = set()
    for _ in range(MAX_FIX_ROUNDS):
        chosen = linter.fixable(diagnostics, banned)
        if not chosen:
            break
        new_text = edits.apply_edits(text, [e for d in chosen for e in d.fix.edits])  # type: ignore[union-attr]
        if new_text == text:
            break
        try:  # the new text must parse whether or not rules apply to it
            _, new_diagnostics, _ = linter.lint_text(new_text, linter.parse(new_text))
        except (parsing.ParseFailure, RecursionError):
            bad = [d for d in chosen if not linter.parses(edits.apply_edits(text, d.fix.edits))]  # type: ignore[union-attr]
            for diagnostic in bad or chosen:  # none alone: together they break it
                banned.add(_signature(diagnostic))
                if diagnostic.code not in failed:
                    failed.add(diagnostic.code)
                    result.errors.append(
                        FileError(linter.path, f"fix for {diagnostic.code} produced invalid code; not applied")
                    )
            continue
        result.fixed.extend(chosen)
        text, diagnostics = new_text, new_diagnostics
    # what could not be fixed is not advertised as fixable
    return text, [
        replace(d, fix=None) if d.fix is not None and _signature(d) in banned else d for d in diagnostics
    ]

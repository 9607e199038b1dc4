"""What a rule is: one small class with its code, its documentation and its own test cases.

A rule subscribes to node types with `visit_<Node>` / `leave_<Node>` methods, exactly like a libcst
visitor; the engine runs every enabled rule in one traversal and gives each the file's
`FileContext`. Rules call `self.report(...)`; positions are computed by the engine, and only for the
nodes actually reported.
"""

from __future__ import annotations

import inspect
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, ClassVar, Optional

import libcst as cst

from initlint.analysis.context import FileContext
from initlint.analysis.library import library_init
from initlint.diagnostics import FixSafety, Severity

if TYPE_CHECKING:
    from initlint.analysis.gate import FileWords
    from initlint.analysis.project import ProjectIndex


@dataclass(frozen=True)
class Valid:
    """Code the rule must stay quiet on."""

    code: str
    reason: str = ""


@dataclass(frozen=True)
class Invalid:
    """Code the rule must flag; `expected_fix` is the whole file after `--fix`."""

    code: str
    expected_fix: Optional[str] = None
    unsafe: bool = False
    line: Optional[int] = None
    message_contains: Optional[str] = None
    severity: Optional[Severity] = None
    count: Optional[int] = None


@dataclass(frozen=True)
class Fix:
    """Replace `node` with `replacement` in the tree."""

    node: cst.CSTNode
    replacement: cst.CSTNode
    message: str
    safety: FixSafety


@dataclass
class Report:
    rule: "Rule"
    node: cst.CSTNode
    message: str
    severity: Severity
    fix: Optional[Fix] = None


Visitor = Callable[[cst.CSTNode], None]


class Rule:
    """Base class of every initlint rule. Subclasses set the class attributes below."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[Severity]
    fix_safety: ClassVar[Optional[FixSafety]] = None
    # The file must contain one of these strings for the rule to have anything to find.
    triggers: ClassVar[tuple[str, ...]] = ()
    # Findings inside an init method nothing runs are latent and said at info by the engine,
    # except for rules whose findings are about code that does not run (they set this).
    judges_unrun_code: ClassVar[bool] = False
    VALID: ClassVar[list[Valid]] = []
    INVALID: ClassVar[list[Invalid]] = []

    def __init__(self, context: FileContext, sink: list[Report]) -> None:
        self.context = context
        self._sink = sink

    def report(
        self,
        node: cst.CSTNode,
        message: str,
        *,
        severity: Optional[Severity] = None,
        fix: Optional[Fix] = None,
    ) -> None:
        self._sink.append(Report(self, node, message, severity or self.severity, fix))

    def make_fix(self, node: cst.CSTNode, replacement: cst.CSTNode, message: str) -> Optional[Fix]:
        """None when `node` is a call of another library's init helper (PyG's `glorot`): rules
        write fixes in torch.nn.init's signature, which that helper does not share."""
        assert self.fix_safety is not None, f"{self.code} declares no fix"
        if isinstance(node, cst.Call) and library_init(self.context.resolve(node.func)) is not None:
            return None
        return Fix(node, replacement, message, self.fix_safety)

    def guard_statement_fix(
        self, node: cst.CSTNode, condition: str, safety: Optional[FixSafety] = None
    ) -> Optional[Fix]:
        """Wrap the statement line that holds only `node` (a statement, or the call it consists
        of) in `if <condition>:`.

        None when `node` shares its line with other statements (`a(); b()`) or sits in a one-line
        block (`if x: a()`), where re-indenting could change more than the guard.
        """
        line = self.context.nearest(cst.SimpleStatementLine)
        if line is None or len(line.body) != 1:
            return None
        statement = line.body[0]
        value = statement.value if isinstance(statement, cst.Expr) else None
        if node is not statement and node is not value:
            return None
        parents = [n for n in self.context.ancestors() if n is not line]
        block = next((n for n in parents if isinstance(n, (cst.IndentedBlock, cst.Module))), None)
        if block is None or line not in block.body:
            return None
        wrapped = cst.If(
            test=cst.parse_expression(condition),
            body=cst.IndentedBlock(body=[line.with_changes(leading_lines=())]),
            leading_lines=line.leading_lines,
        )
        safety = safety or self.fix_safety
        assert safety is not None, f"{self.code} declares no fix"
        return Fix(line, wrapped, f"Wrap in `if {condition}:`", safety)

    # -- introspection used by the engine and the docs ---------------------------------------
    @classmethod
    def visitors(cls) -> dict[str, str]:
        """`visit_Call` → ("visit", "Call") pairs as {method name: node type name}."""
        found: dict[str, str] = {}
        for attr in dir(cls):
            if attr.startswith(("visit_", "leave_")):
                found[attr] = attr.split("_", 1)[1]
        return found

    @classmethod
    def documentation(cls) -> str:
        return textwrap.dedent(inspect.getdoc(cls) or "").strip()

    @classmethod
    def may_apply(cls, source: str, index: Optional["ProjectIndex"] = None) -> bool:
        """A cheap filter on the file's text: one of `triggers`, or of `project_triggers` (words
        known only from the whole project, e.g. names of its helpers that a rule checks calls to)."""
        if not cls.triggers or any(word in source for word in cls.triggers):
            return True
        return index is not None and any(word in source for word in cls.project_triggers(index))

    @classmethod
    def project_triggers(cls, index: "ProjectIndex") -> frozenset[str]:
        return frozenset()

    @classmethod
    def may_report(cls, words: "FileWords") -> bool:
        """The word gate (`analysis/gate.py`), asked after `may_apply`: False only when this
        rule cannot report in a file with these words, so the engine does not run it there (and
        does not parse a file no rule may report in). Each override says why it is sound;
        `tests/test_gate.py` runs every rule's INVALID examples through it."""
        return True

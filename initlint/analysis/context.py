"""Per-file facts that several rules need, computed once and cheaply.

The engine keeps `stack` (the ancestors of the node being visited) up to date during its single
traversal, so rules can ask "am I inside an init function?" without a parent-metadata pass.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Hashable, Iterator, Optional, TypeVar

import libcst as cst

from initlint.analysis.imports import ImportMap, dotted_name
from initlint.analysis.library import is_test_name

if TYPE_CHECKING:
    from initlint.analysis.project import ProjectIndex, ProjectView

NodeT = TypeVar("NodeT", bound=cst.CSTNode)
T = TypeVar("T")

# Names that, by convention, mark a function whose job is to initialize weights.
_INIT_NAME = re.compile(
    r"(?:^|_)(?:re)?init(?:iali[sz]e)?(?:_|$)|initiali[sz]e|^reset_parameters$|^_reset_parameters$"
    r"|weights?_init|init_?weights?",
    re.IGNORECASE,
)
_NOT_INIT_NAMES = frozenset({"__init__", "__init_subclass__", "__post_init__"})

# `.apply(fn)`, `.apply(self._init)`, `.apply(partial(fn, ...))`: the callables given to apply.
_APPLY_TARGET = re.compile(
    r"\.apply\(\s*(?:(?:functools\.)?partial\(\s*)?(?:self\.|cls\.)?([A-Za-z_]\w*)"
)

_MODULE_ITERATORS = frozenset({"modules", "named_modules", "children", "named_children"})
_WORD = re.compile(r"\w+")
_NEAR = 400  # characters around a name that `matches_near` searches


def is_init_name(name: str) -> bool:
    """Names that by convention mark a weight-init function (`_init_weights`, `reset_parameters`).
    A name pytest and unittest collect as a test (`test_init_state`, `testReinitializes`) is a
    test, run by the test runner with fixtures for arguments, not init code."""
    return name not in _NOT_INIT_NAMES and not is_test_name(name) and bool(_INIT_NAME.search(name))


def is_module_iteration(expr: cst.BaseExpression) -> bool:
    """`model.modules()`, `self.named_modules()` and friends."""
    return (
        isinstance(expr, cst.Call)
        and isinstance(expr.func, cst.Attribute)
        and expr.func.attr.value in _MODULE_ITERATORS
    )


@dataclass
class FileContext:
    """What rules may ask about the file being linted."""

    path: str
    source: str
    module: cst.Module
    imports: ImportMap
    stack: list[cst.CSTNode] = field(default_factory=list)
    apply_targets: frozenset[str] = frozenset()
    package: Optional[str] = None
    project_index: Optional["ProjectIndex"] = field(default=None, repr=False)
    _memo: dict[Hashable, Any] = field(default_factory=dict, repr=False)
    # id(call) → (call, its InitCall or None): `tensors.init_call`'s answers for this file
    init_calls: dict[int, tuple[cst.Call, Any]] = field(default_factory=dict, repr=False)
    # id(node) → (node, its code): `code_for`'s answers
    codes: dict[int, tuple[cst.CSTNode, str]] = field(default_factory=dict, repr=False)

    @property
    def project(self) -> "ProjectView":
        """Facts about the whole project as seen from this file (see initlint.analysis.project).
        Built on first use; without a project index, the index holds just this file."""
        from initlint.analysis.project import project_view

        return self.memo(
            "project-view",
            lambda: project_view(self.path, self.source, self.package, self.project_index),
        )

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Per-file memoisation for analyses several rules or nodes ask for (key by node id)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @classmethod
    def build(
        cls,
        path: str,
        source: str,
        module: cst.Module,
        imports: ImportMap,
        package: Optional[str] = None,
        project_index: Optional["ProjectIndex"] = None,
    ) -> "FileContext":
        targets = frozenset(_APPLY_TARGET.findall(source))
        return cls(
            path=path, source=source, module=module, imports=imports, apply_targets=targets,
            package=package, project_index=project_index,
        )

    # -- names -------------------------------------------------------------------------------
    def resolve(self, expr: cst.BaseExpression) -> Optional[str]:
        return self.imports.resolve(expr)

    def init_function(self, func: cst.BaseExpression) -> Optional[str]:
        return self.imports.init_function(func)

    # -- where are we? -----------------------------------------------------------------------
    def ancestors(self) -> Iterator[cst.CSTNode]:
        """Innermost first, excluding the node being visited."""
        return reversed(self.stack[:-1])

    def nearest(self, kind: type[NodeT]) -> Optional[NodeT]:
        for node in self.ancestors():
            if isinstance(node, kind):
                return node
        return None

    def is_init_function(self, func: cst.FunctionDef) -> bool:
        name = func.name.value
        if name in _NOT_INIT_NAMES:
            return False
        if is_init_name(name):
            return True
        return name in self.apply_targets and self._touches_tensors(func)

    def _touches_tensors(self, func: cst.FunctionDef) -> bool:
        """A function given to `apply` under a name that does not say init is init code only if
        it initializes something or touches a module's tensors (`.weight`, `.bias`, `.data`):
        hook installers and counters (`model.apply(add_flops_hook)`) pick classes on purpose."""

        def compute() -> bool:
            from initlint.analysis.tensors import init_call  # tensors builds on this module
            from initlint.analysis.walk import iter_nodes

            return any(
                (isinstance(node, cst.Call) and init_call(node, self) is not None)
                or (isinstance(node, cst.Attribute) and node.attr.value in ("weight", "bias", "data"))
                for node in iter_nodes(func.body)
            )

        return self.memo(("touches-tensors", id(func)), compute)

    def init_context(self) -> Optional[cst.CSTNode]:
        """The enclosing init function, module loop or `.apply(lambda ...)`, if any."""
        previous: Optional[cst.CSTNode] = None
        for node in self.ancestors():
            if isinstance(node, cst.FunctionDef) and self.is_init_function(node):
                return node
            if (
                isinstance(node, cst.For)
                and previous is not node.iter
                and is_module_iteration(node.iter)
                and self._loop_initializes(node)
            ):
                return node
            if isinstance(node, cst.Call) and isinstance(previous, cst.Arg):
                if isinstance(node.func, cst.Attribute) and node.func.attr.value == "apply":
                    if isinstance(previous.value, cst.Lambda):
                        return previous.value
            previous = node
        return None

    def _loop_initializes(self, loop: cst.For) -> bool:
        """A loop over `.modules()` is init code only if it initializes something: quantization
        and conversion loops (`fuse_model`) pick exact classes on purpose."""

        def compute() -> bool:
            from initlint.analysis.tensors import init_call  # tensors builds on this module
            from initlint.analysis.walk import iter_nodes

            return any(
                isinstance(node, cst.Call) and init_call(node, self) is not None
                for node in iter_nodes(loop.body)
            )

        return self.memo(("loop-initializes", id(loop)), compute)

    def in_init_context(self) -> bool:
        return self.init_context() is not None

    def enclosing_class(self) -> Optional[cst.ClassDef]:
        return self.nearest(cst.ClassDef)

    def enclosing_function(self) -> Optional[cst.FunctionDef]:
        return self.nearest(cst.FunctionDef)

    def code_for(self, node: cst.CSTNode) -> str:
        """The node's source, generated once per node (rules ask for the same nodes' code)."""
        known = self.codes.get(id(node))
        if known is not None and known[0] is node:
            return known[1]
        code = self.module.code_for_node(node)
        self.codes[id(node)] = (node, code)  # the node is kept: its id stays its own
        return code

    def scope_code(self, node: cst.CSTNode) -> str:
        """Source of a class, function or the module, generated once per node: rules that look
        at their enclosing scope for every call they visit would otherwise regenerate it each
        time (quadratic in the size of the scope)."""
        if isinstance(node, cst.Module):
            return self.source
        return self.memo(("scope-code", id(node)), lambda: self.code_for(node))

    def word_count(self, word: str) -> int:
        """How often `word` occurs as a whole word in the file (one tokenising pass per file)."""
        counts = self.memo("word-counts", lambda: Counter(re.findall(r"\w+", self.source)))
        return counts[word]

    def matches_near(self, pattern: "re.Pattern[str]", scope: cst.CSTNode, word: str) -> bool:
        """`pattern` occurs in the code of `scope` close to an occurrence of `word` (a name).

        For patterns built around one name (`self\\.{attr}\\s*=...`): instead of scanning the
        whole scope once per name asked about (quadratic in a class with many attributes), only
        a window around each occurrence of the name is searched. Occurrences come from one
        tokenising pass per scope."""
        code = self.scope_code(scope)

        def positions() -> dict[str, list[int]]:
            found: dict[str, list[int]] = {}
            for match in _WORD.finditer(code):
                found.setdefault(match.group(), []).append(match.start())
            return found

        where = self.memo(("word-positions", id(scope)), positions)
        return self.memo(
            ("matches-near", pattern.pattern, pattern.flags, id(scope), word),
            lambda: any(
                pattern.search(code, max(0, start - _NEAR), start + len(word) + _NEAR) is not None
                for start in where.get(word, ())
            ),
        )

    def scope_matches(self, pattern: "re.Pattern[str]", node: Optional[cst.CSTNode] = None) -> bool:
        """`pattern` occurs in the code of `node` (the whole file by default); searched once per
        (pattern, scope), so a rule may ask at every call site and stay linear in file size."""
        scope = self.module if node is None else node
        return self.memo(
            ("scope-matches", pattern.pattern, pattern.flags, id(scope)),
            lambda: pattern.search(self.scope_code(scope)) is not None,
        )

    def dotted(self, expr: cst.BaseExpression) -> Optional[str]:
        return dotted_name(expr)

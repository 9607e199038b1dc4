"""The node table answers find_all / iter_nodes / walk / contains exactly as walking the tree does.

Rules and analyses ask these for any subtree while a file is linted; with a table active they are
answered from the table, so any difference (order, a missing or extra node, a wrong subtree end)
would change findings. Each question is asked for many subtrees of real files, with and without
the table, and against a reference walk written here from libcst's dataclass fields.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import libcst as cst
import pytest

from initlint.analysis import walk as W

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    ROOT / "initlint" / "analysis" / "walk.py",
    ROOT / "initlint" / "engine" / "linter.py",
]
KINDS = [
    cst.Call,
    cst.Name,
    cst.BaseExpression,  # an abstract base: every concrete expression type
    (cst.Assign, cst.AnnAssign, cst.Param, cst.Arg, cst.DictElement, cst.Return),
    (cst.CompFor, cst.For, cst.AssignTarget, cst.NamedExpr),
    (cst.ListComp, cst.GeneratorExp, cst.For),
    cst.FunctionDef,
    cst.Lambda,  # absent from some subtrees
    cst.Comment,  # whitespace and comments: left out of the table, still found
    cst.CSTNode,
]


def _reference(root: cst.CSTNode, prune=lambda node: False) -> list[cst.CSTNode]:
    """Every node under `root` in pre-order, children in libcst's field order (decorators and
    leading lines first, as source order has them); nothing below a node where `prune` holds."""
    found: list[cst.CSTNode] = []

    def visit(node: cst.CSTNode) -> None:
        found.append(node)
        if prune(node):
            return
        names = [f.name for f in dataclasses.fields(node)]
        first = [n for n in ("decorators", "leading_lines", "lpar") if n in names]
        for name in first + [n for n in names if n not in first]:
            value = getattr(node, name)
            for item in value if isinstance(value, (list, tuple)) else [value]:
                if isinstance(item, cst.CSTNode):
                    visit(item)

    visit(root)
    return found


def _outside(root: cst.CSTNode, kinds, barriers) -> list[cst.CSTNode]:
    """Reference for find_all_outside: not below a barrier other than `root`."""
    pruned = _reference(root, lambda node: node is not root and isinstance(node, barriers))
    return [node for node in pruned if isinstance(node, kinds)]


SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def _walked(root: cst.CSTNode) -> list[cst.CSTNode]:
    return [n for n in _reference(root) if not isinstance(n, W.WHITESPACE_NODES)]


def _events(root: cst.CSTNode) -> list[tuple[str, int]]:
    events: list[tuple[str, int]] = []
    W.walk(root, lambda n: events.append(("visit", id(n))), lambda n: events.append(("leave", id(n))))
    return events


def _no_functions(node: cst.CSTNode) -> bool:
    return not isinstance(node, cst.FunctionDef)


def _ids(nodes) -> list[int]:
    return [id(n) for n in nodes]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_table_answers_like_walking(path: Path) -> None:
    module = cst.parse_module(path.read_text())
    table = W.NodeTable(module)
    assert not table.shared
    assert _ids(table.nodes) == _ids(W.iter_nodes(module)) == _ids(_walked(module))
    roots = table.nodes[:: max(1, len(table.nodes) // 40)] + [module]
    for root in roots:
        every = _reference(root)
        assert [_ids(W.find_all(root, k)) for k in KINDS] == [
            [id(n) for n in every if isinstance(n, k)] for k in KINDS
        ]
        assert _ids(W.iter_nodes(root)) == _ids(_walked(root))
        outside = _ids(_outside(root, cst.Call, SCOPES))
        assert _ids(W.find_all_outside(root, cst.Call, SCOPES)) == outside
        with W.active_table(table):
            assert _ids(W.find_all_outside(root, cst.Call, SCOPES)) == outside
    walked = {
        id(root): (
            [_ids(W.find_all(root, kinds)) for kinds in KINDS],
            _events(root),
            _ids(W.iter_nodes(root, _no_functions)),
        )
        for root in roots
    }
    inside = {(id(a), id(b)): any(n is b for n in W.iter_nodes(a)) for a in roots[:25] for b in roots[:25]}
    with W.active_table(table):
        assert W._table_for(module) is table
        for root in roots:
            finds, events, pruned = walked[id(root)]
            assert [_ids(W.find_all(root, kinds)) for kinds in KINDS] == finds
            assert _events(root) == events
            assert _ids(W.iter_nodes(root, _no_functions)) == pruned
        for a in roots[:25]:
            for b in roots[:25]:
                assert W.contains(a, b) == inside[(id(a), id(b))]
    assert W._table_for(module) is None  # the table is only active while linting its tree


def test_nodes_outside_the_table_are_walked() -> None:
    module = cst.parse_module("x = f(g(1))\n")
    other = cst.parse_expression("h(k(2))")
    with W.active_table(W.NodeTable(module)):
        assert W._table_for(other) is None
        assert [cst.Module([]).code_for_node(c) for c in W.find_all(other, cst.Call)] == ["h(k(2))", "k(2)"]
        assert not W.contains(module, other)


def test_libcst_type_checks_follow_the_class_hierarchy_alone() -> None:
    """walk.py gives libcst's node classes `type`'s isinstance/issubclass (no ABCMeta hooks):
    every pair of node classes answers as their MROs say."""
    import abc

    import libcst as cst

    from initlint.analysis import walk

    classes: list[type] = []
    pending = [cst.CSTNode]
    while pending:
        klass = pending.pop()
        if klass not in classes:
            classes.append(klass)
            pending.extend(klass.__subclasses__())
    assert len(classes) > 200
    assert all(type(klass) is walk._ConcreteChecks for klass in classes if issubclass(type(klass), abc.ABCMeta))
    for a in classes:
        for b in classes:
            assert issubclass(a, b) == (b in a.__mro__)
    assert isinstance(cst.Name("x"), cst.BaseExpression) and not isinstance(cst.Name("x"), cst.BaseStatement)


def test_a_virtual_subclass_gets_abcmetas_checks_back() -> None:
    import abc

    from initlint.analysis import walk

    class Base(abc.ABC):
        pass

    class Leaf(Base):
        pass

    class Virtual:
        pass

    assert walk._concrete_type_checks(Base) == 2 and type(Leaf) is walk._ConcreteChecks
    assert not isinstance(Virtual(), Base)
    Leaf.register(Virtual)
    assert type(Leaf) is abc.ABCMeta and type(Base) is abc.ABCMeta
    assert isinstance(Virtual(), Leaf) and isinstance(Virtual(), Base)

    class Other(abc.ABC):
        pass

    class Sub(Other):
        pass

    Sub.register(Virtual)
    assert walk._concrete_type_checks(Other) == 0 and isinstance(Virtual(), Other)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_the_rule_traversal_calls_back_as_a_recursive_walk_does(path: Path) -> None:
    """The engine's dispatcher visits only subscribed node types, jumping over the rest: each
    callback still comes in a recursive walk's order, with the same ancestor stack."""
    from initlint.engine.linter import _Dispatcher

    module = cst.parse_module(path.read_text())
    table = W.NodeTable(module)

    def recorder(log: list, stack: list):
        class Rule:
            @classmethod
            def visitors(cls) -> dict[str, str]:
                return {"visit_Call": "Call", "visit_Attribute": "Attribute", "leave_FunctionDef": "FunctionDef",
                        "visit_ClassDef": "ClassDef", "leave_ClassDef": "ClassDef", "leave_Module": "Module",
                        "visit_Comparison": "Comparison"}

            def __getattr__(self, method: str):
                return lambda node: log.append((method, id(node), _ids(stack)))

        return Rule()

    expected: list = []
    path_to: list = []
    wanted = {"Call": ["visit_Call"], "Attribute": ["visit_Attribute"], "ClassDef": ["visit_ClassDef"],
              "Comparison": ["visit_Comparison"]}
    leaving = {"FunctionDef": ["leave_FunctionDef"], "ClassDef": ["leave_ClassDef"], "Module": ["leave_Module"]}

    def on_visit(node: cst.CSTNode) -> None:
        path_to.append(node)
        for method in wanted.get(type(node).__name__, []):
            expected.append((method, id(node), _ids(path_to)))

    def on_leave(node: cst.CSTNode) -> None:
        for method in leaving.get(type(node).__name__, []):
            expected.append((method, id(node), _ids(path_to)))
        path_to.pop()

    W._walk_fields(module, on_visit, on_leave)
    log: list = []
    stack: list = []
    _Dispatcher([recorder(log, stack)], stack).run(table)  # type: ignore[list-item]
    assert len(expected) > 100 and log == expected and stack == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_source_children_are_libcsts_children_without_whitespace(path: Path) -> None:
    """`source_children` reads libcst's visiting order from its code: the same children, in the
    same order, as the `children` property (whose visitor machinery it replaces)."""
    module = cst.parse_module(path.read_text())
    nodes = W.NodeTable(module).nodes
    assert len({type(n) for n in nodes}) > 40
    for node in nodes:
        expected = [c for c in node.children if not isinstance(c, W.WHITESPACE_NODES)]
        assert _ids(W.source_children(node)) == _ids(expected), type(node).__name__
    star = cst.parse_module("from m import *\nfrom m import (a, b)\n")
    for statement in star.body:
        imported = statement.body[0]  # type: ignore[attr-defined]
        assert _ids(W.source_children(imported)) == _ids(
            [c for c in imported.children if not isinstance(c, W.WHITESPACE_NODES)]
        )

"""Fast read-only traversal of libcst trees.

`CSTNode.visit` rebuilds every node it passes (it is made for transformers) and costs about as
much as the parse; reading the dataclass fields directly visits the same nodes 6-7x faster
(measured on timm: 402k nodes, 3.97 s vs 0.59 s CPU). Use these helpers for any read-only walk,
including scans of a class or function body that a rule makes on demand.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Iterator, Optional

import libcst as cst

_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
_SOURCE_ORDER_FIRST = ("decorators", "leading_lines", "lpar")


def _fields(node_type: type) -> tuple[str, ...]:
    """Field names in source order (decorators come before the `def` they decorate)."""
    names = _CHILD_FIELDS.get(node_type)
    if names is None:
        declared = [f.name for f in dataclasses.fields(node_type)]
        first = [n for n in _SOURCE_ORDER_FIRST if n in declared]
        names = tuple(first + [n for n in declared if n not in first])
        _CHILD_FIELDS[node_type] = names
    return names


# `isinstance(x, cst.CSTNode)` goes through ABCMeta and was a fifth of the traversal's time;
# a dict of the concrete types seen answers the same question for a lookup.
_IS_NODE: dict[type, bool] = {}


def _is_node(value: object) -> bool:
    kind = type(value)
    known = _IS_NODE.get(kind)
    if known is None:
        known = _IS_NODE[kind] = issubclass(kind, cst.CSTNode)
    return known


def children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    for name in _fields(type(node)):
        value = getattr(node, name)
        if _is_node(value):
            yield value  # type: ignore[misc]
        elif type(value) in (tuple, list):
            for item in value:  # type: ignore[attr-defined]
                if _is_node(item):
                    yield item


def _push_children(node: cst.CSTNode, stack: list[cst.CSTNode]) -> None:
    """Push `node`'s children so that they pop in source order (no generator per node)."""
    start = len(stack)
    for name in _fields(type(node)):
        value = getattr(node, name)
        if _is_node(value):
            stack.append(value)  # type: ignore[arg-type]
        elif type(value) in (tuple, list):
            for item in value:  # type: ignore[attr-defined]
                if _is_node(item):
                    stack.append(item)
    if len(stack) - start > 1:
        stack[start:] = stack[start:][::-1]


def iter_nodes(
    root: cst.CSTNode, descend: Optional[Callable[[cst.CSTNode], bool]] = None
) -> Iterator[cst.CSTNode]:
    """Every node under `root` (included), in pre-order; `descend(node)` False prunes below it."""
    stack: list[cst.CSTNode] = [root]
    while stack:
        node = stack.pop()
        yield node
        if descend is None or descend(node):
            _push_children(node, stack)


def walk(
    node: cst.CSTNode,
    on_visit: Callable[[cst.CSTNode], None],
    on_leave: Callable[[cst.CSTNode], None],
) -> None:
    """Depth-first with enter/leave callbacks (recursive: libcst trees are shallow enough)."""
    on_visit(node)
    for name in _fields(type(node)):
        value = getattr(node, name)
        if _is_node(value):
            walk(value, on_visit, on_leave)  # type: ignore[arg-type]
        elif type(value) in (tuple, list):
            for item in value:  # type: ignore[attr-defined]
                if _is_node(item):
                    walk(item, on_visit, on_leave)
    on_leave(node)


# `isinstance(node, kinds)` with libcst's node classes goes through ABCMeta for every node; a
# (node type, kinds) → bool table gives the same answer (libcst registers no virtual subclasses).
_KIND_OF: dict[tuple[type, object], bool] = {}


def find_all(root: cst.CSTNode, kinds: type | tuple[type, ...]) -> list:
    """All nodes of the given types under `root`, in pre-order."""
    found = []
    table = _KIND_OF
    stack: list[cst.CSTNode] = [root]
    while stack:
        node = stack.pop()
        kind = type(node)
        hit = table.get((kind, kinds))
        if hit is None:
            hit = table[(kind, kinds)] = issubclass(kind, kinds)
        if hit:
            found.append(node)
        _push_children(node, stack)
    return found

"""A fix as ruff-style text edits, and `--fix` as applying those edits to the file's text.

Rules describe a fix as "replace this node by that one". Turning it into edits of the original
text (instead of regenerating the whole module) means that `--fix` and the JSON `fix.edits` are
the same thing: a tool that applies the edits gets exactly what `--fix` writes. It also means
that no byte outside an edit can change, even where libcst does not round-trip a file exactly.

The replacement is rendered where the node stands (same indentation, same line ending as its
own line in a file of mixed endings) and compared with the original node rendered the same
way; each changed run of lines becomes one edit, trimmed to what actually differs.
"""

from __future__ import annotations

import difflib
from itertools import accumulate
from typing import Iterable, Optional, Sequence

import libcst as cst
from libcst import MaybeSentinel
from libcst._nodes.internal import CodegenState

from initlint.diagnostics import Edit, Location
from initlint.engine.positions import Positions, line_starts

# Fields a parent fills in for a child left at MaybeSentinel.DEFAULT (`default_comma=True`...).
_PARENT_DEFAULTS = ("comma", "semicolon", "star")


def render(node: cst.CSTNode, indent: Sequence[str], default_indent: str, newline: str) -> str:
    state = CodegenState(default_indent=default_indent, default_newline=newline)
    state.indent_tokens = list(indent)
    node._codegen(state)
    return "".join(state.tokens)


class _ExplicitNewlines(cst.CSTTransformer):
    """Original lines keep the module's newline when the replacement is rendered with another."""

    def __init__(self, positions: Positions, newline: str) -> None:
        super().__init__()
        self._positions = positions
        self._newline = newline

    def leave_Newline(self, original_node: cst.Newline, updated_node: cst.Newline) -> cst.Newline:
        if updated_node.value is None and self._positions.is_original(original_node):
            return updated_node.with_changes(value=self._newline)
        return updated_node


def _line_ending_at(text: str, offset: int, fallback: str) -> str:
    """The line break that ends the line holding `offset` (its neighbours' ending)."""
    for index in range(offset, len(text)):
        char = text[index]
        if char == "\r":
            return "\r\n" if text.startswith("\r\n", index) else "\r"
        if char == "\n":
            return "\n"
    return fallback


def fix_edits(
    positions: Positions, node: cst.CSTNode, replacement: cst.CSTNode
) -> Optional[tuple[Edit, ...]]:
    """The edits of the source text that replace `node` by `replacement`; None when the node
    cannot be rendered on its own exactly as it stands (then no edit could be trusted)."""
    module = positions.module
    indent = positions.indent(node)
    start, end = positions.extent(node)
    generated = positions.generated[start:end]
    original = render(node, indent, module.default_indent, module.default_newline)
    newline = _line_ending_at(positions.source, positions.to_source(start), module.default_newline)
    for name in _PARENT_DEFAULTS:
        value = getattr(node, name, MaybeSentinel.DEFAULT)
        if getattr(replacement, name, None) is MaybeSentinel.DEFAULT and value is not MaybeSentinel.DEFAULT:
            replacement = replacement.with_changes(**{name: value})
    if newline != module.default_newline:
        replacement = replacement.visit(_ExplicitNewlines(positions, module.default_newline))
    new = render(replacement, indent, module.default_indent, newline)
    if original != generated:
        # the last statement of a file without a final newline: the module dropped it
        dropped = original[len(generated) :]
        if not (end == len(positions.generated) and original.startswith(generated) and new.endswith(dropped)):
            return None
        original, new = generated, new[: len(new) - len(dropped)]
    return tuple(
        Edit(content, _location(positions, start + a), _location(positions, start + b))
        for a, b, content in _changes(original, new)
    )


def _location(positions: Positions, generated_offset: int) -> Location:
    row, column = positions.line_column(generated_offset)
    return Location(row, column + 1)


def _changes(old: str, new: str) -> list[tuple[int, int, str]]:
    """(start, end, content) in `old` for each changed run of lines, trimmed to the characters
    that differ."""
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    old_starts = [0, *accumulate(len(line) for line in old_lines)]
    new_starts = [0, *accumulate(len(line) for line in new_lines)]
    changes = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, o1, o2, n1, n2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        a, b = old_starts[o1], old_starts[o2]
        c, d = new_starts[n1], new_starts[n2]
        while a < b and c < d and old[a] == new[c]:
            a, c = a + 1, c + 1
        while a < b and c < d and old[b - 1] == new[d - 1]:
            b, d = b - 1, d - 1
        changes.append((a, b, new[c:d]))
    return changes


# -- applying edits (what `--fix` does, and what a tool reading our JSON does) ------------------
def offset_of(starts: list[int], location: Location) -> int:
    return starts[location.row - 1] + location.column - 1


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits (ruff's JSON convention: 1-based rows and character columns,
    the end exclusive)."""
    starts = line_starts(text)
    spans = sorted(
        ((offset_of(starts, e.location), offset_of(starts, e.end_location), e.content) for e in edits),
        reverse=True,
    )
    for start, end, content in spans:
        text = text[:start] + content + text[end:]
    return text


def touched_rows(edit: Edit) -> range:
    """The original rows whose text an edit changes. A row the edit ends at the start of is
    untouched only if what comes before it still ends a line (a row it only moves down or up)."""
    first, last = edit.location.row, edit.end_location.row
    if edit.end_location.column == 1:
        if edit.content.endswith(("\n", "\r")) or (not edit.content and edit.location.column == 1):
            last -= 1
    return range(first, last + 1)


def span(edits: Sequence[Edit]) -> tuple[tuple[int, int], tuple[int, int]]:
    """From the first edit's start to the last edit's end, as (row, column) pairs."""
    start = min((e.location.row, e.location.column) for e in edits)
    end = max((e.end_location.row, e.end_location.column) for e in edits)
    return start, end

"""Line/column spans of nodes, from one plain code generation.

libcst's PositionProvider (through MetadataWrapper) costs about as much as the parse: it tracks
line and column on every token. We only need positions for the few nodes rules report, so we
record token indices during an ordinary codegen and turn the ones we need into lines and
columns afterwards (measured on 25 timm model files: 7.2 s with the provider, ~0.9 s here).
The spans are exactly PositionProvider's (tested).
"""

from __future__ import annotations

import bisect
import difflib
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Iterable, Iterator, Optional

import libcst as cst
from libcst._nodes.internal import CodegenState

_NEWLINE = re.compile(r"\r\n|\r|\n")  # what libcst counts as a line break


@dataclass
class _SpanRecorder(CodegenState):
    spans: dict = field(default_factory=dict)
    _starts: list = field(default_factory=list)
    # for the nodes fixes replace: their whole extent (leading lines, indentation, trailing
    # comment and newline) and the indentation they are rendered in
    wanted: frozenset = frozenset()
    extents: dict = field(default_factory=dict)
    indents: dict = field(default_factory=dict)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._starts.append(len(self.tokens))
        if self.wanted and node in self.wanted:
            self.indents[node] = tuple(self.indent_tokens)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._starts.pop()
        if node not in self.spans:  # nodes without a syntactic span keep their whole extent
            self.spans[node] = (start, len(self.tokens))
        if self.wanted and node in self.wanted:
            self.extents[node] = (start, len(self.tokens))

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: Optional[cst.CSTNode] = None,
        end_node: Optional[cst.CSTNode] = None,
    ) -> Iterator[None]:
        start = len(self.tokens)
        try:
            yield
        finally:
            end = len(self.tokens)
            if start_node is not None:
                start = self.spans[start_node][0]
            if end_node is not None:
                end = self.spans[end_node][1]
            self.spans[node] = (start, end)


@dataclass(frozen=True)
class Span:
    """1-based line, 0-based column (libcst's convention), start and end."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int


class _OffsetMap:
    """Offsets in libcst's regenerated text → offsets in the file's text, for the rare files
    libcst does not round-trip exactly (a form feed at the start of a top-level line, the last
    `\r` of a CR-only file): equal runs found line by line, then character by character."""

    def __init__(self, generated: str, source: str) -> None:
        self._runs: list[tuple[int, int, int]] = []  # (generated start, source start, length)
        gen_lines = generated.splitlines(keepends=True)
        src_lines = source.splitlines(keepends=True)
        gen_starts = [0, *accumulate(len(line) for line in gen_lines)]
        src_starts = [0, *accumulate(len(line) for line in src_lines)]
        matcher = difflib.SequenceMatcher(None, gen_lines, src_lines, autojunk=False)
        for tag, g1, g2, s1, s2 in matcher.get_opcodes():
            if tag == "equal":
                self._runs.append((gen_starts[g1], src_starts[s1], gen_starts[g2] - gen_starts[g1]))
                continue
            gen_part = generated[gen_starts[g1] : gen_starts[g2]]
            src_part = source[src_starts[s1] : src_starts[s2]]
            chars = difflib.SequenceMatcher(None, gen_part, src_part, autojunk=False)
            for block in chars.get_matching_blocks():
                if block.size:
                    self._runs.append((gen_starts[g1] + block.a, src_starts[s1] + block.b, block.size))
        self._keys = [run[0] for run in self._runs]

    def __call__(self, offset: int) -> int:
        index = bisect.bisect_right(self._keys, offset) - 1
        if index < 0:
            return 0
        gen_start, src_start, length = self._runs[index]
        return src_start + min(offset - gen_start, length)


class Positions:
    """Spans of every node of a module, resolved to lines and columns of `source` on demand.

    `source` is the text the module was parsed from (by default libcst's regenerated text);
    `extents_for` are nodes whose whole extent and indentation fixes need (see engine.edits)."""

    def __init__(
        self, module: cst.Module, source: Optional[str] = None, extents_for: Iterable[cst.CSTNode] = ()
    ) -> None:
        state = _SpanRecorder(
            default_indent=module.default_indent,
            default_newline=module.default_newline,
            wanted=frozenset(extents_for),
        )
        module._codegen(state)
        self.module = module
        self._spans = state.spans
        self._extents = state.extents
        self._indents = state.indents
        self._offsets = [0, *accumulate(len(token) for token in state.tokens)]
        self.generated = "".join(state.tokens)
        self.source = self.generated if source is None else source
        self._to_source = None if self.source == self.generated else _OffsetMap(self.generated, self.source)
        self._line_starts = line_starts(self.source)

    @classmethod
    def of_statements(
        cls, module: cst.Module, source: str, statements: Iterable[int]
    ) -> Optional["Positions"]:
        """Spans of the nodes of the given top-level statements only, each statement rendered
        on its own (a rule reports in a few statements; rendering the whole module was about a
        twentieth of a cold transformers run). Exact where libcst round-trips the file, so
        only for text without the characters it may not give back (`\\r`, `\\f`) that ends
        with a newline, and only when each statement's text occurs once in the source (then
        that occurrence is the statement's place); else None, and the whole module is
        rendered. No extents or indentation: not for fixes."""
        if "\r" in source or "\f" in source or not source.endswith("\n"):
            return None
        state = _SpanRecorder(default_indent=module.default_indent, default_newline=module.default_newline)
        offsets: list[int] = []
        for index in sorted(set(statements)):
            first = len(state.tokens)
            module.body[index]._codegen(state)
            rendered = "".join(state.tokens[first:])
            where = source.find(rendered)
            if where < 0 or source.find(rendered, where + 1) >= 0:
                return None
            offsets.extend(accumulate((len(t) for t in state.tokens[first:]), initial=where))
            state.tokens.append("")  # the statement's end keeps its own index (and offset)
        positions = cls.__new__(cls)
        positions.module = module
        positions._spans = state.spans
        positions._extents = {}
        positions._indents = {}
        positions._offsets = offsets
        positions.generated = positions.source = source
        positions._to_source = None
        positions._line_starts = line_starts(source)
        return positions

    def _offset(self, token_index: int) -> int:
        """Offset in the generated text (a module without a final newline pops its last token)."""
        return self._offsets[min(token_index, len(self._offsets) - 1)]

    def to_source(self, offset: int) -> int:
        return offset if self._to_source is None else self._to_source(offset)

    def _line_column(self, token_index: int) -> tuple[int, int]:
        return self.line_column(self._offset(token_index))

    def line_column(self, generated_offset: int) -> tuple[int, int]:
        """1-based line and 0-based column in `source` of an offset in `generated`."""
        offset = self.to_source(generated_offset)
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1]

    def __getitem__(self, node: cst.CSTNode) -> Span:
        start, end = self._spans[node]
        return Span(*self._line_column(start), *self._line_column(end))

    def extent(self, node: cst.CSTNode) -> tuple[int, int]:
        """The whole extent of a node named in `extents_for`, as offsets in `generated`."""
        start, end = self._extents[node]
        return self._offset(start), self._offset(end)

    def indent(self, node: cst.CSTNode) -> tuple[str, ...]:
        return self._indents[node]

    def is_original(self, node: cst.CSTNode) -> bool:
        return node in self._spans


def line_starts(text: str) -> list[int]:
    """Offsets where lines start, breaking lines where libcst does (\r\n, \r, \n)."""
    return [0] + [match.end() for match in _NEWLINE.finditer(text)]

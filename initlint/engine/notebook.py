"""Jupyter notebooks: their code cells linted as one module, fixes written back byte-exactly.

The code cells are joined into one module, each preceded by a marker comment, with IPython
syntax (line magics, shell escapes, `?` help, cell magics) masked as `pass` lines so that libcst
never sees it. Diagnostics are mapped back to (cell, row, column). Fixes are applied to the joined
module by the ordinary engine, split at the markers, the masked lines restored, and only the
`source` values of the cells that changed are replaced in the notebook's own JSON text: metadata,
outputs, cell ids, indentation and key order keep every byte.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field, replace
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Iterator, Optional, Sequence

from initlint.diagnostics import Diagnostic, Edit, FileError, FileResult, Location

NOTEBOOK_SUFFIX = ".ipynb"
_MARKER = "# initlint: notebook cell "
_MASK = "pass  # initlint: masked IPython syntax"
_MASKED_LINE = re.compile(r"^([ \t]*)" + re.escape(_MASK) + r"$")
# `x = !ls`, `files = %sx ls`: IPython's assignment forms.
_MAGIC_ASSIGNMENT = re.compile(r"^[ \t]*[\w.\[\], \t()]+=[ \t]*[%!]")
# `obj?`, `obj.method??`, `np.*load*?`: help, not a `?` at the end of a comment.
_HELP = re.compile(r"^[ \t]*[\w.*]+\?{1,2}[ \t]*$")
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")
_NON_ASCII_ESCAPE = re.compile(r"\\u(?!00[0-7])[0-9a-fA-F]{4}")


class NotebookError(Exception):
    """Not a notebook we can lint; the message is one line for the user."""


def is_notebook(path: str) -> bool:
    return path.lower().endswith(NOTEBOOK_SUFFIX)


@dataclass
class _Cell:
    number: int  # 1-based, counting every cell (markdown too), as a notebook's reader counts
    text: str
    masked: list[str] = field(default_factory=list)  # original lines replaced by _MASK, in order
    first_line: int = 0  # 1-based line of the cell's first line in the joined module
    line_count: int = 0


def _is_ipython_line(line: str) -> bool:
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return False
    return (
        stripped[0] in "%!?"
        or _HELP.match(line) is not None
        or _MAGIC_ASSIGNMENT.match(line) is not None
    )


def _mask(text: str) -> tuple[str, list[str]]:
    """Replace IPython-only lines by `pass` lines of the same indentation (kept for restoring)."""
    lines = text.splitlines(keepends=True)
    first_code = next((line for line in lines if line.strip()), "")
    whole_cell = first_code.lstrip().startswith("%%")
    masked: list[str] = []
    out: list[str] = []
    continued = False
    for line in lines:
        body = line.rstrip("\r\n")
        if whole_cell or continued or _is_ipython_line(body):
            masked.append(body)
            indent = body[: len(body) - len(body.lstrip())] if not whole_cell else ""
            out.append(indent + _MASK + line[len(body):])
            continued = body.endswith("\\")
        else:
            out.append(line)
    return "".join(out), masked


@dataclass
class Notebook:
    """A parsed notebook: its raw text, where each code cell's `source` value sits in it, and
    the joined module the engine lints."""

    raw: str
    bom: bool
    cells: list[_Cell]
    spans: dict[int, tuple[int, int]]  # cell number → (start, end) of its `source` value in raw
    module: str

    @classmethod
    def parse(cls, data: bytes) -> "Notebook":
        bom = data.startswith(codecs.BOM_UTF8)
        try:
            raw = data[len(codecs.BOM_UTF8) if bom else 0 :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NotebookError(f"notebook is not valid UTF-8 (byte {exc.start})") from None
        try:
            document = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise NotebookError(
                f"notebook is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            ) from None
        except RecursionError:
            raise NotebookError("notebook is not valid JSON: nested too deeply") from None
        if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
            raise NotebookError("not a Jupyter notebook in nbformat 4 (no `cells` list)")
        cells: list[_Cell] = []
        if _is_python(document):
            for number, cell in enumerate(document["cells"], start=1):
                if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                    continue
                source = cell.get("source", "")
                if isinstance(source, list) and all(isinstance(s, str) for s in source):
                    source = "".join(source)
                if not isinstance(source, str):
                    raise NotebookError(f"cell {number}: `source` is neither a string nor a list of strings")
                cells.append(_Cell(number, source))
        spans = dict(_source_spans(raw)) if cells else {}
        module_parts: list[str] = []
        line = 1
        for cell in cells:
            masked_text, cell.masked = _mask(cell.text)
            if masked_text and not masked_text.endswith(("\n", "\r")):
                masked_text += "\n"
            module_parts.append(f"{_MARKER}{cell.number}\n{masked_text}")
            cell.first_line = line + 1
            cell.line_count = masked_text.count("\n")
            line += 1 + cell.line_count
        return cls(raw, bom, cells, spans, "".join(module_parts))

    # -- positions -------------------------------------------------------------------------

    def cell_at(self, row: int) -> Optional[_Cell]:
        for cell in self.cells:
            if cell.first_line <= row < cell.first_line + max(cell.line_count, 1):
                return cell
        return None

    def to_cell(self, location: Location, cell: _Cell) -> Location:
        row = location.row - cell.first_line + 1
        if row < 1:
            return Location(1, 1)
        if row > max(cell.line_count, 1):
            last = cell.text.splitlines()[-1] if cell.text.splitlines() else ""
            return Location(max(cell.line_count, 1), len(last) + 1)
        return Location(row, location.column)

    def map_diagnostic(self, diagnostic: Diagnostic) -> Diagnostic:
        cell = self.cell_at(diagnostic.location.row)
        if cell is None:
            return diagnostic
        fix = diagnostic.fix
        if fix is not None:
            fix = replace(
                fix,
                edits=tuple(
                    Edit(e.content, self.to_cell(e.location, cell), self.to_cell(e.end_location, cell))
                    for e in fix.edits
                ),
            )
        location = self.to_cell(diagnostic.location, cell)
        return replace(
            diagnostic,
            cell=cell.number,
            location=location,
            end_location=self.to_cell(diagnostic.end_location, cell),
            fix=fix,
            noqa_row=location.row if diagnostic.noqa_row is not None else None,
        )

    def map_error(self, error: FileError) -> FileError:
        if error.location is None:
            return error
        cell = self.cell_at(error.location.row)
        if cell is None:
            return replace(error, location=None)
        return replace(error, cell=cell.number, location=self.to_cell(error.location, cell))

    def cell_lines(self, number: int) -> Optional[list[str]]:
        for cell in self.cells:
            if cell.number == number:
                return cell.text.splitlines()
        return None

    # -- writing back ----------------------------------------------------------------------

    def split_module(self, module: str) -> list[str]:
        """The cells' texts from a (fixed) joined module; NotebookError if a fix moved a marker
        or a masked line."""
        pattern = re.compile(r"^" + re.escape(_MARKER) + r"(\d+)\r?\n", re.MULTILINE)
        markers = list(pattern.finditer(module))
        if [int(m.group(1)) for m in markers] != [c.number for c in self.cells] or (
            markers and markers[0].start() != 0
        ):
            raise NotebookError("a fix moved a cell boundary")
        texts: list[str] = []
        for index, (cell, marker) in enumerate(zip(self.cells, markers)):
            end = markers[index + 1].start() if index + 1 < len(markers) else len(module)
            texts.append(_restore(module[marker.end() : end], cell))
        return texts

    def with_module(self, module: str) -> bytes:
        """The notebook's bytes with the code cells of `module`; unchanged cells keep every byte."""
        texts = self.split_module(module)
        ensure_ascii = self.raw.isascii() and _NON_ASCII_ESCAPE.search(self.raw) is not None
        raw = self.raw
        for cell, text in sorted(zip(self.cells, texts), key=lambda p: -self.spans[p[0].number][0]):
            if text == cell.text:
                continue
            start, end = self.spans[cell.number]
            raw = raw[:start] + _encode_source(raw[start:end], text, ensure_ascii) + raw[end:]
        data = raw.encode("utf-8")
        result = codecs.BOM_UTF8 + data if self.bom else data
        check = Notebook.parse(result)
        if [c.text for c in check.cells] != texts:  # pragma: no cover - a bug guard, not a path
            raise NotebookError("rewriting the notebook did not round-trip")
        return result


def _restore(text: str, cell: _Cell) -> str:
    """Undo the masking and the newline added after a cell that lacked one."""
    pending = iter(cell.masked)
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    for line in lines:
        body = line.rstrip("\r\n")
        match = _MASKED_LINE.match(body)
        if match:
            original = next(pending, None)
            if original is None:
                raise NotebookError("a fix moved masked IPython syntax")
            out.append(original + line[len(body):])
        else:
            out.append(line)
    if next(pending, None) is not None:
        raise NotebookError("a fix removed masked IPython syntax")
    restored = "".join(out)
    if cell.text and not cell.text.endswith(("\n", "\r")) and restored.endswith("\n"):
        restored = restored[:-1]
    return restored


def _is_python(document: dict) -> bool:
    metadata = document.get("metadata")
    if not isinstance(metadata, dict):
        return True
    for table, key in (("language_info", "name"), ("kernelspec", "language")):
        value = metadata.get(table, {}).get(key) if isinstance(metadata.get(table), dict) else None
        if isinstance(value, str):
            return value.lower() == "python"
    return True


def _encode_source(original: str, text: str, ensure_ascii: bool) -> str:
    """`text` as a JSON value in the style of `original` (a string, or nbformat's list of lines
    with its own indentation)."""
    if original.startswith('"'):
        return json.dumps(text, ensure_ascii=ensure_ascii)
    items = list(_elements(original, 0))
    lines = text.splitlines(keepends=True)
    if not items:
        return json.dumps(lines, ensure_ascii=ensure_ascii)
    lead = original[1 : items[0][0]]
    trail = original[items[-1][1] : len(original) - 1]
    separator = original[items[0][1] : items[1][0]] if len(items) > 1 else "," + lead
    return "[" + lead + separator.join(json.dumps(s, ensure_ascii=ensure_ascii) for s in lines) + trail + "]"


# -- a minimal JSON walker that knows where values are (the json module does not say) ------


def _skip(raw: str, index: int) -> int:
    return _WHITESPACE.match(raw, index).end()  # type: ignore[union-attr]


def _value_end(raw: str, index: int) -> int:
    char = raw[index]
    if char == '"':
        return scanstring(raw, index + 1)[1]
    if char in "[{":
        depth = 0
        while True:
            char = raw[index]
            if char == '"':
                index = scanstring(raw, index + 1)[1]
                continue
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    return index + 1
            index += 1
    match = _SCALAR.match(raw, index)
    assert match is not None
    return match.end()


def _members(raw: str, index: int) -> Iterator[tuple[str, int, int]]:
    """(key, value start, value end) of the object starting at `index`."""
    index = _skip(raw, index + 1)
    while raw[index] != "}":
        key, index = scanstring(raw, index + 1)
        index = _skip(raw, _skip(raw, index) + 1)  # the colon
        end = _value_end(raw, index)
        yield key, index, end
        index = _skip(raw, end)
        if raw[index] == ",":
            index = _skip(raw, index + 1)


def _elements(raw: str, index: int) -> Iterator[tuple[int, int]]:
    index = _skip(raw, index + 1)
    while raw[index] != "]":
        end = _value_end(raw, index)
        yield index, end
        index = _skip(raw, end)
        if raw[index] == ",":
            index = _skip(raw, index + 1)


def _source_spans(raw: str) -> Iterator[tuple[int, tuple[int, int]]]:
    # Duplicate keys: json.loads keeps the last one, and so do these dicts.
    top = {key: start for key, start, _ in _members(raw, _skip(raw, 0))}
    for number, (start, _) in enumerate(_elements(raw, top["cells"]), start=1):
        if raw[start] == "{":
            fields = {key: (s, e) for key, s, e in _members(raw, start)}
            if "source" in fields:
                yield number, fields["source"]


def cell_lines(data: bytes, number: int) -> Optional[list[str]]:
    """A cell's lines, for showing source context; None when the notebook cannot be read."""
    try:
        return Notebook.parse(data).cell_lines(number)
    except NotebookError:
        return None


def lint_notebook(data: bytes, path: str, options, package: Optional[str], lint_python) -> FileResult:
    """Lint (and fix) a notebook's code cells with `lint_python`, the engine's function for one
    Python module, mapping everything back to cells."""
    result = FileResult(path=path, original_source=data)
    try:
        notebook = Notebook.parse(data)
    except NotebookError as exc:
        result.errors.append(FileError(path, str(exc)))
        return result
    if not notebook.cells:
        return result
    inner: FileResult = lint_python(notebook.module.encode("utf-8"), path, options, package)
    result.errors = [notebook.map_error(e) for e in inner.errors]
    result.diagnostics = [notebook.map_diagnostic(d) for d in inner.diagnostics]
    result.fixed = [notebook.map_diagnostic(d) for d in inner.fixed]
    if inner.fixed_source is not None:
        try:
            result.fixed_source = notebook.with_module(inner.fixed_source.decode("utf-8"))
        except NotebookError as exc:
            codes = ", ".join(sorted({d.code for d in inner.fixed}))
            result.errors.append(FileError(path, f"fix for {codes}: {exc}; notebook left unchanged"))
            unfixed = lint_python(
                notebook.module.encode("utf-8"), path, replace(options, fix=False), package
            )
            result.diagnostics = [notebook.map_diagnostic(d) for d in unfixed.diagnostics]
            result.fixed = []
    return result


def code_cell_texts(data: bytes) -> Sequence[str]:
    """The code cells' sources (tests and tools that want them without the JSON)."""
    return [cell.text for cell in Notebook.parse(data).cells]

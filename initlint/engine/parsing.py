"""Parse a file the way it will run: CPython's parser decides what is Python, libcst gives the tree.

Two defects of parsing with libcst alone, both from real audits:

- libcst accepts code CPython rejects ("too many nested parentheses" at 200 levels), so such a
  file linted clean and `--fix` rewrote it; and libcst's native parser recurses on the C stack,
  so 1,200 nested brackets crashed the whole process (SIGSEGV) instead of giving a syntax error.
  CPython's parser runs first (about a ninth of libcst's parse time) and is the judge.
- Code CPython accepts can still be too deep for libcst on an 8 MiB stack: `a and b and ...`
  is flat in CPython's tree but nested in libcst's (~1.2 KiB of stack per operand). libcst
  therefore parses on a thread with a large stack (address space only; pages are touched only
  as deep as the parse goes).
"""

from __future__ import annotations

import ast
import threading
import warnings
from typing import Optional

import libcst as cst
from libcst import CSTNode

from initlint.diagnostics import FileError, Location

# Enough for ~400k nested operands; only the pages a parse actually uses are committed.
PARSE_STACK_BYTES = 512 * 1024 * 1024


class ParseFailure(Exception):
    """The file is not Python initlint can analyse; `error` is its one line for the user."""

    def __init__(self, error: FileError) -> None:
        super().__init__(error.message)
        self.error = error


def cpython_syntax_error(text: str, path: str) -> Optional[FileError]:
    """CPython's verdict on `text` as one line, or None when CPython's parser accepts it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for `is` with a literal, bad escapes
            ast.parse(text, filename=path)
    except SyntaxError as exc:
        location = Location(exc.lineno, exc.offset or 1) if exc.lineno else None
        return FileError(path, f"syntax error: {exc.msg}", location)
    except (RecursionError, MemoryError):
        return FileError(path, "syntax error: too deeply nested (CPython's parser gives up)")
    except ValueError as exc:  # e.g. NUL bytes; decode_source normally catches those first
        return FileError(path, f"cannot parse: {exc}")
    return None


def parse_module(text: str, path: str, cpython_accepts: bool = False) -> cst.Module:
    """The libcst tree of `text`; raises ParseFailure with a one-line error when there is none.
    `cpython_accepts`: CPython's parser is known to accept exactly this text (the project
    index parsed it), so its verdict is not asked again."""
    if not cpython_accepts:
        error = cpython_syntax_error(text, path)
        if error is not None:
            raise ParseFailure(error)
    try:
        return _on_deep_stack(_parse_unvalidated, text)
    except cst.ParserSyntaxError as exc:  # CPython accepted it: newer syntax than libcst knows
        raise ParseFailure(
            FileError(path, f"cannot parse: {exc.message}", Location(exc.raw_line, exc.raw_column + 1))
        ) from None
    except (RecursionError, MemoryError):
        raise ParseFailure(too_deep(path)) from None


_VALIDATION_SWAP = threading.Lock()


def _skip_validation(self: CSTNode) -> None:
    """No `_validate()`: the node comes from libcst's parser, built from valid source."""


def _parse_unvalidated(text: str) -> cst.Module:
    """`cst.parse_module` without the per-node `_validate()` libcst's dataclasses run on
    construction (`CSTNode.__post_init__`): the parser builds only nodes its grammar allows, so
    the tree is the same; about a tenth of the parse (libcst's own comment there suggests not
    validating parsed trees). Nodes other threads build meanwhile are not validated either
    (initlint builds none while it waits for the parse)."""
    with _VALIDATION_SWAP:
        validate = CSTNode.__dict__["__post_init__"]
        CSTNode.__post_init__ = _skip_validation  # type: ignore[method-assign]
        try:
            return cst.parse_module(text)
        finally:
            CSTNode.__post_init__ = validate  # type: ignore[method-assign]


def too_deep(path: str) -> FileError:
    return FileError(path, "cannot analyse: nested too deeply for initlint (Python's recursion limit)")


def _on_deep_stack(function, argument):
    """`function(argument)` on a thread with PARSE_STACK_BYTES of stack (same result, same
    exceptions); directly when the platform refuses such a thread."""
    outcome: list = []

    def target() -> None:
        try:
            outcome.append((True, function(argument)))
        except BaseException as exc:  # re-raised in the caller's thread
            outcome.append((False, exc))

    try:
        previous = threading.stack_size(PARSE_STACK_BYTES)
    except (ValueError, RuntimeError):
        return function(argument)
    try:
        thread = threading.Thread(target=target, name="initlint-parse", daemon=True)
        thread.start()
    except RuntimeError:  # cannot map the stack (ulimit -v): an ordinary parse
        return function(argument)
    finally:
        threading.stack_size(previous)
    thread.join()
    ok, value = outcome[0]
    if ok:
        return value
    raise value

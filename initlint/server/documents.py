"""What the language server knows without LSP types: lint an open document with the project's
settings, index and cache, turn a fix into a text edit, and write a `# noqa` for a line.

Kept free of pygls so it can be tested directly and reasoned about plainly.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional

from initlint.config import ConfigError, Settings
from initlint.diagnostics import Diagnostic, Edit, FixSafety, Location
from initlint.engine import project as project_index
from initlint.engine.cache import CACHE_DIR_NAME, ResultCache, cache_key
from initlint.engine.edits import apply_edits
from initlint.engine.linter import lint_bytes
from initlint.engine.options import ProjectOptions
from initlint.engine.runner import package_of
from initlint.rules.registry import UnknownSelector

_NOQA_CODES = re.compile(r"#\s*noqa:\s*[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*", re.IGNORECASE)
_BARE_NOQA = re.compile(r"#\s*noqa(?!:)", re.IGNORECASE)


@dataclass
class Linted:
    """One lint of one document version: what the code actions answer from."""

    text: str
    diagnostics: list[Diagnostic]
    errors: list[str]


class Workspace:
    """Settings per configuration, the project index per project root, the result cache."""

    def __init__(self) -> None:
        self._options: dict[Path, ProjectOptions] = {}
        self.config_errors: list[str] = []
        self._indexed_roots: set[Path] = set()

    def options_for(self, path: Path) -> ProjectOptions:
        directory = path.absolute().parent
        if directory not in self._options:
            try:
                self._options[directory] = ProjectOptions.discover(directory)
            except (ConfigError, UnknownSelector) as exc:
                self.config_errors.append(f"initlint: {exc} (using the defaults)")
                self._options[directory] = ProjectOptions.from_settings(Settings(root=directory))
        return self._options[directory]

    def refresh(self, path: Path) -> None:
        """On save: settings may have changed, and the index must see the saved file."""
        self._options.pop(path.absolute().parent, None)
        settings = self.options_for(path).settings
        index, root = project_index.prepare(
            [str(path)], exclude=settings.all_excludes, respect_gitignore=settings.respect_gitignore,
            cache_dir=settings.cache_dir or settings.root / CACHE_DIR_NAME,
        )
        if index is not None:
            project_index.activate(index, root)

    def lint(self, path: Path, text: str) -> Linted:
        if project_index.active() is None:
            self.refresh(path)
        run_options = self.options_for(path)
        settings = run_options.settings
        options, salt = run_options.for_file(run_options.relative(path) or path.name)
        data = text.encode("utf-8")
        package = package_of(path.absolute().parent)
        cache = ResultCache(settings.cache_dir or settings.root / CACHE_DIR_NAME)
        key = cache_key(data, salt, path=f"{path.absolute()}|{path}", package=package,
                        extra=(project_index.result_salt(path),))
        cached = cache.get(key, str(path))
        if cached is not None:
            return Linted(text, cached, [])
        result = lint_bytes(data, str(path), options, package)
        if not result.errors:
            cache.put(key, result.diagnostics)
        return Linted(text, result.diagnostics, [e.render() for e in result.errors])

    def fix_all(self, path: Path, text: str, unsafe: bool) -> Optional[str]:
        """The document with every safe (and, if asked, unsafe) fix applied; None if none."""
        run_options = self.options_for(path)
        options, _ = run_options.for_file(run_options.relative(path) or path.name)
        options = replace(options, fix=True, unsafe_fixes=unsafe)
        result = lint_bytes(text.encode("utf-8"), str(path), options, package_of(path.absolute().parent))
        if result.fixed_source is None or result.errors:
            return None
        return result.fixed_source.decode("utf-8")


def fix_edits(diagnostic: Diagnostic, text: str) -> Optional[list[Edit]]:
    """The diagnostic's fix as the engine's own text edits (exactly what `--fix` applies), if the
    edited document still parses."""
    if diagnostic.fix is None or not diagnostic.fix.edits:
        return None
    try:
        ast.parse(apply_edits(text, diagnostic.fix.edits))
    except (SyntaxError, ValueError, IndexError):
        return None
    return list(diagnostic.fix.edits)


def noqa_edit(diagnostic: Diagnostic, text: str) -> Optional[Edit]:
    """`# noqa: CODE` at the end of the line the diagnostic starts on (or CODE added to the
    line's existing list); None when the line already has a bare `# noqa`."""
    row = diagnostic.noqa_row or diagnostic.location.row
    lines = text.splitlines()
    line = lines[row - 1] if 0 < row <= len(lines) else ""
    existing = _NOQA_CODES.search(line)
    if existing is not None:
        at = Location(row, existing.end() + 1)
        return Edit(f", {diagnostic.code}", at, at)
    if _BARE_NOQA.search(line):
        return None
    end = Location(row, len(line.rstrip()) + 1)
    return Edit(f"  # noqa: {diagnostic.code}", end, Location(row, len(line) + 1))


def fix_title(diagnostic: Diagnostic) -> str:
    assert diagnostic.fix is not None
    unsafe = " (unsafe)" if diagnostic.fix.safety is FixSafety.UNSAFE else ""
    return f"{diagnostic.code}: {diagnostic.fix.message}{unsafe}"

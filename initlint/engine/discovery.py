"""Which files to lint: directories walked recursively, `.gitignore` and excludes respected."""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional, Union

from initlint.diagnostics import FileError

PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")  # notebooks: engine/notebook.py


def _glob_to_regex(pattern: str) -> str:
    """gitignore glob → regex over a '/'-separated relative path."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("/**", i) and i + 3 == len(pattern):
            out.append("/.*")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


@dataclass(frozen=True)
class _IgnoreRule:
    regex: re.Pattern[str]
    negated: bool
    directory_only: bool
    anchored: bool


@dataclass
class GitIgnore:
    """The patterns of one `.gitignore`, relative to its directory."""

    base: Path
    rules: list[_IgnoreRule] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Optional["GitIgnore"]:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        ignore = cls(path.parent)
        for raw in text.splitlines():
            line = raw.rstrip()
            if not line or line.startswith("#"):
                continue
            negated = line.startswith("!")
            if negated:
                line = line[1:]
            directory_only = line.endswith("/")
            line = line.rstrip("/")
            anchored = "/" in line
            line = line.lstrip("/")
            if not line:
                continue
            regex = re.compile(_glob_to_regex(line) + r"\Z")
            ignore.rules.append(_IgnoreRule(regex, negated, directory_only, anchored))
        return ignore

    def verdict(self, path: Path, is_dir: bool) -> Optional[bool]:
        """True ignored, False re-included by `!`, None when no pattern speaks of it."""
        try:
            relative = path.relative_to(self.base).as_posix()
        except ValueError:
            return None
        result: Optional[bool] = None
        for rule in self.rules:
            if rule.directory_only and not is_dir:
                continue
            subject = relative if rule.anchored else relative.rsplit("/", 1)[-1]
            if rule.regex.match(subject):
                result = not rule.negated
        return result


def relative_posix(path: Union[str, Path], base: Path) -> Optional[str]:
    """`path.absolute().relative_to(base).as_posix()`, or None where that raises; on strings
    (pathlib builds several objects per call: a quarter of a warm 3,000-file run did that).
    `path` may be a string (a normalised path, as `str` of a Path gives)."""
    if os.name != "posix":  # case-insensitive and drive-letter rules: let pathlib decide
        try:
            return Path(path).absolute().relative_to(base).as_posix()
        except ValueError:
            return None
    text = os.fspath(path)
    if not os.path.isabs(text):
        text = os.path.join(os.getcwd(), text)
    top = str(base)
    if text == top:
        return "."
    prefix = top if top.endswith("/") else top + "/"
    return text[len(prefix):] if text.startswith(prefix) and top.startswith("/") else None


def _relative_to_root(path: Path, root: str) -> str:
    """Posix path relative to the project root (realpath: never raises on symlink loops)."""
    real = os.path.realpath(path)
    relative = os.path.relpath(real, root) if real.startswith(root) else real
    return relative.replace(os.sep, "/")


def _matches_exclude(name: str, relative: str, patterns: Iterable[str]) -> bool:
    """ruff-like: a bare name matches any path component, a pattern with '/' the relative path."""
    names, name_pattern, path_pattern = _exclude_matchers(tuple(patterns))
    return (
        name in names
        or (name_pattern is not None and name_pattern.match(name) is not None)
        or (path_pattern is not None and path_pattern.match(relative) is not None)
    )


@lru_cache(maxsize=64)
def _exclude_matchers(
    patterns: tuple[str, ...]
) -> tuple[frozenset[str], Optional["re.Pattern[str]"], Optional["re.Pattern[str]"]]:
    """The exclude patterns as literal names plus one regex for names and one for paths
    (`fnmatchcase` per pattern and per directory entry was a quarter of a warm one-file run in
    a 3,000-file project, which walks the project to check its index)."""
    names: set[str] = set()
    name_regexes: list[str] = []
    path_regexes: list[str] = []
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if "/" in pattern:
            pattern = pattern[2:] if pattern.startswith("./") else pattern
            path_regexes += [fnmatch.translate(pattern), fnmatch.translate(pattern + "/*")]
        elif not any(c in pattern for c in "*?["):
            names.add(pattern)
        else:
            name_regexes.append(fnmatch.translate(pattern))

    def combined(regexes: list[str]) -> Optional["re.Pattern[str]"]:
        return re.compile("|".join(f"(?:{r})" for r in regexes)) if regexes else None

    return frozenset(names), combined(name_regexes), combined(path_regexes)


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    missing: list[FileError] = field(default_factory=list)


def _git_root(start: Path) -> Optional[Path]:
    for directory in [start, *start.parents]:
        if (directory / ".git").exists():
            return directory
    return None


def _ancestor_ignores(directory: Path) -> list[GitIgnore]:
    root = _git_root(directory)
    if root is None:
        return []
    chain = [directory, *directory.parents]
    chain = chain[: chain.index(root) + 1] if root in chain else [directory]
    found = []
    for folder in reversed(chain[1:]):
        ignore = GitIgnore.read(folder / ".gitignore")
        if ignore is not None:
            found.append(ignore)
    return found


def _ignored(path: Path, is_dir: bool, ignores: list[GitIgnore]) -> bool:
    verdict = False
    for ignore in ignores:
        result = ignore.verdict(path, is_dir)
        if result is not None:
            verdict = result
    return verdict


def discover(
    paths: Iterable[str],
    *,
    root: Path,
    exclude: Iterable[str],
    respect_gitignore: bool = True,
    force_exclude: bool = False,
) -> Discovery:
    """Files to lint, in a stable order; missing paths and unreadable directories are reported."""
    exclude = tuple(exclude)
    root_real = os.path.realpath(root)
    found = Discovery()
    seen: set[str] = set()
    cwd = os.getcwd()

    def add(path: Path) -> None:
        key = str(path) if path.is_absolute() else os.path.join(cwd, str(path))  # = absolute()
        if key not in seen:
            seen.add(key)
            found.files.append(path)

    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            found.missing.append(FileError(raw, "no such file or directory"))
            continue
        relative = _relative_to_root(path, root_real)
        if path.is_dir():
            if force_exclude and _matches_exclude(path.name, relative, exclude):
                continue
            _walk(path, relative, exclude, respect_gitignore, add, found.errors)
        else:
            if force_exclude:
                if any(
                    _matches_exclude(part, relative, exclude) for part in relative.split("/")
                ):
                    continue
                if respect_gitignore and _ignored_by_git(path):
                    continue
            add(path)
    return found


def _ignored_by_git(path: Path) -> bool:
    """Whether git would ignore `path` or any directory above it (for explicitly given files)."""
    path = path.absolute()
    root = _git_root(path.parent)
    if root is None:
        return False
    ignores: list[GitIgnore] = []
    current = root
    parts = path.relative_to(root).parts
    for index, part in enumerate(parts):
        own = GitIgnore.read(current / ".gitignore")
        if own is not None:
            ignores.append(own)
        current = current / part
        if _ignored(current, index < len(parts) - 1, ignores):
            return True
    return False


def _is_special(entry: os.DirEntry) -> bool:
    """A FIFO, socket or device named `*.py` is not source (reading a FIFO blocks forever). A link
    that cannot be followed (a loop, a dangling target) is kept: reading it reports why."""
    if entry.is_file(follow_symlinks=False):
        return False
    if not entry.is_symlink():
        return True
    try:
        return not stat.S_ISREG(entry.stat().st_mode)
    except OSError:
        return False


def _walk(top, top_relative, exclude, respect_gitignore, add, errors) -> None:
    top_abs = top.absolute()
    ignores = _ancestor_ignores(top_abs) if respect_gitignore else []

    def on_error(exc: OSError) -> None:
        errors.append(FileError(str(exc.filename or top), f"cannot read directory: {exc.strerror}"))

    stack: list[tuple[Path, Path, str, list[GitIgnore]]] = [(top, top_abs, top_relative, ignores)]
    while stack:
        directory, directory_abs, directory_relative, inherited = stack.pop()
        active = inherited
        if respect_gitignore:
            own = GitIgnore.read(directory_abs / ".gitignore")
            if own is not None:
                active = inherited + [own]
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            on_error(exc)
            continue
        subdirs = []
        for entry in entries:
            path = directory / entry.name
            relative = f"{directory_relative}/{entry.name}" if directory_relative != "." else entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if _matches_exclude(entry.name, relative, exclude):
                continue
            if active and _ignored(directory_abs / entry.name, is_dir, active):
                continue
            if is_dir:
                subdirs.append((path, directory_abs / entry.name, relative, active))
            elif entry.name.endswith(PYTHON_SUFFIXES) and not _is_special(entry):
                add(path)
        stack.extend(reversed(subdirs))

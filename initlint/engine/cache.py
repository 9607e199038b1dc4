"""Per-file results keyed by initlint's code, settings, rule set, the file's place and content
(like .ruff_cache); entries are validated when read."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional, Sequence

from initlint import __version__
from initlint.diagnostics import Diagnostic, FixSafety, Severity

CACHE_DIR_NAME = ".initlint_cache"


def fingerprint_of(package: Path) -> str:
    """Content digest of every `.py` file under `package` (size and mtime miss an edit that keeps
    both, as a checkout or a copy that preserves times can)."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(package.rglob("*.py")):
        try:
            data = path.read_bytes()
        except OSError:
            data = b"\0unreadable"
        _feed(digest, path.relative_to(package).as_posix().encode())
        _feed(digest, data)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """initlint's own code and what it runs on: an edited rule invalidates results even before
    the version changes (editable installs), and so does another libcst or Python."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        libcst_version = version("libcst")
    except PackageNotFoundError:  # pragma: no cover - libcst is a dependency
        libcst_version = "?"
    versions = f"{__version__}|libcst {libcst_version}|python {sys.version_info[:2]}"
    return versions + "|" + fingerprint_of(Path(__file__).resolve().parent.parent)


def _feed(digest: "hashlib._Hash", data: bytes) -> None:
    """Length-prefixed, so no two different input lists hash the same bytes."""
    digest.update(len(data).to_bytes(8, "little"))
    digest.update(data)


def cache_key(
    content: bytes, salt: str, *, path: str, package: Optional[str], extra: Sequence[str] = ()
) -> str:
    """Everything a file's results depend on: initlint's code, the settings and rule set (`salt`),
    where the file is (`path`; relative imports and init-module wrappers depend on its `package`),
    `extra` inputs (the project index's facts the file depends on; add new inputs there), and its
    bytes."""
    digest = hashlib.blake2b(digest_size=20)
    for part in (code_fingerprint(), salt, path, "\0none" if package is None else package, *extra):
        _feed(digest, part.encode("utf-8", "surrogatepass"))
    _feed(digest, content)
    return digest.hexdigest()


_SEVERITIES = frozenset(s.value for s in Severity)
_SAFETIES = frozenset(s.value for s in FixSafety)


def _positive_int(value: Any) -> bool:
    return type(value) is int and value >= 1  # not bool, not "5"


def _valid_location(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and _positive_int(value.get("row"))
        and _positive_int(value.get("column"))
    )


def _valid_fix(fix: Any) -> bool:
    if fix is None:
        return True
    return (
        isinstance(fix, dict)
        and isinstance(fix.get("message"), str)
        and fix.get("safety") in _SAFETIES
        and isinstance(fix.get("edits"), list)
        and all(
            isinstance(edit, dict)
            and isinstance(edit.get("content"), str)
            and _valid_location(edit.get("location"))
            and _valid_location(edit.get("end_location"))
            for edit in fix["edits"]
        )
    )


def _valid_diagnostic(item: Any) -> bool:
    """The shape `Diagnostic.to_dict` writes; anything else (a hand edit, a bug, another version
    sharing the directory) is a cache miss rather than a crash in the output."""
    return (
        isinstance(item, dict)
        and all(isinstance(item.get(name), str) for name in ("code", "name", "message"))
        and item.get("severity") in _SEVERITIES
        and _valid_location(item.get("location"))
        and _valid_location(item.get("end_location"))
        and (item.get("noqa_row") is None or _positive_int(item.get("noqa_row")))
        and (item.get("cell") is None or _positive_int(item.get("cell")))
        and _valid_fix(item.get("fix"))
    )


class ResultCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory / __version__

    def _ensure(self) -> None:
        if self.directory.is_dir():
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        top = self.directory.parent
        # Keep the cache out of git and backups, as ruff and pytest do.
        for name, text in (
            (".gitignore", "# Automatically created by initlint.\n*\n"),
            ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n"),
        ):
            marker = top / name
            if not marker.exists():
                marker.write_text(text, encoding="utf-8")

    def ensure(self) -> Path:
        """The versioned cache directory, created with its markers (other caches live in it too)."""
        self._ensure()
        return self.directory

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str, path: str) -> Optional[list[Diagnostic]]:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError, MemoryError):
            return None
        items = data.get("diagnostics") if isinstance(data, dict) else None
        if not isinstance(items, list) or not all(_valid_diagnostic(item) for item in items):
            return None
        try:
            return [Diagnostic.from_dict({**item, "path": path}) for item in items]
        except (KeyError, TypeError, ValueError):  # pragma: no cover - the checks above cover it
            return None

    def put(self, key: str, diagnostics: list[Diagnostic]) -> None:
        try:
            self._ensure()
            target = self._path(key)
            target.parent.mkdir(exist_ok=True)
            payload = json.dumps({"diagnostics": [d.to_dict() for d in diagnostics]})
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
            os.replace(tmp, target)
        except OSError:
            pass  # a cache that cannot be written is only a slower run

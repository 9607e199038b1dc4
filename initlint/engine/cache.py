"""Per-file results keyed by initlint's code, settings, rule set, the file's place and content
(like .ruff_cache); entries are validated when read.

A warm run does not read every file to find its key: the `Manifest` remembers, per path, the
file's status (device, inode, size, mtime, ctime) when its content was last hashed, that digest,
the key and the results, so an unchanged file costs one `stat` (as ruff and mypy do). The status
is trusted only where ctime is the inode change time (POSIX: no write keeps it) and only for a
file last changed well before it was hashed; otherwise the content is hashed again.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, Optional, Sequence

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
    versions = f"{__version__}|libcst {_libcst_version()}|python {sys.version_info[:2]}"
    return versions + "|" + fingerprint_of(Path(__file__).resolve().parent.parent)


def _libcst_version() -> str:
    """libcst's version file as it is, without importing libcst (a cache hit never needs it)
    or scanning every installed distribution (`importlib.metadata`, 0.1 s a run)."""
    from importlib.util import find_spec

    try:
        spec = find_spec("libcst")
        locations = list(spec.submodule_search_locations or ()) if spec is not None else []
        for location in locations:
            candidate = Path(location) / "_version.py"
            if candidate.is_file():
                return candidate.read_text(encoding="utf-8", errors="replace")
    except (ImportError, OSError, ValueError):
        pass
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("libcst")
    except PackageNotFoundError:  # pragma: no cover - libcst is a dependency
        return "?"


def _feed(digest: "hashlib._Hash", data: bytes) -> None:
    """Length-prefixed, so no two different input lists hash the same bytes."""
    digest.update(len(data).to_bytes(8, "little"))
    digest.update(data)


def content_digest(content: bytes) -> str:
    return hashlib.blake2b(content, digest_size=20).hexdigest()


def cache_key(
    content: bytes, salt: str, *, path: str, package: Optional[str], extra: Sequence[str] = ()
) -> str:
    """Everything a file's results depend on: initlint's code, the settings and rule set (`salt`),
    where the file is (`path`; relative imports and init-module wrappers depend on its `package`),
    `extra` inputs (the project index's facts the file depends on; add new inputs there), and its
    bytes."""
    return key_for_digest(content_digest(content), salt, path=path, package=package, extra=extra)


def key_for_digest(
    digest_of_content: str, salt: str, *, path: str, package: Optional[str], extra: Sequence[str] = ()
) -> str:
    """`cache_key` from the content's digest (known from the manifest without reading the file)."""
    digest = _keyed_by(salt).copy()
    for part in (path, "\0none" if package is None else package, *extra, digest_of_content):
        _feed(digest, part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@lru_cache(maxsize=64)
def _keyed_by(salt: str) -> "hashlib._Hash":
    """The key's hash fed with what every file of a run shares (initlint's code, the salt):
    copied per file, not fed again (a warm run computes a key for each of thousands of files)."""
    digest = hashlib.blake2b(digest_size=20)
    for part in (code_fingerprint(), salt):
        _feed(digest, part.encode("utf-8", "surrogatepass"))
    return digest


# -- the stat fast path ----------------------------------------------------------------------
# A file changed less than this before it was hashed may change again within the timestamp
# granularity of its file system (git's "racily clean" entries): its status is not trusted.
RACY_NS = 2_000_000_000
# ctime is the inode change time on POSIX (no write can keep it); elsewhere it is the creation
# time, and content is always hashed.
STAT_TRUSTED = os.name == "posix"

Signature = tuple[int, int, int, int, int]


def signature(status: os.stat_result) -> Signature:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def status_unchanged(recorded: Signature, hashed_at_ns: int, status: os.stat_result) -> bool:
    """The file is byte for byte what was hashed at `hashed_at_ns` when its status then was
    `recorded`: same device, inode, size, mtime and ctime, and last changed at least RACY_NS
    before the hash (a later change could otherwise keep both times)."""
    return (
        STAT_TRUSTED
        and signature(status) == recorded
        and max(status.st_mtime_ns, status.st_ctime_ns) < hashed_at_ns - RACY_NS
    )


class ManifestEntry(NamedTuple):
    """What the last run knew of one file: its status when hashed, and the key and results
    that content had (the key also covers settings, rules, initlint and the index's facts)."""

    signature: Signature
    hashed_at_ns: int
    content_digest: str
    key: str
    diagnostics: tuple[dict, ...]


class Manifest:
    """path → ManifestEntry, one pickle per cache directory. Entries are checked when used
    (status, then the full key) and a corrupt or foreign file is an empty manifest. They are
    held and pickled as plain tuples in ManifestEntry's field order: a NamedTuple pickles
    through a Python `__getnewargs__` call per entry, half of rewriting a 3,000-file manifest."""

    FILE_NAME = "results-manifest.pickle"
    _FORMAT = 2

    def __init__(self, directory: Path) -> None:
        self.file = directory / self.FILE_NAME
        self.entries: dict[str, tuple] = {}
        self.changed = False
        try:
            with open(self.file, "rb") as handle:
                data = pickle.load(handle)
            if isinstance(data, dict) and data.get("format") == self._FORMAT:
                self.entries = data["entries"]
        except Exception:  # missing, partial or corrupt: only a slower run
            self.entries = {}

    def content_digest(self, where: str, status: os.stat_result) -> Optional[str]:
        """The file's content digest when its status proves it unchanged since it was hashed."""
        entry = self.entries.get(where)
        if entry is None or not status_unchanged(entry[0], entry[1], status):  # signature, hashed_at_ns
            return None
        return entry[2]  # content_digest

    def results(self, where: str, key: str) -> Optional[list[dict]]:
        """The remembered results, when they were computed under exactly this key."""
        entry = self.entries.get(where)
        if entry is None or entry[3] != key:  # key
            return None
        items = list(entry[4])  # diagnostics
        return items if all(_valid_diagnostic(item) for item in items) else None

    def record(self, where: str, entry: ManifestEntry) -> None:
        if self.entries.get(where) != entry:  # (a tuple equals a NamedTuple of the same fields)
            self.entries[where] = tuple(entry)
            self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.file.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump({"format": self._FORMAT, "entries": self.entries}, handle,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.file)
            self.changed = False
        except (OSError, pickle.PicklingError):
            pass  # a manifest that cannot be written is only a slower next run


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

    def manifest(self) -> Manifest:
        return Manifest(self.directory)

    def get(self, key: str, path: str) -> Optional[list[Diagnostic]]:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError, MemoryError):
            return None
        items = data.get("diagnostics") if isinstance(data, dict) else None
        if not isinstance(items, list) or not all(_valid_diagnostic(item) for item in items):
            return None
        return diagnostics_from(items, path)

    def put(self, key: str, diagnostics: list[Diagnostic]) -> None:
        try:
            self._ensure()
            target = self._path(key)
            target.parent.mkdir(exist_ok=True)
            payload = json.dumps({"diagnostics": [d.to_dict() for d in diagnostics]})  # = stored()
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
            os.replace(tmp, target)
        except OSError:
            pass  # a cache that cannot be written is only a slower run


def stored(diagnostics: Sequence[Diagnostic]) -> tuple[dict, ...]:
    """Diagnostics as a cache entry holds them (JSON's types: lists, not tuples)."""
    return tuple(json.loads(json.dumps([d.to_dict() for d in diagnostics])))


def diagnostics_from(items: list[dict], path: str) -> Optional[list[Diagnostic]]:
    """Validated cache items (`_valid_diagnostic`) as the diagnostics of the file at `path`."""
    try:
        return [Diagnostic.from_dict({**item, "path": path}) for item in items]
    except (KeyError, TypeError, ValueError):  # pragma: no cover - the checks cover it
        return None

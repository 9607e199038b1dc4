"""Per-file results keyed by tool version, settings, rule set and file content (like .ruff_cache)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Optional

from initlint import __version__
from initlint.diagnostics import Diagnostic

CACHE_DIR_NAME = ".initlint_cache"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Size and mtime of initlint's own sources: an edited rule invalidates results even before
    the version changes (editable installs during development)."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(digest_size=12)
    for path in sorted(package.rglob("*.py")):
        stat = path.stat()
        digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()


def cache_key(content: bytes, salt: str) -> str:
    digest = hashlib.blake2b(digest_size=20)
    digest.update(__version__.encode())
    digest.update(code_fingerprint().encode())
    digest.update(b"\0")
    digest.update(salt.encode())
    digest.update(b"\0")
    digest.update(content)
    return digest.hexdigest()


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

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str, path: str) -> Optional[list[Diagnostic]]:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            return [Diagnostic.from_dict({**item, "path": path}) for item in data["diagnostics"]]
        except (OSError, ValueError, KeyError, TypeError):
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

"""Lint many files: read, consult the cache, lint in worker processes when it pays, write fixes."""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

from initlint.diagnostics import FileError, FileResult
from initlint.engine import project
from initlint.engine.cache import ResultCache, cache_key
from initlint.engine.linter import LintOptions, lint_bytes

# Below this many files, starting processes costs more than it saves.
PARALLEL_THRESHOLD = 24


@dataclass(frozen=True)
class FileTask:
    path: Path
    display: str
    options: LintOptions
    salt: str


@lru_cache(maxsize=4096)
def package_of(directory: Path) -> Optional[str]:
    """Dotted package name of a directory, found by walking up through `__init__.py` files."""
    parts: list[str] = []
    current = directory
    while (current / "__init__.py").is_file() or (current / "__init__.pyi").is_file():
        parts.append(current.name)
        if current.parent == current:
            break
        current = current.parent
    return ".".join(reversed(parts)) if parts else ""


def read_error(display: str, exc: OSError) -> FileError:
    reason = exc.strerror or type(exc).__name__
    return FileError(display, f"cannot read file: {reason}")


def lint_file(task: FileTask, cache: Optional[ResultCache]) -> FileResult:
    try:
        data = task.path.read_bytes()
    except OSError as exc:
        return FileResult(task.display, errors=[read_error(task.display, exc)])
    key = cache_key(data, task.salt + project.result_salt(task.path)) if cache is not None else ""
    if cache is not None:
        cached = cache.get(key, task.display)
        needs_fixing = task.options.fix and cached is not None and any(
            d.fix is not None and task.options.fix_allowed(d.fix.safety) for d in cached
        )
        if cached is not None and not needs_fixing:
            return FileResult(task.display, diagnostics=cached, from_cache=True)
    package = package_of(task.path.absolute().parent)
    result = lint_bytes(data, task.display, task.options, package)
    if cache is not None and not result.errors and result.fixed_source is None:
        cache.put(key, result.diagnostics)
    return result


_worker_cache: Optional[ResultCache] = None


def _init_worker(cache: Optional[ResultCache], index: Optional[project.ProjectIndex], root: Optional[Path]) -> None:
    global _worker_cache
    _worker_cache = cache
    if project.active() is None:  # spawn: the index comes once per worker, not once per task
        project.activate(index, root)


def _lint_in_worker(task: FileTask) -> FileResult:
    result = lint_file(task, _worker_cache)
    result.original_source = None if result.fixed_source is None else result.original_source
    return result


def run(
    tasks: Sequence[FileTask], cache: Optional[ResultCache], jobs: Optional[int] = None
) -> list[FileResult]:
    jobs = jobs or min(os.cpu_count() or 1, 8)
    if jobs <= 1 or len(tasks) < PARALLEL_THRESHOLD:
        return [lint_file(task, cache) for task in tasks]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    chunk = max(1, len(tasks) // (jobs * 4))
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        # with fork the workers inherit the index; spawn pickles it once per worker
        initargs=(cache, None if method == "fork" else project.active(), project.active_root()),
    ) as pool:
        return list(pool.map(_lint_in_worker, tasks, chunksize=chunk))


def write_atomically(path: Path, data: bytes) -> None:
    """Write next to the target, keep its permissions, then rename over it (through symlinks)."""
    path = path.resolve()
    directory = path.parent
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".initlint")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


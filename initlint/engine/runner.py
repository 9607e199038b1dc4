"""Lint many files: read, consult the cache, lint in worker processes when it pays, write fixes."""

from __future__ import annotations

import multiprocessing
import errno
import os
import signal
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from keyword import iskeyword
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional, Sequence

from initlint.diagnostics import FileError, FileResult
from initlint.engine import memory, project
from initlint.engine.cache import (
    Manifest, ManifestEntry, ResultCache, code_fingerprint, content_digest, diagnostics_from,
    key_for_digest, signature, stored,
)
from initlint.engine.options import LintOptions
from initlint.engine.source import read_source_with_stat

# Below this many files, starting processes costs more than it saves.
PARALLEL_THRESHOLD = 24


def __getattr__(name: str):
    """`lint_bytes` is imported on first use: a run the cache answers never imports libcst."""
    if name == "lint_bytes":
        from initlint.engine.linter import lint_bytes as function

        globals()["lint_bytes"] = function
        return function
    raise AttributeError(name)


def _lint_bytes():
    """`lint_bytes` as the module holds it now (tests replace it)."""
    return globals().get("lint_bytes") or __getattr__("lint_bytes")


@dataclass(frozen=True)
class FileTask:
    path: Path
    display: str
    # None until the file must be linted (`run` asks `options_for`): building options imports
    # the rules; a file served from the manifest needs only its salt. Fix runs give options.
    options: Optional[LintOptions]
    salt: str


def package_of(directory: Path) -> Optional[str]:
    """Dotted package name of a directory, found by walking up through `__init__.py` files and
    the namespace directories between them (see `_package_parts`)."""
    return ".".join(_package_parts(os.fspath(directory)))


# A directory holding one of these is where imports start (a project root), never a namespace part.
_PROJECT_MARKERS = (*project.ROOT_MARKERS, "setup.py", "setup.cfg")


def _has_init(directory: str) -> bool:
    return (os.path.isfile(os.path.join(directory, "__init__.py"))
            or os.path.isfile(os.path.join(directory, "__init__.pyi")))


@lru_cache(maxsize=4096)
def _package_parts(directory: str) -> tuple[str, ...]:
    """The package a directory is, outermost part first; () when it is none. A directory with
    `__init__.py` is a regular package; one without it is a namespace package (PEP 420) when it
    sits inside a regular package, through any number of namespace directories
    (`tirex/models/slstm/` under `tirex/models/__init__.py`): `from .slstm.cell import X` imports
    it, and its files' relative imports work. A namespace directory with no regular package above
    it (`tests/`, `scripts/` at the project root) stays no package: its files keep their bare
    names, as scripts run from there see them. On strings, each directory's `__init__` looked up
    once: a warm run asks for every file's package (its cache key), and pathlib objects per file
    and per level above it were a third of the stat fast path in a 3,000-file project."""
    parent = os.path.dirname(directory)
    name = os.path.basename(directory)
    if _has_init(directory):
        return (name,) if parent == directory else (*_package_parts(parent), name)
    if parent == directory or not name.isidentifier() or iskeyword(name) or any(
            os.path.exists(os.path.join(directory, marker)) for marker in _PROJECT_MARKERS):
        return ()
    above = _package_parts(parent)
    return (*above, name) if above else ()


def read_error(display: str, exc: OSError) -> FileError:
    reason = exc.strerror or type(exc).__name__
    return FileError(display, f"cannot read file: {reason}")


def _absolute(task: FileTask) -> str:
    """`str(task.path.absolute())` on strings (the per-file work of a warm run is a few string
    operations and one `stat`; pathlib built several objects per file)."""
    text = os.fspath(task.path)
    return text if os.path.isabs(text) else os.path.join(os.getcwd(), text)


def _where(absolute: str, task: FileTask) -> str:
    """The path as rules see it and where the file is: part of its key, and its manifest entry."""
    return f"{absolute}|{task.display}"


def _key(task: FileTask, absolute: str, digest: str) -> str:
    # new inputs of results go in `extra`
    return key_for_digest(digest, task.salt, path=_where(absolute, task),
                          package=".".join(_package_parts(os.path.dirname(absolute))),
                          extra=(project.result_salt(absolute),))


def _needs_fixing(task: FileTask, diagnostics) -> bool:
    if task.options is None:  # options are always given when fixing
        return False
    return task.options.fix and any(
        d.fix is not None and task.options.fix_allowed(d.fix.safety) for d in diagnostics
    )


def lint_file(task: FileTask, cache: Optional[ResultCache]) -> FileResult:
    hashed_at = time.time_ns()  # before the status is taken (see cache.status_unchanged)
    try:
        data, status = read_source_with_stat(task.path)
    except OSError as exc:
        return FileResult(task.display, errors=[read_error(task.display, exc)])
    absolute = _absolute(task)
    package = ".".join(_package_parts(os.path.dirname(absolute)))
    key = digest = ""
    if cache is not None:
        digest = content_digest(data)
        key = _key(task, absolute, digest)
        cached = cache.get(key, task.display)
        if cached is not None and not _needs_fixing(task, cached):
            entry = ManifestEntry(signature(status), hashed_at, digest, key, stored(cached))
            return FileResult(task.display, diagnostics=cached, from_cache=True, cache_entry=entry)
    try:
        result = _lint_bytes()(data, task.display, task.options, package)
    except Exception as exc:  # a bug of ours on one file must not take the whole run down
        message = f"initlint failed on this file ({type(exc).__name__}: {exc}); please report it"
        return FileResult(task.display, errors=[FileError(task.display, message)])
    if cache is not None and not result.errors and result.fixed_source is None:
        cache.put(key, result.diagnostics)
        result.cache_entry = ManifestEntry(signature(status), hashed_at, digest, key,
                                           stored(result.diagnostics))
    return result


def _from_manifest(task: FileTask, manifest: Manifest) -> Optional[FileResult]:
    """The file's results without reading it: its status proves its content unchanged since it
    was hashed, and its key (settings, rules, initlint, the index facts it depends on, that
    content) is the one the results were computed under. None: lint it (or ask the cache)."""
    absolute = _absolute(task)
    try:
        status = os.stat(absolute)
    except OSError:
        return None
    where = _where(absolute, task)
    digest = manifest.content_digest(where, status)
    if digest is None:
        return None
    key = _key(task, absolute, digest)
    items = manifest.results(where, key)
    if items is None:
        return None
    diagnostics = diagnostics_from(items, task.display)
    if diagnostics is None or _needs_fixing(task, diagnostics):
        return None
    return FileResult(task.display, diagnostics=diagnostics, from_cache=True)


_worker_cache: Optional[ResultCache] = None


def _init_worker(cache: Optional[ResultCache], index: Optional[project.ProjectIndex], root: Optional[Path]) -> None:
    global _worker_cache
    _worker_cache = cache
    if project.active() is None:  # spawn: the index comes once per worker, not once per task
        project.activate(index, root)
    memory.collect_per_file()


def _lint_in_worker(task: FileTask) -> FileResult:
    result = lint_file(task, _worker_cache)
    result.original_source = None if result.fixed_source is None else result.original_source
    memory.file_done()
    return result


def run(
    tasks: Sequence[FileTask],
    cache: Optional[ResultCache],
    jobs: Optional[int] = None,
    options_for: Optional[Callable[[FileTask], LintOptions]] = None,
) -> list[FileResult]:
    """Every task's result, in order: unchanged files from the manifest (one `stat` each, in
    this process), the others read and looked up or linted (in worker processes when many).
    `options_for` gives the options of a task that has none, once it must be linted."""

    def ready(task: FileTask) -> FileTask:
        if task.options is not None:
            return task
        assert options_for is not None, "a task without options needs options_for"
        return replace(task, options=options_for(task))

    if cache is None:
        return _run([ready(task) for task in tasks], None, jobs)
    manifest = cache.manifest()
    results: list[Optional[FileResult]] = [_from_manifest(task, manifest) for task in tasks]
    missing = [index for index, result in enumerate(results) if result is None]
    for index, result in zip(missing, _run([ready(tasks[i]) for i in missing], cache, jobs)):
        results[index] = result
        if result.cache_entry is not None:
            manifest.record(_where(_absolute(tasks[index]), tasks[index]), result.cache_entry)
            result.cache_entry = None
    manifest.save()
    return results  # type: ignore[return-value]


def _run(
    tasks: Sequence[FileTask], cache: Optional[ResultCache], jobs: Optional[int] = None
) -> list[FileResult]:
    jobs = jobs or min(os.cpu_count() or 1, 8)
    if jobs <= 1 or len(tasks) < PARALLEL_THRESHOLD:
        return [lint_file(task, cache) for task in tasks]
    if cache is not None:
        code_fingerprint()  # once here, inherited by forked workers instead of once in each
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    # with fork the workers inherit the index; spawn pickles it once per worker
    initargs = (cache, None if method == "fork" else project.active(), project.active_root())
    size = max(1, len(tasks) // (jobs * 4))
    results: list[Optional[FileResult]] = [None] * len(tasks)
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_init_worker, initargs=initargs
    ) as pool:
        futures = [
            (start, pool.submit(_lint_chunk, tasks[start : start + size]))
            for start in range(0, len(tasks), size)
        ]
        for start, future in futures:
            try:
                chunk = future.result()
            except BrokenProcessPool:
                continue  # a worker died (a crash in native code, the OOM killer): see below
            results[start : start + len(chunk)] = chunk
    for index, result in enumerate(results):
        if result is None:
            # Every file whose worker died is linted again alone, each in its own process: the
            # one that kills its process gets an error line, the others their results.
            results[index] = _lint_isolated(tasks[index], context, initargs)
    return results  # type: ignore[return-value]


def _lint_chunk(tasks: Sequence[FileTask]) -> list[FileResult]:
    return [_lint_in_worker(task) for task in tasks]


def _lint_isolated(task: FileTask, context, initargs: tuple) -> FileResult:
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_isolated_child, args=(sender, task, initargs), daemon=True)
    process.start()
    sender.close()
    try:
        result: Optional[FileResult] = receiver.recv()
    except EOFError:
        result = None
    receiver.close()
    process.join()
    if result is not None:
        return result
    how = _exit_description(process.exitcode or 0)
    return FileResult(
        task.display,
        errors=[FileError(task.display, f"initlint crashed on this file ({how}); please report it")],
    )


def _exit_description(code: int) -> str:
    if code >= 0:
        return f"exit code {code}"
    try:
        return f"signal {signal.Signals(-code).name}"
    except ValueError:
        return f"signal {-code}"


def _isolated_child(sender, task: FileTask, initargs: tuple) -> None:
    _init_worker(*initargs)
    sender.send(_lint_in_worker(task))
    sender.close()


def lint_unfixed(task: FileTask, data: bytes) -> FileResult:
    """The file's diagnostics as it stands (when its fixes could not be written)."""
    options = replace(task.options, fix=False)
    return _lint_bytes()(data, task.display, options, package_of(task.path.absolute().parent))


def write_fixed(path: Path, data: bytes) -> None:
    """Write a fixed file as users expect (raises OSError with a one-line reason):

    - a read-only file (no write permission for us, or none for anyone, even for root) is
      refused, as ruff does;
    - a file with several hard links, or one we cannot give back its owner and group, is
      rewritten in place: the links stay one file and the owner stays the owner;
    - any other file is replaced atomically (temporary file + rename), permissions kept.
    Symlinks are followed: the target is written, the link stays a link."""
    target = path.resolve()
    status = target.stat()
    if not status.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, "the file is read-only", str(path))
    if status.st_nlink > 1:
        _write_in_place(target, data)
    elif not _replace_atomically(target, data, status):
        _write_in_place(target, data)


def _write_in_place(target: Path, data: bytes) -> None:
    fd = os.open(target, os.O_WRONLY | getattr(os, "O_BINARY", 0))
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.ftruncate(fd, len(data))
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace_atomically(target: Path, data: bytes, status: os.stat_result) -> bool:
    """False (nothing changed) when the new file could not get the old one's owner and group."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".initlint")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        mine = os.stat(tmp)
        if hasattr(os, "chown") and (mine.st_uid, mine.st_gid) != (status.st_uid, status.st_gid):
            try:
                os.chown(tmp, status.st_uid, status.st_gid)
            except OSError:
                os.unlink(tmp)
                return False
        os.chmod(tmp, status.st_mode & 0o7777)
        os.replace(tmp, target)
        return True
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise

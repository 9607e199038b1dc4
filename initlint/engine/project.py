"""Build, cache and share the project index for a run.

The project is the directory holding `pyproject.toml` or `.git` above the linted paths, so linting
one file (as pre-commit does) still sees every other file. Summaries are cached in one file under
the cache directory, keyed by path with size, mtime and content digest: a warm run stats the files,
re-summarises only those whose content changed, and loads the rest.

The index is built once in the main process, before worker processes start; workers inherit it
(fork) or receive it once through the pool initializer (spawn) — see `active()` / `activate()`.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterable, Optional, Sequence

from initlint import __version__
from initlint.analysis.project import ProjectIndex, content_digest, module_name, summarize
from initlint.analysis.project.summary import SUMMARY_VERSION, FileSummary
from initlint.engine.source import SourceError, decode_source, read_source_bytes

ROOT_MARKERS = ("pyproject.toml", ".git")
INDEX_FILE_PREFIX = "project-index-"
# Below this many files to summarise, worker processes cost more than they save.
PARALLEL_SUMMARIES = 64

_active: Optional[ProjectIndex] = None
_active_root: Optional[Path] = None


# -- the run's index ---------------------------------------------------------------------------
def activate(index: Optional[ProjectIndex], root: Optional[Path] = None) -> None:
    """Make `index` the one linting sees in this process (and in forked workers)."""
    global _active, _active_root
    _active = index
    _active_root = root


def active() -> Optional[ProjectIndex]:
    return _active


def active_root() -> Optional[Path]:
    return _active_root


def index_path_for(path: Path) -> Optional[str]:
    """The key under which the active index knows a file (root-relative, '/'-separated)."""
    if _active is None or _active_root is None:
        return None
    try:
        return path.absolute().relative_to(_active_root).as_posix()
    except ValueError:
        return None


def result_salt(path: Path) -> str:
    """Mixed into a file's result-cache key: its results change when the facts they depend on do."""
    if _active is None:
        return ""
    key = index_path_for(path)
    if key is None or key not in _active.files:
        return "index:" + _active.digest()
    return "index:" + _active.dependency_digest(key)


# -- finding the project -----------------------------------------------------------------------
def find_project_root(paths: Iterable[Path]) -> Optional[Path]:
    """The nearest directory with pyproject.toml or .git above the first linted path."""
    for raw in paths:
        current = Path(raw).absolute()
        if not current.is_dir():
            current = current.parent
        for candidate in (current, *current.parents):
            if any((candidate / marker).exists() for marker in ROOT_MARKERS):
                return candidate
        return None
    return None


# -- the cache -----------------------------------------------------------------------------------
Entry = tuple[int, int, str, FileSummary]  # size, mtime_ns, content digest, summary


def _cache_file(cache_dir: Path, root: Path) -> Path:
    import hashlib

    tag = hashlib.blake2b(str(root).encode(), digest_size=8).hexdigest()
    return cache_dir / __version__ / f"{INDEX_FILE_PREFIX}{tag}.pickle"


def _load(file: Path) -> dict[str, Entry]:
    try:
        with open(file, "rb") as handle:
            data = pickle.load(handle)
        if data.get("version") != SUMMARY_VERSION:
            return {}
        return data["entries"]
    except Exception:  # a missing, stale or corrupt cache is only a slower run
        return {}


def _save(file: Path, entries: dict[str, Entry]) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump({"version": SUMMARY_VERSION, "entries": entries}, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, file)
    except OSError:
        pass


def _summarise(job: tuple[str, str, Optional[str]]) -> FileSummary:
    """(text, index key, package) → summary (run in worker processes for a cold index)."""
    text, key, package = job
    return summarize(text, module_name(package, key), package, key)


def build_index(
    root: Path,
    files: Sequence[Path],
    cache_dir: Optional[Path] = None,
    jobs: Optional[int] = None,
) -> ProjectIndex:
    """Summaries of `files` (all under `root`): from the cache where size and mtime (or else the
    content digest) are unchanged, summarised afresh (in parallel when many) otherwise. Files that
    cannot be read or decoded are left out (linting reports them)."""
    from initlint.engine.runner import package_of

    cache_file = _cache_file(cache_dir, root) if cache_dir is not None else None
    old = _load(cache_file) if cache_file is not None else {}
    by_digest = {entry[2]: entry for entry in old.values()}
    entries: dict[str, Entry] = {}
    todo: list[tuple[str, str, Optional[str]]] = []
    pending: list[tuple[str, int, int, str]] = []
    for path in files:
        absolute = path.absolute()
        try:
            key = absolute.relative_to(root).as_posix()
            stat = absolute.stat()
        except (ValueError, OSError):
            continue
        cached = old.get(key)
        if cached is not None and cached[0] == stat.st_size and cached[1] == stat.st_mtime_ns:
            entries[key] = cached
            continue
        try:
            text = decode_source(read_source_bytes(absolute)).text
        except (OSError, SourceError):
            continue
        digest = content_digest(text)
        package = package_of(absolute.parent)
        same = by_digest.get(digest)
        if same is not None and same[3].module == module_name(package, key):
            entries[key] = (stat.st_size, stat.st_mtime_ns, digest, same[3])
            continue
        todo.append((text, key, package))
        pending.append((key, stat.st_size, stat.st_mtime_ns, digest))
    if len(todo) >= PARALLEL_SUMMARIES and (jobs or os.cpu_count() or 1) > 1:
        import multiprocessing

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        workers = jobs or min(os.cpu_count() or 1, 8)
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method)) as pool:
            summaries = list(pool.map(_summarise, todo, chunksize=max(1, len(todo) // (workers * 4))))
    else:
        summaries = [_summarise(job) for job in todo]
    for (key, size, mtime, digest), summary in zip(pending, summaries):
        entries[key] = (size, mtime, digest, summary)
    if cache_file is not None and (todo or entries.keys() != old.keys() or any(entries[k] is not old.get(k) for k in entries)):
        _save(cache_file, entries)
    return ProjectIndex(
        {key: entry[3] for key, entry in entries.items()},
        str(root),
        {key: entry[2] for key, entry in entries.items()},
    )


def project_files(root: Path, exclude: Sequence[str], respect_gitignore: bool) -> list[Path]:
    """Every Python file of the project, by the same rules as linting (excludes, .gitignore)."""
    from initlint.engine.discovery import discover
    from initlint.engine.notebook import is_notebook

    found = discover([str(root)], root=root, exclude=exclude, respect_gitignore=respect_gitignore)
    return [path for path in found.files if not is_notebook(path.name)]  # notebooks are not imported


def prepare(
    paths: Sequence[str],
    *,
    exclude: Sequence[str],
    respect_gitignore: bool,
    cache_dir: Optional[Path],
) -> tuple[Optional[ProjectIndex], Optional[Path]]:
    """The index of the project the linted paths belong to (None outside any project)."""
    root = find_project_root(Path(p) for p in paths if p != "-")
    if root is None:
        return None, None
    files = project_files(root, exclude, respect_gitignore)
    return build_index(root, files, cache_dir), root

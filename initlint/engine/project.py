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

from initlint.analysis.project import ProjectIndex, content_digest, module_name, summarize
from initlint.analysis.project.index import calls_string, names_string, summary_digest
from initlint.analysis.project.summary import SUMMARY_VERSION
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
    """The nearest directory with pyproject.toml or .git above the first linted path; without
    one, the directory above the outermost package holding it (an unpacked wheel, a vendored
    tree), or the linted directory itself."""
    for raw in paths:
        current = Path(raw).absolute()
        start = current if current.is_dir() else current.parent
        for candidate in (start, *start.parents):
            if any((candidate / marker).exists() for marker in ROOT_MARKERS):
                return candidate
        top = start
        while (top / "__init__.py").is_file() and top.parent != top:
            top = top.parent
        if top != start or current.is_dir():
            return top
        return None
    return None


# -- the cache -----------------------------------------------------------------------------------
# size, mtime_ns, content digest, module, names string, pickled summary (unpickled on demand),
# imports (the import graph without unpickling summaries), called names (see index.calls_string),
# the summary's digest (what other files' results depend on)
Entry = tuple[int, int, str, str, str, bytes, tuple[tuple[str, str], ...], str, str]
_FORMAT = (SUMMARY_VERSION, 4)  # the summary's version and this Entry layout's


def _cache_file(cache_dir: Path, root: Path) -> Path:
    import hashlib

    tag = hashlib.blake2b(str(root).encode(), digest_size=8).hexdigest()
    return cache_dir / f"{INDEX_FILE_PREFIX}{tag}.pickle"


def _load(file: Path) -> dict[str, Entry]:
    import gc

    enabled = gc.isenabled()
    gc.disable()  # unpickling many small tuples triggers collections that find nothing
    try:
        with open(file, "rb") as handle:
            data = pickle.load(handle)
        if data.get("version") != _FORMAT:
            return {}
        return data["entries"]
    except Exception:  # a missing, stale or corrupt cache is only a slower run
        return {}
    finally:
        if enabled:
            gc.enable()


def _save(file: Path, entries: dict[str, Entry]) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump({"version": _FORMAT, "entries": entries}, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, file)
    except OSError:
        pass


def _summarise(job: tuple[str, str, Optional[str]]) -> tuple[str, str, bytes, tuple[tuple[str, str], ...], str, str]:
    """(text, index key, package) → (module, names string, pickled summary); runs in worker
    processes for a cold index, so it returns bytes the cache stores as they are."""
    text, key, package = job
    summary = summarize(text, module_name(package, key), package, key)
    blob = pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL)
    return (summary.module, names_string(summary), blob, summary.imports, calls_string(summary),
            summary_digest(summary))


def build_index(
    root: Path,
    files: Sequence[Path],
    cache_dir: Optional[Path] = None,
    jobs: Optional[int] = None,
) -> ProjectIndex:
    """Summaries of `files` (all under `root`): from the cache in `cache_dir` (the versioned
    result-cache directory) where size and mtime (or else the
    content digest) are unchanged, summarised afresh (in parallel when many) otherwise. Files that
    cannot be read or decoded are left out (linting reports them)."""
    from initlint.engine.runner import package_of

    cache_file = _cache_file(cache_dir, root) if cache_dir is not None else None
    old = _load(cache_file) if cache_file is not None else {}
    by_digest = {(entry[2], entry[3]): entry for entry in old.values()}
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
        same = by_digest.get((digest, module_name(package, key)))
        if same is not None:  # touched, renamed back, or checked out again: same facts
            entries[key] = (stat.st_size, stat.st_mtime_ns, *same[2:])
            continue
        todo.append((text, key, package))
        pending.append((key, stat.st_size, stat.st_mtime_ns, digest))
    if len(todo) >= PARALLEL_SUMMARIES and (jobs or os.cpu_count() or 1) > 1:
        import multiprocessing

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        workers = jobs or min(os.cpu_count() or 1, 8)
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method)) as pool:
            done = list(pool.map(_summarise, todo, chunksize=max(1, len(todo) // (workers * 4))))
    else:
        done = [_summarise(job) for job in todo]
    for (key, size, mtime, digest), (module, names, blob, imports, calls, facts) in zip(pending, done):
        entries[key] = (size, mtime, digest, module, names, blob, imports, calls, facts)
    if cache_file is not None and (todo or entries.keys() != old.keys() or any(entries[k] is not old.get(k) for k in entries)):
        _save(cache_file, entries)
    return ProjectIndex(
        {key: entry[5] for key, entry in entries.items()},
        str(root),
        digests={key: entry[2] for key, entry in entries.items()},
        modules={key: entry[3] for key, entry in entries.items()},
        names={key: entry[4] for key, entry in entries.items()},
        imports={key: entry[6] for key, entry in entries.items()},
        calls={key: entry[7] for key, entry in entries.items()},
        fact_digests={key: entry[8] for key, entry in entries.items()},
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
    """The index of the project the linted paths belong to. Outside any project (no
    pyproject.toml or .git above, e.g. an unpacked sdist or wheel), a linted directory is the
    project; None when only single files outside a project are linted."""
    root = find_project_root(Path(p) for p in paths if p != "-")
    if root is None:
        folders = [Path(p).absolute() for p in paths if p != "-" and Path(p).is_dir()]
        if not folders:
            return None, None
        root = folders[0]
    files = project_files(root, exclude, respect_gitignore)
    return build_index(root, files, cache_dir), root

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
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterable, Optional, Sequence, Union

from initlint.analysis.project import ProjectIndex, content_digest, module_name, summarize
from initlint.analysis.project.index import calls_string, names_string, summary_digest
from initlint.analysis.project.summary import SUMMARY_VERSION
from initlint.engine.cache import Signature, signature, status_unchanged
from initlint.engine.discovery import relative_posix
from initlint.engine.memory import cyclic_gc_paused
from initlint.engine.source import SourceError, decode_source, read_source_with_stat

ROOT_MARKERS = ("pyproject.toml", ".git")
INDEX_FILE_PREFIX = "project-index-"
# Below this many files to summarise, worker processes cost more than they save.
PARALLEL_SUMMARIES = 64
# The index cache is rewritten once this many files had to be read again (see build_index).
SAVE_AFTER_REREADS = 8

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


def index_path_for(path: Union[str, Path]) -> Optional[str]:
    """The key under which the active index knows a file (root-relative, '/'-separated)."""
    if _active is None or _active_root is None:
        return None
    return relative_posix(path, _active_root)


def result_salt(path: Union[str, Path]) -> str:
    """Mixed into a file's result-cache key: its results change when the facts they depend on do."""
    if _active is None:
        return ""
    key = index_path_for(path)
    # (`path_modules`, not `files`: a Mapping's `in` on the summaries unpickles one)
    if key is None or key not in _active.path_modules:
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
# the file's status when it was read (cache.signature) and when that was (ns), content digest,
# module, names string, pickled summary (unpickled on demand), imports (the import graph without
# unpickling summaries), called names (see index.calls_string), the summary's digest (what other
# files' results depend on)
Entry = tuple[Signature, int, str, str, str, bytes, tuple[tuple[str, str], ...], str, str]
_FORMAT = (SUMMARY_VERSION, 6)  # the summary's version and this Entry layout's (6: `base:` marks)


def _cache_file(cache_dir: Path, root: Path) -> Path:
    import hashlib

    tag = hashlib.blake2b(str(root).encode(), digest_size=8).hexdigest()
    return cache_dir / f"{INDEX_FILE_PREFIX}{tag}.pickle"


def _load(file: Path) -> tuple[dict[str, Entry], tuple[str, dict[str, str]]]:
    """The entries, and (index digest, path → dependency digest) computed for that index."""
    import gc

    enabled = gc.isenabled()
    gc.disable()  # unpickling many small tuples triggers collections that find nothing
    try:
        with open(file, "rb") as handle:
            data = pickle.load(handle)
        if data.get("version") != _FORMAT:
            return {}, ("", {})
        return data["entries"], data["dependencies"]
    except Exception:  # a missing, stale or corrupt cache is only a slower run
        return {}, ("", {})
    finally:
        if enabled:
            gc.enable()


def _save(file: Path, entries: dict[str, Entry], dependencies: tuple[str, dict[str, str]]) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump({"version": _FORMAT, "entries": entries, "dependencies": dependencies}, handle,
                        protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, file)
    except OSError:
        pass


def _summarise(job: tuple[str, str, Optional[str]]) -> tuple[str, str, bytes, tuple[tuple[str, str], ...], str, str]:
    """(text, index key, package) → (module, names string, pickled summary); runs in worker
    processes for a cold index, so it returns bytes the cache stores as they are."""
    text, key, package = job
    with cyclic_gc_paused():  # the `ast` tree is freed by reference counting (engine/memory.py)
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
    result-cache directory) where the file's status proves it unchanged (`cache.status_unchanged`)
    or else its content digest is unchanged, summarised afresh (in parallel when many) otherwise.
    Files that cannot be read or decoded are left out (linting reports them). With a cache, every
    file's dependency digest is stored with the entries, for the next run with the same facts."""
    from initlint.engine.runner import package_of

    cache_file = _cache_file(cache_dir, root) if cache_dir is not None else None
    old, dependencies = _load(cache_file) if cache_file is not None else ({}, ("", {}))
    by_digest = {(entry[2], entry[3]): entry for entry in old.values()}
    entries: dict[str, Entry] = {}
    todo: list[tuple[str, str, Optional[str]]] = []
    pending: list[tuple[str, Signature, int, str]] = []
    for path in files:
        key = relative_posix(path, root)
        if key is None or key == ".":
            continue
        try:
            status = os.stat(path)
        except OSError:
            continue
        cached = old.get(key)
        if cached is not None and status_unchanged(cached[0], cached[1], status):
            entries[key] = cached
            continue
        hashed_at = time.time_ns()
        try:
            data, status = read_source_with_stat(path)
            text = decode_source(data).text
        except (OSError, SourceError):
            continue
        digest = content_digest(text)
        absolute = path.absolute()
        package = package_of(absolute.parent)
        same = by_digest.get((digest, module_name(package, key)))
        if same is not None:  # touched, renamed back, or checked out again: same facts
            entries[key] = (signature(status), hashed_at, *same[2:])
            continue
        todo.append((text, key, package))
        pending.append((key, signature(status), hashed_at, digest))
    if len(todo) >= PARALLEL_SUMMARIES and (jobs or os.cpu_count() or 1) > 1:
        import multiprocessing

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        workers = jobs or min(os.cpu_count() or 1, 8)
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method)) as pool:
            done = list(pool.map(_summarise, todo, chunksize=max(1, len(todo) // (workers * 4))))
    else:
        done = [_summarise(job) for job in todo]
    for (key, status_signature, hashed_at, digest), (module, names, blob, imports, calls, facts) in zip(pending, done):
        entries[key] = (status_signature, hashed_at, digest, module, names, blob, imports, calls, facts)
    index = ProjectIndex(
        {key: entry[5] for key, entry in entries.items()},
        str(root),
        digests={key: entry[2] for key, entry in entries.items()},
        modules={key: entry[3] for key, entry in entries.items()},
        names={key: entry[4] for key, entry in entries.items()},
        imports={key: entry[6] for key, entry in entries.items()},
        calls={key: entry[7] for key, entry in entries.items()},
        fact_digests={key: entry[8] for key, entry in entries.items()},
    )
    if cache_file is not None:
        # Rewriting the whole cache (tens of MB in a 3,000-file project) costs more than
        # reading a few edited files again next time: it waits for many of them, a new or
        # removed file, or new dependency digests (the expensive part to recompute).
        reread = sum(1 for key, entry in entries.items() if entry is not old.get(key))
        changed = reread >= SAVE_AFTER_REREADS or entries.keys() != old.keys()
        if dependencies[0] == index.digest():
            index.known_dependency_digests(dependencies[1])
        else:
            dependencies = (index.digest(), index.dependency_digests())
            changed = True
        if changed:
            _save(cache_file, entries, dependencies)
    return index


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
    discovered: Optional[tuple[Path, Sequence[Path]]] = None,
) -> tuple[Optional[ProjectIndex], Optional[Path]]:
    """The index of the project the linted paths belong to. Outside any project (no
    pyproject.toml or .git above, e.g. an unpacked sdist or wheel), a linted directory is the
    project; None when only single files outside a project are linted. `discovered`: (root,
    files) the caller found with the same excludes; when the one linted path is the project
    root they are its files, and the tree is not walked a second time."""
    root = find_project_root(Path(p) for p in paths if p != "-")
    if root is None:
        folders = [Path(p).absolute() for p in paths if p != "-" and Path(p).is_dir()]
        if not folders:
            return None, None
        root = folders[0]
    if discovered is not None and [Path(p).absolute() for p in paths] == [root] and (
        # the walk of `root` finds the same files whatever root the excludes are relative to,
        # unless a pattern is a path (`a/b`: relative to the settings' root)
        discovered[0] == root or not any("/" in pattern.rstrip("/") for pattern in exclude)
    ):
        from initlint.engine.notebook import is_notebook

        files = [path for path in discovered[1] if not is_notebook(path.name)]
    else:
        files = project_files(root, exclude, respect_gitignore)
    return build_index(root, files, cache_dir), root

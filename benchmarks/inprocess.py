"""Lint a fixed list of a project's files in one process, with the project index active, for
A/B timing (CPU seconds of the lint loop alone, `time.process_time`), profiling and comparing
findings between two versions of initlint.

    python benchmarks/inprocess.py ROOT [--every 12] [--under models/bert ...]
        [--index-cache DIR] [--json OUT] [--profile OUT.prof] [--repeat N]

ROOT is a project (a directory with pyproject.toml, as `speed.py` prepares them). The index is
built (or loaded from --index-cache) before timing starts, as the CLI does before it lints.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Optional, Sequence


def prepared(root: Path, index_cache: Optional[Path], every: int, under: Sequence[str] = ()) -> tuple[float, list]:
    """Build (or load) the project index of `root` and make it the active one, as the CLI does
    before it lints; then read every `every`-th file (sorted paths, only under `under` when
    given). (CPU s of the index, [(bytes, root-relative path, options, package)])."""
    from initlint.engine import project
    from initlint.engine.options import ProjectOptions
    from initlint.engine.runner import package_of

    root = root.absolute()
    options = ProjectOptions.discover(root)
    files = project.project_files(root, (), True)
    started = time.process_time()
    index = project.build_index(root, files, index_cache)
    project.activate(index, root)
    index_s = time.process_time() - started
    chosen = sorted(files)
    if under:
        chosen = [p for p in chosen if any(str(p.relative_to(root)).startswith(u) for u in under)]
    jobs = []
    for path in chosen[::every]:
        relative = path.relative_to(root).as_posix()
        jobs.append((path.read_bytes(), relative, options.for_file(relative)[0], package_of(path.parent)))
    return index_s, jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--every", type=int, default=1, help="every Nth file (sorted paths)")
    parser.add_argument("--under", nargs="*", default=[], help="only files under these folders")
    parser.add_argument("--index-cache", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="write the findings here")
    parser.add_argument("--profile", type=Path, default=None, help="cProfile the lint loop")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    from initlint.engine.linter import lint_bytes

    index_s, jobs = prepared(args.root, args.index_cache, args.every, args.under)

    def lint_all() -> list:
        return [lint_bytes(data, rel, opts, package) for data, rel, opts, package in jobs]

    times = []
    results: list = []
    for _ in range(args.repeat):
        if args.profile is not None:
            import cProfile

            profiler = cProfile.Profile()
            started = time.process_time()
            profiler.enable()
            results = lint_all()
            profiler.disable()
            times.append(time.process_time() - started)
            profiler.dump_stats(str(args.profile))
        else:
            started = time.process_time()
            results = lint_all()
            times.append(time.process_time() - started)
    findings = [
        {
            "path": d.path, "code": d.code, "message": d.message,
            "location": [d.location.row, d.location.column],
            "end": [d.end_location.row, d.end_location.column],
            "fix": None if d.fix is None else [d.fix.message, str(d.fix.safety), repr(d.fix.edits)],
        }
        for result in results
        for d in result.diagnostics
    ]
    errors = [str(e) for result in results for e in result.errors]
    if args.json is not None:
        args.json.write_text(json.dumps({"findings": findings, "errors": errors}, indent=1))
    print(
        f"files {len(jobs)}  index {index_s:.2f} s  lint CPU s {' '.join(f'{t:.2f}' for t in times)}"
        f"  findings {len(findings)}  errors {len(errors)}"
    )


if __name__ == "__main__":
    main()

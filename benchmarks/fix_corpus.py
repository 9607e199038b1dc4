#!/usr/bin/env python
"""Run `initlint --fix --unsafe-fixes` over real packages and check every fix it makes.

    python benchmarks/fix_corpus.py                          # every package of real_packages.py
    python benchmarks/fix_corpus.py --packages timm fairseq

Packages are fetched by `benchmarks/real_packages.py` (same pins, same cache outside the
repository) and copied to a scratch directory; the copy is fixed, never the cache. Reported, and
all expected to be zero:

- crashes: `initlint --fix --unsafe-fixes` exits with a traceback (non-zero despite --exit-zero);
- unparseable results: a fixed file that CPython cannot compile;
- non-idempotent fixes: a second `--fix --unsafe-fixes` run changes a fixed file again;
- JSON edits that do not reproduce --fix: applying the `fix.edits` of the JSON output of the
  unfixed file (one round, non-overlapping, as an editor or bot applies ruff-style edits) must
  give the file a first `--fix` round gives; files whose fixes need several rounds are counted
  apart;
- unsafe fixes that fail to run: each file an unsafe fix changed is imported as part of its
  package in a fresh interpreter (torch is needed; the package's other dependencies must be
  installed), original and fixed copy, and every `nn.Module` subclass it defines that can be
  built without arguments is built (that runs the init code the fix changed). A fixed module
  that no longer imports, or a class that no longer builds, is a failure. Files whose original
  does not import here are counted as not importable.

Only pip, the standard library and initlint's own command line are used.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
import real_packages  # noqa: E402 - the package list and fetching live there

REPO = real_packages.REPO


@dataclass
class Outcome:
    package: str
    files: int = 0
    fixed_files: int = 0
    fixes: int = 0
    unsafe_fixes: int = 0
    crashes: list[str] = field(default_factory=list)
    unparseable: list[str] = field(default_factory=list)
    not_idempotent: list[str] = field(default_factory=list)
    edits_differ: list[str] = field(default_factory=list)
    multi_round: int = 0
    run_failures: list[str] = field(default_factory=list)
    importable: int = 0
    not_importable: int = 0


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _initlint(args: list[str], cwd: Optional[Path] = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "initlint", "check", *args, "--no-cache", "--exit-zero"],
        capture_output=True, text=True, env=_env(), cwd=cwd,
    )


def _offset(text: str, row: int, column: int) -> int:
    """Character offset of a 1-based row and column."""
    lines = text.splitlines(keepends=True)
    return sum(len(line) for line in lines[: row - 1]) + column - 1


def apply_edits(text: str, diagnostics: list[dict], unsafe: bool) -> str:
    """Apply the JSON `fix.edits` of one file as a ruff-style client does: in order, skipping
    fixes that overlap an earlier one, end to start."""
    chosen: list[tuple[int, int, str]] = []
    for diagnostic in diagnostics:
        fix = diagnostic.get("fix")
        if not fix or (fix.get("applicability") == "unsafe" and not unsafe):
            continue
        spans = [
            (_offset(text, e["location"]["row"], e["location"]["column"]),
             _offset(text, e["end_location"]["row"], e["end_location"]["column"]), e["content"])
            for e in fix["edits"]
        ]
        if any(start < end2 and start2 < end for start, end, _ in spans for start2, end2, _ in chosen):
            continue
        chosen.extend(spans)
    for start, end, content in sorted(chosen, key=lambda span: span[0], reverse=True):
        text = text[:start] + content + text[end:]
    return text


# Import the module as part of its package (from the copy it lives in), then build every
# nn.Module subclass it defines whose constructor needs no argument: that runs the init code the
# fixes changed. Prints the classes that were built.
IMPORT_AND_BUILD = """
import importlib, inspect, json, sys
module = importlib.import_module(sys.argv[1])
built = []
try:
    import torch
except ImportError:
    torch = None
for name, value in sorted(vars(module).items()):
    if not (inspect.isclass(value) and value.__module__ == module.__name__):
        continue
    if torch is None or not issubclass(value, torch.nn.Module):
        continue
    try:
        signature = inspect.signature(value)
    except (TypeError, ValueError):
        continue
    if any(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
           for p in signature.parameters.values()):
        continue
    try:
        value()
    except Exception:
        continue
    built.append(name)
print(json.dumps(built))
"""


def _run_module(tree: Path, relative: Path) -> Optional[list[str]]:
    """Import `relative` (a path under `tree`) as a module and build its argument-free models;
    the classes built, or None when the module does not import."""
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    env = _env()
    env["PYTHONPATH"] = str(tree) + os.pathsep + env["PYTHONPATH"]
    try:
        done = subprocess.run([sys.executable, "-c", IMPORT_AND_BUILD, ".".join(parts)],
                              capture_output=True, text=True, timeout=300, cwd=tree, env=env)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def check_package(package: real_packages.Package, cache: Path, scratch: Path) -> Outcome:
    roots = real_packages._find_roots(package, real_packages.fetch(package, cache, quiet=True))
    outcome = Outcome(package.spec)
    original_dir = scratch / package.name / "original"
    fixed_dir = scratch / package.name / "fixed"
    for root in roots:
        shutil.copytree(root, original_dir / root.name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(original_dir, fixed_dir)
    files = sorted(p.relative_to(original_dir) for p in original_dir.rglob("*.py"))
    outcome.files = len(files)

    # the JSON edits of the unfixed files, to compare with what one --fix round writes
    listed = _initlint([str(original_dir), "--output-format", "json", "--unsafe-fixes"])
    if listed.returncode != 0:
        outcome.crashes.append(f"json run: {listed.stderr[-2000:]}")
        return outcome
    by_file: dict[str, list[dict]] = {}
    for diagnostic in json.loads(listed.stdout or "[]"):
        by_file.setdefault(diagnostic["filename"], []).append(diagnostic)

    fixed = _initlint([str(fixed_dir), "--fix", "--unsafe-fixes", "--output-format", "json"])
    if fixed.returncode != 0:
        outcome.crashes.append(f"--fix run: {fixed.stderr[-2000:]}")
        return outcome
    again_dir = scratch / package.name / "again"
    shutil.copytree(fixed_dir, again_dir)
    again = _initlint([str(again_dir), "--fix", "--unsafe-fixes", "--output-format", "json"])
    if again.returncode != 0:
        outcome.crashes.append(f"second --fix run: {again.stderr[-2000:]}")

    for relative in files:
        before = (original_dir / relative).read_text(encoding="utf-8", errors="surrogateescape")
        after = (fixed_dir / relative).read_text(encoding="utf-8", errors="surrogateescape")
        if before == after:
            continue
        outcome.fixed_files += 1
        name = str(relative)
        try:
            compile(after, name, "exec")
        except (SyntaxError, ValueError):
            outcome.unparseable.append(name)
        if (again_dir / relative).read_text(encoding="utf-8", errors="surrogateescape") != after:
            outcome.not_idempotent.append(name)
        diagnostics = by_file.get(str(original_dir / relative), [])
        fixable = [d for d in diagnostics if d.get("fix")]
        unsafe = [d for d in fixable if d["fix"].get("applicability") == "unsafe"]
        outcome.fixes += len(fixable)
        outcome.unsafe_fixes += len(unsafe)
        one_round = _one_round(original_dir / relative)
        if one_round != after:
            outcome.multi_round += 1
        if apply_edits(before, diagnostics, unsafe=True) != one_round:
            outcome.edits_differ.append(name)
        if unsafe:
            built = _run_module(original_dir, relative)
            if built is None:
                outcome.not_importable += 1
                continue
            outcome.importable += 1
            built_fixed = _run_module(fixed_dir, relative)
            if built_fixed is None:
                outcome.run_failures.append(f"{name} (import)")
            else:
                outcome.run_failures += [f"{name} ({cls}())" for cls in built if cls not in built_fixed]
    return outcome


def _one_round(path: Path) -> str:
    """The file after exactly the fixes the JSON output lists (`--fix` re-lints until nothing
    changes; the JSON edits are one round)."""
    sys.path.insert(0, str(REPO))
    import initlint.engine.linter as linter
    from initlint.engine.linter import LintOptions, lint_bytes
    from initlint.engine.runner import package_of
    from initlint.rules.registry import select_rules

    options = LintOptions(rules=tuple(select_rules(["ALL"])), fix=True, unsafe_fixes=True)

    rounds = linter.MAX_FIX_ROUNDS
    linter.MAX_FIX_ROUNDS = 1
    try:
        result = lint_bytes(path.read_bytes(), str(path), options, package=package_of(path.parent))
    finally:
        linter.MAX_FIX_ROUNDS = rounds
    data = result.fixed_source if result.fixed_source is not None else path.read_bytes()
    return data.decode("utf-8", errors="surrogateescape")


def report(outcomes: list[Outcome]) -> str:
    rows = ["| package | files | fixed files | fixes (unsafe) | crashes | unparseable | "
            "not idempotent | JSON edits differ from --fix | several rounds | unsafe-fixed files "
            "importable / not | fail to run after the fix |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for o in outcomes:
        rows.append(
            f"| {o.package} | {o.files} | {o.fixed_files} | {o.fixes} ({o.unsafe_fixes}) | "
            f"{len(o.crashes)} | {len(o.unparseable)} | {len(o.not_idempotent)} | "
            f"{len(o.edits_differ)} | {o.multi_round} | {o.importable} / {o.not_importable} | "
            f"{len(o.run_failures)} |"
        )
    details = []
    for o in outcomes:
        for label, items in (("crash", o.crashes), ("unparseable", o.unparseable),
                             ("not idempotent", o.not_idempotent),
                             ("JSON edits differ", o.edits_differ),
                             ("fails to run after the fix", o.run_failures)):
            details += [f"- {o.package} {label}: {item}" for item in items]
    return "\n".join(rows + ([""] + details if details else [])) + "\n"


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--packages", nargs="*", default=None,
                        help=f"subset of: {' '.join(p.name for p in real_packages.PACKAGES)}")
    parser.add_argument("--cache-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    cache = (args.cache_dir or real_packages.default_cache_dir()).expanduser().resolve()
    wanted = set(args.packages) if args.packages else None
    packages = [p for p in real_packages.PACKAGES if wanted is None or p.name in wanted]
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="initlint-fix-corpus-") as scratch:
        for package in packages:
            outcome = check_package(package, cache, Path(scratch))
            print(f"{package.spec}: {outcome.fixed_files} files fixed", file=sys.stderr, flush=True)
            outcomes.append(outcome)
    print(report(outcomes), end="")
    bad = any(o.crashes or o.unparseable or o.not_idempotent or o.edits_differ or o.run_failures
              for o in outcomes)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

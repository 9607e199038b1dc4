#!/usr/bin/env python
"""Run `initlint --fix --unsafe-fixes` over real packages and check every fix it makes.

    python benchmarks/fix_corpus.py                          # every package of real_packages.py
    python benchmarks/fix_corpus.py --packages timm fairseq
    python benchmarks/fix_corpus.py --group tuning --diffs fix-diffs/

Packages are fetched by `benchmarks/real_packages.py` (same pins, same cache outside the
repository) and copied to a scratch directory; the copy is fixed, never the cache. Reported, and
all expected to be zero:

- crashes: `initlint --fix --unsafe-fixes` exits with a traceback (non-zero despite --exit-zero);
  the package is fixed by one run over the whole copy; the other runs below take only the files
  it changed (with the whole package as their project), so a package costs about one lint;
- unparseable results: a fixed file that CPython cannot compile;
- non-idempotent fixes: a second `--fix --unsafe-fixes` run (over the fixed files, with the
  whole fixed package as its project) changes a fixed file again;
- JSON edits that do not reproduce --fix: applying the `fix.edits` of the JSON output of the
  unfixed file (`--unsafe-fixes`, with the whole unfixed copy as its project; one round,
  non-overlapping, as an editor or bot applies ruff-style edits) must give the file a first
  `--fix` round gives; files whose fixes need several rounds are counted apart; a fix `--fix`
  refused because its result would not parse is listed;
- unsafe fixes that fail to run: each file an unsafe fix changed is imported as part of its
  package in a fresh interpreter (torch is needed; the package's other dependencies must be
  installed), original and fixed copy, and every `nn.Module` subclass it defines that can be
  built without arguments is built (that runs the init code the fix changed). A fixed module
  that no longer imports, or a class that no longer builds, is a failure. Files whose original
  does not import here are counted as not importable.
- unsafe fixes that miss the statistic they announce: every parameter of those built classes
  whose values the fix changed (same seed, original vs fixed build) must have the std one of
  the file's unsafe fixes announces: `Replace with `nn.init.kaiming_*/xavier_*(...)`` gives
  gain/sqrt(fan) or gain*sqrt(2/(fan_in+fan_out)) for that weight's fans, INI103's square root
  gives the square root of the original std, `Pass a=S` divides it by sqrt(1 + S^2), INI003's
  `Wrap in `if w.dim() > 1:`` keeps the std of every parameter of 2+ dimensions (the guard only
  takes 1-D biases and gains out of the blanket init; the values move with the seed). A changed
  parameter that matches none is a failure (tolerance: 5% or 5 standard errors of a sample std).

`--diffs DIR` writes, per package, the unified diff of every fixed file with the fix messages
the JSON output gave for it (for reviewing what the unsafe fixes did to real code).

Only pip, the standard library and initlint's own command line are used.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, TextIO

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
    refused: list[str] = field(default_factory=list)  # "fix ... produced invalid code" lines
    classes_built: int = 0
    parameters_checked: int = 0
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
# fixes changed. Prints, per class built, the shape, std and a checksum of every parameter (each
# class built under the same seed, so the original and fixed builds differ only where a fix did).
IMPORT_AND_BUILD = """
import importlib, inspect, json, sys
module = importlib.import_module(sys.argv[1])
built = {}
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
    torch.manual_seed(0)
    try:
        model = value()
    except Exception:
        continue
    parameters = {}
    with torch.no_grad():
        for key, tensor in model.state_dict().items():
            if not tensor.is_floating_point() or tensor.numel() == 0:
                continue
            data = tensor.detach().double()
            std = float(data.std()) if data.numel() > 1 else 0.0
            parameters[key] = [list(tensor.shape), std, float(data.abs().sum())]
    built[name] = parameters
print(json.dumps(built))
"""

Built = dict[str, dict[str, list]]


def _run_module(tree: Path, relative: Path) -> Optional[Built]:
    """Import `relative` (a path under `tree`) as a module and build its argument-free models;
    class name -> parameter name -> [shape, std, sum of |values|], or None when the module
    does not import."""
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


def _fans(shape: list[int]) -> Optional[tuple[int, int]]:
    """torch.nn.init's fan_in and fan_out of a weight of this shape (None below 2-D)."""
    if len(shape) < 2:
        return None
    receptive = math.prod(shape[2:]) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def _gain(nonlinearity: str, param: Optional[float]) -> Optional[float]:
    """torch.nn.init.calculate_gain, for the nonlinearities a fix can name."""
    if nonlinearity in ("linear", "sigmoid", "identity") or nonlinearity.startswith("conv"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope * slope))
    if nonlinearity == "selu":
        return 3.0 / 4
    return None


def announced_std(message: str, shape: list[int], original_std: float) -> Optional[float]:
    """The std an unsafe fix's message announces for a weight of `shape` whose original draw had
    `original_std`; None when the message announces no number this can compute."""
    fans = _fans(shape)
    replace = re_search(r"Replace with `(.*)`", message)
    if replace is not None:
        try:
            call = ast.parse(replace, mode="eval").body
        except SyntaxError:
            return None
        if not isinstance(call, ast.Call) or fans is None:
            return None
        function = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        keywords = {k.arg: k.value for k in call.keywords}

        def literal(key: str, default: object) -> object:
            try:
                return ast.literal_eval(keywords[key]) if key in keywords else default
            except ValueError:
                return None

        if function.startswith("kaiming"):
            a, nonlinearity, mode = literal("a", 0.0), literal("nonlinearity", "leaky_relu"), literal("mode", "fan_in")
            if not isinstance(nonlinearity, str) or not isinstance(a, (int, float)):
                return None
            gain = _gain(nonlinearity, float(a))
            fan = fans[0] if mode == "fan_in" else fans[1]
            return None if gain is None else gain / math.sqrt(fan)
        if function.startswith("xavier"):
            gain: Optional[float] = 1.0
            if "gain" in keywords:
                value = keywords["gain"]
                if isinstance(value, ast.Call) and value.args and isinstance(value.args[0], ast.Constant):
                    param = value.args[1].value if len(value.args) > 1 and isinstance(value.args[1], ast.Constant) else None
                    gain = _gain(str(value.args[0].value), param)
                else:
                    try:
                        gain = float(ast.literal_eval(value))
                    except ValueError:
                        return None
            return None if gain is None else gain * math.sqrt(2.0 / (fans[0] + fans[1]))
        return None
    if re_search(r"Wrap in `if (\S+)\.dim\(\) > 1:`", message) is not None:
        # the guard keeps 1-D parameters out of the init; what has 2+ dims is drawn as before
        return original_std if len(shape) > 1 else None
    slope = re_search(r"Pass a=([0-9.eE+-]+)", message)
    if slope is not None:
        return original_std / math.sqrt(1 + float(slope) ** 2)
    if "square root" in message.lower():
        return math.sqrt(original_std)
    return None


def re_search(pattern: str, text: str) -> Optional[str]:
    found = re.search(pattern, text)
    return found.group(1) if found else None


def statistic_failures(original: Built, fixed: Built, messages: list[str]) -> tuple[int, list[str]]:
    """(parameters checked, failures): every parameter a fix changed must have the std one of
    `messages` announces for it; changes no message announces a number for are not judged."""
    checked, failures = 0, []
    for cls, parameters in fixed.items():
        for key, (shape, std, total) in parameters.items():
            before = original.get(cls, {}).get(key)
            if before is None or (before[0] == shape and before[2] == total):
                continue  # unchanged by the fix
            expected = [e for m in messages if (e := announced_std(m, shape, before[1])) is not None]
            if not expected:
                continue
            checked += 1
            numel = math.prod(shape)
            tolerance = max(0.05, 5 / math.sqrt(2 * max(numel - 1, 1)))
            if not any(e > 0 and abs(std / e - 1) < tolerance for e in expected):
                shown = ", ".join(f"{e:.4g}" for e in expected)
                failures.append(f"{cls}().{key}: std {std:.4g}, announced {shown}")
    return checked, failures


def check_package(package: real_packages.Package, cache: Path, scratch: Path,
                  diffs: Optional[TextIO] = None) -> Outcome:
    roots = real_packages._find_roots(package, real_packages.fetch(package, cache, quiet=True))
    return check_roots(package.spec, roots, scratch / package.name, diffs)


def check_roots(spec: str, roots: list[Path], scratch: Path, diffs: Optional[TextIO] = None) -> Outcome:
    """Copy the import packages `roots` under `scratch`, fix the copy and check every fix."""
    outcome = Outcome(spec)
    original_dir = scratch / "original"
    fixed_dir = scratch / "fixed"
    for root in roots:
        shutil.copytree(root, original_dir / root.name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(original_dir, fixed_dir)
    files = sorted(p.relative_to(original_dir) for p in original_dir.rglob("*.py"))
    outcome.files = len(files)

    # the JSON edits of the unfixed files, to compare with what one --fix round writes
    # one full --fix run; the other runs cover only the files it changed (the project index
    # still covers the whole package), so a package costs one full lint, not three
    fixed = _initlint([str(fixed_dir), "--fix", "--unsafe-fixes", "--output-format", "json"])
    if fixed.returncode != 0:
        outcome.crashes.append(f"--fix run: {fixed.stderr[-2000:]}")
        return outcome
    outcome.refused = [line for line in fixed.stderr.splitlines() if "produced invalid code" in line]
    changed = [r for r in files if (original_dir / r).read_bytes() != (fixed_dir / r).read_bytes()]
    if not changed:
        return outcome

    # the JSON edits of the unfixed files, to compare with what one --fix round writes
    listed = _initlint([*(str(original_dir / r) for r in changed), "--output-format", "json",
                        "--unsafe-fixes"])
    if listed.returncode != 0:
        outcome.crashes.append(f"json run: {listed.stderr[-2000:]}")
        return outcome
    by_file: dict[str, list[dict]] = {}
    for diagnostic in json.loads(listed.stdout or "[]"):
        by_file.setdefault(str(Path(diagnostic["filename"]).absolute()), []).append(diagnostic)

    again_dir = scratch / "again"
    shutil.copytree(fixed_dir, again_dir)
    again = _initlint([*(str(again_dir / r) for r in changed), "--fix", "--unsafe-fixes",
                       "--output-format", "json"])
    if again.returncode != 0:
        outcome.crashes.append(f"second --fix run: {again.stderr[-2000:]}")

    for relative in changed:
        before = (original_dir / relative).read_text(encoding="utf-8", errors="surrogateescape")
        after = (fixed_dir / relative).read_text(encoding="utf-8", errors="surrogateescape")
        outcome.fixed_files += 1
        name = str(relative)
        try:
            compile(after, name, "exec")
        except (SyntaxError, ValueError):
            outcome.unparseable.append(name)
        if (again_dir / relative).read_text(encoding="utf-8", errors="surrogateescape") != after:
            outcome.not_idempotent.append(name)
        diagnostics = by_file.get(str((original_dir / relative).absolute()), [])
        fixable = [d for d in diagnostics if d.get("fix")]
        unsafe = [d for d in fixable if d["fix"].get("applicability") == "unsafe"]
        outcome.fixes += len(fixable)
        outcome.unsafe_fixes += len(unsafe)
        one_round = _one_round(original_dir / relative, original_dir)
        if one_round != after:
            outcome.multi_round += 1
        if apply_edits(before, diagnostics, unsafe=True) != one_round:
            outcome.edits_differ.append(name)
        if diffs is not None:
            diffs.write(_review(name, before, after, fixable))
        if unsafe:
            built = _run_module(original_dir, relative)
            if built is None:
                outcome.not_importable += 1
                continue
            outcome.importable += 1
            built_fixed = _run_module(fixed_dir, relative)
            if built_fixed is None:
                outcome.run_failures.append(f"{name} (import)")
                continue
            outcome.classes_built += len(built)
            outcome.run_failures += [f"{name} ({cls}())" for cls in built if cls not in built_fixed]
            checked, failures = statistic_failures(built, built_fixed, [d["fix"]["message"] for d in unsafe])
            outcome.parameters_checked += checked
            outcome.run_failures += [f"{name} {failure}" for failure in failures]
    return outcome


def _review(name: str, before: str, after: str, fixable: list[dict]) -> str:
    """One fixed file for review: its fix messages, then its unified diff."""
    lines = [f"### {name}\n"]
    for d in fixable:
        lines.append(f"# {d['code']} line {d['location']['row']} ({d['fix'].get('applicability')}): "
                     f"{d['fix'].get('message')}\n")
    lines += difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                  f"a/{name}", f"b/{name}")
    return "".join(lines) + "\n"


def _one_round(path: Path, index_root: Path) -> str:
    """The file after exactly the fixes the JSON output lists (`--fix` re-lints until nothing
    changes; the JSON edits are one round), with the project index `initlint check` builds for
    the package (cross-file facts change findings, so fixes too)."""
    sys.path.insert(0, str(REPO))
    import initlint.engine.linter as linter
    from initlint.config.settings import DEFAULT_EXCLUDE
    from initlint.engine import project
    from initlint.engine.linter import LintOptions, lint_bytes
    from initlint.engine.runner import package_of
    from initlint.rules.registry import select_rules

    if project.active_root() != index_root:
        index, root = project.prepare([str(index_root)], exclude=DEFAULT_EXCLUDE,
                                      respect_gitignore=True, cache_dir=None)
        project.activate(index, root)
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
            "importable / not | classes built | parameters checked | fail to run after the fix |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for o in outcomes:
        rows.append(
            f"| {o.package} | {o.files} | {o.fixed_files} | {o.fixes} ({o.unsafe_fixes}) | "
            f"{len(o.crashes)} | {len(o.unparseable)} | {len(o.not_idempotent)} | "
            f"{len(o.edits_differ)} | {o.multi_round} | {o.importable} / {o.not_importable} | "
            f"{o.classes_built} | {o.parameters_checked} | {len(o.run_failures)} |"
        )
    details = []
    for o in outcomes:
        for label, items in (("crash", o.crashes), ("unparseable", o.unparseable),
                             ("not idempotent", o.not_idempotent),
                             ("JSON edits differ", o.edits_differ),
                             ("fix refused (would not parse)", o.refused),
                             ("fails to run after the fix", o.run_failures)):
            details += [f"- {o.package} {label}: {item}" for item in items]
    return "\n".join(rows + ([""] + details if details else [])) + "\n"


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--packages", nargs="*", default=None,
                        help=f"subset of: {' '.join(p.name for p in real_packages.PACKAGES)}")
    parser.add_argument("--group", choices=(*real_packages.GROUPS, "all"), default="all",
                        help="only the packages of this group of real_packages.py (default: all)")
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--diffs", type=Path, default=None,
                        help="write PACKAGE.diff here: each fixed file's fix messages and diff")
    args = parser.parse_args(argv)
    cache = (args.cache_dir or real_packages.default_cache_dir()).expanduser().resolve()
    wanted = set(args.packages) if args.packages else None
    packages = [p for p in real_packages.PACKAGES if (wanted is None or p.name in wanted)
                and (args.group == "all" or p.group == args.group)]
    if not packages:
        parser.error("no package matches --packages and --group together")
    if args.diffs is not None:
        args.diffs.mkdir(parents=True, exist_ok=True)
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="initlint-fix-corpus-") as scratch:
        for package in packages:
            diffs = (args.diffs / f"{package.name}.diff").open("w", encoding="utf-8",
                                                                errors="surrogateescape") if args.diffs else None
            try:
                outcome = check_package(package, cache, Path(scratch), diffs)
            finally:
                if diffs is not None:
                    diffs.close()
            shutil.rmtree(Path(scratch) / package.name, ignore_errors=True)
            print(f"{package.spec}: {outcome.fixed_files} files fixed", file=sys.stderr, flush=True)
            print(report([outcome]), file=sys.stderr, flush=True)
            outcomes.append(outcome)
    print(report(outcomes), end="")
    bad = any(o.crashes or o.unparseable or o.not_idempotent or o.edits_differ or o.run_failures
              for o in outcomes)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

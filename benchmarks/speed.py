"""Time initlint against its peers on real code downloaded from PyPI, and its cost curve.

    python benchmarks/speed.py                                   # timm, initlint and parse floors
    python benchmarks/speed.py --peers                           # also ruff, TorchFix and Fixit
    python benchmarks/speed.py --peers --package timm==1.0.31 --package transformers==5.24.0
    python benchmarks/speed.py --scaling                         # cost vs file size, vs files

Packages and the peers' virtual environment live in a cache outside the repository
(default ~/.cache/initlint-bench, or $INITLINT_BENCH_CACHE). Each package is copied into
`work/<name>-<version>/` with a minimal `pyproject.toml`, as a user's checkout would have one, so
initlint builds its project index there. Every figure is a whole-process measurement: wall
seconds (median of --repeat runs) and CPU seconds (user+sys of the process and its children,
median), so parallel work is visible as CPU > wall. Tools that take minutes are timed once.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

DEFAULT_PACKAGE = "timm==1.0.31"
PEERS = ("ruff==0.17.6", "torchfix==0.7.0", "fixit==2.2.1")
SLOW_SECONDS = 30.0
REPO = Path(__file__).resolve().parent.parent


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


def checkout(source: Path, work: Path) -> Path:
    """A fresh copy of the package's sources with a `pyproject.toml`: a project as users have one."""
    target = work / source.name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.dist-info", "__pycache__"))
    (target / "pyproject.toml").write_text(f'[project]\nname = "{source.name}"\n', encoding="utf-8")
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


# argv: parser ("ast" | "libcst" | "libcst-linted") and a directory. "libcst-linted" parses only
# the files initlint's prefilter lets through (the files initlint itself parses).
PARSE_ONLY = """
import ast, sys, pathlib
import libcst
files = sorted(pathlib.Path(sys.argv[2]).rglob("*.py"))
keep = None
if sys.argv[1] == "libcst-linted":
    from initlint.engine.linter import LintOptions, _FileLinter
    from initlint.rules.registry import select_rules
    options = LintOptions(rules=tuple(select_rules(["ALL"])))
    keep = lambda path, text: bool(_FileLinter(str(path), options, None).rules_for(text))
parsed = 0
for path in files:
    text = path.read_bytes().decode("utf-8", "replace")
    if keep is not None and not keep(path, text):
        continue
    parsed += 1
    try:
        ast.parse(text) if sys.argv[1] == "ast" else libcst.parse_module(text)
    except Exception:
        pass
print(parsed)
"""


def count_linted(source: Path, env: dict[str, str]) -> int:
    out = subprocess.run(
        [sys.executable, "-c", PARSE_ONLY.replace("libcst.parse_module(text)", "None"),
         "libcst-linted", str(source)],
        env=env, capture_output=True, text=True, check=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


def measure(commands: dict[str, list[str]], cwd: Path, env: dict[str, str], repeat: int,
            before: dict[str, list[str]] | None = None) -> None:
    """Print one table row per command; `before[label]` runs (untimed) before each timed run."""
    for label, command in commands.items():
        runs = []
        for attempt in range(repeat):
            if before and label in before:
                subprocess.run(before[label], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            runs.append(timed(command, cwd, env))
            if runs[0][0] >= SLOW_SECONDS:
                break  # minutes-long tools are timed once
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        print(f"| {label} | {wall:.2f} | {cpu:.2f} | {len(runs)} |", flush=True)


TOUCH = """
import pathlib, sys, time
path = pathlib.Path(sys.argv[1])
text = path.read_text(encoding="utf-8")
marker = "# edited by speed.py"
if marker in text:
    text = text[: text.index(marker)]
path.write_text(f"{text}{marker} {time.time_ns()}\\n", encoding="utf-8")
"""
# Every timed "edited" run sees text no run has seen (a toggled marker would bring back a state
# the cache already holds, and the median would hide the re-lint).


def package_table(spec: str, cache: Path, args: argparse.Namespace, env: dict[str, str]) -> None:
    work = cache / "work"
    work.mkdir(exist_ok=True)
    project = checkout(fetch(spec, cache), work)
    files = sorted(project.rglob("*.py"))
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    linted = count_linted(project, env)
    lint_cache = work / f"initlint-cache-{project.name}"
    shutil.rmtree(lint_cache, ignore_errors=True)
    initlint = [sys.executable, "-m", "initlint", "check", str(project), "--exit-zero", "-s"]
    warm = [*initlint, "--cache-dir", str(lint_cache)]
    # one file of the project: the pre-commit case (the largest, unless --edit names one)
    one = project / args.edit if args.edit else max(files, key=lambda p: (p.stat().st_size, str(p)))
    floors: dict[str, list[str]] = {
        "ast.parse of every file (floor for any Python tool)": [sys.executable, "-c", PARSE_ONLY, "ast", str(project)],
        "libcst parse of every file (floor for a libcst tool)": [sys.executable, "-c", PARSE_ONLY, "libcst", str(project)],
        f"libcst parse of the {linted} files initlint parses": [sys.executable, "-c", PARSE_ONLY, "libcst-linted", str(project)],
    }
    commands: dict[str, list[str]] = {
        **({} if args.no_floors else floors),
        **({} if args.no_cold else {"initlint, no cache": [*initlint, "--no-cache"]}),
        "initlint, warm cache": warm,
        f"initlint, warm cache, one file edited ({one.relative_to(project)})": warm,
        f"initlint {one.relative_to(project)} alone, warm cache and index": [
            sys.executable, "-m", "initlint", "check", str(one), "--exit-zero", "-s",
            "--cache-dir", str(lint_cache)],
    }
    before = {label: [sys.executable, "-c", TOUCH, str(one)] for label in commands if "edited" in label}
    if args.peers:
        bin_dir = peers_venv(cache)
        commands["ruff check (default rules), no cache"] = [str(bin_dir / "ruff"), "check", str(project), "--no-cache", "--exit-zero", "-q"]
        commands["TorchFix"] = [str(bin_dir / "torchfix"), str(project)]
        commands["Fixit (default rules)"] = [str(bin_dir / "fixit"), "lint", str(project)]
    subprocess.run(warm, cwd=work, env=env)  # fill the cache and the index
    # and once more: files copied seconds before the fill are "racy" for the stat fast path
    # (engine/cache.py) and hashed again once; a user's tree is past that after one run
    subprocess.run(warm, cwd=work, env=env)
    print(f"\n## {spec}: {len(files)} files, {lines} lines; {os.cpu_count()} CPUs; "
          f"median of up to {args.repeat} runs\n")
    print("| command | wall s | CPU s | runs |")
    print("|---|---:|---:|---:|")
    measure(commands, work, env, args.repeat, before)


# -- generated model files for the scaling curve ---------------------------------------------

GENERATED_HEADER = "import math\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"

# One unit of the "many classes" shape: a block class and an init function with something for
# every rule to look at (bias inits, N(0, 1) and variance-as-std draws, name dispatch...).
_CLASS_UNIT = '''

class Block{i}(nn.Module):
    def __init__(self, dim, qkv_bias=True):
        super().__init__()
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.fc2 = nn.Linear(4 * dim, dim, bias=False)
        self.conv = nn.Conv2d(dim, dim, 3, bias=qkv_bias)
        self.norm = nn.LayerNorm(dim)
        self.act = nn.ReLU()
        self.weight = nn.Parameter(torch.empty(dim, dim))
        self.scale = nn.Parameter(torch.zeros(dim, dim))
        self.apply(self._init_weights)
        nn.init.zeros_(self.fc1.bias)

    def _init_weights(self, m):
        classname = m.__class__.__name__
        if classname.find('Conv') != -1:
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
        if type(m) == nn.Linear:
            nn.init.normal_(m.weight)
            nn.init.normal_(m.weight, std=1 / m.in_features)
            m.bias.data.zero_()
        elif isinstance(m, nn.LayerNorm):
            nn.init.normal_(m.weight)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


def init_weights_{i}(m):
    if isinstance(m, nn.Linear):
        nn.init.xavier_normal(m.weight)
        nn.init.constant_(m.bias, 0)
    for p in m.parameters():
        nn.init.xavier_uniform_(p)
'''

# The "one giant class" shape: the same number of layers, all in one class, one init method and
# one forward (per-class and per-function scans are where quadratic costs hide).
_GIANT_LAYERS = '''        self.fc{i} = nn.Linear(dim, dim, bias={bias})
        self.w{i} = nn.Parameter(torch.empty(dim, dim))
        self.emb{i} = nn.Embedding(10, dim, padding_idx=0)
        nn.init.zeros_(self.fc{i}.bias)
        nn.init.normal_(self.w{i})
        nn.init.xavier_uniform_(self.fc{i}.weight)
        nn.init.normal_(self.emb{i}.weight, std=1 / dim)
        self.norm{i} = nn.LayerNorm(dim)
        nn.init.normal_(self.norm{i}.weight)
'''
_GIANT_INIT = '''        if isinstance(m, nn.Linear) and m.out_features == {i}:
            nn.init.zeros_(m.weight)
            m.bias.data.zero_()
        if type(m).__name__ == 'Conv{i}d':
            nn.init.kaiming_normal_(m.weight)
'''
_GIANT_FORWARD = "        x = F.relu(self.fc{i}(x))\n"


def generated_source(units: int, shape: str = "classes") -> str:
    """A syntactically valid model file of `units` repeated units (about 1.2 KB each for
    "classes", 0.9 KB for "giant"), with findings for every rule: input for the scaling curve."""
    if shape == "classes":
        return GENERATED_HEADER + "".join(_CLASS_UNIT.format(i=i) for i in range(units))
    layers = "".join(_GIANT_LAYERS.format(i=i, bias=i % 2 == 0) for i in range(units))
    init = "".join(_GIANT_INIT.format(i=i) for i in range(units))
    forward = "".join(_GIANT_FORWARD.format(i=i) for i in range(units))
    return (
        f"{GENERATED_HEADER}\n\nclass Giant(nn.Module):\n    def __init__(self, dim):\n"
        f"        super().__init__()\n{layers}\n    def _init_weights(self, m):\n{init}\n"
        f"    def forward(self, x):\n{forward}        return x\n"
    )


def scaling(cache: Path, args: argparse.Namespace, env: dict[str, str]) -> None:
    """initlint's CPU time against the size of one generated file (two shapes), and against the
    number of files (the first N files of a package): linear costs give a constant per-KB/per-file
    column."""
    initlint = [sys.executable, "-m", "initlint", "check", "--exit-zero", "-s", "--no-cache"]
    print("\n## Cost vs file size (one generated file, all rules, no cache)\n")
    print("| shape | KB | CPU s | CPU ms per KB |")
    print("|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for shape, units in (("classes", args.units), ("giant", args.units)):
            for count in units:
                path = Path(tmp) / f"gen_{shape}_{count}.py"
                path.write_text(generated_source(count, shape), encoding="utf-8")
                kb = path.stat().st_size / 1000
                runs = [timed([*initlint, str(path)], Path(tmp), env)[1] for _ in range(args.repeat)]
                cpu = min(runs)
                print(f"| {shape} | {kb:.0f} | {cpu:.2f} | {1000 * cpu / kb:.1f} |", flush=True)
    source = fetch(args.package[0], cache)
    files = sorted(source.rglob("*.py"))
    print(f"\n## Cost vs number of files ({args.package[0]}, no cache, no project index)\n")
    print("| files | KB | CPU s | CPU ms per file |")
    print("|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for fraction in (8, 4, 2, 1):
            subset = files[: max(1, len(files) // fraction)]
            target = Path(tmp) / f"subset_{len(subset)}"
            for path in subset:
                dest = target / path.relative_to(source)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, dest)
            kb = sum(p.stat().st_size for p in subset) / 1000
            runs = [timed([*initlint, str(target)], Path(tmp), env)[1] for _ in range(args.repeat)]
            cpu = min(runs)
            print(f"| {len(subset)} | {kb:.0f} | {cpu:.2f} | {1000 * cpu / len(subset):.1f} |", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--package", action="append", help=f"pip spec (repeatable; default {DEFAULT_PACKAGE})")
    parser.add_argument("--cache-dir")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peers", action="store_true", help="also time ruff, TorchFix and Fixit")
    parser.add_argument("--no-floors", action="store_true",
                        help="skip the parse floors (they do not change with initlint)")
    parser.add_argument("--no-cold", action="store_true",
                        help="skip timing the cold run (the cache is still filled once)")
    parser.add_argument("--edit", help="the file (relative to the package's directory) to edit and "
                                       "lint alone; default: the largest")
    parser.add_argument("--scaling", action="store_true", help="only the cost curves")
    parser.add_argument("--units", type=int, nargs="*", default=[25, 100, 400, 1600],
                        help="generated-file sizes for --scaling, in repeated units (~1 KB each)")
    args = parser.parse_args()
    args.package = args.package or [DEFAULT_PACKAGE]

    cache = cache_root(args.cache_dir)
    # Installed tools run from compiled bytecode (pip compiles wheels; Python caches the rest on
    # first import). PYTHONDONTWRITEBYTECODE would make every initlint run from this checkout
    # recompile its modules (about 0.3 s a run) while the peers' installed bytecode is used, so
    # it is dropped, and initlint's modules are compiled once before anything is timed.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "initlint")], env=env,
                   check=False, stdout=subprocess.DEVNULL)
    if args.scaling:
        scaling(cache, args, env)
        return 0
    for spec in args.package:
        package_table(spec, cache, args, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The pre-commit hook: a valid manifest, and a real run through `pre-commit try-repo`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import CLEAN, REPO, RISKY
from test_notebook import NOTEBOOK


def test_manifest_is_valid() -> None:
    from pre_commit.clientlib import load_manifest

    hook, verify = load_manifest(str(REPO / ".pre-commit-hooks.yaml"))
    assert hook["id"] == "initlint"
    assert hook["language"] == "python"
    assert hook["types_or"] == ["python", "pyi", "jupyter"]
    assert hook["require_serial"] is True
    assert hook["entry"].split()[0] == "initlint"
    raw = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert raw[0]["entry"] == "initlint check --force-exclude"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _tracked_and_untracked_files(repo: Path) -> list[str]:
    """What git would commit: tracked files plus untracked ones that .gitignore does not exclude,
    minus virtual environments (`python -m venv` wrote no .gitignore into them before 3.13).
    A developer's environments and caches next to the code are never copied."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=repo, check=True, capture_output=True,
    ).stdout.decode()
    names = {name for name in listing.split("\0") if name and (repo / name).is_file()}
    environments = tuple(name[: -len("pyvenv.cfg")] for name in names
                         if name == "pyvenv.cfg" or name.endswith("/pyvenv.cfg"))
    return sorted(name for name in names if not name.startswith(environments))


def _snapshot_of_this_checkout(tmp_path: Path) -> Path:
    """try-repo installs from a git repo: copy what git would commit (committed or not) into one."""
    copy = tmp_path / "initlint-src"
    for name in _tracked_and_untracked_files(REPO):
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    _git(copy, "init", "-q")
    _git(copy, "add", "-A")
    _git(copy, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "snapshot")
    return copy


@pytest.mark.skipif(shutil.which("git") is None or not (REPO / ".git").exists(), reason="needs a git checkout")
def test_snapshot_copies_only_what_git_would_commit() -> None:
    """Untracked virtual environments and ignored build output beside the code are not copied
    (they made the suite copy gigabytes); an untracked new source file is."""
    probes = [REPO / "venv-snapshot-probe", REPO / "build" / "snapshot-probe"]
    source = REPO / "snapshot_probe_untracked.py"
    build_existed = (REPO / "build").exists()
    (probes[0] / "lib").mkdir(parents=True)
    (probes[0] / "pyvenv.cfg").write_text("home = /usr\n")  # a 3.11 venv: no .gitignore inside
    (probes[0] / "lib" / "big.py").write_text("x = 1\n")
    probes[1].mkdir(parents=True)
    (probes[1] / "ignored.py").write_text("x = 1\n")
    source.write_text("y = 2\n")
    try:
        files = _tracked_and_untracked_files(REPO)
    finally:
        for probe in probes:
            shutil.rmtree(probe)
        if not build_existed:
            (REPO / "build").rmdir()
        source.unlink()
    assert "snapshot_probe_untracked.py" in files
    assert not [name for name in files if "snapshot-probe" in name]
    assert "initlint/cli/main.py" in files and ".pre-commit-hooks.yaml" in files
    assert not [name for name in files if name.startswith((".git/", ".venv/"))]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_hook_runs_for_real(tmp_path: Path) -> None:
    source = _snapshot_of_this_checkout(tmp_path)
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q")
    (project / "model.py").write_text(RISKY)
    (project / "nb.ipynb").write_text(NOTEBOOK)
    _git(project, "add", "model.py", "nb.ipynb")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    env.pop("VIRTUAL_ENV", None)
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(source), "initlint",
               "--all-files", "--color", "never"]

    failing = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "model.py:5:8: INI201" in failing.stdout
    assert "nb.ipynb:cell 3:3:8: INI201" in failing.stdout  # `types_or` includes jupyter

    # With args: [--fix] the hook rewrites the file and fails once, as pre-commit hooks do.
    config = project / ".pre-commit-config.yaml"
    config.write_text(
        f"repos:\n- repo: {source}\n  rev: HEAD\n  hooks:\n  - id: initlint\n    args: [--fix]\n"
    )
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=source, capture_output=True,
                         text=True, check=True).stdout.strip()
    config.write_text(config.read_text().replace("rev: HEAD", f"rev: {rev}"))
    run_fix = [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"]
    fixed = subprocess.run(run_fix, cwd=project, env=env, capture_output=True, text=True)
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr
    assert "files were modified by this hook" in fixed.stdout
    assert (project / "model.py").read_text() == CLEAN
    assert "if isinstance(m, nn.Linear)" in (project / "nb.ipynb").read_text()
    again = subprocess.run(run_fix, cwd=project, env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stdout + again.stderr
    passing = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    assert passing.returncode == 0, passing.stdout + passing.stderr

    installed = list((tmp_path / "pre-commit-home").rglob("site-packages"))
    assert installed, "no hook environment was created"
    for site in installed:
        assert not (site / "torch").exists(), f"torch was installed into the hook env: {site}"
        assert (site / "libcst").exists() or any(site.glob("libcst*"))


def test_verify_hook_is_manual_and_needs_torch() -> None:
    from pre_commit.clientlib import load_manifest

    verify = load_manifest(str(REPO / ".pre-commit-hooks.yaml"))[1]
    assert verify["id"] == "initlint-verify"
    assert verify["stages"] == ["manual"]
    assert verify["pass_filenames"] is False and verify["always_run"] is True
    assert [d.split(">")[0] for d in verify["additional_dependencies"]] == ["torch"]
    assert verify["entry"] == "initlint verify"


def test_verify_hook_entry_runs_the_verifier(tmp_path: Path) -> None:
    """What pre-commit runs for the hook (entry + the user's args), in an environment with torch."""
    pytest.importorskip("torch")
    raw = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    entry = next(h for h in raw if h["id"] == "initlint-verify")["entry"].split()
    (tmp_path / "models.py").write_text(
        "import torch\nimport torch.nn as nn\n\n"
        "class Good(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.fc = nn.Linear(64, 64)\n\n"
        "class Bad(Good):\n    def __init__(self):\n        super().__init__()\n"
        "        self.fc.weight = nn.Parameter(torch.empty(64, 64))\n"
    )
    command = [sys.executable, "-m", "initlint", *entry[1:]]
    good = subprocess.run([*command, "models.py:Good"], cwd=tmp_path, capture_output=True, text=True)
    assert good.returncode == 0, good.stdout + good.stderr
    bad = subprocess.run([*command, "models.py:Bad"], cwd=tmp_path, capture_output=True, text=True)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "INV" in bad.stdout

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


def _snapshot_of_this_checkout(tmp_path: Path) -> Path:
    """try-repo installs from a git repo: copy the working tree (committed or not) into one."""
    copy = tmp_path / "initlint-src"
    ignore = shutil.ignore_patterns(".git", ".venv", "*.egg-info", "__pycache__", ".initlint_cache",
                                    ".pytest_cache", "build", "dist")
    shutil.copytree(REPO, copy, ignore=ignore)
    _git(copy, "init", "-q")
    _git(copy, "add", "-A")
    _git(copy, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "snapshot")
    return copy


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

"""The flake8 plugin, through a real `flake8` run: same codes, messages and positions as initlint."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import RISKY

pytest.importorskip("flake8")

NOQA = RISKY.replace("if type(m) == nn.Linear:", "if type(m) == nn.Linear:  # noqa: INI201")
BIAS = (
    "import torch.nn as nn\n\n\ndef init_weights(m):\n    if isinstance(m, nn.Linear):\n"
    "        nn.init.zeros_(m.bias)\n        nn.init.normal_(m.weight)\n"
)


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True)


def test_flake8_reports_what_initlint_reports(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text(RISKY)
    (tmp_path / "bias.py").write_text(BIAS)
    (tmp_path / "quiet.py").write_text(NOQA)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_model.py").write_text(RISKY)
    (tmp_path / "pyproject.toml").write_text('[tool.initlint.per-file-ignores]\n"tests/*" = ["INI2"]\n')
    files = ["bias.py", "model.py", "quiet.py", "tests/test_model.py"]
    flake8 = _run(tmp_path, "-m", "flake8", "--select=INI", *files)
    initlint = _run(tmp_path, "-m", "initlint", "--no-cache", "--output-format", "concise", *files)
    expected = [line.replace(" [*] ", " ") for line in initlint.stdout.splitlines() if ": INI" in line]
    assert len(expected) == 3, initlint.stdout  # INI002 + INI102 in bias.py, INI201 in model.py
    assert flake8.stdout.splitlines() == expected, flake8.stderr
    assert flake8.returncode == 1
    assert "model.py:5:8: INI201 `type(m) == nn.Linear` skips subclasses" in flake8.stdout


def test_flake8_plugin_is_registered_and_quiet_on_clean_code(tmp_path: Path) -> None:
    (tmp_path / "clean.py").write_text("import torch\n\nx = torch.zeros(3)\n")
    version = _run(tmp_path, "-m", "flake8", "--version")
    assert "initlint:" in version.stdout
    clean = _run(tmp_path, "-m", "flake8", "--select=INI", "clean.py")
    assert (clean.returncode, clean.stdout) == (0, "")

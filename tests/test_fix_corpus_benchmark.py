"""benchmarks/fix_corpus.py: the real-package fix run must catch what it claims to catch.

A tiny package written here goes through the whole run (JSON edits, --fix, a second --fix,
import and build under torch, the announced statistic); the statistic check must also fail a
parameter whose std is not the announced one, or the run could report zero failures forever.
"""

from __future__ import annotations

import importlib.util
import math
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "fix_corpus.py"


@pytest.fixture(scope="module")
def corpus():
    spec = importlib.util.spec_from_file_location("fix_corpus", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["fix_corpus"] = module
    spec.loader.exec_module(module)
    return module


KAIMING = "Replace with `nn.init.kaiming_normal_(self.fc.weight, nonlinearity='relu')`"


def test_announced_kaiming_and_xavier_std(corpus) -> None:
    assert corpus.announced_std(KAIMING, [64, 256], 0.0) == pytest.approx(math.sqrt(2 / 256))
    fan_out = "Replace with `nn.init.kaiming_uniform_(m.weight, mode='fan_out', nonlinearity='relu')`"
    assert corpus.announced_std(fan_out, [64, 32, 3, 3], 0.0) == pytest.approx(math.sqrt(2 / (64 * 9)))
    xavier = "Replace with `nn.init.xavier_uniform_(w, gain=nn.init.calculate_gain('tanh'))`"
    assert corpus.announced_std(xavier, [128, 256], 0.0) == pytest.approx(5 / 3 * math.sqrt(2 / 384))
    assert corpus.announced_std(KAIMING, [64], 0.0) is None  # no fans below 2-D


def test_announced_square_root_and_slope(corpus) -> None:
    root = "Take the square root of the variance formula"
    assert corpus.announced_std(root, [8, 8], 0.01) == pytest.approx(0.1)
    assert corpus.announced_std("Pass a=0.2 to `kaiming_normal_`", [8, 8], 1.0) == pytest.approx(
        1 / math.sqrt(1.04)
    )
    assert corpus.announced_std("Replace with `isinstance(m, nn.Linear)`", [8, 8], 1.0) is None
    guard = "Wrap in `if p.dim() > 1:`"
    assert corpus.announced_std(guard, [8, 8], 0.3) == 0.3  # 2-D weights drawn as before
    assert corpus.announced_std(guard, [8], 0.3) is None  # 1-D: left at their own init


def test_statistic_check_fails_a_wrong_std_and_passes_the_right_one(corpus) -> None:
    original = {"Net": {"fc.weight": [[64, 256], 0.0, 0.0], "fc.bias": [[64], 0.01, 0.5]}}
    right = {"Net": {"fc.weight": [[64, 256], math.sqrt(2 / 256) * 1.01, 12.0], "fc.bias": [[64], 0.01, 0.5]}}
    wrong = {"Net": {"fc.weight": [[64, 256], math.sqrt(1 / 256), 9.0], "fc.bias": [[64], 0.01, 0.5]}}
    assert corpus.statistic_failures(original, right, [KAIMING]) == (1, [])
    checked, failures = corpus.statistic_failures(original, wrong, [KAIMING])
    assert checked == 1 and len(failures) == 1 and "Net().fc.weight" in failures[0]


def test_edits_are_applied_end_to_start_skipping_overlaps(corpus) -> None:
    def edit(row: int, start: int, end: int, content: str) -> dict:
        return {"location": {"row": row, "column": start}, "end_location": {"row": row, "column": end},
                "content": content}

    diagnostics = [
        {"fix": {"applicability": "safe", "edits": [edit(1, 1, 2, "X")]}},
        {"fix": {"applicability": "safe", "edits": [edit(1, 1, 3, "Y")]}},  # overlaps the first
        {"fix": {"applicability": "unsafe", "edits": [edit(2, 3, 4, "Z")]}},
    ]
    assert corpus.apply_edits("abc\ndef\n", diagnostics, unsafe=True) == "Xbc\ndeZ\n"
    assert corpus.apply_edits("abc\ndef\n", diagnostics, unsafe=False) == "Xbc\ndef\n"


PACKAGE = '''
import torch.nn as nn


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(256, 256)
        self.act = nn.ReLU()
        nn.init.zeros_(self.hidden.weight)

    def forward(self, x):
        return self.act(self.hidden(x))
'''


def test_whole_run_on_a_small_package_checks_the_unsafe_fix(corpus, tmp_path: Path) -> None:
    pytest.importorskip("torch")
    root = tmp_path / "src" / "tinymodels"
    root.mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "mlp.py").write_text(textwrap.dedent(PACKAGE))
    (root / "clean.py").write_text("x = 1\n")
    outcome = corpus.check_roots("tinymodels==0", [root], tmp_path / "scratch")
    assert (outcome.files, outcome.fixed_files, outcome.unsafe_fixes) == (3, 1, 1)
    assert not (outcome.crashes or outcome.unparseable or outcome.not_idempotent or outcome.edits_differ)
    assert (outcome.importable, outcome.classes_built, outcome.parameters_checked) == (1, 1, 1)
    assert outcome.run_failures == []

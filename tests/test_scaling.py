"""Every rule must cost time linear in the size of the file (issue: a 5 MB generated file took
532 CPU seconds because INI002 paired every init site with every layer call).

Timing is too noisy on a shared machine to test this, so the test counts Python function calls
(deterministic for a given input): linting a file four times as large must take about four times
as many calls, for a file made of many classes and for one giant class with one giant init method
(where per-class and per-function scans hide).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from initlint.engine.linter import LintOptions, lint_bytes
from initlint.rules.registry import select_rules

_SPEED = Path(__file__).resolve().parent.parent / "benchmarks" / "speed.py"


def _generated_source(units: int, shape: str) -> str:
    spec = importlib.util.spec_from_file_location("initlint_bench_speed", _SPEED)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generated_source(units, shape)


def _calls(source: str) -> tuple[int, int]:
    """(Python function calls made while linting `source` with every rule, findings)."""
    options = LintOptions(rules=tuple(select_rules(["ALL"])))
    count = 0

    def hook(frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal count
        if event == "call":
            count += 1

    sys.setprofile(hook)
    try:
        result = lint_bytes(source.encode(), "generated.py", options)
    finally:
        sys.setprofile(None)
    assert not result.errors, result.errors
    return count, len(result.diagnostics)


@pytest.mark.parametrize("shape", ["classes", "giant"])
def test_lint_cost_is_linear_in_file_size(shape: str) -> None:
    small_calls, small_findings = _calls(_generated_source(6, shape))
    large_calls, large_findings = _calls(_generated_source(24, shape))
    assert small_findings > 6  # the generated code gives every rule something to do
    assert large_findings >= 4 * small_findings * 0.9
    ratio = large_calls / small_calls
    # linear: 4.0 (plus constant start-up); the quadratic INI002/INI102 scans gave 7.0 here
    assert ratio < 4.4, f"{shape}: 4x the code cost {ratio:.2f}x the calls"

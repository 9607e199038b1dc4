"""Numerical-risk rules (INI102-INI106) and the scale reading they share (analysis/scales.py).

The rules' own VALID/INVALID cases run in test_rule_examples.py; this file checks what cases
cannot express: the helpers' readings one by one, and how the rules divide work with their
neighbours (INI101 owns zero gamma, INI003 owns blanket parameter loops).
"""

from __future__ import annotations

import textwrap
from typing import Optional

import libcst as cst
import pytest

from initlint.analysis.context import FileContext
from initlint.analysis.imports import ImportMap
from initlint.analysis.scales import (
    draw_of,
    is_sqrt_like,
    random_tensor,
    sqrt_of,
    variance_formula,
)
from initlint.analysis.tensors import init_call
from initlint.engine.linter import LintOptions, lint_bytes
from initlint.rules.registry import rule_by_code_or_name

HEADER = "import math\nimport numpy as np\nimport torch\nfrom torch import nn\n"


def _context(source: str = HEADER) -> FileContext:
    module = cst.parse_module(source)
    return FileContext.build("x.py", source, module, ImportMap.from_module(module))


@pytest.mark.parametrize(
    ("expr", "variance"),
    [
        ("1/fan_in", True),
        ("2/n", True),
        ("1.0/in_features", True),
        ("2.0/(fan_in+fan_out)", True),
        ("1. / float(d)", True),
        ("1/math.sqrt(d)", False),
        ("d ** -0.5", False),
        ("0.02", False),
        ("1/(2*n_layers)**0.5", False),
        ("math.sqrt(2. / n)", False),
        ("1 / np.sqrt(d)", False),
        ("0.02 / n", False),
        ("1 / 100", False),
        ("1 / n_layers", False),
        ("2 / n_layers / math.sqrt(d)", False),
    ],
)
def test_variance_formula(expr: str, variance: bool) -> None:
    context = _context()
    assert (variance_formula(cst.parse_expression(expr), context) is not None) is variance


def test_sqrt_of_uses_math_when_imported_else_power() -> None:
    with_math = _context()
    without = _context("import torch\n")
    expr = cst.parse_expression("2. / n")
    assert with_math.code_for(sqrt_of(expr, with_math)) == "math.sqrt(2. / n)"
    assert without.code_for(sqrt_of(expr, without)) == "(2. / n) ** 0.5"
    aliased = _context("import math as m\nimport torch\n")
    assert aliased.code_for(sqrt_of(expr, aliased)) == "m.sqrt(2. / n)"


def test_is_sqrt_like() -> None:
    context = _context()
    for expr in ("math.sqrt(d)", "d ** 0.5", "d ** -0.5", "np.sqrt(2 / d)", "torch.rsqrt(d)"):
        assert is_sqrt_like(cst.parse_expression(expr), context), expr
    for expr in ("d ** 2", "1 / d", "sqrt_table[d]"):
        assert not is_sqrt_like(cst.parse_expression(expr), context), expr


def _draw(call_code: str):  # type: ignore[no-untyped-def]
    source = HEADER + call_code + "\n"
    context = _context(source)
    module = context.module
    statement = module.body[-1]
    assert isinstance(statement, cst.SimpleStatementLine)
    expr = statement.body[0]
    assert isinstance(expr, cst.Expr) and isinstance(expr.value, cst.Call)
    call = init_call(expr.value, context)
    assert call is not None
    return draw_of(call)


@pytest.mark.parametrize(
    ("code", "mean", "std"),
    [
        ("nn.init.normal_(w)", 0.0, 1.0),
        ("nn.init.normal_(w, 0.5, 2)", 0.5, 2.0),
        ("w.normal_(0.5, 2)", 0.5, 2.0),
        ("w.data.normal_(std=0.02)", 0.0, 0.02),
        ("nn.init.normal_(w, std=d ** -0.5)", 0.0, None),
        ("nn.init.trunc_normal_(w)", 0.0, 1.0),
        ("nn.init.trunc_normal_(w, 0, 0.02, -0.04, 0.04)", 0.0, 0.02),
    ],
)
def test_normal_arguments_both_apis(code: str, mean: float, std: Optional[float]) -> None:
    draw = _draw(code)
    assert draw.mean_value == mean
    assert draw.std_value == std


@pytest.mark.parametrize(
    ("code", "low", "high", "unit"),
    [
        ("nn.init.uniform_(w)", 0.0, 1.0, True),
        ("w.uniform_()", 0.0, 1.0, True),
        ("nn.init.uniform_(w, b=3)", 0.0, 3.0, False),
        ("w.uniform_(to=3)", 0.0, 3.0, False),
        ("w.data.uniform_(-0.1, 0.1)", -0.1, 0.1, False),
    ],
)
def test_uniform_arguments_both_apis(code: str, low: float, high: float, unit: bool) -> None:
    draw = _draw(code)
    assert (draw.low_value, draw.high_value) == (low, high)
    assert draw.is_unit_uniform is unit


@pytest.mark.parametrize(
    ("expr", "kind", "dims", "scaled", "shifted"),
    [
        ("torch.randn(a, b)", "normal", 2, False, False),
        ("torch.randn(a, b) * d ** -0.5", "normal", 2, True, False),
        ("torch.randn((a, b)) / math.sqrt(d)", "normal", 2, True, False),
        ("scale * torch.randn(a, b)", "normal", 2, True, False),
        ("torch.randn(a, b).div_(lr_mul)", "normal", 2, True, False),
        ("torch.rand(a, b) * 2 - 1", "uniform", 2, True, True),
        ("torch.rand(size=(a, b, c))", "uniform", 3, False, False),
        ("torch.randn(d)", "normal", 1, False, False),
        ("torch.Tensor(a, b).normal_()", "normal", 2, False, False),
        ("torch.empty(a, b).normal_(0, 0.02)", "normal", 2, True, True),
    ],
)
def test_random_tensor(expr: str, kind: str, dims: int, scaled: bool, shifted: bool) -> None:
    found = random_tensor(cst.parse_expression(expr), _context())
    assert found is not None
    assert (found.kind, found.dims, found.scaled, found.shifted) == (kind, dims, scaled, shifted)


def test_random_tensor_unknown_shape_and_non_random() -> None:
    context = _context()
    assert random_tensor(cst.parse_expression("torch.randn(*shape)"), context).dims is None
    assert random_tensor(cst.parse_expression("torch.zeros(a, b)"), context) is None


def _codes(source: str, *codes: str) -> list[str]:
    rules = tuple(rule_by_code_or_name(code) for code in codes)
    options = LintOptions(rules=tuple(r for r in rules if r is not None))
    result = lint_bytes(textwrap.dedent(source).encode(), "example.py", options)
    assert not result.errors
    return [d.code for d in result.diagnostics]


def test_zero_gamma_is_ini101s_not_ini104s() -> None:
    source = """
        import torch.nn as nn

        def init(m):
            if isinstance(m, (nn.Conv2d, nn.BatchNorm2d)):
                nn.init.zeros_(m.weight)
    """
    assert "INI104" not in _codes(source, "INI101", "INI104")


def test_blanket_parameter_loops_are_left_to_ini003() -> None:
    source = """
        import torch.nn as nn

        def init(model):
            for name, p in model.named_parameters():
                if "weight" in name:
                    nn.init.normal_(p, 0, 0.02)
    """
    assert _codes(source, "INI102", "INI104", "INI106") == []


def test_each_numerical_rule_reports_its_own_problem_once() -> None:
    source = """
        import torch.nn as nn

        def init(m):
            if isinstance(m, (nn.Linear, nn.LayerNorm)):
                nn.init.normal_(m.weight)

        class MLP(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(4, 4)
                self.act = nn.ReLU()
    """
    codes = _codes(source, "INI102", "INI103", "INI104", "INI105", "INI106")
    assert sorted(codes) == ["INI102", "INI104"]


def test_unit_variance_fix_is_unsafe_only() -> None:
    source = textwrap.dedent(
        """
        import torch
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(8, 8)
                self.apply(self.init)

            def init(self, m):
                if isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight)

            def forward(self, x):
                return torch.tanh(self.fc(x))
        """
    ).encode()
    rule = rule_by_code_or_name("INI102")
    assert rule is not None
    safe = lint_bytes(source, "x.py", LintOptions(rules=(rule,), fix=True))
    assert safe.fixed_source is None
    unsafe = lint_bytes(source, "x.py", LintOptions(rules=(rule,), fix=True, unsafe_fixes=True))
    assert unsafe.fixed_source is not None
    assert b'nn.init.xavier_uniform_(m.weight, gain=nn.init.calculate_gain("tanh"))' in unsafe.fixed_source

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


# -- INI111 std-as-gain: the factors it prints, and the facts it reads -----------------------------


def _messages(source: str, code: str) -> list[str]:
    rule = rule_by_code_or_name(code)
    assert rule is not None
    result = lint_bytes(textwrap.dedent(source).encode(), "example.py", LintOptions(rules=(rule,)))
    assert not result.errors
    return [d.message for d in result.diagnostics if d.code == code]


@pytest.mark.parametrize("function", ["xavier_normal_", "xavier_uniform_", "orthogonal_"])
@pytest.mark.parametrize("gain", [0.02, 0.01, 0.05, 0.1])
def test_std_as_gain_factor_is_what_torch_draws(function: str, gain: float) -> None:
    """The factor in the message is the measured ratio to gain 1 (std for Xavier, singular
    values for orthogonal) on a 256x256 weight: 0.02 gives std 0.00125 instead of 0.0625."""
    import re

    import torch

    source = f"""
        import torch.nn as nn

        def init_weights(net, init_gain={gain}):
            def init_func(m):
                nn.init.normal_(m.bias, 0.0, init_gain)
                nn.init.{function}(m.weight, gain=init_gain)
            net.apply(init_func)
    """
    (message,) = _messages(source, "INI111")
    factor = float(re.search(r"([\d,.]+)x (?:smaller|below)", message).group(1).replace(",", ""))
    init = getattr(torch.nn.init, function)
    generator = torch.Generator().manual_seed(0)
    small, unit = torch.empty(256, 256), torch.empty(256, 256)
    init(small, gain=gain, generator=generator)
    init(unit, gain=1.0, generator=generator)
    if function == "orthogonal_":
        assert f"singular values {gain:g}," in message
        measured = torch.linalg.svdvals(unit).mean() / torch.linalg.svdvals(small).mean()
        assert torch.allclose(torch.linalg.svdvals(small), torch.full((256,), gain), rtol=1e-3)
    else:
        measured = unit.std() / small.std()
        if function == "xavier_normal_" and gain == 0.02:
            assert abs(small.std().item() - 0.00125) < 0.00002 and abs(unit.std().item() - 0.0625) < 0.001
    assert abs(measured.item() - factor) / factor < 0.02, (message, measured)


def _known(source: str) -> Optional[float]:
    """known_number of the `gain=` argument of the file's last call."""
    from initlint.analysis.scales import known_number

    module = cst.parse_module(textwrap.dedent(source))
    context = FileContext.build("x.py", module.code, module, ImportMap.from_module(module))
    found: list[Optional[float]] = []

    class Visitor(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            context.stack.append(node)
            if isinstance(node, cst.Call):
                gain = next((a.value for a in node.args if a.keyword and a.keyword.value == "gain"), None)
                if gain is not None:
                    known = known_number(gain, context)
                    found.append(known.value if known is not None else None)
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            context.stack.pop()

    module.visit(Visitor())
    return found[-1]


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("def f(m):\n    g(m, gain=2 ** -0.5)\n", 2**-0.5),
        ("def f(net, s=0.02):\n    def visit(m):\n        g(m, gain=s)\n", 0.02),
        ("S = 0.01\ndef f(m):\n    g(m, gain=S)\n", 0.01),
        ("def f(m):\n    s = 0.1\n    g(m, gain=s)\n", 0.1),
        ("def f(m, s=0.02):\n    s = s * 2\n    g(m, gain=s)\n", None),
        ("def f(m, s):\n    g(m, gain=s)\n", None),
        ("def f(m):\n    for s in (0.1, 1.0):\n        g(m, gain=s)\n", None),
        ("def f(m):\n    s, t = 0.1, 1.0\n    g(m, gain=s)\n", None),
        ("S = 0.01\nS = 1.0\ndef f(m):\n    g(m, gain=S)\n", None),
        ("from cfg import S\ndef f(m):\n    g(m, gain=S)\n", None),
        ("def f(net, s=0.02):\n    h = lambda s: g(net, gain=s)\n", None),
    ],
)
def test_known_number(source: str, value: Optional[float]) -> None:
    assert _known(source) == value


@pytest.mark.parametrize(
    ("default", "test", "runs"),
    [
        ('"xavier"', 'kind == "xavier"', True),
        ('"normal"', 'kind == "xavier"', False),
        ('"ortho"', 'kind in ("ortho", "orthogonal")', True),
        ("None", 'kind == "xavier"', None),
    ],
)
def test_option_runs_by_default(default: str, test: str, runs: Optional[bool]) -> None:
    """`init_type == "xavier"` runs by default when the parameter defaults to "xavier"; the
    message of INI111 says so through the severity (warning) or the branch note (info)."""
    source = f"""
        import torch.nn as nn

        def init_weights(net, kind={default}, scale=0.02):
            def visit(m):
                if kind == "normal":
                    nn.init.normal_(m.weight, 0.0, scale)
                elif {test}:
                    nn.init.xavier_normal_(m.weight, gain=scale)
            net.apply(visit)

        class Net(nn.Module):  # what reaches it is known, with no norm layer after the Linear
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(4, 4)
                init_weights(self)
    """
    rule = rule_by_code_or_name("INI111")
    assert rule is not None
    result = lint_bytes(textwrap.dedent(source).encode(), "example.py", LintOptions(rules=(rule,)))
    (found,) = result.diagnostics
    assert (found.severity.value == "warning") is (runs is True)
    if runs is False:
        assert "the default is another option" in found.message
    if runs is None:
        assert "which option runs by default is not known" in found.message


# -- INI112 tied-head-unit-embedding: the numbers its message and page give ------------------------


def test_tied_head_logit_scale_is_what_torch_computes() -> None:
    """A head tied to a default `nn.Embedding` turns a unit-variance (layer-normed) input into
    logits of std sqrt(d): 32 at d = 1024, the number the message prints, with a cross-entropy
    over 10x log(V) on random targets. The remedies the message names give std 0.02 * sqrt(d)
    (table at 0.02) and 1 (input times d ** -0.5), and a loss near log(V)."""
    import math
    import re

    import torch

    source = """
        import torch.nn as nn

        class LM(nn.Module):
            def __init__(self, vocab, d):
                super().__init__()
                self.token_emb = nn.Embedding(vocab, d)
                self.norm = nn.LayerNorm(d)
                self.to_logits = nn.Linear(d, vocab, bias=False)
                self.to_logits.weight = self.token_emb.weight

            def forward(self, x):
                return self.to_logits(self.norm(self.token_emb(x)))
    """
    (message,) = _messages(source, "INI112")
    printed = float(re.search(r"\((\d+) for d = 1024\)", message).group(1))
    torch.manual_seed(0)
    d, vocab = 1024, 8192
    emb = torch.nn.Embedding(vocab, d)
    head = torch.nn.Linear(d, vocab, bias=False)
    head.weight = emb.weight
    x = torch.nn.functional.layer_norm(torch.randn(256, d) * 3 + 1, (d,))
    targets = torch.randint(0, vocab, (256,))
    with torch.no_grad():
        logits = head(x)
        assert abs(logits.std().item() - printed) / printed < 0.03, (logits.std(), message)
        assert abs(logits.std().item() - math.sqrt(d)) / math.sqrt(d) < 0.03
        assert torch.nn.functional.cross_entropy(logits, targets).item() > 10 * math.log(vocab)
        torch.nn.init.normal_(emb.weight, std=0.02)  # GPT-2's table
        small = head(x)
        assert abs(small.std().item() - 0.02 * math.sqrt(d)) < 0.03
        assert torch.nn.functional.cross_entropy(small, targets).item() < 1.1 * math.log(vocab)
        torch.nn.init.normal_(emb.weight)  # T5: N(0, 1) table, input scaled by d ** -0.5
        scaled = head(x * d ** -0.5)
        assert abs(scaled.std().item() - 1.0) < 0.05
        assert torch.nn.functional.cross_entropy(scaled, targets).item() < 1.1 * math.log(vocab)

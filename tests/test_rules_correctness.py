"""Focused tests for the class/file analysis behind INI001–INI004 (initlint/analysis/classes.py),
and for behaviours the rules' own VALID/INVALID cases cannot express."""

from __future__ import annotations

import textwrap
from typing import Optional

import libcst as cst
import pytest

from initlint.analysis.classes import (
    BiasStatus,
    bias_flag,
    bias_status,
    class_facts,
    guard_names,
    init_sites,
    module_constructor,
    uninitialized_creator,
)
from initlint.analysis.context import FileContext
from initlint.analysis.imports import ImportMap
from initlint.engine.linter import LintOptions, lint_bytes
from initlint.rules.registry import rule_by_code_or_name


def _context(code: str) -> FileContext:
    source = textwrap.dedent(code)
    module = cst.parse_module(source)
    return FileContext.build("example.py", source, module, ImportMap.from_module(module))


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("nn.Linear(4, 4)", BiasStatus.PRESENT),
        ("nn.Linear(4, 4, False)", BiasStatus.ABSENT),
        ("nn.Linear(4, 4, bias=False)", BiasStatus.ABSENT),
        ("nn.Linear(4, 4, bias=use_bias)", BiasStatus.MAYBE),
        ("nn.Linear(4, 4, **dd)", BiasStatus.PRESENT),
        ("nn.Linear(*sizes)", BiasStatus.MAYBE),
        ("nn.Conv2d(3, 8, 3, 1, 1, 1, 1, False)", BiasStatus.ABSENT),
        ("nn.Conv2d(3, 8, 3, padding=1)", BiasStatus.PRESENT),
        ("nn.BatchNorm2d(8, affine=False)", BiasStatus.ABSENT),
        ("nn.InstanceNorm2d(8)", BiasStatus.ABSENT),
        ("nn.InstanceNorm2d(8, affine=True)", BiasStatus.PRESENT),
        ("nn.LayerNorm(8, elementwise_affine=False)", BiasStatus.ABSENT),
        ("nn.LayerNorm(8, bias=False)", BiasStatus.ABSENT),
        ("nn.LayerNorm(8)", BiasStatus.PRESENT),
        ("nn.RMSNorm(8)", BiasStatus.ABSENT),
        ("MyLinear(4, 4)", BiasStatus.UNKNOWN),
    ],
)
def test_bias_status(call: str, expected: BiasStatus) -> None:
    context = _context("import torch.nn as nn\n")
    node = cst.parse_expression(call)
    assert isinstance(node, cst.Call)
    assert bias_status(context, node) is expected


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("nn.Linear(4, 4, use_bias)", "use_bias"),  # by position (Linear: third)
        ("nn.Conv2d(4, 4, 3, 1, 0, 1, 1, use_bias)", "use_bias"),  # Conv: eighth
        ("nn.Conv2d(4, 4, 3, bias=has_bias)", "has_bias"),
        ("nn.LayerNorm(4, 1e-5, affine)", "affine"),  # elementwise_affine by position
        ("nn.Linear(4, 4)", None),
        ("nn.Conv2d(4, 4, 3, 1)", None),  # the fourth positional is the stride
        ("MyLinear(4, 4, flag)", None),  # not a torch layer: its signature is not known here
    ],
)
def test_bias_flag(call: str, expected: Optional[str]) -> None:
    context = _context("import torch.nn as nn\n")
    node = cst.parse_expression(call)
    assert isinstance(node, cst.Call)
    found = bias_flag(context, node)
    assert (context.code_for(found) if found is not None else None) == expected


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("torch.empty(3, 4)", "torch.empty"),
        ("torch.empty(0)", None),
        ("torch.empty(3, 4).uniform_(-1, 1)", None),
        ("torch.empty(3, 4).to(device)", "torch.empty"),
        ("torch.Tensor(n_out, n_in)", "torch.Tensor"),
        ("torch.Tensor(out_features)", "torch.Tensor"),
        ("torch.Tensor(values)", None),
        ("torch.Tensor(deltas)", None),  # hummingbird's Prophet: data, though it starts with `d`
        ("torch.Tensor(nhid)", "torch.Tensor"),  # older code's run-together sizes
        ("torch.Tensor(nFeatures)", "torch.Tensor"),
        ("(dim ** -0.5) * torch.empty(dim, n)", "torch.empty"),  # scaled garbage
        ("torch.empty(n, d) * 0.02", "torch.empty"),
        ("torch.randn(n, d) * 0.02", None),
        ("torch.Tensor([1.0, 2.0])", None),
        ("torch.FloatTensor(3)", "torch.FloatTensor"),
        ("torch.tensor([1.0])", None),
        ("torch.randn(3, 4)", None),
        ("nn.Parameter(torch.empty(2, 2))", "torch.empty"),
    ],
)
def test_uninitialized_creator(expr: str, expected: object) -> None:
    context = _context("import torch\nimport torch.nn as nn\n")
    assert uninitialized_creator(cst.parse_expression(expr), context) == expected


def test_class_facts_order_and_reachability() -> None:
    context = _context(
        """
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.a = nn.Linear(2, 2)
                if True:
                    self.apply(self._init)
                self.b = nn.Sequential(nn.Linear(2, 2))
                self.setup()

            def setup(self):
                self.helper()

            def helper(self):
                pass

            def _init(self, m):
                pass
        """
    )
    klass = next(s for s in context.module.body if isinstance(s, cst.ClassDef))
    facts = class_facts(context, klass)
    order = [(a.attr, a.index) for a in facts.assignments]
    assert [name for name, _ in order] == ["a", "b"]
    apply = next(c for c in facts.calls if c.method == "apply")
    assert order[0][1] < apply.index < order[1][1]
    assert facts.reachable == {"setup", "helper"}
    assert module_constructor(context, facts.constructor("b")) == "Sequential"
    assert module_constructor(context, cst.parse_expression("nn.ReLU()")) is None


def test_guard_names_union_and_hasattr() -> None:
    context = _context("import torch.nn as nn\n")
    names = guard_names(cst.parse_expression('isinstance(m, nn.Linear | Foo) and hasattr(m, "w")'), context)
    assert "torch.nn.Linear" in names and "Foo" in names and "hasattr:w" in names


def test_init_sites_see_loops_and_data_assignments() -> None:
    context = _context(
        """
        import torch
        import torch.nn as nn

        class Gates(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.a = nn.Parameter(torch.empty(d, d))
                self.b = nn.Parameter(torch.empty(d))
                for w in [self.a]:
                    nn.init.orthogonal_(w)
                self.b.data = torch.zeros(d)
        """
    )
    sites = init_sites(context)
    assert any("a" in s.loop_attrs for s in sites)
    assert any(s.attr == "b" and s.owner == "self" for s in sites)


def _lint(code: str, rule: str, **options):
    selected = rule_by_code_or_name(rule)
    assert selected is not None
    return lint_bytes(
        textwrap.dedent(code).encode(), "example.py", LintOptions(rules=(selected,), **options)
    )


def test_ini003_fix_safety_depends_on_initializer() -> None:
    crash = """
    import torch.nn as nn

    def init(model):
        for p in model.parameters():
            nn.init.orthogonal_(p)
    """
    assert _lint(crash, "INI003", fix=True).fixed_source is not None  # safe
    redraw = """
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.norm = nn.LayerNorm(4)
            for p in self.parameters():
                nn.init.normal_(p, std=0.02)
    """
    assert _lint(redraw, "INI003", fix=True).fixed_source is None  # unsafe only
    assert _lint(redraw, "INI003", fix=True, unsafe_fixes=True).fixed_source is not None


def test_ini003_eye_gets_exact_two_dim_guard() -> None:
    code = """
    import torch.nn as nn

    def init(model):
        for p in model.parameters():
            nn.init.eye_(p)
    """
    fixed = _lint(code, "INI003", fix=True).fixed_source
    assert fixed is not None and b"if p.dim() == 2:" in fixed


def test_ini002_fix_keeps_tabs_and_trailing_comment() -> None:
    code = "import torch.nn as nn\n\ndef init(m):\n\tif isinstance(m, nn.Linear):\n\t\tm.bias.data.zero_()  # zero\n"
    result = lint_bytes(
        code.encode(),
        "example.py",
        LintOptions(rules=(rule_by_code_or_name("INI002"),), fix=True),  # type: ignore[arg-type]
    )
    assert result.fixed_source is not None
    assert result.fixed_source.decode() == (
        "import torch.nn as nn\n\ndef init(m):\n\tif isinstance(m, nn.Linear):\n"
        "\t\tif m.bias is not None:\n\t\t\tm.bias.data.zero_()  # zero\n"
    )


def test_ini002_no_fix_for_compound_statement_lines() -> None:
    code = """
    import torch.nn as nn

    def init(m):
        if isinstance(m, nn.Linear): nn.init.zeros_(m.bias)
    """
    result = _lint(code, "INI002", fix=True)
    assert result.diagnostics and result.diagnostics[0].fix is None
    assert result.fixed_source is None


def test_local_helper_named_like_torch_is_not_torch() -> None:
    code = """
    import torch

    def xavier_uniform_(t):
        return t

    def init(model):
        for p in model.parameters():
            xavier_uniform_(p)
    """
    assert _lint(code, "INI003").diagnostics == []

"""Shared analysis: names resolved through imports, init functions recognised."""

from __future__ import annotations

import textwrap
from typing import Optional

import libcst as cst
import pytest

from initlint.analysis.context import FileContext
from initlint.analysis.imports import ImportMap


def _resolve(source: str, expr: str, package: Optional[str] = None) -> Optional[str]:
    module = cst.parse_module(textwrap.dedent(source))
    return ImportMap.from_module(module, package).resolve(cst.parse_expression(expr))


@pytest.mark.parametrize(
    ("source", "expr", "expected"),
    [
        ("import torch", "torch.nn.init.zeros_", "torch.nn.init.zeros_"),
        ("import torch.nn as nn", "nn.init.zeros_", "torch.nn.init.zeros_"),
        ("from torch import nn", "nn.Linear", "torch.nn.Linear"),
        ("from torch.nn import init", "init.normal_", "torch.nn.init.normal_"),
        ("import torch.nn.init as I", "I.kaiming_uniform_", "torch.nn.init.kaiming_uniform_"),
        ("from torch.nn.init import zeros_", "zeros_", "torch.nn.init.zeros_"),
        ("from torch.nn.init import zeros_ as z", "z", "torch.nn.init.zeros_"),
        ("from torch.nn.init import *", "xavier_uniform_", "torch.nn.init.xavier_uniform_"),
        ("from torch.nn.init import *", "helper", None),
        ("import numpy as np", "np.zeros", "numpy.zeros"),
        ("", "nn.init.zeros_", None),
        ("from transformers import initialization as init", "init.zeros_", "torch.nn.init.zeros_"),
        ("from torch.nn.init import normal_\ndef normal_(t):\n    pass", "normal_", None),
        ("try:\n    import torch.nn as nn\nexcept ImportError:\n    nn = None", "nn.Linear", "torch.nn.Linear"),
        ("if True:\n    import torch.nn as nn", "nn.Linear", "torch.nn.Linear"),
    ],
)
def test_resolution(source: str, expr: str, expected: Optional[str]) -> None:
    assert _resolve(source, expr) == expected


def test_relative_import_of_a_known_wrapper() -> None:
    source = "from ... import initialization as init"
    package = "transformers.models.bert"
    assert _resolve(source, "init.normal_", package) == "torch.nn.init.normal_"
    # without a package (stdin, a loose file) the module name still identifies the wrapper
    assert _resolve(source, "init.normal_", None) == "torch.nn.init.normal_"
    assert _resolve("from ..initialization import zeros_", "zeros_", None) == "torch.nn.init.zeros_"
    assert _resolve("from . import helpers as init", "init.normal_", None) is None


def test_local_name_for_prefers_shortest_spelling() -> None:
    module = cst.parse_module("import torch\nimport torch.nn as nn\nfrom torch.nn import init\n")
    imports = ImportMap.from_module(module)
    assert imports.local_name_for("torch.nn.init") == "init"
    assert imports.local_name_for("torch.nn.init.zeros_") == "init.zeros_"


class _Probe(cst.CSTVisitor):
    """Records, for each `target` name, whether the context called it an init context."""

    def __init__(self, context: FileContext) -> None:
        super().__init__()
        self.context = context
        self.seen: dict[str, bool] = {}

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.context.stack.append(node)
        if isinstance(node, cst.Name) and node.value.startswith("probe_"):
            self.seen[node.value] = self.context.in_init_context()
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.context.stack.pop()


def test_init_contexts() -> None:
    source = textwrap.dedent(
        """
        import torch.nn as nn

        def _init_weights(m):
            probe_a
        def weights_init(m):
            probe_b
        def custom(m):
            probe_c
            m.weight.data.normal_(0, 0.02)
        def count_hook(m):
            probe_k  # given to apply, touches no tensor: a hook installer, not init
        def unrelated(m):
            probe_d
        class Net(nn.Module):
            def __init__(self):
                probe_e
                for m in self.modules():
                    probe_f
                    nn.init.zeros_(m.bias)
                for m in self.modules():
                    probe_j  # initializes nothing: conversion code, not init
                self.apply(custom)
                self.apply(count_hook)
                self.apply(lambda m: probe_g)
            def reset_parameters(self):
                probe_h
            def forward(self, x):
                probe_i
        """
    )
    module = cst.parse_module(source)
    context = FileContext.build("x.py", source, module, ImportMap.from_module(module))
    probe = _Probe(context)
    module.visit(probe)
    assert probe.seen == {
        "probe_a": True, "probe_b": True, "probe_c": True, "probe_d": False, "probe_e": False,
        "probe_f": True, "probe_g": True, "probe_h": True, "probe_i": False, "probe_j": False,
        "probe_k": False,
    }


def _activation(source: str):
    from initlint.analysis.activations import infer_activation

    module = cst.parse_module(textwrap.dedent(source))
    context = FileContext.build("x.py", source, module, ImportMap.from_module(module))
    return infer_activation(context, module.body[-1])


def test_activation_inference_counts_and_spells() -> None:
    found = _activation(
        """
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self):
                self.a = nn.LeakyReLU(0.2)
                self.b = nn.LeakyReLU(negative_slope=0.2)
                self.c = nn.Tanh()
        """
    )
    assert (found.family, found.spelled, found.negative_slope) == ("leaky_relu", "nn.LeakyReLU(0.2)", "0.2")


def test_written_out_swish_is_silu_not_sigmoid() -> None:
    found = _activation(
        """
        import torch
        class Net:
            def forward(self, x):
                h = x * torch.sigmoid(x)
                return torch.sigmoid(h) * h
        """
    )
    assert found.family == "silu"


def test_positions_match_libcst_position_provider() -> None:
    from libcst.metadata import MetadataWrapper, PositionProvider

    from initlint.engine.positions import Positions

    source = (
        "import torch.nn as nn\r\n"
        "@decorator(a,\n    b)\n"
        "class Net(nn.Module):\r\n"
        "\tdef __init__(self):  # comment\n"
        "\t\tx = [1,\n\t\t     2]; y = f'{x!r:>{w}}'\n"
        "\t\tfrom . import *\n"
        "z = (lambda q: q)(  3  )\rw = 1\n"
    )
    module = cst.parse_module(source)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    ours = Positions(module)
    for node, span in expected.items():
        got = ours[node]
        assert (got.start_line, got.start_column, got.end_line, got.end_column) == (
            span.start.line, span.start.column, span.end.line, span.end.column,
        ), node


_STATEMENTS = (
    "#!/usr/bin/env python\n"
    '"""Module docstring."""\n\n'
    "import torch.nn as nn\n\n\n"
    "# a comment that belongs to the decorator's statement\n"
    "@decorator(a,\n    b)\n"
    "class Net(nn.Module):\n"
    "    def __init__(self):  # comment\n"
    "        x = [1,\n             2]; y = f'{x!r:>{w}}'\n"
    "        class Inner:\n"
    "            pass\n"
    '        self.s = """two\nlines"""\n\n'
    "    @property\n"
    "    def w(self): return (lambda q: q)(  3  )\n"
    "if x:\n    y = 1\nelse:\n    y = 2\n"
    "z = 1  # the last statement\n"
    "# a footer comment\n"
)


def test_statement_positions_are_the_whole_module_positions() -> None:
    """`Positions.of_statements` renders only the statements asked for; every node of them gets
    the span the whole module's rendering gives it."""
    from initlint.analysis.walk import NodeTable
    from initlint.engine.positions import Positions

    module = cst.parse_module(_STATEMENTS)
    whole = Positions(module, _STATEMENTS)
    everything = Positions.of_statements(module, _STATEMENTS, range(len(module.body)))
    assert everything is not None
    for index, statement in enumerate(module.body):
        alone = Positions.of_statements(module, _STATEMENTS, [index])
        assert alone is not None
        for node in NodeTable(statement).nodes:
            assert alone[node] == everything[node] == whole[node], (index, node)


@pytest.mark.parametrize(
    "source",
    [
        "x = 1\r\ny = 2\r\n",  # libcst may not give \r back as it was
        "x = 1\n\x0cy = 2\n",  # nor a form feed at the start of a line
        "x = 1\ny = 2",  # the module drops the last statement's newline
        "x = 1\ny = 2\nx = 1\n",  # the statement's text is in two places
    ],
)
def test_statement_positions_leave_what_they_cannot_place_to_the_whole_module(source: str) -> None:
    from initlint.engine.positions import Positions

    module = cst.parse_module(source)
    assert Positions.of_statements(module, source, [0]) is None


def test_findings_are_the_same_with_whole_module_positions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every INVALID example of every rule, linted with all rules: the same findings, spans
    included, when the positions come from rendering the whole module."""
    from initlint.engine.linter import LintOptions, lint_bytes
    from initlint.engine.positions import Positions
    from initlint.rules.registry import all_rules

    options = LintOptions(rules=all_rules())
    codes = [textwrap.dedent(case.code) for rule in all_rules() for case in rule.INVALID]

    def findings() -> list:
        return [
            [(d.code, d.location, d.end_location, d.severity, d.message, d.fix) for d in
             lint_bytes(code.encode(), "example.py", options).diagnostics]
            for code in codes
        ]

    placed: list[bool] = []
    of_statements = Positions.of_statements.__func__  # type: ignore[attr-defined]

    def counted(cls, module, source, statements):  # type: ignore[no-untyped-def]
        result = of_statements(cls, module, source, statements)
        placed.append(result is not None)
        return result

    monkeypatch.setattr(Positions, "of_statements", classmethod(counted))
    fast = findings()
    assert sum(placed) > len(codes) // 2  # most examples take the statements' path
    monkeypatch.setattr(Positions, "of_statements", classmethod(lambda cls, module, source, statements: None))
    assert findings() == fast


@pytest.mark.parametrize(
    ("test", "never"),
    [
        ("w.shape[1] == torch.Size([1])", True),
        ("torch.Size([1]) == w.shape[0]", True),
        ("w.size(1) == (1,)", True),
        ("len(w) == [3]", True),
        ("w.dim() == (2,) and w.bias is not None", True),
        # decided by values, not by types: may be true
        ("w.shape[1] == 1", False),
        ("w.shape == torch.Size([1])", False),
        ("w.size() == (1, 1)", False),
        ("w.shape[1] != torch.Size([1])", False),
        ("w.dim() == (2,) or w.bias is None", False),
    ],
)
def test_never_true_is_decided_by_types_alone(test: str, never: bool) -> None:
    from initlint.analysis.guards import never_true

    source = f"import torch\nok = {test}\n"
    module = cst.parse_module(source)
    context = FileContext.build("x.py", source, module, ImportMap.from_module(module))
    expr = module.body[-1].body[0].value
    assert never_true(context, expr) is never


def _file_context(source: str) -> FileContext:
    source = textwrap.dedent(source)
    module = cst.parse_module(source)
    return FileContext.build("m.py", source, module, ImportMap.from_module(module))


def test_self_initializing_submodules_are_followed_into_constructors() -> None:
    from initlint.analysis.classes import initializes_itself, self_initializing_submodules

    context = _file_context(
        """
        import torch.nn as nn

        class Gate(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.fc = nn.Linear(d, d)
                self.reset_parameters()

            def reset_parameters(self):
                nn.init.zeros_(self.fc.bias)

        class Plain(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.fc = nn.Linear(d, d)

        class GateNorm(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.inner = Wrapper(d)
                self.norm = nn.LayerNorm(d)

        class Wrapper(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.gate = Gate(d)
                self.plain = Plain(d)
        """
    )
    assert not initializes_itself(context, "GateNorm")
    assert self_initializing_submodules(context, "GateNorm") == ["Gate"]  # two levels down
    assert self_initializing_submodules(context, "Plain") == []
    assert self_initializing_submodules(context, "nn.Linear") == []


def test_bias_of_a_layer_built_from_forwarded_arguments_comes_from_the_call_sites() -> None:
    from initlint.analysis.classes import BiasStatus, bias_status
    from initlint.analysis.walk import find_all

    helper = """
        import torch.nn as nn

        def conv(*args, **kwargs):
            return nn.Conv1d(*args, **kwargs)

        def other(*args, **kwargs):
            return nn.Conv1d(*args, **kwargs)

        a = conv(1, 2, 3)
        b = conv(2, 2, kernel_size=3, padding=1)
        c = other(1, 2, 3, %s)
    """
    for passed, expected in (("bias=True", BiasStatus.PRESENT), ("bias=False", BiasStatus.ABSENT),
                             ("bias=flag", BiasStatus.MAYBE), ("**extra", BiasStatus.MAYBE),
                             ("1, 0, 1, 1, False", BiasStatus.ABSENT)):
        context = _file_context(helper % passed)
        conv, other = [c for c in find_all(context.module, cst.Call)
                       if isinstance(c.func, cst.Attribute) and c.func.attr.value == "Conv1d"]
        assert bias_status(context, conv) is BiasStatus.PRESENT  # no site of conv() passes a bias
        assert bias_status(context, other) is expected, passed


def test_norm_free_branch() -> None:
    """`values._selects_norm_free`: only a test that selects a normalization-free variant."""
    import libcst as cst

    from initlint.analysis import values

    selecting = ("no_norm", "self.fixup", "not use_norm", "cfg.norm_free", "not self.with_layer_norm")
    other = ("norm", "not no_norm", "use_norm", "self.normalize", "skip", "fix")
    assert all(values._selects_norm_free(cst.parse_expression(t)) for t in selecting)
    assert not any(values._selects_norm_free(cst.parse_expression(t)) for t in other)


def test_file_layer_consumers_reads_each_layer_own_activation() -> None:
    """`activations._file_layer_consumers`: per `self.<attr>` layer build, the one activation
    every call of it feeds, or, inside an `nn.Sequential`, the activation module right after it;
    a layer whose output is used two ways is not known."""
    from initlint.analysis.activations import _file_layer_consumers

    context = _file_context(
        """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        class Net(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.fc1 = nn.Linear(d, d)
                self.fc2 = nn.Linear(d, d)
                self.proj = nn.Linear(d, d)
                self.seq = nn.Sequential(nn.Linear(d, d), nn.ReLU())
                self.act = nn.LeakyReLU(0.2)

            def forward(self, x):
                h = self.fc1(x)
                h = self.act(h)
                y = torch.tanh(self.fc2(h))
                return self.proj(y) + self.proj(F.relu(y)) + self.seq(x)
        """
    )
    found = _file_layer_consumers(context)
    assert found[(9, "Linear")] == "leaky_relu"  # fc1, through `h = self.act(h)`
    assert found[(10, "Linear")] == "tanh"  # fc2
    assert found[(11, "Linear")] is None  # proj: one call feeds no activation
    assert found[(12, "Linear")] == "relu"  # inside the Sequential: the element after it


def test_stack_facts_counts_only_known_feeders() -> None:
    from initlint.analysis.activations import StackFacts

    stack = StackFacts(4, ("relu", "relu", None, "tanh"))
    assert stack.feeding(frozenset({"relu", "leaky_relu"})) == 2
    assert stack.feeding(frozenset({"tanh", "sigmoid"})) == 1
    assert StackFacts(None, ()).feeding(frozenset({"relu"})) == 0


@pytest.mark.parametrize(
    ("denominator", "tensor", "own"),
    [
        ("m.weight.size(1)", "m.weight", True),
        ("m.weight.data.size(1)", "m.weight", True),
        ("w.shape[0] + w.shape[1]", "w", True),
        ("m.kernel_size[0] * m.kernel_size[1] * m.out_channels", "m.weight", True),
        ("(m.in_features + m.out_features)", "m.weight", True),
        ("float(m.in_features)", "m.weight", True),
        ("w.size()[1]", "w", True),
        ("m.in_features", "other.weight", False),  # another layer's size
        ("hidden", "m.weight", False),  # an argument: not known to be this weight's fan
        ("self.hidden_size", "m.weight", False),
        ("v.size(1)", "w", False),
    ],
)
def test_fan_of_own_shape(denominator: str, tensor: str, own: bool) -> None:
    from initlint.analysis.scales import fan_of_own_shape

    context = _file_context("import torch\n")
    expr = cst.parse_expression(denominator)
    assert fan_of_own_shape(expr, cst.parse_expression(tensor), expr, context) is own


@pytest.mark.parametrize(
    ("test", "attr", "dims", "expected"),
    [
        ('name.endswith("bias")', "w_aor", 3, False),
        ('name.endswith("bias")', "bias", 1, True),
        ('name.endswith("bias")', "w", 3, False),  # "bias" cannot end "<prefix>.w"
        ('name.endswith("rel.w")', "w", 3, None),  # the prefix decides
        ('name.endswith(("bias", "gain"))', "gain", 1, True),
        ('"weight" in name', "weight", 3, True),
        ('"weight" in name', "w", 3, None),  # perhaps in the prefix
        ('"weight" not in name', "proj_weight", 3, False),
        ('name.startswith("enc")', "w", 3, None),
        ("p.dim() > 1", "w", 3, True),
        ("p.dim() == 2", "w", 3, False),
        ("len(p.shape) >= 2", "w", 3, True),
        ("p.ndim > 1 and not name.endswith('bias')", "w_aor", 3, True),
        ("p.ndim == 2 or 'weight' in name", "w", 3, None),
        ("p.ndim == 2 or name.endswith('bias')", "w", 3, False),
        ("p.requires_grad", "w", 3, None),
        ("q.dim() > 1", "w", 3, None),  # another tensor
    ],
)
def test_own_parameter_loop_tests_are_judged_for_one_parameter(
    test: str, attr: str, dims: int, expected: Optional[bool]
) -> None:
    from initlint.analysis.classes import OwnParameterLoop, loop_test_on

    context = _file_context(f"ok = {test}\n")
    expr = context.module.body[-1].body[0].value
    loop = OwnParameterLoop("p", "name", ())
    assert loop_test_on(context, expr, loop, attr, dims) is expected


def test_test_functions_are_not_init_functions() -> None:
    """pytest and unittest collect `test*` names: the runner calls them with fixtures."""
    from initlint.analysis.context import is_init_name

    assert is_init_name("_init_weights") and is_init_name("reinitialize")
    assert not is_init_name("test_with_load_init_state_callback")
    assert not is_init_name("testReinitializesOptimizer")


def test_numpy_and_pandas_classes_are_data_not_modules() -> None:
    """`type(x) is np.ndarray` in an init-named method (fedot-ind) compares data types."""
    from initlint.analysis.values import ValueKind, class_kind

    source = "import numpy as np\nimport pandas as pd\nimport torch.nn as nn\n\nx = (np.ndarray, pd.DataFrame, nn.Linear)\n"
    module = cst.parse_module(source)
    context = FileContext.build("x.py", source, module, ImportMap.from_module(module))
    elements = module.body[-1].body[0].value.elements
    kinds = [class_kind(e.value, context) for e in elements]
    assert kinds == [ValueKind.VALUE, ValueKind.VALUE, ValueKind.MODULE]

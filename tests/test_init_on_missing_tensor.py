"""INI008 (init-on-missing-tensor): its examples built under torch (each INVALID one raises
AttributeError, each VALID one builds), and the analysis of which module an expression holds
(`modules_held`) on shapes the rule's own cases do not cover."""

from __future__ import annotations

import textwrap

import pytest

from initlint.engine.linter import LintOptions, lint_bytes
from initlint.rules.init_on_missing_tensor import InitOnMissingTensor

try:
    import torch  # noqa: F401
except ImportError:  # pragma: no cover - the CI job without torch
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs torch")

# What builds each example's model: statements run after the example's code.
_INVALID_BUILDS = [
    ["Attention(4, add_bias_kv=True)"],
    ["Scale(4)"],
    ["DiT1D(4, 8)"],
    ["Recurrent(4)"],
    ["Encoder(16, 3)"],
    ["Policy(4)"],
    ["nn.MultiheadAttention(8, 2).apply(init_weights)", "reset(nn.GRU(4, 4))"],
    ["SimplicialConv(4, 1)", "SimplicialConv(4, 0, init='normal')"],
    ["Head(4, False)"],
    ["MultiLinear([(\"a\", 4, 3)]).reset_parameters()"],
]
_VALID_BUILDS = [
    ["DiT1D(4, 8)"],
    ["Chebyshev(4, 1, bias=False)", "Chebyshev(4, 2)"],
    ["Gated(4, True)"],
    ["Recurrent(4)"],
    [],
    ["Head(8, 3)"],
    ["init(nn.LSTM(4, 4))", "init(nn.Linear(4, 4))"],
    ["LoRALinear(4, 3)", "LoRALinear(4, 3, r=2)"],
    ["NoisyDense(4, 3)", "NoisyDense(4, 3, bias=False).resample()"],
    ["Projections()"],
]


def _run(code: str, build: str, namespace: dict) -> None:
    exec(compile(build, "build.py", "exec"), namespace)  # noqa: S102 - the point of the test


@needs_torch
@pytest.mark.parametrize("number", range(len(InitOnMissingTensor.INVALID)))
def test_invalid_examples_raise_under_torch(number: int) -> None:
    case = InitOnMissingTensor.INVALID[number]
    builds = _INVALID_BUILDS[number]
    assert builds, "every INVALID example says how to build it"
    namespace: dict = {}
    exec(compile(textwrap.dedent(case.code), "example.py", "exec"), namespace)  # noqa: S102
    for build in builds:
        with pytest.raises(AttributeError):
            _run(build, build, namespace)


@needs_torch
@pytest.mark.parametrize("number", range(len(InitOnMissingTensor.VALID)))
def test_valid_examples_build_under_torch(number: int) -> None:
    case = InitOnMissingTensor.VALID[number]
    namespace: dict = {}
    exec(compile(textwrap.dedent(case.code), "example.py", "exec"), namespace)  # noqa: S102
    for build in _VALID_BUILDS[number]:
        _run(build, build, namespace)


def test_every_example_has_a_build() -> None:
    assert len(_INVALID_BUILDS) == len(InitOnMissingTensor.INVALID)
    assert len(_VALID_BUILDS) == len(InitOnMissingTensor.VALID)


def _findings(code: str) -> list[tuple[int, str, str]]:
    result = lint_bytes(
        textwrap.dedent(code).encode(), "example.py", LintOptions(rules=(InitOnMissingTensor,))
    )
    assert not result.errors, result.errors
    return [(d.location.row, d.severity.value, d.message) for d in result.diagnostics if d.code == "INI008"]


def test_assignment_in_the_same_branch_reaches_the_init() -> None:
    """guided-diffusion's `EncoderUNetModel`: each `pool` option builds its own `self.out`; the
    init right after the `adaptive` one sees that one's `nn.Flatten()` last."""
    found = _findings(
        """
        import torch.nn as nn

        class Encoder(nn.Module):
            def __init__(self, d, n, pool="adaptive"):
                super().__init__()
                if pool == "adaptive":
                    self.out = nn.Sequential(nn.SiLU(), nn.Conv2d(d, n, 1), nn.Flatten())
                    nn.init.zeros_(self.out[-1].weight)
                elif pool == "spatial":
                    self.out = nn.Sequential(nn.Linear(d, d), nn.ReLU(), nn.Linear(d, n))
                    nn.init.zeros_(self.out[-1].weight)
        """
    )
    assert [(row, severity) for row, severity, _ in found] == [(9, "error")]


def test_unknown_modules_stay_quiet() -> None:
    found = _findings(
        """
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self, d, flat):
                super().__init__()
                if flat:
                    self.out = nn.Flatten()
                else:
                    self.out = nn.Linear(d, d)
                nn.init.zeros_(self.out.weight)  # which one is not known here
                self.head = nn.Sequential(nn.Linear(d, d), nn.Flatten())
                self.head.append(nn.Linear(d, d))
                nn.init.zeros_(self.head[-1].weight)  # the appended Linear
                self.blocks = nn.Sequential(*[nn.Linear(d, d) for _ in range(2)])
                nn.init.zeros_(self.blocks[-1].weight)
                self.proj = nn.Identity()
                self.proj = nn.Linear(d, d)
                nn.init.zeros_(self.proj.weight)  # rebound before the init

            def reset_parameters(self):
                nn.init.zeros_(self.out.weight)  # one branch builds a Linear

        def conv_init(conv):
            nn.init.kaiming_normal_(conv.weight)
            nn.init.zeros_(conv.bias)

        class Branches(nn.Module):
            def __init__(self, c, n):
                super().__init__()
                self.convs = nn.ModuleList()
                for _ in range(n):
                    self.convs.append(nn.Conv2d(c, c, 1))
                for i in range(n):
                    conv_init(self.convs[i])  # an element: a Conv2d, not the ModuleList
        """
    )
    assert found == []


def test_every_assignment_counts_outside_init() -> None:
    found = _findings(
        """
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self, d, cell):
                super().__init__()
                self.rnn = nn.LSTM(d, d) if cell == "lstm" else nn.GRU(d, d)
                if cell == "lstm":
                    self.core = nn.LSTM(d, d)
                else:
                    self.core = nn.GRU(d, d)
                self.init_weights()

            def init_weights(self):
                nn.init.orthogonal_(self.core.weight)
        """
    )
    assert [(row, severity) for row, severity, _ in found] == [(15, "error")]
    assert "or 1 other such layer" in found[0][2]


def test_subclass_of_a_project_recurrent_class() -> None:
    found = _findings(
        """
        import torch.nn as nn

        def layer_init(layer, std=1.0):
            nn.init.orthogonal_(layer.weight, std)
            return layer

        class Base(nn.GRU):
            pass

        class Cell(Base):
            def __init__(self, d):
                super().__init__(d, d)
                layer_init(self)

        class Own(nn.GRU):
            def __init__(self, d):
                super().__init__(d, d)
                self.weight = nn.Parameter(torch.ones(d))
                layer_init(self)
        """
    )
    assert [(row, severity) for row, severity, _ in found] == [(14, "error")]


def test_an_attribute_created_on_complementary_tests_is_always_there() -> None:
    """`if not separate: self.mu = ...` then `if separate: self.mu = ...` (PyG's GMMConv):
    one of the two always runs; a second test that is not the negation leaves a way without it,
    named by the chain it sits in."""
    code = """
        import torch
        import torch.nn as nn

        class G(nn.Module):
            def __init__(self, d, separate, k):
                super().__init__()
                if k > 0:
                    if not separate:
                        self.mu = nn.Parameter(torch.empty(d, d))
                    if separate:
                        self.mu = nn.Parameter(torch.empty(d, 2 * d))
                else:
                    self.mu = nn.Parameter(torch.empty(1, 1))
                self.reset_parameters()

            def reset_parameters(self):
                nn.init.xavier_uniform_(self.mu)
        """
    assert _findings(code) == []
    found = _findings(code.replace("if separate:", "if separate == 2:"))
    assert [(row, severity) for row, severity, _ in found] == [(18, "error")]
    assert "only on some ways through `if k > 0` (line 8)" in found[0][2]


@needs_torch
def test_a_branch_created_attribute_raises_under_torch_when_the_test_is_false() -> None:
    """The measured fact behind the INI008 error on topomodelx's SCCNNLayer (`weight_2` made only
    for `sc_order >= 2`, initialized by `reset_parameters` on every construction)."""
    namespace: dict = {}
    exec(compile(textwrap.dedent(InitOnMissingTensor.INVALID[7].code), "example.py", "exec"), namespace)  # noqa: S102
    namespace["SimplicialConv"](4, 2)  # builds: the branch ran
    with pytest.raises(AttributeError, match="w2"):
        namespace["SimplicialConv"](4, 1)

"""Every unsafe fix is proven by running it (issue: 8 of 17 unsafe fixes on real code were wrong).

For each kind of unsafe fix, the fixed file is executed under torch, the model is built, and the
weights the fix wrote are measured: their std must be the one the fix announces (Kaiming's
gain/sqrt(fan), Xavier's gain*sqrt(2/(fan_in+fan_out)), the square root of a variance formula),
and for ReLU-family fixes the signal's second moment must survive the layer and its activation
(the point of Kaiming init). The cases where a fix used to be wrong get no unsafe fix at all.
"""

from __future__ import annotations

import ast
import math
import re
import textwrap
import pytest

from initlint.diagnostics import FixSafety
from initlint.engine.linter import LintOptions, lint_bytes
from initlint.rules.registry import select_rules

torch = pytest.importorskip("torch")
nn = torch.nn

WIDTH = 256


def _fix(source: str, code: str) -> tuple[str, list[str]]:
    """(the file after `--fix --unsafe-fixes` with only `code` selected, the fix messages)."""
    options = LintOptions(rules=tuple(select_rules([code])), fix=True, unsafe_fixes=True)
    result = lint_bytes(textwrap.dedent(source).encode(), "model.py", options)
    assert not result.errors, result.errors
    assert result.fixed_source is not None, [d.message for d in result.diagnostics]
    messages = [d.fix.message for d in result.fixed if d.fix is not None]
    assert messages and all(d.fix.safety is FixSafety.UNSAFE for d in result.fixed if d.fix)
    return result.fixed_source.decode(), messages


def _build(fixed: str, name: str, *args: int) -> "torch.nn.Module":
    namespace: dict = {}
    exec(compile(fixed, "model.py", "exec"), namespace)  # noqa: S102 - the point of the test
    torch.manual_seed(0)
    return namespace[name](*args)


def _announced_std(message: str, weight: "torch.Tensor") -> float:
    """The std the initializer in a "Replace with `...`" message gives this weight."""
    code = re.search(r"`(.*)`", message).group(1)  # type: ignore[union-attr]
    call = ast.parse(code, mode="eval").body
    assert isinstance(call, ast.Call)
    function = call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id  # type: ignore[union-attr]
    keywords = {k.arg: k.value for k in call.keywords}
    fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(weight)
    if function.startswith("kaiming"):
        a = ast.literal_eval(keywords["a"]) if "a" in keywords else 0.0
        nonlinearity = ast.literal_eval(keywords["nonlinearity"]) if "nonlinearity" in keywords else "leaky_relu"
        mode = ast.literal_eval(keywords["mode"]) if "mode" in keywords else "fan_in"
        gain = nn.init.calculate_gain(nonlinearity, a)
        return gain / math.sqrt(fan_in if mode == "fan_in" else fan_out)
    assert function.startswith("xavier"), code
    gain = 1.0
    if "gain" in keywords:
        gain_call = keywords["gain"]
        assert isinstance(gain_call, ast.Call)
        gain = nn.init.calculate_gain(ast.literal_eval(gain_call.args[0]))
    return gain * math.sqrt(2.0 / (fan_in + fan_out))


def _relu_second_moment(layer: "torch.nn.Module", activation) -> float:  # type: ignore[no-untyped-def]
    """E[act(layer(x))^2] / E[x^2] for x ~ N(0, 1), bias zeroed: ~1 for a matched Kaiming init."""
    with torch.no_grad():
        if getattr(layer, "bias", None) is not None:
            layer.bias.zero_()
        x = torch.randn(4096, layer.in_features)
        return float(activation(layer(x)).pow(2).mean() / x.pow(2).mean())


def _close(measured: float, expected: float, tolerance: float = 0.05) -> bool:
    return abs(measured / expected - 1) < tolerance


# -- INI101: a constant weight replaced by a matched Kaiming/Xavier init -------------------------
def test_ini101_zero_weight_becomes_kaiming_for_the_relu_it_feeds() -> None:
    fixed, messages = _fix(
        f"""
        import torch.nn as nn

        class MLP(nn.Module):
            def __init__(self):
                super().__init__()
                self.hidden = nn.Linear({WIDTH}, {WIDTH})
                self.act = nn.ReLU()
                nn.init.zeros_(self.hidden.weight)

            def forward(self, x):
                return self.act(self.hidden(x))
        """,
        "INI101",
    )
    model = _build(fixed, "MLP")
    weight = model.hidden.weight
    assert _close(float(weight.std()), _announced_std(messages[0], weight))
    assert _close(float(weight.std()), math.sqrt(2 / WIDTH))
    assert 0.85 < _relu_second_moment(model.hidden, torch.relu) < 1.15


def test_ini101_constant_weight_becomes_xavier_with_the_tanh_gain() -> None:
    fixed, messages = _fix(
        f"""
        import torch
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear({WIDTH}, {WIDTH // 2})
                self.apply(self.init_weights)

            def init_weights(self, m):
                if isinstance(m, nn.Linear):
                    nn.init.zeros_(m.weight)

            def forward(self, x):
                return torch.tanh(self.fc(x))
        """,
        "INI101",
    )
    model = _build(fixed, "Net")
    weight = model.fc.weight
    assert "tanh" in messages[0]
    expected = 5 / 3 * math.sqrt(2 / (WIDTH + WIDTH // 2))
    assert _close(float(weight.std()), _announced_std(messages[0], weight))
    assert _close(float(weight.std()), expected)


def test_ini101_leaky_relu_slope_is_the_one_the_layer_feeds() -> None:
    fixed, messages = _fix(
        f"""
        import torch.nn as nn

        class Gen(nn.Module):
            def __init__(self):
                super().__init__()
                self.act = nn.LeakyReLU(0.2)
                self.fc = nn.Linear({WIDTH}, {WIDTH})
                self.fc.weight.data.fill_(0.5)

            def forward(self, x):
                x = self.fc(x)
                return self.act(x)
        """,
        "INI101",
    )
    model = _build(fixed, "Gen")
    weight = model.fc.weight
    assert _close(float(weight.std()), math.sqrt(2 / (1 + 0.2**2)) / math.sqrt(WIDTH))
    assert _close(float(weight.std()), _announced_std(messages[0], weight))
    moment = _relu_second_moment(model.fc, nn.LeakyReLU(0.2))
    assert 0.85 < moment < 1.15


# -- INI102: N(0, 1) replaced --------------------------------------------------------------------
def test_ini102_unit_normal_becomes_a_matched_init_of_the_right_scale() -> None:
    fixed, messages = _fix(
        f"""
        import torch
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = nn.Linear({WIDTH}, {WIDTH})
                self.fc1.weight.data.normal_(0, 1)

            def forward(self, x):
                return torch.relu(self.fc1(x))
        """,
        "INI102",
    )
    model = _build(fixed, "Net")
    weight = model.fc1.weight
    assert _close(float(weight.std()), _announced_std(messages[0], weight))
    assert 0.85 < _relu_second_moment(model.fc1, torch.relu) < 1.15  # N(0, 1) gave ~WIDTH


# -- INI103: the square root of a variance formula -----------------------------------------------
@pytest.mark.parametrize(
    ("spelled", "expected"),
    [("std=1 / m.in_features", 1 / math.sqrt(WIDTH)), ("std=2. / fan_in", math.sqrt(2 / WIDTH))],
)
def test_ini103_fixed_std_is_the_square_root_it_announces(spelled: str, expected: float) -> None:
    fixed, messages = _fix(
        f"""
        import math
        import torch.nn as nn

        def init_weights(m):
            if isinstance(m, nn.Linear):
                fan_in = m.weight.size(1)
                nn.init.normal_(m.weight, {spelled})

        def build():
            model = nn.Sequential(nn.Linear({WIDTH}, {WIDTH}), nn.ReLU())
            model.apply(init_weights)
            return model
        """,
        "INI103",
    )
    assert "square root" in messages[0].lower()
    model = _build(fixed, "build")
    assert _close(float(model[0].weight.std()), expected)


def test_ini103_fan_out_mode_he_init_of_a_conv() -> None:
    fixed, _ = _fix(
        """
        import torch.nn as nn

        def build():
            model = nn.Sequential(nn.Conv2d(32, 64, 3), nn.ReLU())
            for m in model.modules():
                if isinstance(m, nn.Conv2d):
                    n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                    m.weight.data.normal_(0, 2. / n)
            return model
        """,
        "INI103",
    )
    model = _build(fixed, "build")
    assert _close(float(model[0].weight.std()), math.sqrt(2 / (3 * 3 * 64)))


# -- INI106: initializer matched to the activation -----------------------------------------------
def test_ini106_xavier_on_relu_layers_becomes_kaiming() -> None:
    fixed, messages = _fix(
        f"""
        import torch.nn as nn

        class MLP(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = nn.Linear({WIDTH}, {WIDTH})
                self.fc2 = nn.Linear({WIDTH}, {WIDTH})
                self.relu = nn.ReLU()
                for m in self.modules():
                    if isinstance(m, nn.Linear):
                        nn.init.xavier_uniform_(m.weight)

            def forward(self, x):
                return self.relu(self.fc2(self.relu(self.fc1(x))))
        """,
        "INI106",
    )
    model = _build(fixed, "MLP")
    for layer in (model.fc1, model.fc2):
        assert _close(float(layer.weight.std()), _announced_std(messages[0], layer.weight))
        assert 0.85 < _relu_second_moment(layer, torch.relu) < 1.15  # Xavier gave ~0.5


def test_ini106_kaiming_on_tanh_becomes_xavier_with_its_gain() -> None:
    fixed, messages = _fix(
        f"""
        import torch
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.hidden = nn.Linear({WIDTH}, {WIDTH})
                nn.init.kaiming_normal_(self.hidden.weight, nonlinearity='relu')

            def forward(self, x):
                return torch.tanh(self.hidden(x))
        """,
        "INI106",
    )
    model = _build(fixed, "Net")
    weight = model.hidden.weight
    assert _close(float(weight.std()), _announced_std(messages[0], weight))
    assert _close(float(weight.std()), 5 / 3 / math.sqrt(WIDTH))


def test_ini106_leaky_relu_slope_added_keeps_the_mode() -> None:
    fixed, _ = _fix(
        """
        import torch.nn as nn

        class Disc(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(64, 128, 4)
                self.act = nn.LeakyReLU(0.2)
                self.apply(self.init_weights)

            def init_weights(self, m):
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode='fan_out')

            def forward(self, x):
                return self.act(self.conv(x))
        """,
        "INI106",
    )
    model = _build(fixed, "Disc")
    fan_out = 128 * 4 * 4
    assert _close(float(model.conv.weight.std()), math.sqrt(2 / (1 + 0.2**2)) / math.sqrt(fan_out))


# -- INI202: a class-name test replaced by isinstance --------------------------------------------
def test_ini202_isinstance_fix_now_reaches_subclasses_and_only_linears() -> None:
    fixed, _ = _fix(
        """
        import torch.nn as nn

        class Tagged(nn.Linear):
            pass

        def init_weights(m):
            if type(m).__name__ == 'Linear':
                nn.init.zeros_(m.bias)

        def build():
            model = nn.Sequential(nn.Linear(8, 8), Tagged(8, 8), nn.Conv2d(2, 2, 1))
            for layer in model:
                nn.init.ones_(layer.bias)
            model.apply(init_weights)
            return model
        """,
        "INI202",
    )
    model = _build(fixed, "build")
    assert float(model[0].bias.abs().sum()) == 0.0
    assert float(model[1].bias.abs().sum()) == 0.0  # the subclass the name test skipped
    assert float(model[2].bias.sum()) == 2.0  # other layers untouched


# -- where the fix used to be wrong, there is no unsafe fix ----------------------------------------
NO_FIX = {
    "blanket uniform_ that is the only init of a 1-D torch.Tensor(d) parameter (INI003)": (
        "INI003",
        """
        import torch
        import torch.nn as nn

        class Pointer(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.key = nn.Linear(d, d)
                self.norm = nn.BatchNorm1d(d)
                self.v = nn.Parameter(torch.Tensor(d))
                for p in self.parameters():
                    p.data.normal_(0.0, 0.02)

            def forward(self, x):
                return torch.tanh(self.norm(self.key(x))) @ self.v
        """,
    ),
    "one-dimensional torch.full parameter (Xavier raises on 1-D)": (
        "INI101",
        """
        import torch
        import torch.nn as nn

        class Scale(nn.Module):
            def __init__(self, v):
                super().__init__()
                self.weight = nn.Parameter(torch.full((1,), v))
                self.act = nn.ReLU()
                nn.init.constant_(self.weight, 0.5)

            def forward(self, x):
                return self.act(x * self.weight)
        """,
    ),
    "stacked (layers, out, in) weight: torch's fans are wrong for it": (
        "INI102",
        """
        import torch
        import torch.nn as nn

        class Stacked(nn.Module):
            def __init__(self, layers, d):
                super().__init__()
                self.weight = nn.Parameter(torch.empty(layers, d, d))
                nn.init.normal_(self.weight)

            def forward(self, x):
                for w in self.weight:
                    x = torch.relu(x @ w)
                return x
        """,
    ),
    "LoRA down-projection with std=1/r (r is its fan-out)": (
        "INI103",
        """
        import torch.nn as nn

        class LoraLinear(nn.Module):
            def __init__(self, d, r):
                super().__init__()
                self.lora_A = nn.Linear(d, r, bias=False)
                self.lora_B = nn.Linear(r, d, bias=False)
                nn.init.normal_(self.lora_A.weight, std=1 / r)
                nn.init.zeros_(self.lora_B.weight)
        """,
    ),
    "3-D weight the class builds (einsum bilinear): its size(0) is not a fan": (
        "INI103",
        """
        import torch
        import torch.nn as nn

        class Bilinear3(nn.Module):
            def __init__(self, d, k):
                super().__init__()
                self.W = nn.Parameter(torch.empty(d, k, d))
                self.W.data.normal_(mean=0, std=2 / self.W.size(0))

            def forward(self, a, b):
                return torch.einsum("wj,wl,ijl->wi", a, b, self.W)
        """,
    ),
    "adaLN-Zero modulation zeroed on purpose": (
        "INI101",
        """
        import torch.nn as nn

        class AdaLayerNormZero(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.adaLN_modulation = nn.Sequential()
                self.adaLN_modulation.linear = nn.Linear(d, 6 * d)
                nn.init.zeros_(self.adaLN_modulation.linear.weight)
        """,
    ),
    "zero attention-bias projection among sibling zero inits": (
        "INI101",
        """
        import torch.nn as nn

        class Block(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.out_proj = nn.Linear(d, d)
                self.o_proj = nn.Linear(d, d)
                self.linear = nn.Linear(d, d)
                self.act = nn.ReLU()
                nn.init.zeros_(self.out_proj.weight)
                nn.init.zeros_(self.o_proj.weight)
                nn.init.zeros_(self.linear.weight)

            def forward(self, x):
                return self.out_proj(x) + self.o_proj(x) + self.act(self.linear(x))
        """,
    ),
    "a ReLU elsewhere in the class is not this layer's activation": (
        "INI106",
        """
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.body = nn.Linear(8, 8)
                self.head = nn.Linear(8, 2)
                self.act = nn.ReLU()
                nn.init.xavier_uniform_(self.body.weight)

            def forward(self, x):
                return self.head(self.body(self.act(x)))
        """,
    ),
}


@pytest.mark.parametrize("case", sorted(NO_FIX))
def test_no_unsafe_fix_where_its_numbers_are_not_known(case: str) -> None:
    code, source = NO_FIX[case]
    options = LintOptions(rules=tuple(select_rules([code])))
    result = lint_bytes(textwrap.dedent(source).encode(), "model.py", options)
    unsafe = [d for d in result.diagnostics if d.fix and d.fix.safety is FixSafety.UNSAFE]
    assert not unsafe, [d.fix.message for d in unsafe if d.fix]



_POINTER = """
import torch
import torch.nn as nn

class Pointer(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.key = nn.Linear(d, d)
        self.norm = nn.BatchNorm1d(d)
        self.v = nn.Parameter(torch.Tensor(d)){own_init}
        for p in self.parameters():
            {guard}p.data.normal_(0.0, 0.02)
"""


def test_ini003_guard_is_offered_only_when_no_1d_parameter_depends_on_the_loop() -> None:
    """The `dim() > 1` guard keeps norm gains at 1, but a 1-D `torch.Tensor(d)` parameter that
    only the loop fills would keep uninitialized memory: no fix then, and the message says so.
    Once the parameter has its own init, the guard is offered, exactly."""
    options = LintOptions(rules=tuple(select_rules(["INI003"])))
    bare = _POINTER.format(own_init="", guard="")
    result = lint_bytes(bare.encode(), "model.py", options)
    [finding] = result.diagnostics
    assert finding.fix is None
    assert "`Pointer.v` (1-D, from uninitialized memory) get their only values from this loop" in finding.message

    own = _POINTER.format(own_init="\n        nn.init.zeros_(self.v)", guard="")
    fixed, messages = _fix(own, "INI003")
    assert fixed == _POINTER.format(
        own_init="\n        nn.init.zeros_(self.v)", guard="if p.dim() > 1:\n                "
    )
    model = _build(fixed, "Pointer", 16)
    assert torch.equal(model.v.detach(), torch.zeros(16))  # its own init survives the guarded loop
    assert torch.equal(model.norm.weight.detach(), torch.ones(16))  # the gain stays at 1


_LOST = """
import torch
import torch.nn as nn

class Attention(nn.Module):
    def __init__(self, d):
        super().__init__()
        torch.manual_seed(0)
        self.a = nn.Parameter(torch.randn(2 * d, 1)).to(torch.float64)
        self.table = nn.Parameter(torch.randn(d, d)) * 0.02

    def forward(self, x):
        return x @ self.table @ self.a[:x.shape[-1]].float()
"""


def test_ini009_parameter_moved_inside_is_registered_with_the_same_values() -> None:
    """The message promises the same values, now registered (trained and saved): before the
    fix neither tensor is a parameter; after it both are, leaves the optimizer updates, with
    the values the unfixed code computed (dtype moved, scale applied)."""
    namespace: dict = {}
    exec(compile(_LOST, "model.py", "exec"), namespace)  # noqa: S102
    before = namespace["Attention"](8)
    assert dict(before.named_parameters()) == {}
    assert not isinstance(before.a, nn.Parameter) and not before.table.is_leaf

    fixed, messages = _fix(_LOST, "INI009")
    assert "self.a = nn.Parameter(torch.randn(2 * d, 1).to(torch.float64))" in fixed
    assert "self.table = nn.Parameter(torch.randn(d, d) * 0.02)" in fixed
    assert len(messages) == 2
    after = _build(fixed, "Attention", 8)
    assert set(dict(after.named_parameters())) == {"a", "table"}
    assert set(after.state_dict()) == {"a", "table"}
    assert after.a.dtype == torch.float64 and after.a.is_leaf and after.table.is_leaf
    assert torch.equal(after.a.detach(), before.a.detach())
    assert torch.equal(after.table.detach(), before.table.detach())
    assert abs(float(after.table.std()) - 0.02) < 0.003  # the scale the code meant

    optimizer = torch.optim.SGD(after.parameters(), lr=0.1)
    after(torch.randn(4, 8)).sum().backward()
    optimizer.step()
    assert not torch.equal(after.table.detach(), before.table.detach())  # now trained

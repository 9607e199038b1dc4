from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from initlint.analysis.classes import is_embedding_table, is_lora_tensor, lora_partner_starts_at_zero
from initlint.analysis.gate import FileWords
from initlint.analysis.library import LORA_RANK_NAME
from initlint.analysis.layers import LayerKind, guard_class_names, kinds_of
from initlint.analysis.scales import (
    VarianceFormula,
    denominator_is_fan,
    draw_of,
    fan_of_own_shape,
    resolved,
    sqrt_of,
    variance_formula,
)
from initlint.analysis.tensors import InitCall, init_call
from initlint.analysis.values import norm_free_branch
from initlint.analysis.library import LIBRARY_INIT_TRIGGERS
from initlint.diagnostics import FixSafety, Severity
from initlint.rules.base import Invalid, Rule, Valid

# muP (Maximal Update Parametrization) initializes readout layers with std = 1/fan_in on purpose.
_READOUT_OWNER = re.compile(
    r"head|readout|logit|classifier|unembed|output|^out(?:_|$)|lm_head", re.IGNORECASE
)
_MUP_FILE = re.compile(r"\bmup\b|MuReadout|width_mult|muP", re.IGNORECASE)
# SIREN's first layer is U(-1/fan_in, 1/fan_in) by design; its activations are sines.
_SINE_NETWORK = re.compile(r"\bsin\(|\.sin\(|omega|siren", re.IGNORECASE)


class StdVarianceConfusion(Rule):
    """
    ## What it does
    Flags a variance formula passed where torch expects a standard deviation:
    `nn.init.normal_(w, std=1 / fan_in)`, `w.data.normal_(0, 2. / n)`,
    `nn.init.trunc_normal_(w, std=2.0 / (fan_in + fan_out))`, and the same through a local
    variable (`std = 1.0 / in_features` ... `normal_(w, 0, std)`). A formula is `1/x` or `2/x`
    whose denominator is a size (not a constant, not already a square root or a power such as
    `d ** 0.5`, not a depth such as `n_layers`).

    Uniform bounds get the same reading: a Xavier-like bound without its square root
    (`uniform_(w, -6 / (fan_in + fan_out), 6 / (fan_in + fan_out))`) is reported. A bound of
    `1 / fan_in` is reported as `info` only: PyTorch's default bound is `1 / sqrt(fan_in)` and a
    `1 / fan_in` bound is usually the same confusion, but it is also the deliberate first-layer
    init of SIREN (sine networks, which stay quiet). A std of `1 / fan_in` on a readout layer is
    deliberate in muP and is reported as `info`, and so is any such std on an embedding table
    (under `isinstance(m, nn.Embedding)`, or a layer built as `nn.Embedding`): a lookup has no
    fan-in through which the signal could shrink. So is a variance formula under an `if` that selects a
    normalization-free variant (`if no_norm:`, `if self.fixup:`, `if not use_norm:`): Fixup-style
    down-scaling of residual branches, where the branch sum keeps the signal's scale.

    Severity is what is certain. A warning only for the forms that can be nothing but the
    mistake: Kaiming's or Xavier's variance (`2 / fan_in`, `2 / (fan_in + fan_out)`, or a
    uniform bound of `6 / (...)` / `3 / ...`) whose fan is read from the same weight's own
    shape (`m.weight.size(1)`, `m.in_features`, `m.kernel_size[0] * m.kernel_size[1] *
    m.out_channels`, `_calculate_fan_in_and_fan_out(m.weight)`, also through locals), on a
    hidden Linear/Conv weight (not an embedding, norm or readout). Every other form is `info`,
    and the message says what is not known: `1 / fan` (LeCun's variance, but also the std of
    reference inits such as Caser's `1/embedding_dim` or a KAN's `1/(input_dim * (degree + 1))`),
    a denominator that is an argument or config value (DimeNet's `2 / emb_size`), a layer that
    is not known to be a hidden weight matrix. Reviews of real packages found no true warning
    among the 7 reported before this rule (LoRA's `std=1/r` with a zero partner, reference-code
    `1/dim` embedding inits, deliberately down-scaled residual branches).

    ## Why is this bad?
    `normal_`'s second argument is the standard deviation. Kaiming's variance is
    `2 / fan_in`, so its std is `sqrt(2 / fan_in)`; LeCun's std is `1 / sqrt(fan_in)`. Passing
    the variance instead makes the weights `sqrt(fan_in)` times too small (about 23x for 512
    inputs): the signal shrinks by that factor at every layer and vanishes a few layers in, and
    so do the gradients.

    ## Example
    ```python
    n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
    m.weight.data.normal_(0, 2. / n)
    ```

    ## Use instead
    ```python
    n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
    m.weight.data.normal_(0, math.sqrt(2. / n))
    ```

    ## Fix safety
    Unsafe: the fix takes the square root of the whole formula (`math.sqrt(2. / n)` when the
    file imports `math`, else `(2. / n) ** 0.5`); when the formula is assigned to a variable
    first, the assignment is rewritten. It changes the scale your model starts at, which is the
    point, so it is only applied with `--unsafe-fixes`. No fix for uniform bounds. The fix is
    offered only when the denominator names a fan (`fan_in`, `m.in_features`, `w.size(1)`,
    `kernel_size * out_channels`): for `1 / d` the message says "if `d` is this layer's fan" and
    leaves the change to you, and a LoRA rank (`std=1/r` on a down-projection, where r is the
    fan-out and a documented PEFT option) is `info` without a fix. Nor for
    `std=2 / self.W.size(0)` on a parameter the class builds with other than two dimensions (a
    stacked or einsum bilinear weight): which of its dimensions is a fan is not known. The test
    suite runs the fix under torch and checks the std it announces.

    ## References
    - LeCun et al., *Efficient BackProp* (1998)
    - He et al., *Delving Deep into Rectifiers* (2015), eq. 10: `Var(w) = 2 / n`
    - Yang et al., *Tensor Programs V* (muP, 2022), readout init
    - Sitzmann et al., *Implicit Neural Representations with Periodic Activation Functions*
      (SIREN, 2020)
    - [PyTorch: `torch.nn.init.normal_`](https://pytorch.org/docs/stable/nn.init.html#torch.nn.init.normal_)
    """

    code = "INI103"
    name = "std-variance-confusion"
    summary = "Variance formula passed as a standard deviation (missing square root)"
    severity = Severity.WARNING
    fix_safety = FixSafety.UNSAFE
    triggers = ("normal_", "uniform_", ".normal(", ".uniform(") + LIBRARY_INIT_TRIGGERS

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Every report is at an init call `draw_of` reads."""
        return words.draw_call()

    def visit_Call(self, node: cst.Call) -> None:
        call = init_call(node, self.context)
        if call is None:
            return
        draw = draw_of(call)
        if draw is None:
            return
        if draw.kind in ("normal", "trunc_normal"):
            self._check_std(call, draw.std)
        elif draw.high is not None and draw.low is not None:
            self._check_bounds(call, draw.low, draw.high)

    # -- normal_(w, mean, std) ------------------------------------------------------------
    def _check_std(self, call: InitCall, std: Optional[cst.BaseExpression]) -> None:
        if std is None:
            return
        value = resolved(std, call.node, self.context)
        formula = variance_formula(value, self.context)
        if formula is None:
            return
        if self._lora_choice(call, formula):
            return
        spelled = self.context.code_for(formula.node)
        via = ""
        if value is not std:
            via = f" (through `{self.context.code_for(std)}`)"
        replacement = sqrt_of(formula.node, self.context)
        fixed = self.context.code_for(replacement)
        owner = call.tensor.owner or call.tensor.attr or ""
        if formula.numerator == 1.0 and (
            _READOUT_OWNER.search(owner) or self.context.scope_matches(_MUP_FILE)
        ):
            self.report(
                call.node,
                f"std `{spelled}`{via} is a variance formula: deliberate for a muP readout layer "
                f"(std = 1/fan_in); anywhere else the weights are sqrt(fan_in) times too small, "
                f"use `{fixed}`",
                severity=Severity.INFO,
            )
            return
        norm_free = norm_free_branch(self.context)
        if norm_free is not None:
            self.report(
                call.node,
                f"std `{spelled}`{via} is a variance formula, under `{norm_free}`: a down-scaled "
                "init for a normalization-free variant (Fixup-style), deliberate when these layers "
                "sit on residual branches, whose sum keeps the signal's scale; elsewhere the "
                f"weights are {self._factor(formula)} times too small, use `{fixed}`",
                severity=Severity.INFO,
            )
            return
        if is_embedding_table(self.context, call.tensor.expr):
            self.report(
                call.node,
                f"std `{spelled}`{via} on an embedding table: a lookup has no fan-in and no signal "
                "passes through it layer after layer, so a variance formula here only sets the "
                "embeddings' scale (std 1/d is the reference init of some models); if "
                f"1/sqrt(d) was meant, use `{fixed}`",
                severity=Severity.INFO,
            )
            return
        fan = denominator_is_fan(formula, call.node, self.context)
        if fan is False:
            self.report(
                call.node,
                f"std `{spelled}`{via} divides by a LoRA rank or scaling, not a fan: `std=1/r` on a "
                "down-projection is a documented option of PEFT libraries (r is that weight's "
                f"fan-out, so `{fixed}` would make it larger); worth a look if it is meant as 1/fan_in",
                severity=Severity.INFO,
            )
            return
        if fan is None:
            denominator = self.context.code_for(formula.denominator)
            self.report(
                call.node,
                f"std `{spelled}`{via} is a variance, not a standard deviation, if `{denominator}` "
                f"is this layer's fan: then the weights come out {self._factor(formula)} times too "
                f"small and the signal shrinks at every layer; use `{fixed}` (no automatic fix: "
                f"the name does not say it is a fan; info: reference code also uses such a std on "
                f"purpose, and what `{denominator}` is is not known)",
                severity=Severity.INFO,
            )
            return
        certain = self._certain(call, formula)
        message = (
            f"std `{spelled}`{via} is a variance, not a standard deviation: the weights come out "
            f"{self._factor(formula)} times too small and the signal shrinks at every layer; "
            f"use `{fixed}`"
        )
        if certain is not None:
            message += f" (info: {certain})"
        self.report(
            call.node,
            message,
            severity=Severity.INFO if certain is not None else None,
            fix=self.make_fix(formula.node, replacement, f"Take the square root: `{fixed}`"),
        )

    def _certain(self, call: InitCall, formula: VarianceFormula) -> Optional[str]:
        """None when the formula is certainly Kaiming's or Xavier's variance used as a std (or a
        bound): a numerator of 2 (or a bound's 3 or 6), a denominator read from this weight's own
        shape, on a hidden weight matrix. Otherwise why that is not known, for the message."""
        if formula.numerator == 1.0:
            return "std 1/fan is also a deliberate choice of some reference inits; a warning needs Kaiming's or Xavier's 2/fan"
        if not fan_of_own_shape(formula.denominator, call.tensor.expr, call.node, self.context):
            return "the denominator is not read from this weight's own shape, so that it is its fan is not known"
        kinds = kinds_of(guard_class_names(self.context))
        if kinds - {LayerKind.LINEAR, LayerKind.CONV} or _READOUT_OWNER.search(call.tensor.owner or ""):
            return "this is not known to be a hidden Linear/Conv weight matrix"
        return None

    def _lora_choice(self, call: InitCall, formula: VarianceFormula) -> bool:
        """`normal_(lora_A, std=1 / r)` with r the LoRA rank (PEFT's documented "gaussian" init),
        or any scale of a LoRA half whose partner starts at zero: not a fan-in formula."""
        tensor = call.tensor.expr
        if lora_partner_starts_at_zero(self.context, tensor):
            return True
        denominator = formula.denominator
        while isinstance(denominator, cst.Subscript):  # self.r[adapter_name]
            denominator = denominator.value
        last = self.context.code_for(denominator).rsplit(".", 1)[-1]
        return bool(LORA_RANK_NAME.match(last)) and is_lora_tensor(self.context, tensor)

    def _factor(self, formula: VarianceFormula) -> str:
        denominator = self.context.code_for(formula.denominator)
        if formula.numerator == 1.0:
            return f"sqrt({denominator})"
        if not isinstance(formula.denominator, (cst.Name, cst.Attribute, cst.Call)):
            denominator = f"({denominator})"
        return f"sqrt({denominator} / {formula.numerator:g})"

    # -- uniform_(w, -b, b) -----------------------------------------------------------------
    def _check_bounds(
        self, call: InitCall, low: cst.BaseExpression, high: cst.BaseExpression
    ) -> None:
        if not (isinstance(low, cst.UnaryOperation) and isinstance(low.operator, cst.Minus)):
            return
        high_value = resolved(high, call.node, self.context)
        formula = variance_formula(high_value, self.context, numerators=(1.0, 2.0, 3.0, 6.0))
        if formula is None:
            return
        spelled = self.context.code_for(formula.node)
        via = f" (through `{self.context.code_for(high)}`)" if high_value is not high else ""
        fixed = self.context.code_for(sqrt_of(formula.node, self.context))
        if formula.numerator in (3.0, 6.0):
            certain = self._certain(call, formula)
            self.report(
                call.node,
                f"uniform bound `{spelled}`{via} is missing its square root (Xavier's bound is "
                f"sqrt(6 / (fan_in + fan_out)), Kaiming's sqrt(6 / fan_in)): the weights come out "
                f"far too small; use `{fixed}`" + (f" (info: {certain})" if certain is not None else ""),
                severity=Severity.INFO if certain is not None else None,
            )
            return
        if self.context.scope_matches(_SINE_NETWORK):
            return  # SIREN's first layer: U(-1/fan_in, 1/fan_in) on purpose
        self.report(
            call.node,
            f"uniform bound `{spelled}`{via} gives std {spelled}/sqrt(3), about sqrt(fan_in) times "
            f"smaller than PyTorch's default bound 1/sqrt(fan_in): worth a look unless the small "
            f"scale is deliberate (e.g. a SIREN first layer); `{fixed}` is the usual bound",
            severity=Severity.INFO,
        )

    VALID = [
        Valid(
            """
            import math
            import torch
            from torch import nn

            class RelativeAttention(nn.Module):
                def __init__(self, d, heads, n):
                    super().__init__()
                    self.head_dim = d // heads
                    self.table = nn.Parameter(torch.empty(n, self.head_dim))
                    std = math.sqrt(self.head_dim)
                    self.table.data.normal_(std=1 / std)
            """,
            reason="the divisor is a local bound to a square root: `1 / std` is 1/sqrt(head_dim)",
        ),
        Valid(
            """
            import math
            import torch.nn as nn

            def init(model):
                for m in model.modules():
                    if isinstance(m, nn.Conv2d):
                        n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                        m.weight.data.normal_(0, math.sqrt(2. / n))
            """,
            reason="torchvision-style He init with its square root",
        ),
        Valid(
            """
            import math
            import torch
            import torch.nn as nn

            class Block(nn.Module):
                def __init__(self, d, n_layers):
                    super().__init__()
                    self.q = nn.Linear(d, d)
                    self.fc = nn.Linear(d, d)
                    self.out = nn.Linear(d, d)
                    nn.init.normal_(self.q.weight, std=1 / math.sqrt(d))
                    nn.init.normal_(self.fc.weight, std=d ** -0.5)
                    nn.init.normal_(self.out.weight, std=0.02 / math.sqrt(2 * n_layers))
                    nn.init.normal_(self.out.bias, std=1 / (2 * n_layers) ** 0.5)
                    nn.init.trunc_normal_(self.q.bias, std=.02)
            """,
            reason="standard deviations: square roots, powers, constants, depth scaling",
        ),
        Valid(
            """
            import math
            import torch.nn as nn

            class MyLinear(nn.Module):
                def reset_parameters(self):
                    stdv = 1. / math.sqrt(self.weight.size(1))
                    self.weight.data.uniform_(-stdv, stdv)
                    self.bias.data.uniform_(-stdv, stdv)
            """,
            reason="the classic 1/sqrt(fan_in) uniform bound",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class SineLayer(nn.Module):
                def __init__(self, n_in, n_out, is_first=False, omega_0=30.0):
                    super().__init__()
                    self.omega_0 = omega_0
                    self.linear = nn.Linear(n_in, n_out)
                    with torch.no_grad():
                        if is_first:
                            self.linear.weight.uniform_(-1 / n_in, 1 / n_in)

                def forward(self, x):
                    return torch.sin(self.omega_0 * self.linear(x))
            """,
            reason="SIREN's first layer is U(-1/fan_in, 1/fan_in) by design",
        ),
        Valid(
            """
            import torch.nn as nn

            def init_weights(m, n):
                if isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 1 / 100)
                    nn.init.normal_(m.bias, 1 / n, 0.01)
            """,
            reason="a constant std; a formula as the mean is not a std",
        ),
        Valid(
            """
            import torch

            def normal_(t, mean, var):
                return t

            def init(m, fan_in):
                normal_(m.weight, 0, 1 / fan_in)
            """,
            reason="a local helper called normal_ is not torch's",
        ),
        Valid(
            """
            import torch.nn as nn

            class LoraLayer(nn.Module):
                def __init__(self, d, r):
                    super().__init__()
                    self.r = {"default": r}
                    self.lora_A = nn.ModuleDict({"default": nn.Linear(d, r, bias=False)})
                    self.lora_B = nn.ModuleDict({"default": nn.Linear(r, d, bias=False)})

                def reset_lora_parameters(self, name, init="gaussian"):
                    if init == "gaussian":
                        nn.init.normal_(self.lora_A[name].weight, std=1 / self.r[name])

            class Down(nn.Module):
                def __init__(self, d, hidden):
                    super().__init__()
                    self.lora_down = nn.Linear(d, hidden, bias=False)
                    self.lora_up = nn.Linear(hidden, d, bias=False)
                    nn.init.normal_(self.lora_down.weight, std=1 / hidden)
                    nn.init.zeros_(self.lora_up.weight)
            """,
            reason="std = 1/r with r the LoRA rank (PEFT's gaussian option); a LoRA half whose "
            "partner is zero",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import torch.nn as nn

            class Recommender(nn.Module):
                def __init__(self, n_items, dim):
                    super().__init__()
                    self.items = nn.Embedding(n_items, dim)
                    self.apply(self._init_weights)

                def _init_weights(self, module):
                    if isinstance(module, nn.Embedding):
                        nn.init.normal_(module.weight, 0.0, 1.0 / module.embedding_dim)
            """,
            severity=Severity.INFO,
            message_contains="on an embedding table",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Tower(nn.Module):
                def __init__(self, n_items, dim):
                    super().__init__()
                    self.items = nn.Embedding(n_items, dim)
                    nn.init.normal_(self.items.weight, std=1 / dim)
            """,
            severity=Severity.INFO,
            message_contains="on an embedding table",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init(module, width):
                if isinstance(module, (nn.Linear, nn.Embedding)):
                    nn.init.normal_(module.weight, 0.0, 1.0 / width)
            """,
            severity=Severity.INFO,
            message_contains="is a variance, not a standard deviation, if `width`",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Interaction(nn.Module):
                def __init__(self, emb_size, hidden):
                    super().__init__()
                    self.W = nn.Parameter(torch.empty(hidden, emb_size, emb_size))
                    self.W.data.normal_(mean=0, std=2 / hidden)
            """,
            # a reference init (DimeNet's std = 2/emb_size): what `hidden` is is not known
            severity=Severity.INFO,
            message_contains="what `hidden` is is not known",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Mixer(nn.Module):
                def __init__(self, dim, depth, norm_free=False):
                    super().__init__()
                    self.blocks = nn.ModuleList(nn.Linear(dim, dim) for _ in range(depth))
                    if norm_free:
                        for m in self.modules():
                            if isinstance(m, nn.Linear):
                                nn.init.normal_(m.weight, std=1 / m.weight.size(1))

                def forward(self, x):
                    for block in self.blocks:
                        x = x + block(x)
                    return x
            """,
            line=11,
            severity=Severity.INFO,
            message_contains="under `norm_free`: a down-scaled init for a normalization-free variant",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Mixer(nn.Module):
                def __init__(self, dim, depth, norm_free=False):
                    super().__init__()
                    self.blocks = nn.ModuleList(nn.Linear(dim, dim) for _ in range(depth))
                    if norm_free:
                        self.scale = 1.0
                    for m in self.modules():
                        if isinstance(m, nn.Linear):
                            nn.init.normal_(m.weight, std=1 / m.weight.size(1))
            """,
            line=12,
            # std 1/fan_in: LeCun's variance, also a deliberate std in reference code
            severity=Severity.INFO,
            message_contains="a warning needs Kaiming's or Xavier's 2/fan",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Down(nn.Module):
                def __init__(self, d, hidden):
                    super().__init__()
                    self.proj = nn.Linear(d, hidden, bias=False)
                    nn.init.normal_(self.proj.weight, std=1 / hidden)
                    self.lora_up = nn.Linear(hidden, d, bias=False)
                    nn.init.normal_(self.lora_up.weight, std=1 / d)
            """,
            count=2,
            message_contains="is a variance, not a standard deviation",
        ),
        Invalid(
            """
            import math
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, nn.Linear):
                    fan_in = m.weight.size(1)
                    nn.init.normal_(m.weight, std=1 / fan_in)
            """,
            expected_fix="""
            import math
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, nn.Linear):
                    fan_in = m.weight.size(1)
                    nn.init.normal_(m.weight, std=math.sqrt(1 / fan_in))
            """,
            unsafe=True,
            message_contains="is a variance, not a standard deviation",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init(model):
                for m in model.modules():
                    if isinstance(m, nn.Conv2d):
                        n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                        m.weight.data.normal_(0, 2. / n)
            """,
            expected_fix="""
            import torch.nn as nn

            def init(model):
                for m in model.modules():
                    if isinstance(m, nn.Conv2d):
                        n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                        m.weight.data.normal_(0, (2. / n) ** 0.5)
            """,
            unsafe=True,
            # Kaiming's variance 2/fan read from the conv's own shape: certainly the mistake
            severity=Severity.WARNING,
        ),
        Invalid(
            """
            import math
            import torch
            import torch.nn as nn

            class Layer(nn.Module):
                def __init__(self, in_features, out_features):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(out_features, in_features))
                    std = 1.0 / in_features
                    nn.init.normal_(self.weight, 0, std)
            """,
            expected_fix="""
            import math
            import torch
            import torch.nn as nn

            class Layer(nn.Module):
                def __init__(self, in_features, out_features):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(out_features, in_features))
                    std = math.sqrt(1.0 / in_features)
                    nn.init.normal_(self.weight, 0, std)
            """,
            unsafe=True,
            message_contains="through `std`",
        ),
        Invalid(
            """
            from torch.nn import init

            def reset(w, fan_in, fan_out):
                init.trunc_normal_(w, std=2.0 / (fan_in + fan_out))
            """,
            message_contains="`2.0 / (fan_in + fan_out)`",
        ),
        Invalid(
            """
            import torch.nn as nn

            def reset(w, fan_in, fan_out):
                bound = 6 / (fan_in + fan_out)
                nn.init.uniform_(w, -bound, bound)
            """,
            # the fans are arguments: not read from the weight's own shape
            severity=Severity.INFO,
            message_contains="not read from this weight's own shape",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, nn.Linear):
                    bound = 6 / (m.in_features + m.out_features)
                    nn.init.uniform_(m.weight, -bound, bound)
            """,
            severity=Severity.WARNING,
            message_contains="missing its square root",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, nn.Linear):
                    fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(m.weight)
                    nn.init.normal_(m.weight, std=2.0 / (fan_in + fan_out))
            """,
            severity=Severity.WARNING,
            message_contains="is a variance, not a standard deviation: the weights come out",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def reset_parameters(self):
                    stdv = 1. / self.weight.size(1)
                    self.weight.data.uniform_(-stdv, stdv)
            """,
            severity=Severity.INFO,
        ),
        Invalid(
            """
            import torch.nn as nn

            class Model(nn.Module):
                def __init__(self, width):
                    super().__init__()
                    self.readout = nn.Linear(width, 10)
                    nn.init.normal_(self.readout.weight, std=1 / width)
            """,
            severity=Severity.INFO,
            message_contains="muP",
        ),
    ]

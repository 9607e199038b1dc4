from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from initlint.analysis.activations import (
    Activation,
    StackFacts,
    stack_facts,
    infer_activation,
    layer_path_activation,
    standard_layout,
    suggest_initializer,
)
from initlint.analysis.gate import FileWords
from initlint.analysis.layers import LayerKind, kinds_of
from initlint.analysis.layers import guard_class_names
from initlint.analysis.project import Answer
from initlint.analysis.scales import constant_value
from initlint.analysis.tensors import InitCall, init_call
from initlint.analysis.values import opt_in_method, option_branch
from initlint.analysis.library import LIBRARY_INIT_TRIGGERS
from initlint.diagnostics import FixSafety, Severity
from initlint.rules.base import Invalid, Rule, Valid

_XAVIER = frozenset({"xavier_uniform_", "xavier_normal_", "xavier_uniform", "xavier_normal"})
_KAIMING = frozenset({"kaiming_uniform_", "kaiming_normal_", "kaiming_uniform", "kaiming_normal"})
# A warning needs a known stack of at least this many Linear/Conv layers feeding the activation.
_DEEP = 3
_HALVING = frozenset({"relu", "leaky_relu"})
_SATURATING = frozenset({"tanh", "sigmoid"})

# What else the scope (class or file) uses, to judge how much the mismatch matters.
_RELU_FAMILY_USED = re.compile(
    r"(?<!['\"])\b(?:ReLU6?|LeakyReLU|PReLU|RReLU|ELU|CELU|GELU|SiLU|Mish|Hardswish|relu6?_?|leaky_relu_?"
    r"|elu_?|gelu|silu|mish)\b"
)
# Recurrent layers use tanh and sigmoid inside.
_SATURATING_USED = re.compile(
    r"(?<!['\"])\b(?:Tanh|Sigmoid|Hardtanh|Softsign|tanh_?|sigmoid_?|LSTM\w*|GRU\w*|RNN\w*)\b"
)
# `x * torch.sigmoid(x)` is SiLU/swish, a ReLU-family activation, not a sigmoid layer.
_SWISH = re.compile(
    r"(\w+)\s*\*\s*(?:torch\.|F\.|nn\.functional\.)?sigmoid\(\s*\1\s*\)"
    r"|sigmoid\(\s*(\w+)\s*\)\s*\*\s*\2\b"
)
_NORM_USED = re.compile(r"(?:Batch|Layer|Group|Instance|RMS)Norm|\b(?:layer|batch|group)_norm\b")
_ATTENTION_USED = re.compile(
    r"[Aa]ttention|attn|softmax|Transformer|scaled_dot_product", re.IGNORECASE
)
# Layers where Xavier is the usual choice whatever the hidden activation: attention projections,
# embeddings, output heads.
_NOT_HIDDEN_OWNER = re.compile(
    r"^(?:q|k|v|qkv|kv|query|key|value|to_[qkv]|in_proj|out_proj|o_proj|[qkvo]_proj|c_attn|attn\w*"
    r"|attention\w*|embed\w*|emb\w*|head\w*|classifier|logits?|out|output\w*|fc_out|final\w*"
    r"|last\w*|pred\w*|readout|proj|decoder|lm_head|gate\w*)\d*$",
    re.IGNORECASE,
)
_LAYER_OWNER = re.compile(
    r"^(?:fc|linear|lin|dense|conv|hidden|layer|mlp|ff|ffn|l)_?\d*$|^(?:conv|fc|linear)\w*$",
    re.IGNORECASE,
)


def _string_value(expr: Optional[cst.BaseExpression]) -> Optional[str]:
    if isinstance(expr, cst.SimpleString):
        value = expr.evaluated_value
        return value if isinstance(value, str) else None
    return None


class ActivationMismatch(Rule):
    """
    ## What it does
    Flags an initializer that does not match the activation the layer feeds:
    - Xavier (`xavier_uniform_`, `xavier_normal_`, no `gain`) on the Linear/Conv layers of a
      class or file whose activation is ReLU or LeakyReLU;
    - Kaiming with ReLU's gain (`nonlinearity="relu"`, or the default `leaky_relu` with `a=0`)
      on layers of a tanh/sigmoid network (no ReLU-family activation in sight);
    - Kaiming with its default `a=0` when the model uses `LeakyReLU` with a slope of 0.1 or more
      (reported as `info`: the effect is a factor `1 + slope²` of variance per layer).

    The activation is inferred from the enclosing class (modules built in `__init__`, `F.*` and
    `torch.*` calls in `forward`, `act_layer=` arguments), else from the whole file; the
    message says which activation was found and where.

    Severity is what is known. The harm compounds with depth: a factor of about 2 in variance
    per layer, so it matters only in a stack. A warning, therefore, only when the project index
    knows how many Linear/Conv layers the init reaches (the layers reaching the init function,
    narrowed to its `isinstance` branch, or the class's own layers; none built in a loop or
    handed in from outside) and at least 3 of them are known to feed the activation (every call
    of `self.<attr>` in the class that builds the layer passes its output to it). Everything
    else is `info` with a caveat saying why: the depth is not known (layers built in a loop or
    comprehension, handed in as arguments, selected by a name fragment), only 1-2 layers can
    get the init (a shallow head), or fewer than 3 of them are known to feed the activation (a
    Transformer FFN's `fc2` and a projection after the ReLU do not; a layer built in another
    file is not known to). The same holds for Kaiming on tanh/sigmoid. Reviews of
    real packages found no true warning among about 11 reported before this rule (Xavier on a
    ReLU FFN that LayerNorm renormalizes, an `fc2` whose output is not the ReLU's input, an
    activation mis-inferred from an output sigmoid, shallow heads). Also `info`: the class or
    file uses normalization layers (they renormalize the signal, so the drift is repaired at
    every norm) or also uses tanh/sigmoid (the Xavier may be meant for those layers), and
    without a fix when the init sits in the branch of a user-facing option string
    (`if initialization == "glorot_uniform":`): the user chose it by name. `info` also when
    the init method runs only because a caller opts in (`if init_emb: self.init_emb()` in
    `__init__`, the flag defaulting to False, and no other caller in the project). Not reported:
    an init that can reach no Linear/Conv layer at all (the index knows every layer it reaches);
    an init that forwards the helper's `**kwargs` (`kaiming_normal_(w, **kwargs)`) when every
    project call of the helper passes the gain arguments itself (`a=`/`nonlinearity=`, `gain=`);
    GELU/SiLU networks (transformers use Xavier or a small normal there, and there is no
    standard Kaiming gain for them), anything in a class or file with attention (Xavier is the
    standard init for attention projections), attention/embedding/output layers by name,
    Xavier with an explicit `gain`, blanket loops over all parameters, and
    `kaiming_uniform_(w, a=math.sqrt(5))` (PyTorch's own default for Linear/Conv, which is
    not a ReLU init).

    ## Why is this bad?
    ReLU zeroes half of its input, so each layer halves the signal's variance unless the
    weights make up for it: Kaiming's `Var(w) = 2 / fan_in` does, Xavier's
    `2 / (fan_in + fan_out)` (about `1 / fan_in`) does not, and after 20 layers the signal is
    a thousand times smaller (He et al. show 30-layer ReLU nets that do not train with Xavier).
    The other way round, tanh and sigmoid are close to linear near zero; Kaiming's factor of 2
    makes the pre-activations grow layer after layer until the units saturate and gradients
    vanish.

    ## Example
    ```python
    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(784, 256)
            self.act = nn.ReLU()
            nn.init.xavier_uniform_(self.fc1.weight)
    ```

    ## Use instead
    ```python
            nn.init.kaiming_uniform_(self.fc1.weight, nonlinearity="relu")
    ```

    ## Fix safety
    Unsafe: the fix writes the initializer that matches the inferred activation (Kaiming with
    the right `nonlinearity` and slope for ReLU-family activations, Xavier with
    `calculate_gain` for tanh/sigmoid), keeping the uniform/normal choice and, for the slope
    fix, the `mode`. The activation that decides whether to report is inferred from the class
    or file; the fix is
    offered only when its numbers are known: the weight belongs to a torch `Linear`/`Conv1d/2d/3d`
    (an `isinstance` test naming only those, or `self.fc = nn.Linear(...)` in the class), whose
    (out, in, kernel) layout torch's fan computation reads right, and the activation is the one
    this layer's own output feeds in the class's methods (`act(self.fc(x))`, or
    `h = self.fc(x)` then `h = act(h)`; for `m.weight` under `isinstance`, every such layer the
    class builds feeds the same one). An activation seen elsewhere in the class or file, a
    parameter the class builds itself (1-D gains, stacked `(layers, out, in)` weights), an
    embedding or a transposed conv get the warning without a fix. The test suite runs each fix
    under torch and checks the std it announces.

    ## References
    - He et al., *Delving Deep into Rectifiers* (2015)
    - Glorot & Bengio, *Understanding the difficulty of training deep feedforward neural
      networks* (2010)
    - [PyTorch: `torch.nn.init.calculate_gain`](https://pytorch.org/docs/stable/nn.init.html#torch.nn.init.calculate_gain)
    """

    code = "INI106"
    name = "activation-mismatch"
    summary = "Initializer does not match the activation (Xavier on ReLU, Kaiming on tanh)"
    severity = Severity.WARNING
    fix_safety = FixSafety.UNSAFE
    triggers = ("xavier_", "kaiming_", "xavier_uniform", "xavier_normal", "kaiming_normal", "kaiming_uniform") + LIBRARY_INIT_TRIGGERS

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Every report is at an init call of a xavier or kaiming function."""
        return words.init_call(_XAVIER | _KAIMING)

    def _code_of(self, node: cst.CSTNode) -> str:
        return self.context.scope_code(node)

    def visit_Call(self, node: cst.Call) -> None:
        call = init_call(node, self.context)
        if call is None or (call.function not in _XAVIER and call.function not in _KAIMING):
            return
        tensor = call.tensor
        if tensor.is_bias or not tensor.is_weight or tensor.attr == "in_proj_weight":
            return
        if not self._hidden_layer(call):
            return
        if self._gain_from_callers(call):
            return
        activation = infer_activation(self.context)
        if activation is None:
            return
        klass = self.context.enclosing_class()
        scope: cst.CSTNode = klass if klass is not None and activation.where.startswith("class") else self.context.module
        if call.function in _XAVIER:
            self._check_xavier(call, activation, scope)
        else:
            self._check_kaiming(call, activation, scope)

    def _gain_from_callers(self, call: InitCall) -> bool:
        """`kaiming_normal_(w, **kwargs)` in `def helper(..., **kwargs)`: when every project call
        of the helper passes the gain arguments (`a=`/`nonlinearity=`, or `gain=`), the callers
        chose them for their layers; what this function's own class uses says nothing."""
        function = self.context.enclosing_function()
        star = function.params.star_kwarg if function is not None else None
        if star is None or not any(
            arg.star == "**" and isinstance(arg.value, cst.Name) and arg.value.value == star.name.value
            for arg in call.node.args
        ):
            return False
        view = self.context.project
        qualname = view.current_function(self.context)
        names = ("a", "nonlinearity") if call.function in _KAIMING else ("gain",)
        return qualname is not None and view.callers_pass_keyword(qualname, names) is Answer.YES

    def _hidden_layer(self, call: InitCall) -> bool:
        """Plausibly a Linear/Conv layer feeding the activation, not a projection or a head."""
        owner = call.tensor.owner or ""
        kinds = kinds_of(guard_class_names(self.context))
        if owner and owner not in ("m", "module", "layer", "mod", "self") and _NOT_HIDDEN_OWNER.match(owner):
            return False
        if kinds & {LayerKind.LINEAR, LayerKind.CONV}:
            return True
        if kinds or not owner or owner == "self":
            return False
        klass = self.context.enclosing_class()
        if klass is not None and re.search(
            rf"self\.{re.escape(owner)}\s*=\s*[\w.]*(?:Linear|Conv\w*)\(", self._code_of(klass)
        ):
            return True
        return bool(_LAYER_OWNER.match(owner))

    # -- Xavier on ReLU ---------------------------------------------------------------------
    def _check_xavier(self, call: InitCall, activation: Activation, scope: cst.CSTNode) -> None:
        if activation.family not in ("relu", "leaky_relu"):
            return
        if call.argument(0, "gain") is not None:
            return  # the gain was chosen on purpose
        if self.context.scope_matches(_ATTENTION_USED, scope):
            return
        severity: Optional[Severity] = None
        caveat = ""
        option = option_branch(self.context)
        opt_in = opt_in_method(self.context) if option is None else None
        if option is not None:
            severity = Severity.INFO
            caveat = (
                f" (chosen by the option `{option}`: the user picks this init, and the matched "
                "choice is another option)"
            )
        elif opt_in is not None:
            severity = Severity.INFO
            caveat = f" (this init runs only when the caller passes `{opt_in}`, off by default: the user opts into it)"
        elif self.context.scope_matches(_NORM_USED, scope):
            severity = Severity.INFO
            caveat = (
                " (normalization layers here renormalize the signal, so the effect is small; "
                "Kaiming is still the matched choice)"
            )
        elif self.context.scope_matches(_SATURATING_USED, scope):
            severity = Severity.INFO
            caveat = (
                " (tanh/sigmoid or recurrent layers are used here too: Xavier may be meant for "
                "those layers)"
            )
        stack = stack_facts(self.context, call.tensor.expr, guard_class_names(self.context))
        if stack is not None and stack.depth == 0:
            return  # the index knows every layer this init can reach: no Linear/Conv among them
        if severity is None:
            severity, caveat = self._depth_severity(stack, _HALVING, "ReLU")
        target = self.context.code_for(call.tensor.expr)
        message = (
            f"`{call.function}` on `{target}`, whose activation is {activation.family} (inferred "
            f"from {activation.describe()}): Xavier does not account for ReLU zeroing half the "
            f"signal, so the signal's variance halves at every layer{caveat}"
        )
        self._report_with_suggestion(call, target, message, severity)

    def _depth_severity(
        self, stack: Optional[StackFacts], families: frozenset[str], name: str
    ) -> tuple[Optional[Severity], str]:
        """A warning (None: the rule's default) only when the project knows how many Linear/Conv
        layers this init reaches and at least `_DEEP` of them feed the activation: the loss, a
        factor of about 2 in variance per layer, compounds only through such a stack. `info`
        with a caveat saying what is not known otherwise."""
        depth = stack.depth if stack is not None else None
        if depth is None or stack is None:
            return Severity.INFO, (
                " (how many Linear/Conv layers get this init is not known, so neither is how "
                "deep a stack the factor of about 2 per layer compounds through: the depth is not known)"
            )
        fed = stack.feeding(families)
        if fed >= _DEEP:
            return None, ""
        if depth <= 2:
            return Severity.INFO, (
                f" (but only {depth} Linear/Conv layer{'s' if depth != 1 else ''} can get this "
                "init: a shallow head, where that costs a factor of about 2 once, not a "
                "deep stack's compounding loss)"
            )
        return Severity.INFO, (
            f" (of the {depth} Linear/Conv layers that can get this init, {fed} "
            f"{'is' if fed == 1 else 'are'} known to feed {name}: no stack of {_DEEP} or more "
            "is known for the loss to compound through)"
        )

    # -- Kaiming on tanh/sigmoid, or with the wrong LeakyReLU slope ------------------------
    def _kaiming_gain(self, call: InitCall) -> tuple[Optional[str], Optional[float]]:
        """(nonlinearity, a) as literals; a None string/number means not a literal."""
        nonlinearity_expr = call.argument(2, "nonlinearity")
        nonlinearity = "leaky_relu" if nonlinearity_expr is None else _string_value(nonlinearity_expr)
        a_expr = call.argument(0, "a")
        a = 0.0 if a_expr is None else constant_value(a_expr)
        return nonlinearity, a

    def _check_kaiming(self, call: InitCall, activation: Activation, scope: cst.CSTNode) -> None:
        nonlinearity, a = self._kaiming_gain(call)
        relu_gain = nonlinearity == "relu" or (nonlinearity == "leaky_relu" and a == 0.0)
        target = self.context.code_for(call.tensor.expr)
        if activation.family in ("tanh", "sigmoid"):
            if (
                not relu_gain
                or self.context.scope_matches(_RELU_FAMILY_USED, scope)
                or self.context.scope_matches(_SWISH, scope)
            ):
                return
            if self.context.scope_matches(_ATTENTION_USED, scope):
                return  # tanh/sigmoid as logit capping or gating next to attention, not a layer's activation
            spelled = f'nonlinearity="{nonlinearity}"' if call.argument(2, "nonlinearity") is not None else "its default a=0"
            message = (
                f"`{call.function}` with {spelled} uses ReLU's gain sqrt(2) on `{target}`, whose "
                f"activation is {activation.family} (inferred from {activation.describe()}): "
                "tanh/sigmoid do not halve the signal, so the pre-activations grow layer after "
                "layer until the units saturate"
            )
            option = option_branch(self.context)
            severity: Optional[Severity] = Severity.INFO
            if option is not None:
                message += f" (chosen by the option `{option}`: the user picks this init)"
            else:
                stack = stack_facts(self.context, call.tensor.expr, guard_class_names(self.context))
                if stack is not None and stack.depth == 0:
                    return  # no Linear/Conv layer can get this init
                severity, caveat = self._depth_severity(stack, _SATURATING, activation.family)
                message += caveat
            self._report_with_suggestion(call, target, message, severity)
            return
        if activation.family != "leaky_relu" or not relu_gain or activation.negative_slope is None:
            return
        slope = _float(activation.negative_slope)
        if slope is None or slope < 0.1:
            return
        growth = 1 + slope * slope
        message = (
            f"`{call.function}` on `{target}` assumes a=0 (plain ReLU), but the activation is "
            f"LeakyReLU with slope {activation.negative_slope} (inferred from "
            f"{activation.describe()}): the variance grows by {growth:.3g}x per layer; pass "
            f'`a={activation.negative_slope}, nonlinearity="leaky_relu"`'
        )
        fix = None
        own = layer_path_activation(self.context, call.tensor.expr, guard_class_names(self.context))
        replacement = None
        if (
            own is not None
            and own.family == "leaky_relu"
            and own.negative_slope == activation.negative_slope
            and standard_layout(self.context, call.tensor.expr, guard_class_names(self.context))
        ):
            replacement = self._slope_fixed(call, activation.negative_slope)
        if replacement is not None:
            fix = self.make_fix(
                call.node, replacement, f"Pass a={activation.negative_slope} to `{call.function}`"
            )
        self.report(call.node, message, severity=Severity.INFO, fix=fix)

    def _slope_fixed(self, call: InitCall, slope: str) -> Optional[cst.Call]:
        known = {"a": 0, "mode": 1, "nonlinearity": 2}
        mode: Optional[cst.BaseExpression] = None
        positional = 0
        for arg in call.args:
            if arg.star:
                return None
            if arg.keyword is None:
                if positional == 1:
                    mode = arg.value
                positional += 1
            elif arg.keyword.value not in known:
                return None
            elif arg.keyword.value == "mode":
                mode = arg.value
        func = self.context.code_for(call.node.func)
        tensor = self.context.code_for(call.node.args[0].value) if not call.is_method else None
        if tensor is None:
            return None
        mode_part = f", mode={self.context.code_for(mode)}" if mode is not None else ""
        return cst.parse_expression(
            f'{func}({tensor}, a={slope}{mode_part}, nonlinearity="leaky_relu")'
        )  # type: ignore[return-value]

    def _report_with_suggestion(
        self, call: InitCall, target: str, message: str, severity: Optional[Severity]
    ) -> None:
        suggestion = suggest_initializer(self.context, call.tensor.expr, call.spelled_module)
        if option_branch(self.context) is not None:
            suggestion = None  # the branch is what its option's name says: keep it
        fix = None
        if suggestion is not None and _family_changes(call.function, suggestion.code):
            code = suggestion.code
            if call.function.startswith(("xavier_normal", "kaiming_normal")):
                code = code.replace("kaiming_uniform_(", "kaiming_normal_(").replace(
                    "xavier_uniform_(", "xavier_normal_("
                )
            message += f"; use `{code}`"
            fix = self.make_fix(call.node, cst.parse_expression(code), f"Replace with `{code}`")
        self.report(call.node, message, severity=severity, fix=fix)

    VALID = [
        Valid(
            """
            import torch.nn as nn
            from torch.nn import init

            def default_init(module, scale=1.0, **kwargs):
                for m in module.modules():
                    if isinstance(m, nn.Linear):
                        init.kaiming_normal_(m.weight, **kwargs)
                        m.weight.data *= scale

            class Mapping(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.net = nn.Sequential(nn.Linear(dim, dim), nn.LeakyReLU(0.2), nn.Linear(dim, dim))
                    default_init(self.net, a=0.2, mode="fan_in", nonlinearity="leaky_relu")
                    self.proj = nn.Linear(dim, dim)
                    default_init(self.proj, nonlinearity="linear")
            """,
            reason="the helper forwards **kwargs to kaiming_normal_ and every call passes the "
            "gain arguments for its own layers",
        ),
        Valid(
            """
            import torch.nn as nn

            class MLP(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc1 = nn.Linear(784, 256)
                    self.fc2 = nn.Linear(256, 10)
                    self.act = nn.ReLU()
                    for m in self.modules():
                        if isinstance(m, nn.Linear):
                            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            """,
            reason="Kaiming on ReLU: matched",
        ),
        Valid(
            """
            import torch.nn as nn

            class Block(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.attn = nn.MultiheadAttention(dim, 8)
                    self.fc1 = nn.Linear(dim, 4 * dim)
                    self.act = nn.GELU()
                    self.fc2 = nn.Linear(4 * dim, dim)
                    self.apply(self._init)

                def _init(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.xavier_uniform_(m.weight)
            """,
            reason="GELU transformer block: Xavier is standard there",
        ),
        Valid(
            """
            import torch.nn as nn
            import torch.nn.functional as F

            class Transformer(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.self_attn = nn.MultiheadAttention(d, 8)
                    self.linear1 = nn.Linear(d, 4 * d)
                    self.linear2 = nn.Linear(4 * d, d)
                    self._reset_parameters()

                def _reset_parameters(self):
                    for p in self.parameters():
                        if p.dim() > 1:
                            nn.init.xavier_uniform_(p)
                    nn.init.xavier_uniform_(self.linear1.weight)

                def forward(self, x):
                    return self.linear2(F.relu(self.linear1(x)))
            """,
            reason="DETR-style: ReLU feed-forward in a model with attention",
        ),
        Valid(
            """
            import math
            import torch
            import torch.nn as nn

            class Cell(nn.Module):
                def __init__(self, n):
                    super().__init__()
                    self.fc = nn.Linear(n, n)
                    self.reset_parameters()

                def reset_parameters(self):
                    nn.init.kaiming_uniform_(self.fc.weight, a=math.sqrt(5))

                def forward(self, x, h):
                    return torch.tanh(self.fc(x) + h)
            """,
            reason="a=sqrt(5) is PyTorch's own Linear default, not a ReLU init",
        ),
        Valid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc1 = nn.Linear(8, 8)
                    self.act = nn.ReLU()
                    nn.init.xavier_uniform_(self.fc1.weight, gain=nn.init.calculate_gain("relu"))
                    nn.init.xavier_uniform_(self.fc1.bias)
            """,
            reason="an explicit gain; biases are not this rule's",
        ),
        Valid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc1 = nn.Linear(8, 8)
                    self.head = nn.Linear(8, 2)
                    self.act = nn.ReLU()
                    nn.init.xavier_uniform_(self.head.weight)
            """,
            reason="output heads are usually Xavier (no ReLU after them)",
        ),
        Valid(
            """
            import torch.nn as nn

            class SE(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.gate = nn.Sigmoid()
                    self.fc1 = nn.Conv2d(c, c // 4, 1)
                    self.relu = nn.ReLU()
                    nn.init.kaiming_normal_(self.fc1.weight, mode="fan_out", nonlinearity="relu")
            """,
            reason="a ReLU-family activation is present: Kaiming can be right",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            def swish(x):
                return x * torch.sigmoid(x)

            class ResBlock(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.conv1 = nn.Conv2d(c, c, 3, padding=1)
                    nn.init.kaiming_normal_(self.conv1.weight, nonlinearity="relu")

                def forward(self, x):
                    return x + self.conv1(swish(x))
            """,
            reason="x * sigmoid(x) is swish, not a sigmoid layer",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Attention(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc = nn.Linear(d, d)
                    nn.init.kaiming_normal_(self.fc.weight)

                def forward(self, q, k):
                    attn_weights = q @ k.transpose(-1, -2)
                    return torch.tanh(attn_weights / 30.0) * 30.0
            """,
            reason="tanh soft-capping of attention logits is not the layers' activation",
        ),
        Valid(
            """
            import torch.nn as nn
            import torch.nn.functional as F

            class Lookup(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.table = nn.Embedding(n, d)
                    for m in self.modules():
                        if isinstance(m, nn.Linear):
                            nn.init.xavier_uniform_(m.weight)

                def forward(self, x):
                    return F.relu(self.table(x))
            """,
            reason="the class holds no Linear layer: the Xavier branch reaches nothing",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class EdgeHead(nn.Module):
                def __init__(self, block, c):
                    super().__init__()
                    self.conv = block(c, c, 3, act=dict(type="ReLU"))
                    self.conv_edge = nn.Conv2d(c, 1, 1)
                    for m in self.modules():
                        if isinstance(m, nn.Conv2d):
                            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")

                def loss(self, edge_logit, target):
                    mask = torch.sigmoid(edge_logit[:, 0]) > 0.5
                    return (mask != target).float().mean()
            """,
            reason="the sigmoid squashes the head's output logits in the loss, not a hidden layer",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Scorer(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.hidden = nn.Linear(d, d)
                    self.classifier = nn.Linear(d, 1)
                    nn.init.kaiming_uniform_(self.hidden.weight, nonlinearity="relu")

                def forward(self, x):
                    return torch.sigmoid(self.classifier(self.hidden(x).clamp(min=0)))
            """,
            reason="a sigmoid on the classifier's output is not the hidden activation",
        ),
        Valid(
            """
            import torch.nn as nn
            from blocks import conv_block

            class Heatmap(nn.Module):
                def __init__(self, c, n):
                    super().__init__()
                    self.body = nn.Sequential(conv_block(c, c), conv_block(c, c))
                    self.head = nn.Conv2d(c, n, 1)
                    self.sigmoid = nn.Sigmoid()
                    for m in self.modules():
                        if isinstance(m, nn.Conv2d):
                            nn.init.kaiming_uniform_(m.weight)

                def forward(self, x):
                    x = self.head(self.body(x))
                    x = self.sigmoid(x)
                    return x
            """,
            reason="the Sigmoid module only follows the head; the hidden blocks' activation is not known",
        ),
        Valid(
            """
            import torch.nn as nn
            from blocks import deconv_block

            class Decoder(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.up1 = deconv_block(c, c)
                    self.up2 = deconv_block(c, c)
                    self.up3 = deconv_block(c, 3, activation=nn.Sigmoid())
                    for m in self.modules():
                        if isinstance(m, nn.Conv2d):
                            nn.init.kaiming_uniform_(m.weight)

                def forward(self, x):
                    return self.up3(self.up2(self.up1(x)))
            """,
            reason="only the last block gets a Sigmoid; the others keep the helper's default activation",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc1 = nn.Linear(d, d)
                    self.fc2 = nn.Linear(d, d)
                    self.head = nn.Linear(d, 1)
                    self.sigmoid = nn.Sigmoid()
                    for m in self.modules():
                        if isinstance(m, nn.Linear):
                            nn.init.kaiming_uniform_(m.weight)

                def forward(self, x):
                    x = self.sigmoid(self.fc2(self.sigmoid(self.fc1(x))))
                    x = self.head(x)
                    x = self.sigmoid(x)
                    return x
            """,
            severity=Severity.WARNING,
            message_contains="whose activation is sigmoid",
        ),
        Invalid(
            """
            import torch.nn as nn

            def weights_init(m):
                if m.__class__.__name__.find("Conv") != -1:
                    nn.init.xavier_uniform_(m.weight)

            class Decoder(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.up = nn.ConvTranspose2d(c, c, 4)
                    self.act = nn.ReLU()
                    self.out = nn.ConvTranspose2d(c, c, 4)
                    self.apply(weights_init)
            """,
            # a name fragment selects the layers: not known to reach none (nor how many)
            severity=Severity.INFO,
            message_contains="the depth is not known",
        ),
        Invalid(
            """
            import torch.nn as nn
            import torch.nn.functional as F

            class Head(nn.Module):
                def __init__(self, body, proj, out):
                    super().__init__()
                    self.body = body
                    self.proj = proj
                    self.out = out
                    self.reset()

                def reset(self):
                    for m in self.modules():
                        if isinstance(m, nn.Linear):
                            nn.init.xavier_uniform_(m.weight)

                def forward(self, x):
                    return self.out(F.relu(self.proj(self.body(x))))
            """,
            # the layers are handed in: how many get the init is not known
            severity=Severity.INFO,
            message_contains="the depth is not known",
            line=16,
        ),
        Invalid(
            """
            import torch.nn as nn
            import torch.nn.functional as F

            class Head(nn.Module):
                def __init__(self, body, proj, out, reinit=False):
                    super().__init__()
                    self.body = body
                    self.proj = proj
                    self.out = out
                    if reinit:
                        self.reset()

                def reset(self):
                    for m in self.modules():
                        if isinstance(m, nn.Linear):
                            nn.init.xavier_uniform_(m.weight)

                def forward(self, x):
                    return self.out(F.relu(self.proj(self.body(x))))
            """,
            severity=Severity.INFO,
            message_contains="runs only when the caller passes `reinit=True`",
        ),
        Invalid(
            """
            import torch.nn as nn

            class ScoreHead(nn.Module):
                def __init__(self, dim, n):
                    super().__init__()
                    self.fc1 = nn.Linear(dim, dim)
                    self.fc2 = nn.Linear(dim, n)
                    self.relu = nn.ReLU()
                    self.apply(self._init_weights)

                def _init_weights(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.xavier_normal_(m.weight)

                def forward(self, x):
                    return self.fc2(self.relu(self.fc1(x)))
            """,
            severity=Severity.INFO,
            message_contains="only 2 Linear/Conv layers can get this init",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Tower(nn.Module):
                def __init__(self, dim, depth):
                    super().__init__()
                    self.layers = nn.ModuleList([nn.Linear(dim, dim) for _ in range(depth)])
                    self.relu = nn.ReLU()
                    self.apply(self._init_weights)

                def _init_weights(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.xavier_normal_(m.weight)

                def forward(self, x):
                    for layer in self.layers:
                        x = self.relu(layer(x))
                    return x
            """,
            # built in a comprehension: any number of layers, so the depth is not known
            severity=Severity.INFO,
            message_contains="the depth is not known",
        ),
        Invalid(
            """
            import torch.nn as nn
            import torch.nn.functional as F

            class FeedForward(nn.Module):
                def __init__(self, d, hidden):
                    super().__init__()
                    self.fc1 = nn.Linear(d, hidden)
                    self.fc2 = nn.Linear(hidden, d)
                    self.proj = nn.Linear(d, d)
                    for m in self.modules():
                        if isinstance(m, nn.Linear):
                            nn.init.xavier_uniform_(m.weight)

                def forward(self, x):
                    return self.proj(self.fc2(F.relu(self.fc1(x))))
            """,
            # three layers, but only fc1's output goes through the ReLU
            severity=Severity.INFO,
            message_contains="of the 3 Linear/Conv layers that can get this init, 1 is known to feed ReLU",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            def init_hidden(m):
                if isinstance(m, nn.Linear):
                    nn.init.kaiming_normal_(m.weight, nonlinearity="relu")

            class Encoder(nn.Module):
                def __init__(self, d, depth):
                    super().__init__()
                    self.layers = nn.ModuleList([nn.Linear(d, d) for _ in range(depth)])
                    self.apply(init_hidden)

                def forward(self, x):
                    for layer in self.layers:
                        x = torch.tanh(layer(x))
                    return x
            """,
            severity=Severity.INFO,
            message_contains="whose activation is tanh",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            def init_hidden(m):
                if isinstance(m, nn.Linear):
                    nn.init.kaiming_normal_(m.weight, nonlinearity="relu")

            class Encoder(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc1 = nn.Linear(d, d)
                    self.fc2 = nn.Linear(d, d)
                    self.fc3 = nn.Linear(d, d)
                    self.apply(init_hidden)

                def forward(self, x):
                    x = torch.tanh(self.fc1(x))
                    x = torch.tanh(self.fc2(x))
                    return torch.tanh(self.fc3(x))
            """,
            # the apply site brings exactly three Linear layers, each feeding tanh
            severity=Severity.WARNING,
            message_contains="uses ReLU's gain sqrt(2) on `m.weight`, whose activation is tanh",
        ),
        Invalid(
            """
            import torch.nn as nn
            from torch.nn import init

            def default_init(module, scale=1.0, **kwargs):
                for m in module.modules():
                    if isinstance(m, nn.Linear):
                        init.kaiming_normal_(m.weight, **kwargs)
                        m.weight.data *= scale

            class Mapping(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.net = nn.Sequential(nn.Linear(dim, dim), nn.LeakyReLU(0.2), nn.Linear(dim, dim))
                    default_init(self.net, a=0.2, mode="fan_in", nonlinearity="leaky_relu")
                    self.proj = nn.Linear(dim, dim)
                    default_init(self.proj, nonlinearity="linear")
                    self.extra = nn.Linear(dim, dim)
                    default_init(self.extra, scale=0.1)
            """,
            line=8,
            severity=Severity.INFO,
            message_contains="assumes a=0 (plain ReLU), but the activation is LeakyReLU with slope 0.2",
        ),
        Invalid(
            """
            import torch.nn as nn

            class MLP(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc1 = nn.Linear(784, 256)
                    self.fc2 = nn.Linear(256, 256)
                    self.fc3 = nn.Linear(256, 256)
                    self.relu = nn.ReLU()
                    for m in self.modules():
                        if isinstance(m, nn.Linear):
                            nn.init.xavier_uniform_(m.weight)

                def forward(self, x):
                    return self.relu(self.fc3(self.relu(self.fc2(self.relu(self.fc1(x))))))
            """,
            expected_fix="""
            import torch.nn as nn

            class MLP(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc1 = nn.Linear(784, 256)
                    self.fc2 = nn.Linear(256, 256)
                    self.fc3 = nn.Linear(256, 256)
                    self.relu = nn.ReLU()
                    for m in self.modules():
                        if isinstance(m, nn.Linear):
                            nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")

                def forward(self, x):
                    return self.relu(self.fc3(self.relu(self.fc2(self.relu(self.fc1(x))))))
            """,
            unsafe=True,
            severity=Severity.WARNING,
            message_contains="inferred from `nn.ReLU()` in class MLP",
        ),
        Invalid(
            """
            import torch.nn as nn
            import torch.nn.functional as F

            class CNN(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv1 = nn.Conv2d(3, 32, 3)
                    self.conv2 = nn.Conv2d(32, 64, 3)
                    nn.init.xavier_normal_(self.conv1.weight)

                def forward(self, x):
                    return F.relu(self.conv2(F.relu(self.conv1(x))))
            """,
            expected_fix="""
            import torch.nn as nn
            import torch.nn.functional as F

            class CNN(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv1 = nn.Conv2d(3, 32, 3)
                    self.conv2 = nn.Conv2d(32, 64, 3)
                    nn.init.kaiming_normal_(self.conv1.weight, nonlinearity="relu")

                def forward(self, x):
                    return F.relu(self.conv2(F.relu(self.conv1(x))))
            """,
            unsafe=True,
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.hidden = nn.Linear(10, 10)
                    nn.init.kaiming_normal_(self.hidden.weight, nonlinearity='relu')

                def forward(self, x):
                    return torch.tanh(self.hidden(x))
            """,
            expected_fix="""
            import torch
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.hidden = nn.Linear(10, 10)
                    nn.init.xavier_normal_(self.hidden.weight, gain=nn.init.calculate_gain("tanh"))

                def forward(self, x):
                    return torch.tanh(self.hidden(x))
            """,
            unsafe=True,
            message_contains="inferred from `torch.tanh(self.hidden(x))` in class Net",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Disc(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 64, 4)
                    self.act = nn.LeakyReLU(0.2)
                    self.apply(self.init_weights)

                def init_weights(self, m):
                    if isinstance(m, nn.Conv2d):
                        nn.init.kaiming_normal_(m.weight, mode='fan_out')

                def forward(self, x):
                    return self.act(self.conv(x))
            """,
            expected_fix="""
            import torch.nn as nn

            class Disc(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 64, 4)
                    self.act = nn.LeakyReLU(0.2)
                    self.apply(self.init_weights)

                def init_weights(self, m):
                    if isinstance(m, nn.Conv2d):
                        nn.init.kaiming_normal_(m.weight, a=0.2, mode='fan_out', nonlinearity="leaky_relu")

                def forward(self, x):
                    return self.act(self.conv(x))
            """,
            unsafe=True,
            severity=Severity.INFO,
            message_contains="1.04x per layer",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, nn.Conv2d):
                    nn.init.xavier_uniform_(m.weight)

            class ResNetish(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 64, 3)
                    self.bn = nn.BatchNorm2d(64)
                    self.relu = nn.ReLU(inplace=True)
            """,
            severity=Severity.INFO,
            message_contains="normalization layers",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_layer(layer, scheme):
                if scheme == "xavier":
                    nn.init.xavier_normal_(layer.weight)
                elif scheme == "kaiming":
                    nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")

            class Block(nn.Module):
                def __init__(self, dim, scheme="kaiming"):
                    super().__init__()
                    self.fc1 = nn.Linear(dim, dim)
                    self.act = nn.ReLU()
                    init_layer(self.fc1, scheme)

                def forward(self, x):
                    return self.act(self.fc1(x))
            """,
            severity=Severity.INFO,
            count=1,
            message_contains='chosen by the option `scheme == "xavier"`',
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_layer(layer, scheme):
                if scheme is not None:
                    nn.init.xavier_normal_(layer.weight)

            class Block(nn.Module):
                def __init__(self, dim, scheme=None):
                    super().__init__()
                    self.fc1 = nn.Linear(dim, dim)
                    self.fc2 = nn.Linear(dim, dim)
                    self.fc3 = nn.Linear(dim, dim)
                    self.act = nn.ReLU()
                    init_layer(self.fc1, scheme)
                    init_layer(self.fc2, scheme)
                    init_layer(self.fc3, scheme)

                def forward(self, x):
                    return self.act(self.fc3(self.act(self.fc2(self.act(self.fc1(x))))))
            """,
            severity=Severity.WARNING,
        ),
    ]


def _float(text: str) -> Optional[float]:
    try:
        return float(text)
    except ValueError:
        return None


def _family_changes(function: str, suggested: str) -> bool:
    return not suggested.split("(", 1)[0].rsplit(".", 1)[-1].startswith(function.split("_", 1)[0])

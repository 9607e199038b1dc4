from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from initlint.analysis.classes import reset_after_callers
from initlint.analysis.gate import FileWords
from initlint.analysis.layers import LayerKind, classify
from initlint.analysis.layers import guard_class_names
from initlint.analysis.scales import Draw, draw_of
from initlint.analysis.tensors import init_call
from initlint.diagnostics import Severity
from initlint.rules.base import Invalid, Rule, Valid

_NORM_OWNER = re.compile(
    r"^(?:bn|norm|ln|gn|layer_?norm|batch_?norm|group_?norm|rms_?norm|ln_f|final_layer_norm)\w*$"
    r"|_(?:bn|norm|ln|layernorm|layer_norm)\d*$",
    re.IGNORECASE,
)
_GAIN_ATTR = frozenset({"weight", "gamma", "scale", "g"})
_FAN_BASED = frozenset(
    {"xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "orthogonal_",
     "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal", "orthogonal",
     "dirac_", "eye_", "sparse_"}
)
# `(1 + weight)` parameterisations (Gemma-style RMSNorm): a gain near zero means gain one.
_OFFSET_GAIN = re.compile(
    r"\(\s*1(?:\.0*)?\s*\+\s*(?:self\.)?(?:weight|gamma|scale|g)\b|(?:self\.)?(?:weight|gamma|scale)"
    r"(?:\.\w+\(\))?\s*\+\s*1(?:\.0*)?\s*\)"
)
# A shape test inside the branch keeps the 1-D gains out.
_SHAPE_GUARD = re.compile(r"\.dim\(\)|\.ndim|len\([^)]*\.shape\)|\.ndimension\(\)")


def _norm_layer_names(guards: list[str]) -> list[str]:
    return sorted({n.rsplit(".", 1)[-1] for n in guards if classify(n) is LayerKind.NORM})


class RandomNormGain(Rule):
    """
    ## What it does
    Flags norm-layer gains (the `weight`/`gamma` of BatchNorm, LayerNorm, GroupNorm, RMSNorm...)
    drawn at random around zero:
    - a norm class put in the same `isinstance` branch as Linear/Conv and given their init
      (`if isinstance(m, (nn.Linear, nn.LayerNorm)): nn.init.normal_(m.weight, 0, 0.02)`);
    - `normal_`/`trunc_normal_` with mean 0 or `uniform_` with default bounds (U(0, 1)) on a norm
      gain, in a norm branch or on a named norm layer (`self.ln_f.weight`, `self.bn1.weight`);
    - Xavier/Kaiming/orthogonal on a norm gain through a shared branch: it raises at runtime
      (fan-in and fan-out cannot be computed for a 1-D tensor), reported as an error.

    Not reported: `normal_(1.0, 0.02)` (DCGAN's norm init, centred on one), norm gains set to
    zero (INI101 reports zero-gamma, which is deliberate as the last norm of a residual block),
    `(1 + weight)` parameterisations where a gain near zero means gain one, branches that test
    `p.dim() > 1`, and blanket `for p in model.parameters()` loops (INI003's business).

    A draw in a method that only its own class calls, where every caller sets the gain of a
    sub-module it walked to one right after the call (`for m in self.mapper.modules():
    self._init(m)` then `nn.init.constant_(self.mapper[1].bn.weight, 1)`), is `info`: the draw
    is overwritten there, for the norm layers that reset covers.

    ## Why is this bad?
    A norm layer's gain multiplies the normalized activations. Drawn from N(0, 0.02²) it is
    about 0.02: the layer's output, and every gradient through it, shrinks fifty-fold, and half
    of the channels flip sign. U(0, 1) (PyTorch's BatchNorm default before 1.2) halves the
    signal on average and gives every channel a different, arbitrary scale. The standard is
    gain 1, bias 0.

    ## Example
    ```python
    def _init_weights(m):
        if isinstance(m, (nn.Linear, nn.LayerNorm)):
            nn.init.normal_(m.weight, std=0.02)
    ```

    ## Use instead
    ```python
    def _init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
        elif isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
    ```

    ## Fix safety
    No automatic fix: the repair splits a branch in two, which depends on what else the branch
    does.

    ## References
    - Ioffe & Szegedy, *Batch Normalization* (2015)
    - Ba et al., *Layer Normalization* (2016)
    - [PyTorch 1.2 release notes: BatchNorm weight now initialized to ones](https://github.com/pytorch/pytorch/releases/tag/v1.2.0)
    """

    code = "INI104"
    name = "random-norm-gain"
    summary = "Norm-layer gain drawn at random around zero (or fan-based init on a 1-D gain)"
    severity = Severity.WARNING
    triggers = ("Norm", "norm", "bn", "ln_", "gamma")

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Every report is at a draw or fan-based init call on a tensor named in `_GAIN_ATTR`."""
        return words.has_any(_GAIN_ATTR) and (words.draw_call() or words.init_call(_FAN_BASED))

    def __init__(self, context, sink) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context, sink)
        self._offset_gain: Optional[bool] = None

    def _code_of(self, klass: cst.ClassDef) -> str:
        return self.context.scope_code(klass)

    def visit_Call(self, node: cst.Call) -> None:
        call = init_call(node, self.context)
        if call is None or call.tensor.attr not in _GAIN_ATTR:
            return
        fan_based = call.function in _FAN_BASED
        draw = None if fan_based else draw_of(call)
        if not fan_based and (draw is None or not _centred_low(draw)):
            return
        guards = guard_class_names(self.context)
        norms = _norm_layer_names(guards)
        if guards and not norms:
            return
        owner = call.tensor.owner or ""
        if not guards:
            if fan_based or not self._named_norm(owner):
                return
        if self._shape_guarded() or self._gain_offset():
            return
        target = self.context.code_for(call.tensor.expr)
        others = sorted(
            {n.rsplit(".", 1)[-1] for n in guards if classify(n) is not LayerKind.NORM}
        )
        shared = f" (this branch is shared with {'/'.join(others)})" if others else ""
        where = f"the {'/'.join(norms)} gain `{target}`{shared}" if norms else f"norm gain `{target}`"
        if fan_based:
            self.report(
                call.node,
                f"`{call.function}` on {where}: the gain is 1-D, so fan-in/fan-out cannot be "
                "computed and this raises at runtime; give norm layers their own branch with "
                "`ones_(weight)` / `zeros_(bias)`",
                severity=Severity.ERROR,
            )
            return
        assert draw is not None
        if draw.kind == "uniform" and not draw.centred_near_zero:
            effect = (
                "the gains average 0.5 and give every channel an arbitrary scale (PyTorch's "
                "BatchNorm default before 1.2)"
            )
        else:
            effect = (
                "a gain near zero scales the normalized signal (and its gradients) down to "
                "almost nothing and flips the sign of half the channels"
            )
        advice = "init norm gains to one (`ones_`)" + (" in their own branch" if others else "")
        function = self.context.enclosing_function()
        reset = reset_after_callers(self.context, function, call.tensor.attr, 1.0) if function else None
        if reset is not None:
            caller, tensor = reset
            self.report(
                call.node,
                f"{where} is drawn from {_describe(draw, self.context)}, but `{caller}`, which "
                f"calls `{function.name.value}` (and nothing else does), sets `{tensor}` to one "
                "right after: fine if that covers every norm layer that reaches here; otherwise "
                f"{effect}; {advice}",
                severity=Severity.INFO,
            )
            return
        self.report(
            call.node, f"{where} is drawn from {_describe(draw, self.context)}: {effect}; {advice}"
        )

    def _named_norm(self, owner: str) -> bool:
        if not owner or owner in ("self", "m", "module"):
            return False
        if _NORM_OWNER.search(owner):
            return True
        klass = self.context.enclosing_class()
        if klass is None:
            return False
        return bool(
            re.search(rf"self\.{re.escape(owner)}\s*=\s*[\w.]*Norm\w*\(", self._code_of(klass))
        )

    def _shape_guarded(self) -> bool:
        for node in self.context.ancestors():
            if isinstance(node, cst.If) and _SHAPE_GUARD.search(self.context.code_for(node.test)):
                return True
            if isinstance(node, cst.FunctionDef):
                break
        return False

    def _gain_offset(self) -> bool:
        if self._offset_gain is None:
            self._offset_gain = bool(_OFFSET_GAIN.search(self.context.source))
        return self._offset_gain

    VALID = [
        Valid(
            """
            import torch.nn as nn

            def _init_weights(module):
                if isinstance(module, nn.Linear):
                    module.weight.data.normal_(mean=0.0, std=0.02)
                    if module.bias is not None:
                        module.bias.data.zero_()
                elif isinstance(module, nn.LayerNorm):
                    module.bias.data.zero_()
                    module.weight.data.fill_(1.0)
            """,
            reason="BERT-style: norms handled in their own branch",
        ),
        Valid(
            """
            import torch.nn as nn

            def weights_init(m):
                classname = m.__class__.__name__
                if classname.find('Conv') != -1:
                    nn.init.normal_(m.weight.data, 0.0, 0.02)
                elif classname.find('BatchNorm') != -1:
                    nn.init.normal_(m.weight.data, 1.0, 0.02)
                    nn.init.constant_(m.bias.data, 0)
            """,
            reason="DCGAN: norm gains drawn around one",
        ),
        Valid(
            """
            import torch.nn as nn

            def init(m, zero_init_last=True):
                if isinstance(m, nn.BatchNorm2d) and zero_init_last:
                    nn.init.zeros_(m.weight)
            """,
            reason="exact zero gamma is INI101's (residual-last idiom)",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class RMSNorm(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.weight = nn.Parameter(torch.zeros(dim))

                def forward(self, x):
                    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * (1.0 + self.weight)

            class Model(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.norm = RMSNorm(dim)
                    nn.init.normal_(self.norm.weight, std=0.02)
            """,
            reason="(1 + weight) parameterisation: a gain near zero means gain one",
        ),
        Valid(
            """
            import torch.nn as nn

            def init_all(model):
                for p in model.parameters():
                    nn.init.normal_(p, 0, 0.02)
            """,
            reason="blanket loops are INI003's business",
        ),
        Valid(
            """
            import torch.nn as nn

            def init(m):
                if isinstance(m, (nn.Conv2d, nn.BatchNorm2d)):
                    if m.weight.dim() > 1:
                        nn.init.kaiming_normal_(m.weight)
            """,
            reason="a shape test keeps the norm gains out",
        ),
        Valid(
            """
            import torch.nn as nn
            from torch.nn import init

            def init_weights(net, init_type="normal", init_gain=0.02):
                def init_func(m):
                    classname = m.__class__.__name__
                    if hasattr(m, "weight") and (classname.find("Conv") != -1 or classname.find("Linear") != -1):
                        if init_type == "normal":
                            init.normal_(m.weight.data, 0.0, init_gain)
                        elif init_type == "xavier_normal":
                            init.xavier_normal_(m.weight.data, gain=init_gain)
                    elif classname.find("BatchNorm2d") != -1:
                        init.normal_(m.weight.data, 1.0, init_gain)
                        init.constant_(m.bias.data, 0.0)
                net.apply(init_func)
            """,
            reason="pix2pix-style: `init_type == 'normal'` is a scheme name, not a norm layer",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import torch.nn as nn

            class Pool(nn.Module):
                def __init__(self, d, k):
                    super().__init__()
                    self.assign = nn.Sequential(nn.Linear(d, k, bias=False), nn.BatchNorm1d(k))
                    self.gate = nn.Linear(d, 1)
                    self.reset()

                def reset(self):
                    for part in (self.assign, self.gate):
                        for m in part.modules():
                            self._draw(m)
                    nn.init.ones_(self.assign[1].weight)

                def _draw(self, m):
                    if isinstance(m, nn.BatchNorm1d):
                        nn.init.uniform_(m.weight)
                    elif isinstance(m, nn.Linear):
                        nn.init.xavier_uniform_(m.weight)
            """,
            # `reset`, the only caller, puts the walked BatchNorm's gain back to one
            line=19,
            severity=Severity.INFO,
            message_contains="sets `self.assign[1].weight` to one right after",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Pool(nn.Module):
                def __init__(self, d, k):
                    super().__init__()
                    self.assign = nn.Sequential(nn.Linear(d, k, bias=False), nn.BatchNorm1d(k))
                    self.out_bn = nn.BatchNorm1d(k)
                    self.reset()

                def reset(self):
                    for m in self.out_bn.modules():
                        self._draw(m)
                    nn.init.ones_(self.assign[1].weight)

                def _draw(self, m):
                    if isinstance(m, nn.BatchNorm1d):
                        nn.init.uniform_(m.weight)
            """,
            # the reset is of a module the loop never walked: the drawn gain stays
            line=18,
            severity=Severity.WARNING,
        ),
        Invalid(
            """
            import torch.nn as nn

            def _init_weights(m):
                if isinstance(m, (nn.Linear, nn.LayerNorm)):
                    nn.init.normal_(m.weight, 0, 0.02)
                    nn.init.zeros_(m.bias)
            """,
            message_contains="the LayerNorm gain `m.weight` (this branch is shared with Linear)",
            severity=Severity.WARNING,
        ),
        Invalid(
            """
            import torch.nn as nn

            def init(m):
                if isinstance(m, nn.BatchNorm2d):
                    m.weight.data.uniform_()
                    m.bias.data.zero_()
            """,
            message_contains="U(0, 1)",
        ),
        Invalid(
            """
            import torch.nn as nn

            class GPT(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.ln_f = nn.LayerNorm(d)
                    self.head = nn.Linear(d, 10)
                    nn.init.trunc_normal_(self.ln_f.weight, std=0.02)
            """,
        ),
        Invalid(
            """
            from torch import nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.stem_norm = nn.GroupNorm(8, 64)
                    nn.init.normal_(self.stem_norm.weight, std=0.02)
            """,
        ),
        Invalid(
            """
            import torch.nn as nn

            def init(m):
                if isinstance(m, (nn.Conv2d, nn.BatchNorm2d)):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            """,
            severity=Severity.ERROR,
            message_contains="raises at runtime",
        ),
    ]


def _centred_low(draw: Draw) -> bool:
    """Mean zero (normal), or a uniform whose midpoint is at most 0.5 (U(0, 1), U(-a, a))."""
    if draw.kind in ("normal", "trunc_normal"):
        return draw.mean_value == 0.0
    if draw.low_value is not None and draw.high_value is not None:
        return (draw.low_value + draw.high_value) / 2 <= 0.5
    return draw.centred_near_zero


def _describe(draw: Draw, context) -> str:  # type: ignore[no-untyped-def]
    if draw.kind == "uniform":
        if draw.is_unit_uniform:
            return "U(0, 1) (`uniform_`'s default bounds, mean 0.5)"
        low = context.code_for(draw.low) if draw.low is not None else "0"
        high = context.code_for(draw.high) if draw.high is not None else "1"
        return f"U({low}, {high})"
    std = context.code_for(draw.std) if draw.std is not None else "1"
    name = "N" if draw.kind == "normal" else "truncated N"
    return f"{name}(0, {std}²)"

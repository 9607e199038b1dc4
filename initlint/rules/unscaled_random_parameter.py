from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from initlint.analysis.classes import class_facts, initialized_in_file, is_self_attribute
from initlint.analysis.gate import FileWords
from initlint.analysis.scales import (
    PRODUCT_USES,
    RandomTensor,
    parameter_payload,
    random_tensor,
    scaled_in_forward,
)
from initlint.analysis.tensors import WEIGHT_MATRIX_NAME
from initlint.diagnostics import Severity
from initlint.rules.base import Invalid, Rule, Valid

# Forward uses after which the parameter's scale does not matter (or is meant to be free).
# Names of gain vectors (what a U(0, 1) draw is most likely to be wrong for).
_GAIN_NAME = re.compile(r"^(?:gamma|gain|g|scale|alpha|weight|layer_scale|ls)\d*$|_(?:gamma|gain|scale)$", re.I)
# (`lookup`: `one_hot(i, n) @ self.w` picks one row or column per input: a table, not a product)
# (`complement`: `1 - self.g` in forward, a mixing weight whose range U(0, 1) is)
_SCALE_FREE_USES = frozenset(
    {"normalized", "softmax", "sigmoid", "exp", "softplus", "tanh", "one_plus", "lookup", "complement"}
)


class UnscaledRandomParameter(Rule):
    """
    ## What it does
    Flags parameters created straight from a unit-scale random draw in a module's constructor,
    graded by how `forward` uses them:

    - a matrix or table (`nn.Parameter(torch.randn(d, k))`: a projection, a position table, a
      modulation table) left at N(0, 1) while a sibling parameter of the same constructor is
      scaled (`torch.randn(d, k) / d ** 0.5`, `* scale`, `* 0.02`): the author scales these
      draws, and this one was missed (warning);
    - a gain vector drawn from U(0, 1): `nn.Parameter(torch.Tensor(n).uniform_())`,
      `nn.Parameter(torch.rand(n))` that the class multiplies with (error: mean 0.5 instead of
      ones), or named like a gain (`gamma`, `scale`, `alpha`) with no visible product
      (warning); `info` when forward reads the gain-named vector one entry at a time
      (`self.alpha[i]` in a `for i in range(n)` loop: segment slopes of a learned activation,
      scalar coefficients rather than a per-channel gain). Other U(0, 1) vectors (wav2vec 2.0's
      `mask_emb`, a replacement vector) are left alone.

    Quiet when the constructor (or a method it runs) initializes the parameter again after the
    draw, or writes into part of it (`self.scale.data[off] = 0`: a shaped, deliberate start);
    quiet when `forward` normalizes the parameter first or passes it through softmax, sigmoid,
    exp, softplus or tanh, uses it as `1 + w`, or multiplies it by another runtime scale
    (`self.scale`, equalized learning rate), or divides it (or a local computed from it) by a
    normalization of its own. A table that forward adds to the activations (`x + self.pos`) is
    `info`: whether std 1 is right depends on the scale of what it is added to; so is one
    that forward joins to the activations as extra tokens (`torch.cat([self.cls, x], dim=1)`),
    which multiplies nothing; so is one that no method of the class (or a base) reads at all:
    how it is used is not known there. Weight-named matrices (`self.weight`, `self.w1`)
    are INI102's; lucidrains-style tables with no scaled sibling are a deliberate idiom and
    left alone.

    ## Why is this bad?
    N(0, 1) entries make a projection multiply the signal's standard deviation by about
    `sqrt(fan_in)`, and a position table with std 1 drowns token embeddings initialized at 0.02.
    When the constructor scales the parameter next to it, the unscaled one is almost always an
    oversight. A gain from U(0, 1) has mean 0.5 and a random spread: every channel starts with a
    different, arbitrary scale instead of the identity.

    ## Example
    ```python
    class Attention(nn.Module):
        def __init__(self, dim, n):
            super().__init__()
            self.pos = nn.Parameter(torch.randn(n, dim) / dim ** 0.5)
            self.proj = nn.Parameter(torch.randn(dim, dim))
            self.gamma = nn.Parameter(torch.Tensor(dim).uniform_())
    ```

    ## Use instead
    ```python
            self.pos = nn.Parameter(torch.randn(n, dim) / dim ** 0.5)
            self.proj = nn.Parameter(torch.randn(dim, dim) / dim ** 0.5)
            self.gamma = nn.Parameter(torch.ones(dim))
    ```

    ## Fix safety
    No automatic fix: the right scale depends on how the parameter is used.

    ## References
    - [PyTorch 1.2 release notes: BatchNorm's weight default changed from U(0, 1) to ones](https://github.com/pytorch/pytorch/releases/tag/v1.2.0)
    """

    code = "INI109"
    name = "unscaled-random-parameter"
    summary = "Parameter drawn at unit scale (N(0, 1) beside scaled siblings, U(0, 1) gains)"
    severity = Severity.WARNING
    fix_safety = None
    triggers = ("Parameter(",)

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Every report is at an `nn.Parameter(...)` assigned in an `__init__`."""
        return words.has("Parameter") and "__init__" in words.defined

    def visit_Call(self, node: cst.Call) -> None:
        payload = parameter_payload(node, self.context)
        if payload is None:
            return
        function = self.context.enclosing_function()
        klass = self.context.enclosing_class()
        if function is None or klass is None or function.name.value != "__init__":
            return
        assign = self.context.nearest(cst.Assign)
        if assign is None or len(assign.targets) != 1 or assign.value is not node:
            return
        attr = is_self_attribute(assign.targets[0].target)
        if attr is None:
            return
        draw = random_tensor(payload, self.context)
        if draw is None or draw.shifted or (draw.scaled and not draw.unit_scale):
            return
        uses = self._uses(klass, attr)
        if uses & _SCALE_FREE_USES or "scaled" in uses:
            return
        if initialized_in_file(self.context, klass, attr, assign, running_only=True):
            return  # an init that runs later (in `__init__`, `reset_parameters`) re-draws it
        if draw.kind == "uniform" and draw.dims == 1:
            multiplied = scaled_in_forward(self.context, klass, attr)
            named_gain = bool(_GAIN_NAME.search(attr))
            if named_gain and not multiplied and "coefficient" in uses:
                self.report(
                    node,
                    f"`self.{attr}` starts as `{self.context.code_for(draw.creator)}`, U(0, 1), and "
                    f"forward reads it one entry at a time (`self.{attr}[i]`): a set of scalar "
                    "coefficients (segment slopes, mixing weights), not a gain broadcast over "
                    "channels; U(0, 1) may be their intended range, worth a look if each should "
                    "start at one",
                    severity=Severity.INFO,
                )
            elif multiplied or named_gain:
                self._report_gain(node, attr, draw, multiplied)
        elif draw.kind == "normal" and (draw.dims or 0) >= 2 and not WEIGHT_MATRIX_NAME.search(attr):
            sibling = self._scaled_sibling(klass, attr)
            if sibling is None:
                return
            unscaled = f"`self.{attr}` is `{self.context.code_for(draw.creator)}` with no scale (N(0, 1) entries)"
            if "concatenated" in uses:
                self.report(
                    node,
                    f"{unscaled} while `self.{sibling}` beside it is scaled; forward joins it to "
                    "the activations as extra tokens (`torch.cat`), so it multiplies nothing: std 1 "
                    "is its size relative to the tokens beside it, worth matching their scale",
                    severity=Severity.INFO,
                )
            elif "added" in uses:
                self.report(
                    node,
                    f"{unscaled} while `self.{sibling}` beside it is scaled; forward adds it to "
                    "the activations, so std 1 is its size relative to what it is added to: fine "
                    "next to normalized tokens, drowning for embeddings drawn at 0.02",
                    severity=Severity.INFO,
                )
            elif not uses:
                # no method of the class (or a base) reads it: how it is used is not known here
                self.report(
                    node,
                    f"{unscaled}, while `self.{sibling}` beside it is scaled; no method of "
                    f"`{klass.name.value}` reads it, so how it is used is not known: if code "
                    "elsewhere multiplies by it, std 1 multiplies the signal by about sqrt(fan_in)",
                    severity=Severity.INFO,
                )
            elif not uses & PRODUCT_USES:
                # read, but in no product summed over a fan-in that forward facts see (`x * w`
                # broadcast, an element-wise factor): the sqrt(fan_in) growth is not known
                self.report(
                    node,
                    f"{unscaled}, while `self.{sibling}` beside it is scaled; forward uses it in no "
                    "matrix product seen here (an element-wise or broadcast factor has no fan-in): "
                    "std 1 is a choice worth checking against its sibling, not a known blow-up",
                    severity=Severity.INFO,
                )
            else:
                self.report(
                    node,
                    f"{unscaled}, while `self.{sibling}` beside it is scaled: used as a projection "
                    "or table, std 1 multiplies the signal by about sqrt(fan_in); scale it like "
                    "its sibling",
                )

    def _uses(self, klass: cst.ClassDef, attr: str) -> frozenset[str]:
        """Forward facts of the project index (its own and inherited methods)."""
        return self.context.project.forward_uses(klass.name.value, attr)

    def _report_gain(self, node: cst.Call, attr: str, draw: RandomTensor, multiplied: bool) -> None:
        self.report(
            node,
            f"`self.{attr}` starts as `{self.context.code_for(draw.creator)}`, U(0, 1): a gain "
            "with mean 0.5 and a random scale per channel instead of ones"
            + ("" if multiplied else " (if forward multiplies by it)")
            + "; start it at `torch.ones(...)`",
            severity=Severity.ERROR if multiplied else Severity.WARNING,
        )

    def _scaled_sibling(self, klass: cst.ClassDef, attr: str) -> Optional[str]:
        for assignment in class_facts(self.context, klass).assignments:
            if assignment.attr in (None, attr) or not isinstance(assignment.value, cst.Call):
                continue
            payload = parameter_payload(assignment.value, self.context)
            draw = random_tensor(payload, self.context) if payload is not None else None
            if draw is not None and draw.scaled and not draw.unit_scale and not draw.shifted:
                return assignment.attr
        return None

    VALID = [
        Valid(
            # drawn, then re-drawn by the init that follows in the constructor
            """
            import torch
            import torch.nn as nn

            class Gate(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.gamma = nn.Parameter(torch.rand(d))
                    nn.init.ones_(self.gamma)

                def forward(self, x):
                    return x * self.gamma
            """
        ),
        Valid(
            # a deliberately sparse random scale: the constructor zeroes most channels after the draw
            """
            import torch
            import torch.nn as nn

            class SparseScale(nn.Embedding):
                def __init__(self, n, d):
                    super().__init__(n, d)
                    self.scale = nn.Parameter(torch.rand(d))
                    off = torch.randperm(d)[: 3 * d // 4]
                    self.scale.data[off] = 0

                def forward(self, idx):
                    return super().forward(idx) * self.scale
            """
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Guard(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.gate = nn.Parameter(torch.rand(1))

                def forward(self, given, learned):
                    return self.gate * given + (1 - self.gate) * learned
            """,
            reason="`g * a + (1 - g) * b` mixes two inputs: a weight in [0, 1], whose range U(0, 1) "
            "is (autogl's GNNGuard)",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class ViT(nn.Module):
                def __init__(self, n, dim):
                    super().__init__()
                    self.pos_embedding = nn.Parameter(torch.randn(1, n + 1, dim))
                    self.cls_token = nn.Parameter(torch.randn(1, 1, dim))
            """,
            reason="no sibling is scaled: lucidrains-style tables are a deliberate choice",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Attention(nn.Module):
                def __init__(self, dim, n):
                    super().__init__()
                    self.pos = nn.Parameter(torch.randn(n, dim) / dim ** 0.5)
                    self.proj = nn.Parameter(torch.randn(dim, dim) / dim ** 0.5)
                    self.gamma = nn.Parameter(torch.ones(dim))

                def forward(self, x):
                    return (x + self.pos) @ self.proj * self.gamma
            """,
            reason="correctly scaled",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn
            from torch.nn.functional import one_hot

            class Dispersion(nn.Module):
                def __init__(self, n_genes, n_batches):
                    super().__init__()
                    self.n_batches = n_batches
                    self.rate = nn.Parameter(0.1 * torch.randn(n_genes, n_batches))
                    self.log_disp = nn.Parameter(torch.randn(n_genes, n_batches))

                def forward(self, batch):
                    picked = one_hot(batch, self.n_batches).float() @ self.log_disp.T
                    return picked.exp()
            """,
            reason="looked up by a one-hot matrix: a table, one entry per batch, not a projection",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn
            import torch.nn.functional as F

            class Head(nn.Module):
                def __init__(self, dim, k):
                    super().__init__()
                    self.scale = nn.Parameter(torch.randn(1) * 0.1)
                    self.prototypes = nn.Parameter(torch.randn(k, dim))
                    self.temperature = nn.Parameter(torch.rand(1))

                def forward(self, x):
                    return F.normalize(x) @ F.normalize(self.prototypes).T * self.temperature.exp()
            """,
            reason="normalized before use: its scale does not matter",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Block(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.gate = nn.Parameter(torch.rand(dim))

                def forward(self, x):
                    return x * torch.sigmoid(self.gate)
            """,
            reason="a U(0, 1) parameter passed through sigmoid is not a gain",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Wav2Vec(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.mask_emb = nn.Parameter(torch.FloatTensor(dim).uniform_())

                def forward(self, x, mask):
                    x[mask] = self.mask_emb
                    return x
            """,
            reason="a U(0, 1) replacement vector, not a gain",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Kernel(nn.Module):
                def __init__(self, k, n):
                    super().__init__()
                    self.offset = nn.Parameter(torch.randn(k, n) / k ** 0.5)
                    self.coefficients = nn.Parameter(torch.randn(k, n))

                def forward(self, x, basis):
                    kernel = basis @ self.coefficients
                    kernel = kernel / basis.shape[0]
                    return x @ (kernel + self.offset)
            """,
            reason="forward rescales it through a local: the stored scale is not the one used",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import torch
            import torch.nn as nn

            class ProteinPrior(nn.Module):
                def __init__(self, n_proteins, n_batches):
                    super().__init__()
                    self.dispersion = nn.Parameter(2 * torch.rand(n_proteins, n_batches))
                    self.prior_mean = nn.Parameter(torch.randn(n_proteins, n_batches))

                def forward(self, x):
                    return x * self.dispersion.mean()
            """,
            line=9,
            severity=Severity.INFO,
            message_contains="no method of `ProteinPrior` reads it",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Tokens(nn.Module):
                def __init__(self, n_reg, n, dim):
                    super().__init__()
                    self.registers = nn.Parameter(torch.randn(n_reg, dim))
                    self.pos = nn.Parameter(torch.randn(1, n, dim) * dim ** -0.5)

                def forward(self, x):
                    x = x + self.pos
                    registers = self.registers.expand(x.shape[0], -1, -1)
                    return torch.cat([registers, x], dim=1)
            """,
            severity=Severity.INFO,
            count=1,
            message_contains="forward joins it to the activations as extra tokens",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Tokens(nn.Module):
                def __init__(self, n, dim):
                    super().__init__()
                    self.mix = nn.Parameter(torch.randn(dim, dim))
                    self.pos = nn.Parameter(torch.randn(1, n, dim) * dim ** -0.5)

                def forward(self, x):
                    x = x + self.pos
                    return torch.cat([x @ self.mix, x], dim=-1)
            """,
            # joined only after multiplying the signal: still a projection
            severity=Severity.WARNING,
            count=1,
            message_contains="used as a projection or table",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Attention(nn.Module):
                def __init__(self, dim, n):
                    super().__init__()
                    self.pos = nn.Parameter(torch.randn(n, dim) / dim ** 0.5)
                    self.proj = nn.Parameter(torch.randn(dim, dim))

                def forward(self, x):
                    return (x + self.pos) @ self.proj
            """,
            severity=Severity.WARNING,
            line=9,
            message_contains="while `self.pos` beside it is scaled",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class ViT(nn.Module):
                def __init__(self, n, dim):
                    super().__init__()
                    self.pos_embedding = nn.Parameter(torch.randn(n, dim))
                    self.register_tokens = nn.Parameter(torch.randn(4, dim) * 1e-2)

                def forward(self, x):
                    x += self.pos_embedding[: x.shape[1]]
                    return x
            """,
            severity=Severity.INFO,
            line=8,
            message_contains="forward adds it to the activations",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Norm(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.gamma = nn.Parameter(torch.Tensor(dim).uniform_())
                    self.beta = nn.Parameter(torch.zeros(dim))

                def forward(self, x):
                    x = (x - x.mean(-1, keepdim=True)) / x.std(-1, keepdim=True)
                    return x * self.gamma + self.beta
            """,
            severity=Severity.ERROR,
            message_contains="mean 0.5",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Scale(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.g = nn.Parameter(torch.rand(dim))
            """,
            severity=Severity.WARNING,
            message_contains="if forward multiplies by it",
        ),
        Invalid(
            # a learned piecewise-linear activation: slopes and hinges, one scalar per segment
            """
            import torch
            import torch.nn as nn
            import torch.nn.functional as F

            class Hinges(nn.Module):
                def __init__(self, segments=3):
                    super().__init__()
                    self.segments = segments
                    self.alpha = nn.Parameter(torch.rand(segments))
                    self.shift = nn.Parameter(torch.rand(segments))

                def penalty(self):
                    return self.alpha.norm()

                def forward(self, x):
                    out = F.relu(x)
                    for k in range(self.segments):
                        out = out + self.alpha[k] * F.relu(self.shift[k] - x)
                    return out
            """,
            severity=Severity.INFO,
            line=10,
            message_contains="one entry at a time",
        ),
    ]

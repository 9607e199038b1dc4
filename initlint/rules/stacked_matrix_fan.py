from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from initlint.analysis.classes import (
    class_facts,
    creator_sizes,
    declared_sizes,
    lora_partner_starts_at_zero,
    loop_test_on,
    own_parameter_loop,
)
from initlint.analysis.gate import FileWords
from initlint.analysis.imports import dotted_name
from initlint.analysis.scales import constant_value
from initlint.analysis.tensors import init_call
from initlint.diagnostics import Severity
from initlint.rules.base import Invalid, Rule, Valid

# torch.nn.init's fan-based inits (and their deprecated names): their fans come from
# `_calculate_fan_in_and_fan_out`, which reads every dimension after the second as a kernel.
_FAN_INITS = frozenset(
    {"kaiming_uniform_", "kaiming_normal_", "xavier_uniform_", "xavier_normal_",
     "kaiming_uniform", "kaiming_normal", "xavier_uniform", "xavier_normal"}
)
# Forward facts (project index) that show a stack of matrices: `@`/matmul/bmm of the tensor or
# of one of its slices, an einsum summing one of its indices.
_STACKED_USES = frozenset({"matmul", "contracted"})
_CONV_NAME = re.compile(r"conv|kernel", re.IGNORECASE)


class StackedMatrixFan(Rule):
    """
    ## What it does
    Flags `nn.init.kaiming_*_` / `nn.init.xavier_*_` on a 3-D (or larger) tensor that forward
    uses as a stack of matrices: per-expert, per-head or per-feature weights
    (`nn.Parameter(torch.empty(num_experts, d_in, d_out))`) whose slices or whole stack go
    through `@`, `torch.matmul`/`bmm`, or an `einsum` that sums one of their indices (a fact of
    the project index about the class's methods). The init may sit in a base class's method,
    in any file of the project (a generic `MessagePassing.reset_parameters` drawing
    `self.weight` with Xavier, run for a subclass whose `self.weight` is
    `(filters, in, out)`): then the finding is at the subclass's `nn.Parameter`, unless the
    subclass draws the tensor itself or overrides the method without calling it. And a loop
    over the module's own parameters (`for name, p in self.named_parameters(): ...
    nn.init.xavier_normal_(p)`) draws the stacks of every sub-module it walks (the project
    index's layers, built in any file), after their own init: reported at the loop's init
    when the loop's tests (`name.endswith("bias")`, `p.dim() > 1`, `"weight" in name` when the
    stack's own name holds the word) surely let such a stack through; other tests: not
    reported.

    Severity: a `warning` when forward's use shows the stack of matrices; `info` when the stack
    is one half of a low-rank pair (`lora_A`/`lora_B`, `w_down`/`w_up`) whose other half the
    class sets to zero: the adapter's output starts at zero whatever this half's scale, which
    then only sets how fast the other half learns. When forward's use is
    not known (no matrix product or convolution found), the same init on a 3-D tensor is
    `info`. Never reported: a tensor passed to a functional convolution (`F.conv1d(x, self.w)`:
    there the trailing dimension is a kernel and torch's fans are right), or to an `einsum` that
    sums two or more of its indices at once (`einsum("nik,iok->no", x, self.w)` over channels
    and Chebyshev taps, a bilinear or TuckER form: one map whose fan-in is their product, as for
    a kernel); when forward's use is
    not known, a tensor or class named like a convolution or kernel and 4-D and larger tensors
    (usually convolution kernels); a tensor with fewer than three sizes besides literal ones
    (`(1, heads, d)` attention vectors, `(1, 1, d)` tokens, `(e, d, 1)` columns: broadcast
    shapes, not stacks of matrices; `(1, k, 1, d_in, d_out)` is a stack of `k`), other libraries' helpers (PyG's `glorot` reads the last two sizes), and a
    slice initialized matrix by matrix (`kaiming_uniform_(self.w[i])`).

    ## Why is this bad?
    torch computes `fan_in = size(1) * prod(size[2:])` and `fan_out = size(0) * prod(size[2:])`:
    right for a `Conv1d` weight `(out, in, k)`, wrong for `(experts, in, out)`. For a stack of
    matrices each matrix's fans are its own two sizes, so the draw comes out several times too
    small (about 23x for Kaiming on a `(n, 512, 512)` stack, about 7.5x for Xavier-normal on a
    `(4, 512, 64)` one): every expert starts with its signal shrunk by that factor at each
    layer.

    ## Example
    ```python
    self.experts = nn.Parameter(torch.empty(num_experts, d_in, d_out))
    nn.init.kaiming_uniform_(self.experts, a=math.sqrt(5))
    ...
    y = torch.einsum("bi,eio->beo", x, self.experts)
    ```

    ## Use instead
    ```python
    for matrix in self.experts:
        nn.init.kaiming_uniform_(matrix.T, a=math.sqrt(5))  # each (d_in, d_out) matrix: fan_in = d_in
    ```

    ## Fix safety
    No automatic fix: which of the two sizes is the fan-in depends on how forward multiplies
    (`x @ w` reads rows, `w @ x` columns).

    ## References
    - [PyTorch: `torch.nn.init._calculate_fan_in_and_fan_out`](https://github.com/pytorch/pytorch/blob/main/torch/nn/init.py)
    - [PyTorch: `torch.nn.init`](https://pytorch.org/docs/stable/nn.init.html)
    """

    code = "INI110"
    name = "stacked-matrix-fan"
    summary = "Kaiming/Xavier on a stack of matrices computes fans as for a conv kernel"
    severity = Severity.WARNING
    fix_safety = None
    triggers = ("xavier", "kaiming", "Parameter(")

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Every report is at a torch.nn.init call of one of `_FAN_INITS`, or at an
        `nn.Parameter` a class creates and a base class's method draws (`visit_ClassDef`)."""
        return words.init_call(_FAN_INITS) or words.has("Parameter")

    def visit_Call(self, node: cst.Call) -> None:
        call = init_call(node, self.context)
        if call is None or call.function not in _FAN_INITS or call.library is not None or call.is_method:
            return
        klass = self.context.enclosing_class()
        argument = node.args[0].value
        attr: Optional[str] = None
        if isinstance(argument, cst.Call):
            # `nn.Parameter(nn.init.xavier_normal_(torch.empty(e, i, o)))`, stored on `self.<attr>`
            sizes = creator_sizes(self.context, argument)
            attr = self._stored_on()
        else:
            tensor = call.tensor.expr
            if isinstance(tensor, cst.Name):
                self._loop_init(node, call.function, tensor.value)
                return
            if not (
                isinstance(tensor, cst.Attribute)
                and isinstance(tensor.value, cst.Name)
                and tensor.value.value == "self"
                and klass is not None
            ):
                return  # a slice (`self.w[i]`), a layer's weight (`m.weight`): sizes not known
            attr = tensor.attr.value
            sizes = declared_sizes(self.context, klass, attr, at=node)
        # literal ones are broadcast dimensions: `(1, heads, d)` attention vectors, `(1, 1, d)`
        # tokens and `(e, d, 1)` columns are not stacks of matrices; `(1, k, 1, i, o)` is one
        if sizes is None or sum(constant_value(s) != 1.0 for s in sizes) < 3:
            return
        uses = (
            self.context.project.forward_uses(klass.name.value, attr)
            if klass is not None and attr is not None else frozenset()
        )
        low_rank_half = not isinstance(argument, cst.Call) and lora_partner_starts_at_zero(
            self.context, argument
        )
        self._judge(node, call.function, sizes, uses, attr, klass, low_rank_half=low_rank_half)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """A stack the class creates that only a base class's method (in any file) draws: the
        project index's inherited inits (`MessagePassing.reset_parameters` drawing `self.weight`
        with Xavier for a subclass whose `self.weight` is `(filters, in, out)`)."""
        facts = class_facts(self.context, node)
        if not facts.bases or facts.init is None:
            return
        view = self.context.project
        qualified = view.class_qualname_of(self.context, node)
        index = view.index
        found = index.class_(qualified)
        if found is None:
            return
        for assignment in facts.assignments:
            attr = assignment.attr
            if attr is None or facts.first_assignment(attr) is not assignment:
                continue
            sizes = declared_sizes(self.context, node, attr)
            if sizes is None or sum(constant_value(s) != 1.0 for s in sizes) < 3:
                continue
            inherited = [
                (method, item) for method, item in index.inherited_inits(qualified, attr)
                if item.how.rsplit(".", 1)[-1] in _FAN_INITS and item.how.startswith("torch.nn.init.")
                and not item.sliced
            ]
            if not inherited:
                continue
            if any(
                item.path[:1] == (attr,)
                for method in found[1].methods
                for item in index.initialized_params(f"{found[1].qualname}.{method}").get("self", ())
            ):
                continue  # the class draws it itself (reported there, or matrix by matrix)
            method, item = inherited[0]
            located = index.function(method)
            where = f"line {item.line}" if located is None or located[0].module == view.module else (
                f"`{located[0].module}` line {item.line}"
            )
            self._judge(
                assignment.node, item.how.rsplit(".", 1)[-1], sizes, view.forward_uses(node.name.value, attr),
                attr, node, through=f" (in `{method.rsplit('.', 2)[-2]}.{method.rsplit('.', 1)[-1]}`, {where}, which runs for this class)",
            )

    def _loop_init(self, node: cst.Call, function: str, tensor: str) -> None:
        """`for name, p in self.named_parameters(): ... nn.init.xavier_normal_(p)`: the loop
        draws every parameter of the model's tree that its tests let through, the stacks of
        sub-modules built in any file included (the project index), after their own init."""
        loop = own_parameter_loop(self.context, tensor)
        klass = self.context.enclosing_class()
        if loop is None or klass is None:
            return
        view = self.context.project
        index = view.index
        reach = index.layers_of(view.class_qualname_of(self.context, klass))
        hit: list[str] = []
        for cls, attr, shape, module, line in index.stacks(reach):
            uses = index.forward_uses(cls, attr)
            if not uses & _STACKED_USES or uses & {"conv", "kernel"}:
                continue  # only a stack forward multiplies as matrices: the loop walks everything
            dims = shape.count(",") + 1
            if not all(loop_test_on(self.context, test, loop, attr, dims) is needed for test, needed in loop.tests):
                continue  # a test that keeps it out, or one whose answer is not known
            where = f"line {line}" if module == view.module else f"`{module}` line {line}"
            hit.append(f"`{cls.rsplit('.', 1)[-1]}.{attr}` (`({shape})`, {where})")
        if not hit:
            return
        listed = ", ".join(hit[:3]) + (" and more" if len(hit) > 3 else "")
        self.report(
            node,
            f"`{function}` on every parameter this loop walks also draws {listed}: forward "
            "multiplies {} as a stack of matrices, but torch computes the fans as for a "
            "convolution kernel (fan_in = size(1) * size(2), fan_out = size(0) * size(2)), so "
            "the values come out several times too small (by the square root of one of the "
            "matrix sizes), whatever per-matrix init ran before this loop; leave stacks out "
            f"here (`if {tensor}.dim() > 2: continue`) and init each matrix on its own".format(
                "each" if len(hit) > 1 else "it"
            ),
        )

    def _judge(
        self, node: cst.CSTNode, function: str, sizes: tuple[cst.BaseExpression, ...],
        uses: frozenset[str], attr: Optional[str], klass: Optional[cst.ClassDef], through: str = "",
        low_rank_half: bool = False,
    ) -> None:
        """Report `function` drawing a tensor of `sizes` that forward uses as `uses`."""
        if uses & {"conv", "kernel"}:
            return  # a kernel: forward sums over several of its indices at once
        if "flattened" in uses:
            return  # reshaped to one matrix before use: no stack whose matrices have own fans
        shape = ", ".join(self.context.code_for(s) for s in sizes)
        fans = (
            f"fan_in = size(1) * size(2){' * ...' if len(sizes) > 3 else ''}"
            f", fan_out = size(0) * size(2){' * ...' if len(sizes) > 3 else ''}"
        )
        what = f"`{function}`{through} on `({shape})` computes its fans as for a convolution kernel ({fans})"
        fix = (
            "init each matrix on its own (`for w in stack: nn.init."
            f"{function}(w)`, transposed if forward multiplies `x @ w`)"
        )
        if uses & _STACKED_USES:
            stacked = (
                f"{what}, but forward multiplies it as a stack of matrices: each matrix's fans are "
                f"its own two sizes, so the values come out several times too small (by the square root of one of the matrix sizes)"
            )
            if low_rank_half:
                # the other half of the low-rank pair starts at zero: the product starts at zero
                # whatever this half's scale, which only sets how fast the other half learns
                self.report(
                    node,
                    f"{stacked}; the other half of this low-rank pair starts at zero, so the "
                    "adapter's output starts at zero whatever this scale, which only sets how fast "
                    f"the other half learns at first; if the per-matrix scale was meant, {fix}",
                    severity=Severity.INFO,
                )
            else:
                self.report(node, f"{stacked}; {fix}")
        elif len(sizes) == 3 and not (
            _CONV_NAME.search(attr or "") or (klass is not None and _CONV_NAME.search(klass.name.value))
        ):
            self.report(
                node,
                f"{what}: right for a Conv1d weight `(out, in, k)`, several times too small if this "
                f"is a stack of matrices (how forward uses it is not known); if so, {fix}",
                severity=Severity.INFO,
            )

    def _stored_on(self) -> Optional[str]:
        """`self.<attr> = ...` (or `self.<attr>: T = ...`) around the current node."""
        for node in self.context.ancestors():
            target: Optional[cst.BaseExpression] = None
            if isinstance(node, cst.Assign) and len(node.targets) == 1:
                target = node.targets[0].target
            elif isinstance(node, cst.AnnAssign):
                target = node.target
            elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                return None
            if target is not None:
                written = dotted_name(target) or ""
                head, _, attr = written.partition(".")
                return attr if head == "self" and attr and "." not in attr else None
        return None

    VALID = [
        Valid(
            # reshaped into one matrix before the product: its fans are the reshaped matrix's
            """
            import torch
            import torch.nn as nn

            class Mix(nn.Module):
                def __init__(self, n_basis, n_in, n_out):
                    super().__init__()
                    self.shape = (n_basis, n_in, n_out)
                    self.w = nn.Parameter(torch.empty(n_basis, n_out, n_in))
                    nn.init.xavier_normal_(self.w)

                def forward(self, feats):
                    n_basis, n_in, n_out = self.shape
                    flat = torch.reshape(self.w.permute(0, 2, 1), (n_basis * n_in, n_out))
                    return torch.mm(feats.reshape(feats.shape[0], -1), flat)
            """
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class ChebConv(nn.Module):
                def __init__(self, c_in, c_out, taps):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(c_in, c_out, taps))
                    nn.init.xavier_uniform_(self.weight)

                def forward(self, x_taps):
                    # x_taps: (nodes, c_in, taps), the signal filtered by each polynomial tap
                    return torch.einsum("nik,iok->no", x_taps, self.weight)
            """,
            reason="forward sums over channels and taps at once: one map with fan-in c_in * taps, a kernel",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class RelationWeights(nn.Module):
                def __init__(self, rels, bases, d_in, d_out, blocks=False):
                    super().__init__()
                    if not blocks:
                        self.weight = nn.Parameter(torch.empty(rels, d_in, d_out))
                        for w in self.weight:
                            nn.init.xavier_uniform_(w)
                    else:
                        self.weight = nn.Parameter(torch.empty(rels, bases * (d_in // bases) * (d_out // bases)))
                        nn.init.xavier_uniform_(self.weight)
            """,
            reason="the init in the else branch draws the 2-D block table made there, not the 3-D stack",
        ),
        Valid(
            """
            import math
            import torch
            import torch.nn as nn
            import torch.nn.functional as F

            class DepthwiseKernel(nn.Module):
                def __init__(self, channels, k):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(channels, 1, k))
                    self.filters = nn.Parameter(torch.empty(channels, channels, k))
                    nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
                    nn.init.kaiming_uniform_(self.filters, a=math.sqrt(5))

                def forward(self, x):
                    return F.conv1d(F.conv1d(x, self.weight, groups=x.shape[1]), self.filters)
            """,
            reason="convolution kernels: torch's fans (in * k) are the right ones",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Experts(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.gates = nn.Parameter(torch.empty(n, d, 1))
                    self.w = nn.Parameter(torch.empty(n, d, d))
                    nn.init.xavier_uniform_(self.gates)
                    for i in range(n):
                        nn.init.xavier_uniform_(self.w[i])

                def forward(self, x):
                    return torch.einsum("bd,ndo->bno", x, self.w) * (x @ self.gates[0])
            """,
            reason="trailing size 1 (fan_in is d), and a stack initialized matrix by matrix",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class GraphAttention(nn.Module):
                def __init__(self, heads, d):
                    super().__init__()
                    self.attn_l = nn.Parameter(torch.empty(1, heads, d))
                    self.probe = nn.Parameter(torch.empty(1, 1, d))
                    nn.init.xavier_normal_(self.attn_l)
                    nn.init.xavier_uniform_(self.probe)

                def forward(self, h):
                    return (h * self.attn_l).sum(-1), self.probe @ h.transpose(1, 2)
            """,
            reason="(1, heads, d) and (1, 1, d): broadcast vectors, not stacks of matrices",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Patches(nn.Module):
                def __init__(self, c, d, k):
                    super().__init__()
                    self.kernel = nn.Parameter(torch.empty(d, c, k, k))
                    nn.init.kaiming_normal_(self.kernel)
                    self.table = nn.Parameter(torch.empty(d, c, k, k))
                    nn.init.xavier_normal_(self.table)
            """,
            reason="4-D tensors whose use is unknown are convolution kernels far more often",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Base(nn.Module):
                def __init__(self):
                    super().__init__()

                def reset_parameters(self):
                    for w in self.weight:
                        nn.init.xavier_uniform_(w)
                    nn.init.xavier_uniform_(self.bank[0])

            class Filters(Base):
                def __init__(self, k, d_in, d_out):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(k, d_in, d_out))
                    self.bank = nn.Parameter(torch.empty(k, d_in, d_out))
                    self.reset_parameters()

                def forward(self, x):
                    return torch.matmul(x, self.weight) + torch.matmul(x, self.bank)
            """,
            reason="the base class draws the stack matrix by matrix, or a slice: fans per matrix",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Base(nn.Module):
                def reset_parameters(self):
                    nn.init.xavier_uniform_(self.weight)

            class Filters(Base):
                def __init__(self, k, d_in, d_out):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(k, d_in, d_out))
                    self.reset_parameters()

                def reset_parameters(self):
                    for w in self.weight:
                        nn.init.xavier_uniform_(w)

                def forward(self, x):
                    return torch.matmul(x, self.weight)
            """,
            reason="the subclass overrides the base's method without calling it",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Base(nn.Module):
                def reset_parameters(self):
                    nn.init.xavier_uniform_(self.weight)

            class ChebFilters(Base):
                def __init__(self, c_in, c_out, taps):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(c_in, c_out, taps))
                    self.reset_parameters()

                def forward(self, x_taps):
                    return torch.einsum("nik,iok->no", x_taps, self.weight)
            """,
            reason="the base's Xavier reaches a kernel (forward sums channels and taps at once)",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Relations(nn.Module):
                def __init__(self, r, d):
                    super().__init__()
                    self.w = nn.Parameter(torch.zeros((r, d, d)))

                def forward(self, x, i):
                    return x @ self.w[i]

            class Model(nn.Module):
                def __init__(self, r, d):
                    super().__init__()
                    self.rel = Relations(r, d)
                    self.out = nn.Linear(d, 1)
                    self.reset_parameters()

                def reset_parameters(self):
                    for name, p in self.named_parameters():
                        if name.endswith("bias"):
                            nn.init.zeros_(p)
                        elif p.dim() == 2:
                            nn.init.xavier_normal_(p)
                        else:
                            for matrix in p:
                                nn.init.xavier_normal_(matrix)
            """,
            reason="the loop keeps stacks out of the whole-tensor draw (`p.dim() == 2`)",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class BiDecoder(nn.Module):
                def __init__(self, bases, d):
                    super().__init__()
                    self.P = nn.Parameter(torch.randn(bases, d, d))

                def forward(self, u, v):
                    return torch.einsum("ai,bij,aj->ab", u, self.P, v)

            class Model(nn.Module):
                def __init__(self, bases, d):
                    super().__init__()
                    self.decoder = BiDecoder(bases, d)
                    self.reset_parameters()

                def reset_parameters(self):
                    for p in self.parameters():
                        nn.init.xavier_uniform_(p)
            """,
            reason="the bilinear form sums two of the stack's indices at once: one map, a kernel's fans",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import math
            import torch
            import torch.nn as nn

            class HeadLoRA(nn.Module):
                def __init__(self, heads, d, rank):
                    super().__init__()
                    self.lora_A_q = nn.Parameter(torch.empty(heads, d, rank))
                    nn.init.kaiming_uniform_(self.lora_A_q, a=math.sqrt(5))
                    self.lora_B_q = nn.Parameter(torch.zeros(heads, rank, d))

                def forward(self, x):
                    low = torch.einsum("nhd,hdr->nhr", x, self.lora_A_q)
                    return torch.einsum("nhr,hrd->nhd", low, self.lora_B_q)
            """,
            # so3krates-torch's per-head LoRA (tuning22): the B half starts at zero
            line=10,
            severity=Severity.INFO,
            message_contains="the other half of this low-rank pair starts at zero",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class CapsuleRouting(nn.Module):
                def __init__(self, seq_len, k, d):
                    super().__init__()
                    self.w = nn.Parameter(torch.empty(1, seq_len, k * d, d))
                    nn.init.xavier_uniform_(self.w)

                def forward(self, items):
                    u = items.unsqueeze(2)
                    return torch.sum(self.w * u, dim=3)
            """,
            severity=Severity.WARNING,
            message_contains="forward multiplies it as a stack of matrices",
        ),
        Invalid(
            """
            import math
            import torch
            import torch.nn as nn
            from torch.nn import Parameter, init

            class GroupedLinear(nn.Module):
                def __init__(self, n_in, n_hidden, groups=1):
                    super().__init__()
                    self.register_parameter(
                        "weight", Parameter(torch.zeros(groups, n_in // groups, n_hidden // groups))
                    )
                    self.reset_parameters()

                def reset_parameters(self):
                    init.kaiming_uniform_(self.weight, a=math.sqrt(5))

                def forward(self, x):
                    return torch.einsum("btgi,gih->btgh", x, self.weight)
            """,
            # a parameter registered by name has the shape it is registered with (deepfilternet's
            # GroupedLinearEinsum, a heldout15 reviewer's miss: 11-16x too small with one group)
            message_contains="computes its fans as for a convolution kernel",
        ),
        Invalid(
            """
            import math
            import torch
            import torch.nn as nn

            class PerFeatureLinear(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty((n, d, d)))
                    nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))

                def forward(self, x, i):
                    w = self.weight[i]
                    return x @ w.T
            """,
            line=10,
            severity=Severity.WARNING,
            message_contains="forward multiplies it as a stack of matrices",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class MixtureCross(nn.Module):
                def __init__(self, layers, experts, d, r):
                    super().__init__()
                    self.down: nn.Module = nn.ParameterList(
                        [nn.Parameter(nn.init.xavier_normal_(torch.empty(experts, r, d))) for _ in range(layers)]
                    )

                def forward(self, x):
                    return [torch.matmul(self.down[0][e], x) for e in range(len(self.down[0]))]
            """,
            severity=Severity.WARNING,
            message_contains="`xavier_normal_` on `(experts, r, d)`",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn
            from einops import einsum

            class Heads(nn.Module):
                def __init__(self, h, d):
                    super().__init__()
                    self.proj = nn.Parameter(torch.empty(h, d, d))
                    nn.init.xavier_uniform_(self.proj)

                def forward(self, x):
                    return einsum(x, self.proj, "b h i, h i o -> b h o")
            """,
            severity=Severity.WARNING,
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class SpectralBlock(nn.Module):
                def __init__(self, k, t):
                    super().__init__()
                    self.weight = nn.Parameter(torch.Tensor(1, k, 1, t, t))
                    nn.init.xavier_normal_(self.weight)

                def forward(self, x):
                    return torch.matmul(x, self.weight).sum(1)
            """,
            severity=Severity.WARNING,
            message_contains="fan_in = size(1) * size(2) * ...",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Bank(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.bank = nn.Parameter(torch.empty(n, d, d))
                    nn.init.kaiming_normal_(self.bank)
            """,
            severity=Severity.INFO,
            message_contains="how forward uses it is not known",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class MessagePassing(nn.Module):
                def __init__(self, gain=1.414):
                    super().__init__()
                    self.gain = gain

                def reset_parameters(self):
                    nn.init.xavier_uniform_(self.weight, gain=self.gain)

            class FilterConv(MessagePassing):
                def __init__(self, d_in, d_out, n_filters):
                    super().__init__()
                    self.weight = nn.Parameter(torch.Tensor(n_filters, d_in, d_out))
                    self.reset_parameters()

                def forward(self, x):
                    return torch.matmul(x, self.weight).sum(0)
            """,
            line=16,
            severity=Severity.WARNING,
            message_contains="(in `MessagePassing.reset_parameters`, line 11, which runs for this class)",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Relations(nn.Module):
                def __init__(self, r, d_in, d_out):
                    super().__init__()
                    self.w = nn.Parameter(torch.zeros((r, d_in, d_out)))
                    for matrix in self.w:
                        nn.init.xavier_normal_(matrix)

                def forward(self, x, i):
                    return x @ self.w[i]

            class Model(nn.Module):
                def __init__(self, r, d):
                    super().__init__()
                    self.rel = Relations(r, d, d)
                    self.out = nn.Linear(d, 1)
                    self.reset_parameters()

                def reset_parameters(self):
                    for name, p in self.named_parameters():
                        if name.endswith("bias"):
                            nn.init.zeros_(p)
                        else:
                            nn.init.xavier_normal_(p)
            """,
            line=27,
            severity=Severity.WARNING,
            message_contains="also draws `Relations.w` (`(r, d_in, d_out)`, line 8)",
        ),
    ]

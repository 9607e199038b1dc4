from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from initlint.analysis.activations import normalized_next, suggest_initializer
from initlint.analysis.classes import (
    attribute_never_read,
    declared_dims,
    declared_parameter,
    is_self_attribute,
    lora_partner_starts_at_zero,
    redraws_all_own_parameters,
)
from initlint.analysis.context import FileContext
from initlint.analysis.gate import FileWords
from initlint.analysis.guards import in_dead_branch
from initlint.analysis.imports import dotted_name
from initlint.analysis.layers import LayerKind, guard_class_names, kinds_of
from initlint.analysis.scales import (
    Draw,
    draw_of,
    local_used_as_weight,
    matrix_product_in_forward,
    rows_count_entities,
    only_elementwise_in_forward,
    only_handed_to_project_code,
    transformed_by_project_code,
    only_looked_up_in_forward,
    parameter_payload,
    random_tensor,
    rescaled_after,
    scaled_in_forward,
)
from initlint.analysis.tensors import WEIGHT_MATRIX_NAME as _WEIGHT_NAME
from initlint.analysis.tensors import InitCall, init_call
from initlint.analysis.library import LIBRARY_INIT_TRIGGERS, is_test_name
from initlint.analysis.values import assigned_to
from initlint.diagnostics import FixSafety, Severity
from initlint.rules.base import Fix, Invalid, Rule, Valid

# Tables where N(0, 1) is the intended scale: embeddings (nn.Embedding's own default), codebooks,
# positional/query/latent tables whose output is rescaled or normalized downstream.
_TABLE_OWNER = re.compile(
    r"emb|wte|wpe|tok|pos|lookup|codebook|vocab|table|latent|quer|prompt|prototype|centroid|cls"
    r"|fourier|freq|rff|random_feat",
    re.IGNORECASE,
)
_TABLE_CLASS = re.compile(
    r"embed|codebook|quantiz|lookup|table|fourier|positional|pos(?:ition)?_?emb|pos_?enc", re.IGNORECASE
)
# Owners that, by name, are matrices of a linear or conv layer.
_LAYER_OWNER = re.compile(
    r"^(?:fc|linear|lin|dense|conv|proj|mlp|hidden|layer|w|ff|ffn|c_fc|fc_?\w+|\w+_proj|\w+_fc"
    r"|conv_?\w+|linear_?\w+)\d*$",
    re.IGNORECASE,
)
# Trig of the parameter in the class: random Fourier features.
_FOURIER_USE = re.compile(r"\b(?:torch\.)?(?:sin|cos)\(|\.sin\(\)|\.cos\(\)|math\.pi|torch\.pi|np\.pi")
# Noise samples (NoisyNet's `weight_epsilon`), not weights.
_NOISE_NAME = re.compile(r"eps|noise", re.IGNORECASE)
_NORM_OWNER = re.compile(r"^(?:bn|norm|ln|gn|layer_?norm|batch_?norm|group_?norm)\w*$", re.I)


def _built_as(context: FileContext, klass: cst.ClassDef, owner: str, kinds: str) -> bool:
    """`self.<owner> = nn.Linear(...)` (or Conv...) somewhere in the class."""
    pattern = re.compile(rf"self\.{re.escape(owner)}\s*=\s*[\w.]*(?:{kinds})\w*\(")
    return context.matches_near(pattern, klass, owner)


def _built_with_unit_fan_in(context: FileContext, klass: cst.ClassDef, owner: str) -> bool:
    """`self.<owner> = nn.Linear(1, d)`: with one input, std 1 is 1/sqrt(fan_in) (Kaiming's
    scale), so N(0, 1) grows nothing (a Fourier-feature projection of a scalar time)."""
    pattern = re.compile(rf"self\.{re.escape(owner)}\s*=\s*[\w.]*Linear\(\s*(?:in_features\s*=\s*)?1\s*,")
    return context.matches_near(pattern, klass, owner)


def _has_unit_size(creator: cst.Call) -> bool:
    call = creator
    if isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Call):
        call = call.func.value  # torch.empty(a, 1).normal_()
    sizes: list[cst.BaseExpression] = []
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value != "size":
            continue
        if isinstance(arg.value, (cst.Tuple, cst.List)):
            sizes.extend(e.value for e in arg.value.elements)
        else:
            sizes.append(arg.value)
    return any(isinstance(size, cst.Integer) and size.value == "1" for size in sizes)


def _initialized_elsewhere(context: FileContext, klass: cst.ClassDef, attr: str) -> bool:
    """An init call, in-place fill or reassignment of `self.<attr>` anywhere in the class."""
    name = re.escape(attr)
    pattern = re.compile(
        rf"\w+_\(\s*self\.{name}\b"
        rf"|self\.{name}(?:\.data)?\.(?:normal_|uniform_|copy_|fill_|zero_|mul_|div_)\("
        rf"|self\.{name}(?:\.data)?\s*(?:\*=|/=)"
    )
    return context.matches_near(pattern, klass, attr)


class UnitVarianceInit(Rule):
    """
    ## What it does
    Flags weight matrices drawn at unit scale: `nn.init.normal_(w)` and `normal_(w, 0, 1)`
    (torch's default std is 1), `w.data.normal_()`, `nn.init.trunc_normal_(w)` (default std 1),
    `nn.init.uniform_(w)` / `w.uniform_()` (default bounds 0 and 1), and
    `nn.Parameter(torch.randn(out, in))` / `torch.rand(out, in)` weights that are not scaled
    (`* d ** -0.5`, `/ math.sqrt(d)`, `* 0.02`...) and that nothing in the class initializes
    afterwards.

    Severity: U(0, 1) weights are an error (all positive, mean 0.5); N(0, 1) weights of
    Linear/Conv layers are a warning; the same draw on a weight whose layer cannot be seen
    (`m.weight` with no `isinstance` guard, an unknown attribute) is `info`, and so is an untied
    output layer whose other branch ties the same attribute to a shared weight (`if shared is
    None: self.weight = Parameter(torch.Tensor(v, d).normal_(0, 1)) else: self.weight =
    shared.weight`: it mirrors the tied variant, an embedding table at N(0, 1)). Only weight matrices
    are considered: biases, 1-D tensors and names that are not weights stay quiet, unless
    forward (the class's methods, per the project index) multiplies by the parameter in a matrix
    product (`h @ self.a_1.T`, `torch.matmul(h, self.b)`, `F.linear(x, self.v)`): then it is a
    weight matrix whatever its name (a table by name, `self.codebook`, stays quiet). The value
    may be one element of a tuple assignment (`self.a_1, self.a_2 = Parameter(...), ...`).

    Not reported, because N(0, 1) is intended there:
    - embedding tables (`nn.Embedding`'s own default is N(0, 1)), codebooks, positional, query,
      latent and class-token tables (also by the class's name: `Learnable2DInterpPosEmb`, whose
      table forward adds to the tokens), also a parameter the class only hands out whole
      (`return self.weight.unsqueeze(0)`: SAM's IoU and mask tokens, whatever their names);
    - random Fourier features (`B = torch.randn(...)` used under `sin`/`cos`) and random
      projections kept as buffers (not trained, not reported);
    - equalized-learning-rate layers (StyleGAN family): the weight is N(0, 1) and
      `self.scale = 1 / sqrt(fan_in)` (or a `weight_gain`, `w_mul`, `lr_mul`) multiplies it in
      `forward`;
    - draws rescaled right away: `w.normal_().mul_(s)`, `w.normal_(); w.data *= s`;
    - N(0, 1) projections whose product forward L2-normalizes at once (`F.normalize(x @ self.w)`,
      `l2norm(einsum(..., x, self.w) + self.b)`): the output does not depend on their scale;
    - draws under a test that can never be true (`if w.shape[1] == torch.Size([1]):` compares
      an int with a tuple): that code never runs.
    - a draw on a layer built in the constructor (`self.fc = nn.Linear(...)`;
      `nn.init.normal_(self.fc.weight)`) that every class building this one re-draws afterwards
      (`self.apply(fn)` with `fn` initializing `nn.Linear` weights, or a loop over all its
      parameters), found through the project index in any file; `info` when nothing builds the
      class by name but a class of its module builds one chosen by name (`eval(...)`) and
      re-draws it;
    - the same for a weight created as `nn.Parameter(torch.rand(out, in))` in the constructor:
      quiet when every class building this one re-draws it at construction; `info` when an init
      function somewhere in the project writes `module.<attr>` under an `isinstance` test of
      this class (with an `nn.init` function, an in-place fill, or a callable parameter named as
      an initializer, `init_fn_(module.w1)`) but the index cannot show that it runs (it is
      reached through a registry or a config).
    - the same for a parameter of a class one of whose methods that may run (`__init__`, a
      `reset_parameters` it calls or a framework may call) re-draws every own parameter in a
      loop over `self.parameters()` (torch's RNN-cell recipe).
    - a weight forward only looks rows up in, by a one-hot matrix
      (`F.linear(one_hot(i, n).float(), self.w)`): one entry per row, no sum over a fan-in.
    - a weight forward uses only as an element-wise factor: every `einsum` it enters keeps all
      of its indices in the output (`einsum("btc,cf->btcf", x, self.w)`), so nothing is summed
      over a fan-in (a project-index forward fact; `einsum("qcd,bnqd->bnqc", ...)` sums over
      `d` and is reported).
    `info` rather than a warning or error:
    - a parameter nothing in the project ever reads (only assigned, a shared fact with INI001):
      its values cannot reach any output;
    - `nn.init.normal_(self.fc.weight)` where every call of `self.fc` in the class goes, maybe
      through an activation, straight into a norm layer the class builds (`self.bn =
      nn.BatchNorm1d(...)`, `build_norm_layer(...)`) before any other layer: the norm rescales
      the output, so the scale does not compound (a forward fact, `normalized_next`).
    Norm-layer gains are INI104's business.

    ## Why is this bad?
    A layer's output variance is `fan_in * Var(w) * Var(x)`. With `Var(w) = 1` every layer
    multiplies the signal's standard deviation by about `sqrt(fan_in)`: 16x for 256 inputs,
    and the product over depth overflows or saturates every tanh/sigmoid before training starts.
    U(0, 1) is worse: all weights are positive, so the units start almost identical and the
    outputs grow like `fan_in / 2` times the mean input.

    ## Example
    ```python
    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight)
    ```

    ## Use instead
    ```python
    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
    ```
    or a small explicit std (`nn.init.normal_(m.weight, std=0.02)`, `std=d ** -0.5`).

    ## Fix safety
    Unsafe: the fix writes Kaiming (ReLU family, with a LeakyReLU's slope) or Xavier with
    `calculate_gain` (tanh, sigmoid), and the message says which activation and where. No fix
    for `nn.Parameter(torch.randn(...))`: which dimension is the fan-in depends on how `forward`
    uses the matrix. For `nn.init` calls and tensor methods the fix is
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
    - LeCun et al., *Efficient BackProp* (1998), std = 1/sqrt(fan_in)
    - Glorot & Bengio, *Understanding the difficulty of training deep feedforward neural
      networks* (2010)
    - He et al., *Delving Deep into Rectifiers* (2015)
    - Karras et al., *Progressive Growing of GANs* (2018), equalized learning rate
    - [PyTorch: `torch.nn.init.normal_`](https://pytorch.org/docs/stable/nn.init.html#torch.nn.init.normal_)
    """

    code = "INI102"
    name = "unit-variance-init"
    summary = "Weight matrix drawn from N(0, 1) or U(0, 1): activations blow up with fan-in"
    severity = Severity.WARNING
    fix_safety = FixSafety.UNSAFE
    triggers = ("normal_", "uniform_", ".normal(", ".uniform(", "randn", "rand(") + LIBRARY_INIT_TRIGGERS

    def report(self, node: cst.CSTNode, message: str, *, severity: Optional[Severity] = None,
               fix: Optional[Fix] = None) -> None:
        """In a pytest/unittest test function a unit-scale draw is the test's input (norse's
        STDP tests draw weights in [0, 1], the rule's range), not a model's init: `info`."""
        function = self.context.enclosing_function()
        if function is not None and is_test_name(function.name.value) and (severity or self.severity) is not Severity.INFO:
            severity = Severity.INFO
            message += " (in a test function: values a test draws on purpose are its input, not a model's init)"
        super().report(node, message, severity=severity, fix=fix)

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Reports are at an init call `draw_of` reads, at an `nn.Parameter(...)`, or at a call
        passing `requires_grad=True`."""
        return words.draw_call() or words.has("Parameter") or words.has("requires_grad")

    def __init__(self, context, sink) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context, sink)
        self._local_classes: Optional[dict[str, cst.ClassDef]] = None

    # -- cached facts ---------------------------------------------------------------------
    def _local_class(self, name: str) -> Optional[cst.ClassDef]:
        if self._local_classes is None:
            self._local_classes = {
                s.name.value: s for s in self.context.module.body if isinstance(s, cst.ClassDef)
            }
        return self._local_classes.get(name.rsplit(".", 1)[-1])

    # -- dispatch -------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        call = init_call(node, self.context)
        if call is not None:
            draw = draw_of(call)
            if draw is not None and (draw.is_standard_normal or draw.is_unit_uniform):
                self._check_init_call(call, draw)
            return
        payload = parameter_payload(node, self.context)
        if payload is not None:
            self._check_created(node, payload, parameter=True)
        elif any(
            a.keyword is not None and a.keyword.value == "requires_grad"
            and isinstance(a.value, cst.Name) and a.value.value == "True"
            for a in node.args
        ):
            self._check_created(node, node, parameter=False)

    def _matrix_by_use(self, klass: Optional[cst.ClassDef], target: str, attr: str) -> bool:
        """A parameter whose name says nothing (`self.a_1`, `self.b`) is a weight matrix when
        forward multiplies by it in a matrix product (a project-index forward fact); not a
        table by name (`self.codebook`, `self.queries`: N(0, 1) is their intended scale)."""
        if klass is None or not target.startswith("self.") or target.count(".") != 1:
            return False
        if "rows" in self.context.project.forward_uses(klass.name.value, attr):
            return False  # `self.m[ids, :]` elsewhere: a table, its product a soft lookup
        return not _TABLE_OWNER.search(attr) and not _NOISE_NAME.search(attr) and matrix_product_in_forward(
            self.context, klass, attr
        )

    # -- nn.init.normal_(w), w.data.normal_(), nn.init.uniform_(w) ------------------------
    def _check_init_call(self, call: InitCall, draw: Draw) -> None:
        tensor = call.tensor
        if tensor.is_bias or _NOISE_NAME.search(tensor.attr or ""):
            return
        if not tensor.is_weight and not (
            tensor.attr and self._matrix_by_use(self.context.enclosing_class(), self.context.code_for(tensor.expr), tensor.attr)
        ):
            return  # named like no weight, and no matrix product in forward says it is one
        if self._rescaled(call) or self._output_rescaled(call):
            return
        if lora_partner_starts_at_zero(self.context, tensor.expr):
            return  # the adapter's product starts at zero whatever this half's scale
        if in_dead_branch(self.context):
            return  # `if w.shape[1] == torch.Size([1]):` never runs
        owners = self.context.project.overwritten_by_owners(self.context, tensor.expr)
        if owners.all_covered:
            return  # every class that builds this one re-draws the layer afterwards
        guards = guard_class_names(self.context)
        kinds = kinds_of(guards)
        matrix_kinds = kinds & {LayerKind.LINEAR, LayerKind.CONV}
        owner = tensor.owner or ""
        klass = self.context.enclosing_class()
        if kinds and not matrix_kinds:
            return  # embeddings (N(0, 1) is their default), norms (INI104), other layers
        if not kinds and owner and _NORM_OWNER.match(owner):
            return  # INI104
        if any(self._equalized_class(name) for name in guards):
            return
        if klass is not None and scaled_in_forward(self.context, klass, tensor.attr):
            return
        if klass is not None and owner == "self" and tensor.attr is not None and (
            only_elementwise_in_forward(self.context, klass, tensor.attr)
        ):
            return  # `nn.init.normal_(self.w)` with `w` only an element-wise factor in forward
        if klass is not None and owner == "self" and tensor.attr is not None and (
            only_looked_up_in_forward(self.context, klass, tensor.attr)
        ):
            return  # `nn.init.normal_(self.weight)` read only by `F.embedding(ids, self.weight)`
        target = self.context.code_for(tensor.expr)
        confident = bool(matrix_kinds)
        if not confident and owner and owner != "self":
            if _TABLE_OWNER.search(owner):
                return
            if klass is not None and _built_with_unit_fan_in(self.context, klass, owner):
                return
            confident = (klass is not None and _built_as(self.context, klass, owner, "Linear|Conv|Dense")) or bool(
                _LAYER_OWNER.match(owner)
            )
        elif not confident and owner == "self" and klass is not None:
            if _TABLE_CLASS.search(klass.name.value) or self.context.scope_matches(_FOURIER_USE, klass):
                return
            if tensor.attr and not draw.is_unit_uniform and only_handed_to_project_code(
                self.context, klass, tensor.attr
            ):
                self.report(
                    call.node,
                    f"`{target}` is drawn from N(0, 1), but forward hands it to this project's own "
                    "`linear`/`matmul`, not torch's: fine if that function scales it by its fan-in "
                    "(unit scaling, muP); otherwise the output std grows by about sqrt(fan_in)",
                    severity=Severity.INFO,
                )
                return
            dims = declared_dims(self.context, klass, tensor.attr) if tensor.attr else None
            unread = dims is None and declared_parameter(self.context, klass, tensor.attr or "")
            if tensor.attr and (dims == 1 or unread):
                return  # a vector (or a parameter whose shape we cannot read)
            buffer = re.compile(rf"register_buffer\(\s*['\"]{re.escape(tensor.attr or '')}['\"]")
            if tensor.attr and self.context.matches_near(buffer, klass, tensor.attr):
                return  # a buffer: sampled noise or a fixed projection, not a trained weight
            confident = True
        uniform = draw.is_unit_uniform
        if uniform:
            what = "U(0, 1) (`uniform_`'s default bounds): every weight is positive with mean 0.5"
        else:
            spelled = "std=1" if draw.std is not None else "the default std=1"
            what = f"N(0, 1) ({spelled}): the output std grows by about sqrt(fan_in) per layer"
        shown = sorted({name.rsplit(".", 1)[-1] for name in guards})
        norm = (
            normalized_next(self.context, klass, owner)
            if klass is not None and owner and owner != "self" and target == f"self.{owner}.weight"
            else None
        )
        if norm is not None:
            self.report(
                call.node,
                f"`{target}` is drawn from {what}; but every output of `self.{owner}` goes "
                f"(maybe through an activation) straight into the norm layer `self.{norm}`, which "
                "rescales it to unit variance before any other layer, so nothing compounds; a "
                "smaller std (Kaiming/Xavier) is still the usual choice",
                severity=Severity.INFO,
            )
            return
        layers = f"every {'/'.join(shown)} layer gets weights" if matrix_kinds else f"`{target}` is"
        if not confident and uniform:
            self.report(
                call.node,
                f"`{target}` is drawn from {what}; almost never intended for a weight of any kind "
                "(embedding tables default to N(0, 1)); use a symmetric range or Kaiming/Xavier",
            )
            return
        if not confident:
            self.report(
                call.node,
                f"`{target}` is drawn from {what}; fine for an embedding-like table, too large for "
                "a weight matrix: worth a look if this tensor is a layer's weight",
                severity=Severity.INFO,
            )
            return
        message = f"{layers} drawn from {what}"
        suggestion = suggest_initializer(self.context, tensor.expr, call.spelled_module)
        fix = None
        if suggestion is not None:
            message += f"; use `{suggestion.code}` ({suggestion.explanation})"
            fix = self.make_fix(
                call.node, cst.parse_expression(suggestion.code), f"Replace with `{suggestion.code}`"
            )
        else:
            message += "; use Kaiming/Xavier or a std of about 1/sqrt(fan_in)"
        if owners.by_name:
            message += (
                f" (only if `{klass.name.value if klass else 'this class'}` is built some other way: "
                f"nothing builds it by name, and {owners.by_name[0]} re-draws it)"
            )
            self.report(call.node, message, severity=Severity.INFO, fix=fix)
            return
        self.report(call.node, message, severity=Severity.ERROR if uniform else None, fix=fix)

    def _in_main_block(self) -> bool:
        """Inside `if __name__ == "__main__":`."""
        return any(
            isinstance(node, cst.If) and "__name__" in self.context.code_for(node.test)
            and "__main__" in self.context.code_for(node.test)
            for node in self.context.ancestors()
        )

    def _tied_in_other_branch(self, attr: str) -> Optional[str]:
        """`if shared is None: self.weight = Parameter(randn(...)) else: self.weight =
        shared.weight`: the code of the shared weight the other branch assigns, else None."""
        statement = self.context.nearest(cst.SimpleStatementLine)
        branch = self.context.nearest(cst.If)
        if statement is None or branch is None:
            return None
        own = list(branch.body.body)
        other: list[cst.BaseStatement] = []
        if isinstance(branch.orelse, cst.Else):
            other = list(branch.orelse.body.body)
        if not any(s is statement for s in own):
            if not any(s is statement for s in other):
                return None
            other = own
        for candidate in other:
            if not isinstance(candidate, cst.SimpleStatementLine):
                continue
            for small in candidate.body:
                if (
                    isinstance(small, cst.Assign)
                    and len(small.targets) == 1
                    and is_self_attribute(small.targets[0].target) == attr
                    and isinstance(small.value, cst.Attribute)
                    and small.value.attr.value == "weight"
                ):
                    return self.context.code_for(small.value)
        return None

    def _output_rescaled(self, call: InitCall) -> bool:
        """`self.lin.weight.normal_(0, 1)` where forward computes `self.lin(x) * self.n_in **
        -0.5` (NTK parameterization): the layer's output is scaled by its fan-in at run time."""
        klass = self.context.enclosing_class()
        parts = (dotted_name(call.tensor.expr) or "").split(".")
        if klass is None or len(parts) != 3 or parts[0] != "self":
            return False
        return "scaled_output" in self.context.project.forward_uses(klass.name.value, parts[1])

    def _rescaled(self, call: InitCall) -> bool:
        parent = next(iter(self.context.ancestors()), None)
        if (
            isinstance(parent, cst.Attribute)
            and parent.value is call.node
            and parent.attr.value in ("mul_", "div_", "mul", "div")
        ):
            return True
        function = self.context.enclosing_function()
        if function is None:
            return False
        return rescaled_after(self.context, function, self.context.code_for(call.tensor.expr))

    def _equalized_class(self, name: str) -> bool:
        klass = self._local_class(name)
        return klass is not None and scaled_in_forward(self.context, klass, "weight")

    # -- nn.Parameter(torch.randn(out, in)), torch.randn(a, b, requires_grad=True) -----------
    def _check_created(self, node: cst.Call, payload: cst.BaseExpression, parameter: bool) -> None:
        found = random_tensor(payload, self.context)
        if found is None or found.dims is None or found.dims < 2:
            return
        if found.shifted or (found.scaled and not found.unit_scale):
            return
        if _has_unit_size(found.creator):
            return  # (dim, 1): a learned query or gate vector, not a matrix
        if not parameter and found.creator is not node:
            return
        assign = self.context.nearest(cst.Assign)
        target_expr = assigned_to(assign, node) if assign is not None else None
        if target_expr is None:
            return
        target = dotted_name(target_expr)
        if target is None:
            return
        attr = target.rsplit(".", 1)[-1]
        klass = self.context.enclosing_class()
        if not _WEIGHT_NAME.search(attr) and (
            not self._matrix_by_use(klass, target, attr) or rows_count_entities(found.creator)
        ):
            return
        if lora_partner_starts_at_zero(self.context, target_expr):
            return
        if klass is not None and target.startswith("self."):
            if _TABLE_CLASS.search(klass.name.value) or self.context.scope_matches(_FOURIER_USE, klass):
                return
            # a normalization removes the scale, not U(0, 1)'s shared positive direction
            uniform_draw = found.kind == "uniform"
            if (
                scaled_in_forward(self.context, klass, attr, normalized=not uniform_draw)
                or _initialized_elsewhere(self.context, klass, attr)
                # `for w in self.parameters(): uniform_(w, -s, s)` in a method construction runs
                or redraws_all_own_parameters(self.context, klass)
            ):
                return
            if only_elementwise_in_forward(self.context, klass, attr):
                return  # an element-wise factor: no fan-in sum, so no growth with a dimension
            if self.context.project.forward_uses(klass.name.value, attr) - {"used"} == {"returned"}:
                return  # handed out whole (`return self.weight.unsqueeze(0)`): a token table
            if not uniform_draw and "normalized_product" in self.context.project.forward_uses(klass.name.value, attr):
                return  # `F.normalize(x @ self.w)`: the product's scale is removed at once
        elif parameter:
            return  # a Parameter not stored on a module: cannot tell how it is used
        else:
            function = self.context.enclosing_function()
            if function is None and self._in_main_block():
                return  # a `__main__` block's tensors: a kernel's self-test inputs, not a model's weights
            if function is not None and not local_used_as_weight(self.context, function, target):
                return  # a `requires_grad` tensor only returned or yielded: inputs, not weights
        redraws: tuple[str, ...] = ()
        if klass is not None and target.startswith("self."):
            view = self.context.project
            class_qual = view.class_qualname_of(self.context, klass)
            if view.index.owner_init(class_qual, attr).all_covered:
                return  # every class that builds this one re-draws it at construction
            if view.index.checkpoint_fill(class_qual).always:
                return  # every construction is filled from a checkpoint right after it is built
            redraws = view.index.isinstance_redraws(class_qual, attr)
        uniform = found.kind == "uniform"
        source = self.context.code_for(found.creator)
        if uniform:
            what = "U(0, 1): every weight is positive with mean 0.5"
        else:
            what = "N(0, 1): the output std grows by about sqrt(fan_in) per layer"
        if klass is not None and target.startswith("self.") and attribute_never_read(self.context, klass, attr):
            self.report(
                node,
                f"`{target}` is `{source}` with no scale ({what.split(':')[0]}), but nothing in the "
                "project ever reads it (only assigned): its values cannot reach any output; remove "
                "it, or scale the draw if it is ever used",
                severity=Severity.INFO,
            )
            return
        tied = None if uniform or not target.startswith("self.") else self._tied_in_other_branch(attr)
        if tied is not None:
            self.report(
                node,
                f"`{target}` is `{source}` with no scale (N(0, 1)), and the other branch ties it "
                f"to `{tied}`, a shared weight (an embedding table is N(0, 1) by default): the "
                "untied variant mirrors the tied one on purpose; for an output layer its logits' "
                "std is sqrt(fan_in) times its input's, worth a look if the input is not small",
                severity=Severity.INFO,
            )
            return
        if klass is not None and target.startswith("self.") and transformed_by_project_code(self.context, klass, attr):
            self.report(
                node,
                f"`{target}` is `{source}` with no scale ({what.split(':')[0]}), but forward uses it "
                "only through the project's own code, which turns it into what is multiplied (a "
                "softmax or another activation, a sign constraint): fine if that rescales it; "
                "otherwise the output std grows by about sqrt(fan_in) per layer",
                severity=Severity.INFO,
            )
            return
        if redraws:
            self.report(
                node,
                f"`{target}` is `{source}` with no scale ({what.split(':')[0]}), and {redraws[0]} "
                "re-draws it under an `isinstance` test of this class when that init runs, which "
                "the project index cannot follow from construction: fine if it always runs before "
                "training, otherwise scale the draw here",
                severity=Severity.INFO,
            )
            return
        self.report(
            node,
            f"`{target}` is `{source}` with no scale, so its entries are {what}; multiply by "
            "about 1/sqrt(fan_in) (`* fan_in ** -0.5`), or init it with Kaiming/Xavier",
            severity=Severity.ERROR if uniform else None,
        )

    VALID = [
        Valid(
            """
            import torch
            import torch.nn as nn

            class Cognition(nn.Module):
                def __init__(self, levels, d, hard=True):
                    super().__init__()
                    self.hard = hard
                    self.cog_matrix = nn.Parameter(torch.randn(levels, d))

                def forward(self, probs):
                    if self.hard:
                        return self.cog_matrix[probs.argmax(-1), :]
                    return probs.matmul(self.cog_matrix)
            """,
            reason="rows picked by index elsewhere: a table of level embeddings, and the product "
            "with a probability vector a soft lookup (pykt's IEKT, tuning23)",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn
            import torch.nn.functional as F

            class Learnable2DInterpPosEmb(nn.Module):
                def __init__(self, height, width, dim):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(height, width, dim))
                    nn.init.normal_(self.weight)

                def forward(self, x, size):
                    table = F.interpolate(self.weight.permute(2, 0, 1)[None], size=size)
                    return x + table[0].permute(1, 2, 0).flatten(end_dim=1)
            """,
            reason="a position table (the class says so) added to the tokens: N(0, 1) is an "
            "embedding's scale, nothing multiplies by it (MoonViT in vLLM)",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class MaskTokens(nn.Module):
                def __init__(self, dim=256, num_tokens=4):
                    super().__init__()
                    self.weight = nn.Parameter(torch.randn(num_tokens + 1, dim))

                def forward(self):
                    return self.weight.unsqueeze(dim=0)
            """,
            reason="the class hands the table out whole: query tokens a consumer attends with "
            "(SAM's IoU and mask tokens, N(0, 1) like an embedding)",
        ),
        Valid(
            # a kernel's self-test: random inputs of a script's main block, not a model's weights
            """
            import torch

            def check(x, w):
                return (x @ w.t()).float().abs().max()

            if __name__ == "__main__":
                x = torch.randn((4, 4096))
                weight = torch.randn((2048, 4096), requires_grad=True)
                print(check(x, weight))
            """
        ),
        Valid(
            # only the directions are used: the matrix is orthonormalized in forward
            """
            import torch
            import torch.nn as nn

            class Directions(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.weight = nn.Parameter(torch.randn(n, d))

                def forward(self, alpha):
                    q, _ = torch.linalg.qr(self.weight + 1e-8)
                    return alpha @ q.T
            """
        ),
        Valid(
            # StyleGAN2's modulated convolution demodulates the weight (each filter divided by its norm)
            """
            import torch
            import torch.nn as nn

            def modulated_conv2d(x, weight, styles, demodulate=True):
                w = weight[None] * styles[:, None, :, None, None]
                if demodulate:
                    w = w * (w.square().sum(dim=[2, 3, 4], keepdim=True) + 1e-8).rsqrt()
                return torch.cat([nn.functional.conv2d(x[i:i + 1], w[i], padding=1) for i in range(x.shape[0])])

            class SynthesisConv(nn.Module):
                def __init__(self, c_in, c_out, w_dim):
                    super().__init__()
                    self.affine = nn.Linear(w_dim, c_in)
                    self.weight = nn.Parameter(torch.randn([c_out, c_in, 3, 3]))

                def forward(self, x, w):
                    return modulated_conv2d(x=x, weight=self.weight, styles=self.affine(w))
            """
        ),
        Valid(
            # NTK parameterization: N(0, 1) weights, the output scaled by fan_in ** -0.5 in forward
            """
            import torch.nn as nn

            class NTKDense(nn.Module):
                def __init__(self, n_in, n_out):
                    super().__init__()
                    self.lin = nn.Linear(n_in, n_out, bias=False)
                    nn.init.normal_(self.lin.weight, 0.0, 1.0)
                    self.n_in = n_in

                def forward(self, x):
                    return self.lin(x) * self.n_in ** -0.5
            """
        ),
        Valid(
            # forward divides the weight by its own largest magnitude: its scale never reaches the output
            """
            import torch
            import torch.nn as nn
            import torch.nn.functional as F

            class SignLinear(nn.Module):
                def __init__(self, n_in, n_out):
                    super().__init__()
                    self.weight = nn.Parameter(torch.randn(n_out, n_in))

                def forward(self, x):
                    magnitude = torch.abs(self.weight) / torch.abs(self.weight).max()
                    return F.linear(x, torch.sign(self.weight) * magnitude)
            """
        ),
        Valid(
            # a contrastive projection: the product is L2-normalized at once, its scale never used
            """
            import torch
            import torch.nn as nn
            import torch.nn.functional as F

            def l2norm(t):
                return F.normalize(t, dim=-1)

            class ToLatents(nn.Module):
                def __init__(self, depth, dim, dim_latent):
                    super().__init__()
                    self.gamma = nn.Parameter(torch.ones(depth, 1, dim))
                    self.proj = nn.Parameter(torch.randn(depth, dim, dim_latent))
                    self.shift = nn.Parameter(torch.zeros(depth, 1, dim_latent))

                def forward(self, hiddens):
                    scaled = hiddens * self.gamma
                    latents = torch.einsum("lbd,lde->lbe", scaled, self.proj) + self.shift
                    latents = l2norm(latents)
                    return latents

            class Pooled(nn.Module):
                def __init__(self, dim, dim_latent):
                    super().__init__()
                    self.proj = nn.Parameter(torch.randn(dim, dim_latent))

                def forward(self, x):
                    return F.normalize(x.mean(1) @ self.proj, dim=-1)
            """
        ),
        Valid(
            """
            import torch
            import torch.nn as nn


            def truncated_normal_(t, std):
                nn.init.trunc_normal_(t, std=std)


            def init(m):
                if isinstance(m, EnsembleLinear):
                    for i in range(m.weight.shape[0]):
                        truncated_normal_(m.weight.data[i], std=0.02)


            class EnsembleLinear(nn.Module):
                def __init__(self, n, d_in, d_out):
                    super().__init__()
                    self.weight = nn.Parameter(torch.rand(n, d_in, d_out))

                def forward(self, x):
                    return x.matmul(self.weight)


            class MLP(nn.Module):
                def __init__(self, d):
                    super().__init__()

                    def layer(i, o):
                        return EnsembleLinear(4, i, o)

                    self.hidden = nn.Sequential(layer(d, d), nn.ReLU())
                    self.apply(init)
            """,
            reason="the model that builds the layer (through a nested factory) applies an init that "
            "re-draws each member's slice with a project helper under `isinstance` (mbrl's "
            "GaussianMLP)",
        ),
        Valid(
            """
            import math
            import torch
            import torch.nn as nn

            class TimeEmbedding(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.proj = nn.Linear(1, dim)
                    nn.init.normal_(self.proj.weight, mean=0, std=1)
                    self.proj.requires_grad_(False)

                def forward(self, t):
                    return torch.cos(2 * math.pi * self.proj(t[:, None]))
            """,
            reason="one input feature: std 1 is 1/sqrt(fan_in), nothing grows (boltz's Fourier "
            "embedding of the diffusion time)",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn
            from torch.nn.functional import embedding

            class LearnedPositions(nn.Module):
                def __init__(self, dim, max_len):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(max_len + 1, dim))
                    self.reset_parameters()

                def reset_parameters(self):
                    nn.init.normal_(self.weight)
                    with torch.no_grad():
                        self.weight[0].fill_(0.0)

                def forward(self, x, positions):
                    return x + embedding(positions + 1, self.weight, padding_idx=0)
            """,
            reason="read only by the functional embedding: a table, N(0, 1) as nn.Embedding's own",
        ),
        Valid(
            """
            import torch

            class WeightFactBenchmark:
                @classmethod
                def make_inputs_backward(cls, device="cpu"):
                    for label, size in (("small", 64), ("large", 1024)):
                        w = torch.randn(size, size, device=device, requires_grad=True)
                        yield label, (w,), {"mean": 1.0, "stddev": 0.1}
            """,
            "a `requires_grad` tensor a function only yields (a benchmark's inputs) is not a "
            "weight the function computes with",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class ChannelFeatureMap(nn.Module):
                def __init__(self, channels, features):
                    super().__init__()
                    self.weight = nn.Parameter(torch.randn(channels, features))

                def forward(self, x):
                    return torch.einsum("ntc,ck->ntck", x, self.weight)
            """,
            "forward only multiplies each channel by its own features: the einsum keeps every "
            "index of the weight, none is summed, so no fan-in makes the output grow",
        ),
        Valid(
            """
            from torch import nn
            from torch_geometric.nn.inits import uniform

            def init_layers(module):
                if isinstance(module, nn.Linear):
                    uniform(module.in_features, module.weight)
            """,
            "PyG's `uniform(size, w)` draws from U(-1/sqrt(size), 1/sqrt(size)), not U(0, 1)",
        ),
        Valid(
            """
            import torch
            from torch import nn

            def xavier_init(module):
                if isinstance(module, nn.Embedding):
                    nn.init.xavier_normal_(module.weight)
                elif isinstance(module, nn.Linear):
                    nn.init.xavier_normal_(module.weight)

            class Cross(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.head = nn.Linear(d, 1)
                    nn.init.normal_(self.head.weight)

            class Model(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.cross = Cross(d)
                    self.apply(xavier_init)
            """,
            "the only class that builds Cross re-draws every nn.Linear weight afterwards",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class VoxelConvolution(nn.Module):
                def __init__(self, num_basis, weight_numel, size):
                    super().__init__()
                    self.size = size
                    self.weight = nn.Parameter(torch.randn(num_basis, weight_numel))

                def forward(self, x, emb):
                    weight = emb @ self.weight
                    weight = weight / (self.size ** 1.5)
                    return x @ weight
            """,
            reason="forward divides the product by its own normalization: the stored N(0, 1) is not the scale used",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class ViT(nn.Module):
                def __init__(self, dim, n):
                    super().__init__()
                    self.pos_embed = nn.Parameter(torch.zeros(1, n, dim))
                    self.cls_token = nn.Parameter(torch.randn(1, 1, dim))
                    nn.init.normal_(self.pos_embed, std=.02)
            """,
            reason="positional tables and class tokens are not weight matrices",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Attention(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.w_q = nn.Parameter(torch.randn(d, d) * d ** -0.5)
                    self.w_k = nn.Parameter(torch.randn(d, d) / d ** 0.5)
            """,
            reason="the multiplier gives std 1/sqrt(d)",
        ),
        Valid(
            """
            import math
            import torch
            import torch.nn as nn
            import torch.nn.functional as F

            class EqualLinear(nn.Module):
                def __init__(self, n_in, n_out, lr_mul=1.0):
                    super().__init__()
                    self.weight = nn.Parameter(torch.randn(n_out, n_in))
                    self.scale = 1 / math.sqrt(n_in) * lr_mul

                def forward(self, x):
                    return F.linear(x, self.weight * self.scale)
            """,
            reason="equalized learning rate: the scale is applied in forward",
        ),
        Valid(
            """
            import numpy as np
            import torch
            import torch.nn as nn

            class MappingLayer(nn.Module):
                def __init__(self, n_in, n_out):
                    super().__init__()
                    self.weight = nn.Parameter(torch.randn([n_out, n_in]))
                    self.weight_gain = 1 / np.sqrt(n_in)

                def forward(self, x):
                    w = self.weight.to(x.dtype) * self.weight_gain
                    return x.matmul(w.t())
            """,
            reason="StyleGAN2-style weight_gain",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn
            import torch.nn.functional as F

            class CountModel(nn.Module):
                def __init__(self, n_genes, n_groups):
                    super().__init__()
                    self.n_groups = n_groups
                    self.log_theta = nn.Parameter(torch.randn(n_genes, n_groups))

                def forward(self, group):
                    picked = F.linear(F.one_hot(group, self.n_groups).float(), self.log_theta)
                    return torch.exp(picked)
            """,
            reason="a one-hot matrix product picks one column per row: a table lookup, no sum over a fan-in",
        ),
        Valid(
            """
            import math
            import torch

            class NormLSTMCell(torch.nn.Module):
                def __init__(self, n_in, n_hidden):
                    super().__init__()
                    self.n_hidden = n_hidden
                    self.w_ih = torch.nn.Parameter(torch.randn(4 * n_hidden, n_in))
                    self.w_hh = torch.nn.Parameter(torch.randn(4 * n_hidden, n_hidden))
                    self.reset_parameters()

                def reset_parameters(self):
                    bound = 1.0 / math.sqrt(self.n_hidden)
                    for p in self.parameters():
                        torch.nn.init.uniform_(p, -bound, bound)

                def forward(self, x, h):
                    return x @ self.w_ih.T + h @ self.w_hh.T
            """,
            reason="torch's RNN-cell recipe: a loop over every own parameter re-draws the N(0, 1) start",
        ),
        Valid(
            """
            import math
            import torch
            import torch.nn as nn

            class FourierFeatures(nn.Module):
                def __init__(self, n_in, n_out, sigma=10.0):
                    super().__init__()
                    self.register_buffer("B", torch.randn(n_in, n_out) * sigma)
                    self.W = nn.Parameter(torch.randn(n_in, n_out))

                def forward(self, x):
                    proj = 2 * math.pi * x @ self.W
                    return torch.cat([torch.sin(proj), torch.cos(proj)], dim=-1)
            """,
            reason="random Fourier features are meant to be N(0, 1) (or sigma)",
        ),
        Valid(
            """
            import torch.nn as nn

            def _init_weights(module):
                if isinstance(module, nn.Linear):
                    module.weight.data.normal_(mean=0.0, std=0.02)
                elif isinstance(module, nn.Embedding):
                    module.weight.data.normal_(mean=0.0, std=1.0)
                elif isinstance(module, nn.LayerNorm):
                    module.weight.data.fill_(1.0)
            """,
            reason="BERT-style init: small std for Linear, N(0, 1) is nn.Embedding's own default",
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
                    elif isinstance(m, nn.Linear):
                        m.bias.data.normal_()
            """,
            reason="torchvision-style He init; biases are not weight matrices",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Linear(nn.Module):
                def __init__(self, n_in, n_out):
                    super().__init__()
                    self.weight = nn.Parameter(torch.randn(n_out, n_in))
                    self.reset_parameters()

                def reset_parameters(self):
                    nn.init.kaiming_uniform_(self.weight, nonlinearity="relu")
            """,
            reason="created with randn, then initialized properly",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(4, 4)
                    self.fc.weight.data.normal_().mul_(0.01)
            """,
            reason="rescaled right away",
        ),
        Valid(
            """
            import torch

            def normal_(t):
                return t

            class Net:
                def init(self, m):
                    normal_(m.weight)
            """,
            reason="a local helper called normal_ is not torch's",
        ),
        Valid(
            """
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.uniform_(m.bias)
            """,
            reason="explicit small std; a U(0, 1) bias is not a matrix",
        ),
        Valid(
            """
            import math
            import torch

            weights = torch.randn(784, 10) / math.sqrt(784)
            weights.requires_grad_()
            """,
            reason="the PyTorch tutorial's scaled weights",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Noise(nn.Module):
                def __init__(self, channels):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(channels))
                    nn.init.normal_(self.weight)
            """,
            reason="a 1-D weight (per-channel scale) is not a matrix",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class AdditiveAttention(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.w_g = nn.Parameter(torch.randn(dim, 1))
            """,
            reason="a (dim, 1) learned query vector",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class NoisyLinear(nn.Module):
                def __init__(self, n_in, n_out):
                    super().__init__()
                    self.weight_mu = nn.Parameter(torch.empty(n_out, n_in))
                    self.register_buffer("weight_epsilon", torch.empty(n_out, n_in))
                    self.register_buffer("weight_fixed", torch.empty(n_out, n_in))

                def reset_noise(self):
                    self.weight_epsilon.normal_()
                    self.weight_fixed.normal_()
            """,
            reason="NoisyNet noise buffers are sampled from N(0, 1) on purpose",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Adapter(nn.Module):
                def __init__(self, d, r):
                    super().__init__()
                    self.lora_A = nn.ModuleDict({"default": nn.Linear(d, r, bias=False)})
                    self.lora_B = nn.ModuleDict({"default": nn.Linear(r, d, bias=False)})

                def reset_lora_parameters(self, name):
                    nn.init.normal_(self.lora_A[name].weight)
                    nn.init.zeros_(self.lora_B[name].weight)
            """,
            reason="LoRA halves whose partner starts at zero: the adapter starts at zero anyway",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class LowRankMemory(nn.Module):
                def __init__(self, out_dim, in_dim, rank):
                    super().__init__()
                    self.weight_a = nn.Parameter(torch.randn(out_dim, rank))
                    self.weight_b = nn.Parameter(torch.zeros(rank, in_dim))
            """,
            reason="a low-rank pair whose other half is zero: the product starts at zero",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            def weight_init(m):
                if isinstance(m, nn.Conv2d):
                    nn.init.xavier_normal_(m.weight)
                    if m.weight.shape[1] == torch.Size([1]):
                        nn.init.normal_(m.weight, mean=0.0)
                    if m.weight.size(1) == (1,) and m.bias is not None:
                        m.weight.data.normal_()
            """,
            reason="an int (`shape[1]`, `size(1)`) is never equal to a `torch.Size` or a tuple: "
            "the N(0, 1) draws never run",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Experts(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.w_up = nn.Parameter(torch.rand(n * d, d))

            class Router(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.experts = Experts(n, d)
                    self.apply(self._init)

                def _init(self, module):
                    if isinstance(module, Experts):
                        nn.init.normal_(module.w_up, std=0.02)
            """,
            reason="the only class building Experts re-draws `w_up` at construction",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Mixer(nn.Module):
                def __init__(self, dim, n):
                    super().__init__()
                    self.g, self.shift = nn.Parameter(torch.randn(n, dim)), nn.Parameter(torch.randn(n, dim))
                    self.codes = nn.Parameter(torch.randn(n, dim))
                    self.codebook = nn.Parameter(torch.randn(n, dim))

                def forward(self, x):
                    d = x @ self.codebook.T
                    return (x * self.g + self.shift)[d.argmin(-1)] + self.codes[0]
            """,
            reason="names that are not weights, used element-wise, added or as a table searched by `@`",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn
            import torch.nn.functional as F

            class NodeVectors(nn.Module):
                def __init__(self, num_nodes, dim):
                    super().__init__()
                    self.Hx = nn.Parameter(torch.randn(num_nodes, dim))

                def forward(self, ids):
                    return torch.mm(F.one_hot(ids, self.Hx.shape[0]).float(), self.Hx)
            """,
            reason="one row per node: a lookup table read by a one-hot product, N(0, 1) like an embedding",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import torch
            import torch.nn as nn

            def positive_activate(mode, w):
                return w.softmax(0) if mode == "softmax" else w.sigmoid()

            class PositiveLinear(nn.Module):
                def __init__(self, d_in, d_out, mode):
                    super().__init__()
                    self.weight = nn.Parameter(torch.randn(d_in, d_out))
                    self.mode = mode

                def forward(self, x):
                    return x.matmul(positive_activate(self.mode, self.weight))
            """,
            severity=Severity.INFO,
            message_contains="only through the project's own code",
        ),
        Invalid(
            """
            import torch

            def test_stdp_keeps_weights_in_range():
                w = torch.nn.Conv2d(3, 2, 4).weight.clone()
                torch.nn.init.uniform_(w)
                assert (w >= 0).all()
            """,
            severity=Severity.INFO,
            message_contains="in a test function",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Mixer(nn.Module):
                def __init__(self, dim=256):
                    super().__init__()
                    self.weight = nn.Parameter(torch.randn(dim, dim))

                def tokens(self):
                    return self.weight.unsqueeze(dim=0)

                def forward(self, x):
                    return x @ self.weight
            """,
            message_contains="with no scale, so its entries are N(0, 1)",
        ),
        Invalid(
            # an untied output layer whose other branch shares an embedding's weight
            """
            import torch
            import torch.nn as nn
            from torch.nn import Parameter

            class Scores(nn.Module):
                def __init__(self, vocab, dim, tied_to=None):
                    super().__init__()
                    if tied_to is None:
                        self.weight = Parameter(torch.empty(vocab, dim).normal_(0, 1))
                    else:
                        self.weight = tied_to.weight

                def forward(self, h):
                    return h @ self.weight.t()
            """,
            severity=Severity.INFO,
            line=10,
            message_contains="the other branch ties it",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class MinibatchDiscrimination(nn.Module):
                def __init__(self, n_in, n_out, n_inter=16):
                    super().__init__()
                    self.n_in = n_in
                    self.T = nn.Parameter(torch.Tensor(n_in, n_out, n_inter))
                    nn.init.normal_(self.T)

                def forward(self, x):
                    return torch.mm(x, self.T.view(self.n_in, -1))
            """,
            # a name that says nothing (`T`, not `.T` the transpose): forward's matrix product
            # makes it a weight (torchgan's minibatch discrimination: dead features at init)
            message_contains="`self.T` is drawn from N(0, 1)",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            def linear(x, weight, bias):
                return nn.functional.linear(x, weight * x.shape[-1] ** -0.5, bias)

            class Linear(nn.Linear):
                def reset_parameters(self):
                    nn.init.normal_(self.weight)

                def forward(self, x):
                    return linear(x, self.weight, self.bias)
            """,
            severity=Severity.INFO,
            message_contains="hands it to this project's own",
        ),
        Invalid(
            """
            import torch.nn as nn
            import torch.nn.functional as F

            class Linear(nn.Linear):
                def reset_parameters(self):
                    nn.init.normal_(self.weight)

                def forward(self, x):
                    return F.linear(x, self.weight, self.bias)
            """,
            message_contains="grows by about sqrt(fan_in)",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class SessionAttention(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.a_1, self.a_2 = nn.Parameter(torch.randn(dim, dim)), nn.Parameter(torch.randn(dim, dim))
                    self.b = nn.Parameter(torch.randn(dim, 2 * dim))

                def forward(self, h, last):
                    q = torch.sigmoid(last @ self.a_1.T + torch.matmul(h, self.a_2))
                    return torch.cat([q, h], -1) @ self.b.T
            """,
            severity=Severity.WARNING,
            count=3,
            message_contains="N(0, 1): the output std grows",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn
            import torch.nn.functional as F

            class Intent(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.w_proj = nn.Parameter(torch.rand(d, d))

                def forward(self, x):
                    h = x.flatten(1)
                    return F.normalize(h @ self.w_proj, dim=-1)
            """,
            # normalizing removes the scale, not the all-positive weights' shared direction
            line=9,
            severity=Severity.ERROR,
            message_contains="U(0, 1)",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Stem(nn.Module):
                def __init__(self, d_in, d_out):
                    super().__init__()
                    self.proj = nn.Linear(d_in, d_out)
                    self.act = nn.ReLU()
                    self.bn = nn.BatchNorm1d(d_out)
                    nn.init.normal_(self.proj.weight, 0.0, 1.0)

                def forward(self, z):
                    h = self.proj(z)
                    h = self.act(h)
                    return self.bn(h)
            """,
            # the batch norm right after renormalizes the N(0, 1) layer's output
            line=11,
            severity=Severity.INFO,
            message_contains="straight into the norm layer `self.bn`",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Stem(nn.Module):
                def __init__(self, d_in, d_out):
                    super().__init__()
                    self.proj = nn.Linear(d_in, d_out)
                    self.head = nn.Linear(d_out, 1)
                    self.bn = nn.BatchNorm1d(d_out)
                    nn.init.normal_(self.proj.weight, 0.0, 1.0)

                def forward(self, z):
                    h = self.head(self.proj(z))
                    return self.bn(h)
            """,
            # another Linear sees the unit-scale output before the norm does
            line=11,
            severity=Severity.WARNING,
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Pooling(nn.Module):
                def __init__(self, d, k):
                    super().__init__()
                    self.score = nn.Parameter(torch.randn(d, k) * d ** -0.5)
                    self.mix_weight = nn.Parameter(torch.rand(d, d))

                def forward(self, h):
                    return torch.softmax(h @ self.score, dim=1)
            """,
            # `mix_weight` is a leftover forward never reads: it cannot change any output
            line=9,
            severity=Severity.INFO,
            message_contains="nothing in the project ever reads it",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Pooling(nn.Module):
                def __init__(self, d, k):
                    super().__init__()
                    self.score = nn.Parameter(torch.randn(d, k) * d ** -0.5)
                    self.mix_weight = nn.Parameter(torch.rand(d, d))

                def forward(self, h):
                    return torch.softmax(h @ self.mix_weight @ self.score, dim=1)
            """,
            # the same draw read by forward stays an error
            line=9,
            severity=Severity.ERROR,
            message_contains="U(0, 1)",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class HeadLogits(nn.Module):
                def __init__(self, heads, classes, width):
                    super().__init__()
                    self.weight = nn.Parameter(torch.randn(heads, classes, width))

                def forward(self, h):
                    return torch.einsum("hcw,bhw->bhc", self.weight, h)
            """,
            line=8,
            severity=Severity.WARNING,
            message_contains="N(0, 1): the output std grows by about sqrt(fan_in)",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Experts(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.w_up = nn.Parameter(torch.rand(n * d, d))

            def experts_init(module, init_method):
                if isinstance(module, Experts):
                    init_method(module.w_up)

            INITS = {"experts": experts_init}
            """,
            # a registry entry: the init re-draws it, but when it runs is not known
            severity=Severity.INFO,
            line=8,
            message_contains="`example.experts_init` (line 12 of example) re-draws it",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Experts(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.w_up = nn.Parameter(torch.rand(n * d, d))

            def experts_init(module, fn):
                if isinstance(module, Experts):
                    fn(module.w_up)

            INITS = {"experts": experts_init}
            """,
            # `fn` is any callable: nothing says it initializes
            severity=Severity.ERROR,
            line=8,
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Experts(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.w_up = nn.Parameter(torch.rand(n * d, d))

            def experts_init(module):
                if isinstance(module, Experts):
                    nn.init.uniform_(module.w_up)

            INITS = {"experts": experts_init}
            """,
            # the re-draw is itself U(0, 1): it fixes nothing
            severity=Severity.ERROR,
            line=8,
        ),
        Invalid(
            """
            import torch
            from torch import nn

            def embedding_init(module):
                if isinstance(module, nn.Embedding):
                    nn.init.xavier_normal_(module.weight)
                elif isinstance(module, nn.Linear):
                    nn.init.zeros_(module.bias)

            class Cross(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.head = nn.Linear(d, 1)
                    nn.init.normal_(self.head.weight)

            class Model(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.cross = Cross(d)
                    self.apply(embedding_init)
            """,
            line=15,
            severity=Severity.WARNING,
        ),
        Invalid(
            """
            import torch
            from torch import nn

            def xavier_init(module):
                if isinstance(module, nn.Linear):
                    nn.init.xavier_normal_(module.weight)

            class Cross(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.head = nn.Linear(d, 1)
                    nn.init.normal_(self.head.weight)

            class Model(nn.Module):
                def __init__(self, config):
                    super().__init__()
                    self.teacher = eval(config["teacher"])(config["dim"])
                    self.apply(xavier_init)
            """,
            line=13,
            severity=Severity.INFO,
            message_contains="nothing builds it by name",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Adapter(nn.Module):
                def __init__(self, d, r):
                    super().__init__()
                    self.lora_A = nn.Linear(d, r, bias=False)
                    self.lora_B = nn.Linear(r, d, bias=False)
                    nn.init.normal_(self.lora_A.weight)
                    nn.init.normal_(self.lora_B.weight)
            """,
            count=2,
            message_contains="N(0, 1)",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight)
                    nn.init.zeros_(m.bias)

            class MLP(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.net = nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 1))
                    self.apply(init_weights)
            """,
            severity=Severity.WARNING,
            # no fix: the last Linear is an output head, not a ReLU layer; a ReLU elsewhere in
            # the file says nothing about the activation each layer feeds
            message_contains="use Kaiming/Xavier or a std of about 1/sqrt(fan_in)",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, (nn.Conv2d, nn.Linear)):
                    m.weight.data.uniform_()
            """,
            severity=Severity.ERROR,
            message_contains="U(0, 1)",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            def weight_init(m):
                if isinstance(m, nn.Conv2d):
                    nn.init.xavier_normal_(m.weight)
                    if m.weight.shape[1] == 1:
                        nn.init.normal_(m.weight, mean=0.0)
            """,
            line=9,
            message_contains="N(0, 1)",
        ),
        Invalid(
            """
            import torch
            from torch.nn import init

            class Net(torch.nn.Module):
                def __init__(self):
                    super().__init__()
                    self.hidden = torch.nn.Linear(16, 16)
                    init.normal_(self.hidden.weight, 0, 1)

                def forward(self, x):
                    return torch.tanh(self.hidden(x))
            """,
            expected_fix="""
            import torch
            from torch.nn import init

            class Net(torch.nn.Module):
                def __init__(self):
                    super().__init__()
                    self.hidden = torch.nn.Linear(16, 16)
                    init.xavier_uniform_(self.hidden.weight, gain=init.calculate_gain("tanh"))

                def forward(self, x):
                    return torch.tanh(self.hidden(x))
            """,
            unsafe=True,
            message_contains="std=1",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc1 = nn.Linear(32, 32)
                    self.fc1.weight.data.normal_(0, 1)

                def forward(self, x):
                    return torch.tanh(self.fc1(x))
            """,
            expected_fix="""
            import torch
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc1 = nn.Linear(32, 32)
                    nn.init.xavier_uniform_(self.fc1.weight, gain=nn.init.calculate_gain("tanh"))

                def forward(self, x):
                    return torch.tanh(self.fc1(x))
            """,
            message_contains="tanh applied to the output of `self.fc1` in class Net",
            unsafe=True,
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class MyLinear(nn.Module):
                def __init__(self, n_in, n_out):
                    super().__init__()
                    self.weight = nn.Parameter(torch.randn(n_out, n_in))
                    self.bias = nn.Parameter(torch.zeros(n_out))

                def forward(self, x):
                    return x @ self.weight.t() + self.bias
            """,
            message_contains="`torch.randn(n_out, n_in)` with no scale",
            severity=Severity.WARNING,
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Layer(nn.Module):
                def __init__(self, n_in, n_out):
                    super().__init__()
                    self.W = nn.Parameter(torch.rand(n_in, n_out))
            """,
            severity=Severity.ERROR,
        ),
        Invalid(
            """
            import torch

            W1 = torch.randn(784, 256, requires_grad=True)
            """,
            message_contains="N(0, 1)",
        ),
        Invalid(
            """
            import torch

            def train(batches):
                W1 = torch.randn(784, 256, requires_grad=True)
                optimizer = torch.optim.SGD([W1], lr=0.1)
                for x, y in batches:
                    loss = ((x @ W1) - y).pow(2).mean()
                    loss.backward()
                    optimizer.step()
            """,
            line=5,
            message_contains="N(0, 1)",
        ),
        Invalid(
            """
            import torch.nn as nn

            def reinit(m):
                nn.init.trunc_normal_(m.weight)
            """,
            severity=Severity.INFO,
            message_contains="worth a look",
        ),
    ]

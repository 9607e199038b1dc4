from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from initlint.analysis.activations import (
    HIDDEN_FAMILIES,
    layer_path_activation,
    stack_facts,
    suggest_initializer,
)
from initlint.analysis.constant_designs import fixed_kernel, identity_head, moving_average
from initlint.analysis.classes import (
    LOADED_CLASS_NAME,
    declared_dims,
    initialized_in_file,
    is_activation_parameter,
    is_fixed_filter_layer,
    class_facts,
    is_self_attribute,
)
from initlint.analysis.gate import FileWords
from initlint.analysis.guards import known_dims
from initlint.analysis.imports import dotted_name
from initlint.analysis.project import Answer
from initlint.analysis.layers import LayerKind, guard_class_names, kinds_of, type_subject
from initlint.analysis.library import ACTIVATION_PARAMETER_LAYERS
from initlint.analysis.tensors import InitCall, fill_argument, fill_value, init_call, is_weight_name, literal_number
from initlint.analysis.walk import iter_nodes
from initlint.analysis.library import LIBRARY_INIT_TRIGGERS
from initlint.analysis.values import option_branch, option_runs_by_default
from initlint.diagnostics import FixSafety, Severity
from initlint.rules.base import Invalid, Rule, Valid

# Layers whose zero init is a known, deliberate design: the last layer of a residual, adapter or
# LoRA branch (the branch starts as the identity), ControlNet's zero convs, output heads, gates,
# Deformable-DETR's offsets and attention weights, flow couplings that start as the identity.
_DELIBERATE_ZERO_OWNER = re.compile(
    r"(?:^|_)(?:out|output|o|proj|c_proj|out_proj|o_proj|fc2|ff2|ffn2|w2|wo|down|down_proj|up"
    r"|up_proj|lora_?b|lora_?up|adapter\w*|head|heads|classifier|logits?|final\w*|last\w*|end"
    r"|zero\w*|to_out|conv_out|dense_4h_to_h|gate\w*|skip\w*|residual\w*|res\w*|offsets?"
    r"|sampling_offsets|attention_weights|attn_weights|scale\w*|\w*modulation|adaln\w*|\w*bias\w*)"
    r"(?:_?\d+)?$",
    re.IGNORECASE,
)
# Names that read as a hidden or first layer: zero there is the tutorial bug, not a design.
_HIDDEN_OWNER = re.compile(
    r"^(?:hidden\w*|fc1?|linear1?|lin1?|l1|layer1?|conv1?|dense1?|w1|input\w*|first\w*"
    r"|encoder\w*|mlp|fc_?in|in_layer)$",
    re.IGNORECASE,
)
_ROUTER = re.compile(r"router|gate|gating", re.IGNORECASE)
_NORM_OWNER = re.compile(r"^(?:bn|norm|ln|gn|layer_?norm|batch_?norm|group_?norm)\w*$", re.I)
# Flags and helpers that announce a deliberate zero/identity start.
_ZERO_INTENT = re.compile(r"zero|identity|rezero|skip_?init|init_last|fixup", re.IGNORECASE)
_CONSTANT_CREATORS = {"torch.zeros": 0.0, "torch.ones": 1.0, "torch.full": None}
# the torch.nn.init functions `_constant_value` knows
_CONSTANT_FUNCTIONS = frozenset({"zeros_", "zeros", "ones_", "ones", "constant_", "constant"})


class ConstantWeightInit(Rule):
    """
    ## What it does
    Flags weight matrices initialized to zero or to one constant: `nn.init.zeros_(w)`,
    `nn.init.constant_(w, c)`, `nn.init.ones_(w)`, `w.data.zero_()`, `w.fill_(c)`, and
    `nn.Parameter(torch.zeros(out, in))` weights that nothing initializes afterwards.

    Severity follows what is known. The harm, units that start identical and never break
    symmetry, exists only in a hidden layer: one whose output feeds a nonlinearity (ReLU family
    or tanh; a sigmoid is a gate) and then another layer. So an error or a warning needs a
    forward use that shows it: every call of `self.<attr>` in the class that builds the layer
    passes its output to such an activation (`act(self.fc(x))`, or `h = self.fc(x)` then
    `h = act(h)`), for init code on a module argument at least one Linear/Conv layer the project
    index knows to reach it. Then zeroing every layer of a type from an init function
    (`if isinstance(m, nn.Linear): nn.init.zeros_(m.weight)`) is an error, and a non-zero
    constant on a weight, or zero on a layer named like a hidden or first layer (`hidden`,
    `fc1`, `linear`, `conv1`), a warning; so is zeroing every layer of a type under an option
    test that the option's default takes (`if init_method == "zero":` in a constructor whose
    `init_method="zero"`), when one of the layers is known hidden. (A layer inside
    `nn.Sequential(...)` feeds the element after it.) Without that fact the same forms are `info`, the
    message saying it is not known, and so is `self.weight = nn.Parameter(torch.zeros(out,
    in))` that nothing in the class re-draws (how forward uses it is not known: such tensors are
    often filled from a checkpoint or re-drawn by a model-wide init). Reviews of real packages
    found no true warning or error among about 11 reported before this rule, from every one of
    these forms: constant up-sampling, smoothing and moving-average kernels, zero-init residual
    outputs and identity heads, quantization scales, norm gains reset after folding, a
    BetterTransformer copy of trained projections. Zero on any other single layer is `info`: in mature code it is almost
    always deliberate — the last projection of a residual, adapter or LoRA branch (`out_proj`,
    `fc2`, `lora_B`, `zero_conv`...), a gate, an output head, Deformable-DETR's offsets, the
    zero-gamma of the last norm of a residual block, code inside `zero_*` helpers, under a
    `zero_init_*`/`identity_init` flag or a name test (`if name.startswith("head")`). Biases,
    norm weights set to one, quantization scales and `(1 + weight)` parameterisations (a zero for
    a parameter forward uses as `self.weight + 1`) are not reported, nor are tensors the
    surrounding code shows to have one dimension (`if w.ndim != 1: continue` above, the body of
    `if p.dim() == 1:`: a gain or scale vector, such as a norm gain reset after folding it), nor is an activation's slope
    (`nn.PReLU`'s weight, whose torch default is the constant 0.25), nor `self.weight` created by
    a class the project index knows is no `nn.Module` (a metric's running sum of weights), nor a
    constant set in the constructor on a layer it builds (`nn.init.zeros_(self.conv.weight)`)
    that every class building this one re-draws afterwards (`self.apply(fn)` with `fn`
    initializing that layer type, or a loop over all its parameters; any file of the project).
    Constants that the project's facts show to be a design are `info`, without a fix:
    a fixed kernel (every layer the weight can belong to is a 1→1-channel convolution, known from
    the layers' constructors anywhere in the project: repeat/nearest-neighbour upsampling,
    smoothing), a moving average (`1 / k` on layers that are all `Linear(k, ...)`), and an
    identity head (the weight zeroed and the same layer's bias set to a non-zero value right
    there, as in a spatial transformer). The runtime verifier (`initlint verify`) tells a zeroed
    hidden layer from a deliberate one by measuring.

    ## Why is this bad?
    Units of a layer that start with the same weights compute the same output and receive the
    same gradient: symmetry never breaks, and the layer behaves like a single unit however wide it
    is. With zero weights in a hidden layer, no gradient reaches the layers before it either.
    The model still trains, just worse, and nothing warns you.

    ## Example
    ```python
    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.zeros_(m.weight)
    ```

    ## Use instead
    ```python
    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
    ```

    ## Fix safety
    Unsafe: the fix replaces the constant with Kaiming (ReLU-family activations, with the slope
    of a LeakyReLU) or Xavier with `calculate_gain` (tanh, sigmoid); the message says which
    activation and where. It changes the numbers your model starts from, so it is only applied
    with `--unsafe-fixes`. No fix is offered for the deliberate idioms (a zero among other
    deliberate zeros of the same function counts as one), and a fix is
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
    - Glorot & Bengio, *Understanding the difficulty of training deep feedforward neural
      networks* (2010)
    - He et al., *Delving Deep into Rectifiers* (2015)
    - Goyal et al., *Accurate, Large Minibatch SGD* (2017), zero-gamma of the last BN in a block
    - Hu et al., *LoRA* (2021), zero-initialized up-projection
    """

    code = "INI101"
    name = "constant-weight-init"
    summary = "Weight matrix initialized to zero or a constant: symmetry never breaks"
    severity = Severity.WARNING
    fix_safety = FixSafety.UNSAFE
    triggers = ("zeros_", "zero_(", "constant_", "ones_", "fill_(", "torch.zeros", "torch.ones",
                "torch.full", "constant(") + LIBRARY_INIT_TRIGGERS

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Reports are at an init call writing a constant (`_constant_value`) or at an
        `nn.Parameter(torch.zeros/ones/full(...))` (`_check_parameter`)."""
        return words.init_call(_CONSTANT_FUNCTIONS) or (
            words.has("Parameter") and words.has("zeros", "ones", "full")
        )

    def visit_Call(self, node: cst.Call) -> None:
        call = init_call(node, self.context)
        if call is not None:
            self._check_init_call(call)
            return
        self._check_parameter(node)

    # -- nn.init.zeros_(w), w.zero_(), w.fill_(c) ---------------------------------------------
    def _constant_value(self, call: InitCall) -> Optional[tuple[str, Optional[float]]]:
        if call.function in ("zeros_", "zeros"):
            return "zero", 0.0
        if call.function in ("ones_", "ones"):
            return "one", 1.0
        if call.function in ("constant_", "constant"):
            expr = fill_argument(call)
            return (self.context.code_for(expr) if expr is not None else "a constant"), fill_value(call)
        return None

    def _check_init_call(self, call: InitCall) -> None:
        constant = self._constant_value(call)
        if constant is None or call.tensor.is_bias or not call.tensor.is_weight:
            return
        spelled, value = constant
        if self._not_a_layer_weight(call, value):
            return
        if self.context.project.overwritten_by_owners(self.context, call.tensor.expr).all_covered:
            return  # every class that builds this one re-draws the layer afterwards
        guards = guard_class_names(self.context)
        if is_activation_parameter(self.context, call.tensor.expr) or (
            guards and all(g.rsplit(".", 1)[-1] in ACTIVATION_PARAMETER_LAYERS for g in guards)
        ):
            return  # an activation's slope (PReLU): a coefficient, not units to keep apart
        kinds = kinds_of(guards)
        owner = call.tensor.owner or ""
        if LayerKind.NORM in kinds or (not kinds and _NORM_OWNER.match(owner)):
            if value == 0.0:
                self.report(
                    call.node,
                    f"norm weight (gamma) of `{owner or 'm'}` set to zero: deliberate when this norm "
                    "closes a residual branch (zero-init-last), otherwise it silences the layer",
                    severity=Severity.INFO,
                )
            return
        if value == 1.0 and not (kinds & {LayerKind.LINEAR, LayerKind.CONV, LayerKind.EMBEDDING}):
            return  # ones on a layer we cannot see: almost always a norm weight
        if is_fixed_filter_layer(self.context, call.tensor.expr):
            return  # a fixed filter (1→1 channel or depthwise): no units to keep apart
        design = self._design(call, value, guards)
        if design is not None:
            self.report(
                call.node,
                f"`{self.context.code_for(call.tensor.expr)}` set to a constant on purpose: {design}",
                severity=Severity.INFO,
            )
            return
        if self._vector(call):
            return  # `self.weight = nn.Parameter(torch.empty(k))`: coefficients, not units
        dims = known_dims(self.context, call.node, call.tensor.expr)
        if dims is not None and dims <= {0, 1}:
            return  # `if w.ndim != 1: continue` above: a 1-D gain or scale, not a weight matrix
        target = self.context.code_for(call.tensor.expr)
        what = "zero" if value == 0.0 else f"the constant {spelled}"
        typed = kinds & {LayerKind.LINEAR, LayerKind.CONV, LayerKind.EMBEDDING}
        narrowed = self._narrowed()
        chain = self.context.code_for(call.tensor.expr).split(".")[:-1]
        if narrowed and value != 0.0:
            self.report(
                call.node,
                f"`{target}` initialized to {what} under a condition: a configured choice "
                "(e.g. `dt_init == \"constant\"`); a constant weight matrix never breaks symmetry",
                severity=Severity.INFO,
            )
            return
        if value == 0.0 and narrowed and typed and option_runs_by_default(self.context) is True:
            # `if init_method == "zero":` taken by the default: every layer of the type, hidden ones too
            hidden = self._known_hidden(call, guards)
            if hidden is not None:
                option = option_branch(self.context)
                self.report(
                    call.node,
                    f"every {', '.join(sorted(guards))} layer gets weights equal to zero under "
                    f"`if {option}:`, which the default takes, and one of them is a hidden layer "
                    f"(its output feeds {hidden}): all its units start identical, get the same "
                    "gradient, and symmetry never breaks (without biases they stay zero); zero "
                    "only the last layer, or use Kaiming or Xavier for the others",
                    severity=Severity.WARNING,
                )
                return
        if value == 0.0 and (
            narrowed
            or any(self._deliberate(part.split("[", 1)[0]) for part in chain or [owner])
            or self._zeroes_several(call)
        ):
            self.report(
                call.node,
                f"`{target}` initialized to zero: a known idiom for the last layer of a residual, "
                "adapter or LoRA branch, a gate or an output head (it starts as the identity or "
                "as no-op); worth a look if this is a hidden layer",
                severity=Severity.INFO,
            )
            return
        hidden = self._known_hidden(call, guards)
        if typed and not narrowed:
            # every layer of a type, from an init function: an error when one of them is known hidden
            severity = Severity.ERROR if hidden is not None else Severity.INFO
            layers = f"every {', '.join(sorted(guards))} layer"
        elif value != 0.0 or _HIDDEN_OWNER.match(owner) or typed or hidden is not None:
            severity = Severity.WARNING if hidden is not None else Severity.INFO
            layers = f"`{target}`"
        else:
            self.report(
                call.node,
                f"`{target}` initialized to zero: usually deliberate in mature code (the last layer "
                "of a branch, a gate, a head); if it is a hidden layer, all its units start "
                "identical and symmetry never breaks",
                severity=Severity.INFO,
            )
            return
        subject = "one of them is" if layers.startswith("every") else "this is"
        if hidden is not None:
            message = (
                f"{layers} gets weights equal to {what}: all units start identical, get the same "
                f"gradient, and symmetry never breaks (a hidden layer: its output feeds {hidden})"
            )
        else:
            message = (
                f"{layers} gets weights equal to {what}: if {subject} a hidden layer (its output "
                "feeding a nonlinearity and another layer), all units start identical, get the same "
                "gradient, and symmetry never breaks; info: no forward use of this layer shows that, and "
                "constants are deliberate on fixed kernels, output heads, scales and copies"
            )
        suggestion = suggest_initializer(self.context, call.tensor.expr, self._init_module(call))
        fix = None
        if suggestion is not None:
            message += f"; use `{suggestion.code}` ({suggestion.explanation})"
            fix = self.make_fix(
                call.node,
                cst.parse_expression(suggestion.code),
                f"Replace with `{suggestion.code}`",
            )
        else:
            message += "; use Kaiming or Xavier matched to the activation this layer feeds"
        self.report(call.node, message, severity=severity, fix=fix)

    def _known_hidden(self, call: InitCall, guards: list[str]) -> Optional[str]:
        """The hidden-layer activation (ReLU family or tanh; not a sigmoid gate) that this weight's
        layer is known to feed: every call of `self.<attr>` in its class passes the output to it
        (`layer_path_activation`), or, for init code on a module argument, at least one
        Linear/Conv layer the project index knows to reach it does (`stack_facts`). None when no
        forward use shows it: then a constant is not known to tie the units of a hidden layer."""
        own = layer_path_activation(self.context, call.tensor.expr, guards)
        if own is not None and own.family in HIDDEN_FAMILIES:
            return own.family
        root = call.tensor.expr
        while isinstance(root, (cst.Attribute, cst.Subscript)):
            root = root.value
        if not guards or (isinstance(root, cst.Name) and root.value == "self"):
            return None
        stack = stack_facts(self.context, call.tensor.expr, guards)
        if stack is None:
            return None
        return next((family for family in stack.families if family in HIDDEN_FAMILIES), None)

    def _not_a_layer_weight(self, call: InitCall, value: Optional[float]) -> bool:
        """`self.weight` created by a class the project index knows is no `nn.Module` (a
        metric's running sum of weights), or a zero for a parameter forward uses as `1 + w` (the unit
        gain of a zero-centred norm): no units whose symmetry a constant could tie."""
        expr = call.tensor.expr
        attr = is_self_attribute(expr)
        klass = self.context.enclosing_class()
        if attr is None or klass is None:
            return False
        view = self.context.project
        if (
            view.is_subclass(klass.name.value, "torch.nn.Module") is Answer.NO
            and class_facts(self.context, klass).first_assignment(attr) is not None
        ):
            return True  # the class creates it and is no module (a mixin's `self.weight` is not)
        return value == 0.0 and "one_plus" in view.forward_uses(klass.name.value, attr)

    def _design(self, call: InitCall, value: Optional[float], guards: list[str]) -> Optional[str]:
        """A constant that the project's facts show to be a design (shared analysis)."""
        tensor = call.tensor.expr
        written = call.argument(0, "val" if not call.is_method else "value")
        return (
            fixed_kernel(self.context, tensor, guards)
            or (identity_head(self.context, tensor) if value == 0.0 else None)
            or moving_average(self.context, tensor, written, guards)
        )

    def _vector(self, call: InitCall) -> bool:
        attr = is_self_attribute(call.tensor.expr)
        klass = self.context.enclosing_class()
        return attr is not None and klass is not None and declared_dims(
            self.context, klass, attr
        ) == 1

    def _narrowed(self) -> bool:
        """Inside an `if` whose test says more than `isinstance(m, X)` (a name, a flag): the code
        targets particular layers, not every layer of a type."""
        previous: Optional[cst.CSTNode] = None
        for node in self.context.ancestors():
            if isinstance(node, (cst.If, cst.IfExp)) and previous is node.body:
                if not _pure_type_test(node.test):
                    return True
            if isinstance(node, (cst.FunctionDef, cst.Lambda)):
                break
            previous = node
        return False

    def _zeroes_several(self, call: InitCall) -> bool:
        """The enclosing function also zeroes two or more weights that are deliberate by name
        (`out_proj`, `adaLN_modulation`...): this zero is part of the same deliberate zero start
        (a zero attention-bias projection beside them), not a forgotten init of one layer."""
        function = self.context.enclosing_function()
        if function is None:
            return False

        def count() -> int:
            deliberate = 0
            for node in iter_nodes(function.body):
                other = init_call(node, self.context) if isinstance(node, cst.Call) else None
                if other is None or not other.tensor.is_weight or other.tensor.is_bias:
                    continue
                constant = self._constant_value(other)
                chain = self.context.code_for(other.tensor.expr).split(".")[:-1]
                if constant is not None and constant[1] == 0.0 and any(
                    _DELIBERATE_ZERO_OWNER.search(part.split("[", 1)[0]) for part in chain
                ):
                    deliberate += 1
            return deliberate

        return self.context.memo(("INI101-deliberate-zeros", id(function)), count) >= 2

    def _init_module(self, call: InitCall) -> Optional[str]:
        return call.spelled_module

    def _deliberate(self, owner: str) -> bool:
        if owner and _DELIBERATE_ZERO_OWNER.search(owner):
            return True
        function = self.context.enclosing_function()
        return function is not None and bool(_ZERO_INTENT.search(function.name.value))

    # -- self.weight = nn.Parameter(torch.zeros(out, in)) -------------------------------------
    def _check_parameter(self, node: cst.Call) -> None:
        if self.context.resolve(node.func) not in ("torch.nn.Parameter", "torch.nn.parameter.Parameter"):
            return
        if not node.args or not isinstance(node.args[0].value, cst.Call):
            return
        inner = node.args[0].value
        creator = self.context.resolve(inner.func)
        if creator not in _CONSTANT_CREATORS:
            return
        sizes = [a.value for a in inner.args if a.keyword is None]
        if creator == "torch.full":
            sizes = sizes[:1]
        if len(sizes) == 1 and isinstance(sizes[0], (cst.Tuple, cst.List)):
            sizes = [e.value for e in sizes[0].elements]
        if sum(1 for size in sizes if literal_number(size) != 1.0) < 2:
            return  # vectors, including broadcast shapes like (1, 1, 1, dim)
        if any(
            arg.keyword is not None and arg.keyword.value == "requires_grad"
            and isinstance(arg.value, cst.Name) and arg.value.value == "False"
            for arg in node.args
        ):
            return  # not trained: stored (e.g. quantized) values filled from a checkpoint
        assign = self.context.nearest(cst.Assign)
        if assign is None or len(assign.targets) != 1:
            return
        target = dotted_name(assign.targets[0].target) or ""
        attr = target.rsplit(".", 1)[-1]
        if not target.startswith("self.") or not is_weight_name(attr):
            return
        klass = self.context.enclosing_class()
        if klass is not None and initialized_in_file(self.context, klass, attr, assign):
            return
        if klass is not None and LOADED_CLASS_NAME.search(klass.name.value):
            return  # quantized or pretrained storage: the checkpoint fills it
        if klass is not None and _ROUTER.search(klass.name.value):
            self.report(
                node,
                f"`{target}` of `{klass.name.value}` starts as a constant matrix: every expert or "
                "branch gets the same score at first, which some routers do on purpose; nothing in "
                "this file re-draws it",
                severity=Severity.INFO,
            )
            return
        self.report(
            node,
            f"`{target}` is created as a constant matrix and nothing in the class initializes it: "
            "if its rows are units of a hidden layer, they start identical and symmetry never "
            "breaks; info: how forward uses it is not known here (such tensors are often filled "
            "from a checkpoint, re-drawn by a model-wide init elsewhere, or routers and scales)",
            severity=Severity.INFO,
        )

    VALID = [
        Valid(
            """
            import torch
            from torch import nn

            class Sampler(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.scope = nn.Conv2d(c, c, 1, bias=False)
                    nn.init.constant_(self.scope.weight, 0.5)

            class Upscaler(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.up = Sampler(c)
                    self.apply(self._init_weights)

                def _init_weights(self, m):
                    if isinstance(m, nn.Conv2d):
                        nn.init.trunc_normal_(m.weight, std=0.02)
            """,
            "the only class that builds Sampler re-draws every Conv2d weight afterwards",
        ),
        Valid(
            """
            import torch

            def fold_norm_gains(blocks, offset):
                for block in blocks:
                    norm = getattr(block, "norm", None)
                    weight = getattr(norm, "weight", None)
                    if not isinstance(weight, torch.Tensor) or weight.ndim != 1:
                        continue
                    block.scale_into_next(weight.detach().clone())
                    with torch.no_grad():
                        weight.fill_(0.0 if offset else 1.0)
            """,
            reason="the early exit leaves only 1-D tensors: a norm gain reset after folding, not a weight matrix",
        ),
        Valid(
            """
            import torch.nn as nn

            def reset(model, value):
                for name, weight in model.named_parameters():
                    if weight.dim() == 1 and "weight" in name:
                        nn.init.constant_(weight, value)
            """,
            reason="inside `if weight.dim() == 1`: per-channel gains",
        ),
        Valid(
            """
            import torch

            class RunningMean:
                def __init__(self):
                    self.total = torch.tensor(0.0)
                    self.weight = torch.tensor(0.0)

                def update(self, value, weight):
                    self.total += value * weight
                    self.weight += weight

                def reset(self):
                    self.total.zero_()
                    self.weight.zero_()
            """,
            reason="a metric's running sum of weights, in a class that is no nn.Module",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class ZeroCenteredNorm(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(dim))
                    self.reset_parameters()

                def reset_parameters(self):
                    nn.init.zeros_(self.weight)

                def forward(self, x):
                    return nn.functional.layer_norm(x, x.shape[-1:]) * (self.weight + 1)
            """,
            reason="forward uses 1 + weight: zero is the unit gain",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Head(nn.Module):
                def __init__(self, n):
                    super().__init__()
                    self.proj = nn.Linear(n, n)
                    self.act = nn.PReLU(n)
                    self.reset_parameters()

                def reset_parameters(self):
                    self.proj.reset_parameters()
                    with torch.no_grad():
                        self.act.weight.fill_(0.1)

            def init(m):
                if isinstance(m, nn.PReLU):
                    nn.init.constant_(m.weight, 0.25)
            """,
            reason="a PReLU weight is the activation's slope (torch's default is 0.25), not a "
            "weight matrix with units to keep apart",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class GlobalResponseNorm(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.weight = nn.Parameter(torch.zeros(1, 1, 1, dim))

            class Fp8Linear(nn.Linear):
                def __init__(self, n_in, n_out):
                    super().__init__(n_in, n_out)
                    self.weight = nn.Parameter(torch.zeros(n_out, n_in, dtype=torch.float8_e4m3fn))

            class PackedLinear(nn.Module):
                def __init__(self, n_in, n_out):
                    super().__init__()
                    self.weight = nn.Parameter(torch.zeros(n_out, n_in), requires_grad=False)
            """,
            reason="broadcast-shaped gains, quantized storage and frozen packed weights",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class TopkRouter(nn.Module):
                def __init__(self, experts, hidden):
                    super().__init__()
                    self.weight = nn.Parameter(torch.zeros(experts, hidden))

            class MoEPreTrainedModel(nn.Module):
                def _init_weights(self, module):
                    if isinstance(module, TopkRouter):
                        nn.init.normal_(module.weight, std=0.02)
            """,
            reason="the file's _init_weights re-draws the router weight",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class QuantLinear(nn.Module):
                def __init__(self, n_in, n_out):
                    super().__init__()
                    self.weight_scale = nn.Parameter(torch.empty(n_out, 1))
                    self.weight_g = nn.Parameter(torch.empty(n_out, 1))
                    nn.init.zeros_(self.weight_scale)
                    nn.init.ones_(self.weight_g)
            """,
            reason="quantization scales and weight-norm gains are not weight matrices",
        ),
        Valid(
            """
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, nn.Linear):
                    nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
                    nn.init.zeros_(m.bias)
                elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                    nn.init.ones_(m.weight)
                    nn.init.zeros_(m.bias)
            """,
            reason="biases and norm weights set to one are the standard init",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class RMSNorm(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    # (1 + weight) parameterisation: zero here means gain one
                    self.weight = nn.Parameter(torch.zeros(dim))
            """,
            reason="1-D parameters are gains or offsets, not matrices",
        ),
        Valid(
            """
            import math
            import torch
            from torch import nn

            class MyLinear(nn.Module):
                def __init__(self, n_in, n_out):
                    super().__init__()
                    self.weight = nn.Parameter(torch.zeros(n_out, n_in))
                    self.reset_parameters()

                def reset_parameters(self):
                    nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
            """,
            reason="created as zeros, then initialized by reset_parameters",
        ),
        Valid(
            """
            import torch.nn as nn

            def weights_init(m):
                classname = m.__class__.__name__
                if classname.find('BatchNorm') != -1:
                    m.weight.data.fill_(1)
                    m.bias.data.fill_(0)
            """,
            reason="DCGAN-style norm init",
        ),
        Valid(
            """
            def zeros_(tensor):
                return tensor

            class Net:
                def init(self):
                    zeros_(self.fc.weight)
            """,
            reason="a local helper called zeros_ is not torch's (and the file never imports torch)",
        ),
        Valid(
            """
            import torch.nn as nn

            class Smoother(nn.Module):
                def __init__(self, channels, k=5):
                    super().__init__()
                    self.up = nn.ConvTranspose2d(1, 1, 2, stride=2, bias=False)
                    nn.init.constant_(self.up.weight, 1.0)
                    self.avg = nn.Conv1d(1, 1, k, padding=k // 2, bias=False)
                    nn.init.constant_(self.avg.weight, 1.0 / k)
                    self.blur = nn.Conv2d(channels, channels, 3, padding=1, groups=channels, bias=False)
                    self.blur.weight.data.fill_(1 / 9)

            def build():
                pool = nn.Conv1d(1, 1, 4, stride=4, bias=False)
                pool.weight.data.fill_(0.25)
                return pool
            """,
            reason="fixed filters (1→1 channel, depthwise): one unit per group, no symmetry to break",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class PathIntegral(nn.Module):
                def __init__(self, hops):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(hops + 1))
                    self.reset_parameters()

                def reset_parameters(self):
                    self.weight.data.fill_(0.5)
            """,
            reason="a 1-D vector of per-hop coefficients: no units to keep apart",
        ),
    ]
    INVALID = [
        Invalid(
            # a residual branch that starts as the identity: `x + act(W x)`, no layer after the act
            """
            import torch.nn as nn

            class Refine(nn.Module):
                def __init__(self, width):
                    super().__init__()
                    self.linear = nn.Linear(width, width)
                    nn.init.zeros_(self.linear.weight)
                    self.act = nn.SiLU()

                def forward(self, x):
                    return x + self.act(self.linear(x))
            """,
            severity=Severity.INFO,
            line=8,
            message_contains="no forward use of this layer shows that",
        ),
        Invalid(
            # the default option zeroes every Linear, the hidden ones of a bias-free MLP too
            """
            import torch.nn as nn

            class PairFeatures(nn.Module):
                def __init__(self, n_in, width, n_out, init="zeros"):
                    super().__init__()
                    self.mlp = nn.Sequential(
                        nn.Linear(n_in, width, bias=False),
                        nn.GELU(),
                        nn.Linear(width, n_out, bias=False),
                    )
                    for m in self.modules():
                        if isinstance(m, nn.Linear):
                            if init == "zeros":
                                nn.init.zeros_(m.weight)
                            else:
                                nn.init.xavier_uniform_(m.weight)
            """,
            severity=Severity.WARNING,
            line=15,
            message_contains="which the default takes",
        ),
        Invalid(
            """
            from torch import nn
            from torch_geometric.nn import inits

            def init_layers(module):
                if isinstance(module, nn.Linear):
                    inits.ones(module.weight)
                    inits.zeros(module.bias)
            """,
            line=7,
            count=1,
            # what reaches it, and what those layers' outputs feed, is not known
            severity=Severity.INFO,
            message_contains="equal to the constant one: if one of them is a hidden layer",
        ),
        Invalid(
            """
            import torch

            def reset_weights(layers, value):
                for layer in layers:
                    weight = layer.weight
                    if weight.ndim == 1:
                        continue
                    with torch.no_grad():
                        weight.fill_(value)
            """,
            severity=Severity.INFO,
            message_contains="`weight` gets weights equal to the constant value: if this is a hidden layer",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Sampler(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.scope = nn.Conv2d(c, c, 1, bias=False)
                    nn.init.constant_(self.scope.weight, 0.5)

            class Upscaler(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.apply(self._init_weights)
                    self.up = Sampler(c)

                def _init_weights(self, m):
                    if isinstance(m, nn.Conv2d):
                        nn.init.trunc_normal_(m.weight, std=0.02)
            """,
            line=9,
            severity=Severity.INFO,
            message_contains="no forward use of this layer shows that",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Block(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.norm1 = nn.LayerNorm(dim)

                def _init_post_norm(self):
                    nn.init.constant_(self.norm1.weight, 0)
            """,
            line=10,
            severity=Severity.INFO,
            message_contains="(latent: nothing in the project runs `Block._init_post_norm`)",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Head(nn.Module):
                def __init__(self, n):
                    super().__init__()
                    self.proj = nn.Linear(n, n)
                    self.act = nn.PReLU(n)
                    self.reset_parameters()

                def reset_parameters(self):
                    with torch.no_grad():
                        self.act.weight.fill_(0.25)
                        self.proj.weight.fill_(0.25)
            """,
            line=15,
            severity=Severity.INFO,
            message_contains="`self.proj.weight` gets weights equal to the constant 0.25",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class ZeroInitMixin:
                def reset_parameters(self):
                    nn.init.zeros_(self.weight)

            class Dense(ZeroInitMixin, nn.Linear):
                def forward(self, x):
                    return super().forward(x) * 2
            """,
            # the mixin is no nn.Module, but `self.weight` is a Linear's weight matrix
            count=1,
            message_contains="`self.weight` initialized to zero",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Repeat(nn.Module):
                def __init__(self, factor):
                    super().__init__()
                    self.up = nn.ConvTranspose1d(1, 1, factor, stride=factor, bias=False)

            class Vocoder(nn.Module):
                def __init__(self, factor):
                    super().__init__()
                    self.repeat = Repeat(factor)
                    self.apply(init_layers)

            def init_layers(m):
                if isinstance(m, nn.ConvTranspose1d):
                    nn.init.ones_(m.weight)
            """,
            severity=Severity.INFO,
            line=17,
            message_contains="1→1-channel convolution",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Repeat(nn.Module):
                def __init__(self, factor):
                    super().__init__()
                    self.up = nn.ConvTranspose1d(4, 4, factor, stride=factor, bias=False)

            class Vocoder(nn.Module):
                def __init__(self, factor):
                    super().__init__()
                    self.repeat = Repeat(factor)
                    self.apply(init_layers)

                def forward(self, x):
                    return torch.relu(self.repeat.up(x))

            def init_layers(m):
                if isinstance(m, nn.ConvTranspose1d):
                    nn.init.ones_(m.weight)
            """,
            severity=Severity.INFO,
            line=21,
            # the ReLU is applied to `self.repeat.up`, not to a layer of Vocoder's own
            message_contains="no forward use of this layer shows that",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Repeat(nn.Module):
                def __init__(self, factor):
                    super().__init__()
                    self.up = nn.ConvTranspose1d(4, 4, factor, stride=factor, bias=False)

                def forward(self, x):
                    return torch.relu(self.up(x))

            class Vocoder(nn.Module):
                def __init__(self, factor):
                    super().__init__()
                    self.repeat = Repeat(factor)
                    self.apply(init_layers)

            def init_layers(m):
                if isinstance(m, nn.ConvTranspose1d):
                    nn.init.ones_(m.weight)
            """,
            # the apply site brings Repeat.up, whose output feeds a ReLU in Repeat.forward
            severity=Severity.ERROR,
            line=21,
            message_contains="(a hidden layer: its output feeds relu)",
        ),
        Invalid(
            """
            import torch.nn as nn

            class BoxFilter(nn.Conv1d):
                def reset_parameters(self):
                    nn.init.constant_(self.weight, 1.0 / self.kernel_size[0])

            class Smoother(nn.Module):
                def __init__(self, k):
                    super().__init__()
                    self.box = BoxFilter(1, 1, k, padding=k // 2, bias=False)
            """,
            severity=Severity.INFO,
            line=6,
            message_contains="every layer it can belong to is a 1→1-channel convolution",
        ),
        Invalid(
            """
            import torch.nn as nn

            class BoxFilter(nn.Conv1d):
                def reset_parameters(self):
                    nn.init.constant_(self.weight, 1.0 / self.kernel_size[0])

            class Smoother(nn.Module):
                def __init__(self, k):
                    super().__init__()
                    self.box = BoxFilter(1, 1, k, padding=k // 2, bias=False)
                    self.mix = BoxFilter(16, 16, k, padding=k // 2)
            """,
            severity=Severity.INFO,
            line=6,
        ),
        Invalid(
            """
            import torch.nn as nn

            class Forecaster(nn.Module):
                def __init__(self, window, horizon):
                    super().__init__()
                    self.window = window
                    self.trend = nn.Linear(self.window, horizon)
                    self.season = nn.Linear(self.window, horizon)
                    self.apply(self._init)

                def _init(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.constant_(m.weight, 1.0 / self.window)
            """,
            severity=Severity.INFO,
            message_contains="mean of its inputs",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Forecaster(nn.Module):
                def __init__(self, window, horizon):
                    super().__init__()
                    self.window = window
                    self.trend = nn.Linear(self.window, horizon)
                    self.mix = nn.Linear(horizon, horizon)
                    self.apply(self._init)

                def _init(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.constant_(m.weight, 1.0 / self.window)
            """,
            # no forward: what the layers' outputs feed is not known
            severity=Severity.INFO,
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Forecaster(nn.Module):
                def __init__(self, window, horizon):
                    super().__init__()
                    self.window = window
                    self.trend = nn.Linear(self.window, horizon)
                    self.mix = nn.Linear(horizon, horizon)
                    self.apply(self._init)

                def _init(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.constant_(m.weight, 1.0 / self.window)

                def forward(self, x):
                    return self.mix(torch.relu(self.trend(x)))
            """,
            # `trend` is a hidden layer: its output feeds a ReLU and then `mix`
            severity=Severity.ERROR,
            message_contains="(a hidden layer: its output feeds relu)",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class AffineHead(nn.Module):
                def __init__(self, features):
                    super().__init__()
                    self.fc = nn.Linear(features, 6)
                    self.fc.weight.data.zero_()
                    self.fc.bias.data.copy_(torch.tensor([1.0, 0.0, 0.0, 0.0, 1.0, 0.0]))
            """,
            severity=Severity.INFO,
            message_contains="its bias is set right here",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class AffineHead(nn.Module):
                def __init__(self, features):
                    super().__init__()
                    self.fc = nn.Linear(features, 6)
                    self.fc.weight.data.zero_()
                    self.fc.bias.data.zero_()
            """,
            severity=Severity.INFO,
            message_contains="no forward use of this layer shows that",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Smoother(nn.Module):
                def __init__(self, channels):
                    super().__init__()
                    self.mix = nn.Conv1d(channels, channels, 5, padding=2, bias=False)
                    nn.init.constant_(self.mix.weight, 1.0 / 5)
            """,
            severity=Severity.INFO,
            message_contains="`self.mix.weight` gets weights equal to the constant 1.0 / 5",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Mixer(nn.Module):
                def __init__(self, rank, d, dt_init="random"):
                    super().__init__()
                    self.dt_proj = nn.Linear(rank, d)
                    if dt_init == "constant":
                        nn.init.constant_(self.dt_proj.weight, rank ** -0.5)
                    else:
                        nn.init.uniform_(self.dt_proj.weight, -rank ** -0.5, rank ** -0.5)
            """,
            severity=Severity.INFO,
            message_contains="configured choice",
        ),
        Invalid(
            """
            import torch.nn as nn

            class DiT(nn.Module):
                def initialize_weights(self):
                    nn.init.zeros_(self.norm_out.linear.weight)
            """,
            severity=Severity.INFO,
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class TopkRouter(nn.Module):
                def __init__(self, experts, hidden):
                    super().__init__()
                    self.weight = nn.Parameter(torch.zeros(experts, hidden))
            """,
            severity=Severity.INFO,
            message_contains="some routers do on purpose",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_weights(module, name="", head_name="head"):
                if isinstance(module, nn.Linear):
                    if name.startswith(head_name):
                        nn.init.zeros_(module.weight)
                    else:
                        nn.init.trunc_normal_(module.weight, std=0.02)
            """,
            severity=Severity.INFO,
            message_contains="known idiom",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Block(nn.Module):
                def __init__(self, dim, identity_init=True):
                    super().__init__()
                    self.pwconv1 = nn.Linear(dim, 4 * dim)
                    self.pwconv2 = nn.Linear(4 * dim, dim)
                    if identity_init:
                        nn.init.zeros_(self.pwconv2.weight)
            """,
            severity=Severity.INFO,
        ),
        Invalid(
            """
            import torch.nn as nn

            class DeformableAttention(nn.Module):
                def __init__(self, d, heads, points):
                    super().__init__()
                    self.sampling_offsets = nn.Linear(d, heads * points * 2)
                    self.attention_weights = nn.Linear(d, heads * points)
                    nn.init.constant_(self.sampling_offsets.weight.data, 0.0)
                    nn.init.constant_(self.attention_weights.weight.data, 0.0)
            """,
            severity=Severity.INFO,
            count=2,
        ),
        Invalid(
            """
            import torch.nn as nn

            class Coupling(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.start = nn.Conv1d(c, 2 * c, 1)
                    self.end = nn.Conv1d(2 * c, c, 1)
                    self.end.weight.data.zero_()
            """,
            severity=Severity.INFO,
        ),
        Invalid(
            """
            import torch.nn as nn

            class MLP(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc1 = nn.Linear(8, 8)
                    self.fc2 = nn.Linear(8, 2)
                    self.fc1.weight.data.fill_(0)
            """,
            # no forward: that fc1 is a hidden layer is only a guess from its name
            severity=Severity.INFO,
            message_contains="no forward use of this layer shows that",
        ),
        Invalid(
            """
            import torch.nn as nn

            class MLP(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.hidden = nn.Linear(10, 10)
                    self.act = nn.ReLU()
                    nn.init.zeros_(self.hidden.weight)

                def forward(self, x):
                    return self.act(self.hidden(x))
            """,
            expected_fix="""
            import torch.nn as nn

            class MLP(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.hidden = nn.Linear(10, 10)
                    self.act = nn.ReLU()
                    nn.init.kaiming_uniform_(self.hidden.weight, nonlinearity="relu")

                def forward(self, x):
                    return self.act(self.hidden(x))
            """,
            unsafe=True,
            severity=Severity.WARNING,
            message_contains="relu applied to the output of `self.hidden` in class MLP",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.linear = nn.Linear(10, 1)
                    nn.init.constant_(self.linear.weight, 0.1)
            """,
            message_contains="the constant 0.1",
        ),
        Invalid(
            """
            import torch
            from torch.nn import init
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(4, 4)
                    self.apply(self.init_weights)

                def init_weights(self, m):
                    if isinstance(m, nn.Linear):
                        init.zeros_(m.weight)

                def forward(self, x):
                    return torch.tanh(self.fc(x))
            """,
            expected_fix="""
            import torch
            from torch.nn import init
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(4, 4)
                    self.apply(self.init_weights)

                def init_weights(self, m):
                    if isinstance(m, nn.Linear):
                        init.xavier_uniform_(m.weight, gain=init.calculate_gain("tanh"))

                def forward(self, x):
                    return torch.tanh(self.fc(x))
            """,
            unsafe=True,
            severity=Severity.ERROR,
        ),
        Invalid(
            """
            import torch.nn as nn

            class Gen(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.act = nn.LeakyReLU(0.2)
                    self.fc = nn.Linear(4, 4)
                    self.fc.weight.data.fill_(0.5)

                def forward(self, x):
                    x = self.fc(x)
                    return self.act(x)
            """,
            expected_fix="""
            import torch.nn as nn

            class Gen(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.act = nn.LeakyReLU(0.2)
                    self.fc = nn.Linear(4, 4)
                    nn.init.kaiming_uniform_(self.fc.weight, a=0.2, nonlinearity="leaky_relu")

                def forward(self, x):
                    x = self.fc(x)
                    return self.act(x)
            """,
            unsafe=True,
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Block(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.fc1 = nn.Linear(dim, dim)
                    self.out_proj = nn.Linear(dim, dim)
                    nn.init.zeros_(self.out_proj.weight)
            """,
            severity=Severity.INFO,
            message_contains="residual",
        ),
        Invalid(
            """
            import torch.nn as nn

            def _init_weights(m, zero_init_last=True):
                if isinstance(m, nn.BatchNorm2d) and zero_init_last:
                    nn.init.zeros_(m.weight)
            """,
            severity=Severity.INFO,
            message_contains="zero-init-last",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Layer(nn.Module):
                def __init__(self, n_in, n_out):
                    super().__init__()
                    self.weight = nn.Parameter(torch.zeros(n_out, n_in))
            """,
            severity=Severity.INFO,
            message_contains="nothing in the class initializes it",
        ),
    ]


def _pure_type_test(test: cst.BaseExpression) -> bool:
    """`isinstance(m, X)`, `type(m) == X` and `or`-combinations of them, nothing else."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.Or):
        return _pure_type_test(test.left) and _pure_type_test(test.right)
    if isinstance(test, cst.Call) and isinstance(test.func, cst.Name):
        return test.func.value == "isinstance"
    if isinstance(test, cst.Comparison):
        sides = [test.left, *(c.comparator for c in test.comparisons)]
        return any(type_subject(side) is not None for side in sides)
    return False


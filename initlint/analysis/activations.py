"""Which nonlinearity a model uses, so a suggested initializer can match it.

Kaiming (He) init keeps the variance of ReLU-family activations; Xavier (Glorot) with
`calculate_gain` suits tanh/sigmoid. We look at the modules a class builds and the functional
calls it makes, and say where the answer came from so the user can judge it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterator, Optional, Sequence

import libcst as cst

from initlint.analysis.context import FileContext
from initlint.analysis.walk import find_all, iter_nodes, source_children

# Qualified name → activation family name understood by torch.nn.init.calculate_gain.
_ACTIVATIONS: dict[str, str] = {}
for _prefix in ("torch.nn.", "torch.nn.modules.activation."):
    _ACTIVATIONS.update(
        {
            _prefix + "ReLU": "relu", _prefix + "ReLU6": "relu", _prefix + "LeakyReLU": "leaky_relu",
            _prefix + "PReLU": "leaky_relu", _prefix + "RReLU": "leaky_relu", _prefix + "ELU": "relu",
            _prefix + "CELU": "relu", _prefix + "GELU": "gelu", _prefix + "SiLU": "silu",
            _prefix + "Mish": "silu", _prefix + "Hardswish": "silu", _prefix + "SELU": "selu",
            _prefix + "Tanh": "tanh", _prefix + "Sigmoid": "sigmoid", _prefix + "Hardtanh": "tanh",
            _prefix + "Softsign": "tanh",
        }
    )
for _prefix in ("torch.nn.functional.", "torch."):
    _ACTIVATIONS.update(
        {
            _prefix + "relu": "relu", _prefix + "relu_": "relu", _prefix + "relu6": "relu",
            _prefix + "leaky_relu": "leaky_relu", _prefix + "elu": "relu", _prefix + "gelu": "gelu",
            _prefix + "silu": "silu", _prefix + "mish": "silu", _prefix + "selu": "selu",
            _prefix + "tanh": "tanh", _prefix + "sigmoid": "sigmoid",
        }
    )

RELU_FAMILY = frozenset({"relu", "leaky_relu", "gelu", "silu"})


@dataclass(frozen=True)
class Activation:
    family: str
    spelled: str  # how the code wrote it, e.g. "nn.LeakyReLU(0.2)"
    where: str  # e.g. "class Generator"
    negative_slope: Optional[str] = None  # source text of LeakyReLU's slope when given

    def describe(self) -> str:
        return f"`{self.spelled}` in {self.where}"


def _slope(call: cst.Call, qualified: str, context: FileContext) -> str:
    """LeakyReLU's negative_slope as written (module class: 1st positional; function: 2nd)."""
    is_class = qualified.rsplit(".", 1)[-1][:1].isupper()
    position = 0 if is_class else 1
    positional = [a for a in call.args if a.keyword is None and not a.star]
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "negative_slope":
            return context.code_for(arg.value)
    if position < len(positional):
        return context.code_for(positional[position].value)
    return "0.01"


def _swish_sigmoid(node: cst.BinaryOperation, context: FileContext) -> Optional[cst.Call]:
    """`x * torch.sigmoid(x)` (either order) is SiLU/swish: the sigmoid call in it, else None."""
    if not isinstance(node.operator, cst.Multiply):
        return None
    for call, other in ((node.right, node.left), (node.left, node.right)):
        if (
            isinstance(call, cst.Call)
            and _ACTIVATIONS.get(context.resolve(call.func) or "") == "sigmoid"
            and len(call.args) == 1
            and call.args[0].value.deep_equals(other)
        ):
            return call
    return None


# Names of a model's outputs: a squashing function applied to them turns scores into
# probabilities (or bounds a prediction); it is not what the hidden layers feed.
_OUTPUT_NAME = re.compile(r"logit", re.IGNORECASE)
_OUTPUT_LAYER = re.compile(
    r"^(?:head\w*|\w*_head|classifier\w*|cls\w*|logits?|out|output\w*|fc_out|final\w*|last\w*"
    r"|pred\w*|readout|lm_head|conv_seg|conv_out)\d*$",
    re.IGNORECASE,
)
_SQUASHING = frozenset({"sigmoid", "tanh"})


def _squashes_output(call: cst.Call) -> bool:
    """`torch.sigmoid(d_logit[:, 0])`, `torch.sigmoid(logits)`, `torch.tanh(self.head(h))`:
    a sigmoid/tanh applied to a model's output (a name with "logit" in it, a slice of a
    tensor's channels, the result of a head/classifier layer), not a hidden activation."""
    positional = [a for a in call.args if a.keyword is None and not a.star]
    if len(positional) != 1:
        return False
    value = positional[0].value
    if isinstance(value, cst.Subscript):
        return True
    root = value
    while isinstance(root, cst.Attribute):
        if _OUTPUT_NAME.search(root.attr.value):
            return True
        root = root.value
    if isinstance(root, cst.Name) and _OUTPUT_NAME.search(root.value):
        return True
    return _output_layer_call(value)


def _squashing(expr: cst.BaseExpression, context: FileContext) -> bool:
    """`nn.Sigmoid()`, `nn.Tanh`: a sigmoid/tanh module, built or referenced."""
    target = expr.func if isinstance(expr, cst.Call) else expr
    return _ACTIVATIONS.get(context.resolve(target) or "") in _SQUASHING


def _output_layer_call(expr: Optional[cst.BaseExpression]) -> bool:
    """`self.head(x)`, `self.conv_out(h)`: a call of a layer named like a model's output."""
    if not isinstance(expr, cst.Call):
        return False
    func = expr.func
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    return is_output_layer_name(name)


def is_output_layer_name(name: str) -> bool:
    """`head`, `classifier`, `conv_out`, `fc_out`, `final_layer`: named like a model's output
    layer (where small or special inits are deliberate), not like a hidden one."""
    return bool(_OUTPUT_LAYER.match(name))


def _applied_to_output(use: cst.Call, previous: Optional[cst.CSTNode]) -> bool:
    """`self.sigmoid(self.head(x))`, or `x = self.head(x)` right before `x = self.sigmoid(x)`."""
    if _squashes_output(use):
        return True
    if not (use.args and isinstance(use.args[0].value, cst.Name)) or previous is None:
        return False
    lone = isinstance(previous, cst.SimpleStatementLine) and len(previous.body) == 1
    small = previous.body[0] if lone else None
    return (
        isinstance(small, cst.Assign)
        and len(small.targets) == 1
        and small.targets[0].target.deep_equals(use.args[0].value)
        and _output_layer_call(small.value)
    )


def _output_modules(klass: cst.ClassDef, context: FileContext) -> set[int]:
    """Sigmoid/tanh modules a class puts only after its last (output) layer, as ids of the
    module expressions: `self.sigmoid = nn.Sigmoid()` applied only to a head's result
    (`x = self.head(x)` then `x = self.sigmoid(x)`), or `activation=nn.Sigmoid()` given only
    to the last of several layers built by one helper, whose other calls keep its default
    activation. They squash the model's output; the hidden layers use something else."""
    from initlint.analysis.classes import class_facts  # classes builds on this package

    facts = class_facts(context, klass)
    skipped: set[int] = set()
    squashers = {
        a.attr: a.value
        for a in facts.assignments
        if a.attr is not None and isinstance(a.value, cst.Call) and _squashing(a.value, context)
    }
    if squashers:
        uses: dict[str, list[bool]] = {}
        for block in iter_nodes(klass):
            if not isinstance(block, (cst.IndentedBlock, cst.SimpleStatementSuite)):
                continue
            statements = block.body
            for index, statement in enumerate(statements):
                previous = statements[index - 1] if index else None
                for node in iter_nodes(statement, _same_block):
                    attr = _self_attr(node.func) if isinstance(node, cst.Call) else None
                    if attr in squashers:
                        uses.setdefault(attr, []).append(_applied_to_output(node, previous))
        skipped.update(id(squashers[attr]) for attr, outputs in uses.items() if all(outputs))
    # One helper builds several layers in order; only the last gets a squashing activation.
    built: dict[str, list[cst.Call]] = {}
    for assignment in facts.assignments:
        if assignment.attr is not None and isinstance(assignment.value, cst.Call):
            built.setdefault(context.code_for(assignment.value.func), []).append(assignment.value)
    for calls in built.values():
        *earlier, last = calls
        for arg in last.args:
            if (
                earlier
                and arg.keyword is not None
                and _squashing(arg.value, context)
                and all(arg.keyword.value not in _keywords(call) for call in earlier)
            ):
                skipped.add(id(arg.value))
    return skipped


def _same_block(node: cst.CSTNode) -> bool:
    """Descend into a statement but not into its nested blocks (each is visited as a block)."""
    return not isinstance(node, (cst.IndentedBlock, cst.SimpleStatementSuite))


def _keywords(call: cst.Call) -> set[str]:
    return {arg.keyword.value for arg in call.args if arg.keyword is not None}


def _collect(scope: cst.CSTNode, context: FileContext) -> list[tuple[str, cst.CSTNode, Optional[str]]]:
    """Activation families used in `scope`: calls (`nn.ReLU()`, `F.relu(x)`), references
    passed as arguments (`act_layer=nn.GELU`) and swish written out as `x * sigmoid(x)`.
    A sigmoid/tanh on a model's output (`_squashes_output`, or one compared with a threshold,
    `torch.sigmoid(x) > 0.8`, or a module only after the last layer, `_output_modules`) is
    left out: it says nothing about the hidden layers."""
    found: list[tuple[str, cst.CSTNode, Optional[str]]] = []
    part_of_swish: set[int] = set()
    thresholded: set[int] = set()
    output_modules: set[int] = set()
    for klass in iter_nodes(scope):
        if isinstance(klass, cst.ClassDef):
            output_modules |= context.memo(("output-modules", id(klass)), lambda k=klass: _output_modules(k, context))
    for node in iter_nodes(scope):
        if id(node) in output_modules:
            continue
        if isinstance(node, cst.BinaryOperation):
            sigmoid = _swish_sigmoid(node, context)
            if sigmoid is not None:
                part_of_swish.add(id(sigmoid))
                found.append(("silu", node, None))
            continue
        if isinstance(node, cst.Comparison):
            thresholded.update(id(side) for side in (node.left, *(c.comparator for c in node.comparisons)))
            continue
        if not isinstance(node, cst.Call) or id(node) in part_of_swish:
            continue
        qualified = context.resolve(node.func)
        family = _ACTIVATIONS.get(qualified or "")
        if family in _SQUASHING and (id(node) in thresholded or _squashes_output(node)):
            continue
        if family is not None:
            slope = _slope(node, qualified or "", context) if family == "leaky_relu" else None
            found.append((family, node, slope))
        for arg in node.args:
            if isinstance(arg.value, (cst.Name, cst.Attribute)):
                referenced = _ACTIVATIONS.get(context.resolve(arg.value) or "")
                if referenced is not None and id(arg.value) not in output_modules:
                    found.append((referenced, arg.value, "0.01" if referenced == "leaky_relu" else None))
    return found


def infer_activation(context: FileContext, scope: Optional[cst.CSTNode] = None) -> Optional[Activation]:
    """The most used activation in `scope` (the enclosing class by default), else in the file.

    Memoised per scope: every init call of a class asks the same question."""
    klass = scope or context.enclosing_class()
    return context.memo(("activation", id(klass)), lambda: _infer_activation(context, klass))


def _infer_activation(context: FileContext, klass: Optional[cst.CSTNode]) -> Optional[Activation]:
    scopes: list[tuple[cst.CSTNode, str]] = []
    if klass is not None:
        name = klass.name.value if isinstance(klass, cst.ClassDef) else "this scope"
        scopes.append((klass, f"class {name}"))
    scopes.append((context.module, "this file"))
    for node, where in scopes:
        found = context.memo(("activations", id(node)), lambda node=node: _collect(node, context))
        if found:
            counts = Counter(family for family, _, _ in found)
            family = counts.most_common(1)[0][0]
            for found_family, found_node, slope in found:
                if found_family == family:
                    spelled = context.code_for(found_node)
                    return Activation(family, spelled, where, slope)
    return None


def init_module_spelling(context: FileContext) -> Optional[str]:
    """How this file can refer to torch.nn.init, for writing a fix (`nn.init`, `init`, ...)."""
    direct = context.imports.local_name_for("torch.nn.init")
    if direct is not None:
        return direct
    via_nn = context.imports.local_name_for("torch.nn")
    if via_nn is not None:
        return f"{via_nn}.init"
    return None


@dataclass(frozen=True)
class InitSuggestion:
    code: str
    explanation: str


def suggest_initializer(
    context: FileContext, tensor: cst.BaseExpression, init_module: Optional[str] = None
) -> Optional[InitSuggestion]:
    """Kaiming for ReLU-family activations, Xavier with the right gain for tanh/sigmoid, matched
    to the activation on the layer's own path.

    None unless the numbers the fix announces are known to come out: the weight is a torch
    Linear/Conv weight (whose fans torch reads right) and the activation its output feeds is
    known (see `layer_path_activation`). An unsafe fix that guesses is worse than none."""
    module = init_module or init_module_spelling(context)
    if module is None:
        return None
    from initlint.analysis.layers import guard_class_names  # layers builds on this package

    guards = guard_class_names(context)
    if not standard_layout(context, tensor, guards):
        return None
    activation = layer_path_activation(context, tensor, guards)
    if activation is None:
        return None
    tensor_code = context.code_for(tensor)
    source = f"{activation.family} applied to {activation.where}"
    if activation.family == "leaky_relu":
        code = (
            f'{module}.kaiming_uniform_({tensor_code}, a={activation.negative_slope}, '
            f'nonlinearity="leaky_relu")'
        )
    elif activation.family in RELU_FAMILY:
        code = f'{module}.kaiming_uniform_({tensor_code}, nonlinearity="relu")'
    elif activation.family == "selu":
        code = f'{module}.kaiming_normal_({tensor_code}, nonlinearity="linear")'
    else:
        code = (
            f'{module}.xavier_uniform_({tensor_code}, '
            f'gain={module}.calculate_gain("{activation.family}"))'
        )
    return InitSuggestion(code, source)


# -- what an unsafe init fix may claim -------------------------------------------------------
# torch layers whose weight is laid out (out, in, *kernel), the layout torch.nn.init's fan
# computation reads: Kaiming/Xavier on them get the fans (and so the std) their message claims.
# Not ConvTranspose (in, out, ...), Bilinear (out, in1, in2), embeddings (a table, N(0, 1)), or
# any parameter a class builds itself (1-D gains, stacked (layers, out, in) weights, x @ W).
STANDARD_LAYOUT_LAYERS = frozenset(
    f"torch.nn.{name}" for name in ("Linear", "LazyLinear", "Conv1d", "Conv2d", "Conv3d")
)


def _self_attr(expr: cst.BaseExpression) -> Optional[str]:
    """`self.fc` → "fc"."""
    if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and expr.value.value == "self":
        return expr.attr.value
    return None


def _layer_attr(tensor: cst.BaseExpression) -> Optional[str]:
    """`self.fc.weight` → "fc" (the layer a weight belongs to, built in this class)."""
    return _self_attr(tensor.value) if isinstance(tensor, cst.Attribute) else None


def _class_layers(context: FileContext, klass: cst.ClassDef) -> dict[str, str]:
    """`self.<attr> = nn.X(...)` in `__init__` → {attr: "torch.nn.X"} (qualified torch names)."""
    from initlint.analysis.classes import class_facts  # classes builds on this package

    def compute() -> dict[str, str]:
        found: dict[str, str] = {}
        for assignment in class_facts(context, klass).assignments:
            value = assignment.value
            if assignment.attr is not None and isinstance(value, cst.Call):
                found[assignment.attr] = context.resolve(value.func) or ""
        return found

    return context.memo(("class-layers", id(klass)), compute)


def _activation_module(context: FileContext, klass: cst.ClassDef, call: cst.Call) -> Optional[str]:
    """The activation `call` applies, as "family" or "leaky_relu:<slope>": `F.relu(h)`,
    `F.leaky_relu(h, 0.2)`, `self.act(h)` with `self.act = nn.ReLU()` in `__init__`."""
    qualified = context.resolve(call.func) or ""
    family = _ACTIVATIONS.get(qualified)
    if family is not None:
        return f"{family}:{_slope(call, qualified, context)}" if family == "leaky_relu" else family
    attr = _self_attr(call.func)
    if attr is None:
        return None
    from initlint.analysis.classes import class_facts  # classes builds on this package

    built = class_facts(context, klass).constructor(attr)
    if built is None:
        return None
    qualified = context.resolve(built.func) or ""
    family = _ACTIVATIONS.get(qualified)
    if family == "leaky_relu":
        return f"{family}:{_slope(built, qualified, context)}"
    return family


def _consumers(context: FileContext, klass: cst.ClassDef, attr: str) -> list[Optional[str]]:
    """For every call `self.<attr>(...)` in the class's methods, the activation family applied
    right to its result (`act(self.fc(x))`, or `h = self.fc(x)` then `h = act(h)` as the next
    statement), None where anything else uses it. One pass per class."""

    def compute() -> dict[str, list[Optional[str]]]:
        found: dict[str, list[Optional[str]]] = {}
        for method in klass.body.body:
            if isinstance(method, cst.FunctionDef):
                for call, family in _layer_calls(context, klass, method.body):
                    called = _self_attr(call.func)
                    if called is not None:
                        found.setdefault(called, []).append(family)
        return found

    return context.memo(("layer-consumers", id(klass)), compute).get(attr, [])


def _next_activation(
    context: FileContext, klass: cst.ClassDef, statement: cst.CSTNode, after: Optional[cst.CSTNode]
) -> tuple[Optional[cst.Call], Optional[str]]:
    """`h = f(x)` followed by `h = act(h)` (or `return act(h)`): (the call `f(x)`, act's family)."""
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return None, None
    assign = statement.body[0]
    if not (
        isinstance(assign, cst.Assign)
        and len(assign.targets) == 1
        and isinstance(assign.targets[0].target, cst.Name)
        and isinstance(assign.value, cst.Call)
    ):
        return None, None
    if not (isinstance(after, cst.SimpleStatementLine) and len(after.body) == 1):
        return assign.value, None
    small = after.body[0]
    value = small.value if isinstance(small, (cst.Assign, cst.Expr, cst.Return)) else None
    name = assign.targets[0].target.value
    if (
        isinstance(value, cst.Call)
        and value.args
        and isinstance(value.args[0].value, cst.Name)
        and value.args[0].value.value == name
    ):
        return assign.value, _activation_module(context, klass, value)
    return assign.value, None


def _layer_calls(
    context: FileContext, klass: cst.ClassDef, block: cst.CSTNode
) -> Iterator[tuple[cst.Call, Optional[str]]]:
    """Every call in `block` (not in nested scopes) with the activation applied to its result."""
    body = list(getattr(block, "body", ()))
    for index, statement in enumerate(body):
        after = body[index + 1] if index + 1 < len(body) else None
        assigned, following = _next_activation(context, klass, statement, after)
        # (node, parent, grandparent, great-grandparent)
        stack: list[tuple[cst.CSTNode, Optional[cst.CSTNode], Optional[cst.CSTNode], Optional[cst.CSTNode]]] = [
            (statement, None, None, None)
        ]
        while stack:
            node, parent, grandparent, above = stack.pop()
            if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                continue
            if isinstance(node, cst.IndentedBlock):
                yield from _layer_calls(context, klass, node)
                continue
            if isinstance(node, cst.Call):
                family: Optional[str] = following if node is assigned else None
                if (
                    isinstance(parent, cst.Arg)
                    and isinstance(grandparent, cst.Call)
                    and grandparent.args
                    and grandparent.args[0] is parent
                ):
                    family = _activation_module(context, klass, grandparent)
                    if family is not None and _residual_end(above, grandparent):
                        family = None  # `x + act(self.fc(x))`: the branch's end, no layer follows
                yield node, family
            for child in source_children(node):  # (whitespace and comments hold no call)
                stack.append((child, node, parent, grandparent))


def _residual_end(parent: Optional[cst.CSTNode], activation: cst.CSTNode) -> bool:
    """`x + act(...)` (or `act(...) + x`), `x` a plain name: the activation's output is added
    to the block's input, a residual branch that ends there."""
    if not (isinstance(parent, cst.BinaryOperation) and isinstance(parent.operator, cst.Add)):
        return False
    other = parent.right if parent.left is activation else parent.left
    return isinstance(other, cst.Name)


def layer_path_activation(
    context: FileContext, tensor: cst.BaseExpression, guards: Sequence[str]
) -> Optional[Activation]:
    """The activation on the layer's own path, when it is known, for an unsafe init fix.

    `self.fc.weight`: every call of `self.fc` in the class feeds the same activation
    (`act(self.fc(x))`, or `h = self.fc(x)` then `h = act(h)`). `m.weight` under
    `isinstance(m, nn.Linear)` in a method of a class: every such layer the class builds feeds
    the same one, and the class builds no module of its own kinds whose layers could reach too.
    None otherwise: an activation found elsewhere in the file or class says nothing about this
    layer (it may be an output head, an attention projection, or feed a different activation)."""
    klass = context.enclosing_class()
    if klass is None:
        return None
    attr = _layer_attr(tensor)
    layers = _class_layers(context, klass)
    if attr is not None:
        candidates = [attr]
    elif guards and isinstance(tensor, cst.Attribute) and isinstance(tensor.value, cst.Name):
        wanted = set(guards)
        if not wanted <= STANDARD_LAYOUT_LAYERS:
            return None
        if any(not qualified.startswith("torch.nn.") for qualified in layers.values()):
            return None  # a submodule of a class whose layers we did not look at
        candidates = [name for name, qualified in layers.items() if qualified in wanted]
    else:
        return None
    families: set[str] = set()
    for name in candidates:
        consumers = _consumers(context, klass, name)
        if not consumers or any(family is None for family in consumers):
            return None
        families.update(family for family in consumers if family is not None)
    if len(families) != 1:
        return None
    family, _, slope = families.pop().partition(":")
    owner = f"`self.{attr}`" if attr is not None else f"every {', '.join(sorted(g.rsplit('.', 1)[-1] for g in guards))} layer"
    return Activation(family, family, f"the output of {owner} in class {klass.name.value}", slope or None)


def standard_layout(context: FileContext, tensor: cst.BaseExpression, guards: Sequence[str]) -> bool:
    """The weight belongs to a torch Linear/Conv layer (an `isinstance` test that names only such
    classes, or `self.fc = nn.Linear(...)` in the class), whose (out, in, *kernel) layout
    torch.nn.init's fans read right."""
    attr = _layer_attr(tensor)
    if attr is not None:
        klass = context.enclosing_class()
        return klass is not None and _class_layers(context, klass).get(attr) in STANDARD_LAYOUT_LAYERS
    return bool(guards) and set(guards) <= STANDARD_LAYOUT_LAYERS


# Activations after which a layer is a hidden layer of a stack (not a gate or a probability head).
HIDDEN_FAMILIES = frozenset({"relu", "leaky_relu", "gelu", "silu", "selu", "tanh"})


def _file_layer_consumers(context: FileContext) -> dict[tuple[int, str], Optional[str]]:
    """(line, class name) of every `self.<attr> = <layer>(...)` the project index records for a
    class of this file → the one activation family every call of `self.<attr>` in that class
    feeds (None when a call feeds none or two families, when there is no call, or when another
    build of that class on the same line, such as one inside an `nn.Sequential`, could be the
    one meant). One pass per file."""
    from initlint.analysis.classes import file_classes  # classes builds on this package

    def compute() -> dict[tuple[int, str], Optional[str]]:
        view = context.project
        found: dict[tuple[int, str], Optional[str]] = {}
        for name, klass in file_classes(context).items():
            entry = view.index.class_(view.qualify(name))
            if entry is None:
                continue
            for build in entry[1].layers:
                key = (build.line, build.cls.rsplit(".", 1)[-1])
                if key in found or build.attr is None:
                    found[key] = None  # ambiguous, or a layer that is no attribute of its own
                    continue
                consumers = _consumers(context, klass, build.attr)
                families = {c.partition(":")[0] if c is not None else None for c in consumers}
                found[key] = families.pop() if len(families) == 1 else None
        # `nn.Sequential(nn.Linear(a, b), nn.ReLU(), ...)`: an element's output feeds the next
        # element, so a layer followed by an activation module feeds that activation
        summary = view.index.summary_of_module(view.module)
        sequential: dict[tuple[int, str], Optional[str]] = {}
        for line, layer, after in summary.sequence_pairs if summary is not None else ():
            family = _ACTIVATIONS.get(after)
            if family is not None:
                key = (line, layer.rsplit(".", 1)[-1])
                sequential[key] = family if sequential.get(key, family) == family else None
        for key, family in sequential.items():
            if found.get(key) is None:
                found[key] = family
        return found

    return context.memo(("file-layer-consumers",), compute)


@dataclass(frozen=True)
class StackFacts:
    """What the project knows about the Linear/Conv layers an init reaches: `depth` how many
    (None when not known: an incomplete reach, or a layer built in a loop), and for each known
    layer the activation family its own output feeds (None where not known)."""

    depth: Optional[int]
    families: tuple[Optional[str], ...]

    def feeding(self, families: frozenset[str]) -> int:
        """How many of the reached layers are known to feed one of `families`."""
        return sum(1 for family in self.families if family in families)


def stack_facts(context: FileContext, tensor: cst.BaseExpression, guards: Sequence[str]) -> Optional[StackFacts]:
    """The Linear/Conv layers the init of `tensor` reaches (the project index's reach narrowed to
    the `isinstance` branch, or the enclosing class's own layers for `self.fc.weight`) and the
    activation each one's output feeds, read from the calls of `self.<attr>` in the class that
    builds it (a class of this file; layers of other files count as not known). None when the
    reach is not known at all, or `guards` holds a name fragment (`classname.find("Conv")`)
    rather than a class to narrow by."""
    view = context.project
    if any("." not in name and view.resolve_name(name) is None for name in guards):
        return None
    reach = view.stack_reach(context, tensor, guards)
    if reach is None:
        return None
    kinds = ("linear", "conv")
    depth = reach.count(kinds)
    consumers = _file_layer_consumers(context)
    families = tuple(
        consumers.get((use.line, use.short_name)) if use.module == view.module else None
        for use in reach.layers
        if use.kind in kinds
    )
    return StackFacts(depth, families)


# `self.act`, `self.activation`, `self.lrelu`: modules named as activations (often built from a
# config, `MODELS.build(act_cfg)`, so the constructor says nothing).
_ACTIVATION_ATTR = re.compile(r"^(?:act|activation|nonlinearity|relu|lrelu|leaky_relu|gelu|silu|tanh)\w*$", re.I)


def _calls_in_order(node: cst.CSTNode) -> Iterator[cst.Call]:
    """Calls in evaluation order (arguments before the call that takes them), not into nested
    functions, lambdas or classes."""
    if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
        return
    for child in source_children(node):  # (whitespace and comments hold no call)
        yield from _calls_in_order(child)
    if isinstance(node, cst.Call):
        yield node


def normalized_next(context: FileContext, klass: cst.ClassDef, attr: str) -> Optional[str]:
    """The norm module (`self.<norm>`) that every use of layer `self.<attr>` in the class's
    methods feeds before any other layer: `x = self.fc(x)`, maybe an activation, then
    `x = self.bn(x)` (or `self.norm(act(self.fc(x)))`). The norm rescales the output to unit
    variance, so the layer's weight scale does not compound. The norm must be built in
    `__init__` by a call whose name says norm (`nn.BatchNorm1d`, `nn.LayerNorm`,
    `build_norm_layer(...)` unpacked); a call of any other module of the class in between
    (another layer, or one whose kind is unknown) answers None, as does a use never followed
    by the norm."""
    from initlint.analysis.classes import class_facts, is_self_attribute  # classes builds on this package

    facts = class_facts(context, klass)
    if facts.init is None:
        return None
    norms: set[str] = set()
    modules: set[str] = set()
    for assign in find_all(facts.init, cst.Assign):
        if not isinstance(assign.value, cst.Call):
            continue
        func = assign.value.func
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        for target in assign.targets:
            elements = (
                [e.value for e in target.target.elements]
                if isinstance(target.target, (cst.Tuple, cst.List))
                else [target.target]
            )
            for element in elements:
                built = is_self_attribute(element)
                if built is None:
                    continue
                modules.add(built)
                if "norm" in name.lower() and built != attr:
                    norms.add(built)
    if not norms:
        return None
    found: Optional[str] = None
    used = False
    for method_name, method in facts.methods.items():
        if method_name == "__init__":
            continue
        pending = False
        for call in _calls_in_order(method.body):
            called = _self_attr(call.func)
            if called is None or called in facts.methods:
                continue
            if called == attr:
                if pending:
                    return None  # used twice with no norm between
                pending, used = True, True
            elif not pending:
                continue
            elif called in norms:
                pending, found = False, called
            elif called in modules and not (
                _ACTIVATION_ATTR.match(called) or _activation_module(context, klass, call) is not None
            ):
                return None  # another module first
        if pending:
            return None
    return found if used else None

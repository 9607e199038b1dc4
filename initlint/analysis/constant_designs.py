"""Constant weights that are a design, told from facts rather than names.

A constant weight is a symmetry bug only where a layer has several units that would stay alike.
Three designs set one on purpose, and each is recognised from what the code does:

- a **fixed kernel**: every layer the weight can belong to is a 1→1-channel convolution (repeat /
  nearest-neighbour upsampling, smoothing), known from the layers' constructors anywhere in the
  project (the layers reaching an init function, or every construction of a conv subclass whose
  own `reset_parameters` sets the constant);
- a **moving average**: the constant is `1 / k` and every layer it can reach is a `Linear(k, ...)`
  (its input size written as the same `k`): each output starts as the mean of its window;
- an **identity head**: the weight is zeroed and the same layer's bias is set to a non-zero value
  right there, so the layer starts by outputting that bias (a spatial transformer's identity
  transform).

Each question returns the reason to print, or None when the facts are not known.
"""

from __future__ import annotations

from typing import Optional, Sequence

import libcst as cst

from initlint.analysis.context import FileContext
from initlint.analysis.library import CHANNEL_ARGUMENTS
from initlint.analysis.project import LayerUse, Reach
from initlint.analysis.tensors import init_call, literal_number, tensor_ref
from initlint.analysis.walk import iter_nodes

_CONVOLUTIONS = frozenset(name for name, spec in CHANNEL_ARGUMENTS.items() if spec.groups is not None)


def _where(use: LayerUse) -> str:
    return f"`{use.short_name}({', '.join(use.args)})` in `{use.module}` line {use.line}"


def _owner_layers(context: FileContext, tensor: cst.BaseExpression, guards: Sequence[str]) -> Reach:
    """The layers `tensor` can belong to, as the project knows them: for `m.weight` in an init
    function, the modules of the `isinstance` classes that reach it (or, when nothing in the
    project applies or calls the function, those classes' constructions in this file); for
    `self.weight` in a subclass of a torch layer, every construction of that class."""
    view = context.project
    if not isinstance(tensor, cst.Attribute) or not isinstance(tensor.value, cst.Name):
        return Reach((), False)
    owner = tensor.value.value
    if owner == "self":
        klass = context.enclosing_class()
        if klass is None:
            return Reach((), False)
        qual = view.class_qualname_of(context, klass)
        order, _ = view.index.mro(qual)
        if not any(name.rsplit(".", 1)[-1] in CHANNEL_ARGUMENTS for name in order[1:]):
            return Reach((), False)
        return view.index.constructions(qual)
    function = view.current_function(context)
    if function is None or not guards:
        return Reach((), False)
    reach = view.reaching(function, narrowed_to=tuple(guards))
    if reach.layers or reach.sources:
        return reach
    classes = [view.resolve_name(g) or context.resolve(cst.parse_expression(g)) or g for g in guards]
    uses: list[LayerUse] = []
    for cls in classes:
        uses.extend(view.index.constructions(cls, module=view.module).layers)
    return Reach(tuple(uses), False, ("constructions in this file",))


def fixed_kernel(context: FileContext, tensor: cst.BaseExpression, guards: Sequence[str]) -> Optional[str]:
    """Every known layer `tensor` belongs to is a 1→1-channel convolution: why a constant is fine."""
    layers = _owner_layers(context, tensor, guards).layers
    if not layers:
        return None
    for use in layers:
        if use.args[:2] != ("1", "1"):
            return None
        if not any(
            name.rsplit(".", 1)[-1] in _CONVOLUTIONS for name in context.project.index.mro(use.cls)[0]
        ) and use.short_name not in _CONVOLUTIONS:
            return None
    return (
        f"every layer it can belong to is a 1→1-channel convolution ({_where(layers[0])}): a fixed "
        "kernel (repeat, nearest-neighbour upsampling, smoothing), with no units to keep apart"
    )


def moving_average(
    context: FileContext, tensor: cst.BaseExpression, value: Optional[cst.BaseExpression], guards: Sequence[str]
) -> Optional[str]:
    """The constant is `1 / k` and every known layer is a `Linear(k, ...)`: an average of its inputs."""
    if not (isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Divide)):
        return None
    if literal_number(value.left) != 1.0:
        return None
    k = context.dotted(value.right)
    layers = _owner_layers(context, tensor, guards).layers
    if k is None or not layers:
        return None
    if not all(use.short_name == "Linear" and use.args[:1] == (k,) for use in layers):
        return None
    return (
        f"`1 / {k}` on `Linear({k}, ...)` layers ({_where(layers[0])}): each output starts as the "
        "mean of its inputs (a moving-average start), and outputs tell apart through their own targets"
    )


def identity_head(context: FileContext, tensor: cst.BaseExpression) -> Optional[str]:
    """The weight is zeroed and the same layer's bias is set to a non-zero value in the same
    function: the layer starts by outputting a chosen value (e.g. the identity transform)."""
    function = context.enclosing_function()
    if function is None or not isinstance(tensor, cst.Attribute):
        return None
    layer = context.code_for(tensor.value)

    def bias_set() -> Optional[str]:
        for node in iter_nodes(function.body):
            if not isinstance(node, cst.Call):
                continue
            call = init_call(node, context)
            if call is None or not call.tensor.is_bias:
                continue
            if not isinstance(call.tensor.expr, cst.Attribute) or context.code_for(call.tensor.expr.value) != layer:
                continue
            if call.function == "copy_":
                return context.code_for(call.node)
            if call.function in ("fill_", "constant_"):
                number = literal_number(call.argument(0, "value" if call.is_method else "val"))
                if number not in (None, 0.0):
                    return context.code_for(call.node)
        for node in iter_nodes(function.body):
            if isinstance(node, cst.Assign) and len(node.targets) == 1:
                target = tensor_ref(node.targets[0].target)
                if target.is_bias and isinstance(target.expr, cst.Attribute) and context.code_for(target.expr.value) == layer:
                    if literal_number(node.value) != 0.0:
                        return context.code_for(node.targets[0].target)
        return None

    found = context.memo(("identity-head", id(function), layer), bias_set)
    if found is None:
        return None
    return (
        f"its bias is set right here (`{found}`), so `{layer}` starts by outputting that value (an "
        "identity or reference start, as in a spatial transformer's affine head)"
    )

"""Recognise init operations and the tensor they act on, whatever form the code uses.

`nn.init.zeros_(m.weight)`, `init.zeros_(m.weight)`, `m.weight.data.zero_()` and
`m.weight.detach().zero_()` all zero the same tensor; rules see one `InitCall` for each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from initlint.analysis.context import FileContext
from initlint.analysis.library import LibraryInit, library_init, library_module_init

# In-place tensor methods that (re)initialize a tensor, mapped to their torch.nn.init twin.
TENSOR_INIT_METHODS: dict[str, str] = {
    "zero_": "zeros_",
    "fill_": "constant_",
    "normal_": "normal_",
    "uniform_": "uniform_",
    "copy_": "copy_",
}

# Weight matrices: `weight`, `in_proj_weight`, LSTM's `weight_ih_l0`, weight norm's `weight_v`;
# not quantization scales or zero points (`weight_scale`), nor weight norm's gain `weight_g`.
_WEIGHT_NAME = re.compile(r"^(?:weight|weights|w|W|kernel)$|_weight$|^weight_(?:ih|hh|v|orig)")
_BIAS_NAME = re.compile(r"bias", re.IGNORECASE)
# Names of parameters created directly that mean "the weight matrix" (`self.w1`, `self.weight_q`).
WEIGHT_MATRIX_NAME = re.compile(
    r"^(?:w|W)(?:\d+|_\w+)?$|^weights?(?:_\w+|\d+)?$|_weights?$|^kernel\d*$"
)


def is_weight_name(name: str) -> bool:
    return bool(_WEIGHT_NAME.search(name))


@dataclass(frozen=True)
class TensorRef:
    """`self.fc.weight.data` → expr=`self.fc.weight`, owner="fc", attr="weight"."""

    expr: cst.BaseExpression
    attr: Optional[str]
    owner: Optional[str]

    @property
    def is_bias(self) -> bool:
        return self.attr is not None and bool(_BIAS_NAME.search(self.attr))

    @property
    def is_weight(self) -> bool:
        return self.attr is not None and bool(_WEIGHT_NAME.search(self.attr))


def tensor_ref(expr: cst.BaseExpression) -> TensorRef:
    """Strip `.data` and `.detach()` and name what is left."""
    while True:
        if isinstance(expr, cst.Attribute) and expr.attr.value in ("data",):
            expr = expr.value
        elif (
            isinstance(expr, cst.Call)
            and isinstance(expr.func, cst.Attribute)
            and expr.func.attr.value == "detach"
            and not expr.args
        ):
            expr = expr.func.value
        else:
            break
    attr: Optional[str] = None
    owner: Optional[str] = None
    if isinstance(expr, cst.Attribute):
        attr = expr.attr.value
        inner = expr.value
        if isinstance(inner, cst.Attribute):
            owner = inner.attr.value
        elif isinstance(inner, cst.Name):
            owner = inner.value
    elif isinstance(expr, cst.Name):
        attr = expr.value
    return TensorRef(expr, attr, owner)


@dataclass(frozen=True)
class InitCall:
    """One init operation: `function` is torch.nn.init's name for it (`zeros_`, `normal_`...)."""

    node: cst.Call
    function: str
    tensor: TensorRef
    args: tuple[cst.Arg, ...]  # the arguments after the tensor
    is_method: bool
    spelled_module: Optional[str]  # `nn.init` in `nn.init.zeros_(...)`; None for bare names
    # the qualified name of a library helper standing in for `function` (PyG's `glorot`): its
    # signature is not torch's, so a fix must not rewrite it as if it were
    library: Optional[str] = None
    # False when the helper's values are not `function`'s with `args` (see LibraryInit)
    draw_as_twin: bool = True
    # the library helper does nothing when given None (PyG's `zeros(self.bias)`)
    none_safe: bool = False

    def argument(self, position: int, keyword: str) -> Optional[cst.BaseExpression]:
        """The argument at `position` (after the tensor) or passed as `keyword`."""
        for arg in self.args:
            if arg.keyword is not None and arg.keyword.value == keyword:
                return arg.value
        positional = [a for a in self.args if a.keyword is None and not a.star]
        return positional[position].value if position < len(positional) else None


def init_call(node: cst.Call, context: FileContext) -> Optional[InitCall]:
    """The init operation `node` performs, or None. Asked by several rules and analyses for
    the same call (six times per call on transformers), so answered once per node."""
    known = context.init_calls.get(id(node))
    if known is not None and known[0] is node:
        return known[1]
    found = _init_call(node, context)
    context.init_calls[id(node)] = (node, found)  # the node is kept: its id stays its own
    return found


def _init_call(node: cst.Call, context: FileContext) -> Optional[InitCall]:
    function = context.init_function(node.func)
    if function is not None:
        if not node.args or node.args[0].keyword is not None or node.args[0].star:
            return None
        spelled = None
        if isinstance(node.func, cst.Attribute):
            spelled = context.code_for(node.func.value)
        return InitCall(
            node, function, tensor_ref(node.args[0].value), tuple(node.args[1:]), False, spelled
        )
    qualified = context.resolve(node.func)
    helper = library_init(qualified)
    if helper is not None:
        return _library_call(node, helper, qualified or "")
    if isinstance(node.func, cst.Attribute):
        method = node.func.attr.value
        twin = TENSOR_INIT_METHODS.get(method)
        if twin is not None:
            return InitCall(node, twin, tensor_ref(node.func.value), tuple(node.args), True, None)
    return None


def module_init_call(node: cst.Call, context: FileContext) -> Optional[InitCall]:
    """`xavier_init(m, gain=g)`, `normal_init(m, 0, std)` (mmengine/mmcv helpers that fill a
    module's weight) as their torch.nn.init twin with the arguments it shares; `tensor` is the
    module. Kept out of `init_call`: what such a helper writes is `m.weight` and `m.bias`."""
    qualified = context.resolve(node.func)
    helper = library_module_init(qualified)
    if helper is None:
        return None
    return _library_call(node, helper.as_tensor_init(), qualified or "")


def _library_call(node: cst.Call, helper: LibraryInit, qualified: str) -> Optional[InitCall]:
    """`glorot(w)`, `uniform(size, w)`, `normal(w, 0, 0.1)` as their torch.nn.init twin, with the
    arguments the twin shares passed by the twin's keywords."""
    if any(arg.star for arg in node.args):
        return None
    positional = [arg for arg in node.args if arg.keyword is None]
    keywords = {arg.keyword.value: arg for arg in node.args if arg.keyword is not None}

    def find(position: int, keyword: str) -> Optional[cst.Arg]:
        if keyword in keywords:
            return keywords[keyword]
        return positional[position] if position < len(positional) else None

    tensor = find(*helper.tensor)
    if tensor is None:
        return None
    passed = []
    for position, keyword, twin_keyword in helper.arguments:
        found = find(position, keyword)
        if found is not None:
            passed.append(cst.Arg(value=found.value, keyword=cst.Name(twin_keyword)))
    return InitCall(
        node, helper.twin, tensor_ref(tensor.value), tuple(passed), False, None,
        library=qualified, draw_as_twin=helper.draw_as_twin, none_safe=helper.none_safe,
    )


_CONSTANT_FILLS = {"zeros_": 0.0, "zeros": 0.0, "ones_": 1.0, "ones": 1.0}


# torch.nn.init functions (and their tensor-method twins) whose values do not depend on a random
# draw: every tensor they are given, and every fresh layer given the same call, gets the same values.
DETERMINISTIC_INITS = frozenset(
    {"zeros_", "zeros", "ones_", "ones", "constant_", "constant", "eye_", "eye", "dirac_", "dirac"}
)


def is_deterministic(call: InitCall) -> bool:
    """Does the init write fixed values (`zeros_`, `constant_(b, prior_bias)`, `t.fill_(v)`),
    not a random draw or a copy of another tensor?"""
    return call.function in DETERMINISTIC_INITS


def fill_argument(call: InitCall) -> Optional[cst.BaseExpression]:
    """The value argument of `constant_(t, v)` / `t.fill_(v)`; None for other init calls."""
    if call.function in ("constant_", "constant"):
        return call.argument(0, "value" if call.is_method else "val")
    return None


def fill_value(call: InitCall) -> Optional[float]:
    """The constant an init call writes (`zeros_`, `t.zero_()`, `ones_`, `constant_(t, 0.5)`,
    `t.fill_(1)`); None for draws, copies and computed values."""
    if call.function in _CONSTANT_FILLS:
        return _CONSTANT_FILLS[call.function]
    return literal_number(fill_argument(call))


def literal_number(expr: Optional[cst.BaseExpression]) -> Optional[float]:
    """Value of `0`, `1.0`, `-0.5`, `1e-3`; None when it is not a plain numeric literal."""
    if expr is None:
        return None
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        inner = literal_number(expr.expression)
        return -inner if inner is not None else None
    if isinstance(expr, (cst.Integer, cst.Float)):
        return float(expr.evaluated_value)
    return None

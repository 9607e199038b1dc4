"""Which nonlinearity a model uses, so a suggested initializer can match it.

Kaiming (He) init keeps the variance of ReLU-family activations; Xavier (Glorot) with
`calculate_gain` suits tanh/sigmoid. We look at the modules a class builds and the functional
calls it makes, and say where the answer came from so the user can judge it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from initlint.analysis.context import FileContext
from initlint.analysis.walk import iter_nodes

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


def _collect(scope: cst.CSTNode, context: FileContext) -> list[tuple[str, cst.CSTNode, Optional[str]]]:
    """Activation families used in `scope`: calls (`nn.ReLU()`, `F.relu(x)`), references
    passed as arguments (`act_layer=nn.GELU`) and swish written out as `x * sigmoid(x)`."""
    found: list[tuple[str, cst.CSTNode, Optional[str]]] = []
    part_of_swish: set[int] = set()
    for node in iter_nodes(scope):
        if isinstance(node, cst.BinaryOperation):
            sigmoid = _swish_sigmoid(node, context)
            if sigmoid is not None:
                part_of_swish.add(id(sigmoid))
                found.append(("silu", node, None))
            continue
        if not isinstance(node, cst.Call) or id(node) in part_of_swish:
            continue
        qualified = context.resolve(node.func)
        family = _ACTIVATIONS.get(qualified or "")
        if family is not None:
            slope = _slope(node, qualified or "", context) if family == "leaky_relu" else None
            found.append((family, node, slope))
        for arg in node.args:
            if isinstance(arg.value, (cst.Name, cst.Attribute)):
                referenced = _ACTIVATIONS.get(context.resolve(arg.value) or "")
                if referenced is not None:
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
    context: FileContext, tensor_code: str, init_module: Optional[str] = None
) -> Optional[InitSuggestion]:
    """Kaiming for ReLU-family activations, Xavier with the right gain for tanh/sigmoid."""
    module = init_module or init_module_spelling(context)
    if module is None:
        return None
    activation = infer_activation(context)
    if activation is None:
        return InitSuggestion(
            f"{module}.xavier_uniform_({tensor_code})",
            "no activation found in the class or file, so Xavier (linear gain)",
        )
    source = f"inferred {activation.family} from {activation.describe()}"
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

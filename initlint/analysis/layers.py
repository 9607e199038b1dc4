"""What kind of layer a piece of init code is looking at, from the branch that guards it.

`if isinstance(m, nn.Linear):`, `elif type(m) in (nn.Conv2d,)` and the DCGAN-style
`classname.find('BatchNorm') != -1` all tell us which layers reach the code below them.
"""

from __future__ import annotations

import enum
import re
from typing import Iterable, Optional

import libcst as cst

from initlint.analysis.context import FileContext
from initlint.analysis.imports import dotted_name


class LayerKind(str, enum.Enum):
    NORM = "norm"
    LINEAR = "linear"
    CONV = "conv"
    EMBEDDING = "embedding"
    OTHER = "other"


_CONV = re.compile(r"Conv(?:Transpose)?(?:\d[dD])?(?:$|_|Same|Ws|Std|Module|Layer|Wrapper|[A-Z]{2})")
_EMBEDDING = re.compile(r"Embedding(?:Bag)?$|^Embedding")


def classify(class_name: str) -> LayerKind:
    """By the class's own name: works for torch's layers and for most user subclasses.

    `StdConv2d`, `Conv1D` and `MyConv` are convolutions; `ConvNextV2GRN` or `ConvBnAct` blocks are
    not; `XxxEmbeddings` containers are not embedding layers.
    """
    last = class_name.rsplit(".", 1)[-1]
    lowered = last.lower()
    if "norm" in lowered:
        return LayerKind.NORM
    if _EMBEDDING.search(last):
        return LayerKind.EMBEDDING
    if _CONV.search(last):
        return LayerKind.CONV
    if "linear" in lowered or lowered in {"dense", "bilinear"}:
        return LayerKind.LINEAR
    return LayerKind.OTHER


def _class_names(expr: cst.BaseExpression, context: FileContext) -> list[str]:
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
        return _class_names(expr.left, context) + _class_names(expr.right, context)  # A | B
    if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
        names: list[str] = []
        for element in expr.elements:
            names.extend(_class_names(element.value, context))
        return names
    resolved = context.resolve(expr) or dotted_name(expr)
    return [resolved] if resolved else []


def _string_values(expr: cst.BaseExpression) -> list[str]:
    if isinstance(expr, cst.SimpleString):
        value = expr.evaluated_value
        return [value] if isinstance(value, str) else []
    return []


def names_in_test(test: cst.BaseExpression, context: FileContext) -> list[str]:
    """Class names (qualified where imported) or class-name fragments a branch test checks."""
    if isinstance(test, cst.BooleanOperation):
        return names_in_test(test.left, context) + names_in_test(test.right, context)
    if isinstance(test, cst.Call):
        func = test.func
        if isinstance(func, cst.Name) and func.value == "isinstance" and len(test.args) == 2:
            return _class_names(test.args[1].value, context)
        # classname.find('Conv')
        if isinstance(func, cst.Attribute) and func.attr.value in {"find", "startswith", "endswith"}:
            return [s for arg in test.args for s in _string_values(arg.value)]
        return []
    if isinstance(test, cst.Comparison):
        names: list[str] = names_in_test(test.left, context)
        for target in test.comparisons:
            if _names_a_class(test.left, context) or _names_a_class(target.comparator, context):
                # `'Linear' in m.__class__.__name__`, `classname == 'Conv2d'`: not `'fc' in name`
                names += _string_values(target.comparator) + _string_values(test.left)
            if _is_type_of(test.left) or _is_type_of(target.comparator):
                other = target.comparator if _is_type_of(test.left) else test.left
                names += _class_names(other, context)
        return names
    return []


def _names_a_class(expr: cst.BaseExpression, context: FileContext) -> bool:
    """`m.__class__.__name__`, `type(m).__name__` or a variable called like `classname`."""
    if isinstance(expr, cst.Attribute) and expr.attr.value in {"__name__", "__qualname__"}:
        return True
    return isinstance(expr, cst.Name) and "class" in expr.value.lower()


def type_subject(expr: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """`type(m)` or `m.__class__` → `m`; None for anything else."""
    if isinstance(expr, cst.Attribute) and expr.attr.value == "__class__":
        return expr.value
    if (
        isinstance(expr, cst.Call)
        and isinstance(expr.func, cst.Name)
        and expr.func.value == "type"
        and len(expr.args) == 1
        and expr.args[0].keyword is None
        and not expr.args[0].star
    ):
        return expr.args[0].value
    return None


def _is_type_of(expr: cst.BaseExpression) -> bool:
    return type_subject(expr) is not None


def guard_class_names(context: FileContext) -> list[str]:
    """Class names tested by the `if`/`elif` branches the current node sits in (innermost first)."""
    names: list[str] = []
    previous: Optional[cst.CSTNode] = None
    for node in context.ancestors():
        if isinstance(node, cst.If) and previous is node.body:
            names.extend(names_in_test(node.test, context))
        previous = node
    return names


def kinds_of(names: Iterable[str]) -> set[LayerKind]:
    return {classify(name) for name in names}


# torch's private norm base classes and the public classes that derive from them.
_NORM_BASES = {"_NormBase": ("BatchNorm", "InstanceNorm"), "_BatchNorm": ("BatchNorm",),
               "_InstanceNorm": ("InstanceNorm",), "_LazyNormBase": ("LazyBatchNorm", "LazyInstanceNorm")}


def branch_covers(tested: str, class_name: str) -> bool:
    """Does a branch that tests `tested` (a class name from `isinstance`, or a fragment from
    `classname.find('Norm')`) let a layer of the torch.nn class `class_name` in?"""
    last = tested.rsplit(".", 1)[-1]
    if last == class_name:
        return True
    if last in _NORM_BASES:
        return any(class_name.startswith(p) or class_name == "Sync" + p for p in _NORM_BASES[last])
    if tested.startswith("torch.") or not last:
        return False
    return "." not in tested and last in class_name  # `classname.find('BatchNorm') != -1`


# torch.nn layers an `isinstance` test matches exactly (none subclasses another; `Lazy*` does)
_TORCH_EXACT = re.compile(r"(?:Lazy)?((?:Conv|ConvTranspose|BatchNorm|InstanceNorm)[123]d|Linear)")


def dispatch_matches(layer: str, tested: Iterable[str], torch_layer: bool) -> bool:
    """Would an init branch that tests `tested` (isinstance classes, or name fragments) let a
    layer of class `layer` in? The same class, or the same kind of layer; torch's own
    dimensioned layers (`torch_layer`) only match exactly when every tested class is one of
    torch's: `isinstance(m, nn.Conv2d)` never matches a Conv1d."""
    tested = list(tested)
    last = layer.rsplit(".", 1)[-1]
    lasts = {t.rsplit(".", 1)[-1] for t in tested}
    if last in lasts:
        return True
    exact = _TORCH_EXACT.fullmatch(last)
    if torch_layer and exact is not None and all(
        _TORCH_EXACT.fullmatch(t.rsplit(".", 1)[-1]) and t.startswith(("torch.nn.", "nn."))
        for t in tested
    ):
        return exact.group(1) in lasts
    kinds = {classify(t) for t in tested} - {LayerKind.OTHER}
    return classify(last) in kinds

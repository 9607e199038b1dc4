"""Read the numbers an init uses: means, standard deviations, bounds and multipliers.

`nn.init.normal_(w, 0, 1 / fan_in)`, `w.data.normal_(std=d ** -0.5)`, `torch.randn(a, b) / math.sqrt(d)`
and `std = 1. / n; ...normal_(0, std)` all say something about the scale a tensor starts at. This
module turns those spellings into a few facts rules can judge (is it the default N(0, 1)? U(0, 1)?
a variance formula where a standard deviation belongs? is a random matrix scaled at all?), without
evaluating anything and without importing torch.

Argument order differs between the two APIs and is handled here once:
`nn.init.normal_(tensor, mean=0., std=1.)` / `Tensor.normal_(mean=0, std=1)` (same order after the
tensor), `nn.init.uniform_(tensor, a=0., b=1.)` / `Tensor.uniform_(from=0, to=1)`,
`nn.init.trunc_normal_(tensor, mean=0., std=1., a=-2., b=2.)`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from initlint.analysis.context import FileContext
from initlint.analysis.library import LORA_RANK_NAME
from initlint.analysis.imports import dotted_name
from initlint.analysis.walk import declared_params, iter_nodes, source_children
from initlint.analysis.tensors import InitCall, init_call, literal_number, module_init_call

# -- literal arithmetic ------------------------------------------------------------------------


def constant_value(expr: Optional[cst.BaseExpression]) -> Optional[float]:
    """Value of a literal expression (`0.02`, `-1`, `1 / 3`, `2 ** -0.5`); None otherwise."""
    if expr is None:
        return None
    value = literal_number(expr)
    if value is not None:
        return value
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        inner = constant_value(expr.expression)
        return -inner if inner is not None else None
    if isinstance(expr, cst.BinaryOperation):
        left, right = constant_value(expr.left), constant_value(expr.right)
        if left is None or right is None:
            return None
        try:
            if isinstance(expr.operator, cst.Add):
                return left + right
            if isinstance(expr.operator, cst.Subtract):
                return left - right
            if isinstance(expr.operator, cst.Multiply):
                return left * right
            if isinstance(expr.operator, cst.Divide):
                return left / right
            if isinstance(expr.operator, cst.Power):
                result = left**right
                return float(result) if isinstance(result, (int, float)) else None
        except (ZeroDivisionError, OverflowError, ValueError):
            return None
    return None


def is_constant(expr: cst.BaseExpression) -> bool:
    return constant_value(expr) is not None


# -- square roots ------------------------------------------------------------------------------

_SQRT_FUNCTIONS = frozenset({"sqrt", "rsqrt"})


def is_sqrt_call(expr: cst.BaseExpression, context: FileContext) -> bool:
    """`math.sqrt(x)`, `np.sqrt(x)`, `torch.rsqrt(x)`, `sqrt(x)` (from math/numpy/torch)."""
    if not isinstance(expr, cst.Call):
        return False
    qualified = context.resolve(expr.func)
    if qualified is not None:
        return qualified.rsplit(".", 1)[-1] in _SQRT_FUNCTIONS
    # an unresolved attribute call such as `self.math.sqrt(...)` or `x.sqrt()`
    return isinstance(expr.func, cst.Attribute) and expr.func.attr.value in _SQRT_FUNCTIONS


def _half_power(expr: cst.BaseExpression) -> bool:
    value = constant_value(expr)
    return value is not None and abs(abs(value) - 0.5) < 1e-12


def is_sqrt_like(expr: cst.BaseExpression, context: FileContext) -> bool:
    """An expression whose outermost operation takes a square root: a standard deviation."""
    if is_sqrt_call(expr, context):
        return True
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Power):
        return _half_power(expr.right)
    return False


def contains_sqrt(expr: cst.BaseExpression, context: FileContext) -> bool:
    """True when a square root appears anywhere in `expr` (cheap walk, no metadata)."""
    stack: list[cst.CSTNode] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.BaseExpression) and is_sqrt_like(node, context):
            return True
        stack.extend(source_children(node))  # (whitespace and comments are no expression)
    return False


# -- variance formulas -------------------------------------------------------------------------

# Denominators that are about depth or steps, not fan: `0.02 / n_layers` is a deliberate scale.
_NOT_FAN = re.compile(r"layer|depth|block|step|iter|epoch|stage|head", re.IGNORECASE)


@dataclass(frozen=True)
class VarianceFormula:
    """`2 / fan_in`: a numerator (1 or 2), divided by a fan-like quantity, with no square root."""

    node: cst.BinaryOperation
    numerator: float
    denominator: cst.BaseExpression


def variance_formula(
    expr: Optional[cst.BaseExpression],
    context: FileContext,
    numerators: tuple[float, ...] = (1.0, 2.0),
) -> Optional[VarianceFormula]:
    """`1/fan_in`, `2./n`, `1.0/in_features`, `2/(fan_in + fan_out)`, `1/float(d)`: a variance.

    Not matched: anything with a square root at the top of the denominator (`1/math.sqrt(d)`,
    `1/(2*n)**0.5`), powers (`d ** -0.5`), constants (`1/100`), numerators other than 1 and 2
    (`0.02/n` is a deliberate rescaling), and denominators about depth (`1/n_layers`).
    Uniform bounds can pass `numerators=(1, 2, 3, 6)` to also catch `6/(fan_in+fan_out)`.
    """
    if not isinstance(expr, cst.BinaryOperation) or not isinstance(expr.operator, cst.Divide):
        return None
    numerator = constant_value(expr.left)
    if numerator is None or numerator not in numerators:
        return None
    denominator = expr.right
    if is_constant(denominator) or contains_sqrt(denominator, context):
        return None
    if isinstance(denominator, cst.BinaryOperation) and isinstance(denominator.operator, cst.Power):
        return None
    bound = local_value(denominator, expr, context)
    if bound is not None and (contains_sqrt(bound, context) or (
            isinstance(bound, cst.BinaryOperation) and isinstance(bound.operator, cst.Power))):
        return None  # `std = math.sqrt(head_dim)` then `normal_(std=1 / std)` (audyn): a std
    if _NOT_FAN.search(context.code_for(denominator)):
        return None
    if not _mentions_a_name(denominator):
        return None
    return VarianceFormula(expr, numerator, denominator)


# Names of a layer's fan: the only denominators for which "take the square root" is known to give
# the std the message announces (1/fan -> 1/sqrt(fan)).
_FAN_NAME = re.compile(
    r"fan|in_features|out_features|in_channels|out_channels|kernel_size|\bn_?(?:in|out)\b"
    r"|\b(?:in|out|input|output)_?(?:dim|size|units)\b|\bd_?(?:in|out)\b|num_(?:inputs|outputs)"
    r"|\.size\(|\.shape\b|numel",
    re.IGNORECASE,
)


def denominator_is_fan(formula: VarianceFormula, anchor: cst.CSTNode, context: FileContext) -> Optional[bool]:
    """True when the formula divides by a fan by name (`fan_in`, `m.in_features`,
    `w.size(1)`, a local `n = k * k * out_channels`), False when by a LoRA rank, None when
    the name says neither (`d`, `width`: maybe a fan, maybe not)."""
    denominator = formula.denominator
    codes = [context.code_for(denominator)]
    for node in iter_nodes(denominator):
        if isinstance(node, (cst.Name, cst.Attribute)):
            last = node.value if isinstance(node, cst.Name) else node.attr.value
            if LORA_RANK_NAME.match(last):
                return False  # `std=1/r` on a down-projection: r is its fan-out (PEFT's option)
        if isinstance(node, cst.Name):
            value = local_value(node, anchor, context)
            if value is not None:
                codes.append(context.code_for(value))
    text = " ".join(codes)
    if _FAN_NAME.search(text):
        return None if _sizes_of_own_stacked_parameter(denominator, context) else True
    return None


# Attributes of a torch layer that give its weight's dimensions (`m.in_features`, `m.kernel_size`).
_LAYER_SIZE_ATTRS = frozenset(
    {"in_features", "out_features", "in_channels", "out_channels", "kernel_size", "embedding_dim"}
)


def fan_of_own_shape(
    denominator: cst.BaseExpression, tensor: cst.BaseExpression, anchor: cst.CSTNode, context: FileContext
) -> bool:
    """True when every size the denominator reads is a dimension of `tensor` itself or of the
    layer that owns it (`m.weight.size(1)`, `w.shape[0]`, `m.in_features`,
    `m.kernel_size[0] * m.out_channels`), also through locals of the same function assigned
    from them before `anchor` (`fan_in = m.weight.size(1)`, `fan_in, _ =
    _calculate_fan_in_and_fan_out(m.weight)`). Numbers are allowed; a constructor argument, a
    config value or another tensor's size is not this weight's own shape, so what it stands for
    is not known."""
    own = context.code_for(tensor)
    owner = context.code_for(tensor.value) if isinstance(tensor, cst.Attribute) else None
    tensors = {own, f"{own}.data"}

    def reads_own(node: cst.BaseExpression, depth: int) -> bool:
        if isinstance(node, (cst.Integer, cst.Float)):
            return True
        if isinstance(node, cst.BinaryOperation):
            return reads_own(node.left, depth) and reads_own(node.right, depth)
        if isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Name) and func.value in ("float", "int") and len(node.args) == 1:
                return reads_own(node.args[0].value, depth)
            return (
                isinstance(func, cst.Attribute)
                and func.attr.value == "size"
                and context.code_for(func.value) in tensors
            )
        if isinstance(node, cst.Subscript):
            value = node.value
            if isinstance(value, cst.Attribute) and value.attr.value == "shape":
                return context.code_for(value.value) in tensors
            if isinstance(value, cst.Call):  # `w.size()[1]`
                return reads_own(value, depth)
            return isinstance(value, cst.Attribute) and reads_own(value, depth)
        if isinstance(node, cst.Attribute):
            return (
                owner is not None
                and node.attr.value in _LAYER_SIZE_ATTRS
                and context.code_for(node.value) == owner
            )
        if isinstance(node, cst.Name) and depth < 3:
            value = local_value(node, anchor, context)
            if value is not None:
                return reads_own(value, depth + 1)
            return _unpacked_fan(node.value, tensors, context)
        return False

    return reads_own(denominator, 0)


def _unpacked_fan(name: str, tensors: set[str], context: FileContext) -> bool:
    """`fan_in, fan_out = <...>._calculate_fan_in_and_fan_out(w)` in the enclosing function, with
    `w` one of `tensors`."""
    function = context.enclosing_function()
    if function is None:
        return False
    for node in iter_nodes(function.body):
        if not (isinstance(node, cst.Assign) and isinstance(node.value, cst.Call) and node.value.args):
            continue
        called = context.code_for(node.value.func).rsplit(".", 1)[-1]
        if called != "_calculate_fan_in_and_fan_out" or context.code_for(node.value.args[0].value) not in tensors:
            continue
        for target in node.targets:
            if isinstance(target.target, cst.Tuple) and any(
                isinstance(element.value, cst.Name) and element.value.value == name
                for element in target.target.elements
            ):
                return True
    return False


def _sizes_of_own_stacked_parameter(denominator: cst.BaseExpression, context: FileContext) -> bool:
    """The denominator reads a dimension (`.size(k)`, `.shape[k]`) of a parameter the class
    builds itself with other than 2 dimensions (`nn.Parameter(torch.empty(d, k, d))`, a
    bilinear or stacked weight used through einsum/matmul): which of its dimensions is a fan is
    not known, so the formula is not known to divide by one (DimeNet's std = 2 / W.size(0))."""
    from initlint.analysis.classes import declared_dims, declared_parameter  # classes uses scales' peers

    klass = context.enclosing_class()
    if klass is None:
        return False
    for node in iter_nodes(denominator):
        tensor: Optional[cst.BaseExpression] = None
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "size":
            tensor = node.func.value
        elif isinstance(node, cst.Attribute) and node.attr.value == "shape":
            tensor = node.value
        if isinstance(tensor, cst.Attribute) and tensor.attr.value == "data":
            tensor = tensor.value
        if not (isinstance(tensor, cst.Attribute) and isinstance(tensor.value, cst.Name) and tensor.value.value == "self"):
            continue
        attr = tensor.attr.value
        if declared_parameter(context, klass, attr) and declared_dims(context, klass, attr) not in (2, None):
            return True
    return False


def _mentions_a_name(expr: cst.CSTNode) -> bool:
    stack: list[cst.CSTNode] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name) and node.value not in ("float", "int"):
            return True
        stack.extend(node.children)
    return False


def sqrt_of(expr: cst.BaseExpression, context: FileContext) -> cst.BaseExpression:
    """`math.sqrt(expr)` when the file imports math (under any name), else `(expr) ** 0.5`."""
    math_name = context.imports.local_name_for("math")
    inner = expr.with_changes(lpar=(), rpar=()) if hasattr(expr, "lpar") else expr
    if math_name is not None:
        return cst.Call(
            func=cst.parse_expression(f"{math_name}.sqrt"), args=[cst.Arg(value=inner)]
        )
    sqrt_name = context.imports.local_name_for("math.sqrt")
    if sqrt_name is not None:
        return cst.Call(func=cst.Name(sqrt_name), args=[cst.Arg(value=inner)])
    return cst.BinaryOperation(
        left=inner.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]),
        operator=cst.Power(
            whitespace_before=cst.SimpleWhitespace(" "), whitespace_after=cst.SimpleWhitespace(" ")
        ),
        right=cst.Float("0.5"),
    )


# -- the distribution an init call draws from --------------------------------------------------


@dataclass(frozen=True)
class Draw:
    """What a random init call draws from, with torch's defaults filled in.

    `mean`/`std` (normal, trunc_normal) and `low`/`high` (uniform) are the argument expressions,
    None when the default applies; the `*_value` fields are their literal values (defaults
    included), None when the code computes them.
    """

    kind: str  # "normal", "trunc_normal" or "uniform"
    mean: Optional[cst.BaseExpression] = None
    std: Optional[cst.BaseExpression] = None
    low: Optional[cst.BaseExpression] = None
    high: Optional[cst.BaseExpression] = None
    mean_value: Optional[float] = None
    std_value: Optional[float] = None
    low_value: Optional[float] = None
    high_value: Optional[float] = None

    @property
    def is_standard_normal(self) -> bool:
        """N(0, 1) (or its truncation): torch's default when no std is given."""
        return self.kind in ("normal", "trunc_normal") and self.mean_value == 0.0 and self.std_value == 1.0

    @property
    def is_unit_uniform(self) -> bool:
        """U(0, 1): torch's default for `uniform_` with no bounds; mean 0.5."""
        return self.kind == "uniform" and self.low_value == 0.0 and self.high_value == 1.0

    @property
    def centred_near_zero(self) -> bool:
        """A draw whose mean is (literally) zero, or a symmetric uniform `(-b, b)`."""
        if self.kind in ("normal", "trunc_normal"):
            return self.mean_value == 0.0
        if self.low_value is not None and self.high_value is not None:
            return abs(self.low_value + self.high_value) < 1e-12
        return self.low is not None and self.high is not None and _negation_of(self.low, self.high)


def _negation_of(low: cst.BaseExpression, high: cst.BaseExpression) -> bool:
    return (
        isinstance(low, cst.UnaryOperation)
        and isinstance(low.operator, cst.Minus)
        and low.expression.deep_equals(high)
    )


_DEFAULTS = {"normal_": (0.0, 1.0), "trunc_normal_": (0.0, 1.0), "uniform_": (0.0, 1.0)}


def draw_of(call: InitCall) -> Optional[Draw]:
    """The distribution of `normal_`/`trunc_normal_`/`uniform_` calls, both API spellings."""
    function = call.function.rstrip("_") + "_"
    if function not in _DEFAULTS or not call.draw_as_twin:
        return None  # (a library helper whose bounds come from other arguments: not known here)
    first_default, second_default = _DEFAULTS[function]
    if function == "uniform_":
        low = call.argument(0, "from" if call.is_method else "a")
        high = call.argument(1, "to" if call.is_method else "b")
        return Draw(
            "uniform",
            low=low,
            high=high,
            low_value=first_default if low is None else constant_value(low),
            high_value=second_default if high is None else constant_value(high),
        )
    mean = call.argument(0, "mean")
    std = call.argument(1, "std")
    return Draw(
        "normal" if function == "normal_" else "trunc_normal",
        mean=mean,
        std=std,
        mean_value=first_default if mean is None else constant_value(mean),
        std_value=second_default if std is None else constant_value(std),
    )


# -- names bound earlier in the same function --------------------------------------------------


def local_value(
    expr: Optional[cst.BaseExpression], anchor: cst.CSTNode, context: FileContext
) -> Optional[cst.BaseExpression]:
    """For a bare name, the value it was last assigned in the enclosing function before `anchor`.

    `stdv = 1. / n` ... `w.uniform_(-stdv, stdv)`: gives `1. / n` for `stdv`. Returns None for
    anything else, for parameters, and when the name is assigned only after `anchor`.
    """
    if not isinstance(expr, cst.Name):
        return None
    function = context.enclosing_function()
    if function is None:
        return None
    order, assigned = context.memo(("local-assignments", id(function)), lambda: _assignments(function))
    position = order.get(id(anchor))
    history = assigned.get(expr.value)
    if position is None or not history:
        return None
    indices, values = history
    before = bisect.bisect_left(indices, position)
    return values[before - 1] if before else None


def _assignments(
    function: cst.FunctionDef,
) -> tuple[dict[int, int], dict[str, tuple[list[int], list[cst.BaseExpression]]]]:
    """Source order of the function's nodes (not in nested scopes) and, per name, the values it
    is assigned in that order: one walk per function, then every `local_value` is a lookup."""
    order: dict[int, int] = {}
    assigned: dict[str, tuple[list[int], list[cst.BaseExpression]]] = {}
    nested = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
    for index, node in enumerate(iter_nodes(function, lambda n: n is function or not isinstance(n, nested))):
        order[id(node)] = index
        if isinstance(node, cst.Assign):
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    _record(assigned, target.target.value, index, node.value)
        elif isinstance(node, cst.AnnAssign) and node.value is not None:
            if isinstance(node.target, cst.Name):
                _record(assigned, node.target.value, index, node.value)
    return order, assigned


def _record(
    assigned: dict[str, tuple[list[int], list[cst.BaseExpression]]],
    name: str,
    index: int,
    value: cst.BaseExpression,
) -> None:
    indices, values = assigned.setdefault(name, ([], []))
    indices.append(index)
    values.append(value)


def resolved(
    expr: Optional[cst.BaseExpression], anchor: cst.CSTNode, context: FileContext
) -> Optional[cst.BaseExpression]:
    """`expr` itself, or for a bare local name the expression it was assigned."""
    if isinstance(expr, cst.Name):
        return local_value(expr, anchor, context) or expr
    return expr


# -- numbers known through names: literals, single assignments, parameter defaults -------------


@dataclass(frozen=True)
class KnownNumber:
    """The number an argument holds as far as the code says: `value`; `name` when it is read
    through a name, `scope` the function (or module) that binds that name, and `default_of`
    the parameter when the value is that parameter's default (a caller may pass another)."""

    value: float
    name: Optional[str] = None
    scope: Optional[cst.CSTNode] = None
    default_of: Optional[str] = None


def known_number(expr: Optional[cst.BaseExpression], context: FileContext) -> Optional[KnownNumber]:
    """`0.02`, `2 ** -0.5`, or a bare name bound to such a literal where the visited node
    stands: assigned exactly once (and bound no other way) in the innermost enclosing function
    or module scope that binds it, or a parameter of an enclosing function with a literal
    default (`def init_weights(net, init_gain=0.02): def init_func(m): ... init_gain`).
    None when the name is bound several times, by a loop or an import, or its value is computed."""
    value = constant_value(expr)
    if value is not None:
        return KnownNumber(value)
    if not isinstance(expr, cst.Name):
        return None
    name = expr.value
    for node in context.ancestors():
        if isinstance(node, cst.Lambda):
            if any(p.name.value == name for p in declared_params(node, with_stars=True)):
                return None
        elif isinstance(node, cst.FunctionDef):
            param = next((p for p in declared_params(node, with_stars=True) if p.name.value == name), None)
            values, other = _scope_bindings(node, context).get(name, ((), False))
            if param is not None:
                if values or other or param.default is None:
                    return None
                default = constant_value(param.default)
                return KnownNumber(default, name, node, name) if default is not None else None
            if values or other:
                return _single(values, other, name, node)
    values, other = _scope_bindings(context.module, context).get(name, ((), False))
    return _single(values, other, name, context.module) if values or other else None


def module_constant(name: str, context: FileContext) -> Optional[cst.BaseExpression]:
    """The value of a module-level `NAME = <value>` when that is the only binding of the name
    anywhere in the file (no other assignment, parameter, loop target or import in any scope):
    what a use of the name reads wherever it stands (`affine_par = True`)."""

    def compute() -> dict[str, cst.BaseExpression]:
        candidates: dict[str, cst.BaseExpression] = {}
        for statement in context.module.body:
            for small in getattr(statement, "body", ()) if isinstance(statement, cst.SimpleStatementLine) else ():
                if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
                    candidates[small.targets[0].target.value] = small.value
        if not candidates:
            return {}
        counts: dict[str, int] = {}
        for node in iter_nodes(context.module):
            bound: list[str] = []
            if isinstance(node, cst.AssignTarget):
                bound = [n.value for n in iter_nodes(node.target) if isinstance(n, cst.Name)]
            elif isinstance(node, (cst.AnnAssign, cst.AugAssign, cst.For, cst.CompFor, cst.NamedExpr)):
                bound = [n.value for n in iter_nodes(node.target) if isinstance(n, cst.Name)]
            elif isinstance(node, cst.Param):
                bound = [node.name.value]
            elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                bound = [node.name.value]
            elif isinstance(node, (cst.Global, cst.Nonlocal)):
                bound = [item.name.value for item in node.names]
            elif isinstance(node, cst.ImportAlias):
                bound = [(dotted_name(node.asname.name if node.asname else node.name) or "").split(".")[0]]
            elif isinstance(node, cst.WithItem) and node.asname is not None:
                bound = [n.value for n in iter_nodes(node.asname.name) if isinstance(n, cst.Name)]
            for one in bound:
                counts[one] = counts.get(one, 0) + 1
        return {target: value for target, value in candidates.items() if counts.get(target) == 1}

    if re.search(rf"^{re.escape(name)}\s*=", context.source, re.MULTILINE) is None:
        return None  # no line starts with `name =`: no module-level assignment to walk for
    return context.memo(("module-constants",), compute).get(name)


def _single(
    values: tuple[cst.BaseExpression, ...], other: bool, name: str, scope: cst.CSTNode
) -> Optional[KnownNumber]:
    value = constant_value(values[0]) if len(values) == 1 and not other else None
    return KnownNumber(value, name, scope) if value is not None else None


def _scope_bindings(
    scope: cst.CSTNode, context: FileContext
) -> dict[str, tuple[tuple[cst.BaseExpression, ...], bool]]:
    """Per name bound in `scope` (not in nested functions, classes or lambdas): the values of
    its plain assignments (`n = v`, `n: T = v`) and whether it is also bound another way
    (augmented assignment, loop or `with` target, tuple target, walrus, import, global)."""

    def compute() -> dict[str, tuple[tuple[cst.BaseExpression, ...], bool]]:
        values: dict[str, list[cst.BaseExpression]] = {}
        other: set[str] = set()
        nested = (cst.FunctionDef, cst.ClassDef, cst.Lambda)

        def bind_other(target: Optional[cst.CSTNode]) -> None:
            for node in iter_nodes(target) if target is not None else ():
                if isinstance(node, cst.Name):
                    other.add(node.value)

        for node in iter_nodes(scope, lambda n: n is scope or not isinstance(n, nested)):
            if isinstance(node, cst.Assign):
                for target in node.targets:
                    if isinstance(target.target, cst.Name):
                        values.setdefault(target.target.value, []).append(node.value)
                    else:
                        bind_other(target.target)
            elif isinstance(node, cst.AnnAssign) and isinstance(node.target, cst.Name):
                if node.value is not None:
                    values.setdefault(node.target.value, []).append(node.value)
            elif isinstance(node, (cst.AugAssign, cst.For, cst.CompFor)):
                bind_other(node.target)
            elif isinstance(node, cst.NamedExpr):
                bind_other(node.target)
            elif isinstance(node, cst.WithItem) and node.asname is not None:
                bind_other(node.asname.name)
            elif isinstance(node, (cst.Import, cst.ImportFrom)) and not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    bound = alias.asname.name if alias.asname is not None else alias.name
                    bind_other(bound if isinstance(bound, cst.Name) else None)
                    if isinstance(bound, cst.Attribute):
                        other.add((dotted_name(bound) or "").split(".")[0])
            elif isinstance(node, (cst.Global, cst.Nonlocal)):
                other.update(item.name.value for item in node.names)
            elif isinstance(node, (cst.FunctionDef, cst.ClassDef)) and node is not scope:
                other.add(node.name.value)
        return {name: (tuple(values.get(name, ())), name in other) for name in values.keys() | other}

    return context.memo(("scope-bindings", id(scope)), compute)


def std_arguments(scope: cst.CSTNode, context: FileContext) -> tuple[tuple[cst.Call, cst.BaseExpression], ...]:
    """Every `normal_`/`trunc_normal_` draw under `scope` (nested functions included) with the
    expression passed as its std: `nn.init.normal_(w, 0.0, init_gain)`, `w.normal_(std=s)`,
    mmengine's `normal_init(m, 0, s)`."""

    def compute() -> tuple[tuple[cst.Call, cst.BaseExpression], ...]:
        found = []
        for node in iter_nodes(scope):
            if not isinstance(node, cst.Call):
                continue
            call = init_call(node, context) or module_init_call(node, context)
            if call is None or call.function.rstrip("_") not in ("normal", "trunc_normal"):
                continue
            std = call.argument(1, "std")
            if std is not None:
                found.append((node, std))
        return tuple(found)

    return context.memo(("std-arguments", id(scope)), compute)


# -- random tensors built directly: torch.randn(a, b) * scale ----------------------------------

_RANDOM_CREATORS = {"torch.randn": "normal", "torch.rand": "uniform"}
_UNTYPED_CREATORS = frozenset(
    {"torch.Tensor", "torch.FloatTensor", "torch.empty", "torch.zeros", "torch.ones", "torch.cuda.FloatTensor"}
)
_SCALING_METHODS = frozenset({"mul", "mul_", "div", "div_", "__mul__", "__truediv__"})
_SHIFTING_METHODS = frozenset({"sub", "sub_", "add", "add_"})
_SIZE_KEYWORDS = frozenset({"size"})


@dataclass(frozen=True)
class RandomTensor:
    """`torch.randn(out, in) / math.sqrt(in)` → kind="normal", dims=2, scaled=True.

    `kind` is "normal" for N(0, 1) sources (`torch.randn`, `torch.empty(...).normal_()`) and
    "uniform" for U(0, 1) ones (`torch.rand`, `.uniform_()`). `scaled` says the result is
    multiplied or divided by something; `shifted` that something is added or subtracted
    (`torch.rand(n, m) * 2 - 1` is centred).
    """

    creator: cst.Call
    kind: str
    dims: Optional[int]
    scaled: bool
    shifted: bool
    unit_scale: bool  # scaled only by literal ones (`* 1.0`)


def size_dims(call: cst.Call) -> Optional[int]:
    """Number of dimensions of `torch.randn(a, b)`, `torch.randn((a, b))`, `torch.randn([a, b])`,
    `torch.randn(size=(a, b))`; None when a starred or computed shape makes it unknown."""
    positional = [a for a in call.args if a.keyword is None]
    keyword_size = [a for a in call.args if a.keyword is not None and a.keyword.value in _SIZE_KEYWORDS]
    if keyword_size:
        positional = keyword_size
    if any(a.star for a in positional):
        return None
    if len(positional) == 1 and isinstance(positional[0].value, (cst.Tuple, cst.List)):
        elements = positional[0].value.elements
        if any(isinstance(e, cst.StarredElement) for e in elements):
            return None
        return len(elements)
    if len(positional) == 1 and not isinstance(
        positional[0].value, (cst.Integer, cst.Name, cst.Attribute, cst.BinaryOperation, cst.Subscript)
    ):
        return None  # torch.randn(shape) with a computed shape
    if len(positional) == 1 and isinstance(positional[0].value, cst.Name) and "shape" in positional[0].value.value:
        return None
    return len(positional)


# A size that counts entities (`num_node`, `n_items`, `vocab_size`, `num_embeddings`): a matrix
# with one row per entity is a lookup table (a one-hot product with it is a row lookup), whose
# intended scale is an embedding's, N(0, 1), whatever forward multiplies it with.
_ENTITY_COUNT = re.compile(
    r"^(?:num|n|nb)_?(?:nodes?|items?|users?|relations?|rels?|entit(?:y|ies)|words?|tokens?"
    r"|embeddings?)$|vocab",
    re.IGNORECASE,
)


def rows_count_entities(creator: cst.Call) -> bool:
    """`torch.randn(num_node, d)`: the first size counts entities (`_ENTITY_COUNT`)."""
    positional = [a for a in creator.args if a.keyword is None or a.keyword.value in _SIZE_KEYWORDS]
    first = positional[0].value if positional else None
    if isinstance(first, (cst.Tuple, cst.List)) and first.elements:
        first = first.elements[0].value
    name = first.attr.value if isinstance(first, cst.Attribute) else first.value if isinstance(first, cst.Name) else None
    return name is not None and bool(_ENTITY_COUNT.search(name))


def random_tensor(
    expr: cst.BaseExpression, context: FileContext
) -> Optional[RandomTensor]:
    """Find the random source in `expr` and how it is scaled or shifted on the way out."""
    return _walk_random(expr, context, scaled=False, shifted=False, unit=True)


def _walk_random(
    expr: cst.BaseExpression, context: FileContext, *, scaled: bool, shifted: bool, unit: bool
) -> Optional[RandomTensor]:
    if isinstance(expr, cst.BinaryOperation):
        operator = expr.operator
        if isinstance(operator, (cst.Multiply, cst.Divide, cst.MatrixMultiply)):
            for side, other in ((expr.left, expr.right), (expr.right, expr.left)):
                found = _walk_random(
                    side,
                    context,
                    scaled=True,
                    shifted=shifted,
                    unit=unit and constant_value(other) == 1.0,
                )
                if found is not None:
                    return found
            return None
        if isinstance(operator, (cst.Add, cst.Subtract)):
            for side in (expr.left, expr.right):
                found = _walk_random(side, context, scaled=scaled, shifted=True, unit=unit)
                if found is not None:
                    return found
            return None
        return None
    if isinstance(expr, cst.UnaryOperation):
        return _walk_random(expr.expression, context, scaled=scaled, shifted=shifted, unit=unit)
    if not isinstance(expr, cst.Call):
        return None
    func = expr.func
    qualified = context.resolve(func)
    if qualified in _RANDOM_CREATORS:
        return RandomTensor(expr, _RANDOM_CREATORS[qualified], size_dims(expr), scaled, shifted, unit and scaled)
    if isinstance(func, cst.Attribute):
        method = func.attr.value
        receiver = func.value
        if method in _SCALING_METHODS:
            factor = expr.args[0].value if expr.args else None
            return _walk_random(
                receiver,
                context,
                scaled=True,
                shifted=shifted,
                unit=unit and constant_value(factor) == 1.0,
            )
        if method in _SHIFTING_METHODS:
            return _walk_random(receiver, context, scaled=scaled, shifted=True, unit=unit)
        if method in ("to", "float", "double", "half", "cuda", "requires_grad_", "contiguous", "t"):
            return _walk_random(receiver, context, scaled=scaled, shifted=shifted, unit=unit)
        if method in ("normal_", "uniform_") and isinstance(receiver, cst.Call):
            creator = context.resolve(receiver.func)
            if creator in _UNTYPED_CREATORS:
                kind = "normal" if method == "normal_" else "uniform"
                # only the defaults are N(0, 1) / U(0, 1); explicit arguments set a scale
                if _draw_has_scale(expr, method):
                    return RandomTensor(expr, kind, size_dims(receiver), True, True, False)
                return RandomTensor(expr, kind, size_dims(receiver), scaled, shifted, unit and scaled)
    return None


def _draw_has_scale(call: cst.Call, method: str) -> bool:
    for index, arg in enumerate(call.args):
        keyword = arg.keyword.value if arg.keyword else None
        if method == "normal_" and (keyword == "std" or (keyword is None and index == 1)):
            return constant_value(arg.value) != 1.0
        if method == "uniform_":
            return True
    return False


def parameter_payload(call: cst.Call, context: FileContext) -> Optional[cst.BaseExpression]:
    """`nn.Parameter(x)` / `torch.nn.Parameter(data=x)` → `x`; None when `call` is not one."""
    if context.resolve(call.func) not in ("torch.nn.Parameter", "torch.nn.parameter.Parameter"):
        return None
    for arg in call.args:
        if arg.keyword is None or arg.keyword.value == "data":
            return None if arg.star else arg.value
    return None

# -- scale applied somewhere else: equalized learning rate, in-place rescaling -----------------

# StyleGAN-family "equalized learning rate" layers keep weights at N(0, 1) and multiply by
# 1/sqrt(fan_in) (times an lr multiplier) at every forward.
_EQUALIZED_LR = re.compile(
    r"weight_gain|w_mul|he_std|runtime_coef|wscale|equali[sz]ed|equal_?lr|lr_mul|EqualLinear"
    r"|EqualConv|\bself\.scale\b",
)


def scaled_in_forward(
    context: FileContext, klass: cst.ClassDef, attr: Optional[str] = None, normalized: bool = True
) -> bool:
    """The class multiplies its weight by a runtime scale (equalized learning rate). With
    `normalized=False` a normalization of the product (`F.normalize(x @ self.w)`) does not
    count: it removes the scale but not the positive mean of a U(0, 1) draw."""
    if context.scope_matches(_EQUALIZED_LR, klass):
        return True
    if attr is None:
        return False
    if context.project.forward_uses(klass.name.value, attr) & ({"scaled", "normalized"} if normalized else {"scaled"}):
        return True
    name = re.escape(attr)
    pattern = re.compile(rf"self\.{name}\b(?:\.\w+(?:\([^()]*\))?)*\s*[*/](?!=)|[*]\s*self\.{name}\b")
    return context.matches_near(pattern, klass, attr)


def matrix_product_in_forward(context: FileContext, klass: cst.ClassDef, attr: str) -> bool:
    """The class's methods use `self.<attr>` as a factor of a matrix product (`h @ self.a.T`,
    `torch.matmul(h, self.a)`, `F.linear(x, self.a)`, an `einsum` summing one of its indices):
    its entries are summed over a fan-in, so it is a weight matrix whatever its name
    (project index forward facts)."""
    return bool(context.project.forward_uses(klass.name.value, attr) & {"matmul", "contracted"})


# Forward facts of a product summed over a fan-in (where a unit-scale draw grows the signal).
PRODUCT_USES = frozenset({"matmul", "contracted", "conv"})


def only_handed_to_project_code(context: FileContext, klass: cst.ClassDef, attr: str) -> bool:
    """The class's methods pass `self.<attr>` to the project's own `linear`/`matmul` (unit
    scaling, muP: the function may scale it by its fan-in) and to no torch product: how large
    it must be is that function's business, not known here (project index forward facts)."""
    uses = context.project.forward_uses(klass.name.value, attr)
    return "handed" in uses and not uses & PRODUCT_USES


def transformed_by_project_code(context: FileContext, klass: cst.ClassDef, attr: str) -> bool:
    """The class's methods hand `self.<attr>` to a function of the project (GRKT's
    `positive_activate(self.mode, self.weight)`, a softmax or sigmoid by option) and use it in
    no torch product themselves: the tensor forward multiplies is that function's result."""
    uses = context.project.forward_uses(klass.name.value, attr)
    return "transformed" in uses and not uses & PRODUCT_USES


def only_elementwise_in_forward(context: FileContext, klass: cst.ClassDef, attr: str) -> bool:
    """The class's methods use `self.<attr>` only as an element-wise factor: in `einsum`s
    whose output keeps every index of it (`einsum("btc,cf->btcf", x, self.w)`), so no sum over
    a fan-in makes its scale grow with a dimension (project index forward facts)."""
    return context.project.forward_uses(klass.name.value, attr) == {"elementwise"}


def only_looked_up_in_forward(context: FileContext, klass: cst.ClassDef, attr: str) -> bool:
    """The class's methods use `self.<attr>` only as a table read by index
    (`F.embedding(ids, self.w)`, `one_hot(i, n) @ self.w`): rows are picked, none is summed
    over a fan-in, so N(0, 1) is an embedding's scale (project index forward facts; a plain
    read, `used`, is the init method's own `normal_(self.w)` or a copy, no product)."""
    return context.project.forward_uses(klass.name.value, attr) - {"used"} == {"lookup"}


def rescaled_after(context: FileContext, function: cst.FunctionDef, tensor_code: str) -> bool:
    """`w.normal_()` followed by `w *= s`, `w.data.mul_(s)`, `w.div_(s)` in the same function."""
    name = re.escape(tensor_code)
    pattern = re.compile(rf"{name}(?:\.data)?\s*(?:\*=|/=|\.mul_\(|\.div_\()")
    last = re.findall(r"\w+", tensor_code)
    if not last:
        return pattern.search(context.scope_code(function)) is not None
    return context.matches_near(pattern, function, last[-1])


_WEIGHT_USES = frozenset({"matmul", "mm", "bmm", "linear", "einsum", "addmm", "baddbmm"})
_OPTIMIZER_MODULES = ("torch.optim.",)


def local_used_as_weight(context: FileContext, function: cst.FunctionDef, name: str) -> bool:
    """The function uses its local `name` as a weight: a factor of a matrix product
    (`x @ w`, `torch.matmul(x, w)`, `F.linear(x, w)`, an `einsum`) or a tensor handed to a
    `torch.optim` optimizer. A tensor that is only returned or yielded (a benchmark's or a
    test's inputs) is not known to be a weight."""
    def mentions(expr: cst.BaseExpression) -> bool:
        return any(isinstance(n, cst.Name) and n.value == name for n in iter_nodes(expr))

    for node in iter_nodes(function.body):
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.MatrixMultiply):
            if mentions(node.left) or mentions(node.right):
                return True
        elif isinstance(node, cst.Call):
            resolved = context.resolve(node.func) or ""
            last = resolved.rsplit(".", 1)[-1] if resolved else (dotted_name(node.func) or "").rsplit(".", 1)[-1]
            if last in _WEIGHT_USES or resolved.startswith(_OPTIMIZER_MODULES):
                if any(mentions(arg.value) for arg in node.args):
                    return True
    return False

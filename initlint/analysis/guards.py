"""Is a tensor access protected against the tensor being None?

`if m.bias is not None:`, `if getattr(m, "bias", None) is not None:`, `if exists(m.bias):` (a
project helper returning `x is not None`), `hasattr(m, "bias") and m.bias is not None`, an early
`return`/`continue` when it is None, the `else` of `if m.bias is None`, and `try: ... except
AttributeError:` all protect `nn.init.zeros_(m.bias)`; `if m.bias:` does not (it raises for a
tensor of more than one element). Rules ask `none_guard(context, node, owner, attr)`.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Optional, Union

import libcst as cst

from initlint.analysis.context import FileContext
from initlint.analysis.imports import dotted_name
from initlint.analysis.walk import declared_params, find_all

_EXITS = (cst.Return, cst.Continue, cst.Raise, cst.Break)
# Exceptions a missing tensor raises (`None.zero_()` is an AttributeError).
_SWALLOWED = frozenset({"AttributeError", "TypeError", "Exception", "BaseException"})
# Helper names that conventionally mean `x is not None` (lucidrains' `exists`), used when the
# helper's definition is not in the file (imported): an unknown helper never counts otherwise.
_CONVENTIONAL_NOT_NONE = frozenset({"exists", "is_not_none", "not_none"})


# Attributes every tensor has and None lacks: `hasattr(x, "data")` holds only when x is not None.
_TENSOR_ATTRIBUTES = frozenset(
    {"data", "shape", "dtype", "device", "grad", "requires_grad", "dim", "size", "numel", "fill_",
     "zero_", "normal_", "uniform_", "copy_"}
)


class GuardKind(str, enum.Enum):
    GUARDED = "guarded"
    TRUTHY = "truthy"  # `if m.bias:`: not a None check, and raises for multi-element tensors


@dataclass(frozen=True)
class Guard:
    kind: GuardKind
    node: Optional[cst.If] = None  # the `if` of a truthy test
    attr: str = "bias"  # the attribute the guard checks (`weight` for a norm's affine check)


def _normal(code: str) -> str:
    return re.sub(r"\s+", "", code).replace('"', "'")


def not_none_helpers(context: FileContext) -> frozenset[str]:
    """Module-level functions of the file whose body is `return <param> is not None`, plus the
    conventional names when they are imported rather than defined here."""

    def compute() -> frozenset[str]:
        found: set[str] = set()
        defined: set[str] = set()
        for statement in context.module.body:
            if not isinstance(statement, cst.FunctionDef):
                continue
            defined.add(statement.name.value)
            params = statement.params.params
            body = statement.body.body
            if len(params) != 1 or len(body) != 1:
                continue
            line = body[0]
            small = line.body[0] if isinstance(line, cst.SimpleStatementLine) else None
            if not isinstance(small, cst.Return) or small.value is None:
                continue
            test = small.value
            if (
                isinstance(test, cst.Comparison)
                and len(test.comparisons) == 1
                and isinstance(test.comparisons[0].operator, cst.IsNot)
                and isinstance(test.left, cst.Name)
                and test.left.value == params[0].name.value
                and isinstance(test.comparisons[0].comparator, cst.Name)
                and test.comparisons[0].comparator.value == "None"
            ):
                found.add(statement.name.value)
        found |= {name for name in _CONVENTIONAL_NOT_NONE if name not in defined}
        return frozenset(found)

    return context.memo("not-none-helpers", compute)


class _Checker:
    def __init__(self, context: FileContext, owner: str, attr: str) -> None:
        self.context = context
        self.owner = _normal(owner)
        self.tensor = _normal(f"{owner}.{attr}")
        self.attr = attr

    def is_tensor(self, expr: cst.BaseExpression) -> bool:
        code = _normal(self.context.code_for(expr))
        return code in (
            self.tensor,
            f"{self.tensor}.data",
            f"getattr({self.owner},'{self.attr}',None)",
            f"getattr({self.owner},'{self.attr}')",
        )

    def not_none(self, test: cst.BaseExpression) -> bool:
        if isinstance(test, cst.BooleanOperation):
            if isinstance(test.operator, cst.And):
                return self.not_none(test.left) or self.not_none(test.right)
            return self.not_none(test.left) and self.not_none(test.right)
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            return self.is_none(test.expression)
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            operator = test.comparisons[0].operator
            if isinstance(operator, (cst.IsNot, cst.NotEqual)):
                return self.none_pair(test.left, test.comparisons[0].comparator)
        if isinstance(test, cst.Call) and isinstance(test.func, cst.Name) and test.args:
            if test.func.value == "isinstance":
                return self.is_tensor(test.args[0].value)
            if test.func.value in not_none_helpers(self.context) and len(test.args) == 1:
                return self.is_tensor(test.args[0].value)  # `exists(m.bias)`
            if test.func.value == "hasattr" and len(test.args) == 2:
                name = test.args[1].value  # `hasattr(m.bias, "data")`: None has no tensor attributes
                return (isinstance(name, cst.SimpleString) and name.evaluated_value in _TENSOR_ATTRIBUTES
                        and self.is_tensor(test.args[0].value))
        return False

    def has_attribute(self, test: cst.BaseExpression) -> bool:
        """`test` holds only for an owner with the attribute: `hasattr(m, "weight")`, or any
        test `not_none` accepts, alone or in an `and` (in every arm of an `or`)."""
        if isinstance(test, cst.BooleanOperation):
            if isinstance(test.operator, cst.And):
                return self.has_attribute(test.left) or self.has_attribute(test.right)
            return self.has_attribute(test.left) and self.has_attribute(test.right)
        if (
            isinstance(test, cst.Call)
            and isinstance(test.func, cst.Name)
            and test.func.value == "hasattr"
            and len(test.args) == 2
        ):
            owner, name = (arg.value for arg in test.args)
            return (
                _normal(self.context.code_for(owner)) == self.owner
                and isinstance(name, cst.SimpleString)
                and name.evaluated_value == self.attr
            )
        return self.not_none(test)

    def is_none(self, test: cst.BaseExpression) -> bool:
        if isinstance(test, cst.BooleanOperation):
            if isinstance(test.operator, cst.Or):
                return self.is_none(test.left) or self.is_none(test.right)
            return self.is_none(test.left) and self.is_none(test.right)
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            return self.not_none(test.expression)
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            operator = test.comparisons[0].operator
            if isinstance(operator, (cst.Is, cst.Equal)):
                return self.none_pair(test.left, test.comparisons[0].comparator)
        return False

    def none_pair(self, left: cst.BaseExpression, right: cst.BaseExpression) -> bool:
        def is_none(expr: cst.BaseExpression) -> bool:
            return isinstance(expr, cst.Name) and expr.value == "None"

        return (is_none(right) and self.is_tensor(left)) or (is_none(left) and self.is_tensor(right))

    def early_exit(self, statement: cst.CSTNode) -> bool:
        if not isinstance(statement, cst.If) or not self.is_none(statement.test):
            return False
        body = statement.body
        if isinstance(body, cst.SimpleStatementSuite):
            return any(isinstance(s, _EXITS) for s in body.body)
        last = body.body[-1] if body.body else None
        return isinstance(last, cst.SimpleStatementLine) and any(
            isinstance(s, _EXITS) for s in last.body
        )


def suppressed_exceptions(context: FileContext, statement: cst.With) -> Optional[set[str]]:
    """The exception names a `with contextlib.suppress(...)` statement swallows (its body is
    then as protected as by `try/except` those names); None when no item is a `suppress`."""
    names: Optional[set[str]] = None
    for item in statement.items:
        call = item.item
        if isinstance(call, cst.Call) and context.resolve(call.func) == "contextlib.suppress":
            names = (names or set()) | {context.code_for(a.value).rsplit(".", 1)[-1] for a in call.args}
    return names


def _handler_names(context: FileContext, handler: cst.ExceptHandler) -> Optional[set[str]]:
    if handler.type is None:
        return None
    elements = handler.type.elements if isinstance(handler.type, cst.Tuple) else None
    exprs = [e.value for e in elements] if elements is not None else [handler.type]
    return {context.code_for(e).rsplit(".", 1)[-1] for e in exprs}


def none_guard(
    context: FileContext,
    node: cst.CSTNode,
    owner: str,
    attrs: Union[str, tuple[str, ...]] = "bias",
) -> Optional[Guard]:
    """How the node being visited (`node`, inside the current ancestors) is protected against
    `<owner>.<attr>` being None, for the first of `attrs` that is checked; None when it is not.
    Stops at the enclosing init context or function."""
    names = (attrs,) if isinstance(attrs, str) else attrs
    checkers = [_Checker(context, owner, attr) for attr in names]
    boundary = context.init_context()
    previous: cst.CSTNode = node
    ancestors = list(context.ancestors())
    for position, ancestor in enumerate(ancestors):
        for checker in checkers:
            found = _guarded_by(context, checker, ancestor, previous)
            if found is None and isinstance(ancestor, cst.If) and previous is ancestor.body:
                if _requires_parameter_name(context, checker, ancestor.test, ancestors[position + 1:]):
                    found = Guard(GuardKind.GUARDED, attr=checker.attr)
            if found is not None:
                return found
        if isinstance(ancestor, cst.Try) and previous is ancestor.body:
            for handler in ancestor.handlers:
                caught = _handler_names(context, handler)
                if caught is None or caught & _SWALLOWED:
                    return Guard(GuardKind.GUARDED, attr=names[0])
        if isinstance(ancestor, cst.With) and previous is ancestor.body:
            if (suppressed_exceptions(context, ancestor) or set()) & _SWALLOWED:
                return Guard(GuardKind.GUARDED, attr=names[0])
        if ancestor is boundary or isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
            break
        previous = ancestor
    return None


def _names_exactly(test: cst.BaseExpression, variable: str, attr: str) -> bool:
    """`test` holds only when `variable` names the parameter `attr`: `name == "bias"`,
    `name in ["bias"]` (every listed name is `attr`), `name.endswith("bias")`."""
    if isinstance(test, cst.BooleanOperation):
        if isinstance(test.operator, cst.And):
            return _names_exactly(test.left, variable, attr) or _names_exactly(test.right, variable, attr)
        return _names_exactly(test.left, variable, attr) and _names_exactly(test.right, variable, attr)
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        operator = test.comparisons[0].operator
        left, right = test.left, test.comparisons[0].comparator
        if isinstance(operator, cst.Equal):
            for name, text in ((left, right), (right, left)):
                if isinstance(name, cst.Name) and name.value == variable and isinstance(text, cst.SimpleString):
                    return text.evaluated_value == attr
        if isinstance(operator, cst.In) and isinstance(left, cst.Name) and left.value == variable:
            if isinstance(right, (cst.List, cst.Tuple, cst.Set)) and right.elements:
                return all(
                    isinstance(e.value, cst.SimpleString) and e.value.evaluated_value == attr
                    for e in right.elements
                )
        return False
    if (
        isinstance(test, cst.Call)
        and isinstance(test.func, cst.Attribute)
        and test.func.attr.value == "endswith"
        and isinstance(test.func.value, cst.Name)
        and test.func.value.value == variable
        and len(test.args) == 1
        and isinstance(test.args[0].value, cst.SimpleString)
    ):
        return test.args[0].value.evaluated_value == attr
    return False


def _requires_parameter_name(
    context: FileContext, checker: _Checker, test: cst.BaseExpression, outer: list[cst.CSTNode]
) -> bool:
    """`for name, _ in m.named_parameters(): if name in ["bias"]: init(m.bias)`: the loop yields
    only registered parameters, so a layer without a bias never reaches the test (a None bias is
    not a parameter). The loop must be over `<owner>.named_parameters(...)` and bind `name`."""
    for node in outer:
        if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            return False
        if not isinstance(node, cst.For):
            continue
        source = node.iter
        if not (
            isinstance(source, cst.Call)
            and isinstance(source.func, cst.Attribute)
            and source.func.attr.value == "named_parameters"
            and _normal(context.code_for(source.func.value)) == checker.owner
        ):
            continue
        target = node.target
        if isinstance(target, cst.Tuple) and target.elements and isinstance(target.elements[0].value, cst.Name):
            if _names_exactly(test, target.elements[0].value.value, checker.attr):
                return True
    return False


def _guarded_by(
    context: FileContext, checker: _Checker, ancestor: cst.CSTNode, previous: cst.CSTNode
) -> Optional[Guard]:
    guarded = Guard(GuardKind.GUARDED, attr=checker.attr)
    if isinstance(ancestor, (cst.If, cst.IfExp)):
        if previous is ancestor.body and checker.not_none(ancestor.test):
            return guarded
        if previous is ancestor.orelse and checker.is_none(ancestor.test):
            return guarded
        if (
            isinstance(ancestor, cst.If)
            and previous is ancestor.body
            and _normal(context.code_for(ancestor.test)) == checker.tensor
        ):
            return Guard(GuardKind.TRUTHY, ancestor, checker.attr)
    elif isinstance(ancestor, cst.BooleanOperation):
        if (
            isinstance(ancestor.operator, cst.And)
            and previous is ancestor.right
            and checker.not_none(ancestor.left)
        ):
            return guarded
    elif isinstance(ancestor, (cst.IndentedBlock, cst.Module)):
        position, exits = _exit_candidates(context, ancestor, checker.attr)
        here = position.get(id(previous), len(ancestor.body))
        for index, statement in exits:
            if index >= here:
                break
            if checker.early_exit(statement):
                return guarded
    return None


def _exit_candidates(
    context: FileContext, block: Union[cst.IndentedBlock, cst.Module], attr: str
) -> tuple[dict[int, int], list[tuple[int, cst.If]]]:
    """Statement positions in `block` and its `if` statements that mention `attr` (the only
    ones that can be an early exit on a None tensor), read once per block: a long block with
    many inits stays linear."""

    def compute() -> tuple[dict[int, int], list[tuple[int, cst.If]]]:
        body = block.body
        position = {id(statement): index for index, statement in enumerate(body)}
        exits = [
            (index, statement)
            for index, statement in enumerate(body)
            if isinstance(statement, cst.If) and attr in context.code_for(statement.test)
        ]
        return position, exits

    return context.memo(("guard-exits", id(block), attr), compute)


def catches_missing_attribute(context: FileContext, statement: cst.CSTNode) -> bool:
    """`try: ... except AttributeError:` (or a broader handler): a module without the tensor
    the body touches is skipped instead of crashing."""
    if isinstance(statement, cst.With):
        return bool((suppressed_exceptions(context, statement) or set()) & _SWALLOWED)
    if not isinstance(statement, cst.Try):
        return False
    for handler in statement.handlers:
        caught = _handler_names(context, handler)
        if caught is None or caught & _SWALLOWED:
            return True
    return False


def branch_catches_missing_attribute(context: FileContext) -> bool:
    """The `if` whose test holds the node being visited runs its whole body inside
    `try/except AttributeError`."""
    previous: Optional[cst.CSTNode] = context.stack[-1] if context.stack else None
    for ancestor in context.ancestors():
        if isinstance(ancestor, cst.If) and previous is ancestor.test:
            body = ancestor.body.body if isinstance(ancestor.body, cst.IndentedBlock) else ()
            return bool(body) and all(catches_missing_attribute(context, s) for s in body)
        if isinstance(ancestor, (cst.FunctionDef, cst.Lambda, cst.IndentedBlock)):
            return False
        previous = ancestor
    return False


def branch_requires_tensor(context: FileContext, owner: str, attr: str = "weight") -> bool:
    """The `if` whose test holds the node being visited also requires `<owner>.<attr>` not to
    be None (`getattr(m, "weight", None) is not None and "Conv" in name`): a module without the
    tensor never enters the branch."""
    test = _enclosing_test(context)
    return test is not None and _Checker(context, owner, attr).not_none(test)


def branch_requires_attribute(context: FileContext, owner: str, attr: str = "weight") -> bool:
    """The `if` whose test holds the node being visited also requires `<owner>` to have `<attr>`
    (`hasattr(m, "weight") and ("Conv" in name or ...)`): a module without it (a wrapper
    block) never enters the branch. Weaker than `branch_requires_tensor`: the attribute may
    still be None."""
    test = _enclosing_test(context)
    return test is not None and _Checker(context, owner, attr).has_attribute(test)


def branch_guards_attribute(context: FileContext, owner: str, attr: str = "weight") -> bool:
    """The body of the `if` whose test holds the node being visited touches `<owner>.<attr>`
    only under its own check (`if getattr(m, "weight", None) is not None: ...`, `if
    hasattr(m, "weight"): ...`): a module without the tensor that enters the branch is skipped
    there, not crashed on. False when the body never names `<owner>.<attr>` (a helper call may
    touch it: not known)."""
    previous: Optional[cst.CSTNode] = context.stack[-1] if context.stack else None
    for ancestor in context.ancestors():
        if isinstance(ancestor, cst.If) and previous is ancestor.test:
            body = ancestor.body.body if isinstance(ancestor.body, cst.IndentedBlock) else ()
            touching = [s for s in body if f"{owner}.{attr}" in context.code_for(s)]
            checker = _Checker(context, owner, attr)
            return bool(touching) and all(
                isinstance(s, cst.If) and (checker.not_none(s.test) or checker.has_attribute(s.test))
                for s in touching
            )
        if isinstance(ancestor, (cst.FunctionDef, cst.Lambda, cst.IndentedBlock)):
            return False
        previous = ancestor
    return False


def branch_dispatches_on_attribute(context: FileContext, owner: str) -> Optional[str]:
    """The `if` whose test holds the node being visited also requires `<owner>` to have another
    attribute than `weight` (`hasattr(m, "weight_bar") and "Conv" in name`) that its body then
    uses, and the body never names `<owner>.weight`: the branch is meant for modules with that
    attribute (a spectral-norm conv keeping `weight_bar`), and a look-alike without it never
    enters. Returns the attribute."""
    previous: Optional[cst.CSTNode] = context.stack[-1] if context.stack else None
    for ancestor in context.ancestors():
        if isinstance(ancestor, cst.If) and previous is ancestor.test:
            body = context.code_for(ancestor.body)
            if re.search(rf"(?<![\w.]){re.escape(owner)}\s*\.\s*weight\b", body):
                return None
            for call in find_all(ancestor.test, cst.Call):
                if not (isinstance(call.func, cst.Name) and call.func.value == "hasattr" and len(call.args) == 2):
                    continue
                name = call.args[1].value
                attr = name.evaluated_value if isinstance(name, cst.SimpleString) else None
                if (
                    isinstance(attr, str) and attr != "weight"
                    and _Checker(context, owner, attr).has_attribute(ancestor.test)
                    and re.search(rf"(?<![\w.]){re.escape(owner)}\s*\.\s*{re.escape(attr)}\b", body)
                ):
                    return attr
            return None
        if isinstance(ancestor, (cst.FunctionDef, cst.Lambda, cst.IndentedBlock)):
            return None
        previous = ancestor
    return None


def _enclosing_test(context: FileContext) -> Optional[cst.BaseExpression]:
    """The test of the `if` (or conditional expression) the node being visited is part of."""
    previous: Optional[cst.CSTNode] = context.stack[-1] if context.stack else None
    for ancestor in context.ancestors():
        if isinstance(ancestor, (cst.If, cst.IfExp)) and previous is ancestor.test:
            return ancestor.test
        if isinstance(ancestor, (cst.FunctionDef, cst.Lambda, cst.IndentedBlock)):
            return None
        previous = ancestor
    return None


# -- branches that provably never run ----------------------------------------------------------
_INT_METHODS = frozenset({"dim", "ndimension", "numel", "nelement"})


def _is_int_valued(expr: cst.BaseExpression) -> bool:
    """`x.shape[1]`, `x.size(1)`, `x.dim()`, `x.ndim`, `len(x)`: always a Python int."""
    if isinstance(expr, cst.Subscript) and len(expr.slice) == 1:
        index = expr.slice[0].slice
        return (
            isinstance(expr.value, cst.Attribute)
            and expr.value.attr.value == "shape"
            and isinstance(index, cst.Index)
            and isinstance(index.value, (cst.Integer, cst.UnaryOperation))
        )
    if isinstance(expr, cst.Attribute):
        return expr.attr.value == "ndim"
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
        method = expr.func.attr.value
        positional = [a for a in expr.args if a.keyword is None and not a.star]
        if method == "size":
            return len(expr.args) == 1 and len(positional) == 1 and isinstance(
                positional[0].value, (cst.Integer, cst.UnaryOperation)
            )
        return method in _INT_METHODS and not expr.args
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name):
        return expr.func.value == "len" and len(expr.args) == 1
    return False


def _is_sequence_valued(context: FileContext, expr: cst.BaseExpression) -> bool:
    """`torch.Size([1])`, `(1,)`, `[1]`: a tuple or list, never equal to an int."""
    if isinstance(expr, (cst.Tuple, cst.List)):
        return True
    return isinstance(expr, cst.Call) and context.resolve(expr.func) == "torch.Size"


def never_true(context: FileContext, test: cst.BaseExpression) -> bool:
    """A test that is False whatever the values: `x.shape[1] == torch.Size([1])` (an int is
    never equal to a tuple). Narrow on purpose: only comparisons whose outcome Python's types
    alone decide."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return never_true(context, test.left) or never_true(context, test.right)
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    if not isinstance(target.operator, cst.Equal):
        return False
    left, right = test.left, target.comparator
    return (_is_int_valued(left) and _is_sequence_valued(context, right)) or (
        _is_int_valued(right) and _is_sequence_valued(context, left)
    )


def in_dead_branch(context: FileContext) -> bool:
    """The node being visited lies in the body of an `if` whose test can never be true
    (`never_true`): code there never runs."""
    previous: Optional[cst.CSTNode] = None
    for ancestor in context.ancestors():
        if isinstance(ancestor, cst.If) and previous is ancestor.body and never_true(context, ancestor.test):
            return True
        if isinstance(ancestor, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return False
        previous = ancestor
    return False


# -- what the control flow says about a tensor's number of dimensions ------------------------------
_ALL_DIMS = frozenset(range(9))
_DIM_METHODS = frozenset({"dim", "ndimension"})


def _dims_of(context: FileContext, expr: cst.BaseExpression) -> Optional[str]:
    """`x.ndim`, `x.dim()`, `x.ndimension()`, `len(x.shape)`, `len(x.size())` → `x` (normalised
    code); None for anything else."""
    if isinstance(expr, cst.Attribute) and expr.attr.value == "ndim":
        return _normal(context.code_for(expr.value))
    if isinstance(expr, cst.Call) and not expr.args and isinstance(expr.func, cst.Attribute):
        if expr.func.attr.value in _DIM_METHODS:
            return _normal(context.code_for(expr.func.value))
    if (
        isinstance(expr, cst.Call)
        and isinstance(expr.func, cst.Name)
        and expr.func.value == "len"
        and len(expr.args) == 1
    ):
        inner = expr.args[0].value
        if isinstance(inner, cst.Attribute) and inner.attr.value == "shape":
            return _normal(context.code_for(inner.value))
        if isinstance(inner, cst.Call) and not inner.args and isinstance(inner.func, cst.Attribute):
            if inner.func.attr.value == "size":
                return _normal(context.code_for(inner.func.value))
    return None


_COMPARE = {
    cst.Equal: lambda n, k: n == k, cst.NotEqual: lambda n, k: n != k,
    cst.LessThan: lambda n, k: n < k, cst.LessThanEqual: lambda n, k: n <= k,
    cst.GreaterThan: lambda n, k: n > k, cst.GreaterThanEqual: lambda n, k: n >= k,
}
_MIRROR = {
    cst.LessThan: cst.GreaterThan, cst.GreaterThan: cst.LessThan,
    cst.LessThanEqual: cst.GreaterThanEqual, cst.GreaterThanEqual: cst.LessThanEqual,
}


def _dims_if(context: FileContext, test: cst.BaseExpression, tensor: str, truth: bool) -> Optional[frozenset[int]]:
    """The numbers of dimensions of `tensor` for which `test` has the value `truth`; None when
    the test does not constrain them (`x.ndim != 1` true → every count but 1)."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _dims_if(context, test.expression, tensor, not truth)
    if isinstance(test, cst.BooleanOperation):
        left = _dims_if(context, test.left, tensor, truth)
        right = _dims_if(context, test.right, tensor, truth)
        # `a and b` true / `a or b` false: both hold; otherwise either may
        both = isinstance(test.operator, cst.And) == truth
        if both:
            found = [part for part in (left, right) if part is not None]
            return frozenset.intersection(*found) if found else None
        return left | right if left is not None and right is not None else None
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    operator = type(test.comparisons[0].operator)
    left, right = test.left, test.comparisons[0].comparator
    if isinstance(left, cst.Integer) and operator in (*_MIRROR, cst.Equal, cst.NotEqual):
        left, right, operator = right, left, _MIRROR.get(operator, operator)
    if operator not in _COMPARE or not isinstance(right, cst.Integer) or _dims_of(context, left) != tensor:
        return None
    bound = int(right.value)
    return frozenset(n for n in _ALL_DIMS if _COMPARE[operator](n, bound) == truth)


def _exits(body: Union[cst.IndentedBlock, cst.SimpleStatementSuite, cst.BaseSuite]) -> bool:
    if isinstance(body, cst.SimpleStatementSuite):
        return any(isinstance(s, _EXITS) for s in body.body)
    last = body.body[-1] if body.body else None  # type: ignore[attr-defined]
    return isinstance(last, cst.SimpleStatementLine) and any(isinstance(s, _EXITS) for s in last.body)


def known_dims(context: FileContext, node: cst.CSTNode, tensor: cst.BaseExpression) -> Optional[frozenset[int]]:
    """The numbers of dimensions `tensor` can have where `node` (being visited) runs, as the
    surrounding tests say: the body of `if p.dim() == 1:`, the `else` of `if p.ndim > 1:`, code
    after `if w.ndim != 1: continue` (or `if not ok or w.ndim != 1: return`). None when no test
    of the enclosing function constrains it."""
    name = _normal(context.code_for(tensor))
    names = {name, name[: -len(".data")] if name.endswith(".data") else name}
    found: Optional[frozenset[int]] = None

    def narrow(dims: Optional[frozenset[int]]) -> None:
        nonlocal found
        if dims is not None:
            found = dims if found is None else found & dims

    previous: cst.CSTNode = node
    for ancestor in context.ancestors():
        for each in names:
            if isinstance(ancestor, (cst.If, cst.IfExp)) and previous is ancestor.body:
                narrow(_dims_if(context, ancestor.test, each, True))
            elif isinstance(ancestor, (cst.If, cst.IfExp)) and previous is ancestor.orelse:
                narrow(_dims_if(context, ancestor.test, each, False))
            elif isinstance(ancestor, (cst.IndentedBlock, cst.Module)):
                for statement in ancestor.body:
                    if statement is previous:
                        break
                    if isinstance(statement, cst.If) and statement.orelse is None and _exits(statement.body):
                        narrow(_dims_if(context, statement.test, each, False))
        if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
            break
        previous = ancestor
    return found


def tests_a_flag(context: FileContext, guard: cst.If, target: str) -> bool:
    """`self.bias = bias` then `if self.bias:` in the same function: the test reads the flag the
    function was given (one of its parameters, or a `True`/`False`/`None` literal), bound by the
    last top-level statement before the test that assigns `target`, not a tensor."""
    function = next((a for a in context.ancestors() if isinstance(a, cst.FunctionDef)), None)
    if function is None or not isinstance(function.body, cst.IndentedBlock):
        return False
    params = {p.name.value for p in declared_params(function)}
    bound: Optional[cst.BaseExpression] = None
    for statement in function.body.body:
        if statement is guard or any(node is guard for node in find_all(statement, cst.If)):
            break
        if not isinstance(statement, cst.SimpleStatementLine):
            if any(_assigns(node, target) for node in find_all(statement, cst.Assign)):
                bound = None  # bound in a branch: not known at the test
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign) and _assigns(small, target):
                bound = small.value
    if isinstance(bound, cst.Name):
        return bound.value in params or bound.value in ("True", "False", "None")
    return False


def _assigns(assign: cst.Assign, target: str) -> bool:
    return any(dotted_name(t.target) == target for t in assign.targets)

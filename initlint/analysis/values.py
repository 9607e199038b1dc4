"""What a name holds (a module, an int, a tensor...), as far as the code says.

Init functions check more than layers: `type(kernel_size) is int` normalizes an argument, it does
not pick layers. Rules that judge a type check ask here whether its subject can be a module.
The answer is one of `ValueKind`; `UNKNOWN` must lower a rule's severity, never count as evidence.
"""

from __future__ import annotations

import re

import enum
from typing import Callable, Iterable, Optional

import libcst as cst

from initlint.analysis.context import FileContext, is_module_iteration
from initlint.analysis.imports import dotted_name
from initlint.analysis.walk import declared_params, iter_nodes, positional_params

# Types whose instances are plain values, never modules.
_VALUE_TYPES = frozenset(
    {"int", "float", "bool", "str", "bytes", "tuple", "list", "dict", "set", "frozenset",
     "complex", "range", "slice", "NoneType", "type"}
)
_VALUE_TYPES_QUALIFIED = frozenset(
    {"torch.Tensor", "torch.nn.Parameter", "torch.nn.parameter.Parameter", "torch.Size",
     "torch.dtype", "torch.device", "numpy.ndarray", "numbers.Number", "numbers.Integral",
     "numbers.Real", "collections.abc.Sequence", "collections.abc.Iterable", "typing.Sequence"}
)


class ValueKind(str, enum.Enum):
    MODULE = "module"
    VALUE = "value"  # a number, string, container, tensor: not a module
    UNKNOWN = "unknown"


# Libraries whose classes are data containers and scalars, never modules.
_DATA_LIBRARIES = frozenset({"numpy", "pandas", "scipy", "polars", "pyarrow"})


def class_kind(expr: cst.BaseExpression, context: FileContext) -> ValueKind:
    """What instances of the class written as `expr` are: `int` → VALUE, `nn.Linear` → MODULE,
    a class of this file deriving from a torch module → MODULE, anything else → UNKNOWN."""
    if isinstance(expr, cst.Call) and dotted_name(expr.func) == "type":
        return ValueKind.VALUE  # type(None)
    qualified = context.resolve(expr)
    if qualified is not None:
        if qualified in _VALUE_TYPES_QUALIFIED or qualified.split(".", 1)[0] in _DATA_LIBRARIES:
            return ValueKind.VALUE  # `np.ndarray`, `np.str_`, `pd.DataFrame`: data, not modules
        if qualified.startswith("torch.nn.") and qualified.rsplit(".", 1)[-1][:1].isupper():
            return ValueKind.MODULE
        return ValueKind.UNKNOWN
    if isinstance(expr, cst.Name) and expr.value in _VALUE_TYPES:
        from initlint.analysis.classes import file_classes  # classes builds on this package

        if expr.value not in file_classes(context):  # not shadowed by a class of the file
            return ValueKind.VALUE
    name = dotted_name(expr)
    if name is not None:
        from initlint.analysis.classes import local_module_classes

        if name in local_module_classes(context):
            return ValueKind.MODULE
    return ValueKind.UNKNOWN


def classes_kind(exprs: Iterable[cst.BaseExpression], context: FileContext) -> ValueKind:
    """VALUE when every class is a value type, MODULE when any is a module class, else UNKNOWN."""
    kinds = [class_kind(expr, context) for expr in exprs]
    if kinds and all(kind is ValueKind.VALUE for kind in kinds):
        return ValueKind.VALUE
    if any(kind is ValueKind.MODULE for kind in kinds):
        return ValueKind.MODULE
    return ValueKind.UNKNOWN


def name_kind(name: str, context: FileContext) -> ValueKind:
    """What the name `name` holds where the current node is: MODULE for the loop variable of
    `for m in model.modules()`, the module argument of a function given to `.apply()` or of an
    `_init_weights(self, module)`, a parameter annotated with a module class; VALUE for a
    parameter annotated or defaulted with a plain value; UNKNOWN otherwise."""
    for node in context.ancestors():
        if isinstance(node, cst.For) and _binds(node.target, name):
            return ValueKind.MODULE if is_module_iteration(node.iter) else ValueKind.UNKNOWN
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            return _parameter_kind(node, name, context)
    return ValueKind.UNKNOWN


def _binds(target: cst.BaseExpression, name: str) -> bool:
    if isinstance(target, cst.Name):
        return target.value == name
    if isinstance(target, (cst.Tuple, cst.List)):
        return any(_binds(element.value, name) for element in target.elements)
    return False


def _parameter_kind(
    function: cst.FunctionDef | cst.Lambda, name: str, context: FileContext
) -> ValueKind:
    ordered = positional_params(function)
    found: Optional[cst.Param] = None
    for param in declared_params(function):
        if param.name.value == name:
            found = param
    if found is None:
        return ValueKind.UNKNOWN
    if isinstance(function, cst.FunctionDef):
        annotation = found.annotation.annotation if found.annotation is not None else None
        if annotation is not None:
            kind = class_kind(annotation, context)
            if kind is not ValueKind.UNKNOWN:
                return kind
        if found.default is not None and isinstance(
            found.default, (cst.Integer, cst.Float, cst.SimpleString, cst.Tuple, cst.List)
        ):
            return ValueKind.VALUE
        if isinstance(found.default, cst.Name) and found.default.value in ("True", "False"):
            return ValueKind.VALUE
        plain = [p.name.value for p in ordered if p.name.value not in ("self", "cls")]
        if plain[:1] == [name] and function.name.value in context.apply_targets:
            return ValueKind.MODULE  # `model.apply(init_fn)`: fn(module)
    return ValueKind.UNKNOWN


def option_branch(context: FileContext) -> Optional[str]:
    """The test of the innermost `if`/`elif` (in the current function) whose body holds the node
    being visited and which compares a name or attribute with a string literal
    (`initialization == "glorot_uniform"`, `init in ("xavier", ...)`): the code runs because a
    caller chose that option string, so what it does is the user's choice. None otherwise."""
    return _enclosing_branch_test(context, _compares_with_string)


def option_runs_by_default(context: FileContext) -> Optional[bool]:
    """For code under an option branch (see `option_branch`) that compares a bare name: True
    when that name is a parameter of an enclosing function whose default is an option the
    branch accepts (`if init_type == "xavier":` in `def init_weights(net, init_type="xavier")`),
    False when the default is another string, None when not known (an attribute, no default)."""
    previous: Optional[cst.CSTNode] = None
    test: Optional[cst.BaseExpression] = None
    for node in context.ancestors():
        if test is None and isinstance(node, cst.If) and previous is node.body and _compares_with_string(node.test):
            test = node.test
        elif test is None and isinstance(node, (cst.FunctionDef, cst.Lambda)):
            return None
        elif test is not None and isinstance(node, cst.FunctionDef):
            assert isinstance(test, cst.Comparison)
            subject, chosen = test.left, test.comparisons[0].comparator
            if not isinstance(subject, cst.Name):
                subject, chosen = chosen, subject
            if not isinstance(subject, cst.Name):
                return None
            param = next((p for p in declared_params(node) if p.name.value == subject.value), None)
            if param is None:
                continue
            default = _string_value(param.default)
            if default is None:
                return None
            options = chosen.elements if isinstance(chosen, (cst.Tuple, cst.List, cst.Set)) else ()
            accepted = {_string_value(e.value) for e in options} if options else {_string_value(chosen)}
            return default in accepted
        previous = node
    return None


def _string_value(expr: Optional[cst.BaseExpression]) -> Optional[str]:
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
        value = expr.evaluated_value
        return value if isinstance(value, str) else None
    return None


def opt_in_method(context: FileContext) -> Optional[str]:
    """For code in a method of a class: `flag=True` when the class's `__init__` is the only
    caller the project index knows of that method and calls it only under `if flag:`, with
    `flag` an `__init__` parameter that defaults to False or None (`if init_emb:
    self.init_emb()`): the method runs only when a caller opts in. None otherwise."""
    function = context.enclosing_function()
    klass = context.enclosing_class()
    if function is None or klass is None or function not in klass.body.body:
        return None
    name = function.name.value
    init = next((s for s in klass.body.body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"), None)
    if init is None or init is function:
        return None
    view = context.project
    callers = view.index.callers(view.qualify(f"{klass.name.value}.{name}"))
    init_qual = view.qualify(f"{klass.name.value}.__init__")
    if not callers or any(caller is None or view.index.qualify_local(summary, caller.qualname) != init_qual
                          for summary, caller, _ in callers):
        return None
    flags = {
        p.name.value for p in (*init.params.params, *init.params.kwonly_params)
        if p.default is not None and isinstance(p.default, cst.Name) and p.default.value in ("False", "None")
    }
    found: Optional[str] = None
    for node in _calls_of_self_method(init, name):
        test = _guarding_test(init, node)
        if not (isinstance(test, cst.Name) and test.value in flags):
            return None
        found = test.value
    return f"{found}=True" if found else None


def _calls_of_self_method(function: cst.FunctionDef, name: str) -> list[cst.Call]:
    return [
        node for node in iter_nodes(function)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
        and isinstance(node.func.value, cst.Name) and node.func.value.value == "self"
        and node.func.attr.value == name
    ]


def _guarding_test(function: cst.FunctionDef, target: cst.CSTNode) -> Optional[cst.BaseExpression]:
    """The test of the innermost `if` of `function` whose body (not `else`) holds `target`."""
    found: list[Optional[cst.BaseExpression]] = [None]

    class _Finder(cst.CSTVisitor):
        def __init__(self) -> None:
            self.tests: list[Optional[cst.BaseExpression]] = []

        def visit_If(self, node: cst.If) -> Optional[bool]:
            self.tests.append(node.test)
            node.body.visit(self)
            self.tests[-1] = None
            if node.orelse is not None:
                node.orelse.visit(self)
            self.tests.pop()
            return False

        def on_visit(self, node: cst.CSTNode) -> bool:
            if node is target:
                found[0] = self.tests[-1] if self.tests else None  # None also in an `else`
                return False
            return super().on_visit(node)

    function.body.visit(_Finder())
    return found[0]


# Flags that turn normalization off, or name a recipe for networks without it (Fixup, SkipInit).
_NORM_FREE_FLAG = re.compile(r"(?:^|_)(?:no_?norm|norm_?free|without_?norm|fixup|skip_?init)(?:$|_)", re.I)
_NORM_FLAG = re.compile(r"(?:^|_)(?:use|with|has)_?(?:layer_?|batch_?)?norm(?:$|_)", re.I)


def norm_free_branch(context: FileContext) -> Optional[str]:
    """The test of an `if` (in the current function) whose body holds the node being visited and
    which selects a normalization-free variant (`if no_norm:`, `if self.fixup:`, `if not
    use_norm:`). Down-scaled inits of residual branches there are the Fixup recipe: the branch
    sum, not each layer, keeps the signal's scale. None otherwise."""
    return _enclosing_branch_test(context, _selects_norm_free)


def _enclosing_branch_test(
    context: FileContext, selects: Callable[[cst.BaseExpression], bool]
) -> Optional[str]:
    """The code of the innermost `if` test, within the current function, whose body holds the
    visited node and that `selects` accepts."""
    previous: Optional[cst.CSTNode] = None
    for node in context.ancestors():
        if isinstance(node, cst.If) and previous is node.body and selects(node.test):
            return context.code_for(node.test)
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            return None
        previous = node
    return None


def _selects_norm_free(test: cst.BaseExpression) -> bool:
    negated = isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not)
    subject = test.expression if isinstance(test, cst.UnaryOperation) else test
    if not isinstance(subject, (cst.Name, cst.Attribute)):
        return False
    name = subject.value if isinstance(subject, cst.Name) else subject.attr.value
    return bool(_NORM_FLAG.search(name)) if negated else bool(_NORM_FREE_FLAG.search(name))


def _compares_with_string(test: cst.BaseExpression) -> bool:
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    if not isinstance(target.operator, (cst.Equal, cst.In)):
        return False
    subject, value = test.left, target.comparator
    if not isinstance(subject, (cst.Name, cst.Attribute)):
        subject, value = value, subject
    if not isinstance(subject, (cst.Name, cst.Attribute)):
        return False
    if isinstance(value, (cst.Tuple, cst.List, cst.Set)):
        return bool(value.elements) and all(isinstance(e.value, cst.SimpleString) for e in value.elements)
    return isinstance(value, (cst.SimpleString, cst.ConcatenatedString))


def assigned_to(assign: cst.Assign, value: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """The target that `value` (the assignment's value, or one element of a tuple value) is
    bound to: `self.w = v` → `self.w`; `self.a, self.b = p, q` → `self.b` for `q`. None for
    chained assignments, starred or unpacked values whose pairing is not element by element."""
    if len(assign.targets) != 1:
        return None
    target = assign.targets[0].target
    if assign.value is value:
        return target
    if isinstance(assign.value, (cst.Tuple, cst.List)) and isinstance(target, (cst.Tuple, cst.List)):
        values, targets = assign.value.elements, target.elements
        if len(values) != len(targets) or any(isinstance(e, cst.StarredElement) for e in (*values, *targets)):
            return None
        for element, bound in zip(values, targets):
            if element.value is value:
                return bound.value
    return None

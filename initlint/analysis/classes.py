"""Class-level and file-level facts about modules, their layers and where tensors get initialized.

Rules that need to "follow the class" ask here instead of walking it themselves:

- `class_facts(context, classdef)`: what `__init__` assigns to `self.<name>` (and with which
  constructor), in which order, which `self.<method>()` calls it makes, which methods are
  reachable from it, the class's bases;
- `init_sites(context)`: every place in the file that initializes a tensor (`nn.init.*`, in-place
  fills, `.data = ...`, init helpers), with the tensor's owner, the class and function it sits in
  and the `isinstance` guards above it;
- `bias_status(context, call)`: whether a layer constructor provably has a bias;
- `bias_false_calls(context)`: calls in the file that turn a layer's bias off.

Everything is computed lazily, at most once per file (or per class), and only when a rule has
found a candidate: a rule's `visit_*` stays cheap.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator, Optional, Sequence, Union

import libcst as cst

from initlint.analysis.context import FileContext, is_init_name
from initlint.analysis.imports import dotted_name
from initlint.analysis.layers import (
    LayerKind,
    branch_covers,
    classify,
    dispatch_matches,
    guard_class_names,
    kinds_of,
    names_in_test,
)
from initlint.analysis.library import (
    ACTIVATION_PARAMETER_LAYERS,
    BIAS_ARGUMENT,
    BIASLESS_BY_DESIGN,
    CHANNEL_ARGUMENTS,
    CLONE_COUNT_ARGUMENT,
    CONTAINERS,
    EMPTY_CREATORS,
    LAYER_NORM_FLAGS,
    LEGACY_TENSOR_TYPES,
    MODULE_BASES,
    PARAMETER_CLASSES,
    PARAMETERLESS,
    SIZE_NAME,
    default_constant,
    is_checkpoint_load,
    lora_partner,
    low_rank_partner,
    outputs_per_group_is_one,
)
from initlint.analysis.scales import local_value, module_constant
from initlint.analysis.tensors import InitCall, fill_argument, fill_value, init_call, tensor_ref
from initlint.analysis.walk import (
    NodeTable,
    children,
    contains,
    declared_params,
    find_all,
    find_all_outside,
    iter_nodes,
    node_table,
    walk,
)

if TYPE_CHECKING:
    from initlint.analysis.project import Answer, ProjectIndex
    from initlint.analysis.project.summary import ParamInit

_CACHE_ATTRIBUTE = "_initlint_class_facts"


# In-place tensor methods that overwrite a tensor's values (beyond tensors.TENSOR_INIT_METHODS).
INPLACE_FILLS = frozenset(
    {
        "zero_", "fill_", "normal_", "uniform_", "copy_", "bernoulli_", "random_", "exponential_",
        "geometric_", "cauchy_", "log_normal_", "set_", "fill_diagonal_", "index_fill_",
        "masked_fill_", "trunc_normal_", "orthogonal_",
    }
)
# Helper functions written by projects (timm's `trunc_normal_`, PyG's `glorot`, `lecun_normal_`).
_HELPER_NAME = re.compile(
    r"init|normal|uniform|glorot|xavier|kaiming|lecun|orthogonal|zeros|ones|constant|reset"
    r"|trunc|fill|^he_",
    re.IGNORECASE,
)
_NOT_HELPERS = frozenset({"isinstance", "hasattr", "getattr", "setattr", "print", "len"})


# Known constructors of other model libraries (their classes are modules with parameters).
_MODEL_LIBRARIES = ("timm.", "torchvision.", "transformers.", "diffusers.", "fairseq.", "mmcv.")


# Names of library classes that hold parameters (hooks, poolers and wrappers often do not).
_LIBRARY_LAYER_NAME = re.compile(
    r"(?:Block|Layer|Head|Mlp|MLP|Attention|Attn|Stage|Encoder|Decoder|Embed\w*|Proj\w*|Stem"
    r"|Act|Bn\w*|Gn\w*|Conv\w*)$"
)


def _cache(context: FileContext) -> dict:
    cache = context.__dict__.get(_CACHE_ATTRIBUTE)
    if cache is None:
        cache = {}
        setattr(context, _CACHE_ATTRIBUTE, cache)
    return cache


def is_self_attribute(expr: cst.BaseExpression, owner: str = "self") -> Optional[str]:
    """`self.fc` → "fc"; anything else → None."""
    if (
        isinstance(expr, cst.Attribute)
        and isinstance(expr.value, cst.Name)
        and expr.value.value == owner
    ):
        return expr.attr.value
    return None


def call_name(call: cst.Call) -> Optional[str]:
    """The last name of what is called: `nn.init.zeros_` → "zeros_", `glorot` → "glorot"."""
    if isinstance(call.func, cst.Attribute):
        return call.func.attr.value
    if isinstance(call.func, cst.Name):
        return call.func.value
    return None


def argument(call: cst.Call, position: Optional[int], keyword: str) -> Optional[cst.BaseExpression]:
    """The argument passed as `keyword`, or at `position` among the positional ones."""
    positional = []
    for arg in call.args:
        if arg.keyword is not None:
            if arg.keyword.value == keyword:
                return arg.value
        elif arg.star:
            return None  # `*args`: positions after it are unknown
        else:
            positional.append(arg.value)
    if position is not None and position < len(positional):
        return positional[position]
    return None


# Methods that return a view of a (contiguous) parameter: an in-place init of the view writes it.
_VIEW_METHODS = frozenset(
    {"view", "view_as", "reshape", "t", "transpose", "permute", "narrow", "select", "unsqueeze",
     "squeeze", "flatten", "unflatten", "unbind", "chunk", "split"}
)


def strip_tensor(expr: cst.BaseExpression) -> cst.BaseExpression:
    """`self.w.data[0]`, `self.w.detach()`, `self.w.view(2, n)` → `self.w`."""
    while True:
        if isinstance(expr, cst.Subscript):
            expr = expr.value
            continue
        if (
            isinstance(expr, cst.Call)
            and isinstance(expr.func, cst.Attribute)
            and expr.func.attr.value in _VIEW_METHODS
        ):
            expr = expr.func.value
            continue
        stripped = tensor_ref(expr).expr
        if stripped is expr:
            return expr
        expr = stripped


def initialized_tensor(call: cst.Call, context: FileContext) -> Optional[cst.BaseExpression]:
    """The tensor a call overwrites: `nn.init.x_(t)`, `t.normal_()`, `glorot(t)`; else None."""
    found = init_call(call, context)
    if found is not None:
        return strip_tensor(found.tensor.expr)
    name = call_name(call)
    if name is None:
        return None
    if isinstance(call.func, cst.Attribute) and name in INPLACE_FILLS:
        receiver = call.func.value
        if context.resolve(receiver) is None:  # `torch.normal_`-like module functions aside
            return strip_tensor(receiver)
    if name in _NOT_HELPERS or not call.args:
        return None
    first = call.args[0]
    if first.keyword is not None or first.star:
        return None
    if _HELPER_NAME.search(name) or name.endswith("_"):
        return strip_tensor(first.value)
    return None


def helper_targets(
    call: cst.Call, context: FileContext, klass: Optional[cst.ClassDef] = None
) -> Optional[list[cst.BaseExpression]]:
    """Every tensor a call of a project helper initializes, from the project index:
    `init_parts(self.r, self.i, self.j, self.k)` fills all four when the helper initializes each
    of its parameters; `init_layer(self.fc)` that writes `m.weight` gives `self.fc.weight`; a
    method of the enclosing `klass` called as `self._reset(self.w, self.b)` or
    `Klass._reset(...)` is found through the class and its bases. None when the callee is not a
    project function (then `initialized_tensor` guesses)."""
    func = call.func
    if init_call(call, context) is not None:
        return None
    method = _own_method_called(func, klass)
    if method is not None:
        return _method_targets(call, context, klass, method)  # type: ignore[arg-type]
    if is_self_attribute(func) is not None:
        return None
    written = dotted_name(func)
    last = written.rsplit(".", 1)[-1] if written is not None else ""
    if written is None or last in _NOT_HELPERS or not call.args:
        return None
    if last in INPLACE_FILLS:
        return None
    if not (_HELPER_NAME.search(last) or last.endswith("_")) and not any(
        not arg.star and (dotted_name(strip_tensor(arg.value)) or "").startswith("self.")
        for arg in call.args
    ):
        # cheap scan: only names that read as init helpers, or calls handed one of the module's
        # own tensors (`_copy_into(self.A_log, values)`), are looked up in the index
        return None
    view = context.project
    initialized = view.helper_initializes(written)
    if not initialized:
        return None  # not a project function, or nothing known: an unknown is no evidence
    resolved = view.resolve_name(written)
    found = view.index.function(resolved) if resolved else None
    if found is None:
        return None
    return _targets_of(call, found[1].params, initialized)


def _own_method_called(func: cst.BaseExpression, klass: Optional[cst.ClassDef]) -> Optional[str]:
    """`self.m` / `Klass.m` / `type(self).m` inside `klass` → "m"."""
    if klass is None or not isinstance(func, cst.Attribute):
        return None
    receiver = func.value
    if isinstance(receiver, cst.Name) and receiver.value in ("self", klass.name.value):
        return func.attr.value
    if (
        isinstance(receiver, cst.Call)
        and call_name(receiver) == "type"
        and len(receiver.args) == 1
        and isinstance(receiver.args[0].value, cst.Name)
        and receiver.args[0].value.value == "self"
    ):
        return func.attr.value
    return None


def _method_targets(
    call: cst.Call, context: FileContext, klass: cst.ClassDef, method: str
) -> Optional[list[cst.BaseExpression]]:
    """What a method of the class (or of a base, across files) initializes of what it is given:
    `self._reset(self.w, self.b)` with `def _reset(self, w, b)` or a staticmethod `_reset(w, b)`.
    None when the method is not a project function or initializes none of its arguments."""
    if not call.args:
        return None
    if klass not in context.module.body:
        return None  # a nested class: its qualified name is not known from here
    view = context.project
    target = view.index.find_method(view.qualify(klass.name.value), method)
    found = view.index.function(target) if target is not None else None
    if found is None:
        return None
    initialized = view.index.initialized_params(target)  # type: ignore[arg-type]
    if not initialized:
        return None
    params = found[1].params[1:] if found[1].is_method else found[1].params
    return _targets_of(call, params, initialized)


def _targets_of(
    call: cst.Call, declared: Sequence[str], initialized: dict[str, tuple[ParamInit, ...]]
) -> Optional[list[cst.BaseExpression]]:
    """The call's arguments, mapped to the callee's parameters, that the callee initializes
    (with the attribute path it writes: `m.weight` → `self.fc.weight`)."""
    params = [p for p in declared if p not in ("self", "cls")]
    passed: dict[str, cst.BaseExpression] = {}
    position = 0
    for arg in call.args:
        if arg.star:
            return None  # `*tensors`: cannot map arguments to parameters
        if arg.keyword is not None:
            passed[arg.keyword.value] = arg.value
        elif position < len(params):
            passed[params[position]] = arg.value
            position += 1
    targets: list[cst.BaseExpression] = []
    for param, inits in initialized.items():
        value = passed.get(param)
        if value is None:
            continue
        for found_init in inits:
            if found_init.how.startswith("call:"):
                continue
            target: cst.BaseExpression = strip_tensor(value)
            for part in found_init.path:
                target = cst.Attribute(value=target, attr=cst.Name(part))
            targets.append(target)
    return targets


# -- file-wide scan -------------------------------------------------------------------------
class SiteKind(str, enum.Enum):
    CALL = "call"  # nn.init.*(t), t.normal_(), helper(t)
    ASSIGN = "assign"  # t.data = ..., t[...] = ..., self.t = <something initialized>


@dataclass(frozen=True)
class InitSite:
    """One place that writes the values of a tensor."""

    node: cst.CSTNode  # the call or the assignment
    kind: SiteKind
    target: cst.BaseExpression  # the tensor expression, `.data`/subscripts stripped
    attr: Optional[str]  # `weight` in `m.weight`, `self.weight`
    owner: Optional[str]  # "self", "m", ... (the name the attribute hangs on)
    klass: Optional[cst.ClassDef]
    function: Optional[cst.FunctionDef]
    guards: tuple[str, ...]  # class names from enclosing isinstance()/type() tests
    loop_attrs: tuple[str, ...] = ()  # `for w in [self.a, self.b]` → ("a", "b")
    loop_all_parameters: bool = False  # `for p in self.parameters()`
    in_init_context: bool = False


@dataclass
class FileFacts:
    sites: list[InitSite] = field(default_factory=list)
    classes: dict[str, cst.ClassDef] = field(default_factory=dict)


PARAMETER_ITERATORS = frozenset({"parameters", "named_parameters"})
_MODULE_ITERATORS = frozenset({"modules", "named_modules", "children", "named_children"})


@dataclass(frozen=True)
class OwnParameterLoop:
    """`for name, p in self.named_parameters():` (or `self.parameters()`) around an init of
    `p`: the bound names and the tests the init needs, each with the value it needs
    (`if name.endswith("bias"): ... else: <init>` needs that test False)."""

    tensor: str
    name: Optional[str]
    tests: tuple[tuple[cst.BaseExpression, bool], ...]


def own_parameter_loop(context: FileContext, tensor: str) -> Optional[OwnParameterLoop]:
    """The loop over the module's own parameters (`self.parameters()`, `self.named_parameters()`,
    through `list(...)`) that binds `tensor` around the current node; None for anything else,
    or when the init sits under a `try`, a `while` or a nested loop."""
    tests: list[tuple[cst.BaseExpression, bool]] = []
    previous: cst.CSTNode = context.stack[-1]
    for ancestor in context.ancestors():
        if isinstance(ancestor, cst.If) and previous is not ancestor.test:
            tests.append((ancestor.test, previous is ancestor.body))
        elif isinstance(ancestor, cst.IndentedBlock):
            for statement in ancestor.body:
                if statement is previous:
                    break
                if isinstance(statement, cst.If) and find_all(statement, (cst.Continue, cst.Break, cst.Return)):
                    tests.append((statement.test, False))  # `if <test>: continue` before the init
        elif isinstance(ancestor, cst.For) and previous is ancestor.body:
            names = _loop_names(ancestor.target)
            iterable = ancestor.iter
            while isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) and iterable.func.value == "list" and iterable.args:
                iterable = iterable.args[0].value
            if tensor not in names or not (
                isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Attribute)
                and iterable.func.attr.value in PARAMETER_ITERATORS
                and isinstance(iterable.func.value, cst.Name) and iterable.func.value.value == "self"
            ):
                return None
            named = iterable.func.attr.value == "named_parameters"
            if named != (len(names) == 2) or names[-1] != tensor:
                return None
            return OwnParameterLoop(tensor, names[0] if named else None, tuple(tests))
        elif isinstance(ancestor, (cst.Try, cst.While, cst.For, cst.FunctionDef, cst.Lambda, cst.ClassDef,
                                   cst.ListComp, cst.GeneratorExp, cst.SetComp, cst.DictComp)):
            return None
        previous = ancestor
    return None


def _strings_of(expr: cst.BaseExpression) -> Optional[list[str]]:
    """`"bias"` → ["bias"], `("a", "b")` → ["a", "b"]; None for anything else."""
    if isinstance(expr, cst.SimpleString):
        value = expr.evaluated_value
        return [value] if isinstance(value, str) else None
    if isinstance(expr, (cst.Tuple, cst.List)):
        found = [_strings_of(e.value) for e in expr.elements]
        return None if any(f is None or len(f) != 1 for f in found) else [f[0] for f in found]  # type: ignore[index]
    return None


_DIMS = re.compile(r"^(?:(?P<v>\w+)\.(?:dim|ndimension)\(\)|(?P<w>\w+)\.ndim|len\((?P<x>\w+)\.(?:shape|size\(\))\))$")


def loop_test_on(context: FileContext, test: cst.BaseExpression, loop: OwnParameterLoop, attr: str, dims: int) -> Optional[bool]:
    """The value of a test of `loop` for the parameter `<...>.attr` with `dims` dimensions:
    `name.endswith("bias")`, `"weight" in name` (True only when `attr` holds the word: the
    prefix of the full name is not known), `p.dim() > 1`, `not`, `and`, `or`; None when it
    cannot be known."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = loop_test_on(context, test.expression, loop, attr, dims)
        return None if inner is None else not inner
    if isinstance(test, cst.BooleanOperation):
        left = loop_test_on(context, test.left, loop, attr, dims)
        right = loop_test_on(context, test.right, loop, attr, dims)
        if isinstance(test.operator, cst.And):
            return False if False in (left, right) else (True if left and right else None)
        return True if True in (left, right) else (False if left is False and right is False else None)
    if isinstance(test, cst.Call) and isinstance(test.func, cst.Attribute) and isinstance(test.func.value, cst.Name) \
            and test.func.value.value == loop.name and test.func.attr.value in ("endswith", "startswith") and len(test.args) == 1:
        words = _strings_of(test.args[0].value)
        if words is None:
            return None
        if test.func.attr.value == "endswith":
            # the full name is `attr` or `<prefix>.attr`: a longer word can end it only by
            # ending with `.attr`
            if any(len(w) > len(attr) and w.endswith(f".{attr}") for w in words):
                return None
            return any(attr.endswith(w) for w in words)
        return None  # the prefix before `attr` is not known
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.comparisons[0]
        operator = target.operator
        if isinstance(operator, (cst.In, cst.NotIn)) and isinstance(target.comparator, cst.Name) \
                and target.comparator.value == loop.name:
            words = _strings_of(test.left)
            if words is None or len(words) != 1:
                return None
            inside = words[0] in attr or None  # absent from `attr`: perhaps in the prefix
            return None if inside is None else (inside if isinstance(operator, cst.In) else not inside)
        match = _DIMS.match(re.sub(r"\s+", "", context.code_for(test.left)))
        bound = target.comparator
        if match is not None and loop.tensor in match.groupdict().values() and isinstance(bound, cst.Integer):
            value = int(bound.value)
            table = {cst.GreaterThan: dims > value, cst.GreaterThanEqual: dims >= value,
                     cst.Equal: dims == value, cst.NotEqual: dims != value,
                     cst.LessThan: dims < value, cst.LessThanEqual: dims <= value}
            return table.get(type(operator))
    return None


_REGISTERS = frozenset({"register_parameter", "register_buffer", "register_module", "add_module"})


def _sets_attr(statement: cst.BaseSmallStatement, attr: str) -> bool:
    """`self.<attr> = ...`, `self.<attr>: T = ...`, `setattr(self, "<attr>", ...)`,
    `self.register_parameter("<attr>", ...)`: the statement gives the module the attribute."""
    if isinstance(statement, cst.Assign):
        targets = [t.target for t in statement.targets]
        while any(isinstance(t, (cst.Tuple, cst.List)) for t in targets):
            targets = [e.value for t in targets for e in (t.elements if isinstance(t, (cst.Tuple, cst.List)) else [t])]  # type: ignore[misc]
        return any(is_self_attribute(t) == attr for t in targets)
    if isinstance(statement, cst.AnnAssign):
        return statement.value is not None and is_self_attribute(statement.target) == attr
    if isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Call):
        call = statement.value
        names = _strings_of(call.args[1].value) if len(call.args) > 1 else None
        if isinstance(call.func, cst.Name) and call.func.value == "setattr" and names is not None:
            return isinstance(call.args[0].value, cst.Name) and call.args[0].value.value == "self" and names == [attr]
        method = is_self_attribute(call.func)
        return method in _REGISTERS and bool(call.args) and _strings_of(call.args[0].value) == [attr]
    return False


def _always_sets(statements: Sequence[cst.CSTNode], attr: str) -> tuple[bool, Optional[cst.If]]:
    """Does every way through `statements` set `self.<attr>` (or leave them: `raise`,
    `return`)? With the first `if` chain that sets it on some of its branches only. Loops,
    `try` and `with` that set it anywhere count as setting it (not judged)."""
    partial: Optional[cst.If] = None
    covered: list[cst.BaseExpression] = []  # tests of `if`s (no else) whose body sets it
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            if any(isinstance(s, (cst.Raise, cst.Return)) or _sets_attr(s, attr) for s in statement.body):
                return True, partial
        elif isinstance(statement, cst.If):
            body = _always_sets(statement.body.body, attr)[0]
            orelse = statement.orelse
            if orelse is None:
                rest = False
            elif isinstance(orelse, cst.If):
                rest = _always_sets([orelse], attr)[0]
            else:
                rest = _always_sets(orelse.body.body, attr)[0]
            if body and rest:
                return True, partial
            if body and orelse is None:
                # `if not separate: self.mu = ...` then `if separate: self.mu = ...`
                if any(_negates(statement.test, test) or _negates(test, statement.test) for test in covered):
                    return True, partial
                covered.append(statement.test)
            if partial is None and any(_sets_attr(s, attr) for s in find_all(statement, cst.BaseSmallStatement)):
                partial = statement  # (a branch that only raises or returns creates nothing)
        elif isinstance(statement, (cst.For, cst.While, cst.With, cst.Try, cst.Match)):
            if any(_sets_attr(s, attr) for s in find_all(statement, cst.BaseSmallStatement)):
                return True, partial
    return False, partial


def _negates(test: cst.BaseExpression, other: cst.BaseExpression) -> bool:
    """`not x` against `x` (as written)."""
    return (
        isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not)
        and test.expression.deep_equals(other)
    )


def conditionally_created(facts: "ClassFacts", attr: str, before: Optional[cst.CSTNode]) -> Optional[cst.If]:
    """The `if` chain of `__init__` that creates `self.<attr>` on some of its branches while a
    way through `__init__` up to the statement `before` (one of its top-level statements; None:
    the whole body) sets it nowhere (`if order > 2: self.w2 = ... elif order == 2: self.w2 =
    ...` with no `else`): the module may lack the attribute there. None when every way sets
    it, or none does."""
    if facts.init is None:
        return None
    statements: list[cst.CSTNode] = []
    for statement in facts.init.body.body:
        if statement is before:
            break
        statements.append(statement)
    always, partial = _always_sets(statements, attr)
    return None if always else partial


def _loop_names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        names: list[str] = []
        for element in target.elements:
            names.extend(_loop_names(element.value))
        return names
    return []


class _FileScanner:
    """One read-only walk of the module (initlint.analysis.walk), tracking the enclosing
    classes, functions, `if` branches and `for` loops of every node."""

    def __init__(self, context: FileContext) -> None:
        self.context = context
        self.facts = FileFacts()
        self.classes: list[cst.ClassDef] = []
        self.functions: list[cst.FunctionDef] = []
        self.guards: list[list[str]] = []
        self.loops: list[cst.For] = []
        self.stack: list[cst.CSTNode] = []
        self.opened: dict[int, str] = {}  # id(node) → what entering it pushed

    def run(self) -> FileFacts:
        table = node_table(self.context.module)
        if table.shared:
            walk(self.context.module, self.on_visit, self.on_leave)
        else:
            self._run_on(table)
        return self.facts

    def _run_on(self, table: NodeTable) -> None:
        """What `on_visit`/`on_leave` do, from the node table: only the nodes that matter, in
        pre-order, each with the scopes (classes, functions, `if` bodies, loop bodies) open at
        it, instead of two callbacks for every node of the file (a quarter of a profiled
        transformers run)."""
        by_type = table.by_type
        nodes, ends = table.nodes, table.ends
        # (position, what, owner): 0 / 1 the body of the `if` / `for` at owner, 2 the node itself
        # (a body entered before the node that is the body: `f(x) if c else y`)
        events: list[tuple[int, int, int]] = []
        for kind in (cst.ClassDef, cst.FunctionDef, cst.Call, cst.Assign):
            events.extend((i, 2, i) for i in by_type.get(kind, ()))
        for kind, what in ((cst.If, 0), (cst.IfExp, 0), (cst.For, 1)):
            events.extend((table.index[id(nodes[i].body)], what, i) for i in by_type.get(kind, ()))
        events.sort()
        scopes: list[tuple[int, int]] = []  # (end, what) of the open classes/functions/bodies
        for position, what, owner in events:
            while scopes and scopes[-1][0] <= position:
                self._close(scopes.pop()[1])
            node = nodes[position]
            if what == 0:
                self.guards.append(guard_names(nodes[owner].test, self.context))
                scopes.append((ends[position], 0))
                continue
            if what == 1:
                self.loops.append(nodes[owner])
                scopes.append((ends[position], 1))
                continue
            kind = type(node)
            if kind is cst.ClassDef:
                self.classes.append(node)
                self.facts.classes.setdefault(node.name.value, node)
                scopes.append((ends[position], 2))
            elif kind is cst.FunctionDef:
                self.functions.append(node)
                scopes.append((ends[position], 3))
            elif kind is cst.Call:
                self.visit_Call(node)
            else:
                self.visit_Assign(node)
        while scopes:
            self._close(scopes.pop()[1])

    def _close(self, what: int) -> None:
        (self.guards, self.loops, self.classes, self.functions)[what].pop()

    def on_visit(self, node: cst.CSTNode) -> None:
        parent = self.stack[-1] if self.stack else None
        self.stack.append(node)
        if parent is not None:
            if isinstance(parent, (cst.If, cst.IfExp)) and node is parent.body:
                self.guards.append(guard_names(parent.test, self.context))
                self.opened[id(node)] = "guard"
            elif isinstance(parent, cst.For) and node is parent.body:
                self.loops.append(parent)
                self.opened[id(node)] = "loop"
        if isinstance(node, cst.ClassDef):
            self.classes.append(node)
            self.facts.classes.setdefault(node.name.value, node)
        elif isinstance(node, cst.FunctionDef):
            self.functions.append(node)
        elif isinstance(node, cst.Call):
            self.visit_Call(node)
        elif isinstance(node, cst.Assign):
            self.visit_Assign(node)

    def on_leave(self, node: cst.CSTNode) -> None:
        self.stack.pop()
        opened = self.opened.pop(id(node), None)
        if opened == "guard":
            self.guards.pop()
        elif opened == "loop":
            self.loops.pop()
        if isinstance(node, cst.ClassDef):
            self.classes.pop()
        elif isinstance(node, cst.FunctionDef):
            self.functions.pop()

    # sites
    def _site(self, node: cst.CSTNode, kind: SiteKind, target: cst.BaseExpression) -> None:
        attr: Optional[str] = None
        owner: Optional[str] = None
        loop_attrs: list[str] = []
        all_parameters = False
        if isinstance(target, cst.Attribute):
            attr = target.attr.value
            inner = target.value
            owner = inner.value if isinstance(inner, cst.Name) else dotted_name(inner)
        elif (
            isinstance(target, cst.Call)
            and call_name(target) == "getattr"
            and target.args
            and isinstance(target.args[0].value, cst.Name)
            and target.args[0].value.value == "self"
        ):
            all_parameters = True  # `nn.init.x_(getattr(self, name))`: any attribute
        elif isinstance(target, cst.Name):
            for loop in reversed(self.loops):
                if target.value in _loop_names(loop.target):
                    iterable = loop.iter
                    if isinstance(iterable, cst.Name) and self.functions:
                        # `params = [self.a, self.b]` then `for p in params:`
                        iterable = _local_sequence(self.functions[-1], iterable.value) or iterable
                    loop_attrs, all_parameters = _loop_sources(iterable)
                    break
            else:
                aliased = self._local_alias(self.functions[-1], target.value) if self.functions else None
                if aliased is not None:  # `w = self.w` (or `w, b = self.w, self.b`) then init `w`
                    self._site(node, kind, aliased)
                    return
        function = self.functions[-1] if self.functions else None
        in_init = any(self.context.is_init_function(f) for f in self.functions) or any(
            iterates(loop.iter, _MODULE_ITERATORS) for loop in self.loops
        )
        self.facts.sites.append(
            InitSite(
                node=node,
                kind=kind,
                target=target,
                attr=attr,
                owner=owner,
                klass=self.classes[-1] if self.classes else None,
                function=function,
                guards=tuple(name for names in self.guards for name in names),
                loop_attrs=tuple(loop_attrs),
                loop_all_parameters=all_parameters,
                in_init_context=in_init,
            )
        )

    def _local_alias(self, function: cst.FunctionDef, name: str) -> Optional[cst.Attribute]:
        """`_local_alias`, one scan of the function's body per name (inits of a local name
        often come several to a function)."""
        return self.context.memo(("local-alias", id(function), name), lambda: _local_alias(function, name))

    def visit_Call(self, node: cst.Call) -> None:
        targets = helper_targets(node, self.context, self.classes[-1] if self.classes else None)
        if targets is not None:
            for target in targets:
                self._site(node, SiteKind.CALL, target)
            return
        target = initialized_tensor(node, self.context)
        if target is not None:
            self._site(node, SiteKind.CALL, target)
        for arg in node.args:  # `torch.arange(1, n + 1, out=self.freq)` fills `self.freq`
            if arg.keyword is not None and arg.keyword.value == "out":
                self._site(node, SiteKind.CALL, strip_tensor(arg.value))

    def visit_Assign(self, node: cst.Assign) -> None:
        for assign_target in node.targets:
            target = assign_target.target
            if isinstance(target, cst.Subscript) or (
                isinstance(target, cst.Attribute) and target.attr.value == "data"
            ):
                self._site(node, SiteKind.ASSIGN, strip_tensor(target))
            elif is_self_attribute(target) and not _is_placeholder(node.value, self.context):
                self._site(node, SiteKind.ASSIGN, target)


def guard_names(test: cst.BaseExpression, context: FileContext) -> list[str]:
    """Class names a branch test dispatches on (`isinstance(m, A | B)` included), plus
    `hasattr:<attr>` for `hasattr(m, "<attr>")` tests."""
    names = names_in_test(test, context)
    for node in find_all(test, cst.Call):
        if not isinstance(node.func, cst.Name) or len(node.args) < 2:
            continue
        second = node.args[1].value
        if node.func.value == "isinstance" and isinstance(second, cst.BinaryOperation):
            pending: list[cst.BaseExpression] = [second]
            while pending:
                expr = pending.pop()
                if isinstance(expr, cst.BinaryOperation) and isinstance(
                    expr.operator, cst.BitOr
                ):
                    pending += [expr.left, expr.right]
                else:
                    name = context.resolve(expr) or dotted_name(expr)
                    if name:
                        names.append(name)
        elif node.func.value == "hasattr" and isinstance(second, cst.SimpleString):
            value = second.evaluated_value
            if isinstance(value, str):
                names.append(f"hasattr:{value}")
    return names


def _is_placeholder(value: cst.BaseExpression, context: FileContext) -> bool:
    """`None`, or a tensor whose values are garbage (`torch.empty`, `nn.Parameter(torch.empty)`)."""
    if isinstance(value, cst.Name) and value.value == "None":
        return True
    return uninitialized_creator(value, context) is not None


def iterates(expr: cst.BaseExpression, methods: frozenset[str]) -> bool:
    """`m.parameters()`, `list(m.parameters())`, `enumerate(m.named_parameters())`, with
    `methods` = {"parameters", "named_parameters"}."""
    while isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.args:
        expr = expr.args[0].value  # list(...), enumerate(...), filter(...) (first argument)
    return (
        isinstance(expr, cst.Call)
        and isinstance(expr.func, cst.Attribute)
        and expr.func.attr.value in methods
    )


def _loop_sources(iterable: cst.BaseExpression) -> tuple[list[str], bool]:
    """`[self.a, self.b]` → (["a", "b"], False); `self.parameters()` → ([], True)."""
    attrs: list[str] = []
    everything = False
    for node in iter_nodes(iterable):
        if isinstance(node, cst.Attribute):
            name = is_self_attribute(node)
            if name is not None:
                attrs.append(name)
        elif isinstance(node, cst.Call):
            func = node.func
            if (
                isinstance(func, cst.Attribute)
                and func.attr.value in PARAMETER_ITERATORS
                and isinstance(func.value, cst.Name)
                and func.value.value == "self"
            ):
                everything = True
    return attrs, everything


def _binds(target: cst.CSTNode, name: str) -> bool:
    """The assignment or loop target binds `name` (anywhere in it: `a, name`, `name[0]`)."""
    return any(isinstance(t, cst.Name) and t.value == name for t in iter_nodes(target))


def _bound_value(
    target: cst.BaseExpression, value: cst.BaseExpression, name: str
) -> Optional[cst.BaseExpression]:
    """What `name = value` or an unpacking of equal length (`w, b = self.w, self.b`) binds to
    `name`; None for any other target."""
    if isinstance(target, cst.Name):
        return value if target.value == name else None
    if (
        isinstance(target, (cst.Tuple, cst.List))
        and isinstance(value, (cst.Tuple, cst.List))
        and len(target.elements) == len(value.elements)
    ):
        for element, bound in zip(target.elements, value.elements):
            if isinstance(element.value, cst.Name) and element.value.value == name:
                return bound.value
    return None


def _local_alias(function: cst.FunctionDef, name: str) -> Optional[cst.Attribute]:
    """The `self.<attr>` a local name stands for: `w = self.w` / `w = self.w.data` /
    `w, b = self.w, self.b`, when that is the function's only binding of the name (not a loop
    variable, not reassigned); else None."""
    found: Optional[cst.Attribute] = None
    for node in iter_nodes(function.body):
        if isinstance(node, (cst.AnnAssign, cst.AugAssign, cst.NamedExpr, cst.For, cst.CompFor)):
            if _binds(node.target, name):
                return None
        elif isinstance(node, cst.Assign):
            for assign_target in node.targets:
                value = _bound_value(assign_target.target, node.value, name)
                if value is None:
                    if _binds(assign_target.target, name):
                        return None
                    continue
                stripped = strip_tensor(value)
                if found is not None or not isinstance(stripped, cst.Attribute) or is_self_attribute(stripped) is None:
                    return None
                found = stripped
    return found


def _local_sequence(function: cst.FunctionDef, name: str) -> Optional[cst.BaseExpression]:
    """The list or tuple display a local name is bound to: `params = [self.a, self.b]`, when that
    is the function's only binding of the name and nothing changes the list afterwards
    (`params.append(...)`, `params += ...`, `params[0] = ...`); else None."""
    found: Optional[cst.BaseExpression] = None
    for node in iter_nodes(function.body):
        if isinstance(node, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            targets = (
                [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
            )
            for target in targets:
                if not _binds(target, name):
                    continue
                if (
                    found is not None
                    or not isinstance(node, cst.Assign)
                    or not isinstance(target, cst.Name)
                    or not isinstance(node.value, (cst.List, cst.Tuple))
                ):
                    return None
                found = node.value
        elif isinstance(node, (cst.For, cst.CompFor)) and _binds(node.target, name):
            return None  # rebound by a loop
        elif (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and isinstance(node.func.value, cst.Name)
            and node.func.value.value == name
            and node.func.attr.value in ("append", "extend", "insert", "pop", "remove", "clear")
        ):
            return None
    return found


def file_facts(context: FileContext) -> FileFacts:
    cache = _cache(context)
    facts = cache.get("file")
    if facts is None:
        facts = cache["file"] = _FileScanner(context).run()
    return facts


def init_sites(context: FileContext) -> list[InitSite]:
    return file_facts(context).sites


def refilled_at_construction(context: FileContext, klass: cst.ClassDef, attr: str) -> Optional[InitSite]:
    """An init of the class's own `self.<attr>`, in `__init__` or an init method
    (`reset_parameters`), that fills it with a computed value (`self.eps.data.fill_(self.initial_eps)`,
    `nn.init.constant_(self.g, init_value)`): what the parameter was created with (`torch.ones`)
    does not survive construction, and the value that replaces it is not known here."""
    for site in _site_index(context).own.get((id(klass), attr), ()):
        if not isinstance(site.node, cst.Call) or not (
            site.in_init_context or (site.function is not None and site.function.name.value == "__init__")
        ):
            continue
        call = init_call(site.node, context)
        if call is not None and call.function in ("constant_", "constant") and (
            fill_argument(call) is not None and fill_value(call) is None
        ):
            return site
    return None


# -- uninitialized tensors ------------------------------------------------------------------
_PASS_THROUGH = frozenset(
    {"to", "cuda", "cpu", "float", "double", "half", "bfloat16", "type", "contiguous",
     "requires_grad_", "type_as", "pin_memory", "share_memory_"}
)


# Names that say a value holds data, whatever size-like word they also carry (`mean_size_arr`).
_DATA_NAME = re.compile(r"(?:^|_)(?:arr|array|list|table|values|data|init|matrix|mat|np)$", re.IGNORECASE)


def _measured_as_sequence(name: str, context: FileContext) -> bool:
    """The function being visited calls `len(name)`: an int has no length, so `name` holds data."""
    function = context.enclosing_function()
    if function is None:
        return False
    return any(
        call_name(call) == "len" and len(call.args) == 1
        and isinstance(call.args[0].value, cst.Name) and call.args[0].value.value == name
        for call in find_all(function, cst.Call)
    )


def _looks_like_size(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, cst.Integer):
        return True
    if isinstance(expr, cst.BinaryOperation):
        # `4 * hidden` is a size; `np.arange(n) / n` is data (a true quotient is never a size).
        if isinstance(expr.operator, cst.Divide):
            return False
        return not any(isinstance(side, cst.Call) and not _looks_like_size(side)
                       for side in (expr.left, expr.right))
    if isinstance(expr, cst.Name):
        return bool(SIZE_NAME.search(expr.value))
    if isinstance(expr, cst.Attribute):
        return bool(SIZE_NAME.search(expr.attr.value))
    if isinstance(expr, cst.Subscript):  # shape[0]
        return _looks_like_size(expr.value)
    if isinstance(expr, cst.Call):
        name = call_name(expr)
        return name in {"Size", "int", "size"}
    return False


def is_zero_size(call: cst.Call) -> bool:
    """`torch.empty(0)`, `torch.zeros(0, d)`: a tensor with no elements (a device marker)."""
    for arg in call.args:
        if arg.keyword is None and isinstance(arg.value, cst.Integer) and arg.value.value == "0":
            return True
    return False


# Arithmetic that keeps uninitialized memory meaningless, whatever the other operand.
_GARBAGE_KEEPING_OPERATORS = (cst.Multiply, cst.Divide, cst.Add, cst.Subtract)


def uninitialized_creator(expr: cst.BaseExpression, context: FileContext) -> Optional[str]:
    """`torch.empty(3, 4)`, `torch.Tensor(n, m)`, `nn.Parameter(torch.empty(...)).to(x)` → the
    creator's name; None for anything whose values are defined (`torch.tensor([...])`,
    `torch.Tensor(data)`, `torch.empty(n).uniform_()`)."""
    while isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
        if expr.func.attr.value not in _PASS_THROUGH:
            break
        expr = expr.func.value
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, _GARBAGE_KEEPING_OPERATORS):
        # `dim ** -0.5 * torch.empty(d, n)` (vLLM's resampler): scaled garbage is still garbage
        return uninitialized_creator(expr.left, context) or uninitialized_creator(expr.right, context)
    if not isinstance(expr, cst.Call):
        return None
    qualified = context.resolve(expr.func)
    if qualified in PARAMETER_CLASSES and expr.args and expr.args[0].keyword is None:
        return uninitialized_creator(expr.args[0].value, context)
    if qualified in EMPTY_CREATORS:
        return None if is_zero_size(expr) else qualified
    if qualified in LEGACY_TENSOR_TYPES:
        sizes = [a for a in expr.args if a.keyword is None]
        if not sizes or is_zero_size(expr):
            return None
        if any(isinstance(a.value, (cst.List, cst.Tuple, cst.ListComp)) for a in sizes):
            return None
        if len(sizes) == 1 and isinstance(sizes[0].value, cst.Name) and not sizes[0].star:
            assigned = local_value(sizes[0].value, expr, context)
            if assigned is not None and not _looks_like_size(assigned):
                return None  # `torch.Tensor(w_init)` after `w_init = np.linalg.qr(...)[0]`: data
            if _measured_as_sequence(sizes[0].value.value, context) or _DATA_NAME.search(sizes[0].value.value):
                return None  # `len(mean_size_arr)` in the same function: a sequence, so data
        if len(sizes) > 1 or sizes[0].star or _looks_like_size(sizes[0].value):
            return qualified
        return None
    if isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "new_empty":
        return "Tensor.new_empty"
    return None


# -- layers and their biases -----------------------------------------------------------------
class BiasStatus(str, enum.Enum):
    PRESENT = "present"  # provably has a bias tensor
    ABSENT = "absent"  # bias=False / affine=False written as a literal
    MAYBE = "maybe"  # decided by an expression (`bias=qkv_bias`)
    UNKNOWN = "unknown"  # not a layer we know


def _literal_bool(expr: cst.BaseExpression) -> Optional[bool]:
    if isinstance(expr, cst.Name) and expr.value in ("True", "False"):
        return expr.value == "True"
    if isinstance(expr, cst.Integer):
        return expr.value != "0"
    return None


def torch_layer_name(context: FileContext, call: cst.Call) -> Optional[str]:
    """`nn.Linear(...)` → "Linear" when it resolves to torch.nn; None otherwise."""
    qualified = context.resolve(call.func)
    if qualified is None or not qualified.startswith("torch.nn."):
        return None
    return qualified.rsplit(".", 1)[-1]


def bias_status(context: FileContext, call: cst.Call) -> BiasStatus:
    """Whether the layer built by `call` has a `.bias` tensor."""
    name = torch_layer_name(context, call)
    if name is None:
        return BiasStatus.UNKNOWN
    if name in BIASLESS_BY_DESIGN:
        return BiasStatus.ABSENT
    position: Optional[int] = 2
    if name == "LayerNorm":
        decided = [argument(call, index, keyword) for keyword, index in LAYER_NORM_FLAGS]
        default = True
    else:
        spec = BIAS_ARGUMENT.get(name)
        if spec is None:
            return BiasStatus.UNKNOWN
        keyword, position, default = spec
        decided = [argument(call, position, keyword)] if keyword else []
    if _star_before(call, position if name != "LayerNorm" else 2):
        if name == "LayerNorm":
            return BiasStatus.MAYBE
        return _passed_through(context, call, keyword, position, default)
    status = BiasStatus.PRESENT if default else BiasStatus.ABSENT
    for value in decided:
        if value is None:
            continue
        literal = _literal_bool(value)
        if literal is None and isinstance(value, cst.Name):
            constant = module_constant(value.value, context)  # `affine=affine_par`, a module constant
            literal = _literal_bool(constant) if constant is not None else None
        if literal is None:
            literal = _bound_bool(context, call, value)
        if literal is None:
            return BiasStatus.MAYBE
        if not literal:
            return BiasStatus.ABSENT
        status = BiasStatus.PRESENT
    return status


def _bound_bool(context: FileContext, call: cst.Call, value: cst.BaseExpression) -> Optional[bool]:
    """`bias=bias` after `bias = True`, the name's only binding in the function building the
    layer (not a parameter); `bias=self.bias` after `self.bias = True`, the attribute's only
    assignment in the class (edmine's attention blocks): the literal; None otherwise."""
    owners = context.memo(("bound-bools",), lambda: _bound_bools(context.module))
    found = owners.get(id(call))
    if found is None:
        return None
    in_function, in_class = found
    if isinstance(value, cst.Name):
        return in_function.get(value.value)
    attr = is_self_attribute(value) if isinstance(value, cst.Attribute) else None
    return in_class.get(attr) if attr is not None else None


def _bound_bools(module: cst.Module) -> dict[int, tuple[dict[str, bool], dict[str, bool]]]:
    """id(call in a function) -> (its function's names bound once, to a literal bool, and not
    parameters; its class's `self.<attr>` assigned once, to a literal bool)."""
    found: dict[int, tuple[dict[str, bool], dict[str, bool]]] = {}

    def single(pairs: list[tuple[str, cst.BaseExpression]]) -> dict[str, bool]:
        counts: dict[str, int] = {}
        for name, _ in pairs:
            counts[name] = counts.get(name, 0) + 1
        return {name: lit for name, value in pairs
                if counts[name] == 1 and (lit := _literal_bool(value)) is not None}

    def targets(node: cst.CSTNode) -> list[tuple[cst.BaseExpression, cst.BaseExpression]]:
        pairs = []
        for n in find_all(node, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            if isinstance(n, cst.Assign):
                pairs += [(t.target, n.value) for t in n.targets]
            elif n.value is not None:
                pairs.append((n.target, n.value))
        return pairs

    for klass in find_all(module, cst.ClassDef):
        attrs = single([(a, v) for t, v in targets(klass)
                        if isinstance(t, cst.Attribute) and (a := is_self_attribute(t)) is not None])
        for function in klass.body.body:
            if not isinstance(function, cst.FunctionDef):
                continue
            params = {p.name.value for p in function.params.params + function.params.kwonly_params}
            names = single([(t.value, v) for t, v in targets(function) if isinstance(t, cst.Name)])
            names = {n: b for n, b in names.items() if n not in params}
            for call in find_all(function, cst.Call):
                found[id(call)] = (names, attrs)
    return found


def bias_flag(context: FileContext, call: cst.Call) -> Optional[cst.BaseExpression]:
    """The argument that turns off the bias (or a norm's affine parameters) of the torch layer
    `call` builds, as written: `bias=use_bias`, or positionally `nn.Linear(i, o, bias)`
    (positions from `library.BIAS_ARGUMENT`). None when no such argument is passed."""
    name = torch_layer_name(context, call)
    if name is None:
        return None
    if name == "LayerNorm":
        flags = list(LAYER_NORM_FLAGS)
    else:
        spec = BIAS_ARGUMENT.get(name)
        if spec is None:
            return None
        flags = [(spec[0], spec[1])]
    for keyword, position in flags:
        value = argument(call, position, keyword)
        if value is not None:
            return value
    return None


def _forwarding_functions(context: FileContext) -> dict[int, cst.FunctionDef]:
    """id(call) → the module-level function whose `*args, **kwargs` the call hands on whole
    (`def WNConv1d(*args, **kwargs): return weight_norm(nn.Conv1d(*args, **kwargs))`)."""

    def compute() -> dict[int, cst.FunctionDef]:
        found: dict[int, cst.FunctionDef] = {}
        for function in context.module.body:
            if not isinstance(function, cst.FunctionDef):
                continue
            params = function.params
            star = params.star_arg.name.value if isinstance(params.star_arg, cst.Param) else None
            kwargs = params.star_kwarg.name.value if params.star_kwarg is not None else None
            if star is None:
                continue
            for call in find_all(function, cst.Call):
                stars = [(a.star, a.value) for a in call.args if a.star]
                if stars and all(
                    isinstance(v, cst.Name) and v.value == (star if kind == "*" else kwargs)
                    for kind, v in stars
                ):
                    found[id(call)] = function
        return found

    return context.memo(("forwarding-functions",), compute)


def _passed_through(
    context: FileContext, call: cst.Call, keyword: Optional[str], position: Optional[int], default: bool
) -> BiasStatus:
    """The bias of a layer built from a helper's own `*args, **kwargs`: decided by what the
    helper's call sites across the project pass (the project index). MAYBE when a site passes
    something else than a literal, spreads its own `*`/`**`, or no call site is known."""
    function = _forwarding_functions(context).get(id(call))
    if function is None or position is None:
        return BiasStatus.MAYBE
    view = context.project
    sites = view.index.callers(view.qualify(function.name.value))
    if not sites:
        return BiasStatus.MAYBE
    before = 0  # explicit positional arguments ahead of `*args` in the layer call
    for arg in call.args:
        if arg.star:
            break
        if arg.keyword is None:
            before += 1
    statuses = set()
    for _, _, site in sites:
        if site.has_star:
            return BiasStatus.MAYBE
        fact = site.argument(position - before if position >= before else None, keyword or "")
        if fact is None:
            statuses.add(BiasStatus.PRESENT if default else BiasStatus.ABSENT)
        elif fact.kind == "literal" and isinstance(fact.value, (bool, int)):
            statuses.add(BiasStatus.PRESENT if fact.value else BiasStatus.ABSENT)
        else:
            return BiasStatus.MAYBE
    if BiasStatus.ABSENT in statuses:
        return BiasStatus.ABSENT
    return BiasStatus.PRESENT


def _star_before(call: cst.Call, position: Optional[int]) -> bool:
    """A `*args` that may fill the bias position (`**kwargs` of device/dtype do not count)."""
    count = 0
    for arg in call.args:
        if arg.keyword is not None:
            continue
        if arg.star == "*":
            return position is not None and count <= position
        if not arg.star:
            count += 1
    return False


def _scan_layers(context: FileContext) -> tuple[list[tuple[cst.Call, str]], list[cst.Call]]:
    cache = _cache(context)
    found = cache.get("layers")
    if found is None:
        layers: list[tuple[cst.Call, str]] = []
        bias_false: list[cst.Call] = []
        for node in find_all(context.module, cst.Call):
            for arg in node.args:
                if (
                    arg.keyword is not None
                    and arg.keyword.value in ("bias", "affine", "elementwise_affine")
                    and isinstance(arg.value, cst.Name)
                    and arg.value.value == "False"
                ):
                    bias_false.append(node)
            qualified = context.resolve(node.func)
            if qualified is not None and qualified.startswith("torch.nn."):
                if qualified.rsplit(".", 1)[-1][:1].isupper():
                    layers.append((node, qualified))
        found = cache["layers"] = (layers, bias_false)
    return found


def layer_calls(context: FileContext) -> list[tuple[cst.Call, str]]:
    """Every torch.nn class instantiated in the file (`nn.Linear(...)`), with its name."""
    return _scan_layers(context)[0]


def bias_false_calls(context: FileContext) -> list[cst.Call]:
    """Any call in the file with `bias=False` / `affine=False` / `elementwise_affine=False`
    (project helpers like `create_conv2d(..., bias=False)` included)."""
    return _scan_layers(context)[1]



@dataclass(frozen=True)
class NormBuild:
    """A torch.nn norm class built (`nn.InstanceNorm2d(c)`), bound (`partial(nn.BatchNorm2d,
    affine=False)`) or picked as an option (`norm = nn.InstanceNorm2d`), and whether the layers it
    makes have a weight / a bias: True, False, or None when an expression decides."""

    node: cst.CSTNode
    name: str  # the torch.nn class name, e.g. "InstanceNorm2d"
    has_weight: Optional[bool]
    has_bias: Optional[bool]
    called: bool  # False for a bare class reference: its arguments are not known here


_PRESENCE = {BiasStatus.PRESENT: True, BiasStatus.ABSENT: False}


def norm_presence(context: FileContext, call: cst.Call, name: str) -> tuple[Optional[bool], Optional[bool]]:
    """(has weight, has bias) of the norm layer `call` builds."""
    if name == "LayerNorm" or name == "RMSNorm":
        affine = argument(call, 2, "elementwise_affine")
        weight = True if affine is None else _literal_bool(affine)
        if name == "RMSNorm":
            return weight, False
        if weight is False:
            return False, False
        bias = argument(call, 3, "bias")
        return weight, True if bias is None else _literal_bool(bias)
    status = _PRESENCE.get(bias_status(context, call))
    return status, status


def flag_presence(name: str, flags: dict) -> tuple[Optional[bool], Optional[bool]]:
    """(has weight, has bias) of a torch.nn norm class `name` built with literal keyword `flags`
    (the project index's record of a construction; "<expr>" for a value it could not read).
    (None, None) for classes that are not norms."""
    if classify(name) is not LayerKind.NORM:
        return None, None

    def literal(key: str, default: Optional[bool]) -> Optional[bool]:
        if key not in flags:
            return default
        value = flags[key]
        return bool(value) if isinstance(value, (bool, int)) else None

    if name in ("LayerNorm", "RMSNorm"):
        weight = literal("elementwise_affine", True)
        if name == "RMSNorm" or weight is False:
            return weight, False
        return weight, literal("bias", True)
    spec = BIAS_ARGUMENT.get(name)
    if spec is None or not spec[0]:
        return None, None
    present = literal(spec[0], spec[2])
    return present, present


def _option_values(root: cst.CSTNode) -> Iterator[cst.BaseExpression]:
    """Class references used as values: `norm = nn.X`, `norm_layer=nn.X`, `{"in": nn.X}`,
    `return nn.X`, `def f(norm=nn.X)`, through `a if c else b` (not `isinstance(m, nn.X)`)."""
    values: list[Optional[cst.BaseExpression]] = []
    for node in find_all(root, (cst.Assign, cst.AnnAssign, cst.Param, cst.Arg, cst.DictElement, cst.Return)):
        if isinstance(node, cst.Param):
            values.append(node.default)
        elif isinstance(node, cst.Arg):
            values.append(node.value if node.keyword is not None else None)
        else:
            values.append(node.value)
    while values:
        value = values.pop()
        if isinstance(value, cst.IfExp):
            values += [value.body, value.orelse]
        elif isinstance(value, (cst.Attribute, cst.Name)):
            yield value


def norm_builds(context: FileContext) -> list[NormBuild]:
    """Every torch.nn norm layer the file builds, binds with `partial` or names as an option."""
    cache = _cache(context)
    found = cache.get("norm-builds")
    if found is not None:
        return found
    found = []
    called: set[int] = set()
    for node in find_all(context.module, cst.Call):
        target, bound = node, node
        qualified = context.resolve(node.func)
        if qualified in ("functools.partial", "partial") or dotted_name(node.func) in ("partial", "functools.partial"):
            if not node.args or node.args[0].keyword is not None:
                continue
            qualified = context.resolve(node.args[0].value)
            # `partial(nn.X, *rest)`: shift the positional arguments by the class argument
            bound = node.with_changes(func=node.args[0].value, args=node.args[1:])
            called.add(id(node.args[0].value))
        else:
            called.add(id(node.func))
        if qualified is None or not qualified.startswith("torch.nn."):
            continue
        name = qualified.rsplit(".", 1)[-1]
        if classify(name) is not LayerKind.NORM or not name[:1].isupper():
            continue
        weight, bias = norm_presence(context, bound, name)
        found.append(NormBuild(target, name, weight, bias, True))
    for node in _option_values(context.module):
        if id(node) in called:
            continue
        qualified = context.resolve(node)
        if qualified is None or not qualified.startswith("torch.nn.") or qualified.count(".") < 2:
            continue
        name = qualified.rsplit(".", 1)[-1]
        if name.startswith("InstanceNorm") or name.startswith("LazyInstanceNorm"):
            # torch's default is affine=False: an InstanceNorm picked by an option is built
            # without weight and bias unless its (unseen) arguments say otherwise
            found.append(NormBuild(node, name, None, None, False))
    cache["norm-builds"] = found
    return found


def norm_layers(context: FileContext) -> list[tuple[cst.Call, str]]:
    """torch.nn normalization layers (with learnable gains) built in the file."""
    found = []
    for call, qualified in layer_calls(context):
        name = qualified.rsplit(".", 1)[-1]
        if classify(name) is LayerKind.NORM and bias_status(context, call) is not BiasStatus.ABSENT:
            found.append((call, name))
    return found


# -- class facts ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SelfAssignment:
    attr: Optional[str]  # None for `self.add_module(name, ...)` with a computed name
    value: cst.BaseExpression
    node: cst.CSTNode
    index: int  # position of the statement in `__init__` (source order)


@dataclass(frozen=True)
class SelfCall:
    method: str
    node: cst.Call
    index: int


@dataclass
class ClassFacts:
    node: cst.ClassDef
    name: str
    bases: tuple[str, ...]  # qualified where imported, dotted otherwise
    methods: dict[str, cst.FunctionDef]
    init: Optional[cst.FunctionDef]
    assignments: list[SelfAssignment]
    calls: list[SelfCall]  # `self.method(...)` in `__init__`, in order
    function_calls: list[tuple[cst.Call, int]]  # `fn(self, ...)` in `__init__`, in order
    line_index: dict[int, int] = field(default_factory=dict)  # id(statement line) → index
    super_init: Optional[tuple[cst.Call, int]] = None  # `super().__init__(...)` and its index
    _reachable: Optional[set[str]] = None
    _constructors: Optional[dict[str, cst.Call]] = None

    @property
    def reachable(self) -> set[str]:
        """Methods called (transitively, through `self.m()`) from `__init__`."""
        if self._reachable is None:
            reachable: set[str] = set()
            pending = [call.method for call in self.calls]
            while pending:
                method = pending.pop()
                if method in reachable or method not in self.methods:
                    continue
                reachable.add(method)
                for call in calls_in(self.methods[method].body):
                    name = _self_method(call)
                    if name is not None and name not in reachable:
                        pending.append(name)
            self._reachable = reachable
        return self._reachable

    def last_index(self, statement: cst.CSTNode) -> Optional[int]:
        """Index of the last simple statement inside `statement` (a loop, an `if`...)."""
        indices = [self.line_index.get(id(line)) for line in _statements([statement])]
        known = [i for i in indices if i is not None]
        return max(known) if known else None

    def constructor(self, attr: str) -> Optional[cst.Call]:
        """The last call assigned to `self.<attr>` in `__init__` (one pass per class, then a
        lookup: asked once per init site)."""
        if self._constructors is None:
            self._constructors = {
                assignment.attr: assignment.value
                for assignment in self.assignments
                if assignment.attr is not None and isinstance(assignment.value, cst.Call)
            }
        return self._constructors.get(attr)

    def first_assignment(self, attr: str) -> Optional[SelfAssignment]:
        for assignment in self.assignments:
            if assignment.attr == attr:
                return assignment
        return None


def _statements(body: Sequence[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    """Simple statement lines in source order, through if/for/while/with/try (not into defs)."""
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            yield statement
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            continue
        elif isinstance(statement, cst.If):
            yield from _statements(statement.body.body)
            orelse = statement.orelse
            while orelse is not None:
                yield from _statements(orelse.body.body)
                orelse = orelse.orelse if isinstance(orelse, cst.If) else None
        elif isinstance(statement, (cst.For, cst.While)):
            yield from _statements(statement.body.body)
            if statement.orelse is not None:
                yield from _statements(statement.orelse.body.body)
        elif isinstance(statement, cst.With):
            yield from _statements(statement.body.body)
        elif isinstance(statement, cst.Try):
            yield from _statements(statement.body.body)
            for handler in statement.handlers:
                yield from _statements(handler.body.body)
            if statement.orelse is not None:
                yield from _statements(statement.orelse.body.body)
            if statement.finalbody is not None:
                yield from _statements(statement.finalbody.body.body)
        elif isinstance(getattr(statement, "body", None), cst.SimpleStatementSuite):
            yield statement.body  # `if x: a = 1`


_NESTED_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def calls_in(node: cst.CSTNode) -> list[cst.Call]:
    """Calls in `node` (a function's body when given a function), not in nested scopes."""
    if isinstance(node, cst.FunctionDef):
        node = node.body
    return find_all_outside(node, cst.Call, _NESTED_SCOPES)


def _is_super_init(call: cst.Call) -> bool:
    """`super().__init__(...)` or `Base.__init__(self, ...)`."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value != "__init__":
        return False
    if isinstance(func.value, cst.Call):
        return call_name(func.value) == "super"
    return (
        bool(call.args)
        and isinstance(call.args[0].value, cst.Name)
        and call.args[0].value.value == "self"
    )


def _self_method(call: cst.Call) -> Optional[str]:
    return is_self_attribute(call.func)


def class_facts(context: FileContext, node: cst.ClassDef) -> ClassFacts:
    cache = _cache(context)
    key = ("class", id(node))
    facts = cache.get(key)
    if facts is not None:
        return facts
    bases = tuple(
        context.resolve(base.value) or dotted_name(base.value) or context.code_for(base.value)
        for base in node.bases
        if base.keyword is None
    )
    methods: dict[str, cst.FunctionDef] = {}
    for statement in node.body.body:
        if isinstance(statement, cst.FunctionDef):
            methods[statement.name.value] = statement
    init = methods.get("__init__")
    assignments: list[SelfAssignment] = []
    calls: list[SelfCall] = []
    function_calls: list[tuple[cst.Call, int]] = []
    super_init: Optional[tuple[cst.Call, int]] = None
    line_index: dict[int, int] = {}
    if init is not None:
        for index, line in enumerate(_statements(init.body.body)):
            line_index[id(line)] = index
            for small in line.body:
                if isinstance(small, cst.Assign):
                    for target in small.targets:
                        attr = is_self_attribute(target.target)
                        if attr is not None:
                            assignments.append(SelfAssignment(attr, small.value, small, index))
                elif isinstance(small, cst.AnnAssign) and small.value is not None:
                    attr = is_self_attribute(small.target)
                    if attr is not None:
                        assignments.append(SelfAssignment(attr, small.value, small, index))
            for call in calls_in(line):
                method = _self_method(call)
                if method in ("add_module", "register_module", "register_parameter") and len(call.args) >= 2:
                    name_arg = call.args[0].value
                    attr = None
                    if isinstance(name_arg, cst.SimpleString):
                        value = name_arg.evaluated_value
                        attr = value if isinstance(value, str) else None
                    assignments.append(SelfAssignment(attr, call.args[1].value, call, index))
                elif method is not None:
                    calls.append(SelfCall(method, call, index))
                elif super_init is None and _is_super_init(call):
                    super_init = (call, index)
                elif (
                    call.args
                    and isinstance(call.args[0].value, cst.Name)
                    and call.args[0].value.value == "self"
                    and call.args[0].keyword is None
                ):
                    function_calls.append((call, index))
    facts = ClassFacts(
        node=node,
        name=node.name.value,
        bases=bases,
        methods=methods,
        init=init,
        assignments=assignments,
        calls=calls,
        function_calls=function_calls,
        line_index=line_index,
        super_init=super_init,
    )
    cache[key] = facts
    return facts


def file_classes(context: FileContext) -> dict[str, cst.ClassDef]:
    """Classes defined at module level (and in module-level `if`/`try` blocks), by name.
    Cheap: it reads only the top of the tree."""
    cache = _cache(context)
    found = cache.get("classes")
    if found is None:
        found = {}
        pending: list[cst.CSTNode] = list(context.module.body)
        while pending:
            statement = pending.pop(0)
            if isinstance(statement, cst.ClassDef):
                found.setdefault(statement.name.value, statement)
            elif isinstance(statement, cst.If):
                pending += list(statement.body.body)
                if statement.orelse is not None:
                    pending += list(statement.orelse.body.body) if isinstance(
                        statement.orelse, cst.Else
                    ) else [statement.orelse]
            elif isinstance(statement, cst.Try):
                pending += list(statement.body.body)
                for handler in statement.handlers:
                    pending += list(handler.body.body)
        cache["classes"] = found
    return found


def wraps_given_modules_only(context: FileContext, written: str) -> bool:
    """A module class of this file whose `__init__` only stores what it is given
    (`self.D = D`) after `super().__init__()`: building it creates no parameter, so an init run
    before it was built has already seen everything it holds. False when not that certain."""
    klass = file_classes(context).get(written)
    if klass is None or any(
        context.resolve(base.value) not in MODULE_BASES for base in klass.bases
    ):
        return False
    init = class_facts(context, klass).init
    if init is None or not isinstance(init.body, cst.IndentedBlock):
        return False
    params = {p.name.value for p in declared_params(init)}
    for statement in init.body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            return False
        for small in statement.body:
            if isinstance(small, (cst.Pass, cst.Expr)) and (
                isinstance(small, cst.Pass) or isinstance(small.value, cst.SimpleString)
            ):
                continue
            if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call) and _is_super_init(small.value):
                continue
            if not isinstance(small, cst.Assign) or len(small.targets) != 1:
                return False
            if is_self_attribute(small.targets[0].target) is None:
                return False
            value = small.value
            if isinstance(value, cst.Name) and value.value in params:
                continue
            if isinstance(value, (cst.Integer, cst.Float, cst.SimpleString)) or (
                isinstance(value, cst.Name) and value.value in ("None", "True", "False")
            ):
                continue
            return False
    return True


def local_module_classes(context: FileContext) -> set[str]:
    """Names of classes in the file that are (transitively) torch.nn.Module subclasses."""
    cache = _cache(context)
    found = cache.get("local_modules")
    if found is not None:
        return found
    classes = file_classes(context)
    found = set()
    changed = True
    while changed:
        changed = False
        for name, node in classes.items():
            if name in found:
                continue
            for base in node.bases:
                qualified = context.resolve(base.value) or ""
                dotted = dotted_name(base.value) or ""
                if qualified.startswith("torch.nn.") or dotted in found or qualified.startswith(
                    _MODEL_LIBRARIES
                ):
                    found.add(name)
                    changed = True
                    break
    cache["local_modules"] = found
    return found


def built_bias(context: FileContext, klass: cst.ClassDef, attr: str) -> Optional[BiasStatus]:
    """Whether the layer the class builds as `self.<attr>` has a bias as built (`bias=False`
    literal: ABSENT); None when the class builds no such layer."""
    constructor = class_facts(context, klass).constructor(attr)
    return None if constructor is None else bias_status(context, constructor)


def module_class(context: FileContext, klass: cst.ClassDef) -> "Answer":
    """Is this class a torch.nn.Module subclass, its bases resolved by the project index
    (across files)? An optimizer or LR scheduler with an `init_*` method is NO; a class whose
    bases cannot be followed is UNKNOWN."""
    from initlint.analysis.project import Answer  # the index builds on this package

    if klass.name.value in local_module_classes(context):
        return Answer.YES
    for base in klass.bases:  # OpenMMLab's BaseModule is an nn.Module the index cannot read
        if (context.resolve(base.value) or "").startswith("mmengine.model."):
            return Answer.YES
    return context.project.is_subclass(klass.name.value, "torch.nn.Module")


def base_chain(context: FileContext, facts: ClassFacts) -> list[ClassFacts]:
    """The class and its bases defined in this file (nearest first), without repeats."""
    classes = file_classes(context)
    chain: list[ClassFacts] = []
    pending = [facts]
    seen: set[str] = set()
    while pending:
        current = pending.pop(0)
        if current.name in seen:
            continue
        seen.add(current.name)
        chain.append(current)
        for base in current.bases:
            local = classes.get(base.rsplit(".", 1)[-1]) if "." not in base else None
            if local is not None:
                pending.append(class_facts(context, local))
    return chain


def module_constructor(context: FileContext, expr: cst.BaseExpression) -> Optional[str]:
    """The name of the module class `expr` builds when it builds one that holds parameters:
    torch.nn layers (not activations, dropout, pooling...), containers holding such layers, and
    module classes defined in the file or in known model libraries. None otherwise."""
    if not isinstance(expr, cst.Call):
        return None
    qualified = context.resolve(expr.func)
    if qualified is not None and qualified.startswith("torch.nn."):
        last = qualified.rsplit(".", 1)[-1]
        if not last[:1].isupper() or PARAMETERLESS.match(last):
            return None
        if last in CONTAINERS:
            for inner in _nested_calls(expr):
                if module_constructor(context, inner) is not None:
                    return last
            return None
        return last
    if qualified is not None and qualified.startswith(_MODEL_LIBRARIES):
        last = qualified.rsplit(".", 1)[-1]
        if last[:1].isupper() and (
            classify(last) is not LayerKind.OTHER or _LIBRARY_LAYER_NAME.search(last)
        ):
            return last
        return None
    dotted = dotted_name(expr.func)
    if dotted is not None and dotted in local_module_classes(context):
        return dotted
    return None


def _nested_calls(expr: cst.Call) -> list[cst.Call]:
    return [node for node in find_all(expr, cst.Call) if node is not expr]



def related_classes(context: FileContext, facts: "ClassFacts") -> list["ClassFacts"]:
    """The class, its bases and its subclasses defined in this file."""
    return base_chain(context, facts) + _subclasses(context).get(id(facts.node), [])


def _subclasses(context: FileContext) -> dict[int, list["ClassFacts"]]:
    """Class node id → the file's classes that inherit from it (file order), built once per file
    so that asking for every class costs the file's classes once, not once per question."""
    cache = _cache(context)
    found = cache.get("subclasses")
    if found is None:
        found = {}
        for other in file_classes(context).values():
            chain = base_chain(context, class_facts(context, other))
            for base in chain[1:]:
                if base.node is not other:
                    found.setdefault(id(base.node), []).append(chain[0])
        cache["subclasses"] = found
    return found


@dataclass
class _SiteIndex:
    """init_sites grouped by what `initialized_in_file` asks, so each question reads only the
    sites that can answer it."""

    own: dict[tuple[int, str], list[InitSite]]  # (class id, attr) of `self.attr` sites
    loops: dict[int, list[InitSite]]  # class id → sites looping over parameters or attrs
    guarded: dict[tuple[str, str], list[InitSite]]  # (attr, guard class name or hasattr:attr)


def _site_index(context: FileContext) -> _SiteIndex:
    cache = _cache(context)
    index = cache.get("site-index")
    if index is None:
        index = _SiteIndex({}, {}, {})
        for site in init_sites(context):
            if site.klass is not None:
                if site.owner == "self" and site.attr is not None:
                    index.own.setdefault((id(site.klass), site.attr), []).append(site)
                if site.loop_attrs or site.loop_all_parameters:
                    index.loops.setdefault(id(site.klass), []).append(site)
            if site.attr is not None and site.owner != "self":
                for guard in set(site.guards):
                    key = guard if guard.startswith("hasattr:") else guard.rsplit(".", 1)[-1]
                    index.guarded.setdefault((site.attr, key), []).append(site)
        cache["site-index"] = index
    return index


def initialized_in_file(
    context: FileContext,
    klass: cst.ClassDef,
    attr: str,
    assignment: Optional[cst.CSTNode] = None,
    running_only: bool = False,
    creation: bool = True,
) -> bool:
    """Whether some init site of this file certainly (re)initializes `self.<attr>` of `klass`:
    code in the class, its bases or subclasses, a loop over its parameters, or an init function
    that checks `isinstance(module, ThatClass)` or `hasattr(module, "<attr>")`. With
    `running_only`, methods of the class that never run (`method_never_runs`) do not count;
    with `creation` False, neither do assignments that create the tensor with values
    (`self.w = nn.Parameter(torch.zeros(d, d))`, often a placeholder)."""
    sites = _initializing_sites(context, klass, attr, assignment, running_only)
    if not creation:
        sites = (site for site in sites if site.kind is not SiteKind.ASSIGN)
    return next(sites, None) is not None


def _initializing_sites(
    context: FileContext,
    klass: cst.ClassDef,
    attr: str,
    assignment: Optional[cst.CSTNode],
    running_only: bool,
) -> Iterator[InitSite]:
    """The init sites `initialized_in_file` counts, lazily (it stops at the first)."""
    related = related_classes(context, class_facts(context, klass))
    index = _site_index(context)
    candidates: list[InitSite] = []
    for facts in related:
        candidates += index.own.get((id(facts.node), attr), [])
        candidates += [
            site
            for site in index.loops.get(id(facts.node), [])
            if attr in site.loop_attrs or site.loop_all_parameters
        ]
    for key in {f.name for f in related} | {f"hasattr:{attr}"}:
        candidates += index.guarded.get((attr, key), [])
    related_nodes = {id(f.node) for f in related}
    for site in candidates:
        if site.node is assignment:
            continue
        if (
            running_only
            and site.klass is not None
            and site.function is not None
            and id(site.klass) in related_nodes
            and method_never_runs(context, site.klass, site.function)
        ):
            continue
        if (
            assignment is not None
            and site.function is not None
            and site.klass is klass
            and exclusive_branches(context, site.function, assignment, site.node)
        ):
            continue  # the other branch of an `if`: it does not run when this one does
        yield site


def option_gated_init(
    context: FileContext, klass: cst.ClassDef, attr: str, assignment: Optional[cst.CSTNode]
) -> Optional[tuple[cst.If, tuple[str, ...]]]:
    """The `if` that holds the init of `self.<attr>` when every init that runs sits in the body
    of an `if` comparing an option with literals (`if self.initialization == "xavier_uniform":`,
    `if mode in ("a", "b"):`; the option a constructor argument kept on `self`, or an argument
    of the method) whose `elif` chain ends without `else`: built with any other value the
    tensor is never initialized. An `else` (one that raises too: other values cannot be built)
    or one init outside such a test gives None, and so do tests that cover every value the
    argument allows (`Literal[...]` annotation, `assert option in (...)`). Returns the `if` and
    the allowed values no test names (empty when the allowed values are not known)."""
    found: Optional[cst.If] = None
    tested: set[object] = set()
    allowed: Optional[frozenset[object]] = None
    for site in _initializing_sites(context, klass, attr, assignment, True):
        gate = _option_gate(context, site)
        if gate is None:
            return None
        branch, option = gate
        found = found or branch
        rest: Optional[cst.CSTNode] = branch
        while isinstance(rest, cst.If):
            tested |= _option_test(context, site, rest.test) or frozenset()
            rest = rest.orelse
        allowed = allowed if allowed is not None else _allowed_values(*option)
    if found is None:
        return None
    missing = tuple(sorted(repr(v) for v in (allowed or frozenset()) - tested))
    if allowed is not None and not missing:
        return None
    return found, missing


def _option_gate(
    context: FileContext, site: InitSite
) -> Optional[tuple[cst.If, tuple[cst.FunctionDef, cst.BaseExpression]]]:
    """The `if` with an open `elif` chain whose option test holds `site`, with the function
    declaring the option and the expression tested."""
    if site.function is None:
        return None
    paths, ifs = _branch_paths(context, site.function)
    for key, side in (paths.get(id(site.node)) or {}).items():
        branch = ifs[key]
        found = _option_test(context, site, branch.test) if side == "body" else None
        if found is not None:
            rest: Optional[cst.CSTNode] = branch.orelse
            while isinstance(rest, cst.If):
                rest = rest.orelse
            if rest is None:
                return branch, _option_origin(context, site, site.function, _compared(branch.test))
    return None


def _compared(test: cst.BaseExpression) -> cst.BaseExpression:
    """The non-literal side of an option test (the left one of an `or`)."""
    if isinstance(test, cst.BooleanOperation):
        return _compared(test.left)
    if not isinstance(test, cst.Comparison):
        return test
    right = test.comparisons[0].comparator
    return right if _literal_values(test.left) is not None else test.left


def _option_origin(
    context: FileContext, site: InitSite, function: cst.FunctionDef, option: cst.BaseExpression
) -> tuple[cst.FunctionDef, cst.BaseExpression]:
    """Where the option is declared: the method itself for an argument, `__init__` for
    `self.<name>` (its stored argument)."""
    if isinstance(option, cst.Name) or site.klass is None:
        return function, option
    init = class_facts(context, site.klass).init
    stored = is_self_attribute(option)
    for a in class_facts(context, site.klass).assignments:
        if a.attr == stored and isinstance(a.value, cst.Name) and init is not None:
            return init, a.value
    return function, option


def _allowed_values(function: cst.FunctionDef, option: cst.BaseExpression) -> Optional[frozenset[object]]:
    """The values a `Literal[...]` annotation or an `assert option in (...)` in `function`
    allows for the argument `option`; None when neither says."""
    if isinstance(option, cst.Name):
        for param in declared_params(function):
            annotation = param.annotation.annotation if param.annotation is not None else None
            if param.name.value == option.value and isinstance(annotation, cst.Subscript):
                head = annotation.value
                name = head.attr.value if isinstance(head, cst.Attribute) else getattr(head, "value", "")
                if name == "Literal":
                    values = [_literal_values(e.slice.value) for e in annotation.slice
                              if isinstance(e.slice, cst.Index)]
                    if values and all(v is not None for v in values):
                        return frozenset().union(*values)  # type: ignore[arg-type]
    for statement in find_all(function, cst.Assert):
        test = statement.test
        if (
            isinstance(test, cst.Comparison)
            and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.In)
            and test.left.deep_equals(option)
        ):
            values = _literal_values(test.comparisons[0].comparator)
            if values is not None:
                return values
    return None


def _option_test(context: FileContext, site: InitSite, test: cst.BaseExpression) -> Optional[frozenset[object]]:
    """The literal values of `option == "a"`, `"a" == option`, `option in ("a", "b")`, or an
    `or` of such tests; None for any other test."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.Or):
        left = _option_test(context, site, test.left)
        right = _option_test(context, site, test.right)
        return left | right if left is not None and right is not None else None
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    operator = test.comparisons[0].operator
    left, right = test.left, test.comparisons[0].comparator
    if isinstance(operator, cst.Equal) and _literal_values(left) is not None:
        left, right = right, left
    values = _literal_values(right)
    if not isinstance(operator, (cst.Equal, cst.In)) or values is None or site.function is None:
        return None
    if isinstance(left, cst.Name):
        arguments = {p.name.value for p in declared_params(site.function)}
        return values if left.value in arguments else None
    stored = is_self_attribute(left)
    if stored is None or site.klass is None:
        return None
    facts = class_facts(context, site.klass)
    arguments = {p.name.value for p in declared_params(facts.init)} if facts.init is not None else set()
    kept = any(
        a.attr == stored and isinstance(a.value, cst.Name) and a.value.value in arguments
        for a in facts.assignments
    )
    return values if kept else None


def _literal_values(expr: cst.BaseExpression) -> Optional[frozenset[object]]:
    """The values of a string or int literal, or of a tuple/list/set of them."""
    if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
        parts = [_literal_values(e.value) for e in expr.elements]
        if not parts or any(p is None for p in parts):
            return None
        return frozenset().union(*parts)  # type: ignore[arg-type]
    if isinstance(expr, cst.SimpleString):
        return frozenset({expr.evaluated_value})
    if isinstance(expr, cst.Integer):
        return frozenset({expr.evaluated_value})
    return None


# Classes whose weights are meant to come from a checkpoint: pretrained, quantized, packed.
LOADED_CLASS_NAME = re.compile(
    r"pre_?trained|from_?pretrained|checkpoint|loaded|frozen|quant|packed|gptq|awq|int[48]|fp8"
    r"|marlin|exllama",
    re.IGNORECASE,
)

# dtypes a tensor cannot be trained in: autograd refuses integer, boolean and float8 leaves.
_UNTRAINABLE_DTYPE = re.compile(r"^(u?int(8|16|32|64)|bool|float8\w*|quint\w*|qint\w*)$")


def untrainable_placeholder(klass: cst.ClassDef, context: FileContext) -> Optional[str]:
    """A parameter of the class made from uninitialized memory that training can never change:
    `nn.Parameter(torch.empty(..., dtype=torch.int8))` or `..., requires_grad=False)` with no
    init in sight. Its values must come from outside (a checkpoint, a quantizer's packing), so
    the class's empty tensors are placeholders for loaded values (transformers' and diffusers'
    quantized linears, inference engines' w8a8 layers). Returns how the code says so."""
    for call in find_all(klass, cst.Call):
        if call_name(call) != "Parameter" or not call.args:
            continue
        if context.resolve(call.func) not in PARAMETER_CLASSES or call.args[0].keyword is not None:
            continue
        creator = call.args[0].value
        if uninitialized_creator(creator, context) is None:
            continue
        for arg in call.args[1:]:
            frozen = arg.keyword is not None and arg.keyword.value == "requires_grad"
            if (frozen or (arg.keyword is None and arg is call.args[1])) and (
                isinstance(arg.value, cst.Name) and arg.value.value == "False"
            ):
                return "`requires_grad=False`"
        while isinstance(creator, cst.Call) and isinstance(creator.func, cst.Attribute) and (
            creator.func.attr.value in _PASS_THROUGH
        ):
            creator = creator.func.value
        if isinstance(creator, cst.Call):
            for arg in creator.args:
                if arg.keyword is not None and arg.keyword.value == "dtype":
                    dtype = context.resolve(arg.value) or ""
                    if dtype.startswith("torch.") and _UNTRAINABLE_DTYPE.match(dtype[6:]):
                        return f"`dtype={dtype}`"
    return None


# -- forward facts -------------------------------------------------------------------------
_VIEWS = frozenset(
    {"float", "to", "type_as", "view", "reshape", "unsqueeze", "expand_as", "half", "bfloat16",
     "squeeze", "contiguous", "double"}
)


def self_attribute_through_views(expr: cst.BaseExpression) -> Optional[str]:
    """`self.w`, `self.w.float()`, `self.w.to(x.dtype)`, `self.w[None]` → "w"."""
    while True:
        if isinstance(expr, cst.Subscript):
            expr = expr.value
        elif (
            isinstance(expr, cst.Call)
            and isinstance(expr.func, cst.Attribute)
            and expr.func.attr.value in _VIEWS
        ):
            expr = expr.func.value
        else:
            return is_self_attribute(expr)


def _is_one(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, (cst.Integer, cst.Float)) and expr.evaluated_value == 1


def _conditional_operations(root: cst.CSTNode) -> set[int]:
    """ids of the binary operations under the body or else of an `if` / conditional expression,
    in one walk (re-scanning each branch of an `elif` chain was quadratic in its length)."""
    found: set[int] = set()
    stack: list[tuple[cst.CSTNode, bool]] = [(root, False)]
    while stack:
        node, inside = stack.pop()
        if inside and isinstance(node, cst.BinaryOperation):
            found.add(id(node))
        if isinstance(node, (cst.If, cst.IfExp)):
            stack.append((node.test, inside))
            stack.append((node.body, True))
            if node.orelse is not None:
                stack.append((node.orelse, True))
        else:
            stack.extend((child, inside) for child in children(node))
    return found


def offset_attributes(context: FileContext, node: cst.ClassDef) -> dict[str, bool]:
    """Attributes a class's methods (not `__init__`) use as `1 + self.w` / `self.w + 1`, each
    with whether that use sits under a condition (`w + 1 if self.apply_1p else w`)."""
    cache = _cache(context)
    key = ("offset", id(node))
    if key in cache:
        return cache[key]
    found: dict[str, bool] = {}
    for statement in node.body.body:
        if not isinstance(statement, cst.FunctionDef) or statement.name.value == "__init__":
            continue
        conditional_ids: Optional[set[int]] = None  # only for the few `1 + self.w` found
        operations = find_all(statement, cst.BinaryOperation)
        # `a / (self.mu + 1)`: a step size in a denominator, not a `1 + w` gain
        divisors = {id(o.right) for o in operations if isinstance(o.operator, cst.Divide)}
        for operation in operations:
            if not isinstance(operation.operator, cst.Add) or id(operation) in divisors:
                continue
            for one, other in ((operation.left, operation.right), (operation.right, operation.left)):
                attr = self_attribute_through_views(other) if _is_one(one) else None
                if attr is not None:
                    if conditional_ids is None:
                        conditional_ids = _conditional_operations(statement)
                    conditional = id(operation) in conditional_ids
                    found[attr] = found.get(attr, True) and conditional
    cache[key] = found
    return found


# -- cloned layers ---------------------------------------------------------------------------
_CLONE_HELPER_NAME = re.compile(r"(?:^|_)(?:get_)?clones$|^_?clone_(?:module|layer)s?$", re.IGNORECASE)
_STACKS = frozenset(
    f"torch.nn.{where}{name}" for where in ("", "modules.container.")  # (where torch defines them)
    for name in ("ModuleList", "Sequential", "ModuleDict")
)
# Copies of these are identical to fresh ones (constant init, or no parameters).
_DETERMINISTIC_SOURCE = re.compile(r"norm|act|dropout|drop_path|identity|pool", re.IGNORECASE)
_REDRAW_CALLS = frozenset({"apply", "post_init", "reset_parameters", "_reset_parameters"})


def is_clone_helper_name(name: str) -> bool:
    """`clones`, `_get_clones`, `get_clones`, `clone_module`: named for returning copies."""
    return bool(_CLONE_HELPER_NAME.search(name))


def _bound_in(node: cst.CSTNode) -> set[str]:
    """Names a loop or comprehension binds, or assigns in its body."""
    names: set[str] = set()
    for target in find_all(node, (cst.CompFor, cst.For, cst.AssignTarget, cst.NamedExpr)):
        bound = target.target
        names.update(n.value for n in find_all(bound, cst.Name))
    return names


def _stack_names(context: FileContext) -> set[str]:
    """Local names and `self.<attr>` spellings that end up in a module container:
    `nn.ModuleList(layers)`, `nn.Sequential(*layers)`, `self.blocks = nn.ModuleList()`."""
    names: set[str] = set()
    for call in find_all(context.module, cst.Call):
        if context.resolve(call.func) in _STACKS:
            for arg in call.args:
                if isinstance(arg.value, cst.Name):
                    names.add(arg.value.value)
    for assign in find_all(context.module, cst.Assign):
        if isinstance(assign.value, cst.Call) and context.resolve(assign.value.func) in _STACKS:
            for target in assign.targets:
                spelled = dotted_name(target.target)
                if spelled:
                    names.add(spelled)
    return names


def _copies_into_stack(loop: cst.CSTNode, call: cst.Call, context: FileContext, stacks: set[str]) -> bool:
    """The copy lands in a module container: the comprehension is a ModuleList/Sequential
    argument, or the loop appends it (or assigns it by key) to a container."""
    if isinstance(loop, (cst.ListComp, cst.GeneratorExp)):
        return any(
            context.resolve(outer.func) in _STACKS
            and any(contains(a.value, loop) for a in outer.args)
            for outer in find_all(context.module, cst.Call)
        )
    for node in find_all(loop, cst.Call):
        if (
            isinstance(node.func, cst.Attribute)
            and node.func.attr.value in ("append", "add_module", "extend")
            and any(contains(a.value, call) for a in node.args)
        ):
            return dotted_name(node.func.value) in stacks or node.func.attr.value == "add_module"
    for assign in find_all(loop, cst.Assign):
        if contains(assign.value, call):
            target = assign.targets[0].target
            owner = target.value if isinstance(target, cst.Subscript) else None
            if owner is not None and dotted_name(owner) in stacks:
                return True
    return False


def _clone_map(context: FileContext) -> dict[int, str]:
    """id(`deepcopy(x)` call) → "x", for deep copies of one module made in a loop or
    comprehension that fills a module container (a layer built inside the loop is copied fresh
    each time, and copies of norms, activations or dropouts equal fresh ones: not clones)."""
    cache = _cache(context)
    found = cache.get("clones")
    if found is None:
        found = {}
        stacks: Optional[set[str]] = None
        for loop in find_all(context.module, (cst.ListComp, cst.GeneratorExp, cst.For)):
            bound = _bound_in(loop)
            for call in find_all(loop, cst.Call):
                if context.resolve(call.func) != "copy.deepcopy" or len(call.args) != 1:
                    continue
                source = call.args[0].value
                roots = {n.value for n in find_all(source, cst.Name)}
                spelled = context.code_for(source)
                if roots & bound or _DETERMINISTIC_SOURCE.search(spelled):
                    continue
                if _constant_module(context, loop, source):
                    continue  # every copy equals a fresh build: nothing random to duplicate
                if _plain_data(context, loop, source):
                    continue  # a config dict copied per block: each block builds its own layers
                if stacks is None:
                    stacks = _stack_names(context)
                if _copies_into_stack(loop, call, context, stacks):
                    found[id(call)] = spelled
        cache["clones"] = found
    return found


_CONSTANT_CREATORS = frozenset({"torch.Tensor", "torch.tensor", "torch.ones", "torch.zeros", "torch.full",
                                "torch.FloatTensor"})


def _loop_functions(context: FileContext) -> dict[int, cst.FunctionDef]:
    """id(loop or comprehension) → the innermost function holding it (memoised per file)."""
    cache = _cache(context)
    found = cache.get("loop-functions")
    if found is None:
        found = {}
        for function in find_all(context.module, cst.FunctionDef):  # pre-order: inner ones last
            for loop in find_all(function, (cst.ListComp, cst.GeneratorExp, cst.For)):
                found[id(loop)] = function
        cache["loop-functions"] = found
    return found


_DATA_ANNOTATION = re.compile(r"\b(dict|Dict|Mapping|list|List|str|int|float|ConfigDict|ConfigType|OptConfigType|MultiConfig)\b")


def _is_data_value(context: FileContext, value: cst.BaseExpression) -> bool:
    """A dict/list/str/number literal or `dict(...)`: data, never a module."""
    if isinstance(value, (cst.Dict, cst.List, cst.SimpleString, cst.Integer, cst.Float)):
        return True
    return isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "dict" \
        and context.resolve(value.func) in (None, "dict", "builtins.dict")


def _plain_data(context: FileContext, loop: cst.CSTNode, source: cst.BaseExpression) -> bool:
    """`source` is known to hold data, not a module: a parameter of the function around `loop`
    annotated or defaulted as a dict, list, string or number (`tam_cfg=dict()`), or a local
    assigned such a literal. A deep copy of it copies no weights."""
    if not isinstance(source, cst.Name):
        return False
    function = _loop_functions(context).get(id(loop))
    if function is None:
        return False
    for param in declared_params(function):
        if param.name.value != source.value:
            continue
        if param.default is not None and _is_data_value(context, param.default):
            return True
        annotation = param.annotation
        return annotation is not None and bool(_DATA_ANNOTATION.search(context.code_for(annotation.annotation)))
    assigned = [a.value for a in find_all(function, cst.Assign)
                if len(a.targets) == 1 and isinstance(a.targets[0].target, cst.Name)
                and a.targets[0].target.value == source.value]
    return bool(assigned) and all(_is_data_value(context, value) for value in assigned)


def _constant_module(context: FileContext, loop: cst.CSTNode, source: cst.BaseExpression) -> bool:
    """`source` is a local built (in the function around `loop`) by a class of this file whose
    `__init__` holds only constant parameters (`nn.Parameter(torch.Tensor([v]))`, `torch.ones`)
    and no layers, helpers or method calls: a deep copy equals a fresh instance."""
    if not isinstance(source, cst.Name):
        return False
    function = _loop_functions(context).get(id(loop))
    built = _local_constructors(context, function).get(source.value) if function is not None else None
    klass = file_classes(context).get(call_name(built) or "") if built is not None else None
    if klass is None:
        return False
    facts = class_facts(context, klass)
    if facts.init is None or facts.calls or facts.function_calls or any(b not in MODULE_BASES for b in facts.bases):
        return False
    for assignment in facts.assignments:
        value = assignment.value
        if not isinstance(value, cst.Call):
            continue
        if context.resolve(value.func) not in ("torch.nn.Parameter", "torch.nn.parameter.Parameter"):
            return False
        inner = value.args[0].value if value.args else None
        if not isinstance(inner, cst.Call) or context.resolve(inner.func) not in _CONSTANT_CREATORS:
            return False
        if context.resolve(inner.func) in ("torch.Tensor", "torch.FloatTensor") and not (
            inner.args and isinstance(inner.args[0].value, (cst.List, cst.Tuple))
        ):
            return False  # `torch.Tensor(n)` is uninitialized memory, not a constant
    return True


def clone_source(context: FileContext, call: cst.Call) -> Optional[str]:
    """The object `call` deep-copies once per loop iteration (`deepcopy(layer)` → "layer")."""
    return _clone_map(context).get(id(call))


def clone_helpers(context: FileContext) -> set[str]:
    """Functions of the file that return a stack of deep copies (`clones`, `_get_clones`)."""
    cache = _cache(context)
    found = cache.get("clone-helpers")
    if found is None:
        clones = _clone_map(context)
        found = set()
        for func in find_all(context.module, cst.FunctionDef):
            copies = [c for c in find_all(func, cst.Call) if id(c) in clones]
            if not copies:
                continue
            returned = any(
                any(contains(r, c) for c in copies)
                for r in (ret.value for ret in find_all(func, cst.Return) if ret.value is not None)
            )
            if returned or _CLONE_HELPER_NAME.search(func.name.value):
                found.add(func.name.value)
        cache["clone-helpers"] = found
    return found


_MODULE_RESETS = frozenset({"reset_parameters", "_reset_parameters"})


def reset_later(function: cst.FunctionDef, node: cst.CSTNode, module: str) -> bool:
    """Does `function` call `module.reset_parameters()` after the statement holding `node`? A
    module built without init (`skip_init`) and reset right after is initialized by that call."""
    later = _after(function.body.body, node) or []
    for statement in later:
        for call in find_all(statement, cst.Call):
            func = call.func
            if (
                isinstance(func, cst.Attribute)
                and func.attr.value in _MODULE_RESETS
                and dotted_name(func.value) == module
            ):
                return True
    return False


def _redraws(statements: Sequence[cst.CSTNode], context: FileContext) -> bool:
    """Do these statements re-initialize what was built before them?"""
    from initlint.analysis.context import is_init_name

    for statement in statements:
        for call in find_all(statement, cst.Call):
            name = call_name(call) or ""
            if name in _REDRAW_CALLS or is_init_name(name) or init_call(call, context) is not None:
                return True
    return False


def _contains(statement: cst.CSTNode, node: cst.CSTNode) -> bool:
    return contains(statement, node)


def _after(body: Sequence[cst.CSTNode], node: cst.CSTNode) -> Optional[list[cst.CSTNode]]:
    """The statements after `node` in its block and in every enclosing block of `body` (a
    `reset_parameters()` later in the same loop body counts); None if `body` does not hold it."""
    for index, statement in enumerate(body):
        if not _contains(statement, node):
            continue
        later = list(body[index + 1:])
        for block in find_all(statement, cst.IndentedBlock):
            for inner_index, inner in enumerate(block.body):
                if _contains(inner, node):
                    later += list(block.body[inner_index + 1:])
                    break
        return later
    return None


def _before(body: Sequence[cst.CSTNode], node: cst.CSTNode) -> list[cst.CSTNode]:
    """The statements of `body` before the one that contains `node`."""
    for index, statement in enumerate(body):
        if _contains(statement, node):
            return list(body[:index])
    return []


def inits_before(context: FileContext, node: cst.CSTNode) -> list[InitCall]:
    """The init calls of the function that holds `node` in its statements before the one holding
    it (the layer it copies was initialized, then cloned)."""
    function: Optional[cst.FunctionDef] = None
    for func in find_all(context.module, cst.FunctionDef):
        if contains(func.body, node):
            function = func
    if function is None:
        return []
    return [
        found
        for statement in _before(function.body.body, node)
        for call in find_all(statement, cst.Call)
        if (found := init_call(call, context)) is not None and not _fresh_tensor(context, found.tensor.expr)
    ]


def _fresh_tensor(context: FileContext, expr: cst.BaseExpression) -> bool:
    """`torch.empty(n, d)` in `xavier_normal_(torch.empty(n, d))`: the init draws a tensor made
    right there (a new parameter's values), no layer's weights."""
    return isinstance(expr, cst.Call) and context.resolve(expr.func) in _SIZED_CREATORS


def makes_one_copy(context: FileContext, call: cst.Call) -> bool:
    """`nn.TransformerEncoder(layer, 1)`: a cloning container asked for one copy, so no stack of
    identical layers exists. The count may be a parameter of the enclosing function that every
    call site in the project passes as 1 or leaves at a default of 1 (project index,
    `literals_for`); anything else (no call site known, a computed value) is not one copy."""
    from initlint.analysis.project import DEFAULT  # the index builds on this package

    qualified = context.resolve(call.func) or ""
    spec = CLONE_COUNT_ARGUMENT.get(qualified.rsplit(".", 1)[-1]) if qualified.startswith("torch.nn.") else None
    if spec is None:
        return False
    count = argument(call, spec[1], spec[0])
    if count is None:
        return False
    if _literal_int(count) == 1:
        return True
    function = context.enclosing_function()
    if not isinstance(count, cst.Name) or function is None:
        return False
    param = next((p for p in declared_params(function) if p.name.value == count.value), None)
    if param is None or any(
        isinstance(t, cst.Name) and t.value == count.value
        for node in find_all(function.body, (cst.AssignTarget, cst.AugAssign))
        for t in [node.target]
    ):
        return False  # not a parameter, or rebound in the function
    view = context.project
    values, complete = view.literals_for(view.qualname_of(context, function), count.value)
    default = _literal_int(param.default) if param.default is not None else None
    return complete and bool(values) and all(
        (default if value == DEFAULT else value) == 1 and not isinstance(value, bool) for value in values
    )


def redrawn_after(context: FileContext, node: cst.CSTNode, depth: int = 0) -> bool:
    """Is the module built by `node` re-initialized later in its construction path: after it in
    the same function, or, for `__init__` of class K, after `K(...)` in a function of the file
    that builds K (followed up to three levels)?"""
    function: Optional[cst.FunctionDef] = None
    for func in find_all(context.module, cst.FunctionDef):
        if contains(func.body, node):
            function = func  # innermost: find_all yields outer functions first
    body = function.body.body if function is not None else context.module.body
    after = _after(body, node)
    if after is not None and _redraws(after, context):
        return True
    if function is None or function.name.value != "__init__" or depth >= 3:
        return False
    owner = next(
        (k for k in find_all(context.module, cst.ClassDef) if any(f is function for f in k.body.body)),
        None,
    )
    if owner is None:
        return False
    for call in find_all(context.module, cst.Call):
        if isinstance(call.func, cst.Name) and call.func.value == owner.name.value:
            if redrawn_after(context, call, depth + 1):
                return True
    return False


# -- where a tensor's layer was built, and its shape ----------------------------------------------
def layer_constructor(context: FileContext, tensor: cst.BaseExpression) -> Optional[cst.Call]:
    """The constructor call of the layer that owns `tensor`: `self.up.weight` → the call assigned
    to `self.up` in the enclosing class's `__init__`; `conv.weight` → the last
    `conv = nn.Conv2d(...)` before it in the enclosing function. None when not known."""
    if not isinstance(tensor, cst.Attribute):
        return None
    owner = tensor.value
    attr = is_self_attribute(owner)
    if attr is not None:
        klass = context.enclosing_class()
        return class_facts(context, klass).constructor(attr) if klass is not None else None
    if isinstance(owner, cst.Name):
        function = context.enclosing_function()
        if function is None:
            return None
        return _local_constructors(context, function).get(owner.value)
    return None


def _local_constructors(context: FileContext, function: cst.FunctionDef) -> dict[str, cst.Call]:
    """`name = <call>` assignments of a function, the last one per name (memoised)."""

    def compute() -> dict[str, cst.Call]:
        found: dict[str, cst.Call] = {}
        for line in _statements(function.body.body):
            for small in getattr(line, "body", ()):
                if (
                    isinstance(small, cst.Assign)
                    and len(small.targets) == 1
                    and isinstance(small.targets[0].target, cst.Name)
                ):
                    name = small.targets[0].target.value
                    if isinstance(small.value, cst.Call):
                        found[name] = small.value
                    else:
                        found.pop(name, None)
        return found

    return context.memo(("local-constructors", id(function)), compute)


def _literal_int(expr: Optional[cst.BaseExpression]) -> Optional[int]:
    if isinstance(expr, cst.Integer):
        return int(expr.evaluated_value)
    return None


def is_activation_parameter(context: FileContext, tensor: cst.BaseExpression) -> bool:
    """`tensor` is the slope of a torch activation layer (`self.act = nn.PReLU()`, then
    `self.act.weight`): a per-channel coefficient, not a weight matrix."""
    call = layer_constructor(context, tensor)
    return call is not None and torch_layer_name(context, call) in ACTIVATION_PARAMETER_LAYERS


def is_embedding_table(context: FileContext, tensor: cst.BaseExpression) -> bool:
    """`tensor` belongs to an embedding: every class the enclosing `isinstance` tests admit is
    an embedding, or (without such a test) its layer is built as a torch `Embedding`. A lookup
    table has no fan-in: no signal passes through it layer after layer, so fan-based scale
    arguments (a variance for a std shrinking the signal) do not apply to it."""
    guards = guard_class_names(context)
    if guards:
        return kinds_of(guards) == {LayerKind.EMBEDDING}
    call = layer_constructor(context, tensor)
    return call is not None and torch_layer_name(context, call) in ("Embedding", "EmbeddingBag")


def is_fixed_filter_layer(context: FileContext, tensor: cst.BaseExpression) -> bool:
    """The torch convolution owning `tensor` maps one channel to one channel per group
    (`Conv1d(1, 1, k)`, or a depthwise conv: `groups` written as the output count): a constant
    kernel there is a fixed filter (box blur, moving average, nearest-neighbour upsampling), with
    no units that could stay symmetric."""
    call = layer_constructor(context, tensor)
    name = torch_layer_name(context, call) if call is not None else None
    spec = CHANNEL_ARGUMENTS.get(name or "")
    if call is None or spec is None or spec.groups is None:
        return False  # convolutions only: a Linear(n, 1) still gives n inputs the same weight
    inputs = argument(call, *spec.inputs)
    outputs = argument(call, *spec.outputs)
    groups = argument(call, *spec.groups)
    if outputs is not None and groups is not None and inputs is not None:
        code = {context.code_for(e) for e in (inputs, outputs, groups)}
        if len(code) == 1:
            return True  # depthwise: groups == in == out
    return _literal_int(inputs) == 1 and outputs_per_group_is_one(_literal_int(outputs), None)


# -- LoRA pairs -------------------------------------------------------------------------------------
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_ZERO_CREATORS = frozenset({"torch.zeros", "torch.zeros_like"})


def _lora_half(context: FileContext, tensor: cst.BaseExpression) -> Optional[str]:
    """The partner's name (lower case) when `tensor` belongs to one half of a LoRA pair
    (`self.lora_A[name].weight`, `self.lora_down`); None otherwise."""
    for name in _IDENTIFIER.findall(context.code_for(tensor)):
        partner = lora_partner(name)
        if partner is not None:
            return partner
    return None


def _low_rank_half(context: FileContext, tensor: cst.BaseExpression) -> Optional[str]:
    """Like `_lora_half`, also for `<prefix>_a`/`<prefix>_b` and `_down`/`_up` pairs."""
    for name in _IDENTIFIER.findall(context.code_for(tensor)):
        partner = low_rank_partner(name)
        if partner is not None:
            return partner
    return None


def _zero_site(context: FileContext, site: InitSite) -> bool:
    if site.kind is SiteKind.CALL and isinstance(site.node, cst.Call):
        found = init_call(site.node, context)
        if found is None:
            return False
        if found.function in ("zeros_", "zeros"):
            return True
        if found.function in ("constant_", "constant"):
            value = found.argument(0, "val" if not found.is_method else "value")
            return isinstance(value, (cst.Integer, cst.Float)) and float(value.evaluated_value) == 0
        return False
    value = getattr(site.node, "value", None)
    return value is not None and any(
        isinstance(node, cst.Call) and context.resolve(node.func) in _ZERO_CREATORS
        for node in iter_nodes(value)
    )


def lora_partner_starts_at_zero(context: FileContext, tensor: cst.BaseExpression) -> bool:
    """`tensor` is one half of a LoRA pair (`lora_A`/`lora_B`, `lora_down`/`lora_up`) whose other
    half is set to zero in the same class: the adapter's product starts at zero whatever this
    half's scale, so its scale is a choice of learning dynamics, not a blow-up. Generic
    low-rank pairs (`weight_a`/`weight_b`) count too."""
    partner = _low_rank_half(context, tensor)
    if partner is None:
        return False
    klass = context.enclosing_class()
    for site in init_sites(context):
        if klass is not None and site.klass is not klass:
            continue
        names = [n.lower() for n in _IDENTIFIER.findall(context.code_for(site.target))]
        if partner in names and _zero_site(context, site):
            return True
    return False


def is_lora_tensor(context: FileContext, tensor: cst.BaseExpression) -> bool:
    return _lora_half(context, tensor) is not None


# -- methods nothing runs --------------------------------------------------------------------------
def method_never_runs(context: FileContext, klass: cst.ClassDef, method: cst.FunctionDef) -> bool:
    """An init method (`init_parameters`, `_initialize_weights`: named like one) of a top-level
    class that provably never runs: not reached from the `__init__` of the class, its bases or subclasses in the file, not given
    to `apply` here, and the project index finds its name referenced nowhere else in the project
    (no call, no `apply`, no `getattr` string, not a hook a framework calls by convention).
    Unknown answers count as "may run"."""
    from initlint.analysis.project import Answer  # the index builds on this package

    name = method.name.value
    if not is_init_name(name) or name in context.apply_targets:
        return False  # `forward`, `on_fit_start`...: run by torch or a framework by convention
    if file_classes(context).get(klass.name.value) is not klass or method not in klass.body.body:
        return False
    facts = class_facts(context, klass)
    if any(name in related.reachable for related in related_classes(context, facts)):
        return False
    return context.project.is_method_used(klass.name.value, name) is Answer.NO


# -- attributes nothing reads ----------------------------------------------------------------------
def _attribute_reads(context: FileContext) -> tuple[dict[str, int], set[str]]:
    """Per attribute name, how often the file reads `<x>.<name>` (anything but an assignment
    target, a `del` or the argument of `len()`), and the file's identifier-like strings
    (`getattr(m, "name")`, state-dict keys). One pass per file."""

    def compute() -> tuple[dict[str, int], set[str]]:
        not_reads: set[int] = set()
        nodes = list(iter_nodes(context.module))
        for node in nodes:
            if isinstance(node, (cst.Assign, cst.AnnAssign)):
                targets = node.targets if isinstance(node, cst.Assign) else [node]
                for target in targets:
                    for element in iter_nodes(target.target):
                        if isinstance(element, cst.Attribute):
                            not_reads.add(id(element))
                            break  # `a.b.c = x` reads `a.b`: only the outermost is written
            elif isinstance(node, cst.Del):
                not_reads.add(id(node.target))
            elif isinstance(node, cst.Call) and call_name(node) == "len" and isinstance(node.func, cst.Name):
                if len(node.args) == 1 and isinstance(node.args[0].value, cst.Attribute):
                    not_reads.add(id(node.args[0].value))
        reads: dict[str, int] = {}
        strings: set[str] = set()
        for node in nodes:
            if isinstance(node, cst.Attribute) and id(node) not in not_reads:
                reads[node.attr.value] = reads.get(node.attr.value, 0) + 1
            elif isinstance(node, cst.SimpleString):
                value = node.evaluated_value
                if isinstance(value, str) and value.isidentifier():
                    strings.add(value)
        return reads, strings

    return context.memo("attribute-reads", compute)


def attribute_never_read(context: FileContext, klass: cst.ClassDef, attr: str) -> bool:
    """Nothing can read the values of `self.<attr>`: the class has methods that compute (not
    only `__init__` and init methods), this file only assigns it (or takes its `len()`), no
    string names it, no other file of the project mentions the name (`obj.<attr>`,
    `getattr(obj, "<attr>")`), and neither the class, its bases nor its subclasses read
    attributes by a computed name or the values of all the module's tensors. Any doubt (a base
    outside the project, no project index) answers False."""
    from initlint.analysis.project import Answer  # the index builds on this package

    facts = class_facts(context, klass)
    if not any(name != "__init__" and not is_init_name(name) for name in facts.methods):
        return False  # no `forward` or other method that computes with it: a fragment, not known
    reads, strings = _attribute_reads(context)
    if reads.get(attr) or attr in strings:
        return False
    view = context.project
    index = view.index
    own = index.path_of_module(view.module)
    if own is None or any(path != own for path in index.files_mentioning(attr)):
        return False
    return index.reads_every_attribute(view.class_qualname_of(context, klass)) is Answer.NO


def checkpoint_load(context: FileContext, klass: cst.ClassDef) -> Optional[tuple[str, Optional[int]]]:
    """(method, line) of the first call in a method of the class (or its relatives in the file)
    that may run and loads a checkpoint into this module (`self.load_state_dict(sd)`,
    `load_checkpoint(self, path)`, `load_state_dict(self, sd)`); None when there is none. Such a
    load fills the tensors only on the path that runs it (`if cfg.pretrained:`)."""
    facts = class_facts(context, klass)
    for related in related_classes(context, facts):
        for name, method in related.methods.items():
            if method_never_runs(context, related.node, method):
                continue
            for call in calls_in(method.body):
                if not is_checkpoint_load(call_name(call)):
                    continue
                func = call.func
                on_self = isinstance(func, cst.Attribute) and is_self_attribute(func) is not None
                if on_self or any(
                    isinstance(arg.value, cst.Name) and arg.value.value == "self" for arg in call.args
                ):
                    return name, line_in_source(context, related.node, method, call)
    return None


def filled_from_checkpoint(
    context: FileContext, klass: cst.ClassDef, node: cst.CSTNode
) -> Optional[tuple[str, bool]]:
    """Where a checkpoint load follows every module of this class that the project builds, right
    after it is built (project index `checkpoint_fill`: `m = Model(cfg)` then
    `m.load_state_dict(sd)`, an owner whose `__init__` loads its state dict, this class's
    `__init__` loading one after `node`, a statement of the method being visited), and whether
    one of those loads is `strict=False` (it fills the tensor only if the checkpoint holds it; the
    load named is then that one). None when a construction is not followed by one, or none is
    known."""
    view = context.project
    function = context.enclosing_function()
    line = line_in_source(context, klass, function, node) if function is not None else None
    fill = view.index.checkpoint_fill(view.class_qualname_of(context, klass), line)
    if not fill.followed:
        return None
    lenient = fill.lenient
    return (lenient, True) if lenient is not None else (fill.loads[0], False)


def line_in_source(
    context: FileContext, klass: cst.ClassDef, method: cst.FunctionDef, node: cst.CSTNode, prefix: str = ""
) -> Optional[int]:
    """The 1-based line of `node` (a statement-level call in `method` of `klass`), found in the
    file's text after the class and method headers (nested nodes render unindented, so the
    first line of the node's code is searched, not the whole): what the project index keys a
    class's constructions by. `prefix`: text the line has before the node (`"if "` for a test)."""
    source = context.source
    first = prefix + context.code_for(node).split("\n", 1)[0]
    position = 0
    for header in (rf"\bclass\s+{klass.name.value}\b", rf"\bdef\s+{method.name.value}\s*\("):
        match = re.compile(header).search(source, position)
        if match is None:
            return None
        position = match.end()
    found = source.find(first, position)
    return source.count("\n", 0, found) + 1 if found >= 0 else None


def redraws_all_own_parameters(context: FileContext, klass: cst.ClassDef) -> bool:
    """A method of the class that may run (`__init__`, or one `method_never_runs` does not rule
    out) initializes every parameter in a loop over `self.parameters()` (torch's RNN cells'
    `reset_parameters`): whatever a parameter was created with, that loop re-draws it."""
    return any(
        site.loop_all_parameters
        and site.function is not None
        and not method_never_runs(context, klass, site.function)
        for site in _site_index(context).loops.get(id(klass), ())
    )


def unrun_initializers(
    context: FileContext, klass: cst.ClassDef, attr: str, assignment: Optional[cst.CSTNode] = None
) -> list[str]:
    """Names of methods of the class (or its relatives in the file) that initialize `self.<attr>`
    but never run (see `method_never_runs`)."""
    related = related_classes(context, class_facts(context, klass))
    found: list[str] = []
    for site in init_sites(context):
        if site.node is assignment or site.function is None or site.klass is None:
            continue
        if not any(site.klass is f.node for f in related):
            continue
        if not (site.owner == "self" and site.attr == attr or attr in site.loop_attrs
                or site.loop_all_parameters):
            continue
        if method_never_runs(context, site.klass, site.function):
            if site.function.name.value not in found:
                found.append(site.function.name.value)
    return found


# -- branches --------------------------------------------------------------------------------------
def _branch_paths(
    context: FileContext, root: cst.CSTNode
) -> tuple[dict[int, dict[int, str]], dict[int, cst.If]]:
    """For every assignment and call under `root`: which side ("body"/"else") of each `if`
    above it holds it (and the `if`s by id). One walk per function (memoised), so asking about
    many sites is linear."""

    def compute() -> tuple[dict[int, dict[int, str]], dict[int, cst.If]]:
        paths: dict[int, dict[int, str]] = {}
        ifs: dict[int, cst.If] = {}
        stack: list[tuple[cst.CSTNode, dict[int, str]]] = [(root, {})]
        while stack:
            node, path = stack.pop()
            if isinstance(node, (cst.Assign, cst.AnnAssign, cst.Call)):
                paths[id(node)] = path
            if isinstance(node, cst.If):
                ifs[id(node)] = node
                stack.append((node.test, path))
                stack.append((node.body, {**path, id(node): "body"}))
                if node.orelse is not None:
                    stack.append((node.orelse, {**path, id(node): "else"}))
                continue
            stack.extend((child, path) for child in children(node))
        return paths, ifs

    return context.memo(("branch-paths", id(root)), compute)


def exclusive_branches(
    context: FileContext, root: cst.CSTNode, first: cst.CSTNode, second: cst.CSTNode
) -> bool:
    """`first` and `second` (assignments or calls) sit in different branches of the same `if`
    under `root`: at most one of them runs (`if fused: self.w = nn.Linear(...)` /
    `else: self.w = nn.Parameter(...)`)."""
    paths, _ = _branch_paths(context, root)
    a = paths.get(id(first))
    b = paths.get(id(second))
    if a is None or b is None:
        return False
    return any(key in b and b[key] != side for key, side in a.items())


def only_when(
    context: FileContext, root: cst.CSTNode, first: cst.CSTNode, second: cst.CSTNode
) -> Optional[cst.If]:
    """The `if` under `root` that `second` (an assignment or call) depends on and `first` does
    not: `self.head = nn.Linear(...)` inside `if n_layers > 1:` after an init that runs either
    way. None when `second` runs whenever `first` does (or either is not found)."""
    paths, ifs = _branch_paths(context, root)
    a = paths.get(id(first))
    b = paths.get(id(second))
    if a is None or b is None:
        return None
    return next((ifs[key] for key in b if key not in a), None)


# -- what a whole-model init does to one layer -----------------------------------------------------
class InitChange(str, enum.Enum):
    """What an init that dispatches on layer classes would change on a layer, against the init
    torch's own constructor gives it."""

    NOTHING = "nothing"  # every write gives the value torch's default already gives
    BIAS = "bias"  # only the bias would differ: zeroed instead of torch's small uniform one
    MORE = "more"  # the weight, or something we could not read


def _plain_isinstance(test: cst.BaseExpression) -> bool:
    return (
        isinstance(test, cst.Call) and isinstance(test.func, cst.Name)
        and test.func.value == "isinstance"
    )


_INSPECTIONS = frozenset({"isinstance", "hasattr", "getattr", "type", "len", "print", "str", "repr", "id"})


def _module_variable(root: cst.CSTNode) -> Optional[str]:
    """The name the init code gives each module: the loop target, the callback's parameter."""
    if isinstance(root, cst.For):
        return root.target.value if isinstance(root.target, cst.Name) else None
    if isinstance(root, (cst.FunctionDef, cst.Lambda)):
        names = [p.name.value for p in root.params.params if p.name.value not in ("self", "cls")]
        return names[0] if names else None
    return None


def _hands_on(call: cst.Call, module: str) -> bool:
    """The call passes the module itself on (`init_layer(m)`) or calls one of its methods
    (`m.reset_parameters()`): what that does to it is not read here."""
    func = call.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == module:
        return True
    if isinstance(func, cst.Name) and func.value in _INSPECTIONS:
        return False
    return any(isinstance(arg.value, cst.Name) and arg.value.value == module for arg in call.args)


def init_change(context: FileContext, root: cst.CSTNode, layer: str, torch_layer: bool) -> InitChange:
    """What the init code `root` (a function given to `apply`, a `for m in self.modules()`
    loop, an init method) would do to a layer of class `layer` (`torch_layer`: built by
    torch.nn) if it reached it: the writes in the branches that let that class in (see
    `dispatch_matches`; the `else` of a plain `isinstance` that matches it is skipped), compared
    with torch's own init (`library.default_constant`). A helper call, a write to another
    tensor, an assignment or no write at all is MORE: an unknown keeps a finding as it is."""
    changes: set[InitChange] = set()
    module = _module_variable(root)
    start = root.body if isinstance(root, (cst.FunctionDef, cst.For, cst.Lambda)) else root
    stack: list[cst.CSTNode] = [start]
    while stack:
        node = stack.pop()
        if isinstance(node, _NESTED_SCOPES):
            continue
        if isinstance(node, cst.If):
            tested = names_in_test(node.test, context)
            if not tested:
                stack.extend(children(node))
                continue
            if dispatch_matches(layer, tested, torch_layer):
                stack.append(node.body)
            last = layer.rsplit(".", 1)[-1]
            certain = _plain_isinstance(node.test) and any(branch_covers(t, last) for t in tested)
            if node.orelse is not None and not certain:
                stack.append(node.orelse)
            continue
        if isinstance(node, (cst.Assign, cst.AugAssign)):
            targets = node.targets if isinstance(node, cst.Assign) else [node]
            if any(
                isinstance(t.target, cst.Attribute)
                and t.target.attr.value in ("weight", "bias", "data")
                for t in targets
            ):
                changes.add(InitChange.MORE)
        if isinstance(node, cst.Call) and module is not None and _hands_on(node, module):
            changes.add(InitChange.MORE)  # `init_layer(m)`, `m.reset_parameters()`: not read
        elif isinstance(node, cst.Call) and initialized_tensor(node, context) is not None:
            found = init_call(node, context)
            ref = found.tensor if found is not None else None
            if ref is None or ref.attr is None or not isinstance(ref.expr, cst.Attribute) or not (
                isinstance(ref.expr.value, cst.Name)
            ):
                changes.add(InitChange.MORE)  # a helper, or not a tensor of the module itself
            else:
                value = fill_value(found)
                if torch_layer and value is not None and value == default_constant(layer, ref.attr):
                    changes.add(InitChange.NOTHING)
                elif ref.is_bias and value == 0.0:
                    changes.add(InitChange.BIAS)
                else:
                    changes.add(InitChange.MORE)
        stack.extend(children(node))
    if not changes or InitChange.MORE in changes:
        return InitChange.MORE
    return InitChange.BIAS if InitChange.BIAS in changes else InitChange.NOTHING


def passed_to_unknown_helper(context: FileContext, klass: cst.ClassDef, attr: str) -> Optional[str]:
    """The name of a project function that the class hands `self.<attr>` to and whose effect on
    it the index cannot tell (`init_parts(self.r, self.i)` with a loop inside): the tensor may be
    initialized there, so a finding about it should say less. None when there is none."""
    view = context.project
    for function in find_all(klass, cst.FunctionDef):
        if function.name.value in _RUN_TIME_METHODS:
            continue  # `forward` hands its weights to ops every step; no init happens there
        aliases = _loop_aliases(function, attr)
        local_objects = _local_names(function)
        for call in find_all(function, cst.Call):
            if init_call(call, context) is not None:
                continue
            if not any(
                is_self_attribute(strip_tensor(arg.value)) == attr
                or (isinstance(arg.value, cst.Name) and arg.value.value in aliases)
                for arg in call.args if not arg.star
            ):
                continue
            written = dotted_name(call.func)
            if written is None:
                if isinstance(call.func, (cst.Subscript, cst.Call)):
                    # `fns[how](self.r)`, `pick(how)(self.s)`: a callable chosen at run time
                    return context.code_for(call.func)
                continue
            method = is_self_attribute(call.func)
            if method is not None:
                if klass in context.module.body and view.index.find_method(
                    view.qualify(klass.name.value), method
                ) is None and _has_outside_base(context, klass):
                    return written  # a method inherited from a library base: not followed
                continue
            initialized = view.helper_initializes(written)
            if initialized is not None and not initialized:
                return written
            head = written.split(".", 1)[0]
            if initialized is None and "." in written and head in local_objects:
                # `init_.apply(p, d)` on an object this function made or received (an Enum
                # member, a strategy): its method is code the index does not follow
                return written
            if initialized is None and _outside_code(context, call, written):
                return written  # a function from outside the project: what it does is not known
    return None


# Calls that receive the module itself and cannot initialize its parameters.
_HARMLESS_SELF_CALLS = frozenset(
    {"print", "len", "isinstance", "issubclass", "getattr", "setattr", "hasattr", "id", "type",
     "str", "repr", "vars", "dir", "hash", "super", "warnings.warn"}
)
# Builtins that cannot initialize a tensor handed to them (they matter only where a module
# imports a name that shadows one).
_BUILTIN_CALLS = _HARMLESS_SELF_CALLS | {
    "list", "tuple", "dict", "set", "zip", "enumerate", "min", "max", "sum", "abs", "float", "int",
    "bool", "round", "sorted", "any", "all", "iter", "next", "map", "filter", "reversed", "range",
    "format",
}

# Modules whose functions are known not to initialize a tensor handed to them (torch's own
# initializers are recognized before this is asked).
_KNOWN_LIBRARIES = ("torch", "math", "numpy", "einops", "logging", "warnings", "builtins", "typing")


def _outside_code(context: FileContext, call: cst.Call, written: str) -> bool:
    """The callee is an imported function of a library other than torch and its kin (a
    `glorot`-like helper of the framework the project builds on): it may initialize what it is
    given. False for builtins, torch/numpy/math/einops, loggers and names defined in the file."""
    head = written.split(".", 1)[0]
    if written in _BUILTIN_CALLS or head in ("logger", "log", "self", "super"):
        return False
    resolved = context.resolve(call.func)
    if resolved is None:
        return False  # defined in this file or not imported: not outside code
    if resolved.split(".", 1)[0] in _KNOWN_LIBRARIES:
        return False
    view = context.project
    return view.index.function(resolved) is None and view.index.class_(resolved) is None


def _has_outside_base(context: FileContext, klass: cst.ClassDef) -> bool:
    """A base class that is neither torch's nor the project's (its methods are not followed)."""
    view = context.project
    for base in klass.bases:
        resolved = context.resolve(base.value)
        if resolved is None:
            continue
        if resolved.split(".", 1)[0] in _KNOWN_LIBRARIES:
            continue
        if view.index.class_(resolved) is None:
            return True
    return False


_RUN_TIME_METHODS = frozenset({"forward", "__call__", "extra_repr", "__repr__"})


def _loop_aliases(function: cst.FunctionDef, attr: str) -> set[str]:
    """Loop variables that take `self.<attr>` (`for p in [self.weight, self.bias]:`)."""
    found: set[str] = set()
    for loop in find_all(function, cst.For):
        if isinstance(loop.target, cst.Name) and isinstance(loop.iter, (cst.List, cst.Tuple)) and any(
            is_self_attribute(strip_tensor(element.value)) == attr for element in loop.iter.elements
        ):
            found.add(loop.target.value)
    return found


def _local_names(function: cst.FunctionDef) -> set[str]:
    """Parameters of the function (self excluded) and names it assigns."""
    names = {p.name.value for p in declared_params(function)}
    names.discard("self")
    for assign in find_all(function, cst.Assign):
        names.update(t.target.value for t in assign.targets if isinstance(t.target, cst.Name))
    return names





def hands_self_to_function(
    context: FileContext, klass: cst.ClassDef, assignment: Optional[cst.CSTNode]
) -> Optional[str]:
    """The function `__init__` hands the module itself to after creating a tensor
    (`weights_init(self)`, `initial_parameter(self)`, `utils.init(self, "xavier")`): such helpers
    loop over `parameters()` or `apply` an init, so the tensor may be initialized there and a
    finding about it should say less. None when `__init__` does not, or the tensor is not
    created in `__init__`'s body."""
    init = class_facts(context, klass).init
    if init is None or assignment is None or not isinstance(init.body, cst.IndentedBlock):
        return None
    seen = False
    for statement in init.body.body:
        if not seen:
            seen = statement is assignment or any(
                node is assignment for node in find_all(statement, type(assignment))
            )
            continue
        for call in find_all(statement, cst.Call):
            if not any(
                isinstance(arg.value, cst.Name) and arg.value.value == "self" and not arg.star
                for arg in call.args
            ):
                continue
            written = dotted_name(call.func)
            if (
                written is None
                or written in _HARMLESS_SELF_CALLS
                or written.startswith(("self.", "logging.", "logger.", "log."))
                or written.endswith(".__init__")
            ):
                continue
            return written
    return None

# -- declared shapes --------------------------------------------------------------------------------
_SIZED_CREATORS = frozenset(
    {"torch.empty", "torch.zeros", "torch.ones", "torch.randn", "torch.rand", "torch.full",
     *LEGACY_TENSOR_TYPES}
)


def declared_parameter(context: FileContext, klass: cst.ClassDef, attr: str) -> bool:
    """`self.<attr> = nn.Parameter(...)` is how `__init__` first creates the attribute."""
    assignment = class_facts(context, klass).first_assignment(attr)
    value = assignment.value if assignment is not None else None
    return isinstance(value, cst.Call) and context.resolve(value.func) in PARAMETER_CLASSES


def declared_dims(context: FileContext, klass: cst.ClassDef, attr: str) -> Optional[int]:
    """How many dimensions `self.<attr>` is created with in `__init__`
    (`nn.Parameter(torch.empty(n + 1))` → 1, `torch.zeros(out, in)` → 2); None when unknown."""
    sizes = declared_sizes(context, klass, attr)
    return len(sizes) if sizes is not None else None


# Calls whose result is a number, not a module or a tensor (`1 / math.sqrt(d)`, `len(sizes)`).
_NUMBER_CALLS = frozenset({"int", "float", "len", "min", "max", "round", "abs", "bool", "str"})
_REGISTERING = frozenset({"register_parameter", "register_module", "add_module", "setattr"})


def own_parameter_dims(
    context: FileContext, klass: cst.ClassDef, *, any_bases: bool = False
) -> Optional[dict[str, Optional[int]]]:
    """The declared dimensions of every parameter a module class holds, by attribute, when they are all its
    own `nn.Parameter(...)` attributes: its only base is `nn.Module`, `__init__` assigns on `self`
    nothing but parameters and plain values (numbers, names, arithmetic, `math.*`), and no method
    registers anything (`register_parameter`, `add_module`, `setattr`) or assigns a parameter
    or a module later. None when anything else may hold a parameter. A class that builds
    sub-modules gets None too; those are the project index's business (`layers_of`).
    `any_bases`: the caller asks the index what the bases hold, so they need not be `nn.Module`."""
    facts = class_facts(context, klass)
    if facts.init is None or not facts.bases:
        return None
    if not any_bases and not all(b in MODULE_BASES for b in facts.bases):
        return None
    dims: dict[str, Optional[int]] = {}
    for assignment in facts.assignments:
        value = assignment.value
        if assignment.attr is None or not isinstance(assignment.node, (cst.Assign, cst.AnnAssign)):
            return None
        if isinstance(value, cst.Call) and context.resolve(value.func) in PARAMETER_CLASSES:
            dims[assignment.attr] = declared_dims(context, klass, assignment.attr)
        elif not _plain_value(context, value):
            return None
    for method in facts.methods.values():
        for call in calls_in(method):
            if call_name(call) in _REGISTERING:
                return None
        if method is facts.init:
            continue
        for assign in find_all(method, cst.Assign):
            if any(is_self_attribute(t.target) for t in assign.targets) and isinstance(assign.value, cst.Call):
                written = call_name(assign.value) or ""
                if written[:1].isupper() or context.resolve(assign.value.func) in PARAMETER_CLASSES:
                    return None
    return dims


def _plain_value(context: FileContext, value: cst.BaseExpression) -> bool:
    """Holds no module or parameter: every call in it computes a number (`math.sqrt`, `len`)."""
    for call in find_all(value, cst.Call):
        qualified = context.resolve(call.func) or dotted_name(call.func) or ""
        if not (qualified.startswith("math.") or qualified in _NUMBER_CALLS):
            return False
    return not isinstance(value, (cst.Lambda, cst.ListComp, cst.GeneratorExp, cst.DictComp))


def declared_sizes(
    context: FileContext, klass: cst.ClassDef, attr: str, at: Optional[cst.CSTNode] = None
) -> Optional[tuple[cst.BaseExpression, ...]]:
    """The sizes `self.<attr>` is created with in `__init__`, as written
    (`nn.Parameter(torch.empty((e, i, o)))` → `e`, `i`, `o`); None when unknown. `at`: a node
    of `__init__` (an init call): the assignment that last precedes it, when branches create
    the attribute with different shapes (`(b, i, o)` under `if basis:`, `(r, b * i * o)` in
    the `elif`)."""
    facts = class_facts(context, klass)
    assignment = facts.first_assignment(attr)
    if at is not None and facts.init is not None and sum(a.attr == attr for a in facts.assignments) > 1:
        where = next(
            (facts.line_index.get(id(line)) for line in _statements(facts.init.body.body) if contains(line, at)),
            None,
        )
        earlier = [a for a in facts.assignments if a.attr == attr and where is not None and a.index <= where]
        assignment = earlier[-1] if earlier else assignment
    value = assignment.value if assignment is not None else None
    if isinstance(value, cst.Call) and context.resolve(value.func) in PARAMETER_CLASSES:
        value = value.args[0].value if value.args and value.args[0].keyword is None else None
    return creator_sizes(context, value) if value is not None else None


def creator_sizes(context: FileContext, value: cst.BaseExpression) -> Optional[tuple[cst.BaseExpression, ...]]:
    """The sizes of a tensor made by `torch.empty(a, b)`, `torch.zeros((a, b))`,
    `torch.randn(a, b).uniform_()` (the creator under in-place fills), as written; None for
    anything else, a starred size or a shape we cannot read (`torch.empty(shape)`)."""
    while (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Attribute)
        and isinstance(value.func.value, cst.Call)
    ):
        value = value.func.value  # torch.empty(n).uniform_()
    if not isinstance(value, cst.Call) or context.resolve(value.func) not in _SIZED_CREATORS:
        return None
    sizes = [a for a in value.args if a.keyword is None or a.keyword.value == "size"]
    if context.resolve(value.func) == "torch.full":
        sizes = sizes[:1]
    if any(a.star for a in sizes):
        return None
    if len(sizes) == 1 and isinstance(sizes[0].value, (cst.Tuple, cst.List)):
        elements = sizes[0].value.elements
        if any(isinstance(e, cst.StarredElement) for e in elements):
            return None
        return tuple(e.value for e in elements) or None
    if len(sizes) == 1 and not _looks_like_size(sizes[0].value):
        return None  # `torch.Tensor(data)`, `torch.empty(shape)`: a shape we cannot read
    return tuple(a.value for a in sizes) or None


def initializes_itself(context: FileContext, written: str) -> bool:
    """The project class `written` (as this file spells it) runs its own init when constructed:
    its `__init__` (own or inherited, across files) calls `self.reset_parameters()`, another
    init-named method, `self.apply(...)` or `self.post_init()`. False when not known."""
    view = context.project
    resolved = view.resolve_name(written)
    if resolved is None:
        return False
    return _constructor_runs_init(view.index, resolved)


def _constructor_runs_init(index: "ProjectIndex", resolved: str) -> bool:
    order, _ = index.mro(resolved)
    for cls in order:  # each `__init__` up the chain (`super().__init__(...)` runs the next)
        found = index.function(f"{cls}.__init__")
        if found is None:
            continue
        for site in found[1].calls:
            head, _, method = site.callee.rpartition(".")
            # `self.reset_parameters()`, `super().init_weights()`, `Base.reset_parameters(self)`
            if head and (head == "self" or head.startswith("super") or head[:1].isupper()) and (
                is_init_name(method) or method in ("apply", "post_init")
            ):
                return True
    return False


def self_initializing_submodules(context: FileContext, written: str) -> list[str]:
    """The project classes among the sub-modules of `written` (as this file spells it; followed
    across files by the project index, at any depth) whose own constructor runs their init:
    building `written` already initializes those parts. Short class names; [] when none is
    known."""
    view = context.project
    resolved = view.resolve_name(written)
    if resolved is None:
        return []
    found: list[str] = []
    for use in view.index.layers_of(resolved).layers[1:]:
        if view.index.class_(use.cls) is not None and _constructor_runs_init(view.index, use.cls):
            if use.short_name not in found:
                found.append(use.short_name)
    return found


def container_layers(context: FileContext, klass: cst.ClassDef, attr: str) -> Optional[list[cst.Call]]:
    """The layer constructors a `self.<attr>` container holds, from `__init__`:
    `nn.ModuleList([...])` / `nn.Sequential(...)` arguments and `self.<attr>.append(...)` /
    `.extend([...])` calls. None when something else goes in (a name, a comprehension over an
    unknown iterable is fine: its element call counts) or the attribute is not built so."""
    facts = class_facts(context, klass)
    constructor = facts.constructor(attr)
    if constructor is None or (torch_layer_name(context, constructor) or "") not in CONTAINERS:
        return None
    found = [c for c in find_all(constructor, cst.Call) if c is not constructor]
    if facts.init is not None:
        for call in calls_in(facts.init):
            func = call.func
            if (
                isinstance(func, cst.Attribute)
                and func.attr.value in ("append", "extend", "insert")
                and is_self_attribute(func.value) == attr
            ):
                inner = [c for c in find_all(call, cst.Call) if c is not call]
                if not inner:
                    return None  # `self.lins.append(lin)`: built elsewhere
                found += inner
    return found


# -- draws overwritten by the callers ----------------------------------------------------------------
def reset_after_callers(context: FileContext, function: cst.FunctionDef, attr: str, value: float) -> Optional[tuple[str, str]]:
    """A method that only its own class calls (`self.<name>(module)` in other methods; its name
    appears nowhere else in the project, so nothing hands it to `apply`), where every caller,
    after the statement holding the call, sets `self.<sub>...<attr>` to `value` for a sub-module
    `<sub>` that statement names (NeXtVLAD's `_init_params`: a loop over
    `(self.soft_assignment_mapper, ...)` calls it per module, then
    `nn.init.constant_(self.soft_assignment_mapper[1].bn.weight, 1)`): what the method writes
    to such tensors there is overwritten. Returns (the first caller, the tensor as written);
    None when a caller does not, or the callers are not all known."""
    klass = context.enclosing_class()
    name = function.name.value
    if klass is None or function not in klass.body.body:
        return None
    sites: list[tuple[cst.FunctionDef, cst.Call]] = []
    for method in klass.body.body:
        if not isinstance(method, cst.FunctionDef) or method is function:
            continue
        for call in find_all(method, cst.Call):
            func = call.func
            if (
                isinstance(func, cst.Attribute) and func.attr.value == name
                and isinstance(func.value, cst.Name) and func.value.value == "self"
            ):
                sites.append((method, call))
    if not sites or context.word_count(name) != len(sites) + 1:
        return None  # named elsewhere in the file (an `apply`, another class): callers unknown
    view = context.project
    if any(view.index.path_of_module(view.module) != path for path in view.index.files_mentioning(name)):
        return None  # another file names it: a subclass or a script may call it
    first: Optional[tuple[str, str]] = None
    for method, call in sites:
        holder = next((s for s in method.body.body if contains(s, call)), None)
        later = _after(method.body.body, call) if holder is not None else None
        if holder is None or not later:
            return None
        walked = context.code_for(holder)
        found: Optional[str] = None
        for statement in later:
            for inner in find_all(statement, cst.Call):
                init = init_call(inner, context)
                if init is None or init.tensor.attr != attr or fill_value(init) != value:
                    continue
                written = context.code_for(init.tensor.expr)
                sub = re.match(r"self\.(\w+)", written)
                if sub is not None and re.search(rf"\bself\.{sub.group(1)}\b", walked):
                    found = written
                    break
            if found is not None:
                break
        if found is None:
            return None
        first = first or (method.name.value, found)
    return first


# -- which module an expression holds at the node being visited -------------------------------------
_CONTAINER_MUTATORS = frozenset({"append", "extend", "insert", "add_module", "register_module"})


def _assigned_call(statement: cst.CSTNode, written: str) -> Optional[Union[cst.Call, bool]]:
    """What a statement does to `written` (`self.out`, `lstm`): the call it assigns
    (`written = nn.LSTM(...)`), True when it binds it otherwise or may (an unpacking, an
    augmented assignment, a compound statement that assigns it inside), None when it does not
    touch it."""
    if isinstance(statement, cst.SimpleStatementLine):
        found: Optional[Union[cst.Call, bool]] = None
        for small in statement.body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    if dotted_name(target.target) == written:
                        found = small.value if isinstance(small.value, cst.Call) and len(small.targets) == 1 else True
                    elif written in {dotted_name(n) for n in find_all(target.target, (cst.Name, cst.Attribute))}:
                        found = True
            elif isinstance(small, (cst.AugAssign, cst.AnnAssign)) and dotted_name(small.target) == written:
                found = True if not (isinstance(small, cst.AnnAssign) and isinstance(small.value, cst.Call)) else small.value
        return found
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return True if statement.name.value == written else None
    for node in find_all_outside(statement, (cst.Assign, cst.AugAssign, cst.AnnAssign, cst.For, cst.With), _NESTED_SCOPES):
        targets = (
            [t.target for t in node.targets] if isinstance(node, cst.Assign)
            else [node.target] if isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.For))
            else [item.asname.name for item in node.items if item.asname is not None]
        )
        if any(written in {dotted_name(n) for n in find_all(t, (cst.Name, cst.Attribute))} for t in targets):
            return True
    return None


def reaching_call(context: FileContext, written: str) -> Optional[cst.Call]:
    """The call assigned to `written` (a local name or `self.<attr>`) by the assignment that
    reaches the node being visited in straight-line code: the nearest statement before it, in
    its block or an enclosing block of the same function, that touches the name. None when that
    statement binds it otherwise, a compound statement in between may rebind it, or none does."""
    previous: Optional[cst.CSTNode] = None
    for ancestor in context.ancestors():
        if isinstance(ancestor, (cst.IndentedBlock, cst.Module)) and previous is not None:
            body = list(ancestor.body)
            if previous in body:
                for statement in reversed(body[: body.index(previous)]):
                    found = _assigned_call(statement, written)
                    if found is True:
                        return None
                    if isinstance(found, cst.Call):
                        return found
        if isinstance(ancestor, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            return None
        previous = ancestor
    return None


def _mutated(root: cst.CSTNode, written: str) -> bool:
    """`<written>.append(...)`, `.insert`, `.add_module`, `<written>[i] = ...` anywhere in `root`:
    a container whose elements change after it is built."""
    for call in find_all(root, cst.Call):
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in _CONTAINER_MUTATORS:
            if dotted_name(func.value) == written:
                return True
    for assign in find_all(root, cst.Assign):
        for target in assign.targets:
            if isinstance(target.target, cst.Subscript) and dotted_name(target.target.value) == written:
                return True
    return False


def _sequential_element(context: FileContext, built: cst.Call, index: cst.BaseExpression) -> Optional[cst.Call]:
    """`nn.Sequential(a, b, c)` indexed by a literal int (`[-1]`, `[2]`): the call that builds
    that element. None for another container, a `*layers` argument, an OrderedDict, a computed
    index or an element that is not a call."""
    if torch_layer_name(context, built) != "Sequential":
        return None
    if any(arg.star or arg.keyword is not None for arg in built.args):
        return None
    number: Optional[int] = None
    if isinstance(index, cst.Integer):
        number = int(index.value)
    elif isinstance(index, cst.UnaryOperation) and isinstance(index.operator, cst.Minus) and isinstance(index.expression, cst.Integer):
        number = -int(index.expression.value)
    if number is None or not -len(built.args) <= number < len(built.args):
        return None
    element = built.args[number].value
    return element if isinstance(element, cst.Call) else None


def modules_held(context: FileContext, owner: cst.BaseExpression) -> Optional[list[cst.Call]]:
    """The constructor calls of the module `owner` holds at the node being visited, when known:
    a local name or `self.<attr>` assigned a call earlier in straight-line code of the same
    function (`self.out = nn.Sequential(...)` just above), else, for `self.<attr>` in another
    method, every call its class's `__init__` assigns to it (one per branch); and an element
    of an `nn.Sequential` of literal layers taken by a literal index (`self.out[-1]`). None when
    anything is not known (a parameter, a computed index, a container changed after it is
    built)."""
    if isinstance(owner, cst.Subscript):
        if len(owner.slice) != 1 or not isinstance(owner.slice[0].slice, cst.Index):
            return None
        written = dotted_name(owner.value)
        containers = modules_held(context, owner.value) if written is not None else None
        if not containers:
            return None
        function = context.enclosing_function()
        klass = context.enclosing_class()
        scopes = [s for s in (function, class_facts(context, klass).init if klass is not None and written.startswith("self.") else None) if s is not None]
        if any(_mutated(scope, written) for scope in scopes):
            return None
        elements = [_sequential_element(context, c, owner.slice[0].slice.value) for c in containers]
        return None if any(e is None for e in elements) else elements  # type: ignore[return-value]
    written = dotted_name(owner)
    if written is None or written == "self" or "." in written and not written.startswith("self."):
        return None
    if written.count(".") > 1:
        return None
    reaching = reaching_call(context, written)
    if reaching is not None:
        return [reaching]
    attr = is_self_attribute(owner)
    klass = context.enclosing_class()
    function = context.enclosing_function()
    if attr is None or klass is None or function is None or function.name.value == "__init__":
        return None
    facts = class_facts(context, klass)
    values = [a.value for a in facts.assignments if a.attr == attr]
    if not values or not all(isinstance(v, cst.Call) for v in values):
        return None
    if any(function is not facts.init and _assigned_call(s, written) is not None for s in function.body.body):
        return None
    return values  # type: ignore[return-value]

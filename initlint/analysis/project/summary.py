"""One file's facts for the project index, read with stdlib `ast` (about 10x cheaper than libcst).

A `FileSummary` is plain, picklable data: what the file defines (classes with their bases, methods,
functions), what its functions initialize (which parameters, how), the calls it makes with the
literal arguments it passes, the `.apply(...)` sites, the layers each class builds, the guard
aliases (`exists`, `default`) and how methods use `self.<attr>` (forward facts). Names are resolved
through the file's own imports to qualified names (`torch.nn.Linear`, `pkg.layers.RMSNorm`); what
cannot be resolved keeps its written spelling and is marked as such, never guessed.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass, field
from typing import Iterator, Optional, Union

from initlint.analysis.imports import _resolve_relative

# Literal values a call site can pass; anything else is not recorded as a literal.
Literal = Union[None, bool, int, float, str, tuple]
NOT_LITERAL = "<expr>"

SUMMARY_VERSION = 1  # bump when the shape or meaning of a summary changes (invalidates caches)

INIT_MODULES = ("torch.nn.init", "transformers.initialization")
# In-place tensor methods that overwrite values: initialization when applied to a parameter.
INPLACE_INIT_METHODS = frozenset(
    {
        "zero_", "fill_", "normal_", "uniform_", "copy_", "bernoulli_", "random_", "exponential_",
        "geometric_", "cauchy_", "log_normal_", "fill_diagonal_", "trunc_normal_", "orthogonal_",
        "kaiming_normal_", "kaiming_uniform_", "xavier_normal_", "xavier_uniform_", "constant_",
        "ones_", "zeros_", "eye_", "dirac_",
    }
)
MODULE_ITERATORS = frozenset({"modules", "named_modules", "children", "named_children"})
CLONE_FUNCTIONS = frozenset({"copy.deepcopy", "deepcopy"})
_CLONE_NAME = re.compile(r"(?:^|_)(?:get_)?clones?$|^_?clone_module|^_?get_clones$", re.IGNORECASE)
_CLASS_NAME = re.compile(r"^_?[A-Z]")
_INIT_WORDS = re.compile(
    r"nn\.init|\binit\.|\.data\b|\.apply\(|_\(|initiali[sz]|reset_parameters|init_weights"
    r"|weights_init|\binitialization\b"
)
# Flags whose literal value decides which parameters a layer has.
LAYER_FLAGS = frozenset(
    {"bias", "affine", "elementwise_affine", "padding_idx", "track_running_stats", "add_bias_kv",
     "batch_first", "bias_attr", "use_bias", "learnable", "scale", "weight"}
)


# ------------------------------------------------------------------------------------------- data
@dataclass(frozen=True)
class ParamInit:
    """`param[.path]` is initialized inside a function, by `how` (a qualified init function such
    as `torch.nn.init.normal_`, an in-place method `normal_`, `.data=`, or `call:<callee>` when
    the parameter is handed on to another function that may initialize it)."""

    param: str
    path: tuple[str, ...]
    how: str
    line: int


@dataclass(frozen=True)
class ArgFact:
    """What one argument of a call site is: a literal, one of the caller's own parameters (with an
    attribute path), `self.<attr>`, a constructed class, or nothing known."""

    kind: str  # "literal" | "param" | "self_attr" | "self" | "constructed" | "name" | "other"
    value: Literal = None  # the literal / param name / attr / class / local name
    path: tuple[str, ...] = ()


@dataclass(frozen=True)
class CallSite:
    """A call: `callee` as written (dotted, `self.x`, `super().x`), `target` its import-resolved
    qualified name when it names something importable, and the argument facts."""

    callee: str
    target: Optional[str]
    positional: tuple[ArgFact, ...]
    keywords: tuple[tuple[str, ArgFact], ...]
    line: int
    has_star: bool = False

    def argument(self, position: Optional[int], keyword: str) -> Optional[ArgFact]:
        for name, fact in self.keywords:
            if name == keyword:
                return fact
        if position is not None and position < len(self.positional):
            return self.positional[position]
        return None


@dataclass(frozen=True)
class ApplySite:
    """`<receiver>.apply(<fn>)`: receiver as written (`self`, `model`), `receiver_class` when the
    receiver is `self` of a class or a local built from a known class; `function` the callable
    (`self._init_weights` → `_init_weights` with `is_method`)."""

    receiver: str
    receiver_class: Optional[str]
    function: str
    is_method: bool
    line: int


@dataclass(frozen=True)
class LayerBuild:
    """A class constructed inside a class body or method: `cls` qualified when resolvable,
    `attr` the `self.<attr>` it is assigned to (if any), `flags` its literal layer flags."""

    cls: str
    resolved: bool
    attr: Optional[str]
    flags: tuple[tuple[str, Literal], ...]
    line: int
    from_parameter: bool = False  # `norm_layer(dim)` where norm_layer is an argument: unknown class


@dataclass(frozen=True)
class CloneSite:
    """`copy.deepcopy(x)` / `_get_clones(x, n)`: the clones share x's initial values."""

    function: str
    source: str
    attr: Optional[str]
    line: int


@dataclass(frozen=True)
class FunctionSummary:
    name: str
    qualname: str  # "f", "Class.method", "Class.method.inner"
    class_name: Optional[str]
    params: tuple[str, ...]
    line: int
    initializes: tuple[ParamInit, ...] = ()
    calls: tuple[CallSite, ...] = ()
    applies: tuple[ApplySite, ...] = ()
    value_kinds: tuple[tuple[str, str], ...] = ()  # name → "module" | "int" | "tensor" | ...
    self_uses: tuple[tuple[str, str], ...] = ()  # (attr, use) forward facts
    isinstance_checks: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (name, classes)
    decorators: tuple[str, ...] = ()

    def kind_of(self, name: str) -> Optional[str]:
        for key, kind in self.value_kinds:
            if key == name:
                return kind
        return None


@dataclass(frozen=True)
class ClassSummary:
    name: str
    qualname: str
    line: int
    bases: tuple[str, ...]  # qualified when resolvable, else as written
    methods: tuple[str, ...]
    layers: tuple[LayerBuild, ...] = ()
    clones: tuple[CloneSite, ...] = ()


@dataclass(frozen=True)
class FileSummary:
    module: str
    version: int
    imports: tuple[tuple[str, str], ...]  # local name → qualified
    classes: tuple[ClassSummary, ...]
    functions: tuple[FunctionSummary, ...]  # every def, nested ones included (by qualname)
    module_calls: tuple[CallSite, ...]  # calls at module level
    module_applies: tuple[ApplySite, ...]
    guard_aliases: tuple[tuple[str, str], ...]  # "exists" → "not_none", "default" → "default"
    referenced_names: frozenset[str]  # every Name/attribute/identifier-string used (not defined)
    has_init_code: bool
    error: Optional[str] = None

    def import_map(self) -> dict[str, str]:
        return dict(self.imports)


# ------------------------------------------------------------------------------------ summariser
def module_name(package: Optional[str], filename: str) -> str:
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem = stem[: -len(".pyi")] if stem.endswith(".pyi") else stem[: -len(".py")] if stem.endswith(".py") else stem
    if stem == "__init__":
        return package or ""
    return f"{package}.{stem}" if package else stem


def dotted(node: ast.AST) -> Optional[str]:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super":
        parts.append("super()")
        return ".".join(reversed(parts))
    return None


def literal(node: ast.AST) -> Literal:
    if isinstance(node, ast.Constant) and not isinstance(node.value, (bytes, complex)) and node.value is not ...:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = literal(node.operand)
        if isinstance(inner, (int, float)) and not isinstance(inner, bool):
            return -inner
    if isinstance(node, ast.Tuple):
        items = tuple(literal(e) for e in node.elts)
        if NOT_LITERAL not in items:
            return items
    return NOT_LITERAL


def _root_and_path(node: ast.AST) -> tuple[Optional[str], tuple[str, ...]]:
    """`m.weight.data` → ("m", ("weight", "data")); subscripts and `.detach()` are looked through."""
    path: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            path.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("detach", "data", "t")
            and not node.args
        ):
            node = node.func.value
        else:
            break
    if isinstance(node, ast.Name):
        return node.id, tuple(reversed(path))
    return None, ()


class _Scope:
    def __init__(self, qualname: str, class_name: Optional[str], params: tuple[str, ...], self_name: Optional[str]) -> None:
        self.qualname = qualname
        self.class_name = class_name
        self.params = params
        self.self_name = self_name
        self.initializes: list[ParamInit] = []
        self.calls: list[CallSite] = []
        self.applies: list[ApplySite] = []
        self.kinds: dict[str, str] = {}
        self.locals_class: dict[str, str] = {}
        self.self_uses: set[tuple[str, str]] = set()
        self.isinstance_checks: list[tuple[str, tuple[str, ...]]] = []


class _Summariser:
    def __init__(self, module: str, package: Optional[str], is_package_init: bool) -> None:
        self.module = module
        self.package = package
        self.is_init = is_package_init
        self.imports: dict[str, str] = {}
        self.classes: list[ClassSummary] = []
        self.functions: list[FunctionSummary] = []
        self.guards: dict[str, str] = {}
        self.referenced: set[str] = set()
        self.defined_classes: set[str] = set()
        self.has_init_code = False
        self.module_scope = _Scope("<module>", None, (), None)
        # per-class accumulators, keyed by class qualname
        self._layers: dict[str, list[LayerBuild]] = {}
        self._clones: dict[str, list[CloneSite]] = {}

    # -- names -------------------------------------------------------------------------------
    def qualify(self, written: Optional[str]) -> tuple[Optional[str], bool]:
        """Written dotted name → (qualified, resolved?)."""
        if written is None:
            return None, False
        head, _, rest = written.partition(".")
        if head in self.imports:
            target = self.imports[head]
            return (f"{target}.{rest}" if rest else target), True
        if head in self.defined_classes or head in self._module_defs:
            return f"{self.module}.{written}" if self.module else written, True
        return written, False

    # -- imports -------------------------------------------------------------------------------
    def scan_imports(self, tree: ast.Module) -> None:
        self._module_defs: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.imports[alias.asname] = alias.name
                    else:
                        head = alias.name.split(".")[0]
                        self.imports.setdefault(head, head)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = _resolve_relative(self.package, node.level, node.module)
                else:
                    base = node.module
                if base is None:
                    continue
                for alias in node.names:
                    if alias.name == "*":
                        continue
                    self.imports[alias.asname or alias.name] = f"{base}.{alias.name}"
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                self.defined_classes.add(node.name)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._module_defs.add(node.name)
            elif isinstance(node, (ast.If, ast.Try)):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.ClassDef):
                        self.defined_classes.add(inner.name)
                    elif isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        self._module_defs.add(inner.name)

    # -- guard aliases -------------------------------------------------------------------------
    def guard_kind(self, node: Union[ast.FunctionDef, ast.Lambda]) -> Optional[str]:
        args = node.args.args
        if not args:
            return None
        first = args[0].arg
        if isinstance(node, ast.Lambda):
            body: Optional[ast.AST] = node.body
        else:
            statements = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
            body = statements[0].value if len(statements) == 1 and isinstance(statements[0], ast.Return) else None
        if body is None:
            return None
        if (
            isinstance(body, ast.Compare)
            and isinstance(body.left, ast.Name)
            and body.left.id == first
            and len(body.ops) == 1
            and isinstance(body.ops[0], ast.IsNot)
            and isinstance(body.comparators[0], ast.Constant)
            and body.comparators[0].value is None
        ):
            return "not_none"
        if isinstance(body, ast.IfExp) and len(args) >= 2:
            test = body.test
            tested = None
            if isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and len(test.ops) == 1:
                if isinstance(test.ops[0], ast.IsNot) and isinstance(body.body, ast.Name):
                    tested = test.left.id
            elif isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and self.guards.get(test.func.id) == "not_none":
                if test.args and isinstance(test.args[0], ast.Name):
                    tested = test.args[0].id
            if tested == first and isinstance(body.body, ast.Name) and body.body.id == first:
                return "default"
        return None

    # -- traversal -----------------------------------------------------------------------------
    def run(self, tree: ast.Module) -> None:
        self.scan_imports(tree)
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                kind = self.guard_kind(node)  # type: ignore[arg-type]
                if kind:
                    self.guards[node.name] = kind
            elif (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Lambda)
            ):
                kind = self.guard_kind(node.value)
                if kind:
                    self.guards[node.targets[0].id] = kind
        self.body(tree.body, self.module_scope, None)

    def body(self, statements: list[ast.stmt], scope: _Scope, class_qual: Optional[str]) -> None:
        for statement in statements:
            self.statement(statement, scope, class_qual)

    def statement(self, node: ast.stmt, scope: _Scope, class_qual: Optional[str]) -> None:
        if isinstance(node, ast.ClassDef):
            self.class_def(node, scope)
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.function_def(node, scope, class_qual)
            return
        # statements: look at every expression below, but not into nested defs
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            self.assignment(node, scope, class_qual)
        if isinstance(node, (ast.For, ast.AsyncFor)):
            self.loop(node, scope)
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            kind = _annotation_kind(node.annotation)
            if kind:
                scope.kinds[node.target.id] = kind
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self.statement(child, scope, class_qual)
            elif isinstance(child, ast.expr):
                self.expression(child, scope, class_qual)
            elif isinstance(child, (ast.excepthandler, ast.match_case)):
                for grand in ast.iter_child_nodes(child):
                    if isinstance(grand, ast.stmt):
                        self.statement(grand, scope, class_qual)
                    elif isinstance(grand, ast.expr):
                        self.expression(grand, scope, class_qual)
            elif isinstance(child, ast.withitem):
                self.expression(child.context_expr, scope, class_qual)

    def class_def(self, node: ast.ClassDef, outer: _Scope) -> None:
        qual = node.name if outer.qualname == "<module>" else f"{outer.qualname}.{node.name}"
        bases = tuple(self.qualify(dotted(b))[0] or "<expr>" for b in node.bases)
        for base in node.bases:
            self.expression(base, outer, None)
        self._layers[qual] = []
        self._clones[qual] = []
        methods = tuple(
            s.name for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
        )
        class_scope = _Scope(qual, qual, (), None)
        self.body(node.body, class_scope, qual)
        self.classes.append(
            ClassSummary(
                name=node.name, qualname=qual, line=node.lineno, bases=bases, methods=methods,
                layers=tuple(self._layers.pop(qual)), clones=tuple(self._clones.pop(qual)),
            )
        )

    def function_def(self, node: Union[ast.FunctionDef, ast.AsyncFunctionDef], outer: _Scope, class_qual: Optional[str]) -> None:
        in_class = outer.class_name is not None and outer.qualname == outer.class_name
        qual = node.name if outer.qualname == "<module>" else f"{outer.qualname}.{node.name}"
        all_args = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
        params = tuple(a.arg for a in all_args)
        if node.args.vararg:
            params += (node.args.vararg.arg,)
        if node.args.kwarg:
            params += (node.args.kwarg.arg,)
        decorators = tuple(dotted(d if not isinstance(d, ast.Call) else d.func) or "<expr>" for d in node.decorator_list)
        is_static = "staticmethod" in decorators
        self_name = params[0] if in_class and params and not is_static else outer.self_name
        scope = _Scope(qual, class_qual, params, self_name)
        for arg in all_args:
            if arg.annotation is not None:
                kind = _annotation_kind(arg.annotation)
                if kind:
                    scope.kinds[arg.arg] = kind
        defaults = node.args.defaults
        positional = node.args.posonlyargs + node.args.args
        for arg, default in zip(positional[len(positional) - len(defaults):], defaults):
            value = literal(default)
            if isinstance(value, bool):
                scope.kinds.setdefault(arg.arg, "bool")
            elif isinstance(value, int):
                scope.kinds.setdefault(arg.arg, "int")
            elif isinstance(value, float):
                scope.kinds.setdefault(arg.arg, "float")
        if in_class and params and not is_static:
            scope.kinds[params[0]] = "self"
        for decorator in node.decorator_list:
            self.expression(decorator, outer, class_qual)
        # inherit the enclosing function's knowledge of locals for closures
        scope.locals_class.update(outer.locals_class)
        self.body(node.body, scope, class_qual)
        self.functions.append(
            FunctionSummary(
                name=node.name, qualname=qual, class_name=class_qual, params=params, line=node.lineno,
                initializes=tuple(scope.initializes), calls=tuple(scope.calls), applies=tuple(scope.applies),
                value_kinds=tuple(sorted(scope.kinds.items())), self_uses=tuple(sorted(scope.self_uses)),
                isinstance_checks=tuple(scope.isinstance_checks), decorators=decorators,
            )
        )

    def loop(self, node: Union[ast.For, ast.AsyncFor], scope: _Scope) -> None:
        iterator = node.iter
        if isinstance(iterator, ast.Call) and isinstance(iterator.func, ast.Attribute):
            method = iterator.func.attr
            if method in MODULE_ITERATORS:
                target = node.target
                if isinstance(target, ast.Name):
                    scope.kinds[target.id] = "module"
                elif isinstance(target, ast.Tuple) and len(target.elts) == 2 and isinstance(target.elts[1], ast.Name):
                    scope.kinds[target.elts[1].id] = "module"
                    if isinstance(target.elts[0], ast.Name):
                        scope.kinds[target.elts[0].id] = "str"
            elif method in ("parameters", "named_parameters", "buffers", "named_buffers"):
                target = node.target
                if isinstance(target, ast.Name):
                    scope.kinds[target.id] = "tensor"
                elif isinstance(target, ast.Tuple) and len(target.elts) == 2 and isinstance(target.elts[1], ast.Name):
                    scope.kinds[target.elts[1].id] = "tensor"

    def assignment(self, node: Union[ast.Assign, ast.AnnAssign, ast.AugAssign], scope: _Scope, class_qual: Optional[str]) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        value = node.value
        for target in targets:
            # `.data = ...` on a parameter-rooted expression initializes it
            if isinstance(target, (ast.Attribute, ast.Subscript)):
                root, path = _root_and_path(target)
                if root is not None and "data" in path and not isinstance(node, ast.AugAssign):
                    self.has_init_code = True
                    if root in scope.params:
                        trimmed = path[: path.index("data")]
                        scope.initializes.append(ParamInit(root, trimmed, ".data=", node.lineno))
            if value is None:
                continue
            if isinstance(target, ast.Name):
                kind = self.value_kind(value)
                if kind:
                    scope.kinds[target.id] = kind
                built = self.constructed_class(value)
                if built:
                    scope.locals_class[target.id] = built
        if value is not None and class_qual is not None:
            attr = None
            if len(targets) == 1:
                target = targets[0]
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == scope.self_name
                ):
                    attr = target.attr
                elif isinstance(target, ast.Name) and scope.self_name is None:
                    attr = target.id  # class-level attribute
            self.layers_in(value, scope, class_qual, attr)

    def layers_in(self, value: ast.expr, scope: _Scope, class_qual: str, attr: Optional[str]) -> None:
        """Record constructions and clones in an assigned value (nn.Sequential(...) contents too)."""
        for node in ast.walk(value):
            if not isinstance(node, ast.Call):
                continue
            written = dotted(node.func)
            if written is None:
                continue
            qualified, resolved = self.qualify(written)
            last = written.rsplit(".", 1)[-1]
            if qualified in CLONE_FUNCTIONS or written in CLONE_FUNCTIONS or _CLONE_NAME.search(last):
                source = dotted(node.args[0]) if node.args else None
                self._clones[class_qual].append(CloneSite(qualified or written, source or "<expr>", attr, node.lineno))
                continue
            if not _CLASS_NAME.match(last) and written.split(".")[0] not in scope.params:
                continue
            from_parameter = written.split(".")[0] in scope.params and written.split(".")[0] != scope.self_name
            if not _CLASS_NAME.match(last) and not from_parameter:
                continue
            flags = []
            for keyword in node.keywords:
                if keyword.arg in LAYER_FLAGS:
                    flags.append((keyword.arg, literal(keyword.value)))
            self._layers[class_qual].append(
                LayerBuild(
                    cls=qualified or written, resolved=resolved, attr=attr if node is value else None,
                    flags=tuple(flags), line=node.lineno, from_parameter=from_parameter,
                )
            )

    def value_kind(self, value: ast.expr) -> Optional[str]:
        if isinstance(value, ast.Constant):
            if isinstance(value.value, bool):
                return "bool"
            if isinstance(value.value, int):
                return "int"
            if isinstance(value.value, float):
                return "float"
            if isinstance(value.value, str):
                return "str"
        if isinstance(value, ast.Call):
            written = dotted(value.func) or ""
            qualified, _ = self.qualify(written)
            qualified = qualified or ""
            if qualified.startswith("torch.") and qualified.rsplit(".", 1)[-1] in _TENSOR_FACTORIES:
                return "tensor"
            if qualified in ("torch.nn.Parameter", "torch.nn.parameter.Parameter"):
                return "tensor"
            if qualified.startswith("torch.nn.") and _CLASS_NAME.match(qualified.rsplit(".", 1)[-1]):
                return "module"
            if written in ("int", "len"):
                return "int"
        return None

    def constructed_class(self, value: ast.expr) -> Optional[str]:
        if isinstance(value, ast.Call):
            written = dotted(value.func)
            if written and _CLASS_NAME.match(written.rsplit(".", 1)[-1]):
                qualified, resolved = self.qualify(written)
                return qualified if resolved else None
        return None

    def argument_fact(self, node: ast.expr, scope: _Scope) -> ArgFact:
        value = literal(node)
        if value != NOT_LITERAL:
            return ArgFact("literal", value)
        if isinstance(node, ast.Name) and node.id == scope.self_name:
            return ArgFact("self", scope.class_name)
        root, path = _root_and_path(node)
        if root is not None and root == scope.self_name and path:
            return ArgFact("self_attr", path[0], path[1:])
        if root is not None and root in scope.params:
            return ArgFact("param", root, path)
        if isinstance(node, ast.Call):
            built = self.constructed_class(node)
            if built:
                return ArgFact("constructed", built)
        if isinstance(node, ast.Name):
            if node.id in scope.locals_class:
                return ArgFact("constructed", scope.locals_class[node.id])
            return ArgFact("name", node.id)
        return ArgFact("other")

    def expression(self, node: ast.expr, scope: _Scope, class_qual: Optional[str]) -> None:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call):
                self.call(sub, scope)
            elif isinstance(sub, ast.Attribute):
                self.referenced.add(sub.attr)
                if isinstance(sub.value, ast.Name) and sub.value.id == scope.self_name:
                    self.self_use(sub, node, scope)
            elif isinstance(sub, ast.Name):
                if isinstance(sub.ctx, ast.Load):
                    self.referenced.add(sub.id)
            elif isinstance(sub, ast.Constant) and isinstance(sub.value, str) and sub.value.isidentifier():
                self.referenced.add(sub.value)
            elif isinstance(sub, ast.Lambda):
                pass

    def self_use(self, attribute: ast.Attribute, top: ast.expr, scope: _Scope) -> None:
        """Forward facts are collected by `_forward_uses` over the whole expression instead."""
        return None

    def call(self, node: ast.Call, scope: _Scope) -> None:
        written = dotted(node.func)
        if written is None:
            return
        qualified, resolved = self.qualify(written)
        method = written.rsplit(".", 1)[-1]
        # isinstance facts
        if written == "isinstance" and len(node.args) == 2 and isinstance(node.args[0], ast.Name):
            names = node.args[1].elts if isinstance(node.args[1], ast.Tuple) else [node.args[1]]
            classes = tuple(self.qualify(dotted(n))[0] or "<expr>" for n in names)
            scope.isinstance_checks.append((node.args[0].id, classes))
        # init calls on parameters
        is_init_function = resolved and qualified is not None and any(
            qualified.startswith(m + ".") for m in INIT_MODULES
        )
        if is_init_function:
            self.has_init_code = True
            if node.args:
                root, path = _root_and_path(node.args[0])
                if root in scope.params:
                    scope.initializes.append(ParamInit(root, _strip_data(path), qualified or written, node.lineno))
        elif isinstance(node.func, ast.Attribute) and method in INPLACE_INIT_METHODS:
            root, path = _root_and_path(node.func.value)
            if root is not None:
                self.has_init_code = True
                if root in scope.params:
                    scope.initializes.append(ParamInit(root, _strip_data(path), method, node.lineno))
        # apply sites
        if method == "apply" and isinstance(node.func, ast.Attribute) and len(node.args) == 1:
            self.has_init_code = True
            self.apply_site(node, scope)
        positional = tuple(self.argument_fact(a, scope) for a in node.args if not isinstance(a, ast.Starred))
        keywords = tuple((k.arg, self.argument_fact(k.value, scope)) for k in node.keywords if k.arg)
        has_star = any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords)
        site = CallSite(written, qualified if resolved else None, positional, keywords, node.lineno, has_star)
        scope.calls.append(site)
        # parameters handed on to another callable may be initialized there
        if not is_init_function and not (isinstance(node.func, ast.Attribute) and method in INPLACE_INIT_METHODS):
            for index, fact in enumerate(positional):
                if fact.kind == "param":
                    scope.initializes.append(ParamInit(str(fact.value), fact.path, f"call:{written}#{index}", node.lineno))
            for name, fact in keywords:
                if fact.kind == "param":
                    scope.initializes.append(ParamInit(str(fact.value), fact.path, f"call:{written}#{name}", node.lineno))
        # apply callbacks receive modules
        if written.endswith("_init_weights") or is_init_function:
            pass

    def apply_site(self, node: ast.Call, scope: _Scope) -> None:
        assert isinstance(node.func, ast.Attribute)
        receiver = dotted(node.func.value) or "<expr>"
        receiver_class: Optional[str] = None
        if receiver == scope.self_name:
            receiver_class = scope.class_name
        elif receiver in scope.locals_class:
            receiver_class = scope.locals_class[receiver]
        elif isinstance(node.func.value, ast.Call):
            receiver_class = self.constructed_class(node.func.value)
        target = node.args[0]
        if isinstance(target, ast.Call):  # partial(fn, ...)
            callee = dotted(target.func) or ""
            if callee.rsplit(".", 1)[-1] == "partial" and target.args:
                target = target.args[0]
        written = dotted(target)
        if written is None:
            if isinstance(target, ast.Lambda):
                written = "<lambda>"
            else:
                return
        is_method = False
        name = written
        if scope.self_name and written.startswith(scope.self_name + "."):
            name = written[len(scope.self_name) + 1 :]
            is_method = True
        scope.applies.append(ApplySite(receiver, receiver_class, name, is_method, node.lineno))


_TENSOR_FACTORIES = frozenset(
    {"empty", "zeros", "ones", "randn", "rand", "full", "tensor", "Tensor", "FloatTensor", "arange",
     "eye", "empty_like", "zeros_like", "ones_like", "randn_like", "linspace"}
)


def _strip_data(path: tuple[str, ...]) -> tuple[str, ...]:
    return path[: path.index("data")] if "data" in path else path


def _annotation_kind(node: ast.expr) -> Optional[str]:
    written = dotted(node) if not isinstance(node, ast.Constant) else str(node.value)
    if written is None:
        if isinstance(node, ast.Subscript):
            return None
        return None
    last = written.rsplit(".", 1)[-1]
    return {
        "int": "int", "float": "float", "bool": "bool", "str": "str", "Tensor": "tensor",
        "Parameter": "tensor", "Module": "module",
    }.get(last)


def _forward_uses(tree: ast.Module, summariser: "_Summariser") -> dict[str, set[tuple[str, str]]]:
    """(function qualname) → {(attr, use)}: how methods use `self.<attr>` values."""
    return {}


def summarize(text: str, module: str, package: Optional[str], filename: str = "") -> FileSummary:
    """Summarise one file's source. A file that does not parse gets an empty summary with `error`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, filename=filename or "<file>")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
        return FileSummary(module, SUMMARY_VERSION, (), (), (), (), (), (), frozenset(), False, error=str(exc))
    return summarize_tree(tree, text, module, package, filename)


def summarize_tree(tree: ast.Module, text: str, module: str, package: Optional[str], filename: str = "") -> FileSummary:
    is_init = filename.replace("\\", "/").rsplit("/", 1)[-1] in ("__init__.py", "__init__.pyi")
    summariser = _Summariser(module, package, is_init)
    try:
        summariser.run(tree)
    except RecursionError as exc:
        return FileSummary(module, SUMMARY_VERSION, (), (), (), (), (), (), frozenset(), False, error=str(exc))
    from initlint.analysis.project.forward import forward_uses

    uses = forward_uses(tree)
    functions = tuple(
        _with_uses(f, uses.get(f.qualname)) for f in summariser.functions
    )
    has_init = summariser.has_init_code or bool(_INIT_WORDS.search(text) and any(
        _is_init_like_name(f.name) for f in functions
    ))
    scope = summariser.module_scope
    return FileSummary(
        module=module,
        version=SUMMARY_VERSION,
        imports=tuple(sorted(summariser.imports.items())),
        classes=tuple(summariser.classes),
        functions=functions,
        module_calls=tuple(scope.calls),
        module_applies=tuple(scope.applies),
        guard_aliases=tuple(sorted(summariser.guards.items())),
        referenced_names=frozenset(summariser.referenced),
        has_init_code=has_init,
    )


def _with_uses(function: FunctionSummary, uses: Optional[set[tuple[str, str]]]) -> FunctionSummary:
    if not uses:
        return function
    from dataclasses import replace

    return replace(function, self_uses=tuple(sorted(uses)))


def _is_init_like_name(name: str) -> bool:
    from initlint.analysis.context import is_init_name

    return is_init_name(name)


def iter_functions(summary: FileSummary) -> Iterator[FunctionSummary]:
    return iter(summary.functions)

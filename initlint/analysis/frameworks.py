"""What a file builds on: transformers-style models and the library's guarded init helpers.

Hugging Face transformers models follow conventions that change what init code does:

- every model class derives from `PreTrainedModel`, usually through a `<Name>PreTrainedModel`
  base defined in the same modeling file; `post_init()` runs `_init_weights(module)` over every
  submodule, and `from_pretrained` builds the model on the meta device (v5, or v4 with
  `low_cpu_mem_usage`) and calls `_init_weights` only for what the checkpoint did not provide;
- transformers v5 ships `transformers.initialization` (imported in model files as
  `from ... import initialization as init`): torch.nn.init's functions, each skipping a tensor
  whose `_is_hf_initialized` flag says it was loaded.

Rules ask these questions through `transformers_facts(context)`, computed once per file from the
module's top level (imports and class headers) and cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional, Sequence, Union

import libcst as cst

from initlint.analysis.context import FileContext
from initlint.analysis.imports import INIT_MODULE, dotted_name
from initlint.analysis.layers import LayerKind, classify, names_in_test
from initlint.analysis.library import MODULE_BASES
from initlint.analysis.walk import positional_params, source_children

PRETRAINED_BASE_SUFFIX = "PreTrainedModel"
# Methods transformers calls on a model's modules to initialize them.
INIT_WEIGHTS_METHOD = "_init_weights"
# Names, under a relative import, that only transformers' own package (or a vendored copy) has.
_TRANSFORMERS_RELATIVE_MARKERS = frozenset(
    {"modeling_utils", "initialization", "PreTrainedModel", "configuration_utils", "modeling_outputs"}
)
_MODELING_FILE = re.compile(r"(?:^|[/\\])(?:modeling|modular)_\w+\.py$")


@dataclass
class TransformersFacts:
    """Facts about one file, from its imports and its top-level class headers."""

    # The file imports from transformers (absolutely, or relatively from inside the package).
    imports_transformers: bool = False
    # Local names bound to the guarded init wrapper module (`init` in `... import initialization
    # as init`), and local names bound to single wrapper functions (`normal_` → "normal_").
    wrapper_modules: set[str] = field(default_factory=set)
    wrapper_functions: dict[str, str] = field(default_factory=dict)
    # Top-level classes of the file by name, and which of them are transformers models or
    # torch modules.
    classes: dict[str, cst.ClassDef] = field(default_factory=dict)
    model_classes: set[str] = field(default_factory=set)
    module_classes: set[str] = field(default_factory=set)
    is_modeling_file: bool = False
    built_kinds: Optional[set[LayerKind]] = None  # filled lazily by layer_kinds_built()

    @property
    def uses_init_wrapper(self) -> bool:
        """The file is written for transformers v5's guarded init helpers."""
        return bool(self.wrapper_modules or self.wrapper_functions)

    @property
    def wrapper_module_alias(self) -> Optional[str]:
        """The name a fix should spell the wrapper module with (`init`), if the file binds one."""
        if not self.wrapper_modules:
            return None
        return min(self.wrapper_modules, key=lambda name: (len(name), name))

    def is_model_class(self, node: cst.ClassDef) -> bool:
        return node.name.value in self.model_classes and self.classes.get(node.name.value) is node

    def is_module_class(self, node: cst.ClassDef) -> bool:
        return node.name.value in self.module_classes and self.classes.get(node.name.value) is node

    @property
    def is_transformers_modeling_file(self) -> bool:
        """A file whose modules end up inside transformers models: it imports transformers and
        defines a `PreTrainedModel` subclass, or is named like a library modeling file."""
        return self.imports_transformers and (bool(self.model_classes) or self.is_modeling_file)


# One entry per file being linted; rules of the same traversal share it.
_CACHE: dict[int, tuple[cst.Module, TransformersFacts]] = {}


def transformers_facts(context: FileContext) -> TransformersFacts:
    key = id(context.module)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] is context.module:
        return cached[1]
    facts = _compute(context)
    if len(_CACHE) > 16:
        _CACHE.clear()
    _CACHE[key] = (context.module, facts)
    return facts


def _compute(context: FileContext) -> TransformersFacts:
    facts = TransformersFacts()
    facts.is_modeling_file = bool(_MODELING_FILE.search(context.path.replace("\\", "/")))
    for node in _top_level(context.module.body):
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            _scan_import(node, context, facts)
        elif isinstance(node, cst.ClassDef):
            facts.classes.setdefault(node.name.value, node)
    bases = {name: _base_names(node, context) for name, node in facts.classes.items()}
    for name in facts.classes:
        if _inherits(name, bases, _is_pretrained_base, set()):
            facts.model_classes.add(name)
            facts.module_classes.add(name)
        elif _inherits(name, bases, _is_module_base, set()):
            facts.module_classes.add(name)
    return facts


def _top_level(body: Sequence[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    """Module-level imports and classes, including those inside `if`/`try` blocks."""
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body
        elif isinstance(statement, cst.ClassDef):
            yield statement
        elif isinstance(statement, cst.If):
            yield from _top_level(statement.body.body)
            orelse = statement.orelse
            while orelse is not None:
                yield from _top_level(orelse.body.body)
                orelse = orelse.orelse if isinstance(orelse, cst.If) else None
        elif isinstance(statement, cst.Try):
            yield from _top_level(statement.body.body)
            for handler in statement.handlers:
                yield from _top_level(handler.body.body)


def _is_wrapper_module(qualified: str, context: FileContext) -> bool:
    for equivalent in context.imports.equivalents:
        if context.imports.canonical(equivalent) == INIT_MODULE and qualified == equivalent:
            return True
    return False


def _alias_name(alias: cst.ImportAlias) -> tuple[str, str]:
    imported = dotted_name(alias.name) or ""
    local = imported
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        local = alias.asname.name.value
    return imported, local


def _scan_import(node: Union[cst.Import, cst.ImportFrom], context: FileContext, facts: TransformersFacts) -> None:
    if isinstance(node, cst.Import):
        for alias in node.names:
            imported, local = _alias_name(alias)
            if imported.split(".")[0] == "transformers":
                facts.imports_transformers = True
            if alias.asname is not None and _is_wrapper_module(imported, context):
                facts.wrapper_modules.add(local)
        return
    module = dotted_name(node.module) if node.module is not None else None
    relative = len(node.relative) > 0
    names: list[cst.ImportAlias] = [] if isinstance(node.names, cst.ImportStar) else list(node.names)
    if relative:
        last = (module or "").rsplit(".", 1)[-1]
        imported_names = {dotted_name(a.name) for a in names}
        if last in _TRANSFORMERS_RELATIVE_MARKERS or imported_names & _TRANSFORMERS_RELATIVE_MARKERS:
            facts.imports_transformers = True
        for alias in names:
            imported, local = _alias_name(alias)
            if module is None and imported == "initialization":
                facts.wrapper_modules.add(local)
            elif last == "initialization" and module is not None:
                facts.wrapper_functions[local] = imported
        return
    if module is None:
        return
    if module.split(".")[0] == "transformers":
        facts.imports_transformers = True
    for alias in names:
        imported, local = _alias_name(alias)
        if _is_wrapper_module(f"{module}.{imported}", context):
            facts.wrapper_modules.add(local)
        elif _is_wrapper_module(module, context):
            facts.wrapper_functions[local] = imported


def _base_names(node: cst.ClassDef, context: FileContext) -> list[tuple[str, Optional[str]]]:
    """(as written, as resolved through imports) for each base class."""
    found: list[tuple[str, Optional[str]]] = []
    for arg in node.bases:
        if arg.keyword is not None or arg.star:
            continue
        written = dotted_name(arg.value)
        if written is not None:
            found.append((written, context.resolve(arg.value)))
    return found


def _is_pretrained_base(written: str, resolved: Optional[str]) -> bool:
    return written.rsplit(".", 1)[-1].endswith(PRETRAINED_BASE_SUFFIX)


def _is_module_base(written: str, resolved: Optional[str]) -> bool:
    return resolved is not None and (resolved in MODULE_BASES or resolved.startswith("torch.nn."))


def _inherits(name: str, bases: dict[str, list[tuple[str, Optional[str]]]], test, seen: set[str]) -> bool:
    """Follow bases defined in this file; judge the others with `test`."""
    if name in seen:
        return False
    seen.add(name)
    for written, resolved in bases.get(name, []):
        if written in bases:  # defined in this file: its own bases decide
            if _inherits(written, bases, test, seen):
                return True
        elif test(written, resolved):
            return True
    return False


# -- `_init_weights` bodies ---------------------------------------------------------------------
def parameter_names(func: cst.FunctionDef) -> list[str]:
    return [p.name.value for p in positional_params(func)]


def module_parameter(func: cst.FunctionDef) -> Optional[str]:
    """The module argument of `_init_weights(self, module)`; None for other signatures."""
    names = parameter_names(func)
    return names[1] if len(names) >= 2 and names[0] == "self" else None


def walk(node: cst.CSTNode, *, into_functions: bool = False) -> Iterator[cst.CSTNode]:
    """Every node under `node` in source order, whitespace and comments left out; nested
    functions, lambdas and classes are skipped unless `into_functions`."""
    stack: list[cst.CSTNode] = source_children(node)[::-1]
    while stack:
        current = stack.pop()
        yield current
        if not into_functions and isinstance(current, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            continue
        stack.extend(reversed(source_children(current)))


def calls_super_method(func: cst.FunctionDef, method: str) -> bool:
    """`super().<method>(...)`, `super(Cls, self).<method>(...)`, `Base.<method>(self, ...)`, or
    `<Name>PreTrainedModel.<method>(...)` (in transformers' modular files,
    `PreTrainedModel._init_weights(module)` is the converter's spelling of the super call)."""
    for node in walk(func):
        if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute):
            continue
        if node.func.attr.value != method:
            continue
        owner = node.func.value
        if isinstance(owner, cst.Call) and isinstance(owner.func, cst.Name) and owner.func.value == "super":
            return True
        owner_name = dotted_name(owner)
        if owner_name is not None and owner_name.rsplit(".", 1)[-1].endswith(PRETRAINED_BASE_SUFFIX):
            return True
        if (
            owner_name is not None
            and node.args
            and isinstance(node.args[0].value, cst.Name)
            and node.args[0].value.value == "self"
        ):
            return True
    return False


def handled_layer_kinds(func: cst.FunctionDef, context: FileContext) -> set[LayerKind]:
    """Layer kinds an init function dispatches on (`isinstance(module, nn.Linear)`,
    `"LayerNorm" in module.__class__.__name__`, ...)."""
    kinds: set[LayerKind] = set()
    for node in walk(func):
        test: Optional[cst.BaseExpression] = None
        if isinstance(node, (cst.If, cst.IfExp)):
            test = node.test
        if test is None:
            continue
        for name in _names_in(test, context):
            kind = classify(name)
            if kind is not LayerKind.OTHER:
                kinds.add(kind)
    return kinds


def _names_in(test: cst.BaseExpression, context: FileContext) -> list[str]:
    if isinstance(test, cst.UnaryOperation):
        return _names_in(test.expression, context)
    if isinstance(test, cst.BooleanOperation):
        return _names_in(test.left, context) + _names_in(test.right, context)
    return names_in_test(test, context)


def layer_kinds_built(context: FileContext) -> set[LayerKind]:
    """Kinds of torch layers the file constructs (`nn.Linear(...)`, `nn.LayerNorm(...)`), plus
    norm layers the file defines itself (`class FooRMSNorm(nn.Module)`)."""
    facts = transformers_facts(context)
    if facts.built_kinds is not None:
        return facts.built_kinds
    kinds: set[LayerKind] = set()
    for name in facts.module_classes - facts.model_classes:
        if classify(name) is LayerKind.NORM:
            kinds.add(LayerKind.NORM)
    for node in walk(context.module, into_functions=True):
        if isinstance(node, cst.Call):
            kind = _torch_layer_kind(node, context)
            if kind is not None:
                kinds.add(kind)
    facts.built_kinds = kinds
    return kinds


def _torch_layer_kind(call: cst.Call, context: FileContext) -> Optional[LayerKind]:
    """The kind of the torch layer `call` builds (`nn.Linear(...)`: LINEAR), None for anything
    else (a project class, `nn.init.*`, a layer kind `classify` does not know)."""
    resolved = context.resolve(call.func)
    if resolved is None or not resolved.startswith("torch.nn.") or resolved.count(".") != 2 \
            or resolved.startswith("torch.nn.init"):
        return None
    kind = classify(resolved)
    return None if kind is LayerKind.OTHER else kind


def owner_uncovered_kinds(
    func: cst.FunctionDef, module: str, context: FileContext
) -> tuple[set[LayerKind], set[LayerKind]]:
    """(kinds of torch layers the file builds, those of them with a build that `func` (an
    `_init_weights(self, module)`) leaves alone). A build `self.<attr> = nn.Linear(...)` in class C counts as covered when a
    branch `if isinstance(module, C)` (or of a base of C in this file) touches
    `module.<attr>.weight` (T5's `module.wi.weight.data.normal_(...)` under
    `isinstance(module, T5DenseActDense)`). Builds anywhere else (a list, a function) are not."""
    covered: dict[str, set[str]] = {}  # class name as written -> attributes whose weight it touches
    for node in walk(func):
        if not isinstance(node, cst.If):
            continue
        names = [name.rsplit(".", 1)[-1] for name in names_in_test(node.test, context)]
        if not names:
            continue
        touched = {
            inner.value.attr.value
            for inner in walk(node.body)
            if isinstance(inner, cst.Attribute) and inner.attr.value in ("weight", "bias")
            and isinstance(inner.value, cst.Attribute) and isinstance(inner.value.value, cst.Name)
            and inner.value.value.value == module
        }
        for name in names:
            covered.setdefault(name, set()).update(touched)
    kinds: set[LayerKind] = set()
    uncovered: set[LayerKind] = set()
    for klass in context.module.body:
        inside = isinstance(klass, cst.ClassDef)
        owners = {klass.name.value} | {dotted_name(b.value) or "" for b in klass.bases} if inside else set()
        owners = {name.rsplit(".", 1)[-1] for name in owners}
        for node in walk(klass, into_functions=True):
            if not isinstance(node, cst.Assign) or not isinstance(node.value, cst.Call):
                continue
            kind = _torch_layer_kind(node.value, context)
            if kind is None:
                continue
            target = node.targets[0].target if len(node.targets) == 1 else None
            attr = (target.attr.value if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name)
                    and target.value.value == "self" else None)
            kinds.add(kind)
            if attr is None or not any(attr in covered.get(owner, ()) for owner in owners):
                uncovered.add(kind)
    return kinds, uncovered


def wrapper_function(func: cst.BaseExpression, context: FileContext) -> Optional[str]:
    """`init.normal_` / `normal_` bound to the guarded wrapper module → "normal_"; else None."""
    facts = transformers_facts(context)
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
        if func.value.value in facts.wrapper_modules:
            return func.attr.value
    if isinstance(func, cst.Name):
        return facts.wrapper_functions.get(func.value)
    return None


def init_weights_functions(context: FileContext) -> list[cst.FunctionDef]:
    """Every `_init_weights` method of the file's top-level classes."""
    found: list[cst.FunctionDef] = []
    for node in transformers_facts(context).classes.values():
        for statement in node.body.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value == INIT_WEIGHTS_METHOD:
                found.append(statement)
    return found


def comment_lines(func: cst.FunctionDef) -> Iterable[str]:
    """Comments on the lines above a function and between its decorators and `def`."""
    for line in (*func.leading_lines, *func.lines_after_decorators):
        if line.comment is not None:
            yield line.comment.value

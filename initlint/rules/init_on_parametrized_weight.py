from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional, Sequence, Union

import libcst as cst

from initlint.analysis.frameworks import walk, wrapper_function
from initlint.analysis.imports import dotted_name
from initlint.analysis.layers import guard_class_names
from initlint.analysis.library import (
    HOOK_SPECTRAL_NORM,
    HOOK_WEIGHT_NORM,
    PARAM_GENERIC,
    PARAM_WEIGHT_NORM,
    WRAPPER_ALIASES,
    WRAPPER_REMOVERS,
    WRAPPERS,
    init_after_wrap_is_lost,
)
from initlint.analysis.project import Answer, ProjectIndex, ProjectView, Reach
from initlint.analysis.tensors import init_call
from initlint.analysis.walk import find_all
from initlint.diagnostics import Severity
from initlint.rules.base import Invalid, Rule, Valid

# What each wrapping API does to a later in-place init lives in the library table.
_WRAPPERS: dict[str, str] = {**{api: api for api in WRAPPERS}, **WRAPPER_ALIASES}


@dataclass(frozen=True)
class Wrap:
    """One `weight_norm(m)`-style call: which APIs it may be, and which tensor it takes over."""

    apis: frozenset[str]
    tensor: str
    node: cst.Call
    module: Optional[str]  # dotted name of the wrapped module argument, when it is one


def _string(expr: Optional[cst.BaseExpression]) -> Optional[str]:
    if isinstance(expr, cst.SimpleString):
        value = expr.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _argument(call: cst.Call, position: int, keyword: str) -> Optional[cst.BaseExpression]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[position].value if position < len(positional) else None


def _statements(body: Sequence[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    """The function's small statements and compound-statement headers, in execution order;
    nested functions and classes are skipped."""
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            continue
        elif isinstance(statement, cst.If):
            yield statement.test
            yield from _statements(statement.body.body)
            if statement.orelse is not None:
                yield from _statements([statement.orelse] if isinstance(statement.orelse, cst.If)
                                       else statement.orelse.body.body)
        elif isinstance(statement, (cst.For, cst.While)):
            yield statement.iter if isinstance(statement, cst.For) else statement.test
            yield from _statements(statement.body.body)
            if statement.orelse is not None:
                yield from _statements(statement.orelse.body.body)
        elif isinstance(statement, cst.With):
            for item in statement.items:
                yield item.item
            yield from _statements(statement.body.body)
        elif isinstance(statement, cst.Try):
            yield from _statements(statement.body.body)
            for handler in statement.handlers:
                yield from _statements(handler.body.body)
            if statement.orelse is not None:
                yield from _statements(statement.orelse.body.body)
            if statement.finalbody is not None:
                yield from _statements(statement.finalbody.body.body)
        elif isinstance(statement, cst.IndentedBlock):
            yield from _statements(statement.body)
        else:
            yield statement


def _calls(node: cst.CSTNode) -> Iterator[cst.Call]:
    if isinstance(node, cst.Call):
        yield node
    for child in walk(node):
        if isinstance(child, cst.Call):
            yield child


def _targets(statement: cst.CSTNode) -> list[str]:
    if isinstance(statement, cst.Assign):
        return [n for n in (dotted_name(t.target) for t in statement.targets) if n]
    if isinstance(statement, (cst.AnnAssign, cst.AugAssign)):
        name = dotted_name(statement.target)
        return [name] if name else []
    return []


class InitOnParametrizedWeight(Rule):
    """
    ## What it does
    Flags an in-place init of a module's weight (`nn.init.*(conv.weight)`,
    `conv.weight.data.normal_()`, `conv.weight.copy_(w)`) after the weight was handed to the old
    `torch.nn.utils.weight_norm` or to the parametrizations API (`parametrizations.weight_norm`,
    `parametrizations.spectral_norm`, `parametrizations.orthogonal`,
    `parametrize.register_parametrization`): in order within a
    function (`conv = weight_norm(conv)` then `nn.init.kaiming_normal_(conv.weight)`), and across
    the methods of a class (`self.conv = weight_norm(nn.Conv1d(...))` in `__init__`, an init of
    `self.conv.weight` in `reset_parameters`), and in init functions that dispatch on module
    kinds (`if isinstance(m, nn.Conv1d): m.weight.data.normal_()`, `classname.find("Conv")`)
    when the file wraps that kind of layer, or the attribute of a class it dispatches on, in a
    constructor (a warning: other instances may be unwrapped; not reported when the project
    index shows that the init never meets a wrapped layer, e.g. `self.apply(self._init)` runs
    in `__init__` before the wrapped layer is built and nothing else applies it, or a
    `for m in self.modules()` loop in a class whose modules are all known and none is that
    layer; `info` when the known ones hold none but some are not known). Calls of module-level helpers that return a
    wrapped layer (`def WNConv1d(*a, **k): return weight_norm(nn.Conv1d(*a, **k))`, or `conv =
    nn.Conv1d(...)`, `parametrizations.weight_norm(conv)`, `return conv`) count as wrapping,
    in this file or, through the project index, when the helper lives in another module and a
    constructor here builds its layers anywhere (`self.block = [WNConv1d(1, d, 7)]`). Only the wrapped tensor is concerned: biases, `weight_g`/`weight_v` and
    `parametrizations.weight.original*` are what you should initialize, and are not reported.

    ## Why is this bad?
    After wrapping, `conv.weight` is no longer the parameter the optimizer trains:

    - `torch.nn.utils.weight_norm` (the deprecated hook API) removes `weight`, registers
      `weight_g` (magnitude) and `weight_v` (direction), and leaves `conv.weight` as a plain
      tensor that a forward pre-hook recomputes as `g * v / ||v||` before every forward. An
      in-place init of `conv.weight` is overwritten at the first forward.
    - `torch.nn.utils.parametrizations.weight_norm` (and `spectral_norm`, `orthogonal`, any
      `register_parametrization`) makes `conv.weight` a property computed from
      `conv.parametrizations.weight.original0`/`original1` (or `original`) on every access. An
      in-place init writes into a temporary that is thrown away at once. Assigning
      (`conv.weight = w`) is the supported way: it goes through the parametrization's
      `right_inverse`, which for weight norm sets both `g` and `v` from `w`.

    Either way the model trains from the weights it had before the init call, and nothing says so.

    The old `torch.nn.utils.spectral_norm` (hook API) is different, and not reported: it moves the
    parameter to `weight_orig` and leaves `conv.weight` as an alias of `weight_orig`'s storage
    until the first forward, so an in-place init made in the constructor or an init function
    (before any forward) lands in `weight_orig` and is kept (checked under torch 2.13.0).
    Assigning `conv.weight.data = w` rebinds the alias and is lost. When the code picks the
    hook or the parametrization at run time (`spectral_norm = ...` replaced when available), the
    finding is a warning: only the parametrization loses the init.

    ## Example
    ```python
    self.conv = weight_norm(nn.Conv1d(80, 256, 7))
    nn.init.kaiming_normal_(self.conv.weight)
    ```

    ## Use instead
    ```python
    conv = nn.Conv1d(80, 256, 7)
    nn.init.kaiming_normal_(conv.weight)
    self.conv = weight_norm(conv)  # g and v are computed from the initialized weight
    ```

    ## Fix safety
    No automatic fix: the init has to move before the wrapping (or target `weight_v` /
    `original1`), which is a reordering only the author can check.

    ## References
    - [PyTorch: `torch.nn.utils.weight_norm`](https://pytorch.org/docs/stable/generated/torch.nn.utils.weight_norm.html)
    - [PyTorch: `torch.nn.utils.parametrizations.weight_norm`](https://pytorch.org/docs/stable/generated/torch.nn.utils.parametrizations.weight_norm.html)
    - [PyTorch: `torch.nn.utils.parametrize.register_parametrization`](https://pytorch.org/docs/stable/generated/torch.nn.utils.parametrize.register_parametrization.html)
    - Salimans & Kingma, *Weight Normalization* (2016)
    - [jik876/hifi-gan#145: init_weights has no effect after weight_norm](https://github.com/jik876/hifi-gan/issues/145)
    """

    code = "INI005"
    name = "init-on-parametrized-weight"
    summary = "Init of a weight after weight_norm/parametrization wrapped it is lost"
    severity = Severity.ERROR
    triggers = ("weight_norm", "spectral_norm", "parametriz")

    @classmethod
    def project_triggers(cls, index: ProjectIndex) -> frozenset[str]:
        """A file that calls a project factory returning a wrapped layer (in any module)."""
        return index.wrapping_factories()

    def __init__(self, context, sink) -> None:
        super().__init__(context, sink)
        self._aliases: Optional[dict[str, frozenset[str]]] = None
        self._helpers: dict[str, frozenset[str]] = {}
        self._local_aliases: dict[str, frozenset[str]] = {}
        self._analysing: Optional[str] = None  # the function leave_FunctionDef is analysing
        self._reported: set[int] = set()
        # Functions and classes that contain a wrapping call: only those are analysed.
        self._wrapping: set[int] = set()
        # Constructor wraps seen in classes, for `_init_weights`-style dispatch on module kinds:
        # class name → attribute → wrap; torch layer class → (wrap, wrapping class).
        self._class_wraps: dict[str, dict[str, Wrap]] = {}
        # torch layer class → every (wrap, where, wrapping class or None) of it in this file
        self._layer_wraps: dict[str, list[tuple[Wrap, str, Optional[str]]]] = {}
        self._dispatched: list[
            tuple[cst.Call, cst.BaseExpression, str, str, list[str], Optional[cst.FunctionDef], Optional[str]]
        ] = []
        # id(init call) → the modules a `for m in self.modules()` loop around it visits
        self._loop_reach: dict[int, Reach] = {}
        # id(call of a project layer factory that wraps) -> the torch layer class it returns
        self._factory_layers: dict[int, str] = {}
        # callee as written -> (its name, layer, wrapper) when it is such a factory, else None
        self._factories: dict[str, Optional[tuple[str, str, str]]] = {}

    # -- what wraps ---------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        """Module-level aliases (`weight_norm = nn.utils.parametrizations.weight_norm`) and helpers
        returning a wrapped layer."""
        aliases: dict[str, set[str]] = {}
        for statement in _module_level(node.body):
            if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
                target = statement.targets[0].target
                api = _WRAPPERS.get(self.context.resolve(statement.value) or "")
                if isinstance(target, cst.Name) and api is not None:
                    aliases.setdefault(target.value, set()).add(api)
        self._aliases = {k: frozenset(v) for k, v in aliases.items()}
        for statement in node.body:
            if not isinstance(statement, cst.FunctionDef):
                continue
            for line in statement.body.body:  # `return weight_norm(nn.Conv1d(...))` at top level
                if isinstance(line, cst.SimpleStatementLine):
                    for small in line.body:
                        if isinstance(small, cst.Return) and isinstance(small.value, cst.Call):
                            apis = self._apis(small.value.func)
                            if apis:
                                self._helpers[statement.name.value] = apis

    def visit_Assign(self, node: cst.Assign) -> None:
        """Function-local aliases: `weight_norm = nn.utils.parametrizations.weight_norm`."""
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        if not isinstance(node.value, (cst.Attribute, cst.Name)):
            return
        api = _WRAPPERS.get(self.context.resolve(node.value) or "")
        if api is not None and self.context.enclosing_function() is not None:
            name = node.targets[0].target.value
            self._local_aliases[name] = self._local_aliases.get(name, frozenset()) | {api}

    def _apis(self, func: cst.BaseExpression) -> frozenset[str]:
        if isinstance(func, cst.Name) and self._aliases and func.value in self._aliases:
            return self._aliases[func.value]
        if isinstance(func, cst.Name) and func.value in self._local_aliases:
            return self._local_aliases[func.value]
        api = _WRAPPERS.get(self.context.resolve(func) or "")
        return frozenset({api}) if api else frozenset()

    def _wrap(self, call: cst.Call) -> Optional[Wrap]:
        apis = self._apis(call.func)
        if apis:
            module_expr = _argument(call, 0, "module")
            if PARAM_GENERIC in apis:
                tensor = _string(_argument(call, 1, "tensor_name"))
            else:
                name_expr = _argument(call, 1, "name")
                tensor = "weight" if name_expr is None else _string(name_expr)
            if tensor is None:
                return None
            module = dotted_name(module_expr) if module_expr is not None else None
            return Wrap(apis, tensor, call, module)
        if isinstance(call.func, cst.Name) and call.func.value in self._helpers:
            if call.func.value == self._analysing:
                return None  # inside the helper, its own name means something else (or recursion)
            return Wrap(self._helpers[call.func.value], "weight", call, None)
        factory = self._project_factory(call)
        if factory is not None:
            layer, wrapper = factory
            self._factory_layers[id(call)] = layer
            return Wrap(frozenset({_WRAPPERS[wrapper]}), "weight", call, None)
        return None

    def _project_factory(self, call: cst.Call) -> Optional[tuple[str, str]]:
        """A project function (this file or another, per the project index) that returns the
        layer it builds wrapped: `WNConv1d(...)` with `conv = nn.Conv1d(...)`,
        `parametrizations.weight_norm(conv)`, `return conv` -> (layer class, wrapper)."""
        written = dotted_name(call.func)
        if written is None or "." in written and written.split(".", 1)[0] in ("self", "cls"):
            return None
        if written not in self._factories:
            view = self.context.project
            qualified = view.resolve_name(written)
            found = view.index.function(qualified) if qualified is not None else None
            returned = found[1].returns_wrapped if found is not None else ()
            self._factories[written] = (
                (found[1].name, *returned) if len(returned) == 2 and returned[1] in _WRAPPERS else None  # type: ignore[misc]
            )
        factory = self._factories[written]
        if factory is None or factory[0] == self._analysing:
            return None  # (inside the factory itself, its name means something else)
        return factory[1], factory[2]

    def _removes(self, call: cst.Call) -> Optional[str]:
        if (self.context.resolve(call.func) or "") in WRAPPER_REMOVERS and call.args:
            return dotted_name(call.args[0].value)
        return None

    def _init_target(self, call: cst.Call) -> Optional[tuple[str, str, cst.BaseExpression]]:
        """(module, tensor, written) for an init of `module.tensor`."""
        expr: Optional[cst.BaseExpression] = None
        found = init_call(call, self.context)
        if found is not None:
            expr = found.tensor.expr
        elif wrapper_function(call.func, self.context) is not None and call.args:
            expr = call.args[0].value
            while isinstance(expr, cst.Attribute) and expr.attr.value == "data":
                expr = expr.value
        if not isinstance(expr, cst.Attribute):
            return None
        module = dotted_name(expr.value)
        if module is None:
            return None
        return module, expr.attr.value, expr

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        last = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        if last.endswith("_"):
            target = self._init_target(node)
            if target is not None and target[0].count(".") <= 1:
                guards = guard_class_names(self.context)
                if guards:
                    function = self.context.enclosing_function()
                    qualname = ProjectView.current_function(self.context)
                    self._dispatched.append((node, target[2], target[0], target[1], guards, function, qualname))
                    if isinstance(self.context.init_context(), cst.For):
                        # `for m in self.modules():` in a method: the layers of this class
                        reach = self.context.project.init_code_reach(self.context)
                        if reach is not None:
                            self._loop_reach[id(node)] = reach
        helper_call = isinstance(func, cst.Name) and func.value in self._helpers
        if helper_call:
            enclosing = self.context.enclosing_function()
            helper_call = enclosing is None or enclosing.name.value != func.value
        if helper_call or self._apis(func) or self._project_factory(node) is not None:
            wrap = self._wrap(node)
            inner = _argument(node, 0, "module")
            if wrap is not None and isinstance(inner, cst.Call):  # weight_norm(nn.Conv1d(...))
                layer = self.context.resolve(inner.func) or ""
                if layer.startswith("torch.nn.") and layer.count(".") == 2:
                    klass = self.context.enclosing_class()
                    owner = f"{klass.name.value}" if klass is not None else "this file"
                    self._layer_wraps.setdefault(layer, []).append(
                        (wrap, owner, klass.name.value if klass is not None else None))
            function = self.context.enclosing_function()
            if function is None:
                return
            self._wrapping.add(id(function))
            klass = self.context.enclosing_class()
            if klass is not None and function in klass.body.body:
                self._wrapping.add(id(klass))

    # -- in order, within one function --------------------------------------------------------
    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        if id(original_node) not in self._wrapping:
            return
        node = original_node
        self._analysing = node.name.value
        wrapped: dict[str, Wrap] = {}
        holding: dict[str, Wrap] = {}  # `self.convs = nn.ModuleList([weight_norm(...), ...])`
        for statement in _statements(node.body.body):
            for call in _calls(statement):
                target = self._init_target(call)
                if target is not None:
                    module, tensor, expr = target
                    wrap = wrapped.get(module)
                    if wrap is not None and wrap.tensor == tensor:
                        self._flag(call, expr, module, wrap, "")
                self._check_imported_apply(call, {**holding, **wrapped})
            self._apply_events(statement, wrapped)
            self._record_holders(statement, wrapped, holding)

    def _apply_events(self, statement: cst.CSTNode, wrapped: dict[str, Wrap]) -> None:
        targets = _targets(statement)
        for name in targets:  # rebinding forgets what the name held
            for key in [k for k in wrapped if k == name or k.startswith(name + ".")]:
                del wrapped[key]
        for call in _calls(statement):
            removed = self._removes(call)
            if removed is not None:
                wrapped.pop(removed, None)
                continue
            wrap = self._wrap(call)
            if wrap is None:
                continue
            if wrap.module is not None:
                wrapped[wrap.module] = wrap
            if isinstance(statement, cst.Assign) and statement.value is call:
                for name in targets:
                    wrapped[name] = wrap

    def _record_holders(self, statement: cst.CSTNode, wrapped: dict[str, Wrap], holding: dict[str, Wrap]) -> None:
        """`self.convs = nn.ModuleList([weight_norm(Conv1d(...)), ...])`: a container whose
        layers are wrapped (HiFi-GAN's residual blocks), which `self.convs.apply(fn)` walks."""
        targets = _targets(statement)
        for name in targets:
            holding.pop(name, None)
        if not isinstance(statement, cst.Assign) or not targets or any(name in wrapped for name in targets):
            return
        inner = next((w for w in (self._wrap(c) for c in _calls(statement.value)) if w is not None), None)
        if inner is not None:
            for name in targets:
                holding[name] = inner

    def _check_imported_apply(self, call: cst.Call, wrapped: dict[str, Wrap]) -> None:
        """`self.convs.apply(init_weights)` after the layers of `self.convs` were wrapped, with
        `init_weights` imported from another module of the project (so-vits-svc-fork's
        `commons.init_weights`): the project index says which tensor of its module argument
        it initializes. An init function of this file is judged where it is written."""
        if not (isinstance(call.func, cst.Attribute) and call.func.attr.value == "apply" and call.args):
            return
        receiver = dotted_name(call.func.value)
        wrap = wrapped.get(receiver or "")
        if wrap is None or id(call) in self._reported:
            return
        view = self.context.project
        written = dotted_name(call.args[0].value)
        qualified = view.resolve_name(written) if written and not written.startswith("self.") else None
        found = view.index.function(qualified) if qualified is not None else None
        if found is None or found[0].module == view.module or not found[1].params:
            return
        summary, function = found
        module_param = function.params[0]
        writes = [i for i in function.initializes
                  if i.param == module_param and i.path == (wrap.tensor,) and not i.how.startswith(("call:", "param:"))]
        if not writes:
            return
        guards = {cls.rsplit(".", 1)[-1] for line, classes in function.init_guards if line == writes[0].line for cls in classes}
        inner = _argument(wrap.node, 0, "module")
        layer = (self.context.resolve(inner.func) or "").rsplit(".", 1)[-1] if isinstance(inner, cst.Call) else ""
        if guards and layer and layer not in guards:
            return  # its isinstance test takes other layers than the wrapped ones
        lost = init_after_wrap_is_lost(wrap.apis)
        if lost is False:
            return  # old spectral_norm keeps an init made before the first forward
        self._reported.add(id(call))
        api = "torch.nn.utils.weight_norm" if wrap.apis == {HOOK_WEIGHT_NORM} else "the parametrization"
        self.report(
            call,
            f"`{written}` ({summary.module}, line {writes[0].line}) writes `.{wrap.tensor}` of the "
            f"modules `{receiver}.apply` hands it, but their `{wrap.tensor}` was wrapped by "
            f"`{self.context.code_for(wrap.node.func)}` earlier in this function: "
            f"{api} recomputes `{wrap.tensor}` from the tensors it created"
            f"{' before every forward' if wrap.apis == {HOOK_WEIGHT_NORM} else ' on every access'}, "
            f"so this init is lost; apply it to the layers before wrapping them",
            # an init function in another file: its dispatch by class name is not known here
            severity=Severity.WARNING,
        )

    # -- across the methods of a class --------------------------------------------------------
    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        if id(original_node) not in self._wrapping:
            return
        node = original_node
        self._analysing = None
        methods = [s for s in node.body.body if isinstance(s, cst.FunctionDef)]
        self._record_constructor_wraps(node, methods)
        if len(methods) < 2:
            return
        wraps: list[tuple[cst.FunctionDef, int, str, Wrap]] = []
        inits: list[tuple[cst.FunctionDef, int, str, str, cst.Call, cst.BaseExpression]] = []
        calls: dict[str, dict[str, list[int]]] = {}  # caller → callee → statement indexes
        rebinds: dict[str, dict[str, list[int]]] = {}
        for method in methods:
            own_calls = calls.setdefault(method.name.value, {})
            own_rebinds = rebinds.setdefault(method.name.value, {})
            for index, statement in enumerate(_statements(method.body.body)):
                for name in _targets(statement):
                    own_rebinds.setdefault(name, []).append(index)
                for call in _calls(statement):
                    func = call.func
                    if (
                        isinstance(func, cst.Attribute)
                        and isinstance(func.value, cst.Name)
                        and func.value.value == "self"
                    ):
                        own_calls.setdefault(func.attr.value, []).append(index)
                    target = self._init_target(call)
                    if target is not None and target[0].startswith("self."):
                        inits.append((method, index, target[0], target[1], call, target[2]))
                    wrap = self._wrap(call)
                    if wrap is None:
                        continue
                    if wrap.module is not None and wrap.module.startswith("self."):
                        wraps.append((method, index, wrap.module, wrap))
                    if isinstance(statement, cst.Assign) and statement.value is call:
                        for name in _targets(statement):
                            if name.startswith("self."):
                                wraps.append((method, index, name, wrap))
        for wrapper, wrap_index, module, wrap in wraps:
            for method, index, init_module, tensor, call, expr in inits:
                if method is wrapper or init_module != module or tensor != wrap.tensor:
                    continue
                if any(i < index for i in rebinds[method.name.value].get(module, [])):
                    continue  # the method builds a new module first
                order = self._order(wrapper, wrap_index, method, calls)
                if order is None:
                    continue
                self._flag(call, expr, module, wrap, order)

    def _record_constructor_wraps(self, klass: cst.ClassDef, methods: list[cst.FunctionDef]) -> None:
        """`self.conv = weight_norm(nn.Conv1d(...))` / `self.conv = weight_norm(self.conv)` in
        `__init__`: every instance of this class, and those torch layers, come out wrapped."""
        for method in methods:
            if method.name.value != "__init__":
                continue
            built: dict[str, str] = {}
            for statement in _statements(method.body.body):
                targets = _targets(statement)
                if not isinstance(statement, cst.Assign) or not isinstance(statement.value, cst.Call):
                    continue
                call = statement.value
                layer = self.context.resolve(call.func) or ""
                wrap = self._wrap(call)
                if wrap is None:
                    if layer.startswith("torch.nn.") and layer.count(".") == 2:
                        for name in targets:
                            built[name] = layer
                    continue
                inner = _argument(call, 0, "module")
                if id(call) in self._factory_layers:
                    layer = self._factory_layers[id(call)]
                elif isinstance(inner, cst.Call):
                    layer = self.context.resolve(inner.func) or ""
                elif wrap.module is not None:
                    layer = built.get(wrap.module, "")
                else:
                    layer = ""
                for name in targets:
                    parts = name.split(".")
                    if len(parts) == 2 and parts[0] == "self":
                        self._class_wraps.setdefault(klass.name.value, {})[parts[1]] = wrap
                        if layer.startswith("torch.nn.") and layer.count(".") == 2:
                            self._layer_wraps.setdefault(layer, []).append(
                                (wrap, f"{klass.name.value}.__init__", klass.name.value))
            # layers from a project factory that wraps them, wherever `__init__` builds them
            # (`self.block = [WNConv1d(1, d, 7)]`, `nn.Sequential(WNConv1d(...), ...)`)
            recorded = {id(wrap.node) for wraps in self._layer_wraps.values() for wrap, _, _ in wraps}
            for call in find_all(method.body, cst.Call):
                if id(call) in recorded:
                    continue  # an assignment above recorded it
                factory = self._project_factory(call)
                if factory is not None and factory[0].startswith("torch.nn.") and factory[0].count(".") == 2:
                    wrap = Wrap(frozenset({_WRAPPERS[factory[1]]}), "weight", call, None)
                    self._factory_layers[id(call)] = factory[0]
                    self._layer_wraps.setdefault(factory[0], []).append(
                        (wrap, f"{klass.name.value}.__init__", klass.name.value))

    # -- `_init_weights`-style dispatch on what the file wraps ---------------------------------
    def leave_Module(self, original_node: cst.Module) -> None:
        if not (self._class_wraps or self._layer_wraps):
            return
        for call, expr, module, tensor, guards, function, qualname in self._dispatched:
            if id(call) in self._reported:
                continue
            for wrap, when, lead in self._dispatch_matches(module, tensor, guards, qualname, self._loop_reach.get(id(call))):
                text = self.context.scope_code(function) if function is not None else ""
                if "parametrizations" in text or "weight_v" in text:
                    break  # the function deals with wrapped weights itself
                if lead:
                    when += (
                        ", if one reaches this loop: none of the modules known to be in this class "
                        "is one, though not all of them are known"
                    )
                self._flag(call, expr, module, wrap, when, Severity.INFO if lead else None)
                break

    def _may_reach(
        self, function: Optional[str], klass: Optional[str], layer: str, wrap: Wrap, loop: Optional[Reach] = None
    ) -> Optional[bool]:
        """Can a `layer` that class `klass` wraps arrive at the init `function`? Only a known
        "no" counts: `self.apply(fn)` in `__init__` before the wrapped layer is built (the
        project index orders `__init__`'s statements), and nothing else brings it; or, for a
        loop over `self.modules()` (`loop`), the class's own layers, all known, none of them
        that wrapped one. None: only a lead (the loop's known layers hold none of it, but not
        every layer of the class is known)."""
        if (function is None and loop is None) or klass is None:
            return True
        view = self.context.project
        built = next((c for c in view.summary.classes if c.qualname == klass), None)
        if built is None:
            return True
        # `weight_norm(self.fc)` wraps the layer built for `self.fc`; a layer built inside the
        # wrapping call (`weight_norm(nn.Linear(...))`) is recorded without an attribute
        attr = wrap.module.split(".", 1)[1] if wrap.module and wrap.module.startswith("self.") else None
        if attr is not None:
            lines = [b.line for b in built.layers if b.cls == layer and b.attr == attr]
        else:  # only the layers built inside a wrapping call, not the class's other `layer`s
            lines = [b.line for b in built.layers if b.cls == layer and b.wrapped_by in _WRAPPERS]
        if loop is not None:
            # every layer of the class known (`complete`): nothing else is among its modules;
            # none of the wrapping class's `layer`s there, wrapped or not, so not the wrapped one
            built_here = lines or [b.line for b in built.layers if b.cls == layer]
            if any(u.module == view.module and u.line in built_here for u in loop.layers):
                return True
            return None if not loop.complete else False
        if not lines:
            return True
        return view.reaching(function).includes_build(view.module, lines) is not Answer.NO  # type: ignore[arg-type]

    def _dispatch_matches(
        self, module: str, tensor: str, guards: list[str], function: Optional[str] = None,
        loop: Optional[Reach] = None,
    ) -> Iterator[tuple[Wrap, str, bool]]:
        """The wraps of this file an init of `module.tensor` under `guards` may meet, with where
        they are and whether that is only a lead (`_may_reach` None)."""
        parts = module.split(".")
        for guard in guards:
            short = guard.rsplit(".", 1)[-1]
            if len(parts) == 2 and short in self._class_wraps:
                wrap = self._class_wraps[short].get(parts[1])
                if wrap is not None and wrap.tensor == tensor:
                    yield wrap, f" (a `{short}` wraps `self.{parts[1]}` in its constructor)", False
            if len(parts) != 1:
                continue
            for layer, wraps in self._layer_wraps.items():
                layer_short = layer.rsplit(".", 1)[-1]
                # `isinstance(m, nn.Conv1d)`, or DCGAN-style `classname.find("Conv") != -1`
                if not (guard == layer or ("." not in guard and guard and guard in layer_short)):
                    continue
                for wrap, owner, klass in wraps:
                    if wrap.tensor != tensor:
                        continue
                    reaches = self._may_reach(function, klass, layer, wrap, loop)
                    if reaches is not False:
                        yield wrap, f" for the `{layer_short}` layers this file wraps (as in `{owner}`)", reaches is None
                        return

    def _order(
        self,
        wrapper: cst.FunctionDef,
        wrap_index: int,
        method: cst.FunctionDef,
        calls: dict[str, dict[str, list[int]]],
    ) -> Optional[str]:
        """Why the init runs after the wrap ("" when it surely does), None when it runs before."""
        wrapper_name, method_name = wrapper.name.value, method.name.value
        if method_name == "__init__":
            called_at = calls["__init__"].get(wrapper_name, [])
            return "" if called_at else None  # __init__ runs before any other method
        called_at = calls[wrapper_name].get(method_name, [])
        if called_at:
            return "" if any(i > wrap_index for i in called_at) else None
        if wrapper_name == "__init__":
            return ""
        return f" (if `{method_name}` runs after `{wrapper_name}`)"

    # -- report -------------------------------------------------------------------------------
    def _flag(
        self, call: cst.Call, expr: cst.BaseExpression, module: str, wrap: Wrap, when: str,
        severity: Optional[Severity] = None,
    ) -> None:
        if id(call) in self._reported:
            return
        lost = init_after_wrap_is_lost(wrap.apis)
        if lost is False:
            return  # old spectral_norm: the init writes into `weight_orig` before the first forward
        self._reported.add(id(call))
        written = self.context.code_for(expr)
        tensor = wrap.tensor
        apis = wrap.apis
        if apis == {HOOK_WEIGHT_NORM}:
            why = (
                f"`torch.nn.utils.weight_norm` replaced `{written}` by `{module}.{tensor}_g` and "
                f"`{module}.{tensor}_v`; a forward pre-hook recomputes it from them before every "
                "forward, so this init is lost"
            )
            instead = f"initialize before wrapping, or init `{module}.{tensor}_v` (and `_g`)"
        elif lost is None:
            # e.g. `spectral_norm = nn.utils.spectral_norm` replaced by the parametrization when
            # available: the old hook API keeps an init made before the first forward, the new
            # one loses it.
            when = when or " (with the parametrizations API; the old hook API keeps it)"
            why = (
                f"`{written}` is computed from `{module}.parametrizations.{tensor}.original` on "
                "every access when the parametrizations API wraps it, so this in-place init is lost"
            )
            instead = "initialize before wrapping, or init the trained tensor itself"
        elif HOOK_WEIGHT_NORM not in apis:
            api = WRAPPERS[next(iter(apis))].short if len(apis) == 1 else "a parametrization"
            originals = "original0`/`original1" if apis == {PARAM_WEIGHT_NORM} else "original"
            why = (
                f"after `{api}`, `{written}` is computed from "
                f"`{module}.parametrizations.{tensor}.{originals}` on every access, so the "
                "in-place init writes into a temporary and is lost at once"
            )
            instead = (
                f"initialize before wrapping, or assign `{written} = ...` (it goes through "
                "`right_inverse`)"
            )
            if apis == {PARAM_WEIGHT_NORM}:
                instead += f", or init `{module}.parametrizations.{tensor}.original1`"
        else:
            why = (
                f"`{written}` is recomputed from the tensors `weight_norm` created (before every "
                "forward with the hook API, on every access with parametrizations), so this "
                "init is lost"
            )
            instead = "initialize before wrapping"
        self.report(call, f"{why}{when}; {instead}", severity=severity or (Severity.WARNING if when else None))

    VALID = [
        Valid(
            """
            import torch.nn as nn


            class Conv2dNorm(nn.Module):
                def __init__(self, cin, cout):
                    super().__init__()
                    conv = nn.Conv2d(cin, cout, 3, padding=1)
                    self.conv = nn.utils.parametrizations.weight_norm(conv)


            class SpeakerNet(nn.Module):
                def __init__(self, channels):
                    super().__init__()
                    self.conv1 = nn.Conv2d(1, channels, kernel_size=3, padding=1)
                    self.bn1 = nn.BatchNorm2d(channels)
                    self.head = nn.Linear(channels, 8)
                    self._init_layers()

                def _init_layers(self):
                    for m in self.modules():
                        if isinstance(m, nn.Conv2d):
                            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                        elif isinstance(m, nn.BatchNorm2d):
                            nn.init.constant_(m.weight, 1)
                            nn.init.constant_(m.bias, 0)
            """,
            reason="every module of SpeakerNet is known and none is the weight-normed conv of Conv2dNorm",
        ),
        Valid(
            """
            import torch.nn as nn
            from torch.nn.utils import weight_norm

            class Block(nn.Module):
                def __init__(self):
                    super().__init__()
                    conv = nn.Conv1d(80, 256, 7)
                    nn.init.kaiming_normal_(conv.weight)
                    self.conv = weight_norm(conv)
                    nn.init.zeros_(self.conv.bias)
            """,
            reason="initialized before wrapping; the bias is not parametrized",
        ),
        Valid(
            """
            import torch.nn as nn
            from torch.nn.utils.parametrizations import weight_norm

            class Block(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = weight_norm(nn.Conv1d(80, 256, 7))
                    nn.init.normal_(self.conv.parametrizations.weight.original1, std=0.02)

                def reset_parameters(self):
                    nn.init.normal_(self.conv.parametrizations.weight.original1, std=0.02)
            """,
            reason="initializes the direction tensor itself",
        ),
        Valid(
            """
            import torch.nn as nn
            from torch.nn.utils import weight_norm, remove_weight_norm

            class Vocoder(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.convs = nn.ModuleList([nn.Conv1d(8, 8, 3) for _ in range(3)])
                    self.post = nn.Conv1d(8, 1, 7)
                    self.post.weight.data.normal_(0.0, 0.01)

                def apply_weight_norm(self):
                    self.post = weight_norm(self.post)

                def remove_weight_norm(self):
                    remove_weight_norm(self.post)
            """,
            reason="HiFi-GAN style: init in the constructor, weight norm applied later on demand",
        ),
        Valid(
            """
            import torch.nn as nn
            from torch.nn.utils import spectral_norm

            def build():
                conv = nn.Conv2d(3, 64, 3)
                conv = spectral_norm(conv)
                nn.init.xavier_uniform_(conv.weight_orig)
                conv = nn.Conv2d(3, 64, 3)
                nn.init.xavier_uniform_(conv.weight)
                return conv
            """,
            reason="`weight_orig` is the trained tensor; and a rebound name is a new module",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Block(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.utils.parametrizations.weight_norm(nn.Conv1d(8, 8, 3))

            class Model(nn.Module):
                def _init_weights(self, module):
                    if isinstance(module, nn.Conv1d):
                        if hasattr(module, "parametrizations"):
                            nn.init.normal_(module.parametrizations.weight.original1, std=0.02)
                        else:
                            nn.init.normal_(module.weight, std=0.02)
            """,
            reason="the init function handles parametrized convs itself",
        ),
        Valid(
            """
            import math
            import torch.nn as nn

            def ConvTBC(in_channels, out_channels, kernel_size, dropout=0.0):
                from mylib.modules import ConvTBC
                m = ConvTBC(in_channels, out_channels, kernel_size)
                nn.init.normal_(m.weight, mean=0, std=math.sqrt(4 * (1.0 - dropout) / in_channels))
                return nn.utils.weight_norm(m, dim=2)
            """,
            reason="fairseq-style helper: init, then wrap on return (the inner name is another class)",
        ),
        Valid(
            """
            import torch.nn as nn
            from torch.nn.utils import spectral_norm

            class Discriminator(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = spectral_norm(nn.Conv2d(3, 64, 4))
                    nn.init.orthogonal_(self.conv.weight)
                    self.fc = nn.utils.spectral_norm(nn.Linear(64, 1))
                    self.fc.weight.data.normal_(0.0, 0.02)
            """,
            reason="old spectral_norm: `weight` aliases `weight_orig` until the first forward, so "
            "an in-place init in the constructor is kept",
        ),
        Valid(
            """
            import torch.nn as nn
            from torch.nn.utils import weight_norm

            class ProjectionHead(nn.Module):
                def __init__(self, d, k):
                    super().__init__()
                    self.hidden = nn.Linear(d, d)
                    self.apply(self._init_weights)
                    self.last = weight_norm(nn.Linear(d, k, bias=False))
                    self.last.weight_g.data.fill_(1)

                def _init_weights(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.trunc_normal_(m.weight, std=0.02)
            """,
            reason="`self.apply` runs before the wrapped layer is built, and nothing else applies "
            "the init: it never sees the wrapped Linear",
        ),
        Valid(
            """
            import torch.nn as nn

            class StudentHead(nn.Module):
                def __init__(self, d, k):
                    super().__init__()
                    self.hidden = nn.Linear(d, d)
                    self.apply(self._init_weights)
                    self.last = nn.Linear(d, k, bias=False)
                    self.last = nn.utils.weight_norm(self.last)

                def _init_weights(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.trunc_normal_(m.weight, std=0.02)

            class TeacherHead(nn.Module):
                def __init__(self, d, k):
                    super().__init__()
                    self.apply(self._init_weights)
                    self.last = nn.utils.weight_norm(nn.Linear(d, k, bias=False))

                def _init_weights(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.trunc_normal_(m.weight, std=0.02)
            """,
            reason="each head wraps its `last` layer after its own `self.apply`: neither init "
            "meets a wrapped layer, this class's or the other's",
        ),
        Valid(
            """
            import torch.nn as nn

            class ClusterHead(nn.Module):
                def __init__(self, d, hidden, k, depth):
                    super().__init__()
                    blocks = [nn.Linear(d, hidden), nn.GELU()]
                    for _ in range(depth):
                        blocks += [nn.Linear(hidden, hidden), nn.GELU()]
                    self.trunk = nn.Sequential(*blocks)
                    self.apply(self._reset)
                    self.prototypes = nn.utils.weight_norm(nn.Linear(hidden, k, bias=False))

                def _reset(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.normal_(m.weight, std=0.01)
            """,
            reason="the Linears built before `self.apply` are plain ones in a list; the only "
            "wrapped Linear is built after it, so the init never meets it",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import torch.nn as nn


            class Conv2dNorm(nn.Module):
                def __init__(self, cin, cout):
                    super().__init__()
                    conv = nn.Conv2d(cin, cout, 3, padding=1)
                    self.conv = nn.utils.parametrizations.weight_norm(conv)


            class Block(nn.Module):
                def __init__(self, cin, cout):
                    super().__init__()
                    self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
                    self.bn = nn.BatchNorm2d(cout)


            class SpeakerNet(nn.Module):
                def __init__(self, channels, spec=False):
                    super().__init__()
                    self.conv1 = nn.Conv2d(1, channels, kernel_size=3, padding=1)
                    self.layer1 = self.create_layer(Block, channels, 2)
                    self.spec = self.make_spec() if spec else None
                    self._init_layers()

                def make_spec(self):
                    return nn.Identity()

                def create_layer(self, block, planes, blocks):
                    layers = []
                    for _ in range(blocks):
                        layers.append(block(planes, planes))
                    return nn.Sequential(*layers)

                def _init_layers(self):
                    for m in self.modules():
                        if isinstance(m, nn.Conv2d):
                            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            """,
            severity=Severity.INFO,
            message_contains="if one reaches this loop: none of the modules known to be in this class is one",
        ),
        Invalid(
            """
            import torch.nn as nn

            class ClusterHead(nn.Module):
                def __init__(self, d, k):
                    super().__init__()
                    blocks = [nn.Linear(d, d), nn.utils.weight_norm(nn.Linear(d, k))]
                    self.trunk = nn.Sequential(*blocks)
                    self.apply(self._reset)

                def _reset(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.normal_(m.weight, std=0.01)
            """,
            line=13,
            severity=Severity.WARNING,
            message_contains="for the `Linear` layers this file wraps",
        ),
        Invalid(
            """
            import torch.nn as nn
            from torch.nn.utils import weight_norm

            class ProjectionHead(nn.Module):
                def __init__(self, d, k):
                    super().__init__()
                    self.hidden = nn.Linear(d, d)
                    self.last = weight_norm(nn.Linear(d, k, bias=False))
                    self.apply(self._init_weights)

                def _init_weights(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.trunc_normal_(m.weight, std=0.02)
            """,
            line=14,
            severity=Severity.WARNING,
            message_contains="for the `Linear` layers this file wraps (as in `ProjectionHead`)",
        ),
        Invalid(
            """
            import torch.nn as nn
            from torch.nn.utils import weight_norm

            class ProjectionHead(nn.Module):
                def __init__(self, d, k):
                    super().__init__()
                    self.hidden = nn.Linear(d, d)
                    self.apply(self._init_weights)
                    self.last = weight_norm(nn.Linear(d, k, bias=False))

                def _init_weights(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.trunc_normal_(m.weight, std=0.02)

            class Model(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.head = ProjectionHead(8, 4)
                    self.apply(self.head._init_weights)
            """,
            severity=Severity.WARNING,
            message_contains="for the `Linear` layers this file wraps",
        ),
        Invalid(
            """
            import torch.nn as nn
            from torch.nn.utils import weight_norm

            class Block(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = weight_norm(nn.Conv1d(80, 256, 7))
                    nn.init.kaiming_normal_(self.conv.weight)
            """,
            line=9,
            message_contains="replaced `self.conv.weight` by `self.conv.weight_g`",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Critic(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.utils.parametrizations.spectral_norm(nn.Linear(64, 1))
                    self.reset_parameters()

                def reset_parameters(self):
                    self.fc.weight.data.normal_(0.0, 0.02)
            """,
            message_contains="computed from `self.fc.parametrizations.weight.original`",
        ),
        Invalid(
            """
            import torch.nn as nn
            from torch.nn.utils import parametrize

            class Skew(nn.Module):
                def forward(self, x):
                    return x.triu(1) - x.triu(1).T

            def make():
                layer = nn.Linear(8, 8)
                parametrize.register_parametrization(layer, "weight", Skew())
                nn.init.orthogonal_(layer.weight)
                return layer
            """,
            message_contains="parametrize.register_parametrization",
        ),
        Invalid(
            """
            import torch.nn as nn
            from torch.nn.utils.parametrizations import weight_norm

            def WNConv1d(*args, **kwargs):
                return weight_norm(nn.Conv1d(*args, **kwargs))

            class Encoder(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = WNConv1d(1, 32, 7)
                    self.init_weights()

                def init_weights(self):
                    nn.init.trunc_normal_(self.conv.weight, std=0.02)
            """,
            message_contains="original0`/`original1",
        ),
        Invalid(
            """
            import torch.nn as nn

            weight_norm = nn.utils.weight_norm
            if hasattr(nn.utils.parametrizations, "weight_norm"):
                weight_norm = nn.utils.parametrizations.weight_norm

            class PosConv(nn.Module):
                def __init__(self):
                    super().__init__()
                    conv = nn.Conv1d(16, 16, 3)
                    weight_norm(conv, name="weight", dim=2)
                    conv.weight.data.normal_(0, 0.02)
            """,
            message_contains="with the hook API",
        ),
        Invalid(
            """
            import torch.nn as nn
            from torch.nn.utils import weight_norm

            class Generator(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.out = nn.Conv1d(32, 1, 7)

                def apply_weight_norm(self):
                    self.out = weight_norm(self.out)

                def reset_parameters(self):
                    nn.init.xavier_uniform_(self.out.weight)
            """,
            severity=Severity.WARNING,
            message_contains="(if `reset_parameters` runs after `apply_weight_norm`)",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn
            from transformers import PreTrainedModel

            class AcmePositionalConv(nn.Module):
                def __init__(self, hidden):
                    super().__init__()
                    self.conv = nn.Conv1d(hidden, hidden, 128, padding=64, groups=16)
                    self.conv = nn.utils.parametrizations.weight_norm(self.conv, name="weight", dim=2)

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    super()._init_weights(module)
                    if isinstance(module, AcmePositionalConv):
                        nn.init.normal_(module.conv.weight, mean=0.0, std=0.02)
                    elif isinstance(module, nn.Conv1d):
                        nn.init.kaiming_normal_(module.weight)

            class AcmeModel(AcmePreTrainedModel):
                def __init__(self, config):
                    super().__init__(config)
                    self.pos_conv = AcmePositionalConv(config.hidden_size)
                    self.post_init()
            """,
            count=2,
            severity=Severity.WARNING,
            message_contains="(a `AcmePositionalConv` wraps `self.conv` in its constructor)",
        ),
        Invalid(
            """
            import torch.nn as nn
            from torch.nn import Conv1d
            from torch.nn.utils import weight_norm

            def init_weights(m, mean=0.0, std=0.01):
                classname = m.__class__.__name__
                if classname.find("Conv") != -1:
                    m.weight.data.normal_(mean, std)

            class ResBlock(nn.Module):
                def __init__(self, channels):
                    super().__init__()
                    self.convs = nn.ModuleList([weight_norm(Conv1d(channels, channels, 3)) for _ in range(3)])
                    self.convs.apply(init_weights)
            """,
            severity=Severity.WARNING,
            message_contains="for the `Conv1d` layers this file wraps (as in `ResBlock`)",
        ),
        Invalid(
            """
            import torch.nn as nn

            spectral_norm = nn.utils.spectral_norm
            if hasattr(nn.utils.parametrizations, "spectral_norm"):
                spectral_norm = nn.utils.parametrizations.spectral_norm

            class Critic(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = spectral_norm(nn.Linear(64, 1))
                    nn.init.xavier_uniform_(self.fc.weight)
            """,
            severity=Severity.WARNING,
            message_contains="the old hook API keeps it",
        ),
    ]


def _module_level(body: Sequence[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body
        elif isinstance(statement, cst.If):
            yield from _module_level(statement.body.body)
            orelse: Union[cst.If, cst.Else, None] = statement.orelse
            while orelse is not None:
                yield from _module_level(orelse.body.body)
                orelse = orelse.orelse if isinstance(orelse, cst.If) else None
        elif isinstance(statement, cst.Try):
            yield from _module_level(statement.body.body)
            for handler in statement.handlers:
                yield from _module_level(handler.body.body)

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Union

import libcst as cst

from initlint.analysis.classes import (
    SiteKind,
    MODULE_BASES,
    ClassFacts,
    base_chain,
    call_name,
    calls_in,
    class_facts,
    exclusive_branches,
    InitChange,
    init_change,
    only_when,
    file_classes,
    init_sites,
    initialized_in_file,
    initializes_itself,
    wraps_given_modules_only,
    initialized_tensor,
    is_self_attribute,
    local_module_classes,
    method_never_runs,
    module_class,
    module_constructor,
    self_initializing_submodules,
)
from initlint.analysis.context import FileContext, is_init_name
from initlint.analysis.project import Answer
from initlint.analysis.gate import FileWords
from initlint.analysis.imports import dotted_name
from initlint.analysis.layers import dispatch_matches, names_in_test
from initlint.analysis.overrides import early_override_reads
from initlint.analysis.walk import children, declared_params, find_all, iter_nodes, only_raises, positional_params
from initlint.diagnostics import Severity
from initlint.rules.base import Invalid, Rule, Valid

# Hook names frameworks call on their own (transformers, mmcv, timm, torch layers).
_CONVENTIONAL_HOOKS = frozenset(
    {
        "_init_weights", "init_weights", "reset_parameters", "_reset_parameters", "_init_weight",
        "init_weight", "initialize_weights", "_initialize_weights", "_init_parameters",
        "init_parameters",
    }
)
_MODULE_ITERATORS = frozenset({"modules", "named_modules", "children", "named_children"})
_PARAMETER_ITERATORS = frozenset({"parameters", "named_parameters"})
_HF_BASE = re.compile(r"PreTrainedModel$")
_CONTAINERS = frozenset({"Sequential", "ModuleList", "ModuleDict"})

FunctionNode = Union[cst.FunctionDef, cst.Lambda]


@dataclass
class _Late:
    """A layer built after a whole-model init that the init would have touched."""

    attr: str
    built: str  # its class
    parts: list[str]  # sub-modules that run their own init when built
    change: InitChange  # what the init would have changed on it
    when: Optional[cst.If]  # a rebuild of an attribute built anyway, under this `if` only


@dataclass
class _WholeInit:
    """A statement in `__init__` that initializes every module that exists at that point."""

    node: cst.CSTNode  # the call or loop
    spelled: str
    index: int  # last statement index it covers
    handles: Optional[set[str]]  # class names its isinstance checks dispatch on; None = all
    visible: bool  # we could read the code that does the init
    inherited: str = ""  # "`self.apply(...)` (in `Base`)" when run by `super().__init__()`
    code: Optional[cst.CSTNode] = None  # the init code itself (function, method, loop) when read


class InitBeforeLayers(Rule):
    """
    ## What it does
    Flags init code that cannot reach the layers it is meant for:

    - in `__init__`, a whole-model init (`self.apply(...)`, `self._init_weights()`,
      `self.init_weights()`, `self.reset_parameters()`, `self.post_init()`, a
      `for m in self.modules()` loop) that runs before later `self.x = nn.Linear(...)`
      assignments: the later layers keep PyTorch's defaults (the message names them); also
      layers a subclass adds after `super().__init__()` when the base class of the same file
      runs such an init at the end of its own `__init__`;
    - an override that the base class's constructor runs (`nn.Linear.__init__`, like most
      torch layers, ends with `self.reset_parameters()`; a project base, in any file, whose
      `__init__` calls `self.<method>()`) and that reads `self.<attr>` the subclass creates
      only after `super().__init__()`: Python runs the override then, the attribute does not
      exist yet, and every construction raises AttributeError (an `error`; a `warning` when a
      test in the override decides whether the read runs). Quiet when the override checks
      (`hasattr`/`getattr`, `try/except AttributeError`), returns early, or creates the
      attribute itself, when a base creates it, and when `__init__` calls another class's
      `__init__` than a base's (`nn.Module.__init__(self)` skips the base's on purpose);
    - `.apply(init_fn())`: the function is called instead of passed, so `apply` gets its
      return value (None) or the call fails for want of a module;
    - `for m in self.named_modules():` with `isinstance(m, nn.Linear)` in the loop: the loop
      binds `(name, module)` pairs, the test is never true, and the init under it never runs
      (a warning: the layers keep torch's defaults);
    - an init method that takes a module (`def _init_weights(self, m)`) that nothing in the file
      ever uses: not called, not given to `apply`. Hooks with conventional names in subclasses
      of classes defined elsewhere (`_init_weights` in a transformers `PreTrainedModel`,
      `init_weights`, `reset_parameters`) are called by the framework and are not reported,
      nor is a method that the project index finds called or given to `apply` in another file
      (a base class's `init_weights` that its subclasses apply with `self.apply(self.init_weights)`);
    - an init method of any signature (`def init_parameters(self)`) that initializes the
      module's own parameters and that nothing in the project runs: the project index finds its
      name nowhere else (no call, no `apply`, no `getattr` string, not a framework hook).
      `init_weights` is a framework hook only under a base whose framework calls it
      (transformers' `PreTrainedModel`, OpenMMLab's `BaseModule`); a class with a base from
      any other library (a torchserve handler, a Lightning module) may have any method called
      by that library, so it is not reported. Only a class the project index follows to
      `torch.nn.Module` gets a warning: an optimizer or LR scheduler (`torch.optim`) is not
      reported, and a class whose bases cannot be followed (an `ABC`) is `info`. A method that
      only re-initializes parameters that init code run at construction already sets (not
      values given at creation: a zero matrix is a placeholder) is not reported, and one that takes options
      (`def hyperfan_init(self, mode="in")`) is `info`: an alternative init for users to call.

    Layers the init code does not dispatch on (a Linear created after an `apply` that only
    handles BatchNorm), parameter-free modules (activations, dropout, pooling), layers given
    their own init right after and project modules whose constructor runs their own init are
    not reported. What the init's branch for the late layer's class would write is compared
    with torch's own init of that layer: writing only what torch already gives (ones and zeros
    on a norm) loses nothing and is not reported; only zeroing the bias (the weight keeps
    torch's default either way) is `info`. A layer that only an option rebuilds
    (`self.proj = nn.Conv1d(...)`, then `if deep: self.proj = nn.Linear(...)`) is a `warning`:
    the default build is not missed. A late module whose sub-modules (followed across files) initialize
    themselves is `info`: what the init would have done to the rest is not known. A late layer
    is a `warning`, not an error: it is not broken, it keeps torch's default init instead of the
    one meant for it. Init code we cannot read (an inherited `init_weights`) makes the finding
    `info`; unused init methods are `warning`s (a training script may call them).

    ## Why is this bad?
    `self.apply(fn)` visits the modules that exist when it runs. A head, a norm or a projection
    added afterwards silently keeps the default init (Kaiming-uniform with `a=sqrt(5)` for
    Linear/Conv), which is not what the init function says, and nothing fails. Calling the
    function inside `apply(...)` crashes at construction or initializes nothing; an init method
    that is never used is init that never happens.

    ## Example
    ```python
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Linear(16, 16)
            self.apply(self._init_weights)
            self.head = nn.Linear(16, 10)
    ```

    ## Use instead
    ```python
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Linear(16, 16)
            self.head = nn.Linear(16, 10)
            self.apply(self._init_weights)
    ```

    ## Fix safety
    No automatic fix: moving the call changes which layers it initializes and may move it past
    code that depends on it.

    ## References
    - [PyTorch: `nn.Module.apply`](https://pytorch.org/docs/stable/generated/torch.nn.Module.html#torch.nn.Module.apply)
    - [transformers: `post_init` must be called at the end of `__init__`](https://huggingface.co/docs/transformers/main/en/add_new_model)
    """

    code = "INI004"
    judges_unrun_code = True
    name = "init-before-layers"
    summary = "Init runs before some layers exist, `.apply(f())` calls instead of passing, or an init method is never used"
    severity = Severity.ERROR
    triggers = ("apply(", "init_weights", "_init", "reset_parameters", "initiali", "post_init",
                "modules()")

    # -- classes -----------------------------------------------------------------------------
    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Reports need an `apply`/`post_init`/init-named call in `__init__` or a `.modules()`
        loop there (`_whole_inits`, inherited ones included), an init-named method
        (`_check_unused`, and `method_never_runs` answers False for other names), or
        `.apply(f())` (`visit_Call`)."""
        return (
            words.init_named_def()
            or words.init_named_call()  # `post_init()` included
            or words.calls("apply", *_MODULE_ITERATORS)
        )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._check_early_overrides(node)
        methods = [s for s in node.body.body if isinstance(s, cst.FunctionDef)]
        init = next((m for m in methods if m.name.value == "__init__"), None)
        if init is not None and (_may_init_whole_model(init) or self._has_local_base(node)):
            self._check_order(node)
        for method in methods:
            if is_init_name(method.name.value) and _takes_module(method):
                self._check_unused(node, method)
            elif self._initializes_own_parameters(node, method) and method_never_runs(
                self.context, node, method
            ) and not self._only_reinitializes(node, method):
                known = module_class(self.context, node)
                if known is Answer.NO:
                    continue  # an optimizer or LR scheduler: its `init_*` sets no weights
                options = [p.name.value for p in declared_params(method)[1:]]
                self.report(
                    method.name,
                    f"`{method.name.value}` initializes this module's parameters, but nothing in "
                    "the project runs it: not called from `__init__`, not given to `apply`, not a "
                    "hook a framework calls; the parameters keep whatever they were created with: "
                    f"call `self.{method.name.value}()` at the end of `__init__`"
                    + ("" if known is Answer.YES else
                       " (info: the class's bases could not be followed to `torch.nn.Module`)")
                    + (f" (info: it takes options, `{options[0]}`, so it may be an alternative "
                       "init meant for users to call)" if options and known is Answer.YES else ""),
                    severity=Severity.WARNING if known is Answer.YES and not options else Severity.INFO,
                )

    def _check_early_overrides(self, klass: cst.ClassDef) -> None:
        """An override that the base's constructor runs (`nn.Linear.__init__` ends with
        `self.reset_parameters()`) reading what this class creates after `super().__init__()`."""
        if not self.context.word_count("__init__"):
            return
        reads = early_override_reads(self.context, klass)
        for early in reads:
            if any(other.method is early.method for other in reads[: reads.index(early)]):
                continue  # one report per override, at its first read
            others = [f"`self.{o.attr}`" for o in reads if o.method is early.method and o is not early]
            also = f" (and {', '.join(others[:3])}{' and more' if len(others) > 3 else ''})" if others else ""
            self.report(
                early.read,
                f"`{early.base}.__init__` runs `self.{early.method.name.value}()`, so this override "
                f"runs before `{klass.name.value}.__init__` has created `self.{early.attr}`{also}, "
                f"which it creates after its `super().__init__()`: building `{klass.name.value}` raises "
                f"AttributeError{' when this branch runs' if early.conditional else ''}"
                + ("" if early.surely else f" when `{early.base}.__init__` takes the branch that runs it")
                + "; "
                f"let the override skip what does not exist yet (`if hasattr(self, \"{early.attr}\"):`) "
                f"and call `self.{early.method.name.value}()` at the end of `__init__`",
                # under a test in the base: subclasses often pass what skips it (timm's
                # `weight_init="skip"`, ldm's popped `ckpt_path`)
                severity=(
                    Severity.INFO if not early.surely
                    else Severity.WARNING if early.conditional
                    else Severity.ERROR
                ),
            )

    def _has_local_base(self, node: cst.ClassDef) -> bool:
        local = file_classes(self.context)
        return any(
            isinstance(base.value, cst.Name) and base.value.value in local for base in node.bases
        )

    def _check_order(self, klass: cst.ClassDef) -> None:
        facts = class_facts(self.context, klass)
        if facts.init is None:
            return
        inits = self._whole_inits(facts)
        if not inits:
            return
        last = inits[-1]
        found = [layer for layer in self._late_layers(facts, last) if layer.change is not InitChange.NOTHING]
        late = [layer for layer in found if not layer.parts and layer.change is InitChange.MORE]
        if not late:
            bias = [layer for layer in found if not layer.parts and layer.change is InitChange.BIAS]
            partly = [layer for layer in found if layer.parts]
            if bias:
                self._report_bias_only(last, bias)
            elif partly:
                self._report_partly(last, partly)
            return
        names = [f"`self.{layer.attr}` ({layer.built})" for layer in late[:4]]
        more = f" and {len(late) - 4} more" if len(late) > 4 else ""
        listed = ", ".join(names) + more
        # the late layer is not broken: it keeps torch's default init instead of the one meant
        # for it (no held-out review found such an error true); code we cannot read says less
        severity = Severity.WARNING if last.visible else Severity.INFO
        rebuilt = ""
        if all(layer.when is not None for layer in late):
            # an option's variant of a layer built anyway (`if n > 1: self.proj = nn.Linear(...)`)
            test = late[0].when.test if late[0].when is not None else None
            rebuilt = f" (rebuilt when `{self.context.code_for(test)}`)" if test is not None else ""
        unseen = "" if last.visible else " (if it initializes every module, as its name says)"
        created = f"{'is' if len(late) == 1 else 'are'} created{rebuilt}"
        keeps = f"{'it keeps' if len(late) == 1 else 'they keep'} PyTorch's default init{unseen}"
        if last.inherited:
            message = (
                f"`{last.spelled}` runs {last.inherited} before {listed} {created}: {keeps}; "
                "apply the init again at the end of this `__init__`"
            )
        else:
            where = "the loop" if isinstance(last.node, cst.For) else "the call"
            message = (
                f"`{last.spelled}` runs before {listed} {created}: {keeps}; move {where} to the "
                "end of `__init__`"
            )
        self.report(last.node, message, severity=severity)

    def _report_bias_only(self, last: _WholeInit, bias: list["_Late"]) -> None:
        """Late layers the init would only have given another bias: their weights keep torch's
        default either way, and a zero bias instead of torch's small uniform one rarely matters."""
        names = ", ".join(f"`self.{layer.attr}` ({layer.built})" for layer in bias[:4])
        more = f" and {len(bias) - 4} more" if len(bias) > 4 else ""
        self.report(
            last.node,
            f"`{last.spelled}` runs before {names}{more} "
            f"{'is' if len(bias) == 1 and not more else 'are'} created; the init would only have "
            "zeroed the bias there, the weights keep PyTorch's default either way: move it to the "
            "end of `__init__` if that bias matters",
            severity=Severity.INFO,
        )

    def _report_partly(self, last: _WholeInit, partly: list["_Late"]) -> None:
        """Late layers whose sub-modules initialize themselves when built: what the init would
        have done to the rest is not known, so say less."""
        first = partly[0]
        more = f" (and {len(partly) - 1} more)" if len(partly) > 1 else ""
        owns = ", ".join(f"`{p}`" for p in first.parts[:3])
        self.report(
            last.node,
            f"`{last.spelled}` runs before `self.{first.attr}` ({first.built}){more} is created; its "
            f"sub-modules {owns} run their own init when built, the rest of it keeps PyTorch's "
            "default: check that this init was not meant for it too",
            severity=Severity.INFO,
        )

    def _inherited_inits(self, facts: ClassFacts, depth: int = 0) -> list[_WholeInit]:
        """`super().__init__()` when a base class of this file initializes the whole model in
        its own `__init__`: layers the subclass adds afterwards miss that init."""
        if facts.super_init is None or depth > 5:
            return []
        call, index = facts.super_init
        local = file_classes(self.context)
        for base in facts.bases:
            klass = local.get(base) if "." not in base else None
            if klass is None:
                continue
            base_facts = class_facts(self.context, klass)
            if base_facts.init is None:
                continue
            inner = self._whole_inits(base_facts, depth + 1) if _may_init_whole_model(
                base_facts.init
            ) else self._inherited_inits(base_facts, depth + 1)
            if inner:
                last = inner[-1]
                spelled = f"{self.context.code_for(call.func)}()"
                runs = (
                    f"{last.inherited} (in `{base_facts.name}`)" if last.inherited
                    else f"`{last.spelled}` (in `{base_facts.name}`)"
                )
                return [_WholeInit(call, spelled, index, last.handles, last.visible, runs, last.code)]
        return []

    def _whole_inits(self, facts: ClassFacts, depth: int = 0) -> list[_WholeInit]:
        found: list[_WholeInit] = self._inherited_inits(facts, depth)
        loops = _module_loops(facts.init)
        if not loops and not any(
            c.method in ("apply", "post_init") or is_init_name(c.method) for c in facts.calls
        ) and not any(is_init_name(call_name(c) or "") for c, _ in facts.function_calls):
            return found  # nothing else in `__init__` initializes the whole model
        chain = base_chain(self.context, facts)
        methods = {name: m for f in reversed(chain) for name, m in f.methods.items()}
        hf = any(_HF_BASE.search(b.rsplit(".", 1)[-1]) for f in chain for b in f.bases)
        unknown_bases = any(
            b not in MODULE_BASES and b.rsplit(".", 1)[-1] not in {f.name for f in chain}
            for f in chain
            for b in f.bases
        )
        for call in facts.calls:
            spelled = self.context.code_for(call.node)
            if call.method == "apply" and call.node.args:
                function = self._function(call.node.args[0].value, facts, methods)
                handles = _handled(self.context, function) if function is not None else None
                found.append(_WholeInit(call.node, spelled, call.index, handles, True, code=function))
                continue
            if not is_init_name(call.method) and call.method != "post_init":
                continue
            if any(is_self_attribute(a.value) for a in call.node.args):
                continue  # `self._init_layer(self.fc)`: one layer, not the model
            method = methods.get(call.method)
            if method is not None:
                if _initializes_all_modules(method):
                    found.append(
                        _WholeInit(
                            call.node, spelled, call.index, _handled(self.context, method), True,
                            code=method,
                        )
                    )
                continue
            if call.method in _CONVENTIONAL_HOOKS or call.method == "post_init":
                if unknown_bases:
                    visible = call.method == "post_init" and hf
                    found.append(_WholeInit(call.node, spelled, call.index, None, visible))
        for call, index in facts.function_calls:
            name = call_name(call) or ""
            if not is_init_name(name):
                continue
            spelled = self.context.code_for(call)
            definition = _find_def(self.context, name, None) if isinstance(call.func, cst.Name) else None
            if definition is None:
                found.append(_WholeInit(call, spelled, index, None, False))
            elif _initializes_all_modules(definition):
                handles = _handled(self.context, definition)
                found.append(_WholeInit(call, spelled, index, handles, True, code=definition))
        for loop in loops:
            last = facts.last_index(loop)
            if last is None or not any(
                initialized_tensor(call, self.context) is not None for call in calls_in(loop)
            ):
                continue
            spelled = (
                f"for {self.context.code_for(loop.target)} in {self.context.code_for(loop.iter)}:"
            )
            handles = _handled(self.context, loop)
            if handles is None:
                # `for m in self.modules(): self.weights_init(m)`: the method's own dispatch
                helpers = [facts.methods.get(name) for name in _self_methods_called(loop.body)]
                if helpers and all(h is not None for h in helpers):
                    found_names = [_handled(self.context, h) for h in helpers]  # type: ignore[arg-type]
                    if all(n is not None for n in found_names):
                        handles = set().union(*found_names)  # type: ignore[arg-type]
            found.append(_WholeInit(loop, spelled, last, handles, True, code=loop))
        found.sort(key=lambda w: w.index)
        return found

    def _function(
        self, expr: cst.BaseExpression, facts: ClassFacts, methods: dict[str, cst.FunctionDef]
    ) -> Optional[FunctionNode]:
        if isinstance(expr, cst.Lambda):
            return expr
        if isinstance(expr, cst.Call) and call_name(expr) == "partial" and expr.args:
            expr = expr.args[0].value
        attr = is_self_attribute(expr)
        if attr is not None:
            return methods.get(attr)
        if isinstance(expr, cst.Name):
            return _find_def(self.context, expr.value, facts.init)
        return None

    def _late_layers(self, facts: ClassFacts, init: _WholeInit) -> list["_Late"]:
        """The layers built after `init` that it would have touched."""
        if not any(a.index > init.index for a in facts.assignments):
            return []
        explicit = self._explicitly_initialized(facts)
        late: list[_Late] = []
        seen: set[str] = set()
        for assignment in facts.assignments:
            if assignment.index <= init.index or assignment.attr is None:
                continue
            if assignment.attr in explicit or assignment.attr in seen:
                continue
            if _exclusive(self.context, facts, init, assignment.node):
                continue  # built only in a branch that never runs with the init (`if`/`elif`)
            built = module_constructor(self.context, assignment.value)
            if built is None or not self._handled_by(built, assignment.value, init.handles):
                continue
            if initializes_itself(self.context, built):
                continue  # its own constructor runs its init (`reset_parameters()` in `__init__`)
            if wraps_given_modules_only(self.context, built):
                continue  # `AugWrapper(self.D)` only holds modules built (and seen) before
            earlier = facts.first_assignment(assignment.attr)
            if earlier is not None and earlier.index <= init.index and module_constructor(
                self.context, earlier.value
            ):
                continue  # rebuilt later: unusual, and not what this rule is about
            seen.add(assignment.attr)
            change = InitChange.MORE
            if init.code is not None and built not in local_module_classes(self.context):
                torch_layer = _torch_layer(self.context, assignment.value)
                change = init_change(self.context, init.code, built, torch_layer)
            when = None
            if earlier is not None and earlier is not assignment and module_constructor(
                self.context, earlier.value
            ) and not exclusive_branches(self.context, facts.init, earlier.node, assignment.node):
                when = _only_when(self.context, facts, init, assignment.node)
            # `GateAddNorm` whose `GatedLinearUnit` runs its own init: partly initialized
            parts = self_initializing_submodules(self.context, built)
            late.append(_Late(assignment.attr, built, parts, change, when))
        return late

    def _handled_by(
        self, built: str, value: Optional[cst.BaseExpression], handles: Optional[set[str]]
    ) -> bool:
        """Whether an init dispatching on `handles` would touch the layer `built`."""
        if not handles:
            return True
        if built in local_module_classes(self.context):
            # its layers live inside the class: handled when one of them (or the class itself,
            # by a base) is among what the init tests, or when they are not all known
            view = self.context.project
            if any(view.is_subclass(built, name) is not Answer.NO for name in handles):
                return True
            inside = view.layers_of(built)
            return not inside.complete or any(
                dispatch_matches(use.cls, handles, True) if use.cls.startswith("torch.")
                else any(view.index.is_subclass(use.cls, name) is not Answer.NO for name in handles)
                for use in inside.layers
            )
        if built in _CONTAINERS:
            inner = [
                name
                for name in (
                    module_constructor(self.context, call)
                    for call in (calls_in(value) if value is not None else [])
                    if call is not value
                )
                if name is not None and name not in _CONTAINERS
            ]
            return any(self._handled_by(name, None, handles) for name in inner) if inner else True
        return dispatch_matches(built, handles, _torch_layer(self.context, value))

    def _explicitly_initialized(self, facts: ClassFacts) -> set[str]:
        """`self.head` given its own init anywhere in the class (`nn.init.zeros_(self.head.weight)`)."""
        found: set[str] = set()
        for call in find_all(facts.node, cst.Call):
            target = initialized_tensor(call, self.context)
            if isinstance(target, cst.Attribute):
                owner = target.value
                while isinstance(owner, cst.Attribute) and not is_self_attribute(owner):
                    owner = owner.value
                attr = is_self_attribute(owner)
                if attr is not None:
                    found.add(attr)
        # `self.head.apply(...)`, `self._init_layer(self.head)`, `init_fn(self.head)`
        for call in calls_in(facts.init) if facts.init is not None else []:
            func = call.func
            if isinstance(func, cst.Attribute) and func.attr.value in ("apply", "reset_parameters"):
                owner = is_self_attribute(func.value)
                if owner is not None:
                    found.add(owner)
            name = call_name(call) or ""
            if is_init_name(name) or name.endswith("_"):
                for arg in call.args:
                    owner = is_self_attribute(arg.value)
                    if owner is not None:
                        found.add(owner)
        return found

    # -- unused init methods -----------------------------------------------------------------
    def _initializes_own_parameters(self, klass: cst.ClassDef, method: cst.FunctionDef) -> bool:
        """`def init_parameters(self): nn.init.x_(self.w)`: any signature, writes `self.<attr>`."""
        return any(
            site.function is method and site.klass is klass and site.owner == "self"
            and site.kind is SiteKind.CALL
            for site in init_sites(self.context)
        )

    def _only_reinitializes(self, klass: cst.ClassDef, method: cst.FunctionDef) -> bool:
        """Every parameter of the class the method writes already has defined values when the
        module is built (created with values, or initialized by code that runs): an optional
        re-initializer (hypnettorch's `uniform_init`), whose not running loses nothing. Values
        given at creation are not enough (a zero matrix is a placeholder)."""
        attrs = {
            site.attr for site in init_sites(self.context)
            if site.function is method and site.klass is klass and site.owner == "self" and site.attr
        }
        # values given at creation do not count: `nn.Parameter(torch.zeros(d, d))` is often the
        # placeholder the method was meant to replace
        return bool(attrs) and all(
            initialized_in_file(self.context, klass, attr, running_only=True, creation=False) for attr in attrs
        )

    def _check_unused(self, klass: cst.ClassDef, method: cst.FunctionDef) -> None:
        name = method.name.value
        if self.context.word_count(name) > 1:
            return
        facts = class_facts(self.context, klass)
        chain = base_chain(self.context, facts)
        local = {f.name for f in chain}
        unknown_bases = [
            b for f in chain for b in f.bases
            if b not in MODULE_BASES and b.rsplit(".", 1)[-1] not in local
        ]
        if unknown_bases and name in _CONVENTIONAL_HOOKS:
            return  # the framework base class calls it
        if unknown_bases and not any(b.startswith("torch.nn.") for b in unknown_bases):
            return  # a base class we cannot see may call it by name
        view = self.context.project
        if view.index.is_method_run_by_project(view.qualify(klass.name.value), name):
            return  # another file calls it or applies it (a subclass's `self.apply(self.<name>)`)
        entry = [facts.init] if facts.init is not None else []
        entry += [facts.methods[m] for m in facts.reachable if m in facts.methods]
        if any(_initializes_all_modules(m) for m in entry):
            self.report(
                method.name,
                f"`{name}` takes a module but nothing in this file uses it, while `__init__` "
                "initializes the model another way: a leftover kept for outside callers? "
                "remove it or use it, so the two cannot drift apart",
                severity=Severity.INFO,
            )
            return
        self.report(
            method.name,
            f"`{name}` takes a module but nothing in this file uses it: no `self.apply(self.{name})`, "
            "no call; the init it describes never runs (unless a script outside this file calls "
            f"it): add `self.apply(self.{name})` at the end of `__init__`",
            severity=Severity.WARNING,
        )

    # -- for m in model.named_modules(): isinstance(m, ...) -----------------------------------
    def visit_For(self, node: cst.For) -> None:
        """`for m in self.named_modules():` binds `(name, module)` pairs: an `isinstance(m,
        nn.Linear)` test in the body is never true, so the init under it never runs."""
        iterator = node.iter
        if not (isinstance(node.target, cst.Name) and isinstance(iterator, cst.Call)
                and isinstance(iterator.func, cst.Attribute)
                and iterator.func.attr.value in ("named_modules", "named_children")):
            return
        name = node.target.value
        for test in find_all(node.body, cst.Call):
            if not (isinstance(test.func, cst.Name) and test.func.value == "isinstance" and len(test.args) == 2
                    and isinstance(test.args[0].value, cst.Name) and test.args[0].value.value == name):
                continue
            classes = names_in_test(test, self.context)
            if not classes or not all(c.startswith("torch.nn.") for c in classes):
                continue
            if not any(initialized_tensor(call, self.context) is not None for call in find_all(node.body, cst.Call)):
                return
            method = iterator.func.attr.value
            self.report(
                test,
                f"`for {name} in ...{method}()` binds `(name, module)` pairs, so "
                f"`{self.context.code_for(test)}` is never true and the init under it never runs: "
                f"the layers keep PyTorch's defaults; write `for _, {name} in ...{method}()` "
                f"(or loop over `.{'modules' if method == 'named_modules' else 'children'}()`)",
                severity=Severity.WARNING,
            )
            return

    # -- .apply(f()) -------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "apply":
            return
        if len(node.args) != 1 or not isinstance(node.args[0].value, cst.Call):
            return
        inner = node.args[0].value
        name = call_name(inner)
        if name is None or inner.args and name == "partial":
            return
        definition: Optional[cst.FunctionDef] = None
        klass = self.context.enclosing_class()
        attr = is_self_attribute(inner.func)
        if attr is not None and klass is not None:
            facts = class_facts(self.context, klass)
            for f in base_chain(self.context, facts):
                definition = definition or f.methods.get(attr)
        elif isinstance(inner.func, cst.Name):
            definition = _find_def(self.context, name, self.context.enclosing_function())
        if definition is None:
            if not is_init_name(name) or (attr is None and not isinstance(inner.func, cst.Name)):
                return
            if isinstance(inner.func, cst.Name) and (name[:1].isupper() or any(
                isinstance(statement, cst.ClassDef) and statement.name.value == name
                for statement in self.context.module.body
            )):
                return  # `apply(InitWeights_He(1e-2))`: an instance of a class (with `__call__`)
            if isinstance(inner.func, cst.Name) and self.context.resolve(inner.func) is not None:
                return  # imported: may be a factory that returns the init function
        elif _returns_value(definition) or _declared_factory(definition):
            return  # a factory: `apply(make_init(std))` is right
        elif not is_init_name(name) and not any(init_sites_in(self.context, definition)):
            return
        spelled = self.context.code_for(inner.func)
        self.report(
            node,
            f"`{spelled}` is called here and its result is given to `apply`: `apply` needs the "
            f"function itself, so this fails (or initializes nothing); write "
            f"`.apply({spelled})`",
        )

    VALID = [
        Valid(
            """
            import torch
            import torch.nn as nn

            class NoisyLinear(nn.Linear):
                def __init__(self, d_in, d_out):
                    super().__init__(d_in, d_out)
                    self.sigma_weight = nn.Parameter(torch.empty(d_out, d_in))
                    self.reset_parameters()

                def reset_parameters(self):
                    super().reset_parameters()
                    if hasattr(self, "sigma_weight"):
                        nn.init.constant_(self.sigma_weight, 0.017)
            """,
            reason="the override checks that the attribute exists before reading it",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Projective(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(d, d))
                    self.reset_parameters()

                def reset_parameters(self):
                    nn.init.kaiming_uniform_(self.weight)

            class Hierarchical(Projective):
                def __init__(self, d):
                    nn.Module.__init__(self)
                    self.w_self = nn.Parameter(torch.empty(d, d))
                    self.reset_parameters()

                def reset_parameters(self):
                    nn.init.xavier_uniform_(self.w_self)
            """,
            reason="`nn.Module.__init__(self)` skips the base's constructor on purpose (uhg)",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class GainShift(nn.Module):
                def __init__(self, n):
                    super().__init__()
                    self.gain = nn.Parameter(torch.empty(n))
                    self.shift = nn.Parameter(torch.empty(n))
                    nn.init.ones_(self.gain)
                    nn.init.zeros_(self.shift)

                def uniform_init(self, width=1.0):
                    nn.init.uniform_(self.gain, a=1.0 - width, b=1.0 + width)
                    nn.init.uniform_(self.shift, a=-width, b=width)
            """,
            reason="an optional re-initializer: `__init__` already gives both parameters their "
            "values (hypnettorch's context-mod layer)",
        ),
        Valid(
            # the pair unpacked: the test sees the module
            """
            import torch.nn as nn

            class Critic(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc = nn.Linear(d, 1)

                def init_weights(self):
                    for _, m in self.named_modules():
                        if isinstance(m, nn.Linear):
                            nn.init.xavier_uniform_(m.weight, gain=0.01)
            """
        ),
        Valid(
            # the base declares a factory; subclasses return the init function
            """
            from abc import abstractmethod
            from typing import Callable

            import torch.nn as nn

            class Initializer:
                def fit(self, network: nn.Module):
                    network.apply(self.weights_init())
                    return self

                @abstractmethod
                def weights_init(self) -> Callable:
                    raise NotImplementedError()
            """
        ),
        Valid(
            # the loop's helper dispatches on nn.Linear: the PReLU built after it was never its business
            """
            import torch.nn as nn

            class Scorer(nn.Module):
                def __init__(self, n_in, n_out):
                    super().__init__()
                    self.fc = nn.Linear(n_in, n_out)
                    for m in self.modules():
                        self.init_linear(m)
                    self.act = nn.PReLU()

                def init_linear(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.xavier_uniform_(m.weight)
            """
        ),
        Valid(
            # a late neck of convs and a home-made channel norm: the init handles Linear and nn.LayerNorm only
            """
            import torch
            import torch.nn as nn

            class ChannelNorm(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.weight = nn.Parameter(torch.ones(c))
                    self.bias = nn.Parameter(torch.zeros(c))

            class Backbone(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.head = nn.Linear(d, d)
                    self.apply(self._init_weights)
                    self.neck = nn.Sequential(nn.Conv2d(d, 64, 1, bias=False), ChannelNorm(64))

                def _init_weights(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.trunc_normal_(m.weight, std=0.02)
                    elif isinstance(m, nn.LayerNorm):
                        nn.init.ones_(m.weight)
            """
        ),
        Valid(
            # a pytest test: the runner calls it and fills its arguments with fixtures
            """
            import torch.nn as nn

            class TestNet:
                def test_changing_the_module_reinitializes_it(self, net, data):
                    net.initialize()
                    net.set_params(module__hidden=7)
                    assert net.module_.hidden == 7

            class Model(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(3, 3)
            """
        ),
        Valid(
            # `mod` is a mode string here (annotated `str`, a string default), not a module
            """
            import torch.nn as nn

            class Settings:
                def __init__(self):
                    self.quantize = False

                def init_train_mode(self, mod: str = "float"):
                    self.quantize = mod == "quant"
            """
        ),
        Valid(
            # nnU-Net's idiom: an init object whose `__call__` takes the module
            """
            import torch.nn as nn

            class InitWeightsHe:
                def __init__(self, neg_slope=1e-2):
                    self.neg_slope = neg_slope

                def __call__(self, module):
                    if isinstance(module, nn.Conv3d):
                        nn.init.kaiming_normal_(module.weight, a=self.neg_slope)

            class Stem(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv3d(1, 32, 3)
                    self.conv.apply(InitWeightsHe(1e-2))
            """
        ),
        Valid(
            """
            from torch import nn

            class AugWrapper(nn.Module):
                def __init__(self, D, image_size):
                    super().__init__()
                    self.D = D

            class Trainer(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.D = nn.Sequential(nn.Conv2d(3, 64, 3), nn.LeakyReLU(0.2))
                    self.apply(self._init_weights)
                    self.D_aug = AugWrapper(self.D, 64)

                def _init_weights(self, m):
                    if isinstance(m, nn.Conv2d):
                        nn.init.kaiming_normal_(m.weight, nonlinearity="leaky_relu")
            """,
            reason="the wrapper built after `apply` only holds `self.D`, which the init already "
            "reached: it creates no parameter of its own",
        ),
        Valid(
            """
            import math

            from torch.optim.lr_scheduler import LRScheduler


            class WarmupThenDecay(LRScheduler):
                def __init__(self, optimizer, warmup_ratio=0.1, last_epoch=-1):
                    self.warmup_ratio = warmup_ratio
                    self.base = optimizer.defaults["lr"]
                    super().__init__(optimizer, last_epoch)

                def init_schedule(self, total_steps):
                    self.warmup = int(total_steps * self.warmup_ratio)
                    self.decay = -math.log(0.01) / max(1, total_steps - self.warmup)
                    self.lr = self.base / max(1, self.warmup)
                    self.apply_lr(self.lr)
                    super().__init__(self.optimizer, self.last_epoch)

                def apply_lr(self, lr):
                    for group in self.optimizer.param_groups:
                        group["lr"] = lr
            """,
            reason="a learning-rate scheduler is not an nn.Module: its `init_*` method sets "
            "schedule state, not weights",
        ),
        Valid(
            """
            import torch
            from ts.torch_handler.base_handler import BaseHandler

            class DetectorHandler(BaseHandler):
                def initialize(self, context):
                    settings = context.system_properties
                    self.device = torch.device("cpu")
                    self.config_file = settings["config"]
                    self.model = init_segmenter(self.config_file, settings["weights"], self.device)
                    self.initialized = True
            """,
            reason="the base class is a library's (a torchserve handler): which methods it calls "
            "by convention is not known, so `initialize` may well run",
        ),
        Valid(
            """
            import torch.nn as nn

            class Base(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.body = nn.Linear(d, d)
                    self.apply(self._init_weights)

                def _init_weights(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.trunc_normal_(m.weight, std=0.02)

            class WithHead(Base):
                def __init__(self, d, n):
                    super().__init__(d)
                    self.head = nn.Linear(d, n)
                    self.apply(self._init_weights)

            class WithDropout(Base):
                def __init__(self, d):
                    super().__init__(d)
                    self.drop = nn.Dropout(0.1)
            """,
            reason="the subclass re-applies the init; parameter-free additions lose nothing",
        ),
        Valid(
            """
            import torch.nn as nn

            class VisionTransformer(nn.Module):
                def __init__(self, dim, depth, num_classes):
                    super().__init__()
                    self.patch_embed = nn.Conv2d(3, dim, 16, 16)
                    self.blocks = nn.ModuleList([nn.Linear(dim, dim) for _ in range(depth)])
                    self.norm = nn.LayerNorm(dim)
                    self.head = nn.Linear(dim, num_classes)
                    self.apply(self._init_weights)

                def _init_weights(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.trunc_normal_(m.weight, std=0.02)
                        if m.bias is not None:
                            nn.init.zeros_(m.bias)
            """,
            reason="timm idiom: apply at the end of __init__",
        ),
        Valid(
            """
            import torch.nn as nn

            class ResNet(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv1 = nn.Conv2d(3, 64, 7, bias=False)
                    self.bn1 = nn.BatchNorm2d(64)
                    self.relu = nn.ReLU(inplace=True)
                    self.fc = nn.Linear(64, 10)
                    for m in self.modules():
                        if isinstance(m, nn.Conv2d):
                            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                        elif isinstance(m, nn.BatchNorm2d):
                            nn.init.constant_(m.weight, 1)
                    self.dropout = nn.Dropout(0.1)
            """,
            reason="torchvision idiom; a parameter-free module created afterwards loses nothing",
        ),
        Valid(
            """
            import math
            import torch
            from torch import nn

            class Bilinear(nn.Module):
                def __init__(self, n):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(n, n))
                    self.reset_parameters()
                    self.proj = nn.Linear(n, n)

                def reset_parameters(self):
                    nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
            """,
            reason="reset_parameters only initializes this layer's own tensors",
        ),
        Valid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.features = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))
                    self.apply(self._init_bn)
                    self.classifier = nn.Linear(8, 10)
                    nn.init.zeros_(self.classifier.weight)

                def _init_bn(self, m):
                    if isinstance(m, nn.BatchNorm2d):
                        nn.init.ones_(m.weight)
            """,
            reason="the late layer gets its own init, and the apply only handles BatchNorm",
        ),
        Valid(
            """
            import torch.nn as nn
            from transformers import PreTrainedModel

            class MyPreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    if isinstance(module, nn.Linear):
                        module.weight.data.normal_(std=0.02)

            class MyModel(MyPreTrainedModel):
                def __init__(self, config):
                    super().__init__(config)
                    self.encoder = nn.Linear(4, 4)
                    self.post_init()
            """,
            reason="transformers hook: _init_weights is called by the framework, post_init at the end",
        ),
        Valid(
            """
            from torch import nn

            class Layer(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(4, 4)

                def reset_parameters(self):
                    self.fc.reset_parameters()

            class Model(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.layer = Layer()
                    self.apply(make_init(0.02))

            def make_init(std):
                def init(m):
                    if isinstance(m, nn.Linear):
                        nn.init.normal_(m.weight, std=std)
                return init
            """,
            reason="reset_parameters without a module argument is a public hook; apply(factory())",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Gate(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(d, d))
                    self._initialize_weights()

                def _initialize_weights(self):
                    nn.init.xavier_uniform_(self.weight)

            class Head(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.weight = nn.Parameter(torch.zeros(d))

                def init_head(self):
                    nn.init.normal_(self.weight, std=0.02)

            def setup(model):
                for m in model.modules():
                    if isinstance(m, Head):
                        m.init_head()
            """,
            reason="called from __init__, or by name somewhere in the project",
        ),
        Valid(
            """
            import torch.nn as nn

            class AutoEncoder(nn.Module):
                def __init__(self, encoder, decoder):
                    super().__init__()
                    self.encoder = encoder
                    self.decoder = decoder
                    AutoEncoder.reset_parameters(self)

                def reset_parameters(self):
                    for m in self.modules():
                        if isinstance(m, nn.Linear):
                            nn.init.xavier_uniform_(m.weight)

            class Variational(AutoEncoder):
                def __init__(self, encoder, decoder):
                    super().__init__(encoder, decoder)

            class Adversarial(AutoEncoder):
                def __init__(self, encoder, decoder):
                    super().__init__(encoder, decoder)
                    self.variational = Variational(encoder, decoder)
            """,
            reason="the module created late runs its own init in its constructor",
        ),
        Valid(
            """
            import torch
            from torch.nn.modules.lazy import LazyModuleMixin
            from torch.nn.parameter import UninitializedParameter

            class LazyScale(LazyModuleMixin, torch.nn.Module):
                def __init__(self):
                    super().__init__()
                    self.scale = UninitializedParameter()

                def initialize_parameters(self, x):
                    if self.has_uninitialized_params():
                        with torch.no_grad():
                            self.scale.materialize(x.shape[-1:])
                            torch.nn.init.ones_(self.scale)
            """,
            reason="LazyModuleMixin's forward pre-hook calls initialize_parameters on the first forward",
        ),
        Valid(
            """
            import torch.nn as nn

            class LazyHead(nn.LazyLinear):
                def initialize_parameters(self, x):
                    super().initialize_parameters(x)
                    nn.init.zeros_(self.weight)
            """,
            reason="an nn.Lazy* layer derives from LazyModuleMixin: torch runs the hook",
        ),
        Valid(
            """
            from torch import nn

            class Net(nn.Module):
                def __init__(self, task, d, n_out):
                    super().__init__()
                    self.body = nn.Linear(d, d)
                    if task == "classify":
                        self.head = nn.Linear(d, n_out)
                        self.apply(self._init)
                    elif task == "forecast":
                        self.proj_in = nn.Linear(4, d)
                        self.proj_out = nn.Linear(d, n_out)

                def _init(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.trunc_normal_(m.weight, std=0.02)
            """,
            "the layers built after the apply call exist only in the other branch of the `if`: "
            "no model holds both",
        ),
        Valid(
            """
            import math
            from torch import nn

            class Net(nn.Module):
                def __init__(self, c, steps_in, steps_out):
                    super().__init__()
                    self.trunk = nn.Sequential(nn.Conv2d(c, c, 3), nn.BatchNorm2d(c))
                    for m in self.modules():
                        if isinstance(m, nn.Conv2d):
                            m.weight.data.normal_(0, math.sqrt(2.0 / (9 * m.out_channels)))
                        elif isinstance(m, nn.BatchNorm2d):
                            m.weight.data.fill_(1)
                    self.proj = nn.Conv1d(steps_in, steps_out, kernel_size=1)
            """,
            "the loop only handles Conv2d and BatchNorm2d; the Conv1d built after it is not one",
        ),
        Valid(
            """
            import torch.nn as nn

            class Stem(nn.Module):
                def __init__(self, channels):
                    super().__init__()
                    self.conv = nn.Conv2d(3, channels, 3)
                    self.apply(self._prepare)
                    self.norm = nn.BatchNorm2d(channels)
                    self.ln = nn.LayerNorm(channels)

                @staticmethod
                def _prepare(block):
                    if isinstance(block, nn.Conv2d):
                        nn.init.kaiming_normal_(block.weight, nonlinearity="relu")
                    elif isinstance(block, (nn.BatchNorm2d, nn.LayerNorm)):
                        nn.init.ones_(block.weight)
                        block.bias.data.zero_()
            """,
            "for the late norms the init would only write ones and zeros, which torch's own "
            "init already gives them: nothing is lost",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import torch
            import torch.nn as nn

            class ViT(nn.Module):
                def __init__(self, d, weight_init=""):
                    super().__init__()
                    self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
                    if weight_init != "skip":
                        self.init_weights()

                def init_weights(self):
                    nn.init.normal_(self.cls_token, std=1e-6)

            class Distilled(ViT):
                def __init__(self, d):
                    super().__init__(d, weight_init="skip")
                    self.dist_token = nn.Parameter(torch.zeros(1, 1, d))
                    self.init_weights()

                def init_weights(self):
                    nn.init.trunc_normal_(self.dist_token, std=0.02)
                    super().init_weights()
            """,
            # timm's DeiT: the base runs it only under a test, and this subclass passes "skip"
            severity=Severity.INFO,
            message_contains="takes the branch that runs it",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class NoisyLinear(nn.Linear):
                def __init__(self, d_in, d_out, sigma=0.017):
                    super().__init__(d_in, d_out)
                    self.sigma_weight = nn.Parameter(torch.empty(d_out, d_in))
                    self.sigma = sigma
                    self.reset_parameters()

                def reset_parameters(self):
                    super().reset_parameters()
                    nn.init.constant_(self.sigma_weight, self.sigma)
            """,
            line=14,
            severity=Severity.ERROR,
            message_contains="`nn.Linear.__init__` runs `self.reset_parameters()`",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Projective(nn.Module):
                def __init__(self, d_in, d_out):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(d_out, d_in))
                    self.reset_parameters()

                def reset_parameters(self):
                    nn.init.kaiming_uniform_(self.weight)

            class Attention(Projective):
                def __init__(self, d_in, d_out, heads=1):
                    super().__init__(d_in, d_out)
                    self.query = nn.Parameter(torch.empty(d_out, d_in))
                    self.key = nn.Parameter(torch.empty(d_out, d_in))
                    self.reset_parameters()

                def reset_parameters(self):
                    for param in [self.query, self.key]:
                        nn.init.xavier_uniform_(param)
            """,
            # uhg's UHGAttentionLayer (a heldout22 reviewer's miss): raises on every construction
            line=22,
            severity=Severity.ERROR,
            message_contains="(and `self.key`)",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Hyper(nn.Module):
                def __init__(self, n):
                    super().__init__()
                    self.w = nn.Parameter(torch.empty(n, n))

                def hyperfan_init(self, mode="in"):
                    nn.init.uniform_(self.w, -0.1, 0.1)
            """,
            severity=Severity.INFO,
            message_contains="it takes options, `mode`, so it may be an alternative init",
        ),
        Invalid(
            # named_modules() yields (name, module): the isinstance test sees a tuple
            """
            import torch.nn as nn

            class Critic(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc1 = nn.Linear(d, d)
                    self.fc2 = nn.Linear(d, 1)

                def init_weights(self):
                    for m in self.named_modules():
                        if isinstance(m, nn.Linear):
                            nn.init.xavier_uniform_(m.weight, gain=0.01)
            """,
            severity=Severity.WARNING,
            line=12,
            message_contains="binds `(name, module)` pairs",
        ),
        Invalid(
            """
            from abc import ABC

            import torch
            from torch import nn


            class Memory(ABC):
                def __init__(self, size):
                    self.slots = torch.empty(size, 8)

                def init_slots(self):
                    nn.init.normal_(self.slots, std=0.02)
            """,
            line=12,
            severity=Severity.INFO,
            message_contains="could not be followed to `torch.nn.Module`",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Gate(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc = nn.Linear(d, 2 * d)
                    self.reset_parameters()

                def reset_parameters(self):
                    nn.init.xavier_uniform_(self.fc.weight)
                    nn.init.zeros_(self.fc.bias)

            class GateNorm(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.gate = Gate(d)
                    self.norm = nn.LayerNorm(d)

            class Block(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc1 = nn.Linear(d, d)
                    self.init_weights()
                    self.out = GateNorm(d)

                def init_weights(self):
                    for name, p in self.named_parameters():
                        if "bias" in name:
                            nn.init.zeros_(p)
                        elif "fc1" in name:
                            nn.init.kaiming_normal_(p)
            """,
            line=24,
            severity=Severity.INFO,
            message_contains="its sub-modules `Gate` run their own init when built",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Gate(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc = nn.Linear(d, 2 * d)

            class GateNorm(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.gate = Gate(d)
                    self.norm = nn.LayerNorm(d)

            class Block(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc1 = nn.Linear(d, d)
                    self.init_weights()
                    self.out = GateNorm(d)

                def init_weights(self):
                    for name, p in self.named_parameters():
                        if "bias" in name:
                            nn.init.zeros_(p)
                        else:
                            nn.init.kaiming_normal_(p)
            """,
            line=19,
            severity=Severity.WARNING,
            message_contains="runs before `self.out` (GateNorm) is created",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Gate(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.weight = nn.Parameter(torch.zeros(d, d))

                def init_parameters(self):
                    nn.init.xavier_uniform_(self.weight)
            """,
            severity=Severity.WARNING,
            message_contains="`init_parameters` initializes this module's parameters, but nothing in the project runs it",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Scale(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.scale = nn.Parameter(torch.empty(d))

                def initialize_parameters(self):
                    nn.init.ones_(self.scale)
            """,
            severity=Severity.WARNING,
            message_contains="`initialize_parameters` initializes this module's parameters, but nothing in the project runs it",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn
            from mmengine.model import BaseModule

            class Gate(BaseModule):
                def __init__(self, d):
                    super().__init__()
                    self.weight = nn.Parameter(torch.zeros(d, d))

                def initialize(self):
                    nn.init.xavier_uniform_(self.weight)
            """,
            severity=Severity.WARNING,
            message_contains="`initialize` initializes this module's parameters, but nothing in the project runs it",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Base(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.body = nn.Linear(d, d)
                    self.apply(self._init_weights)

                def _init_weights(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.trunc_normal_(m.weight, std=0.02)

            class WithHead(Base):
                def __init__(self, d, n):
                    super().__init__(d)
                    self.head = nn.Linear(d, n)
            """,
            line=16,
            message_contains="runs `self.apply(self._init_weights)` (in `Base`) before `self.head`",
            severity=Severity.WARNING,
        ),
        Invalid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(4, 4)
                    self.init_weights()

                def init_weights(self):
                    named_apply(init_weights_vit, self)

                def _init_weights(self, m):
                    init_weights_vit(m)
            """,
            severity=Severity.INFO,
            message_contains="another way",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.body = nn.Linear(16, 16)
                    self.apply(self._init_weights)
                    self.head = nn.Linear(16, 10)
                    self.norm = nn.LayerNorm(10)
                    self.act = nn.GELU()

                def _init_weights(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.xavier_uniform_(m.weight)
            """,
            line=8,
            severity=Severity.WARNING,
            message_contains="`self.head` (Linear)",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Block(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc = nn.Linear(d, d)

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.stem = nn.Conv2d(3, 8, 3)
                    self.init_weights()
                    self.blocks = nn.ModuleList([Block(8) for _ in range(4)])

                def init_weights(self):
                    for m in self.modules():
                        if isinstance(m, nn.Linear):
                            nn.init.kaiming_normal_(m.weight)
            """,
            message_contains="`self.blocks` (ModuleList)",
            severity=Severity.WARNING,
        ),
        Invalid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(4, 4)
                    self.apply(self._init_weights())

                def _init_weights(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.xavier_uniform_(m.weight)
            """,
            message_contains="is called here",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(4, 4)

                def _init_weights(self, module):
                    if isinstance(module, nn.Linear):
                        nn.init.xavier_uniform_(module.weight)
            """,
            severity=Severity.WARNING,
            message_contains="nothing in this file uses it",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Model(MyPreTrainedModel):
                def __init__(self, config):
                    super().__init__(config)
                    self.encoder = nn.Linear(4, 4)
                    self.post_init()
                    self.lm_head = nn.Linear(4, 100)
            """,
            severity=Severity.WARNING,
            message_contains="`self.lm_head` (Linear)",
        ),
        Invalid(
            """
            from torch import nn

            class Net(nn.Module):
                def __init__(self, c, steps_in, steps_out):
                    super().__init__()
                    self.trunk = nn.Conv2d(c, c, 3)
                    for m in self.modules():
                        if isinstance(m, nn.Conv2d):
                            nn.init.kaiming_normal_(m.weight)
                        elif isinstance(m, nn.Linear):
                            nn.init.xavier_uniform_(m.weight)
                            nn.init.zeros_(m.bias)
                    self.proj = nn.Conv1d(steps_in, steps_out, kernel_size=1)
                    self.head = nn.Linear(steps_out, 1)
            """,
            line=8,
            message_contains="before `self.head` (Linear) is created: it keeps",
            severity=Severity.WARNING,
        ),
        Invalid(
            """
            import torch.nn as nn

            class Tagger(nn.Module):
                def __init__(self, vocab, width, tags):
                    super().__init__()
                    self.embed = nn.Embedding(vocab, width)
                    self.mix = nn.Conv2d(1, 4, 3)
                    for layer in self.modules():
                        if isinstance(layer, nn.Linear):
                            layer.bias.data.fill_(0.0)
                        elif isinstance(layer, nn.Conv2d):
                            nn.init.orthogonal_(layer.weight)
                    self.out = nn.Linear(width, tags)
            """,
            line=9,
            severity=Severity.INFO,
            message_contains="the init would only have zeroed the bias there",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Decoder(nn.Module):
                def __init__(self, width, steps, deep):
                    super().__init__()
                    self.core = nn.Linear(width, width)
                    self.apply(self._reset)
                    self.readout = nn.Conv1d(steps, steps, 1)
                    if deep:
                        self.readout = nn.Linear(width, width)

                def _reset(self, mod):
                    if isinstance(mod, nn.Linear):
                        nn.init.normal_(mod.weight, std=0.01)
            """,
            line=8,
            severity=Severity.WARNING,
            message_contains="`self.readout` (Linear) is created (rebuilt when `deep`)",
        ),
        Invalid(
            """
            from torch import nn

            class Net(nn.Module):
                def __init__(self, task, d, n_out):
                    super().__init__()
                    self.body = nn.Linear(d, d)
                    if task == "classify":
                        self.apply(self._init)
                    self.head = nn.Linear(d, n_out)

                def _init(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.trunc_normal_(m.weight, std=0.02)
            """,
            line=9,
            message_contains="`self.head` (Linear)",
            severity=Severity.WARNING,
        ),
    ]


def _exclusive(context: FileContext, facts: ClassFacts, init: _WholeInit, node: cst.CSTNode) -> bool:
    """The init and the layer built at `node` sit in different branches of one `if` of
    `__init__` (`if task == "classify": ...; self.apply(f)` / `elif ...: self.head = ...`):
    they never run for the same model, so the layer is not built after the init."""
    if facts.init is None:
        return False
    site = init.node if isinstance(init.node, cst.Call) else next(iter(calls_in(init.node)), None)
    return site is not None and exclusive_branches(context, facts.init, site, node)


def _only_when(
    context: FileContext, facts: ClassFacts, init: _WholeInit, node: cst.CSTNode
) -> Optional[cst.If]:
    """The `if` of `__init__` that the layer built at `node` depends on and the init does not."""
    if facts.init is None:
        return None
    site = init.node if isinstance(init.node, cst.Call) else next(iter(calls_in(init.node)), None)
    return only_when(context, facts.init, site, node) if site is not None else None


def _may_init_whole_model(init: cst.FunctionDef) -> bool:
    """Cheap test before reading the class: does `__init__` call `self.apply`, an init-like
    method or function, or loop over `self.modules()`?"""
    for call in calls_in(init):
        func = call.func
        if isinstance(func, cst.Attribute):
            name = func.attr.value
            if name in _MODULE_ITERATORS or name in ("apply", "post_init") or is_init_name(name):
                return True
        elif isinstance(func, cst.Name) and is_init_name(func.value):
            return True
    return False


_VALUE_ANNOTATIONS = frozenset({"str", "int", "float", "bool", "dict", "list", "tuple", "bytes"})


def _takes_module(method: cst.FunctionDef) -> bool:
    declared = list(positional_params(method))
    static = any(
        isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod"
        for d in method.decorators
    )
    if not static and declared and declared[0].name.value in ("self", "cls"):
        declared = declared[1:]
    if not declared or declared[0].name.value not in ("m", "module", "mod", "layer", "submodule", "sub", "net"):
        return False
    first = declared[0]
    annotation = first.annotation.annotation if first.annotation is not None else None
    if isinstance(annotation, cst.Name) and annotation.value in _VALUE_ANNOTATIONS:
        return False  # `mod: str = "float"`: a mode, not a module
    return not isinstance(first.default, (cst.SimpleString, cst.Integer, cst.Float, cst.ConcatenatedString))


def _initializes_all_modules(function: cst.FunctionDef) -> bool:
    """`self.apply(...)`, `named_apply(...)`, `for m in self.modules()` (or on the function's
    first parameter, for `initialize_weights(model)` helpers)."""
    params = [p.name.value for p in function.params.params]
    model = params[0] if params else "self"
    for call in calls_in(function.body):
        func = call.func
        if call_name(call) == "named_apply":
            return True
        if not isinstance(func, cst.Attribute):
            continue
        on_model = isinstance(func.value, cst.Name) and func.value.value in ("self", model)
        if on_model and func.attr.value in (_MODULE_ITERATORS | _PARAMETER_ITERATORS | {"apply"}):
            return True
    return False


def _self_methods_called(node: cst.CSTNode) -> list[str]:
    """`self.m(...)` calls under `node`: the names `m`."""
    return [
        call.func.attr.value for call in find_all(node, cst.Call)
        if isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Name)
        and call.func.value.value == "self"
    ]


def _handled(context, function: cst.CSTNode) -> Optional[set[str]]:
    """Class names an init function's `isinstance` checks name; None when it checks none."""
    names: set[str] = set()
    for node in find_all(function, (cst.If, cst.IfExp)):
        names.update(names_in_test(node.test, context))
    return names or None


def _module_loops(init: Optional[cst.FunctionDef]) -> list[cst.For]:
    """`for m in self.modules():` loops in `__init__` (not in functions nested in it)."""
    if init is None:
        return []
    loops: list[cst.For] = []
    stack: list[cst.CSTNode] = [init.body]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(node, cst.For):
            it = node.iter
            if (
                isinstance(it, cst.Call)
                and isinstance(it.func, cst.Attribute)
                and it.func.attr.value in _MODULE_ITERATORS
                and isinstance(it.func.value, cst.Name)
                and it.func.value.value == "self"
            ):
                loops.append(node)
        stack.extend(children(node))
    return loops


def init_sites_in(context, scope: cst.CSTNode):
    """Init sites inside `scope` (by identity, through the file-wide scan)."""
    inside = {id(node) for node in iter_nodes(scope)}
    return (site for site in init_sites(context) if id(site.node) in inside)


def _find_def(context, name: str, scope: Optional[cst.CSTNode]) -> Optional[cst.FunctionDef]:
    """A function called `name`: nested in `scope`, else at module level."""
    if scope is not None:
        for node in find_all(scope, cst.FunctionDef):
            if node.name.value == name and node is not scope:
                return node
    for statement in context.module.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            return statement
    return None


def _declared_factory(function: cst.FunctionDef) -> bool:
    """Annotated to return a callable (`-> Callable`), or abstract (`@abstractmethod`, a body
    that only raises): what it returns is its overrides' business, and apply takes a callable."""
    returns = function.returns.annotation if function.returns is not None else None
    if returns is not None and "Callable" in (dotted_name(returns) or dotted_name(getattr(returns, "value", returns)) or ""):
        return True
    if any((dotted_name(d.decorator) or "").endswith("abstractmethod") for d in function.decorators):
        return True
    return only_raises(function)


def _returns_value(function: cst.FunctionDef) -> bool:
    """A `return <value>` in the function itself (not in functions nested in it)."""
    stack: list[cst.CSTNode] = [function.body]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            continue
        if isinstance(node, cst.Return) and node.value is not None:
            if not (isinstance(node.value, cst.Name) and node.value.value == "None"):
                return True
        stack.extend(children(node))
    return False


def _torch_layer(context: FileContext, value: Optional[cst.BaseExpression]) -> bool:
    """The layer is built by a torch.nn constructor (or, inside a container, named only)."""
    return value is None or (
        isinstance(value, cst.Call) and (context.resolve(value.func) or "").startswith("torch.nn.")
    )

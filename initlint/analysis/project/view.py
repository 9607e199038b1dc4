"""What a rule sees of the project: `context.project`, a `ProjectView` for the file being linted.

The view knows which module the file is, maps the libcst node a rule is looking at to the
summary's qualified names, and forwards questions to the `ProjectIndex`. Without a project (stdin,
tests, a file outside any project) the index holds just this file, summarised on first use.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Iterable, Optional

from initlint.analysis.project.index import UNKNOWN_REACH, Answer, LayerUse, OwnerInit, ProjectIndex, Reach
from initlint.analysis.library import TORCH_INNER_LAYERS
from initlint.analysis.project.summary import CallSite, FileSummary, FunctionSummary, Literal, ParamInit

if TYPE_CHECKING:
    import libcst as cst

    from initlint.analysis.context import FileContext


class ProjectView:
    def __init__(self, index: ProjectIndex, summary: FileSummary) -> None:
        self.index = index
        self.summary = summary
        self.module = summary.module

    # -- names ---------------------------------------------------------------------------------
    def qualify(self, local: str) -> str:
        """A qualname in this file (`Net.init_weights`) → project-wide (`pkg.model.Net.init_weights`)."""
        return f"{self.module}.{local}" if self.module else local

    def resolve_name(self, written: str) -> Optional[str]:
        """A dotted name as written in this file (`RMSNorm`, `layers.RMSNorm`) → the qualified
        definition in the project, following imports and re-exports; None if not in the project."""
        head, _, rest = written.partition(".")
        imports = self.summary.import_map()
        if head in imports:
            target = imports[head] + (f".{rest}" if rest else "")
        else:
            target = self.qualify(written)
        return self.index.resolve(target)

    def function(self, qualname: str) -> Optional[FunctionSummary]:
        """This file's function by local qualname (`init_weights`, `Net._init`, `Net.f.inner`)."""
        found = self.index.function(self.qualify(qualname))
        return found[1] if found else None

    @staticmethod
    def qualname_of(context: "FileContext", node: "cst.FunctionDef") -> str:
        """Local qualname of a function node the rule is visiting (or one of its ancestors), from
        the engine's ancestor stack."""
        import libcst as cst

        parts: list[str] = []
        seen_node = False
        for ancestor in context.stack:
            if ancestor is node:
                seen_node = True
                parts.append(node.name.value)
                break
            if isinstance(ancestor, (cst.ClassDef, cst.FunctionDef)):
                parts.append(ancestor.name.value)
        if not seen_node:
            parts = [node.name.value] if not parts else parts + [node.name.value]
        return ".".join(parts)

    @staticmethod
    def current_function(context: "FileContext") -> Optional[str]:
        """Local qualname of the innermost function around the node being visited, if any."""
        import libcst as cst

        parts: list[str] = []
        innermost = -1
        for ancestor in context.stack:
            if isinstance(ancestor, (cst.ClassDef, cst.FunctionDef)):
                parts.append(ancestor.name.value)
                if isinstance(ancestor, cst.FunctionDef):
                    innermost = len(parts)
        return ".".join(parts[:innermost]) if innermost > 0 else None

    def class_qualname_of(self, context: "FileContext", node: "cst.ClassDef") -> str:
        import libcst as cst

        parts: list[str] = []
        for ancestor in context.stack:
            if ancestor is node:
                break
            if isinstance(ancestor, (cst.ClassDef, cst.FunctionDef)):
                parts.append(ancestor.name.value)
        parts.append(node.name.value)
        return self.qualify(".".join(parts))

    # -- questions -----------------------------------------------------------------------------
    def reaching(self, function_qualname: str, narrowed_to: tuple[str, ...] = ()) -> Reach:
        """Modules that can arrive at this file's init function (local qualname). `narrowed_to`:
        the class names an enclosing `isinstance` check admits, as written in this file."""
        reach = self.index.reaching(self.qualify(function_qualname))
        if narrowed_to:
            resolved = tuple(self._class_name(n) for n in narrowed_to)
            reach = reach.narrow(self.index, resolved)
        return reach

    def init_code_reach(self, context: "FileContext", guards: Iterable[str] = ()) -> Optional[Reach]:
        """The layers the project index knows to arrive at the init code being visited, narrowed
        to its `isinstance` branch (`guards`, as written): the enclosing init function's callers
        and `apply` sites, or the layers of the class whose `self.modules()` a loop walks. None
        when the code is neither (nothing is known about what arrives)."""
        import libcst as cst

        guards = tuple(guards)
        init = context.init_context()
        function = context.enclosing_function()
        if isinstance(init, cst.FunctionDef) and function is init:
            return self.reaching(self.qualname_of(context, function), narrowed_to=guards)
        klass = context.enclosing_class()
        if (
            isinstance(init, cst.For)
            and klass is not None
            and isinstance(init.iter, cst.Call)
            and isinstance(init.iter.func, cst.Attribute)
            and isinstance(init.iter.func.value, cst.Name)
            and init.iter.func.value.value == "self"
        ):
            reach = self.layers_of(self.class_qualname_of(context, klass).rsplit(".", 1)[-1])
            return reach.narrow(self.index, guards) if guards else reach
        return None

    def argument_reach(self, context: "FileContext", name: str) -> Optional[Reach]:
        """What the project index knows to arrive as `name` in the init code being visited, when
        `name` is what that code receives: the module argument of the init function (after
        `self`), or the variable of a loop over `self.modules()`. None otherwise."""
        import libcst as cst

        init = context.init_context()
        if isinstance(init, cst.FunctionDef):
            params = [p.name.value for p in init.params.params]
            position = 1 if params[:1] in (["self"], ["cls"]) else 0
            receives = len(params) > position and params[position] == name
        else:
            receives = isinstance(init, cst.For) and isinstance(init.target, cst.Name) and init.target.value == name
        return self.init_code_reach(context) if receives else None

    def arriving_subclasses(self, reach: Reach, classes: Iterable[str]) -> list[tuple[LayerUse, str, str]]:
        """The known arrivals that are strict subclasses of one of `classes` (qualified), or
        hold one that torch builds inside them (MultiheadAttention's `out_proj`, a Linear
        subclass): (the arriving module, the subclass, the class it derives from). Only
        certain answers count (`is_subclass` YES)."""
        wanted = tuple(classes)
        found: list[tuple[LayerUse, str, str]] = []
        for use in reach.layers:
            candidates = [use.cls]
            if use.cls.startswith("torch."):
                candidates += [f"torch.nn.{inner}" for inner in TORCH_INNER_LAYERS.get(use.short_name, ())]
            for candidate in candidates:
                for cls in wanted:
                    same = candidate == cls or (
                        candidate.startswith("torch.") and cls.startswith("torch.")
                        and candidate.rsplit(".", 1)[-1] == cls.rsplit(".", 1)[-1]
                    )
                    if not same and self.index.is_subclass(candidate, cls) is Answer.YES:
                        found.append((use, candidate, cls))
                        break
        return found

    def where(self, use: LayerUse) -> str:
        """`built in pkg/model.py:12` (or `defined in ...` when the index records the class
        itself, not a construction): the file relative to the project root, and the line."""
        path = self.index.path_of_module(use.module)
        shown = use.module or "this file"
        if path is not None:
            root = self.index.root
            if os.path.isabs(path):
                shown = os.path.relpath(path, root) if root else os.path.basename(path)
            else:
                shown = path
            shown = shown.replace(os.sep, "/")
        found = self.index.class_(use.cls)
        verb = "defined" if found is not None and found[0].module == use.module and found[1].line == use.line else "built"
        return f"{verb} in {shown}:{use.line}" if use.line else f"{verb} in {shown}"

    def stack_reach(self, context: "FileContext", tensor: "cst.BaseExpression", guards: Iterable[str] = ()) -> Optional[Reach]:
        """The layers among which the init of `tensor` acts, to judge how deep a stack it
        shapes: for `self.<attr>.weight` in a class, the class's own layers (sub-modules
        included); for init code on a module argument, what reaches it (`init_code_reach`)."""
        import libcst as cst

        klass = context.enclosing_class()
        root = tensor
        while isinstance(root, (cst.Attribute, cst.Subscript)):
            root = root.value
        if klass is not None and isinstance(root, cst.Name) and root.value == "self" and tensor is not root:
            return self.layers_of(self.class_qualname_of(context, klass).rsplit(".", 1)[-1])
        return self.init_code_reach(context, guards)

    def _class_name(self, written: str) -> str:
        resolved = self.resolve_name(written)
        if resolved:
            return resolved
        head, _, rest = written.partition(".")
        imports = self.summary.import_map()
        return imports[head] + (f".{rest}" if rest else "") if head in imports else written

    def loop_reach(self, function_qualname: str, variable: str) -> Reach:
        """Modules `for <variable> in self.modules()` (or named_modules/children) visits."""
        return self.index.loop_reach(self.qualify(function_qualname), variable)

    def initialized_params(self, function_qualname: str) -> dict[str, tuple[ParamInit, ...]]:
        """Which of the function's parameters it initializes (followed through helpers)."""
        return self.index.initialized_params(self.qualify(function_qualname))

    def helper_initializes(self, written_callee: str) -> Optional[dict[str, tuple[ParamInit, ...]]]:
        """For a function called by this file (`init_parts`, `utils.init_layer`): which of its
        parameters it initializes. None when the callee is not a project function."""
        target = self.resolve_name(written_callee)
        if target is None or self.index.function(target) is None:
            return None
        return self.index.initialized_params(target)

    def call_target(self, caller_qualname: Optional[str], written_callee: str) -> Optional[str]:
        """The project function a call written in this file runs (`init_emb`, `utils.init_emb`,
        `self.reset`, `super().reset`, `Net` → its `__init__`), told as for the index's call
        sites; `caller_qualname` is the local qualname of the function the call is in (None at
        module level). None when not known."""
        head, _, rest = written_callee.partition(".")
        imports = self.summary.import_map()
        target = imports[head] + (f".{rest}" if rest else "") if head in imports else self.qualify(written_callee)
        caller = self.function(caller_qualname) if caller_qualname else None
        return self.index.call_target(self.summary, caller, CallSite(written_callee, target, (), (), 0))

    def callers_pass_keyword(self, function_qualname: str, names: Iterable[str]) -> Answer:
        """Does every call of this file's function pass one of `names` (to its `**kwargs`)?"""
        return self.index.callers_pass_keyword(self.qualify(function_qualname), names)

    def literals_for(self, function_qualname: str, param: str) -> tuple[frozenset, bool]:
        """Literal values the project's call sites pass for `param` of this file's function."""
        return self.index.literals_for(self.qualify(function_qualname), param)

    def is_method_used(self, class_qualname: str, method: str) -> Answer:
        return self.index.is_method_used(self.qualify(class_qualname), method)

    def guard_alias(self, written: str) -> Optional[str]:
        """`exists` → "not_none", `default` → "default": this file's own guard helpers or ones it
        imports from the project."""
        local = dict(self.summary.guard_aliases)
        if written in local:
            return local[written]
        target = self.resolve_name(written)
        if target is None:
            return None
        module, _, name = target.rpartition(".")
        summary = self.index.by_module.get(module)
        return dict(summary.guard_aliases).get(name) if summary else None

    def value_kind(self, function_qualname: str, name: str) -> Optional[str]:
        """"module" / "int" / "float" / "bool" / "str" / "tensor" / "self", or None (unknown).
        The module argument of an apply callback or hook is a module."""
        function = self.function(function_qualname)
        if function is None:
            return None
        kind = function.kind_of(name)
        if kind is not None:
            return kind
        position = 1 if function.is_method else 0
        if len(function.params) > position and function.params[position] == name:
            reach = self.index.reaching(self.qualify(function_qualname))
            if reach is not UNKNOWN_REACH and reach.layers:
                return "module"
        return None

    def forward_uses(self, class_qualname: str, attr: str) -> frozenset[str]:
        return self.index.forward_uses(self.qualify(class_qualname), attr)

    def layers_of(self, class_qualname: str) -> Reach:
        return self.index.layers_of(self.qualify(class_qualname))

    def is_subclass(self, class_written: str, of_written: str) -> Answer:
        return self.index.is_subclass(self._class_name(class_written), self._class_name(of_written))

    def overwritten_by_owners(self, context: "FileContext", expr: "cst.BaseExpression") -> OwnerInit:
        """For an init of `self.<attr>.<tensor>` (`expr`) in the construction of the enclosing
        class (its `__init__` or a method that runs from it), where `self.<attr>` is a layer
        the class builds: what every owner's later construction-time init (`self.apply(fn)`
        reaching that layer class, a loop over all its parameters) does to it
        (`ProjectIndex.owner_init`). Empty when the init runs outside construction, or the
        layer's class is not known."""
        import libcst as cst

        nothing = OwnerInit((), ())
        klass = context.enclosing_class()
        if klass is None or not isinstance(expr, cst.Attribute) or not isinstance(expr.value, cst.Attribute):
            return nothing
        holder = expr.value
        if not isinstance(holder.value, cst.Name) or holder.value.value != "self":
            return nothing
        attr, tensor = holder.attr.value, expr.attr.value
        class_qual = self.class_qualname_of(context, klass)
        function = self.current_function(context)
        if function is None or self.qualify(function) not in self.index.construction_methods(class_qual):
            return OwnerInit((), ())
        found = self.index.class_(class_qual)
        if found is None:
            return OwnerInit((), ())
        summary, cls = found
        kinds = {
            (build.cls if build.resolved else self.index.resolve(self.index.qualify_local(summary, build.cls)))
            for build in cls.layers if build.attr == attr and not build.from_parameter
        }
        if len(kinds) != 1 or None in kinds:
            return OwnerInit((), ())  # built from an argument, or two different layers
        return self.index.owner_init(class_qual, attr, kinds.pop(), tensor)

    @property
    def has_init_code(self) -> bool:
        return self.summary.has_init_code


def may_pass(values: frozenset, complete: bool, literal: Literal) -> Answer:
    """Given `literals_for`'s answer: can `literal` (e.g. None) be passed?"""
    if literal in values:
        return Answer.YES
    return Answer.NO if complete else Answer.UNKNOWN

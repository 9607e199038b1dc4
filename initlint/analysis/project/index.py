"""The project index: every file's `FileSummary`, and the cross-file questions rules ask of them.

Answers are three-valued (`Answer.YES/NO/UNKNOWN`) or carry a `complete` flag: a set of layers that
can reach an init function is only evidence of absence when `complete` is True (every source of
modules was followed to known classes). `Answer` refuses `bool()`, so an UNKNOWN can never slip
into an `if` as if it were NO.
"""

from __future__ import annotations

import builtins
import enum
import hashlib
import re
from dataclasses import dataclass, field, replace
from typing import Iterable, Iterator, Optional

from initlint.analysis.project.summary import (
    ApplySite,
    CallSite,
    ClassSummary,
    FileSummary,
    FunctionSummary,
    LayerBuild,
    Literal,
    ParamInit,
)

_BUILTINS = frozenset(dir(builtins))
# Qualified prefixes whose capitalised calls build no module (tensors, containers of data, typing).
_NOT_LAYERS = (
    "torch.Tensor", "torch.tensor", "torch.nn.Parameter", "torch.nn.parameter.", "torch.Size",
    "torch.Generator", "torch.device", "torch.dtype", "torch.nn.init.", "collections.", "typing.",
    "dataclasses.", "enum.", "functools.", "math.", "numpy.", "warnings.", "logging.", "pathlib.",
    "torch.FloatTensor", "torch.LongTensor", "torch.BoolTensor", "torch.nn.Buffer",
    "torch.nn.UninitializedParameter", "torch.nn.UninitializedBuffer", "torch.utils.",
    "torch.autograd.", "torch.distributions.",
)
# Framework hooks: the framework calls these methods with every submodule of the model.
APPLY_HOOKS = frozenset({"_init_weights"})
# Base classes whose framework applies APPLY_HOOKS (transformers' post_init / init_weights).
_HOOK_BASES = ("PreTrainedModel", "PreTrainedModelMixin", "ModelMixin")
# Methods frameworks call by name on the module itself.
SELF_HOOKS = frozenset({"reset_parameters", "_reset_parameters", "_init_weights", "init_weights", "post_init"})


class Answer(enum.Enum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"

    def __bool__(self) -> bool:  # pragma: no cover - a misuse guard
        raise TypeError("Answer is three-valued: compare with Answer.YES / NO / UNKNOWN")


@dataclass(frozen=True)
class LayerUse:
    """A module that can arrive somewhere: its class (qualified when resolved), layer kind
    (`norm`, `linear`, `conv`, `embedding`, `other`), literal flags it was built with, and where."""

    cls: str
    kind: str
    flags: tuple[tuple[str, Literal], ...]
    module: str
    line: int

    def flag(self, name: str, default: Literal = None) -> Literal:
        for key, value in self.flags:
            if key == name:
                return value
        return default

    @property
    def short_name(self) -> str:
        return self.cls.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class Reach:
    """The modules that can arrive at a function. `complete` is True only when every source was
    followed to known classes; otherwise `layers` is what is known, not all that can come."""

    layers: tuple[LayerUse, ...]
    complete: bool
    sources: tuple[str, ...] = ()  # human-readable origins ("apply in pkg.model.Net")

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(u.kind for u in self.layers)

    def any_layer(self, predicate) -> Answer:
        """YES if a known layer satisfies `predicate`; NO only if the reach is complete."""
        if any(predicate(u) for u in self.layers):
            return Answer.YES
        return Answer.NO if self.complete else Answer.UNKNOWN

    def may_have_flag(self, name: str, value: Literal) -> Answer:
        """Can a layer built with `name=value` (e.g. `bias=False`) arrive?"""
        return self.any_layer(lambda u: (name, value) in u.flags)

    def narrow(self, index: "ProjectIndex", classes: Iterable[str]) -> "Reach":
        """Only the layers an `isinstance(m, classes)` branch lets through (subclasses included)."""
        wanted = tuple(classes)
        kept: list[LayerUse] = []
        complete = self.complete
        for use in self.layers:
            verdict = Answer.NO
            for cls in wanted:
                answer = index.is_subclass(use.cls, cls)
                if answer is Answer.YES:
                    verdict = Answer.YES
                    break
                if answer is Answer.UNKNOWN:
                    verdict = Answer.UNKNOWN
            if verdict is Answer.YES:
                kept.append(use)
            elif verdict is Answer.UNKNOWN:
                complete = False
        return Reach(tuple(kept), complete, self.sources)


UNKNOWN_REACH = Reach((), False)
# In `literals_for`: some call site leaves the parameter at its default value.
DEFAULT = ("<default>",)


def _layer_kind(cls: str) -> str:
    from initlint.analysis.layers import classify

    return classify(cls).value


def _is_not_a_layer(qualified: str) -> bool:
    return qualified.startswith(_NOT_LAYERS) or qualified in _BUILTINS


@dataclass
class _Tables:
    classes: dict[str, tuple[FileSummary, ClassSummary]] = field(default_factory=dict)
    functions: dict[str, tuple[FileSummary, FunctionSummary]] = field(default_factory=dict)
    subclasses: dict[str, list[str]] = field(default_factory=dict)
    referenced: dict[str, int] = field(default_factory=dict)


class ProjectIndex:
    """Summaries of a project's files, by path (relative to the root, '/'-separated) and module."""

    def __init__(
        self,
        summaries: dict[str, FileSummary],
        root: Optional[str] = None,
        digests: Optional[dict[str, str]] = None,
    ) -> None:
        self.root = root
        self.files: dict[str, FileSummary] = summaries
        # path → content digest of the text summarised (lets the linter reuse a summary)
        self.digests: dict[str, str] = digests or {}
        self.by_module: dict[str, FileSummary] = {}
        for path in sorted(summaries):
            summary = summaries[path]
            self.by_module.setdefault(summary.module, summary)
        self._tables: Optional[_Tables] = None
        self._paths_by_module: Optional[dict[str, str]] = None
        self._memo: dict[tuple, object] = {}
        self._digest: Optional[str] = None

    # -- identity ------------------------------------------------------------------------------
    def digest(self) -> str:
        """Changes whenever any summary changes (content hash of all facts)."""
        if self._digest is None:
            h = hashlib.blake2b(digest_size=16)
            for path in sorted(self.files):
                h.update(path.encode())
                h.update(self.files[path].module.encode())
                h.update((self.digests.get(path) or summary_digest(self.files[path])).encode())
            self._digest = h.hexdigest()
        return self._digest

    def with_file(self, path: str, summary: FileSummary, digest: str = "") -> "ProjectIndex":
        """The same project with one file's summary replaced (the linted text, after a fix)."""
        files = dict(self.files)
        files[path] = summary
        digests = dict(self.digests)
        digests[path] = digest
        return ProjectIndex(files, self.root, digests)

    def file_with_digest(self, module: str, digest: str) -> Optional[str]:
        """The path of the indexed file that is `module` with exactly this content, if any."""
        path = self.path_of_module(module)
        if path is not None and self.digests.get(path) == digest:
            return path
        return None

    def path_of_module(self, module: str) -> Optional[str]:
        if self._paths_by_module is None:
            self._paths_by_module = {}
            for path in sorted(self.files):
                self._paths_by_module.setdefault(self.files[path].module, path)
        return self._paths_by_module.get(module)

    def dependency_digest(self, path: str) -> str:
        """A digest of the facts a file's lint results can depend on: its own summary, the
        project modules it imports (transitively) and those that import it directly (their call
        sites, subclasses and apply sites). Editing an unrelated file leaves it unchanged."""
        summary = self.files.get(path)
        if summary is None:
            return ""
        modules = set(self._forward_closure(summary.module)) | set(self._importers().get(summary.module, ()))
        modules.add(summary.module)
        h = hashlib.blake2b(digest_size=12)
        for module in sorted(modules):
            other = self.path_of_module(module)
            if other is None:
                continue
            h.update(module.encode())
            h.update((self.digests.get(other) or summary_digest(self.files[other])).encode())
        return h.hexdigest()

    def imported_modules(self, summary: FileSummary) -> set[str]:
        """Project modules a file imports (by the longest module prefix of each import)."""
        out: set[str] = set()
        for _, target in summary.imports:
            parts = target.split(".")
            for cut in range(len(parts), 0, -1):
                module = ".".join(parts[:cut])
                if module in self.by_module:
                    out.add(module)
                    break
        out.discard(summary.module)
        return out

    def _forward_closure(self, module: str) -> frozenset[str]:
        key = ("forward", module)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        seen: set[str] = set()
        stack = [module]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            done = self._memo.get(("forward", current))
            if done is not None and current != module:
                seen |= done  # type: ignore[operator]
                continue
            stack.extend(self.imported_modules(self.by_module[current]))
        result = frozenset(seen)
        self._memo[key] = result
        return result

    def _importers(self) -> dict[str, list[str]]:
        key = ("importers",)
        if key not in self._memo:
            table: dict[str, list[str]] = {}
            for module, summary in self.by_module.items():
                for target in self.imported_modules(summary):
                    table.setdefault(target, []).append(module)
            self._memo[key] = table
        return self._memo[key]  # type: ignore[return-value]

    # -- tables --------------------------------------------------------------------------------
    @property
    def tables(self) -> _Tables:
        if self._tables is None:
            tables = _Tables()
            for summary in self.by_module.values():
                prefix = f"{summary.module}." if summary.module else ""
                for cls in summary.classes:
                    tables.classes[prefix + cls.qualname] = (summary, cls)
                for function in summary.functions:
                    tables.functions[prefix + function.qualname] = (summary, function)
                for name in summary.referenced_names:
                    tables.referenced[name] = tables.referenced.get(name, 0) + 1
            for qual, (summary, cls) in tables.classes.items():
                for base in cls.bases:
                    resolved = self.resolve(base) or base
                    tables.subclasses.setdefault(resolved, []).append(qual)
            self._tables = tables
        return self._tables

    def resolve(self, qualified: str) -> Optional[str]:
        """Follow re-exports (`from .norms import RMSNorm` in `__init__.py`) to the definition;
        None when the name is not defined in the project."""
        seen: set[str] = set()
        current = qualified
        while current not in seen:
            seen.add(current)
            tables = self.tables if self._tables is not None else None
            if tables is not None and (current in tables.classes or current in tables.functions):
                return current
            module, name = self._split(current)
            if module is None:
                return None
            summary = self.by_module[module]
            head, _, rest = name.partition(".")
            if tables is None:
                if any(c.qualname == name for c in summary.classes) or any(f.qualname == name for f in summary.functions):
                    return current
            imports = summary.import_map()
            if head not in imports:
                return None
            target = imports[head]
            current = f"{target}.{rest}" if rest else target
        return None

    def _split(self, qualified: str) -> tuple[Optional[str], str]:
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:cut])
            if module in self.by_module:
                return module, ".".join(parts[cut:])
        if "" in self.by_module and len(parts) >= 1:
            return None, qualified
        return None, qualified

    def class_(self, qualified: str) -> Optional[tuple[FileSummary, ClassSummary]]:
        resolved = self.resolve(qualified)
        return self.tables.classes.get(resolved) if resolved else None

    def function(self, qualified: str) -> Optional[tuple[FileSummary, FunctionSummary]]:
        resolved = self.resolve(qualified)
        return self.tables.functions.get(resolved) if resolved else None

    # -- classes -------------------------------------------------------------------------------
    def mro(self, qualified: str) -> tuple[list[str], bool]:
        """The class and its bases, depth first, resolved across files; `complete` is False when a
        base lies outside the project (a library class we cannot see into)."""
        order: list[str] = []
        complete = True
        stack = [qualified]
        while stack:
            current = stack.pop(0)
            resolved = self.resolve(current) or current
            if resolved in order:
                continue
            order.append(resolved)
            found = self.tables.classes.get(resolved)
            if found is None:
                if not resolved.startswith("torch.") and resolved not in ("object", "builtins.object"):
                    complete = False
                continue
            stack.extend(found[1].bases)
        return order, complete

    def is_subclass(self, cls: str, of: str) -> Answer:
        """Does `cls` (qualified) derive from `of` (qualified or a bare class name)?"""
        target = self.resolve(of) or of
        short = of.rsplit(".", 1)[-1]
        order, complete = self.mro(cls)
        for name in order:
            if name == target or (("." not in of) and name.rsplit(".", 1)[-1] == short):
                return Answer.YES
        torch_bases = [n for n in order if n.startswith("torch.")]
        if torch_bases and target.startswith("torch."):
            verdicts = {_torch_subclass(n, target) for n in torch_bases}
            if Answer.YES in verdicts:
                return Answer.YES
            if Answer.UNKNOWN in verdicts:
                return Answer.UNKNOWN
        if not complete:
            return Answer.UNKNOWN
        return Answer.NO

    def find_method(self, class_qual: str, method: str) -> Optional[str]:
        """The qualname of the method a `self.<method>` call on `class_qual` runs, via the bases."""
        order, _ = self.mro(class_qual)
        for name in order:
            found = self.tables.classes.get(name)
            if found and method in found[1].methods:
                return f"{name}.{method}"
        return None

    def subclasses(self, class_qual: str) -> list[str]:
        """All project classes deriving from `class_qual`, itself included."""
        out: list[str] = []
        stack = [self.resolve(class_qual) or class_qual]
        while stack:
            current = stack.pop()
            if current in out:
                continue
            out.append(current)
            stack.extend(self.tables.subclasses.get(current, ()))
        return out

    def layers_of(self, class_qual: str) -> Reach:
        """Every module a model of this class contains (itself, its layers, their layers...)."""
        key = ("layers_of", class_qual)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        self._memo[key] = Reach((), False)  # cycle guard
        uses: dict[tuple, LayerUse] = {}
        complete = True
        order, mro_complete = self.mro(class_qual)
        root = order[0] if order else class_qual
        found_root = self.tables.classes.get(root)
        uses[(root, (), "", 0)] = LayerUse(
            root, _layer_kind(root), (), found_root[0].module if found_root else "", found_root[1].line if found_root else 0
        )
        if not mro_complete:
            complete = False
        for name in order:
            found = self.tables.classes.get(name)
            if found is None:
                continue
            summary, cls = found
            for build in cls.layers:
                if build.from_parameter:
                    complete = False
                    continue
                qualified = self.resolve(build.cls) or build.cls
                if _is_not_a_layer(qualified) or (not build.resolved and build.cls in _BUILTINS):
                    continue
                if not build.resolved:
                    complete = False
                use = LayerUse(qualified, _layer_kind(qualified), build.flags, summary.module, build.line)
                uses[(qualified, build.flags, summary.module, build.line)] = use
                if qualified in self.tables.classes and qualified != name:
                    inner = self.layers_of(qualified)
                    for inner_use in inner.layers[1:]:
                        uses[(inner_use.cls, inner_use.flags, inner_use.module, inner_use.line)] = inner_use
                    complete = complete and inner.complete
                elif not qualified.startswith("torch."):
                    complete = False  # a library class: its own sublayers are unknown
        reach = Reach(tuple(uses.values()), complete, (f"layers of {class_qual}",))
        self._memo[key] = reach
        return reach

    # -- functions and their callers ----------------------------------------------------------
    def _scopes(self) -> Iterator[tuple[FileSummary, Optional[FunctionSummary], tuple[CallSite, ...], tuple[ApplySite, ...]]]:
        for summary in self.by_module.values():
            yield summary, None, summary.module_calls, summary.module_applies
            for function in summary.functions:
                yield summary, function, function.calls, function.applies

    def _qualify_local(self, summary: FileSummary, written: str) -> str:
        prefix = f"{summary.module}." if summary.module else ""
        return prefix + written

    def call_target(self, summary: FileSummary, caller: Optional[FunctionSummary], site: CallSite) -> Optional[str]:
        """The project function a call runs, when it can be told (`self.m()` through the bases,
        `super().m()` through the caller's class's bases, imported and local functions)."""
        callee = site.callee
        self_name = caller.params[0] if caller and caller.class_name and caller.params else None
        if caller and caller.class_name:
            class_qual = self._qualify_local(summary, caller.class_name)
            if self_name and callee.startswith(self_name + ".") and callee.count(".") == 1:
                return self.find_method(class_qual, callee.split(".", 1)[1])
            if callee.startswith("super()."):
                method = callee.split(".", 1)[1]
                order, _ = self.mro(class_qual)
                for name in order[1:]:
                    found = self.tables.classes.get(name)
                    if found and method in found[1].methods:
                        return f"{name}.{method}"
                return None
        target = site.target
        if target is None:
            return None
        resolved = self.resolve(target)
        if resolved in self.tables.functions:
            return resolved
        if resolved in self.tables.classes:
            return self.find_method(resolved, "__init__")
        # a function nested in the caller (closure helpers)
        if caller is not None:
            nested = self._qualify_local(summary, f"{caller.qualname}.{callee}")
            if nested in self.tables.functions:
                return nested
        return None

    def callers(self, function_qual: str) -> list[tuple[FileSummary, Optional[FunctionSummary], CallSite]]:
        """Every call site in the project that runs this function."""
        key = ("callers",)
        if key not in self._memo:
            table: dict[str, list] = {}
            for summary, caller, calls, _ in self._scopes():
                for site in calls:
                    target = self.call_target(summary, caller, site)
                    if target is not None:
                        table.setdefault(target, []).append((summary, caller, site))
            self._memo[key] = table
        return list(self._memo[key].get(function_qual, ()))  # type: ignore[union-attr]

    def apply_sites(self, function_qual: str) -> list[tuple[FileSummary, ApplySite, list[str]]]:
        """`.apply(...)` sites that pass this function, with the classes whose modules it visits
        (empty list: the receiver is not known)."""
        out = []
        found = self.tables.functions.get(function_qual)
        if found is None:
            return out
        _, function = found
        for summary, caller, _, applies in self._scopes():
            for site in applies:
                if site.is_method:
                    if site.function != function.name or site.receiver_class is None:
                        continue
                    base = self._qualify_local(summary, site.receiver_class)
                    receivers = [c for c in self.subclasses(base) if self.find_method(c, function.name) == function_qual]
                    if receivers:
                        out.append((summary, site, receivers))
                    continue
                target = None
                if caller is not None:
                    nested = self._qualify_local(summary, f"{caller.qualname}.{site.function}")
                    if nested in self.tables.functions:
                        target = nested
                    elif caller.class_name and "." not in site.function:
                        outer = caller.qualname.rsplit(".", 1)[0]
                        sibling = self._qualify_local(summary, f"{outer}.{site.function}")
                        if sibling in self.tables.functions and sibling != function_qual:
                            target = sibling
                if target is None:
                    qualified = dict(summary.imports).get(site.function.split(".")[0])
                    if qualified is not None:
                        rest = site.function.split(".", 1)[1] if "." in site.function else ""
                        target = self.resolve(f"{qualified}.{rest}" if rest else qualified)
                    else:
                        target = self.resolve(self._qualify_local(summary, site.function))
                if target != function_qual:
                    continue
                receivers = []
                if site.receiver_class:
                    receivers = [self.resolve(site.receiver_class) or site.receiver_class]
                    if caller is not None and caller.class_name and site.receiver == (caller.params[0] if caller.params else None):
                        receivers = self.subclasses(self._qualify_local(summary, caller.class_name))
                out.append((summary, site, receivers))
        return out

    def reaching(self, function_qual: str) -> Reach:
        """Which modules can arrive as this init function's module argument."""
        key = ("reaching", function_qual)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        self._memo[key] = UNKNOWN_REACH  # recursion guard
        found = self.tables.functions.get(function_qual)
        if found is None:
            return UNKNOWN_REACH
        summary, function = found
        uses: dict[tuple, LayerUse] = {}
        complete = True
        sources: list[str] = []
        any_source = False

        def add(reach: Reach, origin: str) -> None:
            nonlocal complete, any_source
            any_source = True
            sources.append(origin)
            for use in reach.layers:
                uses[(use.cls, use.flags, use.module, use.line)] = use
            complete = complete and reach.complete

        for site_summary, site, receivers in self.apply_sites(function_qual):
            if not receivers:
                add(UNKNOWN_REACH, f"{site_summary.module}:{site.line} apply on unknown receiver")
            for receiver in receivers:
                add(self.layers_of(receiver), f"apply on {receiver}")
        if function.class_name and function.name in APPLY_HOOKS:
            class_qual = self._qualify_local(summary, function.class_name)
            order, _ = self.mro(class_qual)
            if any(name.rsplit(".", 1)[-1] in _HOOK_BASES for name in order):
                for cls in self.subclasses(class_qual):
                    if self.find_method(cls, function.name) == function_qual:
                        add(self.layers_of(cls), f"framework hook on {cls}")
        position = 1 if function.class_name and function.params and "staticmethod" not in function.decorators else 0
        module_param = function.params[position] if len(function.params) > position else None
        for call_summary, caller, site in self.callers(function_qual):
            if module_param is None:
                break
            fact = site.argument(0, module_param)  # bound or plain calls pass the module first
            add(self._modules_from_argument(call_summary, caller, fact), f"call at {call_summary.module}:{site.line}")
        if not any_source:
            return UNKNOWN_REACH
        reach = Reach(tuple(uses.values()), complete, tuple(sources))
        self._memo[key] = reach
        return reach

    def _modules_from_argument(self, summary: FileSummary, caller: Optional[FunctionSummary], fact) -> Reach:
        if fact is None:
            return UNKNOWN_REACH
        if fact.kind == "self" and caller is not None and caller.class_name:
            return self.layers_of(self._qualify_local(summary, caller.class_name))
        if fact.kind == "self_attr" and caller is not None and caller.class_name and not fact.path:
            class_qual = self._qualify_local(summary, caller.class_name)
            order, _ = self.mro(class_qual)
            builds: list[LayerUse] = []
            complete = True
            for name in order:
                entry = self.tables.classes.get(name)
                if entry is None:
                    continue
                for build in entry[1].layers:
                    if build.attr == fact.value:
                        qualified = self.resolve(build.cls) or build.cls
                        if build.from_parameter or not build.resolved:
                            complete = False
                            continue
                        builds.append(LayerUse(qualified, _layer_kind(qualified), build.flags, entry[0].module, build.line))
                        if qualified in self.tables.classes:
                            inner = self.layers_of(qualified)
                            builds.extend(inner.layers)
                            complete = complete and inner.complete
            if not builds:
                return UNKNOWN_REACH
            return Reach(tuple(builds), complete)
        if fact.kind == "constructed":
            qualified = self.resolve(str(fact.value)) or str(fact.value)
            if qualified in self.tables.classes:
                return self.layers_of(qualified)
            return Reach((LayerUse(qualified, _layer_kind(qualified), (), summary.module, 0),), qualified.startswith("torch."))
        if fact.kind == "param" and caller is not None and not fact.path:
            return self.reaching(self._qualify_local(summary, caller.qualname))
        return UNKNOWN_REACH

    # -- what helpers initialize --------------------------------------------------------------
    def initialized_params(self, function_qual: str) -> dict[str, tuple[ParamInit, ...]]:
        """Parameter name → how the function (or a helper it hands the parameter to) initializes
        it. `call:` hand-offs are followed across files; unresolved hand-offs are dropped."""
        key = ("initialized", function_qual)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        self._memo[key] = {}
        found = self.tables.functions.get(function_qual)
        if found is None:
            return {}
        summary, function = found
        out: dict[str, list[ParamInit]] = {}
        for item in function.initializes:
            if not item.how.startswith("call:"):
                out.setdefault(item.param, []).append(item)
                continue
            written, _, slot = item.how[len("call:"):].rpartition("#")
            site = next((c for c in function.calls if c.callee == written and c.line == item.line), None)
            if site is None:
                continue
            target = self.call_target(summary, function, site)
            if target is None:
                continue
            inner_found = self.tables.functions.get(target)
            if inner_found is None:
                continue
            inner_fn = inner_found[1]
            offset = 1 if inner_fn.class_name and inner_fn.params and "staticmethod" not in inner_fn.decorators and inner_fn.name != "__init__" else 0
            if slot.isdigit():
                position = int(slot) + offset
                if position >= len(inner_fn.params):
                    continue
                inner_param = inner_fn.params[position]
            else:
                inner_param = slot
            inner = self.initialized_params(target)
            for inner_item in inner.get(inner_param, ()):
                if inner_item.path[: len(item.path)] == item.path or not item.path:
                    out.setdefault(item.param, []).append(
                        ParamInit(item.param, item.path + inner_item.path, inner_item.how, item.line)
                    )
        result = {k: tuple(v) for k, v in out.items()}
        self._memo[key] = result
        return result

    def literals_for(self, function_qual: str, param: str) -> tuple[frozenset, bool]:
        """The literal values call sites pass for `param`, and whether every call site passed a
        literal (False: some pass something computed, or a default is used somewhere)."""
        found = self.tables.functions.get(function_qual)
        if found is None:
            return frozenset(), False
        _, function = found
        if param not in function.params:
            return frozenset(), False
        index = function.params.index(param)
        values: set = set()
        complete = True
        callers = self.callers(function_qual)
        if not callers:
            return frozenset(), False
        for _, caller, site in callers:
            offset = 1 if function.class_name and "staticmethod" not in function.decorators else 0
            fact = site.argument(index - offset if index >= offset else None, param)
            if fact is None:
                complete = False if site.has_star else complete
                values.add(DEFAULT)
                continue
            if fact.kind == "literal":
                values.add(fact.value)
            else:
                complete = False
        return frozenset(values), complete

    # -- methods in use -----------------------------------------------------------------------
    def is_method_used(self, class_qual: str, method: str) -> Answer:
        """Is this method called or handed somewhere (self calls, apply, hooks, any reference)?
        NO only when its name is used nowhere in the project except in its own definition."""
        qual = f"{self.resolve(class_qual) or class_qual}.{method}"
        if self.callers(qual) or self.apply_sites(qual):
            return Answer.YES
        if method.startswith("__") and method.endswith("__"):
            return Answer.YES
        if method in SELF_HOOKS:
            return Answer.YES if method != "_init_weights" or self._is_hooked(class_qual) else Answer.UNKNOWN
        if self.tables.referenced.get(method, 0):
            return Answer.UNKNOWN
        return Answer.NO

    def _is_hooked(self, class_qual: str) -> bool:
        order, complete = self.mro(class_qual)
        return any(name.rsplit(".", 1)[-1] in _HOOK_BASES for name in order) or not complete

    # -- forward facts -------------------------------------------------------------------------
    def forward_uses(self, class_qual: str, attr: str) -> frozenset[str]:
        """How the class's methods (its own and inherited) use `self.<attr>`."""
        order, _ = self.mro(class_qual)
        uses: set[str] = set()
        for name in order:
            entry = self.tables.classes.get(name)
            if entry is None:
                continue
            summary, cls = entry
            prefix = f"{summary.module}." if summary.module else ""
            for method in cls.methods:
                found = self.tables.functions.get(f"{prefix}{cls.qualname}.{method}")
                if found is None:
                    continue
                for key, use in found[1].self_uses:
                    if key == attr:
                        uses.add(use)
        return frozenset(uses)


# torch.nn's own hierarchy, as far as isinstance dispatch in init code asks about it.
_TORCH_FAMILIES = {
    "_ConvNd": re.compile(r"^(?:Lazy)?Conv(?:Transpose)?[123]d$"),
    "_ConvTransposeNd": re.compile(r"^(?:Lazy)?ConvTranspose[123]d$"),
    "_BatchNorm": re.compile(r"^(?:Lazy)?BatchNorm[123]d$|^SyncBatchNorm$"),
    "_NormBase": re.compile(r"^(?:Lazy)?(?:Batch|Instance)Norm[123]d$|^SyncBatchNorm$"),
    "_InstanceNorm": re.compile(r"^(?:Lazy)?InstanceNorm[123]d$"),
    "Linear": re.compile(r"^(?:LazyLinear|NonDynamicallyQuantizableLinear)$"),
    "RNNBase": re.compile(r"^(?:RNN|LSTM|GRU)$"),
    "_LazyNormBase": re.compile(r"^Lazy(?:Batch|Instance)Norm[123]d$"),
}


def _torch_subclass(cls: str, of: str) -> Answer:
    """Is torch class `cls` an `of` (both qualified under torch)? By name: torch.nn re-exports the
    same class from several module paths."""
    mine, wanted = cls.rsplit(".", 1)[-1], of.rsplit(".", 1)[-1]
    if mine == wanted or wanted == "Module" and of.startswith("torch.nn"):
        return Answer.YES
    if mine == "Module":
        return Answer.NO
    family = _TORCH_FAMILIES.get(wanted)
    if family is not None and family.search(mine):
        return Answer.YES
    if cls.startswith("torch.nn.") and of.startswith("torch.nn."):
        return Answer.NO
    return Answer.UNKNOWN


def summary_digest(summary: FileSummary) -> str:
    """Deterministic across processes (sets are sorted; pickles of sets are not stable)."""
    stable = repr((summary.module, sorted(summary.referenced_names), replace(summary, referenced_names=frozenset())))
    return hashlib.blake2b(stable.encode(), digest_size=12).hexdigest()

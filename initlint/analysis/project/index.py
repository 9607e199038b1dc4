"""The project index: every file's `FileSummary`, and the cross-file questions rules ask of them.

Answers are three-valued (`Answer.YES/NO/UNKNOWN`) or carry a `complete` flag: a set of layers that
can reach an init function is only evidence of absence when `complete` is True (every source of
modules was followed to known classes). `Answer` refuses `bool()`, so an UNKNOWN can never slip
into an `if` as if it were NO.

Lazy by design, so that linting one file of a 3,000-file project stays fast: summaries may be
held as pickled bytes and are unpickled on first use, and every "who uses X" question first
narrows the files to those whose identifier list mentions X's name (a substring test over one
string per file) before reading any summary.
"""

from __future__ import annotations

import bisect
import builtins
import dataclasses
import enum
import hashlib
import os
import pickle
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Callable, Iterable, Iterator, Mapping, Optional, Union

from initlint.analysis.library import (
    INIT_WEIGHTS_FRAMEWORKS,
    MODULE_BASES,
    RECURRENT_LAYERS,
    TORCH_WEIGHT,
    lacks_weight_and_bias,
    calls_init_weights,
    framework_calls,
    is_test_name,
    is_test_module,
)
from initlint.analysis.project.summary import (
    REPEATED_BUILD,
    ApplySite,
    CallSite,
    DYNAMIC_CLASS,
    EVERY_MATRIX,
    LENIENT_LOAD,
    ClassSummary,
    FileSummary,
    FunctionSummary,
    LayerBuild,
    NOT_LITERAL,
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
# Standard-library bases that call no method of a subclass by name (dunders aside).
_STDLIB_BASES = ("typing.", "abc.", "collections.", "enum.", "dataclasses.", "builtins.", "contextlib.")
# Framework hooks: the framework calls these methods with every submodule of the model.
APPLY_HOOKS = frozenset({"_init_weights"})
# Base classes whose framework applies APPLY_HOOKS (transformers' post_init / init_weights).
HOOK_BASES = frozenset({"PreTrainedModel", "PreTrainedModelMixin", "ModelMixin"})
# Methods frameworks (or torch's own layers) call by name on the module itself.
SELF_HOOKS = frozenset({"reset_parameters", "_reset_parameters", "post_init"})
# Called by name only by some frameworks (library.calls_init_weights): a hook where such a base
# is in the class's bases, an ordinary method where the bases are all known and none is.
FRAMEWORK_HOOK = "init_weights"


# torch bases with no `.weight` of their own (a wrapper built on them has one only if it sets it)
_NO_WEIGHT_BASES = frozenset({"Module", "Sequential", "ModuleList", "ModuleDict", "Identity"})

# files_mentioning scans every file's names string; past this many queries in one index it
# builds an inverted table once (cheaper than thousands of scans, dearer than a few).
_SCANS_BEFORE_TABLE = 64


@dataclass(frozen=True)
class PaddingMask:
    """Where a model keeps its padded positions out of what it uses: `text` at `module`:`line`."""

    module: str
    line: int
    text: str  # the test or read, as written
    how: str = ""  # how it bears on the ids, when not directly

    def describe(self) -> str:
        return f"`{self.text}` at {self.module}:{self.line}" + (f", {self.how}" if self.how else "")


class Answer(enum.Enum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"

    def __bool__(self) -> bool:
        raise TypeError("Answer is three-valued: compare with Answer.YES / NO / UNKNOWN")


def _left_out_for_true(default: Literal, position: Optional[int], positional_count: int) -> bool:
    """A call that names no such keyword leaves this parameter to a default of True: no splat
    (`positional_count` >= 0) and fewer positional arguments than its position."""
    return default is True and positional_count >= 0 and (position is None or position >= positional_count)


def _pass_flags(use: "LayerUse", build: "LayerBuild") -> "LayerUse":
    """A layer its class builds with a flag from a constructor parameter (`bias=bias`), seen
    from one construction of that class: the literal that construction passes for the parameter
    (`Wrapper(..., bias=True)`) becomes the layer's flag; a construction that visibly leaves the
    parameter out (no splat, fewer positional arguments, not named) takes the constructor's
    default when that is True (`Wrapper(c)` with `affine: bool = True`); unknown values stay as
    they were. A default of False is not applied: saying less is the safe side of a guess."""
    if not use.param_flags:
        return use
    passed = dict(build.flags)
    flags = dict(use.flags)
    for keyword, param, position, default in use.param_flags:
        value = passed.get(param, NOT_LITERAL)
        if value == NOT_LITERAL and param not in build.keywords \
                and _left_out_for_true(default, position, build.positional_count):
            value = True
        if value != NOT_LITERAL and value is not None:
            flags[keyword] = value
    return dataclasses.replace(use, flags=tuple(flags.items()), param_flags=())


def _through_super(use: "LayerUse", subclass: Optional["ClassSummary"]) -> "LayerUse":
    """A layer a base class builds with a flag from its constructor's parameter, seen from a
    subclass: the subclass's `super().__init__(...)` decides the parameter: a literal it passes
    becomes the flag, its own parameter passed on (`affine=affine`) takes that parameter's
    position and default, one it leaves out takes the base's True default. Anything else (a
    deeper base, a splat, a positional pass) leaves the flag unknown."""
    super_init = subclass.super_init if subclass is not None else None
    flags = dict(use.flags)
    kept: list[tuple[str, str, Optional[int], Literal]] = []
    own = {name: (position, default) for name, position, default in subclass.init_params} if subclass else {}
    for keyword, param, position, default in use.param_flags:
        if super_init is None:
            kept.append((keyword, param, None, NOT_LITERAL))
            continue
        count, passes = super_init
        passed = next((p for p in passes if p[0] == param), None)
        if passed is not None:
            _, own_param, value = passed
            if own_param:
                kept.append((keyword, own_param, *own.get(own_param, (None, NOT_LITERAL))))
            elif isinstance(value, bool):
                flags[keyword] = value
        elif _left_out_for_true(default, position, count):
            flags[keyword] = True
    return dataclasses.replace(use, flags=tuple(flags.items()), param_flags=tuple(kept))


BUILT, BRANCH_OPEN, NOT_BUILT = "", "open", "not built"
_BUILT_RANK = {BUILT: 0, BRANCH_OPEN: 1, NOT_BUILT: 2}


def _keep(uses: dict, use: "LayerUse") -> None:
    """Add `use` by its key; of two uses of one build, the more built one stays."""
    known = uses.get(use.key)
    if known is None or _BUILT_RANK[use.branch] < _BUILT_RANK[known.branch]:
        uses[use.key] = use


def _passed_value(build: "LayerBuild", param: str, position: Optional[int], default: Literal) -> Literal:
    """The literal a construction gives its class's constructor parameter: passed by keyword or
    position, or the default it visibly leaves it to; NOT_LITERAL when not known."""
    for key, value in build.passed:
        if key == param or (position is not None and key == position):
            return value
    if param in build.keywords or build.positional_count < 0:
        return NOT_LITERAL
    if position is not None and position < build.positional_count:
        return NOT_LITERAL
    return default


def _pass_branch(use: "LayerUse", build: "LayerBuild") -> "LayerUse":
    """A layer its class builds under a branch on constructor parameters (`use.pending`), seen
    from one construction of that class: values the construction gives that take the branch
    make it built, values that all skip it make it NOT_BUILT; anything unknown leaves it."""
    if not use.pending:
        return use
    values = [(_passed_value(build, p, position, default), taking) for p, position, default, taking in use.pending]
    if any(v != NOT_LITERAL and v in taking for v, taking in values):
        branch = BUILT if use.branch != NOT_BUILT else NOT_BUILT
    elif all(v != NOT_LITERAL for v, _ in values):
        branch = NOT_BUILT
    else:
        branch = use.branch
    return dataclasses.replace(use, branch=branch, pending=())


@dataclass(frozen=True)
class LayerUse:
    """A module that can arrive somewhere: its class (qualified when resolved), layer kind
    (`norm`, `linear`, `conv`, `embedding`, `other`), literal flags it was built with, and where."""

    cls: str
    kind: str
    flags: tuple[tuple[str, Literal], ...]
    module: str
    line: int
    args: tuple[str, ...] = ()  # its in/out size arguments as written (`LayerBuild.args`)
    # flags its building class passes on from its own constructor's parameters
    # (`LayerBuild.param_flags`); emptied once the reach leaves that class
    param_flags: tuple[tuple[str, str, Optional[int], Literal], ...] = ()
    # whether it is built (`LayerBuild.branch`): BUILT, BRANCH_OPEN (under a test on a parameter
    # of a helper method that no construction decided) or NOT_BUILT (every way in passes values
    # that skip the branch); not part of `key`: the same build seen twice keeps the more built
    branch: str = ""
    # the building class's constructor parameters that decide the branch, still open:
    # (parameter, position, literal default, literals that take it); emptied like `param_flags`
    pending: tuple[tuple[str, Optional[int], Literal, tuple[Literal, ...]], ...] = ()
    positional_count: int = -1  # `LayerBuild.positional_count`: -1 when unknown

    def flag(self, name: str, default: Literal = None) -> Literal:
        for key, value in self.flags:
            if key == name:
                return value
        return default

    @property
    def short_name(self) -> str:
        return self.cls.rsplit(".", 1)[-1]

    @cached_property
    def key(self) -> tuple:  # (asked a million times by `_merge` in a large project)
        return (self.cls, self.flags, self.module, self.line)


@dataclass(frozen=True)
class Reach:
    """The modules that can arrive at a function. `complete` is True only when every source was
    followed to known classes; otherwise `layers` is what is known, not all that can come."""

    layers: tuple[LayerUse, ...]
    complete: bool
    sources: tuple[str, ...] = ()  # human-readable origins ("apply on pkg.model.Net")
    # Every way modules arrive was followed (apply sites with a known receiver, hooks, call
    # sites passing a known module): a project layer absent from `layers` cannot arrive, even
    # when `complete` is False because some class inside a known model could not be resolved.
    closed: bool = False

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(u.kind for u in self.layers)

    def any_layer(self, predicate: Callable[[LayerUse], bool]) -> Answer:
        """YES if a known layer satisfies `predicate`; NO only if the reach is complete."""
        if any(predicate(u) for u in self.layers):
            return Answer.YES
        return Answer.NO if self.complete else Answer.UNKNOWN

    def may_have_flag(self, name: str, value: Literal) -> Answer:
        """Can a layer built with `name=value` (e.g. `bias=False`) arrive?"""
        return self.any_layer(lambda u: (name, value) in u.flags)

    def includes_build(self, module: str, lines: Iterable[int]) -> Answer:
        """Can the layer built at `module` line N (one of `lines`) arrive? NO only when every
        source was followed (`closed`) and none brings that construction."""
        wanted = frozenset(lines)
        if any(u.module == module and u.line in wanted for u in self.layers):
            return Answer.YES
        return Answer.NO if self.closed else Answer.UNKNOWN

    def count(self, kinds: Iterable[str]) -> Optional[int]:
        """How many layers of these kinds (`linear`, `conv`...) can arrive, when that is known:
        None when the reach is not complete (a class it could not follow may hold more) or one
        of them is built in a loop or comprehension (it may exist any number of times)."""
        wanted = frozenset(kinds)
        found = [use for use in self.layers if use.kind in wanted]
        if not self.complete or any(use.flag(REPEATED_BUILD) for use in found):
            return None
        return len(found)

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
        return Reach(tuple(kept), complete, self.sources, self.closed)


UNKNOWN_REACH = Reach((), False)
# `held_by` follows at most this many building classes (a model's nesting is far shallower).
_HELD_BY_LIMIT = 200
# Argument facts that name the modules a call passes (see `_modules_from_argument`).
_KNOWN_ARGUMENTS = frozenset({"self", "self_attr", "constructed", "module_loop"})
# In `literals_for`: some call site leaves the parameter at its default value.
DEFAULT = ("<default>",)


@dataclass(frozen=True)
class OwnerInit:
    """`ProjectIndex.owner_init`: the owners' construction-time inits that overwrite a
    parameter (how, where), and the constructions of the class that none covers."""

    covered: tuple[str, ...]
    uncovered: tuple[str, ...]
    # where the project builds the class nowhere by name: owners in its module that build a
    # class chosen by name at run time (`eval(...)`) and overwrite the parameter afterwards
    by_name: tuple[str, ...] = ()

    @property
    def all_covered(self) -> bool:
        """Every construction the project holds is covered (and there is one)."""
        return bool(self.covered) and not self.uncovered


@dataclass(frozen=True)
class CheckpointFill:
    """`ProjectIndex.checkpoint_fill`: the checkpoint loads that fill a class's modules right
    after they are built (where, as text), and the constructions no load follows."""

    loads: tuple[str, ...]
    unloaded: tuple[str, ...]

    @property
    def always(self) -> bool:
        """Every construction the project holds is filled from a checkpoint (and there is one)
        that must hold every tensor (no `strict=False` load)."""
        return self.followed and self.lenient is None

    @property
    def followed(self) -> bool:
        """Every construction the project holds is followed by a checkpoint load, strict or not."""
        return bool(self.loads) and not self.unloaded

    @property
    def lenient(self) -> Optional[str]:
        """The first of those loads written `strict=False` (it fills only what the checkpoint
        holds); None when every load is strict."""
        return next((load for load in self.loads if _LENIENT_TEXT in load), None)


_LENIENT_TEXT = ", strict=False)`"


def _load_text(written: str) -> str:
    """`m.load_state_dict(...)` as a message shows it (`LENIENT_LOAD` spelled out)."""
    if written.endswith(LENIENT_LOAD):
        return f"`{written[: -len(LENIENT_LOAD)]}(...{_LENIENT_TEXT}"
    return f"`{written}(...)`"


def _merge(parts: Iterable[Reach], sources: Iterable[str] = ()) -> Reach:
    uses: dict[tuple, LayerUse] = {}
    complete = True
    origin = list(sources)
    for reach in parts:
        complete = complete and reach.complete
        origin.extend(reach.sources)
        for use in reach.layers:
            _keep(uses, use)
    return Reach(tuple(uses.values()), complete, tuple(dict.fromkeys(origin)))


@lru_cache(maxsize=None)
def _layer_kind(cls: str) -> str:
    """(Remembered: a model many classes derive from asks for the same classes thousands of
    times while its reach is followed.)"""
    from initlint.analysis.layers import classify

    return classify(cls).value


def _is_not_a_layer(qualified: str) -> bool:
    return qualified.startswith(_NOT_LAYERS) or qualified in _BUILTINS


ROW_INDEX_MARK = "row:"  # in a names string: `row:f` = f zeroes `w[param]` with no None check
BASE_MARK = "base:"  # in a names string: `base:B` = a class of the file has a base named `B`
WRAP_FACTORY_MARK = "wrap:"  # in a names string: `wrap:f` = f returns the layer it builds wrapped
GENERIC_LOADER_MARK = "gload:"  # in a names string: `gload:f` = f builds a class it is given, then loads it


# How many owners up `checkpoint_fill` follows a construction (a model's nesting is shallower;
# a cycle of owners is stopped by the memo's guard, and an answer cut short by this limit would
# be kept for every later question, so it is generous).
_FILL_DEPTH = 16
# Modules naming `weight_loader` that make a project an allocate-then-load inference engine.
_LOADER_CONVENTION_FILES = 3


def _load_following(summary: FileSummary, caller: Optional[FunctionSummary], line: int) -> Optional[str]:
    """The checkpoint load into the object assigned at `line` that follows it on the same path
    (`FunctionSummary.loaded_builds`, or the module's own), as "load (line N of module)"."""
    builds = caller.loaded_builds if caller is not None else summary.module_loaded_builds
    return next((
        f"{_load_text(written)} (line {at} of {summary.module})"
        for first, last, at, written in builds if first <= line <= last
    ), None)


_test_module = is_test_module


def names_string(summary: FileSummary) -> str:
    """The identifiers a file uses, as one string " a b c " for fast substring membership, plus
    marks no identifier can be (`_marked` reads them without unpickling a summary):
    `row:<name>` for each of its functions with an unguarded row index (`RowIndex`; a class's
    name for its `__init__`, which a call of the class runs), for `row_index_helpers`, and
    `base:<name>` for the last name of each of its classes' bases, for `direct_subclasses`, and
    `wrap:<name>` for each module-level layer factory that returns its layer wrapped
    (`FunctionSummary.returns_wrapped`), for `wrapping_factories`, and `gload:<name>` for each
    function that builds a class it is given and loads a checkpoint into it, for
    `generic_loaders`."""
    marks = {
        ROW_INDEX_MARK + (f.class_name.rsplit(".", 1)[-1] if f.name == "__init__" and f.class_name else f.name)
        for f in summary.functions
        if f.row_indexes
    }
    marks.update(BASE_MARK + base.rsplit(".", 1)[-1] for cls in summary.classes for base in cls.bases)
    marks.update(WRAP_FACTORY_MARK + f.name for f in summary.functions if f.returns_wrapped and not f.class_name)
    marks.update(GENERIC_LOADER_MARK + f.name for f in summary.functions if f.loaded_parameter_builds)
    return " " + " ".join(sorted(summary.referenced_names | marks)) + " "


def calls_string(summary: FileSummary) -> str:
    """The last names of everything a file calls, and `@name` for what it hands to `.apply`."""
    names: set[str] = set()
    for calls, applies in [(summary.module_calls, summary.module_applies)] + [
        (f.calls, f.applies) for f in summary.functions
    ]:
        names.update(site.callee.rsplit(".", 1)[-1] for site in calls)
        names.update("@" + site.function.rsplit(".", 1)[-1] for site in applies)
    return " " + " ".join(sorted(names)) + " "


class _Summaries(Mapping[str, FileSummary]):
    """path → FileSummary, unpickling stored bytes on first access."""

    def __init__(self, raw: Mapping[str, Union[FileSummary, bytes]]) -> None:
        self._raw = dict(raw)

    def __getitem__(self, path: str) -> FileSummary:
        value = self._raw[path]
        if isinstance(value, bytes):
            value = pickle.loads(value)
            self._raw[path] = value
        return value  # type: ignore[return-value]

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class _ByModule(Mapping[str, FileSummary]):
    def __init__(self, index: "ProjectIndex") -> None:
        self._index = index

    def __getitem__(self, module: str) -> FileSummary:
        return self._index.files[self._index.module_paths[module]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index.module_paths)

    def __len__(self) -> int:
        return len(self._index.module_paths)


# Re-exports followed before `resolve` gives up; real chains take a few hops.
_RESOLVE_HOPS = 32


class ProjectIndex:
    """Summaries of a project's files, by path (relative to the root, '/'-separated) and module.

    `summaries` values may be FileSummary objects or their pickled bytes; `modules` and `names`
    (path → module name, path → `names_string`) let the index answer without unpickling them.
    """

    def __init__(
        self,
        summaries: Mapping[str, Union[FileSummary, bytes]],
        root: Optional[str] = None,
        digests: Optional[Mapping[str, str]] = None,
        modules: Optional[Mapping[str, str]] = None,
        names: Optional[Mapping[str, str]] = None,
        imports: Optional[Mapping[str, tuple[tuple[str, str], ...]]] = None,
        calls: Optional[Mapping[str, str]] = None,
        fact_digests: Optional[Mapping[str, str]] = None,
    ) -> None:
        self.root = root
        self.files: Mapping[str, FileSummary] = _Summaries(summaries)
        self.digests: dict[str, str] = dict(digests or {})
        # Digests of each file's summary (its facts): what other files' results depend on, so
        # an edit that changes no fact (a comment, a docstring) invalidates only that file.
        self.fact_digests: dict[str, str] = dict(fact_digests or {})
        self.path_modules: dict[str, str] = dict(modules) if modules is not None else {
            path: self.files[path].module for path in self.files
        }
        self.names: dict[str, str] = dict(names) if names is not None else {
            path: names_string(self.files[path]) for path in self.files
        }
        self.imports: dict[str, tuple[tuple[str, str], ...]] = dict(imports) if imports is not None else {
            path: self.files[path].imports for path in self.files
        }
        self.calls: dict[str, str] = dict(calls) if calls is not None else {
            path: calls_string(self.files[path]) for path in self.files
        }
        self._import_maps: dict[str, dict[str, str]] = {}
        self._prefixes: dict[str, Optional[str]] = {}
        self.module_paths: dict[str, str] = {}
        for path in sorted(self.path_modules):
            self.module_paths.setdefault(self.path_modules[path], path)
        self.by_module: Mapping[str, FileSummary] = _ByModule(self)
        self._defs: dict[str, tuple[dict[str, ClassSummary], dict[str, FunctionSummary]]] = {}
        self._memo: dict[tuple, object] = {}
        self._star_depth = 0  # nesting of `resolve` through star imports (see `resolve`)
        self._root_name: object = False  # `_bare_root_name`, computed once
        self._digest: Optional[str] = None
        # answers asked hundreds of thousands of times when many classes share a base
        self._splits: dict[str, tuple[Optional[str], str]] = {}
        self._classes: dict[str, Optional[tuple[FileSummary, ClassSummary]]] = {}
        # `layers_of` keys being computed, and how often one was read (a partial answer)
        self._layers_pending: set[tuple] = set()
        self._partial_answers = 0

    # -- identity ------------------------------------------------------------------------------
    def digest_of(self, path: str) -> str:
        """The digest of the file's facts (its summary)."""
        digest = self.fact_digests.get(path)
        if not digest:
            digest = summary_digest(self.files[path])
            self.fact_digests[path] = digest
        return digest

    def digest(self) -> str:
        """Changes whenever any file's facts change."""
        if self._digest is None:
            h = hashlib.blake2b(digest_size=16)
            for path in sorted(self.path_modules):
                h.update(f"{path}\0{self.path_modules[path]}\0{self.digest_of(path)}\0".encode())
            self._digest = h.hexdigest()
        return self._digest

    def with_file(self, path: str, summary: FileSummary, digest: str = "") -> "ProjectIndex":
        """The same project with one file's summary replaced (the linted text, e.g. after a fix)."""
        raw = dict(self.files._raw)  # type: ignore[attr-defined]
        raw[path] = summary
        digests = dict(self.digests)
        digests[path] = digest or summary_digest(summary)
        fact_digests = dict(self.fact_digests)
        fact_digests[path] = summary_digest(summary)
        modules = dict(self.path_modules)
        modules[path] = summary.module
        names = dict(self.names)
        names[path] = names_string(summary)
        imports = dict(self.imports)
        imports[path] = summary.imports
        calls = dict(self.calls)
        calls[path] = calls_string(summary)
        return ProjectIndex(raw, self.root, digests, modules, names, imports, calls, fact_digests)

    def file_with_digest(self, module: str, digest: str) -> Optional[str]:
        """The path of the indexed file that is `module` with exactly this content, if any."""
        path = self.module_paths.get(module)
        if path is not None and self.digests.get(path) == digest:
            return path
        return None

    def path_of_module(self, module: str) -> Optional[str]:
        return self.module_paths.get(module)

    def summary_of_module(self, module: str) -> Optional[FileSummary]:
        path = self.module_paths.get(module)
        return self.files[path] if path is not None else None

    # -- which results depend on which files -----------------------------------------------------
    def import_map(self, module: str) -> dict[str, str]:
        """A module's imports (local name → qualified), without unpickling its summary."""
        found = self._import_maps.get(module)
        if found is None:
            path = self.module_paths.get(module)
            found = dict(self.imports.get(path, ())) if path is not None else {}
            self._import_maps[module] = found
        return found

    def imported_modules(self, module: str) -> set[str]:
        """Project modules a module imports (by the longest module prefix of each import)."""
        out: set[str] = set()
        for target in self.import_map(module).values():
            found = self._module_prefix(target)
            if found is not None:
                out.add(found)
        out.discard(module)
        return out

    def _module_prefix(self, target: str) -> Optional[str]:
        """The longest prefix of `target` that is a project module; remembered per target
        (files import the same names: the whole import graph is built for one file's cache key)."""
        try:
            return self._prefixes[target]
        except KeyError:
            pass
        found = None
        parts = target.split(".")
        for cut in range(len(parts), 0, -1):
            candidate = ".".join(parts[:cut])
            if candidate in self.module_paths:
                found = candidate
                break
        self._prefixes[target] = found
        return found

    def known_dependency_digests(self, digests: Mapping[str, str]) -> None:
        """Dependency digests computed by an earlier run for an index with this `digest()` (they
        are a function of it): a warm run need not rebuild the import graph."""
        self._memo[("dependencies",)] = dict(digests)

    def dependency_digests(self) -> dict[str, str]:
        """`dependency_digest` of every file."""
        return {path: self.dependency_digest(path) for path in self.path_modules}

    def dependency_digest(self, path: str) -> str:
        """A digest of the facts a file's lint results can depend on: its own summary, every
        project module it imports (transitively), and the modules that import it directly (their
        call sites, subclasses and apply sites). Editing an unrelated file leaves it unchanged."""
        known = self._memo.get(("dependencies",))
        if known is not None and path in known:  # type: ignore[operator]
            return known[path]  # type: ignore[index]
        if path not in self.path_modules:
            return ""
        module = self.path_modules[path]
        closure = self._closure_digests()
        h = hashlib.blake2b(digest_size=12)
        h.update(closure[module].encode())
        for importer in sorted(self._importers().get(module, ())):
            h.update(f"{importer}\0{self.digest_of(self.module_paths[importer])}\0".encode())
        return h.hexdigest()

    def _graph(self) -> dict[str, set[str]]:
        key = ("graph",)
        if key not in self._memo:
            self._memo[key] = {m: self.imported_modules(m) for m in self.module_paths}
        return self._memo[key]  # type: ignore[return-value]

    def _importers(self) -> dict[str, list[str]]:
        key = ("importers",)
        if key not in self._memo:
            table: dict[str, list[str]] = {}
            for module, targets in self._graph().items():
                for target in targets:
                    table.setdefault(target, []).append(module)
            self._memo[key] = table
        return self._memo[key]  # type: ignore[return-value]

    def _closure_digests(self) -> dict[str, str]:
        """module → digest of its own facts and of everything it imports, transitively: one
        Merkle pass over the strongly connected components of the import graph."""
        key = ("closure",)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        graph = self._graph()
        component: dict[str, int] = {}
        components: list[list[str]] = []
        for members in _strongly_connected(graph):
            for member in members:
                component[member] = len(components)
            components.append(sorted(members))
        digests: list[str] = []
        for number, members in enumerate(components):  # dependencies come first (Tarjan order)
            h = hashlib.blake2b(digest_size=12)
            deps: set[int] = set()
            for member in members:
                h.update(f"{member}\0{self.digest_of(self.module_paths[member])}\0".encode())
                deps.update(component[t] for t in graph[member])
            deps.discard(number)
            for dep in sorted(deps):
                h.update(digests[dep].encode())
            digests.append(h.hexdigest())
        result = {module: digests[component[module]] for module in graph}
        self._memo[key] = result
        return result

    # -- definitions ---------------------------------------------------------------------------
    def _definitions(self, module: str) -> tuple[dict[str, ClassSummary], dict[str, FunctionSummary]]:
        found = self._defs.get(module)
        if found is None:
            summary = self.summary_of_module(module)
            if summary is None:
                found = ({}, {})
            else:
                found = ({c.qualname: c for c in summary.classes}, {f.qualname: f for f in summary.functions})
            self._defs[module] = found
        return found

    def _split(self, qualified: str) -> tuple[Optional[str], str]:
        found = self._splits.get(qualified)
        if found is None:
            found = self._splits[qualified] = self._split_uncached(qualified)
        return found

    def _split_uncached(self, qualified: str) -> tuple[Optional[str], str]:
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:cut])
            if module in self.module_paths:
                return module, ".".join(parts[cut:])
        if "" in self.module_paths:  # a project whose root is itself a package's __init__
            return "", qualified
        return None, qualified

    def _bare_root_name(self) -> Optional[str]:
        """The root folder's name when the project is that folder itself, linted without a
        project file above it and holding no module of that name (a namespace package's
        directory): absolute imports of the package then start with this name."""
        if self._root_name is False:
            name = os.path.basename(str(self.root).rstrip("/\\")) if self.root is not None else None
            self._root_name = name if name and name.isidentifier() and name not in self.module_paths \
                and not any(m.startswith(name + ".") for m in self.module_paths) else None
        return self._root_name  # type: ignore[return-value]

    def resolve(self, qualified: str) -> Optional[str]:
        """Follow re-exports (`from .norms import RMSNorm` in `__init__.py`) to the definition;
        None when the name is not defined in the project."""
        key = ("resolve", qualified)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        self._memo[key] = None  # cycle guard: star imports that import each other
        seen: set[str] = set()
        current = qualified
        bare = self._bare_root_name()
        if bare is not None and qualified.startswith(bare + "."):
            # `invokeai.backend.x` inside a linted `invokeai/` without `__init__.py`: the index
            # names its modules from below the root (`backend.x`)
            current = qualified[len(bare) + 1:]
        result: Optional[str] = None
        # (the hop limit: `from .fast_dot import fast_dot` where `fast_dot` is a compiled
        # extension, not a module of the index, rewrites the name to a longer one on every hop,
        # `utils.fast_dot.fast_dot.fast_dot...`, which no `seen` set ever repeats)
        while current not in seen and len(seen) < _RESOLVE_HOPS:
            seen.add(current)
            module, name = self._split(current)
            if module is None:
                break
            classes, functions = self._definitions(module)
            if name in classes or name in functions:
                result = current
                break
            head, _, rest = name.partition(".")
            imports = self.import_map(module)
            target = imports.get(head)
            if target is None:
                # `from .layers import *`: a name the module does not bind may come from there
                stars = [f"{star}.{name}" for local, star in imports.items() if local.startswith("*")]
                if self._star_depth >= _RESOLVE_HOPS:
                    break  # star imports that re-export each other under ever longer names
                self._star_depth += 1
                try:
                    result = next((found for found in map(self.resolve, stars) if found is not None), None)
                finally:
                    self._star_depth -= 1
                break
            current = f"{target}.{rest}" if rest else target
        self._memo[key] = result
        return result

    def class_(self, qualified: str) -> Optional[tuple[FileSummary, ClassSummary]]:
        try:
            return self._classes[qualified]
        except KeyError:
            found = self._classes[qualified] = self._class_uncached(qualified)
            return found

    def _class_uncached(self, qualified: str) -> Optional[tuple[FileSummary, ClassSummary]]:
        resolved = self.resolve(qualified)
        if resolved is None:
            return None
        module, name = self._split(resolved)
        found = self._definitions(module)[0].get(name) if module is not None else None
        return (self.by_module[module], found) if found is not None and module is not None else None

    def function(self, qualified: str) -> Optional[tuple[FileSummary, FunctionSummary]]:
        resolved = self.resolve(qualified)
        if resolved is None:
            return None
        module, name = self._split(resolved)
        found = self._definitions(module)[1].get(name) if module is not None else None
        return (self.by_module[module], found) if found is not None and module is not None else None

    def qualify_local(self, summary: FileSummary, written: str) -> str:
        return f"{summary.module}.{written}" if summary.module else written

    def files_mentioning(self, name: str) -> list[str]:
        """Paths of files that use the identifier `name` (as a name, attribute or string)."""
        return self._files_with("mentions", self.names, name)

    def _files_with(self, table_name: str, words: Mapping[str, str], name: str) -> list[str]:
        """Paths whose words string (" a b c ") holds `name`, in path order."""
        table = self._memo.get((table_name,))
        if table is not None:
            return list(table.get(name, ()))  # type: ignore[union-attr]
        count = self._memo.get((table_name, "queries"), 0) + 1  # type: ignore[operator]
        self._memo[(table_name, "queries")] = count
        if count > _SCANS_BEFORE_TABLE:
            # Many queries (a file that many classes derive from): one inverted table instead
            # of a scan of every file's string per query.
            inverted: dict[str, list[str]] = {}
            for path, text in words.items():
                for word in set(text.split()):
                    inverted.setdefault(word, []).append(path)
            self._memo[(table_name,)] = inverted
            return list(inverted.get(name, ()))
        needle = f" {name} "
        return [path for path, text in words.items() if needle in text]

    def _marked(self, mark: str) -> dict[str, list[str]]:
        """name → paths (in path order) whose names string holds `<mark><name>`: one pass over
        the strings for each mark, then every query is a lookup (a scan of every file's string
        per query was a fifth of linting one model file in a 3,000-file project)."""
        key = ("marked", mark)
        table = self._memo.get(key)
        if table is None:
            table = {}
            needle = " " + mark
            for path, names in self.names.items():
                start = names.find(needle)
                while start >= 0:
                    end = names.index(" ", start + 1)
                    table.setdefault(names[start + len(needle) : end], []).append(path)
                    start = names.find(needle, end)
            self._memo[key] = table
        return table  # type: ignore[return-value]

    def row_index_helpers(self) -> frozenset[str]:
        """Short names of the project's functions that zero `w[param]` with no None check on
        `param` (`FunctionSummary.row_indexes`): a cheap filter before resolving a call."""
        return frozenset(self._marked(ROW_INDEX_MARK))

    def wrapping_factories(self) -> frozenset[str]:
        """Short names of the project's module-level functions that return the layer they build
        wrapped by weight norm or a parametrization: a file that calls one may lose an init."""
        return frozenset(self._marked(WRAP_FACTORY_MARK))

    def generic_loaders(self) -> tuple[str, ...]:
        """Functions that build whatever module class they are given (`model = model_class(
        **config)`) and load a checkpoint into it (`model.load_state_dict(sd, assign=True)`),
        each as "`name` (line N of module)": a model zoo's loader, through which classes the
        project never builds by name are built."""
        key = ("generic-loaders",)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        found: list[str] = []
        for name, paths in sorted(self._marked(GENERIC_LOADER_MARK).items()):
            for path in paths:
                summary = self.files[path]
                if _test_module(summary.module) or is_test_name(name):
                    continue  # a test's own loader builds fixtures, not the models users get
                for function in summary.functions:
                    if function.name == name and function.loaded_parameter_builds:
                        found.append(f"`{function.qualname}` (line {function.loaded_parameter_builds[0]} of {summary.module})")
        answer = tuple(found)
        self._memo[key] = answer
        return answer

    def files_calling(self, name: str) -> list[str]:
        """Paths of files with a call (or `.apply`) whose callee's last name is `name`."""
        return self._files_with("calls", self.calls, name)

    # -- classes -------------------------------------------------------------------------------
    def mro(self, qualified: str) -> tuple[list[str], bool]:
        """The class and its bases, depth first, resolved across files; `complete` is False when a
        base lies outside the project and torch (a library class we cannot see into)."""
        key = ("mro", qualified)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        order: list[str] = []
        complete = True
        stack = [qualified]
        while stack:
            current = stack.pop(0)
            resolved = self.resolve(current) or current
            if resolved in order:
                continue
            order.append(resolved)
            found = self.class_(resolved)
            if found is None:
                if not resolved.startswith("torch.") and resolved not in ("object", "builtins.object"):
                    complete = False
                continue
            stack.extend(found[1].bases)
        result = (order, complete)
        self._memo[key] = result
        return result

    def is_subclass(self, cls: str, of: str) -> Answer:
        """Does `cls` (qualified) derive from `of` (qualified or a bare class name)?"""
        target = self.resolve(of) or of
        bare = "." not in of
        order, complete = self.mro(cls)
        for name in order:
            if name == target or (bare and name.rsplit(".", 1)[-1] == of):
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

    def bases_hold_only_values(self, class_qual: str) -> bool:
        """Is every base of the class `nn.Module` or a project class that keeps only plain values
        on `self` (sizes, options: `ClassSummary.holds_only_values`)? Then the class's own
        parameters are all the parameters a model of it has, besides its sub-modules."""
        order, complete = self.mro(class_qual)
        if not complete:
            return False
        for name in order[1:]:
            found = self.class_(name)
            if found is None:
                if name not in MODULE_BASES and name not in ("object", "builtins.object"):
                    return False
            elif not found[1].holds_only_values:
                return False
        return True

    def has_weight(self, class_qual: str) -> Answer:
        """Do modules of this class have a `.weight`? YES when a torch base always has one
        (`TORCH_WEIGHT`) or a project class in its bases sets or defines `weight`; NO only when
        every base is known (project classes, `nn.Module` and torch's containers) and none
        does; UNKNOWN otherwise (a norm's weight depends on its flags, a library base is unseen,
        an attribute is set by a computed name)."""
        order, complete = self.mro(class_qual)
        for name in order:
            found = self.class_(name)
            if found is not None:
                attrs, methods = found[1].attrs, found[1].methods
                if "weight" in attrs or "weight" in methods:
                    return Answer.YES
                if "*" in attrs or "__getattr__" in methods:
                    complete = False  # set by a computed name, or looked up at run time
                continue
            short = name.rsplit(".", 1)[-1]
            if not name.startswith("torch."):
                continue  # unseen: `complete` is already False
            weight = TORCH_WEIGHT.get(short)
            if weight is True:
                return Answer.YES
            if weight == "affine" or (weight is None and short not in _NO_WEIGHT_BASES):
                complete = False
        return Answer.NO if complete else Answer.UNKNOWN

    def torch_base_without(self, class_qual: str, tensor: str) -> Optional[str]:
        """The torch.nn class (last name) this class derives from when modules of it certainly
        have no `<tensor>` (`weight`/`bias`) tensor: a base that lacks both
        (`lacks_weight_and_bias`: `class LSTM(nn.LSTM)`) and no class before it in the bases
        sets or defines the name, or sets attributes by computed names. None otherwise (a
        base outside the project and torch, a torch layer that has the tensor)."""
        order, complete = self.mro(class_qual)
        if not complete:
            return None
        for name in order:
            found = self.class_(name)
            if found is not None:
                attrs, methods = found[1].attrs, found[1].methods
                if tensor in attrs or tensor in methods or "*" in attrs or "__getattr__" in methods:
                    return None
                continue
            short = name.rsplit(".", 1)[-1]
            if name.startswith("torch.nn.") and lacks_weight_and_bias(short) and short not in _NO_WEIGHT_BASES:
                return short
            if not (name.startswith("torch.") and short in _NO_WEIGHT_BASES):
                return None
        return None

    def find_method(self, class_qual: str, method: str) -> Optional[str]:
        """The qualname of the method a `self.<method>` call on `class_qual` runs, via the bases."""
        order, _ = self.mro(class_qual)
        for name in order:
            found = self.class_(name)
            if found and method in found[1].methods:
                return f"{name}.{method}"
        return None

    def direct_subclasses(self, class_qual: str) -> list[str]:
        key = ("subclasses", class_qual)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        short = class_qual.rsplit(".", 1)[-1]
        needle = f" {short} "
        out: list[str] = []
        # files with a base of that last name that mention it (= files_mentioning(short)
        # narrowed to those where the test below can hold)
        for path in self._marked(BASE_MARK).get(short, ()):
            if needle not in self.names[path]:
                continue
            summary = self.files[path]
            for cls in summary.classes:
                if any(base.rsplit(".", 1)[-1] == short and (self.resolve(base) or base) == class_qual for base in cls.bases):
                    out.append(self.qualify_local(summary, cls.qualname))
        self._memo[key] = out
        return out

    def subclasses(self, class_qual: str) -> list[str]:
        """All project classes deriving from `class_qual`, itself included."""
        out: list[str] = []
        seen: set[str] = set()
        stack = [self.resolve(class_qual) or class_qual]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            out.append(current)
            stack.extend(self.direct_subclasses(current))
        return out

    def layers_of(self, class_qual: str, skip: frozenset[tuple[str, int]] = frozenset()) -> Reach:
        """Every module a model of this class contains (itself, its layers, their layers...).
        `skip`: (module, line) of constructions in the class's own bodies to leave out."""
        key = ("layers_of", class_qual, skip)
        if key in self._memo:
            if key in self._layers_pending:
                self._partial_answers += 1  # the caller's answer may differ once this is done
            return self._memo[key]  # type: ignore[return-value]
        self._memo[key] = UNKNOWN_REACH  # cycle guard
        self._layers_pending.add(key)
        uses: dict[tuple, LayerUse] = {}
        order, complete = self.mro(class_qual)
        root = order[0] if order else class_qual
        found_root = self.class_(root)
        own = LayerUse(root, _layer_kind(root), (), found_root[0].module if found_root else "",
                       found_root[1].line if found_root else 0)
        uses[own.key] = own
        for position, name in enumerate(order):
            found = self.class_(name)
            if found is None:
                continue
            summary, cls = found
            for build in cls.layers:
                if (summary.module, build.line) in skip:
                    continue
                if position and self._built_in_overridden_method(order[:position], name, summary, build.line):
                    continue  # a base's `setup()` the class replaces: its layers are never built here
                reach = self._build_reach(summary, build)
                complete = complete and reach.complete
                branch, pending = self._branch_condition(summary, cls, build) if build.branch else (BUILT, ())
                for use in reach.layers:
                    if name != root and use.param_flags:
                        use = _through_super(use, found_root[1] if found_root and name == order[1] else None)
                    if branch != BUILT or pending:
                        use = dataclasses.replace(
                            use, branch=max(use.branch, branch, key=_BUILT_RANK.__getitem__),
                            pending=pending if name == root and use.branch != NOT_BUILT else (),
                        )
                    _keep(uses, use)
        reach = Reach(tuple(uses.values()), complete, (f"layers of {class_qual}",))
        self._memo[key] = reach
        self._layers_pending.discard(key)
        return reach

    def _branch_condition(self, summary: FileSummary, cls: ClassSummary, build: LayerBuild
                          ) -> tuple[str, tuple[tuple[str, Optional[int], Literal, tuple[Literal, ...]], ...]]:
        """Whether a build under `if <param> == <literal>:` (`build.branch`) happens, in terms of
        the class's constructor: (BUILT, ()) when a literal that takes the branch reaches it,
        (NOT_BUILT, ()) when only literals that skip it do, else the constructor parameters
        that decide it (`LayerUse.pending`) with BUILT for a test in `__init__` and BRANCH_OPEN
        for one in a helper method (`self._norm_layer(norm, d)` in `__init__`)."""
        function, param, taking = build.branch
        init = f"{cls.qualname}.__init__"
        defaults = {name: (position, default) for name, position, default in cls.init_params}
        if function == init:
            position, default = defaults.get(param, (None, NOT_LITERAL))
            return BUILT, ((param, position, default, taking),)
        method = function[len(cls.qualname) + 1:] if function.startswith(cls.qualname + ".") else ""
        helper = next((f for f in summary.functions if f.qualname == function), None)
        if not method or "." in method or helper is None or param not in helper.params:
            return BRANCH_OPEN, ()
        index = helper.params.index(param) - (1 if helper.is_method else 0)
        options: list = []
        for caller in summary.functions:
            for site in caller.calls:
                head, _, name = site.callee.rpartition(".")
                if name != method or head not in (caller.params[:1] + (cls.name,) if caller.params else (cls.name,)):
                    continue
                if caller.qualname != init:
                    return BRANCH_OPEN, ()  # also built outside the constructor
                fact = site.argument(index if index >= 0 else None, param)
                if fact is not None and fact.kind == "literal":
                    options.append(fact.value)
                elif fact is not None and fact.kind == "param" and fact.value in defaults:
                    options.append((fact.value, *defaults[fact.value], taking))
                else:
                    return BRANCH_OPEN, ()
        literals = [o for o in options if not isinstance(o, tuple)]
        if any(v in taking for v in literals):
            return BUILT, ()
        pending = tuple(o for o in options if isinstance(o, tuple))
        return (NOT_BUILT, ()) if options and not pending else (BRANCH_OPEN, pending)

    def stacks(self, reach: Reach) -> list[tuple[str, str, str, str, int]]:
        """(class, attribute, sizes as written, module, line) of the parameter stacks
        (`ClassSummary.stacks`) that the modules of `reach` create, their own classes' or
        inherited: what a loop over every parameter of the model reaches with 3-D tensors."""
        found: dict[tuple[str, str], tuple[str, str, str, str, int]] = {}
        for use in reach.layers:
            if use.branch == NOT_BUILT:
                continue
            for name in self.mro(use.cls)[0]:
                located = self.class_(name)
                if located is None:
                    continue
                summary, cls = located
                for attr, shape, line in cls.stacks:
                    found.setdefault((use.cls, attr), (use.cls, attr, shape, summary.module, line))
        return list(found.values())

    def empty_vectors(self, reach: Reach, own: str) -> list[tuple[str, str]]:
        """(class, attribute) of the 1-D parameters made from uninitialized memory that the
        modules of `reach` hold and that no code of their own class fills
        (`ClassSummary.empty_vectors`): a class other than `own` whose methods loop over all of
        its parameters fills them itself."""
        found: list[tuple[str, str]] = []
        for use in reach.layers:
            if use.branch == NOT_BUILT:
                continue
            for name in self.mro(use.cls)[0]:
                located = self.class_(name)
                if located is None or not located[1].empty_vectors:
                    continue
                summary, cls = located
                if use.cls != own and any(
                    f.blanket_inits for f in summary.functions if f.class_name == cls.qualname
                ):
                    continue
                found.extend((cls.name, attr) for attr in cls.empty_vectors if (cls.name, attr) not in found)
        return found

    def constructions(self, class_qual: str, module: Optional[str] = None) -> Reach:
        """Where the project builds this class or a subclass inside a class body (in `module`
        only, when given): those layers, with their flags and size arguments. Never complete:
        constructions outside class bodies are not recorded."""
        key = ("constructions", class_qual, module)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        uses = [
            LayerUse(qualified, _layer_kind(qualified), build.flags, summary.module, build.line, build.args)
            for summary, _, build, qualified in self._class_body_builds(class_qual, module)
        ]
        reach = Reach(tuple(uses), False, (f"constructions of {class_qual}",))
        self._memo[key] = reach
        return reach

    def _class_body_builds(self, class_qual: str, module: Optional[str] = None) -> Iterator[tuple[FileSummary, ClassSummary, LayerBuild, str]]:
        """(file, building class, construction, qualified class built) for every construction
        of this class or a subclass in a class body (in `module` only, when given)."""
        wanted = set(self.subclasses(class_qual))
        for short in sorted({w.rsplit(".", 1)[-1] for w in wanted}):
            for path in self.files_mentioning(short):
                if module is not None and self.path_modules.get(path) != module:
                    continue
                summary = self.files[path]
                for cls in summary.classes:
                    for build in cls.layers:
                        if build.from_parameter or build.cls.rsplit(".", 1)[-1] != short:
                            continue
                        written = build.cls if build.resolved else self.qualify_local(summary, build.cls)
                        qualified = self.resolve(written) or written
                        if qualified in wanted:
                            yield summary, cls, build, qualified

    def build_owner(self, module: str, line: int) -> Optional[tuple[str, str]]:
        """(class, attribute) of the `self.<attr> = Layer(...)` construction at `module`:`line`."""
        summary = self.summary_of_module(module)
        if summary is None:
            return None
        for klass in summary.classes:
            for build in klass.layers:
                if build.line == line and build.attr:
                    return (f"{module}.{klass.qualname}" if module else klass.qualname), build.attr
        return None

    def masks_padding_here_or_above(self, class_qual: str, attr: str, depth: int = 3) -> Optional[PaddingMask]:
        """`masks_padding`, or, when the class itself does not mask, evidence that every class
        building it (`self.encoder = TokenEncoder(...)`, in a class body) masks the padded ids
        it feeds to that sub-module (`self.encoder(ids)` beside `ids.eq(self.pad_id)`), up to
        `depth` levels of holders. None when some holder does not, or none is known."""
        found = self.masks_padding(class_qual, attr)
        if found is not None or depth == 0:
            return found
        evidence: Optional[PaddingMask] = None
        for summary, builder, build, _ in self._class_body_builds(class_qual):
            if not build.attr:
                return None
            holder = self.qualify_local(summary, builder.qualname)
            mask = self.masks_padding_here_or_above(holder, build.attr, depth - 1)
            if mask is None:
                return None
            evidence = evidence or mask
        return evidence

    def masks_padding(self, class_qual: str, attr: str) -> Optional[PaddingMask]:
        """Evidence that a model of this class keeps the padded positions of the ids it feeds
        to `self.<attr>` (an embedding with a padding row) out of what it uses, so a random
        padding row is harmless: a method that feeds ids to `self.<attr>` also tests those ids
        for padding (`ids.gt(0)`, `ids == 0`, `ids != self.padding_idx`), hands them to a method
        of the class or its bases that does (`self.get_attention_mask(ids)`), or, in a model with
        a recurrent layer, reads each sequence at its own last step (`gather(x, lengths - 1)`).
        None when there is none, or when a method of the class reads the batch's last step
        `x[:, -1]` (padding, for the shorter sequences of a right-padded batch). A mask parameter
        that method reads is evidence too: a required one (`forward(self, input_ids,
        input_mask)`: no call runs it without one) and an optional one (`attention_mask=None`),
        which callers of padded batches pass (three held-out reviews judged the random row
        harmless there: without the mask, padded positions are attended whatever the row holds)."""
        key = ("masks_padding", class_qual, attr)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        self._memo[key] = None
        found = self.class_(class_qual)
        if found is None:
            return None
        klass = found[1]
        order, _ = self.mro(class_qual)
        methods = [f"{class_qual}.{m}" for m in klass.methods]
        if "forward" not in klass.methods:
            inherited = self.find_method(class_qual, "forward")
            if inherited is not None:
                methods.append(inherited)
        located_methods = [hit for qual in methods if (hit := self.function(qual)) is not None]
        if any(function.last_steps for _, function in located_methods):
            return None
        recurrent: Optional[bool] = None
        evidence: Optional[PaddingMask] = None
        for summary, function in located_methods:
            ids = {name for fed, name in function.fed if fed == attr}
            if not ids:
                continue
            test = next((t for t in function.pad_tests if t.name in ids), None)
            if test is not None:
                evidence = PaddingMask(summary.module, test.line, test.text)
                break
            for callee, name in function.fed:
                helper = self.find_method(class_qual, callee) if name in ids and callee != attr else None
                located = self.function(helper) if helper is not None else None
                if located is None or not located[1].is_method or len(located[1].params) < 2:
                    continue
                param = located[1].params[1]
                test = next((t for t in located[1].pad_tests if t.name == param), None)
                if test is not None:
                    evidence = PaddingMask(located[0].module, test.line, test.text, f"in `self.{callee}({name})`")
                    break
            if evidence is None and function.required_masks:
                mask = function.required_masks[0]
                evidence = PaddingMask(
                    summary.module, function.line, f"{function.name}(..., {mask})",
                    f"a mask every call must pass beside the ids it feeds to `self.{attr}`",
                )
            if evidence is None and function.optional_masks:
                mask = function.optional_masks[0]
                evidence = PaddingMask(
                    summary.module, function.line, f"{function.name}(..., {mask}=...)",
                    f"a mask the model applies whenever a caller passes one beside the ids it "
                    f"feeds to `self.{attr}`",
                )
            if evidence is None and function.len_gathers:
                if recurrent is None:
                    recurrent = any(
                        b.cls in RECURRENT_LAYERS for c in order if (f := self.class_(c)) is not None for b in f[1].layers
                    )
                if recurrent:
                    line, text = function.len_gathers[0]
                    evidence = PaddingMask(summary.module, line, text, "each sequence read at its own last step after a recurrent layer")
            if evidence is not None:
                break
        self._memo[key] = evidence
        return evidence

    def module_padding_masked(self, module: str) -> Optional[PaddingMask]:
        """`masks_padding` for every embedding that the classes of `module` build with a padding
        row (`padding_idx` given, not a literal None): the evidence for the first when each one
        has some, None when one has none (or the module builds none)."""
        summary = self.summary_of_module(module)
        evidence: Optional[PaddingMask] = None
        for klass in summary.classes if summary is not None else ():
            for build in klass.layers:
                if build.attr is None or _layer_kind(build.cls) != "embedding":
                    continue
                if dict(build.flags).get("padding_idx") is None:
                    continue
                owner = f"{module}.{klass.qualname}" if module else klass.qualname
                mask = self.masks_padding(owner, build.attr)
                if mask is None:
                    return None
                evidence = evidence or mask
        return evidence

    def _holders_with_base(self, class_qual: str, owner_suffix: str) -> Iterator[str]:
        """The classes found building this one (directly or through the classes that build it,
        in class bodies) that have a base whose name ends with `owner_suffix`, lazily, in the
        order the walk up the builders meets them (at most `_HELD_BY_LIMIT` classes visited)."""
        seen: set[str] = set()
        pending = [self.resolve(class_qual) or class_qual]
        while pending and len(seen) < _HELD_BY_LIMIT:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            for summary, builder, _, _ in self._class_body_builds(current):
                owner = self.qualify_local(summary, builder.qualname)
                if any(name.rsplit(".", 1)[-1].endswith(owner_suffix) for name in self.mro(owner)[0]):
                    yield owner
                else:
                    pending.append(owner)

    def holders_with_base(self, class_qual: str, owner_suffix: str) -> list[str]:
        """Every class `_holders_with_base` finds: the models a `held_by` YES rests on."""
        return list(dict.fromkeys(self._holders_with_base(class_qual, owner_suffix)))

    def held_by(self, class_qual: str, owner_suffix: str) -> Answer:
        """Is a module of this class built, directly or through the classes that build it, by a
        class with a base whose name ends with `owner_suffix` (`PreTrainedModel`: transformers'
        base or a `<Name>PreTrainedModel`)? YES when such a chain of class-body constructions
        exists; otherwise UNKNOWN, never NO: constructions in plain functions (`build_blocks()`)
        are not recorded. Stops at the first holder found."""
        key = ("held_by", class_qual, owner_suffix)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        found = next(self._holders_with_base(class_qual, owner_suffix), None)
        answer = Answer.YES if found is not None else Answer.UNKNOWN
        self._memo[key] = answer
        return answer

    def init_cfg_owners(self, class_qual: str) -> list[str]:
        """`Owner.attr` for every construction of this class (or a subclass) in a class body,
        when each one is stored in an attribute its owner's OpenMMLab `init_cfg` overrides by
        name and the owner derives from a base whose framework runs `init_weights` (mmengine's
        `initialize` then sets that sub-module's `weight` and `bias`). Empty when any recorded
        construction is not covered, or none is recorded."""
        wanted = set(self.subclasses(class_qual))
        owners: list[str] = []
        for short in sorted({w.rsplit(".", 1)[-1] for w in wanted}):
            for path in self.files_mentioning(short):
                summary = self.files[path]
                for cls in summary.classes:
                    for build in cls.layers:
                        if build.from_parameter or build.cls.rsplit(".", 1)[-1] != short:
                            continue
                        written = build.cls if build.resolved else self.qualify_local(summary, build.cls)
                        if (self.resolve(written) or written) not in wanted:
                            continue
                        owner = self.qualify_local(summary, cls.qualname)
                        order, _ = self.mro(owner)
                        if build.attr not in cls.init_cfg_overrides or not any(
                            calls_init_weights(name) for name in order
                        ):
                            return []
                        owners.append(f"{owner}.{build.attr}")
        return owners

    def handed_in_module_inits(self, dims: Optional[int], attr: Optional[str] = None) -> tuple[str, ...]:
        """Loops anywhere in the project over the parameters of `self.<sub>` that initialize
        every one of them (or every one of `dims` >= 2 dimensions, `if p.dim() > 1:`), where the
        class (or a base) stores `self.<sub>` straight from a constructor argument: a model
        handed in (a Lightning module's `self.torch_model`), whose contents are not known here,
        so any class may be under it. A sub-module built by a call (a registry's `build(cfg)`)
        is not handed in: what it holds is that call's business, not any class's."""
        key = ("handed_in_module_inits", dims is not None and dims >= 2, attr)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        found: list[str] = []
        for path in sorted(self.files):
            summary = self.files[path]
            handed: dict[str, set[str]] = {}
            for function in summary.functions:
                if not function.class_name or not (function.submodule_inits or function.calls):
                    continue
                if function.class_name not in handed:
                    handed[function.class_name] = self._handed_in_attrs(self.qualify_local(summary, function.class_name))
                if not handed[function.class_name]:
                    continue
                for line, sub, words in function.submodule_inits:
                    if sub not in handed[function.class_name]:
                        continue  # built by the class (or by a call we cannot see into)
                    if "" in words or (EVERY_MATRIX in words and key[1]):
                        found.append(f"`{function.qualname}` (a loop over the parameters of "
                                     f"`self.{sub}` at line {line} of {summary.module})")
                if attr is None or not function.is_method:
                    continue
                for site in function.calls:  # `initialize_weights(self.model)` (ts3l)
                    for sub in handed[function.class_name]:
                        how = self._hands_to_param_loop(summary, function, site, sub, (attr,), dims)
                        if how is not None:
                            found.append(f"`{function.qualname}` ({how})")
        answer = tuple(found)
        self._memo[key] = answer
        return answer

    def _handed_in_attrs(self, class_qual: str) -> set[str]:
        """Sub-modules the class (or a base) stores straight from an argument
        (`self.torch_model = torch_model`, `ClassSummary.stored_arguments`) and builds nowhere."""
        order, _ = self.mro(class_qual)
        stored: set[str] = set()
        built: set[str] = set()
        for name in order:
            entry = self.class_(name)
            if entry is not None:
                stored.update(entry[1].stored_arguments)
                # `self.model = model_class(...)`: built from a class it is given, any class
                stored.update(b.attr for b in entry[1].layers if b.attr and b.from_parameter)
                built.update(b.attr for b in entry[1].layers if b.attr and not b.from_parameter)
        return stored - built

    def owner_init(self, class_qual: str, attr: str, layer: Optional[str] = None,
                   tensor: str = "weight", dims: Optional[int] = None) -> "OwnerInit":
        """What the owners of this class (classes whose construction builds it, found in the
        project) do to its parameter `self.<attr>` at construction, after building it: an
        unfiltered loop over `self.parameters()` / `named_parameters()` overwrites every
        parameter below the owner, and `self.apply(fn)` overwrites `<module>.<attr>` when `fn`
        writes it (under an `isinstance` test naming this class, or none), or, with `layer`
        given (the class of the layer `self.<attr>` holds), `<module>.<tensor>` under an
        `isinstance` test naming that layer class or a base of it. An owner that does neither
        is covered when all of its own owners are. Constructions outside class bodies (plain
        functions, module level) are uncovered. Both lists empty: the project builds the class
        nowhere that we can see. `dims`: how many dimensions the tensor has, when known (a loop
        that initializes only tensors of two or more dimensions covers a matrix)."""
        qualified = self.resolve(class_qual) or class_qual
        path = (attr,) if layer is None else (attr, tensor)
        return self._owner_init(qualified, qualified, attr, layer, tensor, 0, path, dims)

    def _owner_init(self, holder: str, built: str, attr: str, layer: Optional[str], tensor: str,
                    depth: int, path: Optional[tuple[str, ...]] = None,
                    dims: Optional[int] = None) -> "OwnerInit":
        """`path`: the attribute names from a `holder` module down to the tensor (`rnn`,
        `weight_ih`), None where a step is not an attribute (a list, a Sequential)."""
        key = ("owner_init", holder, built, attr, layer, tensor, path, dims)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        self._memo[key] = OwnerInit((), ())  # cycle guard: an owner chain that loops covers nothing
        covered: list[str] = []
        uncovered: list[str] = []
        for summary, cls, build, _ in self._class_body_builds(holder):
            owner = self.qualify_local(summary, cls.qualname)
            where = f"`{owner}` (line {build.line} of {summary.module})"
            if owner == holder:
                continue  # a class building itself (a recursive tree) says nothing about owners
            how = self._owner_redraws(owner, summary, build, attr, layer, tensor, built, path, dims)
            if how is not None:
                covered.append(how)
                continue
            longer = (build.attr, *path) if build.attr and path is not None else None
            above = self._owner_init(owner, built, attr, layer, tensor, depth + 1, longer, dims) if depth < 4 else OwnerInit((), ())
            if above.covered and not above.uncovered:
                covered.extend(above.covered)
            else:
                uncovered.append(where)
        for summary, caller, site in self._function_constructions(holder):
            name = caller.qualname if caller is not None else "module level"
            uncovered.append(f"`{name}` (line {site.line} of {summary.module})")
        by_name: list[str] = []
        if not covered and not uncovered:
            by_name = self._by_name_owners(holder, built, attr, layer, tensor, path)
        answer = OwnerInit(tuple(dict.fromkeys(covered)), tuple(dict.fromkeys(uncovered)), tuple(by_name))
        self._memo[key] = answer
        return answer

    def checkpoint_fill(self, class_qual: str, line: Optional[int] = None) -> CheckpointFill:
        """Is every module of this class filled from a checkpoint as soon as it is built? A
        construction is filled when a checkpoint load into the built object follows it on the
        same path (`m = Cls(...)` then `m.load_state_dict(sd)` / `load_checkpoint(m, f)`, not
        under an `if` the construction is outside of, not `strict=False`), when the owner that
        builds it loads one into itself afterwards while it is built (`__init__(self, cfg, sd)`
        ending in `self.load_state_dict(sd)`), or, when the owner's construction builds it, when
        every construction of the owner is filled in turn. `line`: where this class's own
        construction creates the tensor in question; a load into the module in `__init__` after
        it fills every construction. Both lists empty: the project builds the class nowhere
        that we can see (registries, other projects): nothing is known. `cls(...)` in a classmethod
        of the class or a base (`from_pretrained`) counts as a construction of it."""
        qualified = self.resolve(class_qual) or class_qual
        if line is not None:
            found = self.class_(qualified)
            own = self._loads_after(qualified, found[0], line) if found is not None else None
            if own is not None:
                return CheckpointFill((own,), ())
        return self._checkpoint_fill(qualified, 0)

    def _checkpoint_fill(self, holder: str, depth: int) -> CheckpointFill:
        key = ("checkpoint_fill", holder)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        self._memo[key] = CheckpointFill((), ())  # cycle guard: a loop of owners fills nothing
        loads: list[str] = []
        unloaded: list[str] = []
        for summary, cls, build, _ in self._class_body_builds(holder):
            owner = self.qualify_local(summary, cls.qualname)
            if owner == holder:
                continue  # a class building itself (a recursive tree) says nothing about owners
            if _test_module(summary.module):
                continue  # a test's fixture model: what it holds is not how the model is used
            how = self._loads_after(owner, summary, build.line)
            if how is None and depth < _FILL_DEPTH and self._built_while_constructing(owner, summary, build.line):
                above = self._checkpoint_fill(owner, depth + 1)
                how = above.loads[0] if above.followed else None
            if how is not None:
                loads.append(how)
            else:
                unloaded.append(f"`{owner}` (line {build.line} of {summary.module})")
        short = holder.rsplit(".", 1)[-1]
        for summary, caller, site in self._function_constructions(holder):
            if _test_module(summary.module) or (caller is not None and is_test_name(caller.name)):
                continue  # built by a test (pytest, unittest): not a use that trains it
            name = caller.qualname if caller is not None else "module level"
            load = _load_following(summary, caller, site.line)
            if load is not None:
                load = f"{load} after `{name}` builds `{short}`"
            if load is None and caller is not None and not caller.class_name and depth < _FILL_DEPTH:
                load = self._factory_fill(self.qualify_local(summary, caller.qualname), depth + 1)
            if load is not None:
                loads.append(load)
            else:
                unloaded.append(f"`{name}` (line {site.line} of {summary.module})")
        if not loads and not unloaded:
            loader = self._own_weight_loader(holder)
            if loader is not None:
                # built nowhere by name, and it loads its own weights (vLLM-style
                # `def load_weights(self, weights)`): an inference engine's model
                loads.append(f"`{loader}`, which copies the checkpoint's tensors into the model")
        if not loads and not unloaded and self.generic_loaders():
            # built nowhere by name: a generic loader of the project builds such classes and
            # fills them from a checkpoint (a model zoo's `load_model(model_class, path)`)
            loads.append(f"{self.generic_loaders()[0]}, which builds the model class it is given "
                         "and loads a checkpoint into it")
        answer = CheckpointFill(tuple(dict.fromkeys(loads)), tuple(dict.fromkeys(unloaded)))
        self._memo[key] = answer
        return answer

    def _factory_fill(self, function_qual: str, depth: int) -> Optional[str]:
        """A plain function that builds the class (a factory: `build_vision_model(cfg)` returning
        `CLIPVisionModel(cfg)`): its result is filled when every call of it is, by a load after
        the call on the same path, or by the filled construction of the owner whose `__init__`
        makes the call (`self.vision_tower = build_vision_model(...)` in a model whose every
        construction is loaded). The first such load; None when a call is not followed by one
        or nothing calls the function."""
        key = ("factory_fill", function_qual)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        self._memo[key] = None  # cycle guard
        first: Optional[str] = None
        callers = [c for c in self.callers(function_qual)
                   if not _test_module(c[0].module) and not (c[1] is not None and is_test_name(c[1].name))]
        for summary, caller, site in callers:
            how = _load_following(summary, caller, site.line)
            if how is None and caller is not None and caller.class_name:
                owner = self.qualify_local(summary, caller.class_name)
                how = self._loads_after(owner, summary, site.line)
                if how is None and self._built_while_constructing(owner, summary, site.line):
                    above = self._checkpoint_fill(owner, depth)
                    how = above.loads[0] if above.followed else None
            elif how is None and caller is not None and depth < _FILL_DEPTH:
                how = self._factory_fill(self.qualify_local(summary, caller.qualname), depth + 1)
            if how is None:
                first = None
                break
            first = first or how
        answer = first if callers else None
        self._memo[key] = answer
        return answer

    def parameter_loader_convention(self) -> Optional[str]:
        """How the project fills parameters from checkpoints when it attaches a loader to each
        parameter (vLLM, SGLang and lmdeploy: `set_weight_attrs(p, {"weight_loader": ...})`,
        read back by the model's `load_weights`): such an engine allocates every layer with
        `torch.empty` by design, so a class whose loading the index cannot trace is far more
        likely filled the same way than trained from garbage. None unless at least
        `_LOADER_CONVENTION_FILES` modules outside the tests name `weight_loader`."""
        key = ("loader-convention",)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        modules = [self.files[path].module for path in self.files_mentioning("weight_loader")]
        modules = [m for m in modules if not _test_module(m)]
        answer = None
        if len(modules) >= _LOADER_CONVENTION_FILES:
            answer = (f"{len(modules)} modules of this project attach a `weight_loader` to the "
                      f"parameters they create (e.g. {modules[0]}), which the engine's weight "
                      "loading calls to fill them")
        self._memo[key] = answer
        return answer

    def _own_weight_loader(self, class_qual: str) -> Optional[str]:
        """`Cls.load_weights` when the class (or a base) defines the vLLM-style weight loader
        (`def load_weights(self, weights)`: the engine builds the model, then calls it)."""
        for name in self.mro(class_qual)[0]:
            entry = self.class_(name)
            if entry is not None and "load_weights" in entry[1].methods:
                return f"{name}.load_weights"
        return None

    def _holder_method(self, owner: str, summary: FileSummary, line: int) -> Optional[FunctionSummary]:
        """The method of `owner` (defined in `summary`) that holds `line`: the last one starting
        before it (static and class methods included: `Llama4.build` builds and loads)."""
        methods = self._methods_of(owner, summary)
        position = bisect.bisect_right([m.line for m in methods], line)
        return methods[position - 1] if position else None

    def _methods_of(self, owner: str, summary: FileSummary) -> list[FunctionSummary]:
        """The methods (static and class methods included) of `owner` defined in `summary`, by
        line: `_holder_method` is asked once per build of every base class."""
        key = ("methods_of", owner, summary.module)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        found = sorted(
            (function for function in summary.functions
             if function.class_name and (
                 function.is_method or {"staticmethod", "classmethod"} & set(function.decorators))
             and self.qualify_local(summary, function.class_name) == owner),
            key=lambda function: function.line,
        )
        self._memo[key] = found
        return found

    def _built_while_constructing(self, owner: str, summary: FileSummary, line: int) -> bool:
        """Does the statement at `line` (in a method of `owner`) run while `owner` is built?"""
        holder = self._holder_method(owner, summary, line)
        return holder is not None and self.qualify_local(summary, holder.qualname) in self._construction_steps(owner)

    def _loads_after(self, owner: str, summary: FileSummary, line: int) -> Optional[str]:
        """A checkpoint load that fills what the method of `owner` at `line` builds, after it:
        into the object built there (`m = X(); m.load_state_dict(sd)`), into the module itself
        later in that method, or, when the method runs while `owner` is built, into the module
        in `__init__` after the statement that leads there. None when there is none."""
        holder = self._holder_method(owner, summary, line)
        if holder is None:
            return None
        for first, last, at, written in holder.loaded_builds:
            if first <= line <= last:
                return f"{_load_text(written)} (line {at} of {summary.module})"
        for at, written in holder.self_loads:
            if at > line:
                return f"{_load_text(written)} in `{holder.qualname}` (line {at} of {summary.module})"
        steps = self._construction_steps(owner)
        step = steps.get(self.qualify_local(summary, holder.qualname), None)
        init = next((qual for qual, leads in steps.items() if leads is None), None)
        found = self.function(init) if init is not None and step is not None else None
        if found is not None:
            for at, written in found[1].self_loads:
                if at > step:  # type: ignore[operator]
                    return f"{_load_text(written)} in `{found[1].qualname}` (line {at} of {found[0].module})"
        return None

    def _function_constructions(self, holder: str) -> Iterator[tuple[FileSummary, Optional[FunctionSummary], CallSite]]:
        """(file, function or None at module level, call) for every construction of this class
        or a subclass outside class bodies (a class's methods build its layers: `cls.layers`)."""
        short = holder.rsplit(".", 1)[-1]
        wanted = set(self.subclasses(holder))
        for summary, caller, calls, _ in self._scopes(self.files_calling(short)):
            if caller is not None and caller.class_name:
                continue
            for site in calls:
                if site.callee.rsplit(".", 1)[-1] != short or site.target is None:
                    continue
                if (self.resolve(site.target) or site.target) in wanted:
                    yield summary, caller, site
        # `cls(...)` in a classmethod of the class or a base (`from_pretrained`): builds
        # whichever subclass it is called on, this one included
        order, _ = self.mro(holder)
        for base in order:
            found = self.class_(base)
            if found is None:
                continue
            summary, cls = found
            for function in summary.functions:
                if function.class_name != cls.qualname or not function.params or function.params[0] != "cls":
                    continue
                for site in function.calls:
                    if site.callee == "cls":
                        yield summary, function, site

    def built_layer_init(self, class_qual: str, line: int, layer: str, tensor: str = "weight"
                         ) -> tuple[Optional[str], tuple[str, ...]]:
        """What re-initializes `<module>.<tensor>` of the `layer` (a torch class) that
        `class_qual`'s construction builds at `line`: (how, when certain: the class's own
        construction after the build (`self.apply(fn)` with `fn` writing `m.<tensor>` under an
        `isinstance` test of the layer, a loop over all parameters, a direct write), every owner's
        construction, a framework hook (transformers' `_init_weights`), a checkpoint load into
        every construction; else None) and (what might, where the index cannot show it runs for
        this class: some owners, functions anywhere in the project that write `m.<tensor>` under
        an `isinstance` test of the layer, an unknown base class)."""
        qualified = self.resolve(class_qual) or class_qual
        found = self.class_(qualified)
        if found is None:
            return None, (f"`{class_qual}` is not in the project index",)
        summary, cls = found
        build = next((b for b in cls.layers if b.line == line), None)
        if build is None:
            return None, (f"the construction at line {line} is not in the project index",)
        hooked = self._is_hooked(qualified)
        if hooked is Answer.YES:
            return "the framework's `_init_weights` (a `PreTrainedModel` base)", ()
        path = (build.attr, tensor) if build.attr else None
        own = self._owner_redraws(qualified, summary, build, build.attr or "", layer, tensor, qualified, path)
        if own is not None:
            return own, ()
        owners = self._owner_init(qualified, qualified, build.attr or "", layer, tensor, 0, path)
        if owners.all_covered:
            return owners.covered[0], ()
        fill = self.checkpoint_fill(qualified, line)
        if fill.always:
            return fill.loads[0], ()
        maybe = [*owners.covered, *owners.by_name]
        if hooked is Answer.UNKNOWN:
            maybe.append(f"a base class of `{class_qual}` the index does not hold")
        maybe.extend(self._guarded_layer_writes(layer, tensor))
        return None, tuple(dict.fromkeys(maybe))

    def _guarded_layer_writes(self, layer: str, tensor: str) -> list[str]:
        """Functions anywhere in the project that write `<m>.<tensor>` under an `isinstance`
        test naming `layer` (or a base of it), by `apply` or in a loop over `modules()`, other
        than with a unit-scale draw, each as "`fn` (line N of module)"."""
        key = ("guarded-layer-writes", layer, tensor)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        found: list[str] = []
        for path in self.files_mentioning(layer.rsplit(".", 1)[-1]):
            summary = self.files[path]
            for function in summary.functions:
                qual = self.qualify_local(summary, function.qualname)
                lines = [
                    line for _, loop_path, line, classes in function.module_loop_inits
                    if loop_path == (tensor,) and self._names_layer(classes, layer)
                ]
                guards = dict(function.init_guards)
                if guards:
                    for items in self.initialized_params(qual).values():
                        lines.extend(
                            item.line for item in items
                            if item.path == (tensor,) and item.line not in function.unit_draws
                            and self._names_layer(guards.get(item.line, ()), layer)
                        )
                if lines:
                    found.append(f"`{qual}` (line {min(lines)} of {summary.module})")
        self._memo[key] = found
        return found

    def _names_layer(self, classes: Iterable[str], layer: str) -> bool:
        return any(self.is_subclass(layer, self.resolve(c) or c) is Answer.YES for c in classes)

    def isinstance_redraws(self, class_qual: str, attr: str) -> tuple[str, ...]:
        """Init functions anywhere in the project that, under an `isinstance` test naming this
        class, write `<module>.<attr>` of the module they test, with
        an init function, an in-place fill or a callable parameter that initializes
        (`elif isinstance(module, GLU): init_fn_(module.w1)`), each as "`fn` (line N of
        module)". A re-draw at unit scale (`normal_(module.w)` with no std) is not one. Whether those functions run for a model holding the class is not said
        (`owner_init` tells that where the index can follow it); functions nothing in the
        project calls, applies or names are left out."""
        qualified = self.resolve(class_qual) or class_qual
        key = ("isinstance_redraws", qualified, attr)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        # the class itself: a file whose test names it imports it, so the cache's dependency
        # digest (the modules importing this one) sees edits there
        named = [qualified] if self.class_(qualified) is not None else []
        found: list[str] = []
        seen: set[str] = set()
        for name in named:
            for path in self.files_mentioning(name.rsplit(".", 1)[-1]):
                summary = self.files[path]
                for function in summary.functions:
                    qual = self.qualify_local(summary, function.qualname)
                    if not function.init_guards or qual in seen:
                        continue
                    seen.add(qual)
                    guards = function.init_guards
                    for items in self.initialized_params(qual).values():
                        line = next((
                            item.line for item in items
                            if item.path == (attr,) and item.line not in function.unit_draws and any(
                                (self.resolve(c) or c) in named
                                for at, classes in guards if at == item.line for c in classes
                            )
                        ), None)
                        if line is not None and self._may_run(summary, function, qual):
                            found.append(f"`{qual}` (line {line} of {summary.module})")
                            break
        answer = tuple(found)
        self._memo[key] = answer
        return answer

    def _may_run(self, summary: FileSummary, function: FunctionSummary, qual: str) -> bool:
        """Something in the project calls, applies or names this function (a method: it is not
        known to be unused)."""
        if function.is_method and function.class_name:
            return self.is_method_used(self.qualify_local(summary, function.class_name), function.name) is not Answer.NO
        return bool(self.callers(qual) or self.apply_sites(qual) or self.files_mentioning(function.name))

    def construction_methods(self, class_qual: str) -> frozenset[str]:
        """The methods that run while a module of this class is built (`__init__` and the
        methods it reaches through `self.m()` / `super().m()`)."""
        return frozenset(self._construction_steps(self.resolve(class_qual) or class_qual))

    def _by_name_owners(self, holder: str, built: str, attr: str, layer: Optional[str], tensor: str,
                        path: Optional[tuple[str, ...]] = None) -> list[str]:
        """For a class the project never builds by name: the classes of its own module that
        build a class chosen by name at run time (`eval(cfg["teacher"])(cfg)`, which looks in
        that module's globals) and overwrite the parameter afterwards, as `owner_init` says.
        Empty when any such build is not followed by an overwrite."""
        module, _ = self._split(holder)
        summary = self.summary_of_module(module) if module is not None else None
        if summary is None:
            return []
        found: list[str] = []
        for cls in summary.classes:
            for build in cls.layers:
                if build.cls != DYNAMIC_CLASS:
                    continue
                owner = self.qualify_local(summary, cls.qualname)
                how = self._owner_redraws(owner, summary, build, attr, layer, tensor, built, path)
                if how is None:
                    return []
                found.append(f"{how}, after `{owner}` builds a class of this module chosen by name (line {build.line})")
        return found

    def _construction_steps(self, owner: str) -> dict[str, Optional[int]]:
        """The methods that run while `owner` is built: its `__init__` (value None: its own
        lines order it) and the methods `__init__` reaches through `self.m()`/`super().m()`
        (value: the line of the `__init__` statement that leads there)."""
        init = self.find_method(owner, "__init__")
        if init is None or self.function(init) is None:
            return {}
        steps: dict[str, Optional[int]] = {init: None}
        pending = [init]
        while pending and len(steps) < 64:
            current = pending.pop()
            found = self.function(current)
            if found is None:
                continue
            summary, function = found
            self_name = function.params[0] if function.is_method else None
            for site in function.calls:
                on_self = self_name is not None and site.callee.startswith(self_name + ".") and site.callee.count(".") == 1
                if not (on_self or site.callee.startswith("super().")):
                    continue
                target = self.call_target(summary, function, site)
                if target is None or target in steps:
                    continue
                steps[target] = site.line if steps[current] is None else steps[current]
                pending.append(target)
        return steps

    def _owner_redraws(self, owner: str, summary: FileSummary, build: LayerBuild, attr: str,
                       layer: Optional[str], tensor: str, built: str,
                       path: Optional[tuple[str, ...]] = None, dims: Optional[int] = None) -> Optional[str]:
        """How `owner`'s construction overwrites the built module's parameter after the build
        at `build` (of `summary`), or None. `path`: from the built module down to the tensor,
        for loops over `self.<attr>.named_parameters()` that filter on the name."""
        steps = self._construction_steps(owner)
        if not steps:
            return None
        holder = self._holder_method(owner, summary, build.line)
        if holder is None:
            return None
        holder_qual = self.qualify_local(summary, holder.qualname)
        if holder_qual not in steps:
            return None  # built outside construction (lazily, in forward)
        built_at = build.line if steps[holder_qual] is None else steps[holder_qual]

        def after_build(line: int, step: Optional[int]) -> bool:
            # a statement of a method that `__init__` calls runs where that call is (`step`)
            return (line if step is None else step) > built_at

        for function_qual, step in steps.items():
            found = self.function(function_qual)
            if found is None:
                continue
            where, function = found
            for line in function.blanket_inits:
                if after_build(line, step):
                    return f"`{function_qual}` (a loop over `self.parameters()` at line {line} of {where.module})"
            for line in function.matrix_inits if dims is not None and dims >= 2 else ():
                if after_build(line, step):
                    return (f"`{function_qual}` (a loop over `self.parameters()` that initializes every "
                            f"matrix, at line {line} of {where.module})")
            final = tensor if layer is not None else attr
            for line, sub, words in function.submodule_inits:
                if sub != build.attr or not after_build(line, step):
                    continue
                if any(w == "" or w in final or (path is not None and w in ".".join(path))
                       or (w == EVERY_MATRIX and dims is not None and dims >= 2) for w in words):
                    return f"`{function_qual}` (a loop over the parameters of `self.{sub}` at line {line} of {where.module})"
            self_name = function.params[0] if function.params else None
            # a direct write after the build: `self.<sub>.weight.data.zero_()`,
            # `nn.init.normal_(self.<sub>.<inner>.weight, std=...)` (not a unit-scale re-draw)
            wanted = (build.attr, *path) if build.attr and path is not None else None
            if wanted is not None and self_name is not None and function.is_method:
                for item in self.initialized_params(function_qual).get(self_name, ()):
                    if item.path == wanted and item.line not in function.unit_draws and after_build(item.line, step):
                        dotted = ".".join(wanted)
                        return f"`{function_qual}` (`self.{dotted}` written at line {item.line} of {where.module})"
            for site in function.applies:
                if site.receiver != self_name:
                    continue
                if not after_build(site.line, step):
                    continue
                fn = self._apply_function(where, function, site, owner)
                if fn is not None and self._fn_writes(fn, attr, layer, tensor, built):
                    return f"`{function_qual}` (`self.apply({site.function})` at line {site.line} of {where.module})"
            if layer is None and self_name is not None:
                how = self._module_loop_writes(where, function, self_name, attr, built, after_build, step)
                if how is not None:
                    return f"`{function_qual}` ({how})"
            final_path = (tensor,) if layer is not None else (attr,)
            for site in function.calls:
                if not after_build(site.line, step):
                    continue
                how = self._hands_to_param_loop(where, function, site, build.attr, path or final_path, dims)
                if how is not None:
                    return f"`{function_qual}` ({how})"
        return None

    def _hands_to_param_loop(self, summary: FileSummary, caller: FunctionSummary, site: CallSite,
                             sub: Optional[str], path: tuple[str, ...], dims: Optional[int]) -> Optional[str]:
        """`initialize_weights(self.<sub>)` (or `(self)`) with a project function whose loop
        over that argument's parameters initializes the tensor at `path` below `self.<sub>`
        (`FunctionSummary.param_loop_inits`, its name words matched against the path)."""
        target = self.call_target(summary, caller, site)
        found = self.function(target) if target is not None else None
        if found is None or not found[1].param_loop_inits:
            return None
        where, callee = found
        for argument, line, words in callee.param_loop_inits:
            if argument not in callee.params:
                continue
            position = callee.params.index(argument) - (1 if callee.is_method else 0)
            fact = site.argument(position, argument)
            if fact is None:
                continue
            if fact.kind == "self_attr" and fact.value == sub and not fact.path:
                route = path
            elif fact.kind == "self" and sub is not None:
                route = (sub, *path)
            else:
                continue
            dotted = ".".join(route)
            if any(w == "" or (w == EVERY_MATRIX and dims is not None and dims >= 2)
                   or (w != EVERY_MATRIX and w in dotted) for w in words):
                return (f"hands `self.{sub if fact.kind == 'self_attr' else ''}`".replace("`self.`", "`self`")
                        + f" to `{target}`, whose loop over its parameters at line {line} of "
                        f"{where.module} overwrites `{dotted}`")
        return None

    def _module_loop_writes(self, summary: FileSummary, function: FunctionSummary, self_name: str,
                            attr: str, built: str, after_build: Callable[[int, Optional[int]], bool],
                            step: Optional[int]) -> Optional[str]:
        """A loop over the owner's `modules()` that writes `<m>.<attr>` of a `built` module
        (under an `isinstance` test naming it or a base, or none), in this construction step
        itself or in a project function it hands the owner to (`init_model(self)`)."""
        def writes(inits: tuple, receiver: str) -> Optional[int]:
            for looped, path, line, classes in inits:
                if looped != receiver or path != (attr,):
                    continue
                if not classes or any(self.is_subclass(built, self.resolve(c) or c) is Answer.YES for c in classes):
                    return line
            return None

        line = writes(function.module_loop_inits, self_name)
        if line is not None and after_build(line, step):
            return f"a loop over `self.modules()` at line {line} of {summary.module}"
        for site in function.calls:
            if not after_build(site.line, step):
                continue
            position = next((i for i, arg in enumerate(site.positional) if arg.kind == "self"), None)
            if position is None:
                continue
            target = self.call_target(summary, function, site)
            found = self.function(target) if target is not None else None
            if found is None:
                continue
            callee = found[1]
            index = position + (1 if callee.is_method else 0)
            if index >= len(callee.params):
                continue
            line = writes(callee.module_loop_inits, callee.params[index])
            if line is not None:
                return f"`{site.callee}(self)` at line {site.line}, whose loop over `modules()` writes `.{attr}` (line {line} of {found[0].module})"
        return None

    def _fn_writes(self, fn: str, attr: str, layer: Optional[str], tensor: str, built: str) -> bool:
        """Does init function `fn` (given each module by `apply`) overwrite `<module>.<attr>` of
        a `built` module, or, with `layer`, `<module>.<tensor>` of that layer class?"""
        found = self.function(fn)
        if found is None:
            return False
        _, function = found
        position = 1 if function.is_method else 0
        if len(function.params) <= position:
            return False
        param = function.params[position]
        guards = dict(function.init_guards)
        wanted_path = (tensor,) if layer is not None else (attr,)
        target = layer if layer is not None else built
        for item in self.initialized_params(fn).get(param, ()):
            if item.path != wanted_path:
                continue
            classes = guards.get(item.line, ())
            if not classes and layer is None:
                return True  # `m.<attr>` written for every module that has it
            for name in classes:
                resolved = self.resolve(name) or name
                if self.is_subclass(target, resolved) is Answer.YES:
                    return True
        return False

    def _apply_function(self, summary: FileSummary, caller: Optional[FunctionSummary], site: ApplySite,
                        receiver: Optional[str] = None) -> Optional[str]:
        """The project function an `.apply(...)` site passes: `self.m` through `receiver`'s
        class, a nested, imported or module-level function."""
        if site.is_method:
            if receiver is None or "." in site.function.split(".", 1)[-1]:
                return None
            return self.find_method(receiver, site.function.rsplit(".", 1)[-1])
        if caller is not None and "." not in site.function:
            scope = caller.qualname
            while scope:
                nested = self.qualify_local(summary, f"{scope}.{site.function}")
                if self.function(nested) is not None:
                    return nested
                scope = scope.rpartition(".")[0]
        head, _, rest = site.function.partition(".")
        imported = self.import_map(summary.module).get(head)
        if imported is not None:
            return self.resolve(f"{imported}.{rest}" if rest else imported)
        return self.resolve(self.qualify_local(summary, site.function))

    def _build_reach(self, summary: FileSummary, build) -> Reach:
        """The modules one construction in a class body contributes (its sublayers included);
        remembered per construction: every subclass's `layers_of` walks its bases' builds."""
        key = ("build-reach", summary.module, build)
        found = self._memo.get(key)
        if found is None:
            partial = self._partial_answers
            found = self._build_reach_uncached(summary, build)
            if partial == self._partial_answers:  # no cycle guard was read: final
                self._memo[key] = found
        return found  # type: ignore[return-value]

    def _build_reach_uncached(self, summary: FileSummary, build) -> Reach:
        if build.from_parameter:
            return UNKNOWN_REACH
        if not build.resolved:
            local = self.resolve(self.qualify_local(summary, build.cls))
            if local is None:
                if build.cls in _BUILTINS:
                    return Reach((), True)
                return UNKNOWN_REACH
            qualified = local
        else:
            qualified = self.resolve(build.cls) or build.cls
        if _is_not_a_layer(qualified):
            return Reach((), True)
        use = LayerUse(qualified, _layer_kind(qualified), build.flags, summary.module, build.line,
                       build.args, build.param_flags, positional_count=build.positional_count)
        if self.class_(qualified) is not None:
            inner = self.layers_of(qualified)
            inner_uses = tuple(_pass_branch(_pass_flags(layer, build), build) for layer in inner.layers[1:])
            return _merge([Reach((use,), True), Reach(inner_uses, inner.complete)])
        # torch's own layers hold no project sublayers; a library class's sublayers are unknown
        return Reach((use,), qualified.startswith("torch."))

    # -- functions and their callers ----------------------------------------------------------
    def _scopes(self, paths: Iterable[str]) -> Iterator[tuple[FileSummary, Optional[FunctionSummary], tuple[CallSite, ...], tuple[ApplySite, ...]]]:
        for path in paths:
            summary = self.files[path]
            yield summary, None, summary.module_calls, summary.module_applies
            for function in summary.functions:
                yield summary, function, function.calls, function.applies

    def call_target(self, summary: FileSummary, caller: Optional[FunctionSummary], site: CallSite) -> Optional[str]:
        """The project function a call runs, when it can be told (`self.m()` through the bases,
        `super().m()` through the caller's class's bases, imported, local and nested functions,
        and a class's `__init__` for a constructor call)."""
        callee = site.callee
        if caller is not None and caller.class_name:
            class_qual = self.qualify_local(summary, caller.class_name)
            self_name = caller.params[0] if caller.params else None
            if self_name and callee.startswith(self_name + ".") and callee.count(".") == 1:
                return self.find_method(class_qual, callee.split(".", 1)[1])
            if callee.startswith("super()."):
                method = callee.split(".", 1)[1]
                order, _ = self.mro(class_qual)
                for name in order[1:]:
                    found = self.class_(name)
                    if found and method in found[1].methods:
                        return f"{name}.{method}"
                return None
        if caller is not None and "." not in callee:
            # a function nested in the caller, or in the caller's enclosing function
            scope = caller.qualname
            while scope:
                nested = self.qualify_local(summary, f"{scope}.{callee}")
                found = self.function(nested)
                if found is not None:
                    return nested
                scope = scope.rpartition(".")[0]
        target = site.target
        if target is None:
            return None
        resolved = self.resolve(target)
        if resolved is None:
            return None
        if self.function(resolved) is not None:
            return resolved
        if self.class_(resolved) is not None:
            return self.find_method(resolved, "__init__")
        return None

    def callers(self, function_qual: str) -> list[tuple[FileSummary, Optional[FunctionSummary], CallSite]]:
        """Every call site in the project that runs this function."""
        key = ("callers", function_qual)
        if key in self._memo:
            return list(self._memo[key])  # type: ignore[call-overload]
        name = function_qual.rsplit(".", 1)[-1]
        if name == "__init__":
            name = function_qual.rsplit(".", 2)[-2]
        paths = self.files_calling(name)
        found = self.function(function_qual)
        if found is not None and found[1].is_method and name != "__init__" and found[1].class_name:
            # `self.f()` / `super().f()` reach a method only from classes related to its own
            class_qual = self.qualify_local(found[0], found[1].class_name)
            related = set(self.subclasses(class_qual)) | set(self.mro(class_qual)[0])
            modules = {self._split(c)[0] for c in related}
            wanted = {self.module_paths[m] for m in modules if m is not None and m in self.module_paths}
            mentioning = set(self.files_mentioning(found[1].class_name.split(".")[0]))
            paths = [p for p in paths if p in wanted or p in mentioning]
        out = []
        for summary, caller, calls, _ in self._scopes(paths):
            for site in calls:
                if site.callee.rsplit(".", 1)[-1] != name:
                    continue
                if self.call_target(summary, caller, site) == function_qual:
                    out.append((summary, caller, site))
        self._memo[key] = out
        return list(out)

    def apply_sites(self, function_qual: str) -> list[tuple[FileSummary, ApplySite, list[str]]]:
        """`.apply(...)` sites that pass this function, with the classes whose modules it visits
        (empty list: the receiver is not known)."""
        found = self.function(function_qual)
        if found is None:
            return []
        _, function = found
        out = []
        for summary, caller, _, applies in self._scopes(self.files_calling("@" + function.name)):
            for site in applies:
                if site.function.rsplit(".", 1)[-1] != function.name:
                    continue
                receivers = self._apply_receivers(summary, caller, site, function_qual)
                if receivers is not None:
                    out.append((summary, site, receivers))
        return out

    def _unresolved_applies(self, function_qual: str) -> bool:
        """An `.apply(x.<name>)` site whose callable cannot be told apart from this function
        (`self.apply(self.head._init_weights)`): some modules may arrive from it."""
        found = self.function(function_qual)
        if found is None:
            return True
        name = found[1].name
        for summary, caller, _, applies in self._scopes(self.files_calling("@" + name)):
            for site in applies:
                # `self.<name>` is resolved through the receiver class; `self.head.<name>` is not
                if site.is_method and "." in site.function and site.function.rsplit(".", 1)[-1] == name:
                    return True
        return False

    def _apply_receivers(self, summary: FileSummary, caller: Optional[FunctionSummary], site: ApplySite,
                         function_qual: str) -> Optional[list[str]]:
        """None: the site does not pass this function; else the receiver classes (maybe [])."""
        name = function_qual.rsplit(".", 1)[-1]
        if site.is_method:
            if site.receiver_class is None:
                return None
            base = self.qualify_local(summary, site.receiver_class)
            receivers = [c for c in self.subclasses(base) if self.find_method(c, name) == function_qual]
            return receivers or None
        target = self._apply_function(summary, caller, site)
        if target != function_qual:
            return None
        if not site.receiver_class:
            return []
        receiver = self.resolve(self.qualify_local(summary, site.receiver_class)) or self.resolve(site.receiver_class) or site.receiver_class
        if caller is not None and caller.class_name == site.receiver_class:
            return self.subclasses(receiver)  # `self.apply(fn)`: every subclass's instances too
        return [receiver]

    def reaching(self, function_qual: str) -> Reach:
        """Which modules can arrive as this init function's module argument."""
        key = ("reaching", function_qual)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        self._memo[key] = UNKNOWN_REACH  # recursion guard
        found = self.function(function_qual)
        if found is None:
            return UNKNOWN_REACH
        summary, function = found
        parts: list[Reach] = []
        sources: list[str] = []
        closed = True  # every source leads to known modules
        for site_summary, site, receivers in self.apply_sites(function_qual):
            if not receivers and site.holds:
                parts.append(_merge(self._class_reach(site_summary, cls, flags) for cls, flags in site.holds))
                sources.append(f"apply on modules built at {site_summary.module}:{site.line}")
                continue
            if not receivers:
                closed = False
                parts.append(UNKNOWN_REACH)
                sources.append(f"apply on an unknown model at {site_summary.module}:{site.line}")
            constructor = self._applied_in_constructor(site_summary, site)
            for receiver in receivers:
                if receiver == constructor:
                    parts.append(self.layers_built_before(receiver, site.line))
                    sources.append(f"apply in {receiver}.__init__ (line {site.line})")
                    continue
                parts.append(self.layers_of(receiver))
                sources.append(f"apply on {receiver}")
        if function.is_method and function.name in APPLY_HOOKS and function.class_name:
            class_qual = self.qualify_local(summary, function.class_name)
            if self._is_hooked(class_qual) is Answer.YES:
                for cls in self.subclasses(class_qual):
                    if self.find_method(cls, function.name) == function_qual:
                        parts.append(self.layers_of(cls))
                        sources.append(f"framework hook on {cls}")
        position = 1 if function.is_method else 0
        module_param = function.params[position] if len(function.params) > position else None
        if module_param is not None:
            for call_summary, caller, site in self.callers(function_qual):
                fact = site.argument(0, module_param)  # bound or plain calls pass the module first
                part = self._modules_from_argument(call_summary, caller, fact)
                # `self.attn.to_qkv` (an attribute of a sub-module) is not followed: not closed
                known = fact is not None and fact.kind in _KNOWN_ARGUMENTS and not (fact.kind == "self_attr" and fact.path)
                closed = closed and (part.closed or known)
                parts.append(part)
                sources.append(f"call at {call_summary.module}:{site.line}")
        if not parts:
            return UNKNOWN_REACH
        if self._unresolved_applies(function_qual):
            closed = False
            parts.append(UNKNOWN_REACH)
            sources.append(f"apply of `<module>.{function.name}`")
        merged = _merge(parts, sources)
        reach = Reach(merged.layers, merged.complete, merged.sources, closed)
        self._memo[key] = reach
        return reach

    def _class_reach(self, summary: FileSummary, cls: str, flags: tuple = ()) -> Reach:
        """The modules one module of class `cls` (qualified, built with literal `flags`) brings:
        a project class's layers, a torch layer alone, a library class's unknown insides."""
        qualified = self.resolve(cls) or cls
        if self.class_(qualified) is not None:
            return self.layers_of(qualified)
        use = LayerUse(qualified, _layer_kind(qualified), flags, summary.module, 0)
        return Reach((use,), qualified.startswith("torch."))

    def _applied_in_constructor(self, summary: FileSummary, site: ApplySite) -> Optional[str]:
        """The class whose own `__init__` runs `self.apply(fn)` at this site, else None."""
        if site.receiver != "self" or not site.receiver_class:
            return None
        for function in summary.functions:
            if function.name == "__init__" and function.class_name == site.receiver_class and site in function.applies:
                return self.resolve(self.qualify_local(summary, site.receiver_class))
        return None

    def layers_built_before(self, class_qual: str, line: int) -> Reach:
        """`layers_of(class_qual)` as seen by `self.apply(fn)` at `line` of the class's own
        `__init__`: the layers that `__init__` builds after that line do not exist yet (the
        statement order INI004 reports on), so they do not reach `fn`. Layers built in other
        methods, in bases and inside sub-modules built before are kept."""
        found = self.class_(class_qual)
        if found is None:
            return self.layers_of(class_qual)
        summary, cls = found
        init = next((f for f in summary.functions if f.qualname == f"{cls.qualname}.__init__"), None)
        if init is None or not init.line < line:
            return self.layers_of(class_qual)
        # `__init__` ends where the next definition outside it starts; a def nested in it may
        # run at any time, so builds after one are kept
        end = min((f.line for f in summary.functions
                   if f.line > init.line and not f.qualname.startswith(init.qualname + ".")),
                  default=None)
        nested = [f.line for f in summary.functions if f.qualname.startswith(init.qualname + ".")]
        late = frozenset(
            (summary.module, b.line) for b in cls.layers
            if line < b.line and (end is None or b.line < end)
            and not any(line < n <= b.line for n in nested)
        )
        return self.layers_of(class_qual, late) if late else self.layers_of(class_qual)

    def _modules_from_argument(self, summary: FileSummary, caller: Optional[FunctionSummary], fact) -> Reach:
        if fact is None:
            return UNKNOWN_REACH
        if fact.kind == "self" and caller is not None and caller.class_name:
            return _merge(self.layers_of(c) for c in self.subclasses(self.qualify_local(summary, caller.class_name)))
        if fact.kind == "self_attr" and caller is not None and caller.class_name and not fact.path:
            return self.attribute_reach(self.qualify_local(summary, caller.class_name), str(fact.value))
        if fact.kind == "self_attr" and caller is not None and caller.class_name and len(fact.path) == 1:
            # `self.attn.to_qkv`: the `to_qkv` of the class `self.attn` is built as
            return self._sub_attribute_reach(self.qualify_local(summary, caller.class_name), str(fact.value), fact.path[0])
        if fact.kind == "constructed":
            qualified = self.resolve(str(fact.value)) or str(fact.value)
            if self.class_(qualified) is not None:
                return self.layers_of(qualified)
            return Reach((LayerUse(qualified, _layer_kind(qualified), (), summary.module, 0),), qualified.startswith("torch."))
        if fact.kind == "module_loop":
            reach = self._loop_modules(summary, caller, fact.value)
            return reach.narrow(self, fact.narrowed) if fact.narrowed else reach
        if fact.kind == "param" and caller is not None and not fact.path:
            return self.reaching(self.qualify_local(summary, caller.qualname))
        if fact.kind == "instance_attr" and len(fact.path) == 1 and isinstance(fact.value, tuple):
            return self.instance_attribute_reach(summary, fact.value, fact.path[0])
        return UNKNOWN_REACH

    def instance_attribute_reach(self, summary: FileSummary, classes: Iterable[str], attr: str) -> Reach:
        """The modules `m.<attr>` can be under `if isinstance(m, classes):` (in `summary`): what
        those project classes and their subclasses build as `self.<attr>`."""
        bases: list[str] = []
        for written in classes:
            base = self.resolve(written) or self.resolve(self.qualify_local(summary, written))
            if base is None:
                return UNKNOWN_REACH
            bases.extend(self.subclasses(base))
        return self._attribute_on(bases, attr)

    def _sub_attribute_reach(self, class_qual: str, attr: str, sub: str) -> Reach:
        """The modules `self.<attr>.<sub>` can be: `<sub>` of the project classes this class
        builds as `self.<attr>` (exactly those classes: each build names its own)."""
        holders: list[str] = []
        for name in self.mro(class_qual)[0]:
            entry = self.class_(name)
            for build in entry[1].layers if entry is not None else ():
                if build.attr != attr:
                    continue
                qualified = None if build.from_parameter else (
                    self.resolve(build.cls) if build.resolved else self.resolve(self.qualify_local(entry[0], build.cls)))
                if qualified is None:
                    return UNKNOWN_REACH
                holders.append(qualified)
        return self._attribute_on(holders, sub) if holders else UNKNOWN_REACH

    def _attribute_on(self, classes: Iterable[str], attr: str) -> Reach:
        """What `m.<attr>` can be for a module `m` of one of these (qualified) classes: their
        `self.<attr>` builds; a class that never assigns `attr` brings nothing (it has no such
        attribute). Unknown when a class is not the project's, a base is a library class, or
        the attribute is set by a computed name or by something no build records
        (`self.<attr> = make_layer()`). Closed when known."""
        parts: list[Reach] = []
        for cls in dict.fromkeys(classes):
            order, complete = self.mro(cls)
            if self.class_(cls) is None or not complete:
                return UNKNOWN_REACH
            entries = [found[1] for name in order if (found := self.class_(name)) is not None]
            if any("*" in entry.attrs for entry in entries):
                return UNKNOWN_REACH
            if not any(attr in entry.attrs for entry in entries):
                continue
            part = self.attribute_reach(cls, attr)
            if not part.layers:
                return UNKNOWN_REACH
            parts.append(part)
        if not parts:
            return UNKNOWN_REACH
        merged = _merge(parts)
        return Reach(merged.layers, merged.complete, merged.sources, merged.complete)

    def attribute_reach(self, class_qual: str, attr: str, own: bool = False) -> Reach:
        """The modules `self.<attr>` of this class can hold (built in its or a base's methods),
        their sublayers included. `own=True`: only the modules `self.<attr>` itself is, the
        constructions assigned to it, not what they contain (`self.gc.weight` is the weight of
        the `GraphConvolution` built there, never of the padded `nn.Embedding` inside it)."""
        order, _ = self.mro(class_qual)
        parts: list[Reach] = []
        for name in order:
            entry = self.class_(name)
            if entry is None:
                continue
            for build in entry[1].layers:
                if build.attr == attr:
                    reach = self._build_reach(entry[0], build)
                    if own:
                        reach = Reach(
                            tuple(u for u in reach.layers if u.module == entry[0].module and u.line == build.line),
                            reach.complete,
                        )
                    parts.append(reach)
        if not parts:
            return UNKNOWN_REACH
        return _merge(parts, (f"{class_qual}.{attr}",))

    def _loop_modules(self, summary: FileSummary, caller: Optional[FunctionSummary], receiver_class) -> Reach:
        """Modules a `for m in <receiver>.modules()` loop visits (subclasses of `self`'s class too)."""
        if receiver_class is None:
            return UNKNOWN_REACH
        base = self.resolve(self.qualify_local(summary, str(receiver_class))) or self.resolve(str(receiver_class))
        if base is None:
            return UNKNOWN_REACH
        classes = self.subclasses(base) if caller is not None and caller.class_name == receiver_class else [base]
        return _merge((self.layers_of(c) for c in classes), (f"modules() of {c}" for c in classes))

    def loop_reach(self, function_qual: str, variable: str) -> Reach:
        """Modules the loop variable of `for <variable> in self.modules()` in this function can be."""
        found = self.function(function_qual)
        if found is None:
            return UNKNOWN_REACH
        summary, function = found
        for loop in function.module_loops:
            if loop.target == variable:
                return self._loop_modules(summary, function, loop.receiver_class)
        return UNKNOWN_REACH

    # -- what helpers initialize --------------------------------------------------------------
    def initialized_params(self, function_qual: str) -> dict[str, tuple[ParamInit, ...]]:
        """Parameter name → how the function (or a helper it hands the parameter to) initializes
        it. `call:` hand-offs are followed across files; unresolved hand-offs are dropped."""
        key = ("initialized", function_qual)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        self._memo[key] = {}
        found = self.function(function_qual)
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
            target = self.call_target(summary, function, site) if site is not None else None
            inner_found = self.function(target) if target is not None else None
            if inner_found is None:
                continue
            inner_fn = inner_found[1]
            if slot.isdigit():
                position = int(slot) + (1 if inner_fn.is_method else 0)
                if position >= len(inner_fn.params):
                    continue
                inner_param = inner_fn.params[position]
            else:
                inner_param = slot
            for inner_item in self.initialized_params(target).get(inner_param, ()):  # type: ignore[arg-type]
                out.setdefault(item.param, []).append(
                    ParamInit(item.param, item.path + inner_item.path, inner_item.how, item.line, inner_item.sliced)
                )
        result = {k: tuple(v) for k, v in out.items()}
        self._memo[key] = result
        return result

    def literals_for(self, function_qual: str, param: str) -> tuple[frozenset, bool]:
        """The literal values call sites pass for `param` (`DEFAULT` when a site leaves it out),
        and whether every call site's value is known (False: something computed is passed, or
        nothing in the project calls the function)."""
        found = self.function(function_qual)
        if found is None or param not in found[1].params:
            return frozenset(), False
        function = found[1]
        index = function.params.index(param) - (1 if function.is_method else 0)
        callers = self.callers(function_qual)
        if not callers:
            return frozenset(), False
        values: set = set()
        complete = True
        for _, _, site in callers:
            fact = site.argument(index if index >= 0 else None, param)
            if fact is None:
                if site.has_star:
                    complete = False
                else:
                    values.add(DEFAULT)
            elif fact.kind == "literal":
                values.add(fact.value)
            else:
                complete = False
        return frozenset(values), complete

    def callers_pass_keyword(self, function_qual: str, names: Iterable[str]) -> Answer:
        """Does every call site of the function pass one of these keywords (into its `**kwargs`)?
        UNKNOWN when nothing in the project calls it or a site spreads `*`/`**` itself."""
        wanted = set(names)
        callers = self.callers(function_qual)
        if not callers:
            return Answer.UNKNOWN
        for _, _, site in callers:
            if not wanted & {name for name, _ in site.keywords}:
                return Answer.UNKNOWN if site.has_star else Answer.NO
        return Answer.YES

    # -- methods in use -----------------------------------------------------------------------
    def is_method_used(self, class_qual: str, method: str) -> Answer:
        """Is this method called or handed somewhere (self calls, apply, hooks, any reference)?
        NO only when its name is used nowhere in the project outside its own definition."""
        if self.is_method_run_by_project(class_qual, method):
            return Answer.YES
        if method.startswith("__") and method.endswith("__"):
            return Answer.YES
        if method in SELF_HOOKS:
            return Answer.YES
        order, complete = self.mro(class_qual)
        if any(framework_calls(name, method) for name in order):
            return Answer.YES  # the library table: a base whose library calls it by name
        if method == FRAMEWORK_HOOK and not complete:
            return Answer.UNKNOWN  # a library base we cannot see into may call it
        if self._library_bases_unknown(class_qual):
            return Answer.UNKNOWN  # a base from a library we cannot see may call it by name
        if method in APPLY_HOOKS:
            return self._is_hooked(class_qual) if self._is_hooked(class_qual) is not Answer.NO else (
                Answer.UNKNOWN if self.files_mentioning(method) else Answer.NO
            )
        if self.files_mentioning(method):
            return Answer.UNKNOWN
        return Answer.NO

    def is_method_run_by_project(self, class_qual: str, method: str) -> bool:
        """Project code, in any file, calls this method or hands it to `apply` (a subclass's
        `self.apply(self.init_weights)` uses its base's method)."""
        qual = f"{self.resolve(class_qual) or class_qual}.{method}"
        return bool(self.callers(qual) or self.apply_sites(qual))

    def _library_bases_unknown(self, class_qual: str) -> bool:
        """A base class of this class lies in a library that is neither torch nor a framework
        whose conventions the library table knows (a torchserve handler, a Lightning module):
        which of the class's methods it calls is unknown."""
        order, complete = self.mro(self.resolve(class_qual) or class_qual)
        if complete:
            return False
        return any(
            self.class_(name) is None
            and not name.startswith(("torch.", *INIT_WEIGHTS_FRAMEWORKS, *_STDLIB_BASES))
            and name not in _BUILTINS
            for name in order
        )

    def inherited_initializers(self, class_qual: str, attr: str) -> list[str]:
        """Methods of the class's project bases (in any file) that initialize `self.<attr>` and
        run for this class: the method is not overridden below its base, or every override calls
        `super().<method>()`, and the method is called, handed on or a framework hook."""
        return list(dict.fromkeys(method for method, _ in self.inherited_inits(class_qual, attr)))

    def inherited_inits(self, class_qual: str, attr: str) -> list[tuple[str, ParamInit]]:
        """The inits of `self.<attr>` itself (not of a sub-attribute) in methods of the class's
        project bases that run for this class (`inherited_initializers`), with the method: a
        base's `reset_parameters` that draws `self.weight` a subclass creates."""
        order, _ = self.mro(self.resolve(class_qual) or class_qual)
        found: list[tuple[str, ParamInit]] = []
        for position, name in enumerate(order[1:], start=1):
            base = self.class_(name)
            if base is None:
                continue
            for method in base[1].methods:
                inits = self.initialized_params(f"{name}.{method}").get("self", ())
                mine = [item for item in inits if item.path == (attr,)]
                if not mine:
                    continue
                if self._overridden_without_super(order[:position], method):
                    continue
                if Answer.NO in (self.is_method_used(name, method), self.is_method_used(order[0], method)):
                    continue
                found.extend((f"{name}.{method}", item) for item in mine)
        return found

    def library_patches(self, class_qual: str) -> list[tuple[str, str, int]]:
        """Where the project monkey-patches the class into a library module
        (`modeling_mixtral.MixtralExperts = LigerExperts`): (the library name it replaces, the
        patching module, line). The library's code then builds it and may initialize it
        (transformers' `_init_weights` tests `isinstance(module, MixtralExperts)` by the
        module's global name when it runs). A patch into a project module is not listed: that
        code is in the index and followed as such."""
        root = self.resolve(class_qual) or class_qual
        found: list[tuple[str, str, int]] = []
        for path in self.files_mentioning(root.rsplit(".", 1)[-1]):
            for cls, target, line in self.files[path].patches:
                if (self.resolve(cls) or cls) != root:
                    continue
                if self._module_prefix(target.rsplit(".", 1)[0]) is None:
                    found.append((target, self.files[path].module, line))
        return found

    def parameter_handoffs(self, class_qual: str) -> list[str]:
        """Methods of the class or its project bases (in any file) that may run and hand each of
        the module's own parameters to other code in a loop over `self.named_parameters()`
        (a framework's `_init_self_parameters` applying configured initializers): its
        parameters may be initialized there."""
        order, _ = self.mro(self.resolve(class_qual) or class_qual)
        found: list[str] = []
        for name in order:
            entry = self.class_(name)
            if entry is None:
                continue
            for method in entry[1].methods:
                located = self.function(f"{name}.{method}")
                if located is None or not located[1].param_handoffs:
                    continue
                if self.is_method_used(name, method) is Answer.NO:
                    continue
                found.append(f"{name}.{method}")
        return found

    def subclass_initializers(self, class_qual: str, attr: str) -> list[str]:
        """Methods of the class's project subclasses (in any file) that initialize
        `self.<attr>` and may run (called, handed on, a hook, or an override of a method the
        base calls: `reset_parameters` left abstract above): a base that only creates the
        tensor may leave its init to them."""
        root = self.resolve(class_qual) or class_qual
        found: list[str] = []
        for name in self.subclasses(root):
            if name == root:
                continue
            sub = self.class_(name)
            if sub is None:
                continue
            for method in sub[1].methods:
                inits = self.initialized_params(f"{name}.{method}").get("self", ())
                if not any(item.path == (attr,) for item in inits):
                    continue
                if self.is_method_used(name, method) is Answer.NO:
                    continue
                found.append(f"{name}.{method}")
        return found

    def _built_in_overridden_method(self, nearer: list[str], base: str, summary: FileSummary, line: int) -> bool:
        """Is the build at `line` of `base` in a method (not `__init__`) that a class nearer the
        root of the MRO overrides without calling `super().<method>()`?"""
        holder = self._holder_method(base, summary, line)
        if holder is None or holder.name == "__init__" or not holder.is_method:
            return False
        return self._overridden_without_super(nearer, holder.name)

    def _overridden_without_super(self, classes: list[str], method: str) -> bool:
        for name in classes:
            found = self.class_(name)
            if found is None or method not in found[1].methods:
                continue
            override = self.function(f"{name}.{method}")
            if override is None or not any(c.callee == f"super().{method}" for c in override[1].calls):
                return True
        return False

    def _is_hooked(self, class_qual: str) -> Answer:
        """Does a framework base (transformers' PreTrainedModel) apply `_init_weights` for us?"""
        order, complete = self.mro(class_qual)
        if any(name.rsplit(".", 1)[-1] in HOOK_BASES for name in order):
            return Answer.YES
        return Answer.NO if complete else Answer.UNKNOWN

    # -- forward facts -------------------------------------------------------------------------
    def forward_uses(self, class_qual: str, attr: str) -> frozenset[str]:
        """How the class's methods (its own and inherited) use `self.<attr>`."""
        order, _ = self.mro(class_qual)
        uses: set[str] = set()
        for name in order:
            entry = self.class_(name)
            if entry is None:
                continue
            summary, cls = entry
            functions = self._definitions(summary.module)[1]
            for method in cls.methods:
                found = functions.get(f"{cls.qualname}.{method}")
                if found is not None:
                    uses.update(use for key, use in found.self_uses if key == attr)
        return frozenset(uses)


    def reads_every_attribute(self, class_qual: str) -> Answer:
        """Do methods of the class, its bases or its subclasses read attributes by a computed
        name (`getattr(self, name)`, `vars(self)`, `self.__dict__`) or the values of every
        tensor of the module (a loop over `self.parameters()` that does more than look at
        `p.numel()`/`p.requires_grad`)? UNKNOWN when a base lies outside the project and torch."""
        order, _ = self.mro(class_qual)
        complete = True
        for name in dict.fromkeys([*order, *self.subclasses(class_qual)]):
            entry = self.class_(name)
            if entry is None:
                # a base we cannot read, unless torch's or a stdlib marker (`abc.ABC`, `Generic[T]`)
                if not name.startswith(("torch.", "typing.")) and name not in _PLAIN_BASES:
                    complete = False
                continue
            summary, cls = entry
            prefix = f"{cls.qualname}."
            for function in summary.functions:
                if function.qualname.startswith(prefix) and any(
                    key in ("*", "__dict__") for key, _ in function.self_uses
                ):
                    return Answer.YES
        return Answer.NO if complete else Answer.UNKNOWN


# Bases that add no attribute access of their own.
_PLAIN_BASES = frozenset({"object", "builtins.object", "abc.ABC", "ABC", "Generic", "Protocol"})


def _strongly_connected(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components come out dependencies-first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                result.append(members)
    return result


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
    if mine == wanted:
        return Answer.YES
    if wanted == "Module" and of.startswith("torch.nn"):
        # every torch.nn class is a Module; an optimizer, LR scheduler, dataset or autograd
        # Function is not (a scheduler's `init_*` method is not weight init)
        if cls.startswith(("torch.nn.", "torch.ao.nn.")):
            return Answer.YES
        if cls.startswith(("torch.optim.", "torch.utils.data.", "torch.autograd.")):
            return Answer.NO
        return Answer.UNKNOWN
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
    stable = repr((sorted(summary.referenced_names), summary._replace(referenced_names=frozenset())))
    return hashlib.blake2b(stable.encode(), digest_size=12).hexdigest()

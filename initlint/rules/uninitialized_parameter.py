from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from initlint.analysis.classes import (
    declared_dims,
    EMPTY_CREATORS,
    LEGACY_TENSOR_TYPES,
    PARAMETER_CLASSES,
    ClassFacts,
    InitSite,
    SiteKind,
    attribute_never_read,
    reset_later,
    call_name,
    calls_in,
    checkpoint_load,
    class_facts,
    file_classes,
    filled_from_checkpoint,
    LOADED_CLASS_NAME,
    init_sites,
    initialized_in_file,
    option_gated_init,
    is_self_attribute,
    hands_self_to_function,
    passed_to_unknown_helper,
    related_classes,
    uninitialized_creator,
    unrun_initializers,
    untrainable_placeholder,
)
from initlint.analysis.library import TORCH_OWN_INITIALIZERS
from initlint.analysis.context import is_init_name
from initlint.analysis.gate import FileWords
from initlint.analysis.walk import find_all, iter_nodes
from initlint.diagnostics import Severity
from initlint.rules.base import Invalid, Rule, Valid

_HF_BASE = re.compile(r"PreTrainedModel$")
_SKIP_INIT = frozenset({"torch.nn.utils.skip_init", "torch.nn.utils.init.skip_init"})
# Containers a parameter can sit in between its creation and the assignment that names it.
# The last parts of what `uninitialized_creator` accepts (its `Tensor.new_empty` is a method).
_CREATOR_WORDS = frozenset(
    {name.rsplit(".", 1)[-1] for name in EMPTY_CREATORS | LEGACY_TENSOR_TYPES} | {"new_empty"}
)
_CONTAINER_CALLS = frozenset({"ParameterList", "ParameterDict", "list", "tuple", "dict"})
_LOADING_WORDS = ("load_state_dict", "from_pretrained", "load_checkpoint", "load_weights")


class UninitializedParameter(Rule):
    """
    ## What it does
    Flags parameters created from uninitialized memory that nothing initializes:
    `nn.Parameter(torch.empty(...))`, `nn.Parameter(torch.Tensor(n, m))`,
    `torch.FloatTensor(n, m)`, `new_empty(...)`, or a `torch.empty(...)` kept in a variable and
    wrapped later.

    The rule follows the class before it speaks: `reset_parameters()` or any other method,
    `_init_weights`-style functions dispatching on the class with `isinstance`, loops over
    `self.parameters()` or over `[self.a, self.b]`, in-place fills (`.uniform_()`, `.copy_()`,
    `.data = ...`, `getattr(self, name)`) and project init helpers (`glorot(self.weight)`,
    `trunc_normal_(...)`), in the class, its bases in the file and its subclasses in the file,
    and `_init_weights`-style functions that check `isinstance(module, ThisClass)` (also
    `A | B`) or `hasattr(module, "name")`. A tensor filled at creation
    (`torch.empty(n).uniform_(-a, a)`) is initialized.

    Init code in the class's bases in other files counts where it runs for this class: a base
    method that initializes `self.<attr>`, not overridden below it or reached through
    `super().<method>()` (mmdet's `GroundingDINO.init_weights` → `DINO.init_weights`), and the
    OpenMMLab `init_cfg` of every owner that builds the class, when it overrides the attribute
    holding it by name (`override=dict(name="l2_norm")`: mmengine sets its `weight`/`bias`;
    an `init_cfg` passed to the sub-module's own constructor runs only with its `init_weights`).

    The classes that build this one count too (the project index finds them in every file):
    when each of them, while it is built and after building this class, overwrites all its
    parameters (an unfiltered `for p in self.parameters(): p.data.uniform_(...)`, also through
    the classes that build it in turn) or applies a function that writes this attribute
    (`self.apply(fn)`), the tensor is initialized. When only some do, or the class is also built
    in a plain function, it is a `warning` naming both; when nothing builds it by name but a
    class of its module builds one chosen by name (`eval(cfg["name"])(cfg)`) and overwrites
    it, `info`.

    A module handed whole to a function after the tensor is created (`weights_init(self)`,
    `initial_parameter(self)`: helpers that loop over `parameters()` or `apply` an init, often
    through further helpers) may initialize every parameter: that is `info`, naming the call,
    since what the function does to them is not known (fastNLP's and DeepRobust's helpers do).

    A class the project monkey-patches into a library module (`modeling_x.XExperts =
    MyExperts`, in any file of the project) is built by that library's code, whose init
    (transformers' `_init_weights` tests `isinstance(module, XExperts)` by the module's global
    name when it runs) may initialize it after the patch: `info`, naming the patch.

    Only init code that runs counts. An init method (`init_parameters`, `_initialize_weights`)
    that nothing in the project calls, gives to `apply` or runs as a framework hook (the project
    index looks in every file) initializes nothing: a parameter that only such a method fills is
    an `error`. Each branch of an `if` is judged alone: `self.w = nn.Linear(...)` in one branch
    does not initialize the `nn.Parameter(torch.empty(...))` of the other.

    An init that runs only for some values of an option: every init of the tensor sits under
    `if self.initialization == "xavier_uniform":` (or `mode in ("a", "b")`, the option a
    constructor argument kept on `self` or an argument of the method) and the `elif` chain ends
    without `else`, so any other value keeps the memory garbage. A `warning` when a
    `Literal[...]` annotation or an `assert option in (...)` allows a value no test names (the
    message names it); `info` when the allowed values are not known (only a value the code
    never expects would reach it). An `else` (also one that raises), or tests that cover every
    allowed value, keep it quiet.

    Severity follows the evidence: `error` when nothing can initialize the tensor; `warning` in
    transformers-style models (`*PreTrainedModel`), where `from_pretrained` overwrites it but a
    model built from a config keeps garbage unless `_init_weights` handles it, and when the only
    filler is a checkpoint load in a method that runs (`self.load_state_dict(...)` on one branch
    of `init_weights`: the message names its line); `info` for classes whose weights are meant to
    be loaded (pretrained, quantized, packed layers, and classes holding an uninitialized
    parameter training can never change: `requires_grad=False`, an integer or float8 dtype), for tensors that an init function without
    an `isinstance` check may reach, for tensors an init function in any file initializes under
    `isinstance(module, ThisClass)` when something in the project applies or calls it (sockeye's
    `model.initialize_parameters`, applied by its training script), for classes whose `__init__` calls an init method we cannot
    read (`super().init_weights()` of a base class defined elsewhere), for a parameter nothing in
    the project reads (only assigned, or measured with `len()`; no other file names it, no
    `getattr(self, name)` or loop over the values of `self.parameters()` in the class, its bases
    or subclasses), and for `torch.nn.utils.skip_init` with no load or init in sight (a
    `layer.reset_parameters()` on the built module later in the same function is an init).

    Classes built only to be filled from a checkpoint: when every construction of the class
    that the project holds, or of the classes that build it (followed up the owners), is
    followed on the same path by a checkpoint load into the built object (`model =
    Whisper(dims)` then `model.load_state_dict(sd)`, `load_checkpoint(model, f)`), or the
    owner's `__init__` loads its state dict after building it (`self.load_state_dict(sd)`,
    `self._load_state_dict(sd)`), the garbage never reaches training: `info`, naming the load.
    A construction in a plain function (a factory, `build_vision_model(cfg)` returning
    `CLIPVisionModel(cfg)`) is followed to the function's callers, in any file: filled when
    every call of it is (a load after the call, or the filled construction of the model whose
    `__init__` calls it).
    When one of those loads is `strict=False` (it fills only the tensors the checkpoint holds)
    it is `info` too, and the message says so: fine only if every checkpoint holds the tensor,
    which is the usual case for code only ever built to be loaded (llama-models, BigGAN). A load under an `if` that the
    construction is outside of, one construction without a load, or a class that nothing in the
    project builds by name keeps the finding as it was, except in an inference engine that
    attaches a `weight_loader` to its parameters in three or more modules (vLLM, SGLang,
    lmdeploy): it allocates every layer with `torch.empty` and fills it in `load_weights` by
    design, so a class whose loading the index cannot trace is `info` there, naming that
    convention.

    Loops count too: over a local list of the class's tensors (`for p in [self.u, self.v]`,
    also through a name bound once), and in an owner, over `self.<sub>.named_parameters()` of
    the sub-module it built (with `if "weight" in name:`, the parameters named so); so does an
    owner's direct write after the build (`self.sub.weight.data.zero_()`). PyTorch
    Geometric's `torch_geometric.nn.inits` helpers fill the argument the library table names
    (`uniform(size, w)` fills `w`).

    ## Why is this bad?
    `torch.empty` and `torch.Tensor(n, m)` return whatever bytes were in memory: often zeros on a
    fresh allocator (so tests pass), then denormals, huge values or NaN once memory is reused.
    Training starts from garbage that differs run to run, and a single NaN poisons every step.

    ## Example
    ```python
    class Scale(nn.Module):
        def __init__(self, n_in, n_out):
            super().__init__()
            self.weight = nn.Parameter(torch.empty(n_out, n_in))
    ```

    ## Use instead
    ```python
    class Scale(nn.Module):
        def __init__(self, n_in, n_out):
            super().__init__()
            self.weight = nn.Parameter(torch.empty(n_out, n_in))
            self.reset_parameters()

        def reset_parameters(self):
            nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
    ```

    ## Fix safety
    No automatic fix: which initializer is right depends on what the tensor is (a weight matrix,
    a bias, a gain, a learned query).

    ## References
    - [PyTorch: `torch.empty`](https://pytorch.org/docs/stable/generated/torch.empty.html)
    - [PyTorch: `skip_init`](https://pytorch.org/tutorials/prototype/skip_param_init.html)
    - [PyTorch: `nn.Linear.reset_parameters`](https://github.com/pytorch/pytorch/blob/main/torch/nn/modules/linear.py)
    """

    code = "INI001"
    judges_unrun_code = True
    name = "uninitialized-parameter"
    summary = "Parameter created from uninitialized memory (`torch.empty`, `torch.Tensor(n, m)`) and never initialized"
    severity = Severity.ERROR
    triggers = ("empty", "Tensor(", "skip_init")

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Reports are at `skip_init(...)` or at an `nn.Parameter` of a value built by an
        uninitialized creator (`uninitialized_creator`, directly or through a local)."""
        return words.has("skip_init") or (words.has("Parameter") and words.has_any(_CREATOR_WORDS))

    def visit_Call(self, node: cst.Call) -> None:
        name = call_name(node)
        if name == "Parameter":
            if self.context.resolve(node.func) in PARAMETER_CLASSES and node.args:
                self._check_parameter(node)
        elif name == "skip_init":
            if self.context.resolve(node.func) in _SKIP_INIT:
                self._check_skip_init(node)

    # -- nn.Parameter(<uninitialized>) ------------------------------------------------------
    def _check_parameter(self, node: cst.Call) -> None:
        first = node.args[0]
        if first.keyword is not None or first.star:
            return
        creator = uninitialized_creator(first.value, self.context)
        wrapped_local: Optional[str] = None
        if creator is None and isinstance(first.value, cst.Name):
            wrapped_local = first.value.value
            creator = self._uninitialized_local(wrapped_local)
        if creator is None:
            return
        target = self._target(node)
        if target is None:
            return
        spelled = _spelled(creator)
        if isinstance(target, cst.Name):
            self._check_local(node, target.value, spelled)
            return
        attr = is_self_attribute(target) if isinstance(target, cst.Attribute) else None
        if attr is None and isinstance(target, cst.SimpleString):
            value = target.evaluated_value
            attr = value if isinstance(value, str) else None
        klass = self.context.enclosing_class()
        if attr is None or klass is None:
            return
        self._check_attribute(node, klass, attr, spelled)

    def _uninitialized_local(self, name: str) -> Optional[str]:
        """`w = torch.empty(...)` earlier in the function and no init of `w` there."""
        function = self.context.enclosing_function()
        scope: cst.CSTNode = function if function is not None else self.context.module
        creator: Optional[str] = None
        for statement in _simple_statements(scope):
            for small in statement.body:
                if isinstance(small, cst.Assign) and any(
                    isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets
                ):
                    creator = uninitialized_creator(small.value, self.context)
        if creator is None:
            return None
        for site in init_sites(self.context):
            if site.function is function and isinstance(site.target, cst.Name):
                if site.target.value == name:
                    return None
        return creator

    def _target(self, node: cst.Call) -> Optional[cst.BaseExpression]:
        """What the new parameter is stored in: `self.w`, a local name, or the name given to
        `register_parameter`. None when it flows somewhere we cannot follow."""
        previous: cst.CSTNode = node
        for ancestor in self.context.ancestors():
            if isinstance(ancestor, cst.Assign):
                if len(ancestor.targets) != 1 or previous is not ancestor.value:
                    return None
                return ancestor.targets[0].target
            if isinstance(ancestor, cst.AnnAssign):
                return ancestor.target if previous is ancestor.value else None
            if isinstance(ancestor, cst.Call):
                name = call_name(ancestor)
                if name == "register_parameter" and len(ancestor.args) >= 2:
                    if isinstance(ancestor.func, cst.Attribute) and isinstance(
                        ancestor.func.value, cst.Name
                    ) and ancestor.func.value.value == "self":
                        return ancestor.args[0].value
                    return None
                if name not in _CONTAINER_CALLS:
                    return None  # passed to a function: it may initialize it
            elif isinstance(ancestor, (cst.SimpleStatementLine, cst.IndentedBlock, cst.Lambda)):
                return None
            previous = ancestor
        return None

    def _check_local(self, node: cst.Call, name: str, spelled: str) -> None:
        function = self.context.enclosing_function()
        for site in init_sites(self.context):
            if site.function is function and isinstance(site.target, cst.Name):
                if site.target.value == name:
                    return
        scope: cst.CSTNode = function if function is not None else self.context.module
        uses = _name_uses(scope, name)
        if uses.stored_as or uses.passed:
            return  # kept in `self.x` or handed to code we do not follow here
        self.report(
            node,
            f"`{name}` is a parameter made from `{spelled}` (uninitialized memory) and nothing "
            "initializes it: initialize it with an `nn.init` function or create it with values",
        )

    def _check_attribute(self, node: cst.Call, klass: cst.ClassDef, attr: str, spelled: str) -> None:
        facts = class_facts(self.context, klass)
        assignment = self.context.nearest(cst.Assign)
        gate: Optional[tuple[cst.If, tuple[str, ...]]] = None
        if initialized_in_file(self.context, klass, attr, assignment, running_only=True):
            gate = option_gated_init(self.context, klass, attr, assignment)
            if gate is None:
                return
        view = self.context.project
        class_qual = view.class_qualname_of(self.context, klass)
        target = f"self.{attr}"
        base = f"`{target}` is created with `{spelled}` (uninitialized memory)"
        if view.index.inherited_initializers(class_qual, attr):
            return  # a base class's init method that runs for this class (in another file)
        if gate is not None:
            self.report(
                node,
                f"{base} and is initialized only under `if {self.context.code_for(gate[0].test)}:`, "
                f"with no `else`: built with {_other_values(gate[1])}, its values are "
                f"whatever was in memory; add an `else` that initializes it (or raises)",
                # a known allowed value left out is a bug; "any other value" may never come
                severity=Severity.WARNING if gate[1] else Severity.INFO,
            )
            return
        meant = re.search(rf"self\.{re.escape(attr)}\.(?:weight|bias)\b", self.context.scope_code(klass))
        if meant is not None:
            # `nn.init.constant_(self.bias_k.bias, 0.0)`: the init meant for it raises first
            # (INI008), so these values are never used; the crash is the bug to fix
            self.report(
                node,
                f"{base}, and the init meant for it writes `{meant.group(0)}`, which a tensor does "
                f"not have: building it raises AttributeError before these values are used; "
                f"initialize `{target}` itself",
                severity=Severity.INFO,
            )
            return
        handoffs = view.index.parameter_handoffs(class_qual)
        if handoffs:
            self.report(
                node,
                f"{base} and nothing in `{klass.name.value}` initializes it by name, but `{handoffs[0]}` hands each of the "
                "module's own parameters to other code in a loop over `self.named_parameters()` "
                "(configured initializers), which may initialize it: if it does not, its values "
                "are whatever was in memory",
                severity=Severity.INFO,
            )
            return
        by_subclass = view.index.subclass_initializers(class_qual, attr)
        if by_subclass:
            method = by_subclass[0]
            self.report(
                node,
                f"{base} and nothing in `{klass.name.value}` initializes it, but its subclass's `{method}` does: fine "
                f"while `{klass.name.value}` is only used through subclasses that initialize it; "
                f"a direct `{klass.name.value}(...)` or another subclass keeps whatever was in memory",
                severity=Severity.INFO,
            )
            return
        if attr in ("weight", "bias") and view.index.init_cfg_owners(class_qual):
            return  # every owner's OpenMMLab init_cfg overrides the attribute holding it
        owners = view.index.owner_init(class_qual, attr, dims=declared_dims(self.context, klass, attr))
        if owners.all_covered:
            return  # every class that builds it overwrites all its parameters afterwards
        dispatched = view.index.isinstance_redraws(class_qual, attr)
        if dispatched:
            self.report(
                node,
                f"{base} and nothing in `{klass.name.value}` initializes it, but {dispatched[0]} "
                f"initializes `.{attr}` under `isinstance(module, {klass.name.value})` and is applied "
                f"or called somewhere in the project: fine wherever it runs (`model.apply(...)` "
                f"before training); a `{klass.name.value}` built without it keeps whatever was in memory",
                severity=Severity.INFO,
            )
            return
        patches = view.index.library_patches(class_qual)
        if patches:
            replaced, module, line = patches[0]
            self.report(
                node,
                f"{base} and nothing in `{klass.name.value}` initializes it, but line {line} of "
                f"{module} monkey-patches `{klass.name.value}` into a library as `{replaced}`: "
                f"the library's init code (an `_init_weights` testing `isinstance(module, "
                f"{replaced.rsplit('.', 1)[-1]})`) may initialize it after the patch; a "
                f"`{klass.name.value}(...)` built any other way keeps whatever was in memory",
                severity=Severity.INFO,
            )
            return
        if attribute_never_read(self.context, klass, attr):
            self.report(
                node,
                f"`self.{attr}` is created with `{spelled}` (uninitialized memory) and nothing "
                f"initializes it, but nothing in the project ever reads it (only assigned"
                f"{' or measured with `len()`' if 'len(self.' + attr + ')' in self.context.source else ''}): "
                "its values cannot reach any output; remove it, or initialize it if it is ever used",
                severity=Severity.INFO,
            )
            return
        related = related_classes(self.context, facts)
        if self._torch_initializer_runs(class_qual, related, attr):
            return  # `self._reset_parameters()` of the torch layer the class derives from
        maybe = self._unchecked_sites().get(attr)
        inherited = self._inherited_init(related)
        if inherited == "self.reset_parameters()" and attr in ("weight", "bias"):
            torch_bases = [b for f in related for b in f.bases if b.startswith("torch.nn.")]
            if any(b not in ("torch.nn.Module", "torch.nn.modules.module.Module") for b in torch_bases):
                return  # a torch.nn layer's own reset_parameters initializes weight and bias
        if inherited is not None:
            self.report(
                node,
                f"{base}; `__init__` calls `{inherited}`, which this file does not define: fine if "
                f"it initializes `{target}`, otherwise its values are whatever was in memory",
                severity=Severity.INFO,
            )
            return
        if maybe is not None:
            where = maybe.function.name.value if maybe.function is not None else "an init loop"
            self.report(
                node,
                f"{base}; `{where}` initializes `.{attr}` of the modules it sees: fine if it "
                f"reaches `{facts.name}`, otherwise its values are whatever was in memory",
                severity=Severity.INFO,
            )
            return
        handed = hands_self_to_function(self.context, klass, assignment)
        if handed is not None:
            self.report(
                node,
                f"{base}; `__init__` then hands the whole module to `{handed}(self)`, which may "
                f"initialize every parameter (what it does to them is not known): if it does "
                f"not, its values are whatever was in memory",
                severity=Severity.INFO,
            )
            return
        filled = filled_from_checkpoint(self.context, klass, assignment or node)
        if filled is not None and not filled[1]:
            self.report(
                node,
                f"{base} and nothing in `{facts.name}` initializes it, but every construction of "
                f"`{facts.name}` the project holds is filled from a checkpoint right after it is "
                f"built ({filled[0]}): the garbage never reaches training; initialize it anyway if "
                f"`{facts.name}` may ever be trained from scratch",
                severity=Severity.INFO,
            )
            return
        if filled is not None:  # one of the loads is `strict=False`
            self.report(
                node,
                f"{base} and nothing in `{facts.name}` initializes it; every construction of "
                f"`{facts.name}` the project holds is followed by a checkpoint load, but "
                f"{filled[0]} uses `strict=False`, which leaves any tensor the checkpoint lacks as "
                f"it was: fine if every checkpoint holds `{target}`, garbage otherwise; "
                "initialize it in `__init__` so a missing key cannot go unnoticed",
                # built only to be loaded: two reviews (llama-models, BigGAN) called more too harsh
                severity=Severity.INFO,
            )
            return
        unrun = unrun_initializers(self.context, klass, attr, assignment)
        if unrun:
            methods = " and ".join(f"`{name}`" for name in unrun)
            self.report(
                node,
                f"{base} and only {methods} initializes it, which nothing in the project runs "
                f"(not called from `__init__`, not given to `apply`, not a hook a framework "
                f"calls): its values are whatever was in memory; call `self.{unrun[0]}()` at the "
                "end of `__init__`",
                severity=Severity.ERROR,
            )
            return
        helper = passed_to_unknown_helper(self.context, klass, attr)
        if helper is not None:
            self.report(
                node,
                f"{base}; it is passed to `{helper}`, which may initialize it (what it does to "
                "that argument is not known): if it does not, its values are whatever was in memory",
                severity=Severity.INFO,
            )
            return
        bases = [name.rsplit(".", 1)[-1] for f in related for name in f.bases]
        if any(_HF_BASE.search(name) for name in bases) or self._file_is_transformers_style():
            self.report(
                node,
                f"{base} and `_init_weights` here does not handle it: `from_pretrained` "
                f"overwrites it, but a model built from a config keeps garbage; initialize "
                f"`.{attr}` in `_init_weights` (`isinstance(module, {facts.name})`)",
                severity=Severity.WARNING,
            )
            return
        if any(LOADED_CLASS_NAME.search(name) for name in [facts.name, *bases]) or any(
            "_load_from_state_dict" in f.methods or "load_state_dict" in f.methods for f in related
        ):
            self.report(
                node,
                f"{base} and nothing in the class initializes it: fine if `{facts.name}` always "
                "gets its weights from a checkpoint, but garbage if it is ever trained from scratch",
                severity=Severity.INFO,
            )
            return
        frozen = untrainable_placeholder(klass, self.context)
        if frozen is not None:
            self.report(
                node,
                f"{base} and nothing in `{facts.name}` initializes it, but `{facts.name}` holds "
                f"parameters training can never change ({frozen} on an uninitialized tensor): "
                f"its tensors are placeholders for values loaded from a checkpoint or packed by a "
                f"quantizer; fine if they always are, garbage if `{facts.name}` is ever used without",
                severity=Severity.INFO,
            )
            return
        if owners.by_name:
            self.report(
                node,
                f"{base} and nothing in `{facts.name}` initializes it; nothing builds `{facts.name}` "
                f"by name, and {owners.by_name[0]} overwrites it: garbage only if `{facts.name}` "
                "is built some other way",
                severity=Severity.INFO,
            )
            return
        if owners.covered:
            self.report(
                node,
                f"{base} and nothing in `{facts.name}` initializes it; {owners.covered[0]} "
                f"overwrites it when `{facts.name}` is built there, but {', '.join(owners.uncovered)} "
                f"builds `{facts.name}` without such an init: there its values are whatever was in "
                f"memory; initialize it in `{facts.name}` (a `reset_parameters()` called from `__init__`)",
                severity=Severity.WARNING,
            )
            return
        loaded = checkpoint_load(self.context, klass)
        if loaded is not None:
            method, line = loaded
            where = f" at line {line}" if line is not None else ""
            self.report(
                node,
                f"{base} and nothing in `{facts.name}` initializes it: it is filled only when a "
                f"checkpoint is loaded{where} (`{method}`); a model built without that checkpoint "
                f"keeps whatever was in memory: initialize it before the load (e.g. in "
                f"`__init__`) so both paths start from defined values",
                severity=Severity.WARNING,
            )
            return
        handed = view.index.handed_in_module_inits(declared_dims(self.context, klass, attr), attr)
        if handed:
            self.report(
                node,
                f"{base} and nothing in `{facts.name}` initializes it; {handed[0]} re-draws the "
                f"parameters of a model handed to it, which may hold `{facts.name}` (what it holds "
                f"is not known here): if it never does, its values are whatever was in memory; "
                f"initialize it in `{facts.name}` so every way of building it starts defined",
                severity=Severity.INFO,
            )
            return
        convention = view.index.parameter_loader_convention()
        if convention is not None:
            self.report(
                node,
                f"{base} and nothing in `{facts.name}` initializes it, and no load of it could be "
                f"traced; but {convention}: fine if `{facts.name}` is only ever built to be "
                f"loaded like the rest, garbage if it is used without a checkpoint",
                # vLLM's review: layers the index could not follow to a loading model were
                # loaded all the same; the engine's convention is the fact, not this class's chain
                severity=Severity.INFO,
            )
            return
        self.report(
            node,
            f"{base} and nothing in `{facts.name}` initializes it: its values are whatever was in "
            f"memory (zeros, denormals, NaN); initialize it in a `reset_parameters()` called from "
            f"`__init__` (e.g. `nn.init.kaiming_uniform_({target}, a=math.sqrt(5))` for a weight, "
            f"`nn.init.zeros_` for a bias)",
        )

    def _torch_initializer_runs(self, class_qual: str, related: list[ClassFacts], attr: str) -> bool:
        """`__init__` calls `self.<m>()`, defined by no project class of the MRO but by a torch
        layer it derives from, which initializes `attr` (`TORCH_OWN_INITIALIZERS`)."""
        called = {call.method for f in related for call in f.calls}
        if not called:
            return False
        index = self.context.project.index
        for name in index.mro(class_qual)[0]:
            found = TORCH_OWN_INITIALIZERS.get(name)
            if found is not None and found[0] in called and attr in found[1]:
                return index.find_method(class_qual, found[0]) is None
        return False

    def _inherited_init(self, related: list[ClassFacts]) -> Optional[str]:
        """An init-like `self.m()` or `fn(self)` call from `__init__` we cannot see into."""
        defined = {name for f in related for name in f.methods}
        for facts in related:
            visible_bases = all(
                base in ("torch.nn.Module", "torch.nn.modules.module.Module")
                or base.rsplit(".", 1)[-1] in {f.name for f in related}
                for base in facts.bases
            )
            for call in facts.calls:
                if call.method not in defined and is_init_name(call.method) and not visible_bases:
                    return f"self.{call.method}()"
            if not visible_bases:
                for name in {"__init__"} | facts.reachable:
                    method = facts.methods.get(name)
                    for call in calls_in(method.body) if method is not None else []:
                        func = call.func
                        if (
                            isinstance(func, cst.Attribute)
                            and isinstance(func.value, cst.Call)
                            and call_name(func.value) == "super"
                            and is_init_name(func.attr.value)
                        ):
                            return f"super().{func.attr.value}()"
            for call, _ in facts.function_calls:
                name = call_name(call) or ""
                if is_init_name(name) and self.context.resolve(call.func) is not None:
                    return f"{self.context.code_for(call.func)}(self)"
        return None

    def _unchecked_sites(self) -> dict[str, InitSite]:
        """attr → the first init-function site that writes `.attr` of modules it does not check
        by class (`m.x` with no class check, `module.experts.x`); one pass over the file's sites."""

        def compute() -> dict[str, InitSite]:
            found: dict[str, InitSite] = {}
            for site in init_sites(self.context):
                if site.attr is None or site.owner is None or site.owner.startswith("self"):
                    continue
                classes = [g for g in site.guards if not g.startswith("hasattr:")]
                if (
                    site.in_init_context
                    and site.kind is SiteKind.CALL
                    and (not classes or "." in site.owner)
                ):
                    found.setdefault(site.attr, site)
            return found

        return self.context.memo("INI001-unchecked-sites", compute)

    def _file_is_transformers_style(self) -> bool:
        return self.context.memo("INI001-transformers-style", self._any_transformers_base)

    def _any_transformers_base(self) -> bool:
        for klass in file_classes(self.context).values():
            for base in klass.bases:
                spelled = self.context.code_for(base.value)
                if _HF_BASE.search(spelled):
                    return True
        return False

    # -- torch.nn.utils.skip_init ------------------------------------------------------------
    def _check_skip_init(self, node: cst.Call) -> None:
        function = self.context.enclosing_function()
        scope: cst.CSTNode = function if function is not None else self.context.module
        code = self.context.scope_code(scope)
        if any(word in code for word in _LOADING_WORDS):
            return
        assign = self.context.nearest(cst.Assign)
        if assign is not None and len(assign.targets) == 1:
            stored = self.context.code_for(assign.targets[0].target)
            for site in init_sites(self.context):
                if site.function is function and site.owner == stored:
                    return
            if function is not None and reset_later(function, assign, stored):
                return  # `layer.reset_parameters()` later in the same function draws it
        self.report(
            node,
            "`skip_init` leaves every parameter of the module uninitialized (memory garbage) on "
            "purpose: fine when a checkpoint is loaded or an explicit init follows, which is not "
            "visible here",
            severity=Severity.INFO,
        )

    VALID = [
        Valid(
            """
            import math
            import torch
            import torch.nn as nn

            class Fourier(nn.Module):
                def __init__(self, modes, d):
                    super().__init__()
                    self.weights = nn.Parameter(torch.empty(modes, d, d, dtype=torch.cfloat))
                    self._init_complex_(self.weights, fan_in=d)

                def _init_complex_(self, p, fan_in):
                    std = 1.0 / math.sqrt(fan_in)
                    with torch.no_grad():
                        p.real.normal_(0.0, std)
                        p.imag.normal_(0.0, std)
            """,
            reason="`.real`/`.imag` are views: writing both halves in place initializes the "
            "complex tensor (timesead's Fourier block, tuning23)",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Head(nn.Module):
                def __init__(self, num_class, mean_size_arr):
                    super().__init__()
                    self.num_size_cluster = len(mean_size_arr)
                    self.mean_size_arr = nn.Parameter(torch.Tensor(mean_size_arr), requires_grad=False)
            """,
            reason="`len(mean_size_arr)` shows the argument is a sequence: `torch.Tensor` copies "
            "its values (torch-points3d's VoteNet head), whatever size-like word the name holds",
        ),
        Valid(
            """
            import math
            import torch
            from torch import nn
            from torch.nn import Parameter

            class StackedRNN(nn.Module):
                def __init__(self, n_in, hidden, layers=1):
                    super().__init__()
                    self.hidden = hidden
                    for layer in range(layers):
                        w_ih = Parameter(torch.Tensor(4 * hidden, n_in if layer == 0 else hidden))
                        b_ih = Parameter(torch.Tensor(4 * hidden))
                        for name, param in zip(("weight_ih_l{}", "bias_ih_l{}"), (w_ih, b_ih)):
                            setattr(self, name.format(layer), param)
                    self.reset_parameters()

                def reset_parameters(self):
                    bound = 1.0 / math.sqrt(self.hidden)
                    for weight in self.parameters():
                        weight.data.uniform_(-bound, bound)
            """,
            reason="the locals go into a tuple handed to `zip` and are registered by computed "
            "names (lightseq's quantized RNN); `reset_parameters` then fills every parameter",
        ),
        Valid(
            """
            import numpy as np
            import torch
            import torch.nn as nn

            class InvertibleConv(nn.Module):
                def __init__(self, channels):
                    super().__init__()
                    w_init = np.linalg.qr(np.random.randn(channels, channels))[0].astype(np.float32)
                    self.weight = nn.Parameter(torch.Tensor(w_init))
            """,
            reason="`torch.Tensor(array)` copies the values of an array built just above (Glow's "
            "random rotation, pixyz): not a size, whatever the name looks like",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Mixer(nn.Module):
                def __init__(self, d, scheme="orthogonal"):
                    super().__init__()
                    self.scheme = scheme
                    self.mix = nn.Parameter(torch.empty(d, d))
                    self.bias = nn.Parameter(torch.empty(d)) if d > 1 else None
                    self.init_mix()

                def init_mix(self):
                    if self.scheme == "orthogonal":
                        nn.init.orthogonal_(self.mix)
                    elif self.scheme in ("eye", "identity"):
                        nn.init.eye_(self.mix)
                    else:
                        nn.init.normal_(self.mix, std=0.02)
                    if self.bias is not None:
                        nn.init.zeros_(self.bias)
            """,
            "the final `else` initializes `mix` for every other scheme; `if self.bias is not None` "
            "is not an option test",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Gate(nn.Module):
                def __init__(self, d, fill=0):
                    super().__init__()
                    self.gate = nn.Parameter(torch.empty(d))
                    if fill == 0:
                        nn.init.zeros_(self.gate)
                    elif fill == 1:
                        nn.init.ones_(self.gate)
                    else:
                        raise ValueError(f"fill must be 0 or 1, not {fill}")
            """,
            "any other value raises: a `Gate` with the tensor uninitialized cannot be built",
        ),
        Valid(
            """
            from typing import Literal
            import torch
            from torch import nn

            class Offsets(nn.Module):
                def __init__(self, d, start: Literal["zeros", "uniform"] = "zeros"):
                    super().__init__()
                    self.start = start
                    self.offsets = nn.Parameter(torch.Tensor(1, d))
                    self.reset_offsets()

                def reset_offsets(self):
                    if self.start == "zeros":
                        nn.init.zeros_(self.offsets)
                    elif self.start == "uniform":
                        nn.init.uniform_(self.offsets, -0.1, 0.1)
            """,
            "the tests cover every value the `Literal[...]` annotation allows",
        ),
        Valid(
            """
            import math
            import torch
            from torch import nn

            class Cell(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.w_in = nn.Parameter(torch.Tensor(3 * d, d))
                    self.b_in = nn.Parameter(torch.Tensor(3 * d))

            class Recommender(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.cell = Cell(d)
                    self.out = nn.Linear(d, 1)
                    self.reset_all(d)

                def reset_all(self, d):
                    bound = 1.0 / math.sqrt(d)
                    for name, p in self.named_parameters():
                        with torch.no_grad():
                            p.uniform_(-bound, bound)
            """,
            "the only class that builds Cell overwrites every parameter below it after building it",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Gate(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.scale = nn.Parameter(torch.empty(d))

            class Block(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.gate = Gate(d)

            class Net(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.blocks = nn.ModuleList([Block(d) for _ in range(2)])
                    self._reset()

                def _reset(self):
                    for p in self.parameters():
                        nn.init.normal_(p, std=0.02)
            """,
            "Block builds Gate and does no init, but Net, the only class that builds Block, "
            "overwrites every parameter below it afterwards",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn
            from mmengine.model import BaseModule

            class Rescale(nn.Module):
                def __init__(self, channels):
                    super().__init__()
                    self.weight = nn.Parameter(torch.Tensor(channels))

                def forward(self, x):
                    return x * self.weight[None, :, None, None]

            class Neck(BaseModule):
                def __init__(self, channels, init_cfg=[dict(type="Xavier", layer="Conv2d")]):
                    super().__init__(init_cfg)
                    self.rescale = Rescale(channels)
                    self.init_cfg += [dict(type="Constant", val=10.0, override=dict(name="rescale"))]
            """,
            reason="the owner's mmengine init_cfg overrides `rescale` by name: init_weights sets "
            "its weight to 10",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn
            from mmengine.model import BaseModule

            class Detector(BaseModule):
                def __init__(self):
                    super().__init__()
                    self._init_layers()

                def _init_layers(self):
                    self.level_embed = nn.Parameter(torch.Tensor(4, 8))

                def init_weights(self):
                    super().init_weights()
                    nn.init.normal_(self.level_embed)

            class Grounded(Detector):
                def _init_layers(self):
                    self.level_embed = nn.Parameter(torch.Tensor(4, 8))
                    self.proj = nn.Linear(8, 8)

                def init_weights(self):
                    super().init_weights()
                    nn.init.zeros_(self.proj.bias)
            """,
            reason="the subclass's init_weights calls super().init_weights(), whose base-class "
            "body initializes the re-created parameter; mmengine's BaseModule runs init_weights",
        ),
        Valid(
            """
            import torch
            from torch import nn

            def _store(dst, src):
                if getattr(dst, "device_mesh", None) is not None:
                    dst.copy_(src.to(dst.device))
                else:
                    dst.copy_(src)

            class Decay(nn.Module):
                def __init__(self, heads):
                    super().__init__()
                    self.heads = heads
                    self.log_rate = nn.Parameter(torch.empty(heads))
                    self.reset_parameters()

                def reset_parameters(self):
                    with torch.no_grad():
                        rates = torch.arange(1, self.heads + 1, dtype=torch.float32).log()
                        _store(self.log_rate, rates)
            """,
            reason="a project helper whose name says nothing about init copies into the parameter "
            "on every branch: the index knows it initializes its first argument",
        ),
        Valid(
            """
            import numpy as np
            import torch
            from torch import nn

            class Quantiles(nn.Module):
                def __init__(self, num_samples):
                    super().__init__()
                    qs = torch.Tensor(np.arange(num_samples) / num_samples)
                    self.quantiles = nn.Parameter(qs, requires_grad=False)
                    self.levels = nn.Parameter(torch.Tensor(np.linspace(0, 1, 5) * 2))
            """
        ),
        Valid(
            """
            import torch
            from torch import nn
            from transformers import PreTrainedModel
            from transformers import initialization as init

            class MoA(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.bias = nn.Parameter(torch.empty(d))

            class MoE(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.bias = nn.Parameter(torch.empty(d))

            class Encoder(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.level_embed = nn.Parameter(torch.Tensor(4, d))

            class MyPreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    super()._init_weights(module)
                    if isinstance(module, MoA | MoE):
                        init.zeros_(module.bias)
                    if hasattr(module, "level_embed"):
                        init.normal_(module.level_embed)
            """,
            reason="transformers idioms: `isinstance(m, A | B)` and `hasattr(m, name)` in _init_weights",
        ),
        Valid(
            """
            import math
            import torch
            import torch.nn as nn

            class MyLinear(nn.Module):
                def __init__(self, n_in, n_out, bias=True):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(n_out, n_in))
                    if bias:
                        self.bias = nn.Parameter(torch.empty(n_out))
                    else:
                        self.register_parameter("bias", None)
                    self.reset_parameters()

                def reset_parameters(self):
                    nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
                    if self.bias is not None:
                        bound = 1 / math.sqrt(self.weight.shape[1])
                        nn.init.uniform_(self.bias, -bound, bound)
            """,
            reason="torch's own layer pattern: reset_parameters called from __init__",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Query(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.query = nn.Parameter(torch.empty(n, d).normal_(std=0.02))
                    self.scale = nn.Parameter(torch.empty(d).uniform_(0.5, 1.5))
            """,
            reason="filled right after creation",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.table = nn.Parameter(torch.Tensor([[0.1, 0.2], [0.3, 0.4]]))
                    self.values = nn.Parameter(torch.Tensor(values_list))
                    self.empty = nn.Parameter(torch.empty(0))
            """,
            reason="torch.Tensor(data) holds data; zero-size tensors hold nothing",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Embeddings(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.cls_token = nn.Parameter(torch.empty(1, 1, dim))

            class Model(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.embeddings = Embeddings(dim)
                    self.apply(self._init_weights)

                def _init_weights(self, module):
                    if isinstance(module, nn.Linear):
                        nn.init.trunc_normal_(module.weight, std=0.02)
                    elif isinstance(module, Embeddings):
                        nn.init.trunc_normal_(module.cls_token, std=0.02)
            """,
            reason="initialized by an init function dispatching on the class",
        ),
        Valid(
            """
            import torch
            from torch.nn import Parameter, Module
            from torch_geometric.nn.inits import glorot, zeros

            class GraphConv(Module):
                def __init__(self, n_in, n_out):
                    super().__init__()
                    self.weight = Parameter(torch.Tensor(n_in, n_out))
                    self.bias = Parameter(torch.Tensor(n_out))
                    self.reset_parameters()

                def reset_parameters(self):
                    glorot(self.weight)
                    zeros(self.bias)
            """,
            reason="project init helpers (PyG's glorot/zeros) count as initialization",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Gates(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.w_i = nn.Parameter(torch.empty(d, d))
                    self.w_f = nn.Parameter(torch.empty(d, d))
                    self.b = nn.Parameter(torch.empty(d))
                    for w in (self.w_i, self.w_f):
                        nn.init.orthogonal_(w)
                    with torch.no_grad():
                        self.b.data = torch.zeros(d)
            """,
            reason="initialized through a loop over the tensors and a `.data =` assignment",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Layer(nn.Module):
                def __init__(self, n):
                    super().__init__()
                    weight = torch.empty(n, n)
                    nn.init.xavier_uniform_(weight)
                    self.weight = nn.Parameter(weight)
            """,
            reason="created in a variable, initialized, then wrapped",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Base(nn.Module):
                def __init__(self, n):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(n, n))
                    self.reset_parameters()

            class Orthogonal(Base):
                def reset_parameters(self):
                    nn.init.orthogonal_(self.weight)
            """,
            reason="a subclass in the file initializes the tensor through the hook the base calls",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class ActNorm(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.loc = nn.Parameter(torch.empty(1, c, 1, 1))
                    self.initialized = False

                def forward(self, x):
                    if not self.initialized:
                        with torch.no_grad():
                            self.loc.data.copy_(-x.mean(dim=(0, 2, 3), keepdim=True))
                        self.initialized = True
                    return x + self.loc
            """,
            reason="data-dependent init on the first forward pass (Glow's ActNorm)",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class MyLinear(nn.Linear):
                def __init__(self, n_in, n_out):
                    super().__init__(n_in, n_out)
                    self.weight = nn.Parameter(torch.empty(n_out, n_in))
                    self.reset_parameters()
            """,
            reason="reset_parameters inherited from nn.Linear initializes the weight",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Mix(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.weights = nn.ParameterList(
                        [nn.Parameter(torch.empty(d, d)) for _ in range(n)]
                    )
                    for w in self.weights:
                        nn.init.xavier_normal_(w)
            """,
            reason="a ParameterList initialized in a loop",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Resampler(nn.Module):
                def __init__(self, d, n):
                    super().__init__()
                    self.proj = nn.Parameter((d ** -0.5) * torch.empty(d, n))
                    nn.init.trunc_normal_(self.proj, std=d ** -0.5)

                def forward(self, x):
                    return x @ self.proj
            """,
            reason="a scaled `torch.empty` that is then initialized",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class RotaryAttention(nn.MultiheadAttention):
                def __init__(self, d, heads):
                    super(nn.MultiheadAttention, self).__init__()
                    self.embed_dim, self.num_heads = d, heads
                    self._qkv_same_embed_dim = True
                    self.in_proj_weight = nn.Parameter(torch.empty(3 * d, d))
                    self.in_proj_bias = nn.Parameter(torch.empty(3 * d))
                    self.out_proj = nn.Linear(d, d)
                    self.bias_k = self.bias_v = None
                    self._reset_parameters()
            """,
            reason="torch's `MultiheadAttention._reset_parameters`, called on itself, initializes both",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Gates(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    for gate in ("w_in", "w_out"):
                        setattr(self, gate, None)
                    self.w_in = nn.Parameter(torch.empty(d, d))
                    self.w_out = nn.Parameter(torch.empty(d, d))
                    for gate in ("w_in", "w_out"):
                        nn.init.xavier_uniform_(getattr(self, gate))
            """,
            reason="initialized through getattr(self, name)",
        ),
        Valid(
            """
            import math
            import torch
            import torch.nn as nn

            class Gate(nn.Module):
                def __init__(self, d, use_linear=False):
                    super().__init__()
                    if use_linear:
                        self.proj = nn.Linear(d, d)
                    else:
                        self.proj = nn.Parameter(torch.empty(d, d))
                        nn.init.kaiming_uniform_(self.proj, a=math.sqrt(5))
                    self.scale = nn.Parameter(torch.empty(d))

                def init_parameters(self):
                    nn.init.ones_(self.scale)

            def build(d):
                gate = Gate(d)
                gate.init_parameters()
                return gate
            """,
            reason="each branch initializes what it creates; the init method is called elsewhere",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            def quaternion_init(r, i, j, k, std=0.02):
                nn.init.normal_(r, std=std)
                nn.init.normal_(i, std=std)
                nn.init.normal_(j, std=std)
                k.data = torch.randn_like(k) * std

            class QuaternionLinear(nn.Module):
                def __init__(self, n, m):
                    super().__init__()
                    self.r = nn.Parameter(torch.empty(n, m))
                    self.i = nn.Parameter(torch.empty(n, m))
                    self.j = nn.Parameter(torch.empty(n, m))
                    self.k = nn.Parameter(torch.empty(n, m))
                    quaternion_init(self.r, self.i, self.j, self.k)
            """,
            reason="a helper that initializes every argument it is given",
        ),
        Valid(
            """
            import math
            import torch
            import torch.nn as nn

            class PairAttention(nn.Module):
                def __init__(self, heads, dim):
                    super().__init__()
                    self.heads, self.dim = heads, dim
                    self.att = nn.Parameter(torch.empty(1, heads, 2 * dim))
                    self.freq = nn.Parameter(torch.Tensor(8))
                    self.reset_parameters()

                def reset_parameters(self):
                    nn.init.xavier_normal_(self.att.view(2, self.heads, self.dim))
                    with torch.no_grad():
                        torch.arange(1, 9, out=self.freq).mul_(math.pi)
            """,
            reason="an in-place init through a view, and a factory writing into `out=`",
        ),
        Valid(
            """
            import torch
            from torch import nn
            from torch_geometric.nn.inits import glorot, uniform, zeros

            class Scorer(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.weight = nn.Parameter(torch.Tensor(dim, dim))
                    self.bias = nn.Parameter(torch.empty(dim))
                    self.proj = nn.Parameter(torch.empty(dim, 4))
                    self.reset_parameters()

                def reset_parameters(self):
                    fan = self.weight.size(0)
                    uniform(fan, self.weight)
                    zeros(self.bias)
                    glorot(self.proj)
            """,
            reason="PyTorch Geometric's init helpers fill the tensor argument (the second for `uniform`)",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class MixtureCross(nn.Module):
                def __init__(self, layers, experts, dim, rank):
                    super().__init__()
                    self.layers = layers
                    self.down = nn.Parameter(torch.Tensor(layers, experts, dim, rank))
                    self.up = nn.Parameter(torch.Tensor(layers, experts, rank, dim))
                    stacked = (self.down, self.up)
                    for tensor in stacked:
                        for layer in range(self.layers):
                            nn.init.xavier_normal_(tensor[layer])
            """,
            reason="a loop over a local tuple of the class's tensors fills each one slice by slice",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Bilinear3(nn.Module):
                def __init__(self, a, b, out):
                    super().__init__()
                    self.weight = nn.Parameter(torch.Tensor(a, b, out))
                    self.bias = nn.Parameter(torch.Tensor(out))

                def forward(self, x, y):
                    return torch.einsum("na,abo,nb->no", x, self.weight, y) + self.bias

            class Scorer(nn.Module):
                def __init__(self, a, b, out):
                    super().__init__()
                    self.pair = Bilinear3(a + 1, b + 1, out)
                    self.pair.weight.data.zero_()
                    nn.init.zeros_(self.pair.bias)
            """,
            "the only class that builds Bilinear3 writes both of its tensors right after building it",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Table(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.rows = nn.Parameter(torch.empty(n, d))

            class Lookup(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.table = Table(n, d)

            class Model(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.lookup = Lookup(n, d)
                    self._init()

                def _init(self):
                    nn.init.normal_(self.lookup.table.rows, std=0.02)
            """,
            "Lookup builds Table and leaves it alone, but Model, the only class that builds "
            "Lookup, writes `lookup.table.rows` in a method its `__init__` runs afterwards",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Mixer(nn.Module):
                def refresh(self):
                    tmp_a = torch.nn.utils.skip_init(nn.Linear, 4, 8)
                    tmp_b = torch.nn.utils.skip_init(nn.Linear, 4, 8)
                    tmp_a.reset_parameters()
                    tmp_b.reset_parameters()
                    with torch.no_grad():
                        self.proj.weight.copy_(torch.cat([tmp_a.weight, tmp_b.weight]))
            """,
            reason="each skipped layer is re-drawn by its own reset_parameters() right after",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Gate(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.w = nn.Parameter(torch.empty(d, d))
                    self.b = nn.Parameter(torch.empty(d))
                    self.u = nn.Parameter(torch.empty(d, d))
                    self.c = nn.Parameter(torch.empty(d))
                    self._fill(self.w, self.b)
                    Gate._draw(bias=self.c, weight=self.u)

                def _fill(self, weight, bias):
                    nn.init.xavier_uniform_(weight)
                    nn.init.zeros_(bias)

                @staticmethod
                def _draw(weight, bias):
                    nn.init.orthogonal_(weight)
                    bias.data.zero_()
            """,
            reason="a method of the class fills every argument it is given (by position, after "
            "`self`, or by keyword; a staticmethod through the class): all four are initialized",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Cell(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.w = nn.Parameter(torch.empty(d, d))
                    self.b = nn.Parameter(torch.empty(d))
                    self.reset()

                def reset(self):
                    w, b = self.w, self.b.data
                    nn.init.xavier_uniform_(w)
                    nn.init.zeros_(b)
            """,
            reason="local names bound once to the parameters are the parameters",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Attention(nn.Module):
                def __init__(self, d, add_bias_kv=False):
                    super().__init__()
                    self.bias_k = nn.Parameter(torch.Tensor(1, 1, d)) if add_bias_kv else None
                    self.reset_parameters()

                def reset_parameters(self):
                    if self.bias_k is not None:
                        nn.init.constant_(self.bias_k.bias, 0.0)
            """,
            # the init meant for it raises first (INI008's error): these values are never used
            severity=Severity.INFO,
            message_contains="the init meant for it writes `self.bias_k.bias`",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Resampler(nn.Module):
                def __init__(self, d, n):
                    super().__init__()
                    self.proj = nn.Parameter((d ** -0.5) * torch.empty(d, n))

                def forward(self, x):
                    return x @ self.proj
            """,
            message_contains="`self.proj` is created with `torch.empty(...)`",
            severity=Severity.ERROR,
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class W8A8Linear(nn.Module):
                def __init__(self, n_in, n_out):
                    super().__init__()
                    self.weight = nn.Parameter(
                        torch.empty(n_out, n_in, dtype=torch.int8), requires_grad=False
                    )
                    self.scale = nn.Parameter(torch.empty(n_out))

                def forward(self, x):
                    return (x @ self.weight.float().t()) * self.scale
            """,
            message_contains="training can never change (`requires_grad=False`",
            severity=Severity.INFO,
            count=2,
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class CodeBook(nn.Module):
                def __init__(self, n):
                    super().__init__()
                    self.codes = nn.Parameter(torch.empty(n, 16, dtype=torch.uint8), False)
                    self.table = nn.Parameter(torch.empty(256, 4))
            """,
            message_contains="`requires_grad=False`",
            severity=Severity.INFO,
            count=2,
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class LowBitWeight(nn.Module):
                def __init__(self, n):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(n, n, dtype=torch.float8_e4m3fn))
            """,
            message_contains="`dtype=torch.float8_e4m3fn`",
            severity=Severity.INFO,
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class HalfScale(nn.Module):
                def __init__(self, n):
                    super().__init__()
                    self.scale = nn.Parameter(torch.empty(n, dtype=torch.float16))
                    self.frozen_bias = nn.Parameter(torch.zeros(n), requires_grad=False)

                def forward(self, x):
                    return x * self.scale + self.frozen_bias
            """,
            message_contains="nothing in `HalfScale` initializes it: its values are whatever",
            severity=Severity.ERROR,
        ),
        Invalid(
            # an inference engine's model: built by the engine, filled by its own load_weights
            """
            import torch
            import torch.nn as nn

            class VisionStem(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.cls_token = nn.Parameter(torch.empty(1, 1, d))

                def forward(self, x):
                    return torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1)

            class VisionModel(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.stem = VisionStem(d)

                def load_weights(self, weights):
                    params = dict(self.named_parameters())
                    for name, tensor in weights:
                        params[name].copy_(tensor)
            """,
            severity=Severity.INFO,
            line=8,
            message_contains="load_weights",
        ),
        Invalid(
            # built under accelerate's init_empty_weights(), then filled with strict=False
            """
            import accelerate
            import torch
            import torch.nn as nn

            class Axis(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.pos = nn.Parameter(torch.empty(n, d))

                def forward(self, x):
                    return x + self.pos

            def load_axis(path, copy_tensors):
                with accelerate.init_empty_weights():
                    model = Axis(16, 8)
                copy_tensors(path, model)
                return model
            """,
            severity=Severity.INFO,
            line=9,
            message_contains="built empty under `accelerate.init_empty_weights()`",
        ),
        Invalid(
            # built without storage on the meta device by a loader that fills whatever class it is given
            """
            import torch
            import torch.nn as nn

            class Modulation(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.table = nn.Parameter(torch.empty(6, d))

                def forward(self, x):
                    return x * (1 + self.table[0])

            def build_on_meta(model_cls, **kwargs):
                with torch.device("meta"):
                    model = model_cls(**kwargs)
                return model
            """,
            severity=Severity.INFO,
            line=8,
            message_contains="builds the model class it is given",
        ),
        Invalid(
            # a model zoo: built only by a loader that fills whatever class it is given
            """
            import torch
            import torch.nn as nn

            class PositionTable(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.table = nn.Parameter(torch.empty(n, d))

                def forward(self, x):
                    return x + self.table[: x.shape[1]]

            def load_model(model_class, path, config=None):
                model = model_class(**(config or {}))
                state = torch.load(path, map_location="cpu")
                if state:
                    model.load_state_dict(state, assign=True)
                return model
            """,
            severity=Severity.INFO,
            line=8,
            message_contains="builds the model class it is given",
        ),
        Invalid(
            # an inference-only port: the demo block builds the model, then loads it on both arms
            """
            import torch
            import torch.nn as nn

            class FrozenNorm(nn.Module):
                def __init__(self, n):
                    super().__init__()
                    self.scale = nn.Parameter(torch.Tensor(n))

                def forward(self, x):
                    return x * self.scale

            if __name__ == "__main__":
                model = FrozenNorm(8)
                if torch.cuda.is_available():
                    model.load_state_dict(torch.load("norm.pt"))
                else:
                    model.load_state_dict(torch.load("norm.pt", map_location="cpu"))
            """,
            severity=Severity.INFO,
            line=8,
            message_contains="filled from a checkpoint right after it is built",
        ),
        Invalid(
            # transformers' converter convention: `load_tf_weights_in_<model>(model, ...)` fills it
            """
            import torch
            import torch.nn as nn

            class Gain(nn.Module):
                def __init__(self, n):
                    super().__init__()
                    self.g = nn.Parameter(torch.Tensor(n))

                def forward(self, x):
                    return x * self.g

            def load_tf_weights_in_gain(model, path):
                for name, p in model.named_parameters():
                    p.data = torch.load(path)[name]
                return model

            def convert(path):
                model = Gain(4)
                model = load_tf_weights_in_gain(model, path)
                torch.save(model.state_dict(), path + ".pt")
            """,
            severity=Severity.INFO,
            line=8,
            message_contains="filled from a checkpoint right after it is built",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Block(nn.Module):
                def __init__(self, d, h):
                    super().__init__()
                    self.proj = nn.Parameter(torch.empty(d, 4 * h))

                def forward(self, x):
                    return x @ self.proj

            class Head(nn.Module):
                def __init__(self, cfg):
                    super().__init__()
                    self.decoder = build_decoder(cfg)

                def init_weights(self):
                    for p in self.decoder.parameters():
                        if p.dim() > 1:
                            nn.init.xavier_uniform_(p)
            """,
            # a sub-module built by a registry call is not one handed in: no evidence for `Block`
            message_contains="nothing in `Block` initializes it: its values are whatever",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Gate(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.offset = nn.Parameter(torch.empty(d))

                def forward(self, x):
                    return x + self.offset

            class Trainer(nn.Module):
                def __init__(self, torch_model):
                    super().__init__()
                    self.torch_model = torch_model

                def on_train_start(self):
                    for _, param in self.torch_model.named_parameters():
                        if param.dim() > 1:
                            nn.init.xavier_normal_(param)
            """,
            message_contains="nothing in `Gate` initializes it: its values are whatever",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Block(nn.Module):
                def __init__(self, d, h):
                    super().__init__()
                    self.proj = nn.Parameter(torch.empty(d, 4 * h))

                def forward(self, x):
                    return x @ self.proj

            class Trainer(nn.Module):
                def __init__(self, torch_model):
                    super().__init__()
                    self.torch_model = torch_model

                def on_train_start(self):
                    for _, param in self.torch_model.named_parameters():
                        if param.data.dim() > 1:
                            nn.init.xavier_normal_(param.data)
            """,
            severity=Severity.INFO,
            message_contains="re-draws the parameters of a model handed to it",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Codebook(nn.Module):
                def __init__(self, n, d, init="uniform"):
                    super().__init__()
                    self.codes = nn.Parameter(torch.empty(n, d))
                    if init in ("uniform", "xavier"):
                        nn.init.uniform_(self.codes, -1.0 / n, 1.0 / n)
                    elif init == "normal":
                        nn.init.normal_(self.codes)
            """,
            line=8,
            severity=Severity.INFO,
            message_contains="with no `else`",
        ),
        Invalid(
            """
            import torch
            from torch.nn import Module, Parameter

            class Filter(Module):
                def __init__(self, k, weight_init="kaiming"):
                    super().__init__()
                    self.weight_init = weight_init
                    assert weight_init in ("kaiming", "normal")
                    self.taps = Parameter(torch.Tensor(k, k))
                    self.reset_parameters()

                def reset_parameters(self):
                    if self.weight_init == "kaiming":
                        torch.nn.init.kaiming_uniform_(self.taps)
            """,
            line=10,
            severity=Severity.WARNING,
            message_contains="""`if self.weight_init == "kaiming":`, with no `else`: built with 'normal' (allowed""",
        ),
        Invalid(
            """
            import torch
            from torch import nn
            from transformers.models.qwen2_moe import modeling_qwen2_moe

            class FusedRouterWeights(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.w_in = nn.Parameter(torch.empty(n, 2 * d, d))

            def enable_fused_router():
                modeling_qwen2_moe.Qwen2MoeExperts = FusedRouterWeights
            """,
            # the library's `_init_weights` looks `Qwen2MoeExperts` up when it runs: after the
            # patch it reaches this class; a direct construction would still keep garbage
            line=9,
            severity=Severity.INFO,
            message_contains="monkey-patches `FusedRouterWeights` into a library as",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Gates(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.w = nn.Parameter(torch.empty(d, d))

            class Registry:
                pass

            Registry.default_gate = Gates
            """,
            # an attribute of a project class (not an imported library module) is no patch
            line=8,
            severity=Severity.ERROR,
        ),
        Invalid(
            """
            import torch
            from torch import nn
            import geomlib

            class Conv(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.kernel = nn.Parameter(torch.empty(d, d))
                    geomlib.sample_into(self.kernel, d)
            """,
            line=9,
            severity=Severity.INFO,
            message_contains="it is passed to `geomlib.sample_into`, which may initialize it",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Scales(nn.Module):
                def __init__(self, d, scaling_init="ones"):
                    super().__init__()
                    self.r = nn.Parameter(torch.empty(d))
                    fns = {"ones": nn.init.ones_, "signs": lambda x: torch.sign(torch.randn_like(x))}
                    fns[scaling_init](self.r)
            """,
            line=8,
            severity=Severity.INFO,
            message_contains="it is passed to `fns[scaling_init]`, which may initialize it",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Gate(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.w = nn.Parameter(torch.empty(d, d))
                    self.b = nn.Parameter(torch.empty(d))
                    self._fill(self.w, self.b)

                def _fill(self, weight, bias):
                    nn.init.xavier_uniform_(weight)
            """,
            line=9,
            count=1,
            severity=Severity.ERROR,
            message_contains="`self.b` is created with `torch.empty(...)`",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Pretrained:
                @classmethod
                def from_pretrained(cls, path):
                    checkpoint = torch.load(path)
                    model = cls(**checkpoint["hyper_parameters"])
                    model.load_state_dict(checkpoint["state_dict"])
                    return model

            class Cell(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.kernel = nn.Parameter(torch.empty(d, 4 * d))

            class Forecaster(nn.Module, Pretrained):
                def __init__(self, d):
                    super().__init__()
                    self.cell = Cell(d)
            """,
            line=16,
            severity=Severity.INFO,
            message_contains="every construction of `Cell` the project holds is filled from a checkpoint",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Experts(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.w1 = nn.Parameter(torch.empty(n, d, 4 * d))

            class Generator:
                @staticmethod
                def build(path, d):
                    model = Experts(8, d)
                    model.load_state_dict(torch.load(path))
                    return Generator()
            """,
            severity=Severity.INFO,
            message_contains="is filled from a checkpoint right after it is built (`model.load_state_dict(...)`",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Experts(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.w1 = nn.Parameter(torch.empty(n, d, 4 * d))

            class Transformer(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.experts = Experts(8, d)

            def build(path, d):
                model = Transformer(d)
                model.load_state_dict(torch.load(path), strict=False)
                return model
            """,
            severity=Severity.INFO,
            message_contains="`model.load_state_dict(..., strict=False)` (line 17 of",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            def complex_op(x, w, b):
                return x @ w + b

            class CLinear(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.w = nn.Parameter(torch.randn(n, d) / n ** 0.5)
                    self.b = nn.Parameter(torch.Tensor(d))

                def forward(self, x):
                    return complex_op(x, self.w, self.b)
            """,
            line=12,
            severity=Severity.ERROR,
            message_contains="nothing in `CLinear` initializes it",
        ),
        Invalid(
            """
            import enum
            from torch import Tensor, nn

            class TokenInit(enum.Enum):
                UNIFORM = "uniform"
                NORMAL = "normal"

                def apply(self, x, d):
                    if self is TokenInit.UNIFORM:
                        nn.init.uniform_(x, -d ** -0.5, d ** -0.5)
                    else:
                        nn.init.normal_(x, std=d ** -0.5)

            class Tokenizer(nn.Module):
                def __init__(self, n, d, initialization):
                    super().__init__()
                    init_ = TokenInit(initialization)
                    self.weight = nn.Parameter(Tensor(n, d))
                    self.bias = nn.Parameter(Tensor(n, d))
                    for parameter in [self.weight, self.bias]:
                        init_.apply(parameter, d)
            """,
            line=19,
            severity=Severity.INFO,
            message_contains="it is passed to `init_.apply`, which may initialize it",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Decoder(nn.Module):
                def __init__(self, n_ctx, dim):
                    super().__init__()
                    self.positions = nn.Parameter(torch.empty(n_ctx, dim))

            class Speech(nn.Module):
                def __init__(self, dims):
                    super().__init__()
                    self.decoder = Decoder(dims["n_ctx"], dims["dim"])

            def load_model(path, device="cpu"):
                with open(path, "rb") as f:
                    checkpoint = torch.load(f, map_location=device)
                model = Speech(checkpoint["dims"])
                model.load_state_dict(checkpoint["model_state_dict"])
                return model.to(device)
            """,
            # the only construction of the owner is followed by a checkpoint load into it
            line=8,
            severity=Severity.INFO,
            message_contains="`model.load_state_dict(...)` (line 19 of example) after `load_model` builds `Speech`",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Mixer(nn.Module):
                def __init__(self, dim, lmax):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(lmax + 1, dim, dim))
                    self.bias = nn.Parameter(torch.zeros(dim))

            class Block(nn.Module):
                def __init__(self, dim, lmax):
                    super().__init__()
                    self.mix = Mixer(dim, lmax)

            class InferenceModel(nn.Module):
                def __init__(self, config, state_dict):
                    super().__init__()
                    self.blocks = nn.ModuleList([Block(config["dim"], 2) for _ in range(4)])
                    self.experts = self._load_state_dict(state_dict)

                def _load_state_dict(self, state_dict):
                    for name, value in state_dict.items():
                        self.get_parameter(name).data.copy_(value)
                    return {}
            """,
            # the owner of the owner loads its state dict in `__init__`, after building them
            line=8,
            severity=Severity.INFO,
            message_contains="`self._load_state_dict(...)` in `InferenceModel.__init__`",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Decoder(nn.Module):
                def __init__(self, n_ctx, dim):
                    super().__init__()
                    self.positions = nn.Parameter(torch.empty(n_ctx, dim))

            class Speech(nn.Module):
                def __init__(self, dims):
                    super().__init__()
                    self.decoder = Decoder(dims["n_ctx"], dims["dim"])

            def build(dims, checkpoint=None):
                model = Speech(dims)
                if checkpoint is not None:
                    model.load_state_dict(torch.load(checkpoint))
                return model
            """,
            # the load is on one branch only: built without a checkpoint, it trains from garbage
            line=8,
            severity=Severity.ERROR,
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Decoder(nn.Module):
                def __init__(self, n_ctx, dim):
                    super().__init__()
                    self.positions = nn.Parameter(torch.empty(n_ctx, dim))

            def load_model(path, dims):
                model = Decoder(dims["n_ctx"], dims["dim"])
                model.load_state_dict(torch.load(path))
                return model

            def train(dims, data):
                model = Decoder(dims["n_ctx"], dims["dim"])
                return fit(model, data)
            """,
            # one construction loads a checkpoint, the other trains from scratch
            line=8,
            severity=Severity.ERROR,
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Head(nn.Module):
                def __init__(self, dim, classes):
                    super().__init__()
                    self.proj = nn.Parameter(torch.empty(classes, dim))

            def finetune(path, dim, classes):
                head = Head(dim, classes)
                head.load_state_dict(torch.load(path), strict=False)
                return head
            """,
            # a non-strict load may skip the tensor (a new head is what fine-tuning adds):
            # garbage unless the checkpoint holds it, which is not known here: info, as the
            # model is only ever built to be loaded
            line=8,
            severity=Severity.INFO,
            message_contains="uses `strict=False`, which leaves any tensor the checkpoint lacks",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            def init_all(module):
                for name, p in module.named_parameters():
                    if "." not in name:
                        scaled_draw(p.data)

            def scaled_draw(t):
                t.uniform_(-0.05, 0.05)

            class Scorer(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.u = nn.Parameter(torch.Tensor(d, d))
                    init_all(self)

                def forward(self, x):
                    return x @ self.u
            """,
            line=16,
            severity=Severity.INFO,
            message_contains="hands the whole module to `init_all(self)`",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            def init_all(module):
                for p in module.parameters():
                    nn.init.normal_(p, std=0.02)

            class Scorer(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    init_all(self)
                    self.u = nn.Parameter(torch.Tensor(d, d))

                def forward(self, x):
                    return x @ self.u
            """,
            line=13,
            severity=Severity.ERROR,
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Probe(nn.Module):
                def __init__(self, shapes):
                    super().__init__()
                    self.placeholder = nn.Parameter(torch.empty(1))
                    self.slots = [nn.Parameter(torch.empty(s)) for s in shapes]
                    self.names = [f"slot_{i}" for i in range(len(self.slots))]

                def forward(self, x):
                    return x * 2
            """,
            count=2,
            severity=Severity.INFO,
            message_contains="nothing in the project ever reads it",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Probe(nn.Module):
                def __init__(self, names):
                    super().__init__()
                    self.names = names
                    self.placeholder = nn.Parameter(torch.empty(1))

                def forward(self, x):
                    return [getattr(self, name) * x for name in self.names]
            """,
            line=9,
            severity=Severity.ERROR,
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Probe(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.placeholder = nn.Parameter(torch.empty(1))

                def penalty(self):
                    return sum(p.pow(2).sum() for p in self.parameters())
            """,
            line=8,
            severity=Severity.ERROR,
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class TextTower(nn.Module):
                def __init__(self, dim, checkpoint=None):
                    super().__init__()
                    self.checkpoint = checkpoint
                    self.positions = nn.Parameter(torch.empty(77, dim))
                    self.init_weights()

                def init_weights(self):
                    if self.checkpoint is not None:
                        state = torch.load(self.checkpoint)
                        self.load_state_dict(state)
            """,
            line=9,
            severity=Severity.WARNING,
            message_contains="filled only when a checkpoint is loaded at line 15 (`init_weights`)",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class TextTower(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.positions = nn.Parameter(torch.empty(77, dim))

                def init_from_checkpoint(self, path):
                    self.load_state_dict(torch.load(path))
            """,
            line=8,
            severity=Severity.ERROR,
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class MixtureCross(nn.Module):
                def __init__(self, layers, dim, rank):
                    super().__init__()
                    self.down = nn.Parameter(torch.Tensor(layers, dim, rank))
                    self.up = nn.Parameter(torch.Tensor(layers, rank, dim))
                    stacked = [self.down]
                    for tensor in stacked:
                        for layer in range(layers):
                            nn.init.xavier_normal_(tensor[layer])
            """,
            line=9,
            count=1,
            severity=Severity.ERROR,
            message_contains="`self.up`",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class MixtureCross(nn.Module):
                def __init__(self, layers, dim, rank):
                    super().__init__()
                    self.down = nn.Parameter(torch.Tensor(layers, dim, rank))
                    stacked = [self.down]
                    stacked = [nn.Parameter(torch.ones(dim))]
                    for tensor in stacked:
                        nn.init.xavier_normal_(tensor)
            """,
            line=8,
            count=1,
            severity=Severity.ERROR,
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Cell(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.w_in = nn.Parameter(torch.Tensor(3 * d, d))

            class Recommender(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    for p in self.parameters():
                        p.data.uniform_(-0.1, 0.1)
                    self.cell = Cell(d)
            """,
            line=8,
            severity=Severity.ERROR,
            message_contains="nothing in `Cell` initializes it",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Cell(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.w_in = nn.Parameter(torch.Tensor(3 * d, d))
                    self.b_in = nn.Parameter(torch.Tensor(3 * d))

            class Recommender(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.cell = Cell(d)
                    for p in self.parameters():
                        if p.dim() > 1:
                            nn.init.xavier_uniform_(p)
            """,
            line=9,
            count=1,
            severity=Severity.ERROR,
            message_contains="`self.b_in` is created",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Cell(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.w_in = nn.Parameter(torch.Tensor(3 * d, d))

            class Recommender(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.cell = Cell(d)
                    for p in self.parameters():
                        nn.init.normal_(p, std=0.02)

            class Ranker(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.cell = Cell(d)
            """,
            line=8,
            severity=Severity.WARNING,
            message_contains="Ranker` (line 20 of example) builds `Cell` without such an init",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Cell(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.w_in = nn.Parameter(torch.Tensor(3 * d, d))

            class Recommender(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.cell = Cell(d)
                    for p in self.parameters():
                        nn.init.normal_(p, std=0.02)

            def standalone(d):
                return Cell(d)
            """,
            line=8,
            severity=Severity.WARNING,
            message_contains="`standalone` (line 18 of example) builds `Cell`",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            def _report(t, label):
                print(label, t.shape, t.dtype)

            class Decay(nn.Module):
                def __init__(self, heads):
                    super().__init__()
                    self.log_rate = nn.Parameter(torch.empty(heads))
                    _report(self.log_rate, "log_rate")
            """,
            # a project function that writes nothing into the tensor initializes nothing; the
            # finding stays, said at info because the tensor is handed to project code
            severity=Severity.INFO,
            count=1,
            message_contains="`self.log_rate` is created with `torch.empty(...)`",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn
            from mmengine.model import BaseModule

            class Rescale(BaseModule):
                def __init__(self, channels, init_cfg=None):
                    super().__init__(init_cfg)
                    self.weight = nn.Parameter(torch.Tensor(channels))

            class Block(BaseModule):
                def __init__(self, channels):
                    super().__init__()
                    self.rescale = Rescale(
                        channels, init_cfg=dict(type="Constant", val=1.0, override=dict(name="rescale"))
                    )
                    self.layers = nn.Sequential(Rescale(channels))
            """,
            line=9,
            count=1,
            severity=Severity.ERROR,
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            def init_pair(first, second):
                nn.init.xavier_uniform_(first)

            class Pair(nn.Module):
                def __init__(self, n):
                    super().__init__()
                    self.a = nn.Parameter(torch.empty(n, n))
                    self.b = nn.Parameter(torch.empty(n, n))
                    init_pair(self.a, self.b)
            """,
            severity=Severity.ERROR,
            count=1,
            message_contains="`self.b` is created with `torch.empty(...)`",
        ),
        Invalid(
            """
            import math
            import torch
            import torch.nn as nn

            class Gate(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(d, d))

                def init_parameters(self):
                    nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
            """,
            severity=Severity.ERROR,
            message_contains="only `init_parameters` initializes it, which nothing in the project runs",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Proj(nn.Module):
                def __init__(self, d, use_linear=False):
                    super().__init__()
                    if use_linear:
                        self.proj = nn.Linear(d, d)
                    else:
                        self.proj = nn.Parameter(torch.empty(d, d))
            """,
            severity=Severity.ERROR,
            line=11,
            message_contains="nothing in `Proj` initializes it",
        ),
        Invalid(
            """
            import torch
            from torch import nn
            from somewhere import VisionTransformer

            class Distilled(VisionTransformer):
                def __init__(self, dim):
                    super().__init__(dim)
                    self.pos_embed = nn.Parameter(torch.empty(1, 10, dim))
                    self.init_weights()

                def init_weights(self):
                    super().init_weights()
            """,
            severity=Severity.INFO,
            message_contains="super().init_weights()",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Scale(nn.Module):
                def __init__(self, n_in, n_out):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(n_out, n_in))
            """,
            line=8,
            severity=Severity.ERROR,
            message_contains="`self.weight` is created with `torch.empty(...)`",
        ),
        Invalid(
            """
            import math
            import torch
            from torch.nn import Module, Parameter

            class Layer(Module):
                def __init__(self, n_in, n_out):
                    super().__init__()
                    self.weight = Parameter(torch.FloatTensor(n_in, n_out))
                    self.bias = Parameter(torch.FloatTensor(n_out))
                    self.reset_parameters()

                def reset_parameters(self):
                    stdv = 1.0 / math.sqrt(self.weight.size(1))
                    self.weight.data.uniform_(-stdv, stdv)
            """,
            line=10,
            count=1,
            message_contains="`self.bias`",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Proj(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    w = torch.empty(dim, dim)
                    self.w = nn.Parameter(w)
                    self.register_parameter("b", nn.Parameter(torch.Tensor(dim)))
            """,
            count=2,
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Embeddings(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.position = nn.Parameter(torch.empty(1, 197, dim))

            class ViTPreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    if isinstance(module, nn.Linear):
                        module.weight.data.normal_(std=0.02)
            """,
            severity=Severity.WARNING,
            message_contains="from_pretrained",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class QuantLinear(nn.Module):
                def __init__(self, n_in, n_out):
                    super().__init__()
                    self.scales = nn.Parameter(torch.empty(n_out, n_in // 128))
            """,
            severity=Severity.INFO,
            message_contains="checkpoint",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(4, 4)
                    self.weight = nn.Parameter(torch.empty(4, 4))

                def init_weights(self):
                    nn.init.xavier_uniform_(self.fc.weight)
            """,
            message_contains="nothing in `Net` initializes it",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            def build():
                kept = torch.nn.utils.skip_init(nn.Linear, 4, 8)
                other = torch.nn.utils.skip_init(nn.Linear, 4, 8)
                other.reset_parameters()
                return kept, other
            """,
            line=6,
            severity=Severity.INFO,
            message_contains="skip_init",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            net = torch.nn.utils.skip_init(nn.Linear, 10, 5)
            """,
            severity=Severity.INFO,
            message_contains="skip_init",
        ),
        Invalid(
            """
            import torch

            w = torch.nn.Parameter(torch.empty(3, 4))
            y = x @ w
            """,
            message_contains="`w` is a parameter",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Bilinear3(nn.Module):
                def __init__(self, a, b, out):
                    super().__init__()
                    self.weight = nn.Parameter(torch.Tensor(a, b, out))
                    self.bias = nn.Parameter(torch.Tensor(out))

            class Scorer(nn.Module):
                def __init__(self, a, b, out):
                    super().__init__()
                    self.pair = Bilinear3(a, b, out)
                    self.pair.weight.data.zero_()
            """,
            line=9,
            severity=Severity.ERROR,
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Table(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.rows = nn.Parameter(torch.empty(n, d))

            class Model(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.table = Table(n, d)

                def forward(self, i):
                    nn.init.normal_(self.table.rows, std=0.02)
                    return self.table.rows[i]
            """,
            line=8,
            severity=Severity.ERROR,
        ),
    ]


def _other_values(missing: tuple[str, ...]) -> str:
    """The allowed option values no test names, else any other value."""
    if not missing:
        return "any other value of that option"
    return " or ".join(missing) + " (allowed, never tested)"


def _spelled(creator: str) -> str:
    if creator == "Tensor.new_empty":
        return "new_empty(...)"
    return f"{creator}(...)"


def _simple_statements(scope: cst.CSTNode) -> list[cst.SimpleStatementLine]:
    return find_all(scope, cst.SimpleStatementLine)


@dataclass
class _NameUses:
    stored_as: bool = False  # `self.w = w`, `other = w`
    passed: bool = False  # `f(w)`, `return w`


def _name_uses(scope: cst.CSTNode, name: str) -> _NameUses:
    uses = _NameUses()

    def named(expr: Optional[cst.BaseExpression]) -> bool:
        """The name itself, or inside a tuple/list/set/dict literal (`zip(names, (w, b))`)."""
        if isinstance(expr, cst.Name):
            return expr.value == name
        if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
            return any(named(element.value) for element in expr.elements)
        if isinstance(expr, cst.Dict):
            return any(isinstance(e, cst.DictElement) and named(e.value) for e in expr.elements)
        return False

    for node in iter_nodes(scope):
        if isinstance(node, cst.Assign) and named(node.value):
            uses.stored_as = True
        elif isinstance(node, cst.Call) and any(named(arg.value) for arg in node.args):
            uses.passed = True
        elif isinstance(node, (cst.Return, cst.Yield)) and named(node.value):  # type: ignore[arg-type]
            uses.passed = True
        elif isinstance(node, cst.For) and named(node.iter):
            uses.passed = True  # `for p in (w, b): setattr(self, ..., p)`
    return uses

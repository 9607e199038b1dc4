from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from initlint.analysis.classes import (
    BIASLESS_BY_DESIGN,
    MODULE_BASES,
    file_classes,
    guard_names,
    BiasStatus,
    bias_false_calls,
    call_name,
    reaching_call,
    layer_calls,
    argument,
    bias_flag,
    bias_status,
    built_bias,
    class_facts,
    container_layers,
    is_self_attribute,
    torch_layer_name,
)
from initlint.analysis.gate import FileWords
from initlint.analysis.guards import GuardKind, none_guard, tests_a_flag
from initlint.analysis.layers import LayerKind, classify
from initlint.analysis.walk import declared_params, find_all
from initlint.analysis.library import BIAS_ARGUMENT, LAYER_NORM_FLAGS
from initlint.analysis.project import Answer, Reach
from initlint.analysis.project.index import LayerUse
from initlint.analysis.project.summary import NOT_LITERAL
from initlint.analysis.tensors import TENSOR_INIT_METHODS, init_call
from initlint.diagnostics import FixSafety, Severity
from initlint.rules.base import Fix, Invalid, Rule, Valid



# `self.q.bias is not None`: a test on one layer's bias
_SIBLING_BIAS_TEST = re.compile(r"\bself\.(\w+)\.bias\s+is\s+not\s+None\b")


def _short(code: str, limit: int = 90) -> str:
    """Source code on one line, trimmed for a message."""
    code = re.sub(r"\s+", " ", code)
    code = re.sub(r"\(\s+", "(", code)
    code = re.sub(r",?\s+\)", ")", code)
    return code if len(code) <= limit else code[: limit - 3] + "..."


def _bias_flag(use: LayerUse) -> Optional[bool]:
    """Whether a layer that reaches init code has a bias (for norms: affine parameters), from
    its literal flags and torch's defaults (InstanceNorm has none unless `affine=True`); None when
    a flag is an expression (`bias=qkv_bias`)."""
    name = use.short_name
    keywords: list[tuple[str, bool]] = [("bias", True)]
    if name == "LayerNorm":
        keywords = [(keyword, True) for keyword, _ in LAYER_NORM_FLAGS]
    elif name in BIAS_ARGUMENT and BIAS_ARGUMENT[name][0]:
        keywords = [(BIAS_ARGUMENT[name][0], BIAS_ARGUMENT[name][2])]
    values = [use.flag(keyword, default) for keyword, default in keywords]
    if any(value is False for value in values):
        return False
    if any(value == NOT_LITERAL for value in values):
        return None
    return True


_BIAS_FLAG = re.compile(r"bias|affine", re.IGNORECASE)


def _constructor_like(call: cst.Call) -> bool:
    """`Linear(...)`, `nn.Conv2d(...)`: a call of a capitalized name (a class)."""
    func = call.func
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    return name[:1].isupper()


def _short_names(names: list[str]) -> set[str]:
    return {name.rsplit(".", 1)[-1] for name in names}


class UnguardedBiasInit(Rule):
    """
    ## What it does
    Flags `nn.init.*(m.bias)` and `m.bias.data.*()` in init functions with no
    `if m.bias is not None` check (or an equivalent: `getattr(m, "bias", None) is not None`,
    `hasattr(m, "bias") and m.bias is not None`, a project helper such as
    `exists(m.bias)` that returns `x is not None`, `hasattr(m.bias, "data")`, an early `return`/`continue` when the bias is
    None, an `else` branch of `if m.bias is None`, `try: ... except AttributeError` or
    `with contextlib.suppress(AttributeError)`, and for norm
    branches a check of `m.weight`, since `affine=False` removes both), when layers built
    without a bias can arrive: `nn.Linear(..., bias=False)`, `nn.Conv2d(..., bias=False)`, and
    normalization layers with `affine=False` / `elementwise_affine=False` / `bias=False`.

    Evidence comes from the layers that actually reach the code, as the project index knows them
    (across files): the models the function is `apply`-ed to, the framework hook it implements,
    the layers its callers pass, the class whose `self.modules()` a loop walks, narrowed by the
    `isinstance` check above the code (in the function, or around the call that hands a loop's
    module to a helper: `elif isinstance(m, nn.BatchNorm2d): self._init_norm(m)` brings only
    norms, whose `if norm.weight is not None:` covers the bias). `error` when a layer built without a bias reaches it (the
    message names it and where it is built) or when `self.fc.bias` belongs to a layer built with
    `bias=False`; `warning` when a reaching layer's bias is a setting (`bias=qkv_bias`) or a
    class sets its own bias to None (`info` when every construction of it that can arrive is
    known and keeps the bias: a literal `bias=True` or nothing, with `True` its default and no
    positional argument that could hold it). A wrapper that passes its constructor's `bias` on
    (`nn.Linear(i, o, bias=bias)`) takes the literal each of its constructions passes:
    `Dense(8, 1, bias=True)` brings a Linear with a bias, `Dense(8, 1, bias=False)` one without,
    and `ConvBN(3, 16)` that leaves out `affine: bool = True` brings a norm with one;
    quiet when every layer that can arrive has a bias. A call that passes a sub-layer is
    followed to the class that builds it: `init_layer(m.gate)` under `if isinstance(m, Cell)`
    (or `isinstance(m, A) or isinstance(m, B)`) brings the `gate` every `Cell` (and subclass)
    builds, `init_layer(self.branch.expand)` the `expand` of the class `self.branch` is built
    as. A bias-free layer the file builds with no known path to the code is never proof:
    `warning` when the function is applied to (or called with) modules the index cannot follow
    to the end, and when nothing is known about what reaches the
    function it is only a lead: `info`, like generic init helpers that reach Linear/Conv layers the file does not
    build and `self.q.bias` built with a flag that defaults to True. Code that picks modules by
    name (`if "temporal_fc" in name:` in a loop over `named_modules()`) is a lead only too
    (ptlflow's video blocks, whose instance norms are never named so). A layer built from a
    helper's own `*args, **kwargs` (`def WNConv1d(*args, **kwargs): return
    weight_norm(nn.Conv1d(*args, **kwargs))`) has the bias its call sites across the project
    give it. When every way modules arrive was followed (the only callers pass known layers),
    a layer another class of the file builds is no evidence unless that class's layers arrive.
    Named sub-layers (`blk.norm1.bias`) and code under `if self.affine:`-style flags stay quiet,
    as does `self.fc.bias` under `if bias:` when `bias` is the flag `self.fc` was built with
    (by keyword or by position: `nn.Linear(i, o, bias)`). A library helper that does nothing
    when given None (PyTorch Geometric's `zeros(self.bias)`, `glorot(...)`: the library table
    says which) needs no guard, nor does an init under a loop over the layer's
    `named_parameters()` whose test requires the name `bias` (`== "bias"`, `in ["bias"]`,
    `.endswith("bias")`): a layer without a bias never yields that name. `if m.bias:` is
    reported too: it raises for any bias with more than one element; for `self.x` built here with
    `bias=False` it is `info` (the test is false today and raises only once the bias is switched on).

    ## Why is this bad?
    A layer built with `bias=False` has `bias = None`, and `nn.init.zeros_(None)` raises
    `AttributeError: 'NoneType' object has no attribute 'zero_'`. The init function works on
    today's model and crashes the day someone adds a conv followed by a BatchNorm, which is
    exactly where bias-free convs are used.

    ## Example
    ```python
    def init_weights(m):
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            nn.init.zeros_(m.bias)
    ```

    ## Use instead
    ```python
    def init_weights(m):
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    ```

    ## Fix safety
    Safe: the fix wraps the statement in `if m.bias is not None:` (keeping its indentation,
    comments and line endings), and `if m.bias:` becomes `if m.bias is not None:`. Layers with
    a bias are initialized exactly as before; layers without one no longer crash. No fix is
    offered inside expressions (lambdas, conditional expressions).

    ## References
    - [PyTorch: `nn.Linear`](https://pytorch.org/docs/stable/generated/torch.nn.Linear.html)
      (`bias=False` sets `bias` to None)
    - [torchvision ResNet](https://github.com/pytorch/vision/blob/main/torchvision/models/resnet.py)
      (bias-free convolutions before BatchNorm)
    """

    code = "INI002"
    name = "unguarded-bias-init"
    summary = "Bias initialized without `if m.bias is not None`: crashes on layers built with bias=False"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    triggers = ("bias",)

    _NAMES = frozenset(TENSOR_INIT_METHODS) | {
        "zeros_", "ones_", "constant_", "normal_", "uniform_", "trunc_normal_", "xavier_uniform_",
        "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "zeros", "constant", "normal",
        "uniform",
    }

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Every report is at an init call written with a name in `_NAMES` on a `.bias`."""
        return words.has_any(cls._NAMES) and words.has("bias") and words.any_init_call()

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else (
            func.value if isinstance(func, cst.Name) else None
        )
        if name not in self._NAMES:
            return
        call = init_call(node, self.context)
        if call is None or call.tensor.attr != "bias" or call.none_safe:
            return  # a library helper that does nothing on None needs no guard
        bias = call.tensor.expr
        if not isinstance(bias, cst.Attribute):
            return
        owner = bias.value
        owner_code = self.context.code_for(owner)
        bias_code = f"{owner_code}.bias"
        guard = none_guard(self.context, node, owner_code, "bias")
        if guard is not None:
            if guard.kind is GuardKind.TRUTHY and guard.node is not None:
                if tests_a_flag(self.context, guard.node, bias_code):
                    return  # `self.bias = bias` just before: the test reads the flag, not a tensor
                self._report_truthy(guard.node, bias_code, self._built_without_bias(node, owner))
            return
        # `if getattr(m, "weight", None) is not None:` protects norms built with affine=False
        weight_guard = none_guard(self.context, node, owner_code, "weight")
        weight_guarded = weight_guard is not None and weight_guard.kind is GuardKind.GUARDED
        attr = is_self_attribute(owner)
        if attr is not None:
            self._check_self_layer(node, attr, bias_code)
            return
        if isinstance(owner, cst.Name) and owner.value == "self":
            self._check_own_bias(node)
            return
        if not isinstance(owner, cst.Name):
            return  # `blk.norm1.bias`: a specific sub-layer, not whatever module reaches
        if self._check_loop_layers(node, owner.value, bias_code):
            return
        if self.context.init_context() is None:
            return
        self._check_init_function(node, bias_code, weight_guarded)

    def _check_own_bias(self, node: cst.Call) -> None:
        """`self.bias` of a layer class: only when the class can set it to None."""
        klass = self.context.enclosing_class()
        if klass is None or self._under_flag():
            return
        code = self.context.scope_code(klass)
        if not re.search(
            r"self\.bias\s*=\s*None|register_parameter\(\s*['\"]bias['\"]\s*,\s*None", code
        ):
            return
        self.report(
            node,
            "`self.bias` is initialized without `if self.bias is not None`, and this class sets "
            "it to None when built without a bias: that configuration raises AttributeError",
            fix=self._wrap_fix(node, "self.bias"),
        )

    # -- self.fc.bias ------------------------------------------------------------------------
    def _check_self_layer(self, node: cst.Call, attr: str, bias_code: str) -> None:
        klass = self.context.enclosing_class()
        if klass is None:
            return
        # the layer built on the path to this line (`if`: Linear + its bias init; `else`:
        # Embedding), else the last one `__init__` assigns
        constructor = reaching_call(self.context, f"self.{attr}") or class_facts(
            self.context, klass
        ).constructor(attr)
        if constructor is None:
            return
        status = bias_status(self.context, constructor)
        built = _short(self.context.code_for(constructor))
        if status is not BiasStatus.PRESENT and self._bias_given_before(node, attr):
            return
        if status is BiasStatus.ABSENT:
            self.report(
                node,
                f"`self.{attr}` is built as `{built}`, which has no bias: `{bias_code}` is None "
                "and this raises AttributeError; remove the bias init or guard it with "
                f"`if {bias_code} is not None:`",
                severity=Severity.ERROR,
                fix=self._wrap_fix(node, bias_code),
            )
        elif status is BiasStatus.MAYBE:
            flag = self._bias_flag(constructor)
            if flag is not None and self._flag_guarded(flag):
                return
            if flag is not None and self._sibling_guarded(klass, flag):
                return  # `if self.q.bias is not None:` over layers built with the same flag
            default = self._flag_default(klass, flag) if flag is not None else None
            severity = Severity.INFO if default == "True" else Severity.WARNING
            usually = (
                f" (`{flag}` defaults to True, so only non-default configurations crash)"
                if default == "True"
                else ""
            )
            self.report(
                node,
                f"`self.{attr}` is built as `{built}`: when its bias is turned off `{bias_code}` is "
                f"None and this raises AttributeError{usually}; guard it with "
                f"`if {bias_code} is not None:`",
                severity=severity,
                fix=self._wrap_fix(node, bias_code),
            )

    def _sibling_guarded(self, klass: cst.ClassDef, flag: str) -> bool:
        """Under `if self.<other>.bias is not None:` where `self.<other>` is built with the same
        bias flag (`bias=qkv_bias`): one test answers for every layer built with that flag."""
        facts = class_facts(self.context, klass)
        previous: Optional[cst.CSTNode] = None
        for ancestor in self.context.ancestors():
            if isinstance(ancestor, (cst.FunctionDef, cst.ClassDef)):
                return False
            if isinstance(ancestor, cst.If) and previous is ancestor.body:
                for match in _SIBLING_BIAS_TEST.finditer(self.context.code_for(ancestor.test)):
                    other = facts.constructor(match.group(1))
                    if other is not None and self._bias_flag(other) == flag:
                        return True
            previous = ancestor
        return False

    _registrations_of: Optional[cst.FunctionDef] = None
    _registrations: dict[str, list[cst.CSTNode]]  # set with _registrations_of

    def _bias_given_before(self, node: cst.Call, attr: str) -> bool:
        """`self.fc.register_parameter("bias", nn.Parameter(...))` (or `self.fc.bias = ...`)
        earlier in the same function: the layer was built without a bias and given one."""
        function = self.context.enclosing_function()
        if function is None:
            return False
        if self._registrations_of is not function:  # one collection per function, not per init
            self._registrations_of = function
            self._registrations = self._bias_registrations_in(function)
        registered = self._registrations
        if attr not in registered:
            return False
        # Rare: only a function that registers a bias walks again, to put the two in order.
        for found in find_all(function, (cst.Call, cst.Assign)):
            if found is node:
                return False
            if found in registered[attr]:
                return True
        return False

    @staticmethod
    def _bias_registrations_in(function: cst.FunctionDef) -> dict[str, list[cst.CSTNode]]:
        found_by_attr: dict[str, list[cst.CSTNode]] = {}
        for found in find_all(function, (cst.Call, cst.Assign)):
            if isinstance(found, cst.Call):
                func = found.func
                if (isinstance(func, cst.Attribute) and func.attr.value == "register_parameter"
                        and len(found.args) == 2
                        and isinstance(found.args[0].value, cst.SimpleString)
                        and found.args[0].value.evaluated_value == "bias"
                        and not (isinstance(found.args[1].value, cst.Name)
                                 and found.args[1].value.value == "None")):
                    owner = is_self_attribute(func.value)
                    if owner is not None:
                        found_by_attr.setdefault(owner, []).append(found)
            else:
                if isinstance(found.value, cst.Name) and found.value.value == "None":
                    continue
                for target in found.targets:
                    t = target.target
                    if isinstance(t, cst.Attribute) and t.attr.value == "bias":
                        owner = is_self_attribute(t.value)
                        if owner is not None:
                            found_by_attr.setdefault(owner, []).append(found)
        return found_by_attr

    def _bias_flag(self, constructor: cst.Call) -> Optional[str]:
        value = bias_flag(self.context, constructor)
        if value is None:  # a project layer: its own keyword, when it has one
            for keyword in ("bias", "affine", "elementwise_affine"):
                value = argument(constructor, None, keyword)
                if value is not None:
                    break
        return self.context.code_for(value) if value is not None else None

    def _under_flag(self, about: Optional[re.Pattern] = None) -> bool:
        """Inside `if self.affine:` / `if bias:` (a configuration flag); with `about`, only a
        flag whose name matches it."""
        previous: Optional[cst.CSTNode] = self.context.stack[-1] if self.context.stack else None
        for ancestor in self.context.ancestors():
            if isinstance(ancestor, cst.If) and previous is ancestor.body:
                test = ancestor.test
                if isinstance(test, (cst.Name, cst.Attribute)) and (
                    about is None or about.search(self.context.code_for(test).rsplit(".", 1)[-1])
                ):
                    return True
            if isinstance(ancestor, cst.FunctionDef):
                break
            previous = ancestor
        return False

    def _narrowed_by_name(self) -> bool:
        """Inside `if name.startswith("head"):` or another test on strings: only some layers
        (by name) reach the code, so a bias-free layer elsewhere may never get here."""
        previous: Optional[cst.CSTNode] = self.context.stack[-1] if self.context.stack else None
        for ancestor in self.context.ancestors():
            if isinstance(ancestor, cst.If) and previous is ancestor.body:
                # `hasattr(m, "bias")` tests an attribute, not which layers (by name) arrive
                code = re.sub(r"\bhasattr\([^()]*\)", "", self.context.code_for(ancestor.test))
                if "isinstance" not in code and re.search(r"['\"]", code) and not self._names_parameters(ancestor.test):
                    return True
            if isinstance(ancestor, cst.FunctionDef):
                break
            previous = ancestor
        return False

    def _names_parameters(self, test: cst.BaseExpression) -> bool:
        """`if pname in ["weight", "bias"]:` with `pname` from a loop over a layer's
        `named_parameters()`: a test on parameter names, which does not choose the layers."""
        names = {n.value for n in find_all(test, cst.Name)}
        loops = [a for a in self.context.ancestors() if isinstance(a, cst.For)]
        bound = {
            n.value
            for loop in loops
            if isinstance(loop.iter, cst.Call) and isinstance(loop.iter.func, cst.Attribute)
            and loop.iter.func.attr.value in ("named_parameters", "named_buffers")
            for n in find_all(loop.target, cst.Name)
        }
        return bool(names) and names <= bound

    def _flag_default(self, klass: cst.ClassDef, flag: str) -> Optional[str]:
        """The default of the `__init__` parameter the bias flag comes from (`qkv_bias=True`)."""
        init = class_facts(self.context, klass).init
        if init is None:
            return None
        plain = flag.rsplit(".", 1)[-1]
        for param in [*init.params.params, *init.params.kwonly_params]:
            if param.name.value == plain and param.default is not None:
                return self.context.code_for(param.default)
        return None

    def _flag_guarded(self, flag: str) -> bool:
        """`if bias:` / `if self.bias_flag:` (the same expression the layer was built with)."""
        plain = flag.rsplit(".", 1)[-1]
        previous: Optional[cst.CSTNode] = None
        for ancestor in self.context.ancestors():
            if isinstance(ancestor, (cst.If, cst.IfExp)) and previous is ancestor.body:
                test = self.context.code_for(ancestor.test)
                if re.search(rf"(?<![\w.]){re.escape(flag)}\b|\b{re.escape(plain)}\b", test):
                    return True
            if isinstance(ancestor, cst.FunctionDef):
                break
            previous = ancestor
        return False

    # -- m.bias in an init function ----------------------------------------------------------
    def _check_init_function(self, node: cst.Call, bias_code: str, weight_guarded: bool) -> None:
        if self._under_flag(_BIAS_FLAG):
            return  # `if self.bias:`: the constructor flag that decided whether layers have one
        guards = self._guard_names() or self._annotated_classes(bias_code.rsplit(".", 1)[0])
        local = {name: self._local_bias(name) for name in guards}
        if any(status is BiasStatus.MAYBE for status in local.values()):
            names = ", ".join(sorted(n for n, st in local.items() if st is BiasStatus.MAYBE))
            kept = self._every_build_keeps_bias([n for n, st in local.items() if st is BiasStatus.MAYBE], guards)
            if kept is not None:
                self.report(
                    node,
                    f"`{bias_code}` is initialized without `if {bias_code} is not None`; `{names}` "
                    f"sets its bias to None when built without one, but {kept} keep it: latent "
                    "until some code builds one without a bias",
                    severity=Severity.INFO,
                    fix=self._wrap_fix(node, bias_code),
                )
                return
            self.report(
                node,
                f"`{bias_code}` is initialized without `if {bias_code} is not None`, and `{names}` "
                "sets its bias to None when built without one: that configuration raises "
                "AttributeError",
                severity=Severity.WARNING,
                fix=self._wrap_fix(node, bias_code),
            )
            return
        if guards and all(status is not None for status in local.values()):
            return  # classes of this file that always have (or never have) a bias
        guards = [name for name in guards if local[name] is None]
        kinds = {classify(name) for name in guards}
        reaching = kinds & {LayerKind.LINEAR, LayerKind.CONV, LayerKind.NORM}
        if guards and not reaching:
            return  # embeddings, attention, custom classes: not our business here
        if guards and reaching <= {LayerKind.NORM} and weight_guarded:
            return  # norms: affine=False removes weight and bias together
        fix = self._wrap_fix(node, bias_code)
        unguarded = f"`{bias_code}` is initialized without `if {bias_code} is not None`"
        absent, maybe, present = self._evidence(guards, reaching)
        walked = self._walked_layers()
        if walked is not None:  # `net = nn.Sequential(...)` then `for m in net.modules()`
            absent = next((c for c in walked if bias_status(self.context, c) is BiasStatus.ABSENT
                           and (not guards or (call_name(c) or "") in _short_names(guards))), None)
            if absent is not None:
                self.report(
                    node,
                    f"{unguarded}, and the loop walks `{_short(self.context.code_for(absent))}`, "
                    "which has no bias: it raises AttributeError",
                    severity=Severity.ERROR,
                    fix=fix,
                )
            return
        reach = self._reach(guards)
        if reach is not None and reach.layers and weight_guarded and reach.complete and all(
            use.kind == LayerKind.NORM for use in reach.layers
        ):
            return  # only norms arrive, and `affine=False` removes their weight and bias together
        if reach is not None and reach.layers and not self._narrowed_by_name():
            off = next((use for use in reach.layers if _bias_flag(use) is False
                        and not (weight_guarded and use.kind == LayerKind.NORM)), None)
            if off is not None:
                self.report(
                    node,
                    f"{unguarded}, and {self._cite(off, absent)}, built without a bias, reaches "
                    "this code: it raises AttributeError",
                    severity=Severity.ERROR,
                    fix=fix,
                )
                return
            flagged = next((use for use in reach.layers if _bias_flag(use) is None), None)
            if flagged is not None:
                self.report(
                    node,
                    f"{unguarded}, and {self._cite(flagged, maybe)}, whose bias is a setting, "
                    "reaches this code: with the bias turned off it raises AttributeError",
                    severity=Severity.WARNING,
                    fix=fix,
                )
                return
            if reach.complete:
                return  # every layer that can arrive here has a bias
        if self._submodule_loop():
            absent = maybe = None  # the loop sees one submodule, whose layers this file may not build
        if reach is not None and reach.closed:
            # every way modules arrive was followed: a layer another class of this file builds
            # arrives only if one of that class's builds does (`self.init_conv_(conv)` with
            # `conv` from a factory never receives `Attention.to_q`)
            if absent is not None and not self._class_build_may_arrive(absent, reach):
                absent = None
            if maybe is not None and not self._class_build_may_arrive(maybe, reach):
                maybe = None
        # Layers built in this file: no path from them to this code is known, so they are a
        # lead, never proof: a warning when the code is applied to (or called with) modules of
        # this project the index could not follow to the end (`partly`), info when nothing is
        # known about what reaches it.
        partly = reach is not None and bool(reach.sources)
        if partly and absent is not None and reach is not None and reach.layers and all(
            use.kind == LayerKind.NORM for use in reach.layers
        ) and classify(self.context.resolve(absent.func) or "") is not LayerKind.NORM:
            partly = False  # every known arrival is a norm layer: a conv or linear is only a lead
        by_name = absent is not None and self._narrowed_by_name()
        if by_name:
            partly = False  # `if "temporal_fc" in name:` picks some layers by name: a lead only
        if absent is not None:
            self.report(
                node,
                f"{unguarded}, and this file builds `{_short(self.context.code_for(absent))}`, which has "
                "no bias: if it reaches this code, it raises AttributeError"
                + (" (not every module that reaches this function is known)" if partly
                   else " (the code picks modules by name; which names it lets through is not known)"
                   if by_name else " (what reaches this function is not known)"),
                severity=Severity.WARNING if partly else Severity.INFO,
                fix=fix,
            )
            return
        if maybe is not None and not self._narrowed_by_name():
            self.report(
                node,
                f"{unguarded}, and this file builds `{_short(self.context.code_for(maybe))}`, whose bias "
                "can be turned off: that configuration raises AttributeError if it reaches this code",
                severity=Severity.WARNING if partly else Severity.INFO,
                fix=fix,
            )
            return
        if present or maybe is not None or reaching <= {LayerKind.NORM} and guards:
            return  # every such layer in this file has a bias: correct for the models it builds
        names = " or ".join(
            sorted({g.rsplit(".", 1)[-1] for g in guards if g.rsplit(".", 1)[-1][:1].isupper()})
        ) or "layer"
        usual = (
            "the usual conv before a BatchNorm"
            if LayerKind.CONV in reaching or not guards
            else "common before a norm layer or when a config turns biases off"
        )
        self.report(
            node,
            f"{unguarded}: fine for the layers this file builds, but a {names} built with "
            f"bias=False ({usual}) makes this init function raise AttributeError",
            severity=Severity.INFO,
            fix=fix,
        )

    def _class_build_may_arrive(self, call: cst.Call, reach: Reach) -> bool:
        """False only when `call` is written inside a class of this file and the (closed) reach
        brings none of the layers the index records for that class."""
        view = self.context.project
        for name, klass in file_classes(self.context).items():
            if not any(found is call for found in find_all(klass, cst.Call)):
                continue
            entry = view.index.class_(view.qualify(name))
            if entry is None:
                return True
            lines = [build.line for build in entry[1].layers]
            return not lines or reach.includes_build(view.module, lines) is not Answer.NO
        return True

    def _every_build_keeps_bias(self, classes: list[str], guards: list[str]) -> Optional[str]:
        """When every module that can reach this code is known (the index followed each way in)
        and each of `classes` among them is built with its bias on (a literal `bias=True`, or
        nothing where the constructor's own default is `True`): where they are built."""
        reach = self._reach(guards)
        if reach is None or not (reach.complete or reach.closed) or not reach.layers:
            return None  # closed: a project class's builds missing from `layers` cannot arrive
        wanted = {name.rsplit(".", 1)[-1] for name in classes}
        uses = [use for use in reach.layers if use.short_name in wanted]
        if not uses:
            return None
        for name in wanted:
            klass = file_classes(self.context).get(name)
            init = class_facts(self.context, klass).init if klass is not None else None
            if klass is None or init is None or self._flag_default(klass, "bias") != "True":
                return None
            positional = [p.name.value for p in init.params.params][1:]  # without `self`
            slot = positional.index("bias") if "bias" in positional else len(positional)
            for use in uses:
                if use.short_name == name and not 0 <= use.positional_count <= slot:
                    return None  # the bias flag may be passed by position (or a splat hides it)
        if any(use.flag("bias", True) is not True for use in uses):
            return None
        lines = ", ".join(str(use.line) for use in uses[:5])
        return f"the {len(uses)} construction{'s' if len(uses) > 1 else ''} that reach it (line{'s' if len(uses) > 1 else ''} {lines})"

    def _reach(self, guards: list[str]) -> Optional[Reach]:
        return self.context.project.init_code_reach(self.context, guards)

    def _walked_layers(self) -> Optional[list[cst.Call]]:
        """The torch layers a `for m in net.modules()` loop walks when `net` is built from them in
        the same scope (`net = nn.Sequential(nn.Linear(...), ...)`); None otherwise."""
        loop = self.context.init_context()
        if not isinstance(loop, cst.For) or not isinstance(loop.iter, cst.Call):
            return None
        func = loop.iter.func
        receiver = func.value if isinstance(func, cst.Attribute) else None
        if not isinstance(receiver, cst.Name) or receiver.value == "self":
            return None
        function = self.context.enclosing_function()
        body = function.body.body if function is not None else self.context.module.body
        built: Optional[cst.BaseExpression] = None
        for statement in body:
            if statement is loop:
                break
            for small in getattr(statement, "body", ()) if isinstance(statement, cst.SimpleStatementLine) else ():
                if (
                    isinstance(small, cst.Assign)
                    and len(small.targets) == 1
                    and isinstance(small.targets[0].target, cst.Name)
                    and small.targets[0].target.value == receiver.value
                ):
                    built = small.value
        if built is None:
            return None
        calls = [c for c in find_all(built, cst.Call) if torch_layer_name(self.context, c)]
        return calls or None

    def _cite(self, use: LayerUse, local: Optional[cst.Call]) -> str:
        """How a message names a layer that reaches the code: its constructor when this file has
        one of that class, else its class and where it is built."""
        if local is not None and (call_name(local) or "") == use.short_name:
            return f"`{_short(self.context.code_for(local))}`"
        return f"a `{use.short_name}` ({use.module}:{use.line})"

    def _submodule_loop(self) -> bool:
        """`for m in self.acoustic_encoder.modules()`: only that submodule's layers reach the code,
        so what the rest of the file builds is no evidence."""
        context = self.context.init_context()
        if not isinstance(context, cst.For) or not isinstance(context.iter, cst.Call):
            return False
        receiver = context.iter.func.value if isinstance(context.iter.func, cst.Attribute) else None
        return isinstance(receiver, cst.Attribute)

    def _evidence(self, guards: list[str], reaching: set[LayerKind]):
        """(a layer without bias, a layer whose bias is a flag, any layer with a bias) among the
        layers of this file that can reach the code.

        The answer depends only on the guards, not on the init site: computed once per distinct
        guard set, so a file with n init sites and m layer calls costs n + m, not n * m."""
        key = ("INI002-evidence", tuple(guards), frozenset(reaching))
        return self.context.memo(key, lambda: self._find_evidence(guards, reaching))

    def _find_evidence(self, guards: list[str], reaching: set[LayerKind]):
        guard_lasts = {name.rsplit(".", 1)[-1] for name in guards}
        torch_guards = all(name.startswith("torch.nn.") for name in guards)

        def reaches(layer: str) -> bool:
            if not guards:
                return classify(layer) is not LayerKind.EMBEDDING
            return layer in guard_lasts or (not torch_guards and classify(layer) in reaching)

        absent: Optional[cst.Call] = None
        maybe: Optional[cst.Call] = None
        present = False
        for call, qualified in layer_calls(self.context):
            layer = qualified.rsplit(".", 1)[-1]
            if not reaches(layer):
                continue
            status = bias_status(self.context, call)
            if status is BiasStatus.ABSENT and layer not in BIASLESS_BY_DESIGN:
                absent = absent or call
            elif status is BiasStatus.MAYBE:
                maybe = maybe or call
            elif status is BiasStatus.PRESENT:
                present = True
        if absent is None:
            for call in bias_false_calls(self.context):
                name = call_name(call) or ""
                if self.context.resolve(call.func) is None and (
                    not guards or classify(name) in reaching
                ):
                    absent = call  # a project helper: `create_conv2d(..., bias=False)`
                    break
        return absent, maybe, present

    def _annotated_classes(self, owner: str) -> list[str]:
        """`def init_head_(head: nn.Linear)`: the annotation says which layers reach the code."""
        function = self.context.enclosing_function()
        if function is None:
            return []
        for param in declared_params(function):
            if param.name.value == owner and param.annotation is not None:
                names = guard_names(
                    cst.Call(cst.Name("isinstance"), [cst.Arg(param.name), cst.Arg(param.annotation.annotation)]),
                    self.context,
                )
                return [n for n in names if n.rsplit(".", 1)[-1] != "Module"]
        return []

    def _guard_names(self) -> list[str]:
        """Class names from the `isinstance` tests of enclosing `if`s and conditional expressions
        (`isinstance(m, A | B)` included)."""
        names: list[str] = []
        previous: Optional[cst.CSTNode] = self.context.stack[-1] if self.context.stack else None
        for ancestor in self.context.ancestors():
            if isinstance(ancestor, (cst.If, cst.IfExp)) and previous is ancestor.body:
                names.extend(
                    n for n in guard_names(ancestor.test, self.context) if not n.startswith("hasattr:")
                )
            previous = ancestor
        return names

    def _local_bias(self, name: str) -> Optional[BiasStatus]:
        """Bias of a class defined in this file that is not a torch layer subclass: PRESENT when
        `__init__` always gives it one, MAYBE when it can set it to None, ABSENT when it has no
        `bias` at all; None for classes we do not read (imported, torch layer subclasses)."""
        klass = file_classes(self.context).get(name) if "." not in name else None
        if klass is None:
            return None
        facts = class_facts(self.context, klass)
        if any(b.startswith("torch.nn.") and b not in MODULE_BASES for b in facts.bases):
            return None
        code = self.context.scope_code(klass)
        if re.search(r"self\.bias\s*=\s*None|register_parameter\(\s*['\"]bias['\"]\s*,\s*None", code):
            return BiasStatus.MAYBE
        if re.search(r"self\.bias\s*=|register_parameter\(\s*['\"]bias['\"]", code):
            return BiasStatus.PRESENT
        return BiasStatus.ABSENT

    def _check_loop_layers(self, node: cst.Call, owner: str, bias_code: str) -> bool:
        """`for proj in (self.q, self.k): init.zeros_(proj.bias)`: judge the listed layers.
        True when the owner is such a loop variable (handled here, reported or not)."""
        for ancestor in self.context.ancestors():
            if isinstance(ancestor, cst.For) and isinstance(ancestor.target, cst.Name):
                if ancestor.target.value != owner:
                    continue
                klass = self.context.enclosing_class()
                facts = class_facts(self.context, klass) if klass is not None else None
                container = is_self_attribute(ancestor.iter)
                if container is not None and klass is not None:
                    # `for lin in self.lins:` over a ModuleList built in `__init__`
                    held = container_layers(self.context, klass, container)
                    if held is None:
                        return False
                    constructors = [c for c in held if torch_layer_name(self.context, c)]
                    if len(constructors) != len([c for c in held if _constructor_like(c)]):
                        return False  # project blocks we do not read
                elif isinstance(ancestor.iter, (cst.Tuple, cst.List)):
                    constructors = []
                    for element in ancestor.iter.elements:
                        attr = is_self_attribute(element.value)
                        constructor = facts.constructor(attr) if facts and attr else None
                        if constructor is not None:
                            constructors.append(constructor)
                else:
                    return False
                if self._under_flag(_BIAS_FLAG):
                    return True  # `if self.bias:`: the flag the layers were built with
                worst: Optional[tuple[BiasStatus, cst.Call]] = None
                for constructor in constructors:
                    status = bias_status(self.context, constructor)
                    if status is BiasStatus.ABSENT or (
                        status is BiasStatus.MAYBE and worst is None
                    ):
                        worst = (status, constructor)
                if worst is not None:
                    status, constructor = worst
                    self.report(
                        node,
                        f"`{bias_code}` is initialized without `if {bias_code} is not None`, and the "
                        f"loop goes over `{_short(self.context.code_for(constructor))}`, which "
                        + ("has no bias" if status is BiasStatus.ABSENT else "can be built without one")
                        + ": this raises AttributeError",
                        severity=Severity.ERROR if status is BiasStatus.ABSENT else Severity.WARNING,
                        fix=self._wrap_fix(node, bias_code),
                    )
                return True
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
                break
        return False

    # -- reports and fixes -------------------------------------------------------------------
    def _built_without_bias(self, node: cst.Call, owner: cst.BaseExpression) -> bool:
        """`self.<attr>` is built here with no bias (`bias=False`) and not given one before."""
        attr = is_self_attribute(owner)
        klass = self.context.enclosing_class()
        if attr is None or klass is None:
            return False
        return built_bias(self.context, klass, attr) is BiasStatus.ABSENT and not self._bias_given_before(node, attr)

    def _report_truthy(self, guard: cst.If, bias_code: str, absent: bool = False) -> None:
        replacement = cst.parse_expression(f"{bias_code} is not None")
        latent = (
            f" (info: the layer is built without a bias, so today `{bias_code}` is None and the "
            "test is simply false; it raises only once the bias is switched on)"
        )
        self.report(
            guard.test,
            f"`if {bias_code}:` is not a None check: for a bias with more than one element it "
            "raises 'Boolean value of Tensor with more than one value is ambiguous'; use "
            f"`if {bias_code} is not None:`" + (latent if absent else ""),
            severity=Severity.INFO if absent else Severity.ERROR,
            fix=self.make_fix(guard.test, replacement, f"Replace with `{bias_code} is not None`"),
        )

    def _wrap_fix(self, node: cst.Call, bias_code: str) -> Optional[Fix]:
        return self.guard_statement_fix(node, f"{bias_code} is not None")

    VALID = [
        Valid(
            """
            import math
            import torch.nn as nn

            class Retrieval(nn.Module):
                def __init__(self, d, n_classes=None):
                    super().__init__()
                    if n_classes is None:
                        self.label_encoder = nn.Linear(1, d)
                        bound = 1 / math.sqrt(2)
                        nn.init.uniform_(self.label_encoder.bias, -bound, bound)
                    else:
                        self.label_encoder = nn.Embedding(n_classes, d)
                        nn.init.uniform_(self.label_encoder.weight, -1.0, 1.0)
            """,
            reason="the bias init follows the Linear built on its own path; the Embedding is "
            "built in the other branch (masamlp's TabR, a heldout22 reviewer's false error)",
        ),
        Valid(
            """
            import torch.nn as nn
            from torch.nn.init import constant_

            class Attention(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    bias = True
                    self.bias = True
                    self.k_linear = nn.Linear(d, d, bias=bias)
                    self.v_linear = nn.Linear(d, d, bias=self.bias)
                    constant_(self.k_linear.bias, 0.0)
                    constant_(self.v_linear.bias, 0.0)
            """,
            reason="the flag is a name bound once to `True` (a local, or `self.bias`): the bias exists",
        ),
        Valid(
            # one test on a sibling built with the same flag answers for all of them
            """
            import torch.nn as nn

            class Attention(nn.Module):
                def __init__(self, d, qkv_bias=False):
                    super().__init__()
                    self.q = nn.Linear(d, d, bias=qkv_bias)
                    self.k = nn.Linear(d, d, bias=qkv_bias)
                    self.v = nn.Linear(d, d, bias=qkv_bias)
                    if self.q.bias is not None:
                        nn.init.zeros_(self.q.bias)
                        nn.init.zeros_(self.k.bias)
                        nn.init.zeros_(self.v.bias)
            """
        ),
        Valid(
            # the helper receives only norms (the caller's `isinstance` branch), and its
            # `weight is not None` test covers the bias too: affine=False removes both
            """
            import torch.nn as nn

            class Stem(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 16, 3, bias=False)
                    self.norm = nn.BatchNorm2d(16)
                    self.plain = nn.InstanceNorm2d(16)
                    for m in self.modules():
                        if isinstance(m, nn.Conv2d):
                            self._init_conv(m)
                        elif isinstance(m, nn.BatchNorm2d) or isinstance(m, nn.InstanceNorm2d):
                            self._init_norm(m)

                def _init_conv(self, conv):
                    nn.init.kaiming_uniform_(conv.weight, nonlinearity="relu")
                    if conv.bias is not None:
                        nn.init.zeros_(conv.bias)

                def _init_norm(self, norm):
                    if norm.weight is not None:
                        nn.init.ones_(norm.weight)
                        nn.init.zeros_(norm.bias)
            """
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class EdgeLayer(nn.Module):
                def __init__(self, d_in, d_out, bias=False):
                    super().__init__()
                    self.bias = bias
                    self.weight = nn.Parameter(torch.empty(d_in, d_out))
                    nn.init.xavier_uniform_(self.weight)
                    if self.bias:
                        self.bias = nn.Parameter(torch.empty(d_out))
                        nn.init.zeros_(self.bias)
            """,
            reason="`self.bias = bias` just before: `if self.bias:` tests the flag the layer was given",
        ),
        Valid(
            """
            import torch.nn as nn


            def init_layer(layer, value, bias_value=0.0):
                nn.init.constant_(layer.weight, value)
                if hasattr(layer, "bias"):
                    nn.init.constant_(layer.bias, bias_value)


            class Cell(nn.Module):
                def __init__(self, width, gated):
                    super().__init__()
                    self.mix = nn.Conv2d(width, width, 3, padding=1, bias=False)
                    self.norm = nn.BatchNorm2d(width)
                    if gated:
                        self.gate = nn.Conv2d(width, 1, 1)


            class WideCell(nn.Module):
                def __init__(self, width):
                    super().__init__()
                    self.mix = nn.Conv2d(width, 2 * width, 1, bias=False)
                    self.gate = nn.Conv2d(2 * width, 1, 1, bias=True)


            class Tower(nn.Module):
                def __init__(self, width, depth, gated=False):
                    super().__init__()
                    self.cells = nn.ModuleList([Cell(width, gated) for _ in range(depth)])
                    self.wide = WideCell(width)
                    self.head = nn.Linear(2 * width, 10, bias=False)
                    for m in self.modules():
                        if isinstance(m, Cell) or isinstance(m, WideCell):
                            if hasattr(m, "gate"):
                                init_layer(m.gate, 0.0)
            """,
            reason="the helper's only call passes `m.gate` of a `Cell` or `WideCell` (the "
            "`isinstance` tests say so), and both build their `gate` with a bias: the bias-free "
            "convs and Linear of the file never reach the helper",
        ),
        Valid(
            """
            import torch.nn as nn


            def init_layer(layer, value):
                nn.init.constant_(layer.weight, value)
                nn.init.zeros_(layer.bias)


            class Branch(nn.Module):
                def __init__(self, width):
                    super().__init__()
                    self.squeeze = nn.Conv1d(width, width // 4, 1, bias=False)
                    self.expand = nn.Conv1d(width // 4, width, 1)


            class Trunk(nn.Module):
                def __init__(self, width):
                    super().__init__()
                    self.branch = Branch(width)
                    init_layer(self.branch.expand, 0.0)
            """,
            reason="`self.branch.expand` is the `expand` of a `Branch`, built with torch's default "
            "bias: the file's bias-free `squeeze` is never passed",
        ),
        Valid(
            """
            import torch.nn as nn


            class Stem(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 16, 3, bias=False)
                    self.out = nn.Conv2d(16, 4, 1)
                    self.reset()

                def reset(self):
                    for layer in self.modules():
                        if isinstance(layer, nn.Conv2d):
                            nn.init.kaiming_normal_(layer.weight)
                            for pname, _ in layer.named_parameters():
                                if pname == "bias":
                                    nn.init.zeros_(layer.bias)
                        elif isinstance(layer, nn.Linear):
                            for key, _ in layer.named_parameters(recurse=False):
                                if key.endswith("bias"):
                                    nn.init.zeros_(layer.bias)
                                elif key in ("bias",):
                                    nn.init.zeros_(layer.bias)
            """,
            reason="`named_parameters()` yields only registered parameters: a layer built without a "
            "bias never yields the name `bias`, so a test that requires that name is a None guard",
        ),
        Valid(
            """
            import torch
            from torch import nn
            from torch_geometric.nn.inits import glorot, zeros

            class GraphConv(nn.Module):
                def __init__(self, n_in, n_out, bias=True):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(n_in, n_out))
                    if bias:
                        self.bias = nn.Parameter(torch.empty(n_out))
                    else:
                        self.register_parameter("bias", None)
                    self.reset_parameters()

                def reset_parameters(self):
                    glorot(self.weight)
                    zeros(self.bias)
            """,
            reason="PyTorch Geometric's init helpers do nothing when given None, so `zeros(self.bias)` "
            "needs no guard",
        ),
        Valid(
            """
            import torch
            from torch import nn

            def Conv2d(dim_in, dim_out, kernel, **kwargs):
                return nn.Conv3d(dim_in, dim_out, (1, kernel, kernel), **kwargs)

            class Attention(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.to_qkv = nn.Linear(dim, dim * 3, bias=False)

            class ShuffleUp(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    conv = Conv2d(dim, dim * 4, 1)
                    self.net = nn.Sequential(conv, nn.SiLU())
                    self.init_conv_(conv)

                def init_conv_(self, conv):
                    nn.init.kaiming_uniform_(conv.weight)
                    nn.init.zeros_(conv.bias)
            """,
            reason="the only call passes the conv built just before it; the bias-free Linear of "
            "another class never arrives, so it is no evidence",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Projection(nn.Module):
                def __init__(self, d_in, d_out, bias=False):
                    super().__init__()
                    self.proj = nn.Linear(d_in, d_out, bias)
                    nn.init.xavier_uniform_(self.proj.weight)
                    if bias:
                        nn.init.zeros_(self.proj.bias)
            """,
            reason="the flag passed positionally as the Linear's bias also guards the bias init",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class LinearBatchNorm(nn.Module):
                def __init__(self, n, m):
                    super().__init__()
                    self.linear = nn.Linear(n, m, bias=False)
                    self.bn = nn.BatchNorm1d(m)

                @torch.no_grad()
                def fuse(self):
                    w = self.linear.weight * self.bn.weight[:, None]
                    b = self.bn.bias - self.bn.running_mean * self.bn.weight
                    self.linear.register_parameter("bias", nn.Parameter(torch.empty(self.linear.out_features)))
                    self.linear.weight.data.copy_(w)
                    self.linear.bias.data.copy_(b)
                    return self.linear
            """,
            reason="the bias is registered just before it is written",
        ),
        Valid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 8, 3, bias=False)
                    self.head = nn.Linear(8, 10)

            def init_head_(head: nn.Linear):
                nn.init.zeros_(head.weight)
                nn.init.zeros_(head.bias)
            """,
            reason="the annotation says only Linear layers reach it, and every Linear here has a bias",
        ),
        Valid(
            """
            import torch
            from torch import nn
            from transformers import initialization as init

            class SeparableConv1D(nn.Module):
                def __init__(self, c, k):
                    super().__init__()
                    self.depthwise = nn.Conv1d(c, c, k, groups=c, bias=False)
                    self.bias = nn.Parameter(torch.zeros(c, 1))

            class MoA(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.router = nn.Linear(d, 4, bias=False)
                    self.bias = nn.Parameter(torch.empty(d))

            class Block(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.q_proj = nn.Linear(d, d)
                    self.norm = nn.LayerNorm(d)

                def _init_weights(self):
                    for proj in (self.q_proj,):
                        init.zeros_(proj.bias)
                    for ln in (self.norm, self.attn.norm):
                        init.zeros_(ln.bias)

            class PreTrained(nn.Module):
                def _init_weights(self, module):
                    if isinstance(module, SeparableConv1D):
                        init.zeros_(module.bias)
                    elif isinstance(module, MoA | SeparableConv1D):
                        init.zeros_(module.bias)
            """,
            reason="classes of this file that always have a bias; loops over layers that have one",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class ABN(nn.Module):
                def __init__(self, c, affine=True):
                    super().__init__()
                    self.affine = affine
                    if affine:
                        self.weight = nn.Parameter(torch.ones(c))
                        self.bias = nn.Parameter(torch.zeros(c))
                    else:
                        self.register_parameter("bias", None)

                def reset_parameters(self):
                    if self.affine:
                        nn.init.constant_(self.bias, 0)

            class ViT(nn.Module):
                def __init__(self, d, qkv_bias=False):
                    super().__init__()
                    self.qkv = nn.Linear(d, 3 * d, bias=qkv_bias)
                    self.head = nn.Linear(d, 10)

            def init_weights_jax(module, name=""):
                if isinstance(module, nn.Linear):
                    if name.startswith("head"):
                        nn.init.zeros_(module.weight)
                        nn.init.constant_(module.bias, 0.0)
            """,
            reason="guarded by the configuration flag; only the head (which has a bias) reaches",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class VGG(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.features = nn.Sequential(nn.Conv2d(3, 64, 3, padding=1), nn.ReLU())
                    self.classifier = nn.Linear(64, 10)
                    for m in self.modules():
                        if isinstance(m, nn.Conv2d):
                            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                            nn.init.constant_(m.bias, 0)
                        elif isinstance(m, nn.Linear):
                            nn.init.normal_(m.weight, 0, 0.01)
                            nn.init.constant_(m.bias, 0)
            """,
            reason="every conv and linear this file builds has a bias (torchvision VGG idiom)",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class FilterResponseNorm(nn.Module):
                def __init__(self, c, **dd):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(c, **dd))
                    self.bias = nn.Parameter(torch.empty(c, **dd))
                    self.bn = nn.BatchNorm2d(c, **dd)
                    self.reset_parameters()

                def reset_parameters(self):
                    nn.init.ones_(self.weight)
                    nn.init.zeros_(self.bias)
                    nn.init.zeros_(self.bn.bias)

            def init_post_norm(model):
                for blk in model.blocks:
                    nn.init.constant_(blk.norm1.bias, 0)
            """,
            reason="a layer's own bias that is never None; `**dd` factory kwargs; named sub-layers",
        ),
        Valid(
            """
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, (nn.Conv2d, nn.Linear)):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.zeros_(m.bias)
            """,
            reason="the standard guard",
        ),
        Valid(
            """
            import torch.nn as nn

            class ResNet(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 64, 7, bias=False)
                    self.bn = nn.BatchNorm2d(64)
                    for m in self.modules():
                        if isinstance(m, nn.Conv2d):
                            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                        elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                            nn.init.constant_(m.weight, 1)
                            nn.init.constant_(m.bias, 0)
            """,
            reason="torchvision idiom: norms built with affine=True always have a bias",
        ),
        Valid(
            """
            from torch import nn

            class Block(nn.Module):
                def _init_weights(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.trunc_normal_(m.weight, std=0.02)
                        if isinstance(m, nn.Linear) and m.bias is not None:
                            nn.init.constant_(m.bias, 0)
            """,
            reason="timm idiom: guard combined with isinstance",
        ),
        Valid(
            """
            import torch.nn as nn

            def init(m):
                if not isinstance(m, nn.Linear):
                    return
                nn.init.xavier_uniform_(m.weight)
                if getattr(m, "bias", None) is None:
                    return
                nn.init.zeros_(m.bias)

            def init2(m):
                for layer in m.modules():
                    if isinstance(layer, nn.Conv1d):
                        if hasattr(layer, "bias") and layer.bias is not None:
                            layer.bias.data.zero_()
                        if layer.bias is None:
                            continue
                        layer.bias.data.fill_(0.01)
            """,
            reason="early return / continue guards, getattr and hasattr+None checks",
        ),
        Valid(
            """
            import torch.nn as nn

            class Head(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc = nn.Linear(d, 10)
                    self.proj = nn.Linear(d, d, bias=True)
                    nn.init.zeros_(self.fc.bias)
                    nn.init.zeros_(self.proj.bias)
            """,
            reason="these layers provably have a bias",
        ),
        Valid(
            """
            import torch.nn as nn

            class Attn(nn.Module):
                def __init__(self, d, qkv_bias=False):
                    super().__init__()
                    self.qkv = nn.Linear(d, 3 * d, bias=qkv_bias)
                    if qkv_bias:
                        nn.init.zeros_(self.qkv.bias)
            """,
            reason="guarded by the same flag the layer was built with",
        ),
        Valid(
            """
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, nn.Linear):
                    nn.init.zeros_(m.bias) if m.bias is not None else None
                elif isinstance(m, nn.Embedding):
                    nn.init.normal_(m.weight)
            """,
            reason="guard in a conditional expression",
        ),
        Valid(
            """
            import torch.nn as nn

            def exists(val):
                return val is not None

            class Stem(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 16, 3, bias=False)
                    self.norm = nn.GroupNorm(4, 16, affine=False)

            def init_weights(m):
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight)
                    if exists(m.bias):
                        nn.init.zeros_(m.bias)
                elif isinstance(m, nn.GroupNorm):
                    if getattr(m, "weight", None) is not None:
                        nn.init.ones_(m.weight)
                        nn.init.zeros_(m.bias)

            def reset(m):
                if isinstance(m, nn.Conv2d):
                    try:
                        nn.init.zeros_(m.bias)
                    except AttributeError:
                        pass
            """,
            reason="guards spelled as a project `exists` helper, a norm's weight check "
            "(affine=False removes both), and try/except AttributeError",
        ),
        Valid(
            """
            from contextlib import suppress
            import torch.nn as nn

            class Stem(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 16, 3, bias=False)
                    self.apply(reset)

            def reset(m):
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight)
                    with suppress(AttributeError):
                        nn.init.zeros_(m.bias)
            """,
            reason="`with suppress(AttributeError)` skips the None bias as try/except does",
        ),
        Valid(
            """
            import torch.nn as nn

            class Stem(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 16, 3, bias=False)
                    self.fc = nn.Linear(16, 4, bias=False)
                    self.apply(init_weights)

            def init_weights(m):
                if isinstance(m, (nn.Conv2d, nn.Linear)):
                    nn.init.kaiming_normal_(m.weight)
                    if hasattr(m.bias, "data"):
                        m.bias.data.fill_(0.0)
            """,
            reason="`hasattr(m.bias, \"data\")` is False for None: a None guard spelled through "
            "a tensor attribute",
        ),
        Valid(
            """
            import torch.nn as nn

            class Stem(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 16, 3, bias=False)
                    self.bn = nn.BatchNorm2d(16)

            class Head(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(16, 10)
                    self.norm = nn.LayerNorm(16)
                    self.apply(self._init_head)

                def _init_head(self, m):
                    if isinstance(m, (nn.Linear, nn.Conv2d)):
                        nn.init.zeros_(m.bias)
                    elif isinstance(m, nn.LayerNorm):
                        nn.init.zeros_(m.bias)
            """,
            reason="only Head's layers reach `_init_head`, and they all have a bias; the "
            "bias-free conv of Stem never gets there",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Propagation(nn.Module):
                def __init__(self, d, layers, bias=True):
                    super().__init__()
                    self.bias = bias
                    self.lins = nn.ModuleList(nn.Linear(d, d, self.bias) for _ in range(layers))
                    self.norm = nn.BatchNorm1d(d, affine=False)
                    self.reset_parameters()

                def reset_parameters(self):
                    for lin in self.lins:
                        nn.init.xavier_uniform_(lin.weight)
                        if self.bias:
                            nn.init.zeros_(lin.bias)
            """,
            reason="guarded by the constructor flag that decided whether the layers have a bias",
        ),
        Valid(
            """
            import torch.nn as nn

            class OutputBlock(nn.Module):
                def __init__(self, n, hidden, layers):
                    super().__init__()
                    self.lin_in = nn.Linear(n, hidden, bias=False)
                    self.lins = nn.ModuleList()
                    for _ in range(layers):
                        self.lins.append(nn.Linear(hidden, hidden))
                    self.lin_out = nn.Linear(hidden, 1, bias=False)
                    self.reset_parameters()

                def reset_parameters(self):
                    for lin in self.lins:
                        lin.bias.data.fill_(0)
            """,
            reason="the loop walks `self.lins`, whose layers all have a bias; the bias-free "
            "layers of the class are never in it",
        ),
        Valid(
            """
            import torch.nn as nn

            class Attention(nn.Module):
                def __init__(self, dim, qkv_bias=False):
                    super().__init__()
                    self.qkv = nn.Linear(dim, 3 * dim, bias=qkv_bias)

            class Net(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.attn = Attention(dim)
                    self.head = nn.Linear(dim, 10)
                    self.apply(init_net)

            def init_net(module, name=""):
                if isinstance(module, nn.Linear):
                    if name.startswith("head"):
                        nn.init.zeros_(module.bias)
            """,
            reason="only layers named `head*` reach the bias init; the attention's optional bias "
            "never does",
        ),
        Valid(
            """
            import torch.nn as nn
            from torch.nn.utils.parametrizations import weight_norm

            def WNConv1d(*args, **kwargs):
                return weight_norm(nn.Conv1d(*args, **kwargs))

            def init_weights(m):
                if isinstance(m, nn.Conv1d):
                    nn.init.trunc_normal_(m.weight, std=0.02)
                    nn.init.constant_(m.bias, 0)

            class Encoder(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.inp = WNConv1d(1, d, kernel_size=7, padding=3)
                    self.out = WNConv1d(d, d, 3, 1, 1)
                    self.apply(init_weights)
            """,
            reason="the helper hands its `*args, **kwargs` to `nn.Conv1d`, and no call site of "
            "it passes a bias argument: every conv it builds has a bias",
        ),
        Valid(
            """
            import torch.nn as nn


            class Dense(nn.Module):
                def __init__(self, i, o, bias=True):
                    super().__init__()
                    self.linear = nn.Linear(i, o, bias=bias)


            class Critic(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.body = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU())
                    self.fc = Dense(8, 1, bias=True)
                    self.init_weights()

                def init_weights(self):
                    for m in self.modules():
                        if isinstance(m, nn.Linear):
                            nn.init.normal_(m.weight, 0.0, 0.02)
                            nn.init.zeros_(m.bias)
            """,
            reason="the wrapper passes its `bias` on to nn.Linear, and its only construction "
            "passes bias=True: no bias-free Linear arrives",
        ),
        Valid(
            """
            import torch.nn as nn


            class ConvBN(nn.Module):
                def __init__(self, c_in, c_out, affine: bool = True):
                    super().__init__()
                    self.conv = nn.Conv2d(c_in, c_out, 3, bias=False)
                    self.bn = nn.BatchNorm2d(c_out, affine=affine)


            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.stem = ConvBN(3, 16)
                    self.stage = ConvBN(16, 32)
                    self.init_weights()

                def init_weights(self):
                    for m in self.modules():
                        if isinstance(m, nn.BatchNorm2d):
                            nn.init.ones_(m.weight)
                            nn.init.zeros_(m.bias)
            """,
            reason="the wrapper passes its `affine` on to the BatchNorm, and every construction "
            "leaves it out, so each takes the constructor's default, True: every norm that "
            "arrives has a bias",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import torch.nn as nn

            class Retrieval(nn.Module):
                def __init__(self, d, n_classes=None):
                    super().__init__()
                    if n_classes is None:
                        self.label_encoder = nn.Linear(1, d)
                    else:
                        self.label_encoder = nn.Embedding(n_classes, d)
                        nn.init.zeros_(self.label_encoder.bias)
            """,
            severity=Severity.ERROR,
            message_contains="is built as `nn.Embedding(n_classes, d)`",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Block(nn.Module):
                def __init__(self, planes, norm="batch"):
                    super().__init__()
                    if norm == "instance":
                        self.norm1 = nn.InstanceNorm2d(planes)
                    else:
                        self.norm1 = nn.BatchNorm2d(planes)
                    self.temporal_fc = nn.Linear(planes, planes)
                    for name, m in self.named_modules():
                        if "temporal_fc" in name:
                            nn.init.zeros_(m.weight)
                            nn.init.zeros_(m.bias)
            """,
            severity=Severity.INFO,
            message_contains="the code picks modules by name",
        ),
        Invalid(
            # the caller's branch lets the bias-free conv through to the helper
            """
            import torch.nn as nn

            class Stem(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 16, 3, bias=False)
                    self.norm = nn.BatchNorm2d(16)
                    for m in self.modules():
                        if isinstance(m, (nn.Conv2d, nn.BatchNorm2d)):
                            self._init_layer(m)

                def _init_layer(self, layer):
                    if layer.weight is not None:
                        nn.init.normal_(layer.weight, std=0.02)
                        nn.init.zeros_(layer.bias)
            """,
            severity=Severity.ERROR,
            line=16,
            message_contains="built without a bias, reaches this code",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class EnsembleFC(nn.Module):
                def __init__(self, n_in, n_out, members, bias=True):
                    super().__init__()
                    self.weight = nn.Parameter(torch.randn(members, n_in, n_out) * n_in ** -0.5)
                    if bias:
                        self.bias = nn.Parameter(torch.zeros(members, n_out))
                    else:
                        self.register_parameter("bias", None)

            def init_weights(layer):
                if isinstance(layer, EnsembleFC):
                    layer.bias.data.fill_(0.0)

            class Ensemble(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc1 = EnsembleFC(d, 64, 5)
                    self.fc2 = EnsembleFC(64, d, 5)
                    self.apply(init_weights)
            """,
            severity=Severity.INFO,
            message_contains="the 2 constructions that reach it (lines 21, 22) keep it: latent",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class EnsembleFC(nn.Module):
                def __init__(self, n_in, n_out, members, bias=True):
                    super().__init__()
                    self.weight = nn.Parameter(torch.randn(members, n_in, n_out) * n_in ** -0.5)
                    if bias:
                        self.bias = nn.Parameter(torch.zeros(members, n_out))
                    else:
                        self.register_parameter("bias", None)

            def init_weights(layer):
                if isinstance(layer, EnsembleFC):
                    layer.bias.data.fill_(0.0)

            class Ensemble(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc1 = EnsembleFC(d, 64, 5)
                    self.fc2 = EnsembleFC(64, d, 5, False)
                    self.apply(init_weights)
            """,
            severity=Severity.WARNING,
            message_contains="sets its bias to None when built without one: that configuration raises",
        ),
        Invalid(
            """
            import torch.nn as nn


            def init_layer(layer, value, bias_value=0.0):
                nn.init.constant_(layer.weight, value)
                nn.init.constant_(layer.bias, bias_value)


            class Cell(nn.Module):
                def __init__(self, width):
                    super().__init__()
                    self.mix = nn.Conv2d(width, width, 3, padding=1)
                    self.gate = nn.Conv2d(width, 1, 1, bias=False)


            class Tower(nn.Module):
                def __init__(self, width, depth):
                    super().__init__()
                    self.cells = nn.ModuleList([Cell(width) for _ in range(depth)])
                    for m in self.modules():
                        if isinstance(m, Cell):
                            init_layer(m.gate, 0.0)
            """,
            line=7,
            severity=Severity.ERROR,
            message_contains="`nn.Conv2d(width, 1, 1, bias=False)`, built without a bias, reaches this code",
        ),
        Invalid(
            """
            import torch.nn as nn


            def make_gate(width):
                return nn.Conv2d(width, 1, 1)


            def init_layer(layer, value):
                nn.init.constant_(layer.weight, value)
                nn.init.zeros_(layer.bias)


            class Cell(nn.Module):
                def __init__(self, width):
                    super().__init__()
                    self.mix = nn.Conv2d(width, width, 3, padding=1, bias=False)
                    self.gate = make_gate(width)


            class Tower(nn.Module):
                def __init__(self, width, depth):
                    super().__init__()
                    self.cells = nn.ModuleList([Cell(width) for _ in range(depth)])
                    for m in self.modules():
                        if isinstance(m, Cell):
                            init_layer(m.gate, 0.0)
            """,
            line=11,
            severity=Severity.WARNING,
            message_contains="not every module that reaches this function is known",
        ),
        Invalid(
            """
            import torch.nn as nn


            class Stem(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 16, 3, bias=False)
                    self.reset()

                def reset(self):
                    for layer in self.modules():
                        if isinstance(layer, nn.Conv2d):
                            for pname, _ in layer.named_parameters():
                                if pname in ["weight", "bias"]:
                                    nn.init.zeros_(layer.bias)
            """,
            line=16,
            severity=Severity.ERROR,
            message_contains="bias=False)`, built without a bias, reaches this code",
        ),
        Invalid(
            """
            import torch.nn as nn


            class Dense(nn.Module):
                def __init__(self, i, o, bias=True):
                    super().__init__()
                    self.linear = nn.Linear(i, o, bias=bias)


            class Critic(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.body = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU())
                    self.fc = Dense(8, 1, bias=False)
                    self.init_weights()

                def init_weights(self):
                    for m in self.modules():
                        if isinstance(m, nn.Linear):
                            nn.init.normal_(m.weight, 0.0, 0.02)
                            nn.init.zeros_(m.bias)
            """,
            line=22,
            severity=Severity.ERROR,
            message_contains="built without a bias",
        ),
        Invalid(
            """
            import torch.nn as nn


            class ConvBN(nn.Module):
                def __init__(self, c_in, c_out, affine: bool = True):
                    super().__init__()
                    self.conv = nn.Conv2d(c_in, c_out, 3, bias=False)
                    self.bn = nn.BatchNorm2d(c_out, affine=affine)


            class Net(nn.Module):
                def __init__(self, affine):
                    super().__init__()
                    self.stem = ConvBN(3, 16)
                    self.stage = ConvBN(16, 32, affine)
                    self.init_weights()

                def init_weights(self):
                    for m in self.modules():
                        if isinstance(m, nn.BatchNorm2d):
                            nn.init.ones_(m.weight)
                            nn.init.zeros_(m.bias)
            """,
            line=23,
            severity=Severity.WARNING,
            message_contains="whose bias is a setting",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            def Conv2d(dim_in, dim_out, kernel, **kwargs):
                return nn.Conv3d(dim_in, dim_out, (1, kernel, kernel), **kwargs)

            class Attention(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.to_qkv = nn.Linear(dim, dim * 3, bias=False)

            class ShuffleUp(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    conv = Conv2d(dim, dim * 4, 1)
                    self.attn = Attention(dim)
                    self.init_conv_(conv)
                    self.init_conv_(self.attn.to_qkv)

                def init_conv_(self, conv):
                    nn.init.kaiming_uniform_(conv.weight)
                    nn.init.zeros_(conv.bias)
            """,
            severity=Severity.ERROR,
            count=1,
            message_contains="`nn.Linear(dim, dim * 3, bias=False)`, built without a bias, reaches this code",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Projection(nn.Module):
                def __init__(self, d_in, d_out, bias=False, zero_init=True):
                    super().__init__()
                    self.proj = nn.Linear(d_in, d_out, bias)
                    nn.init.xavier_uniform_(self.proj.weight)
                    if zero_init:
                        nn.init.zeros_(self.proj.bias)
            """,
            severity=Severity.WARNING,
            count=1,
            message_contains="is built as `nn.Linear(d_in, d_out, bias)`",
        ),
        Invalid(
            """
            import torch.nn as nn
            from torch.nn.utils.parametrizations import weight_norm

            def WNConv1d(*args, **kwargs):
                return weight_norm(nn.Conv1d(*args, **kwargs))

            def init_weights(m):
                if isinstance(m, nn.Conv1d):
                    nn.init.trunc_normal_(m.weight, std=0.02)
                    nn.init.constant_(m.bias, 0)

            class Encoder(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.inp = WNConv1d(1, d, kernel_size=7, padding=3)
                    self.out = WNConv1d(d, d, 3, 1, 1, bias=False)
                    self.apply(init_weights)
            """,
            line=11,
            message_contains="which has no bias",
        ),
        Invalid(
            """
            import torch.nn as nn

            class OutputBlock(nn.Module):
                def __init__(self, hidden, layers):
                    super().__init__()
                    self.lins = nn.ModuleList([nn.Linear(hidden, hidden, bias=False) for _ in range(layers)])

                def reset_parameters(self):
                    for lin in self.lins:
                        nn.init.zeros_(lin.bias)
            """,
            severity=Severity.ERROR,
            message_contains="the loop goes over `nn.Linear(hidden, hidden, bias=False)`",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Block(nn.Module):
                def __init__(self, d, qkv_bias):
                    super().__init__()
                    self.qkv = nn.Linear(d, 3 * d, bias=qkv_bias)

            class Model(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.blocks = nn.ModuleList([Block(d, False) for _ in range(2)])
                    self.apply(init_linear)

            def init_linear(m):
                if isinstance(m, nn.Linear):
                    nn.init.zeros_(m.bias)
            """,
            severity=Severity.WARNING,
            message_contains="whose bias is a setting, reaches this code",
        ),
        Invalid(
            """
            import torch.nn as nn

            def exists(val):
                return val

            class Stem(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 16, 3, bias=False)

            def init_weights(m):
                if isinstance(m, nn.Conv2d):
                    if exists(m.weight):
                        nn.init.zeros_(m.bias)

            model = Stem()
            model.apply(init_weights)
            """,
            severity=Severity.ERROR,
            message_contains="`nn.Conv2d(3, 16, 3, bias=False)`, built without a bias, reaches this code",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Block(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv1d(4, 4, 3, bias=False)

            class Model(nn.Module):
                def _init_weights(self, module):
                    for m in module.acoustic_encoder.modules():
                        if isinstance(m, nn.Conv1d):
                            nn.init.trunc_normal_(m.weight, std=0.02)
                            nn.init.constant_(m.bias, 0)
            """,
            severity=Severity.INFO,  # the loop covers one submodule built elsewhere: weak evidence
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Attn(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.q = nn.Linear(d, d)
                    self.k = nn.Linear(d, d, bias=False)
                    self._init_weights()

                def _init_weights(self):
                    for proj in (self.q, self.k):
                        nn.init.normal_(proj.weight, std=0.02)
                        nn.init.zeros_(proj.bias)
            """,
            severity=Severity.ERROR,
            message_contains="nn.Linear(d, d, bias=False)",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Mlp(nn.Module):
                def __init__(self, d, use_bias):
                    super().__init__()
                    self.fc = nn.Linear(d, d, bias=use_bias)
                    for m in self.modules():
                        if isinstance(m, nn.Linear):
                            nn.init.xavier_uniform_(m.weight)
                            nn.init.zeros_(m.bias)
            """,
            severity=Severity.WARNING,
            message_contains="bias=use_bias",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Attn(nn.Module):
                def __init__(self, d, qkv_bias=True, proj_bias=False):
                    super().__init__()
                    self.qkv = nn.Linear(d, 3 * d, bias=qkv_bias)
                    self.proj = nn.Linear(d, d, bias=proj_bias)

                def init_weights(self):
                    nn.init.zeros_(self.qkv.bias)
                    nn.init.zeros_(self.proj.bias)
            """,
            count=2,
            severity=Severity.INFO,
            message_contains="defaults to True",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Scale(nn.Module):
                def __init__(self, d, bias=True):
                    super().__init__()
                    self.weight = nn.Parameter(torch.ones(d))
                    if bias:
                        self.bias = nn.Parameter(torch.zeros(d))
                    else:
                        self.register_parameter("bias", None)

                def reset_parameters(self):
                    nn.init.ones_(self.weight)
                    nn.init.zeros_(self.bias)
            """,
            expected_fix="""
            import torch
            import torch.nn as nn

            class Scale(nn.Module):
                def __init__(self, d, bias=True):
                    super().__init__()
                    self.weight = nn.Parameter(torch.ones(d))
                    if bias:
                        self.bias = nn.Parameter(torch.zeros(d))
                    else:
                        self.register_parameter("bias", None)

                def reset_parameters(self):
                    nn.init.ones_(self.weight)
                    if self.bias is not None:
                        nn.init.zeros_(self.bias)
            """,
            severity=Severity.WARNING,
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                    nn.init.zeros_(m.bias)  # start unbiased
            """,
            expected_fix="""
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.zeros_(m.bias)  # start unbiased
            """,
            severity=Severity.INFO,
            line=7,
        ),
        Invalid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 16, 3, padding=1, bias=False)
                    self.bn = nn.BatchNorm2d(16)
                    self.apply(self._init)

                def _init(self, m):
                    if isinstance(m, nn.Conv2d):
                        nn.init.kaiming_normal_(m.weight)

                        # bias too
                        m.bias.data.zero_()
            """,
            expected_fix="""
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 16, 3, padding=1, bias=False)
                    self.bn = nn.BatchNorm2d(16)
                    self.apply(self._init)

                def _init(self, m):
                    if isinstance(m, nn.Conv2d):
                        nn.init.kaiming_normal_(m.weight)

                        # bias too
                        if m.bias is not None:
                            m.bias.data.zero_()
            """,
            severity=Severity.ERROR,
            message_contains="nn.Conv2d(3, 16, 3, padding=1, bias=False)",
        ),
        Invalid(
            "import torch.nn as nn\r\n\r\ndef init(m):\r\n    if isinstance(m, nn.Linear):\r\n"
            "        nn.init.constant_(m.bias, 0.0)\r\n",
            expected_fix="import torch.nn as nn\r\n\r\ndef init(m):\r\n    if isinstance(m, nn.Linear):\r\n"
            "        if m.bias is not None:\r\n            nn.init.constant_(m.bias, 0.0)\r\n",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Head(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc = nn.Linear(d, 10, bias=False)
                    nn.init.zeros_(self.fc.bias)
            """,
            severity=Severity.ERROR,
            message_contains="has no bias",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init(m):
                if isinstance(m, nn.Linear):
                    if m.bias:
                        nn.init.zeros_(m.bias)
            """,
            expected_fix="""
            import torch.nn as nn

            def init(m):
                if isinstance(m, nn.Linear):
                    if m.bias is not None:
                        nn.init.zeros_(m.bias)
            """,
            severity=Severity.ERROR,
            message_contains="not a None check",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Patchify(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.proj = nn.Conv2d(3, dim, 16, stride=16, bias=False)
                    self.reset()

                def reset(self):
                    nn.init.xavier_uniform_(self.proj.weight)
                    if self.proj.bias:
                        nn.init.zeros_(self.proj.bias)
            """,
            expected_fix="""
            import torch.nn as nn

            class Patchify(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.proj = nn.Conv2d(3, dim, 16, stride=16, bias=False)
                    self.reset()

                def reset(self):
                    nn.init.xavier_uniform_(self.proj.weight)
                    if self.proj.bias is not None:
                        nn.init.zeros_(self.proj.bias)
            """,
            severity=Severity.INFO,
            count=1,
            message_contains="the layer is built without a bias",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Patchify(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.proj = nn.Conv2d(3, dim, 16, stride=16)
                    self.reset()

                def reset(self):
                    nn.init.xavier_uniform_(self.proj.weight)
                    if self.proj.bias:
                        nn.init.zeros_(self.proj.bias)
            """,
            expected_fix="""
            import torch.nn as nn

            class Patchify(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.proj = nn.Conv2d(3, dim, 16, stride=16)
                    self.reset()

                def reset(self):
                    nn.init.xavier_uniform_(self.proj.weight)
                    if self.proj.bias is not None:
                        nn.init.zeros_(self.proj.bias)
            """,
            severity=Severity.ERROR,
            count=1,
            message_contains="not a None check",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class EdgeLayer(nn.Module):
                def __init__(self, d_in, d_out, bias=True):
                    super().__init__()
                    self.use_bias = bias
                    self.bias = nn.Parameter(torch.empty(d_out)) if bias else None
                    self.reset_parameters()

                def reset_parameters(self):
                    if self.bias:
                        nn.init.zeros_(self.bias)
            """,
            expected_fix="""
            import torch
            import torch.nn as nn

            class EdgeLayer(nn.Module):
                def __init__(self, d_in, d_out, bias=True):
                    super().__init__()
                    self.use_bias = bias
                    self.bias = nn.Parameter(torch.empty(d_out)) if bias else None
                    self.reset_parameters()

                def reset_parameters(self):
                    if self.bias is not None:
                        nn.init.zeros_(self.bias)
            """,
            severity=Severity.ERROR,
            count=1,
            message_contains="not a None check",
        ),
        Invalid(
            """
            import torch.nn as nn

            net = nn.Sequential(nn.Linear(4, 4, bias=False), nn.LayerNorm(4, elementwise_affine=False))
            for m in net.modules():
                if hasattr(m, "bias"):
                    nn.init.zeros_(m.bias)
            """,
            severity=Severity.ERROR,
            message_contains="nn.Linear(4, 4, bias=False)",
        ),
        Invalid(
            """
            import torch.nn as nn

            init_fn = lambda m: nn.init.zeros_(m.bias) if isinstance(m, nn.Linear) else None
            model.apply(lambda m: nn.init.zeros_(m.bias) if isinstance(m, nn.Linear) else None)
            """,
            count=1,
            severity=Severity.INFO,
        ),
    ]

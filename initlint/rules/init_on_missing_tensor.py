from __future__ import annotations

import re
from typing import Optional, Union

import libcst as cst

from initlint.analysis.classes import (
    InitSite,
    SiteKind,
    class_facts,
    conditionally_created,
    init_sites,
    is_self_attribute,
    line_in_source,
    modules_held,
    torch_layer_name,
)
from initlint.analysis.gate import FileWords
from initlint.analysis.guards import none_guard
from initlint.analysis.imports import dotted_name
from initlint.analysis.layers import names_in_test
from initlint.analysis.walk import contains, find_all
from initlint.analysis.library import (
    BIAS_IS_A_FLAG,
    LEAF_LAYER,
    NO_WEIGHT_OR_BIAS,
    PARAMETER_CLASSES,
    lacks_weight_and_bias,
)
from initlint.diagnostics import Severity
from initlint.rules.base import Invalid, Rule, Valid

_TENSORS = ("weight", "bias")
_FILE_WORDS = frozenset({*_TENSORS, *NO_WEIGHT_OR_BIAS})


def _short(code: str) -> str:
    code = re.sub(r"\s+", " ", code)
    return code if len(code) <= 60 else code[:57] + "..."


class InitOnMissingTensor(Rule):
    """
    ## What it does
    Flags init code that writes `.weight` or `.bias` of a module that has no such tensor:
    recurrent layers (`nn.LSTM`, `nn.GRU`, `nn.RNN` and their cells keep `weight_ih_l0`,
    `weight_hh_l0`...; their `.bias` is the constructor's bool flag), `nn.MultiheadAttention`
    (`in_proj_weight`, `out_proj.weight`), containers (`nn.Sequential`, `nn.ModuleList`) and
    parameter-free modules (`nn.Flatten`, `nn.Identity`, dropout, activations, pooling,
    padding, `nn.Upsample`, `nn.PixelShuffle`), and an `nn.Parameter` attribute, a tensor
    (`nn.init.constant_(self.bias_k.bias, 0.0)`: a `warning` when another branch sets the
    attribute to None, so only some configurations raise). Init code is an `nn.init` call, an in-place
    fill (`.data.zero_()`, `.data = ...`) or a project helper that does one of those to the
    module it is given (`layer_init(self)` with `def layer_init(layer):
    nn.init.orthogonal_(layer.weight)`).

    Reported only when the module's class is certain: the class itself derives from such a
    torch layer (`class LSTM(nn.LSTM)` calling `layer_init(self)`), the module was built
    right there (`self.rnn = nn.GRU(...)` above in the same function, or every assignment of
    the attribute in `__init__` when the init is another method), an element of an
    `nn.Sequential` of literal layers at a literal index (`self.out[-1]` with
    `nn.Flatten()` last): an `error`, construction raises (a `warning` when the code sits in
    a method of the module that its construction does not run, a `reset_parameters` nothing
    calls yet: it raises whenever someone calls it). A `warning` when the branch's
    `isinstance` test lets such a class in (`isinstance(m, nn.LSTM)`, or beside others:
    `isinstance(m, (nn.Linear, nn.LSTM))`): the code raises when one of those reaches it. Code under a `hasattr`/`getattr`
    check or a `try` that catches AttributeError is not reported, nor a module whose class is
    not known (a parameter without such a test, a library class).

    Also flags an init of the class's own `self.<attr>` that `__init__` runs (in `__init__`
    itself or in a method it calls, `reset_parameters`) when `__init__` creates the attribute
    only under an `if` some constructions skip (`if sc_order > 2: self.w2 = ... elif sc_order
    == 2: self.w2 = ...` with no `else`): an `error` when the init runs on every construction
    (the call is a plain statement of `__init__` and the init is not under a test that some
    branch skips), a `warning` when it only may run. Quiet when the init is guarded by the
    same names the creation tests (`if self.sc_order >= 2:`), by `hasattr`/`is not None`
    (of it, or of another attribute the same branch creates), or a `try`; when an `assert` or a raising test on those names comes first; when the class
    body or a base class (in any file) sets the attribute, or a base lies in a library other
    than torch.

    ## Why is this bad?
    `nn.Module.__getattr__` raises `AttributeError: 'LSTM' object has no attribute 'weight'`,
    and `nn.init.zeros_(lstm.bias)` raises on a bool: building the model fails. When the code
    sits in a rarely used branch (an option, a subclass nobody instantiates yet) the crash
    waits for the first user of that branch; when the intent was the layer before
    (`self.out[-1]` after a `Flatten` was appended), that layer is not initialized as meant.
    An attribute created in one branch only is missing for the constructions that skip the
    branch: building the module raises before anyone can use it (topomodelx's `SCCNNLayer`
    with `sc_order < 2`).

    ## Example
    ```python
    def layer_init(layer, std=1.0):
        nn.init.orthogonal_(layer.weight, std)
        nn.init.zeros_(layer.bias)
        return layer

    class Recurrent(nn.LSTM):
        def __init__(self, d):
            super().__init__(d, d)
            layer_init(self)
    ```

    ## Use instead
    ```python
    class Recurrent(nn.LSTM):
        def __init__(self, d):
            super().__init__(d, d)
            for name, p in self.named_parameters():
                if "weight" in name:
                    nn.init.orthogonal_(p)
                else:
                    nn.init.zeros_(p)
    ```

    ## Fix safety
    No automatic fix: the intended tensors (every `weight_ih_l*`, the layer before a
    `Flatten`) depend on what the code meant.

    ## References
    - [PyTorch: `nn.LSTM` variables (`weight_ih_l[k]`, `bias_ih_l[k]`...)](https://pytorch.org/docs/stable/generated/torch.nn.LSTM.html)
    - [PyTorch: `nn.MultiheadAttention` (`in_proj_weight`, `out_proj`)](https://pytorch.org/docs/stable/generated/torch.nn.MultiheadAttention.html)
    """

    code = "INI008"
    name = "init-on-missing-tensor"
    summary = "Init touches `.weight`/`.bias` of a module that has none (LSTM, Flatten, Sequential...)"
    severity = Severity.ERROR
    fix_safety = None
    triggers = ("weight", "bias", "init", *sorted(NO_WEIGHT_OR_BIAS))

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Every report is at an init site whose tensor is `<owner>.weight`/`.bias`: written in
        the file, or produced by a project helper given the module; `_check` requires the file
        to name the tensor or one of `NO_WEIGHT_OR_BIAS` (a helper given `self` of a class
        whose recurrent base is named only in another file is not followed)."""
        return words.has_any(_FILE_WORDS) or (
            "__init__" in words.defined and (words.any_init_call() or words.has("data"))
        )  # (or an init of a class's own attribute that `__init__` creates in a branch only)

    def visit_Call(self, node: cst.Call) -> None:
        self._check(node)
        self._created_in_a_branch(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        self._check(node)
        self._created_in_a_branch(node)

    def _own_sites(self) -> dict[int, list[InitSite]]:
        """Init sites of the class's own `self.<attr>` in its methods, by node."""
        def compute() -> dict[int, list[InitSite]]:
            found: dict[int, list[InitSite]] = {}
            for site in init_sites(self.context):
                if (site.owner == "self" and site.attr and site.klass is not None and site.function is not None
                        and isinstance(site.target, cst.Attribute) and isinstance(site.target.value, cst.Name)):
                    found.setdefault(id(site.node), []).append(site)
            return found

        return self.context.memo(("INI008-own-sites",), compute)

    def _created_in_a_branch(self, node: Union[cst.Call, cst.Assign]) -> None:
        """An init of `self.<attr>` that `__init__` runs (itself or through a method it calls)
        when `__init__` creates the attribute only under an `if` some constructions skip."""
        for site in self._own_sites().get(id(node), ()):
            assert site.klass is not None and site.function is not None and site.attr is not None
            if isinstance(node, cst.Assign) and any(t.target is site.target for t in node.targets):
                continue  # `self.w = ...` sets it
            facts = class_facts(self.context, site.klass)
            if facts.init is None:
                continue
            if site.function is facts.init:
                runs = "`__init__`"
                before = next((s for s in facts.init.body.body if contains(s, node)), None)
            else:
                method = site.function.name.value
                call = next((c for c in facts.calls if c.method == method), None)
                if call is None:
                    continue  # not called by `__init__` itself: when it runs is not known
                before = next((s for s in facts.init.body.body if contains(s, call.node)), None)
                runs = f"`{method}`, which `__init__` calls,"
            if before is None:
                continue
            chain = conditionally_created(facts, site.attr, before)
            if chain is None or self._set_elsewhere(site.klass, site.attr):
                continue
            words = self._test_words(chain, facts.init) | self._created_together(chain, site.attr)
            if self._decided_before(facts.init, before, words) or self._guarded_like(node, site.attr, words):
                continue
            every = isinstance(before, cst.SimpleStatementLine) and self._runs_whenever_reached(node, site.attr)
            tests = " or ".join(f"`{_short(self.context.code_for(t))}`" for t in self._chain_tests(chain))
            last: object = chain
            while isinstance(last, cst.If):
                last = last.orelse
            if last is not None:  # the chain ends in an `else`: some branch inside skips it
                tests = f"on some ways through `if {_short(self.context.code_for(chain.test))}`"
            else:
                tests = f"when {tests}"
            line = line_in_source(self.context, site.klass, facts.init, chain.test, prefix="if ")
            where = f" (line {line})" if line else ""
            self.report(
                node,
                f"`self.{site.attr}` is created in `__init__` only {tests}{where}, and no "
                f"branch sets it otherwise; {runs} initializes it "
                + ("on every construction: this raises AttributeError whenever that test is false"
                   if every else "when reached: this raises AttributeError if that test was false")
                + f"; create it on every path (`self.{site.attr} = None` in an `else`) and guard the init "
                "with the same test or `is not None`",
                severity=Severity.ERROR if every else Severity.WARNING,
            )
            return

    def _set_elsewhere(self, klass: cst.ClassDef, attr: str) -> bool:
        """A class-level `attr = ...` of the class, or a base (in any file) that sets it; True
        too when a base lies in a library that is not torch (not known)."""
        for statement in klass.body.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value == attr:
                return True  # a property (or method) of that name
            if isinstance(statement, cst.SimpleStatementLine) and any(
                isinstance(s, (cst.Assign, cst.AnnAssign)) and attr in {
                    n.value for n in find_all(s, cst.Name)
                } for s in statement.body
            ):
                return True
        view = self.context.project
        qualified = view.class_qualname_of(self.context, klass)
        order, complete = view.index.mro(qualified)
        if not complete and any(
            view.index.class_(name) is None and not name.startswith("torch.") for name in order[1:]
        ):
            return True
        for name in order[1:]:
            found = view.index.class_(name)
            if found is not None and (attr in found[1].attrs or "*" in found[1].attrs or attr in found[1].methods):
                return True
        return False

    def _created_together(self, chain: cst.If, attr: str) -> set[str]:
        """The other `self.<x>` each branch that creates `self.<attr>` creates with it (LoRA's
        `lora_A` beside `lora_B`): `hasattr(self, "lora_A")` tests the same branch."""
        together: Optional[set[str]] = None
        branch: Optional[Union[cst.If, cst.Else]] = chain
        while branch is not None:
            assigned = {
                name for assign in find_all(branch.body, cst.Assign) for target in assign.targets
                if (name := is_self_attribute(target.target)) is not None
            } | {  # `self.register_buffer("bias_epsilon", ...)` creates it too
                str(call.args[0].value.evaluated_value) for call in find_all(branch.body, cst.Call)
                if isinstance(call.func, cst.Attribute) and call.func.attr.value in ("register_buffer", "register_parameter")
                and isinstance(call.func.value, cst.Name) and call.func.value.value == "self"
                and call.args and isinstance(call.args[0].value, cst.SimpleString)
            }
            if attr in assigned:
                together = assigned - {attr} if together is None else together & assigned
            branch = branch.orelse if isinstance(branch, cst.If) and isinstance(branch.orelse, (cst.If, cst.Else)) else None
        return together or set()

    def _chain_tests(self, chain: cst.If) -> list[cst.BaseExpression]:
        tests: list[cst.BaseExpression] = []
        branch: Optional[cst.BaseSuite | cst.If | cst.Else] = chain
        while isinstance(branch, cst.If):
            tests.append(branch.test)
            branch = branch.orelse
        return tests

    def _test_words(self, chain: cst.If, init: cst.FunctionDef) -> set[str]:
        """The names the chain's tests read (`sc_order` in `if sc_order > 2:`), `self` aside,
        and the names `__init__` assigns from them (`self.has_w2 = sc_order >= 2`): a test of
        those later is the same test."""
        words = {
            n.value for test in self._chain_tests(chain) for n in find_all(test, cst.Name)
        } - {"self", "None", "True", "False", "len", "isinstance"}
        assignments = find_all(init, cst.Assign)
        for _ in range(2):
            for assignment in assignments:
                if words & {n.value for n in find_all(assignment.value, cst.Name)}:
                    for target in assignment.targets:
                        name = is_self_attribute(target.target) or (
                            target.target.value if isinstance(target.target, cst.Name) else None
                        )
                        if name is not None:
                            words.add(name)
        return words

    def _decided_before(self, init: cst.FunctionDef, before: cst.CSTNode, words: set[str]) -> bool:
        """An `assert` (or a test that raises) on the same names before the init: the values
        that skip the creation may be refused."""
        for statement in init.body.body:
            if statement is before:
                return False
            for node in find_all(statement, (cst.Assert, cst.If)):
                test = node.test
                if isinstance(node, cst.If) and not find_all(node.body, cst.Raise):
                    continue
                if words & {n.value for n in find_all(test, cst.Name)}:
                    return True  # (an attribute's name is a `Name` node too: `self.order`)
        return False

    def _guarded_like(self, node: cst.CSTNode, attr: str, words: set[str]) -> bool:
        """Under a test that names the attribute (`hasattr`, `is not None`) or the names the
        creation depends on (`if self.sc_order >= 2:`), or a `try`."""
        if self._guarded(node, "self", attr):
            return True
        previous: cst.CSTNode = node
        for ancestor in self.context.ancestors():
            if isinstance(ancestor, (cst.If, cst.IfExp, cst.While)) and previous is not ancestor.test:
                names = {n.value for n in find_all(ancestor.test, cst.Name)} | {
                    str(text.evaluated_value) for text in find_all(ancestor.test, cst.SimpleString)
                }  # `hasattr(self, "lora_A")` names `lora_A`
                if attr in names or words & names:
                    return True
            if isinstance(ancestor, cst.Try):
                return True
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
                return False
            previous = ancestor
        return False

    def _runs_whenever_reached(self, node: cst.CSTNode, attr: str) -> bool:
        """The init runs whenever its function does: each `if` around it belongs to a chain
        whose every branch touches `self.<attr>` or raises (`if init == "uniform": ... elif
        init == "normal": ... else: raise`), and no loop holds it."""
        ancestors = list(self.context.ancestors())
        previous: cst.CSTNode = node
        for position, ancestor in enumerate(ancestors):
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
                return True
            if isinstance(ancestor, (cst.For, cst.While, cst.IfExp, cst.BooleanOperation, cst.With)) and not (
                isinstance(ancestor, cst.With) and previous is ancestor.body
            ):
                return False
            if isinstance(ancestor, cst.If) and previous is not ancestor.test:
                head = ancestor
                for outer in ancestors[position + 1:]:
                    if isinstance(outer, cst.If) and outer.orelse is head:
                        head = outer
                    else:
                        break
                if not self._every_branch_touches(head, attr):
                    return False
            previous = ancestor
        return True

    def _every_branch_touches(self, chain: cst.If, attr: str) -> bool:
        branch: Optional[Union[cst.If, cst.Else]] = chain
        while branch is not None:
            body = branch.body
            touches = any(
                isinstance(a.value, cst.Name) and a.value.value == "self" and a.attr.value == attr
                for a in find_all(body, cst.Attribute)
            ) or bool(find_all(body, cst.Raise))
            if not touches:
                return False
            if isinstance(branch, cst.Else):
                return True
            branch = branch.orelse
        return False  # no `else`: every test may be false

    def _sites(self) -> dict[int, list[InitSite]]:
        def compute() -> dict[int, list[InitSite]]:
            found: dict[int, list[InitSite]] = {}
            for site in init_sites(self.context):
                if site.attr in _TENSORS and isinstance(site.target, cst.Attribute):
                    found.setdefault(id(site.node), []).append(site)
            return found

        return self.context.memo(("INI008-sites",), compute)

    def _check(self, node: Union[cst.Call, cst.Assign]) -> None:
        if not self.context.memo(("INI008-words",), lambda: any(self.context.word_count(w) for w in _FILE_WORDS)):
            return  # what `may_report` promises
        sites = self._sites().get(id(node))
        if not sites:
            return
        for site in sites:
            target = site.target
            assert isinstance(target, cst.Attribute)
            if isinstance(node, cst.Assign) and any(t.target is target for t in node.targets):
                continue  # `m.weight = nn.Parameter(...)` sets the attribute
            owner = target.value
            owner_code = self.context.code_for(owner)
            written = f"{owner_code}.{site.attr}" in self.context.code_for(node)
            if not written and not (
                isinstance(node, cst.Call)
                and any(not a.star and self.context.code_for(a.value) == owner_code for a in node.args)
            ):
                continue  # a helper given `self.blocks[i]`: its module is the element, not known
            if written and self._missing_submodule(node, owner, owner_code, site.attr or ""):
                return
            missing = self._missing(owner, owner_code, site.attr or "")
            if missing is None:
                continue
            if not written and self._helper_dispatches(node, site.attr or "", missing[2]):
                continue  # the helper writes the tensor only under `isinstance(m, ...)` of other classes
            severity, what, layer = missing
            if self._guarded(node, owner_code, site.attr or ""):
                continue
            tensor = f"`{owner_code}.{site.attr}`"
            if site.attr == "bias" and layer in BIAS_IS_A_FLAG:
                lacks = f"its `.bias` is the constructor's bool flag, not a tensor ({layer} keeps `bias_ih_l0`, `bias_hh_l0`...)"
            elif layer in BIAS_IS_A_FLAG:
                lacks = f"{layer} has no `.weight` (it keeps `weight_ih_l0`, `weight_hh_l0`...)"
            elif layer == "MultiheadAttention":
                lacks = f"MultiheadAttention has no `.{site.attr}` (it keeps `in_proj_{site.attr}` and `out_proj`)"
            else:
                lacks = f"{layer} has no `.{site.attr}`"
            via = "" if written else (
                f" (through `{_short(self.context.code_for(node.func))}`)" if isinstance(node, cst.Call) else ""
            )
            ending = (
                "this raises AttributeError when the model is built"
                if severity is Severity.ERROR
                else "building it in those configurations raises AttributeError"
                if layer == "a Parameter"
                else "this raises AttributeError when such a layer reaches it"
            )
            later = self._runs_after_construction(owner_code) if severity is Severity.ERROR else None
            if later is not None:  # a method of the module that its construction never runs
                severity, ending = Severity.WARNING, f"this raises AttributeError whenever `{later}` is called"
            self.report(node, f"{tensor}{via}: {what}, and {lacks}; {ending}", severity=severity)
            return

    def _missing_submodule(self, node: Union[cst.Call, cst.Assign], owner: cst.BaseExpression, owner_code: str,
                           attr: str) -> bool:
        """`self.x_embedder.proj.bias` when `self.x_embedder` is surely a torch layer with no
        child module (`nn.Conv1d(...)`): `.proj` does not exist. Reported here; True when it was."""
        if not isinstance(owner, cst.Attribute) or owner.attr.value in ("parametrizations", *_TENSORS):
            return False
        if re.search(r"lora|peft|inject|parametriz|replace_module", self.context.source, re.IGNORECASE):
            return False  # adapters and parametrizations replace or extend layers after they are built
        held = modules_held(self.context, owner.value)
        layers = [torch_layer_name(self.context, call) for call in held or []]
        if not layers or not all(layer is not None and LEAF_LAYER.match(layer) for layer in layers):
            return False
        inner = self.context.code_for(owner.value)
        sub = owner.attr.value
        if self._guarded(node, inner, sub) or self._guarded(node, owner_code, attr):
            return False
        severity, ending = Severity.ERROR, "this raises AttributeError when the model is built"
        later = self._runs_after_construction(inner)
        if later is not None:
            severity, ending = Severity.WARNING, f"this raises AttributeError whenever `{later}` is called"
        self.report(
            node,
            f"`{owner_code}.{attr}`: `{inner}` is `{_short(self.context.code_for(held[0]))}`, a "  # type: ignore[index]
            f"{layers[0]} holds no sub-module, so it has no `.{sub}`; {ending} (was the layer "
            f"meant to be a block holding `{sub}`, or is `{inner}.{attr}` the tensor meant?)",
            severity=severity,
        )
        return True

    def _helper_dispatches(self, node: cst.CSTNode, attr: str, layer: str) -> bool:
        """`init_layer(self.projs)` with a project function that writes `m.<attr>` only under
        `if isinstance(m, ...)` tests naming other classes than `layer` (and not `nn.Module`):
        the `layer` falls through untouched (a no-op, no AttributeError)."""
        if not isinstance(node, cst.Call):
            return False
        view = self.context.project
        written = dotted_name(node.func)
        qualified = view.resolve_name(written) if written is not None else None
        found = view.index.function(qualified) if qualified is not None else None
        if found is None:
            return False
        function = found[1]
        guarded = dict(function.init_guards)
        writes = [item for item in function.initializes if item.path[:1] == (attr,)]
        return bool(writes) and all(
            guarded.get(item.line) and not any(
                name.rsplit(".", 1)[-1] in (layer, "Module") for name in guarded[item.line]
            )
            for item in writes
        )

    def _runs_after_construction(self, owner_code: str) -> Optional[str]:
        """The enclosing method's name when the owner is the module itself (`self`,
        `self.encoder`) and building the module does not run that method (not `__init__`, not
        reached from it through `self.m()`/`super().m()`): a `reset_parameters` someone may
        call later, not code every construction runs."""
        if owner_code != "self" and not owner_code.startswith("self."):
            return None
        function = self.context.enclosing_function()
        klass = self.context.enclosing_class()
        if function is None or klass is None or function.name.value == "__init__":
            return None
        view = self.context.project
        steps = view.index.construction_methods(view.class_qualname_of(self.context, klass))
        if not steps:
            return None  # no `__init__` the index knows: what runs at construction is not known
        suffix = f".{klass.name.value}.{function.name.value}"
        return None if any(step.endswith(suffix) for step in steps) else function.name.value

    def _guarded(self, node: cst.CSTNode, owner: str, attr: str) -> bool:
        """Under `if hasattr(<owner>, "<attr>")` (or a `getattr`/`is not None` check, or a
        `try` that catches AttributeError): a module without the tensor skips the code."""
        if none_guard(self.context, node, owner, (attr,)) is not None:
            return True
        checked = re.compile(rf"(?:has|get)attr\(\s*{re.escape(owner)}\s*,\s*['\"]{attr}['\"]")
        previous: cst.CSTNode = node
        for ancestor in self.context.ancestors():
            if isinstance(ancestor, (cst.If, cst.IfExp)) and previous is ancestor.body:
                if checked.search(self.context.code_for(ancestor.test)):
                    return True
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
                return False
            previous = ancestor
        return False

    def _missing(self, owner: cst.BaseExpression, owner_code: str, attr: str) -> Optional[tuple[Severity, str, str]]:
        """(severity, what `owner` is, the torch class without the tensor), or None."""
        view = self.context.project
        if isinstance(owner, cst.Name) and owner.value == "self":
            klass = self.context.enclosing_class()
            if klass is None or klass not in self.context.module.body:
                return None
            base = view.index.torch_base_without(view.qualify(klass.name.value), attr)
            if base is None:
                return None
            return Severity.ERROR, f"`{klass.name.value}` derives from `nn.{base}`", base
        parameter = self._parameter_attribute(owner)
        if parameter is not None:
            code, sometimes_none = parameter
            if sometimes_none:  # `self.bias_k = None` in the other branch: only that option crashes
                return (Severity.WARNING, f"`{owner_code}` is `{_short(code)}` (a tensor) in the "
                        "configurations that build it, None in the others", "a Parameter")
            return Severity.ERROR, f"`{owner_code}` is `{_short(code)}` (a tensor)", "a Parameter"
        held = modules_held(self.context, owner)
        if held:
            layers = [self._layer_of(call) for call in held]
            if all(layer is not None for layer in layers):
                spelled = _short(self.context.code_for(held[0]))
                what = f"`{owner_code}` is `{spelled}`" if len(held) == 1 else (
                    f"`{owner_code}` is built as `{spelled}` (or {len(held) - 1} other such layer{'s' if len(held) > 2 else ''})"
                )
                return Severity.ERROR, what, layers[0]  # type: ignore[return-value]
            return None
        if isinstance(owner, cst.Name):
            return self._dispatched(owner.value)
        return None

    def _parameter_attribute(self, owner: cst.BaseExpression) -> Optional[tuple[str, bool]]:
        """The code of the `nn.Parameter(...)` that `self.<attr>` holds when every assignment
        of it in the class's `__init__` is one (or `None`): a tensor, which has no `.weight` or
        `.bias` (fairseq-style `bias_k` initialized as `self.bias_k.bias`)."""
        attr = is_self_attribute(owner)
        klass = self.context.enclosing_class()
        if attr is None or klass is None:
            return None
        values = [a.value for a in class_facts(self.context, klass).assignments if a.attr == attr]
        parameters = [
            v for v in values
            if isinstance(v, cst.Call) and self.context.resolve(v.func) in PARAMETER_CLASSES
        ]
        if not parameters or any(
            v is not None and v not in parameters and not (isinstance(v, cst.Name) and v.value == "None")
            for v in values
        ):
            return None
        return self.context.code_for(parameters[0]), len(parameters) < len(values)

    def _layer_of(self, call: cst.Call) -> Optional[str]:
        """The torch.nn class without weight and bias that `call` builds (itself, or the base
        of the project class it builds); None otherwise."""
        name = torch_layer_name(self.context, call)
        if name is not None:
            return name if lacks_weight_and_bias(name) else None
        written = dotted_name(call.func)
        if written is None:
            return None
        view = self.context.project
        resolved = view.resolve_name(written)
        if resolved is None or view.index.class_(resolved) is None:
            return None
        return view.index.torch_base_without(resolved, "weight")

    def _dispatched(self, owner: str) -> Optional[tuple[Severity, str, str]]:
        """The innermost `if isinstance(<owner>, ...)` / `type(<owner>) ...` branch holding the
        node: which of its classes lack the tensors."""
        subject = re.compile(rf"\b(?:isinstance\(\s*{re.escape(owner)}\s*,|type\(\s*{re.escape(owner)}\s*\)|{re.escape(owner)}\.__class__\b)")
        previous: Optional[cst.CSTNode] = None
        for ancestor in self.context.ancestors():
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
                return None
            if isinstance(ancestor, cst.If) and previous is ancestor.body:
                code = self.context.code_for(ancestor.test)
                if subject.search(code):
                    names = names_in_test(ancestor.test, self.context)
                    if not names or not all(n.startswith("torch.nn.") for n in names):
                        return None
                    lacking = [n.rsplit(".", 1)[-1] for n in names if lacks_weight_and_bias(n)]
                    if not lacking:
                        return None
                    listed = ", ".join(f"`nn.{n}`" for n in lacking[:3])
                    if len(lacking) == len(names):
                        return Severity.WARNING, f"this branch runs for {listed} only", lacking[0]
                    return Severity.WARNING, f"this branch also lets {listed} in", lacking[0]
            previous = ancestor
        return None

    VALID = [
        Valid(
            """
            import torch.nn as nn

            class PatchEmbed(nn.Module):
                def __init__(self, c, d):
                    super().__init__()
                    self.proj = nn.Conv1d(c, d, 1)

            class DiT1D(nn.Module):
                def __init__(self, c, d):
                    super().__init__()
                    self.x_embedder = PatchEmbed(c, d)
                    nn.init.constant_(self.x_embedder.proj.bias, 0)
            """,
            reason="the embedder is a block holding `proj`",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Chebyshev(nn.Module):
                def __init__(self, d, order, bias=True):
                    super().__init__()
                    self.order = order
                    self.w1 = nn.Parameter(torch.empty(d, d))
                    if order >= 2:
                        self.w2 = nn.Parameter(torch.empty(d, d))
                    if bias:
                        self.bias = nn.Parameter(torch.empty(d))
                    else:
                        self.bias = None
                    self.reset_parameters()

                def reset_parameters(self):
                    nn.init.xavier_uniform_(self.w1)
                    if self.order >= 2:
                        nn.init.xavier_uniform_(self.w2)
                    if self.bias is not None:
                        nn.init.zeros_(self.bias)
            """,
            reason="each init guarded by the test that created the tensor, or `is not None`",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Gated(nn.Module):
                def __init__(self, d, gated):
                    super().__init__()
                    assert gated, "only the gated variant is implemented"
                    if gated:
                        self.gate = nn.Parameter(torch.empty(d, d))
                    self.reset_parameters()

                def reset_parameters(self):
                    if hasattr(self, "gate"):
                        nn.init.orthogonal_(self.gate)
                    nn.init.orthogonal_(self.gate)
            """,
            reason="an assert refuses the values that skip the creation",
        ),
        Valid(
            """
            import torch.nn as nn

            class Recurrent(nn.LSTM):
                def __init__(self, d):
                    super().__init__(d, d)
                    for name, p in self.named_parameters():
                        if "weight" in name:
                            nn.init.orthogonal_(p)
                        else:
                            nn.init.zeros_(p)
                    nn.init.orthogonal_(self.weight_hh_l0)
            """,
            reason="the recurrent layer's own tensors, by name",
        ),
        Valid(
            """
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, nn.Linear):
                    nn.init.xavier_uniform_(m.weight)
                    nn.init.zeros_(m.bias)
                elif isinstance(m, nn.MultiheadAttention):
                    nn.init.xavier_uniform_(m.in_proj_weight)
                    nn.init.xavier_uniform_(m.out_proj.weight)

            net = nn.Sequential(nn.LSTM(8, 8), nn.Flatten(), nn.Linear(8, 2))
            net.apply(init_weights)
            """,
            reason="the isinstance branch never receives the LSTM or the Flatten; attention's real tensors",
        ),
        Valid(
            """
            import torch.nn as nn

            class Head(nn.Module):
                def __init__(self, d, n):
                    super().__init__()
                    self.out = nn.Sequential(nn.SiLU(), nn.Linear(d, n), nn.Flatten())
                    nn.init.zeros_(self.out[1].weight)
                    self.proj = nn.Linear(d, d)
                    nn.init.zeros_(self.proj.weight)
            """,
            reason="the Sequential's Linear, by its index; a Linear built right there",
        ),
        Valid(
            """
            import torch.nn as nn

            def init(m):
                if isinstance(m, (nn.Linear, nn.LSTM)):
                    if hasattr(m, "weight"):
                        nn.init.xavier_uniform_(m.weight)

            class Net(nn.Module):
                def __init__(self, block):
                    super().__init__()
                    self.block = block
                    nn.init.zeros_(self.block.weight)
            """,
            reason="guarded by hasattr; a module given by the caller (its class is not known)",
        ),
        Valid(
            """
            import math
            import torch.nn as nn

            class LoRALinear(nn.Linear):
                def __init__(self, n_in, n_out, r=0):
                    nn.Linear.__init__(self, n_in, n_out)
                    if r > 0:
                        self.lora_A = nn.Parameter(self.weight.new_zeros((r, n_in)))
                        self.lora_B = nn.Parameter(self.weight.new_zeros((n_out, r)))
                    self.reset_parameters()

                def reset_parameters(self):
                    nn.Linear.reset_parameters(self)
                    if hasattr(self, "lora_A"):
                        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
                        nn.init.zeros_(self.lora_B)
            """,
            reason="`hasattr(self, 'lora_A')` tests the branch that creates `lora_B` too (loralib)",
        ),
        Valid(
            # NoisyNet: the noise buffer is registered with the bias, and its use is guarded by
            # the bias that the other branch sets to None
            """
            import torch
            import torch.nn as nn

            class NoisyDense(nn.Module):
                def __init__(self, n_in, n_out, bias=True):
                    super().__init__()
                    self.w = nn.Parameter(torch.zeros(n_out, n_in))
                    if bias:
                        self.b = nn.Parameter(torch.zeros(n_out))
                        self.register_buffer("b_noise", torch.empty(n_out))
                    else:
                        self.b = None
                    self.resample()

                def resample(self):
                    if self.b is not None:
                        self.b_noise.normal_()
            """
        ),
        Valid(
            # the helper dispatches on the layer type: a ModuleList falls through its `else`
            """
            import torch.nn as nn

            def init_layer(m):
                if isinstance(m, nn.Linear):
                    nn.init.kaiming_normal_(m.weight)
                elif isinstance(m, nn.LayerNorm):
                    nn.init.ones_(m.weight)
                else:
                    pass

            class Projections(nn.Module):
                def __init__(self, sizes=(8, 16, 32)):
                    super().__init__()
                    self.projs = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))
                    init_layer(self.projs)
            """
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
                    self.proj = nn.Linear(d, d)
                    if add_bias_kv:
                        self.bias_k = nn.Parameter(torch.Tensor(1, 1, d))
                    else:
                        self.bias_k = None
                    self.reset_parameters()

                def reset_parameters(self):
                    nn.init.xavier_uniform_(self.proj.weight)
                    if self.bias_k is not None:
                        nn.init.constant_(self.bias_k.bias, 0.0)
            """,
            # tardis-em's fairseq-style attention (a heldout22 reviewer's miss): a Parameter is a
            # tensor, it has no `.bias`; only the add_bias_kv=True configuration builds it
            line=18,
            severity=Severity.WARNING,
            message_contains="a Parameter has no `.bias`",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Scale(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.gamma = nn.Parameter(torch.empty(d))
                    nn.init.ones_(self.gamma.weight)
            """,
            severity=Severity.ERROR,
            message_contains="`self.gamma` is `nn.Parameter(torch.empty(d))` (a tensor)",
        ),
        Invalid(
            """
            import torch.nn as nn

            class DiT1D(nn.Module):
                def __init__(self, c, d):
                    super().__init__()
                    self.x_embedder = nn.Conv1d(c, d, 1)
                    self.initialize_weights()

                def initialize_weights(self):
                    nn.init.xavier_uniform_(self.x_embedder.weight)
                    nn.init.constant_(self.x_embedder.proj.bias, 0)
            """,
            message_contains="a Conv1d holds no sub-module, so it has no `.proj`",
            severity=Severity.ERROR,
        ),
        Invalid(
            """
            import torch.nn as nn

            def layer_init(layer, std=1.0):
                nn.init.orthogonal_(layer.weight, std)
                nn.init.zeros_(layer.bias)
                return layer

            class Recurrent(nn.LSTM):
                def __init__(self, d):
                    super().__init__(d, d)
                    layer_init(self)
            """,
            line=12,
            count=1,
            severity=Severity.ERROR,
            message_contains="`Recurrent` derives from `nn.LSTM`, and LSTM has no `.weight`",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Encoder(nn.Module):
                def __init__(self, d, n):
                    super().__init__()
                    self.out = nn.Sequential(
                        nn.GroupNorm(8, d),
                        nn.SiLU(),
                        nn.AdaptiveAvgPool2d((1, 1)),
                        nn.Conv2d(d, n, 1),
                        nn.Flatten(),
                    )
                    nn.init.zeros_(self.out[-1].weight)
            """,
            line=14,
            severity=Severity.ERROR,
            message_contains="`self.out[-1]` is `nn.Flatten()`, and Flatten has no `.weight`",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Policy(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.rnn = nn.GRU(d, d, batch_first=True)
                    self.reset_parameters()

                def reset_parameters(self):
                    nn.init.orthogonal_(self.rnn.weight)
                    self.rnn.bias.data.zero_()
            """,
            count=2,
            severity=Severity.ERROR,
            message_contains="`self.rnn` is `nn.GRU(d, d, batch_first=True)`",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, nn.Linear):
                    nn.init.kaiming_uniform_(m.weight)
                elif isinstance(m, (nn.Linear, nn.MultiheadAttention)):
                    nn.init.xavier_uniform_(m.weight)

            def reset(m):
                if isinstance(m, (nn.LSTM, nn.GRU)):
                    nn.init.orthogonal_(m.weight)
            """,
            count=2,
            severity=Severity.WARNING,
            message_contains="this branch runs for `nn.LSTM`, `nn.GRU` only, and LSTM has no `.weight`",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class SimplicialConv(nn.Module):
                def __init__(self, d, sc_order, init="uniform"):
                    super().__init__()
                    self.init = init
                    self.w0 = nn.Parameter(torch.empty(d, d))
                    if sc_order > 2:
                        self.w2 = nn.Parameter(torch.empty(d, 3 * d))
                    elif sc_order == 2:
                        self.w2 = nn.Parameter(torch.empty(d, 2 * d))
                    self.reset_parameters()

                def reset_parameters(self):
                    if self.init == "uniform":
                        nn.init.xavier_uniform_(self.w0)
                        nn.init.xavier_uniform_(self.w2)
                    elif self.init == "normal":
                        nn.init.xavier_normal_(self.w0)
                        nn.init.xavier_normal_(self.w2)
                    else:
                        raise ValueError(self.init)
            """,
            count=2,
            severity=Severity.ERROR,
            message_contains="`self.w2` is created in `__init__` only when `sc_order > 2` or `sc_order == 2` (line 10)",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Head(nn.Module):
                def __init__(self, d, extra, init_now=True):
                    super().__init__()
                    self.w = nn.Parameter(torch.empty(d, d))
                    if extra:
                        self.extra = nn.Parameter(torch.empty(d, d))
                    if init_now:
                        self.reset_parameters()

                def reset_parameters(self):
                    nn.init.xavier_uniform_(self.w)
                    self.extra.data.normal_(0, 0.02)
            """,
            line=16,
            severity=Severity.WARNING,
            message_contains="initializes it when reached",
        ),
        Invalid(
            """
            import torch.nn as nn

            class MultiLinear(nn.Module):
                def __init__(self, shapes):
                    super().__init__()
                    self.encoder = nn.ModuleDict({})
                    for name, n_in, n_out in shapes:
                        self.encoder[name] = nn.Linear(n_in, n_out)

                def reset_parameters(self):
                    nn.init.xavier_uniform_(self.encoder.weight)
            """,
            severity=Severity.WARNING,
            message_contains="whenever `reset_parameters` is called",
        ),
    ]

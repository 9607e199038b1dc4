from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from initlint.analysis.classes import (
    PARAMETER_ITERATORS,
    BiasStatus,
    bias_status,
    call_name,
    calls_in,
    class_facts,
    flag_presence,
    is_self_attribute,
    norm_layers,
    own_parameter_dims,
    torch_layer_name,
)
from initlint.analysis.gate import FileWords
from initlint.analysis.guards import suppressed_exceptions
from initlint.analysis.layers import LayerKind, classify
from initlint.analysis.project import LayerUse, Reach
from initlint.analysis.project.index import BRANCH_OPEN, NOT_BUILT
from initlint.analysis.tensors import init_call
from initlint.analysis.walk import find_all
from initlint.diagnostics import FixSafety, Severity
from initlint.rules.base import Fix, Invalid, Rule, Valid

# Initializers that raise on tensors with fewer than two dimensions, and the guard each needs.
_NEEDS_2D: dict[str, Optional[str]] = {
    "xavier_uniform_": "> 1", "xavier_normal_": "> 1", "kaiming_uniform_": "> 1",
    "kaiming_normal_": "> 1", "orthogonal_": "> 1", "xavier_uniform": "> 1",
    "xavier_normal": "> 1", "kaiming_uniform": "> 1", "kaiming_normal": "> 1",
    "orthogonal": "> 1", "sparse_": "== 2", "sparse": "== 2", "eye_": "== 2", "eye": "== 2",
    "dirac_": None, "dirac": None,
}
# What they raise on a 1-D tensor (torch 2.13.0).
_FAN_ERROR = "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"
_RAISES = {
    "orthogonal": "Only tensors with 2 or more dimensions are supported",
    "eye": "Only tensors with 2 dimensions are supported",
    "sparse": "Only tensors with 2 dimensions are supported",
}
# Initializers that accept any shape and silently overwrite biases and norm gains.
_RANDOM = frozenset({"normal_", "uniform_", "trunc_normal_", "normal", "uniform"})
_CANDIDATE_NAMES = frozenset(_NEEDS_2D) | _RANDOM
_WEAK_FILTER_WORDS = re.compile(r"^[._]*(?:weight|weights|bias|biases)[._]*$")
_RNN_LAYERS = frozenset({"LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell"})
_ONLY_MATRICES = frozenset({"Embedding", "EmbeddingBag"})
_HARMLESS_CLASSES = frozenset({"OrderedDict", "Identity", "ReLU", "GELU", "SiLU", "Dropout"})
# What fan-based initializers raise on a 1-D tensor (and the broad names that catch it).
_CAUGHT_FAN_ERROR = frozenset({"ValueError", "Exception", "BaseException"})


def _has_gain(use: LayerUse) -> bool:
    """A norm layer built with its learnable 1-D weight (torch's own flags; a project norm
    class is assumed to have one); not one that every construction leaves unbuilt."""
    if use.kind != "norm" or use.branch == NOT_BUILT:
        return False
    if use.cls.startswith("torch.nn."):
        return flag_presence(use.short_name, dict(use.flags))[0] is not False
    return True


def _parameter_call(expr: cst.BaseExpression) -> Optional[cst.Call]:
    """`m.parameters()` inside `list(...)`, `enumerate(...)`, `zip(...)`; None otherwise."""
    while isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.args:
        expr = expr.args[-1].value if expr.func.value == "filter" else expr.args[0].value
    if (
        isinstance(expr, cst.Call)
        and isinstance(expr.func, cst.Attribute)
        and expr.func.attr.value in PARAMETER_ITERATORS
    ):
        return expr
    return None


def _bound_names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in _bound_names(e.value)]
    return []


def _dim_check(code: str, var: str) -> bool:
    v = re.escape(var)
    return bool(
        re.search(
            rf"\b{v}(?:\.data)?\.(?:dim|ndimension|size)\(|\b{v}(?:\.data)?\.(?:ndim|shape)\b"
            rf"|len\(\s*{v}\b",
            code,
        )
    )


# A head whose norm layer a helper builds only for `kind == "batch"` (examples below).
_HEAD = """
            import torch.nn as nn

            class Head(nn.Module):
                def __init__(self, d, out, norm="none"):
                    super().__init__()
                    self.fc = nn.Linear(d, out)
                    self.norm = self._make_norm(norm, out)

                @staticmethod
                def _make_norm(kind, size):
                    if kind == "batch":
                        return nn.BatchNorm1d(size)
                    return nn.Identity()
"""


class BlanketParameterInit(Rule):
    """
    ## What it does
    Flags loops that give every parameter of a model the same initializer:
    `for p in model.parameters(): nn.init.xavier_uniform_(p)` (also `named_parameters()`,
    `self.parameters()`, comprehensions) with no `p.dim() > 1` / `p.ndim >= 2` /
    `len(p.shape) > 1` check.

    - Xavier, Kaiming, orthogonal (and `sparse_`, `eye_`) raise on 1-D tensors, and every bias and
      every norm weight is 1-D: `error` (the message quotes the function's own exception). Under
      an `isinstance(m, nn.GRU)` branch it raises for each such layer: `warning` when none is
      known to reach the function (kraken's GRU branch, which its models never build).
    - `normal_` / `uniform_` accept any shape and silently redraw every bias and every norm gain
      (LayerNorm/BatchNorm weights start at 1 for a reason): `warning` when the file builds norm
      layers, `info` otherwise (uniform(-0.08, 0.08) on every LSTM parameter is a known recipe).

    Which norms count is decided by the modules whose parameters the loop walks, from the
    project index: for `self.parameters()` the class's own layers, its sub-modules' (across
    files) and its subclasses'; for an init function's argument, the models it is applied to.
    A norm of another class of the same file is not evidence. A norm built only under
    `if kind == "batch":` (or `if layer_norm:` on a flag with a bool default) is followed to the
    value each construction passes (`MLP(d, 1)` leaving `norm="none"` builds none), and a base's
    method the class overrides without `super()` (`setup()` in nmtpytorch) builds nothing for it; one built so in a helper method (`self._norm(norm, d)`) that
    no construction decides is not enough for a `warning` (`info`). A class that builds no
    sub-module, has no subclass and declares only parameters of two or more dimensions
    (`nn.Parameter(torch.Tensor(heads, d, k))` stacks) has nothing 1-D to redraw: no report,
    also when its bases (in any file of the project) keep only sizes and options on `self`
    (asteroid-filterbanks' `Filterbank`); a base holding a parameter keeps the report.

    A name filter (`if "weight" in name`) skips biases but not norm weights, which are called
    `weight` too: with Xavier/Kaiming it is an `error` when a norm is known to reach the loop,
    a `warning` when the file builds one but what reaches the loop is not known, `info` when
    no norm is known, and nothing when every walked module is known and none is a norm; with
    `normal_`/`uniform_` (no crash, only norm gains redrawn) a norm the file builds but no known
    path brings to the loop is `info`. Filters
    on other names (`"weight_ih" in name`, `"conv" in name`) and loops over modules whose
    weights are all matrices (an `nn.LSTM`'s `weight_*`, also a module under
    `isinstance(module, nn.LSTM)`; an `nn.Embedding`) are left alone, and
    so is a `try` (or `with contextlib.suppress(ValueError)`) around the call.

    ## Why is this bad?
    `ValueError: Fan in and fan out can not be computed for tensor with fewer than 2 dimensions`
    is the first bias the loop meets. With a filter on names, the crash moves to the first norm
    layer; with `normal_(p, 0, 0.02)`, there is no crash: norm gains start near zero and scale
    their layer's output down to almost nothing.

    ## Example
    ```python
    for p in model.parameters():
        nn.init.xavier_uniform_(p)
    ```

    ## Use instead
    ```python
    for p in model.parameters():
        if p.dim() > 1:
            nn.init.xavier_uniform_(p)
    ```

    ## Fix safety
    The fix wraps the call in `if p.dim() > 1:` (`== 2` for `sparse_` and `eye_`; no fix for
    `dirac_`). For initializers that raise on 1-D tensors it is safe: either a 1-D parameter
    exists and the loop crashed (no working program changes), or none does and the guard is
    always true. For `normal_` / `uniform_` it is unsafe: biases and norm gains keep their
    defaults instead of being redrawn, which changes the numbers a working program starts from.
    No fix is offered when a walked module holds a 1-D parameter made from uninitialized memory
    (`nn.Parameter(torch.Tensor(d))`, `torch.empty(d)`) that no code of its class fills: the
    loop is its only init, the guard would leave it garbage, and the message names it.

    ## References
    - [PyTorch: `nn.init`](https://pytorch.org/docs/stable/nn.init.html)
    - Vaswani et al. / Annotated Transformer (`if p.dim() > 1: nn.init.xavier_uniform_(p)`)
    """

    code = "INI003"
    name = "blanket-parameter-init"
    summary = "Same initializer on every parameter: crashes on 1-D tensors or redraws biases and norm gains"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    triggers = ("parameters(",)
    _skip: Optional[cst.BaseExpression] = None  # an opaque name test before the init being judged

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Every report is at a call written and resolved as one of `_CANDIDATE_NAMES`, in a loop
        over `.parameters()`/`.named_parameters()` (`_parameter_call`)."""
        return (
            words.has_any(_CANDIDATE_NAMES)
            and words.init_call(_CANDIDATE_NAMES)
            and words.has_any(PARAMETER_ITERATORS)
        )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else (
            func.value if isinstance(func, cst.Name) else None
        )
        if name not in _CANDIDATE_NAMES:
            return
        call = init_call(node, self.context)
        if call is None or call.function not in _CANDIDATE_NAMES:
            return
        tensor = call.tensor.expr
        if not isinstance(tensor, cst.Name):
            return
        loop = self._loop(node, tensor.value)
        if loop is None:
            return
        iterable, names, tests, exits, protected = loop
        if protected:
            return
        var = tensor.value
        if any(_dim_check(self.context.code_for(t), var) for t in tests + exits):
            return
        parameters = _parameter_call(iterable)
        if parameters is None or _dim_check(self.context.code_for(iterable), var):
            return
        filter_words = self._filter_words(tests + exits, names)
        if filter_words is not None and not all(_WEAK_FILTER_WORDS.match(w) for w in filter_words):
            return  # filters on specific parameters (weight_ih, conv, embed...)
        filtered = filter_words is not None
        receiver = parameters.func.value  # type: ignore[union-attr]
        if self._only_matrices(receiver, filtered):
            return
        if self._only_own_stacks(receiver, call.function):
            return  # every parameter it walks is one of the class's own weight matrices or stacks
        crash = call.function in _NEEDS_2D
        if not crash and (is_self_attribute(receiver) or self._chosen_module(receiver)):
            return  # redrawing one chosen sub-module's parameters is a deliberate choice
        if filtered and crash and self._builds_no_norms(receiver):
            return  # the class's own layers: no 1-D weight can pass the filter
        self._skip = next((t for t in exits if self._opaque_name_test(t, names)), None)
        self._report(node, call.function, var, filtered, receiver)

    def _opaque_name_test(self, test: cst.BaseExpression, names: list[str]) -> bool:
        """`if any(x in name for x in exclude_layers): continue` before the init: a test on the
        parameter's name through words we cannot read (a list argument), which may skip the
        norm weights (ts3l excludes `["norm"]` by default)."""
        code = self.context.code_for(test)
        return not _strings(test) and any(re.search(rf"\b{re.escape(n)}\b", code) for n in names)

    def _softened(self, severity: Severity, message: str) -> tuple[Severity, str]:
        """With an opaque name test before the init (`_opaque_name_test`), say less."""
        if self._skip is None or severity is Severity.INFO:
            return severity, message
        return Severity.INFO, (f"{message} (`{self.context.code_for(self._skip)}` skips some "
                               "parameters first: fine if it skips every norm weight)")

    def _loop(self, node: cst.Call, var: str):
        """The loop binding `var`: (iterable, bound names, tests, exit tests, protected)."""
        tests: list[cst.BaseExpression] = []
        exits: list[cst.BaseExpression] = []
        previous: cst.CSTNode = node
        for ancestor in self.context.ancestors():
            if isinstance(ancestor, (cst.If, cst.IfExp)) and previous is not ancestor.test:
                tests.append(ancestor.test)
            elif isinstance(ancestor, cst.Try) and previous is ancestor.body:
                return None if not ancestor.handlers else (None, [], [], [], True)
            elif isinstance(ancestor, cst.With) and previous is ancestor.body:
                if (suppressed_exceptions(self.context, ancestor) or set()) & _CAUGHT_FAN_ERROR:
                    return None, [], [], [], True  # `with suppress(ValueError):` skips 1-D tensors
            elif isinstance(ancestor, cst.IndentedBlock):
                for statement in ancestor.body:
                    if statement is previous:
                        break
                    if isinstance(statement, cst.If) and _exits(statement):
                        exits.append(statement.test)
            elif isinstance(ancestor, cst.For) and previous is ancestor.body:
                names = _bound_names(ancestor.target)
                if var in names:
                    return ancestor.iter, names, tests, exits, False
            elif isinstance(ancestor, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
                comp: Optional[cst.CompFor] = ancestor.for_in
                while comp is not None:
                    names = _bound_names(comp.target)
                    tests.extend(i.test for i in comp.ifs)
                    if var in names:
                        return comp.iter, names, tests, exits, False
                    comp = comp.inner_for_in
                return None
            elif isinstance(ancestor, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
                return None
            previous = ancestor
        return None

    def _filter_words(self, tests: list[cst.BaseExpression], names: list[str]) -> Optional[list[str]]:
        """String literals of the tests that look at the parameter's name; None when none do."""
        words: list[str] = []
        found = False
        for test in tests:
            code = self.context.code_for(test)
            if not any(re.search(rf"\b{re.escape(n)}\b", code) for n in names):
                continue
            for string in _strings(test):
                found = True
                words.append(string)
        return words if found else None

    def _chosen_module(self, receiver: cst.BaseExpression) -> bool:
        """`m` under `if isinstance(m, PositionalEncoding):`."""
        if not isinstance(receiver, cst.Name) or receiver.value == "self":
            return False
        pattern = re.compile(rf"isinstance\(\s*{re.escape(receiver.value)}\s*,")
        for ancestor in self.context.ancestors():
            if isinstance(ancestor, cst.If) and pattern.search(self.context.code_for(ancestor.test)):
                return True
        return False

    def _builds_known(self, receiver: cst.BaseExpression) -> bool:
        """`self.parameters()` in a class whose `__init__` builds nothing through a helper
        function the index does not record (`self.mlp = _build_mlp(...)`, `norm_layer(d)`)."""
        if not (isinstance(receiver, cst.Name) and receiver.value == "self"):
            return False
        klass = self.context.enclosing_class()
        facts = class_facts(self.context, klass) if klass is not None else None
        if facts is None or facts.init is None:
            return False
        for call in calls_in(facts.init):
            name = call_name(call) or ""
            if name[:1].isupper() or (self.context.resolve(call.func) or "").startswith("torch."):
                continue  # classes: followed by the index
            if re.search(r"norm|layer|block|make|build|create", name, re.IGNORECASE):
                return False
        return True

    def _builds_no_norms(self, receiver: cst.BaseExpression) -> bool:
        """`self.named_parameters()` in a class whose `__init__` builds only torch.nn layers
        that are not norms (an `nn.Sequential` of convs, say)."""
        if not (isinstance(receiver, cst.Name) and receiver.value == "self"):
            return False
        klass = self.context.enclosing_class()
        facts = class_facts(self.context, klass) if klass is not None else None
        if facts is None or facts.init is None:
            return False
        if not all(b.startswith("torch.nn.") for b in facts.bases):
            return False  # a base class we cannot see may build norms
        built = False
        for call in calls_in(facts.init):
            name = call_name(call) or ""
            qualified = self.context.resolve(call.func)
            if qualified is not None and qualified.startswith("torch.nn."):
                last = qualified.rsplit(".", 1)[-1]
                if not last[:1].isupper():
                    continue  # nn.init.*, nn.functional.*
                if classify(last) is LayerKind.NORM or last == "PReLU":
                    return False
                built = True
            elif name[:1].isupper() and name not in _HARMLESS_CLASSES:
                return False  # a module class of the project: may hold a norm
            elif re.search(r"norm|layer|block|make|build|create", name, re.IGNORECASE):
                return False
        return built

    def _only_own_stacks(self, receiver: cst.BaseExpression, function: str) -> bool:
        """`self.parameters()` in a class that builds no sub-module and has no subclass (the
        project index), whose own parameters are all declared with two or more dimensions
        (`nn.Parameter(torch.Tensor(heads, d, k))`) and none is named as a bias: no bias, no
        norm gain, nothing 1-D."""
        klass = self.context.enclosing_class()
        condition = _NEEDS_2D.get(function, "> 1")
        if not (isinstance(receiver, cst.Name) and receiver.value == "self") or klass is None or condition is None:
            return False
        dims = own_parameter_dims(self.context, klass, any_bases=True)  # bases: `layers_of` below
        if not dims or any(
            d is None or not (d == 2 if condition == "== 2" else d >= 2) or "bias" in attr.lower()
            for attr, d in dims.items()
        ):
            return False  # (a bias made 2-D, `torch.empty(1, n)`, is still a bias the loop redraws)
        view = self.context.project
        qualified = view.class_qualname_of(self.context, klass)
        if view.index.subclasses(qualified) != [qualified]:
            return False
        if not view.index.bases_hold_only_values(qualified):
            return False  # a base may hold a bias or a norm gain
        reach = view.index.layers_of(qualified)
        return reach.complete and all(use.cls == qualified for use in reach.layers)

    def _only_matrices(self, receiver: cst.BaseExpression, filtered: bool) -> bool:
        """`self.lstm.parameters()` with a weight filter, `self.embed.parameters()`, or
        `module.named_parameters()` under `isinstance(module, nn.LSTM)` with one..."""
        if isinstance(receiver, cst.Name) and receiver.value != "self":
            layers = self._isinstance_layers(receiver.value)
            return bool(layers) and all(
                layer in _ONLY_MATRICES or (filtered and layer in _RNN_LAYERS) for layer in layers
            )
        attr = is_self_attribute(receiver)
        klass = self.context.enclosing_class()
        if attr is None or klass is None:
            return False
        constructor = class_facts(self.context, klass).constructor(attr)
        if constructor is None:
            return False
        layer = torch_layer_name(self.context, constructor)
        if layer in _ONLY_MATRICES:
            return True
        if layer in _RNN_LAYERS or layer in ("Linear", "Conv1d", "Conv2d", "Conv3d"):
            return filtered or bias_status(self.context, constructor) is BiasStatus.ABSENT
        return False

    def _isinstance_layers(self, name: str) -> list[str]:
        """The torch layers an enclosing `if isinstance(name, nn.LSTM):` (or a tuple of them)
        lets through, when every class it names is one; empty otherwise."""
        previous: Optional[cst.CSTNode] = None
        for ancestor in self.context.ancestors():
            if isinstance(ancestor, cst.If) and previous is ancestor.body:
                test = ancestor.test
                if (
                    isinstance(test, cst.Call) and call_name(test) == "isinstance" and len(test.args) == 2
                    and isinstance(test.args[0].value, cst.Name) and test.args[0].value.value == name
                ):
                    classes = test.args[1].value
                    written = [e.value for e in classes.elements] if isinstance(classes, cst.Tuple) else [classes]
                    layers = [(self.context.resolve(c) or "") for c in written]
                    if all(layer.startswith("torch.nn.") for layer in layers):
                        return [layer.rsplit(".", 1)[-1] for layer in layers]
                    return []
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
                break
            previous = ancestor
        return []

    def _report(
        self, node: cst.Call, function: str, var: str, filtered: bool, receiver: cst.BaseExpression
    ) -> None:
        crash = function in _NEEDS_2D
        walked = self._walked_modules(receiver)
        lead = ""  # a norm of this file that may or may not be among the walked modules
        maybe = None  # a norm built only under a branch of a helper no construction decided
        if walked is not None and (walked.layers or walked.complete):
            gains = [u for u in walked.layers if _has_gain(u)]
            use = next((u for u in gains if u.branch != BRANCH_OPEN), None)
            norm = self._cite(use) if use is not None else None
            if gains and use is None:
                maybe = f"{self._cite(gains[0])}, built only under a branch of a helper"
            if norm is None and maybe is None and walked.complete and filtered and self._builds_known(receiver):
                return  # no layer whose parameters the loop walks has a 1-D gain
        else:
            norms = norm_layers(self.context)
            if norms:
                lead = f"`{self.context.code_for(norms[0][0])}`"
            norm = self._project_norm()
        vectors = self._empty_vectors(receiver, walked)
        fix = None if vectors else self._fix(node, function, var, crash)
        garbage = (
            f"; but {', '.join(f'`{c}.{a}`' for c, a in vectors[:3])}{' and more' if len(vectors) > 3 else ''}"
            " (1-D, from uninitialized memory) get their only values from this loop: give them "
            "their own init before guarding it"
        ) if vectors else ""
        if lead and filtered and crash:
            severity, message = self._softened(Severity.WARNING, (
                f"`{function}` on every parameter whose name says `weight`: a name filter does not "
                f"protect against norm weights (LayerNorm/BatchNorm `.weight` is 1-D and makes it "
                f"raise); this file builds {lead}, but which modules reach this loop is not known; "
                f"check `{var}.dim() > 1` instead{garbage}"))
            self.report(node, message, severity=severity, fix=fix)
            return
        guessed = bool(lead) and not norm  # only "this file builds a norm": no known path
        if lead and not norm:
            norm = lead
        if crash:
            if not filtered:
                severity = Severity.ERROR
                chosen = self._isinstance_layers(receiver.value) if isinstance(receiver, cst.Name) else []
                arrives = ""
                if chosen and not (walked is not None and any(u.short_name in chosen for u in walked.layers)):
                    severity = Severity.WARNING  # a crash for each such layer, none known to arrive
                    arrives = f" whenever {' or '.join(f'a `{c}`' for c in chosen)} reaches it"
                message = (
                    f"`{function}` on every parameter raises on the first 1-D one (every bias, "
                    f"every norm weight){arrives}: '{_RAISES.get(function.rstrip('_'), _FAN_ERROR)}'; "
                    f"guard it with `if {var}.dim() > 1:`"
                )
            else:
                # a norm known to reach the loop; else nothing is known: say less
                severity = Severity.ERROR if norm else Severity.INFO
                built = (
                    f": the modules it walks hold {norm}, whose 1-D weight passes the filter"
                    if norm else f" (the modules it walks may hold {maybe})" if maybe
                    else " (if the model holds a norm layer)"
                )
                message = (
                    f"`{function}` on every parameter whose name says `weight`: a name filter "
                    f"does not protect against norm weights (LayerNorm/BatchNorm `.weight` is 1-D "
                    f"and makes it raise){built}; check `{var}.dim() > 1` instead"
                )
        else:
            if filtered and norm is None and maybe is None:
                return
            if norm is not None:
                # a name filter leaves only norm gains to redraw: with the norm only a lead of
                # this file (which modules reach the loop is not known), say less
                severity = Severity.INFO if filtered and guessed else Severity.WARNING
                what = "every norm gain" if filtered else "every bias and every norm gain"
                known = (" (this file builds it; whether it reaches this loop is not known)"
                         if guessed else "")
                message = (
                    f"`{function}` on every parameter{' named weight' if filtered else ''} "
                    f"redraws {what} ({norm} starts its weight at 1){known}: a name filter does not "
                    f"protect against norm weights; guard it with `if {var}.dim() > 1:`"
                )
            elif maybe is not None:
                severity = Severity.INFO
                message = (
                    f"`{function}` on every parameter{' named weight' if filtered else ''} would "
                    f"also redraw the gain of {maybe} (a norm starts its weight at 1), if it is "
                    f"ever built; otherwise guard it with `if {var}.dim() > 1:`"
                )
            else:
                severity = Severity.INFO
                message = (
                    f"`{function}` on every parameter also redraws every bias (and the gain of "
                    "any norm layer): a known recipe for some models (uniform(-0.08, 0.08) on "
                    f"LSTMs), otherwise guard it with `if {var}.dim() > 1:`"
                )
        severity, message = self._softened(severity, message)
        self.report(node, message + garbage, severity=severity, fix=fix)

    def _empty_vectors(self, receiver: cst.BaseExpression, walked: Optional[Reach]) -> list[tuple[str, str]]:
        """The 1-D parameters of uninitialized memory (`nn.Parameter(torch.Tensor(d))`) among
        the walked modules that only this loop fills: a `dim() > 1` guard leaves them garbage."""
        if walked is None:
            return []
        own = ""
        klass = self.context.enclosing_class()
        if isinstance(receiver, cst.Name) and receiver.value == "self" and klass is not None:
            own = self.context.project.class_qualname_of(self.context, klass)
        return self.context.project.index.empty_vectors(walked, own)

    def _walked_modules(self, receiver: cst.BaseExpression) -> Optional[Reach]:
        """The modules whose parameters the loop walks, from the project index: the class and
        its subclasses for `self.parameters()`, what reaches the init function for its module
        argument (`def init(model): for p in model.parameters()`). None when not known."""
        view = self.context.project
        if isinstance(receiver, cst.Name) and receiver.value == "self":
            klass = self.context.enclosing_class()
            if klass is None:
                return None
            qualified = view.class_qualname_of(self.context, klass)
            classes = view.index.subclasses(qualified) or [qualified]
            reaches = [view.index.layers_of(c) for c in classes]
            return Reach(
                tuple({u.key: u for r in reaches for u in r.layers}.values()),
                all(r.complete for r in reaches),
            )
        function = self.context.enclosing_function()
        if isinstance(receiver, cst.Name) and function is not None:
            params = [p.name.value for p in function.params.params]
            if params[:1] == ["self"]:
                params = params[1:]
            if params[:1] == [receiver.value]:
                reach = view.reaching(view.qualname_of(self.context, function))
                # absence is no evidence here: models may build layers through helpers
                return Reach(reach.layers, False, reach.sources) if reach.sources else None
        return None

    def _cite(self, use: LayerUse) -> str:
        view = self.context.project
        where = f"line {use.line}" if use.module == view.module else f"`{use.module}` line {use.line}"
        return f"`{use.short_name}` ({where})"

    def _project_norm(self) -> Optional[str]:
        """A norm layer with a 1-D weight, built in another module, in a model that reaches the
        enclosing function (the project index), as "`Class` (module line N)"."""
        function = self.context.enclosing_function()
        if function is None:
            return None
        view = self.context.project
        reach = view.reaching(view.qualname_of(self.context, function))
        for use in reach.layers:
            if use.kind != "norm" or use.module == view.module or use.branch:
                continue  # (or built only under a branch: not known to reach the loop)
            if use.cls.startswith("torch.nn.") and flag_presence(use.short_name, dict(use.flags))[0] is False:
                continue  # built without affine parameters: no weight to pass the filter
            return f"`{use.short_name}` (`{use.module}` line {use.line})"
        return None

    def _fix(self, node: cst.Call, function: str, var: str, crash: bool) -> Optional[Fix]:
        condition = _NEEDS_2D.get(function, "> 1")
        if condition is None:
            return None
        safety = FixSafety.SAFE if crash else FixSafety.UNSAFE
        return self.guard_statement_fix(node, f"{var}.dim() {condition}", safety)

    VALID = [
        Valid(
            """
            import torch.nn as nn

            class Encoder(nn.Module):
                def __init__(self, dim, vocab, layer_norm=False):
                    super().__init__()
                    self.emb = nn.Embedding(vocab, dim)
                    self.rnn = nn.GRU(dim, dim, batch_first=True)
                    post = []
                    if layer_norm:
                        post.append(nn.LayerNorm(dim))
                    self.post = nn.Sequential(*post)

            class Model(nn.Module):
                def __init__(self, dim=16, vocab=50):
                    super().__init__()
                    self.enc = Encoder(dim, vocab)
                    self.out = nn.Linear(dim, vocab)

                def reset_parameters(self):
                    for name, param in self.named_parameters():
                        if "bias" not in name:
                            nn.init.kaiming_normal_(param)
            """,
            reason="the LayerNorm is built only `if layer_norm:`, a flag that defaults to False and "
            "no construction passes (nmtpytorch's text encoder): no 1-D weight reaches the loop",
        ),
        Valid(
            """
            import torch.nn as nn

            def ortho_init(module, gain=1.0):
                if isinstance(module, nn.Linear):
                    nn.init.orthogonal_(module.weight, gain=gain)
                elif isinstance(module, (nn.LSTM, nn.GRU)):
                    for name, param in module.named_parameters():
                        if "bias" in name:
                            nn.init.zeros_(param)
                        elif "weight" in name:
                            nn.init.orthogonal_(param, gain=gain)
            """,
            reason="under `isinstance(module, (nn.LSTM, nn.GRU))` the loop walks one recurrent "
            "layer's own tensors, whose weights are all matrices (xuance)",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Filterbank(nn.Module):
                def __init__(self, n_filters, kernel_size, stride=None):
                    super().__init__()
                    self.n_filters = n_filters
                    self.stride = stride if stride else kernel_size // 2

            class FreeFB(Filterbank):
                def __init__(self, n_filters, kernel_size):
                    super().__init__(n_filters, kernel_size)
                    self._filters = nn.Parameter(torch.ones(n_filters, 1, kernel_size))
                    for p in self.parameters():
                        nn.init.xavier_normal_(p)
            """,
            reason="the only parameter is the class's own 3-D kernel; its base keeps sizes and "
            "options only (asteroid-filterbanks): nothing 1-D reaches `xavier_normal_`",
        ),
        Valid(
            """
            import torch.nn as nn

            class Scorer(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.proj = nn.Linear(d, d)
                    self.norm = nn.LayerNorm(d)
                    for param in self.parameters():
                        if param.data.dim() > 1:
                            nn.init.xavier_uniform_(param.data)
            """,
            reason="`param.data.dim() > 1` is the same guard as `param.dim() > 1`",
        ),
        Valid(
            """
            import torch.nn as nn

            class Seq2Seq(nn.Module):
                def __init__(self, vocab, d):
                    super().__init__()
                    self.embed = nn.Embedding(vocab, d)
                    self.rnn = nn.GRU(d, d, batch_first=True)
                    self.out = nn.Linear(d, vocab)
                    for name, param in self.named_parameters():
                        if "bias" in name:
                            nn.init.constant_(param, 0.0)
                        elif "weight" in name:
                            nn.init.xavier_normal_(param)
            """,
            reason="the class builds no norm layer: every `weight` it has is a matrix",
        ),
        Valid(
            """
            import torch.nn as nn

            def init_transformer(model):
                for p in model.parameters():
                    if p.dim() > 1:
                        nn.init.xavier_uniform_(p)
            """,
            reason="the Annotated Transformer idiom",
        ),
        Valid(
            """
            import torch.nn as nn

            def init(model):
                for name, p in model.named_parameters():
                    if p.ndim < 2 or "norm" in name:
                        continue
                    nn.init.kaiming_normal_(p)
                for p in filter(lambda p: len(p.shape) > 1, model.parameters()):
                    nn.init.orthogonal_(p)
                for n, p in model.named_parameters():
                    if p.dim() == 1:
                        nn.init.zeros_(p)
                    else:
                        nn.init.xavier_normal_(p)
            """,
            reason="dimension checks in every spelling, early continue, dispatch on dim",
        ),
        Valid(
            """
            import torch.nn as nn

            class Encoder(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.lstm = nn.LSTM(d, d, num_layers=2)
                    self.embed = nn.Embedding(100, d)
                    for name, param in self.lstm.named_parameters():
                        if "weight_ih" in name:
                            nn.init.xavier_uniform_(param)
                        elif "weight_hh" in name:
                            nn.init.orthogonal_(param)
                        elif "bias" in name:
                            nn.init.zeros_(param)
                    for name, param in self.lstm.named_parameters():
                        if "weight" in name:
                            nn.init.orthogonal_(param)
                    for p in self.embed.parameters():
                        nn.init.xavier_uniform_(p)
            """,
            reason="RNN idiom: specific names, and an LSTM's weights are all matrices",
        ),
        Valid(
            """
            from collections import OrderedDict
            import torch.nn as nn

            class Predictor(nn.Sequential):
                def __init__(self, c, k):
                    super().__init__(
                        OrderedDict([("up", nn.ConvTranspose2d(c, c, 2, 2)), ("relu", nn.ReLU()),
                                     ("logits", nn.Conv2d(c, k, 1))])
                    )
                    for name, param in self.named_parameters():
                        if "weight" in name:
                            nn.init.kaiming_normal_(param, mode="fan_out", nonlinearity="relu")

            class Video(nn.Module):
                def _init(self, m):
                    if isinstance(m, PositionalEncoding):
                        for weights in m.parameters():
                            nn.init.trunc_normal_(weights, std=0.02)
            """,
            reason="the filter sees only conv weights (torchvision); one chosen module's tables",
        ),
        Valid(
            """
            import torch.nn as nn

            def init(model):
                for p in model.parameters():
                    try:
                        nn.init.xavier_uniform_(p)
                    except ValueError:
                        nn.init.zeros_(p)
            """,
            reason="the 1-D case is handled by the except branch",
        ),
        Valid(
            """
            import contextlib
            import torch.nn as nn

            class Encoder(nn.Module):
                def reset_parameters(self):
                    for _, param in self.named_parameters():
                        with contextlib.suppress(ValueError):
                            nn.init.xavier_normal_(param.data)
            """,
            reason="suppress(ValueError) skips the 1-D tensors the fans cannot be computed for "
            "(replay-rec's SASRec/BERT4Rec blocks): the same as a `dim() > 1` guard",
        ),
        Valid(
            """
            import torch.nn as nn

            def init(model):
                for name, p in model.named_parameters():
                    if "weight" in name:
                        nn.init.normal_(p, std=0.02)
            """,
            reason="biases skipped and no norm layer in sight",
        ),
        Valid(
            """
            import torch.nn as nn

            class Block(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.norm = nn.LayerNorm(d)
                    self.fc = nn.Linear(d, d)

            class Scorer(nn.Module):
                def __init__(self, p):
                    super().__init__()
                    self.drop = nn.Dropout(p)

            class Attention(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.q = nn.Linear(d, d)
                    self.out = nn.Linear(d, d, bias=False)
                    self.scorer = Scorer(0.1)
                    for name, p in self.named_parameters():
                        if "bias" not in name:
                            nn.init.xavier_uniform_(p)
            """,
            reason="the loop walks Attention's own parameters (Linear layers and a Scorer with a "
            "Dropout): the LayerNorm of another class in the file never reaches it",
        ),
        Valid(
            """
            import math
            import torch
            import torch.nn as nn

            class PairScore(nn.Module):
                def __init__(self, heads, d_in, d_out, temperature=None):
                    super().__init__()
                    self.heads = heads
                    self.temperature = math.sqrt(d_out) if temperature is None else temperature
                    self.left = nn.Parameter(torch.empty(heads, d_in, d_out))
                    self.right = nn.Parameter(torch.Tensor(heads, d_in, d_out))
                    self.mix = nn.Parameter(torch.Tensor(d_out, d_out))
                    self.reset()

                def reset(self):
                    for w in self.parameters():
                        bound = 1.0 / math.sqrt(w.size(-1))
                        w.data.uniform_(-bound, bound)
            """,
            reason="the class builds no sub-module and has no subclass: the loop walks only its "
            "own weight stacks (3-D and 2-D), so there is no bias or norm gain to redraw",
        ),
        Valid(
            _HEAD + """

            class Ranker(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.head = Head(d, 1)
                    for name, p in self.named_parameters():
                        if "weight" in name:
                            nn.init.normal_(p, std=0.02)
            """,
            reason="the BatchNorm1d is built only when `kind == \"batch\"`, and the only `Head` "
            "the loop walks leaves `norm` at its default \"none\": no norm gain reaches the filter",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import torch.nn as nn

            def initialize_weights(model, exclude_layers=("norm",)):
                for name, param in model.named_parameters():
                    if any(word in name for word in exclude_layers):
                        continue
                    if "weight" in name:
                        nn.init.kaiming_normal_(param)

            class MLP(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.linear_0 = nn.Linear(d, d)
                    self.batchnorm_0 = nn.BatchNorm1d(d)
                    initialize_weights(self)
            """,
            line=9,
            severity=Severity.INFO,
            message_contains="skips some parameters first: fine if it skips every norm weight",
        ),
        Invalid(
            """
            import torch.nn as nn

            class TextEncoder(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.rnn = nn.GRU(dim, dim)
                    self.norm = nn.LayerNorm(dim)

            class Seq2Seq(nn.Module):
                def setup(self):
                    self.enc = TextEncoder(16)
                    self.dec = nn.Linear(16, 50)

            class SpeechSeq2Seq(Seq2Seq):
                def setup(self):
                    self.enc = nn.LSTM(40, 16)
                    self.dec = nn.Linear(16, 50)

                def reset_parameters(self):
                    for name, param in self.named_parameters():
                        if "bias" not in name:
                            nn.init.kaiming_normal_(param)
            """,
            severity=Severity.INFO,
            message_contains="(if the model holds a norm layer)",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            def init_recurrent(m):
                if isinstance(m, nn.GRU):
                    for p in m.parameters():
                        nn.init.orthogonal_(p)
            """,
            severity=Severity.WARNING,
            message_contains="whenever a `GRU` reaches it: 'Only tensors with 2 or more dimensions are supported'",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Tagger(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.rnn = nn.GRU(8, 16)
                    self.apply(init_recurrent)

            def init_recurrent(m):
                if isinstance(m, nn.GRU):
                    for p in m.parameters():
                        nn.init.orthogonal_(p)
            """,
            severity=Severity.ERROR,
            message_contains="every norm weight): 'Only tensors with 2 or more dimensions are supported'",
        ),
        Invalid(
            """
            import torch.nn as nn

            def ortho_init(module, gain=1.0):
                if isinstance(module, nn.TransformerEncoderLayer):
                    for name, param in module.named_parameters():
                        if "weight" in name:
                            nn.init.orthogonal_(param, gain=gain)
            """,
            message_contains="a name filter does not protect against norm weights",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Filterbank(nn.Module):
                def __init__(self, n_filters):
                    super().__init__()
                    self.gain = nn.Parameter(torch.ones(n_filters))

            class FreeFB(Filterbank):
                def __init__(self, n_filters, kernel_size):
                    super().__init__(n_filters)
                    self._filters = nn.Parameter(torch.ones(n_filters, 1, kernel_size))
                    for p in self.parameters():
                        nn.init.xavier_normal_(p)
            """,
            severity=Severity.ERROR,
            message_contains="raises on the first 1-D one",
        ),
        Invalid(
            """
            import torch

            class Block(torch.nn.Module):
                def __init__(self, n_in, n_out, bias=False, batch_norm=False):
                    super().__init__()
                    self.linear = torch.nn.Linear(n_in, n_out, bias=bias)
                    if batch_norm:
                        self.bn = torch.nn.BatchNorm1d(n_out, affine=bias)

            def random_features(net):
                for name, param in net.named_parameters():
                    if name.endswith("weight"):
                        torch.nn.init.normal_(param, mean=0.0, std=1.0)
            """,
            # only "this file builds a norm": which modules reach the loop is not known
            severity=Severity.INFO,
            message_contains="whether it reaches this loop is not known",
        ),
        Invalid(
            """
            import contextlib
            import torch.nn as nn

            def init(model):
                for p in model.parameters():
                    with contextlib.suppress(KeyError):
                        nn.init.xavier_normal_(p)
            """,
            message_contains="raises on the first 1-D one",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc = nn.Linear(d, d)
                    self.norm = norm_layer(d)
                    for name, p in self.named_parameters():
                        if "weight" in name:
                            nn.init.xavier_normal_(p)
            """,
            severity=Severity.INFO,
            message_contains="(if the model holds a norm layer)",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Scorer(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.norm = nn.LayerNorm(d)

            class Attention(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.q = nn.Linear(d, d)
                    self.scorer = Scorer(d)
                    for name, p in self.named_parameters():
                        if "bias" not in name:
                            nn.init.xavier_uniform_(p)
            """,
            line=16,
            severity=Severity.ERROR,
            message_contains="the modules it walks hold `LayerNorm` (line 7)",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init(model):
                for p in model.parameters():
                    # Glorot everywhere
                    nn.init.xavier_uniform_(p)
            """,
            expected_fix="""
            import torch.nn as nn

            def init(model):
                for p in model.parameters():
                    # Glorot everywhere
                    if p.dim() > 1:
                        nn.init.xavier_uniform_(p)
            """,
            severity=Severity.ERROR,
            message_contains="Fan in and fan out",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc = nn.Linear(d, d)
                    self.norm = nn.LayerNorm(d)
                    for name, p in self.named_parameters():
                        if "weight" in name:
                            nn.init.kaiming_normal_(p, nonlinearity="relu")
            """,
            expected_fix="""
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc = nn.Linear(d, d)
                    self.norm = nn.LayerNorm(d)
                    for name, p in self.named_parameters():
                        if "weight" in name:
                            if p.dim() > 1:
                                nn.init.kaiming_normal_(p, nonlinearity="relu")
            """,
            severity=Severity.ERROR,
            message_contains="the modules it walks hold `LayerNorm` (line 8)",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc = nn.Linear(d, d)
                    self.norm = nn.BatchNorm1d(d)
                    for p in self.parameters():
                        p.data.normal_(0.0, 0.02)
            """,
            expected_fix="""
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc = nn.Linear(d, d)
                    self.norm = nn.BatchNorm1d(d)
                    for p in self.parameters():
                        if p.dim() > 1:
                            p.data.normal_(0.0, 0.02)
            """,
            unsafe=True,
            severity=Severity.WARNING,
        ),
        Invalid(
            _HEAD + """

            class Ranker(nn.Module):
                def __init__(self, d, norm):
                    super().__init__()
                    self.head = Head(d, 1, norm=norm)
                    for p in self.parameters():
                        nn.init.uniform_(p, -0.05, 0.05)
            """,
            line=22,
            severity=Severity.INFO,
            message_contains="would also redraw the gain of `BatchNorm1d` (line 13), built only "
            "under a branch of a helper",
        ),
        Invalid(
            _HEAD + """

            class Ranker(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.head = Head(d, 1, norm="batch")
                    for p in self.parameters():
                        nn.init.uniform_(p, -0.05, 0.05)
            """,
            line=22,
            severity=Severity.WARNING,
            message_contains="every bias and every norm gain (`BatchNorm1d` (line 13) starts its weight at 1)",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Gate(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.proj = nn.Linear(d, d)
                    self.norm = nn.LayerNorm(d)
                    self.query = nn.Parameter(torch.Tensor(d))
                    for p in self.parameters():
                        p.data.uniform_(-0.1, 0.1)
            """,
            line=12,
            severity=Severity.WARNING,
            message_contains="but `Gate.query` (1-D, from uninitialized memory) get their only "
            "values from this loop: give them their own init before guarding it",
        ),
        Invalid(
            """
            import math
            import torch
            import torch.nn as nn

            class Recurrence(nn.Module):
                def __init__(self, d, state):
                    super().__init__()
                    self.state = state
                    self.weights = nn.Parameter(torch.empty(3 * state, d + state))
                    self.bias = nn.Parameter(torch.empty(1, 3 * state))
                    bound = 1.0 / math.sqrt(state)
                    for w in self.parameters():
                        w.data.uniform_(-bound, bound)
            """,
            line=14,
            severity=Severity.INFO,
            message_contains="also redraws every bias",
        ),
        Invalid(
            """
            from torch.nn import init

            def init_params(model):
                for name, param in model.named_parameters():
                    init.uniform_(param.data, -0.08, 0.08)
            """,
            severity=Severity.INFO,
        ),
        Invalid(
            """
            import torch

            model = torch.nn.Linear(3, 3)
            _ = [torch.nn.init.orthogonal_(w) for w in model.parameters()]
            """,
            severity=Severity.ERROR,
        ),
    ]


def _exits(statement: cst.If) -> bool:
    body = statement.body
    small = body.body if isinstance(body, cst.SimpleStatementSuite) else (
        body.body[-1].body if body.body and isinstance(body.body[-1], cst.SimpleStatementLine) else ()
    )
    return any(isinstance(s, (cst.Continue, cst.Return, cst.Break, cst.Raise)) for s in small)


def _strings(expr: cst.BaseExpression) -> list[str]:
    found: list[str] = []
    for node in find_all(expr, cst.SimpleString):
        value = node.evaluated_value
        if isinstance(value, str):
            found.append(value)
    return found

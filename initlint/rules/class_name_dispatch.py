from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import libcst as cst

from initlint.analysis.gate import FileWords
from initlint.analysis.guards import (
    branch_catches_missing_attribute,
    branch_dispatches_on_attribute,
    branch_guards_attribute,
    branch_requires_attribute,
    branch_requires_tensor,
)
from initlint.analysis.imports import dotted_name
from initlint.analysis.layers import type_subject
from initlint.analysis.classes import flag_presence
from initlint.analysis.library import TORCH_WEIGHT
from initlint.analysis.project import Answer, Reach
from initlint.diagnostics import FixSafety, Severity
from initlint.rules.base import Invalid, Rule, Valid

# Other public torch.nn modules, so that `'Pool' in name` or `'ReLU' in name` are recognised as
# torch-class dispatch too. Lazy* layers are left out: they turn into their eager class
# (`cls_to_become`) when first run, before any init function sees them.
_OTHER = frozenset(
    """
    Identity Sequential ModuleList ModuleDict ParameterList ParameterDict
    ReLU ReLU6 RReLU LeakyReLU ELU CELU SELU GELU SiLU Mish GLU Hardtanh Hardsigmoid Hardswish
    Hardshrink Softshrink Tanhshrink Sigmoid LogSigmoid Tanh Softplus Softsign Softmin Softmax
    Softmax2d LogSoftmax Threshold
    MaxPool1d MaxPool2d MaxPool3d AvgPool1d AvgPool2d AvgPool3d AdaptiveMaxPool1d
    AdaptiveMaxPool2d AdaptiveMaxPool3d AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveAvgPool3d
    LPPool1d LPPool2d LPPool3d FractionalMaxPool2d FractionalMaxPool3d MaxUnpool1d MaxUnpool2d
    MaxUnpool3d
    Dropout Dropout1d Dropout2d Dropout3d AlphaDropout FeatureAlphaDropout
    Upsample UpsamplingNearest2d UpsamplingBilinear2d PixelShuffle PixelUnshuffle ChannelShuffle
    Flatten Unflatten Fold Unfold CosineSimilarity PairwiseDistance
    ZeroPad1d ZeroPad2d ZeroPad3d ConstantPad1d ConstantPad2d ConstantPad3d ReflectionPad1d
    ReflectionPad2d ReflectionPad3d ReplicationPad1d ReplicationPad2d ReplicationPad3d
    CircularPad1d CircularPad2d CircularPad3d
    """.split()
)
TORCH_NN_CLASSES: tuple[str, ...] = tuple(sorted(set(TORCH_WEIGHT) | _OTHER))

_FIND_METHODS = frozenset({"find", "rfind"})
_AFFIX_METHODS = frozenset({"startswith", "endswith"})
_LOWERING = frozenset({"lower", "casefold"})
_NAME_ATTRS = frozenset({"__name__", "__qualname__"})
_MAX_LISTED = 8


@dataclass(frozen=True)
class ClassNameExpr:
    """`type(m).__name__`, `m.__class__.__name__` (maybe `.lower()`d), or a variable holding one."""

    subject: cst.BaseExpression
    lowered: bool


def class_name_expr(expr: cst.BaseExpression) -> Optional[ClassNameExpr]:
    """The direct spellings of "the class name of m" (variables are resolved by the rule)."""
    lowered = False
    if (
        isinstance(expr, cst.Call)
        and not expr.args
        and isinstance(expr.func, cst.Attribute)
        and expr.func.attr.value in _LOWERING
    ):
        expr, lowered = expr.func.value, True
    if isinstance(expr, cst.Attribute) and expr.attr.value in _NAME_ATTRS:
        subject = type_subject(expr.value)
        if subject is not None:
            return ClassNameExpr(subject, lowered)
    return None


def _string(expr: cst.BaseExpression) -> Optional[str]:
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
        value = expr.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _strings(expr: cst.BaseExpression) -> Optional[list[str]]:
    """A string literal, or a tuple/list/set of them."""
    single = _string(expr)
    if single is not None:
        return [single]
    if isinstance(expr, (cst.Tuple, cst.List, cst.Set)) and expr.elements:
        values = [_string(e.value) for e in expr.elements]
        if all(v is not None for v in values) and not any(
            isinstance(e, cst.StarredElement) for e in expr.elements
        ):
            return [v for v in values if v is not None]
    return None


def _int(expr: cst.BaseExpression) -> Optional[int]:
    if isinstance(expr, cst.Integer):
        return int(expr.value)
    if (
        isinstance(expr, cst.UnaryOperation)
        and isinstance(expr.operator, cst.Minus)
        and isinstance(expr.expression, cst.Integer)
    ):
        return -int(expr.expression.value)
    return None


def _name_hits(name: str, patterns: Sequence[str], mode: str, lowered: bool = False) -> bool:
    """Does a class name pass the test: contains / starts with / ends with / equals a pattern?"""
    candidate = name.lower() if lowered else name
    return any(
        (mode == "contains" and p in candidate)
        or (mode == "prefix" and candidate.startswith(p))
        or (mode == "suffix" and candidate.endswith(p))
        or (mode == "exact" and candidate == p)
        for p in patterns
    )


def torch_classes_matching(pattern: str, mode: str, lowered: bool = False) -> list[str]:
    """torch.nn classes a name test accepts; mode is contains / prefix / suffix / exact."""
    return [name for name in TORCH_NN_CLASSES if _name_hits(name, (pattern,), mode, lowered)]


class ClassNameDispatch(Rule):
    """
    ## What it does
    Flags init functions that pick layers by their class *name*: the DCGAN idiom
    `classname = m.__class__.__name__; if classname.find('Conv') != -1:`, and its relatives
    `'Linear' in type(m).__name__`, `m.__class__.__name__.startswith('BatchNorm')`,
    `type(m).__name__ == 'Linear'` and `classname in ('Linear', 'Conv2d')`, when the string
    names or matches a `torch.nn` layer class. Only init functions are checked (functions passed to
    `.apply()`, `_init_weights`, `reset_parameters`, `*init*` helpers, loops over `.modules()`);
    the variable holding the class name is followed within the function.

    `if classname.find('Conv'):` (without a comparison) is reported as an error: `find` returns -1,
    which is true, for every class *without* "Conv" in its name, and 0, which is false, for the
    ones that start with it, so the branch runs for exactly the wrong layers.

    ## When it warns
    A name test goes wrong only for a module that arrives and is mis-sorted. So a substring,
    prefix, suffix or exact-name test is a `warning` only when the project index *knows* such a
    module reaches the init code (the function's module argument, or the variable of a loop
    over `self.modules()`): one the test accepts that has no `.weight` (a project wrapper named
    `ConvBlock` whose bases are all known and none sets a weight; a torch module without one; a
    norm built with `affine=False`), unless the same `if` requires the weight, the branch
    checks it before each use (`if getattr(m, "weight", None) is not None:`), the same `if`
    requires another attribute that the branch initializes instead of `.weight`
    (`hasattr(m, "weight_bar")` before `nn.init.normal_(m.weight_bar)`: a spectral-norm conv),
    or it runs inside `try/except AttributeError`; or a subclass of a matched torch layer whose name
    the test rejects (`class Shortcut(nn.Conv2d)` against `'Conv'`, `TiedLinear(nn.Linear)`
    against `== 'Linear'`). The message names that module and where it is built. Everything
    else is `info`: with a reason when one is visible (the file defines or imports a class the
    string matches that is not a torch class, which `isinstance` with torch classes would miss;
    norm-layer strings, because norm layers are re-implemented outside `torch.nn` so often that
    a name test is a common, knowing way to catch them all; the weight guard; every arriving
    module known and sorted right), and otherwise because no module known to reach the function
    is mis-sorted. In the reviewed real packages the DCGAN/HiFi-GAN idiom was reached only by
    the convolutions it means.

    Strings that match no `torch.nn` class (`'Block' in classname`, `== 'FusedLayerNorm'`) are not
    reported: that is dispatch on your own or a third-party class, where a name test may be the
    only way to avoid importing an optional dependency.

    ## Why is this bad?
    A substring test matches more than the layers it means and less than it should:
    - `'Conv' in name` also matches every wrapper, block or module whose name contains "Conv":
      `ConvBNAct`, `DepthwiseConvBlock`, `ConvNeXtStage`... which often have no `.weight` of their
      own, so the init function crashes with `AttributeError`, or initializes a parameter it was
      never meant to touch.
    - `'Norm' in name` matches `LocalResponseNorm` (no weight) and `InstanceNorm2d`, whose weight
      is None unless `affine=True`.
    - A subclass with another name (`NonDynamicallyQuantizableLinear`, the `out_proj` of
      `nn.MultiheadAttention`; `Conv2dSame`; a LoRA-wrapped linear) is skipped silently, and so
      is any layer after a rename. `type(m).__name__ == 'Linear'` skips all subclasses, and also
      matches any unrelated class that happens to be called `Linear`.

    `isinstance` says what is meant, follows inheritance, and fails loudly on a typo.

    ## Example
    ```python
    def weights_init(m):
        classname = m.__class__.__name__
        if classname.find('Conv') != -1:
            nn.init.normal_(m.weight, 0.0, 0.02)
        elif classname.find('BatchNorm') != -1:
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)
    ```

    ## Use instead
    ```python
    def weights_init(m):
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight, 0.0, 0.02)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)
    ```
    The message lists the `torch.nn` classes the string matches; keep the ones your model uses.

    ## Fix safety
    The fixes below are offered at every severity (an `info` finding gets the same rewrite).
    Substring, prefix and suffix tests get no automatic fix: the mapping to classes is ambiguous
    (`'Conv'` matches six torch classes and any number of your own), and only you know which
    were meant.

    An exact comparison with the name of a `torch.nn` class (`type(m).__name__ == 'Linear'`,
    `classname in ('Linear', 'Embedding')`) gets an **unsafe** fix to
    `isinstance(m, nn.Linear)` / `isinstance(m, (nn.Linear, nn.Embedding))`. It is not safe
    because it changes which modules the branch sees in two ways: subclasses of `nn.Linear` are
    now included (usually the intent), and classes that are merely *called* `Linear` without
    subclassing `nn.Linear` (a custom layer in your code or another library) are now excluded.
    No fix is offered when this file defines or imports its own class of that name, when the
    test lower-cases the name, or when `torch.nn` is not imported in a form the fix can spell.

    ## References
    - [Python docs: `isinstance`](https://docs.python.org/3/library/functions.html#isinstance)
    - [Python docs: `str.find`](https://docs.python.org/3/library/stdtypes.html#str.find)
    - [PyTorch: `nn.Module.apply`](https://pytorch.org/docs/stable/generated/torch.nn.Module.html#torch.nn.Module.apply)
    """

    code = "INI202"
    name = "class-name-dispatch"
    summary = "Layers picked by class-name string instead of isinstance"
    severity = Severity.WARNING
    fix_safety = FixSafety.UNSAFE
    triggers = ("__name__", "__qualname__")

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Every report goes through `_check`, which needs an init context."""
        return words.init_context()

    def __init__(self, context, sink) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context, sink)
        # (id of the enclosing FunctionDef or None, variable) -> what it holds
        self._variables: dict[tuple[Optional[int], str], ClassNameExpr] = {}
        self._tracked: set[str] = set()
        self._classes: Optional[dict[str, str]] = None

    # -- following `classname = m.__class__.__name__` ------------------------------------------
    def _scope_key(self, name: str) -> tuple[Optional[int], str]:
        function = self.context.nearest(cst.FunctionDef)
        return (id(function) if function is not None else None, name)

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        variable = node.targets[0].target.value
        held = class_name_expr(node.value)
        if held is not None:
            self._variables[self._scope_key(variable)] = held
            self._tracked.add(variable)
        elif variable in self._tracked:
            self._variables.pop(self._scope_key(variable), None)

    def _class_name(self, expr: cst.BaseExpression) -> Optional[ClassNameExpr]:
        direct = class_name_expr(expr)
        if direct is not None:
            return direct
        if isinstance(expr, cst.Name) and expr.value in self._tracked:
            return self._variables.get(self._scope_key(expr.value))
        if (
            isinstance(expr, cst.Call)
            and not expr.args
            and isinstance(expr.func, cst.Attribute)
            and expr.func.attr.value in _LOWERING
        ):
            inner = self._class_name(expr.func.value)
            if inner is not None:
                return ClassNameExpr(inner.subject, True)
        return None

    def _method_on_class_name(
        self, expr: cst.BaseExpression, methods: frozenset[str]
    ) -> Optional[tuple[ClassNameExpr, str, list[str]]]:
        """`classname.find('Conv')` → (class name, "find", ["Conv"])."""
        if not (
            isinstance(expr, cst.Call)
            and isinstance(expr.func, cst.Attribute)
            and expr.func.attr.value in methods
            and expr.args
            and expr.args[0].keyword is None
        ):
            return None
        held = self._class_name(expr.func.value)
        patterns = _strings(expr.args[0].value)
        if held is None or patterns is None:
            return None
        return held, expr.func.attr.value, patterns

    # -- the tests -----------------------------------------------------------------------------
    def visit_Comparison(self, node: cst.Comparison) -> None:
        if len(node.comparisons) != 1:
            return
        target = node.comparisons[0]
        operator, left, right = target.operator, node.left, target.comparator

        # classname.find('Conv') != -1 (and friends)
        found = self._method_on_class_name(left, _FIND_METHODS)
        if found is not None:
            number = _int(right)
            mode = "contains"
            if number == 0 and isinstance(operator, cst.Equal):
                mode = "prefix"
            self._check(node, found[0], found[2], mode)
            return

        # 'Conv' in classname
        if isinstance(operator, (cst.In, cst.NotIn)):
            pattern = _string(left)
            held = self._class_name(right) if pattern is not None else None
            if held is not None and pattern is not None:
                self._check(node, held, [pattern], "contains")
                return
            # classname in ('Linear', 'Conv2d')
            held = self._class_name(left)
            names = _strings(right) if held is not None else None
            if held is not None and names is not None and not isinstance(right, cst.BaseString):
                self._check(node, held, names, "exact", negated=isinstance(operator, cst.NotIn))
            return

        # type(m).__name__ == 'Linear'
        if isinstance(operator, (cst.Equal, cst.NotEqual, cst.Is, cst.IsNot)):
            held, other = self._class_name(left), right
            if held is None:
                held, other = self._class_name(right), left
            name = _string(other) if held is not None else None
            if held is not None and name is not None:
                negated = isinstance(operator, (cst.NotEqual, cst.IsNot))
                self._check(node, held, [name], "exact", negated=negated)

    def visit_Call(self, node: cst.Call) -> None:
        # classname.startswith('BatchNorm') / .endswith('Norm')
        found = self._method_on_class_name(node, _AFFIX_METHODS)
        if found is not None:
            mode = "prefix" if found[1] == "startswith" else "suffix"
            self._check(node, found[0], found[2], mode)
            return
        # `if classname.find('Conv'):` -- the find result used as a truth value
        found = self._method_on_class_name(node, _FIND_METHODS)
        if found is None:
            return
        parent = self._parent()
        if isinstance(parent, cst.Comparison) and parent.left is node:
            return  # handled with the comparison
        if isinstance(parent, (cst.If, cst.While, cst.IfExp, cst.BooleanOperation)) or (
            isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not)
        ):
            if isinstance(parent, cst.IfExp) and parent.test is not node:
                return
            self._check(node, found[0], found[2], "contains", truthiness=True)

    def _parent(self) -> Optional[cst.CSTNode]:
        stack = self.context.stack
        return stack[-2] if len(stack) >= 2 else None

    # -- reporting -----------------------------------------------------------------------------
    def _check(
        self,
        node: cst.BaseExpression,
        held: ClassNameExpr,
        patterns: Sequence[str],
        mode: str,
        *,
        negated: bool = False,
        truthiness: bool = False,
    ) -> None:
        matches: list[str] = []
        for pattern in patterns:
            for name in torch_classes_matching(pattern, mode, held.lowered):
                if name not in matches:
                    matches.append(name)
        if not matches or not self.context.in_init_context():
            return
        written = self.context.code_for(node)
        subject = self.context.code_for(held.subject)
        nn = self.context.imports.local_name_for("torch.nn") or "nn"
        weighted = [m for m in matches if TORCH_WEIGHT.get(m)]
        suggested = weighted or matches
        listed = suggested[:_MAX_LISTED]
        classes = ", ".join(f"{nn}.{m}" for m in listed)
        if len(suggested) > _MAX_LISTED:
            classes += ", ..."
        spelled = f"({classes})" if len(listed) > 1 else classes
        suggestion = f"`isinstance({subject}, {spelled})`"

        if truthiness:
            self.report(
                node,
                f"`{written}` is -1 (true) for every class whose name lacks {patterns[0]!r} and 0 "
                f"(false) for names starting with it: this branch runs for the wrong layers. "
                f"Test layers with {suggestion}",
                severity=Severity.ERROR,
            )
            return

        notes = self._weight_notes(matches)
        guard = self._guard(subject)
        reach = self._reach(held)
        mis_sorted = self._mis_sorted(reach, patterns, mode, held.lowered, matches, guarded=guard is not None)
        if mode == "exact":
            self._report_exact(node, written, held, patterns, matches, suggestion, notes, negated, mis_sorted)
            return
        quoted = " or ".join(repr(p) for p in patterns)
        how = {"contains": "contains", "prefix": "starts with", "suffix": "ends with"}[mode]
        torch_listed = ", ".join(matches[:_MAX_LISTED]) + (", ..." if len(matches) > _MAX_LISTED else "")
        if mis_sorted is not None:
            self.report(
                node,
                f"`{written}` picks layers by class name: {mis_sorted}. It accepts every class whose "
                f"name {how} {quoted} (torch's {torch_listed}, but also any wrapper or block named "
                f"like that, which may have no `.weight`) and skips subclasses with other "
                f"names{notes}. Use {suggestion}, keeping the classes you mean",
                severity=Severity.WARNING,
            )
            return
        deliberate = guard or self._deliberate(patterns, mode, held.lowered, reach)
        if deliberate is None:
            deliberate = self._every_arrival_matches(reach, patterns, mode, held.lowered)
        if deliberate is None:
            self.report(
                node,
                f"`{written}` picks layers by class name: it accepts every class whose name {how} "
                f"{quoted} (torch's {torch_listed}, but also any wrapper or block named like that, "
                f"which may have no `.weight`) and skips subclasses with other names{notes}. No "
                f"module known to reach this function is mis-sorted by it today; {suggestion}, "
                "keeping the classes you mean, stays right when one is",
                severity=Severity.INFO,
            )
            return
        self.report(
            node,
            f"`{written}` picks layers by class name; here that may be deliberate: "
            f"{deliberate}. Worth a look: it also accepts any wrapper named like that "
            f"(which may have no `.weight`) and torch's {torch_listed}{notes}; a shared base "
            f"class or an explicit tuple in `isinstance` says which classes you mean",
            severity=Severity.INFO,
        )

    def _guard(self, subject: str) -> Optional[str]:
        """Why a look-alike without `.weight` cannot crash the branch, if the code says so."""
        if branch_catches_missing_attribute(self.context):
            return (
                "the branch runs inside `try/except AttributeError`, so look-alike classes "
                "without `.weight` are skipped, not crashed on"
            )
        if branch_requires_tensor(self.context, subject):
            return (
                f"the same test requires `{subject}.weight` not to be None, so look-alike classes "
                "without a weight never enter the branch"
            )
        if branch_requires_attribute(self.context, subject):
            return (
                f"the same test requires `{subject}` to have a `.weight`, so look-alike classes "
                "without one (wrapper blocks) never enter the branch"
            )
        if branch_guards_attribute(self.context, subject):
            return (
                f"the branch touches `{subject}.weight` only after checking it exists, so "
                "look-alike classes without a weight are skipped there"
            )
        other = branch_dispatches_on_attribute(self.context, subject)
        if other is not None:
            return (
                f"the same test requires `{subject}` to have `.{other}`, the attribute the branch "
                f"initializes instead of `.weight`, so look-alike classes without it never enter "
                "the branch"
            )
        return None

    def _reach(self, held: ClassNameExpr) -> Optional[Reach]:
        """What the project index knows to arrive as the module whose class name is tested."""
        subject = held.subject
        if not isinstance(subject, cst.Name):
            return None
        return self.context.project.argument_reach(self.context, subject.value)

    def _mis_sorted(
        self,
        reach: Optional[Reach],
        patterns: Sequence[str],
        mode: str,
        lowered: bool,
        matches: list[str],
        *,
        guarded: bool,
    ) -> Optional[str]:
        """A module the project index knows to reach this test, and that the test sorts wrong:
        one it accepts that has no `.weight` (a project wrapper named like a layer, a torch
        module without one, a norm built without affine parameters; not when `guarded`), or a
        subclass of a matched torch layer whose name the test rejects. Said for the message;
        None when no known arrival is mis-sorted."""
        if reach is None:
            return None
        view = self.context.project
        wrong: list[str] = []
        if not guarded:
            for use in reach.layers:
                if not _name_hits(use.short_name, patterns, mode, lowered):
                    continue
                if use.cls.startswith("torch."):
                    weight = TORCH_WEIGHT.get(use.short_name)
                    lacks = weight is False or (
                        weight == "affine" and flag_presence(use.short_name, dict(use.flags))[0] is False
                    )
                else:
                    lacks = view.index.has_weight(use.cls) is Answer.NO
                if lacks:
                    wrong.append(f"`{use.short_name}` {view.where(use)} reaches here and has no `.weight`, but the test accepts it")
        weighted = [f"torch.nn.{m}" for m in matches if TORCH_WEIGHT.get(m)]
        for use, subclass, base in view.arriving_subclasses(reach, weighted):
            name = subclass.rsplit(".", 1)[-1]
            if _name_hits(name, patterns, mode, lowered):
                continue
            inside = "" if subclass == use.cls else f" (inside `{use.short_name}` {view.where(use)})"
            placed = f" {view.where(use)}" if subclass == use.cls else inside
            wrong.append(f"`{name}({base.rsplit('.', 1)[-1]})`{placed} reaches here and is skipped")
        if not wrong:
            return None
        more = len(wrong) - 1
        return wrong[0] + (f" (and {more} more)" if more else "")

    def _deliberate(self, patterns: Sequence[str], mode: str, lowered: bool,
                    reach: Optional[Reach] = None) -> Optional[str]:
        """Why a substring test may be on purpose: it is how code catches look-alike classes
        (not a class of the file that is known never to arrive: torchflows' `HyperLinear` is
        not among the modules its `weights_init` is applied to)."""
        own = self._own_classes()
        arriving = {use.short_name for use in reach.layers} if reach is not None and reach.complete else None
        for pattern in patterns:
            for name, origin in own.items():
                hit = mode != "exact" and _name_hits(name, (pattern,), mode, lowered)
                if arriving is not None and name not in arriving:
                    continue
                if hit and name not in TORCH_NN_CLASSES:
                    return (
                        f"it also catches {origin} `{name}`, which an `isinstance` test with "
                        f"torch classes would miss"
                    )
        if any("norm" in p.lower() for p in patterns):
            return (
                "norm layers are often re-implemented outside torch.nn (frozen BatchNorm, "
                "model-specific RMSNorm/LayerNorm classes) with no common base class, and a name "
                "test is a common way to catch them all"
            )
        return None

    def _every_arrival_matches(self, reach: Optional[Reach], patterns: Sequence[str], mode: str, lowered: bool) -> Optional[str]:
        """Every module that can reach this init function is known (the project index), and each
        one the name test accepts is a torch layer with a weight (or a subclass of one), while
        none it rejects is a subclass of a matched torch class: the test does what isinstance would."""
        if reach is None or not reach.complete or not reach.layers:
            return None
        view = self.context.project
        matched = {m for p in patterns for m in torch_classes_matching(p, mode, lowered)}
        accepted = 0
        for use in reach.layers:
            hit = _name_hits(use.short_name, patterns, mode, lowered)
            torch_bases = [
                c.rsplit(".", 1)[-1] for c in view.index.mro(use.cls)[0] if c.startswith("torch.nn.")
            ]
            if hit:
                if not any(TORCH_WEIGHT.get(base) is True for base in torch_bases):
                    return None
                accepted += 1
            elif any(base in matched for base in torch_bases):
                return None  # a subclass under another name, which the test skips
        if not accepted:
            return None
        return (
            f"every module that reaches this function is known ({', '.join(reach.sources[:2])}), and "
            f"the {accepted} the test accepts are torch layers with a weight"
        )

    def _own_classes(self) -> dict[str, str]:
        """Classes this file defines at module level or imports from outside torch (cached)."""
        if self._classes is None:
            found: dict[str, str] = {}
            for statement in self.context.module.body:
                if isinstance(statement, cst.ClassDef):
                    found[statement.name.value] = "this file's own"
            for statement in self.context.module.body:
                if not isinstance(statement, cst.SimpleStatementLine):
                    continue
                for small in statement.body:
                    if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
                        continue
                    module = dotted_name(small.module) if small.module is not None else ""
                    if not small.relative and (module or "").split(".")[0] == "torch":
                        continue
                    for alias in small.names:
                        local = alias.asname.name if alias.asname is not None else alias.name
                        if isinstance(local, cst.Name) and local.value[:1].isupper():
                            found.setdefault(local.value, "the imported")
            self._classes = found
        return self._classes

    def _report_exact(
        self,
        node: cst.BaseExpression,
        written: str,
        held: ClassNameExpr,
        patterns: Sequence[str],
        matches: list[str],
        suggestion: str,
        notes: str,
        negated: bool,
        mis_sorted: Optional[str],
    ) -> None:
        if negated:
            suggestion = f"`not {suggestion[1:]}"
        message = (
            f"`{written}` picks layers by class name: it skips every subclass of "
            f"{' / '.join(matches)} and accepts unrelated classes that share the name{notes}. "
        )
        if mis_sorted is not None:
            message += f"Here {mis_sorted}. Use {suggestion}"
        else:
            message += (
                f"No module known to reach this function is mis-sorted by it today; {suggestion} "
                "keeps it right when one is"
            )
        severity = Severity.WARNING if mis_sorted is not None else Severity.INFO
        replacement = self._exact_fix(node, held, patterns, negated)
        if replacement is None:
            self.report(node, message, severity=severity)
            return
        shown = self.context.code_for(replacement)
        self.report(
            node,
            message,
            severity=severity,
            fix=self.make_fix(node, replacement, f"Replace with `{shown}`"),
        )

    def _exact_fix(
        self,
        node: cst.BaseExpression,
        held: ClassNameExpr,
        patterns: Sequence[str],
        negated: bool,
    ) -> Optional[cst.BaseExpression]:
        if held.lowered or not isinstance(node, cst.Comparison):
            return None
        subject = held.subject
        if not isinstance(subject, (cst.Name, cst.Attribute)):
            return None
        imports = self.context.imports
        classes: list[cst.BaseExpression] = []
        for pattern in patterns:
            if pattern not in TORCH_NN_CLASSES or pattern in imports.shadowed:
                return None
            bound = imports.bindings.get(pattern)
            if bound is not None and not bound.startswith("torch.nn"):
                return None
            spelled = imports.local_name_for(f"torch.nn.{pattern}")
            if spelled is None:
                return None
            classes.append(cst.parse_expression(spelled))
        if not classes:
            return None
        target: cst.BaseExpression = classes[0]
        if len(classes) > 1:
            target = cst.Tuple(
                elements=[
                    cst.Element(
                        c,
                        comma=(
                            cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                            if i < len(classes) - 1
                            else cst.MaybeSentinel.DEFAULT
                        ),
                    )
                    for i, c in enumerate(classes)
                ]
            )
        call: cst.BaseExpression = cst.Call(
            func=cst.Name("isinstance"),
            args=[
                cst.Arg(
                    subject.deep_clone(),
                    comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
                ),
                cst.Arg(target),
            ],
        )
        if negated:
            call = cst.UnaryOperation(operator=cst.Not(), expression=call)
        return call.with_changes(lpar=node.lpar, rpar=node.rpar)

    @staticmethod
    def _weight_notes(matches: list[str]) -> str:
        without = [m for m in matches if TORCH_WEIGHT.get(m, None) is False]
        optional = [m for m in matches if TORCH_WEIGHT.get(m) == "affine"]
        notes = []
        if without:
            notes.append(f"{', '.join(without[:4])}{', ...' if len(without) > 4 else ''} "
                         f"{'has' if len(without) == 1 else 'have'} no `.weight`")
        if optional and any(m.startswith("InstanceNorm") for m in optional):
            notes.append("InstanceNorm's weight is None unless affine=True")
        return f" ({'; '.join(notes)})" if notes else ""

    VALID = [
        Valid(
            """
            import torch.nn as nn

            def weights_init(m):
                if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                    nn.init.normal_(m.weight, 0.0, 0.02)
            """,
            reason="isinstance dispatch",
        ),
        Valid(
            """
            import torch.nn as nn

            def is_conv(m):
                return 'Conv' in m.__class__.__name__

            def conv_names(model):
                return [n for n, m in model.named_modules() if type(m).__name__ == 'Conv2d']
            """,
            reason="not an init function: a class-name test for logging is harmless",
        ),
        Valid(
            """
            import torch.nn as nn

            def init_weights(m):
                classname = m.__class__.__name__
                if classname == 'FusedLayerNorm' or 'MixedFusedRMSNorm' == classname:
                    nn.init.ones_(m.weight)
            """,
            reason="a third-party class matched by name to avoid importing an optional dependency",
        ),
        Valid(
            """
            import torch.nn as nn

            def init_weights(m):
                if 'Block' in type(m).__name__:
                    m.reset_parameters()
            """,
            reason="the string matches no torch.nn class: dispatch on the project's own classes",
        ),
        Valid(
            """
            import torch
            import logging

            def _init_weights(module):
                logging.info("initializing %s", module.__class__.__name__)
                name = type(module).__name__
                print(name.upper())
                torch.nn.init.zeros_(module.bias)
            """,
            reason="class names used, but not as a layer test",
        ),
        Valid(
            """
            import torch.nn as nn

            def init_weights(m):
                classname = m.__class__.__name__
                classname = "Linear"
                kind = getattr(m, "kind", "")
                if kind.find('Conv') != -1:
                    nn.init.zeros_(m.bias)
            """,
            reason="`.find` on a string that is not a class name",
        ),
        Valid(
            """
            import torch.nn as nn

            def fuse_model(model):
                for m in model.modules():
                    if type(m).__name__ == 'Conv2d':
                        m.fused = True
                    elif 'BatchNorm' in m.__class__.__name__:
                        m.eval()
            """,
            reason="a loop over modules that initializes nothing (fusion, conversion)",
        ),
        Valid(
            """
            import torch.nn as nn

            if __name__ == "__main__":
                def init_weights(m):
                    pass
            """,
            reason="the module's own __name__",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import torch
            from torch import nn

            def weights_init(m):
                classname = m.__class__.__name__
                if classname.find("Linear") != -1:
                    nn.init.normal_(m.weight, 0, 0.01)

            class HyperLinear(nn.Module):
                def __init__(self, dim_in, dim_out):
                    super().__init__()
                    self._hypernet = nn.Linear(1, dim_in * dim_out + dim_out)
                    self._hypernet.apply(weights_init)
            """,
            severity=Severity.INFO,
            # not "it also catches this file's own `HyperLinear`": that class never arrives
            message_contains="every module that reaches this function is known",
        ),
        Invalid(
            """
            import torch.nn as nn

            def normal_init(m, std=0.02):
                cname = m.__class__.__name__
                if getattr(m, "weight", None) is not None and cname.find("Linear") != -1:
                    nn.init.normal_(m.weight, 0.0, std)
            """,
            severity=Severity.INFO,
            message_contains="requires `m.weight` not to be None",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_layers(module, gain=0.02):
                kind = module.__class__.__name__
                if hasattr(module, "weight") and ("Conv" in kind or "Linear" in kind):
                    nn.init.normal_(module.weight, 0.0, gain)
            """,
            severity=Severity.INFO,
            message_contains="requires `module` to have a `.weight`",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_layers(module):
                kind = module.__class__.__name__
                if hasattr(module, "bias") and "Conv" in kind:
                    nn.init.kaiming_normal_(module.weight)
            """,
            # a bias guard says nothing about `.weight`, but nothing tells what reaches the helper
            severity=Severity.INFO,
            message_contains="No module known to reach this function is mis-sorted by it today",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_layers(module):
                if "Conv" in module.__class__.__name__:
                    nn.init.kaiming_normal_(module.weight)

            class ConvBlock(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.conv = nn.Conv2d(c, c, 3)
                    self.act = nn.ReLU()

            class Net(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.stem = ConvBlock(c)
                    self.head = nn.Conv2d(c, 1, 1)
                    self.apply(init_layers)
            """,
            # a weight-less wrapper named like a conv arrives: `module.weight` raises on it
            severity=Severity.WARNING,
            message_contains="`ConvBlock` built in example.py:17 reaches here and has no `.weight`",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_layers(module):
                kind = module.__class__.__name__
                if hasattr(module, "kernel_raw") and kind.find("Conv") != -1:
                    nn.init.orthogonal_(module.kernel_raw)

            class ConvBlock(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.conv = nn.Conv2d(c, c, 3)
                    self.act = nn.ReLU()

            class Net(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.stem = ConvBlock(c)
                    self.apply(init_layers)
            """,
            # the branch is for convs keeping a `kernel_raw` (a reparametrized conv): the test
            # requires it, so the weight-less `ConvBlock` never enters
            severity=Severity.INFO,
            message_contains="requires `module` to have `.kernel_raw`, the attribute the branch initializes",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_layers(module):
                kind = module.__class__.__name__
                if hasattr(module, "kernel_raw") and kind.find("Conv") != -1:
                    nn.init.orthogonal_(module.kernel_raw)
                    nn.init.zeros_(module.weight)

            class ConvBlock(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.conv = nn.Conv2d(c, c, 3)

            class Net(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.stem = ConvBlock(c)
                    self.apply(init_layers)
            """,
            # the branch also writes `module.weight`, which that test does not ensure
            severity=Severity.WARNING,
            message_contains="`ConvBlock` built in example.py",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_layers(module):
                if "Conv" in module.__class__.__name__:
                    if getattr(module, "weight", None) is not None:
                        nn.init.kaiming_normal_(module.weight)

            class ConvBlock(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.conv = nn.Conv2d(c, c, 3)

            class Net(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.stem = ConvBlock(c)
                    self.apply(init_layers)
            """,
            # the same wrapper arrives, but the branch checks the weight before touching it
            severity=Severity.INFO,
            message_contains="touches `module.weight` only after checking it exists",
        ),
        Invalid(
            """
            import torch.nn as nn

            class TiedLinear(nn.Linear):
                pass

            def init_weights(m):
                if type(m).__name__ == 'Linear':
                    nn.init.xavier_uniform_(m.weight)

            class Net(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc = nn.Linear(d, d)
                    self.out = TiedLinear(d, d)
                    self.apply(init_weights)
            """,
            # the exact name skips a Linear subclass the model builds
            severity=Severity.WARNING,
            message_contains="`TiedLinear(Linear)` built in example.py:15 reaches here and is skipped",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_weights(m, std=0.01):
                classname = m.__class__.__name__
                if classname.find("Conv") != -1:
                    m.weight.data.normal_(0.0, std)

            class Upsampler(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.ups = nn.ModuleList([nn.ConvTranspose1d(c, c, 4, 2) for _ in range(3)])
                    self.post = nn.Conv1d(c, 1, 7)
                    self.act = nn.LeakyReLU(0.1)
                    self.apply(init_weights)
            """,
            severity=Severity.INFO,
            message_contains="every module that reaches this function is known",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_weights(m, std=0.01):
                classname = m.__class__.__name__
                if classname.find("Conv") != -1:
                    m.weight.data.normal_(0.0, std)

            class Projection(nn.Conv1d):
                pass

            class Upsampler(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.ups = nn.ModuleList([nn.ConvTranspose1d(c, c, 4, 2) for _ in range(3)])
                    self.post = Projection(c, 1, 7)
                    self.apply(init_weights)
            """,
            severity=Severity.WARNING,
            message_contains="skips subclasses with other names",
        ),
        Invalid(
            """
            import torch.nn as nn

            def weights_init(m):
                classname = m.__class__.__name__
                if classname.find("Conv") != -1:
                    try:
                        nn.init.xavier_uniform_(m.weight.data)
                        m.bias.data.fill_(0)
                    except AttributeError:
                        print("Skipping", classname)
            """,
            severity=Severity.INFO,
            message_contains="inside `try/except AttributeError`",
        ),
        Invalid(
            """
            import torch.nn as nn

            def weights_init(m):
                classname = m.__class__.__name__
                if classname.find('Conv') != -1:
                    nn.init.normal_(m.weight.data, 0.0, 0.02)
                elif classname.find('BatchNorm') != -1:
                    nn.init.normal_(m.weight.data, 1.0, 0.02)
                    nn.init.constant_(m.bias.data, 0)
            """,
            line=6,
            count=2,
            message_contains="isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d",
            # nothing tells what the DCGAN init is applied to (open reach)
            severity=Severity.INFO,
        ),
        Invalid(
            """
            import torch

            def init_weights(m):
                if 'Linear' in type(m).__name__:
                    torch.nn.init.xavier_uniform_(m.weight)
            """,
            message_contains="isinstance(m, torch.nn.Linear)",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def _init_weights(self):
                    for m in self.modules():
                        if m.__class__.__name__.startswith('BatchNorm'):
                            m.weight.data.fill_(1)
            """,
            message_contains="norm layers are often re-implemented",
            severity=Severity.INFO,
        ),
        Invalid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self._init_weights()

                def _init_weights(self):
                    for m in self.modules():
                        if m.__class__.__name__.startswith('Conv'):
                            self._init_conv(m)
            """,
            message_contains="starts with 'Conv'",
            # every module of Net is known and none is mis-sorted
            severity=Severity.INFO,
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_weights(m):
                classname = m.__class__.__name__
                if classname.find('Conv'):
                    nn.init.kaiming_normal_(m.weight)
            """,
            severity=Severity.ERROR,
            message_contains="-1 (true)",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_weights(m):
                if 'Norm' in m.__class__.__name__:
                    nn.init.ones_(m.weight)
            """,
            message_contains="LocalResponseNorm has no `.weight`",
            severity=Severity.INFO,
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class ScaledRMSNorm(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.weight = nn.Parameter(torch.zeros(dim))

            class Model(nn.Module):
                def _init_weights(self, module):
                    if "RMSNorm" in module.__class__.__name__:
                        nn.init.zeros_(module.weight)
            """,
            severity=Severity.INFO,
            message_contains="this file's own `ScaledRMSNorm`",
        ),
        Invalid(
            """
            import torch.nn as nn
            from .blocks import ConvStem

            def init_weights(m):
                if 'Conv' in m.__class__.__name__:
                    nn.init.kaiming_normal_(m.weight)
            """,
            severity=Severity.INFO,
            message_contains="the imported `ConvStem`",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_weights(m):
                if type(m).__name__ == 'Linear':
                    nn.init.xavier_uniform_(m.weight)
                elif m.__class__.__name__ != 'Embedding':
                    pass
            """,
            expected_fix="""
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, nn.Linear):
                    nn.init.xavier_uniform_(m.weight)
                elif not isinstance(m, nn.Embedding):
                    pass
            """,
            unsafe=True,
            count=2,
        ),
        Invalid(
            """
            import torch

            def reset_parameters(module):
                cls = module.__class__.__name__
                if cls in ('Linear', 'Conv2d'):
                    torch.nn.init.kaiming_uniform_(module.weight, a=1)
            """,
            expected_fix="""
            import torch

            def reset_parameters(module):
                cls = module.__class__.__name__
                if isinstance(module, (torch.nn.Linear, torch.nn.Conv2d)):
                    torch.nn.init.kaiming_uniform_(module.weight, a=1)
            """,
            unsafe=True,
        ),
        Invalid(
            """
            import torch.nn as nn

            class Linear(nn.Module):
                pass

            def init_weights(m):
                if type(m).__name__ == 'Linear':
                    nn.init.zeros_(m.bias)
            """,
            message_contains="skips every subclass",
        ),
        Invalid(
            """
            import torch.nn as nn

            net = nn.Sequential(nn.Conv2d(3, 8, 3))
            net.apply(lambda m: nn.init.zeros_(m.bias) if 'conv' in m.__class__.__name__.lower() else None)
            """,
            message_contains="Conv2d",
        ),
    ]

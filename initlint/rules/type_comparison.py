from __future__ import annotations

from typing import Optional

import libcst as cst

from initlint.analysis.gate import FileWords
from initlint.analysis.layers import type_subject
from initlint.analysis.library import TORCH_CONTAINERS
from initlint.analysis.project import Answer, Reach
from initlint.analysis.values import ValueKind, classes_kind, name_kind
from initlint.diagnostics import FixSafety, Severity
from initlint.rules.base import Invalid, Rule, Valid


def _is_class_reference(expr: cst.BaseExpression) -> bool:
    """A class written by name (`nn.Linear`, `MyConv`), not `type(other)`, `b.__class__` or a call."""
    if type_subject(expr) is not None:
        return False
    while isinstance(expr, cst.Attribute):
        expr = expr.value
    return isinstance(expr, cst.Name) and expr.value not in {"None", "True", "False"}


_EQUAL = (cst.Equal, cst.Is)
_NOT_EQUAL = (cst.NotEqual, cst.IsNot)


class TypeComparisonInInit(Rule):
    """
    ## What it does
    Flags `type(m) == nn.Linear`, `type(m) is nn.Conv2d`, `type(m) in (A, B)` and
    `m.__class__ == X` inside init functions: functions passed to `.apply()`,
    `reset_parameters`, `_init_weights` and other `*init*` helpers, and loops over
    `.modules()` / `.named_modules()`.

    ## Why is this bad?
    An exact type check skips every subclass, silently. The layer keeps PyTorch's default init
    (or whatever it had) and nothing tells you. Subclasses are everywhere: the `out_proj` of
    `nn.MultiheadAttention` is a `NonDynamicallyQuantizableLinear`, a `Linear` subclass; quantized,
    LoRA-wrapped, weight-standardized and timm/transformers layers subclass `nn.Linear` and
    `nn.Conv2d`. An init function means "every linear layer", and that is what `isinstance` says.

    ## Example
    ```python
    def init_weights(m):
        if type(m) == nn.Linear:
            nn.init.xavier_uniform_(m.weight)

    model.apply(init_weights)
    ```

    ## Use instead
    ```python
    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
    ```

    Only layer dispatch is reported: a check against a plain value type (`type(kernel_size) is
    int`, `type(x) == tuple`, `torch.Tensor`) or of a value known not to be a module normalizes an
    argument and stays quiet.

    ## When it warns
    The harm is real only when a subclass can arrive. So the finding is a `warning` only when the
    project index *knows* a module that reaches the init code (the init function's module
    argument, or the variable of a loop over `self.modules()`) and that the exact test skips: a
    project class whose bases resolve to the compared class (across files), or a torch layer
    that holds one (`nn.MultiheadAttention`'s `out_proj` is a `NonDynamicallyQuantizableLinear`).
    The message names it and where it is built, e.g. "`TiedLinear(nn.Linear)` built in
    pkg/model.py:12 reaches here and is skipped". Otherwise it is `info`: when every module
    that reaches the init is known and none subclasses the compared class (the test skips
    nothing today), when what arrives is not all known (an `apply` on a model built elsewhere,
    a public helper), and when neither the class nor the checked value is known to be a module.
    In the reviewed real packages, exact-type tests in init code skipped nothing in the models
    actually built (callers pass plain `nn.Sequential`/`nn.Linear`); `isinstance` keeps them
    right when a subclass does come.

    ## Fix safety
    Safe. The fix rewrites the check to `isinstance(m, X)` (`not isinstance` for `!=`,
    `is not` and `not in`; a list or set of classes becomes a tuple). It changes which modules the
    branch sees in exactly the way the rule intends: subclasses are now initialized too. If an
    `elif` further down handles a subclass on purpose, put that branch first. The fix is offered
    at every severity: an `info` finding gets the same rewrite with `--fix`.

    ## References
    - [Python docs: `isinstance`](https://docs.python.org/3/library/functions.html#isinstance)
    - [PyTorch: `nn.Module.apply`](https://pytorch.org/docs/stable/generated/torch.nn.Module.html#torch.nn.Module.apply)
    """

    code = "INI201"
    name = "type-comparison-in-init"
    summary = "Exact type check in an init function skips subclasses"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    triggers = ("type(", "__class__")

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Reports need `type(x)` or `x.__class__` compared inside an init context."""
        return words.has("type", "__class__") and words.init_context()

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if len(node.comparisons) != 1:
            return
        target = node.comparisons[0]
        operator = target.operator
        subject = type_subject(node.left)
        classes: cst.BaseExpression = target.comparator
        if subject is None and isinstance(operator, (*_EQUAL, *_NOT_EQUAL)):
            subject, classes = type_subject(target.comparator), node.left
        if subject is None or not self.context.in_init_context():
            return
        if isinstance(operator, (cst.In, cst.NotIn)):
            if not isinstance(classes, (cst.Tuple, cst.List, cst.Set)) or not all(
                _is_class_reference(e.value) and not isinstance(e, cst.StarredElement)
                for e in classes.elements
            ):
                return
            classes = cst.Tuple(elements=[cst.Element(e.value) for e in classes.elements])
        elif not isinstance(operator, (*_EQUAL, *_NOT_EQUAL)) or not _is_class_reference(classes):
            return
        written_classes = (
            [e.value for e in classes.elements] if isinstance(classes, cst.Tuple) else [classes]
        )
        kind = classes_kind(written_classes, self.context)
        if kind is ValueKind.VALUE:
            return  # `type(kernel_size) is int`: an argument check, not a layer dispatch
        subject_kind = (
            name_kind(subject.value, self.context) if isinstance(subject, cst.Name)
            else ValueKind.UNKNOWN
        )
        if subject_kind is ValueKind.VALUE:
            return
        known = kind is ValueKind.MODULE or subject_kind is ValueKind.MODULE
        negated = isinstance(operator, (*_NOT_EQUAL, cst.NotIn))
        call: cst.BaseExpression = cst.Call(
            func=cst.Name("isinstance"),
            args=[
                cst.Arg(subject, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                cst.Arg(classes),
            ],
        )
        if negated:
            call = cst.UnaryOperation(operator=cst.Not(), expression=call)
        replacement = call.with_changes(lpar=node.lpar, rpar=node.rpar)
        shown = self.context.code_for(replacement)
        written = self.context.code_for(node)
        linear = any(
            (self.context.resolve(c) or "").endswith(".Linear") for c in written_classes
        )
        example = " (e.g. MultiheadAttention's out_proj)" if linear else ""
        unknown = (
            "" if known else
            "; neither the class nor the checked value is known to be a module, so this may be "
            "an argument check"
        )
        fix = self.make_fix(node, replacement, f"Replace with `{shown}`")
        view = self.context.project
        reach = view.argument_reach(self.context, subject.value) if isinstance(subject, cst.Name) else None
        compared = [self._qualified(c) for c in written_classes]
        skipped = view.arriving_subclasses(reach, compared) if reach is not None else []
        if skipped:
            use, subclass, base = skipped[0]
            others = len({u.cls for u, _, _ in skipped}) - 1
            more = f" (and {others} other arriving class{'es' if others > 1 else ''})" if others > 0 else ""
            base_written = self.context.code_for(written_classes[compared.index(base)])
            if subclass == use.cls:
                who = f"`{use.short_name}({base_written})` {view.where(use)} reaches here and is skipped"
            else:
                inner = subclass.rsplit(".", 1)[-1]
                known_as = " (MultiheadAttention's out_proj)" if use.short_name == "MultiheadAttention" else ""
                who = (
                    f"`{use.short_name}` {view.where(use)} reaches here, and the `{inner}` torch "
                    f"builds inside it{known_as}, a `{base_written}` subclass, is skipped"
                )
            self.report(
                node,
                f"`{written}` skips subclasses of the layer: {who}{more}; use `{shown}`",
                severity=Severity.WARNING,
                fix=fix,
            )
            return
        arriving = self._every_arrival_exact(reach, compared) if known else None
        if arriving is not None:
            self.report(
                node,
                f"`{written}` would skip subclasses of the layer, but none reaches this init today "
                f"(every module that arrives is known: {arriving}); `{shown}` keeps it right "
                "when one does",
                severity=Severity.INFO,
                fix=fix,
            )
            return
        self.report(
            node,
            f"`{written}` skips subclasses of the layer{example}; no subclass is known to reach "
            f"this init (not all that arrives is known), but `{shown}` keeps it right when one "
            f"does{unknown}",
            severity=Severity.INFO,
            fix=fix,
        )

    def _qualified(self, written: cst.BaseExpression) -> str:
        """A compared class as the project index names it (`torch.nn.Linear`, `pkg.layers.X`)."""
        code = self.context.code_for(written)
        return self.context.project.resolve_name(code) or self.context.resolve(written) or code

    def _every_arrival_exact(self, reach: Optional[Reach], compared: list[str]) -> Optional[str]:
        """When the project index knows every module that reaches this init code (a closed,
        complete reach of the module argument), no torch container among them hides what it
        holds, and none may be a subclass of a compared class (strict subclasses are
        `arriving_subclasses`' business, asked first; here a library base would leave it
        unknown): the classes that arrive, for the message. None otherwise."""
        if reach is None or not reach.closed or not reach.complete or not reach.layers:
            return None
        index = self.context.project.index
        for use in reach.layers:
            if use.cls.startswith("torch.") and use.short_name in TORCH_CONTAINERS:
                return None  # what a container holds comes from elsewhere
            if any(index.is_subclass(use.cls, cls) is Answer.UNKNOWN for cls in compared):
                return None
        shown = sorted({use.short_name for use in reach.layers if use.kind != "other" or use.cls.startswith("torch.")})
        return ", ".join(f"`{name}`" for name in shown[:6]) + (", ..." if len(shown) > 6 else "")

    VALID = [
        Valid(
            """
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, nn.Linear):
                    nn.init.xavier_uniform_(m.weight)
            """
        ),
        Valid(
            """
            import torch.nn as nn

            def describe(m):
                # not an init function: exact type checks are a legitimate choice elsewhere
                return type(m) == nn.Linear
            """,
            reason="outside init functions",
        ),
        Valid(
            """
            import torch.nn as nn

            def init_weights(m):
                if type(m) == type(m.parent):
                    pass
                if m.config.__class__ != m.parent.config.__class__:
                    pass
            """,
            reason="comparing two computed types is not a layer dispatch",
        ),
        Valid(
            """
            import torch.nn as nn

            def fuse_model(model):
                for m in model.modules():
                    if type(m) is nn.Conv2d:
                        m.fused = True
            """,
            reason="a loop over modules() that initializes nothing is conversion code, not init",
        ),
        Valid(
            """
            import torch.nn as nn

            def init_weights(m):
                if type(m).__name__ == "Linear":
                    pass
            """,
            reason="class-name strings are INI202's business",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Blur(nn.Module):
                def __init__(self, kernel_size=3, sigma=1.0):
                    super().__init__()
                    self.reset_parameters(kernel_size, sigma)

                def reset_parameters(self, kernel_size, sigma):
                    if type(kernel_size) is int:
                        kernel_size = (kernel_size, kernel_size)
                    if type(sigma) in (float, int):
                        sigma = (sigma, sigma)
                    if type(self.weight) != torch.Tensor:
                        pass
            """,
            reason="argument checks against plain value types are not layer dispatch",
        ),
        Valid(
            """
            import torch.nn as nn

            def init_weights(m, size: int = 3):
                if type(size) == Size:
                    pass
            """,
            reason="the checked value is annotated as an int",
        ),
    ]

    INVALID = [
        Invalid(
            """
            import torch.nn as nn

            def init_weights(m):
                if type(m) == nn.Linear:
                    nn.init.xavier_uniform_(m.weight)

            class MLP(nn.Module):
                def __init__(self, sizes):
                    super().__init__()
                    layers = []
                    for a, b in zip(sizes[:-1], sizes[1:]):
                        layers += [nn.Linear(a, b), nn.ReLU()]
                    self.net = nn.Sequential(*layers)
                    self.net.apply(init_weights)
            """,
            # every module that arrives is known, and none subclasses nn.Linear
            severity=Severity.INFO,
            message_contains="none reaches this init today",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_weights(m):
                if type(m) == nn.Linear:
                    nn.init.xavier_uniform_(m.weight)

            class Mixer(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.net = nn.ModuleList([nn.Linear(d, d), nn.MultiheadAttention(d, 4)])
                    self.net.apply(init_weights)
            """,
            # MultiheadAttention's out_proj is a Linear subclass: skipped
            severity=Severity.WARNING,
            message_contains="MultiheadAttention's out_proj",
        ),
        Invalid(
            """
            import torch.nn as nn

            class ScaledLinear(nn.Linear):
                pass

            def init_weights(m):
                if type(m) == nn.Linear:
                    nn.init.xavier_uniform_(m.weight)

            class MLP(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.net = nn.Sequential(nn.Linear(d, d), nn.ReLU(), ScaledLinear(d, d))
                    self.net.apply(init_weights)
            """,
            # a project subclass of nn.Linear arrives and is skipped: named in the message
            severity=Severity.WARNING,
            count=1,
            message_contains="`ScaledLinear(nn.Linear)` defined in example.py:4 reaches here and is skipped",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_weights(m):
                if type(m) == nn.Linear:
                    nn.init.xavier_uniform_(m.weight)

            net = nn.Sequential(nn.Linear(2, 2))
            net.apply(init_weights)
            """,
            expected_fix="""
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, nn.Linear):
                    nn.init.xavier_uniform_(m.weight)

            net = nn.Sequential(nn.Linear(2, 2))
            net.apply(init_weights)
            """,
            line=5,
            message_contains="type(m) == nn.Linear",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(4, 4)

                    def init_fn(layer):
                        if type(layer) in [nn.Linear, nn.Conv2d]:
                            nn.init.kaiming_normal_(layer.weight)

                    self.apply(init_fn)
            """,
            expected_fix="""
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(4, 4)

                    def init_fn(layer):
                        if isinstance(layer, (nn.Linear, nn.Conv2d)):
                            nn.init.kaiming_normal_(layer.weight)

                    self.apply(init_fn)
            """,
        ),
        Invalid(
            """
            from torch import nn

            class Net(nn.Module):
                def _init_weights(self, module):
                    if module.__class__ is not nn.Embedding:
                        return
                    nn.init.normal_(module.weight, std=0.02)
            """,
            expected_fix="""
            from torch import nn

            class Net(nn.Module):
                def _init_weights(self, module):
                    if not isinstance(module, nn.Embedding):
                        return
                    nn.init.normal_(module.weight, std=0.02)
            """,
        ),
        Invalid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    for m in self.modules():
                        if nn.Conv2d == type(m):
                            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            """,
            expected_fix="""
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    for m in self.modules():
                        if isinstance(m, nn.Conv2d):
                            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            """,
        ),
        Invalid(
            """
            import torch

            model = torch.nn.Sequential(torch.nn.Linear(3, 3))
            model.apply(lambda m: torch.nn.init.zeros_(m.bias) if type(m) == torch.nn.Linear else None)
            """,
            expected_fix="""
            import torch

            model = torch.nn.Sequential(torch.nn.Linear(3, 3))
            model.apply(lambda m: torch.nn.init.zeros_(m.bias) if isinstance(m, torch.nn.Linear) else None)
            """,
        ),
        Invalid(
            """
            from mylib import Mixer
            import torch.nn as nn

            def init_weights(module):
                if type(module) == Mixer:
                    nn.init.zeros_(module.weight)
            """,
            severity=Severity.INFO,
            message_contains="neither the class nor the checked value is known to be a module",
        ),
        Invalid(
            """
            import torch.nn as nn
            from mylib import Mixer

            def init_weights(module):
                if type(module) == Mixer:
                    nn.init.zeros_(module.weight)

            def build(model):
                model.apply(init_weights)
            """,
            # open reach: applied to a model nothing tells; no subclass is known to arrive
            severity=Severity.INFO,
            message_contains="no subclass is known to reach this init",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_weights(m):
                if type(m) in (nn.Conv2d, nn.Linear):
                    nn.init.kaiming_normal_(m.weight)

            class Head(nn.Module):
                def __init__(self, encoder, d):
                    super().__init__()
                    self.encoder = encoder
                    self.fc = nn.Linear(d, d)
                    self.apply(init_weights)

                def forward(self, x):
                    return self.fc(self.encoder(x))
            """,
            # the encoder comes from the caller: what arrives is not all known, and none of the
            # known modules subclasses the compared classes
            severity=Severity.INFO,
            message_contains="no subclass is known to reach this init",
        ),
    ]

from __future__ import annotations

from typing import Optional

import libcst as cst

from initlint.analysis.gate import FileWords
from initlint.analysis.layers import type_subject
from initlint.analysis.library import TORCH_CONTAINERS, TORCH_INNER_LAYERS
from initlint.analysis.project import Answer
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
    argument and stays quiet. When neither the class nor the checked value is known to be a
    module (a class from another package, a name of unknown type), the finding is `info`.
    It is `info` too when the project index knows every module that reaches the init (each
    `apply` site's receiver is a known class or a container built right there from known
    layers, `nn.Sequential(*layers)`) and none of them, nor a layer torch builds inside them
    (`nn.MultiheadAttention`'s `out_proj`), subclasses the compared class: the test skips
    nothing today, and `isinstance` keeps it right when a subclass comes.

    ## Fix safety
    Safe. The fix rewrites the check to `isinstance(m, X)` (`not isinstance` for `!=`,
    `is not` and `not in`; a list or set of classes becomes a tuple). It changes which modules the
    branch sees in exactly the way the rule intends: subclasses are now initialized too. If an
    `elif` further down handles a subclass on purpose, put that branch first.

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
        arriving = self._only_exact_classes_arrive(subject, written_classes) if known else None
        if arriving is not None:
            self.report(
                node,
                f"`{written}` would skip subclasses of the layer, but none reaches this init today "
                f"(every module that arrives is known: {arriving}); `{shown}` keeps it right "
                "when one does",
                severity=Severity.INFO,
                fix=self.make_fix(node, replacement, f"Replace with `{shown}`"),
            )
            return
        self.report(
            node,
            f"`{written}` skips subclasses of the layer{example}; use `{shown}`{unknown}",
            severity=None if known else Severity.INFO,
            fix=self.make_fix(node, replacement, f"Replace with `{shown}`"),
        )

    def _only_exact_classes_arrive(self, subject: cst.BaseExpression, classes: list[cst.BaseExpression]) -> Optional[str]:
        """When the project index knows every module that reaches this init code (a closed,
        complete reach of the module argument `subject`) and none of them, nor a layer torch
        builds inside them (MultiheadAttention's `out_proj`), is a strict subclass of a
        compared class: the classes that arrive, for the message. None otherwise."""
        view = self.context.project
        if not isinstance(subject, cst.Name) or not self._is_module_argument(subject.value):
            return None
        reach = view.init_code_reach(self.context)
        if reach is None or not reach.closed or not reach.complete or not reach.layers:
            return None
        compared = []
        for written in classes:
            code = self.context.code_for(written)
            compared.append(view.resolve_name(code) or self.context.resolve(written) or code)
        for use in reach.layers:
            torch_layer = use.cls.startswith("torch.")
            if torch_layer and use.short_name in TORCH_CONTAINERS:
                return None  # what a container holds comes from elsewhere
            candidates = [use.cls]
            if torch_layer:
                candidates += [f"torch.nn.{inner}" for inner in TORCH_INNER_LAYERS.get(use.short_name, ())]
            for candidate in candidates:
                for cls in compared:
                    same = candidate == cls or (
                        torch_layer and cls.startswith("torch.") and candidate.rsplit(".", 1)[-1] == cls.rsplit(".", 1)[-1]
                    )
                    if not same and view.index.is_subclass(candidate, cls) is not Answer.NO:
                        return None
        shown = sorted({use.short_name for use in reach.layers if use.kind != "other" or use.cls.startswith("torch.")})
        return ", ".join(f"`{name}`" for name in shown[:6]) + (", ..." if len(shown) > 6 else "")

    def _is_module_argument(self, name: str) -> bool:
        """`name` is what the init code receives: the module argument of the init function, or
        the variable of the loop over `self.modules()`."""
        init = self.context.init_context()
        if isinstance(init, cst.FunctionDef):
            params = [p.name.value for p in init.params.params]
            position = 1 if params[:1] in (["self"], ["cls"]) else 0
            return len(params) > position and params[position] == name
        if isinstance(init, cst.For):
            return isinstance(init.target, cst.Name) and init.target.value == name
        return False

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
            # a project subclass of nn.Linear arrives and is skipped
            severity=Severity.WARNING,
            count=1,
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
            severity=Severity.WARNING,
            message_contains="skips subclasses of the layer; use `isinstance(module, Mixer)`",
        ),
    ]

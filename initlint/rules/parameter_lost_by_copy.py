from __future__ import annotations

from typing import Optional

import libcst as cst

from initlint.analysis.classes import PARAMETER_CLASSES, class_facts, is_self_attribute, is_zero_size, module_class
from initlint.analysis.project import Answer
from initlint.analysis.gate import FileWords
from initlint.diagnostics import FixSafety, Severity
from initlint.rules.base import Fix, Invalid, Rule, Valid

# Tensor methods that return a new tensor that is not a Parameter (torch 2.13.0): on a Parameter
# they give a non-leaf `torch.Tensor` carrying the autograd history, whatever the arguments.
_ALWAYS_COPIES = frozenset(
    {"detach", "clone", "view", "reshape", "unsqueeze", "squeeze", "t", "permute", "transpose",
     "expand", "flatten", "repeat", "mul", "div", "add", "sub", "neg", "exp", "sqrt", "abs",
     "softmax", "sigmoid", "tanh", "cuda"}
)
# Methods that return the Parameter itself when nothing changes (same device and dtype) and a
# copy otherwise: `.to(device)` is a copy on every device but the CPU it was made on.
_COPIES_WHEN_MOVED = frozenset({"to", "half", "double", "bfloat16", "type"})
_CPU = frozenset({"'cpu'", '"cpu"', "torch.device('cpu')", 'torch.device("cpu")'})


class ParameterLostByCopy(Rule):
    """
    ## What it does
    Flags a module attribute assigned `nn.Parameter(...)` followed by a method or arithmetic
    that returns a new tensor: `self.a = nn.Parameter(torch.empty(d, 1)).to(device)`,
    `self.w = nn.Parameter(torch.randn(d, d)) * 0.02`, `nn.Parameter(x).cuda()`,
    `nn.Parameter(x).detach()`.

    `error` when the result is never the Parameter: arithmetic, `.cuda()`, `.detach()`,
    `.clone()`, views (`.view`, `.reshape`, `.t()`...). `warning` when it is a copy only on
    some runs: `.to(device)` returns the Parameter itself on the CPU it was made on and a copy
    on a GPU; `.half()`/`.double()` when the dtype changes. `info` for a Parameter built with
    `requires_grad=False` (a constant: it is only missing from `state_dict` and from
    `model.to(...)`) and for one with no elements (`torch.empty(0)`, a device marker). Quiet for `.to("cpu")` and for a class that is not an `nn.Module` (no
    base class, or bases the project index follows elsewhere: an adversarial attacker that
    updates the tensor through `autograd.grad`); `info` when the bases cannot be followed.

    ## Why is this bad?
    `nn.Module.__setattr__` registers a value as a parameter only when it is an
    `nn.Parameter`. `.to(device)`, `.cuda()`, `* 0.02` and friends return a plain
    `torch.Tensor` (a non-leaf one, with the Parameter in its autograd history), so the
    attribute becomes an ordinary tensor: it is missing from `model.parameters()` (the
    optimizer never updates it), from `state_dict()` (checkpoints lose it) and from
    `model.to(...)`. Training runs without complaint with that tensor frozen at its initial
    values (pytorch/pytorch#24672, a common forum question). Where the attribute was registered
    before, the assignment raises TypeError instead.

    ## Example
    ```python
    class GraphAttention(nn.Module):
        def __init__(self, dim, device):
            super().__init__()
            self.a = nn.Parameter(torch.empty(2 * dim, 1)).to(device)
            nn.init.xavier_uniform_(self.a)
    ```

    ## Use instead
    ```python
            self.a = nn.Parameter(torch.empty(2 * dim, 1).to(device))
    ```
    (or `torch.empty(2 * dim, 1, device=device)`, or move the whole model with
    `model.to(device)`).

    ## Fix safety
    Unsafe: the fix moves the call inside, `nn.Parameter(torch.empty(2 * dim, 1).to(device))`,
    which gives the same values, now registered: the tensor starts being trained and saved, so
    `model.parameters()` and `state_dict()` keys change (an old checkpoint lacks the key).

    ## References
    - [PyTorch: `nn.Parameter`](https://pytorch.org/docs/stable/generated/torch.nn.parameter.Parameter.html)
    - [PyTorch: `Module.register_parameter`](https://pytorch.org/docs/stable/generated/torch.nn.Module.html#torch.nn.Module.register_parameter)
    - [pytorch/pytorch#24672](https://github.com/pytorch/pytorch/issues/24672)
    """

    code = "INI009"
    name = "parameter-lost-by-copy"
    summary = "`nn.Parameter(...)` followed by `.to(device)`, `.cuda()` or arithmetic: a plain tensor, never trained"
    severity = Severity.ERROR
    fix_safety = FixSafety.UNSAFE
    triggers = ("Parameter",)

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Every report is at an assignment of an expression built on `nn.Parameter(...)`."""
        return words.has("Parameter")

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) != 1 or is_self_attribute(node.targets[0].target) is None:
            return
        found = self._lost(node.value)
        if found is None:
            return
        parameter, how, always = found
        klass = self.context.enclosing_class()
        if klass is None or not class_facts(self.context, klass).bases:
            return  # a plain class registers nothing
        module = module_class(self.context, klass)
        if module is Answer.NO:
            return  # not an nn.Module (an attacker, a sampler): nothing registers its attributes
        attr = self.context.code_for(node.targets[0].target)
        frozen = any(
            arg.keyword is not None and arg.keyword.value == "requires_grad"
            and isinstance(arg.value, cst.Name) and arg.value.value == "False"
            for arg in parameter.args
        )
        payload = parameter.args[0].value
        if isinstance(payload, cst.Call) and is_zero_size(payload):
            severity = Severity.INFO
            consequence = (
                "it holds no values (a device marker?), but `model.to(...)` no longer moves it"
            )
        elif frozen:
            severity = Severity.INFO
            consequence = (
                "it is a constant (`requires_grad=False`), but it is missing from `state_dict()` "
                "and from `model.to(...)`"
            )
        elif module is not Answer.YES:
            severity = Severity.INFO
            consequence = (
                "if the class is an `nn.Module` (its bases could not be followed), it is missing "
                "from `model.parameters()` and from `state_dict()`"
            )
        else:
            severity = Severity.ERROR if always else Severity.WARNING
            consequence = (
                "it is missing from `model.parameters()` (the optimizer never updates it) and "
                "from `state_dict()`, and stays at its initial values"
            )
        when = "" if always else " (on any device or dtype other than the one it was made with)"
        self.report(
            node.value,
            f"`{attr}` gets the result of {how} on the new `nn.Parameter`, a plain tensor{when}, "
            f"so the module does not register it: {consequence}; apply {how} inside "
            f"`nn.Parameter(...)`",
            severity=severity,
            fix=self._fix(node.value, parameter),
        )

    def _lost(self, value: cst.BaseExpression) -> Optional[tuple[cst.Call, str, bool]]:
        """(the `nn.Parameter(...)` call, what is applied to it, whether it is always a copy)
        when `value` applies a copying method or arithmetic to a fresh Parameter."""
        if isinstance(value, cst.BinaryOperation):
            for side in (value.left, value.right):
                if self._is_parameter(side):
                    return side, f"`{self.context.code_for(value.operator).strip()}`", True  # type: ignore[return-value]
            return None
        if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)):
            return None
        receiver = value.func.value
        method = value.func.attr.value
        if self._is_parameter(receiver):
            if method in _ALWAYS_COPIES:
                return receiver, f"`.{method}()`", True  # type: ignore[return-value]
            if method in _COPIES_WHEN_MOVED:
                if method == "to" and self._to_cpu(value):
                    return None
                return receiver, f"`.{method}(...)`" if value.args else f"`.{method}()`", False  # type: ignore[return-value]
            return None
        inner = self._lost(receiver)
        if inner is not None and (method in _ALWAYS_COPIES or method in _COPIES_WHEN_MOVED):
            return inner
        return None

    def _is_parameter(self, expr: cst.BaseExpression) -> bool:
        return (
            isinstance(expr, cst.Call)
            and bool(expr.args)
            and self.context.resolve(expr.func) in PARAMETER_CLASSES
        )

    def _to_cpu(self, call: cst.Call) -> bool:
        return len(call.args) == 1 and self.context.code_for(call.args[0].value) in _CPU

    def _fix(self, value: cst.BaseExpression, parameter: cst.Call) -> Optional[Fix]:
        """`nn.Parameter(x).to(d)` → `nn.Parameter(x.to(d))`, `nn.Parameter(x) * s` →
        `nn.Parameter(x * s)`: the same values, registered."""
        payload = parameter.args[0]
        if payload.keyword is not None or payload.star:
            return None
        inner = payload.value
        if not isinstance(inner, (cst.Call, cst.Name, cst.Attribute, cst.Subscript)) and not inner.lpar:
            inner = inner.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])  # `(a + b).cuda()`
        moved = value.deep_replace(parameter, inner)
        replacement = parameter.with_changes(args=[payload.with_changes(value=moved), *parameter.args[1:]])
        return self.make_fix(
            value, replacement, f"Apply it inside: `{cst.Module([]).code_for_node(replacement)}`"
        )

    VALID = [
        Valid(
            """
            import torch
            from torch import nn

            class Attacker:
                def __init__(self, device):
                    self.device = device

            class Metattack(Attacker):
                def reset(self, adj):
                    self.adj_changes = nn.Parameter(torch.zeros_like(adj)).to(self.device)
            """,
            reason="not an `nn.Module`: the attack differentiates through the tensor with "
            "`autograd.grad`, registration plays no part",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Attention(nn.Module):
                def __init__(self, dim, device):
                    super().__init__()
                    self.a = nn.Parameter(torch.empty(2 * dim, 1, device=device))
                    self.b = nn.Parameter(torch.zeros(dim).to(device))
                    self.c = nn.Parameter(torch.randn(dim, dim) * dim ** -0.5)
                    self.d = nn.Parameter(torch.ones(dim)).to("cpu")
            """,
            reason="the moves and the scale are inside `nn.Parameter(...)`; `.to('cpu')` returns "
            "the Parameter itself",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Stats:
                def __init__(self, dim, device):
                    self.mean = nn.Parameter(torch.zeros(dim)).to(device)
            """,
            reason="a plain class: nothing registers its attributes anyway",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Block(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    w = nn.Parameter(torch.randn(dim, dim))
                    self.w = w
                    self.scaled = self.w * 2
            """,
            reason="the Parameter itself is registered; a tensor computed from it is not meant to be one",
        ),
    ]

    INVALID = [
        Invalid(
            """
            import torch
            from torch import nn

            class Model(nn.Module):
                def __init__(self, device):
                    super().__init__()
                    self.dummy_param = nn.Parameter(torch.empty(0)).to(device)
            """,
            severity=Severity.INFO,
            message_contains="it holds no values (a device marker?)",
        ),
        Invalid(
            """
            import torch
            from torch import nn
            from somewhere import Base

            class Head(Base):
                def __init__(self, d, device):
                    super().__init__()
                    self.w = nn.Parameter(torch.zeros(d)).to(device)
            """,
            severity=Severity.INFO,
            message_contains="its bases could not be followed",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class GraphAttention(nn.Module):
                def __init__(self, dim, device):
                    super().__init__()
                    self.a = nn.Parameter(torch.empty(2 * dim, 1)).to(device)
                    nn.init.xavier_uniform_(self.a)
            """,
            expected_fix="""
            import torch
            from torch import nn

            class GraphAttention(nn.Module):
                def __init__(self, dim, device):
                    super().__init__()
                    self.a = nn.Parameter(torch.empty(2 * dim, 1).to(device))
                    nn.init.xavier_uniform_(self.a)
            """,
            unsafe=True,
            severity=Severity.WARNING,
            message_contains="on any device or dtype other than the one it was made with",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Embed(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.table = nn.Parameter(torch.randn(n, d)) * 0.02
            """,
            expected_fix="""
            import torch
            from torch import nn

            class Embed(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.table = nn.Parameter(torch.randn(n, d) * 0.02)
            """,
            unsafe=True,
            severity=Severity.ERROR,
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Gate(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.g = nn.Parameter(torch.zeros(d), requires_grad=True).cuda()
            """,
            expected_fix="""
            import torch
            import torch.nn as nn

            class Gate(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.g = nn.Parameter(torch.zeros(d).cuda(), requires_grad=True)
            """,
            unsafe=True,
            severity=Severity.ERROR,
            message_contains="missing from `model.parameters()`",
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Mix(nn.Module):
                def __init__(self, a, b):
                    super().__init__()
                    self.w = nn.Parameter(a + b).double()
            """,
            expected_fix="""
            import torch
            from torch import nn

            class Mix(nn.Module):
                def __init__(self, a, b):
                    super().__init__()
                    self.w = nn.Parameter((a + b).double())
            """,
            unsafe=True,
            severity=Severity.WARNING,
        ),
        Invalid(
            """
            import torch
            from torch import nn

            class Positions(nn.Module):
                def __init__(self, n, d, device):
                    super().__init__()
                    self.pe = nn.Parameter(torch.zeros(n, d), requires_grad=False).to(device)
            """,
            severity=Severity.INFO,
            message_contains="it is a constant (`requires_grad=False`)",
        ),
    ]

from __future__ import annotations

import re
from typing import Optional, Union

import libcst as cst

from initlint.analysis.classes import (
    NormBuild,
    class_facts,
    flag_presence,
    is_self_attribute,
    norm_builds,
    norm_presence,
    torch_layer_name,
)
from initlint.analysis.gate import FileWords
from initlint.analysis.imports import dotted_name
from initlint.analysis.layers import LayerKind, branch_covers, classify, guard_class_names
from initlint.analysis.walk import find_all
from initlint.diagnostics import FixSafety, Severity
from initlint.rules.base import Fix, Invalid, Rule, Valid

_EXITS = (cst.Return, cst.Continue, cst.Raise, cst.Break)
_TOUCHED = ("weight", "bias")
_Statement = Union[cst.Expr, cst.Assign, cst.AugAssign, cst.AnnAssign]


def _touched(statement: cst.CSTNode, owner: str) -> list[str]:
    """Which of `<owner>.weight` / `<owner>.bias` a statement reads or writes, in order."""
    found: list[str] = []
    for node in find_all(statement, cst.Attribute):
        if node.attr.value in _TOUCHED and node.attr.value not in found:
            if dotted_name(node.value) == owner:
                found.append(node.attr.value)
    return found


class NormWithoutAffineInit(Rule):
    """
    ## What it does
    Flags every statement of an init function that touches `m.weight` or `m.bias` in a branch
    that norm layers without affine parameters can reach: `nn.InstanceNorm*d(...)` (torch's
    default is `affine=False`), `nn.BatchNorm*d(..., affine=False)`,
    `nn.GroupNorm(..., affine=False)`, `nn.LayerNorm(..., elementwise_affine=False)` (and
    `bias=False` for the bias), built directly, bound with `functools.partial(...)`, picked by an
    option (`norm_layer = nn.InstanceNorm2d if norm == "instance" else nn.BatchNorm2d`), or a
    named layer of the class (`self.norm.weight` with `self.norm = nn.InstanceNorm2d(c)`).

    The `isinstance` check (or the DCGAN-style `classname.find("Norm") != -1`) above the code
    says which layers reach it. Severity: `error` when a layer that reaches the branch is built
    without the tensor (a literal `affine=False`, an InstanceNorm with no `affine=True`);
    `warning` when the flag is an expression (`affine=cfg.affine`) or an InstanceNorm class is
    chosen as an option whose arguments are not visible. Statements under `if m.weight is not
    None:`, `if m.affine:`, `hasattr`/`getattr` checks, an early `return`/`continue`, or a
    `try` are not reported. A helper the module exports in `__all__` whose norm branch is
    unguarded while nothing in the project is known to build such a layer is `info`: its
    callers outside the project may.

    ## Why is this bad?
    A norm layer built without affine parameters has `weight = None` and `bias = None`:
    `nn.init.constant_(m.weight, 1)` or `m.weight.data.fill_(1)` raises `AttributeError:
    'NoneType' object has no attribute ...` the first time such a layer reaches the init. Guarding
    only the bias line (the usual fix for bias-free convs) leaves the weight line to crash.

    ## Example
    ```python
    def weights_init(m):
        classname = m.__class__.__name__
        if classname.find("Norm") != -1:
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)

    net = nn.Sequential(nn.Conv2d(3, 64, 3), nn.InstanceNorm2d(64))
    net.apply(weights_init)
    ```

    ## Use instead
    ```python
    def weights_init(m):
        classname = m.__class__.__name__
        if classname.find("Norm") != -1:
            if m.weight is not None:
                nn.init.normal_(m.weight, 1.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    ```

    ## Fix safety
    Safe: each statement is wrapped in `if m.weight is not None:` / `if m.bias is not None:`
    (both, joined by `and`, when it touches both). For layers that have the tensor nothing
    changes; for those that do not, the statement would have raised.

    ## References
    - [PyTorch: `nn.InstanceNorm2d` (`affine=False` by default)](https://pytorch.org/docs/stable/generated/torch.nn.InstanceNorm2d.html)
    - [pytorch-CycleGAN-and-pix2pix: `get_norm_layer` builds InstanceNorm with `affine=False`](https://github.com/junyanz/pytorch-CycleGAN-and-pix2pix/blob/master/models/networks.py)
    - [junyanz/pytorch-CycleGAN-and-pix2pix#145: initializing InstanceNorm2d, declined because `affine=False` layers have no weights](https://github.com/junyanz/pytorch-CycleGAN-and-pix2pix/pull/145)
    - [fastai/fastai2#9: norm init raised when `affine=False` (`bn.weight` is None)](https://github.com/fastai/fastai2/pull/9)
    """

    code = "INI007"
    name = "norm-without-affine-init"
    summary = "Init writes `weight`/`bias` of norm layers built without affine parameters (they are None)"
    severity = Severity.ERROR
    fix_safety = FixSafety.SAFE
    triggers = ("Norm",)

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """`_check` needs an init context and a statement touching `.weight` or `.bias`."""
        return words.init_context() and words.has_any(_TOUCHED)

    def visit_Expr(self, node: cst.Expr) -> None:
        self._check(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        self._check(node)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._check(node)

    def _check(self, node: _Statement) -> None:
        if self.context.init_context() is None:
            return
        for owner in self._owners(node):
            touched = _touched(node, owner)
            if not touched:
                continue
            missing = self._missing(owner, touched)
            if missing is None:
                continue
            severity, evidence, attrs = missing
            if self._guarded(node, owner, attrs):
                continue
            tensors = " / ".join(f"`{owner}.{a}`" for a in attrs)
            condition = " and ".join(f"{owner}.{a} is not None" for a in attrs)
            self.report(
                node,
                f"{tensors} is None for {evidence}: this statement raises AttributeError when "
                f"such a layer reaches it; guard it with `if {condition}:`",
                severity=severity,
                fix=self.guard_statement_fix(node, condition),
            )
            return

    def _owners(self, node: cst.CSTNode) -> list[str]:
        """Module names (`m`, `module`) and `self.<layer>` chains whose weight/bias is used."""
        owners: list[str] = []
        for attr in find_all(node, cst.Attribute):
            if attr.attr.value not in _TOUCHED:
                continue
            code = self.context.code_for(attr.value)
            if code not in owners and (
                isinstance(attr.value, cst.Name) and attr.value.value != "self"
                or is_self_attribute(attr.value) is not None
            ):
                owners.append(code)
        return owners

    def _missing(self, owner: str, touched: list[str]) -> Optional[tuple[Severity, str, list[str]]]:
        """(severity, which layers, the touched tensors they lack), or None when all have them."""
        if owner.startswith("self."):
            return self._named_layer(owner, touched)
        guards = [n for n in guard_class_names(self.context) if not n.startswith("hasattr:")]
        if not guards:
            return None
        certain: list[tuple[NormBuild, list[str]]] = []
        maybe: list[tuple[NormBuild, list[str]]] = []
        for build in norm_builds(self.context):
            if not any(branch_covers(name, build.name) for name in guards):
                continue
            presence = {"weight": build.has_weight, "bias": build.has_bias}
            lacks = [a for a in touched if presence[a] is False]
            unknown = [a for a in touched if presence[a] is None]
            if lacks:
                certain.append((build, lacks))
            elif unknown:
                maybe.append((build, unknown))
        chosen = certain or maybe
        if not chosen:
            return self._project_evidence(guards, touched)
        build, attrs = chosen[0]
        spelled = self.context.code_for(build.node)
        spelled = re.sub(r"\s+", " ", spelled)
        if len(spelled) > 70:
            spelled = spelled[:67] + "..."
        if certain:
            return Severity.ERROR, f"`{spelled}`, which this file builds", attrs
        how = "picked as an option here" if not build.called else "built here"
        return Severity.WARNING, f"`{spelled}` ({how}) unless it is built with affine parameters", attrs

    def _project_evidence(
        self, guards: list[str], touched: list[str]
    ) -> Optional[tuple[Severity, str, list[str]]]:
        """Layers built in other modules of the project that reach this init function."""
        function = self.context.init_context()
        if not isinstance(function, cst.FunctionDef):
            return None
        view = self.context.project
        reach = view.reaching(view.qualname_of(self.context, function))
        maybe: Optional[tuple[Severity, str, list[str]]] = None
        for use in reach.layers:
            if use.kind != "norm" or not use.cls.startswith("torch.nn."):
                continue
            if not any(branch_covers(g, use.short_name) for g in guards):
                continue
            weight, bias = flag_presence(use.short_name, dict(use.flags))
            presence = {"weight": weight, "bias": bias}
            lacks = [a for a in touched if presence[a] is False]
            where = f"`{use.short_name}` built in `{use.module}` (line {use.line})"
            if lacks:
                return Severity.ERROR, f"{where} without affine parameters, which reaches this function", lacks
            unknown = [a for a in touched if presence[a] is None]
            if unknown and maybe is None:
                maybe = Severity.WARNING, f"{where} unless its flag turns affine parameters on", unknown
        if maybe is None and self._public_helper(function):
            # Nothing known builds one, but a public helper's callers may: say so, as a lead.
            norm = next((g.rsplit(".", 1)[-1] for g in guards if classify(g) is LayerKind.NORM), None)
            if norm is not None:
                return (
                    Severity.INFO,
                    f"a `{norm}` built with `affine=False` (a torch option; no such layer is "
                    "known to reach this public helper, but its callers may build one)",
                    touched,
                )
        return maybe

    def _public_helper(self, function: cst.FunctionDef) -> bool:
        """A module-level function the module exports (`__all__`): an API whose callers are
        outside the project as well."""
        if function not in self.context.module.body:
            return False
        return function.name.value in self.context.memo(("INI007-exported",), self._exported)

    def _exported(self) -> frozenset[str]:
        names: set[str] = set()
        for statement in self.context.module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if (
                    isinstance(small, cst.Assign)
                    and any(isinstance(t.target, cst.Name) and t.target.value == "__all__" for t in small.targets)
                    and isinstance(small.value, (cst.List, cst.Tuple))
                ):
                    for element in small.value.elements:
                        if isinstance(element.value, cst.SimpleString):
                            value = element.value.evaluated_value
                            if isinstance(value, str):
                                names.add(value)
        return frozenset(names)

    def _named_layer(self, owner: str, touched: list[str]) -> Optional[tuple[Severity, str, list[str]]]:
        """`self.norm.weight` where `self.norm = nn.InstanceNorm2d(c)` in this class."""
        klass = self.context.enclosing_class()
        attr = owner.split(".", 1)[1]
        if klass is None or "." in attr:
            return None
        constructor = class_facts(self.context, klass).constructor(attr)
        if constructor is None:
            return None
        name = torch_layer_name(self.context, constructor)
        if name is None or name not in {b.name for b in norm_builds(self.context)}:
            return None
        weight, bias = norm_presence(self.context, constructor, name)
        presence = {"weight": weight, "bias": bias}
        lacks = [a for a in touched if presence[a] is False]
        if not lacks:
            return None
        return Severity.ERROR, f"`{owner}`, built as `{self.context.code_for(constructor)}`", lacks

    # -- guards ----------------------------------------------------------------------------
    def _guard_test(self, test: cst.BaseExpression, owner: str, attrs: list[str]) -> bool:
        code = self.context.code_for(test)
        o = re.escape(owner)
        return bool(
            re.search(rf"\baffine\b|\belementwise_affine\b", code)
            or any(
                re.search(rf"{o}\.{a}\b|(?:has|get)attr\(\s*{o}\s*,\s*['\"]{a}['\"]", code)
                for a in attrs
            )
        )

    def _guarded(self, node: cst.CSTNode, owner: str, attrs: list[str]) -> bool:
        previous: cst.CSTNode = node
        for ancestor in self.context.ancestors():
            if isinstance(ancestor, (cst.If, cst.IfExp)) and previous is not ancestor.test:
                if self._guard_test(ancestor.test, owner, attrs):
                    return True
            elif isinstance(ancestor, cst.BooleanOperation) and previous is ancestor.right:
                if self._guard_test(ancestor.left, owner, attrs):
                    return True
            elif isinstance(ancestor, cst.Try) and previous is ancestor.body and ancestor.handlers:
                return True
            elif isinstance(ancestor, cst.IndentedBlock):
                for statement in ancestor.body:
                    if statement is previous:
                        break
                    if (
                        isinstance(statement, cst.If)
                        and self._guard_test(statement.test, owner, attrs)
                        and _exits(statement)
                    ):
                        return True
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
                break
            previous = ancestor
        return False

    VALID = [
        Valid(
            """
            import torch.nn as nn

            affine_par = True

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 16, 3, bias=False)
                    self.bn = nn.BatchNorm2d(16, affine=affine_par)
                    for m in self.modules():
                        if isinstance(m, nn.BatchNorm2d):
                            m.weight.data.fill_(1)
                            m.bias.data.zero_()
            """,
            reason="`affine_par = True` is the file's only binding of the name: every norm has "
            "weight and bias (pywick's DeepLab ResNets)",
        ),
        Valid(
            """
            import torch.nn as nn

            def weights_init(m):
                classname = m.__class__.__name__
                if classname.find("BatchNorm") != -1:
                    nn.init.normal_(m.weight, 1.0, 0.02)
                    nn.init.zeros_(m.bias)

            net = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.InstanceNorm2d(8))
            """,
            reason="the branch only lets BatchNorm in, and every BatchNorm here is affine",
        ),
        Valid(
            """
            import torch.nn as nn

            def weights_init(m):
                if isinstance(m, (nn.BatchNorm2d, nn.InstanceNorm2d)):
                    if m.weight is not None:
                        nn.init.ones_(m.weight)
                    if m.bias is not None:
                        nn.init.zeros_(m.bias)

            net = nn.Sequential(nn.Conv2d(3, 8, 3), nn.InstanceNorm2d(8))
            """,
            reason="correctly guarded: each statement under its own None check",
        ),
        Valid(
            """
            import torch.nn as nn

            def init(m):
                if isinstance(m, nn.InstanceNorm2d):
                    if not m.affine:
                        return
                    nn.init.ones_(m.weight)
                    nn.init.zeros_(m.bias)

            net = nn.Sequential(nn.Conv2d(3, 8, 3), nn.InstanceNorm2d(8))
            """,
            reason="early return when the layer has no affine parameters",
        ),
        Valid(
            """
            import torch.nn as nn

            def init(m):
                if isinstance(m, nn.InstanceNorm2d):
                    nn.init.ones_(m.weight)
                    nn.init.zeros_(m.bias)

            net = nn.Sequential(nn.Conv2d(3, 8, 3), nn.InstanceNorm2d(8, affine=True))
            """,
            reason="every InstanceNorm here is built with affine=True",
        ),
        Valid(
            """
            import torch.nn as nn

            def init(m):
                if isinstance(m, nn.LayerNorm):
                    nn.init.ones_(m.weight)

            net = nn.Sequential(nn.Linear(8, 8), nn.LayerNorm(8, bias=False))
            """,
            reason="LayerNorm(bias=False) still has a weight",
        ),
        Valid(
            """
            import torch.nn as nn

            def init(m):
                if isinstance(m, nn.Linear):
                    nn.init.xavier_uniform_(m.weight)

            norm = nn.InstanceNorm2d
            """,
            reason="the branch does not let norm layers in",
        ),
        Valid(
            """
            import torch.nn as nn

            class Head(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.proj = nn.Linear(d, d, bias=False)
                    self.norm = nn.LayerNorm(d)
                    self.apply(self._init)

                def _init(self, module):
                    if isinstance(module, (nn.Linear, nn.LayerNorm)):
                        nn.init.ones_(module.weight)
            """,
            reason="a bias-free Linear reaching the branch is not a norm without affine parameters",
        ),
        Valid(
            """
            import torch.nn as nn

            def normal_init(m, std=0.02):
                if isinstance(m, nn.BatchNorm2d):
                    nn.init.normal_(m.weight, 1.0, std)
                    nn.init.zeros_(m.bias)

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 8, 3, bias=False)
                    self.bn = nn.BatchNorm2d(8)
                    self.apply(normal_init)
            """,
            reason="not exported (no `__all__`), and every layer that reaches it is known: its "
            "BatchNorm has affine parameters",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import torch.nn as nn

            affine_par = False

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = nn.Conv2d(3, 16, 3, bias=False)
                    self.bn = nn.BatchNorm2d(16, affine=affine_par)
                    for m in self.modules():
                        if isinstance(m, nn.BatchNorm2d):
                            m.weight.data.fill_(1)
            """,
            severity=Severity.ERROR,
        ),
        Invalid(
            """
            import torch.nn as nn

            __all__ = ["normal_init"]

            def normal_init(m, std=0.02):
                cname = m.__class__.__name__
                if cname.find("Conv") != -1:
                    nn.init.normal_(m.weight, 0.0, std)
                elif cname.find("BatchNorm") != -1:
                    nn.init.normal_(m.weight, 1.0, std)
                    nn.init.constant_(m.bias, 0)
            """,
            count=2,
            severity=Severity.INFO,
            message_contains="no such layer is known to reach this public helper",
        ),
        Invalid(
            """
            import torch.nn as nn

            def weights_init(m):
                classname = m.__class__.__name__
                if classname.find("Norm") != -1:
                    nn.init.normal_(m.weight, 1.0, 0.02)
                    nn.init.zeros_(m.bias)

            net = nn.Sequential(nn.Conv2d(3, 8, 3), nn.InstanceNorm2d(8))
            """,
            expected_fix="""
            import torch.nn as nn

            def weights_init(m):
                classname = m.__class__.__name__
                if classname.find("Norm") != -1:
                    if m.weight is not None:
                        nn.init.normal_(m.weight, 1.0, 0.02)
                    if m.bias is not None:
                        nn.init.zeros_(m.bias)

            net = nn.Sequential(nn.Conv2d(3, 8, 3), nn.InstanceNorm2d(8))
            """,
            count=2,
            severity=Severity.ERROR,
            message_contains="`nn.InstanceNorm2d(8)`, which this file builds",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init(m):
                if isinstance(m, nn.BatchNorm2d):
                    m.weight.data.fill_(1)
                    if m.bias is not None:
                        m.bias.data.zero_()

            block = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8, affine=False))
            """,
            expected_fix="""
            import torch.nn as nn

            def init(m):
                if isinstance(m, nn.BatchNorm2d):
                    if m.weight is not None:
                        m.weight.data.fill_(1)
                    if m.bias is not None:
                        m.bias.data.zero_()

            block = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8, affine=False))
            """,
            count=1,
        ),
        Invalid(
            """
            import functools
            import torch.nn as nn

            def get_norm_layer(norm_type="instance"):
                if norm_type == "batch":
                    return functools.partial(nn.BatchNorm2d, affine=True)
                return functools.partial(nn.InstanceNorm2d, affine=False, track_running_stats=False)

            def init_func(m):
                if isinstance(m, (nn.BatchNorm2d, nn.InstanceNorm2d)):
                    nn.init.normal_(m.weight.data, 1.0, 0.02)
                    nn.init.constant_(m.bias.data, 0.0)
            """,
            count=2,
            severity=Severity.ERROR,
            message_contains="functools.partial(nn.InstanceNorm2d",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Block(nn.Module):
                def __init__(self, c, norm="instance"):
                    super().__init__()
                    norm_layer = nn.InstanceNorm2d if norm == "instance" else nn.BatchNorm2d
                    self.norm = norm_layer(c)
                    self.apply(self._init)

                def _init(self, m):
                    if isinstance(m, nn.InstanceNorm2d):
                        nn.init.ones_(m.weight)
            """,
            severity=Severity.WARNING,
            message_contains="picked as an option",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.ln = nn.LayerNorm(d, elementwise_affine=False)
                    self.reset_parameters()

                def reset_parameters(self):
                    self.ln.weight.data.fill_(1.0)
            """,
            severity=Severity.ERROR,
            message_contains="`self.ln`, built as `nn.LayerNorm(d, elementwise_affine=False)`",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init(m):
                if isinstance(m, nn.GroupNorm):
                    m.weight.data.mul_(m.bias)

            gn = nn.GroupNorm(4, 16, affine=cfg.affine)
            """,
            expected_fix="""
            import torch.nn as nn

            def init(m):
                if isinstance(m, nn.GroupNorm):
                    if m.weight is not None and m.bias is not None:
                        m.weight.data.mul_(m.bias)

            gn = nn.GroupNorm(4, 16, affine=cfg.affine)
            """,
            severity=Severity.WARNING,
        ),
    ]


def _exits(statement: cst.If) -> bool:
    body = statement.body
    lines = body.body if isinstance(body, cst.IndentedBlock) else [body]
    last = lines[-1] if lines else None
    if isinstance(last, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return any(isinstance(s, _EXITS) for s in last.body)
    return False

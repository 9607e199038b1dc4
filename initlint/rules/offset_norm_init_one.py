from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from initlint.analysis.classes import (
    InitSite,
    class_facts,
    file_classes,
    init_sites,
    offset_attributes,
    refilled_at_construction,
)
from initlint.analysis.frameworks import INIT_WEIGHTS_METHOD, calls_super_method, transformers_facts
from initlint.analysis.gate import FileWords
from initlint.analysis.tensors import init_call, literal_number
from initlint.analysis.walk import find_all
from initlint.analysis.library import LIBRARY_INIT_TRIGGERS
from initlint.diagnostics import Severity
from initlint.rules.base import Invalid, Rule, Valid

# torch.nn classes whose `weight` starts at one (a subclass inherits that default).
_ONES_BY_DEFAULT = re.compile(r"^torch\.nn\.(?:LayerNorm|RMSNorm|GroupNorm|\w*BatchNorm\w*|\w*InstanceNorm\w*)$")
# transformers v5's base `_init_weights` sets `weight` to one for classes named like these.
_HF_ONES_BY_NAME = ("RMSNorm", "LayerNorm")


def _creates_ones(value: cst.BaseExpression, context) -> Optional[bool]:  # type: ignore[no-untyped-def]
    """True when the value is built from `torch.ones`, False for `torch.zeros`, None otherwise."""
    found: Optional[bool] = None
    for call in find_all(value, cst.Call):
        name = context.resolve(call.func) or ""
        if name in ("torch.ones", "torch.ones_like"):
            found = True
        elif name in ("torch.zeros", "torch.zeros_like"):
            return False
    return found


def _writes_value(site: InitSite, context) -> Optional[float]:  # type: ignore[no-untyped-def]
    """The value (or mean) an init site writes: 1.0 for `ones_`, `fill_(1)`, `normal_(w, 1.0, s)`."""
    if not isinstance(site.node, cst.Call):
        return None
    call = init_call(site.node, context)
    if call is None:
        name = context.init_function(site.node.func)
        return 1.0 if name == "ones_" else None
    if call.function in ("ones_", "ones"):
        return 1.0
    if call.function in ("zeros_", "zeros"):
        return 0.0
    if call.function in ("constant_", "constant"):
        return literal_number(call.argument(0, "value" if call.is_method else "val"))
    if call.function in ("normal_", "normal"):
        return literal_number(call.argument(0, "mean")) or 0.0
    return None


class OffsetNormInitOne(Rule):
    """
    ## What it does
    Finds norm classes whose `forward` uses their gain with a unit offset, `x * (1 + self.weight)`
    or `self.weight + 1` (Gemma's RMSNorm, Megatron's `LayerNorm1P`, `add_unit_offset` variants),
    and flags the places that initialize that gain to one instead of zero:

    - the parameter itself: `self.weight = nn.Parameter(torch.ones(dim))`;
    - torch's default: a subclass of `nn.LayerNorm` / `nn.RMSNorm` / `nn.GroupNorm` / BatchNorm
      whose `weight` starts at one and that never sets it to zero;
    - an init function: `nn.init.ones_(m.weight)`, `m.weight.data.fill_(1.0)`,
      `normal_(m.weight, 1.0, 0.02)` in a branch that the class reaches (`isinstance(m, Cls)`,
      `isinstance(m, nn.LayerNorm)` for a LayerNorm subclass, `"RMSNorm" in
      m.__class__.__name__`), with no zeroing of that class's weight after it;
    - transformers' base class: in a model file, `PreTrainedModel._init_weights` sets the weight
      of every module whose class name contains `RMSNorm` or `LayerNorm` to one; a model whose
      `_init_weights` calls `super()._init_weights(module)` (or does not override it) and never
      sets the offset norm's weight back to zero starts every such norm at gain 2.

    Severity: `error` when the init is certain; `warning` when it depends on a branch (the ones
    or the offset sit under a condition, not both) or on the library version (the base-class
    case in a file not written for transformers v5's `initialization` helpers); `info` when the
    class re-fills the parameter at construction with a value not known here
    (`self.eps.data.fill_(self.initial_eps)` in `reset_parameters`): it starts at that value.

    ## Why is this bad?
    With `y = norm(x) * (1 + w)`, `w = 0` is the identity gain. Initialized to one, every such
    norm doubles its output: the residual stream and the logits start twice as large at every
    layer, attention softmaxes start sharper and a model trained from this init learns a
    different scale than the one the architecture (and its pretrained checkpoints) assume.

    ## Example
    ```python
    class RMSNorm(nn.Module):
        def __init__(self, dim, eps=1e-6):
            super().__init__()
            self.eps = eps
            self.weight = nn.Parameter(torch.ones(dim))

        def forward(self, x):
            x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
            return x * (1 + self.weight)
    ```

    ## Use instead
    ```python
            self.weight = nn.Parameter(torch.zeros(dim))
    ```

    ## Fix safety
    No automatic fix: whether the offset or the ones is the mistake is the author's call.

    ## References
    - [transformers: Gemma initializes its `(1 + weight)` RMSNorm to zeros ("We initialize with 0s to be 1 centered")](https://github.com/huggingface/transformers/blob/main/src/transformers/models/gemma/modeling_gemma.py)
    - [Megatron-LM: `LayerNorm1P` zeroes its weight in `reset_parameters`](https://github.com/NVIDIA/Megatron-LM)
    - [transformers: the base `PreTrainedModel._init_weights` sets modules named `*RMSNorm`/`*LayerNorm` to one; Gemma models zero theirs again after `super()._init_weights`](https://github.com/huggingface/transformers/blob/main/src/transformers/modeling_utils.py)
    """

    code = "INI107"
    name = "offset-norm-init-one"
    summary = "Gain used as `1 + weight` in forward but initialized to one: the effective gain is 2"
    severity = Severity.ERROR
    fix_safety = None
    triggers = ("1 +", "+ 1", "1.0 +", "+ 1.0", "ones_", "fill_(1", "constant_(") + LIBRARY_INIT_TRIGGERS

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Reports in other classes' init code need an init context; per class they need a
        `1 + self.<attr>` (a `+` and `self`) and either `torch.ones` for the attribute or the
        attribute `weight` (torch's and transformers' defaults)."""
        if words.init_context():
            return True
        return words.has_plus and words.has("self") and words.has("weight", "ones", "ones_like")

    def leave_Module(self, original_node: cst.Module) -> None:
        self._check_project_classes()
        for klass in file_classes(self.context).values():
            offsets = offset_attributes(self.context, klass)
            for attr, conditional in offsets.items():
                if self._zeroed_in_class(klass, attr):
                    continue
                refill = refilled_at_construction(self.context, klass, attr)
                if refill is not None:
                    # the ones it is created with are replaced by a value not known here
                    self._check_parameter(klass, attr, conditional, refill)
                    continue
                self._check_parameter(klass, attr, conditional)
                # one report per class: an explicit init runs after the base's, which runs
                # after torch's default
                if not self._check_init_functions(klass, attr, conditional):
                    if not self._check_transformers_base(klass, attr, conditional):
                        self._check_torch_default(klass, attr, conditional)

    # -- the class's own code --------------------------------------------------------------
    def _zeroed_in_class(self, klass: cst.ClassDef, attr: str) -> bool:
        for site in init_sites(self.context):
            if site.klass is klass and site.owner == "self" and site.attr == attr:
                if _writes_value(site, self.context) == 0.0:
                    return True
        return False

    def _check_parameter(
        self, klass: cst.ClassDef, attr: str, offset_conditional: bool, refill: Optional[InitSite] = None
    ) -> None:
        facts = class_facts(self.context, klass)
        for assignment in facts.assignments:
            if assignment.attr != attr or assignment.value is None:
                continue
            ones = _creates_ones(assignment.value, self.context)
            if not ones:
                continue
            in_branch = isinstance(assignment.value, cst.IfExp) or self._under_if(facts, assignment.value)
            if in_branch and offset_conditional:
                continue  # `zeros if add_unit_offset else ones` paired with a conditional offset
            if refill is not None:
                method = refill.function.name.value if refill.function is not None else "__init__"
                self.report(
                    assignment.value,
                    f"`self.{attr}` is created with ones, but `{method}` re-fills it "
                    f"(`{self.context.code_for(refill.node)}`) before it is used: it starts at that "
                    f"value, and `{klass.name.value}` uses it as `1 + self.{attr}`; fine unless that "
                    "value is one",
                    severity=Severity.INFO,
                )
                continue
            severity = Severity.WARNING if (in_branch or offset_conditional) else Severity.ERROR
            self.report(
                assignment.value,
                f"`self.{attr}` starts at one, but `{klass.name.value}` uses it as `1 + "
                f"self.{attr}`: the effective gain starts at 2"
                + (" (in one branch)" if severity is Severity.WARNING else "")
                + f"; initialize it with `torch.zeros`",
                severity=severity,
            )

    def _under_if(self, facts, value: cst.CSTNode) -> bool:  # type: ignore[no-untyped-def]
        if facts.init is None:
            return False
        for branch in find_all(facts.init, cst.If):
            if any(node is value for node in find_all(branch, type(value))):
                return True
        return False

    def _check_torch_default(self, klass: cst.ClassDef, attr: str, conditional: bool) -> None:
        facts = class_facts(self.context, klass)
        if attr != "weight" or facts.first_assignment(attr) is not None:
            return
        base = next((b for b in facts.bases if _ONES_BY_DEFAULT.match(b)), None)
        overridden = False
        if base is None:
            # a torch norm further up, through bases in other modules of the project
            index = self.context.project.index
            order, _ = index.mro(self.context.project.qualify(klass.name.value))
            for name in order[1:]:
                if _ONES_BY_DEFAULT.match(name):
                    base = name
                    break
                found = index.class_(name)
                if found is not None and "reset_parameters" in found[1].methods:
                    overridden = True  # what the project base's own reset does is not known here
        if base is None:
            return
        self.report(
            klass.name,
            f"`{klass.name.value}` uses `1 + self.weight`, but its base `{base}` initializes "
            "`weight` to one and nothing here sets it to zero: the effective gain starts at 2; "
            "zero it in `reset_parameters`",
            severity=Severity.WARNING if conditional or overridden else Severity.ERROR,
        )

    # -- init functions of the file --------------------------------------------------------
    def _covers(self, guard: str, klass: cst.ClassDef) -> bool:
        name = klass.name.value
        last = guard.rsplit(".", 1)[-1]
        if last == name or guard in class_facts(self.context, klass).bases:
            return True
        return "." not in guard and bool(last) and last in name and not guard[:1].islower()

    def _check_init_functions(self, klass: cst.ClassDef, attr: str, conditional: bool) -> bool:
        reported = False
        sites = [s for s in init_sites(self.context) if s.klass is not klass or s.owner != "self"]
        for index, site in enumerate(sites):
            if site.attr != attr or site.owner in (None, "self") or not site.in_init_context:
                continue
            if not any(self._covers(g, klass) for g in site.guards):
                continue
            value = _writes_value(site, self.context)
            if value != 1.0:
                continue
            if any(
                later.function is site.function
                and later.attr == attr
                and any(self._covers(g, klass) for g in later.guards)
                and _writes_value(later, self.context) == 0.0
                for later in sites[index + 1:]
            ):
                continue
            self.report(
                site.node,
                f"sets `{attr}` of `{klass.name.value}` to one, but its forward uses `1 + "
                f"self.{attr}`: the effective gain starts at 2; use zeros for this class",
                severity=Severity.WARNING if conditional else Severity.ERROR,
            )
            reported = True
        return reported

    def _check_project_classes(self) -> None:
        """Ones written by this file's init code to offset norms defined in other modules."""
        view = self.context.project
        local = set(file_classes(self.context))
        sites = init_sites(self.context)
        for index, site in enumerate(sites):
            if site.attr != "weight" or site.owner in (None, "self") or not site.in_init_context:
                continue
            if _writes_value(site, self.context) != 1.0:
                continue
            offset = self._project_offset_class(site, local)
            if offset is None:
                continue
            if any(
                later.function is site.function and later.attr == "weight"
                and any(g.rsplit(".", 1)[-1] in offset or g in offset for g in later.guards)
                and _writes_value(later, self.context) == 0.0
                for later in sites[index + 1:]
            ):
                continue
            self.report(
                site.node,
                f"sets `weight` of `{offset}` to one, but its forward (in "
                f"`{offset.rsplit('.', 1)[0]}`) uses `1 + self.weight`: the effective gain starts "
                "at 2; use zeros for this class",
            )

    def _project_offset_class(self, site: InitSite, local: set[str]) -> Optional[str]:
        """A project class from another module, let in by the site's branch, whose forward uses
        `1 + self.weight`."""
        view = self.context.project
        for guard in site.guards:
            if guard.split(".")[0] in local:
                continue
            resolved = view.index.resolve(guard) or view.resolve_name(guard)
            if resolved is not None and "one_plus" in view.index.forward_uses(resolved, "weight"):
                return resolved
        if site.function is None:
            return None
        reach = view.reaching(view.qualname_of(self.context, site.function))
        for use in reach.layers:
            if use.cls.startswith("torch.") or use.module == view.module:
                continue
            if not any("." not in g and g in use.short_name for g in site.guards):
                continue  # fragment tests (`"RMSNorm" in name`); isinstance is resolved above
            if "one_plus" in view.index.forward_uses(use.cls, "weight"):
                return use.cls
        return None

    # -- transformers' base class ----------------------------------------------------------
    def _zeroes_by_name(self, method: cst.FunctionDef, klass: cst.ClassDef) -> bool:
        """`elif isinstance(module, Klass): init.zeros_(module.weight)` where `init` is not
        resolved to transformers (a vendored modeling file importing `from ... import
        initialization as init`): a `zeros_`/`zero_()` of the tested module's weight in a branch
        whose `isinstance` test names the class."""
        for branch in find_all(method, cst.If):
            test = branch.test
            if not (isinstance(test, cst.Call) and isinstance(test.func, cst.Name) and test.func.value == "isinstance"
                    and len(test.args) == 2 and isinstance(test.args[0].value, cst.Name)):
                continue
            subject = test.args[0].value.value
            if klass.name.value not in {n.value for n in find_all(test.args[1].value, cst.Name)} | {
                a.attr.value for a in find_all(test.args[1].value, cst.Attribute)
            }:
                continue
            weight = f"{subject}.weight"
            for call in find_all(branch.body, cst.Call):
                func = call.func
                name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
                if name == "zeros_" and call.args and self.context.code_for(call.args[0].value) in (weight, f"{weight}.data"):
                    return True
                if name == "zero_" and isinstance(func, cst.Attribute) and self.context.code_for(func.value) in (weight, f"{weight}.data"):
                    return True
        return False

    def _check_transformers_base(self, klass: cst.ClassDef, attr: str, conditional: bool) -> bool:
        if attr != "weight" or not any(n in klass.name.value for n in _HF_ONES_BY_NAME):
            return False
        facts = transformers_facts(self.context)
        if not facts.is_transformers_modeling_file or not facts.model_classes:
            return False
        overrides = [
            m for name in facts.model_classes
            for m in [class_facts(self.context, facts.classes[name]).methods.get(INIT_WEIGHTS_METHOD)]
            if m is not None
        ]
        if overrides and not any(calls_super_method(m, INIT_WEIGHTS_METHOD) for m in overrides):
            return False  # the base's `_init_weights` never runs
        if any(
            site.function in overrides and site.attr == attr
            and any(self._covers(g, klass) for g in site.guards)
            and _writes_value(site, self.context) == 0.0
            for site in init_sites(self.context)
        ):
            return True  # zeroed again after the base: nothing to report, and torch's default is overwritten
        if any(self._zeroes_by_name(m, klass) for m in overrides):
            return True  # the same, through a vendored copy of transformers' `init` helpers
        certain = facts.uses_init_wrapper and not conditional
        where = overrides[0].name if overrides else klass.name
        self.report(
            where,
            f"transformers' `PreTrainedModel._init_weights` sets the weight of modules named like "
            f"`*RMSNorm`/`*LayerNorm` to one, and `{klass.name.value}` uses `1 + self.weight`: "
            f"its effective gain starts at 2; add `elif isinstance(module, {klass.name.value}): "
            "init.zeros_(module.weight)` after `super()._init_weights(module)`",
            severity=Severity.ERROR if certain else Severity.WARNING,
        )
        return True

    VALID = [
        Valid(
            # a step size of an unrolled solver: `mu / (mu + 1)` divides, it is no `1 + w` gain
            """
            import torch
            import torch.nn as nn

            class Unrolled(nn.Module):
                def __init__(self, steps):
                    super().__init__()
                    self.mu = nn.Parameter(torch.ones(steps))

                def forward(self, x, y):
                    for k in range(len(self.mu)):
                        x = self.mu[k] / (self.mu[k] + 1) * y + x / (1 + self.mu[k])
                    return x
            """
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class RMSNorm(nn.Module):
                def __init__(self, dim, eps=1e-6):
                    super().__init__()
                    self.eps = eps
                    self.weight = nn.Parameter(torch.zeros(dim))

                def forward(self, x):
                    x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
                    return x * (1.0 + self.weight.float())
            """,
            reason="zero-offset variant: Gemma's RMSNorm starts at zero",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class RMSNorm(nn.Module):
                def __init__(self, dim, add_unit_offset=True):
                    super().__init__()
                    self.add_unit_offset = add_unit_offset
                    self.weight = nn.Parameter(torch.zeros(dim) if add_unit_offset else torch.ones(dim))

                def forward(self, x):
                    return x * (1 + self.weight if self.add_unit_offset else self.weight)
            """,
            reason="ones only when the offset is off (both under the same flag)",
        ),
        Valid(
            """
            import torch.nn as nn

            class LayerNorm1P(nn.LayerNorm):
                def reset_parameters(self):
                    nn.init.zeros_(self.weight)
                    nn.init.zeros_(self.bias)

                def forward(self, x):
                    return nn.functional.layer_norm(x, self.normalized_shape, self.weight + 1, self.bias, self.eps)
            """,
            reason="the LayerNorm subclass re-zeroes its weight in reset_parameters",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Norm(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.weight = nn.Parameter(torch.ones(dim))

                def forward(self, x):
                    return x * self.weight + 1
            """,
            reason="`x * self.weight + 1` is not a unit offset of the gain",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class GemmaRMSNorm(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.weight = nn.Parameter(torch.zeros(dim))

                def forward(self, x):
                    return x * (1 + self.weight)

            def init(m):
                if isinstance(m, (nn.LayerNorm, GemmaRMSNorm)):
                    nn.init.ones_(m.weight)
                if isinstance(m, GemmaRMSNorm):
                    nn.init.zeros_(m.weight)
            """,
            reason="re-drawn: the class's weight is set back to zero after the shared ones",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import torch
            import torch.nn as nn

            class SkipMix(nn.Module):
                def __init__(self, start=0.0, learn=True):
                    super().__init__()
                    self.start = start
                    if learn:
                        self.alpha = nn.Parameter(torch.ones(1))
                    else:
                        self.register_buffer("alpha", torch.tensor([start]))
                    self.reset_parameters()

                def reset_parameters(self):
                    self.alpha.data.fill_(self.start)

                def forward(self, x, neighbours):
                    return (1 + self.alpha) * x + neighbours
            """,
            line=10,
            severity=Severity.INFO,
            message_contains="but `reset_parameters` re-fills it (`self.alpha.data.fill_(self.start)`)",
        ),
        Invalid(
            """
            import torch.nn as nn
            import torch.nn.functional as F
            from transformers import PreTrainedModel
            from transformers import initialization as init

            class AcmeLayerNorm1P(nn.LayerNorm):
                def forward(self, x):
                    return F.layer_norm(x, self.normalized_shape, self.weight + 1.0, self.bias, self.eps)

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    super()._init_weights(module)
                    if isinstance(module, AcmeLayerNorm1P):
                        init.ones_(module.weight)
                        init.zeros_(module.bias)
            """,
            count=1,
            line=15,
            severity=Severity.ERROR,
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class RMSNorm(nn.Module):
                def __init__(self, dim, eps=1e-6):
                    super().__init__()
                    self.eps = eps
                    self.weight = nn.Parameter(torch.ones(dim))

                def forward(self, x):
                    x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
                    return x * (1 + self.weight)
            """,
            severity=Severity.ERROR,
            line=9,
            message_contains="effective gain starts at 2",
        ),
        Invalid(
            """
            import torch.nn as nn
            import torch.nn.functional as F

            class LayerNorm1P(nn.LayerNorm):
                def forward(self, x):
                    return F.layer_norm(x, self.normalized_shape, self.weight + 1, self.bias, self.eps)
            """,
            severity=Severity.ERROR,
            message_contains="its base `torch.nn.LayerNorm` initializes",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class GemmaRMSNorm(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.weight = nn.Parameter(torch.zeros(dim))

                def forward(self, x):
                    return x * (1 + self.weight)

            def init_weights(m):
                if isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, std=0.02)
                elif "RMSNorm" in m.__class__.__name__:
                    m.weight.data.fill_(1.0)
            """,
            severity=Severity.ERROR,
            line=17,
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class RMSNorm(nn.Module):
                def __init__(self, dim, unit_offset=False):
                    super().__init__()
                    self.unit_offset = unit_offset
                    self.weight = nn.Parameter(torch.ones(dim))

                def forward(self, x):
                    w = self.weight + 1.0 if self.unit_offset else self.weight
                    return x * w
            """,
            severity=Severity.WARNING,
            message_contains="in one branch",
        ),
        Invalid(
            """
            import torch
            from torch import nn
            from transformers import PreTrainedModel
            from transformers import initialization as init

            class AcmeRMSNorm(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.weight = nn.Parameter(torch.zeros(dim))

                def forward(self, x):
                    return x * (1.0 + self.weight.float())

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    super()._init_weights(module)
                    if isinstance(module, nn.Linear):
                        init.normal_(module.weight, std=0.02)
            """,
            severity=Severity.ERROR,
            message_contains="PreTrainedModel._init_weights` sets the weight",
        ),
    ]

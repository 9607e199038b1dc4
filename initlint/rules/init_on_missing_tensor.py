from __future__ import annotations

import re
from typing import Optional, Union

import libcst as cst

from initlint.analysis.classes import InitSite, SiteKind, init_sites, modules_held, torch_layer_name
from initlint.analysis.gate import FileWords
from initlint.analysis.guards import none_guard
from initlint.analysis.imports import dotted_name
from initlint.analysis.layers import names_in_test
from initlint.analysis.library import BIAS_IS_A_FLAG, NO_WEIGHT_OR_BIAS, lacks_weight_and_bias
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
    padding, `nn.Upsample`, `nn.PixelShuffle`). Init code is an `nn.init` call, an in-place
    fill (`.data.zero_()`, `.data = ...`) or a project helper that does one of those to the
    module it is given (`layer_init(self)` with `def layer_init(layer):
    nn.init.orthogonal_(layer.weight)`).

    Reported only when the module's class is certain: the class itself derives from such a
    torch layer (`class LSTM(nn.LSTM)` calling `layer_init(self)`), the module was built
    right there (`self.rnn = nn.GRU(...)` above in the same function, or every assignment of
    the attribute in `__init__` when the init is another method), an element of an
    `nn.Sequential` of literal layers at a literal index (`self.out[-1]` with
    `nn.Flatten()` last): an `error`, construction raises. A `warning` when the branch's
    `isinstance` test lets such a class in (`isinstance(m, nn.LSTM)`, or beside others:
    `isinstance(m, (nn.Linear, nn.LSTM))`): the code raises when one of those reaches it. Code under a `hasattr`/`getattr`
    check or a `try` that catches AttributeError is not reported, nor a module whose class is
    not known (a parameter without such a test, a library class).

    ## Why is this bad?
    `nn.Module.__getattr__` raises `AttributeError: 'LSTM' object has no attribute 'weight'`,
    and `nn.init.zeros_(lstm.bias)` raises on a bool: building the model fails. When the code
    sits in a rarely used branch (an option, a subclass nobody instantiates yet) the crash
    waits for the first user of that branch; when the intent was the layer before
    (`self.out[-1]` after a `Flatten` was appended), that layer is not initialized as meant.

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
    triggers = ("weight", "bias", *sorted(NO_WEIGHT_OR_BIAS))

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Every report is at an init site whose tensor is `<owner>.weight`/`.bias`: written in
        the file, or produced by a project helper given the module; `_check` requires the file
        to name the tensor or one of `NO_WEIGHT_OR_BIAS` (a helper given `self` of a class
        whose recurrent base is named only in another file is not followed)."""
        return words.has_any(_FILE_WORDS)

    def visit_Call(self, node: cst.Call) -> None:
        self._check(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        self._check(node)

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
            missing = self._missing(owner, owner_code, site.attr or "")
            if missing is None:
                continue
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
                else "this raises AttributeError when such a layer reaches it"
            )
            self.report(node, f"{tensor}{via}: {what}, and {lacks}; {ending}", severity=severity)
            return

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
    ]
    INVALID = [
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
    ]

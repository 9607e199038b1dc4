from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from initlint.analysis.classes import helper_targets
from initlint.analysis.frameworks import transformers_facts, walk, wrapper_function
from initlint.analysis.gate import FileWords
from initlint.analysis.imports import dotted_name
from initlint.analysis.library import library_module_init
from initlint.analysis.tensors import init_call, literal_number, tensor_ref
from initlint.diagnostics import Severity
from initlint.rules.base import Invalid, Rule, Valid

# Init entry points that are known to run again on a module that already has weights.
_RERUN: dict[str, str] = {
    "_init_weights": (
        "transformers runs `_init_weights` again after loading, on every module the checkpoint "
        "did not fully cover, and `init_weights()` re-runs it"
    ),
    "reset_parameters": (
        "`reset_parameters()` is called again by users, after `to_empty()` when a model is "
        "materialized from the meta device, and by FSDP for meta-device modules"
    ),
}
for _alias, _target in (
    ("init_weights", "_init_weights"), ("_init_weight", "_init_weights"),
    ("init_weight", "_init_weights"), ("initialize_weights", "_init_weights"),
    ("_initialize_weights", "_init_weights"), ("_reset_parameters", "reset_parameters"),
    ("reset_params", "reset_parameters"), ("_reset_params", "reset_parameters"),
    ("reset_weights", "reset_parameters"),
):
    _RERUN[_alias] = _RERUN[_target]

_SCALE_METHODS = frozenset({"mul_", "div_", "multiply_", "divide_", "true_divide_"})
_PARAMETER_ITERATORS = frozenset({"parameters", "named_parameters"})


@dataclass
class _FunctionFacts:
    aliases: dict[str, str]  # local name → the attribute chain it stands for
    param_loops: set[str]  # loop variables over `.parameters()` / `.named_parameters()`
    initialized: set[str]  # tensors (normalized) that an init call in the function writes
    reset_roots: set[str]  # modules re-initialized whole: `super().reset_parameters()` → "self"
    applied_roots: set[str]  # modules whose whole subtree was re-initialized: `self.apply(fn)`


def _strip(expr: cst.BaseExpression) -> tuple[cst.BaseExpression, bool]:
    """Drop `.data`, `.detach()` and subscripts; say whether `.data`/`.detach()` was there."""
    data = False
    while True:
        if isinstance(expr, cst.Subscript):
            expr = expr.value
            continue
        ref = tensor_ref(expr)
        if ref.expr is expr:
            return expr, data
        expr, data = ref.expr, True


class NonIdempotentInit(Rule):
    """
    ## What it does
    Flags in-place rescales of a parameter (`p.data /= k`, `w.data *= k`, `p.mul_(k)`,
    `p.div_(k)`, `w.data = w.data * k`) inside `_init_weights`, `reset_parameters` and other init
    functions, when that function does not re-initialize the same tensor first.

    Not reported: a rescale right after a fresh init of the same tensor in the same function
    (`nn.init.normal_(w, std=0.02); w.data *= 1 / math.sqrt(2 * n_layer)`: each run draws anew,
    then scales once), a normalization by the tensor's own statistics
    (`w.div_(w.norm(dim=1, keepdim=True))`, which a second run leaves unchanged), and
    multiplying by 0. A module handed to mmengine/mmcv's `kaiming_init(m)`, `normal_init`,
    `xavier_init`, `constant_init`, `uniform_init` or `trunc_normal_init` first counts as
    re-drawn: they re-write its weight (and set its bias to a constant). Methods known to run again (`_init_weights`/`init_weights` of a
    transformers model, `reset_parameters`, `_reset_parameters`) get a warning; other init
    functions, including `_init_weights` of plain modules, get `info`. A parent reset called
    first (`super().reset_parameters()`, `super()._init_weights(module)`,
    `module.reset_parameters()`) counts as re-initializing that module's own tensors, and so
    does a project helper, in any file, that draws the tensor it is given (the project index:
    `_init_truncated_normal(proj.weight, proj.bias, std=s)`).

    ## Why is this bad?
    A rescale is relative to what the tensor holds when the function runs, so running the
    function twice scales twice. Init functions do run more than once:

    - transformers calls `_init_weights` on every module the checkpoint did not fully provide
      after `from_pretrained` has loaded what it could, and `init_weights()` re-runs it; a
      rescale there shrinks loaded weights;
    - `reset_parameters()` is called by users to re-initialize, after `to_empty()` when a model
      is materialized from the meta device, and by FSDP on meta-device modules.

    The GPT-2 style depth scaling (`1/sqrt(2 * n_layer)` for residual projections) then divides
    the loaded weights a second time, and the model silently starts from a different scale.

    ## Example
    ```python
    def _init_weights(self, module):
        if isinstance(module, Block):
            module.c_proj.weight.data /= math.sqrt(2 * self.config.n_layer)
    ```

    ## Use instead
    ```python
    def _init_weights(self, module):
        if isinstance(module, Block):
            std = 0.02 / math.sqrt(2 * self.config.n_layer)
            nn.init.normal_(module.c_proj.weight, mean=0.0, std=std)
    ```

    ## Fix safety
    No automatic fix: the right fresh init (distribution and base std) is the author's.

    ## References
    - Radford et al., *Language Models are Unsupervised Multitask Learners* (2019), residual
      scaling
    - [PyTorch FSDP: `param_init_fn` and `reset_parameters`](https://pytorch.org/docs/stable/fsdp.html)
    """

    code = "INI006"
    name = "non-idempotent-init"
    summary = "In-place rescale in an init function that can run again scales again"
    severity = Severity.WARNING
    triggers = ("*=", "/=", "mul_(", "div_(", "multiply_(", "divide_(", ".data =", ".data=")

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """`_check` needs a function that runs again by name (`_RERUN`) or an init function
        (init-named, or an `apply` target)."""
        return not words.defined.isdisjoint(_RERUN) or words.init_named_def() or words.calls("apply")

    def __init__(self, context, sink) -> None:
        super().__init__(context, sink)
        self._facts: dict[int, _FunctionFacts] = {}

    # -- the three spellings of a rescale -----------------------------------------------------
    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.operator, (cst.MultiplyAssign, cst.DivideAssign)):
            self._check(node, node.target, node.value)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in _SCALE_METHODS:
            if node.args and node.args[0].keyword is None and not node.args[0].star:
                self._check(node, node.func.value, node.args[0].value)

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) != 1:
            return
        target = node.targets[0].target
        value = node.value
        if not (isinstance(target, cst.Attribute) and target.attr.value == "data"):
            return
        if not isinstance(value, cst.BinaryOperation):
            return
        if not isinstance(value.operator, (cst.Multiply, cst.Divide)):
            return
        own = self._key_text(target)
        if self._key_text(value.left) == own:
            self._check(node, target, value.right)
        elif isinstance(value.operator, cst.Multiply) and self._key_text(value.right) == own:
            self._check(node, target, value.left)

    # -- the check ----------------------------------------------------------------------------
    def _check(self, node: cst.CSTNode, target: cst.BaseExpression, factor: cst.BaseExpression) -> None:
        function = self.context.enclosing_function()
        if function is None or function.name.value == "__init__":
            return
        name = function.name.value
        rerun = self._rerun_reason(function)
        if rerun is None and not self.context.is_init_function(function):
            return
        value = literal_number(factor)
        if value is not None and value in (0.0, 1.0):
            return
        facts = self._function_facts(function)
        base, had_data = _strip(target)
        key = self._normalize(base, facts)
        if key is None or not self._tensor_like(base, had_data, facts):
            return
        if key in facts.initialized or key.rpartition(".")[0] in facts.reset_roots:
            return
        if any(key.startswith(root + ".") for root in facts.applied_roots):
            return  # `self.apply(init_fn)` / `named_apply(init_fn, self)` re-drew the subtree
        if self._mentions(factor, base, key):
            return  # normalization by the tensor's own statistics: a second run changes nothing
        if rerun is None and self._always_after_full_init(function):
            return
        written = self.context.code_for(target)
        message = (
            f"`{written}` is rescaled in place in `{name}` without being re-initialized first in "
            "that function: each further run scales it again"
        )
        if rerun is not None:
            message += f" ({rerun})"
        else:
            message += " (if the function is called again, e.g. on loaded weights)"
        message += (
            "; draw it with the scaled std instead (`normal_(w, std=std * k)`), or re-initialize "
            "it right before the rescale"
        )
        self.report(node, message, severity=None if rerun is not None else Severity.INFO)

    def _rerun_reason(self, function: cst.FunctionDef) -> Optional[str]:
        """Why this function is known to run again on weights it already initialized, if it is."""
        reason = _RERUN.get(function.name.value)
        params = function.params.params
        if reason is None or not params or params[0].name.value != "self":
            return None
        if reason == _RERUN["_init_weights"]:
            klass = self.context.enclosing_class()
            if klass is None or not transformers_facts(self.context).is_model_class(klass):
                return None
        return reason

    def _always_after_full_init(self, function: cst.FunctionDef) -> bool:
        """A method only ever called right after the whole model was re-initialized
        (`self.apply(self._init_weights)` / `named_apply(init_fn, self)` then
        `self.fix_init_weight()`): each run rescales freshly drawn weights."""
        klass = self.context.enclosing_class()
        if klass is None or function not in klass.body.body:
            return False
        name = function.name.value
        sites: list[bool] = []
        for method in klass.body.body:
            if not isinstance(method, cst.FunctionDef) or method is function:
                continue
            reinitialized = False
            for node in walk(method):
                if not isinstance(node, cst.Call):
                    continue
                callee = dotted_name(node.func) or ""
                last = callee.rsplit(".", 1)[-1]
                if last.endswith("apply") or (callee.startswith("self.") and last in _RESETTERS):
                    reinitialized = True
                elif callee == f"self.{name}":
                    sites.append(reinitialized)
        return bool(sites) and all(sites)

    def _tensor_like(self, base: cst.BaseExpression, had_data: bool, facts: _FunctionFacts) -> bool:
        if isinstance(base, cst.Name):
            return base.value in facts.param_loops or base.value in facts.aliases
        if not isinstance(base, cst.Attribute):
            return False
        ref = tensor_ref(base)
        return had_data or ref.is_weight or ref.is_bias

    def _key_text(self, expr: cst.BaseExpression) -> Optional[str]:
        base, _ = _strip(expr)
        return dotted_name(base)

    def _normalize(self, base: cst.BaseExpression, facts: _FunctionFacts) -> Optional[str]:
        name = dotted_name(base)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        if head in facts.aliases:
            return facts.aliases[head] + ("." + rest if rest else "")
        return name

    def _mentions(self, factor: cst.BaseExpression, base: cst.BaseExpression, key: str) -> bool:
        code = self.context.code_for(factor)
        for spelled in {dotted_name(base) or "", key}:
            if spelled and re.search(rf"(?<![\w.]){re.escape(spelled)}\b", code):
                return True
        return False

    def _function_facts(self, function: cst.FunctionDef) -> _FunctionFacts:
        cached = self._facts.get(id(function))
        if cached is not None:
            return cached
        facts = _FunctionFacts({}, set(), set(), set(), set())
        inits: list[cst.BaseExpression] = []
        for node in walk(function):
            if isinstance(node, cst.For):
                target = node.target
                if isinstance(target, cst.Tuple) and target.elements:
                    target = target.elements[-1].value
                iterator = node.iter
                if (
                    isinstance(target, cst.Name)
                    and isinstance(iterator, cst.Call)
                    and isinstance(iterator.func, cst.Attribute)
                    and iterator.func.attr.value in _PARAMETER_ITERATORS
                ):
                    facts.param_loops.add(target.value)
            elif isinstance(node, cst.Assign) and len(node.targets) == 1:
                target = node.targets[0].target
                base, had_data = _strip(node.value)
                chain = dotted_name(base) if isinstance(base, cst.Attribute) else None
                if isinstance(target, cst.Name) and chain is not None:
                    ref = tensor_ref(base)
                    if had_data or ref.is_weight or ref.is_bias:
                        facts.aliases[target.value] = chain
                elif isinstance(target, (cst.Attribute, cst.Subscript)):
                    # `w.data = fresh` / `w.data[i, 2] = -1`: a write that does not read w
                    written = self._key_text(target)
                    if written and not re.search(
                        rf"(?<![\w.]){re.escape(written)}\b", self.context.code_for(node.value)
                    ):
                        inits.append(target)
            elif isinstance(node, cst.Call):
                root = _reset_root(node)
                if root is None and node.args and node.args[0].keyword is None:
                    if library_module_init(self.context.resolve(node.func)) is not None:
                        root = dotted_name(node.args[0].value)  # mmengine `kaiming_init(m)`
                if root is not None:
                    facts.reset_roots.add(root)
                applied = _applied_root(node)
                if applied is not None:
                    facts.applied_roots.add(applied)
                call = init_call(node, self.context)
                if call is not None:
                    inits.append(call.tensor.expr)
                elif node.args and node.args[0].keyword is None and (
                    wrapper_function(node.func, self.context) is not None or _init_helper(node.func)
                ):
                    inits.append(node.args[0].value)
                else:
                    # a project helper that draws what it is given (the project index):
                    # `_init_truncated_normal(proj.weight, proj.bias, std=s)`
                    inits.extend(helper_targets(node, self.context, self.context.enclosing_class()) or ())
        for expr in inits:
            key = self._normalize(_strip(expr)[0], facts)
            if key is not None:
                facts.initialized.add(key)
        self._facts[id(function)] = facts
        return facts

    VALID = [
        Valid(
            """
            import torch
            import torch.nn as nn

            def _init_truncated_normal(weight, bias, *, std=1.0):
                nn.init.trunc_normal_(weight, std=std)
                if bias is not None:
                    nn.init.zeros_(bias)

            def make_output_projection(d, layer_idx, std):
                def init_projection(proj):
                    _init_truncated_normal(proj.weight, proj.bias, std=std)
                    with torch.no_grad():
                        proj.weight.div_((2.0 * (layer_idx + 1)) ** 0.5)

                proj = nn.Linear(d, d)
                init_projection(proj)
                return proj
            """,
            reason="a project helper re-draws the weight right before the rescale (fairseq2 JEPA)",
        ),
        Valid(
            """
            import math
            import torch.nn as nn

            class GPT(nn.Module):
                def _init_weights(self, module):
                    if isinstance(module, Block):
                        nn.init.normal_(module.c_proj.weight, mean=0.0, std=0.02)
                        module.c_proj.weight.data *= 1 / math.sqrt(2 * self.n_layer)
            """,
            reason="GPT-2 style depth scaling right after a fresh init: each run draws anew",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Layer(nn.Module):
                def reset_parameters(self):
                    for p in self.parameters():
                        p.data.uniform_(-0.1, 0.1)
                        p.data.mul_(self.gain)
            """,
            reason="re-drawn then scaled in the same loop",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Codebook(nn.Module):
                def reset_parameters(self):
                    w = self.embed.weight
                    nn.init.normal_(w)
                    w.data.div_(w.data.norm(dim=1, keepdim=True))
                    self.proj.weight.data /= self.proj.weight.data.norm()
            """,
            reason="normalizing by the tensor's own norm is idempotent",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(8, 8)
                    self.fc.weight.data *= 0.1

                def _init_weights(self, module):
                    std = 0.02
                    std *= 2
                    noise = torch.randn(8).mul_(std)
                    module.scale *= 2
            """,
            reason="the constructor runs once; scalars and fresh tensors are not parameters",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class Gate(nn.Module):
                def reset_parameters(self):
                    self.gate.weight.data.mul_(0)
            """,
            reason="multiplying by zero gives the same result every time",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class ScaledLinear(nn.Linear):
                def reset_parameters(self):
                    super().reset_parameters()
                    with torch.no_grad():
                        self.weight.mul_(self.scale)

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    super()._init_weights(module)
                    if isinstance(module, nn.Linear) and getattr(module, "is_residual", False):
                        module.weight.data.mul_(0.5)
            """,
            reason="the parent's reset re-initializes the module's own tensors before the rescale",
        ),
        Valid(
            """
            import math
            import torch
            import torch.nn as nn
            from timm.layers import trunc_normal_

            class ViT(nn.Module):
                def init_weights(self):
                    self.apply(self._init_weights)
                    self.fix_init_weight()
                    trunc_normal_(self.head.weight, std=0.02)
                    self.head.weight.data.mul_(self.head_init_scale)
                    self.head.bias.data.mul_(self.head_init_scale)

                def fix_init_weight(self):
                    for layer_id, layer in enumerate(self.blocks):
                        layer.attn.proj.weight.data.div_(math.sqrt(2.0 * (layer_id + 1)))
            """,
            reason=(
                "BEiT-style depth rescale, only ever called right after the whole model is "
                "re-drawn; the head is re-drawn by a library's trunc_normal_ before its rescale"
            ),
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class ConViTAttention(nn.Module):
                def local_init(self):
                    for position in range(self.num_heads):
                        self.pos_proj.weight.data[position, 0] = position
                        self.pos_proj.weight.data[position, 1] = -1
                    self.pos_proj.weight.data *= self.locality_strength
            """,
            reason="the tensor is rewritten from constants before the rescale",
        ),
        Valid(
            """
            import torch.nn as nn
            from mmengine.model import kaiming_init, normal_init

            def scaled_init(net, gain):
                for layer in net.modules():
                    if isinstance(layer, nn.Conv2d):
                        kaiming_init(layer, mode="fan_in", bias=0)
                        layer.weight.data *= gain
                    elif isinstance(layer, nn.Linear):
                        normal_init(layer, std=0.01)
                        layer.weight.data.mul_(gain)
            """,
            reason="mmengine's module helpers re-draw the layer's weight before each rescale",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import torch
            import torch.nn as nn

            def _init_bias(weight, bias):
                if bias is not None:
                    nn.init.zeros_(bias)

            def make_output_projection(d, layer_idx):
                def init_projection(proj):
                    _init_bias(proj.weight, proj.bias)
                    with torch.no_grad():
                        proj.weight.div_((2.0 * (layer_idx + 1)) ** 0.5)

                proj = nn.Linear(d, d)
                init_projection(proj)
                return proj
            """,
            line=13,
            severity=Severity.INFO,
            message_contains="`proj.weight` is rescaled in place in `init_projection`",
        ),
        Invalid(
            """
            import math
            import torch.nn as nn
            from transformers import PreTrainedModel

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    super()._init_weights(module)
                    if isinstance(module, AcmeBlock):
                        module.c_proj.weight.data /= math.sqrt(2 * self.config.n_layer)
            """,
            line=10,
            severity=Severity.WARNING,
            message_contains="transformers runs `_init_weights` again after loading",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class ResidualStack(nn.Module):
                def reset_parameters(self):
                    for layer in self.layers:
                        layer.reset_parameters()
                    with torch.no_grad():
                        self.out.weight.mul_(self.residual_scale)
            """,
            message_contains="`to_empty()`",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            def init_weights(model):
                for name, p in model.named_parameters():
                    if "out_proj" in name:
                        p.data = p.data * 0.5
            """,
            severity=Severity.INFO,
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Attention(nn.Module):
                def _reset_parameters(self):
                    nn.init.xavier_uniform_(self.q_proj.weight)
                    w = self.o_proj.weight
                    w.data.div_(4.0)
            """,
            message_contains="`w.data`",
        ),
        Invalid(
            """
            import torch.nn as nn
            from mmcv.cnn import xavier_init

            def init_weights(net, gain):
                xavier_init(net.encoder)
                net.encoder.weight.data *= gain
                net.decoder.weight.data *= gain
            """,
            line=8,
            severity=Severity.INFO,
            message_contains="`net.decoder.weight.data`",
        ),
    ]


_RESETTERS = frozenset(_RERUN) | {"reset_parameters", "_reset_parameters"}


def _reset_root(call: cst.Call) -> Optional[str]:
    """`super().reset_parameters()` → "self"; `super()._init_weights(module)` and
    `module.reset_parameters()` → "module": calls that re-initialize a module's own tensors."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in _RESETTERS:
        return None
    owner = func.value
    if isinstance(owner, cst.Call) and isinstance(owner.func, cst.Name) and owner.func.value == "super":
        for arg in call.args:
            if arg.keyword is None and isinstance(arg.value, cst.Name):
                return arg.value.value
        return "self"
    return dotted_name(owner)


_INIT_HELPER = re.compile(
    r"(?:normal|uniform|orthogonal|zeros|ones|constant|eye|dirac|sparse|xavier|kaiming|lecun"
    r"|variance_scaling|trunc)\w*_$"
)


def _init_helper(func: cst.BaseExpression) -> bool:
    """Any `*normal_`/`*uniform_`-style function (timm's `trunc_normal_tf_`, a local
    `lecun_normal_`): whatever its exact distribution, it draws the tensor anew."""
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    return bool(_INIT_HELPER.match(name))


def _applied_root(call: cst.Call) -> Optional[str]:
    """`self.apply(fn)` → "self"; `named_apply(fn, self.blocks)` → "self.blocks"."""
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == "apply" and call.args:
        return dotted_name(func.value)
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    if name == "named_apply":
        positional = [a for a in call.args if a.keyword is None and not a.star]
        module = next((a.value for a in call.args if a.keyword and a.keyword.value == "module"), None)
        if module is None and len(positional) >= 2:
            module = positional[1].value
        return dotted_name(module) if module is not None else None
    return None

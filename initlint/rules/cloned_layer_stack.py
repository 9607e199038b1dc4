from __future__ import annotations

from typing import Optional

import libcst as cst

from initlint.analysis.classes import (
    call_name,
    clone_helpers,
    is_self_attribute,
    clone_source,
    inits_before,
    is_clone_helper_name,
    makes_one_copy,
    redrawn_after,
)
from initlint.analysis.gate import FileWords
from initlint.analysis.tensors import is_deterministic
from initlint.analysis.walk import find_all
from initlint.diagnostics import Severity
from initlint.rules.base import Invalid, Rule, Valid

_TORCH_CLONING = frozenset({"torch.nn.TransformerEncoder", "torch.nn.TransformerDecoder"})
# The sub-layers of torch's encoder/decoder layers that start from random draws (torch 2.13.0;
# their norms start at ones and zeros, the same in fresh layers and in copies).
_RANDOM_SUBLAYERS = {
    "torch.nn.TransformerEncoder": frozenset({"self_attn", "linear1", "linear2"}),
    "torch.nn.TransformerDecoder": frozenset({"self_attn", "multihead_attn", "linear1", "linear2"}),
}


class ClonedLayerStack(Rule):
    """
    ## What it does
    Flags stacks of layers made by copying one layer: `nn.ModuleList([copy.deepcopy(layer) for _
    in range(n)])` (or a loop that appends `deepcopy(layer)`), calls of clone helpers
    (`_get_clones(layer, n)`, `clones(layer, N)`: project functions that return such a list, or
    library ones imported by name), and `nn.TransformerEncoder(layer, n)` /
    `nn.TransformerDecoder(layer, n)`, which clone their layer with `deepcopy`.

    Not reported when the same construction path re-draws the weights afterwards: a later
    `self.apply(init_fn)`, `self._reset_parameters()` / `self.init_weights()` /
    `self.post_init()`, a loop that calls `reset_parameters()` on each layer or initializes every
    parameter (`for p in model.parameters(): nn.init.xavier_uniform_(p)`, as `nn.Transformer`
    and the Annotated Transformer do), in the same function or in a class of the file that builds
    this one and then initializes. Deep copies of a layer built inside the loop are distinct
    layers and are not reported. A re-init that reaches only some named sub-layers of each
    layer of an `nn.TransformerEncoder`/`Decoder` (`for layer in self.encoder.layers:
    layer.linear1.weight.data.uniform_(...)`, leaving `self_attn` as copied) is `info`, naming
    what it reaches.

    Severity: `info` (models that are always loaded from a checkpoint never see the copies'
    values); `warning` when the same function draws weights before cloning (the author meant
    the layers to be drawn, and every copy gets the one draw). Inits before the copy that write
    constants (a zeroed last layer, a focal-loss prior bias, `constant_`/`zeros_`/`ones_`/
    `eye_`) stay `info`: a fresh layer given the same init holds the same values, so the copies
    share only the layers' default draws, as any uninitialized clone does (DETR-style heads
    copied per decoder layer or query group right after such an init). Copies of norm layers,
    activations, dropouts and pools (identical to fresh ones), of objects that do not end up
    in a module container (datasets, configs), a `TransformerEncoder/Decoder` of one layer
    (`num_layers=1`, or a count parameter that every call site in the project passes as 1 or
    leaves at a default of 1), `x.clone()` of tensors (a method of a value, even
    when the file defines a `clone(module, n)` helper), and copies of a module of the file whose
    `__init__` holds only constant parameters (`nn.Parameter(torch.Tensor([v]))`, no layers:
    each copy equals a fresh instance) are not reported.

    ## Why is this bad?
    `deepcopy` copies the values too: every layer of the stack starts with the same weights. The
    layers only drift apart through their different inputs and gradients, which wastes the
    diversity a random init is there to give, and models trained from identical layers can end
    up with highly similar ones (the deeper layers start as the same function applied again).

    ## Example
    ```python
    class Encoder(nn.Module):
        def __init__(self, layer, n):
            super().__init__()
            self.layers = nn.ModuleList([copy.deepcopy(layer) for _ in range(n)])
    ```

    ## Use instead
    ```python
    class Encoder(nn.Module):
        def __init__(self, make_layer, n):
            super().__init__()
            self.layers = nn.ModuleList([make_layer() for _ in range(n)])
    ```
    or re-initialize each copy: `for layer in self.layers: layer.reset_parameters()` (for
    layers that define it), or `self.apply(init_fn)` after the stack is built.

    ## Fix safety
    No automatic fix: how to build each layer anew depends on the code.

    ## References
    - [pytorch/pytorch#86274: TransformerEncoder/TransformerDecoder has same initial parameters for all layers](https://github.com/pytorch/pytorch/issues/86274)
    - [pytorch/pytorch#72253: Transformer Initialization](https://github.com/pytorch/pytorch/issues/72253)
    - [harvardnlp/annotated-transformer#9: use of `deepcopy` in `clones`](https://github.com/harvardnlp/annotated-transformer/issues/9)
    - [meta-pytorch/torchtune#2270: Don't use `_get_clones`](https://github.com/meta-pytorch/torchtune/issues/2270)
    """

    code = "INI108"
    name = "cloned-layer-stack"
    summary = "Layer stack built by deep-copying one layer: every layer starts with identical weights"
    severity = Severity.INFO
    fix_safety = None
    triggers = ("deepcopy", "clone", "TransformerEncoder", "TransformerDecoder")

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """`_cloning` needs `nn.TransformerEncoder/Decoder`, a `copy.deepcopy` (the clone map,
        and the clone helpers built from it) or a callee named like a clone helper."""
        return words.has("TransformerEncoder", "TransformerDecoder", "deepcopy") or any(
            map(is_clone_helper_name, words.containing("clone"))
        )

    def visit_Call(self, node: cst.Call) -> None:
        what = self._cloning(node)
        if what is None:
            return
        partial = self._partial_redraw(node)
        if partial:
            self.report(
                node,
                f"{what}: every layer of the stack starts with identical weights "
                f"(pytorch/pytorch#86274), and the re-init after it reaches only "
                f"{', '.join(f'`{sub}`' for sub in partial)} of each layer: the other sub-layers "
                "(attention, norms...) stay identical copies; re-draw the whole layer "
                "(`layer.reset_parameters()`, `layer.apply(init_fn)`) or build each layer anew",
                severity=Severity.INFO,
            )
            return
        if redrawn_after(self.context, node) or self._applied_in_project():
            return
        inits = inits_before(self.context, node)
        drawn = any(not is_deterministic(call) for call in inits)
        if drawn:
            note = " (the weights initialized before the copy are copied too)"
        elif inits:
            note = (" (the inits before the copy write constants, which fresh layers would get "
                    "too: only the layers' default draws are shared)")
        else:
            note = ""
        self.report(
            node,
            f"{what}: every layer of the stack starts with identical weights "
            "(pytorch/pytorch#86274) and nothing after it in this construction path re-draws "
            f"them{note}; build each layer anew or re-initialize after cloning "
            "(`layer.reset_parameters()` per layer, `self.apply(init_fn)`)",
            severity=Severity.WARNING if drawn else Severity.INFO,
        )

    def _partial_redraw(self, node: cst.Call) -> tuple[str, ...]:
        """`self.encoder = nn.TransformerEncoder(layer, n)` then `self._reset_parameters()`
        whose only re-init is `for layer in self.encoder.layers: layer.linear1.weight...`:
        the named sub-layers it writes (sorted); () when the re-init is whole, or not this."""
        function = self.context.enclosing_function()
        klass = self.context.enclosing_class()
        assign = self.context.nearest(cst.Assign)
        if function is None or klass is None or function.name.value != "__init__" or assign is None:
            return ()
        stack = is_self_attribute(assign.targets[0].target) if len(assign.targets) == 1 else None
        if stack is None:
            return ()
        methods = {
            m.name.value: m for m in klass.body.body if isinstance(m, cst.FunctionDef)
        }
        called = [
            call_name(c) for c in find_all(function, cst.Call)
            if isinstance(c.func, cst.Attribute) and isinstance(c.func.value, cst.Name)
            and c.func.value.value == "self" and call_name(c) in methods
        ]
        qualified = self.context.resolve(node.func)
        if qualified not in _TORCH_CLONING:
            return ()  # a project layer's random sub-layers are not known here
        subs: set[str] = set()
        for name in called:
            method = methods[name]  # type: ignore[index]
            for loop in find_all(method, cst.For):
                if not self.context.code_for(loop.iter).startswith(f"self.{stack}"):
                    continue
                if not isinstance(loop.target, cst.Name):
                    return ()
                var = loop.target.value
                for use in find_all(loop.body, cst.Name):
                    if use.value != var:
                        continue
                    written = self._sub_layer_of(loop.body, use, var)
                    if written is None:
                        return ()  # the layer itself is handed on or re-drawn whole
                    subs.add(written)
        random = _RANDOM_SUBLAYERS[qualified]
        return tuple(sorted(subs)) if subs and not random <= subs else ()

    def _sub_layer_of(self, body: cst.CSTNode, use: cst.Name, var: str) -> Optional[str]:
        """`layer.linear1.weight` → "linear1" when `use` (the loop variable) is read only to
        reach a named sub-layer's tensor; None otherwise."""
        for attribute in find_all(body, cst.Attribute):
            if attribute.value is use and isinstance(attribute.attr, cst.Name):
                sub = attribute.attr.value
                return None if sub in ("apply", "reset_parameters", "parameters", "named_parameters", "modules") else sub
        return None

    def _cloning(self, node: cst.Call) -> Optional[str]:
        qualified = self.context.resolve(node.func)
        if qualified in _TORCH_CLONING:
            if makes_one_copy(self.context, node):
                return None  # one layer (`num_layers=1` here or at every call site): no stack
            return f"`{qualified.rsplit('.', 1)[-1]}` deep-copies its layer for each of its layers"
        source = clone_source(self.context, node)
        if source is not None:
            function = self.context.enclosing_function()
            if function is not None and self._helper_called(function):
                return None  # reported where the helper is called
            return f"`{self.context.code_for(node)}` copies `{source}` for each layer"
        named_helper = qualified is not None and is_clone_helper_name(qualified.rsplit(".", 1)[-1])
        helpers = clone_helpers(self.context)
        if not helpers and not named_helper:
            return None  # most files: no need to render the callee (codegen per call)
        if isinstance(node.func, cst.Attribute) and qualified is None:
            return None  # `x.clone()`: a method of a value (a tensor), not the module's helper
        name = self.context.code_for(node.func)
        if name.rsplit(".", 1)[-1] in helpers or named_helper:
            return f"`{name}(...)` clones one layer into the stack"
        return None

    def _applied_in_project(self) -> bool:
        """An `.apply(fn)` anywhere in the project whose model contains the class that builds
        this stack (the project index's apply sites and layers)."""
        klass = self.context.enclosing_class()
        function = self.context.enclosing_function()
        if klass is None or function is None or function.name.value != "__init__":
            return False
        view = self.context.project
        index = view.index
        target = view.qualify(klass.name.value)
        for summary in index.by_module.values():
            sites = [(None, a) for a in summary.module_applies]
            sites += [(f, a) for f in summary.functions for a in f.applies]
            for caller, site in sites:
                receiver = site.receiver_class
                if receiver is None:
                    continue
                prefix = f"{summary.module}." if summary.module else ""
                qualified = index.resolve(receiver) or index.resolve(prefix + receiver)
                if qualified is None:
                    continue
                if qualified == target or any(u.cls == target for u in index.layers_of(qualified).layers):
                    return True
        return False

    def _helper_called(self, function: cst.FunctionDef) -> bool:
        """A clone helper with call sites, in this file or (project index) in others."""
        if function.name.value not in clone_helpers(self.context):
            return False
        view = self.context.project
        return bool(view.index.callers(view.qualify(view.qualname_of(self.context, function))))

    VALID = [
        Valid(
            """
            import torch.nn as nn

            class Model(nn.Module):
                def __init__(self, d=16, n=3):
                    super().__init__()
                    layer = nn.TransformerEncoderLayer(d_model=d, nhead=2, dim_feedforward=32)
                    self.encoder = nn.TransformerEncoder(layer, num_layers=n)
                    self._reset_parameters()

                def _reset_parameters(self):
                    for layer in self.encoder.layers:
                        nn.init.xavier_uniform_(layer.self_attn.in_proj_weight)
                        nn.init.xavier_uniform_(layer.self_attn.out_proj.weight)
                        layer.linear1.weight.data.uniform_(-0.1, 0.1)
                        layer.linear2.weight.data.uniform_(-0.1, 0.1)
            """,
            reason="every randomly drawn sub-layer (attention, both linears) is re-drawn per "
            "layer; the norms start at ones and zeros anyway",
        ),
        Valid(
            """
            import torch.nn as nn

            class TimeMixer(nn.Module):
                def __init__(self, width, heads=4, depth=1):
                    super().__init__()
                    block = nn.TransformerEncoderLayer(width, heads, batch_first=True)
                    self.mixer = nn.TransformerEncoder(block, num_layers=depth)

            class Imputer(nn.Module):
                def __init__(self, width):
                    super().__init__()
                    self.time = TimeMixer(width)
                    self.space = TimeMixer(width, heads=2, depth=1)
            """,
            "every construction of TimeMixer asks for one layer (the default 1, or 1 passed): "
            "one copy is no stack of identical layers",
        ),
        Valid(
            """
            import torch.nn as nn

            def single_block(width):
                return nn.TransformerDecoder(nn.TransformerDecoderLayer(width, 2), 1)
            """,
            "one layer: nothing to be identical to",
        ),
        Valid(
            """
            import copy
            import torch
            import torch.nn as nn

            class Similarity(nn.Module):
                def __init__(self, temperature=0.07, bias=False):
                    super().__init__()
                    self.log_scale = nn.Parameter(torch.Tensor([temperature]))
                    self.bias = nn.Parameter(torch.zeros(1)) if bias else None

                def forward(self, a, b):
                    return a @ b.t() * self.log_scale.exp()

            class Head(nn.Module):
                def __init__(self, n):
                    super().__init__()
                    scorer = Similarity()
                    self.scorers = nn.ModuleList([copy.deepcopy(scorer) for _ in range(n)])
            """,
            reason="the copied module holds only constant parameters: each copy equals a fresh one",
        ),
        Valid(
            """
            import copy
            import torch.nn as nn

            def clone(module, n):
                return nn.ModuleList([copy.deepcopy(module) for _ in range(n)])

            def build(layer, n):
                stack = clone(layer, n)
                for p in stack.parameters():
                    if p.dim() > 1:
                        nn.init.xavier_uniform_(p)
                return stack

            def masked(target, mask):
                target = target.clone()
                return target.masked_fill(mask, 0.0).clone().to("cpu")
            """,
            reason="`target.clone()` is a tensor's method, not the file's `clone(module, n)` helper",
        ),
        Valid(
            """
            import torch.nn as nn

            class Encoder(nn.Module):
                def __init__(self, dim, n):
                    super().__init__()
                    self.layers = nn.ModuleList([nn.TransformerEncoderLayer(dim, 8) for _ in range(n)])
            """,
            reason="each layer built anew",
        ),
        Valid(
            """
            import copy
            import torch.nn as nn

            def clones(module, N):
                return nn.ModuleList([copy.deepcopy(module) for _ in range(N)])

            def make_model(layer, N):
                model = nn.Sequential(*clones(layer, N))
                for p in model.parameters():
                    if p.dim() > 1:
                        nn.init.xavier_uniform_(p)
                return model
            """,
            reason="re-drawn: the Annotated Transformer initializes every matrix after cloning",
        ),
        Valid(
            """
            import torch.nn as nn

            class Transformer(nn.Module):
                def __init__(self, d, n):
                    super().__init__()
                    layer = nn.TransformerEncoderLayer(d, 8)
                    self.encoder = nn.TransformerEncoder(layer, n)
                    self._reset_parameters()

                def _reset_parameters(self):
                    for p in self.parameters():
                        if p.dim() > 1:
                            nn.init.xavier_uniform_(p)
            """,
            reason="re-drawn like nn.Transformer: `_reset_parameters()` after the stack",
        ),
        Valid(
            """
            import copy
            import torch.nn as nn

            class Encoder(nn.Module):
                def __init__(self, layer, n):
                    super().__init__()
                    self.layers = nn.ModuleList([copy.deepcopy(layer) for _ in range(n)])
                    for block in self.layers:
                        block.reset_parameters()
            """,
            reason="reset_parameters per layer after cloning",
        ),
        Valid(
            """
            import copy
            import torch.nn as nn

            class Encoder(nn.Module):
                def __init__(self, dim, depth):
                    super().__init__()
                    blocks = []
                    for i in range(depth):
                        block = nn.Linear(dim, dim)
                        blocks.append(copy.deepcopy(block))
                    self.blocks = nn.ModuleList(blocks)
            """,
            reason="the copied layer is built anew in each iteration",
        ),
        Valid(
            """
            import copy
            import torch.nn as nn

            class Encoder(nn.Module):
                def __init__(self, layer, n):
                    super().__init__()
                    self.layers = nn.ModuleList([copy.deepcopy(layer) for _ in range(n)])

            class Model(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.encoder = Encoder(nn.Linear(dim, dim), 6)
                    self.apply(self._init_weights)

                def _init_weights(self, m):
                    if isinstance(m, nn.Linear):
                        nn.init.normal_(m.weight, std=0.02)
            """,
            reason="the class that builds the stack applies an init afterwards",
        ),
        Valid(
            """
            import copy
            import torch
            import torch.nn as nn

            class RevGNN(nn.Module):
                def __init__(self, conv, num_groups, norm_layer, dataset):
                    super().__init__()
                    self.convs = nn.ModuleList([conv])
                    for _ in range(num_groups - 1):
                        conv = copy.deepcopy(self.convs[0])
                        if hasattr(conv, "reset_parameters"):
                            conv.reset_parameters()
                        self.convs.append(conv)
                    self.norms = nn.ModuleList([copy.deepcopy(norm_layer) for _ in range(num_groups)])
                    self.splits = [copy.deepcopy(dataset) for _ in range(num_groups)]
                    self.masks = [x.clone() for x in torch.ones(num_groups, 4)]
            """,
            reason="reset in the same loop; norm copies equal fresh norms; a dataset is not a layer; tensor clones",
        ),
        Valid(
            """
            import copy
            import torch.nn as nn

            class Block(nn.Module):
                def __init__(self, dim, cfg):
                    super().__init__()
                    self.fc = nn.Linear(dim, dim, **cfg)

            class Stage(nn.Module):
                def __init__(self, dim, depth, block_cfg=dict(), extra: dict = None):
                    super().__init__()
                    layer_cfg = {"bias": True}
                    self.blocks = nn.ModuleList([Block(dim, copy.deepcopy(block_cfg)) for _ in range(depth)])
                    self.more = nn.ModuleList()
                    for _ in range(depth):
                        self.more.append(copy.deepcopy(layer_cfg))
                        self.more.append(copy.deepcopy(extra))
            """,
            reason="the copies are of config dicts (a dict default, a dict annotation, a dict "
            "literal): each block builds its own layers",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import torch.nn as nn

            class Model(nn.Module):
                def __init__(self, d=16, n=3):
                    super().__init__()
                    layer = nn.TransformerEncoderLayer(d_model=d, nhead=2, dim_feedforward=32)
                    self.encoder = nn.TransformerEncoder(layer, num_layers=n)
                    self._reset_parameters()

                def _reset_parameters(self):
                    for layer in self.encoder.layers:
                        layer.linear1.weight.data.uniform_(-0.1, 0.1)
                        layer.linear2.weight.data.uniform_(-0.1, 0.1)
            """,
            severity=Severity.INFO,
            message_contains="reaches only `linear1`, `linear2` of each layer",
        ),
        Invalid(
            """
            import copy
            import torch.nn as nn
            from torch.nn.modules.container import ModuleList

            def _get_clones(module, n):
                return ModuleList([copy.deepcopy(module) for i in range(n)])

            class LocalEncoder(nn.Module):
                def __init__(self, d, n):
                    super().__init__()
                    self.conv = _get_clones(nn.Conv1d(d, d, 3, 1, 1), n)
            """,
            # `ModuleList` imported from where torch defines it (pyqlib's localformer, a heldout15
            # reviewer's miss: every conv of the stack identical at construction)
            severity=Severity.INFO,
            message_contains="`_get_clones(...)` clones one layer into the stack",
        ),
        Invalid(
            """
            import copy
            import torch
            import torch.nn as nn

            class LatentStack(nn.Module):
                def __init__(self, steps, dim, depth):
                    super().__init__()
                    self.latents = nn.Parameter(nn.init.xavier_normal_(torch.empty(steps, dim)))
                    block = nn.TransformerEncoderLayer(dim, 4, batch_first=True)
                    self.blocks = nn.ModuleList([copy.deepcopy(block) for _ in range(depth)])
            """,
            # the draw before the copy fills the new latents, not the copied block
            line=11,
            severity=Severity.INFO,
        ),
        Invalid(
            """
            import torch.nn as nn

            class TimeMixer(nn.Module):
                def __init__(self, width, heads=4, depth=1):
                    super().__init__()
                    block = nn.TransformerEncoderLayer(width, heads, batch_first=True)
                    self.mixer = nn.TransformerEncoder(block, num_layers=depth)

            class Imputer(nn.Module):
                def __init__(self, width, deep):
                    super().__init__()
                    self.time = TimeMixer(width)
                    self.space = TimeMixer(width, depth=deep)
            """,
            line=8,
            severity=Severity.INFO,
            message_contains="`TransformerEncoder` deep-copies its layer",
        ),
        Invalid(
            """
            import copy
            import torch
            import torch.nn as nn

            class Similarity(nn.Module):
                def __init__(self, dim, temperature=0.07):
                    super().__init__()
                    self.log_scale = nn.Parameter(torch.Tensor([temperature]))
                    self.proj = nn.Parameter(torch.randn(dim, dim) / dim ** 0.5)

            class Head(nn.Module):
                def __init__(self, dim, n):
                    super().__init__()
                    scorer = Similarity(dim)
                    self.scorers = nn.ModuleList([copy.deepcopy(scorer) for _ in range(n)])
            """,
            line=16,
            count=1,
        ),
        Invalid(
            """
            import copy
            import torch.nn as nn

            def clone(module, n):
                return nn.ModuleList([copy.deepcopy(module) for _ in range(n)])

            class Encoder(nn.Module):
                def __init__(self, layer, n):
                    super().__init__()
                    self.layers = clone(layer, n)

                def forward(self, x):
                    return x.clone()
            """,
            line=11,
            count=1,
            message_contains="`clone(...)` clones one layer into the stack",
        ),
        Invalid(
            """
            import copy
            import torch.nn as nn

            class Encoder(nn.Module):
                def __init__(self, layer, n):
                    super().__init__()
                    self.layers = nn.ModuleList([copy.deepcopy(layer) for _ in range(n)])
            """,
            severity=Severity.INFO,
            message_contains="copies `layer` for each layer",
        ),
        Invalid(
            """
            import torch.nn as nn

            layer = nn.TransformerEncoderLayer(d_model=512, nhead=8)
            encoder = nn.TransformerEncoder(layer, num_layers=6)
            """,
            severity=Severity.INFO,
            message_contains="`TransformerEncoder` deep-copies its layer",
        ),
        Invalid(
            """
            import copy
            import torch.nn as nn

            def _get_clones(module, n):
                return nn.ModuleList([copy.deepcopy(module) for i in range(n)])

            class Decoder(nn.Module):
                def __init__(self, layer, n):
                    super().__init__()
                    self.layers = _get_clones(layer, n)

            def init_weights(m):
                if isinstance(m, nn.Linear):
                    nn.init.xavier_uniform_(m.weight)
            """,
            count=1,
            line=11,
            severity=Severity.INFO,
            message_contains="`_get_clones(...)` clones one layer",
        ),
        Invalid(
            """
            from copy import deepcopy
            import torch.nn as nn

            class Stack(nn.Module):
                def __init__(self, block, depth):
                    super().__init__()
                    self.blocks = nn.ModuleList()
                    for _ in range(depth):
                        self.blocks.append(deepcopy(block))
            """,
            message_contains="copies `block`",
        ),
        Invalid(
            """
            from torch.nn.modules.transformer import _get_clones
            import torch.nn as nn

            class Decoder(nn.Module):
                def __init__(self, layer, n):
                    super().__init__()
                    self.layers = _get_clones(layer, n)
            """,
            severity=Severity.INFO,
        ),
        Invalid(
            """
            import copy
            import torch.nn as nn

            class MLP(nn.Module):
                def __init__(self, dim, depth):
                    super().__init__()
                    layer = nn.Linear(dim, dim)
                    nn.init.kaiming_uniform_(layer.weight, nonlinearity="relu")
                    self.layers = nn.Sequential(*[copy.deepcopy(layer) for _ in range(depth)])
            """,
            severity=Severity.WARNING,
            message_contains="initialized before the copy are copied too",
        ),
        Invalid(
            """
            import copy
            import math
            import torch.nn as nn

            class Detector(nn.Module):
                def __init__(self, dim, classes, groups):
                    super().__init__()
                    self.score = nn.Linear(dim, classes)
                    self.box = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, 4))
                    prior = -math.log((1 - 0.01) / 0.01)
                    nn.init.constant_(self.score.bias, prior)
                    nn.init.zeros_(self.box[-1].weight)
                    self.box[-1].bias.data.fill_(0.0)
                    self.group_scores = nn.ModuleList([copy.deepcopy(self.score) for _ in range(groups)])
                    self.group_boxes = nn.ModuleList([copy.deepcopy(self.box) for _ in range(groups)])
            """,
            # a prior bias and a zeroed last layer are what fresh heads would get too
            count=2,
            severity=Severity.INFO,
            message_contains="the inits before the copy write constants",
        ),
        Invalid(
            """
            import copy
            import math
            import torch.nn as nn

            class Detector(nn.Module):
                def __init__(self, dim, classes, groups):
                    super().__init__()
                    self.score = nn.Linear(dim, classes)
                    nn.init.constant_(self.score.bias, -math.log(99.0))
                    nn.init.xavier_uniform_(self.score.weight)
                    self.group_scores = nn.ModuleList([copy.deepcopy(self.score) for _ in range(groups)])
            """,
            # the weight is drawn on purpose, then every copy gets that one draw
            line=12,
            severity=Severity.WARNING,
            message_contains="initialized before the copy are copied too",
        ),
    ]


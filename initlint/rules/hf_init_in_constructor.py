from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from initlint.analysis.classes import file_classes
from initlint.analysis.frameworks import (
    INIT_WEIGHTS_METHOD,
    calls_super_method,
    handled_layer_kinds,
    init_weights_functions,
    transformers_facts,
    walk,
    wrapper_function,
)
from initlint.analysis.gate import FileWords
from initlint.analysis.imports import dotted_name
from initlint.analysis.project import Answer
from initlint.analysis.layers import LayerKind, classify
from initlint.analysis.tensors import init_call, tensor_ref
from initlint.diagnostics import Severity
from initlint.rules.base import Invalid, Rule, Valid

_KIND_NAMES = {
    LayerKind.LINEAR: "a Linear layer",
    LayerKind.CONV: "a Conv layer",
    LayerKind.EMBEDDING: "an Embedding",
    LayerKind.NORM: "a norm layer",
}
_NOT_WRITES = frozenset({"calculate_gain"})


class HfInitInConstructor(Rule):
    """
    ## What it does
    Flags weight init calls (`nn.init.*`, `init.*`, `.normal_()`, `.zero_()`, `.fill_()`,
    `.copy_()`) on the module's own tensors (`self.proj.weight`, `self.gate`, loop variables
    over `self.layers`) inside `__init__` of a transformers model: a `PreTrainedModel` subclass
    (directly or through a `<Name>PreTrainedModel` base in the same file), or a plain
    `nn.Module` defined in a modeling file that imports from transformers and defines such a
    model (its submodules).

    Reported as `info` when an `_init_weights` in the file already refers to the same attribute
    (the call in `__init__` is then only dead code), and when the module is a plain `nn.Module`
    that no `_init_weights` of the file names and that the project index does not find built,
    through a chain of constructions in class bodies, inside a `PreTrainedModel` subclass (for
    instance one built by a plain function and handed to a model that never runs `post_init`):
    whether transformers ever re-initializes it is then not known. Also `info` when the project
    loads with a `from_pretrained` of its own, on the class, its bases, or a model that holds it
    (super-image's own `PreTrainedModel(nn.Module)`, in another module): transformers'
    meta-device construction and `post_init` may not be what runs.

    ## Why is this bad?
    transformers decides the initial values of a model's weights in `_init_weights`, never in
    the constructors:

    - `from_pretrained` builds the model on the meta device (the default in transformers v5;
      v4 with `low_cpu_mem_usage=True` or a `device_map`, and v4 without them skips
      `torch.nn.init` calls while building), so the call acts on tensors without storage and
      does nothing. Parameters the checkpoint provides are loaded; those it lacks are
      materialized empty and handed to `_init_weights`, and if that does not know about them
      they stay **uninitialized memory**;
    - a model built from a config runs `post_init()`, which applies `_init_weights` to every
      module after the constructors: the standard layers get the config's `normal_(0, std)`,
      replacing whatever `__init__` chose.

    The init in `__init__` either never happens or is replaced, depending on how the model was
    created, and the code reads as if it mattered.

    ## Example
    ```python
    class AcmeGate(nn.Module):
        def __init__(self, dim):
            super().__init__()
            self.gate = nn.Parameter(torch.empty(dim))
            nn.init.zeros_(self.gate)
    ```

    ## Use instead
    ```python
    class AcmeGate(nn.Module):
        def __init__(self, dim):
            super().__init__()
            self.gate = nn.Parameter(torch.empty(dim))

    class AcmePreTrainedModel(PreTrainedModel):
        def _init_weights(self, module):
            super()._init_weights(module)
            if isinstance(module, AcmeGate):
                init.zeros_(module.gate)
    ```

    ## Fix safety
    No automatic fix: the init has to move into the model's `_init_weights`, under a branch for
    this module class.

    ## References
    - [transformers: `PreTrainedModel.post_init` and `_init_weights`](https://github.com/huggingface/transformers/blob/main/src/transformers/modeling_utils.py)
    - [PyTorch: meta device](https://pytorch.org/docs/stable/meta.html)
    """

    code = "INI303"
    name = "hf-init-in-constructor"
    summary = "Init call in `__init__` of a transformers model is discarded or overwritten"
    severity = Severity.WARNING
    triggers = ("PreTrainedModel", "transformers", "modeling_utils")

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Reports are at a call in an `__init__` that is a wrapper-module call or an init call
        (either needs an init-module word or a tensor init method)."""
        return "__init__" in words.defined and words.any_init_call()

    def __init__(self, context, sink) -> None:
        super().__init__(context, sink)
        self._aliases: dict[int, dict[str, str]] = {}
        self._handled_text: Optional[str] = None

    def visit_Call(self, node: cst.Call) -> None:
        if not isinstance(node.func, (cst.Attribute, cst.Name)):
            return
        function = self.context.enclosing_function()
        if function is None or function.name.value != "__init__":
            return
        klass = self._owning_class(function)
        if klass is None:
            return
        target = self._init_target(node)
        if target is None:
            return
        root = self._self_attribute(target, function)
        if root is None:
            return
        self._report(node, klass, function, target, root)

    def _owning_class(self, function: cst.FunctionDef) -> Optional[cst.ClassDef]:
        klass = self.context.enclosing_class()
        if klass is None or function not in klass.body.body:
            return None
        facts = transformers_facts(self.context)
        if facts.is_model_class(klass):
            return klass
        if facts.is_module_class(klass) and facts.is_transformers_modeling_file:
            return klass
        return None

    def _inside_hf_model(self, klass: cst.ClassDef) -> bool:
        """The class is a transformers model, an `_init_weights` of the file names it, or the
        project index finds a chain of class-body constructions from it up to a model
        (`BertSelfAttention` → ... → `BertModel`)."""
        owner = klass.name.value
        if transformers_facts(self.context).is_model_class(klass):
            return True
        if self._handled_text is None:
            self._handled_text = "\n".join(
                self.context.code_for(f) for f in init_weights_functions(self.context)
            )
        if re.search(rf"\b{re.escape(owner)}\b", self._handled_text):
            return True
        view = self.context.project
        return view.index.held_by(view.qualify(owner), "PreTrainedModel") is Answer.YES

    def _reported_unheld(self, node: cst.Call, klass: cst.ClassDef, written: str) -> bool:
        """A plain module that nothing is known to place inside a transformers model: whether
        post_init or from_pretrained ever sees it is not known, so say so at info."""
        if self._inside_hf_model(klass):
            return False
        owner = klass.name.value
        self.report(
            node,
            f"init of `{written}` in `{owner}.__init__` is lost if `{owner}` is part of a "
            "transformers model (post_init re-initializes its layers, from_pretrained builds it "
            f"on the meta device), but nothing in the project is known to build `{owner}` inside "
            "one; if something does, move this init into `_init_weights`",
            severity=Severity.INFO,
        )
        return True

    def _init_target(self, node: cst.Call) -> Optional[cst.BaseExpression]:
        wrapped = wrapper_function(node.func, self.context)
        if wrapped is not None:
            if not node.args or node.args[0].keyword is not None or node.args[0].star:
                return None
            return tensor_ref(node.args[0].value).expr
        call = init_call(node, self.context)
        if call is None or call.function in _NOT_WRITES:
            return None
        return call.tensor.expr

    def _self_attribute(self, target: cst.BaseExpression, function: cst.FunctionDef) -> Optional[str]:
        """`self.proj.weight` → "proj"; a loop variable over `self.layers` → "layers"."""
        while isinstance(target, cst.Subscript):
            target = target.value
        parts = (dotted_name(target) or "").split(".")
        if len(parts) >= 2 and parts[0] == "self":
            return parts[1]
        if parts[0]:
            return self._loop_aliases(function).get(parts[0])
        return None

    def _loop_aliases(self, function: cst.FunctionDef) -> dict[str, str]:
        key = id(function)
        cached = self._aliases.get(key)
        if cached is not None:
            return cached
        aliases: dict[str, str] = {}
        for node in walk(function):
            if isinstance(node, cst.For):
                source = node.iter
                if isinstance(source, cst.Call) and isinstance(source.func, cst.Attribute):
                    source = source.func.value
                parts = (dotted_name(source) or "").split(".")
                target = node.target
                if isinstance(target, cst.Tuple) and target.elements:
                    target = target.elements[-1].value
                if parts[0] == "self" and isinstance(target, cst.Name):
                    aliases[target.value] = parts[1] if len(parts) > 1 else "modules()"
        self._aliases[key] = aliases
        return aliases

    def _built_as(self, function: cst.FunctionDef, attribute: str) -> Optional[LayerKind]:
        """The layer kind `self.<attribute>` is built as in `__init__`, if it is a torch layer."""
        for node in walk(function):
            if not isinstance(node, cst.Assign) or len(node.targets) != 1:
                continue
            if dotted_name(node.targets[0].target) != f"self.{attribute}":
                continue
            if isinstance(node.value, cst.Call):
                resolved = self.context.resolve(node.value.func) or ""
                if resolved.startswith("torch.nn.") and "Parameter" not in resolved:
                    kind = classify(resolved)
                    if kind is not LayerKind.OTHER:
                        return kind
        return None

    def _reinitialized(self, kind: LayerKind) -> bool:
        """Whether `_init_weights` (the library's, or the file's overrides) handles this kind."""
        overrides = init_weights_functions(self.context)
        if not overrides:
            return True
        return any(
            calls_super_method(f, INIT_WEIGHTS_METHOD) or kind in handled_layer_kinds(f, self.context)
            for f in overrides
        )

    def _handled_elsewhere(self, attribute: str, owner: str) -> bool:
        """An `_init_weights` of the file refers to this attribute (and, for the generic names
        `weight`/`bias`, to the owning class too)."""
        if self._handled_text is None:
            self._handled_text = "\n".join(
                self.context.code_for(f) for f in init_weights_functions(self.context)
            )
        if re.search(rf"\.{re.escape(attribute)}\b", self._handled_text) is None:
            return False
        if attribute in ("weight", "bias"):
            return re.search(rf"\b{re.escape(owner)}\b", self._handled_text) is not None
        return True

    def _report(
        self,
        node: cst.Call,
        klass: cst.ClassDef,
        function: cst.FunctionDef,
        target: cst.BaseExpression,
        attribute: str,
    ) -> None:
        owner = klass.name.value
        written = self.context.code_for(target)
        if self._handled_elsewhere(attribute, owner):
            self.report(
                node,
                f"init of `{written}` in `{owner}.__init__` never counts: `_init_weights` already "
                f"handles `{attribute}`, and from_pretrained runs this on the meta device; "
                "remove it to keep one source of truth",
                severity=Severity.INFO,
            )
            return
        kind = self._built_as(function, attribute)
        if kind is not None and self._reinitialized(kind):
            if _same_as_base(node, self.context):
                self.report(
                    node,
                    f"init of `{written}` in `{owner}.__init__` repeats what `_init_weights` does "
                    f"for {_KIND_NAMES[kind]} (normal with the config's std) and never counts: "
                    "post_init re-initializes it, and from_pretrained runs this on the meta "
                    "device; remove it",
                    severity=Severity.INFO,
                )
                return
            if not self._reported_unheld(node, klass, written):
                loader = self._own_loader(klass)
                if loader is not None:
                    self.report(
                        node,
                        f"init of `{written}` in `{owner}.__init__` is lost if `post_init` runs "
                        f"(`_init_weights` re-initializes {_KIND_NAMES[kind]}), but this project "
                        f"loads with its own `{loader}`, which may construct it without "
                        "transformers' meta device or `post_init`: check which init counts",
                        severity=Severity.INFO,
                    )
                    return
                self.report(
                    node,
                    f"init of `{written}` in `{owner}.__init__` is lost: `self.{attribute}` is "
                    f"{_KIND_NAMES[kind]}, which `_init_weights` re-initializes after the "
                    "constructors (post_init), and from_pretrained builds it on the meta device "
                    "where this call does nothing; move this init into `_init_weights`",
                )
            return
        if self._reported_unheld(node, klass, written):
            return
        loader = self._own_loader(klass)
        if loader is not None:
            self.report(
                node,
                f"init of `{written}` in `{owner}.__init__` would be discarded if from_pretrained "
                f"built the model on the meta device, but this project loads with its own "
                f"`{loader}`, which may construct it normally: fine if it does",
                severity=Severity.INFO,
            )
            return
        self.report(
            node,
            f"init of `{written}` in `{owner}.__init__` is discarded when from_pretrained builds "
            "the model on the meta device: if the checkpoint lacks it, it stays uninitialized "
            "memory unless `_init_weights` initializes it; move this init into `_init_weights`",
        )

    def _own_loader(self, klass: cst.ClassDef) -> Optional[str]:
        """A `from_pretrained` (or `_from_pretrained`) the project defines itself, on the class,
        a project base of it, a transformers model class of this file (which then builds its
        modules), or a model that holds the class and its bases (a project's own
        `PreTrainedModel`): transformers' meta-device construction is not what runs."""
        view = self.context.project
        qualified = view.qualify(klass.name.value)
        order, _ = view.index.mro(qualified)
        facts = transformers_facts(self.context)
        candidates = [name for name in order if view.index.class_(name) is not None]
        # the models that hold this module (super-image's own `PreTrainedModel(nn.Module)`)
        for holder in view.index.holders_with_base(qualified, "PreTrainedModel"):
            holder_order = view.index.mro(holder)[0]
            if any(name.startswith("transformers.") for name in holder_order):
                continue  # transformers' own `PreTrainedModel` (also inside transformers itself)
            candidates += [name for name in holder_order if view.index.class_(name) is not None]
        candidates += [
            view.qualify(name) for name, node in file_classes(self.context).items()
            if facts.is_model_class(node)
        ]
        for name in dict.fromkeys(candidates):
            found = view.index.class_(name)
            if found is None:
                continue
            for method in ("from_pretrained", "_from_pretrained"):
                if method in found[1].methods:
                    return f"{name.rsplit('.', 1)[-1]}.{method}"
        return None

    VALID = [
        Valid(
            """
            import torch
            import torch.nn as nn

            class PreTrainedModel(nn.Module):
                def __init__(self, config):
                    super().__init__()
                    self.config = config

                @classmethod
                def from_pretrained(cls, config, path):
                    model = cls(config)
                    model.load_state_dict(torch.load(path))
                    return model

            class NonLocal(nn.Module):
                def __init__(self, c):
                    super().__init__()
                    self.W = nn.Conv2d(c, c, 1)
                    nn.init.constant_(self.W.weight, 0)

            class RnanModel(PreTrainedModel):
                def __init__(self, config):
                    super().__init__(config)
                    self.block = NonLocal(16)
            """,
            reason="the project's own `PreTrainedModel` is a plain `nn.Module` whose "
            "`from_pretrained` builds the model normally: the constructor's init counts",
        ),
        Valid(
            """
            import torch
            from torch import nn
            from transformers import PreTrainedModel
            from transformers import initialization as init

            class AcmeGate(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.gate = nn.Parameter(torch.empty(dim))

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    super()._init_weights(module)
                    if isinstance(module, AcmeGate):
                        init.zeros_(module.gate)
            """,
            reason="the init lives in `_init_weights`, where transformers runs it",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Gate(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.gate = nn.Parameter(torch.empty(dim))
                    nn.init.zeros_(self.gate)
            """,
            reason="plain PyTorch: initializing in the constructor is the norm",
        ),
        Valid(
            """
            import torch
            from torch import nn
            from transformers.activations import ACT2FN

            class Gate(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.proj = nn.Linear(dim, dim)
                    nn.init.xavier_uniform_(self.proj.weight)
                    self.act = ACT2FN["gelu"]
            """,
            reason="a helper module that merely uses transformers' utilities, in a file with no model",
        ),
        Valid(
            """
            import math
            import torch
            from torch import nn
            from transformers import PreTrainedModel

            class AcmeSinusoidal(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    table = torch.empty(512, dim)
                    table.normal_()
                    gain = nn.init.calculate_gain("relu")
                    self.register_buffer("table", table * gain, persistent=False)

            class AcmeModel(PreTrainedModel):
                pass
            """,
            reason="local tensors and calculate_gain are not writes to the module's parameters",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import torch
            from torch import nn
            from transformers import PreTrainedModel

            class Mixer(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.proj = nn.Linear(d, d)
                    nn.init.orthogonal_(self.proj.weight)

            class AcmePreTrainedModel(PreTrainedModel):
                @classmethod
                def from_pretrained(cls, path):
                    checkpoint = torch.load(path)
                    return cls(checkpoint["config"], checkpoint)

            class AcmeModel(AcmePreTrainedModel):
                def __init__(self, config, checkpoint=None):
                    super().__init__(config)
                    self.mixer = Mixer(config.d)
                    if checkpoint is not None:
                        self.load_state_dict(checkpoint["model"])
            """,
            line=10,
            severity=Severity.INFO,
            message_contains="loads with its own `AcmePreTrainedModel.from_pretrained`",
        ),
        Invalid(
            """
            import torch
            from torch import nn
            from transformers import PreTrainedModel

            class Mixer(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.proj = nn.Linear(d, d)
                    nn.init.orthogonal_(self.proj.weight)

            class Block(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.mixer = Mixer(d)

            class AcmePreTrainedModel(PreTrainedModel):
                pass

            class AcmeModel(AcmePreTrainedModel):
                def __init__(self, config):
                    super().__init__(config)
                    self.blocks = nn.ModuleList([Block(config.d) for _ in range(config.n)])
                    self.post_init()
            """,
            severity=Severity.WARNING,
            count=1,
            message_contains="`self.proj` is a Linear layer, which `_init_weights` re-initializes",
        ),
        Invalid(
            """
            import torch
            from torch import nn
            from transformers import GPT2PreTrainedModel

            class PositionTable(nn.Module):
                def __init__(self, n, d):
                    super().__init__()
                    self.emb = nn.Embedding(n, d)
                    self.emb.weight.data.normal_(mean=0.0, std=0.02)

            def build_tables(n, d):
                return PositionTable(n, d), PositionTable(n, d)

            class Decoder(GPT2PreTrainedModel):
                def __init__(self, config, table):
                    super().__init__(config)
                    self.table = table
            """,
            # built by a plain function and handed to a model that never runs post_init: whether
            # transformers ever re-initializes it is not known here, so the finding says so
            severity=Severity.INFO,
            count=1,
            message_contains="nothing in the project is known to build `PositionTable` inside one",
        ),
        Invalid(
            """
            import torch
            from torch import nn
            from transformers import PreTrainedModel

            class SeparableConv(nn.Module):
                def __init__(self, config):
                    super().__init__()
                    self.pointwise = nn.Conv1d(8, 8, 1)
                    self.pointwise.weight.data.normal_(mean=0.0, std=config.initializer_range)

            class AcmePreTrainedModel(PreTrainedModel):
                pass
            """,
            severity=Severity.INFO,
            message_contains="repeats what `_init_weights` does",
        ),
        Invalid(
            """
            import torch
            from torch import nn
            from transformers import PreTrainedModel

            class Head(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(8, 8)
                    nn.init.zeros_(self.fc.weight)

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    if isinstance(module, Head):
                        module.reset()
            """,
            severity=Severity.WARNING,
            message_contains="discarded when from_pretrained builds the model on the meta device",
        ),
        Invalid(
            """
            import torch
            from torch import nn
            from transformers import PreTrainedModel

            class AcmeMLP(nn.Module):
                def __init__(self, config):
                    super().__init__()
                    self.fc = nn.Linear(config.hidden_size, config.hidden_size)
                    nn.init.xavier_uniform_(self.fc.weight)

            class AcmeModel(PreTrainedModel):
                def __init__(self, config):
                    super().__init__(config)
                    self.mlp = AcmeMLP(config)
                    self.post_init()
            """,
            line=10,
            message_contains="`self.fc` is a Linear layer",
        ),
        Invalid(
            """
            import torch
            from torch import nn
            from ...modeling_utils import PreTrainedModel

            class AcmePreTrainedModel(PreTrainedModel):
                pass

            class AcmeForCausalLM(AcmePreTrainedModel):
                def __init__(self, config):
                    super().__init__(config)
                    self.logit_scale = nn.Parameter(torch.empty(1))
                    self.logit_scale.data.fill_(2.6592)
                    for layer in self.layers:
                        layer.bias.data.zero_()
                    self.post_init()
            """,
            count=2,
            severity=Severity.WARNING,
            message_contains="uninitialized memory",
        ),
        Invalid(
            """
            import torch
            from torch import nn
            from ... import initialization as init

            class AcmeAttention(nn.Module):
                def __init__(self, config):
                    super().__init__()
                    self.sinks = nn.Parameter(torch.empty(config.num_heads))
                    init.normal_(self.sinks)

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    super()._init_weights(module)
                    if isinstance(module, AcmeAttention):
                        init.normal_(module.sinks, std=0.02)
            """,
            severity=Severity.INFO,
            message_contains="already handles `sinks`",
        ),
    ]


_CONFIG_STD = re.compile(r"initializer_range|init_std|initializer_factor")


def _same_as_base(node: cst.Call, context) -> bool:
    """`w.normal_(mean=0.0, std=config.initializer_range)` / `nn.init.normal_(w, std=...)`."""
    func = node.func
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    if name != "normal_":
        return False
    return any(_CONFIG_STD.search(context.code_for(arg.value)) for arg in node.args)

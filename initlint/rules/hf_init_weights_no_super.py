from __future__ import annotations

from typing import Optional

import libcst as cst

from initlint.analysis.frameworks import (
    INIT_WEIGHTS_METHOD,
    calls_super_method,
    comment_lines,
    handled_layer_kinds,
    layer_kinds_built,
    module_parameter,
    owner_uncovered_kinds,
    transformers_facts,
    walk,
    wrapper_function,
)
from initlint.analysis.gate import FileWords
from initlint.analysis.imports import dotted_name
from initlint.analysis.layers import LayerKind, classify
from initlint.analysis.walk import is_docstring, only_raises
from initlint.diagnostics import Severity
from initlint.rules.base import Invalid, Rule, Valid

# What `PreTrainedModel._init_weights` initializes, grouped the way `layers.classify` names them.
_BASE_HANDLES = (LayerKind.LINEAR, LayerKind.CONV, LayerKind.EMBEDDING, LayerKind.NORM)
_DEFAULT_NEEDED = frozenset({LayerKind.LINEAR, LayerKind.EMBEDDING, LayerKind.NORM})
_KIND_NAMES = {
    LayerKind.LINEAR: "Linear",
    LayerKind.CONV: "Conv",
    LayerKind.EMBEDDING: "Embedding",
    LayerKind.NORM: "norm (LayerNorm/RMSNorm/BatchNorm/GroupNorm)",
}
# Calls that look at the module rather than initialize it.
_INSPECTORS = frozenset(
    {"isinstance", "hasattr", "getattr", "setattr", "type", "len", "id", "print", "str", "repr",
     "super", "issubclass", "callable", "vars", "dir"}
)
# transformers' own escape hatch for its TRF018 check: a deliberate full override.
_TRF_IGNORE = "trf-ignore: trf018"


class HfInitWeightsNoSuper(Rule):
    """
    ## What it does
    Flags an `_init_weights(self, module)` override in a transformers model class (a subclass
    of `PreTrainedModel`, directly or through a `<Name>PreTrainedModel` base in the same file)
    that never calls `super()._init_weights(module)` and does not handle the common layer kinds
    itself. The layer kinds that must be covered are the ones the file builds (`nn.Linear`,
    `nn.Conv*`, `nn.Embedding`, norm layers including the file's own `*RMSNorm` classes), or
    Linear, Embedding and norm layers when the file builds none it can see. A layer the file
    builds as `self.<attr>` of a class the method dispatches on is covered when that branch sets
    `module.<attr>.weight` (T5's `_init_weights` sets `module.wi.weight` under
    `isinstance(module, T5DenseActDense)` and never names `nn.Linear`).

    Graded: an override that covers every such kind is not reported; one that hands `module` to
    another function (`self.encoder._init_weights(module)`, `init_fn(module)`,
    `module.reset_parameters()`) is reported as `info`, since that function may cover the rest.
    A body that only raises (the modular-file "delete this method" sentinel) is skipped, and so is
    a method marked `# trf-ignore: TRF018`, transformers' own marker for a deliberate full
    override.

    ## Why is this bad?
    `PreTrainedModel._init_weights` initializes Linear and Conv weights (`normal_(0, std)` from
    the config's `initializer_range`), embeddings (and their padding row), norm layers (ones and
    zeros, running statistics), LSTMs, `nn.MultiheadAttention` and rotary-embedding buffers.
    An override that neither chains to it nor does that work itself leaves those modules with
    whatever they had:

    - built from a config (`Model(config)`): torch's per-layer defaults, not the model's intended
      init;
    - loaded with `from_pretrained`: the model is first built on the meta device (the default in
      transformers v5), and the parameters the checkpoint does not provide (a new head, a resized
      vocabulary, a layer added in fine-tuning) are materialized as empty tensors and handed to
      `_init_weights`; whatever it skips stays **uninitialized memory**.

    Nothing fails: the model trains from garbage or from the wrong scale. transformers' own
    linter has the same check (TRF018).

    ## Example
    ```python
    class AcmePreTrainedModel(PreTrainedModel):
        def _init_weights(self, module):
            if isinstance(module, AcmeGate):
                init.zeros_(module.gate)
    ```

    ## Use instead
    ```python
    class AcmePreTrainedModel(PreTrainedModel):
        def _init_weights(self, module):
            super()._init_weights(module)
            if isinstance(module, AcmeGate):
                init.zeros_(module.gate)
    ```

    ## Fix safety
    No automatic fix: where the `super()` call goes decides which init wins for the modules both
    handle, and that is the author's choice.

    ## References
    - [transformers: `PreTrainedModel._init_weights`](https://github.com/huggingface/transformers/blob/main/src/transformers/modeling_utils.py)
    - [transformers-mlinter rule TRF018](https://github.com/huggingface/transformers-mlinter)
    - [transformers: weight initialization in v5](https://huggingface.co/docs/transformers/main/en/add_new_model)
    """

    code = "INI301"
    name = "hf-init-weights-no-super"
    summary = "transformers `_init_weights` override skips `super()._init_weights(module)`"
    severity = Severity.WARNING
    triggers = ("_init_weights",)

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Every check is of a method named `_init_weights`."""
        return INIT_WEIGHTS_METHOD in words.defined

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        facts = transformers_facts(self.context)
        if not facts.is_model_class(node):
            return
        for statement in node.body.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value == INIT_WEIGHTS_METHOD:
                self._check(node, statement)

    def _check(self, klass: cst.ClassDef, func: cst.FunctionDef) -> None:
        module = module_parameter(func)
        if module is None or only_raises(func) or calls_super_method(func, INIT_WEIGHTS_METHOD):
            return
        if any(_TRF_IGNORE in comment.lower() for comment in comment_lines(func)):
            return
        owner = klass.name.value
        if _does_nothing(func):
            self.report(
                func.name,
                f"`_init_weights` of {owner} initializes nothing and skips "
                f"`super()._init_weights({module})`: fine only while every weight comes from a "
                "checkpoint; any parameter from_pretrained cannot find stays uninitialized memory "
                "(the model is built on the meta device), and a model built from a config keeps "
                "torch's defaults",
                severity=Severity.INFO,
            )
            return
        built = layer_kinds_built(self.context) & set(_BASE_HANDLES)
        needed = built or set(_DEFAULT_NEEDED)
        missing = needed - handled_layer_kinds(func, self.context)
        if built and missing:
            # layers built as `self.<attr>` of a class the method dispatches on, whose
            # `module.<attr>.weight` it sets in that branch, are handled through their owner
            torch_built, uncovered = owner_uncovered_kinds(func, module, self.context)
            missing = {kind for kind in missing if kind in uncovered or kind not in torch_built}
        if built and missing:
            reached = self._kinds_in_models(klass)
            if reached is not None:
                missing &= reached  # kinds built in this file but never inside these models
        if not missing:
            return
        missing_text = ", ".join(_KIND_NAMES[k] for k in _BASE_HANDLES if k in missing)
        delegate = self._delegate(func, module)
        if delegate is not None:
            self.report(
                func.name,
                f"`_init_weights` of {owner} does not call `super()._init_weights({module})` and "
                f"hands `{module}` to `{delegate}`: check that it covers {missing_text} modules, "
                "which the base method would initialize",
                severity=Severity.INFO,
            )
            return
        if not built:
            self.report(
                func.name,
                f"`_init_weights` of {owner} never calls `super()._init_weights({module})`; this "
                f"file builds no standard layers, but any {missing_text} module in the model "
                "(from other files) is left to torch's defaults, or to uninitialized memory when "
                "from_pretrained cannot find its weights",
                severity=Severity.INFO,
            )
            return
        if missing == {LayerKind.NORM}:
            self.report(
                func.name,
                f"`_init_weights` of {owner} never calls `super()._init_weights({module})` and "
                "does not handle norm layers: torch's defaults (ones and zeros) match the usual "
                "init when built from a config, but a norm weight from_pretrained cannot find "
                "stays uninitialized memory",
                severity=Severity.INFO,
            )
            return
        self.report(
            func.name,
            f"`_init_weights` of {owner} never calls `super()._init_weights({module})` and does "
            f"not handle {missing_text} modules: they keep torch's defaults when built from a "
            "config, and stay uninitialized memory when from_pretrained builds the model on the "
            "meta device and the checkpoint lacks them; call `super()._init_weights"
            f"({module})` first, then handle your own modules",
        )

    def _kinds_in_models(self, klass: cst.ClassDef) -> Optional[set[LayerKind]]:
        """The layer kinds inside every model that uses this `_init_weights` (the class and its
        subclasses in the project, through their sub-modules): a Conv1d the file builds for
        another model family (qwen-tts' speaker encoder, under the other `PreTrainedModel` of
        the file) never reaches it. None when a model holds a module the index cannot see into."""
        view = self.context.project
        index = view.index
        qualified = view.class_qualname_of(self.context, klass)
        kinds: set[LayerKind] = set()
        for cls in [qualified, *index.subclasses(qualified)]:
            for use in index.layers_of(cls).layers:
                if not use.cls.startswith("torch.") and index.class_(use.cls) is None:
                    return None  # a library model (`AutoModel.from_config`): what it holds is not known
                kinds.add(classify(use.short_name))
        if not kinds - {LayerKind.OTHER}:
            return None  # no model of the project is built from it: nothing known
        return kinds

    def _delegate(self, func: cst.FunctionDef, module: str) -> Optional[str]:
        """A call that passes the module on, or asks it to initialize itself."""
        for node in walk(func):
            if not isinstance(node, cst.Call):
                continue
            callee = node.func
            if isinstance(callee, cst.Name) and callee.value in _INSPECTORS:
                continue
            if self.context.init_function(callee) is not None or wrapper_function(callee, self.context):
                continue
            spelled = dotted_name(callee)
            if spelled is None:
                continue
            if isinstance(callee, cst.Attribute) and dotted_name(callee.value) == module:
                if callee.attr.value in ("apply", "reset_parameters", "_reset_parameters", "init_weights",
                                         "_init_weights", "initialize_weights", "init_weight"):
                    return spelled
                continue
            if any(isinstance(a.value, cst.Name) and a.value.value == module for a in node.args):
                return spelled
        return None

    VALID = [
        Valid(
            """
            from torch import nn
            from transformers import PreTrainedModel

            class SpeakerEncoder(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.fc = nn.Conv1d(d, d, 1)

            class TTSPreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    if isinstance(module, (nn.Linear, nn.Conv1d, nn.Embedding)):
                        module.weight.data.normal_(mean=0.0, std=0.02)
                    elif isinstance(module, nn.LayerNorm):
                        module.weight.data.fill_(1.0)

            class TalkerPreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    if isinstance(module, (nn.Linear, nn.Embedding)):
                        module.weight.data.normal_(mean=0.0, std=0.02)
                    elif isinstance(module, nn.LayerNorm):
                        module.weight.data.fill_(1.0)

            class Talker(TalkerPreTrainedModel):
                def __init__(self, config):
                    super().__init__(config)
                    self.embed = nn.Embedding(10, 8)
                    self.head = nn.Linear(8, 10)
                    self.norm = nn.LayerNorm(8)
                    self.post_init()

            class TTSModel(TTSPreTrainedModel):
                def __init__(self, config):
                    super().__init__(config)
                    self.talker = Talker(config)
                    self.speaker = SpeakerEncoder(8)
                    self.post_init()
            """,
            reason="the Conv1d is built only inside TTSModel, whose own base handles it; no model "
            "of Talker's base holds one (qwen-tts)",
        ),
        Valid(
            """
            import torch
            from torch import nn
            from transformers import PreTrainedModel
            from transformers import initialization as init

            class AcmePreTrainedModel(PreTrainedModel):
                @torch.no_grad()
                def _init_weights(self, module):
                    super()._init_weights(module)
                    if isinstance(module, AcmeGate):
                        init.zeros_(module.gate)

            class AcmeGate(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.gate = nn.Parameter(torch.zeros(dim))
            """,
            reason="chains to the base method first, then handles its own module",
        ),
        Valid(
            """
            import torch
            from transformers.modeling_utils import PreTrainedModel

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    PreTrainedModel._init_weights(self, module)
                    if isinstance(module, AcmeHead):
                        module.scale.data.fill_(1.0)
            """,
            reason="an explicit `Base._init_weights(self, module)` call chains just like super()",
        ),
        Valid(
            """
            import torch
            from torch import nn
            from transformers import PreTrainedModel

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    std = self.config.initializer_range
                    if isinstance(module, nn.Linear):
                        module.weight.data.normal_(mean=0.0, std=std)
                        if module.bias is not None:
                            module.bias.data.zero_()
                    elif isinstance(module, nn.Embedding):
                        module.weight.data.normal_(mean=0.0, std=std)
                    elif isinstance(module, nn.LayerNorm):
                        module.weight.data.fill_(1.0)
                        module.bias.data.zero_()
            """,
            reason="the classic full override: Linear, Embedding and LayerNorm all handled",
        ),
        Valid(
            """
            import torch
            from torch import nn
            from transformers import PreTrainedModel

            class AcmeVisionPreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    if isinstance(module, (nn.Linear, nn.Conv2d)):
                        nn.init.trunc_normal_(module.weight, std=0.02)
                    elif "LayerNorm" in module.__class__.__name__:
                        module.weight.data.fill_(1.0)

            class AcmePatchEmbed(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.proj = nn.Conv2d(3, 64, 16, 16)
                    self.norm = nn.LayerNorm(64)
                    self.fc = nn.Linear(64, 64)
            """,
            reason="covers every layer kind the file builds (a vision model has no nn.Embedding)",
        ),
        Valid(
            """
            import torch
            from transformers import PreTrainedModel

            class AcmePreTrainedModel(PreTrainedModel):
                # trf-ignore: TRF018
                def _init_weights(self, module):
                    if isinstance(module, AcmeBlock):
                        module.reset_gates()
            """,
            reason="transformers' own marker for a deliberate full override",
        ),
        Valid(
            """
            import torch
            from torch import nn

            class Model(nn.Module):
                def _init_weights(self, module):
                    if isinstance(module, nn.Linear):
                        nn.init.xavier_uniform_(module.weight)
            """,
            reason="not a transformers model: there is no base method to chain to",
        ),
        Valid(
            """
            import torch
            from transformers import PreTrainedModel

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    raise AttributeError("not needed")
            """,
            reason="modular-file sentinel that deletes the inherited method",
        ),
        Valid(
            """
            import torch
            from ...modeling_utils import PreTrainedModel
            from ..olmo2.modeling_olmo2 import Olmo2PreTrainedModel

            class AcmePreTrainedModel(Olmo2PreTrainedModel):
                def _init_weights(self, module):
                    PreTrainedModel._init_weights(module)
                    if isinstance(module, AcmeRotaryEmbedding):
                        module.reset_inv_freq()
            """,
            reason="modular-file spelling of the super call, which the converter turns into super()",
        ),
        Valid(
            """
            import torch
            from torch import nn
            from transformers import PreTrainedModel

            class AcmeNorm(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.weight = nn.Parameter(torch.ones(d))

            class AcmeMlp(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.up = nn.Linear(d, 4 * d, bias=False)
                    self.down = nn.Linear(4 * d, d, bias=False)

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    if isinstance(module, AcmeNorm):
                        module.weight.data.fill_(1.0)
                    elif isinstance(module, AcmeModel):
                        module.tokens.weight.data.normal_(std=1.0)
                    elif isinstance(module, AcmeMlp):
                        module.up.weight.data.normal_(std=self.config.d ** -0.5)
                        module.down.weight.data.normal_(std=(4 * self.config.d) ** -0.5)

            class AcmeModel(AcmePreTrainedModel):
                def __init__(self, config):
                    super().__init__(config)
                    self.tokens = nn.Embedding(config.vocab, config.d)
                    self.mlp = AcmeMlp(config.d)
                    self.norm = AcmeNorm(config.d)
            """,
            reason="every Linear and Embedding is set through the branch of the class that builds it (T5's style)",
        ),
    ]
    INVALID = [
        Invalid(
            # the same style, but one Linear is built by a class the method never dispatches on
            """
            from torch import nn
            from transformers import PreTrainedModel

            class AcmeMlp(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.up = nn.Linear(d, 4 * d, bias=False)
                    self.down = nn.Linear(4 * d, d, bias=False)

            class AcmeHead(nn.Module):
                def __init__(self, d, n):
                    super().__init__()
                    self.out = nn.Linear(d, n)

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    if isinstance(module, AcmeMlp):
                        module.up.weight.data.normal_(std=self.config.d ** -0.5)
                        module.down.weight.data.normal_(std=(4 * self.config.d) ** -0.5)
            """,
            line=17,
            severity=Severity.WARNING,
            message_contains="does not handle Linear modules",
        ),
        Invalid(
            """
            import torch
            from torch import nn
            from transformers import PreTrainedModel

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    if isinstance(module, nn.Linear):
                        module.weight.data.normal_(mean=0.0, std=0.02)

            class AcmeModel(AcmePreTrainedModel):
                def __init__(self, config):
                    super().__init__(config)
                    self.embed = nn.Embedding(100, 16)
                    self.norm = nn.LayerNorm(16)
                    self.proj = nn.Linear(16, 16)
                    self.post_init()
            """,
            line=7,
            severity=Severity.WARNING,
            message_contains="Embedding, norm",
        ),
        Invalid(
            """
            import torch
            from torch import nn
            from ...modeling_utils import PreTrainedModel
            from ... import initialization as init

            class AcmePreTrainedModel(PreTrainedModel):
                pass

            class AcmeForCausalLM(AcmePreTrainedModel):
                def __init__(self, config):
                    super().__init__(config)
                    self.lm_head = nn.Linear(config.hidden_size, config.vocab_size)

                def _init_weights(self, module):
                    if isinstance(module, AcmeRouter):
                        init.zeros_(module.bias)
            """,
            severity=Severity.WARNING,
            message_contains="does not handle Linear modules",
        ),
        Invalid(
            """
            import torch
            from transformers import PreTrainedModel

            class ChatPreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    # weights always come from the checkpoint
                    return
            """,
            severity=Severity.INFO,
            message_contains="initializes nothing",
        ),
        Invalid(
            """
            import torch
            from torch import nn
            from transformers import PreTrainedModel

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    if isinstance(module, (nn.Linear, nn.Embedding)):
                        module.weight.data.normal_(mean=0.0, std=0.02)

            class AcmeLayer(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(4, 4)
                    self.emb = nn.Embedding(4, 4)
                    self.ln = nn.LayerNorm(4)
            """,
            severity=Severity.INFO,
            message_contains="torch's defaults (ones and zeros) match the usual init",
        ),
        Invalid(
            """
            import torch
            from transformers import BertPreTrainedModel

            class AcmeForTagging(BertPreTrainedModel):
                def _init_weights(self, module):
                    self.bert._init_weights(module)
            """,
            severity=Severity.INFO,
            message_contains="`self.bert._init_weights`",
        ),
    ]


def _does_nothing(func: cst.FunctionDef) -> bool:
    """A body of only a docstring, `pass`, `return` or `...`."""
    for statement in func.body.body:
        if is_docstring(statement):
            continue
        if not isinstance(statement, cst.SimpleStatementLine):
            return False
        for small in statement.body:
            if isinstance(small, cst.Pass):
                continue
            if isinstance(small, cst.Return) and small.value is None:
                continue
            if isinstance(small, cst.Expr) and isinstance(small.value, cst.Ellipsis):
                continue
            return False
    return True

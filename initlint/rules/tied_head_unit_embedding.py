from __future__ import annotations

from typing import Optional

import libcst as cst

from initlint.analysis.classes import argument, line_in_source
from initlint.analysis.gate import FileWords
from initlint.analysis.heads import (
    TiedHead,
    head_uses,
    in_branch,
    keeps_its_default,
    output_scaled,
    table_writes,
    tied_heads,
)
from initlint.diagnostics import Severity
from initlint.rules.base import Invalid, Rule, Valid

_EMBEDDING = "torch.nn.Embedding"


class TiedHeadUnitEmbedding(Rule):
    """
    ## What it does
    Flags an output head tied to an `nn.Embedding` whose table keeps torch's default N(0, 1):
    the head's weight is the table (`self.to_logits.weight = self.token_emb.weight`, also
    between locals of `__init__`), or forward computes the logits with the table itself
    (`x @ self.token_emb.weight.t()`, `F.linear(x, self.token_emb.weight)`,
    `torch.einsum("bnd,vd->bnv", x, self.token_emb.weight)`), and nothing scales those logits
    (`* d ** -0.5`, a temperature, a division) on their way out in at least one method that
    uses the head (the training forward).

    The table keeps its default when it is built without `_weight=` or `max_norm=`, no init
    in the class writes it (through the embedding's name or the head's: they share the tensor)
    other than an explicit N(0, 1) draw, and the project index shows no re-init reaching it:
    the class's own construction (`self.apply(fn)` with `fn` writing `m.weight` under
    `isinstance(m, nn.Embedding)`, a loop over all parameters), every owner's construction, a
    transformers `PreTrainedModel` base (its `_init_weights` draws embeddings at
    `initializer_range`) or a checkpoint load after every construction.

    Severity: `warning` when all of that is certain. `info` when the tie sits under a branch
    (`if tie_embeddings:`), when an init the index cannot place might reach the table (an
    `isinstance(m, nn.Embedding)` init function elsewhere in the project, an owner that covers
    some constructions only, a base class the index does not hold), or when no use of the head
    is found. Embedding tables that are not tied stay quiet (INI102 says why N(0, 1) is right
    for them).

    ## Why is this bad?
    A tied head computes `logit_v = x . e_v`. After the final norm `x` has unit variance per
    feature, so with `e_v ~ N(0, 1)` the logits have std `sqrt(d)`. Measured with torch 2.13
    (d = 1024, 8,192 tokens, layer-normed inputs, random targets): logit std 32.0 and an
    initial cross-entropy of about 128 against `log V` = 9.0 for a uniform guess; a reviewer
    measured spear-tts-pytorch 0.4.8's text-to-semantic model at logit std 31.7 and
    cross-entropy 495.9 against `log V` = 6.2. The softmax is one-hot from the first step:
    most tokens get no gradient and the first updates are huge. GPT-2 and BERT draw the shared
    table at std 0.02 (logit std 0.64, loss 9.2 in the same measurement); T5 multiplies the
    head's input by `d ** -0.5` (std 1.0, loss 9.3).

    ## Example
    ```python
    class LM(nn.Module):
        def __init__(self, vocab, d):
            super().__init__()
            self.token_emb = nn.Embedding(vocab, d)
            self.norm = nn.LayerNorm(d)
            self.to_logits = nn.Linear(d, vocab, bias=False)
            self.to_logits.weight = self.token_emb.weight

        def forward(self, x):
            return self.to_logits(self.norm(self.body(self.token_emb(x))))
    ```

    ## Use instead
    ```python
            self.to_logits.weight = self.token_emb.weight
            nn.init.normal_(self.token_emb.weight, std=0.02)
    ```
    or scale the head's input: `self.to_logits(self.norm(h) * self.dim ** -0.5)`.

    ## Fix safety
    No automatic fix: a std of 0.02 or `d ** -0.5` for the table, or a `d ** -0.5` factor on
    the head's input, are all used; which fits depends on how the embedding's output is scaled
    on the way in (some models multiply it by `sqrt(d)`).

    ## References
    - Press & Wolf, *Using the Output Embedding to Improve Language Models* (2017)
    - Radford et al., GPT-2 (2019), and transformers' `GPT2PreTrainedModel._init_weights`
      (`initializer_range` 0.02)
    - Raffel et al., *Exploring the Limits of Transfer Learning with a Unified Text-to-Text
      Transformer* (2020), and transformers' `T5ForConditionalGeneration.forward`
      (`sequence_output * self.model_dim ** -0.5` before the tied head)
    - [PyTorch: `torch.nn.Embedding`](https://pytorch.org/docs/stable/generated/torch.nn.Embedding.html)
      (weight initialized from N(0, 1))
    """

    code = "INI112"
    name = "tied-head-unit-embedding"
    summary = "Output head tied to an embedding left at N(0, 1): logits of std sqrt(d)"
    severity = Severity.WARNING
    fix_safety = None
    triggers = ("Embedding",)

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Every report is about a tie to a table the class builds with `Embedding(...)`: the
        call is written in the file."""
        return words.calls("Embedding")

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        for tie in tied_heads(self.context, node):
            self._check(node, tie)

    def _check(self, klass: cst.ClassDef, tie: TiedHead) -> None:
        context = self.context
        embedding = tie.embedding
        if not keeps_its_default(context, embedding):
            return
        if any(not unit for _, unit in table_writes(context, klass, tie)):
            return
        uses = head_uses(klass, tie.head) if tie.head is not None else [(tie.function, tie.node)]
        unscaled = [use for function, use in uses if not output_scaled(function, use)]
        if uses and not unscaled:
            return
        how, maybe = self._index_init(klass, tie)
        if how is not None:
            return
        dim = self._dimension(embedding.call)
        tie_code = context.code_for(tie.node).split("\n", 1)[0]
        head = (
            f"`{tie_code}` ties the output head to `{embedding.key}`"
            if tie.head is not None
            else f"`{tie_code}` computes logits with the table of `{embedding.key}`"
        )
        message = (
            f"{head}, an `nn.Embedding` left at torch's default N(0, 1): logits of a unit-variance "
            f"input (after the final norm) have std sqrt({dim}) (32 for d = 1024) and the initial "
            "cross-entropy is far above log(vocab); draw the table at std 0.02 or `d ** -0.5`, or "
            "multiply the head's input by `d ** -0.5`"
        )
        doubts: list[str] = []
        if in_branch(tie.function, tie.node) or in_branch(embedding.function, embedding.statement):
            doubts.append("the tie or the table is built under a branch")
        if not uses:
            doubts.append("no call of the head was found in the class")
        if maybe:
            doubts.append(f"an init the index cannot place might reach the table: {', '.join(maybe[:2])}")
        if doubts:
            self.report(tie.node, f"{message} ({'; '.join(doubts)})", severity=Severity.INFO)
        else:
            self.report(tie.node, message)

    def _index_init(self, klass: cst.ClassDef, tie: TiedHead) -> tuple[Optional[str], tuple[str, ...]]:
        """The project index's answer on re-inits of the table (`ProjectIndex.built_layer_init`)."""
        view = self.context.project
        embedding = tie.embedding
        line = line_in_source(self.context, klass, embedding.function, embedding.statement)
        if line is None:
            return None, ("its construction's line is not known",)
        return view.index.built_layer_init(view.class_qualname_of(self.context, klass), line, _EMBEDDING)

    def _dimension(self, call: cst.Call) -> str:
        """The embedding's `embedding_dim` as written, or `d`."""
        dim = argument(call, 1, "embedding_dim")
        return self.context.code_for(dim) if dim is not None else "d"

    VALID = [
        Valid(
            """
            import torch.nn as nn

            class LM(nn.Module):
                def __init__(self, vocab, d):
                    super().__init__()
                    self.token_emb = nn.Embedding(vocab, d)
                    self.to_logits = nn.Linear(d, vocab, bias=False)
                    self.to_logits.weight = self.token_emb.weight
                    nn.init.normal_(self.token_emb.weight, std=0.02)

                def forward(self, x):
                    return self.to_logits(self.token_emb(x))
            """,
            reason="GPT-2's recipe: the shared table is drawn at std 0.02",
        ),
        Valid(
            """
            import torch.nn as nn

            class LM(nn.Module):
                def __init__(self, vocab, d):
                    super().__init__()
                    self.dim = d
                    self.token_emb = nn.Embedding(vocab, d)
                    self.norm = nn.LayerNorm(d)
                    self.to_logits = nn.Linear(d, vocab, bias=False)
                    self.to_logits.weight = self.token_emb.weight

                def forward(self, x):
                    h = self.norm(self.token_emb(x))
                    h = h * self.dim ** -0.5
                    return self.to_logits(h)
            """,
            reason="T5's recipe: the head's input is scaled by d ** -0.5",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, nn.Embedding):
                    nn.init.normal_(m.weight, std=0.02)

            class LM(nn.Module):
                def __init__(self, vocab, d):
                    super().__init__()
                    self.token_emb = nn.Embedding(vocab, d)
                    self.norm = nn.LayerNorm(d)
                    self.apply(init_weights)

                def forward(self, x):
                    h = self.norm(self.token_emb(x))
                    return h @ self.token_emb.weight.t()
            """,
            reason="the class's own `apply` re-draws every Embedding at std 0.02 after building it",
        ),
        Valid(
            """
            import torch.nn as nn

            class Encoder(nn.Module):
                def __init__(self, vocab, d, classes):
                    super().__init__()
                    self.token_emb = nn.Embedding(vocab, d)
                    self.classifier = nn.Linear(d, classes)

                def forward(self, x):
                    return self.classifier(self.token_emb(x).mean(1))
            """,
            reason="an embedding table that is not tied: N(0, 1) is its intended scale",
        ),
        Valid(
            """
            import torch.nn as nn

            class LM(nn.Module):
                def __init__(self, vocab, d):
                    super().__init__()
                    self.token_emb = nn.Embedding(vocab, d)
                    self.to_logits = nn.Linear(d, vocab, bias=False)
                    self.to_logits.weight = self.token_emb.weight

                def forward(self, x, temperature):
                    return self.to_logits(self.token_emb(x)) / temperature
            """,
            reason="every use of the head divides its logits",
        ),
        Valid(
            """
            import torch.nn as nn

            class LM(nn.Module):
                def __init__(self, vocab, d):
                    super().__init__()
                    self.token_emb = nn.Embedding(vocab, d, max_norm=1.0)
                    self.to_logits = nn.Linear(d, vocab, bias=False)
                    self.to_logits.weight = self.token_emb.weight

                def forward(self, x):
                    return self.to_logits(self.token_emb(x))
            """,
            reason="max_norm renormalizes the rows forward reads: the scale is not N(0, 1)'s",
        ),
        Valid(
            """
            import torch.nn as nn
            from transformers import PreTrainedModel

            class LM(PreTrainedModel):
                def __init__(self, config):
                    super().__init__(config)
                    self.wte = nn.Embedding(config.vocab_size, config.n_embd)
                    self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
                    self.lm_head.weight = self.wte.weight

                def forward(self, x):
                    return self.lm_head(self.wte(x))
            """,
            reason="transformers' `_init_weights` draws embeddings at initializer_range",
        ),
        Valid(
            """
            import torch.nn as nn

            class Decoder(nn.Module):
                def __init__(self, vocab, d):
                    super().__init__()
                    self.d = d
                    self.embed_tokens = nn.Embedding(vocab, d)
                    self.final_norm = nn.LayerNorm(d)
                    self.lm_head = nn.Linear(d, vocab, bias=False)
                    self.lm_head.weight = self.embed_tokens.weight

                def forward(self, ids):
                    h = self.embed_tokens(ids)
                    h = self.final_norm(h) * self.d ** -0.5
                    logits = self.lm_head(h)
                    return logits
            """,
            reason="the head's input is rebound to a product with d ** -0.5 before the head",
        ),
        Valid(
            """
            import torch.nn as nn

            class LM(nn.Module):
                def __init__(self, vocab, d):
                    super().__init__()
                    self.token_emb = nn.Embedding(vocab, d)
                    self.to_logits = nn.Linear(d, vocab, bias=False)
                    self.to_logits.weight = self.token_emb.weight
                    nn.init.normal_(self.to_logits.weight, std=d ** -0.5)

                def forward(self, x):
                    return self.to_logits(self.token_emb(x))
            """,
            reason="the shared tensor is re-drawn through the head's name: it is the same table",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import torch.nn as nn

            class TextToSemantic(nn.Module):
                def __init__(self, dim, num_text_tokens):
                    super().__init__()
                    text_token_emb = nn.Embedding(num_text_tokens, dim)
                    self.token_emb = nn.ModuleDict(dict(text=text_token_emb))
                    to_text_logit = nn.Linear(dim, num_text_tokens, bias=False)
                    to_text_logit.weight = text_token_emb.weight
                    self.to_logits = nn.ModuleDict(dict(text=to_text_logit))
                    self.final_norm = nn.LayerNorm(dim)

                def forward(self, x, kind):
                    to_logit = self.to_logits[kind]
                    logits = to_logit(self.final_norm(self.token_emb[kind](x)))
                    return logits

                def generate(self, x, kind, temperature=1.0):
                    logits = self.to_logits[kind](self.token_emb[kind](x))
                    return (logits / temperature).argmax(-1)
            """,
            line=10,
            severity=Severity.WARNING,
            message_contains="have std sqrt(dim)",
        ),
        Invalid(
            """
            import torch.nn as nn
            import torch.nn.functional as F

            class LM(nn.Module):
                def __init__(self, vocab, d):
                    super().__init__()
                    self.token_emb = nn.Embedding(vocab, d)
                    self.norm = nn.LayerNorm(d)

                def forward(self, x):
                    h = self.norm(self.token_emb(x))
                    return F.linear(h, self.token_emb.weight)
            """,
            line=13,
            severity=Severity.WARNING,
            message_contains="computes logits with the table of `self.token_emb`",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class LM(nn.Module):
                def __init__(self, vocab, d):
                    super().__init__()
                    self.token_emb = nn.Embedding(vocab, d)
                    nn.init.normal_(self.token_emb.weight)

                def forward(self, x):
                    h = self.token_emb(x)
                    return torch.einsum("bnd,vd->bnv", h, self.token_emb.weight)
            """,
            severity=Severity.WARNING,
            message_contains="N(0, 1)",
        ),
        Invalid(
            """
            import torch.nn as nn

            class LM(nn.Module):
                def __init__(self, vocab, d, tie=True):
                    super().__init__()
                    self.token_emb = nn.Embedding(vocab, d)
                    self.to_logits = nn.Linear(d, vocab, bias=False)
                    if tie:
                        self.to_logits.weight = self.token_emb.weight

                def forward(self, x):
                    return self.to_logits(self.token_emb(x))
            """,
            line=10,
            severity=Severity.INFO,
            message_contains="under a branch",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_embeddings(m):
                if isinstance(m, nn.Embedding):
                    nn.init.normal_(m.weight, std=0.02)

            class LM(nn.Module):
                def __init__(self, vocab, d):
                    super().__init__()
                    self.token_emb = nn.Embedding(vocab, d)
                    self.to_logits = nn.Linear(d, vocab, bias=False)
                    self.to_logits.weight = self.token_emb.weight

                def forward(self, x):
                    return self.to_logits(self.token_emb(x))

            INITS = {"embeddings": init_embeddings}
            """,
            line=13,
            severity=Severity.INFO,
            message_contains="init_embeddings",
        ),
    ]

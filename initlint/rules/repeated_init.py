from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from initlint.analysis.gate import FileWords
from initlint.analysis.tensors import init_call, tensor_ref
from initlint.diagnostics import Severity
from initlint.rules.base import Invalid, Rule, Valid

_SPACES = re.compile(r"\s+")
# `self.<name> = ...` / `self.<name>: T = ...`: the layers and tensors the file builds
_BUILT = re.compile(r"\bself\.([A-Za-z_]\w*)\s*(?::[^=\n]*)?=(?!=)")
_DIGITS = re.compile(r"\d+$")


def _one_part_apart(first: str, second: str) -> bool:
    """`embedding_user` / `embedding_item`, `W_q` / `W_k` (one `_`-separated part changed, at
    least one kept), `fc1` / `fc2` (only the trailing number changed)."""
    a, b = first.split("_"), second.split("_")
    if len(a) == 1 or len(b) == 1:
        stem_a, stem_b = _DIGITS.sub("", first), _DIGITS.sub("", second)
        return bool(stem_a) and stem_a == stem_b and stem_a != first and stem_b != second
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1


class RepeatedInit(Rule):
    """
    ## What it does
    Flags an init statement repeated word for word in the same block of a function
    (`nn.init.normal_(self.embedding_user.weight, std=0.01)` twice in a row): the second draw
    replaces the first, so one of the two lines does nothing. When the file names a sibling of
    that layer (the same name with one part changed: `embedding_item` for `embedding_user`,
    `fc2` for `fc1`) that the function never touches, the second line was almost surely meant
    for it, and the sibling keeps its default init (`nn.Embedding`: N(0, 1) where the author
    chose std 0.01): a `warning` naming it. Without such a sibling the repeat is harmless
    (`info`).

    ## Why is this bad?
    A copied init line whose name was not changed leaves the layer it was meant for at
    PyTorch's default, which can be 100 times larger than what the author chose (an embedding
    table at std 1 beside its partner at std 0.01): the two halves of a dot product start at
    different scales, and nothing shows it.

    ## Example
    ```python
    def init_weight(self):
        nn.init.normal_(self.embedding_user.weight, std=0.01)
        nn.init.normal_(self.embedding_user.weight, std=0.01)
    ```

    ## Use instead
    ```python
    def init_weight(self):
        nn.init.normal_(self.embedding_user.weight, std=0.01)
        nn.init.normal_(self.embedding_item.weight, std=0.01)
    ```

    ## Fix safety
    No automatic fix: which layer the second line was meant for is the author's call.

    ## References
    - beta-rec 0.3.2 `GMF.init_weight`, `MLP.init_weight` and `NeuMFEngine.init_weights`: the
      item embeddings stay at N(0, 1) (measured std 0.99 against 0.01 for the user side)
    """

    code = "INI113"
    name = "repeated-init"
    summary = "The same init statement twice in a block: the second was likely meant for a sibling layer"
    severity = Severity.WARNING
    fix_safety = None
    triggers = ("init", "_(")

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Every report is at an init call (`nn.init.*` or an in-place draw)."""
        return words.any_init_call() or words.draw_call()

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        function = self.context.enclosing_function()
        if function is None:
            return
        seen: dict[str, cst.SimpleStatementLine] = {}
        for statement in node.body:
            if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
                seen.clear()  # a branch or loop between them may change what the line means
                continue
            small = statement.body[0]
            if not isinstance(small, cst.Expr) or not isinstance(small.value, cst.Call):
                if not isinstance(small, cst.Expr):
                    seen.clear()  # an assignment may rebind what the line reads
                continue
            call = init_call(small.value, self.context)
            if call is None:
                continue
            key = _SPACES.sub("", self.context.code_for(small.value))
            if key in seen:
                self._report(small.value, call.tensor.expr, function, seen[key])
            else:
                seen[key] = statement

    def _report(
        self, node: cst.Call, tensor: cst.BaseExpression, function: cst.FunctionDef,
        first: cst.SimpleStatementLine,
    ) -> None:
        ref = tensor_ref(tensor)
        layer = ref.attr if ref.owner in (None, "self") else ref.owner
        line = self.context.code_for(node)
        sibling = self._forgotten_sibling(layer, function) if layer else None
        if sibling is not None:
            self.report(
                node,
                f"`{_SPACES.sub(' ', line)}` repeats the line above it word for word: the second draw "
                f"replaces the first, and `{sibling}`, which this file builds beside `{layer}`, is "
                f"never initialized in `{function.name.value}` and keeps PyTorch's default; was "
                f"this line meant for `{sibling}`?",
            )
        else:
            self.report(
                node,
                f"`{_SPACES.sub(' ', line)}` repeats an earlier line of this block word for word: the "
                "second draw replaces the first; remove one (or point it at the tensor it was meant for)",
                severity=Severity.INFO,
            )

    def _forgotten_sibling(self, layer: str, function: cst.FunctionDef) -> Optional[str]:
        """A name the file builds (`self.<name> = ...`), one part away from `layer`, that the
        function never mentions."""
        body = self.context.scope_code(function)
        names = sorted(set(_BUILT.findall(self.context.source)))
        for name in names:
            if name != layer and _one_part_apart(name, layer) and not re.search(
                rf"\b{re.escape(name)}\b", body
            ):
                return name
        return None

    VALID = [
        Valid(
            """
            import torch.nn as nn

            class MF(nn.Module):
                def __init__(self, users, items, d):
                    super().__init__()
                    self.embedding_user = nn.Embedding(users, d)
                    self.embedding_item = nn.Embedding(items, d)
                    nn.init.normal_(self.embedding_user.weight, std=0.01)
                    nn.init.normal_(self.embedding_item.weight, std=0.01)
            """
        ),
        Valid(
            """
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, nn.Linear):
                    nn.init.xavier_uniform_(m.weight)
                elif isinstance(m, nn.Conv2d):
                    nn.init.xavier_uniform_(m.weight)
            """,
            reason="the same line in two branches initializes two kinds of layer",
        ),
        Valid(
            """
            import torch.nn as nn

            def reset(layers):
                for layer in layers:
                    nn.init.zeros_(layer.bias)
                    layer = layer.inner
                    nn.init.zeros_(layer.bias)
            """,
            reason="an assignment between the two lines changes what they touch",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import torch.nn as nn

            class GMF(nn.Module):
                def __init__(self, users, items, d):
                    super().__init__()
                    self.embedding_user = nn.Embedding(users, d)
                    self.embedding_item = nn.Embedding(items, d)
                    self.init_weight()

                def init_weight(self):
                    nn.init.normal_(self.embedding_user.weight, std=0.01)
                    nn.init.normal_(self.embedding_user.weight, std=0.01)
            """,
            line=13,
            severity=Severity.WARNING,
            message_contains="was this line meant for `embedding_item`?",
        ),
        Invalid(
            """
            import torch.nn as nn

            class NeuMF(nn.Module):
                def __init__(self, users, items, d):
                    super().__init__()
                    self.embedding_user_mf = nn.Embedding(users, d)
                    self.embedding_item_mf = nn.Embedding(items, d)
                    self.embedding_user_mlp = nn.Embedding(users, d)
                    self.embedding_item_mlp = nn.Embedding(items, d)

            class Engine:
                def __init__(self, users, items, d):
                    self.model = NeuMF(users, items, d)
                    self.init_weights()

                def init_weights(self):
                    nn.init.normal_(self.model.embedding_user_mf.weight, std=0.01)
                    nn.init.normal_(self.model.embedding_item_mf.weight, std=0.01)
                    nn.init.normal_(self.model.embedding_user_mlp.weight, std=0.01)
                    nn.init.normal_(self.model.embedding_user_mlp.weight, std=0.01)

                def predict(self, u, i):
                    return self.model.embedding_item_mlp(i) * self.model.embedding_user_mlp(u)
            """,
            line=21,
            severity=Severity.WARNING,
            message_contains="`embedding_item_mlp`",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Head(nn.Module):
                def __init__(self, d):
                    super().__init__()
                    self.out = nn.Linear(d, 1)
                    nn.init.zeros_(self.out.bias)
                    nn.init.zeros_(self.out.bias)
            """,
            severity=Severity.INFO,
            message_contains="remove one",
        ),
    ]

from __future__ import annotations

import re
from typing import Optional, Sequence

import libcst as cst

from initlint.analysis.classes import argument
from initlint.analysis.imports import dotted_name
from initlint.analysis.layers import guard_class_names
from initlint.analysis.project import ProjectIndex, Reach
from initlint.analysis.project.index import LayerUse, PaddingMask
from initlint.analysis.scales import constant_value, local_value
from initlint.analysis.tensors import InitCall, init_call, tensor_ref
from initlint.analysis.values import ValueKind, name_kind
from initlint.analysis.walk import declared_params, positional_params
from initlint.diagnostics import FixSafety, Severity
from initlint.rules.base import Invalid, Rule, Valid

# Inits that overwrite every row of the table, padding row included.
_OVERWRITING = frozenset(
    {"normal_", "uniform_", "trunc_normal_", "xavier_uniform_", "xavier_normal_",
     "kaiming_uniform_", "kaiming_normal_", "orthogonal_", "normal", "uniform", "xavier_uniform",
     "xavier_normal", "kaiming_uniform", "kaiming_normal", "orthogonal"}
)
_ZEROING = frozenset({"zeros_", "zeros", "constant_", "constant"})
# The file builds an embedding with a padding row: `padding_idx=pad` (not None).
_PADDING_GIVEN = re.compile(r"padding_idx\s*=\s*(?!None\b)[\w.(\[]")
_EMBEDDING_CLASS = re.compile(r"Embedding$|^Embedding")
# `nn.Embedding(..., padding_idx=pad)` with the arguments on one or several lines.
_PADDED_EMBEDDING = (
    r"[\w.]*Embedding\w*\((?:[^()]|\([^()]*\))*padding_idx\s*=\s*(?!None\b)"
)
# Something after the init that deals with the padding row again.
_REZERO = re.compile(r"pad|\[\s*0\s*\]\s*(?:\.data)?\s*(?:\.zero_|\.fill_|=)")
# A padding row zeroed anywhere in a class (e.g. in a method run after the init).
_ROW_ZEROED = re.compile(
    r"\[[^\]\n]*pad[^\]\n]*\]\s*(?:\.data)?\s*(?:\.zero_\(|\.fill_\(\s*0|=\s*0)"
    r"|(?:zeros_|constant_)\([^)\n]*\[[^\]\n]*pad"
)
_PADDING_INDEX = re.compile(r"padding_idx|pad_idx|padding_index|pad_token_id|pad_id\b")
_PADDING_CHECKED = re.compile(
    r"(?:\bif|\bassert|\band|\bor)\b[^\n]*(?:padding_idx|pad_idx)[^\n]*(?:\bNone\b|>=?\s*0|<\s*0)"
)


def _mentions_padding(expr: cst.CSTNode, context) -> bool:  # type: ignore[no-untyped-def]
    return bool(_PADDING_INDEX.search(context.code_for(expr)))


class EmbeddingPaddingOverwritten(Rule):
    """
    ## What it does
    Two mistakes around `nn.Embedding(..., padding_idx=...)`:

    1. A random init of an embedding table (`normal_`, `uniform_`, `trunc_normal_`, Xavier,
       Kaiming, orthogonal) in a branch for `nn.Embedding` that an embedding built with a
       `padding_idx` reaches (per the project index: the models the function is applied to, its
       callers), or on a named layer built with a `padding_idx` (by keyword or by position,
       `nn.Embedding(n, d, pad)`, in the class or a base), with nothing afterwards that
       zeroes the padding row again. When every way modules arrive is known and none of the
       embeddings that do has a padding row, it stays quiet; when some of what arrives is known
       (none padded) and the file builds padded embeddings elsewhere, that is only a lead
       (`info`); when nothing at all is known about what arrives, the file's padded embeddings
       are the evidence (`warning`). When the model holding each such embedding keeps padded
       positions out of what it uses itself (per the project index: a method that feeds ids to
       the embedding also tests them for padding, `ids.gt(0)`, `ids == pad`, directly or in a
       method of the class or its bases such as `self.get_attention_mask(ids)` (or every class
       that builds the table's owner as a sub-module does so with the ids it feeds to it), or reads each
       sequence at its own last step, `gather(x, lengths - 1)`, after a recurrent layer), the
       random row is harmless and the finding is `info`, naming that evidence. So is a mask
       parameter that the method feeding the ids reads: a required one (`forward(self,
       input_ids, input_mask)`: no call runs the model without one) or one a caller may leave
       out (`attention_mask=None`), which callers of padded batches pass (without it, padded
       positions are attended whatever the row holds; BLIP, TAPE and transtab reviews). When the
       evidence is only the file's own padded embeddings, the classes building them are asked.
       A read of the batch's last step (`x[:, -1]`, padding for right-padded sequences; not the
       last column of a mask) cancels it.
    2. `weight[padding_idx].zero_()`, `weight.data[m.padding_idx].fill_(0)`,
       `nn.init.zeros_(m.weight[m.padding_idx])` or `weight.data[m.padding_idx] = 0` where
       `padding_idx` can be None (an embedding's `padding_idx` attribute, a parameter that
       defaults to None), with no `is not None` check.

    3. A call, in any module of the project, that passes `None` (or leaves a `None` default)
       for a parameter that a function (in any module) uses as such an unguarded row index: an
       `error` at the call site, since that call zeroes the whole table for sure. The helper
       itself gets the warning of form 2 (when its default is None, or some call passes None),
       naming those calls.

    ## Why is this bad?
    1. `nn.Embedding` zeroes the padding row when it is built, and its gradient is never
       updated afterwards: whatever value the row has at init is the value it keeps for the
       whole training run. Re-drawing the table at random gives every padding token a random,
       frozen vector that leaks into sums, means and attention over padded positions.
    2. `weight[None]` does not select a row: indexing with None adds a dimension, so
       `weight[None].zero_()` zeroes the whole table, silently, for every embedding that has no
       padding row.

    ## Example
    ```python
    def _init_weights(module):
        if isinstance(module, nn.Embedding):
            module.weight.data.normal_(mean=0.0, std=0.02)
            module.weight.data[module.padding_idx].zero_()
    ```

    ## Use instead
    ```python
    def _init_weights(module):
        if isinstance(module, nn.Embedding):
            module.weight.data.normal_(mean=0.0, std=0.02)
            if module.padding_idx is not None:
                module.weight.data[module.padding_idx].zero_()
    ```

    ## Fix safety
    Safe for the second form: the fix wraps the statement in `if <padding_idx> is not None:`,
    which changes nothing when there is a padding row and stops the whole-table zeroing when
    there is none. No automatic fix for the first form (where to re-zero depends on the code).

    ## References
    - [PyTorch: `nn.Embedding`, `padding_idx`](https://pytorch.org/docs/stable/generated/torch.nn.Embedding.html)
    - [facebookresearch/fairseq#4076: `Embedding` zeroes all the embedding weights if padding_idx is None](https://github.com/facebookresearch/fairseq/issues/4076)
    - [NumPy: indexing with `None` (newaxis)](https://numpy.org/doc/stable/user/basics.indexing.html#dimensional-indexing-tools)
    """

    code = "INI105"
    name = "embedding-padding-overwritten"
    summary = "Embedding init overwrites the padding row, or zeroes weight[None] (the whole table)"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    # "Embedding": a table whose padding index is passed by position (`nn.Embedding(n, d, pad)`)
    # or built in another module of the project, in a file that never spells `padding_idx`
    triggers = ("padding_idx", "pad_idx", "Embedding")

    @classmethod
    def project_triggers(cls, index: ProjectIndex) -> frozenset[str]:
        """A file that calls a project helper with an unguarded row index (in any module)."""
        return index.row_index_helpers()

    def __init__(self, context, sink) -> None:  # type: ignore[no-untyped-def]
        super().__init__(context, sink)
        self._padding_given: Optional[bool] = None

    def _code_of(self, klass: cst.ClassDef) -> str:
        return self.context.scope_code(klass)

    def visit_Call(self, node: cst.Call) -> None:
        self._check_call_site(node)
        call = init_call(node, self.context)
        if call is None:
            return
        if call.function in _OVERWRITING:
            self._check_overwrite(call)
        elif call.function in _ZEROING or call.function == "zero_":
            if call.function in ("constant_", "constant") and constant_value(
                call.argument(0, "val" if not call.is_method else "value")
            ) != 0.0:
                return
            subject = call.node.args[0].value if not call.is_method else _method_receiver(call.node)
            if subject is not None:
                self._check_row_zeroing(call.node, subject)

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) != 1 or constant_value(node.value) != 0.0:
            return
        self._check_row_zeroing(node, node.targets[0].target)

    # -- 1. random init of a table with a padding row, never re-zeroed ---------------------
    def _check_overwrite(self, call: InitCall) -> None:
        tensor = call.tensor
        if tensor.attr != "weight":
            return
        owner = tensor.owner or ""
        if not owner:
            return
        klass = self.context.enclosing_class()
        dispatched = (
            isinstance(tensor.expr, cst.Attribute)
            and isinstance(tensor.expr.value, cst.Name)
            and owner != "self"
        )
        if dispatched:
            # `m.weight` under `isinstance(m, nn.Embedding)`: the layer itself (not a container
            # such as `XxxEmbeddings`, whose sub-modules are other layers)
            guards = guard_class_names(self.context)
            if not any(_EMBEDDING_CLASS.search(name.rsplit(".", 1)[-1]) for name in guards):
                return
            reach = self.context.project.init_code_reach(self.context, guards)
            padded = _padded_embedding(reach)
            if padded is None and (reach is not None and reach.closed or not self._file_gives_padding()):
                return  # every way modules arrive is known and no padded embedding is among them
            # nothing at all known about what arrives (no apply site, caller or hook found, e.g.
            # imports the index cannot resolve): the file's padded embeddings stay the evidence
            unknown = reach is None or not reach.sources
            built_with_padding = False
            view = self.context.project
            masked = (
                view.index.module_padding_masked(view.module) if unknown and padded is None
                else _masked_everywhere(view.index, reach)
            )
        else:
            # a named layer, `self.tok.weight` or `module.position_embeddings.weight`: built
            # with a padding row in this class (or this file)
            if owner == "self":
                return
            pattern = re.compile(rf"self\.{re.escape(owner)}\s*=\s*{_PADDED_EMBEDDING}")
            in_class = self.context.scope_matches(pattern, klass) or self._self_layer_padded(tensor.expr, klass)
            if not in_class and not (klass is not None and self.context.scope_matches(pattern)):
                return
            built_with_padding = True
            masked = None
            path = (dotted_name(tensor.expr) or "").split(".")
            if klass is not None and (in_class or (len(path) > 3 and path[0] == "self")):
                # `self.tok.weight` (built here), or `self.encoder.embedding.weight`: the ids this
                # class feeds to `self.encoder`, which holds the padded table
                view = self.context.project
                fed = owner if in_class else path[1]
                masked = view.index.masks_padding_here_or_above(view.class_qualname_of(self.context, klass), fed)
        if self._under_padding_test() or self._rezeroed_after():
            return
        target = self.context.code_for(tensor.expr)
        severity = None
        if built_with_padding:
            what = f"`{owner}` is built with a padding_idx"
        elif padded is not None:
            what = f"`{padded.short_name}` at {padded.module}:{padded.line}, built with a padding_idx, reaches it"
        elif unknown:
            what = "this file builds embeddings with a padding_idx"
        else:
            # only a lead: no embedding known to reach this code has a padding row
            what = "this file builds embeddings with a padding_idx, none known to reach this code"
            severity = Severity.INFO
        if masked is not None:
            # the model keeps padded positions out of what it uses: the random row is harmless
            self.report(
                call.node,
                f"`{call.function}` redraws every row of `{target}`, padding row included ({what}), "
                f"but the model masks padded positions itself ({masked.describe()}): the random, "
                f"frozen padding vector does not reach what it computes; zero it anyway if other "
                f"code reads these vectors unmasked",
                severity=Severity.INFO,
            )
            return
        klass = self.context.enclosing_class()
        if built_with_padding and klass is not None and klass in self.context.module.body:
            view = self.context.project
            fill = view.index.checkpoint_fill(view.class_qualname_of(self.context, klass))
            if fill.always:
                self.report(
                    call.node,
                    f"`{call.function}` redraws every row of `{target}`, padding row included "
                    f"({what}), but every construction of `{klass.name.value}` the project holds is "
                    f"filled from a checkpoint right after it is built ({fill.loads[0]}), which "
                    "sets the padding row too; zero it after the init if the class is ever trained "
                    "from scratch",
                    severity=Severity.INFO,
                )
                return
        self.report(
            call.node,
            f"`{call.function}` redraws every row of `{target}`, padding row included, and nothing "
            f"zeroes it again ({what}): the padding vector becomes random and, since it gets no "
            f"gradient, stays that way; add `if {_owner_expr(target)}.padding_idx is not None: "
            f"{target}.data[{_owner_expr(target)}.padding_idx].zero_()`"
            if not built_with_padding
            else f"`{call.function}` redraws every row of `{target}`, padding row included, and "
            f"nothing zeroes it again ({what}): the padding vector becomes random and, since it "
            f"gets no gradient, stays that way; zero `{target}[padding_idx]` after the init",
            severity=severity,
        )

    def _self_layer_padded(self, weight: cst.BaseExpression, klass: Optional[cst.ClassDef]) -> bool:
        """`self.<attr>.weight` where the project index knows `self.<attr>` of this class (or a
        base) is an embedding built with a padding row, however the index was passed: by
        keyword or by position (`nn.Embedding(n, d, pad)`; the library table says where)."""
        if klass is None or not isinstance(weight, cst.Attribute):
            return False
        layer = weight.value
        if not (isinstance(layer, cst.Attribute) and isinstance(layer.value, cst.Name) and layer.value.value == "self"):
            return False
        view = self.context.project
        # the layer `self.<attr>` is, not its sublayers: `.weight` is its own tensor
        reach = view.index.attribute_reach(view.class_qualname_of(self.context, klass), layer.attr.value, own=True)
        return _padded_embedding(reach) is not None

    def _file_gives_padding(self) -> bool:
        if self._padding_given is None:
            self._padding_given = bool(_PADDING_GIVEN.search(self.context.source))
        return self._padding_given

    def _under_padding_test(self) -> bool:
        for node in self.context.ancestors():
            if isinstance(node, cst.If) and _mentions_padding(node.test, self.context):
                return True
            if isinstance(node, cst.FunctionDef):
                return False
        return False

    def _rezeroed_after(self) -> bool:
        """Statements after the init, in every block up to the function, touch the padding row."""
        previous: Optional[cst.CSTNode] = None
        for node in self.context.ancestors():
            body: Optional[Sequence[cst.CSTNode]] = None
            if isinstance(node, (cst.IndentedBlock, cst.Module)):
                body = node.body
            if body is not None and previous is not None:
                later = False
                for statement in body:
                    if later and _REZERO.search(self.context.code_for(statement)):
                        return True
                    if statement is previous:
                        later = True
            if isinstance(node, cst.FunctionDef):
                break
            previous = node
        klass = self.context.enclosing_class()
        return klass is not None and bool(_ROW_ZEROED.search(self._code_of(klass)))

    # -- 3. a call that passes None to a helper's unguarded row index ----------------------
    def _check_call_site(self, node: cst.Call) -> None:
        """The callee's unguarded row indexes are a fact of the project index (the helper may
        live in any module); the arguments are read here, at the call."""
        if any(arg.star for arg in node.args):
            return
        written = self.context.dotted(node.func)
        if written is None:
            return
        view = self.context.project
        if written.rsplit(".", 1)[-1] not in view.index.row_index_helpers():
            return
        target = view.call_target(view.current_function(self.context), written)
        found = view.index.function(target) if target is not None else None
        if found is None or not found[1].row_indexes:
            return
        summary, function = found
        skipped = 0
        if function.is_method:
            bound = written.split(".", 1)[0] in ("self", "cls", "super()") or (
                target.endswith(".__init__") and not written.endswith("__init__")
            )
            if not bound:
                return  # `Class.method(obj, ...)`: which argument is which is not known here
            skipped = 1
        where = "" if summary.module == view.module else f" (in `{summary.module}`)"
        for row in function.row_indexes:
            position = row.position - skipped if row.position is not None else None
            if position is not None and position < 0:
                continue
            value = argument(node, position, row.param)
            passes_none = isinstance(value, cst.Name) and value.value == "None"
            if not passes_none and not (value is None and row.default_none):
                continue
            how = "passes `None` for" if passes_none else "leaves at its default `None`"
            self.report(
                node,
                f"this call {how} `{row.param}`, which `{function.name}`{where} uses as a row "
                f"index with no None check (`weight[{row.param}]`): `weight[None]` is the whole "
                f"table, so every row of the embedding is zeroed; pass the padding index or add "
                f"`if {row.param} is not None:` in `{function.name}`",
                severity=Severity.ERROR,
            )

    # -- 2. weight[padding_idx].zero_() with padding_idx possibly None ---------------------
    def _check_row_zeroing(self, node: cst.CSTNode, subject: cst.BaseExpression) -> None:
        subject = _strip_data(subject)
        if not isinstance(subject, cst.Subscript) or len(subject.slice) != 1:
            return
        index = subject.slice[0].slice
        if not isinstance(index, cst.Index):
            return
        idx = index.value
        if not self._indexes_a_table(subject.value, node):
            return  # a row of a fresh local tensor (a mask), not of an embedding's weight
        callers = self._callers_passing_none(idx)
        if not callers and not self._may_be_none(idx, node):
            return
        if self._guarded(idx):
            return
        spelled = self.context.code_for(idx)
        written = self.context.code_for(node)
        message = (
            f"`{written}` with `{spelled}` None indexes `[None]`, which adds a dimension instead "
            "of selecting a row: it zeroes the whole table for embeddings without padding; "
            f"guard it with `if {spelled} is not None:`"
        )
        fix = self.guard_statement_fix(node, f"{spelled} is not None")
        if callers:
            # the error is reported at each of those calls, in its own file
            message += f" (called with `{spelled}` None from {', '.join(callers)})"
        self.report(node, message, fix=fix)

    def _indexes_a_table(self, base: cst.BaseExpression, anchor: cst.CSTNode) -> bool:
        """Is `base` (what `[padding_idx]` indexes) a weight table: `x.weight`, or a name that
        is not bound here to something else (a function's `weight` argument)? A local built
        by a call (`mask = torch.ones(n, dtype=torch.bool)`) is not one."""
        base = _strip_data(base)
        if isinstance(base, cst.Attribute):
            return base.attr.value == "weight"
        if isinstance(base, cst.Name):
            assigned = local_value(base, anchor, self.context)
            return assigned is None or self._indexes_a_table(assigned, anchor)
        return False

    def _callers_passing_none(self, idx: cst.BaseExpression) -> list[str]:
        """Call sites in other modules of the project (the project index) that pass None for
        this function parameter, or leave its None default."""
        function = self.context.enclosing_function()
        if not isinstance(idx, cst.Name) or function is None:
            return []
        params = positional_params(function)
        param = next((p for p in declared_params(function) if p.name.value == idx.value), None)
        if param is None:
            return []
        default_none = isinstance(param.default, cst.Name) and param.default.value == "None"
        view = self.context.project
        qualname = view.qualify(view.qualname_of(self.context, function))
        position = params.index(param) if param in params else None
        if position is not None and self.context.enclosing_class() is not None:
            position -= 1  # `self` is not passed at the call site
        found: list[str] = []
        for summary, _, site in view.index.callers(qualname):
            if summary.module == view.module or site.has_star:
                continue
            fact = site.argument(position, param.name.value)
            passes_none = fact is not None and fact.kind == "literal" and fact.value is None
            if passes_none or (fact is None and default_none):
                found.append(f"`{summary.module}` line {site.line}")
        return found

    def _may_be_none(self, idx: cst.BaseExpression, anchor: cst.CSTNode) -> bool:
        if isinstance(idx, cst.Attribute) and idx.attr.value == "padding_idx":
            if isinstance(idx.value, cst.Name) and idx.value.value == "self":
                klass = self.context.enclosing_class()
                if klass is None:
                    return False
                if any("Embedding" in self.context.code_for(b.value) for b in klass.bases):
                    return True
                return bool(
                    re.search(
                        r"padding_idx\s*(?::\s*Optional\[int\]\s*)?=\s*None|padding_idx\s*:\s*Optional",
                        self._code_of(klass),
                    )
                )
            # an nn.Embedding's attribute is None unless a padding row was given; another
            # object's (a vocabulary's, an alphabet's) says nothing about None
            return self._holds_embedding(idx.value, anchor)
        if isinstance(idx, cst.Name) and idx.value in ("padding_idx", "pad_idx"):
            assigned = local_value(idx, anchor, self.context)
            if assigned is not None:
                return self._may_be_none(assigned, anchor) or (
                    isinstance(assigned, cst.Name) and assigned.value == "None"
                )
            function = self.context.enclosing_function()
            if function is None:
                return False
            for param in declared_params(function):
                if param.name.value == idx.value:
                    return isinstance(param.default, cst.Name) and param.default.value == "None"
        return False

    def _holds_embedding(self, owner: cst.BaseExpression, anchor: cst.CSTNode) -> bool:
        """Whether `owner` is known to be a module here (so its `padding_idx` may be None): a
        module by the value facts, the subject of an enclosing `isinstance` test, an argument
        of the enclosing init function, or a local built by an `...Embedding(...)` call."""
        if not isinstance(owner, cst.Name):
            return isinstance(owner, cst.Attribute)  # self.embed.padding_idx: a sub-module
        if re.search(rf"\b{re.escape(owner.value)}\.weight\b", self.context.code_for(anchor)):
            return True  # `m.weight[m.padding_idx]`: the table's own padding index
        if name_kind(owner.value, self.context) is ValueKind.MODULE:
            return True
        assigned = local_value(owner, anchor, self.context)
        if isinstance(assigned, cst.Call):
            return (dotted_name(assigned.func) or "").endswith("Embedding")
        for node in self.context.ancestors():
            if isinstance(node, (cst.If, cst.IfExp)) and re.search(
                rf"\bisinstance\(\s*{re.escape(owner.value)}\b", self.context.code_for(node.test)
            ):
                return True
            if isinstance(node, cst.FunctionDef):
                named = {p.name.value for p in declared_params(node)}
                return owner.value in named and self.context.is_init_function(node)
        return False

    def _guarded(self, idx: cst.BaseExpression) -> bool:
        spelled = self.context.code_for(idx)
        previous: Optional[cst.CSTNode] = None
        for node in self.context.ancestors():
            if isinstance(node, cst.If) and previous is node.body:
                if spelled in self.context.code_for(node.test) or _mentions_padding(node.test, self.context):
                    return True
            if isinstance(node, cst.IfExp) and previous is node.body:
                if _mentions_padding(node.test, self.context):
                    return True
            if isinstance(node, cst.BooleanOperation) and previous is node.right:
                if _mentions_padding(node.left, self.context):
                    return True
            if isinstance(node, cst.FunctionDef):
                # an early return or an assert on the padding index somewhere in the function
                code = self.context.code_for(node)
                return bool(_PADDING_CHECKED.search(code))
            previous = node
        return False

    VALID = [
        Valid(
            """
            import torch
            import torch.nn as nn

            class CategoricalEmbedding(nn.Module):
                def __init__(self, n, d, padding_idx=None):
                    super().__init__()
                    self.emb = nn.Embedding(n + 1, d, padding_idx=padding_idx)

                @property
                def weight(self):
                    keep = torch.ones(self.emb.weight.size(0), dtype=torch.bool)
                    keep[self.emb.padding_idx].zero_()
                    return self.emb.weight[keep]
            """,
            reason="the row zeroed belongs to a local boolean mask, not to the table (replay-rec)",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class RelationMix(nn.Module):
                def __init__(self, d_in, d_out, n_rel):
                    super().__init__()
                    self.weight = nn.Parameter(torch.empty(d_in, d_out))
                    self.rel_gain = nn.Embedding(n_rel + 1, 1, padding_idx=0)

            class Scorer(nn.Module):
                def __init__(self, d, n_rel):
                    super().__init__()
                    self.mix = RelationMix(d, d, n_rel)
                    nn.init.xavier_normal_(self.mix.weight)
            """,
            reason="`self.mix.weight` is RelationMix's own matrix; the padded table is a sublayer",
        ),
        Valid(
            """
            import torch.nn as nn

            def Embedding(num_embeddings, embedding_dim, padding_idx=None):
                m = nn.Embedding(num_embeddings, embedding_dim, padding_idx=padding_idx)
                nn.init.normal_(m.weight, mean=0, std=embedding_dim ** -0.5)
                if padding_idx is not None:
                    nn.init.constant_(m.weight[padding_idx], 0)
                return m

            class Decoder(nn.Module):
                def __init__(self, vocab, dim):
                    super().__init__()
                    self.embed_positions = Embedding(1024, dim)
                    self.embed_tokens = Embedding(vocab, dim, None)
            """,
            reason="the helper guards its row index: None is safe at every call site",
        ),
        Valid(
            """
            import torch.nn as nn

            class Model(nn.Module):
                def __init__(self, config):
                    super().__init__()
                    self.embed = nn.Embedding(config.vocab_size, config.hidden, padding_idx=config.pad_token_id)

                def _init_weights(self, module):
                    if isinstance(module, nn.Linear):
                        module.weight.data.normal_(mean=0.0, std=0.02)
                    elif isinstance(module, nn.Embedding):
                        module.weight.data.normal_(mean=0.0, std=0.02)
                        if module.padding_idx is not None:
                            module.weight.data[module.padding_idx].zero_()
            """,
            reason="transformers-style: re-zeroed under the None check",
        ),
        Valid(
            """
            import torch.nn as nn

            def Embedding(num_embeddings, embedding_dim, padding_idx):
                m = nn.Embedding(num_embeddings, embedding_dim, padding_idx=padding_idx)
                nn.init.normal_(m.weight, mean=0, std=embedding_dim ** -0.5)
                nn.init.constant_(m.weight[padding_idx], 0)
                return m
            """,
            reason="fairseq-style helper: padding_idx is a required int, re-zeroed right after",
        ),
        Valid(
            """
            import torch.nn as nn

            def init(m):
                if isinstance(m, nn.Embedding):
                    nn.init.normal_(m.weight, std=0.02)
            """,
            reason="no embedding with a padding row in this file",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            class MyEmbedding(nn.Module):
                def __init__(self, n, d, padding_idx=None):
                    super().__init__()
                    self.padding_idx = padding_idx
                    self.weight = nn.Parameter(torch.empty(n, d))

                def reset_parameters(self):
                    nn.init.normal_(self.weight)
                    if self.padding_idx is None:
                        return
                    with torch.no_grad():
                        self.weight[self.padding_idx].fill_(0)
            """,
            reason="an early return on None guards the zeroing",
        ),
        Valid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self, vocab, dim, pad):
                    super().__init__()
                    self.tok = nn.Embedding(vocab, dim, padding_idx=pad)
                    nn.init.normal_(self.tok.weight, std=dim ** -0.5)
                    self.tok.weight.data[pad].zero_()
            """,
            reason="re-zeroed right after the init",
        ),
        Valid(
            """
            import torch.nn as nn

            class VisionEmbeddings(nn.Module):
                def __init__(self, dim, n):
                    super().__init__()
                    self.patch_embedding = nn.Conv2d(3, dim, 16, 16)
                    self.position_embedding = nn.Embedding(n, dim)

            class TextEmbeddings(nn.Module):
                def __init__(self, vocab, dim, pad):
                    super().__init__()
                    self.word_embeddings = nn.Embedding(vocab, dim, padding_idx=pad)

            def init(module):
                if isinstance(module, VisionEmbeddings):
                    nn.init.normal_(module.patch_embedding.weight, std=0.02)
                    nn.init.normal_(module.position_embedding.weight, std=0.02)
            """,
            reason="sub-layers of an embeddings container that have no padding row",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            def reset_table(table, row):
                nn.init.normal_(table.weight, std=0.02)
                with torch.no_grad():
                    table.weight[row].zero_()

            class Tagger(nn.Module):
                def __init__(self, n, dim):
                    super().__init__()
                    self.tags = nn.Embedding(n, dim, padding_idx=0)
                    reset_table(self.tags, 0)
                    reset_table(self.tags, row=n - 1)
            """,
            reason="every call gives the row index an int: no call zeroes the whole table",
        ),
        Valid(
            """
            import torch.nn as nn

            def make_token_table(vocabulary, width):
                padding_idx = vocabulary.padding_idx
                table = nn.Embedding(len(vocabulary), width, padding_idx)
                nn.init.normal_(table.weight, std=width ** -0.5)
                nn.init.constant_(table.weight[padding_idx], 0)
                return table
            """,
            reason="the index comes from a vocabulary object, not an embedding: nothing says it is None",
        ),
        Valid(
            """
            import torch.nn as nn

            class PositionNet(nn.Module):
                def __init__(self, n, dim):
                    super().__init__()
                    self.position = nn.Embedding(n, dim)
                    self.proj = nn.Linear(dim, dim)
                    self.apply(self._init_weights)

                def _init_weights(self, module):
                    if isinstance(module, (nn.Linear, nn.Embedding)):
                        module.weight.data.normal_(mean=0.0, std=0.02)

            class Recommender(nn.Module):
                def __init__(self, items, n, dim):
                    super().__init__()
                    self.items = nn.Embedding(items, dim, padding_idx=0)
                    self.net = PositionNet(n, dim)
            """,
            reason="the only embedding the init reaches has no padding row; the padded one is never applied to",
        ),
        Valid(
            """
            import torch.nn as nn

            class BagModel(nn.Module):
                def __init__(self, vocab, dim):
                    super().__init__()
                    self.unpadded = nn.Embedding(vocab, dim, None)
                    self.bag = nn.EmbeddingBag(vocab, dim, 2.0)
                    self.reset_parameters()

                def reset_parameters(self):
                    nn.init.normal_(self.unpadded.weight, std=0.02)
                    nn.init.normal_(self.bag.weight, std=0.02)
            """,
            reason="by position, `None` is no padding row, and EmbeddingBag's third argument is max_norm",
        ),
    ]
    INVALID = [
        Invalid(
            # every construction is filled from a checkpoint: the loaded padding row replaces the random one
            """
            import torch
            import torch.nn as nn

            class TextTower(nn.Module):
                def __init__(self, vocab, d, pad_id=1):
                    super().__init__()
                    self.tokens = nn.Embedding(vocab, d, padding_idx=pad_id)
                    nn.init.normal_(self.tokens.weight, std=0.02)

            def load_text_tower(path):
                tower = TextTower(1000, 64)
                tower.load_state_dict(torch.load(path, map_location="cpu"))
                return tower
            """,
            severity=Severity.INFO,
            line=9,
            message_contains="filled from a checkpoint right after it is built",
        ),
        Invalid(
            # the table lives in a sub-module; the model holding it masks the padded ids
            """
            import torch.nn as nn

            class Tokens(nn.Module):
                def __init__(self, n, d, pad):
                    super().__init__()
                    self.table = nn.Embedding(n, d, padding_idx=pad)

                def forward(self, ids):
                    return self.table(ids)

            class Encoder(nn.Module):
                def __init__(self, n, d, pad=0):
                    super().__init__()
                    self.pad = pad
                    self.tokens = Tokens(n, d, pad)
                    self.mix = nn.TransformerEncoder(nn.TransformerEncoderLayer(d, 2), 2)
                    self.tokens.table.weight.data.normal_(0.0, 0.02)

                def forward(self, ids):
                    return self.mix(self.tokens(ids), src_key_padding_mask=ids.eq(self.pad))
            """,
            severity=Severity.INFO,
            line=18,
            message_contains="masks padded positions itself",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Decoder(nn.Module):
                def __init__(self, vocab, dim, pad_id):
                    super().__init__()
                    self.tokens = nn.Embedding(vocab, dim, pad_id)
                    self.scale = dim ** -0.5
                    self.reset_parameters()

                def reset_parameters(self):
                    nn.init.trunc_normal_(self.tokens.weight, std=self.scale)
            """,
            line=12,
            severity=Severity.WARNING,
            message_contains="`tokens` is built with a padding_idx",
        ),
        Invalid(
            """
            import torch.nn as nn

            class TokenEncoder(nn.Module):
                def __init__(self, cfg):
                    super().__init__()
                    self.lookup = nn.Embedding(cfg.vocab, cfg.width, padding_idx=cfg.pad)

                def forward(self, token_ids, token_mask):
                    h = self.lookup(token_ids)
                    return h * token_mask[..., None]

            def init_model(model, std):
                for _, m in model.named_modules():
                    if isinstance(m, nn.Embedding):
                        nn.init.normal_(m.weight, std=std)
            """,
            line=16,
            severity=Severity.INFO,
            message_contains="a mask every call must pass beside the ids it feeds to `self.lookup`",
        ),
        Invalid(
            """
            import torch.nn as nn

            class TokenEncoder(nn.Module):
                def __init__(self, cfg):
                    super().__init__()
                    self.lookup = nn.Embedding(cfg.vocab, cfg.width, padding_idx=cfg.pad)

                def forward(self, token_ids, token_mask=None):
                    h = self.lookup(token_ids)
                    return h if token_mask is None else h * token_mask[..., None]

            def init_model(model, std):
                for _, m in model.named_modules():
                    if isinstance(m, nn.Embedding):
                        nn.init.normal_(m.weight, std=std)
            """,
            line=16,
            severity=Severity.INFO,
            message_contains="a mask the model applies whenever a caller passes one",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Tagger(nn.Module):
                def __init__(self, vocab, dim, pad_idx):
                    super().__init__()
                    self.words = nn.Embedding(vocab, dim, pad_idx)
                    self.apply(self._init_weights)

                def _init_weights(self, module):
                    if isinstance(module, nn.Embedding):
                        nn.init.uniform_(module.weight, -0.1, 0.1)
            """,
            severity=Severity.WARNING,
            message_contains="`Embedding` at ",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_embeddings(module):
                if isinstance(module, nn.Embedding):
                    nn.init.normal_(module.weight, std=0.02)

            def prepare(model):
                model.apply(init_embeddings)

            class Tagger(nn.Module):
                def __init__(self, vocab, dim):
                    super().__init__()
                    self.words = nn.Embedding(vocab, dim, padding_idx=0)
            """,
            severity=Severity.INFO,
            message_contains="none known to reach this code",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Table(nn.Module):
                def __init__(self, n, dim):
                    super().__init__()
                    self.rows = nn.Embedding(n, dim)
                    self.clear(pad_idx=None)

                def clear(self, *, pad_idx):
                    with torch.no_grad():
                        self.rows.weight.data[pad_idx] = 0.0
            """,
            severity=Severity.ERROR,
            count=1,
            line=9,
            message_contains="passes `None` for `pad_idx`",
        ),
        Invalid(
            """
            import torch.nn as nn

            def Embedding(num_embeddings, embedding_dim, padding_idx):
                m = nn.Embedding(num_embeddings, embedding_dim, padding_idx=padding_idx)
                nn.init.normal_(m.weight, mean=0, std=embedding_dim ** -0.5)
                nn.init.constant_(m.weight[padding_idx], 0)
                return m

            class Decoder(nn.Module):
                def __init__(self, vocab, dim):
                    super().__init__()
                    self.embed_positions = Embedding(1024, dim, None)
                    self.embed_tokens = Embedding(vocab, dim, padding_idx=1)
            """,
            severity=Severity.ERROR,
            count=1,
            line=13,
            message_contains="passes `None` for `padding_idx`",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Encoder(nn.Module):
                def __init__(self, vocab, dim):
                    super().__init__()
                    self.embed = nn.Embedding(vocab, dim)
                    self.init_embedding(self.embed)

                def init_embedding(self, emb, pad_idx=None):
                    with torch.no_grad():
                        emb.weight.normal_(0, 0.02)
                        emb.weight[pad_idx] = 0
            """,
            severity=Severity.ERROR,
            line=9,
            message_contains="leaves at its default `None`",
        ),
        Invalid(
            """
            import torch.nn as nn

            def _init_weights(module):
                if isinstance(module, nn.Embedding):
                    module.weight.data.normal_(mean=0.0, std=0.02)
                    module.weight.data[module.padding_idx].zero_()
            """,
            expected_fix="""
            import torch.nn as nn

            def _init_weights(module):
                if isinstance(module, nn.Embedding):
                    module.weight.data.normal_(mean=0.0, std=0.02)
                    if module.padding_idx is not None:
                        module.weight.data[module.padding_idx].zero_()
            """,
            message_contains="zeroes the whole table",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            class Encoder(nn.Module):
                def __init__(self, vocab, dim, padding_idx=None):
                    super().__init__()
                    self.embed = nn.Embedding(vocab, dim, padding_idx=padding_idx)
                    nn.init.normal_(self.embed.weight, std=0.02)
                    # keep the padding row at zero
                    nn.init.zeros_(self.embed.weight[padding_idx])
            """,
            expected_fix="""
            import torch
            import torch.nn as nn

            class Encoder(nn.Module):
                def __init__(self, vocab, dim, padding_idx=None):
                    super().__init__()
                    self.embed = nn.Embedding(vocab, dim, padding_idx=padding_idx)
                    nn.init.normal_(self.embed.weight, std=0.02)
                    # keep the padding row at zero
                    if padding_idx is not None:
                        nn.init.zeros_(self.embed.weight[padding_idx])
            """,
        ),
        Invalid(
            """
            import torch.nn as nn

            class LM(nn.Module):
                def __init__(self, vocab, dim, pad_id):
                    super().__init__()
                    self.wte = nn.Embedding(vocab, dim, padding_idx=pad_id)
                    self.apply(self._init_weights)

                def _init_weights(self, m):
                    if isinstance(m, (nn.Linear, nn.Embedding)):
                        nn.init.normal_(m.weight, std=0.02)
            """,
            message_contains="padding row included",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(self, vocab, dim, pad):
                    super().__init__()
                    self.tok = nn.Embedding(vocab, dim, padding_idx=pad)
                    nn.init.xavier_uniform_(self.tok.weight)
            """,
            message_contains="`tok` is built with a padding_idx",
        ),
        Invalid(
            """
            import torch.nn as nn

            class TextEmbeddings(nn.Module):
                def __init__(self, config):
                    super().__init__()
                    self.position_embeddings = nn.Embedding(
                        config.max_positions, config.dim, padding_idx=config.pad_token_id
                    )

            def init(module):
                if isinstance(module, TextEmbeddings):
                    nn.init.normal_(module.position_embeddings.weight, std=0.02)
            """,
            message_contains="`position_embeddings` is built with a padding_idx",
        ),
        Invalid(
            """
            import torch
            import torch.nn as nn

            def reset(m):
                with torch.no_grad():
                    m.weight[m.padding_idx] = 0
            """,
            expected_fix="""
            import torch
            import torch.nn as nn

            def reset(m):
                with torch.no_grad():
                    if m.padding_idx is not None:
                        m.weight[m.padding_idx] = 0
            """,
        ),
        Invalid(
            """
            import torch.nn as nn

            class QueryEncoder(nn.Module):
                def __init__(self, vocab, dim):
                    super().__init__()
                    self.words = nn.Embedding(vocab, dim, padding_idx=0)
                    self.score = nn.Linear(dim, 1)
                    self.apply(self._init_weights)

                def _init_weights(self, module):
                    if isinstance(module, nn.Embedding):
                        nn.init.normal_(module.weight, std=0.1)

                def forward(self, ids):
                    keep = (ids != 0).unsqueeze(-1).float()
                    vectors = self.words(ids) * keep
                    return vectors.sum(1) / keep.sum(1).clamp(min=1)
            """,
            severity=Severity.INFO,
            message_contains="masks padded positions itself (`ids != 0` at example:16)",
        ),
        Invalid(
            """
            import torch.nn as nn

            class SessionRanker(nn.Module):
                def __init__(self, items, dim):
                    super().__init__()
                    self.items = nn.Embedding(items, dim, padding_idx=0)
                    self.rnn = nn.LSTM(dim, dim, batch_first=True)
                    nn.init.uniform_(self.items.weight, -0.05, 0.05)

                def pick(self, states, index):
                    return states[range(states.size(0)), index]

                def forward(self, clicks, clicks_len):
                    states, _ = self.rnn(self.items(clicks))
                    return self.gather_at(states, clicks_len - 1)

                def gather_at(self, states, index):
                    return self.pick(states, index)
            """,
            severity=Severity.INFO,
            message_contains="after a recurrent layer",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Reader(nn.Module):
                def __init__(self, vocab, dim, pad_token_id):
                    super().__init__()
                    self.embed = nn.Embedding(vocab, dim, padding_idx=pad_token_id)
                    self.mix = nn.TransformerEncoderLayer(dim, 4, batch_first=True)
                    self.apply(self._init_weights)

                def _init_weights(self, module):
                    if isinstance(module, nn.Embedding):
                        module.weight.data.normal_(mean=0.0, std=0.02)

                def forward(self, input_ids, attention_mask=None):
                    hidden = self.embed(input_ids)
                    if attention_mask is not None:
                        return self.mix(hidden, src_key_padding_mask=attention_mask == 0)
                    return self.mix(hidden)
            """,
            severity=Severity.INFO,
            message_contains="`forward(..., attention_mask=...)`",
        ),
        Invalid(
            """
            import torch.nn as nn

            class NextToken(nn.Module):
                def __init__(self, vocab, dim):
                    super().__init__()
                    self.embed = nn.Embedding(vocab, dim, padding_idx=0)
                    self.mix = nn.TransformerEncoderLayer(dim, 4, batch_first=True)
                    self.apply(self._init_weights)

                def _init_weights(self, module):
                    if isinstance(module, nn.Embedding):
                        nn.init.trunc_normal_(module.weight, std=0.02)

                def forward(self, ids):
                    return self.mix(self.embed(ids), src_key_padding_mask=ids.eq(0))

                def score_next(self, ids):
                    return self.forward(ids)[:, -1]
            """,
            severity=Severity.WARNING,
            message_contains="`Embedding` at ",
        ),
        Invalid(
            """
            import torch.nn as nn

            class Captioner(nn.Module):
                def __init__(self, vocab, dim):
                    super().__init__()
                    self.embed = nn.Embedding(vocab, dim, padding_idx=0)
                    self.mix = nn.TransformerEncoderLayer(dim, 4, batch_first=True)
                    nn.init.normal_(self.embed.weight, std=0.02)

                def forward(self, words, lengths, labels):
                    hidden = self.mix(self.embed(words))
                    weights = (labels > 0).float()
                    return self.gather_last(hidden, lengths - 1), weights
            """,
            severity=Severity.WARNING,
            message_contains="`embed` is built with a padding_idx",
        ),
    ]


def _padded_embedding(reach: Optional[Reach]) -> Optional[LayerUse]:
    """An embedding known to reach the init code that was built with a padding row
    (`padding_idx` given and not a literal None; torch's default is None: no padding row)."""
    if reach is None:
        return None
    return next(
        (use for use in reach.layers if use.kind == "embedding" and use.flag("padding_idx") is not None),
        None,
    )


def _masked_everywhere(index: ProjectIndex, reach: Optional[Reach]) -> Optional[PaddingMask]:
    """The evidence that every model holding a padded embedding known to reach the init masks
    padded positions itself (the first one's), or None when one does not (or none is known)."""
    evidence: Optional[PaddingMask] = None
    for use in reach.layers if reach is not None else ():
        if use.kind != "embedding" or use.flag("padding_idx") is None:
            continue
        owner = index.build_owner(use.module, use.line)
        mask = index.masks_padding_here_or_above(*owner) if owner is not None else None
        if mask is None:
            return None
        evidence = evidence or mask
    return evidence


def _owner_expr(target: str) -> str:
    return target.rsplit(".", 1)[0] if "." in target else target


def _method_receiver(call: cst.Call) -> Optional[cst.BaseExpression]:
    return call.func.value if isinstance(call.func, cst.Attribute) else None


def _strip_data(expr: cst.BaseExpression) -> cst.BaseExpression:
    return tensor_ref(expr).expr

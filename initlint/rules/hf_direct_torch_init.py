from __future__ import annotations

from typing import Optional

import libcst as cst

from initlint.analysis.frameworks import (
    INIT_WEIGHTS_METHOD,
    module_parameter,
    transformers_facts,
    walk,
    wrapper_function,
)
from initlint.analysis.gate import FileWords
from initlint.analysis.imports import dotted_name
from initlint.analysis.tensors import tensor_ref
from initlint.diagnostics import FixSafety, Severity
from initlint.rules.base import Invalid, Rule, Valid

# The functions `transformers.initialization` provides, each skipping a tensor flagged as loaded.
WRAPPED_FUNCTIONS = frozenset(
    {
        "uniform_", "normal_", "constant_", "ones_", "zeros_", "eye_", "dirac_", "xavier_uniform_",
        "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "trunc_normal_", "orthogonal_",
        "sparse_", "copy_",
    }
)
# torch.nn.init functions that write into their tensor (calculate_gain and friends do not).
_MUTATING = WRAPPED_FUNCTIONS | {
    "uniform", "normal", "constant", "eye", "dirac", "xavier_uniform", "xavier_normal",
    "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse",
}
# In-place tensor methods that are not about the tensor's values.
_NOT_WRITES = frozenset({"requires_grad_", "share_memory_", "retain_grad_", "record_stream_"})
# Tensor method → (wrapper function, {method keyword: wrapper keyword}) for the fixable forms.
_METHOD_TO_WRAPPER: dict[str, tuple[str, dict[str, str]]] = {
    "normal_": ("normal_", {"mean": "mean", "std": "std", "generator": "generator"}),
    "uniform_": ("uniform_", {"to": "b", "generator": "generator"}),
    "zero_": ("zeros_", {}),
    "fill_": ("constant_", {"value": "val"}),
    "copy_": ("copy_", {"src": "other"}),
}
_PARAMETER_ITERATORS = frozenset({"parameters", "named_parameters", "buffers", "named_buffers"})
_GUARD_FLAG = "_is_hf_initialized"
# In-place methods and augmented assignments that rescale what the tensor holds.
_RESCALE_METHODS = frozenset({"mul_", "div_", "multiply_", "divide_", "true_divide_"})
_RESCALE_OPERATORS = (cst.MultiplyAssign, cst.DivideAssign)


def _strip_views(expr: cst.BaseExpression) -> tuple[cst.BaseExpression, bool]:
    """Drop `.data`, `.detach()` and subscripts: (the tensor they view, whether there was any)."""
    viewed = False
    while True:
        if isinstance(expr, cst.Attribute) and expr.attr.value == "data":
            expr, viewed = expr.value, True
        elif (
            isinstance(expr, cst.Call)
            and isinstance(expr.func, cst.Attribute)
            and expr.func.attr.value == "detach"
            and not expr.args
        ):
            expr, viewed = expr.func.value, True
        elif isinstance(expr, cst.Subscript):
            expr, viewed = expr.value, True
        else:
            return expr, viewed


def _has_subscript(expr: cst.BaseExpression) -> bool:
    while True:
        if isinstance(expr, cst.Subscript):
            return True
        if isinstance(expr, cst.Attribute):
            expr = expr.value
        elif isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
            expr = expr.func.value
        else:
            return False


class HfDirectTorchInit(Rule):
    """
    ## What it does
    In a transformers v5 model file (one that imports the library's guarded init helpers,
    `from ... import initialization as init`), flags init code inside `_init_weights(self,
    module)` that does not go through those helpers:

    - in-place tensor methods on the module's tensors: `module.weight.data.normal_(...)`,
      `module.bias.zero_()`, `module.weight.fill_(1.0)`, `p.data.normal_()` over
      `module.named_parameters()` (warning; transformers' own linter flags the same, TRF012);
    - a tensor passed as `.data` or `.detach()`, even to `init.*` (warning);
    - `torch.nn.init` functions imported by name (`from torch.nn.init import normal_`) (warning);
    - `nn.init.normal_(module.weight)` through the `torch.nn.init` module (info: it works today,
      see below).

    - raw in-place math on the module's tensors, which no helper guards: rescales
      (`module.weight /= math.sqrt(n)`, `p.data *= k`, `.mul_(k)`, `.div_(k)`,
      `w.data = w.data * k`) are an error, other raw writes (`module.weight.data = ...`,
      `module.weight[:] = ...`, `+=`) a warning.

    Code under an explicit `if not getattr(..., "_is_hf_initialized", False):` check is not
    reported.

    ## Why is this bad?
    When `from_pretrained` loads a checkpoint, every tensor it fills gets the flag
    `_is_hf_initialized`; afterwards `_init_weights(module)` runs for each module the checkpoint
    did not fully cover (a new head, a resized vocabulary, a module with a missing bias). The
    `init.*` helpers skip flagged tensors, so a module that is half loaded keeps its loaded half.
    Code that bypasses them overwrites the loaded weights with random ones, silently:

    - tensor methods (`.normal_()`, `.zero_()`, `.fill_()`, `.copy_()`) have no guard at all;
    - `.data` and `.detach()` return a new tensor object, which does not carry the parameter's
      flag, so even `init.normal_(module.weight.data)` cannot see that the weight was loaded;
    - a rescale after an `init.*` draw is worse than a plain write: the draw is skipped for a
      loaded tensor, the rescale is not, so every load multiplies the checkpoint's weights by the
      factor again (GPT-2-style `c_proj.weight /= sqrt(2 * n_layer)` turns into a silent
      shrink of the pretrained model);
    - transformers patches the `torch.nn.init` module while `initialize_weights()` runs, which
      guards `nn.init.normal_(...)` on that path, but a function imported by name was bound at
      import time and is not patched, and nothing is patched when `_init_weights` is called from
      elsewhere.

    ## Example
    ```python
    from ... import initialization as init

    class AcmePreTrainedModel(PreTrainedModel):
        def _init_weights(self, module):
            if isinstance(module, nn.Linear):
                module.weight.data.normal_(mean=0.0, std=self.config.initializer_range)
                module.bias.data.zero_()
    ```

    ## Use instead
    ```python
    from ... import initialization as init

    class AcmePreTrainedModel(PreTrainedModel):
        def _init_weights(self, module):
            if isinstance(module, nn.Linear):
                init.normal_(module.weight, mean=0.0, std=self.config.initializer_range)
                init.zeros_(module.bias)
    ```

    ## Fix safety
    Safe, and offered only when the file already binds a name to the wrapper module (`init`).
    The fix calls the helper of the same name (`.normal_()` → `init.normal_`, `.zero_()` →
    `init.zeros_`, `.fill_(v)` → `init.constant_(..., v)`, `.copy_(src)` → `init.copy_`) on the
    parameter itself rather than on `.data`. The helpers compute exactly what torch does for
    tensors that were not loaded; the only change is the intended one: loaded tensors are left
    alone. Indexed writes (`weight[padding_idx]`) and other methods get no fix.

    ## References
    - [transformers: `initialization.py`](https://github.com/huggingface/transformers/blob/main/src/transformers/initialization.py)
    - [transformers-mlinter rule TRF012](https://github.com/huggingface/transformers-mlinter)
    """

    code = "INI302"
    name = "hf-direct-torch-init"
    summary = "transformers v5 `_init_weights` bypasses the guarded `init.*` helpers"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    triggers = ("initialization",)

    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Every check runs inside a function named `_init_weights`."""
        return INIT_WEIGHTS_METHOD in words.defined

    def __init__(self, context, sink) -> None:
        super().__init__(context, sink)
        self._aliases: dict[int, set[str]] = {}

    def visit_Call(self, node: cst.Call) -> None:
        if not isinstance(node.func, (cst.Attribute, cst.Name)):
            return
        function = self.context.enclosing_function()
        if function is None or function.name.value != INIT_WEIGHTS_METHOD:
            return
        module = module_parameter(function)
        if module is None or not transformers_facts(self.context).uses_init_wrapper:
            return
        wrapped = wrapper_function(node.func, self.context)
        if wrapped is not None:
            self._check_wrapper_call(node, wrapped)
            return
        torch_fn = self.context.init_function(node.func)
        if torch_fn is not None:
            self._check_torch_call(node, torch_fn)
            return
        if isinstance(node.func, cst.Attribute):
            self._check_method(node, function, module)

    # -- init.normal_(module.weight.data) -----------------------------------------------------
    def _check_wrapper_call(self, node: cst.Call, function: str) -> None:
        if not node.args or node.args[0].keyword is not None:
            return
        target = node.args[0].value
        stripped, viewed = _strip_views(target)
        if not viewed or _has_subscript(target) or self._guarded():
            return
        spelled = self.context.code_for(target)
        replacement = node.with_changes(args=[node.args[0].with_changes(value=stripped), *node.args[1:]])
        self.report(
            node,
            f"`{spelled}` is a new tensor without the parameter's `_is_hf_initialized` flag, so "
            f"`{self.context.code_for(node.func)}` cannot see that it was loaded and overwrites it; "
            f"pass `{self.context.code_for(stripped)}` itself",
            fix=self.make_fix(node, replacement, f"Pass `{self.context.code_for(stripped)}` itself"),
        )

    # -- nn.init.normal_(module.weight) -------------------------------------------------------
    def _check_torch_call(self, node: cst.Call, function: str) -> None:
        if function not in _MUTATING or not node.args or node.args[0].keyword is not None:
            return
        if self._guarded():
            return
        target = node.args[0].value
        stripped, viewed = _strip_views(target)
        alias = transformers_facts(self.context).wrapper_module_alias
        written = self.context.code_for(node.func)
        fix = None
        subscript = _has_subscript(target)
        if alias is not None and function in WRAPPED_FUNCTIONS and not subscript:
            new_call = node.with_changes(
                func=cst.Attribute(cst.Name(alias), cst.Name(function)),
                args=[node.args[0].with_changes(value=stripped), *node.args[1:]],
            )
            fix = self.make_fix(node, new_call, f"Use the guarded `{alias}.{function}`")
        helper = f"`{alias or 'init'}.{function}`"
        if viewed and not subscript:
            self.report(
                node,
                f"`{written}` on `{self.context.code_for(target)}` overwrites loaded weights: "
                "`.data`/`.detach()` is a new tensor without the parameter's "
                f"`_is_hf_initialized` flag; use {helper} on the parameter itself",
                fix=fix,
            )
        elif isinstance(node.func, cst.Name):
            self.report(
                node,
                f"`{written}` was imported from torch.nn.init by name, so transformers' guard "
                "(which patches the torch.nn.init module while `initialize_weights` runs) never "
                f"reaches it and it overwrites loaded weights; use {helper}",
                fix=fix,
            )
        elif not subscript:
            self.report(
                node,
                f"`{written}` in `_init_weights` is guarded only while transformers has "
                "torch.nn.init patched during `initialize_weights`; the v5 convention is "
                f"{helper}, which skips loaded tensors wherever `_init_weights` is called from",
                severity=Severity.INFO,
                fix=fix,
            )

    # -- module.weight.data.normal_() ---------------------------------------------------------
    def _check_method(self, node: cst.Call, function: cst.FunctionDef, module: str) -> None:
        assert isinstance(node.func, cst.Attribute)
        method = node.func.attr.value
        if not method.endswith("_") or method.startswith("_") or method in _NOT_WRITES:
            return
        receiver = node.func.value
        base, _ = _strip_views(receiver)
        parts = dotted_name(base)
        if parts is None:
            return
        head = parts.split(".")[0]
        rooted = (head == module and "." in parts) or head in self._module_aliases(function, module)
        if not rooted or self._guarded():
            return
        written = self.context.code_for(receiver)
        fix = None
        alias = transformers_facts(self.context).wrapper_module_alias
        mapping = _METHOD_TO_WRAPPER.get(method)
        helper = f"the `{alias or 'init'}.*` helpers"
        if mapping is not None:
            helper = f"`{alias or 'init'}.{mapping[0]}`"
            if alias is not None and not _has_subscript(receiver):
                replacement = _wrapper_call(node, alias, mapping, tensor_ref(receiver).expr)
                if replacement is not None:
                    fix = self.make_fix(node, replacement, f"Use the guarded `{alias}.{mapping[0]}`")
        if method in _RESCALE_METHODS:
            self._report_rescale(node, f"`.{method}()` on `{written}`")
            return
        self.report(
            node,
            f"in-place `.{method}()` on `{written}` in `_init_weights` has no "
            "`_is_hf_initialized` guard: on a partly loaded module it overwrites the loaded "
            f"weights; use {helper}",
            fix=fix,
        )

    # -- module.weight /= k, module.weight.data = ... -----------------------------------------
    def _raw_write_context(self) -> Optional[tuple[cst.FunctionDef, str]]:
        function = self.context.enclosing_function()
        if function is None or function.name.value != INIT_WEIGHTS_METHOD:
            return None
        module = module_parameter(function)
        if module is None or not transformers_facts(self.context).uses_init_wrapper:
            return None
        return function, module

    def _rooted(self, expr: cst.BaseExpression, function: cst.FunctionDef, module: str) -> bool:
        """`module.<tensor>` (through `.data`/subscripts) or a name bound to one of its tensors."""
        parts = dotted_name(_strip_views(expr)[0])
        if parts is None:
            return False
        head = parts.split(".")[0]
        return (head == module and "." in parts) or head in self._module_aliases(function, module)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        found = self._raw_write_context()
        if found is None or not self._rooted(node.target, *found) or self._guarded():
            return
        written = self.context.code_for(node.target)
        if isinstance(node.operator, _RESCALE_OPERATORS):
            self._report_rescale(node, f"`{written} {self.context.code_for(node.operator).strip()}`")
            return
        self.report(
            node,
            f"`{self.context.code_for(node).strip()}` in `_init_weights` writes into `{written}` "
            "with no `_is_hf_initialized` guard: on a partly loaded module it changes the loaded "
            "weights; use the `init.*` helpers",
        )

    def visit_Assign(self, node: cst.Assign) -> None:
        found = self._raw_write_context()
        if found is None or len(node.targets) != 1:
            return
        target = node.targets[0].target
        if not (isinstance(target, cst.Subscript) or (
            isinstance(target, cst.Attribute) and target.attr.value == "data"
        )):
            return  # `module.weight = nn.Parameter(...)` replaces the parameter: not a write into it
        if not self._rooted(target, *found) or self._guarded():
            return
        written = self.context.code_for(target)
        tensor = dotted_name(_strip_views(target)[0])
        value = node.value
        if (
            isinstance(value, cst.BinaryOperation)
            and isinstance(value.operator, (cst.Multiply, cst.Divide))
            and any(dotted_name(_strip_views(side)[0]) == tensor for side in (value.left, value.right))
        ):
            self._report_rescale(node, f"`{written} = {self.context.code_for(value)}`")
            return
        self.report(
            node,
            f"`{written} = ...` in `_init_weights` writes into the tensor with no "
            "`_is_hf_initialized` guard: on a partly loaded module it overwrites the loaded "
            "weights; use the `init.*` helpers (`init.copy_`, `init.constant_`)",
        )

    def _report_rescale(self, node: cst.CSTNode, what: str) -> None:
        self.report(
            node,
            f"{what} rescales the tensor in `_init_weights` with no `_is_hf_initialized` guard: "
            "the `init.*` draw before it is skipped for loaded weights, the rescale is not, so "
            "every `from_pretrained` of a checkpoint shrinks (or grows) these weights again; "
            "fold the factor into the init (`init.normal_(w, std=std / math.sqrt(n))`) or guard "
            "it with `if not getattr(w, \"_is_hf_initialized\", False):`",
            severity=Severity.ERROR,
        )

    def _module_aliases(self, function: cst.FunctionDef, module: str) -> set[str]:
        """Names bound to the module's tensors: `for p in module.parameters()`, `w = module.weight`."""
        key = id(function)
        cached = self._aliases.get(key)
        if cached is not None:
            return cached
        names: set[str] = set()
        for node in walk(function):
            if isinstance(node, cst.For) and isinstance(node.iter, cst.Call):
                callee = node.iter.func
                if (
                    isinstance(callee, cst.Attribute)
                    and callee.attr.value in _PARAMETER_ITERATORS
                    and dotted_name(callee.value) == module
                ):
                    target = node.target
                    if isinstance(target, cst.Tuple) and target.elements:
                        target = target.elements[-1].value
                    if isinstance(target, cst.Name):
                        names.add(target.value)
            elif isinstance(node, cst.Assign) and len(node.targets) == 1:
                target = node.targets[0].target
                value = dotted_name(_strip_views(node.value)[0])
                if isinstance(target, cst.Name) and value and value.startswith(module + "."):
                    names.add(target.value)
        self._aliases[key] = names
        return names

    def _guarded(self) -> bool:
        """Inside `if not getattr(x, "_is_hf_initialized", False):` or similar."""
        previous: Optional[cst.CSTNode] = None
        for node in self.context.ancestors():
            if isinstance(node, cst.If) and previous is node.body:
                if _GUARD_FLAG in self.context.code_for(node.test):
                    return True
            if isinstance(node, cst.FunctionDef):
                return False
            previous = node
        return False

    VALID = [
        Valid(
            """
            import math
            from torch import nn
            from ...modeling_utils import PreTrainedModel
            from ... import initialization as init

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    if isinstance(module, nn.Linear):
                        init.normal_(module.weight, std=0.02 / math.sqrt(2 * self.config.n_layer))
                        if not getattr(module.bias, "_is_hf_initialized", False):
                            module.bias.data *= 0.0
                        module.scale = nn.Parameter(module.weight.new_ones(1))
            """,
            reason="the factor folded into the draw; a rescale under the flag check; a parameter replaced, not written into",
        ),
        Valid(
            """
            import torch
            from torch import nn
            from ...modeling_utils import PreTrainedModel
            from ... import initialization as init

            class AcmePreTrainedModel(PreTrainedModel):
                @torch.no_grad()
                def _init_weights(self, module):
                    super()._init_weights(module)
                    std = self.config.initializer_range
                    if isinstance(module, nn.Linear):
                        init.normal_(module.weight, mean=0.0, std=std)
                        if module.bias is not None:
                            init.zeros_(module.bias)
                    elif isinstance(module, AcmeRotary):
                        init.copy_(module.inv_freq, module.compute_inv_freq())
            """,
            reason="the v5 convention: every write goes through the guarded helpers",
        ),
        Valid(
            """
            import torch
            from torch import nn
            from transformers import PreTrainedModel

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    if isinstance(module, nn.Linear):
                        module.weight.data.normal_(mean=0.0, std=0.02)
            """,
            reason="not a v5-style file (no initialization import): this rule stays quiet",
        ),
        Valid(
            """
            import torch
            from torch import nn
            from ... import initialization as init

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    if isinstance(module, nn.Embedding):
                        init.normal_(module.weight, std=0.02)
                        if module.padding_idx is not None and not getattr(module.weight, "_is_hf_initialized", False):
                            module.weight.data[module.padding_idx].zero_()
            """,
            reason="explicitly guarded by the loaded-weight flag",
        ),
        Valid(
            """
            import torch
            from torch import nn
            from ... import initialization as init

            class AcmeEncoder(nn.Module):
                def reset_parameters(self):
                    self.proj.weight.data.normal_(std=0.02)

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    std = torch.tensor(0.02).mul_(2.0)
                    init.normal_(module.weight, std=float(std))
            """,
            reason="only `_init_weights` writes to loaded modules; a fresh local tensor is not a module's",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import math
            from torch import nn
            from ...modeling_utils import PreTrainedModel
            from ... import initialization as init

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    if isinstance(module, nn.Linear):
                        init.normal_(module.weight, std=0.02)
                        module.weight /= math.sqrt(2 * self.config.n_layer)
            """,
            severity=Severity.ERROR,
            line=11,
            message_contains="every `from_pretrained` of a checkpoint shrinks",
        ),
        Invalid(
            """
            from torch import nn
            from ...modeling_utils import PreTrainedModel
            from ... import initialization as init

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    for name, p in module.named_parameters():
                        if name == "c_proj.weight":
                            init.normal_(p, std=0.02)
                            p.data = p.data * 0.5
                    if isinstance(module, nn.Linear):
                        module.weight.data.mul_(0.5)
            """,
            severity=Severity.ERROR,
            count=2,
        ),
        Invalid(
            """
            import torch
            from torch import nn
            from ...modeling_utils import PreTrainedModel
            from ... import initialization as init

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    if isinstance(module, AcmeRotary):
                        module.inv_freq.data = module.compute_inv_freq()
                    elif isinstance(module, nn.Embedding):
                        init.normal_(module.weight, std=0.02)
                        module.weight[0] = 0
            """,
            severity=Severity.WARNING,
            count=2,
            message_contains="writes into the tensor",
        ),
        Invalid(
            """
            import torch
            from torch import nn
            from ... import initialization as init

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    if isinstance(module, nn.Linear):
                        module.weight.data.normal_(mean=0.0, std=self.config.initializer_range)
                        if module.bias is not None:
                            module.bias.data.zero_()
                    elif isinstance(module, nn.LayerNorm):
                        module.weight.data.fill_(1.0)
            """,
            expected_fix="""
            import torch
            from torch import nn
            from ... import initialization as init

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    if isinstance(module, nn.Linear):
                        init.normal_(module.weight, mean=0.0, std=self.config.initializer_range)
                        if module.bias is not None:
                            init.zeros_(module.bias)
                    elif isinstance(module, nn.LayerNorm):
                        init.constant_(module.weight, 1.0)
            """,
            count=3,
            severity=Severity.WARNING,
            message_contains="`init.normal_`",
        ),
        Invalid(
            """
            import torch
            from torch import nn
            from transformers import initialization as init
            from transformers import PreTrainedModel

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    if isinstance(module, nn.Linear):
                        nn.init.xavier_uniform_(module.weight)
                        init.zeros_(module.bias.data)
            """,
            expected_fix="""
            import torch
            from torch import nn
            from transformers import initialization as init
            from transformers import PreTrainedModel

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    if isinstance(module, nn.Linear):
                        init.xavier_uniform_(module.weight)
                        init.zeros_(module.bias)
            """,
            count=2,
            severity=Severity.INFO,
        ),
        Invalid(
            """
            import torch
            from torch.nn.init import trunc_normal_
            from ... import initialization as init

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    for name, param in module.named_parameters():
                        if name.endswith("c_proj.weight"):
                            param.data.normal_(mean=0.0, std=0.01)
                    trunc_normal_(module.pos_embed, std=0.02)
            """,
            expected_fix="""
            import torch
            from torch.nn.init import trunc_normal_
            from ... import initialization as init

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    for name, param in module.named_parameters():
                        if name.endswith("c_proj.weight"):
                            init.normal_(param, mean=0.0, std=0.01)
                    init.trunc_normal_(module.pos_embed, std=0.02)
            """,
            count=2,
            message_contains="imported from torch.nn.init by name",
        ),
        Invalid(
            """
            import torch
            from torch import nn
            from ... import initialization as init

            class AcmePreTrainedModel(PreTrainedModel):
                def _init_weights(self, module):
                    if isinstance(module, nn.Embedding):
                        init.normal_(module.weight, std=0.02)
                        module.weight.data[module.padding_idx].zero_()
            """,
            message_contains="`.zero_()` on `module.weight.data[module.padding_idx]`",
        ),
    ]


def _wrapper_call(
    node: cst.Call, alias: str, mapping: tuple[str, dict[str, str]], tensor: cst.BaseExpression
) -> Optional[cst.Call]:
    function, keywords = mapping
    args: list[cst.Arg] = []
    for arg in node.args:
        if arg.star:
            return None
        if arg.keyword is not None:
            renamed = keywords.get(arg.keyword.value)
            if renamed is None:
                return None
            arg = arg.with_changes(keyword=cst.Name(renamed))
        args.append(arg)
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    first = cst.Arg(tensor, comma=comma if args else cst.MaybeSentinel.DEFAULT)
    return cst.Call(func=cst.Attribute(cst.Name(alias), cst.Name(function)), args=[first, *args])

"""Overrides that a base class's constructor runs before the subclass has built what they read.

`super().__init__()` of `nn.Linear` (and most torch layers) ends with `self.reset_parameters()`;
a project base class may do the same. Python dispatches that call to the subclass's override,
which then runs before the rest of the subclass's `__init__`: every `self.<attr>` the override
reads that the subclass creates only after `super().__init__()` does not exist yet
(`AttributeError` on every construction). The facts come from the library table (torch's own
layers) and the project index (a base class's construction, in any file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

import libcst as cst

from initlint.analysis.classes import is_self_attribute
from initlint.analysis.context import FileContext
from initlint.analysis.imports import dotted_name
from initlint.analysis.library import TORCH_INIT_CALLS
from initlint.analysis.walk import iter_nodes

if TYPE_CHECKING:
    from initlint.analysis.project.view import ProjectView

# Attributes a torch layer's own `__init__` sets (so an override may read them at that time).
_TORCH_LAYER_ATTRS = frozenset({
    "weight", "bias", "in_features", "out_features", "in1_features", "in2_features",
    "in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups",
    "padding_mode", "output_padding", "transposed", "num_embeddings", "embedding_dim",
    "padding_idx", "max_norm", "norm_type", "scale_grad_by_freq", "sparse", "mode",
    "normalized_shape", "eps", "elementwise_affine", "num_features", "affine",
    "track_running_stats", "running_mean", "running_var", "num_batches_tracked", "momentum",
    "num_groups", "num_channels", "num_parameters", "init", "input_size", "hidden_size",
    "num_layers", "batch_first", "dropout", "bidirectional", "proj_size", "nonlinearity",
    "weight_ih", "weight_hh", "bias_ih", "bias_hh", "embed_dim", "num_heads", "kdim", "vdim",
    "head_dim", "in_proj_weight", "in_proj_bias", "q_proj_weight", "k_proj_weight",
    "v_proj_weight", "out_proj", "bias_k", "bias_v", "add_zero_attn", "training",
})
_GUARDS = re.compile(r"\bhasattr\s*\(|\bgetattr\s*\(|except\s*(?:AttributeError|Exception|BaseException)?\s*[:(,]")
_SELF_SET = re.compile(r"\bself\.register_(?:parameter|buffer|module)\(\s*['\"](\w+)['\"]")


@dataclass(frozen=True)
class EarlyOverrideRead:
    """`read` (a `self.<attr>` node in `method`) runs from `base`'s constructor, before the
    subclass's `__init__` creates `attr`; `conditional` when a test decides whether it runs."""

    method: cst.FunctionDef
    read: cst.Attribute
    attr: str
    base: str
    conditional: bool
    # the base's constructor surely runs the override (torch's layers; a top-level `self.m()`
    # of a project base's `__init__`): True; only under a test or through another method: False
    surely: bool = True


def _super_init_position(init: cst.FunctionDef, klass: cst.ClassDef) -> Optional[tuple[int, Optional[str]]]:
    """The index of the top-level statement of `__init__` that calls the base's `__init__`, and
    the base it names (`Base.__init__(self)`; None for `super().__init__()`). None when the
    first such call names a class that is not a base (`nn.Module.__init__(self)` skips the
    base's own `__init__` on purpose)."""
    bases = {dotted_name(b.value) for b in klass.bases}
    for position, statement in enumerate(init.body.body):
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            value = getattr(small, "value", None)
            if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)
                    and value.func.attr.value == "__init__"):
                continue
            owner = value.func.value
            if isinstance(owner, cst.Call) and dotted_name(owner.func) == "super":
                return position, None
            named = dotted_name(owner)
            return (position, named) if named in bases else None
    return None


def _created(statements: list[cst.BaseStatement]) -> dict[str, cst.BaseStatement]:
    """`self.<attr>` assigned or registered by name in these statements → the statement."""
    found: dict[str, cst.BaseStatement] = {}
    for statement in statements:
        for node in iter_nodes(statement):
            targets: list[cst.BaseExpression] = []
            if isinstance(node, cst.Assign):
                targets = [t.target for t in node.targets]
            elif isinstance(node, (cst.AnnAssign, cst.AugAssign)):
                targets = [node.target]
            for target in targets:
                for element in iter_nodes(target):
                    attr = is_self_attribute(element) if isinstance(element, cst.BaseExpression) else None
                    if attr is not None:
                        found.setdefault(attr, statement)
            if isinstance(node, cst.Call):
                func = dotted_name(node.func) or ""
                if func.startswith("self.register_") and node.args:
                    first = node.args[0].value
                    if isinstance(first, cst.SimpleString) and isinstance(first.evaluated_value, str):
                        found.setdefault(first.evaluated_value, statement)
    return found


def _always_called(view: "ProjectView", base: str) -> frozenset[str]:
    """Methods that the `__init__` of `base` (a project class, in any file) calls on `self` as
    one of its top-level statements: on every construction, not under a test or in a loop
    (project index: `top_calls`)."""
    init = view.index.find_method(base, "__init__")
    found = view.index.function(init) if init is not None else None
    if found is None:
        return frozenset()
    function = found[1]
    self_name = function.params[0] if function.params else "self"
    return frozenset(
        call[len(self_name) + 1:] for call in function.top_calls
        if call.startswith(self_name + ".") and call.count(".") == 1
    )


def _methods_run_by_base(
    context: FileContext, klass: cst.ClassDef, only: Optional[str]
) -> dict[str, tuple[str, frozenset[str], bool]]:
    """Method name → (the base that runs it while being built, the attributes that base's
    classes set, whether it surely runs on every construction), for the class's bases: torch
    layers (library table) and project classes (the project index's construction steps, in
    any file)."""
    found: dict[str, tuple[str, frozenset[str], bool]] = {}
    view = context.project
    for base in klass.bases:
        written = dotted_name(base.value)
        if written is None or (only is not None and written != only):
            continue
        qualified = context.resolve(base.value) or ""
        last = qualified.rsplit(".", 1)[-1]
        if qualified.startswith("torch.nn.") and last in TORCH_INIT_CALLS:
            found.setdefault(TORCH_INIT_CALLS[last], (f"nn.{last}", _TORCH_LAYER_ATTRS, True))
            continue
        resolved = view.resolve_name(written)
        if resolved is None or view.index.class_(resolved) is None:
            continue
        order, complete = view.index.mro(resolved)
        if not complete:
            continue  # a library base we cannot see into may set what the override reads
        attrs: set[str] = set()
        for name in order:
            located = view.index.class_(name)
            if located is None:
                continue
            if "*" in located[1].attrs:
                attrs = {"*"}
                break
            attrs.update(located[1].attrs)
        if "*" in attrs:
            continue
        always = _always_called(view, resolved)
        for step in view.index.construction_methods(resolved):
            method = step.rsplit(".", 1)[-1]
            if method != "__init__":
                # surely when a top-level statement of the base's `__init__`, else under a test
                found.setdefault(method, (written, frozenset(attrs), method in always))
    return found


def _conditional(statement: cst.CSTNode, read: cst.CSTNode) -> bool:
    """Whether a test stands between the method's top level and `read`: an `if`, `while` or
    `try`, or a `for` over anything but a literal list or tuple (which always runs)."""
    for node in iter_nodes(statement):
        if isinstance(node, (cst.If, cst.While, cst.Try, cst.IfExp, cst.BooleanOperation)):
            if any(n is read for n in iter_nodes(node)):
                return True
        if isinstance(node, cst.For) and not isinstance(node.iter, (cst.List, cst.Tuple)):
            if any(n is read for n in iter_nodes(node.body)):
                return True
    return False


def early_override_reads(context: FileContext, klass: cst.ClassDef) -> list[EarlyOverrideRead]:
    """Reads of `self.<attr>` in the class's overrides of methods its base runs while being
    built, where the class's `__init__` creates `attr` only after calling the base's `__init__`
    and no base creates it. Empty when anything is not known."""
    methods = {s.name.value: s for s in klass.body.body if isinstance(s, cst.FunctionDef)}
    init = methods.get("__init__")
    if init is None or not isinstance(init.body, cst.IndentedBlock):
        return []
    located = _super_init_position(init, klass)
    if located is None:
        return []
    position, named = located
    run = _methods_run_by_base(context, klass, named)
    if not run:
        return []
    before = _created(list(init.body.body[:position]))
    after = _created(list(init.body.body[position + 1:]))
    found: list[EarlyOverrideRead] = []
    for name, (base, base_attrs, surely) in run.items():
        method = methods.get(name)
        if method is None or not isinstance(method.body, cst.IndentedBlock):
            continue
        code = context.code_for(method)
        if _GUARDS.search(code) or _SELF_SET.search(code):
            continue  # `if hasattr(self, "sigma")`, `try/except AttributeError`: a known guard
        seen: set[str] = set()
        for statement in method.body.body:
            if any(isinstance(n, cst.Return) for n in iter_nodes(statement)):
                break  # an early return may leave the rest for later calls
            seen.update(_created([statement]))  # the override creates it itself
            for node in iter_nodes(statement):
                attr = is_self_attribute(node) if isinstance(node, cst.Attribute) else None
                if attr is None or attr in seen or attr in before or attr not in after:
                    continue
                if attr in base_attrs or attr.startswith("_") or attr in methods:
                    continue
                seen.add(attr)
                found.append(EarlyOverrideRead(
                    method, node, attr, base, _conditional(statement, node), surely
                ))
    return found

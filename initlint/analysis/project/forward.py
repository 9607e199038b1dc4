"""Forward facts: how a method computes with `self.<attr>`, so an init can be judged by the value
the model actually uses (a `(1 + w)` gain initialized to zeros is an identity, not a dead layer).

Uses recorded per method, as (attr, use):
- `one_plus`: `1 + self.w` / `self.w + 1` (Gemma-style RMSNorm; zero init is the identity);
- `softmax`, `sigmoid`, `exp`, `softplus`, `tanh`: the parameter goes through that function first;
- `normalized`: `F.normalize(self.w)` or `self.w / self.w.norm()` (its scale does not matter);
- `scaled`: multiplied by another `self.<attr>` or a non-input runtime value (LoRA's `scaling`);
- `used`: any other read of the attribute.
"""

from __future__ import annotations

import ast
from typing import Optional

_ACTIVATIONS = {
    "softmax": "softmax", "log_softmax": "softmax", "sigmoid": "sigmoid", "exp": "exp",
    "softplus": "softplus", "tanh": "tanh", "normalize": "normalized",
}


def _self_attr(node: ast.AST, self_name: str) -> Optional[str]:
    """`self.w`, `self.w.T`, `self.w.view(...)`, `self.w[None]` → "w"."""
    while True:
        if isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
            "view", "reshape", "unsqueeze", "to", "type_as", "float", "expand", "expand_as", "t",
            "transpose", "permute", "contiguous", "squeeze",
        ):
            node = node.func.value
        elif isinstance(node, ast.Attribute) and node.attr in ("T", "data") and isinstance(node.value, ast.Attribute):
            node = node.value
        else:
            break
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == self_name:
        return node.attr
    return None


def _is_one(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in (1, 1.0) and not isinstance(node.value, bool)


def _function_uses(func: ast.AST, self_name: str, params: frozenset[str]) -> set[tuple[str, str]]:
    uses: set[tuple[str, str]] = set()
    special: set[int] = set()
    for node in ast.walk(func):
        if isinstance(node, ast.BinOp):
            left, right = _self_attr(node.left, self_name), _self_attr(node.right, self_name)
            if isinstance(node.op, ast.Add):
                if left and _is_one(node.right):
                    uses.add((left, "one_plus"))
                    special.add(id(node.left))
                if right and _is_one(node.left):
                    uses.add((right, "one_plus"))
                    special.add(id(node.right))
            elif isinstance(node.op, ast.Div) and left and isinstance(node.right, ast.Call):
                inner = node.right
                if isinstance(inner.func, ast.Attribute) and inner.func.attr in ("norm", "sum") and _self_attr(inner.func.value, self_name) == left:
                    uses.add((left, "normalized"))
            elif isinstance(node.op, (ast.Mult, ast.MatMult)):
                for mine, other in ((left, node.right), (right, node.left)):
                    if mine and other is not None and _is_runtime_factor(other, self_name, params):
                        uses.add((mine, "scaled"))
        elif isinstance(node, ast.Call):
            func_node = node.func
            if isinstance(func_node, ast.Attribute):
                name = func_node.attr
                mine = _self_attr(func_node.value, self_name)
                if mine and name in _ACTIVATIONS:
                    uses.add((mine, _ACTIVATIONS[name]))
                    special.add(id(func_node.value))
                    continue
            else:
                name = func_node.id if isinstance(func_node, ast.Name) else ""
            if name in _ACTIVATIONS and node.args:
                mine = _self_attr(node.args[0], self_name)
                if mine:
                    uses.add((mine, _ACTIVATIONS[name]))
                    special.add(id(node.args[0]))
    for node in ast.walk(func):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            mine = _self_attr(node, self_name)
            if mine and id(node) not in special:
                uses.add((mine, "used"))
    return uses


def _is_runtime_factor(node: ast.AST, self_name: str, params: frozenset[str]) -> bool:
    """Another parameter-free value that scales the weight: `self.scaling`, a module-level
    constant name; not the input (`x * self.w` is the ordinary use)."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == self_name:
        return True
    if isinstance(node, ast.Name) and node.id not in params:
        return True
    return False


def forward_uses(tree: ast.Module) -> dict[str, set[tuple[str, str]]]:
    """Method qualname → {(attr, use)} for every method of every class in the tree."""
    found: dict[str, set[tuple[str, str]]] = {}

    def visit_class(node: ast.ClassDef, prefix: str) -> None:
        qual = f"{prefix}{node.name}"
        for item in node.body:
            if isinstance(item, ast.ClassDef):
                visit_class(item, qual + ".")
            elif isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = item.args.posonlyargs + item.args.args
                if not args:
                    continue
                self_name = args[0].arg
                params = frozenset(a.arg for a in args[1:])
                uses = _function_uses(item, self_name, params)
                if uses:
                    found[f"{qual}.{item.name}"] = uses

    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            pass
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            visit_class(node, "")
        elif isinstance(node, (ast.If, ast.Try)):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ClassDef):
                    visit_class(inner, "")
    return found

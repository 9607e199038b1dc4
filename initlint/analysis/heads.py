"""Output heads tied to an embedding table, found in one class's code.

A language model's output head may share its matrix with the input embedding: the weight is
assigned (`self.to_logits.weight = self.token_emb.weight`, or the same between locals in
`__init__`), or forward multiplies by the table itself (`x @ self.token_emb.weight.t()`,
`F.linear(x, self.token_emb.weight)`, `einsum("bnd,vd->bnv", x, self.token_emb.weight)`).
Then the table's scale is the head's: the logits of a unit-variance input have std
`sqrt(d) * std(table)`. This module finds the ties, the tensor's other inits in the class, and
whether the code scales the logits (`* d ** -0.5`, a temperature, a division) on a path from
the head; rules decide what that means.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional

import libcst as cst

from initlint.analysis.classes import argument
from initlint.analysis.context import FileContext
from initlint.analysis.library import EMBEDDING_KEEPS_TABLE, EMBEDDING_LAYERS
from initlint.analysis.scales import draw_of
from initlint.analysis.tensors import init_call, tensor_ref
from initlint.analysis.walk import children, iter_nodes

_LINEAR_LAYERS = frozenset({"torch.nn.Linear"})
_TRANSPOSES = frozenset({"t", "T", "mT", "transpose", "permute"})


@dataclass(frozen=True)
class LayerBuilt:
    """`self.emb = nn.Embedding(...)` (key `self.emb`) or `emb = nn.Embedding(...)` (key `emb`,
    a local of `function`), in a method of the class."""

    key: str
    call: cst.Call
    function: cst.FunctionDef
    statement: cst.Assign


@dataclass(frozen=True)
class TiedHead:
    """`node` ties the output head to `embedding`: an assignment of its weight to a Linear's
    (`head` is that Linear), or a product with the table in a method (`head` None)."""

    node: cst.CSTNode
    embedding: LayerBuilt
    head: Optional[LayerBuilt]
    function: cst.FunctionDef


def _methods(klass: cst.ClassDef) -> list[cst.FunctionDef]:
    body = klass.body.body if isinstance(klass.body, cst.IndentedBlock) else ()
    return [s for s in body if isinstance(s, cst.FunctionDef)]


def _code(expr: cst.BaseExpression) -> Optional[str]:
    """`self.emb` / `emb` as written; None for anything else."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and expr.value.value == "self":
        return f"self.{expr.attr.value}"
    return None


def layers_built(context: FileContext, klass: cst.ClassDef, layers: frozenset[str]) -> list[LayerBuilt]:
    """Single-target assignments in the class's methods whose value constructs one of `layers`
    (qualified torch names)."""
    found: list[LayerBuilt] = []
    for function in _methods(klass):
        for node in iter_nodes(function.body):
            if not isinstance(node, cst.Assign) or len(node.targets) != 1 or not isinstance(node.value, cst.Call):
                continue
            key = _code(node.targets[0].target)
            if key is not None and context.resolve(node.value.func) in layers:
                found.append(LayerBuilt(key, node.value, function, node))
    return found


def _find(builds: list[LayerBuilt], key: Optional[str], function: cst.FunctionDef) -> Optional[LayerBuilt]:
    """The build `key` names where `function` reads it: an attribute of the class from any
    method, a local only from its own function. None when it is built twice (which one is
    tied is not known)."""
    if key is None:
        return None
    matches = [b for b in builds if b.key == key and (key.startswith("self.") or b.function is function)]
    return matches[0] if len(matches) == 1 else None


def _table_of(expr: cst.BaseExpression) -> Optional[str]:
    """`<key>.weight` → key."""
    if isinstance(expr, cst.Attribute) and expr.attr.value == "weight":
        return _code(expr.value)
    return None


def _transposed_table(expr: cst.BaseExpression) -> Optional[str]:
    """`<key>.weight.t()`, `.T`, `.transpose(0, 1)` → key."""
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value in _TRANSPOSES:
        return _table_of(expr.func.value)
    if isinstance(expr, cst.Attribute) and expr.attr.value in ("T", "mT"):
        return _table_of(expr.value)
    return None


def _einsum_rows_kept(spec: str, position: int, operands: int) -> bool:
    """In `einsum(spec, ...)`, operand `position` is a (rows, columns) matrix whose row index
    the output keeps and whose column index it sums: the table used as the logits matrix."""
    inputs, arrow, output = spec.replace(" ", "").partition("->")
    terms = inputs.split(",")
    if not arrow or len(terms) != operands or len(terms[position]) != 2 or not terms[position].isalpha():
        return False
    rows, columns = terms[position]
    return rows in output and columns not in output


def _product_table(context: FileContext, node: cst.CSTNode) -> Optional[str]:
    """The table key when `node` is a product with an embedding table as the logits matrix."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.MatrixMultiply):
        return _transposed_table(node.right)
    if not isinstance(node, cst.Call):
        return None
    resolved = context.resolve(node.func) or ""
    args = [a.value for a in node.args if a.keyword is None]
    if resolved == "torch.nn.functional.linear" and len(args) >= 2:
        return _table_of(args[1])
    if resolved == "torch.matmul" and len(args) == 2:
        return _transposed_table(args[1])
    if isinstance(node.func, cst.Attribute) and node.func.attr.value == "matmul" and len(args) == 1 and not resolved:
        return _transposed_table(args[0])
    if resolved == "torch.einsum" and len(args) >= 3 and isinstance(args[0], cst.SimpleString):
        spec = args[0].evaluated_value
        for position, operand in enumerate(args[1:]):
            key = _table_of(operand)
            if key is not None and isinstance(spec, str) and _einsum_rows_kept(spec, position, len(args) - 1):
                return key
    return None


def tied_heads(context: FileContext, klass: cst.ClassDef) -> list[TiedHead]:
    """The ties between an output head and a `torch.nn.Embedding` the class builds (certain
    ones only: the embedding and the Linear are each built once, by name)."""
    embeddings = layers_built(context, klass, EMBEDDING_LAYERS)
    if not embeddings:
        return []
    linears = layers_built(context, klass, _LINEAR_LAYERS)
    found: list[TiedHead] = []
    for function in _methods(klass):
        for node in iter_nodes(function.body):
            if isinstance(node, cst.Assign) and len(node.targets) == 1:
                target = node.targets[0].target
                head_key = _table_of(target) if isinstance(target, cst.Attribute) else None
                embedding = _find(embeddings, _table_of(node.value), function)
                head = _find(linears, head_key, function)
                if embedding is not None and head is not None:
                    found.append(TiedHead(node, embedding, head, function))
                continue
            key = _product_table(context, node)
            if key is not None and key.startswith("self."):
                embedding = _find(embeddings, key, function)
                if embedding is not None:
                    found.append(TiedHead(node, embedding, None, function))
    return found


def table_writes(context: FileContext, klass: cst.ClassDef, tie: TiedHead) -> list[tuple[cst.CSTNode, bool]]:
    """Every init of the tied tensor in the class's methods, through the embedding's name or
    the head's (they are the same tensor), and any other assignment to either `.weight`:
    (node, is it an N(0, 1) draw, the table's own default)."""
    keys = {tie.embedding.key}
    if tie.head is not None:
        keys.add(tie.head.key)

    def named(expr: cst.BaseExpression, function: cst.FunctionDef) -> bool:
        key = _table_of(expr)
        if key is None or key not in keys:
            return False
        local = not key.startswith("self.")
        return not local or function is tie.embedding.function

    writes: list[tuple[cst.CSTNode, bool]] = []
    for function in _methods(klass):
        for node in iter_nodes(function.body):
            if isinstance(node, cst.Call):
                call = init_call(node, context)
                if call is not None and named(tensor_ref(call.tensor.expr).expr, function):
                    draw = draw_of(call)
                    writes.append((node, draw is not None and draw.is_standard_normal))
            elif isinstance(node, (cst.Assign, cst.AugAssign)) and node is not tie.node:
                targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
                if any(named(tensor_ref(t).expr, function) for t in targets):
                    writes.append((node, False))
    return writes


def keeps_its_default(context: FileContext, build: LayerBuilt) -> bool:
    """The embedding is built with torch's own init and nothing that replaces or renormalizes
    its table (`_weight=`, `max_norm=`; library table)."""
    if any(arg.star for arg in build.call.args):
        return False
    for keyword, position in EMBEDDING_KEEPS_TABLE:
        value = argument(build.call, position, keyword)
        if value is not None and not (isinstance(value, cst.Name) and value.value == "None"):
            return False
    return True


def _parents(root: cst.CSTNode) -> dict[int, cst.CSTNode]:
    parents: dict[int, cst.CSTNode] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        for child in children(node):
            parents[id(child)] = node
            stack.append(child)
    return parents


def _names(expr: cst.CSTNode) -> set[str]:
    return {n.value for n in iter_nodes(expr) if isinstance(n, cst.Name)}


def _scales(expr: cst.BaseExpression, name: str) -> bool:
    """`expr` multiplies or divides `name` itself (`x * s`, `x / t`, `s * x`)."""
    for node in iter_nodes(expr):
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Multiply, cst.Divide)):
            for side in (node.left, node.right):
                if isinstance(side, cst.Name) and side.value == name:
                    return True
    return False


def _statements(function: cst.FunctionDef) -> Iterator[cst.CSTNode]:
    for node in iter_nodes(function.body):
        if isinstance(node, (cst.Assign, cst.AugAssign)):
            yield node


def _rescaled_name(function: cst.FunctionDef, name: str, position: dict[int, int], before: Optional[int],
                   after: Optional[int]) -> bool:
    """An assignment in `function` (before or after the statement numbered `before`/`after`)
    that scales `name`: `name = name * s`, `name /= t`, `y = name / t`."""
    for statement in _statements(function):
        at = position.get(id(statement), -1)
        if before is not None and at >= before:
            continue
        if after is not None and at <= after:
            continue
        if isinstance(statement, cst.AugAssign):
            if isinstance(statement.target, cst.Name) and statement.target.value == name and isinstance(
                statement.operator, (cst.MultiplyAssign, cst.DivideAssign)
            ):
                return True
        elif _scales(statement.value, name) or (
            # `x = self.norm(x) * d ** -0.5`: the name is rebound to a product or quotient
            isinstance(statement.value, cst.BinaryOperation)
            and isinstance(statement.value.operator, (cst.Multiply, cst.Divide))
            and any(isinstance(t.target, cst.Name) and t.target.value == name for t in statement.targets)
        ):
            return True
    return False


def output_scaled(function: cst.FunctionDef, use: cst.CSTNode) -> bool:
    """Does `function` scale the logits that `use` (a head call or the product) computes: a
    factor or divisor applied to its result (directly, or to the name it is stored in,
    afterwards), or to its input (the input name rescaled before, `head(x * d ** -0.5)`)?"""
    parents = _parents(function)
    order = {id(n): i for i, n in enumerate(iter_nodes(function.body))}
    node: cst.CSTNode = use
    parent = parents.get(id(node))
    while isinstance(parent, (cst.Subscript, cst.SubscriptElement, cst.Index, cst.Attribute)) or (
        isinstance(parent, cst.Call) and parent.func is node
    ):
        node, parent = parent, parents.get(id(parent))  # `head(x)[:, -1]`, `.float()`
    if isinstance(parent, cst.BinaryOperation) and isinstance(parent.operator, (cst.Multiply, cst.Divide)):
        return True
    statement = parent
    while statement is not None and not isinstance(statement, (cst.Assign, cst.AugAssign, cst.Expr, cst.Return)):
        statement = parents.get(id(statement))
    inputs: list[cst.BaseExpression] = []
    if isinstance(use, cst.Call):
        inputs = [a.value for a in use.args]
    elif isinstance(use, cst.BinaryOperation):
        inputs = [use.left]
    for value in inputs:
        if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, (cst.Multiply, cst.Divide)):
            return True
        if isinstance(value, cst.Name) and statement is not None and _rescaled_name(
            function, value.value, order, order.get(id(statement)), None
        ):
            return True
    if isinstance(statement, cst.Assign) and statement is not None:
        for target in statement.targets:
            if isinstance(target.target, cst.Name) and _rescaled_name(
                function, target.target.value, order, None, order.get(id(statement))
            ):
                return True
    return False


def head_uses(klass: cst.ClassDef, head: LayerBuilt) -> list[tuple[cst.FunctionDef, cst.Call]]:
    """The calls of the tied Linear in the class's methods: `self.head(x)`, through the
    attribute that holds it (`self.to_logits = nn.ModuleDict(dict(text=head))` →
    `self.to_logits[kind](x)`), and through a local alias (`f = self.to_logits[kind]; f(x)`)."""
    holders: set[str] = set()
    if head.key.startswith("self."):
        holders.add(head.key)
    else:
        for node in iter_nodes(head.function.body):
            if isinstance(node, cst.Assign) and len(node.targets) == 1:
                key = _code(node.targets[0].target)
                if key is not None and key.startswith("self.") and head.key in _names(node.value):
                    holders.add(key)

    def holds(expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Subscript):
            expr = expr.value
        return _code(expr) in holders

    uses: list[tuple[cst.FunctionDef, cst.Call]] = []
    for function in _methods(klass):
        aliases = {
            node.targets[0].target.value
            for node in iter_nodes(function.body)
            if isinstance(node, cst.Assign) and len(node.targets) == 1
            and isinstance(node.targets[0].target, cst.Name) and holds(node.value)
        }
        for node in iter_nodes(function.body):
            if isinstance(node, cst.Call) and (
                holds(node.func) or (isinstance(node.func, cst.Name) and node.func.value in aliases)
            ):
                uses.append((function, node))
    return uses


def in_branch(function: cst.FunctionDef, node: cst.CSTNode) -> bool:
    """`node` sits under an `if`, a loop, a `try` or a conditional expression of `function`."""
    parents = _parents(function)
    current: Optional[cst.CSTNode] = parents.get(id(node))
    while current is not None and current is not function:
        if isinstance(current, (cst.If, cst.For, cst.While, cst.Try, cst.IfExp)):
            return True
        current = parents.get(id(current))
    return False


"""Resolve names to the torch objects they stand for, through the file's own imports.

Whole-module scope analysis costs several times the parse (see docs/performance.md); rules only
need to know what `nn`, `init`, `I` or `zeros_` mean, and the import statements say exactly that.
"""

from __future__ import annotations

from typing import Iterable, Optional, Sequence, Union

import libcst as cst

# (both kept here for importers; defined where code that must not import libcst can reach them)
from initlint.analysis.library import KNOWN_INIT_MODULE_EQUIVALENTS
from initlint.analysis.project.summary import resolve_relative as _resolve_relative

INIT_MODULE = "torch.nn.init"


# Names torch.nn.init exports; used to resolve `from torch.nn.init import *`.
INIT_FUNCTION_NAMES: frozenset[str] = frozenset(
    {
        "calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_",
        "eye_", "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
        "kaiming_normal_", "orthogonal_", "sparse_",
        # deprecated spellings, still exported
        "uniform", "normal", "constant", "eye", "dirac", "xavier_uniform", "xavier_normal",
        "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse",
    }
)


def dotted_parts(expr: cst.BaseExpression) -> Optional[list[str]]:
    """`a.b.c` → ["a", "b", "c"]; None for anything that is not a plain dotted name."""
    parts: list[str] = []
    while isinstance(expr, cst.Attribute):
        parts.append(expr.attr.value)
        expr = expr.value
    if not isinstance(expr, cst.Name):
        return None
    parts.append(expr.value)
    parts.reverse()
    return parts


def dotted_name(expr: cst.BaseExpression) -> Optional[str]:
    parts = dotted_parts(expr)
    return ".".join(parts) if parts is not None else None


def _module_name_of(node: Union[cst.Attribute, cst.Name]) -> str:
    name = dotted_name(node)
    assert name is not None  # import targets are always dotted names
    return name


def _local_name(alias: cst.ImportAlias, imported: str) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return imported


class ImportMap:
    """Local names bound by import statements, and the module-level names that shadow them."""

    def __init__(
        self,
        package: Optional[str] = None,
        init_module_equivalents: Iterable[str] = KNOWN_INIT_MODULE_EQUIVALENTS,
    ) -> None:
        self.package = package
        self.bindings: dict[str, str] = {}
        self.star_modules: list[str] = []
        self.shadowed: set[str] = set()
        self.equivalents = tuple(init_module_equivalents)
        # id(expr) → (expr, what it resolves to): rules ask about the same node ten times on
        # average (every 48th transformers file: 98 k questions, 8 k nodes). The node is kept,
        # so its id cannot be reused by another node while the map lives.
        self._resolved: dict[int, tuple[cst.BaseExpression, Optional[str]]] = {}

    @classmethod
    def from_module(
        cls,
        module: cst.Module,
        package: Optional[str] = None,
        init_module_equivalents: Iterable[str] = KNOWN_INIT_MODULE_EQUIVALENTS,
    ) -> "ImportMap":
        imports = cls(package, init_module_equivalents)
        imports._scan_block(module.body)
        return imports

    def _scan_block(self, body: Sequence[cst.CSTNode], fallback: bool = False) -> None:
        """Module level only (plus `if`/`try` blocks there): cheap, and covers real code.

        In `except` handlers (`except ImportError: nn = None`) assignments are fallbacks for
        when the import failed, so they do not hide what the import binds.
        """
        for statement in body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, (cst.Import, cst.ImportFrom)):
                        self.add(small)
                    elif isinstance(small, (cst.Assign, cst.AnnAssign)) and not fallback:
                        self._shadow_targets(small)
            elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)) and not fallback:
                self._shadow(statement.name.value)
            elif isinstance(statement, cst.If):
                self._scan_block(statement.body.body)
                orelse = statement.orelse
                while orelse is not None:
                    self._scan_block(orelse.body.body)
                    orelse = orelse.orelse if isinstance(orelse, cst.If) else None
            elif isinstance(statement, cst.Try):
                self._scan_block(statement.body.body)
                for handler in statement.handlers:
                    self._scan_block(handler.body.body, fallback=True)

    def _shadow_targets(self, node: Union[cst.Assign, cst.AnnAssign]) -> None:
        targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
        for target in targets:
            if isinstance(target, cst.Name):
                self._shadow(target.value)

    def _shadow(self, name: str) -> None:
        """A module-level def or assignment replaces whatever an import bound to that name."""
        self._resolved.clear()
        self.shadowed.add(name)
        self.bindings.pop(name, None)

    def add(self, node: Union[cst.Import, cst.ImportFrom]) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                full = _module_name_of(alias.name)
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self._bind(alias.asname.name.value, full)
                else:
                    head = full.split(".")[0]
                    self._bind(head, head)
            return
        level = len(node.relative)
        module = _module_name_of(node.module) if node.module is not None else None
        if level:
            resolved = _resolve_relative(self.package, level, module)
            if resolved is None:
                self._add_unresolved_relative(node, module)
                return
            module = resolved
        if module is None:
            return
        if isinstance(node.names, cst.ImportStar):
            self._resolved.clear()
            self.star_modules.append(module)
            return
        for alias in node.names:
            imported = _module_name_of(alias.name)
            self._bind(_local_name(alias, imported), f"{module}.{imported}")

    def _add_unresolved_relative(self, node: cst.ImportFrom, module: Optional[str]) -> None:
        """Without a package (stdin, a loose file), `from ... import initialization as init` can
        still be recognised: bind names that match a known init-module equivalent by its last part."""
        tails = {equivalent.rsplit(".", 1)[-1]: equivalent for equivalent in self.equivalents}
        if module is not None:
            equivalent = tails.get(module.rsplit(".", 1)[-1])
            if equivalent is not None and not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    imported = _module_name_of(alias.name)
                    self._bind(_local_name(alias, imported), f"{equivalent}.{imported}")
            return
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            imported = _module_name_of(alias.name)
            if imported in tails:
                self._bind(_local_name(alias, imported), tails[imported])

    def _bind(self, local: str, target: str) -> None:
        self._resolved.clear()
        self.bindings[local] = target
        self.shadowed.discard(local)

    def canonical(self, qualified: str) -> str:
        """Map re-exporting wrapper modules onto torch.nn.init."""
        for equivalent in self.equivalents:
            if qualified == equivalent or qualified.startswith(equivalent + "."):
                return INIT_MODULE + qualified[len(equivalent):]
        return qualified

    def resolve(self, expr: cst.BaseExpression) -> Optional[str]:
        """The fully qualified name `expr` refers to, or None when it is not imported."""
        known = self._resolved.get(id(expr))
        if known is not None and known[0] is expr:
            return known[1]
        found = self._resolve(expr)
        self._resolved[id(expr)] = (expr, found)
        return found

    def _resolve(self, expr: cst.BaseExpression) -> Optional[str]:
        parts = dotted_parts(expr)
        if parts is None:
            return None
        head = parts[0]
        target = self.bindings.get(head)
        if target is None:
            if head in self.shadowed:
                return None
            target = self._from_star(head)
            if target is None:
                return None
        return self.canonical(".".join([target, *parts[1:]]))

    def _from_star(self, name: str) -> Optional[str]:
        for module in self.star_modules:
            if self.canonical(module) == INIT_MODULE and name in INIT_FUNCTION_NAMES:
                return f"{module}.{name}"
        return None

    def init_function(self, func: cst.BaseExpression) -> Optional[str]:
        """`nn.init.zeros_` / `init.zeros_` / `zeros_` → "zeros_" when it really is torch's."""
        qualified = self.resolve(func)
        if qualified is None:
            return None
        prefix = INIT_MODULE + "."
        if qualified.startswith(prefix) and "." not in qualified[len(prefix):]:
            return qualified[len(prefix):]
        return None

    def local_name_for(self, qualified: str) -> Optional[str]:
        """The shortest expression in this file that spells `qualified` (for writing fixes)."""
        best: Optional[str] = None
        for local, target in self.bindings.items():
            canonical = self.canonical(target)
            candidate: Optional[str] = None
            if canonical == qualified:
                candidate = local
            elif qualified.startswith(canonical + "."):
                candidate = local + qualified[len(canonical):]
            if candidate is not None and (best is None or len(candidate) < len(best)):
                best = candidate
        return best

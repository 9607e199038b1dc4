from __future__ import annotations

import ast
from typing import Union

import libcst as cst

from initlint.analysis.gate import FileWords
from initlint.analysis.imports import INIT_MODULE, dotted_name, dotted_parts
from initlint.analysis.walk import declared_params
from initlint.diagnostics import FixSafety, Severity
from initlint.rules.base import Invalid, Rule, Valid

# torch.nn.init keeps these pre-0.4 spellings as wrappers that warn and call the `_` version with
# the same arguments (`_make_deprecate` in torch/nn/init.py).
DEPRECATED_INIT_NAMES: frozenset[str] = frozenset(
    {
        "uniform", "normal", "constant", "eye", "dirac", "xavier_uniform", "xavier_normal",
        "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse",
    }
)

_WHY = "deprecated since PyTorch 0.4: it warns on every call and is slated for removal"


def _bound_names(tree: ast.AST, name: str) -> int:
    """How many places in the file bind `name` (imports, defs, params, stores, globals...)."""
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            count += 1
        elif isinstance(node, ast.arg) and node.arg == name:
            count += 1
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            count += node.name == name
        elif isinstance(node, ast.alias):
            count += (node.asname or node.name.split(".")[0]) == name
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            count += name in node.names
        elif isinstance(node, ast.ExceptHandler):
            count += node.name == name
        elif isinstance(node, ast.MatchAs) or isinstance(node, ast.MatchStar):
            count += node.name == name
        elif isinstance(node, ast.MatchMapping):
            count += node.rest == name
    return count


class _LoadedNames(cst.CSTVisitor):
    """Every `Name` node spelling `name` that reads a variable (not `.attr`, not `kw=`)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.loads: list[cst.Name] = []
        self._stack: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Name) and node.value == self.name and self._stack:
            parent = self._stack[-1]
            attribute_name = isinstance(parent, cst.Attribute) and parent.attr is node
            keyword = isinstance(parent, cst.Arg) and parent.keyword is node
            in_import = isinstance(parent, (cst.ImportAlias, cst.ImportFrom, cst.Import))
            match_key = type(parent).__name__ == "MatchKeywordElement"
            if not (attribute_name or keyword or in_import or match_key):
                self.loads.append(node)
        self._stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self._stack.pop()


class _Rename(cst.CSTTransformer):
    def __init__(self, nodes: dict[int, cst.CSTNode]) -> None:
        super().__init__()
        self._nodes = nodes

    def on_leave(self, original_node, updated_node):  # type: ignore[override]
        return self._nodes.get(id(original_node), updated_node)


class DeprecatedInitName(Rule):
    """
    ## What it does
    Flags the pre-0.4 spellings of `torch.nn.init` functions without the trailing underscore:
    `uniform`, `normal`, `constant`, `eye`, `dirac`, `xavier_uniform`, `xavier_normal`,
    `kaiming_uniform`, `kaiming_normal`, `orthogonal` and `sparse`, however they are reached:
    `nn.init.xavier_uniform(w)`, `init.normal(w)` after `from torch.nn import init`,
    `import torch.nn.init as I; I.constant(w, 0)`, or `from torch.nn.init import kaiming_normal`.
    Only names that really resolve to `torch.nn.init` through the file's imports are reported:
    `torch.normal` (a different, current function), `np.random.normal`, a local `normal()` helper
    and `init.normal` where `init` is some other module are not.

    ## Why is this bad?
    These names are deprecation shims: each call emits a warning (a `FutureWarning` in recent
    releases) and then calls the underscore version with the same arguments. They have been
    deprecated since PyTorch 0.4 and can disappear in any release, at which point the model fails
    to build. The trailing underscore is also PyTorch's convention for "modifies the tensor in
    place", which is what these functions do.

    ## Example
    ```python
    import torch.nn as nn

    nn.init.xavier_uniform(layer.weight)
    nn.init.constant(layer.bias, 0)
    ```

    ## Use instead
    ```python
    import torch.nn as nn

    nn.init.xavier_uniform_(layer.weight)
    nn.init.constant_(layer.bias, 0)
    ```

    ## Fix safety
    Safe: the deprecated function forwards its arguments unchanged to the underscore version, so
    the result is identical, minus the warning.

    - `nn.init.normal(...)` and other attribute forms: the attribute is renamed.
    - `from torch.nn.init import normal as N`: the imported name is renamed and the alias kept
      (`from torch.nn.init import normal_ as N`), so every use of `N` stays correct.
    - `from torch.nn.init import normal` at module level: the import and every use of `normal`
      in the file are renamed together, in one edit. When the name is also bound elsewhere in
      the file (a parameter, an assignment, another import, a local function called `normal`) a
      rename could change what those uses mean, so the diagnostic comes without a fix; add
      `_` to the import and to the uses that mean torch's function by hand.
    - A name reached through `from torch.nn.init import *` is renamed at the call site.

    ## References
    - [PyTorch docs: `torch.nn.init`](https://pytorch.org/docs/stable/nn.init.html)
    - [PyTorch 0.4.0 release notes: in-place init functions renamed with a trailing underscore](https://github.com/pytorch/pytorch/releases/tag/v0.4.0)
    """

    code = "INI203"
    name = "deprecated-init-name"
    summary = "Deprecated torch.nn.init name without the trailing underscore"
    severity = Severity.WARNING
    fix_safety = FixSafety.SAFE
    triggers = ("uniform", "normal", "constant", "eye", "dirac", "orthogonal", "sparse")

    # -- nn.init.normal / init.normal / I.normal ---------------------------------------------
    @classmethod
    def may_report(cls, words: FileWords) -> bool:
        """Every report is at an attribute, a name or an imported name in DEPRECATED_INIT_NAMES
        that resolves into torch.nn.init (`init_function`, the `from` module's `canonical`)."""
        return words.has_any(DEPRECATED_INIT_NAMES) and words.init_module()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        name = node.attr.value
        if name not in DEPRECATED_INIT_NAMES:
            return
        if self.context.init_function(node) != name or self._locally_rebound(node):
            return
        if self._patching_or_registry(node, name):
            return
        replacement = node.with_changes(attr=cst.Name(name + "_"))
        written = self.context.code_for(node)
        shown = self.context.code_for(replacement)
        self.report(
            node,
            f"`{written}` is {_WHY}; use `{shown}` (same arguments)",
            fix=self.make_fix(node, replacement, f"Rename to `{shown}`"),
        )

    def _patching_or_registry(self, node: cst.Attribute, name: str) -> bool:
        """Code that handles the deprecated function as an object on purpose.

        `nn.init.normal = no_op` patches it (e.g. to skip init while loading weights), and a
        table listing both `nn.init.normal` and `nn.init.normal_` enumerates every spelling so
        that all of them can be patched and restored; renaming either would break that.
        """
        previous: cst.CSTNode = node
        for ancestor in self.context.ancestors():
            if isinstance(ancestor, (cst.AssignTarget, cst.AugAssign)) and getattr(
                ancestor, "target", None
            ) is previous:
                return True
            if isinstance(ancestor, cst.Call):
                if ancestor.func is previous:
                    return False  # a call: real use
                return (
                    isinstance(ancestor.func, cst.Name)
                    and ancestor.func.value in {"setattr", "getattr", "hasattr", "delattr"}
                )
            if isinstance(ancestor, (cst.Dict, cst.List, cst.Tuple, cst.Set)):
                return self._lists_both_spellings(ancestor, name)
            if isinstance(ancestor, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
                return False
            previous = ancestor
        return False

    def _lists_both_spellings(self, container: cst.CSTNode, name: str) -> bool:
        values: list[cst.BaseExpression] = []
        if isinstance(container, cst.Dict):
            values = [e.value for e in container.elements if isinstance(e, cst.DictElement)]
        elif isinstance(container, (cst.List, cst.Tuple, cst.Set)):
            values = [e.value for e in container.elements]
        return any(self.context.init_function(v) == name + "_" for v in values)

    def _locally_rebound(self, node: cst.BaseExpression) -> bool:
        """A parameter of an enclosing function or lambda hides the module-level import."""
        parts = dotted_parts(node)
        if not parts:
            return False
        head = parts[0]
        for ancestor in self.context.ancestors():
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
                if any(p.name.value == head for p in declared_params(ancestor, with_stars=True)):
                    return True
        return False

    # -- names reached through `from torch.nn.init import *` -----------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Name) or func.value not in DEPRECATED_INIT_NAMES:
            return
        name = func.value
        if name in self.context.imports.bindings or self.context.init_function(func) != name:
            return  # explicit imports are reported at the import statement
        if self._locally_rebound(func):
            return
        replacement = cst.Name(name + "_")
        self.report(
            func,
            f"`{name}` (from `torch.nn.init import *`) is {_WHY}; use `{name}_` (same arguments)",
            fix=self.make_fix(func, replacement, f"Rename to `{name}_`"),
        )

    # -- from torch.nn.init import normal [as N] -----------------------------------------------
    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        module = dotted_name(node.module)
        if module is None or self.context.imports.canonical(module) != INIT_MODULE:
            return
        for alias in node.names:
            if not isinstance(alias.name, cst.Name) or alias.name.value not in DEPRECATED_INIT_NAMES:
                continue
            self._report_import(alias, module)

    def _report_import(self, alias: cst.ImportAlias, module: str) -> None:
        name = alias.name.value  # type: ignore[union-attr]
        new_alias = alias.with_changes(name=cst.Name(name + "_"))
        base = f"`{module}.{name}` is {_WHY}; import `{name}_` instead"
        if alias.asname is not None:
            local = self.context.code_for(alias.asname.name)
            self.report(
                alias,
                f"{base} (the fix keeps the alias `{local}`, so its uses need no change)",
                fix=self.make_fix(alias, new_alias, f"Import `{name}_ as {local}`"),
            )
            return
        renamed = self._rename_everywhere(alias, new_alias, name)
        if isinstance(renamed, str):
            self.report(alias, f"{base} and rename its uses (no automatic fix: {renamed})")
            return
        module_node, uses = renamed
        self.report(
            alias,
            f"{base} and rename its {uses} use{'s' if uses != 1 else ''} in this file",
            fix=self.make_fix(
                self.context.module,
                module_node,
                f"Import `{name}_` and rename {uses} use{'s' if uses != 1 else ''}",
            ),
        )

    def _rename_everywhere(
        self, alias: cst.ImportAlias, new_alias: cst.ImportAlias, name: str
    ) -> Union[tuple[cst.Module, int], str]:
        """The whole module with the import and all its uses renamed, or why that is ambiguous."""
        if self.context.nearest(cst.FunctionDef) or self.context.nearest(cst.ClassDef):
            return "the import is local to a function or class; rename it and its uses there"
        try:
            tree = ast.parse(self.context.source)
        except (SyntaxError, ValueError):
            return "the file does not parse with this Python's `ast`"
        if _bound_names(tree, name) != 1:
            return (
                f"`{name}` is also bound elsewhere in this file, so not every `{name}` may be "
                f"torch's"
            )
        if _bound_names(tree, name + "_") != 0:
            return f"`{name}_` is already bound in this file"
        if "__all__" in self.context.source:
            return f"this module has `__all__`, which may re-export `{name}`"
        finder = _LoadedNames(name)
        self.context.module.visit(finder)
        nodes: dict[int, cst.CSTNode] = {id(alias): new_alias}
        for use in finder.loads:
            nodes[id(use)] = cst.Name(name + "_")
        return self.context.module.visit(_Rename(nodes)), len(finder.loads)

    VALID = [
        Valid(
            """
            import torch.nn as nn

            def init_weights(m):
                nn.init.xavier_uniform_(m.weight)
                nn.init.normal_(m.bias, std=1e-6)
            """,
            reason="the current spellings",
        ),
        Valid(
            """
            import torch

            noise = torch.normal(0.0, 1.0, size=(4, 4))
            """,
            reason="torch.normal draws a new tensor; it is not torch.nn.init.normal",
        ),
        Valid(
            """
            import numpy as np
            import torch

            w = torch.from_numpy(np.random.normal(0.0, 0.02, (8, 8)))
            u = np.random.uniform(-1, 1, 8)
            """,
            reason="numpy's samplers",
        ),
        Valid(
            """
            import torch

            def normal(tensor, std):
                return tensor.normal_(0.0, std)

            w = torch.empty(3, 3)
            normal(w, 0.02)
            """,
            reason="a local helper that happens to be called normal",
        ),
        Valid(
            """
            import torch
            from mylib import init

            init.normal(torch.empty(3, 3))
            init.xavier_uniform(torch.empty(3, 3))
            """,
            reason="`init` is some other module here",
        ),
        Valid(
            """
            import torch
            import torch.distributions as D

            prior = D.normal.Normal(0.0, 1.0)
            d = torch.distributions.uniform.Uniform(0.0, 1.0)
            """,
            reason="torch.distributions modules called normal/uniform",
        ),
        Valid(
            """
            import torch
            from torch.nn import init

            def reset(layer, init):
                init.normal(layer.weight)
            """,
            reason="a parameter called init hides the imported module",
        ),
        Valid(
            """
            import torch.nn as nn

            _ALL_INIT_FNS = {
                "normal_": nn.init.normal_,
                "normal": nn.init.normal,
                "xavier_uniform_": nn.init.xavier_uniform_,
                "xavier_uniform": nn.init.xavier_uniform,
            }

            def skip_init():
                for fn_name in _ALL_INIT_FNS:
                    setattr(nn.init, fn_name, lambda *args, **kwargs: None)
            """,
            reason="a table of every spelling, kept to patch and restore them all",
        ),
        Valid(
            """
            import torch
            import torch.nn as nn

            def no_op(tensor, *args, **kwargs):
                return tensor

            torch.nn.init.kaiming_uniform = no_op
            """,
            reason="patching the deprecated name itself (to silence or skip it)",
        ),
        Valid(
            """
            import torch.nn as nn

            class Config:
                normal = 0.02
                uniform = True

            cfg = Config()
            std = cfg.normal if cfg.uniform else 1.0
            """,
            reason="attributes with those names on other objects",
        ),
    ]
    INVALID = [
        Invalid(
            """
            import torch.nn as nn

            def kaiming_init(module):
                nn.init.kaiming_normal(module.weight)

            class Encoder(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(4, 4)
                    kaiming_init(self.fc)  # runs at construction: gets the second definition

            def kaiming_init(module):
                nn.init.kaiming_normal_(module.weight)
            """,
            expected_fix="""
            import torch.nn as nn

            def kaiming_init(module):
                nn.init.kaiming_normal_(module.weight)

            class Encoder(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(4, 4)
                    kaiming_init(self.fc)  # runs at construction: gets the second definition

            def kaiming_init(module):
                nn.init.kaiming_normal_(module.weight)
            """,
            severity=Severity.INFO,
            message_contains="(latent: `kaiming_init` is defined again later in this module",
        ),
        Invalid(
            """
            import torch.nn as nn

            def kaiming_init(module):
                nn.init.kaiming_normal(module.weight)

            STEM = nn.Linear(4, 4)
            kaiming_init(STEM)  # runs at import, with this definition

            def kaiming_init(module):
                nn.init.kaiming_normal_(module.weight)
            """,
            expected_fix="""
            import torch.nn as nn

            def kaiming_init(module):
                nn.init.kaiming_normal_(module.weight)

            STEM = nn.Linear(4, 4)
            kaiming_init(STEM)  # runs at import, with this definition

            def kaiming_init(module):
                nn.init.kaiming_normal_(module.weight)
            """,
            line=5,
            severity=Severity.WARNING,
        ),
        Invalid(
            """
            import torch.nn as nn

            class Sampler(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.offset = nn.Conv2d(dim, 18, 3)

                def init_weights(self):
                    nn.init.xavier_uniform(self.offset.weight)
            """,
            expected_fix="""
            import torch.nn as nn

            class Sampler(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.offset = nn.Conv2d(dim, 18, 3)

                def init_weights(self):
                    nn.init.xavier_uniform_(self.offset.weight)
            """,
            line=10,
            severity=Severity.INFO,
            message_contains="latent: nothing in the project runs `Sampler.init_weights`",
        ),
        Invalid(
            """
            import torch.nn as nn
            from mmengine.model import BaseModule

            class Sampler(BaseModule):
                def __init__(self, dim):
                    super().__init__()
                    self.offset = nn.Conv2d(dim, 18, 3)

                def init_weights(self):
                    nn.init.xavier_uniform(self.offset.weight)
            """,
            expected_fix="""
            import torch.nn as nn
            from mmengine.model import BaseModule

            class Sampler(BaseModule):
                def __init__(self, dim):
                    super().__init__()
                    self.offset = nn.Conv2d(dim, 18, 3)

                def init_weights(self):
                    nn.init.xavier_uniform_(self.offset.weight)
            """,
            line=11,
            severity=Severity.WARNING,
        ),
        Invalid(
            """
            import torch.nn as nn

            class Block(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.proj = nn.Linear(dim, dim)

                def _init_respostnorm(self):
                    nn.init.xavier_uniform(self.proj.weight)
            """,
            expected_fix="""
            import torch.nn as nn

            class Block(nn.Module):
                def __init__(self, dim):
                    super().__init__()
                    self.proj = nn.Linear(dim, dim)

                def _init_respostnorm(self):
                    nn.init.xavier_uniform_(self.proj.weight)
            """,
            line=10,
            severity=Severity.INFO,
            message_contains="latent: nothing in the project runs `Block._init_respostnorm`",
        ),
        Invalid(
            """
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, nn.Linear):
                    nn.init.xavier_uniform(m.weight)
                    nn.init.constant(m.bias, 0)
            """,
            expected_fix="""
            import torch.nn as nn

            def init_weights(m):
                if isinstance(m, nn.Linear):
                    nn.init.xavier_uniform_(m.weight)
                    nn.init.constant_(m.bias, 0)
            """,
            line=6,
            count=2,
            message_contains="nn.init.xavier_uniform_",
        ),
        Invalid(
            """
            import torch
            from torch.nn import init

            w = torch.empty(16, 8)
            init.kaiming_normal(w, mode="fan_out")
            fn = torch.nn.init.orthogonal
            fn(w)
            """,
            expected_fix="""
            import torch
            from torch.nn import init

            w = torch.empty(16, 8)
            init.kaiming_normal_(w, mode="fan_out")
            fn = torch.nn.init.orthogonal_
            fn(w)
            """,
            count=2,
        ),
        Invalid(
            """
            import torch
            import torch.nn.init as I

            I.normal(torch.empty(2, 2), 0, 0.01)
            I.eye(torch.empty(2, 2))
            I.dirac(torch.empty(4, 4, 3, 3))
            I.sparse(torch.empty(4, 4), 0.1)
            I.uniform(torch.empty(2), -0.1, 0.1)
            I.xavier_normal(torch.empty(2, 2))
            I.kaiming_uniform(torch.empty(2, 2), a=0.1)
            """,
            expected_fix="""
            import torch
            import torch.nn.init as I

            I.normal_(torch.empty(2, 2), 0, 0.01)
            I.eye_(torch.empty(2, 2))
            I.dirac_(torch.empty(4, 4, 3, 3))
            I.sparse_(torch.empty(4, 4), 0.1)
            I.uniform_(torch.empty(2), -0.1, 0.1)
            I.xavier_normal_(torch.empty(2, 2))
            I.kaiming_uniform_(torch.empty(2, 2), a=0.1)
            """,
            count=7,
        ),
        Invalid(
            """
            import torch
            from torch.nn.init import xavier_uniform, constant

            def init_weights(m):
                xavier_uniform(m.weight)
                constant(m.bias, 0.0)

            def make(n):
                layer = torch.nn.Linear(n, n)
                init_weights(layer)
                return layer, xavier_uniform
            """,
            expected_fix="""
            import torch
            from torch.nn.init import xavier_uniform_, constant_

            def init_weights(m):
                xavier_uniform_(m.weight)
                constant_(m.bias, 0.0)

            def make(n):
                layer = torch.nn.Linear(n, n)
                init_weights(layer)
                return layer, xavier_uniform_
            """,
            line=3,
            count=2,
            message_contains="rename its 2 uses",
        ),
        Invalid(
            """
            import torch
            from torch.nn.init import kaiming_normal as he_init

            he_init(torch.empty(4, 4), nonlinearity="relu")
            """,
            expected_fix="""
            import torch
            from torch.nn.init import kaiming_normal_ as he_init

            he_init(torch.empty(4, 4), nonlinearity="relu")
            """,
            message_contains="keeps the alias `he_init`",
        ),
        Invalid(
            """
            import torch
            from torch.nn.init import normal

            def sample(normal):
                return normal + 1

            normal(torch.empty(2, 2))
            """,
            message_contains="no automatic fix: `normal` is also bound elsewhere",
        ),
        Invalid(
            """
            import torch

            def init_weights(m):
                from torch.nn.init import xavier_normal
                xavier_normal(m.weight)
            """,
            message_contains="local to a function",
        ),
        Invalid(
            """
            import torch
            from torch.nn.init import *

            w = torch.empty(3, 3)
            orthogonal(w)
            zeros_(torch.empty(3))
            """,
            expected_fix="""
            import torch
            from torch.nn.init import *

            w = torch.empty(3, 3)
            orthogonal_(w)
            zeros_(torch.empty(3))
            """,
            count=1,
        ),
        Invalid(
            """
            from transformers import initialization as init
            import torch.nn as nn

            def _init_weights(module):
                init.normal(module.weight, std=0.02)
            """,
            expected_fix="""
            from transformers import initialization as init
            import torch.nn as nn

            def _init_weights(module):
                init.normal_(module.weight, std=0.02)
            """,
        ),
    ]

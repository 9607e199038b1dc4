"""INI202/INI203 behaviours that one rule's own cases cannot show: fixes of several rules together."""

from __future__ import annotations

import ast
import textwrap

from initlint.engine.linter import LintOptions, lint_bytes
from initlint.rules.registry import select_rules


def _fix(code: str, *selectors: str, unsafe: bool = False) -> str:
    options = LintOptions(rules=select_rules(selectors), fix=True, unsafe_fixes=unsafe)
    result = lint_bytes(textwrap.dedent(code).encode(), "example.py", options)
    assert not result.errors, result.errors
    return (result.fixed_source or textwrap.dedent(code).encode()).decode()


def test_whole_file_rename_and_other_fixes_converge() -> None:
    """INI203's whole-file edit overlaps every other fix; they must all land, in later rounds."""
    code = """
        import torch.nn as nn
        from torch.nn.init import xavier_uniform, constant

        def init_weights(m):
            if type(m) == nn.Linear:
                xavier_uniform(m.weight)
                constant(m.bias, 0.0)
            nn.init.normal(m.weight, std=0.02)
    """
    fixed = _fix(code, "INI201", "INI203")
    assert fixed == textwrap.dedent(
        """
        import torch.nn as nn
        from torch.nn.init import xavier_uniform_, constant_

        def init_weights(m):
            if isinstance(m, nn.Linear):
                xavier_uniform_(m.weight)
                constant_(m.bias, 0.0)
            nn.init.normal_(m.weight, std=0.02)
        """
    )
    ast.parse(fixed)
    assert _fix(fixed, "INI201", "INI203") == fixed


def test_noqa_on_a_use_keeps_the_file_consistent() -> None:
    """The import-level diagnostic carries the whole rename: a noqa'd import changes nothing."""
    code = """
        import torch
        from torch.nn.init import normal  # noqa: INI203

        def init_weights(m):
            normal(m.weight)
    """
    assert _fix(code, "INI203") == textwrap.dedent(code)


def test_class_name_fix_needs_unsafe_and_leaves_substring_tests_alone() -> None:
    code = """
        import torch.nn as nn

        def weights_init(m):
            classname = m.__class__.__name__
            if classname.find('Conv') != -1:
                nn.init.normal_(m.weight, 0.0, 0.02)
            elif classname == 'Linear':
                nn.init.normal_(m.weight, 0.0, 0.02)
    """
    assert _fix(code, "INI202") == textwrap.dedent(code)
    fixed = _fix(code, "INI202", unsafe=True)
    assert "classname.find('Conv') != -1" in fixed
    assert "elif isinstance(m, nn.Linear):" in fixed
    ast.parse(fixed)

"""The language server's edits, checked against every rule's own examples: a fix applied as a
text edit gives exactly the file `--fix` writes, and "disable for this line" silences it."""

from __future__ import annotations

import textwrap

import pytest

from initlint.engine.edits import apply_edits
from initlint.engine.linter import LintOptions, lint_bytes
from initlint.rules.registry import all_rules
from initlint.server.documents import fix_edits, noqa_edit


def _cases():
    for rule in all_rules():
        for index, case in enumerate(rule.INVALID):
            yield pytest.param(rule, case, id=f"{rule.code}-{index}")


@pytest.mark.parametrize(("rule", "case"), list(_cases()))
def test_edits_match_the_engine(rule, case) -> None:
    code = textwrap.dedent(case.code)
    options = LintOptions(rules=(rule,), unsafe_fixes=case.unsafe)
    found = [d for d in lint_bytes(code.encode(), "example.py", options).diagnostics if d.code == rule.code]
    first = found[0]
    silenced = apply_edits(code, [noqa_edit(first, code)])
    after = lint_bytes(silenced.encode(), "example.py", options).diagnostics
    assert not [d for d in after if d.code == rule.code and d.location.row == first.location.row]
    fixable = [d for d in found if d.fix is not None]
    if case.expected_fix is None or len(fixable) != 1:
        return
    edits = fix_edits(fixable[0], code)
    assert edits is not None
    assert apply_edits(code, edits) == textwrap.dedent(case.expected_fix)

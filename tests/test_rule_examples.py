"""Every rule's own VALID and INVALID cases, run through the real engine."""

from __future__ import annotations

import ast
import textwrap

import pytest

from initlint.diagnostics import Diagnostic
from initlint.engine.linter import LintOptions, lint_bytes
from initlint.rules.base import Invalid, Rule, Valid
from initlint.rules.registry import all_rules


def _cases(kind: str) -> list:
    params = []
    for rule in all_rules():
        for index, case in enumerate(getattr(rule, kind)):
            params.append(pytest.param(rule, case, id=f"{rule.code}-{kind.lower()}-{index}"))
    return params


def _lint(rule: type[Rule], code: str, *, fix: bool = False, unsafe: bool = False):
    options = LintOptions(rules=(rule,), fix=fix, unsafe_fixes=unsafe)
    return lint_bytes(code.encode(), "example.py", options)


def _own(diagnostics: list[Diagnostic], rule: type[Rule]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.code == rule.code]


def test_every_rule_has_cases_both_ways() -> None:
    for rule in all_rules():
        assert rule.VALID, f"{rule.code} has no VALID examples"
        assert rule.INVALID, f"{rule.code} has no INVALID examples"
        if rule.fix_safety is not None:
            assert any(c.expected_fix for c in rule.INVALID), f"{rule.code}: no fix example"


@pytest.mark.parametrize(("rule", "case"), _cases("VALID"))
def test_valid_examples_stay_quiet(rule: type[Rule], case: Valid) -> None:
    result = _lint(rule, textwrap.dedent(case.code))
    assert not result.errors, result.errors
    assert _own(result.diagnostics, rule) == []


@pytest.mark.parametrize(("rule", "case"), _cases("INVALID"))
def test_invalid_examples_trigger(rule: type[Rule], case: Invalid) -> None:
    code = textwrap.dedent(case.code)
    result = _lint(rule, code)
    assert not result.errors, result.errors
    found = _own(result.diagnostics, rule)
    assert found, f"{rule.code} did not trigger on:\n{code}"
    if case.count is not None:
        assert len(found) == case.count
    first = found[0]
    if case.line is not None:
        assert any(d.location.row == case.line for d in found), [d.location for d in found]
    if case.message_contains is not None:
        assert any(case.message_contains in d.message for d in found), [d.message for d in found]
    if case.severity is not None:
        assert first.severity is case.severity, first


@pytest.mark.parametrize(
    ("rule", "case"), [p for p in _cases("INVALID") if p.values[1].expected_fix is not None]
)
def test_fixes_exact_idempotent_and_parse(rule: type[Rule], case: Invalid) -> None:
    code = textwrap.dedent(case.code)
    expected = textwrap.dedent(case.expected_fix or "")
    if case.unsafe:
        safe_only = _lint(rule, code, fix=True)
        assert safe_only.fixed_source is None, "an unsafe fix was applied without --unsafe-fixes"
    fixed = _lint(rule, code, fix=True, unsafe=case.unsafe)
    assert fixed.fixed_source is not None
    output = fixed.fixed_source.decode()
    assert output == expected
    ast.parse(output)
    again = _lint(rule, output, fix=True, unsafe=case.unsafe)
    assert again.fixed_source is None, "second --fix changed the file again"

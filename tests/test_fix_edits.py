"""JSON `fix.edits` are what `--fix` does: a tool that applies them as ruff-style edits (editors,
review bots) gets the `--fix` output byte for byte, for every fix of every rule.

The edits are applied here by an applier written from ruff's conventions alone (1-based rows and
character columns, end exclusive, edits sorted, a fix overlapping or touching an earlier one
waits for the next pass, then lint again), not by initlint's own code.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from initlint.engine.linter import LintOptions
from initlint.rules.registry import all_rules


def _fix_cases() -> list:
    params = []
    for rule in all_rules():
        for index, case in enumerate(rule.INVALID):
            if case.expected_fix is not None:
                params.append(pytest.param(rule, case, id=f"{rule.code}-{index}"))
    return params


def _offset(lines: list[str], location: dict) -> int:
    return sum(len(line) for line in lines[: location["row"] - 1]) + location["column"] - 1


def apply_ruff_style(text: str, diagnostics: list[dict]) -> str:
    """One pass of a ruff-style fixer over JSON diagnostics."""
    # rows end at \n, \r\n or \r only (str.splitlines also breaks at \f, \v, \x1c...)
    lines = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)
    fixes = []
    for diagnostic in diagnostics:
        if diagnostic["fix"] is None:
            continue
        spans = [
            (_offset(lines, e["location"]), _offset(lines, e["end_location"]), e["content"])
            for e in diagnostic["fix"]["edits"]
        ]
        fixes.append(sorted(spans))
    fixes.sort()
    chosen, last_end = [], -1
    for spans in fixes:
        if spans[0][0] <= last_end:
            continue
        chosen.extend(spans)
        last_end = max(end for _, end, _ in spans)
    for start, end, content in sorted(chosen, reverse=True):
        text = text[:start] + content + text[end:]
    return text


def _json(run, name: str) -> list[dict]:
    result = run(name, "--output-format", "json", "--exit-zero")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(("rule", "case"), _fix_cases())
def test_applying_json_edits_reproduces_fix(rule, case, run, write, tmp_path: Path) -> None:
    source = textwrap.dedent(case.code)
    path = write("example.py", source)
    text = source
    applicable = {"safe", "unsafe"} if case.unsafe else {"safe"}
    for _ in range(10):  # as --fix does: apply, lint again, until nothing is left to apply
        path.write_text(text, newline="")
        diagnostics = [
            d for d in _json(run, "example.py") if d["fix"] and d["fix"]["applicability"] in applicable
        ]
        after = apply_ruff_style(text, diagnostics)
        if after == text:
            break
        text = after
    path.write_text(source, newline="")
    args = ["example.py", "--fix", "--exit-zero"] + (["--unsafe-fixes"] if case.unsafe else [])
    assert run(*args).exit_code == 0
    assert text == path.read_bytes().decode()


@pytest.mark.parametrize(("rule", "case"), _fix_cases())
def test_edits_match_libcst_regenerating_the_module(rule, case) -> None:
    """Rendering the replacement where the node stands gives the same text as libcst's codegen
    of the whole module with the node replaced (for files libcst round-trips exactly)."""
    from initlint.engine import edits, linter

    source = textwrap.dedent(case.code)
    module = cst.parse_module(source)
    assert module.code == source
    options = LintOptions(rules=(rule,), fix=False, unsafe_fixes=True)
    file_linter = linter._FileLinter("example.py", options, None)
    _, diagnostics, reports = file_linter.lint_text(source, module)
    checked = 0
    for diagnostic, report in zip(diagnostics, reports):
        if report.fix is None:
            continue
        assert diagnostic.fix is not None and diagnostic.fix.edits

        class Replace(cst.CSTTransformer):
            def on_leave(self, original_node, updated_node):
                return report.fix.replacement if original_node is report.fix.node else updated_node

        expected = module.visit(Replace()).code
        assert edits.apply_edits(source, diagnostic.fix.edits) == expected
        checked += 1
    assert checked


def test_wrap_edit_is_indented_to_its_column_and_keeps_one_newline(run, write) -> None:
    """The audit's case: the wrap-in-`if` edit's content was not indented and ended with a
    newline before the original one."""
    source = (
        "import torch.nn as nn\n\n\ndef init_weights(m):\n    if isinstance(m, nn.Linear):\n"
        "        nn.init.zeros_(m.bias)\n"
    )
    write("model.py", source)
    (diagnostic,) = _json(run, "model.py")
    assert diagnostic["code"] == "INI002"
    assert diagnostic["fix"]["edits"] == [
        {
            "content": "if m.bias is not None:\n            ",
            "end_location": {"column": 9, "row": 6},
            "location": {"column": 9, "row": 6},
        }
    ]
    assert apply_ruff_style(source, [diagnostic]) == source.replace(
        "        nn.init.zeros_", "        if m.bias is not None:\n            nn.init.zeros_"
    )


def test_edits_in_a_file_libcst_does_not_round_trip(run, write) -> None:
    """A form feed at the start of a top-level line is dropped by libcst's codegen: positions
    and edits still refer to the file's real text."""
    source = (
        "import torch.nn as nn\n\x0c\n\x0cdef init_weights(m):\n    if isinstance(m, nn.Linear):\n"
        "        nn.init.zeros_(m.bias)\n"
    )
    path = write("model.py", source)
    (diagnostic,) = _json(run, "model.py")
    assert (diagnostic["location"]["row"], diagnostic["location"]["column"]) == (5, 9)
    fixed = apply_ruff_style(source, [diagnostic])
    assert run("model.py", "--fix").exit_code == 0
    assert path.read_bytes().decode() == fixed
    assert fixed == source.replace(
        "        nn.init.zeros_", "        if m.bias is not None:\n            nn.init.zeros_"
    )

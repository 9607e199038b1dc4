"""Every output format, checked for exact structure; SARIF against the official 2.1.0 schema."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import RISKY

from initlint import __version__
from initlint.diagnostics import Diagnostic, Location, Severity
from initlint.output import RunReport, render
from initlint.output.github import escape_data, escape_property


def test_concise(run, write) -> None:
    write("model.py", RISKY)
    result = run("model.py", "--output-format", "concise")
    assert result.stdout == (
        "model.py:5:8: INI201 [*] `type(m) == nn.Linear` skips subclasses of the layer: "
        "`TiedLinear(nn.Linear)` built in model.py:16 reaches here and is skipped; use `isinstance(m, nn.Linear)`\n"
        "Found 1 diagnostic (1 warning).\n"
        "[*] 1 fixable with the `--fix` option.\n"
    )


def test_full_shows_source_context_and_help(run, write) -> None:
    write("model.py", RISKY)
    result = run("model.py")
    assert result.stdout.splitlines()[:8] == [
        "model.py:5:8: INI201 [*] `type(m) == nn.Linear` skips subclasses of the layer: "
        "`TiedLinear(nn.Linear)` built in model.py:16 reaches here and is skipped; use `isinstance(m, nn.Linear)`",
        "  |",
        "4 | def init_weights(m):",
        "5 |     if type(m) == nn.Linear:",
        "  |        ^^^^^^^^^^^^^^^^^^^^ INI201 (warning)",
        "6 |         nn.init.xavier_uniform_(m.weight)",
        "  |",
        "  = help: Replace with `isinstance(m, nn.Linear)`",
    ]


def test_json_uses_ruff_field_names(run, write, tmp_path: Path) -> None:
    write("model.py", RISKY)
    result = run("model.py", "--output-format", "json")
    data = json.loads(result.stdout)
    assert data == [
        {
            "cell": None,
            "code": "INI201",
            "end_location": {"column": 28, "row": 5},
            "filename": str((tmp_path / "model.py").resolve()),
            "fix": {
                "applicability": "safe",
                "edits": [
                    {
                        "content": "isinstance(m, nn.Linear)",
                        "end_location": {"column": 28, "row": 5},
                        "location": {"column": 8, "row": 5},
                    }
                ],
                "message": "Replace with `isinstance(m, nn.Linear)`",
            },
            "location": {"column": 8, "row": 5},
            "message": data[0]["message"],
            "name": "type-comparison-in-init",
            "noqa_row": 5,
            "severity": "warning",
            "url": None,
        }
    ]
    assert data[0]["message"].startswith("`type(m) == nn.Linear` skips subclasses")


def test_json_empty_is_empty_list(run, write) -> None:
    write("model.py", "x = 1\n")
    assert json.loads(run("model.py", "--output-format", "json").stdout) == []


def test_github_annotations(run, write) -> None:
    write("model.py", RISKY)
    line = run("model.py", "--output-format", "github").stdout
    assert line == (
        "::warning title=initlint (INI201),file=model.py,line=5,col=8,endLine=5,endColumn=28::"
        "INI201 `type(m) == nn.Linear` skips subclasses of the layer: "
        "`TiedLinear(nn.Linear)` built in model.py:16 reaches here and is skipped; use `isinstance(m, nn.Linear)`\n"
    )


def test_github_escaping() -> None:
    assert escape_data("50% a\nb\rc") == "50%25 a%0Ab%0Dc"
    assert escape_property("dir,with:odd%\n") == "dir%2Cwith%3Aodd%25%0A"
    report = RunReport(
        diagnostics=[
            Diagnostic(
                "we,ird:name.py", "INI101", "constant-weight-init", "line one\nline two: 100%",
                Severity.ERROR, Location(1, 1), Location(1, 2),
            )
        ],
        errors=[],
    )
    assert render("github", report) == (
        "::error title=initlint (INI101),file=we%2Cird%3Aname.py,line=1,col=1,endLine=1,"
        "endColumn=2::INI101 line one%0Aline two: 100%25\n"
    )


def test_sarif_is_valid_and_github_ready(run, write, sarif_validator, tmp_path: Path) -> None:
    write("src/pkg/model.py", RISKY)
    write("src/pkg/broken.py", "import torch.nn as nn\nif type(m) == nn.Linear\n")
    result = run("src", "--output-format", "sarif")
    log = json.loads(result.stdout)
    errors = sorted(sarif_validator.iter_errors(log), key=str)
    assert not errors, errors[0]
    assert log["version"] == "2.1.0"
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "initlint" and driver["version"] == __version__
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == sorted(ids) and "INI201" in ids
    for rule in driver["rules"]:  # GitHub shows these in the alert page
        assert rule["shortDescription"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
    (result_,) = run_["results"]
    assert result_["ruleId"] == "INI201"
    assert driver["rules"][result_["ruleIndex"]]["id"] == "INI201"
    assert result_["level"] == "warning"
    location = result_["locations"][0]["physicalLocation"]
    # GitHub needs repo-relative URIs to place alerts.
    assert location["artifactLocation"] == {"uri": "src/pkg/model.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 5, "startColumn": 8, "endLine": 5, "endColumn": 28}
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    assert run_["columnKind"] == "unicodeCodePoints"
    (notification,) = run_["invocations"][0]["toolExecutionNotifications"]
    assert notification["message"]["text"].startswith("syntax error")
    assert run_["invocations"][0]["executionSuccessful"] is False


def test_sarif_schema_rejects_a_broken_log(sarif_validator) -> None:
    """The validator is real: a result without a message is not SARIF."""
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{}]}]}
    assert list(sarif_validator.iter_errors(log))


def test_sarif_clean_run_is_valid(run, write, sarif_validator) -> None:
    write("model.py", "x = 1\n")
    log = json.loads(run("model.py", "--output-format", "sarif").stdout)
    assert not list(sarif_validator.iter_errors(log))
    assert log["runs"][0]["results"] == []

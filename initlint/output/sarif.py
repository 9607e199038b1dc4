"""SARIF 2.1.0 for GitHub code scanning: rules metadata and repo-relative URIs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from initlint import __version__
from initlint.diagnostics import Severity
from initlint.output.report import RunReport

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _relative_uri(path: str, root: Path) -> str:
    absolute = Path(path).absolute()
    try:
        relative = absolute.relative_to(root.absolute()).as_posix()
    except ValueError:
        return absolute.as_uri()
    return quote(relative)


def render(report: RunReport) -> str:
    rules = sorted(report.rules, key=lambda r: r.code)
    index = {rule.code: i for i, rule in enumerate(rules)}
    driver: dict[str, Any] = {
        "name": "initlint",
        "version": __version__,
        "semanticVersion": __version__,
        "rules": [
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.summary},
                "help": {"text": rule.documentation, "markdown": rule.documentation},
                "defaultConfiguration": {"level": _LEVEL[rule.severity]},
                "properties": {"tags": ["initialization", "pytorch"], "fixable": rule.fixable},
            }
            for rule in rules
        ],
    }
    results = []
    for d in report.diagnostics:
        result: dict[str, Any] = {
            "ruleId": d.code,
            "level": _LEVEL[d.severity],
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": _relative_uri(d.path, report.root),
                            "uriBaseId": "%SRCROOT%",
                        },
                        "region": {
                            "startLine": d.location.row,
                            "startColumn": d.location.column,
                            "endLine": d.end_location.row,
                            "endColumn": d.end_location.column,
                        },
                    }
                }
            ],
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        results.append(result)
    notifications = [
        {
            "level": "error",
            "message": {"text": error.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": _relative_uri(error.path, report.root),
                            "uriBaseId": "%SRCROOT%",
                        }
                    }
                }
            ],
        }
        for error in report.errors
    ]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "originalUriBaseIds": {
                    "%SRCROOT%": {"uri": report.root.absolute().as_uri().rstrip("/") + "/"}
                },
                "columnKind": "unicodeCodePoints",
                "invocations": [
                    {
                        "executionSuccessful": not report.errors,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"

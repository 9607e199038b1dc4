"""SARIF 2.1.0 for GitHub code scanning: rules metadata, repo-relative URIs, fingerprints.

Code scanning tracks an alert across commits by `partialFingerprints`; ours hash the rule, the
file, the notebook cell, the diagnostic's source line with whitespace removed and which
occurrence of that line it is, so an alert survives edits elsewhere in the file (lines moving)
and closes when its own line is fixed.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

from initlint import __version__
from initlint.diagnostics import Diagnostic, Severity
from initlint.output.report import RunReport

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "initlintLineHash/v1"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def repository_root(start: Path) -> Path:
    """The git work tree holding `start` (URIs relative to it are what GitHub resolves), else
    `start` itself."""
    start = start.absolute()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


def _fingerprints(report: RunReport, uris: list[str]) -> list[str]:
    seen: Counter = Counter()
    out: list[str] = []
    for d, uri in zip(report.diagnostics, uris):
        lines = report.source_lines(d.path, d.cell)
        row = d.location.row
        text = lines[row - 1] if lines and 0 < row <= len(lines) else d.message
        key = (d.code, uri, d.cell, "".join(text.split()))
        seen[key] += 1
        digest = hashlib.blake2b(repr((key, seen[key])).encode(), digest_size=16).hexdigest()
        out.append(f"{digest}:{seen[key]}")
    return out


def _cell_location(d: Diagnostic, uri: str) -> Optional[list[dict[str, str]]]:
    if d.cell is None:
        return None
    return [{"name": f"cell {d.cell}", "fullyQualifiedName": f"{uri}:cell {d.cell}",
             "kind": "notebookCell"}]


def _relative_uri(path: str, root: Path) -> str:
    absolute = Path(path).absolute()
    try:
        relative = absolute.relative_to(root.absolute()).as_posix()
    except ValueError:
        return absolute.as_uri()
    return quote(relative)


def render(report: RunReport) -> str:
    root = repository_root(report.root)
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
                **({"helpUri": rule.url} if rule.url else {}),
                "defaultConfiguration": {"level": _LEVEL[rule.severity]},
                "properties": {"tags": ["initialization", "pytorch"], "fixable": rule.fixable},
            }
            for rule in rules
        ],
    }
    results = []
    uris = [_relative_uri(d.path, root) for d in report.diagnostics]
    for d, uri, fingerprint in zip(report.diagnostics, uris, _fingerprints(report, uris)):
        result: dict[str, Any] = {
            "ruleId": d.code,
            "level": _LEVEL[d.severity],
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": uri,
                            "uriBaseId": "%SRCROOT%",
                        },
                        # In a notebook: lines and columns within the cell (logicalLocations).
                        "region": {
                            "startLine": d.location.row,
                            "startColumn": d.location.column,
                            "endLine": d.end_location.row,
                            "endColumn": d.end_location.column,
                        },
                    }
                }
            ],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        }
        logical = _cell_location(d, uri)
        if logical is not None:
            result["locations"][0]["logicalLocations"] = logical
            result["properties"] = {"cell": d.cell}
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
                            "uri": _relative_uri(error.path, root),
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
                    "%SRCROOT%": {"uri": root.as_uri().rstrip("/") + "/"}
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

"""JSON: a list of diagnostics with ruff's field names, plus `name` and `severity`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from initlint.diagnostics import Diagnostic, Location
from initlint.output.report import RunReport


def _location(location: Location) -> dict[str, int]:
    return {"column": location.column, "row": location.row}


def diagnostic_to_json(diagnostic: Diagnostic) -> dict[str, Any]:
    fix = None
    if diagnostic.fix is not None:
        fix = {
            "applicability": diagnostic.fix.safety.value,
            "edits": [
                {
                    "content": edit.content,
                    "end_location": _location(edit.end_location),
                    "location": _location(edit.location),
                }
                for edit in diagnostic.fix.edits
            ],
            "message": diagnostic.fix.message,
        }
    filename = diagnostic.path if diagnostic.path == "-" else str(Path(diagnostic.path).absolute())
    return {
        "cell": diagnostic.cell,
        "code": diagnostic.code,
        "end_location": _location(diagnostic.end_location),
        "filename": filename,
        "fix": fix,
        "location": _location(diagnostic.location),
        "message": diagnostic.message,
        "name": diagnostic.name,
        "noqa_row": diagnostic.noqa_row,
        "severity": diagnostic.severity.value,
        "url": None,
    }


def render(report: RunReport) -> str:
    return json.dumps([diagnostic_to_json(d) for d in report.diagnostics], indent=2) + "\n"

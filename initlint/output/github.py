"""GitHub Actions workflow commands: annotations on the pull request's diff."""

from __future__ import annotations

from initlint.diagnostics import Severity
from initlint.output.report import RunReport

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(report: RunReport) -> str:
    lines = []
    for d in report.diagnostics:
        position: tuple[tuple[str, object], ...] = (
            ("line", d.location.row),
            ("col", d.location.column),
            ("endLine", d.end_location.row),
            ("endColumn", d.end_location.column),
        )
        title = f"initlint ({d.code})"
        if d.cell is not None:
            # Lines of a notebook's JSON are not the cell's lines: name the cell instead.
            position = ()
            title = f"initlint ({d.code}) at cell {d.cell}, line {d.location.row}, column {d.location.column}"
        properties = ",".join(
            f"{key}={escape_property(str(value))}"
            for key, value in (("title", title), ("file", d.path), *position)
        )
        lines.append(f"::{_LEVEL[d.severity]} {properties}::{escape_data(f'{d.code} {d.message}')}")
    for error in report.errors:
        location = ""
        if error.location is not None:
            location = f",line={error.location.row},col={error.location.column}"
        lines.append(
            f"::error title=initlint,file={escape_property(error.path)}{location}::"
            f"{escape_data(error.message)}"
        )
    return "\n".join(lines) + ("\n" if lines else "")

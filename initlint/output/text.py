"""The human formats: `full` (with source context, like ruff) and `concise` (one line each)."""

from __future__ import annotations

from collections import Counter

from initlint.diagnostics import Diagnostic, FixSafety, Severity
from initlint.output.report import RunReport


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"{count} {word}"
    return f"{count} {word}es" if word.endswith(("x", "s")) else f"{count} {word}s"


def header(diagnostic: Diagnostic, unsafe_visible: bool = False) -> str:
    fixable = diagnostic.fix is not None and (
        diagnostic.fix.safety is FixSafety.SAFE or unsafe_visible
    )
    mark = "[*] " if fixable else ""
    return f"{diagnostic.where}: {diagnostic.code} {mark}{diagnostic.message}"


def _gutter_width(diagnostic: Diagnostic, lines: list[str]) -> int:
    return len(str(min(len(lines), diagnostic.end_location.row + 1)))


def _snippet(diagnostic: Diagnostic, lines: list[str]) -> list[str]:
    row = diagnostic.location.row
    first, last = max(1, row - 1), min(len(lines), diagnostic.end_location.row + 1)
    width = _gutter_width(diagnostic, lines)
    gutter = " " * width
    out = [f"{gutter} |"]
    for number in range(first, last + 1):
        text = lines[number - 1].replace("\t", "    ") if number - 1 < len(lines) else ""
        out.append(f"{number:>{width}} | {text}".rstrip())
        if number == row:
            raw = lines[number - 1] if number - 1 < len(lines) else ""
            start = len(raw[: diagnostic.location.column - 1].replace("\t", "    "))
            if diagnostic.end_location.row == row:
                end = len(raw[: diagnostic.end_location.column - 1].replace("\t", "    "))
            else:
                end = len(raw.replace("\t", "    "))
            carets = "^" * max(1, end - start)
            label = f"{diagnostic.code} ({diagnostic.severity.value})"
            out.append(f"{gutter} | {' ' * start}{carets} {label}")
    out.append(f"{gutter} |")
    return out


def summary(report: RunReport) -> list[str]:
    remaining = len(report.diagnostics)
    fixed = len(report.fixed)
    lines: list[str] = []
    if remaining == 0 and fixed == 0:
        return [] if report.errors else ["All checks passed!"]
    counts = Counter(d.severity for d in report.diagnostics)
    by_severity = ", ".join(
        _plural(counts[s], s.value) if s is not Severity.INFO else f"{counts[s]} info"
        for s in Severity
        if counts[s]
    )
    if fixed:
        lines.append(f"Found {_plural(fixed + remaining, 'diagnostic')} ({fixed} fixed, {remaining} remaining).")
    else:
        lines.append(f"Found {_plural(remaining, 'diagnostic')} ({by_severity}).")
    if remaining and fixed and by_severity:
        lines.append(f"Remaining: {by_severity}.")
    if report.fixable > 0:
        fix_line = f"[*] {report.fixable} fixable with the `--fix` option"
        if report.hidden_unsafe_fixes:
            fix_line += (
                f" ({_plural(report.hidden_unsafe_fixes, 'hidden fix')} can be enabled with the "
                "`--unsafe-fixes` option)"
            )
        lines.append(fix_line + ".")
    elif report.hidden_unsafe_fixes:
        lines.append(
            f"No fixes available ({_plural(report.hidden_unsafe_fixes, 'hidden fix')} can be "
            "enabled with the `--unsafe-fixes` option)."
        )
    return lines


def _join(lines: list[str]) -> str:
    return "\n".join(lines) + "\n" if lines else ""


def render_concise(report: RunReport) -> str:
    unsafe_visible = report.hidden_unsafe_fixes == 0
    lines = [header(d, unsafe_visible) for d in report.diagnostics]
    return _join(lines + summary(report))


def render_full(report: RunReport) -> str:
    unsafe_visible = report.hidden_unsafe_fixes == 0
    out: list[str] = []
    for diagnostic in report.diagnostics:
        out.append(header(diagnostic, unsafe_visible))
        lines = report.source_lines(diagnostic.path, diagnostic.cell)
        indent = 1
        if lines:
            out.extend(_snippet(diagnostic, lines))
            indent = _gutter_width(diagnostic, lines) + 1
        if diagnostic.fix is not None:
            tag = "" if diagnostic.fix.safety is FixSafety.SAFE else " (unsafe)"
            out.append(f"{' ' * indent}= help: {diagnostic.fix.message}{tag}")
        out.append("")
    return _join(out + summary(report))

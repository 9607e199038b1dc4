"""Reports: what the verifier found, as a terminal table or JSON (torch-free).

JSON shape (documented in docs/verifier.md):
``{"version", "fail_on", "ok", "models": [{"target", "ok", "findings", "parameters", "propagation",
"skipped", "error", "info"}]}``.
"""

from __future__ import annotations

import json
import re
import statistics
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from .findings import SEVERITY_RANK, Finding

DEFAULT_FAIL_ON = "warning"


def _version() -> str:
    from initlint import __version__

    return __version__


def natural_key(name: str) -> List[Any]:
    """Sort key that orders layers.2 before layers.10 (re.split alternates text and digits, so
    positions always compare str with str and int with int)."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


@dataclass
class ModelReport:
    """The verdict on one model. ``ok`` is False when it errored or has a finding at ``fail_on``."""

    target: str
    findings: List[Finding] = field(default_factory=list)
    parameters: List[Dict[str, Any]] = field(default_factory=list)
    propagation: Optional[Dict[str, Any]] = None
    error: Optional[str] = None
    skipped: Optional[str] = None
    info: Dict[str, Any] = field(default_factory=dict)
    fail_on: str = DEFAULT_FAIL_ON

    def __post_init__(self) -> None:
        self.findings.sort(key=lambda f: (-f.rank, f.code, natural_key(f.target)))

    @property
    def ok(self) -> bool:
        if self.error is not None:
            return False
        threshold = SEVERITY_RANK[self.fail_on]
        return not any(f.rank >= threshold for f in self.findings)

    def codes(self, min_severity: str = "info") -> List[str]:
        """Sorted distinct finding codes at or above a severity (handy in tests)."""
        floor = SEVERITY_RANK[min_severity]
        return sorted({f.code for f in self.findings if f.rank >= floor})

    def to_dict(self) -> Dict[str, Any]:
        return {
            "target": self.target,
            "ok": self.ok,
            "findings": [f.to_dict() for f in self.findings],
            "parameters": self.parameters,
            "propagation": self.propagation,
            "skipped": self.skipped,
            "error": self.error,
            "info": self.info,
        }

    def to_json(self, indent: Optional[int] = 2) -> str:
        return RunReport([self], fail_on=self.fail_on).to_json(indent)

    def summary(self, max_findings: int = 50) -> str:
        return render_model(self, max_findings=max_findings)


@dataclass
class RunReport:
    """Several models verified in one run (the CLI's unit)."""

    models: List[ModelReport]
    fail_on: str = DEFAULT_FAIL_ON

    @property
    def ok(self) -> bool:
        return all(m.ok for m in self.models)

    @property
    def findings(self) -> List[Finding]:
        return [f for m in self.models for f in m.findings]

    def to_dict(self) -> Dict[str, Any]:
        return {"version": _version(), "fail_on": self.fail_on, "ok": self.ok,
                "models": [m.to_dict() for m in self.models]}

    def to_json(self, indent: Optional[int] = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    def summary(self) -> str:
        return "\n\n".join(m.summary() for m in self.models)


def _table(rows: List[List[str]], header: List[str]) -> List[str]:
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    fmt = "  ".join("{:<%d}" % w for w in widths)
    lines = [fmt.format(*header).rstrip(), fmt.format(*["-" * w for w in widths]).rstrip()]
    lines += [fmt.format(*[str(c) for c in r]).rstrip() for r in rows]
    return lines


def _num(x: Optional[float]) -> str:
    return "-" if x is None else f"{x:.3g}"


def layer_kind_summary(parameters: List[Dict[str, Any]]) -> List[List[str]]:
    """Per layer kind: tensors, elements, median input-side gain, median std."""
    groups: Dict[str, List[Dict[str, Any]]] = {}
    for row in parameters:
        groups.setdefault(f"{row['layer_kind']} ({row['role']})", []).append(row)
    out = []
    for key, rows in sorted(groups.items(), key=lambda kv: -sum(r["numel"] for r in kv[1])):
        gains = [r["gain_in"] for r in rows if r.get("gain_in") is not None]
        stds = [r["std"] for r in rows if r.get("std") is not None]
        out.append([key, str(len(rows)), f"{sum(r['numel'] for r in rows):,}",
                    _num(statistics.median(stds)) if stds else "-",
                    _num(statistics.median(gains)) if gains else "-"])
    return out


def _finding_rows(findings: List[Finding], max_rows: int, per_code: int = 3) -> "tuple[List[List[str]], int]":
    """Worst first; after ``per_code`` rows of one code, one summary row says how many more."""
    rows: List[List[str]] = []
    shown: Dict[str, int] = {}
    extra: Dict[str, List[Finding]] = {}
    for f in findings:
        if shown.get(f.code, 0) < per_code:
            shown[f.code] = shown.get(f.code, 0) + 1
            rows.append([f.severity, f.code, f.name, f.target, f.message])
        else:
            extra.setdefault(f.code, []).append(f)
            if len(extra[f.code]) == 1:
                rows.append([f.severity, f.code, f.name, "", ""])  # placeholder, filled below
    for row in rows:
        if row[3] == "" and row[1] in extra:
            more = extra[row[1]]
            row[3] = f"+{len(more)} more"
            row[4] = ", ".join(m.target for m in more[:6]) + (", ..." if len(more) > 6 else "")
    hidden = max(0, len(rows) - max_rows)
    return rows[:max_rows], hidden


def render_model(report: ModelReport, max_findings: int = 50) -> str:
    lines = [f"== {report.target}: " + ("OK" if report.ok else "FAILED")]
    if report.skipped:
        lines.append(f"skipped: {report.skipped}")
        return "\n".join(lines)
    if report.error:
        lines.append(f"error: {report.error}")
        return "\n".join(lines)
    info = report.info
    if info:
        bits = [f"{info.get('parameters', 0):,} parameters in {info.get('tensors', 0)} tensors"]
        if info.get("device"):
            bits.append(f"device {info['device']}")
        if info.get("nan_filled"):
            bits.append("built with NaN-filled memory")
        if info.get("stream"):
            bits.append("streamed block by block")
        if info.get("verify_s") is not None:
            bits.append(f"verified in {info['verify_s']:.2f}s")
        lines.append("; ".join(bits))
    if report.findings:
        rows, hidden = _finding_rows(report.findings, max_findings)
        lines += [""] + _table(rows, ["severity", "code", "name", "where", "measured"])
        if hidden:
            lines.append(f"... {hidden} more (use --format json)")
        counts = {s: sum(1 for f in report.findings if f.severity == s) for s in ("error", "warning", "info")}
        lines.append(", ".join(f"{n} {s}{'' if n == 1 or s == 'info' else 's'}" for s, n in counts.items() if n))
    else:
        lines.append("no findings")
    if report.parameters:
        lines += [""] + _table(layer_kind_summary(report.parameters),
                               ["layer kind (role)", "tensors", "elements", "median std", "median gain_in"])
    prop = report.propagation
    if prop:
        lines += ["", f"propagation ({prop['mode_note']}):",
                  f"  activation RMS last/first {prop['profile_unit']}: {_num(prop['activation_ratio'])}"
                  f"   gradient RMS first/last: {_num(prop['gradient_ratio'])}"
                  f"   input sensitivity: {_num(prop['sensitivity'])}"
                  f"   output RMS: {_num(prop['output_rms'])}"]
    return "\n".join(lines)

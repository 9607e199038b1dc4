"""Rule pages (rules/INI101.md ...) and the `initlint rules` table, generated from rule classes.

`python -m initlint.rules.docs` rewrites rules/; a test checks the checked-in pages are in sync.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from initlint.rules.base import Rule
from initlint.rules.registry import all_rules


def fix_label(rule: type[Rule]) -> str:
    return rule.fix_safety.value if rule.fix_safety is not None else "none"


def render_rule(rule: type[Rule]) -> str:
    lines = [
        f"# {rule.code} {rule.name}",
        "",
        f"**{rule.summary}.**",
        "",
        f"- Severity: `{rule.severity.value}`",
        f"- Fix: {fix_label(rule)}"
        + (" (applied by `--fix`)" if fix_label(rule) == "safe" else "")
        + (" (applied by `--fix --unsafe-fixes`)" if fix_label(rule) == "unsafe" else ""),
        f"- Suppress with `# noqa: {rule.code}` on the line, or `ignore = [\"{rule.code}\"]`.",
        "",
        rule.documentation(),
        "",
    ]
    return "\n".join(lines)


def rules_table() -> str:
    rules = all_rules()
    rows = [("Code", "Name", "Severity", "Fix", "Summary")] + [
        (r.code, r.name, r.severity.value, fix_label(r), r.summary) for r in rules
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    out = []
    for index, row in enumerate(rows):
        out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
        if index == 0:
            out.append("  ".join("-" * w for w in widths) + "  " + "-" * 7)
    return "\n".join(out)


def rules_json() -> str:
    return json.dumps(
        [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity.value,
                "fix": fix_label(r),
                "summary": r.summary,
            }
            for r in all_rules()
        ],
        indent=2,
    )


def render_index() -> str:
    lines = [
        "# initlint rules",
        "",
        "Generated from the rule classes by `python -m initlint.rules.docs`; do not edit by hand.",
        "",
        "| Code | Name | Severity | Fix | Summary |",
        "|---|---|---|---|---|",
    ]
    for r in all_rules():
        lines.append(
            f"| [{r.code}]({r.code}.md) | `{r.name}` | {r.severity.value} | {fix_label(r)} | {r.summary} |"
        )
    return "\n".join(lines) + "\n"


def expected_pages() -> dict[str, str]:
    pages = {f"{r.code}.md": render_rule(r) for r in all_rules()}
    pages["README.md"] = render_index()
    return pages


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else Path("rules")
    target.mkdir(exist_ok=True)
    pages = expected_pages()
    for stale in target.glob("*.md"):
        if stale.name not in pages:
            stale.unlink()
    for name, text in pages.items():
        (target / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(pages)} pages to {target}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

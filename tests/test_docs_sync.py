"""rules/*.md are generated from the rule classes; regenerate with `python -m initlint.rules.docs`."""

from __future__ import annotations

from conftest import REPO

from initlint.rules.docs import expected_pages, updated_readme
from initlint.rules.registry import all_rules

SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead",
            "## Fix safety", "## References")


def test_rule_pages_in_sync() -> None:
    folder = REPO / "rules"
    expected = expected_pages()
    present = {p.name for p in folder.glob("*.md")}
    assert present == set(expected), "run `python -m initlint.rules.docs` to regenerate rules/"
    for name, text in expected.items():
        assert (folder / name).read_text(encoding="utf-8") == text, (
            f"rules/{name} is stale: run `python -m initlint.rules.docs`"
        )


def test_every_rule_is_documented_in_full() -> None:
    for rule in all_rules():
        doc = rule.documentation()
        for section in SECTIONS:
            assert section in doc, f"{rule.code} lacks {section!r}"
        assert rule.code[:3] == "INI" and rule.code[3:].isdigit() and len(rule.code) == 6
        assert rule.name == rule.name.lower() and " " not in rule.name and "_" not in rule.name
        assert rule.summary and not rule.summary.endswith(".")


def test_readme_rule_table_in_sync() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert updated_readme(readme) == readme, "run `python -m initlint.rules.docs` to update README"
    for rule in all_rules():
        assert f"[`{rule.code}`](rules/{rule.code}.md)" in readme

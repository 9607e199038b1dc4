"""What a finished run hands to the output formats, and the dispatch to them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

from initlint.diagnostics import Diagnostic, FileError, Severity


@dataclass
class RuleInfo:
    """Rule metadata the formats may show (SARIF embeds it); no rule classes needed."""

    code: str
    name: str
    summary: str
    severity: Severity
    fixable: bool
    documentation: str
    url: Optional[str] = None


@dataclass
class RunReport:
    diagnostics: list[Diagnostic]
    errors: list[FileError]
    fixed: list[Diagnostic] = field(default_factory=list)
    rules: Sequence[RuleInfo] = ()
    root: Path = field(default_factory=Path.cwd)
    hidden_unsafe_fixes: int = 0
    fix_mode: bool = False
    # (path, notebook cell or None) → the lines to show as context
    source_lines: Callable[[str, Optional[int]], Optional[list[str]]] = lambda path, cell: None

    @property
    def fixable(self) -> int:
        return sum(1 for d in self.diagnostics if d.fix is not None) - self.hidden_unsafe_fixes


def render(fmt: str, report: RunReport, *, show_source: bool = True) -> str:
    from initlint.output import github, json_format, sarif, text

    renderers: dict[str, Callable[[RunReport], str]] = {
        "full": text.render_full,
        "concise": text.render_concise,
        "json": json_format.render,
        "github": github.render,
        "sarif": sarif.render,
    }
    return renderers[fmt](report)


FORMATS = ("full", "concise", "json", "github", "sarif")

"""Output formats: full, concise, json, github, sarif. They know diagnostics, not rules' insides."""

from initlint.output.report import FORMATS, RunReport, render

__all__ = ["FORMATS", "RunReport", "render"]

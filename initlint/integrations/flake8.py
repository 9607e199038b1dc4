"""flake8 plugin: `flake8 --select=INI` reports initlint's codes, messages and positions.

Registered under the `flake8.extension` entry point as `INI`. It lints the lines flake8 already
read with the same engine and `[tool.initlint]` settings as `initlint check`, so both agree.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Sequence

from initlint import __version__
from initlint.config import ConfigError, Settings
from initlint.engine.linter import lint_bytes
from initlint.engine.options import ProjectOptions
from initlint.engine.runner import package_of
from initlint.rules.registry import UnknownSelector


@lru_cache(maxsize=8)
def _project(cwd: Path) -> ProjectOptions:
    try:
        return ProjectOptions.discover(cwd)
    except (ConfigError, UnknownSelector) as exc:
        print(f"initlint: error: {exc} (flake8 plugin uses the defaults)", file=sys.stderr)
        return ProjectOptions.from_settings(Settings(root=cwd))


class InitlintChecker:
    """flake8 passes the parameters by name: the file's lines and its name."""

    name = "initlint"
    version = __version__

    def __init__(self, tree: object, filename: str, lines: Sequence[str]) -> None:
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        project = _project(Path.cwd())
        path = Path(self.filename)
        options, _ = project.for_file(project.relative(path) or path.as_posix())
        package = package_of(path.absolute().parent) if path.name != "stdin" else None
        data = "".join(self.lines).encode("utf-8")
        result = lint_bytes(data, self.filename, options, package)
        # flake8 reports syntax errors itself (E999); `result.errors` would repeat them.
        for d in result.diagnostics:
            yield d.location.row, d.location.column - 1, f"{d.code} {d.message}", type(self)

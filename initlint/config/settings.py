"""Settings, read from `[tool.initlint]` and overridden by the command line, as in ruff."""

from __future__ import annotations

import fnmatch
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional

from initlint.diagnostics import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9/3.10 only
    import tomli as tomllib

DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".initlint_cache", ".ipynb_checkpoints",
    ".mypy_cache", ".nox", ".pants.d", ".pytest_cache", ".pytype", ".ruff_cache", ".svn", ".tox",
    ".venv", "__pypackages__", "__pycache__", "_build", "buck-out", "build", "dist",
    "node_modules", "site-packages", "venv",
)


class ConfigError(Exception):
    """A broken configuration: the message is the one line the user sees (exit code 2)."""


@dataclass(frozen=True)
class Settings:
    root: Path = field(default_factory=Path.cwd)
    config_file: Optional[Path] = None
    select: tuple[str, ...] = ("ALL",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    init_modules: tuple[str, ...] = ()
    respect_gitignore: bool = True
    fail_on: Severity = Severity.WARNING
    cache_dir: Optional[Path] = None

    def with_overrides(self, **changes: Any) -> "Settings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def all_excludes(self) -> tuple[str, ...]:
        return self.exclude + self.extend_exclude

    def ignored_for(self, relative_path: str) -> tuple[str, ...]:
        """Selectors ignored for this file by `per-file-ignores` (globs on the relative path)."""
        ignored: list[str] = []
        name = relative_path.rsplit("/", 1)[-1]
        for pattern, selectors in self.per_file_ignores:
            if fnmatch.fnmatchcase(relative_path, pattern) or fnmatch.fnmatchcase(name, pattern):
                ignored.extend(selectors)
        return tuple(ignored)

    def fingerprint(self) -> str:
        """What, besides a file's content and its rule set, can change its diagnostics."""
        return repr((sorted(self.init_modules),))


_KEYS = {
    "select", "extend-select", "ignore", "exclude", "extend-exclude", "per-file-ignores",
    "severity", "init-modules", "respect-gitignore", "fail-on", "cache-dir",
}


def find_config_file(start: Path) -> Optional[Path]:
    """The nearest pyproject.toml that configures initlint, walking up from `start`.

    A pyproject.toml that says `[tool.initlint]` but cannot be read as TOML (not UTF-8, a syntax
    error) is still returned, so that loading it reports the problem instead of silently linting
    with the defaults."""
    for directory in [start, *start.parents]:
        candidate = directory / "pyproject.toml"
        if not candidate.is_file():
            continue
        try:
            raw = candidate.read_bytes()
        except OSError:
            continue
        if b"initlint" not in raw:
            continue
        try:
            data = _parse_toml(raw, str(candidate))
        except ConfigError:
            if _MENTIONS_TOOL_INITLINT.search(raw):
                return candidate
            continue
        tool = data.get("tool")
        if isinstance(tool, dict) and "initlint" in tool:
            return candidate
    return None


# `[tool.initlint]`, `[tool.initlint.severity]`, `tool.initlint.x = `, or `initlint.x =` under `[tool]`.
_MENTIONS_TOOL_INITLINT = re.compile(rb"tool\s*\.\s*initlint\b|^\s*initlint\s*[.=]", re.MULTILINE)


def _parse_toml(raw: bytes, where: str) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise ConfigError(f"{where}: config file is not valid UTF-8 (byte 0x{bad} on line {line})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: invalid TOML: {exc}") from None


def _initlint_table(data: dict[str, Any], where: str, pyproject: bool) -> dict[str, Any]:
    """`[tool.initlint]`; in a file of initlint's own, the top level when there is no such table."""
    if "tool" not in data:
        return {} if pyproject else data
    tool = data["tool"]
    if not isinstance(tool, dict):
        raise ConfigError(f"{where}: `tool` must be a table, not {type(tool).__name__}")
    if "initlint" not in tool:
        return {} if pyproject else data
    table = tool["initlint"]
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: `tool.initlint` must be a table, not {type(table).__name__}")
    return table


def _string_list(value: Any, key: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: `{key}` must be a list of strings")
    return tuple(value)


def load_settings(config_file: Optional[Path], cwd: Optional[Path] = None) -> Settings:
    """Read settings from `config_file` (or defaults when None). Raises ConfigError."""
    cwd = cwd or Path.cwd()
    if config_file is None:
        return Settings(root=cwd)
    where = str(config_file)
    try:
        raw = config_file.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{where}: config file not found") from None
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read config file: {exc.strerror}") from None
    data = _parse_toml(raw, where)
    pyproject = config_file.name == "pyproject.toml"
    table = _initlint_table(data, where, pyproject)
    if pyproject:
        where += " [tool.initlint]"
    settings = _from_table(table, where, config_file.parent.resolve())
    return replace(settings, config_file=config_file)


def _from_table(table: dict[str, Any], where: str, root: Path) -> Settings:
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown option `{unknown[0]}` (known: {', '.join(sorted(_KEYS))})"
        )
    values: dict[str, Any] = {"root": root}
    for key in ("select", "extend-select", "ignore", "exclude", "extend-exclude", "init-modules"):
        if key in table:
            values[key.replace("-", "_")] = _string_list(table[key], key, where)
    if "per-file-ignores" in table:
        raw = table["per-file-ignores"]
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: `per-file-ignores` must be a table of glob = [codes]")
        values["per_file_ignores"] = tuple(
            (pattern, _string_list(codes, f"per-file-ignores.{pattern}", where))
            for pattern, codes in raw.items()
        )
    if "severity" in table:
        raw = table["severity"]
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: `severity` must be a table of CODE = \"error|warning|info\"")
        try:
            values["severity"] = tuple((k, Severity.parse(str(v))) for k, v in raw.items())
        except ValueError as exc:
            raise ConfigError(f"{where}: `severity`: {exc}") from None
    if "respect-gitignore" in table:
        if not isinstance(table["respect-gitignore"], bool):
            raise ConfigError(f"{where}: `respect-gitignore` must be true or false")
        values["respect_gitignore"] = table["respect-gitignore"]
    if "fail-on" in table:
        try:
            values["fail_on"] = Severity.parse(str(table["fail-on"]))
        except ValueError as exc:
            raise ConfigError(f"{where}: `fail-on`: {exc}") from None
    if "cache-dir" in table:
        if not isinstance(table["cache-dir"], str):
            raise ConfigError(f"{where}: `cache-dir` must be a string")
        values["cache_dir"] = root / table["cache-dir"]
    return Settings(**values)

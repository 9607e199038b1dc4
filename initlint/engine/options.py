"""Settings → the engine's LintOptions, per file: one place for the CLI, the language server and
the flake8 plugin, so all three lint a file the same way."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional

from initlint.analysis.imports import KNOWN_INIT_MODULE_EQUIVALENTS
from initlint.config import ConfigError, Settings, find_config_file, load_settings
from initlint.diagnostics import Severity
from initlint.engine.discovery import relative_posix
from initlint.engine.linter import LintOptions
from initlint.rules.registry import check_selectors, rule_by_code_or_name, select_rules


def severity_overrides(settings: Settings) -> dict[str, Severity]:
    overrides: dict[str, Severity] = {}
    for key, severity in settings.severity:
        rule = rule_by_code_or_name(key)
        if rule is None:
            raise ConfigError(f"`severity`: unknown rule {key!r}")
        overrides[rule.code] = severity
    return overrides


@dataclass(frozen=True)
class ProjectOptions:
    """The options of a run, and each file's (per-file-ignores) with its cache salt."""

    settings: Settings
    base: LintOptions
    salt_base: str

    @classmethod
    def from_settings(
        cls, settings: Settings, *, fix: bool = False, unsafe_fixes: bool = False
    ) -> "ProjectOptions":
        """Raises ConfigError or UnknownSelector for a broken configuration."""
        check_selectors(settings.select + settings.extend_select + settings.ignore)
        for _, selectors in settings.per_file_ignores:
            check_selectors(selectors)
        overrides = severity_overrides(settings)
        base = LintOptions(
            rules=select_rules(settings.select + settings.extend_select, settings.ignore),
            severity_overrides=overrides,
            init_module_equivalents=tuple(
                dict.fromkeys(KNOWN_INIT_MODULE_EQUIVALENTS + settings.init_modules)
            ),
            fix=fix,
            unsafe_fixes=unsafe_fixes,
        )
        return cls(settings, base, settings.fingerprint() + repr(sorted(overrides.items())))

    @classmethod
    def discover(cls, start: Path, config: Optional[Path] = None, **kwargs: bool) -> "ProjectOptions":
        """Settings from `config` or the nearest `[tool.initlint]` above `start`."""
        settings = load_settings(config or find_config_file(start.absolute()), cwd=start)
        return cls.from_settings(settings, **kwargs)

    def relative(self, path: Path) -> Optional[str]:
        return relative_posix(path, self.settings.root)

    def for_file(self, relative_to_root: str) -> tuple[LintOptions, str]:
        """The file's options (minus its per-file-ignores) and its cache salt."""
        options = self.base
        ignored = self.settings.ignored_for(relative_to_root)
        if ignored:
            settings = self.settings
            kept = select_rules(settings.select + settings.extend_select, settings.ignore + ignored)
            options = replace(self.base, rules=kept)
        return options, self.salt_base + ",".join(r.code for r in options.rules)

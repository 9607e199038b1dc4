"""Settings → the engine's LintOptions, per file: one place for the CLI, the language server and
the flake8 plugin, so all three lint a file the same way."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Optional, Union

from initlint.analysis.library import KNOWN_INIT_MODULE_EQUIVALENTS
from initlint.config import ConfigError, Settings, find_config_file, load_settings
from initlint.diagnostics import FixSafety, Severity
from initlint.engine.discovery import relative_posix
from initlint.rules.registry import check_selectors, code_of, select_codes, select_rules

if TYPE_CHECKING:
    from initlint.rules.base import Rule


@dataclass(frozen=True)
class LintOptions:
    rules: tuple[type[Rule], ...]
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    init_module_equivalents: tuple[str, ...] = KNOWN_INIT_MODULE_EQUIVALENTS
    fix: bool = False
    unsafe_fixes: bool = False

    def fix_allowed(self, safety: FixSafety) -> bool:
        return self.fix and (safety is FixSafety.SAFE or self.unsafe_fixes)


def severity_overrides(settings: Settings) -> dict[str, Severity]:
    overrides: dict[str, Severity] = {}
    for key, severity in settings.severity:
        code = code_of(key)
        if code is None:
            raise ConfigError(f"`severity`: unknown rule {key!r}")
        overrides[code] = severity
    return overrides


@dataclass(frozen=True)
class ProjectOptions:
    """The options of a run, and each file's (per-file-ignores) with its cache salt. Salts come
    from the rule catalogue; the rule classes (and libcst with them) are imported only when a
    file is linted (`base`, `for_file`), not for a run the cache answers."""

    settings: Settings
    overrides: Mapping[str, Severity]
    salt_base: str
    fix: bool = False
    unsafe_fixes: bool = False

    @classmethod
    def from_settings(
        cls, settings: Settings, *, fix: bool = False, unsafe_fixes: bool = False
    ) -> "ProjectOptions":
        """Raises ConfigError or UnknownSelector for a broken configuration."""
        check_selectors(settings.select + settings.extend_select + settings.ignore)
        for _, selectors in settings.per_file_ignores:
            check_selectors(selectors)
        overrides = severity_overrides(settings)
        return cls(settings, overrides, settings.fingerprint() + repr(sorted(overrides.items())),
                   fix, unsafe_fixes)

    @cached_property
    def base(self) -> LintOptions:
        settings = self.settings
        return LintOptions(
            rules=select_rules(settings.select + settings.extend_select, settings.ignore),
            severity_overrides=self.overrides,
            init_module_equivalents=tuple(
                dict.fromkeys(KNOWN_INIT_MODULE_EQUIVALENTS + settings.init_modules)
            ),
            fix=self.fix,
            unsafe_fixes=self.unsafe_fixes,
        )

    @classmethod
    def discover(cls, start: Path, config: Optional[Path] = None, **kwargs: bool) -> "ProjectOptions":
        """Settings from `config` or the nearest `[tool.initlint]` above `start`."""
        settings = load_settings(config or find_config_file(start.absolute()), cwd=start)
        return cls.from_settings(settings, **kwargs)

    def relative(self, path: Union[str, Path]) -> Optional[str]:
        return relative_posix(path, self.settings.root)

    def salt_for(self, relative_to_root: str) -> str:
        """The file's cache salt: the settings that change results and its rule set's codes."""
        settings = self.settings
        ignored = settings.ignored_for(relative_to_root)
        codes = select_codes(settings.select + settings.extend_select, settings.ignore + ignored)
        return self.salt_base + ",".join(codes)

    def for_file(self, relative_to_root: str) -> tuple[LintOptions, str]:
        """The file's options (minus its per-file-ignores) and its cache salt."""
        options = self.base
        ignored = self.settings.ignored_for(relative_to_root)
        if ignored:
            settings = self.settings
            kept = select_rules(settings.select + settings.extend_select, settings.ignore + ignored)
            options = replace(self.base, rules=kept)
        return options, self.salt_for(relative_to_root)

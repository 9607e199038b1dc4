"""The catalogue of rules and the selector syntax (`INI1`, `INI101`, `zero-weight-init`, `ALL`)."""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, NamedTuple, Optional

if TYPE_CHECKING:
    from initlint.rules.base import Rule

_NOT_RULE_MODULES = frozenset({"base", "registry", "docs"})


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule class defined in `initlint.rules.*`, sorted by code."""
    import initlint.rules as package
    from initlint.rules.base import Rule

    found: dict[str, type[Rule]] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name in _NOT_RULE_MODULES or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule:
                if value.__module__ == module.__name__:
                    if value.code in found and found[value.code] is not value:
                        raise RuntimeError(f"duplicate rule code {value.code}")
                    found[value.code] = value
    return tuple(found[code] for code in sorted(found))


class RuleEntry(NamedTuple):
    """A rule's code and name: enough to select rules and key the cache."""

    code: str
    name: str


_CODE = re.compile(r'^    code = "([A-Z]+[0-9]+)"$', re.MULTILINE)
_NAME = re.compile(r'^    name = "([a-z0-9-]+)"$', re.MULTILINE)


@lru_cache(maxsize=1)
def catalogue() -> tuple[RuleEntry, ...]:
    """Every rule's code and name, sorted by code, without importing the rule modules (they
    import libcst, a third of a run that the cache answers): read from each module's source,
    where a rule spells both as class attributes. A module that does not (or a source that
    cannot be read) sends it back to importing them all (`all_rules`)."""
    import initlint.rules as package

    found: list[RuleEntry] = []
    try:
        for info in pkgutil.iter_modules(package.__path__):
            if info.name in _NOT_RULE_MODULES or info.name.startswith("_"):
                continue
            text = (Path(package.__path__[0]) / f"{info.name}.py").read_text(encoding="utf-8")
            codes, names = _CODE.findall(text), _NAME.findall(text)
            if len(codes) != 1 or len(names) != 1:
                raise ValueError(info.name)
            found.append(RuleEntry(codes[0], names[0]))
    except (OSError, ValueError, UnicodeDecodeError):
        return tuple(RuleEntry(rule.code, rule.name) for rule in all_rules())
    if len({entry.code for entry in found}) != len(found):
        return tuple(RuleEntry(rule.code, rule.name) for rule in all_rules())
    return tuple(sorted(found))


def code_of(key: str) -> Optional[str]:
    """The code of the rule `key` names (a code or a name), from the catalogue."""
    key_upper = key.upper()
    for entry in catalogue():
        if entry.code == key_upper or entry.name == key.lower():
            return entry.code
    return None


def select_codes(select: Iterable[str], ignore: Iterable[str] = ()) -> tuple[str, ...]:
    """The codes `select_rules` selects, from the catalogue (asked once per linted file)."""
    return _select_codes(tuple(select), tuple(ignore))


@lru_cache(maxsize=256)
def _select_codes(select: tuple[str, ...], ignore: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(
        entry.code
        for entry in catalogue()
        if any(matches(entry, s) for s in select) and not any(matches(entry, s) for s in ignore)
    )


def rule_by_code_or_name(key: str) -> Optional[type[Rule]]:
    key_upper = key.upper()
    for rule in all_rules():
        if rule.code == key_upper or rule.name == key.lower():
            return rule
    return None


class UnknownSelector(ValueError):
    pass


def matches(rule: "type[Rule] | RuleEntry", selector: str) -> bool:
    selector = selector.strip()
    if selector.upper() == "ALL":
        return True
    if selector.lower() == rule.name:
        return True
    return rule.code.startswith(selector.upper()) and selector[:1].isalpha()


def check_selectors(selectors: Iterable[str]) -> None:
    for selector in selectors:
        if not any(matches(rule, selector) for rule in catalogue()):
            raise UnknownSelector(f"unknown rule selector {selector!r}")


def select_rules(
    select: Iterable[str], ignore: Iterable[str] = ()
) -> tuple[type[Rule], ...]:
    """ruff's semantics: selected minus ignored, selectors being codes, prefixes or names."""
    select, ignore = list(select), list(ignore)
    return tuple(
        rule
        for rule in all_rules()
        if any(matches(rule, s) for s in select) and not any(matches(rule, s) for s in ignore)
    )

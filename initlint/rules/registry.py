"""The catalogue of rules and the selector syntax (`INI1`, `INI101`, `zero-weight-init`, `ALL`)."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import Iterable, Optional

from initlint.rules.base import Rule

_NOT_RULE_MODULES = frozenset({"base", "registry", "docs"})


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule class defined in `initlint.rules.*`, sorted by code."""
    import initlint.rules as package

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


def rule_by_code_or_name(key: str) -> Optional[type[Rule]]:
    key_upper = key.upper()
    for rule in all_rules():
        if rule.code == key_upper or rule.name == key.lower():
            return rule
    return None


class UnknownSelector(ValueError):
    pass


def matches(rule: type[Rule], selector: str) -> bool:
    selector = selector.strip()
    if selector.upper() == "ALL":
        return True
    if selector.lower() == rule.name:
        return True
    return rule.code.startswith(selector.upper()) and selector[:1].isalpha()


def check_selectors(selectors: Iterable[str]) -> None:
    for selector in selectors:
        if not any(matches(rule, selector) for rule in all_rules()):
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

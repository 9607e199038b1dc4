"""`# noqa`, `# noqa: INI101,INI201` on a line and `# initlint: noqa` for a whole file."""

from __future__ import annotations

import re
from typing import Optional

_CODE_LIST = r"[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*"
_LINE_NOQA = re.compile(rf"#\s*noqa(?::\s*(?P<codes>{_CODE_LIST}))?", re.IGNORECASE)
_FILE_NOQA = re.compile(
    rf"^[ \t]*#[ \t]*initlint:[ \t]*noqa(?:[ \t]*:[ \t]*(?P<codes>{_CODE_LIST}))?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
ALL = frozenset({"*"})


def _codes(text: Optional[str]) -> frozenset[str]:
    if not text:
        return ALL
    return frozenset(code.upper() for code in re.split(r"[\s,]+", text.strip()) if code)


def file_exemptions(source: str) -> frozenset[str]:
    """Codes exempted for the whole file; `{"*"}` for all. Cheap enough to run before parsing."""
    exempt: set[str] = set()
    if "initlint" not in source:
        return frozenset()
    for match in _FILE_NOQA.finditer(source):
        exempt |= _codes(match.group("codes"))
    return frozenset(exempt)


def line_exemptions(line: str) -> frozenset[str]:
    exempt: set[str] = set()
    for match in _LINE_NOQA.finditer(line):
        exempt |= _codes(match.group("codes"))
    return frozenset(exempt)


def is_exempt(code: str, exemptions: frozenset[str]) -> bool:
    return "*" in exemptions or code in exemptions

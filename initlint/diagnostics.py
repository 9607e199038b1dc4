"""The vocabulary every part of initlint speaks: severities, fixes, diagnostics, file errors.

Kept free of libcst and torch so output formats, the cache and the CLI can use it cheaply.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any, Optional


class Severity(str, enum.Enum):
    """How sure we are that something is wrong (see design.md)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]

    @classmethod
    def parse(cls, value: str) -> "Severity":
        try:
            return cls(value.lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {value!r} (expected one of: {choices})") from None


class FixSafety(str, enum.Enum):
    """Safe fixes keep a correct program's numerics; unsafe ones change them on purpose."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class Location:
    """1-based line and column, like ruff's JSON output."""

    row: int
    column: int


@dataclass(frozen=True)
class Edit:
    """Replace the text between two locations with `content`."""

    content: str
    location: Location
    end_location: Location


@dataclass(frozen=True)
class FixInfo:
    """What a fix would do, without the syntax tree (so it can be cached and serialised)."""

    message: str
    safety: FixSafety
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True)
class Diagnostic:
    """One finding of one rule in one file."""

    path: str
    code: str
    name: str
    message: str
    severity: Severity
    location: Location
    end_location: Location
    fix: Optional[FixInfo] = None
    noqa_row: Optional[int] = None
    cell: Optional[int] = None  # notebooks: 1-based cell; location and fix edits are in that cell

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.path, self.cell or 0, self.location.row, self.location.column, self.code)

    @property
    def where(self) -> str:
        """`path:row:col`, or `nb.ipynb:cell 3:4:9` in a notebook."""
        cell = f"cell {self.cell}:" if self.cell is not None else ""
        return f"{self.path}:{cell}{self.location.row}:{self.location.column}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        if self.fix is not None:
            data["fix"]["safety"] = self.fix.safety.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Diagnostic":
        fix = data.get("fix")
        fix_info = None
        if fix is not None:
            fix_info = FixInfo(
                message=fix["message"],
                safety=FixSafety(fix["safety"]),
                edits=tuple(
                    Edit(e["content"], Location(**e["location"]), Location(**e["end_location"]))
                    for e in fix["edits"]
                ),
            )
        return cls(
            path=data["path"],
            code=data["code"],
            name=data["name"],
            message=data["message"],
            severity=Severity(data["severity"]),
            location=Location(**data["location"]),
            end_location=Location(**data["end_location"]),
            fix=fix_info,
            noqa_row=data.get("noqa_row"),
            cell=data.get("cell"),
        )


@dataclass(frozen=True)
class FileError:
    """A file that could not be linted: one clear line, and the run goes on."""

    path: str
    message: str
    location: Optional[Location] = None
    cell: Optional[int] = None

    def render(self) -> str:
        where = self.path
        if self.cell is not None:
            where += f":cell {self.cell}"
        if self.location is not None:
            where += f":{self.location.row}:{self.location.column}"
        return f"{where}: error: {self.message}"


@dataclass
class FileResult:
    """Everything the engine learned about one file."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    fixed: list[Diagnostic] = field(default_factory=list)
    original_source: Optional[bytes] = None
    fixed_source: Optional[bytes] = None
    from_cache: bool = False
    # How the result cache can serve this result again without reading the file (the engine's
    # `cache.ManifestEntry`); None when the result must not be reused.
    cache_entry: Optional[Any] = None

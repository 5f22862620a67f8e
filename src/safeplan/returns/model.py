"""What every adapter hands over: canonical rows that know their place in the return.

An adapter reads a statutory return and gives a `ConvertedReturn`: per
canonical dataset, rows holding exactly the dataset's columns (as text the
importer validates like a CSV cell), the columns the return carries at all,
and for every row the `Location` in the return it came from, so that a
validation problem names the return's own element or column *and* the
canonical rule.

>>> where = Location("cin.xml", "Message/Children/Child[3]/CINdetails[1]", child="C1",
...                  fields={"referral_date": "CINreferralDate"})
>>> print(ReturnProblem(where, where.field("referral_date"), "2018-13-01", "R-V02", "is not a date"))
cin.xml: Message/Children/Child[3]/CINdetails[1] (child C1), CINreferralDate: "2018-13-01" is not a date (R-V02)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

Cell = str | int | float | bool | date | datetime | time | None
Window = tuple[date, date]

_NO_FIELDS: Mapping[str, str] = MappingProxyType({})


class ReturnKind(StrEnum):
    """The three returns; each is also the *source* its records are stored under."""

    CIN = "cin"
    SSDA903 = "ssda903"
    ANNEX_A = "annex_a"

    @property
    def phrase(self) -> str:
        """How a sentence names the kind: "this is X, not a CIN census"."""
        return _TITLES[self]


_TITLES = {
    ReturnKind.CIN: "a CIN census",
    ReturnKind.SSDA903: "an SSDA903 return",
    ReturnKind.ANNEX_A: "an Ofsted Annex A workbook",
}


@dataclass(frozen=True)
class ReturnFile:
    """A file to read and the name the user knows it by (an upload waits under another path)."""

    path: Path
    name: str

    @classmethod
    def of(cls, file: Path | ReturnFile) -> ReturnFile:
        return file if isinstance(file, ReturnFile) else cls(file, file.name)


@dataclass(frozen=True)
class Limits:
    """Bounds checked before and during the parse; callers pass the deployment's settings.

    `max_bytes` is checked before a file is opened, `max_elements` while XML
    streams (every element counts), `max_rows` per CSV table or sheet.
    """

    max_bytes: int = 256 * 1024 * 1024
    max_elements: int = 20_000_000
    max_rows: int = 2_000_000


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class PriorPeriod:
    """A child's latest period of care stored from an earlier SSDA903 load."""

    start: date
    end: date | None = None


#: Looks up a child's latest stored SSDA903 period of care by the child id as
#: the return writes it (the caller pseudonymises it if the deployment does).
PreviousPeriod = Callable[[str], PriorPeriod | None]


@dataclass(frozen=True)
class Location:
    """Where a record sits in its return.

    `place` is an XML path (``Message/Children/Child[3]/CINdetails[1]``), an
    SSDA903 table name or an Annex A sheet; `row` the row the user sees in the
    CSV file or sheet; `fields` the return's own name for each canonical
    column; `span` extra words, e.g. the episode rows a period of care joins.
    """

    file: str
    place: str
    child: str = ""
    row: int | None = None
    fields: Mapping[str, str] = field(default_factory=lambda: _NO_FIELDS)
    span: str = ""

    def field(self, column: str | None) -> str | None:
        """The return's name for a canonical column (``CINreferralDate``), else the column."""
        if column is None:
            return None
        return self.fields.get(column, column)

    def __str__(self) -> str:
        parts = [self.place]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.span:
            parts.append(self.span)
        where = ", ".join(p for p in parts if p)
        child = f" (child {self.child})" if self.child else ""
        return f"{self.file}: {where}{child}" if where or child else self.file


@dataclass(frozen=True)
class ReturnProblem:
    """One reason a return is refused: its location, the return's field, the value, a rule id."""

    location: Location
    field: str | None
    value: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        column = f", {self.field}" if self.field else ""
        what = f'"{self.value}" {self.message}' if self.value else self.message
        return f"{self.location}{column}: {what} ({self.rule})"

    def as_json(self) -> dict[str, object]:
        where = self.location
        return {
            "file": where.file,
            "place": where.place,
            "row": where.row,
            "child": where.child,
            "field": self.field,
            "value": self.value,
            "rule": self.rule,
            "message": self.message,
        }


@dataclass(frozen=True)
class CanonicalRow:
    """One record of a canonical dataset: every column's cell (``None`` = blank) and its origin."""

    values: Mapping[str, Cell]
    location: Location

    def cells(self, columns: tuple[str, ...]) -> list[Cell]:
        """The cells in the order of ``columns`` (the dataset's header), for the row validator."""
        return [self.values.get(name) for name in columns]


@dataclass(frozen=True)
class ReturnDataset:
    """What a return gives one canonical dataset.

    `carried` are the columns the return has at all; the others are unknown
    (stored blank) and coverage does not count for a measure that needs them.
    `derived_ids` are the columns holding ids built from the child id (to be
    pseudonymised with it). `covers` is ``None`` for `children`.
    """

    dataset: str
    rows: tuple[CanonicalRow, ...]
    carried: frozenset[str]
    covers: Window | None
    derived_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class MeasureFeed:
    """Whether a return can feed a measure, and why (or why not) in a sentence."""

    measure: str
    title: str
    feeds: bool
    reason: str


@dataclass(frozen=True)
class ConvertedReturn:
    """A return read whole: canonical datasets, or the problems that refuse it.

    `accepted` is false when `problems` is not empty; then nothing may be
    imported. `notes` say what was ignored or read with care (lists and tables
    that feed nothing, codes outside their census year, unknown coded values).
    A return supersedes only the records it lists again (`supersede_absent`).
    `kind` is ``None`` only when ``auto`` could not recognise the files.
    """

    kind: ReturnKind | None
    files: tuple[str, ...]
    covers: Window | None
    datasets: Mapping[str, ReturnDataset]
    problems: tuple[ReturnProblem, ...]
    notes: tuple[str, ...]
    feeds: tuple[MeasureFeed, ...]
    supersede_absent: bool = False

    @property
    def source(self) -> str:
        """The source its records are stored under (``""`` when the kind was never recognised)."""
        return self.kind.value if self.kind else ""

    @property
    def accepted(self) -> bool:
        return not self.problems


class Refused(Exception):
    """Raised inside an adapter when the return as a whole cannot be read; becomes its problems."""

    def __init__(self, *problems: ReturnProblem) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems

"""Reading and checking a file of comparator values, before anything is stored.

The file has the columns ``measure,period,comparator,value`` and optionally
``lower,upper`` (the comparator's own interval), one row per measure, period
and comparator (England, a region, statistical neighbours). It is read with
the importer's reader (CSV or XLSX, rules R-F01..R-F04) and every problem is
reported at once as an :class:`~safeplan.imports.validation.ImportProblem`:

- B01 a required column is missing; B02 a column is unknown or repeated;
- B03 the measure is not M1–M12 (id or slug); B04 the period is not a month,
  quarter or financial year;
- B05 the comparator is empty or longer than 100 characters;
- B06 the value is not a number, or impossible for the measure (a negative
  count, a percentage beyond 0–100);
- B07 lower and upper are not both given or both empty, are not numbers, or
  do not enclose the value;
- B08 the same measure, period and comparator appear twice;
- B09 the file holds no rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from safeplan.engine.catalogue import Unit, measure_spec
from safeplan.engine.periods import parse_period
from safeplan.imports.readers import ReadError, file_sha256, open_table
from safeplan.imports.validation import ImportProblem
from safeplan.imports.values import Cell, cell_text

if TYPE_CHECKING:
    from safeplan.scorecard.models import BenchmarkBatch

REQUIRED = ("measure", "period", "comparator", "value")
OPTIONAL = ("lower", "upper")
COMPARATOR_LENGTH = 100
T = TypeVar("T")


@dataclass(frozen=True)
class BenchmarkRow:
    measure: str
    period: str
    comparator: str
    value: float
    lower: float | None
    upper: float | None


@dataclass(frozen=True)
class BenchmarkRead:
    file_name: str
    sha256: str
    rows: list[BenchmarkRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)


@dataclass(frozen=True)
class BenchmarkImportOutcome:
    accepted: bool
    batch: BenchmarkBatch | None
    problems: list[ImportProblem]


class _Invalid(ValueError):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


class _Checker:
    """Turns one file's rows into BenchmarkRows, collecting every problem on the way."""

    def __init__(self, file_name: str) -> None:
        self.file = file_name
        self.rows: list[BenchmarkRow] = []
        self.problems: list[ImportProblem] = []
        self.seen: dict[tuple[str, str, str], int] = {}

    def problem(
        self, row: int | None, column: str | None, value: str | None, rule: str, message: str
    ) -> None:
        self.problems.append(ImportProblem(self.file, "", row, column, value, rule, message))

    def header(self, cells: list[Cell], row: int) -> dict[str, int] | None:
        names = [cell_text(c).lower() for c in cells]
        columns: dict[str, int] = {}
        for position, name in enumerate(names):
            if name not in REQUIRED + OPTIONAL:
                allowed = ", ".join(REQUIRED + OPTIONAL)
                self.problem(
                    row, name or None, None, "B02", f"is not a column (allowed: {allowed})"
                )
            elif name in columns:
                self.problem(row, name, None, "B02", "appears twice")
            else:
                columns[name] = position
        for name in REQUIRED:
            if name not in columns:
                self.problem(row, name, None, "B01", "is missing: the file needs this column")
        ok = all(n in columns for n in REQUIRED) and not self.problems
        return columns if ok else None

    def row(self, number: int, cells: list[Cell], columns: dict[str, int]) -> None:
        def get(name: str) -> str:
            at = columns.get(name)
            return cell_text(cells[at]) if at is not None and at < len(cells) else ""

        before = len(self.problems)
        measure = self.checked(number, "measure", get("measure"), _measure)
        period = self.checked(number, "period", get("period"), _period)
        comparator = self.checked(number, "comparator", get("comparator"), _comparator)
        unit = measure_spec(measure).unit if measure else None
        value = self.checked(number, "value", get("value"), lambda t: _value(t, unit))
        bounds = self.bounds(number, get("lower"), get("upper"), value)
        if len(self.problems) > before:
            return
        if measure is None or period is None or comparator is None or value is None:
            return
        key = (measure, period, comparator.casefold())
        if key in self.seen:
            self.problem(
                number, "comparator", comparator, "B08",
                f"repeats {measure} {period} {comparator} of row {self.seen[key]}",
            )  # fmt: skip
            return
        self.seen[key] = number
        self.rows.append(BenchmarkRow(measure, period, comparator, value, *bounds))

    def checked(self, number: int, column: str, text: str, parse: Callable[[str], T]) -> T | None:
        try:
            return parse(text)
        except _Invalid as exc:
            self.problem(number, column, text or None, exc.rule, exc.message)
            return None

    def bounds(
        self, number: int, lower_text: str, upper_text: str, value: float | None
    ) -> tuple[float | None, float | None]:
        if not lower_text and not upper_text:
            return None, None
        if not lower_text or not upper_text:
            missing = "lower" if not lower_text else "upper"
            self.problem(
                number, missing, None, "B07", "is empty: give both lower and upper, or neither"
            )
            return None, None
        lower = self.checked(number, "lower", lower_text, lambda t: _number(t, "B07"))
        upper = self.checked(number, "upper", upper_text, lambda t: _number(t, "B07"))
        if lower is None or upper is None or value is None:
            return None, None
        if not lower <= value <= upper:
            self.problem(
                number, "value", repr(value), "B07",
                f"is not between lower ({lower_text}) and upper ({upper_text})",
            )  # fmt: skip
        return lower, upper


def _measure(text: str) -> str:
    if not text:
        raise _Invalid("B03", "is empty: give a measure id (M1–M12) or slug")
    try:
        return measure_spec(text).id
    except KeyError:
        raise _Invalid(
            "B03", "is not a measure (M1–M12, or a slug such as repeat-referrals)"
        ) from None


def _period(text: str) -> str:
    if not text:
        raise _Invalid("B04", "is empty: give a period such as 2018-07, 2018-19 Q2 or 2018-19")
    try:
        period = parse_period(text)
    except ValueError:
        raise _Invalid("B04", "is not a period; use 2018-07, 2018-19 Q2 or 2018-19") from None
    if period.kind == "range":
        raise _Invalid("B04", "is a date range; give a month, quarter or financial year")
    return period.label


def _comparator(text: str) -> str:
    if not text:
        raise _Invalid("B05", "is empty: name the comparator (England, North East …)")
    if len(text) > COMPARATOR_LENGTH:
        raise _Invalid("B05", f"is longer than {COMPARATOR_LENGTH} characters")
    return text


def _number(text: str, rule: str) -> float:
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        raise _Invalid(rule, "is not a number") from None
    if not math.isfinite(number):
        raise _Invalid(rule, "is not a finite number")
    return number


def _value(text: str, unit: Unit | None) -> float:
    if not text:
        raise _Invalid("B06", "is empty: every row needs the comparator's value")
    number = _number(text, "B06")
    if number < 0:
        raise _Invalid("B06", "is negative; a measure's value is 0 or more")
    if unit == Unit.PERCENT and number > 100:
        raise _Invalid("B06", "is more than 100; this measure is a percentage (0–100)")
    return number


def read_benchmarks(path: Path) -> BenchmarkRead:
    """Read and check a comparator file; the result holds its rows or every problem found."""
    path = Path(path)
    checker = _Checker(path.name)
    try:
        with open_table(path, dataset="benchmarks") as table:
            columns = checker.header(list(table.header), table.header_row)
            if columns is not None:
                for number, cells in table.rows:
                    checker.row(number, list(cells), columns)
                if not checker.rows and not checker.problems:
                    checker.problem(None, None, None, "B09", "the file holds no benchmark rows")
    except ReadError as exc:
        checker.problem(exc.row, None, None, exc.rule, exc.message)
    return BenchmarkRead(path.name, file_sha256(path), checker.rows, checker.problems)

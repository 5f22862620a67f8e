"""Header and row checks against the dataset description, producing `ImportProblem`s.

The header is checked before any row is read (R-H01..R-H04); each row is then
turned into the values to store, or into every problem it has (R-V.., R-C01).
A valid row may also carry warnings (R-W01, R-W02: clock times that do not
exist or happen twice). Nothing here touches the database.

A problem never keeps the raw value of an identifier, of free text or of a
column outside the dataset: it shows the column, the rule and at most a
masked value (`mask`), so that a validation report can be shared and stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from difflib import get_close_matches

from safeplan.datasets.schema import Column, ColumnType, Dataset
from safeplan.imports.values import (
    Cell,
    InvalidValue,
    Parser,
    cell_text,
    clock_time_warning,
    is_blank,
    parser_for,
)

_VALUE_SHOWN = 60
_VALUE_KEPT = 200  # of a cell that may be 131,072 characters long (R-F08)


@dataclass(frozen=True)
class ImportProblem:
    """One reason a file was rejected, located as the user sees their spreadsheet.

    >>> print(ImportProblem("r.csv", "", 14, "referral_date", "31/02/2018", "R-V02", "is not a date"))
    row 14, referral_date: "31/02/2018" is not a date (R-V02)
    """

    file: str
    sheet: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = ", ".join(
            part for part in (f"row {self.row}" if self.row else "", self.column or "") if part
        )
        shown = (
            self.value
            if self.value is None or len(self.value) <= _VALUE_SHOWN
            else self.value[:_VALUE_SHOWN] + "…"
        )
        what = f'"{shown}" {self.message}' if shown else self.message
        return f"{where}: {what} ({self.rule})" if where else f"{what} ({self.rule})"

    def located(self) -> str:
        """The problem prefixed with its file and sheet, as the command line prints it."""
        sheet = f" [{self.sheet}]" if self.sheet else ""
        return f"{self.file}{sheet}: {self}"

    def as_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Where:
    """The file and sheet that every problem names."""

    file: str
    sheet: str

    def problem(
        self,
        rule: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> ImportProblem:
        if value is not None and len(value) > _VALUE_KEPT:
            value = value[:_VALUE_KEPT] + "…"
        return ImportProblem(self.file, self.sheet, row, column, value, rule, message)


def normalise_name(cell: Cell) -> str:
    """Column names compare case-insensitively with spaces trimmed: ``Referral Date`` = ``referral_date``."""
    return re.sub(r"\s+", "_", cell_text(cell).lower())


# --- header ------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Where the dataset's columns sit in the file."""

    columns: tuple[tuple[int, Column], ...]
    unnamed: tuple[int, ...]
    width: int = 0  # header cells; a row's cells beyond them have no name either


def _unknown_column(name: str, raw: str, dataset: Dataset, where: Where) -> ImportProblem:
    close = get_close_matches(name, dataset.column_names, n=1, cutoff=0.6)
    hint = (
        f"did you mean `{close[0]}`?"
        if close
        else f"the columns of {dataset.name} are {', '.join(dataset.column_names)}"
    )
    return where.problem("R-H03", f"is not a column of {dataset.name}; {hint}", column=raw)


def check_header(
    dataset: Dataset, header: Sequence[Cell], *, ignore_unknown: bool, where: Where
) -> tuple[Layout, list[ImportProblem]]:
    """Map header cells to the dataset's columns and report R-H01, R-H02 and R-H03."""
    known = {col.name: col for col in dataset.columns}
    found: dict[str, int] = {}
    columns: list[tuple[int, Column]] = []
    unnamed: list[int] = []
    problems: list[ImportProblem] = []
    for position, cell in enumerate(header):
        name, raw = normalise_name(cell), cell_text(cell)
        if not name:
            unnamed.append(position)
        elif name in found:
            problems.append(
                where.problem(
                    "R-H02", f"appears more than once (also column {found[name] + 1})", column=raw
                )
            )
        elif name in known:
            found[name] = position
            columns.append((position, known[name]))
        elif not ignore_unknown:
            problems.append(_unknown_column(name, raw, dataset, where))
    problems += [
        where.problem("R-H01", "is a required column but is missing from the header", column=name)
        for name in dataset.required_columns
        if name not in found
    ]
    return Layout(tuple(columns), tuple(unnamed), len(header)), problems


# --- what a report may show ----------------------------------------------------


def mask(value: str) -> str:
    """At most the first and last two characters of a value, so a report never holds it whole.

    >>> mask("C1234542"), mask("C12345"), mask("C123"), mask("")
    ('C1…42', 'C…5', '…', '')
    """
    if not value:
        return ""
    if len(value) >= 8:
        return f"{value[:2]}…{value[-2:]}"
    if len(value) >= 5:
        return f"{value[0]}…{value[-1]}"
    return "…"


def is_masked(column: Column) -> bool:
    """Identifiers and free text are masked in reports; codes, dates, numbers and localities not."""
    return column.type is ColumnType.ID or (column.type is ColumnType.TEXT and not column.locality)


def shown_key(dataset: Dataset, record_id: str) -> str:
    """A record's key as a report may show it: masked when it is an identifier."""
    return mask(record_id) if any(is_masked(dataset.column(k)) for k in dataset.keys) else record_id


# --- pseudonyms -----------------------------------------------------------------

_FINGERPRINT_LABEL = b"safeplan pseudonymisation key fingerprint v1"


def pseudonym(key: str, value: str) -> str:
    """HMAC-SHA256 of the id under the deployment's key, as 64 hex digits (deterministic)."""
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()


def key_fingerprint(key: str | None) -> str:
    """HMAC-SHA256 of a fixed label under the key: tells two keys apart, never reveals one.

    Blank when there is no key (identifiers stored as received).
    """
    return hmac.new(key.encode(), _FINGERPRINT_LABEL, hashlib.sha256).hexdigest() if key else ""


# --- rows --------------------------------------------------------------------


@dataclass(frozen=True)
class ValidRow:
    record_id: str
    values: dict[str, object]
    warnings: tuple[ImportProblem, ...] = ()


class RowValidator:
    """Turn one row's cells into the values to store, or into all of its problems."""

    def __init__(
        self,
        dataset: Dataset,
        layout: Layout,
        *,
        where: Where,
        localities: Sequence[str] = (),
        pseudonymise_key: str | None = None,
    ) -> None:
        self.dataset = dataset
        self.layout = layout
        self.where = where
        self.key = pseudonymise_key
        self.parsers: list[tuple[int, Column, Parser]] = [
            (position, col, parser_for(col, localities=localities))
            for position, col in layout.columns
        ]
        present = {col.name for _, col in layout.columns}
        self.absent = [col.name for col in dataset.columns if col.name not in present]
        self.ordered = [col for col in dataset.columns if col.not_before]
        self.transformed = [c for c in dataset.columns if c.truncate_to_month or c.pseudonymise]
        self.clock_times = [c.name for c in dataset.columns if c.type is ColumnType.DATETIME]
        self._unnamed_reported: set[int] = set()

    def validate(
        self, row: int, cells: Sequence[Cell]
    ) -> tuple[ValidRow | None, list[ImportProblem]]:
        values: dict[str, object] = dict.fromkeys(self.absent)
        problems = self._unnamed_problems(row, cells)
        for position, col, parse in self.parsers:
            cell = cells[position] if position < len(cells) else None
            try:
                values[col.name] = self._value(col, parse, cell)
            except InvalidValue as exc:
                values[col.name] = None
                shown = mask(cell_text(cell)) if is_masked(col) else cell_text(cell)
                problems.append(
                    self.where.problem(exc.rule, exc.message, row=row, column=col.name, value=shown)
                )
        problems += self._order_problems(row, values)
        if problems:
            return None, problems
        warnings = self._clock_warnings(row, values) if self.clock_times else ()
        stored = self._stored(values)
        return ValidRow(self._record_id(stored), stored, warnings), []

    def _clock_warnings(self, row: int, values: dict[str, object]) -> tuple[ImportProblem, ...]:
        """R-W01 and R-W02: clock times in the hour skipped or repeated by a clock change."""
        found = []
        for name in self.clock_times:
            value = values[name]
            if isinstance(value, datetime) and (warning := clock_time_warning(value)):
                rule, message = warning
                found.append(
                    self.where.problem(rule, message, row=row, column=name, value=_shown(value))
                )
        return tuple(found)

    def _value(self, col: Column, parse: Parser, cell: Cell) -> object:
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            if col.required:
                raise InvalidValue("R-V01", "is required but blank")
            return None
        value = parse(cell)
        if col.required and value == "":
            raise InvalidValue("R-V01", "is required but blank")
        return value

    def _unnamed_problems(self, row: int, cells: Sequence[Cell]) -> list[ImportProblem]:
        """R-H04, once per column: values under a blank header cell or beyond the header."""
        unnamed = [p for p in self.layout.unnamed if p not in self._unnamed_reported]
        if len(cells) > self.layout.width:
            unnamed += [
                p for p in range(self.layout.width, len(cells)) if p not in self._unnamed_reported
            ]
        problems: list[ImportProblem] = []
        for position in unnamed:
            if position >= len(cells) or is_blank(cells[position]):
                continue
            self._unnamed_reported.add(position)
            problems.append(
                self.where.problem(
                    "R-H04",
                    f"column {position + 1} holds values but has no name in the header",
                    row=row,
                    value=mask(cell_text(cells[position])),
                )
            )
        return problems

    def _order_problems(self, row: int, values: dict[str, object]) -> list[ImportProblem]:
        problems = []
        for col in self.ordered:
            assert col.not_before is not None
            value, start = values.get(col.name), values.get(col.not_before)
            if isinstance(value, date) and isinstance(start, date) and value < start:
                problems.append(
                    self.where.problem(
                        "R-C01",
                        f"is before {col.not_before} {_shown(start)}",
                        row=row,
                        column=col.name,
                        value=_shown(value),
                    )
                )
        return problems

    def _stored(self, values: dict[str, object]) -> dict[str, object]:
        for col in self.transformed:
            value = values[col.name]
            if col.truncate_to_month and isinstance(value, date):
                values[col.name] = value.replace(day=1)
            if col.pseudonymise and self.key and isinstance(value, str):
                values[col.name] = pseudonym(self.key, value)
        return values

    def _record_id(self, values: dict[str, object]) -> str:
        if len(self.dataset.keys) == 1:
            return str(values[self.dataset.id_column])
        return ":".join("" if values[k] is None else str(values[k]) for k in self.dataset.keys)


def _shown(value: date) -> str:
    return (
        value.isoformat(sep=" ", timespec="minutes")
        if isinstance(value, datetime)
        else value.isoformat()
    )

"""Reading a series for ``safeplan spc --series``: ``date,value[,ghost][,recalculate][,baseline]``.

A row with an empty value is not a point (as a month with no data). Flags
are true/false, yes/no, y/n or 1/0 (empty is false). ``baseline`` marks the
points of the baseline; the last one marked ends it. Every problem is
reported at once.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
>>> _ = path.write_text("date,value,ghost\\n2019-04-01,5,\\n2019-05,7,yes\\n")
>>> [(p.month.isoformat(), p.value, p.ghost) for p in read_series(path)]
[('2019-04-01', 5.0, False), ('2019-05-01', 7.0, True)]
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from pathlib import Path

from safeplan.engine.spc import SpcPoint
from safeplan.imports.readers import ReadError, open_table
from safeplan.imports.values import Cell, cell_text

COLUMNS = ("date", "value", "ghost", "recalculate", "baseline")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0", ""}


class SeriesError(ValueError):
    """A series file that cannot be charted; the message lists every problem."""


def _date(cell: Cell) -> dt.date:
    """A spreadsheet date, ISO text (``2019-04-01``, ``2019-04``, a date-time) or ``01/04/2019``."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = cell_text(cell)
    for parse in (_iso_month, dt.date.fromisoformat, _iso_datetime, _uk_date):
        try:
            return parse(text)
        except ValueError:
            continue
    raise ValueError(f'"{text}" is not a date such as 2019-04-01, 2019-04 or 01/04/2019')


def _iso_month(text: str) -> dt.date:
    if len(text) != 7:
        raise ValueError(text)
    return dt.date.fromisoformat(text + "-01")


def _iso_datetime(text: str) -> dt.date:
    return dt.datetime.fromisoformat(text).date()


def _uk_date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


def _value(text: str) -> float | None:
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f'"{text}" is not a number') from None
    if not math.isfinite(number):
        raise ValueError(f'"{text}" is not a finite number')
    return number


def _flag(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE | _FALSE:
        return lowered in _TRUE
    raise ValueError(f'"{text}" is not true/false, yes/no or 1/0')


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[str] = []

    def header(self, cells: list[Cell]) -> dict[str, int]:
        names = [cell_text(c).lower() for c in cells]
        for name in names:
            if name not in COLUMNS:
                self.problems.append(f'column "{name}" is unknown (allowed: {", ".join(COLUMNS)})')
        for name in ("date", "value"):
            if name not in names:
                self.problems.append(f'column "{name}" is missing')
        return {n: i for i, n in enumerate(names) if n in COLUMNS}

    def row(self, number: int, cells: list[Cell], columns: dict[str, int]) -> SpcPoint | None:
        def raw(name: str) -> Cell:
            at = columns.get(name)
            return cells[at] if at is not None and at < len(cells) else None

        def get(name: str) -> str:
            return cell_text(raw(name))

        try:
            day, value = _date(raw("date")), _value(get("value"))
            ghost, recalc, base = (_flag(get(n)) for n in ("ghost", "recalculate", "baseline"))
        except ValueError as exc:
            self.problems.append(f"row {number}: {exc}")
            return None
        if value is None:
            return None
        return SpcPoint(month=day, value=value, ghost=ghost, recalculate=recalc, baseline_end=base)


def read_series(path: Path) -> list[SpcPoint]:
    """The series' points in date order; SeriesError lists every problem found."""
    reader = _Reader(path.name)
    points: list[SpcPoint] = []
    try:
        with open_table(path) as table:
            columns = reader.header(list(table.header))
            if not reader.problems:
                for number, cells in table.rows:
                    point = reader.row(number, list(cells), columns)
                    if point is not None:
                        points.append(point)
    except ReadError as exc:
        reader.problems.append(exc.message)
    points.sort(key=lambda p: p.month)
    for before, after in itertools.pairwise(points):
        if before.month == after.month:
            reader.problems.append(f"{after.month} appears twice")
    if reader.problems:
        raise SeriesError(f"{path.name}: " + "; ".join(reader.problems))
    return _baseline_at_last(points)


def _baseline_at_last(points: list[SpcPoint]) -> list[SpcPoint]:
    """``baseline`` marks the baseline's points; only the last of them ends it."""
    marked = [i for i, p in enumerate(points) if p.baseline_end]
    last = marked[-1] if marked else None
    return [
        p
        if p.baseline_end == (i == last)
        else SpcPoint(p.month, p.value, p.ghost, p.recalculate, i == last, p.note)
        for i, p in enumerate(points)
    ]

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


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text + "-01" if len(text) == 7 else text)
    except ValueError:
        raise ValueError(f'"{text}" is not a date such as 2019-04-01 or 2019-04') from None


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
        def get(name: str) -> str:
            at = columns.get(name)
            return cell_text(cells[at]) if at is not None and at < len(cells) else ""

        try:
            day, value = _date(get("date")), _value(get("value"))
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

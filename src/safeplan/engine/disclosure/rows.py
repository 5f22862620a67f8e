"""Disclosure for rows shaped like `safeplan results` prints them, for the pack, the XLSX and the API.

Each row is a mapping with the columns measure, period, breakdown, group,
value, numerator, denominator and status (others are kept as they are);
figures are text as the CSV prints them or numbers as its JSON does, empty
or None when there are none.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from safeplan.engine.disclosure.shapes import FIGURES
from safeplan.engine.disclosure.structure import Cell, Figures
from safeplan.engine.disclosure.table import Disclosure, Parameters, disclose

SUPPRESSED = "c"
KEYS = ("measure", "period", "breakdown", "group")
RULE_TEXT = (
    "Counts of 1 to 5 are shown as c, and so is any percentage or mean whose numerator "
    "or denominator is 1 to 5 (primary suppression). Further figures are shown as c "
    "where the totals, breakdowns and periods published with them would otherwise "
    "reveal a suppressed figure (secondary suppression). Zeros are shown."
)

Row = Mapping[str, object]


def rows_disclosure(rows: Sequence[Row], *, parameters: Parameters | None = None) -> Disclosure:
    """The rule for every figure of `rows` (see `disclose` for what the rows must hold)."""
    return disclose(
        [_figures(i, row) for i, row in enumerate(rows, start=1)], parameters=parameters
    )


def apply_disclosure(rows: Sequence[Row], disclosure: Disclosure) -> list[dict[str, object]]:
    """The rows with each suppressed figure replaced by ``c``, in the order given."""
    published = []
    for row in rows:
        out = dict(row)
        key = [str(row[k] or "") for k in KEYS]
        for figure in FIGURES:
            if disclosure.suppressed(Cell(key[0], figure, key[1], key[2], key[3])):
                out[figure] = SUPPRESSED
        published.append(out)
    return published


def disclose_rows(
    rows: Sequence[Row], *, parameters: Parameters | None = None
) -> list[dict[str, object]]:
    """`rows` as they may be published: suppressed figures replaced by ``c``."""
    return apply_disclosure(rows, rows_disclosure(rows, parameters=parameters))


def _figures(number: int, row: Row) -> Figures:
    missing = [c for c in (*KEYS, *FIGURES) if c not in row]
    if missing:
        raise ValueError(f"row {number}: no column {', '.join(missing)}")
    measure, period, breakdown, group = (str(row[k] or "") for k in KEYS)
    numbers = [_number(number, column, row[column]) for column in FIGURES]
    return Figures(measure, period, breakdown, group, *numbers)


def _number(number: int, column: str, value: object) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"row {number}: column {column}: {value!r} is not a number")
    try:
        parsed = float(value)
    except ValueError:
        raise ValueError(f"row {number}: column {column}: {value!r} is not a number") from None
    if not math.isfinite(parsed):
        raise ValueError(f"row {number}: column {column}: {value!r} is not a finite number")
    return parsed

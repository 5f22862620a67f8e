"""Read a return's values just far enough to build stable ids and canonical cells.

The importer validates every canonical cell afterwards, so these helpers never
reject: a value they cannot read is handed on as the text it was, and the
canonical rule (R-V02 for a date, R-V05 for a code…) reports it at the
return's own location.

>>> clean_id(" 1234.0 "), iso_date("05/11/2024"), iso_date("2024-11-05T09:30:00"), yes_no("true")
('1234', '2024-11-05', '2024-11-05', 'Y')
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from safeplan.returns.model import Cell, Window

_EXCEL_INTEGER = re.compile(r"^(\d+)\.0+$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")
_YES = frozenset({"y", "yes", "true", "1"})
_NO = frozenset({"n", "no", "false", "0"})


def as_text(cell: Cell) -> str:
    """The cell as a person reads it: trimmed, a whole float without ``.0``, a date in ISO."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


def clean_id(cell: Cell) -> str:
    """An identifier with Excel's ``.0`` removed (``"1234.0"`` → ``"1234"``); leading zeros kept."""
    text = as_text(cell)
    excel = _EXCEL_INTEGER.match(text)
    return excel.group(1) if excel else text


def code(cell: Cell) -> str:
    """A coded value in upper case; ``"1.0"`` (a number cell) is code ``1``."""
    return clean_id(cell).upper()


def as_date(cell: Cell) -> date | None:
    """A date from a date cell, ``YYYY-MM-DD`` (time ignored) or ``DD/MM/YYYY``; else ``None``."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = as_text(cell)
    match = _ISO_PREFIX.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    elif match := _UK.match(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def iso_date(cell: Cell) -> str:
    """The date in ISO when it reads as one, else the text as it was (for the validator to name)."""
    value = as_date(cell)
    return value.isoformat() if value else as_text(cell)


def yes_no(cell: Cell) -> str:
    """``Y``/``N`` from ``true``/``false``, ``1``/``0``, ``yes``/``no`` (any case); else the text."""
    if isinstance(cell, bool):
        return "Y" if cell else "N"
    text = clean_id(cell)
    if text.lower() in _YES:
        return "Y"
    if text.lower() in _NO:
        return "N"
    return text


def year_ending(reference: date) -> Window:
    """The year to ``reference``: a year earlier plus one day (from 28 February for a 29th).

    >>> year_ending(date(2020, 3, 31))
    (datetime.date(2019, 4, 1), datetime.date(2020, 3, 31))
    """
    try:
        year_before = reference.replace(year=reference.year - 1)
    except ValueError:
        year_before = reference.replace(year=reference.year - 1, day=28)
    return (year_before + timedelta(days=1), reference)

"""Cell values to typed values, exactly as the "Value formats" table of `datasets.md` says.

A cell is what a reader hands over: text from a CSV file, or whatever openpyxl
gives for an XLSX cell (text, a number, a bool, a date or date-time). Each
parser returns the stored value or raises `InvalidValue` with a rule id.

>>> parse_id("1234.0")
'1234'
>>> parse_date("05/11/2024")
datetime.date(2024, 11, 5)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from difflib import get_close_matches
from functools import lru_cache
from zoneinfo import ZoneInfo

from safeplan.datasets.schema import ID_MAX_LENGTH, Column, ColumnType

Cell = str | int | float | bool | date | datetime | time | None
Parser = Callable[[Cell], object]

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # what an integer column holds on every database
EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)
_MANGLED_INT = re.compile(r"^(\d+)\.0*$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_CLOCK = r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
_ISO_DATETIME = re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})[T ]{_CLOCK}$")
_UK_DATETIME = re.compile(rf"^(\d{{1,2}})/(\d{{1,2}})/(\d{{4}}) {_CLOCK}$")
_WHOLE = re.compile(r"^[+-]?\d+(\.0*)?$")
_TRUE = frozenset({"y", "yes", "true", "1"})
_FALSE = frozenset({"n", "no", "false", "0"})
_LIST_SEPARATOR = re.compile(r"[;,]")
_CODES_LISTED_IN_FULL = 12


class InvalidValue(ValueError):
    """A cell that does not satisfy one of the value rules (`R-V..`)."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def cell_text(cell: Cell) -> str:
    """The cell as the user would read it, trimmed; numbers lose a spurious ``.0``.

    >>> cell_text(1234.0), cell_text("  a b "), cell_text(None)
    ('1234', 'a b', '')
    """
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, date | time):
        return cell.isoformat()
    return str(cell)


def is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def parse_id(cell: Cell) -> str:
    """Trimmed text; ``"1234.0"`` (an Excel number saved as text) becomes ``"1234"``."""
    text = cell_text(cell)
    mangled = _MANGLED_INT.match(text)
    if mangled:
        text = mangled.group(1)
    if len(text) > ID_MAX_LENGTH:
        raise InvalidValue(
            "R-V07", f"is {len(text)} characters long; ids are at most {ID_MAX_LENGTH}"
        )
    return text


def _text_parser(max_length: int) -> Parser:
    def parse(cell: Cell) -> str:
        text = cell_text(cell)
        if len(text) > max_length:
            raise InvalidValue("R-V09", f"is {len(text)} characters long; at most {max_length}")
        return text

    return parse


def _checked_date(year: int, month: int, day: int, rule: str, what: str) -> date:
    try:
        value = date(year, month, day)
    except ValueError:
        raise InvalidValue(rule, f"is not {what}") from None
    return _in_range(value)


def _in_range(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise InvalidValue("R-V11", f"is outside {EARLIEST.isoformat()} to {LATEST.isoformat()}")
    return value


def parse_date(cell: Cell) -> date:
    """``YYYY-MM-DD``, ``DD/MM/YYYY`` (UK order, never US) or a spreadsheet date cell."""
    if isinstance(cell, datetime):
        return _in_range(cell.date())
    if isinstance(cell, date):
        return _in_range(cell)
    text = cell_text(cell)
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        try:  # the common case, quickly; anything odd falls through to the patterns
            return _in_range(date.fromisoformat(text))
        except ValueError:
            pass
    if match := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in match.groups())
        return _checked_date(year, month, day, "R-V02", "a date")
    if match := _UK_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
        return _checked_date(year, month, day, "R-V02", "a date")
    raise InvalidValue("R-V02", "is not a date; write YYYY-MM-DD or DD/MM/YYYY")


def _clock(groups: Sequence[str | None]) -> time:
    hour, minute, second = (int(g or 0) for g in groups)
    try:
        return time(hour, minute, second)
    except ValueError:
        raise InvalidValue("R-V03", "is not a date and time") from None


def parse_datetime(cell: Cell) -> datetime:
    """A naive local (Europe/London) clock time; a bare date means 00:00.

    >>> parse_datetime("05/11/2024 17:30")
    datetime.datetime(2024, 11, 5, 17, 30)
    """
    if isinstance(cell, datetime):
        _in_range(cell.date())
        return cell.replace(tzinfo=None, microsecond=0)
    if isinstance(cell, date):
        return datetime.combine(_in_range(cell), time())
    text = cell_text(cell)
    if match := _ISO_DATETIME.match(text):
        year, month, day = (int(g) for g in match.groups()[:3])
        day_part = _checked_date(year, month, day, "R-V03", "a date and time")
        return datetime.combine(day_part, _clock(match.groups()[3:]))
    if match := _UK_DATETIME.match(text):
        day, month, year = (int(g) for g in match.groups()[:3])
        day_part = _checked_date(year, month, day, "R-V03", "a date and time")
        return datetime.combine(day_part, _clock(match.groups()[3:]))
    try:
        return datetime.combine(parse_date(text), time())
    except InvalidValue as exc:
        if exc.rule == "R-V11":
            raise
    raise InvalidValue(
        "R-V03", "is not a date and time; write YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM"
    )


LOCAL_ZONE = ZoneInfo("Europe/London")  # the zone of every clock time (datasets.md)


@lru_cache(maxsize=8192)
def _clocks_change_on(day: date) -> bool:
    """Whether the UK offset at the end of `day` differs from the one at the end of the day before."""
    end = datetime.combine(day, time(23, 59), tzinfo=LOCAL_ZONE)
    return end.utcoffset() != (end - timedelta(days=1)).utcoffset()


def clock_time_warning(value: datetime) -> tuple[str, str] | None:
    """Whether a clock time falls in an hour a clock change skips (R-W01) or repeats (R-W02).

    Either way it is stored and compared exactly as written (ADR 0015).

    >>> clock_time_warning(datetime(2025, 3, 30, 1, 19))[0]
    'R-W01'
    >>> clock_time_warning(datetime(2024, 10, 27, 1, 30))[0]
    'R-W02'
    >>> clock_time_warning(datetime(2024, 10, 27, 2, 30)) is None
    True
    """
    if not _clocks_change_on(value.date()):  # the quick answer for all but two days a year
        return None
    first, second = value.replace(tzinfo=LOCAL_ZONE), value.replace(tzinfo=LOCAL_ZONE, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    if first.astimezone(UTC).astimezone(LOCAL_ZONE).replace(tzinfo=None) != value:
        return (
            "R-W01",
            "does not exist in UK time (the clocks went forward an hour); "
            "kept and compared as written",
        )
    return (
        "R-W02",
        "happened twice in UK time (the clocks went back an hour); kept and compared as written",
    )


def parse_flag(cell: Cell) -> bool:
    """``Y``/``N``, ``Yes``/``No``, ``true``/``false``, ``1``/``0`` in any case."""
    if isinstance(cell, bool):
        return cell
    text = cell_text(cell).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidValue("R-V04", "is not a yes/no flag; write Y or N")


def parse_int(cell: Cell) -> int:
    """A whole number that a database integer holds; ``12.0`` is read as 12."""
    if isinstance(cell, bool):
        raise InvalidValue("R-V06", "is not a whole number")
    if isinstance(cell, int):
        value = cell
    elif isinstance(cell, float) and cell.is_integer():
        value = int(cell)
    else:
        text = cell_text(cell)
        if not _WHOLE.match(text):
            raise InvalidValue("R-V06", "is not a whole number")
        value = int(text.split(".")[0])
    if not INT_MIN <= value <= INT_MAX:
        raise InvalidValue(
            "R-V08", f"is out of range; a whole number is from {INT_MIN:,} to {INT_MAX:,}"
        )
    return value


def _unknown_code_message(text: str, column: Column) -> str:
    if len(column.codes) <= _CODES_LISTED_IN_FULL:
        return f"is not one of the codes for {column.name}: {', '.join(column.codes)}"
    close = get_close_matches(text.upper(), column.codes, n=1)
    hint = f"; did you mean `{close[0]}`?" if close else " (the codes are in docs/datasets.md)"
    return f"is not a code for {column.name}{hint}"


def _lookup(column: Column) -> dict[str, str]:
    table = {code.lower(): code for code in column.codes}
    table.update({alias.lower(): code for alias, code in column.aliases.items()})
    return table


def _code_parser(column: Column) -> Parser:
    table = _lookup(column)

    def parse(cell: Cell) -> str:
        text = cell_text(cell)
        code = table.get(text.lower())
        if code is None and (mangled := _MANGLED_INT.match(text)):
            code = table.get(mangled.group(1))  # "4.0" from a numeric cell is code 4
        if code is None:
            raise InvalidValue("R-V05", _unknown_code_message(text, column))
        return code

    return parse


def _code_list_parser(column: Column) -> Parser:
    table = _lookup(column)
    limit = column.max_length or 0

    def parse(cell: Cell) -> str:
        parts = [p.strip() for p in _LIST_SEPARATOR.split(cell_text(cell)) if p.strip()]
        unknown = [p for p in parts if p.lower() not in table]
        if unknown:
            raise InvalidValue("R-V05", f"holds {', '.join(unknown)}, not codes for {column.name}")
        joined = ";".join(dict.fromkeys(table[p.lower()] for p in parts))
        if len(joined) > limit:
            raise InvalidValue("R-V09", f"is {len(joined)} characters long; at most {limit}")
        return joined

    return parse


def _ranged(parse: Parser, column: Column) -> Parser:
    low, high = column.min_value, column.max_value

    def parse_in_range(cell: Cell) -> object:
        value = parse(cell)
        assert isinstance(value, int)
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise InvalidValue("R-V08", f"is out of range; {column.name} must be {bounds}")
        return value

    return parse_in_range


def _locality_parser(parse: Parser, localities: Sequence[str]) -> Parser:
    table = {name.lower(): name for name in localities}

    def parse_locality(cell: Cell) -> object:
        text = parse(cell)
        assert isinstance(text, str)
        if text.lower() not in table:
            raise InvalidValue("R-V10", f"is not one of the localities: {', '.join(localities)}")
        return table[text.lower()]

    return parse_locality


_SIMPLE_PARSERS: dict[ColumnType, Parser] = {
    ColumnType.ID: parse_id,
    ColumnType.DATE: parse_date,
    ColumnType.DATETIME: parse_datetime,
    ColumnType.FLAG: parse_flag,
    ColumnType.INT: parse_int,
}


def parser_for(column: Column, *, localities: Sequence[str] = ()) -> Parser:
    """The parser of one column: its type, then its codes, range and localities."""
    if column.type is ColumnType.CODE:
        return _code_parser(column)
    if column.type is ColumnType.CODE_LIST:
        return _code_list_parser(column)
    if column.type is ColumnType.TEXT:
        parse = _text_parser(column.max_length or 0)
    else:
        parse = _SIMPLE_PARSERS[column.type]
    if column.min_value is not None or column.max_value is not None:
        parse = _ranged(parse, column)
    if column.locality and localities:
        parse = _locality_parser(parse, localities)
    return parse

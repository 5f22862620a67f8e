"""Reporting periods and calendar-month arithmetic (`measures.md`, "Periods").

A period is a month (``2018-07``), a financial-year quarter (``2018-19 Q2``,
Q1 = April–June), a financial year (``2018-19``, 1 April – 31 March) or an
explicit inclusive range (``2018-04-01:2018-06-30``).

>>> parse_period("2018-19 Q2")
Period(kind='quarter', start=datetime.date(2018, 7, 1), end=datetime.date(2018, 9, 30), label='2018-19 Q2')
>>> add_months(date(2020, 2, 29), -12)
datetime.date(2019, 2, 28)
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

PeriodKind = Literal["month", "quarter", "year", "range"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("month", "quarter", "year", "range")

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})[-/](\d{2})$")
_QUARTER = re.compile(r"^(\d{4})[-/](\d{2})\s*Q([1-4])$", re.IGNORECASE)
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*:\s*(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True, order=True)
class Period:
    """An inclusive span of calendar dates with its canonical label."""

    kind: PeriodKind
    start: date
    end: date
    label: str

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def add_months(day: date, months: int) -> date:
    """Calendar-month arithmetic, clamping to the month's end.

    >>> add_months(date(2019, 2, 28), -12), add_months(date(2018, 3, 31), -1)
    (datetime.date(2018, 2, 28), datetime.date(2018, 2, 28))
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def financial_year_start(day: date) -> int:
    """The calendar year in which the financial year containing `day` starts."""
    return day.year if day.month >= 4 else day.year - 1


def month(year: int, month_number: int) -> Period:
    start = date(year, month_number, 1)
    end = date(year, month_number, calendar.monthrange(year, month_number)[1])
    return Period("month", start, end, f"{year:04d}-{month_number:02d}")


def _fy_label(start_year: int) -> str:
    return f"{start_year:04d}-{(start_year + 1) % 100:02d}"


def financial_year(start_year: int) -> Period:
    """1 April `start_year` – 31 March the next year."""
    return Period(
        "year", date(start_year, 4, 1), date(start_year + 1, 3, 31), _fy_label(start_year)
    )


def quarter(start_year: int, number: int) -> Period:
    """Quarter `number` (1–4) of the financial year starting in `start_year`."""
    if not 1 <= number <= 4:
        raise ValueError(f"quarter must be 1–4, not {number}")
    start = add_months(date(start_year, 4, 1), 3 * (number - 1))
    end = add_months(start, 3) - timedelta(days=1)
    return Period("quarter", start, end, f"{_fy_label(start_year)} Q{number}")


def date_range(start: date, end: date) -> Period:
    if end < start:
        raise ValueError(f"range ends ({end}) before it starts ({start})")
    return Period("range", start, end, f"{start.isoformat()}:{end.isoformat()}")


def _fy_start_from(first: str, second: str, label: str) -> int:
    year = int(first)
    if (year + 1) % 100 != int(second):
        raise ValueError(f"{label!r}: a financial year is written like 2018-19")
    return year


def parse_period(label: str) -> Period:
    """Parse a period label; raise ValueError with the accepted forms otherwise."""
    text = label.strip()
    try:
        if (match := _MONTH.match(text)) and 1 <= int(match[2]) <= 12:
            # 2000-01 … 2011-12 read as months; write those financial years 2011/12.
            return month(int(match[1]), int(match[2]))
        if match := _YEAR.match(text):
            return financial_year(_fy_start_from(match[1], match[2], label))
        if match := _QUARTER.match(text):
            return quarter(_fy_start_from(match[1], match[2], label), int(match[3]))
        if match := _RANGE.match(text):
            return date_range(date.fromisoformat(match[1]), date.fromisoformat(match[2]))
    except ValueError as exc:
        raise ValueError(f"{label!r} is not a period: {exc}") from None
    raise ValueError(
        f"{label!r} is not a period; use 2018-07, 2018-19 Q2, 2018-19 or 2018-04-01:2018-06-30"
    )


def period_of(kind: PeriodKind, day: date) -> Period:
    """The month, quarter or financial year containing `day`."""
    if kind == "month":
        return month(day.year, day.month)
    fy = financial_year_start(day)
    if kind == "year":
        return financial_year(fy)
    if kind == "quarter":
        return quarter(fy, (day.month - 4) % 12 // 3 + 1)
    raise ValueError("a range is not determined by one day")


def _iter_kind(kind: PeriodKind, start: date, end: date) -> Iterator[Period]:
    current = period_of(kind, start)
    while current.start <= end:
        if current.start >= start and current.end <= end:
            yield current
        current = next_period(current)


def periods_between(
    start: date, end: date, kinds: Sequence[PeriodKind] = ("month", "quarter", "year")
) -> list[Period]:
    """Every whole period of `kinds` lying entirely inside [start, end].

    Ordered by kind (in the order given), then by start. A period only
    partly inside the span is left out, so a span starting 2018-04-15 has no
    month 2018-04.

    >>> [p.label for p in periods_between(date(2018, 4, 1), date(2018, 6, 30))]
    ['2018-04', '2018-05', '2018-06', '2018-19 Q1']
    """
    return [p for kind in kinds if kind != "range" for p in _iter_kind(kind, start, end)]


def next_period(period: Period) -> Period:
    """The period of the same kind (a range: the same length) immediately after."""
    if period.kind == "range":
        length = timedelta(days=period.days)
        return date_range(period.start + length, period.end + length)
    return period_of(period.kind, period.end + timedelta(days=1))


def previous(period: Period) -> Period:
    """The period of the same kind (a range: the same length) immediately before."""
    if period.kind == "range":
        length = timedelta(days=period.days)
        return date_range(period.start - length, period.end - length)
    return period_of(period.kind, period.start - timedelta(days=1))


def year_earlier(period: Period) -> Period:
    """The same period twelve calendar months earlier (a range: both bounds moved)."""
    if period.kind == "range":
        return date_range(add_months(period.start, -12), add_months(period.end, -12))
    return period_of(period.kind, add_months(period.start, -12))

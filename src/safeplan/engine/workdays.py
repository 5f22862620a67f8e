"""Working days: Monday–Friday except England and Wales bank holidays.

Bank holidays come from the maintained `holidays` package (United Kingdom,
subdivision England, which Wales shares), for 1970–2100, including the
one-off days (2022's jubilee and state funeral, 2023's coronation). The
calendar is built once and cached; columns are shifted with numpy's business
day arithmetic, never a Python loop.

>>> add_working_days(date(2018, 12, 24), 1)  # Christmas Eve → the 27th, past two bank holidays
datetime.date(2018, 12, 27)
>>> add_working_days(date(2019, 6, 1), 1)  # a Saturday: the Monday is working day 1
datetime.date(2019, 6, 3)
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Literal

import holidays
import numpy as np
import polars as pl

FIRST_YEAR = 1970
LAST_YEAR = 2100


@lru_cache(maxsize=1)
def bank_holidays() -> tuple[date, ...]:
    """England and Wales bank holidays, sorted."""
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=range(FIRST_YEAR, LAST_YEAR + 1))
    return tuple(sorted(calendar.keys()))


@lru_cache(maxsize=1)
def _busday_calendar() -> np.busdaycalendar:
    days = np.array(bank_holidays(), dtype="datetime64[D]")
    return np.busdaycalendar(weekmask="1111100", holidays=days)


def is_working_day(day: date) -> bool:
    return bool(np.is_busday(np.datetime64(day, "D"), busdaycal=_busday_calendar()))


def _offset(days: np.ndarray, n: int) -> np.ndarray:
    # The start day is day 0 and never counts: rolling a non-working start
    # back to the previous working day makes the next working day number 1.
    # Going backwards the roll is forwards, for the same reason.
    if n == 0:
        return days
    roll: Literal["backward", "forward"] = "backward" if n > 0 else "forward"
    result: np.ndarray = np.busday_offset(days, n, roll=roll, busdaycal=_busday_calendar())
    return result


def add_working_days(day: date, n: int) -> date:
    """The `n`-th working day after `day` (before it when `n` < 0); `day` itself is day 0."""
    result = _offset(np.array([day], dtype="datetime64[D]"), n)[0]
    return date.fromisoformat(str(result))


def add_working_days_series(days: pl.Series, n: int) -> pl.Series:
    """`add_working_days` over a Date column; nulls stay null."""
    mask = days.is_null()
    filled = days.fill_null(date(2000, 1, 3)).to_numpy().astype("datetime64[D]")
    shifted = pl.Series(days.name, _offset(filled, n), dtype=pl.Date)
    return pl.select(pl.when(mask.not_()).then(shifted)).to_series().alias(days.name)


def add_working_days_expr(column: str, n: int) -> pl.Expr:
    """An expression shifting a Date column by `n` working days."""
    return pl.col(column).map_batches(lambda s: add_working_days_series(s, n), return_dtype=pl.Date)

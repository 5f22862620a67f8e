"""Days as whole numbers, financial years and working days, for vectorised simulation.

The generator keeps every date as an ``int64`` count of days since
1970-01-01 (and times as minutes), so that numpy can move whole cohorts of
children at once; the writer turns them back into dates.

>>> day_number(date(1970, 1, 2))
1
>>> int(fy_index(np.array([day_number(date(2018, 3, 31)), day_number(date(2018, 4, 1))]))[1])
2
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import holidays
import numpy as np
import numpy.typing as npt

from safeplan.demo.county import FINANCIAL_YEARS

Days = npt.NDArray[np.int64]
EPOCH = date(1970, 1, 1)
DAYS_PER_YEAR = 365.25
MINUTES_PER_DAY = 1440


def day_number(value: date) -> int:
    """Days since 1970-01-01."""
    return (value - EPOCH).days


def years(n: float) -> int:
    """An approximate span of ``n`` years in days (ages need no better)."""
    return round(n * DAYS_PER_YEAR)


_FY_BOUNDS = np.array([day_number(date(y, 4, 1)) for y in FINANCIAL_YEARS[1:]], dtype=np.int64)


def fy_index(days: npt.ArrayLike) -> npt.NDArray[np.intp]:
    """Index of the demo financial year holding each day: 0 for 2016-17 (and before) … 3."""
    return np.searchsorted(_FY_BOUNDS, np.asarray(days), side="right")


def by_year(values: Sequence[float], days: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """The per-financial-year parameter in force on each day."""
    return np.asarray(values, dtype=np.float64)[fy_index(days)]


class WorkingDays:
    """England and Wales working days (no weekends, no bank holidays).

    ``add(start, n)`` is the n-th working day after ``start``, the start being
    day 0 even when it is not itself a working day (Saturday + 1 = Monday), as
    measure M11 counts them.
    """

    def __init__(self, first_year: int, last_year: int) -> None:
        calendar = holidays.country_holidays(
            "GB", subdiv="ENG", years=range(first_year, last_year + 1)
        )
        self._holidays = np.array(sorted(calendar), dtype="datetime64[D]")

    def add(self, start: npt.ArrayLike, n: npt.ArrayLike) -> Days:
        dates = np.asarray(start, dtype=np.int64).astype("datetime64[D]")
        moved = np.busday_offset(
            dates, np.asarray(n, dtype=np.int64), roll="backward", holidays=self._holidays
        )
        return moved.astype(np.int64)

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeplan.engine.workdays import (
    add_working_days,
    add_working_days_expr,
    add_working_days_series,
    bank_holidays,
    is_working_day,
)


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        # a Monday: day 1 is the Tuesday
        (date(2019, 6, 3), 1, date(2019, 6, 4)),
        # a Saturday is day 0; the Monday is day 1
        (date(2019, 6, 1), 1, date(2019, 6, 3)),
        # a Sunday too
        (date(2019, 6, 2), 1, date(2019, 6, 3)),
        # a Friday: the weekend does not count
        (date(2019, 6, 7), 1, date(2019, 6, 10)),
        # four clear weeks without holidays
        (date(2019, 6, 3), 20, date(2019, 7, 1)),
        # Christmas Day and Boxing Day 2018 are bank holidays
        (date(2018, 12, 24), 1, date(2018, 12, 27)),
        # Easter 2019: Good Friday 19 April and Easter Monday 22 April
        (date(2019, 4, 18), 1, date(2019, 4, 23)),
        # 20 working days spanning Easter 2019
        (date(2019, 4, 1), 20, date(2019, 5, 1)),
        # the Queen's state funeral, 19 September 2022, a one-off bank holiday
        (date(2022, 9, 16), 1, date(2022, 9, 20)),
        # the coronation bank holiday, 8 May 2023, after the early May one on the 1st
        (date(2023, 4, 28), 5, date(2023, 5, 9)),
        # a start on a bank holiday: the next working day is day 1
        (date(2019, 12, 25), 1, date(2019, 12, 27)),
        # New Year's Day 2022 was a Saturday: the substitute day is 3 January
        (date(2021, 12, 31), 1, date(2022, 1, 4)),
        # leap day 2020 is a Saturday
        (date(2020, 2, 29), 1, date(2020, 3, 2)),
        # zero is the day itself, backwards counts back
        (date(2019, 6, 1), 0, date(2019, 6, 1)),
        (date(2019, 6, 3), -1, date(2019, 5, 31)),
        (date(2018, 12, 27), -1, date(2018, 12, 24)),
    ],
)
def test_it_counts_working_days_after_day_zero(day, n, expected):
    assert add_working_days(day, n) == expected


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2019, 6, 3), True),
        (date(2019, 6, 1), False),  # Saturday
        (date(2019, 5, 27), False),  # spring bank holiday
        (date(2020, 5, 8), False),  # VE day moved the early May bank holiday in 2020
        (date(2020, 5, 4), True),  # ... so the first Monday of May 2020 was a working day
        (date(2015, 8, 31), False),  # summer bank holiday 2015, the first year covered
    ],
)
def test_it_knows_england_and_wales_working_days(day, working):
    assert is_working_day(day) is working


def test_the_calendar_covers_2015_onwards():
    years = {d.year for d in bank_holidays()}
    assert set(range(2015, 2031)) <= years


def test_a_column_shifts_like_single_days_and_keeps_nulls():
    days = [date(2019, 6, 1), None, date(2018, 12, 21), date(2020, 2, 29)]
    shifted = add_working_days_series(pl.Series("d", days, dtype=pl.Date), 20)
    assert shifted.to_list() == [None if d is None else add_working_days(d, 20) for d in days]
    frame = pl.DataFrame({"d": days}, schema={"d": pl.Date})
    assert frame.select(add_working_days_expr("d", 20)).to_series().to_list() == shifted.to_list()


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)), st.integers(1, 40))
def test_the_nth_working_day_is_n_working_days_after_day_zero(day, n):
    result = add_working_days(day, n)
    assert is_working_day(result)
    between = [day + timedelta(days=k) for k in range(1, (result - day).days + 1)]
    assert sum(is_working_day(d) for d in between) == n

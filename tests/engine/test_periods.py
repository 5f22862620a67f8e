from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeplan.engine.periods import (
    Period,
    add_months,
    financial_year_start,
    next_period,
    parse_period,
    period_of,
    periods_between,
    previous,
    year_earlier,
)


@pytest.mark.parametrize(
    ("label", "kind", "start", "end", "canonical"),
    [
        ("2018-07", "month", date(2018, 7, 1), date(2018, 7, 31), "2018-07"),
        # February of a leap year ends on the 29th
        ("2020-02", "month", date(2020, 2, 1), date(2020, 2, 29), "2020-02"),
        # Q1 is April–June
        ("2018-19 Q1", "quarter", date(2018, 4, 1), date(2018, 6, 30), "2018-19 Q1"),
        ("2018-19 Q2", "quarter", date(2018, 7, 1), date(2018, 9, 30), "2018-19 Q2"),
        # Q4 is January–March of the following calendar year
        ("2018-19 Q4", "quarter", date(2019, 1, 1), date(2019, 3, 31), "2018-19 Q4"),
        ("2018-19", "year", date(2018, 4, 1), date(2019, 3, 31), "2018-19"),
        # the century boundary: 1999-00
        ("1999-00", "year", date(1999, 4, 1), date(2000, 3, 31), "1999-00"),
        # a slash and lower case are accepted, the label is canonical
        ("2018/19 q3", "quarter", date(2018, 10, 1), date(2018, 12, 31), "2018-19 Q3"),
        (
            "2018-04-01:2018-06-30",
            "range",
            date(2018, 4, 1),
            date(2018, 6, 30),
            "2018-04-01:2018-06-30",
        ),
        # a one-day range
        ("2019-03-31:2019-03-31", "range", date(2019, 3, 31), date(2019, 3, 31), None),
        # 2011-12 reads as a month (December 2011); the financial year is 2011/12
        ("2011-12", "month", date(2011, 12, 1), date(2011, 12, 31), "2011-12"),
        ("2011/12", "year", date(2011, 4, 1), date(2012, 3, 31), "2011-12"),
    ],
)
def test_it_parses_every_period_form(label, kind, start, end, canonical):
    period = parse_period(label)
    assert (period.kind, period.start, period.end) == (kind, start, end)
    assert period.label == (canonical or label)


@pytest.mark.parametrize(
    "label",
    [
        "2018-13",  # no month 13
        "2018-20",  # a financial year must run into the next year
        "2018-19 Q5",  # four quarters only
        "2018-06-30:2018-04-01",  # a range ending before it starts
        "2018-02-30:2018-03-01",  # not a calendar date
        "July 2018",
        "",
    ],
)
def test_it_rejects_malformed_labels_with_the_accepted_forms(label):
    with pytest.raises(ValueError, match="not a period"):
        parse_period(label)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2019, 2, 28), -12, date(2018, 2, 28)),
        # 29 February minus 12 months clamps to the 28th
        (date(2020, 2, 29), -12, date(2019, 2, 28)),
        # month ends clamp going forwards too
        (date(2018, 1, 31), 1, date(2018, 2, 28)),
        (date(2019, 8, 31), -18, date(2018, 2, 28)),
        (date(2018, 3, 31), -1, date(2018, 2, 28)),
        # across years both ways
        (date(2018, 12, 15), 1, date(2019, 1, 15)),
        (date(2019, 1, 15), -1, date(2018, 12, 15)),
        (date(2016, 2, 29), 48, date(2020, 2, 29)),
        (date(2018, 5, 5), 0, date(2018, 5, 5)),
    ],
)
def test_it_adds_calendar_months_clamping_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_it_lists_whole_periods_inside_a_span_by_kind_then_start():
    labels = [p.label for p in periods_between(date(2018, 4, 1), date(2019, 3, 31))]
    assert labels[:3] == ["2018-04", "2018-05", "2018-06"]
    assert len(labels) == 12 + 4 + 1
    assert labels[12:] == ["2018-19 Q1", "2018-19 Q2", "2018-19 Q3", "2018-19 Q4", "2018-19"]


def test_it_leaves_out_periods_only_partly_inside_the_span():
    periods = periods_between(date(2018, 4, 15), date(2018, 9, 30))
    assert [p.label for p in periods] == [
        "2018-05",
        "2018-06",
        "2018-07",
        "2018-08",
        "2018-09",
        "2018-19 Q2",
    ]


def test_it_lists_only_the_kinds_asked_for():
    periods = periods_between(date(2017, 4, 1), date(2019, 3, 31), kinds=("year",))
    assert [p.label for p in periods] == ["2017-18", "2018-19"]


@pytest.mark.parametrize(
    ("label", "before", "year_before", "after"),
    [
        ("2018-01", "2017-12", "2017-01", "2018-02"),
        ("2018-19 Q1", "2017-18 Q4", "2017-18 Q1", "2018-19 Q2"),
        ("2018-19", "2017-18", "2017-18", "2019-20"),
        # a range moves by its own length; a year earlier clamps 29 February
        (
            "2020-02-01:2020-02-29",
            "2020-01-03:2020-01-31",
            "2019-02-01:2019-02-28",
            "2020-03-01:2020-03-29",
        ),
    ],
)
def test_it_steps_to_neighbouring_periods(label, before, year_before, after):
    period = parse_period(label)
    assert previous(period).label == before
    assert year_earlier(period).label == year_before
    assert next_period(period).label == after


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2019, 3, 31), 2018), (date(2019, 4, 1), 2019), (date(2020, 1, 1), 2019)],
)
def test_it_finds_the_financial_year_of_a_day(day, expected):
    assert financial_year_start(day) == expected


def test_the_period_containing_a_day_contains_it():
    day = date(2020, 2, 29)
    for kind in ("month", "quarter", "year"):
        period = period_of(kind, day)
        assert isinstance(period, Period)
        assert period.contains(day)
    with pytest.raises(ValueError, match="range"):
        period_of("range", day)


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=date(2012, 4, 1), max_value=date(2099, 12, 31)),
    st.sampled_from(["month", "quarter", "year"]),
)
def test_a_periods_label_parses_back_to_it_and_its_neighbours_touch_it(day, kind):
    period = period_of(kind, day)
    assert parse_period(period.label) == period
    assert previous(period).end + timedelta(days=1) == period.start
    assert next_period(period).start - timedelta(days=1) == period.end
    assert year_earlier(period).kind == kind

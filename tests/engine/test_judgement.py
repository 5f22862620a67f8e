"""RAG, direction of travel, benchmarks and action RAG (scorecard.md)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeplan.engine.catalogue import Direction
from safeplan.engine.judgement import (
    Target,
    action_rag,
    benchmark_comparison,
    direction_of_travel,
    rag,
    target_in_force,
)
from safeplan.engine.stats import Interval

INC, RED, TRACK = Direction.INCREASE, Direction.REDUCE, Direction.TRACK
APRIL_2018 = date(2018, 4, 1)


def target(value: float, tolerance: float = 5.0, *, percent: bool = False) -> Target:
    return Target(
        value=value, tolerance=tolerance, tolerance_is_percent=percent, effective_from=APRIL_2018
    )


@pytest.mark.parametrize(
    ("value", "tgt", "direction", "expected"),
    [
        # increase: on the target is green
        (75.0, target(75), INC, "green"),
        (80.0, target(75), INC, "green"),
        # increase: on target − tolerance is amber
        (70.0, target(75), INC, "amber"),
        (72.0, target(75), INC, "amber"),
        # compared at full precision: 69.99 would display as 70.0 but is red
        (69.99, target(75), INC, "red"),
        # reduce mirrors: on target green, on target + tolerance amber, beyond red
        (20.0, target(20, 2), RED, "green"),
        (22.0, target(20, 2), RED, "amber"),
        (22.0001, target(20, 2), RED, "red"),
        (10.0, target(20, 2), RED, "green"),
        # tolerance as a percentage of the target: 10% of 80 = 8
        (72.0, target(80, 10, percent=True), INC, "amber"),
        (71.9, target(80, 10, percent=True), INC, "red"),
        # zero tolerance: anything short of the target is red
        (74.9, target(75, 0), INC, "red"),
        # no target, no data, NaN or a track measure: not rated
        (75.0, None, INC, "not rated"),
        (None, target(75), INC, "not rated"),
        (float("nan"), target(75), INC, "not rated"),
        (75.0, target(75), TRACK, "not rated"),
    ],
)
def test_it_rates_a_value_against_its_target(
    value: float | None, tgt: Target | None, direction: Direction, expected: str
) -> None:
    assert rag(value, tgt, direction) == expected


def test_a_target_rejects_a_negative_tolerance_and_a_backwards_range() -> None:
    with pytest.raises(ValueError, match="tolerance"):
        Target(value=1.0, tolerance=-1.0, effective_from=APRIL_2018)
    with pytest.raises(ValueError, match="before it starts"):
        Target(value=1.0, effective_from=APRIL_2018, effective_to=date(2018, 3, 31))


OLD = Target(value=60.0, effective_from=date(2017, 4, 1), effective_to=date(2019, 3, 31))
NEW = Target(value=70.0, effective_from=date(2019, 4, 1))
QUARTERLY = Target(value=30.0, effective_from=date(2017, 4, 1), period_kind="quarter")
MONTHLY = Target(value=10.0, effective_from=date(2017, 4, 1), period_kind="month")


@pytest.mark.parametrize(
    ("period_end", "kind", "count", "whole_area", "expected"),
    [
        # the target in force at the period's end applies
        (date(2019, 3, 31), "quarter", False, True, OLD),
        (date(2019, 6, 30), "quarter", False, True, NEW),
        # a quarter straddling a change takes the one in force at its end
        (date(2019, 4, 30), "month", False, True, NEW),
        # before any target: none
        (date(2017, 3, 31), "month", False, True, None),
        # a locality is rated against the same target as the whole area
        (date(2019, 6, 30), "quarter", False, False, NEW),
    ],
)
def test_it_finds_the_target_in_force_at_the_period_end(
    period_end: date, kind: str, count: bool, whole_area: bool, expected: Target | None
) -> None:
    assert (
        target_in_force([OLD, NEW], period_end, kind, count_measure=count, whole_area=whole_area)
        == expected
    )


@pytest.mark.parametrize(
    ("kind", "whole_area", "expected"),
    [
        # a count target applies only to its own period kind
        ("quarter", True, QUARTERLY),
        ("month", True, MONTHLY),
        ("financial year", True, None),
        # count targets rate the whole area only
        ("quarter", False, None),
    ],
)
def test_a_count_target_applies_only_to_its_period_kind_and_the_whole_area(
    kind: str, whole_area: bool, expected: Target | None
) -> None:
    found = target_in_force(
        [QUARTERLY, MONTHLY], date(2018, 6, 30), kind, count_measure=True, whole_area=whole_area
    )
    assert found == expected


def test_the_latest_starting_target_wins_where_two_are_in_force() -> None:
    open_old = Target(value=60.0, effective_from=date(2017, 4, 1))
    assert target_in_force([NEW, open_old], date(2019, 6, 30), "quarter") == NEW


A = Interval(10.0, 20.0)


@pytest.mark.parametrize(
    ("current", "previous", "direction", "expected"),
    [
        # clearly higher: improving for increase, worsening for reduce, higher for track
        (Interval(21.0, 30.0), A, INC, "improving"),
        (Interval(21.0, 30.0), A, RED, "worsening"),
        (Interval(21.0, 30.0), A, TRACK, "higher"),
        # clearly lower
        (Interval(1.0, 9.0), A, INC, "worsening"),
        (Interval(1.0, 9.0), A, RED, "improving"),
        (Interval(1.0, 9.0), A, TRACK, "lower"),
        # intervals that touch overlap: no significant change
        (Interval(20.0, 30.0), A, INC, "no significant change"),
        (Interval(5.0, 10.0), A, RED, "no significant change"),
        # overlapping: no significant change, also for track measures
        (Interval(15.0, 25.0), A, TRACK, "no significant change"),
        # a missing interval: significance cannot be judged
        (None, A, INC, "not available"),
        (A, None, INC, "not available"),
    ],
)
def test_it_judges_direction_of_travel_by_non_overlapping_intervals(
    current: Interval | None, previous: Interval | None, direction: Direction, expected: str
) -> None:
    assert direction_of_travel(current, previous, 1.0, 2.0, direction) == expected


def test_direction_of_travel_is_not_available_without_both_values() -> None:
    assert direction_of_travel(A, A, None, 2.0, INC) == "not available"
    assert direction_of_travel(A, A, 1.0, None, INC) == "not available"


@pytest.mark.parametrize(
    ("comparator", "direction", "expected"),
    [
        # inside the area's interval, ends included: similar
        (15.0, INC, "similar"),
        (10.0, INC, "similar"),
        (20.0, RED, "similar"),
        # comparator below the area's interval: the area is higher
        (9.9, INC, "better"),
        (9.9, RED, "worse"),
        (9.9, TRACK, "higher"),
        # comparator above: the area is lower
        (20.1, INC, "worse"),
        (20.1, RED, "better"),
        (20.1, TRACK, "lower"),
        # no comparator value
        (None, INC, "not compared"),
    ],
)
def test_it_compares_with_a_benchmark_as_fingertips(
    comparator: float | None, direction: Direction, expected: str
) -> None:
    assert benchmark_comparison(A, comparator, direction) == expected


def test_a_benchmark_is_not_compared_without_the_areas_interval() -> None:
    assert benchmark_comparison(None, 12.0, INC) == "not compared"


HUNDRED_DAYS = (date(2019, 1, 1), date(2019, 4, 11))  # 100 days


@pytest.mark.parametrize(
    ("status", "percent", "as_at", "expected"),
    [
        ("complete", 40.0, date(2019, 9, 1), "complete"),
        # deferred and ongoing are never rated
        ("deferred", 0.0, date(2019, 2, 1), "not rated"),
        ("ongoing", 10.0, date(2019, 2, 1), "not rated"),
        # before the start date
        ("not started", 0.0, date(2018, 12, 31), "not started"),
        ("in progress", 50.0, date(2018, 12, 31), "not started"),
        # past the due date and not complete: red whatever the %
        ("in progress", 99.0, date(2019, 4, 12), "red"),
        # on the start day nothing is expected yet
        ("not started", 0.0, date(2019, 1, 1), "green"),
        # 50 of 100 days elapsed: expected 50%; 45% → 90% performance → green
        ("in progress", 45.0, date(2019, 2, 20), "green"),
        # 35% → exactly 70% → amber; 34.9% → red
        ("in progress", 35.0, date(2019, 2, 20), "amber"),
        ("in progress", 34.9, date(2019, 2, 20), "red"),
        # on the due date 100% is expected
        ("in progress", 90.0, date(2019, 4, 11), "green"),
        ("in progress", 89.0, date(2019, 4, 11), "amber"),
        # no % recorded counts as 0
        ("in progress", None, date(2019, 2, 20), "red"),
    ],
)
def test_it_rates_an_action_by_progress_against_elapsed_time(
    status: str, percent: float | None, as_at: date, expected: str
) -> None:
    start, due = HUNDRED_DAYS
    assert action_rag(status, start, due, percent, as_at) == expected


def test_an_action_due_on_its_start_day_is_expected_complete() -> None:
    day = date(2019, 5, 1)
    assert action_rag("in progress", day, day, 100.0, day) == "green"
    assert action_rag("in progress", day, day, 50.0, day) == "red"


def test_an_action_without_dates_is_not_rated() -> None:
    assert action_rag("in progress", None, date(2019, 5, 1), 10.0, date(2019, 4, 1)) == "not rated"


@pytest.mark.parametrize(
    ("status", "start", "due", "percent", "message"),
    [
        ("started", *HUNDRED_DAYS, 10.0, "unknown action status"),
        ("in progress", HUNDRED_DAYS[1], HUNDRED_DAYS[0], 10.0, "before it starts"),
        ("in progress", *HUNDRED_DAYS, 120.0, "between 0 and 100"),
    ],
)
def test_action_rag_rejects_bad_input(
    status: str, start: date, due: date, percent: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        action_rag(status, start, due, percent, date(2019, 2, 1))


@pytest.mark.parametrize(
    ("value", "tgt", "direction", "expected"),
    [
        # 0.7 − 10% is 0.63 exactly, although 0.7 - 0.07 is 0.6299999… in floating point
        (0.63, target(0.7, 10, percent=True), INC, "amber"),
        # 0.1 + 0.2 is 0.30000000000000004: just over a reduce target of 0.3 + 0 tolerance
        (0.1 + 0.2, target(0.3, 0), RED, "red"),
        (0.3, target(0.1, 0.2), RED, "amber"),
    ],
)
def test_rag_thresholds_are_exact_on_the_numbers_as_written(
    value: float, tgt: Target, direction: Direction, expected: str
) -> None:
    assert rag(value, tgt, direction) == expected


def test_action_performance_on_the_amber_boundary_is_exact() -> None:
    # 30 of 100 days: 30% expected; 21% complete is exactly 70% performance → amber
    start, due = HUNDRED_DAYS
    assert action_rag("in progress", start, due, 21.0, date(2019, 1, 31)) == "amber"
    assert action_rag("in progress", start, due, 27.0, date(2019, 1, 31)) == "green"


# --- properties ------------------------------------------------------------------------------

RANK = {"red": 0, "amber": 1, "green": 2}
finite = st.floats(-1e6, 1e6, allow_nan=False)


@given(finite, finite, finite, st.floats(0, 1e3))
def test_a_better_value_never_gets_a_worse_rag(a: float, b: float, goal: float, tol: float) -> None:
    low, high = sorted((a, b))
    tgt = Target(value=goal, tolerance=tol, effective_from=APRIL_2018)
    assert RANK[rag(high, tgt, INC)] >= RANK[rag(low, tgt, INC)]
    assert RANK[rag(low, tgt, RED)] >= RANK[rag(high, tgt, RED)]


@given(finite, st.floats(0, 1e3), finite, st.floats(0, 1e3))
def test_swapping_the_periods_reverses_the_direction_of_travel(
    a: float, wa: float, b: float, wb: float
) -> None:
    first, second = Interval(a - wa, a + wa), Interval(b - wb, b + wb)
    reverse = {
        "improving": "worsening",
        "worsening": "improving",
        "higher": "lower",
        "lower": "higher",
    }
    for direction in (INC, RED, TRACK):
        forward = direction_of_travel(second, first, b, a, direction)
        backward = direction_of_travel(first, second, a, b, direction)
        assert backward == reverse.get(forward, forward)

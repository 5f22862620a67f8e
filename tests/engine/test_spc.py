"""The Making Data Count XmR engine: lines, every special cause rule and edge, icons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeplan.engine.catalogue import Direction, Unit
from safeplan.engine.spc import (
    SpcChart,
    SpcPoint,
    SpcSettings,
    clip_for_display,
    possible_range,
    spc_chart,
    spc_points,
)

INC, RED, TRACK = Direction.INCREASE, Direction.REDUCE, Direction.TRACK

# A stable baseline: mean exactly 10, every moving range 1, so the process limits are
# 10 ± 2.66 (7.34, 12.66) and the two-sigma lines 10 ± 1.7733 (8.2267, 11.7733).
BASELINE = [9.5, 10.5] * 6


def month(i: int) -> date:
    """The i-th month from April 2019."""
    m = 3 + i
    return date(2019 + m // 12, m % 12 + 1, 1)


def points(
    values: Sequence[float],
    *,
    ghost: Sequence[int] = (),
    recalculate: Sequence[int] = (),
    baseline_end: int | None = None,
) -> list[SpcPoint]:
    return [
        SpcPoint(
            month(i),
            v,
            ghost=i in ghost,
            recalculate=i in recalculate,
            baseline_end=i == baseline_end,
        )
        for i, v in enumerate(values)
    ]


def after_baseline(tail: Sequence[float], direction: Direction = INC, **kw: object) -> SpcChart:
    """The stable baseline, then ``tail`` judged against its carried-forward limits."""
    return spc_chart(points([*BASELINE, *tail], baseline_end=11), SpcSettings(direction, **kw))  # type: ignore[arg-type]


def tail_rules(chart: SpcChart) -> list[tuple[str, ...]]:
    return [r.rules for r in chart.rows[12:]]


def tail_signals(chart: SpcChart) -> list[str]:
    return [r.signal for r in chart.rows[12:]]


# --- lines ---------------------------------------------------------------------------------


def test_it_computes_the_mean_moving_ranges_and_limits_of_a_single_partition() -> None:
    values = [10, 12, 11, 13, 12, 14, 10, 11, 12, 13, 11, 12, 10]
    chart = spc_chart(points(values), SpcSettings(INC))
    mean = 151 / 13  # by hand: the values add up to 151
    mr_bar = 20 / 12  # moving ranges 2 1 2 1 2 4 1 1 1 2 1 2
    row = chart.rows[0]
    assert chart.run_chart is False
    assert row.mean == pytest.approx(mean)
    assert row.upl == pytest.approx(mean + 2.66 * mr_bar)
    assert row.lpl == pytest.approx(mean - 2.66 * mr_bar)
    assert row.high2s == pytest.approx(mean + 2.66 * 2 / 3 * mr_bar)
    assert row.low2s == pytest.approx(mean - 1.7733333 * mr_bar)
    assert [r.moving_range for r in chart.rows[:3]] == [None, 2, 1]
    assert {r.partition for r in chart.rows} == {1}


# --- special cause rules, judged against the carried-forward baseline ------------------------


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        # common cause: alternating about the mean fires nothing
        ([9.5, 10.5, 9.5, 10.5], [(), (), (), ()]),
        # astronomical: strictly above the upper limit (13 > 12.66)
        ([9.5, 13.0, 9.5], [(), ("astronomical",), ()]),
        # and strictly below the lower limit (7.0 < 7.34)
        ([9.5, 7.0, 10.5], [(), ("astronomical",), ()]),
        # shift: six points strictly above the mean, every one flagged
        ([10.1] * 6, [("shift",)] * 6),
        # five are not a shift
        ([10.1] * 5 + [9.5], [()] * 6),
        # a point exactly on the mean breaks the run (3 + 3 is not 6)
        ([10.1, 10.1, 10.1, 10.0, 10.1, 10.1, 10.1], [()] * 7),
        # a longer shift flags all its points
        ([9.9] * 7 + [10.5], [("shift",)] * 7 + [()]),
        # trend: six points each strictly above the one before, endpoints included
        # (10.5 → 8.9 falls, so the run starts at 8.9)
        ([8.9, 9.3, 9.7, 10.1, 10.5, 10.9], [("trend",)] * 6),
        # a tie breaks a trend: 3 rising, a tie, then 4 rising is no trend
        ([8.9, 9.3, 9.7, 9.7, 10.1, 10.5, 10.9], [()] * 7),
        # a falling trend
        ([11.0, 10.6, 10.2, 9.8, 9.4, 9.0], [("trend",)] * 6),
        # two of three beyond the upper two-sigma line (11.7733), all three above the mean:
        # only the two beyond the line are flagged
        ([9.5, 11.9, 10.2, 11.9, 9.5], [(), ("two_of_three",), (), ("two_of_three",), ()]),
        # a point beyond the limit counts towards two of three
        (
            [9.5, 10.2, 11.9, 13.0, 9.5],
            [(), (), ("two_of_three",), ("astronomical", "two_of_three"), ()],
        ),
        # the third point must be on the same side of the mean
        ([9.5, 11.9, 11.9, 9.5], [(), (), (), ()]),
        # one of three is not enough
        ([10.2, 11.9, 10.2, 9.5], [(), (), (), ()]),
        # below the lower two-sigma line (8.2267)
        ([10.5, 8.0, 9.9, 8.1, 10.5], [(), ("two_of_three",), (), ("two_of_three",), ()]),
    ],
)
def test_it_fires_each_special_cause_rule_exactly_as_mdc(
    tail: list[float], expected: list[tuple[str, ...]]
) -> None:
    assert tail_rules(after_baseline(tail)) == expected


def test_a_point_exactly_on_a_process_limit_is_not_a_special_cause() -> None:
    limits = after_baseline([9.5]).rows[-1]
    assert limits.upl is not None
    assert limits.lpl is not None
    chart = after_baseline([9.5, limits.upl, 10.5, limits.lpl, 9.5])
    assert tail_rules(chart) == [()] * 5


def test_a_trend_runs_across_a_recalculation() -> None:
    first = [9.5, 10.5, 9.5, 10.5, 9.5, 10.5, 9.5, 10.5, 9.5, 9.6, 9.7, 9.8]
    second = [9.9, 10.0, 10.4, 9.5, 10.5, 9.5, 10.5, 9.5, 10.5, 9.5, 10.5, 9.5]
    chart = spc_chart(points(first + second, recalculate=[12]), SpcSettings(INC))
    in_trend = [i for i, r in enumerate(chart.rows) if "trend" in r.rules]
    assert in_trend == list(range(8, 15))
    assert [r.partition for r in chart.rows] == [1] * 12 + [2] * 12


def test_a_trend_runs_across_the_end_of_a_baseline() -> None:
    # the baseline ends 9.5, 10.5: two rising points that the tail continues
    chart = after_baseline([10.6, 10.7, 10.8, 10.9, 9.0])
    in_trend = [i for i, r in enumerate(chart.rows) if "trend" in r.rules]
    assert in_trend == list(range(10, 16))


def test_a_shift_does_not_run_across_a_partition_boundary() -> None:
    # three points above the mean end the baseline and three more start the next
    # partition: six in a row, but never six within one partition
    base = [9.5, 10.5] * 4 + [9.0, 10.6, 10.6, 10.6]
    chart = spc_chart(points([*base, 10.6, 10.6, 10.6, 9.0, 10.0]), SpcSettings(INC))
    with_baseline = spc_chart(
        points([*base, 10.6, 10.6, 10.6, 9.0, 10.0], baseline_end=11), SpcSettings(INC)
    )
    assert "shift" in chart.rows[11].rules
    assert all("shift" not in r.rules for r in with_baseline.rows)


def test_two_of_three_does_not_reach_across_a_partition_boundary() -> None:
    # the baseline's last point (10.5) is above the mean, but it belongs to another partition
    assert tail_rules(after_baseline([11.9, 11.9, 9.5])) == [(), (), ()]


# --- signals, conflict and direction --------------------------------------------------------


@pytest.mark.parametrize(
    ("tail", "direction", "signal"),
    [
        ([9.5, 13.0], INC, "improvement"),
        ([9.5, 13.0], RED, "concern"),
        ([9.5, 13.0], TRACK, "neither_high"),
        ([10.5, 7.0], INC, "concern"),
        ([10.5, 7.0], RED, "improvement"),
        ([10.5, 7.0], TRACK, "neither_low"),
        ([9.5, 10.5], INC, "common"),
    ],
)
def test_a_flagged_point_is_improvement_or_concern_by_direction(
    tail: list[float], direction: Direction, signal: str
) -> None:
    assert tail_signals(after_baseline(tail, direction))[-1] == signal


# a rising trend entirely below the mean is also a shift below it: improvement and
# concern at once for an increase measure
CONFLICTED = [8.9, 9.0, 9.1, 9.2, 9.3, 9.4]


@pytest.mark.parametrize(
    ("conflict", "signal", "icon"),
    [
        ("concern", "concern", "concern_low"),
        ("improvement", "improvement", "improvement_high"),
    ],
)
def test_the_conflict_setting_resolves_a_point_that_is_both(
    conflict: str, signal: str, icon: str
) -> None:
    chart = after_baseline(CONFLICTED, conflict=conflict)
    assert tail_rules(chart) == [("shift", "trend")] * 6
    assert tail_signals(chart) == [signal] * 6
    assert chart.variation == icon


def test_the_default_conflict_setting_is_concern() -> None:
    assert after_baseline(CONFLICTED).variation == "concern_low"


@pytest.mark.parametrize(
    ("tail", "direction", "icon"),
    [
        ([9.5, 10.5], INC, "common_cause"),
        ([9.5, 13.0], INC, "improvement_high"),
        ([9.5, 13.0], RED, "concern_high"),
        ([10.5, 7.0], INC, "concern_low"),
        ([10.5, 7.0], RED, "improvement_low"),
        ([9.5, 13.0], TRACK, "neither_high"),
        ([10.5, 7.0], TRACK, "neither_low"),
        ([9.5, 10.5], TRACK, "common_cause"),
    ],
)
def test_the_variation_icon_reads_the_last_point(
    tail: list[float], direction: Direction, icon: str
) -> None:
    assert after_baseline(tail, direction).variation == icon


# --- ghosts ----------------------------------------------------------------------------------


def test_a_ghosted_point_is_shown_but_left_out_of_the_mean_and_moving_ranges() -> None:
    values = [*BASELINE, 10.5, 100.0, 9.5]
    chart = spc_chart(points(values, ghost=[13]), SpcSettings(INC))
    plain = spc_chart(points([*BASELINE, 10.5, 9.5]), SpcSettings(INC))
    ghost = chart.rows[13]
    assert ghost.value == 100.0
    assert ghost.ghost is True
    assert (ghost.signal, ghost.rules, ghost.moving_range) == ("common", (), None)
    assert ghost.mean == plain.rows[0].mean
    assert ghost.upl == plain.rows[0].upl
    assert chart.rows[14].moving_range == 1.0  # 9.5 against 10.5, across the ghost


def test_a_ghosted_point_does_not_break_a_shift() -> None:
    chart = spc_chart(
        points([*BASELINE, 10.1, 10.1, 10.1, 5.0, 10.1, 10.1, 10.1], ghost=[15], baseline_end=11),
        SpcSettings(INC),
    )
    assert tail_rules(chart) == [("shift",)] * 3 + [()] + [("shift",)] * 3


def test_icons_go_on_the_last_non_ghosted_point() -> None:
    values = [*BASELINE, 9.5, 13.0, 9.5]
    chart = spc_chart(
        points(values, ghost=[14], baseline_end=11),
        SpcSettings(INC, targets={month(13): 7.0, month(14): 20.0}),
    )
    assert chart.variation == "improvement_high"
    assert chart.assurance == "pass"


# --- run charts and warnings -----------------------------------------------------------------


def test_fewer_than_13_points_make_a_run_chart_without_limits_or_icons() -> None:
    chart = spc_chart(points([*BASELINE[:11], 30.0]), SpcSettings(INC, targets={month(11): 5.0}))
    assert chart.run_chart is True
    assert chart.variation is None
    assert chart.assurance is None
    assert all(r.upl is None and r.lpl is None and r.high2s is None for r in chart.rows)
    assert all(r.signal == "common" and r.rules == () for r in chart.rows)
    assert chart.rows[0].mean == pytest.approx(sum([*BASELINE[:11], 30.0]) / 12)
    assert chart.warnings == ("fewer than 13 points: run chart only",)


def test_13_points_make_an_spc_chart() -> None:
    chart = spc_chart(points([*BASELINE, 9.5]), SpcSettings(INC))
    assert chart.run_chart is False
    assert chart.variation == "common_cause"
    assert chart.warnings == ()


def test_ghosted_points_do_not_count_towards_the_13() -> None:
    chart = spc_chart(points([*BASELINE, 9.5], ghost=[3]), SpcSettings(INC))
    assert chart.run_chart is True


def test_an_empty_series_is_an_empty_run_chart() -> None:
    chart = spc_chart([], SpcSettings(INC))
    assert (chart.rows, chart.run_chart, chart.variation) == ((), True, None)


def test_a_partition_with_fewer_than_12_points_gets_a_warning() -> None:
    values = [*BASELINE, 9.5, *BASELINE[:7]]
    chart = spc_chart(points(values, recalculate=[13]), SpcSettings(INC))
    assert chart.warnings == ("partition starting 2020-05 has fewer than 12 points",)


def test_points_carrying_a_baseline_forward_are_not_warned_about() -> None:
    assert after_baseline([9.5, 10.5, 9.5]).warnings == ()


def test_a_short_baseline_is_warned_about() -> None:
    chart = spc_chart(points([*BASELINE, 9.5], baseline_end=5), SpcSettings(INC))
    assert chart.warnings == ("partition starting 2019-04 has fewer than 12 points",)


# --- baselines and recalculation ------------------------------------------------------------


def test_a_baseline_carries_its_limits_forward_until_the_next_recalculation() -> None:
    tail = [20.0, 21.0, 20.0, 21.0]
    values = [*BASELINE, *tail, *([20.0, 21.0] * 6)]
    chart = spc_chart(points(values, baseline_end=11, recalculate=[16]), SpcSettings(INC))
    base, carried, recalculated = chart.rows[0], chart.rows[12], chart.rows[16]
    assert (base.mean, carried.mean) == (10.0, 10.0)
    assert carried.upl == base.upl
    assert (base.baseline, carried.baseline, recalculated.baseline) == (True, False, False)
    assert [base.partition, carried.partition, recalculated.partition] == [1, 2, 3]
    assert recalculated.mean == 20.5
    assert recalculated.upl == pytest.approx(20.5 + 2.66)
    assert all("astronomical" in r.rules for r in chart.rows[12:16])


def test_a_baseline_can_be_set_as_a_number_of_points() -> None:
    by_count = spc_chart(points([*BASELINE, 20.0, 21.0]), SpcSettings(INC, baseline_points=12))
    by_month = after_baseline([20.0, 21.0])
    assert by_count.rows == by_month.rows


def test_a_baseline_counts_only_non_ghosted_points() -> None:
    chart = spc_chart(
        points([99.0, *BASELINE, 20.0], ghost=[0]), SpcSettings(INC, baseline_points=12)
    )
    assert [r.baseline for r in chart.rows] == [True] * 13 + [False]


def test_a_recalculation_inside_the_baseline_is_ignored_with_a_warning() -> None:
    chart = spc_chart(points([*BASELINE, 9.5], baseline_end=11, recalculate=[4]), SpcSettings(INC))
    assert {r.partition for r in chart.rows[:12]} == {1}
    assert chart.warnings == ("recalculation at 2019-08 lies within the baseline: ignored",)


def test_a_recalculation_straight_after_the_baseline_ends_the_carry_forward() -> None:
    values = [*BASELINE, *([20.0, 21.0] * 6)]
    chart = spc_chart(points(values, baseline_end=11, recalculate=[12]), SpcSettings(INC))
    assert chart.rows[12].mean == 20.5


# --- assurance -------------------------------------------------------------------------------


def assurance(direction: Direction, where: str, offset: float = 0.0) -> str | None:
    """Assurance with the last month's target at a limit (plus offset)."""
    probe = after_baseline([9.5, 10.5]).rows[-1]
    assert probe.lpl is not None
    assert probe.upl is not None
    value = {"lpl": probe.lpl, "upl": probe.upl, "mean": 10.0}[where] + offset
    return after_baseline([9.5, 10.5], direction, targets={month(13): value}).assurance


@pytest.mark.parametrize(
    ("direction", "where", "offset", "expected"),
    [
        # increase: a target on or below the lower limit is always met
        (INC, "lpl", 0.0, "pass"),
        (INC, "lpl", -1.0, "pass"),
        # a target on or above the upper limit is never met
        (INC, "upl", 0.0, "fail"),
        (INC, "upl", 1.0, "fail"),
        # between the limits: hit or miss, even a hair inside
        (INC, "mean", 0.0, "hit_or_miss"),
        (INC, "lpl", 1e-9, "hit_or_miss"),
        # reduce mirrors it
        (RED, "upl", 0.0, "pass"),
        (RED, "lpl", 0.0, "fail"),
        (RED, "mean", 0.0, "hit_or_miss"),
        # track measures have no assurance
        (TRACK, "lpl", 0.0, None),
    ],
)
def test_the_assurance_icon_compares_the_target_with_the_limits(
    direction: Direction, where: str, offset: float, expected: str | None
) -> None:
    assert assurance(direction, where, offset) == expected


def test_assurance_uses_the_target_in_force_at_the_last_point() -> None:
    targets = {month(i): 5.0 for i in range(13)} | {month(13): 15.0}
    chart = after_baseline([9.5, 10.5], targets=targets)
    assert chart.assurance == "fail"
    assert [r.target for r in chart.rows[-2:]] == [5.0, 15.0]


def test_there_is_no_assurance_without_a_target_at_the_last_point() -> None:
    chart = after_baseline([9.5, 10.5], targets={month(12): 5.0})
    assert chart.assurance is None


# --- display and input -----------------------------------------------------------------------


def test_limits_are_clipped_to_the_possible_range_for_display_only() -> None:
    chart = spc_chart(points([1.0, 99.0] * 7), SpcSettings(INC))
    low, high = possible_range(Unit.PERCENT)
    shown = clip_for_display(chart, minimum=low, maximum=high)
    assert chart.rows[0].upl is not None
    assert chart.rows[0].upl > 100
    assert (shown.rows[0].lpl, shown.rows[0].upl) == (0.0, 100.0)
    assert [r.rules for r in shown.rows] == [r.rules for r in chart.rows]


def test_the_possible_range_of_a_count_has_no_top() -> None:
    assert possible_range(Unit.COUNT) == (0.0, None)


@pytest.mark.parametrize(
    ("series", "message"),
    [
        # months must be in order, each once
        ([SpcPoint(month(1), 1.0), SpcPoint(month(0), 1.0)], "strictly increasing"),
        ([SpcPoint(month(0), 1.0), SpcPoint(month(0), 2.0)], "strictly increasing"),
        # a month with no data is not a point: leave it out rather than pass NaN
        ([SpcPoint(month(0), float("nan"))], "finite"),
        (
            [
                SpcPoint(month(0), 1.0, baseline_end=True),
                SpcPoint(month(1), 1.0, baseline_end=True),
            ],
            "one baseline",
        ),
    ],
)
def test_it_rejects_a_malformed_series(series: list[SpcPoint], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        spc_chart(series, SpcSettings(INC))


def test_it_rejects_bad_settings() -> None:
    with pytest.raises(ValueError, match="conflict"):
        SpcSettings(INC, conflict="neither")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="shift_points"):
        SpcSettings(INC, shift_points=1)


# --- exactness -------------------------------------------------------------------------------

# Counts whose limit falls exactly on a whole number: mean 204/20 = 10.2, MR̄ 20/19, so the
# upper limit is 10.2 + 2.66 × 20/19 = 13 exactly (floating point makes it 12.999…).
ON_THE_LIMIT = [9, 10, 10, 9, 11, 10, 10, 10, 10, 9, 11, 9, 10, 10, 9, 11, 11, 9, 13, 13]


def test_limits_are_exact_so_a_count_on_the_limit_is_not_astronomical() -> None:
    chart = spc_chart(points([float(v) for v in ON_THE_LIMIT]), SpcSettings(INC))
    assert chart.rows[-1].upl == 13.0
    assert all("astronomical" not in r.rules for r in chart.rows)


@pytest.mark.parametrize(
    ("direction", "target", "expected"),
    [
        # a target exactly on the exact upper limit: an increase measure fails...
        (INC, 13.0, "fail"),
        # ...and a reduce measure passes
        (RED, 13.0, "pass"),
    ],
)
def test_a_target_exactly_on_an_exact_limit_passes_or_fails(
    direction: Direction, target: float, expected: str
) -> None:
    settings = SpcSettings(direction, targets={month(19): target})
    assert spc_chart(points([float(v) for v in ON_THE_LIMIT]), settings).assurance == expected


def test_values_are_compared_as_the_decimals_they_print_as() -> None:
    # 10 + 2.66 is 12.66 exactly, so a value of 12.66 sits on the limit, not above it
    assert tail_rules(after_baseline([9.5, 12.66, 9.5])) == [(), (), ()]


def test_the_last_point_in_conflict_is_warned_about() -> None:
    assert after_baseline(CONFLICTED).warnings == (
        "the last point is both improvement and concern: shown as concern",
    )


# --- properties ------------------------------------------------------------------------------

counts_series = st.lists(st.integers(0, 20), min_size=1, max_size=40)


def judged(chart: SpcChart) -> list[tuple[object, ...]]:
    return [
        (r.mean, r.lpl, r.upl, r.signal, r.rules, r.partition) for r in chart.rows if not r.ghost
    ]


@given(counts_series, st.integers(0, 40), st.floats(-1e6, 1e6), st.sampled_from([INC, RED, TRACK]))
def test_a_ghosted_point_changes_nothing_else_on_the_chart(
    values: list[int], where: int, ghost_value: float, direction: Direction
) -> None:
    real = [SpcPoint(month(2 * i), float(v)) for i, v in enumerate(values)]
    ghost = SpcPoint(month(2 * min(where, len(values)) - 1), ghost_value, ghost=True)
    with_ghost = sorted([*real, ghost], key=lambda p: p.month) if where > 0 else real
    plain, shown = (
        spc_chart(real, SpcSettings(direction)),
        spc_chart(with_ghost, SpcSettings(direction)),
    )
    assert judged(shown) == judged(plain)
    assert (shown.run_chart, shown.variation) == (plain.run_chart, plain.variation)


@given(counts_series, st.integers(1, 5), st.integers(-50, 50))
def test_rescaling_the_values_leaves_every_judgement_unchanged(
    values: list[int], scale: int, shift: int
) -> None:
    before = spc_chart(points([float(v) for v in values]), SpcSettings(TRACK))
    after = spc_chart(points([float(scale * v + shift) for v in values]), SpcSettings(TRACK))
    assert [(r.signal, r.rules) for r in after.rows] == [(r.signal, r.rules) for r in before.rows]
    assert after.variation == before.variation


@given(counts_series)
def test_mirroring_the_values_and_the_direction_gives_the_same_judgements(
    values: list[int],
) -> None:
    up = spc_chart(points([float(v) for v in values]), SpcSettings(INC))
    down = spc_chart(points([float(-v) for v in values]), SpcSettings(RED))
    assert [(r.signal, r.rules) for r in down.rows] == [(r.signal, r.rules) for r in up.rows]
    flipped = {"improvement_high": "improvement_low", "concern_low": "concern_high"}
    assert down.variation == flipped.get(str(up.variation), up.variation)


def test_a_baseline_longer_than_the_series_is_ignored_with_a_warning() -> None:
    chart = spc_chart(points([*BASELINE, 9.5]), SpcSettings(INC, baseline_points=20))
    assert {r.partition for r in chart.rows} == {1}
    assert chart.warnings == ("baseline of 20 points is longer than the series: ignored",)


# --- building points from stored results -----------------------------------------------------


def test_months_without_data_are_not_points_and_marks_move_to_a_point() -> None:
    values = {month(0): 5.0, month(1): None, month(2): 7.0, month(3): None, month(4): 6.0}
    built = spc_points(
        values,
        ghosts={month(2): "system outage", month(1): "no data anyway"},
        recalculations={month(3): "new front door"},
        baseline_end=month(3),
    )
    assert [p.month for p in built] == [month(0), month(2), month(4)]
    assert [p.ghost for p in built] == [False, True, False]
    # a recalculation in an empty month starts with the next point
    assert [p.recalculate for p in built] == [False, False, True]
    # a baseline ending in an empty month ends at the point before
    assert [p.baseline_end for p in built] == [False, True, False]
    assert [p.note for p in built] == ["", "system outage", "new front door"]


def test_a_recalculation_after_the_last_point_is_dropped() -> None:
    built = spc_points({month(0): 1.0}, recalculations={month(5): "later"})
    assert [p.recalculate for p in built] == [False]


def test_a_one_point_partition_has_a_mean_but_no_limits_and_no_assurance() -> None:
    chart = spc_chart(
        points([*BASELINE, 9.5, 30.0], recalculate=[13]),
        SpcSettings(INC, targets={month(13): 5.0}),
    )
    last = chart.rows[-1]
    assert (last.mean, last.upl, last.lpl, last.moving_range) == (30.0, None, None, None)
    assert (chart.variation, chart.assurance) == ("common_cause", None)
    assert chart.warnings == ("partition starting 2020-05 has fewer than 12 points",)


# --- Making Data Count's own annotated sample data -------------------------------------------

# The weekly sample series shipped in NHS England's MDC SPC SQL query (metric M1, a rate
# "for improvement"), with the special causes its annotations point at. MDC's defaults
# then were runs of 7, so these run with shift_points = trend_points = 7.
MDC_SAMPLES = {
    "TOTAL": [0.922, 0.928, 0.93, 0.926, 0.926, 0.923, 0.921, 0.918, 0.925, 0.91, 0.92, 0.924, 0.923,
              0.92, 0.925, 0.928, 0.927, 0.921, 0.918, 0.921, 0.925, 0.939, 0.929, 0.927, 0.925, 0.926],
    "Department A": [0.972, 0.965, 0.966, 0.974, 0.97, 0.971, 0.977, 0.97, 0.97, 0.968, 0.965, 0.96, 0.967,
                     0.97, 0.981, 0.977, 0.976, 0.97, 0.973, 0.975, 0.977, 0.98, 0.978, 0.98, 0.973, 0.97],
    "Department B": [0.965, 0.956, 0.963, 0.952, 0.947, 0.951, 0.956, 0.958, 0.962, 0.965, 0.967, 0.961, 0.958,
                     0.947, 0.952, 0.963, 0.961, 0.96, 0.957, 0.956, 0.955, 0.952, 0.959, 0.963, 0.954, 0.956],
    "Department C": [0.913, 0.911, 0.912, 0.909, 0.912, 0.923, 0.905, 0.923, 0.912, 0.905, 0.905, 0.898, 0.901,
                     0.915, 0.91, 0.905, 0.912, 0.91, 0.907, 0.915, 0.912, 0.909, 0.92, 0.923, 0.924, 0.923],
}  # fmt: skip


@pytest.mark.parametrize(
    ("series", "rule", "flagged"),
    [
        # "Below lower process limit" (8 Mar) and "Above upper process limit" (31 May)
        ("TOTAL", "astronomical", [9, 21]),
        # "Start of seven points below mean" (22 Feb) and "... above mean" (10 May)
        ("Department A", "shift", [*range(7, 14), *range(18, 25)]),
        # "Start of seven points increasing" (1 Feb) and "... decreasing" (19 Apr)
        ("Department B", "trend", [*range(4, 11), *range(15, 22)]),
        # "Two out of three ... with the other point on the same side of the mean" (22 Mar)
        # and "Three out of three points within two-to-three sigma lines" (14 Jun)
        ("Department C", "two_of_three", [11, 12, 23, 24, 25]),
    ],
)
def test_it_finds_the_special_causes_annotated_in_mdcs_sample_data(
    series: str, rule: str, flagged: list[int]
) -> None:
    start = date(2021, 1, 4)
    pts = [SpcPoint(start + timedelta(weeks=i), v) for i, v in enumerate(MDC_SAMPLES[series])]
    chart = spc_chart(pts, SpcSettings(INC, shift_points=7, trend_points=7))
    assert [i for i, r in enumerate(chart.rows) if rule in r.rules] == flagged


# Department D: "Start of decrease (concern) while still above mean (improvement)" on 1 Mar
# and "Start of increase (improvement) while still below mean (concern)" on 26 Apr.
MDC_DEPARTMENT_D = [0.971, 0.973, 0.978, 0.979, 0.981, 0.985, 0.987, 0.991, 0.993, 0.987, 0.982, 0.98, 0.979,
                    0.972, 0.964, 0.962, 0.958, 0.96, 0.961, 0.963, 0.964, 0.965, 0.966, 0.968, 0.97, 0.972]  # fmt: skip


def test_it_marks_the_conflicts_annotated_in_mdcs_sample_data() -> None:
    start = date(2021, 1, 4)
    pts = [SpcPoint(start + timedelta(weeks=i), v) for i, v in enumerate(MDC_DEPARTMENT_D)]
    chart = spc_chart(pts, SpcSettings(INC, shift_points=7, trend_points=7))
    assert [i for i, r in enumerate(chart.rows) if r.conflict] == [*range(8, 13), *range(16, 26)]
    assert chart.variation == "concern_low"


# Metric M2 (a count "for improvement" downwards, target 12): a baseline to December 2017,
# limits recalculated from September 2019, October 2020 ghosted.
MDC_M2 = [13, 16, 14, 13, 15, 16, 18, 16, 17, 15, 13, 16, 15, 14, 13, 16, 19, 17, 12, 14, 17, 19, 16, 17,
          16, 13, 18, 22, 19, 19, 18, 19, 17, 21, 20, 14, 18, 17, 15, 16, 19, 21, 17, 14,
          8, 6, 5, 3, 5, 4, 6, 5, 4, 6, 7, 5, 5, 27, 6, 2, 5, 7, 5, 4, 5, 6]  # fmt: skip


def test_mdcs_sample_with_a_baseline_a_recalculation_and_a_ghost() -> None:
    months = [date(2016 + i // 12, i % 12 + 1, 1) for i in range(len(MDC_M2))]
    pts = [
        SpcPoint(
            m,
            float(v),
            ghost=m == date(2020, 10, 1),
            recalculate=m == date(2019, 9, 1),
            baseline_end=m == date(2017, 12, 1),
        )
        for m, v in zip(months, MDC_M2, strict=True)
    ]
    chart = spc_chart(pts, SpcSettings(RED, targets=dict.fromkeys(months, 12.0)))
    rows = {r.month: r for r in chart.rows}
    baseline, carried, recalculated = (
        rows[date(2016, 1, 1)],
        rows[date(2018, 1, 1)],
        rows[date(2019, 9, 1)],
    )
    # the baseline's 24 points set the lines of 2018-01 to 2019-08
    assert baseline.mean == pytest.approx(371 / 24)
    assert (carried.mean, carried.upl) == (baseline.mean, baseline.upl)
    # the recalculated lines leave out the ghosted 27
    assert recalculated.mean == pytest.approx(109 / 21)
    flagged = {r.month: r.rules for r in chart.rows if r.rules}
    assert flagged[date(2018, 4, 1)] == ("astronomical", "shift")
    assert flagged[date(2018, 10, 1)] == ("shift", "two_of_three")
    # the fall from 21 to 3 is a trend that runs across the recalculation
    assert [m for m, rules in flagged.items() if "trend" in rules] == [
        date(2019, 6, 1), date(2019, 7, 1), date(2019, 8, 1),
        date(2019, 9, 1), date(2019, 10, 1), date(2019, 11, 1), date(2019, 12, 1),
    ]  # fmt: skip
    assert (chart.variation, chart.assurance) == ("common_cause", "pass")


def test_moving_range_outlier_screening_is_off_by_default_and_mdcs_when_on() -> None:
    values = [10.0, 11.0] * 6 + [10.0, 40.0]  # twelve moving ranges of 1, then one of 30
    plain = spc_chart(points(values), SpcSettings(INC))
    screened = spc_chart(points(values), SpcSettings(INC, exclude_moving_range_outliers=True))
    assert plain.rows[0].mean == pytest.approx(176 / 14)
    assert plain.rows[0].upl == pytest.approx(176 / 14 + 2.66 * 42 / 13)
    # 30 > 3.267 × 42/13: left out of MR̄, and the point it ends is left out of the mean
    assert screened.rows[0].mean == pytest.approx(136 / 13)
    assert screened.rows[0].upl == pytest.approx(136 / 13 + 2.66)
    assert "astronomical" in screened.rows[-1].rules

"""Confidence intervals against published reference values (PHE / Fingertips methods)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeplan.engine.catalogue import Unit
from safeplan.engine.stats import (
    LEVEL_95,
    LEVEL_998,
    Interval,
    interval_for,
    mean_interval,
    poisson_count,
    rate_per,
    wilson,
    wilson_percent,
    z_value,
)


@pytest.mark.parametrize(
    ("level", "lower", "upper"),
    [
        (LEVEL_95, 8.7, 32.0),
        (LEVEL_998, 6.0, 41.6),
    ],
)
def test_it_reproduces_the_published_wilson_interval_for_7_out_of_40(
    level: float, lower: float, upper: float
) -> None:
    # The exact limits (normal quantiles to full precision, as PHEindicatormethods) are
    # 8.745–31.950% and 5.946–41.582%; the published one-decimal figures were rounded
    # from values held to two places (31.95 → 32.0, 5.95 → 6.0), so we agree to within
    # that rounding (0.06 points) and pin the full-precision values separately below.
    ci = wilson_percent(7, 40, level)
    assert ci.lower == pytest.approx(lower, abs=0.06)
    assert ci.upper == pytest.approx(upper, abs=0.06)


@pytest.mark.parametrize(
    ("x", "n", "level", "lower", "upper"),
    [
        # PHEindicatormethods wilson_lower / wilson_upper to 6 dp
        (7, 40, LEVEL_95, 0.087454, 0.319500),
        (7, 40, LEVEL_998, 0.059456, 0.415817),
        # 0 events: the lower limit is exactly 0, the upper is still informative
        (0, 10, LEVEL_95, 0.0, 0.277533),
        # x = n: the upper limit is exactly 1
        (10, 10, LEVEL_95, 0.722467, 1.0),
        # tiny denominators: 1/1 gives 1/(1 + z²) to 1, 0/1 gives 0 to z²/(1 + z²)
        (1, 1, LEVEL_95, 1 / (1 + 1.959964**2), 1.0),
        (0, 1, LEVEL_95, 0.0, 1.959964**2 / (1 + 1.959964**2)),
    ],
)
def test_it_computes_wilson_limits_to_six_places(
    x: int, n: int, level: float, lower: float, upper: float
) -> None:
    ci = wilson(x, n, level)
    assert ci.lower == pytest.approx(lower, abs=5e-7)
    assert ci.upper == pytest.approx(upper, abs=5e-7)


@pytest.mark.parametrize(
    ("x", "population", "value", "lower", "upper"),
    [
        # below 10 events: exact Poisson (published check)
        (7, 25_000, 2.8, 1.13, 5.77),
        # from 10 events: Byar's method (published check)
        (30, 25_000, 12.0, 8.09, 17.13),
    ],
)
def test_it_reproduces_the_published_rates_per_10000(
    x: int, population: int, value: float, lower: float, upper: float
) -> None:
    ci = rate_per(x, population)
    assert round(x / population * 10_000, 1) == value
    assert (round(ci.lower, 2), round(ci.upper, 2)) == (lower, upper)


@pytest.mark.parametrize(
    ("x", "lower", "upper"),
    [
        # 0 events: exact lower limit is 0, upper is χ²(0.975; 2)/2 = −ln(0.025)
        (0, 0.0, 3.688879),
        # 9 is the last exact count
        (9, 4.115373, 17.084803),
        # 10 is the first Byar's count
        (10, 4.787450, 18.391459),
        # Byar's by hand: 100(1 − 1/900 − z/30)³ and 101(1 − 1/909 + z/(3√101))³
        (
            100,
            100 * (1 - 1 / 900 - 1.959964 / 30) ** 3,
            101 * (1 - 1 / 909 + 1.959964 / (3 * 101**0.5)) ** 3,
        ),
    ],
)
def test_it_switches_from_exact_poisson_to_byars_at_10(x: int, lower: float, upper: float) -> None:
    ci = poisson_count(x)
    assert ci.lower == pytest.approx(lower, abs=5e-6)
    assert ci.upper == pytest.approx(upper, abs=5e-6)


def test_a_rate_is_the_count_interval_scaled_to_the_population() -> None:
    assert rate_per(30, 25_000, per=1_000) == poisson_count(30).scaled(1_000 / 25_000)


def test_the_z_values_are_the_normal_quantiles() -> None:
    assert z_value(LEVEL_95) == pytest.approx(1.959964, abs=1e-6)
    assert z_value(LEVEL_998) == pytest.approx(3.090232, abs=1e-6)


def test_a_mean_interval_is_mean_plus_or_minus_z_sd_over_root_n() -> None:
    ci = mean_interval(120.0, 30.0, 25)
    assert ci.lower == pytest.approx(120 - 1.959964 * 6, abs=1e-5)
    assert ci.upper == pytest.approx(120 + 1.959964 * 6, abs=1e-5)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        # more events than the denominator
        (lambda: wilson(8, 7), "greater than denominator"),
        (lambda: wilson(-1, 7), "numerator must be 0 or more"),
        # a zero denominator has no proportion
        (lambda: wilson(0, 0), "denominator must be greater than 0"),
        (lambda: wilson(float("nan"), 7), "numerator"),
        (lambda: wilson(1, 7, level=95), "confidence level"),
        (lambda: poisson_count(-2), "count must be 0 or more"),
        (lambda: rate_per(3, 0), "population must be greater than 0"),
        (lambda: mean_interval(10.0, -1.0, 5), "standard deviation"),
        (lambda: mean_interval(10.0, 1.0, 0), "n must be greater than 0"),
        (lambda: Interval(2.0, 1.0), "not an interval"),
    ],
)
def test_it_rejects_bad_input_with_a_clear_error(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


counts = st.integers(min_value=0, max_value=5_000)


@given(
    st.integers(min_value=1, max_value=5_000).flatmap(
        lambda n: st.tuples(st.integers(0, n), st.just(n))
    )
)
def test_a_wilson_interval_contains_the_proportion(xn: tuple[int, int]) -> None:
    x, n = xn
    for level in (LEVEL_95, LEVEL_998):
        ci = wilson(x, n, level)
        assert 0 <= ci.lower <= x / n <= ci.upper <= 1


@given(st.integers(1, 50), st.integers(1, 50), st.integers(2, 20))
def test_a_wilson_interval_narrows_as_the_sample_grows(x: int, extra: int, k: int) -> None:
    n = x + extra
    small, large = wilson(x, n), wilson(k * x, k * n)
    assert large.upper - large.lower < small.upper - small.lower


@given(counts)
def test_a_count_interval_contains_the_count(x: int) -> None:
    ci = poisson_count(x)
    assert ci.lower <= x <= ci.upper


@given(st.integers(1, 2_000), st.integers(2, 20))
def test_a_rate_interval_narrows_relative_to_the_rate_as_events_grow(x: int, k: int) -> None:
    small, large = poisson_count(x), poisson_count(k * x)
    assert (large.upper - large.lower) / (k * x) < (small.upper - small.lower) / x


@given(st.integers(1, 5_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_99_8_percent_interval_contains_the_95_percent_interval(xn: tuple[int, int]) -> None:
    x, n = xn
    for compute in (lambda lv: wilson(x, n, lv), lambda lv: poisson_count(x, lv)):
        wide, narrow = compute(LEVEL_998), compute(LEVEL_95)
        assert wide.lower <= narrow.lower
        assert narrow.upper <= wide.upper


@given(st.floats(-1e6, 1e6), st.floats(0, 1e4), st.integers(1, 10_000))
def test_a_mean_interval_contains_the_mean_and_widens_with_the_level(
    mean: float, sd: float, n: int
) -> None:
    narrow, wide = mean_interval(mean, sd, n), mean_interval(mean, sd, n, LEVEL_998)
    assert wide.lower <= narrow.lower <= mean <= narrow.upper <= wide.upper


@pytest.mark.parametrize(
    ("unit", "kwargs", "expected"),
    [
        # a count's interval is the count's own
        (Unit.COUNT, {"value": 7.0}, poisson_count(7)),
        (Unit.PERCENT, {"value": 17.5, "numerator": 7, "denominator": 40}, wilson_percent(7, 40)),
        (
            Unit.RATE_PER_10000,
            {"value": 2.8, "numerator": 7, "denominator": 25_000},
            rate_per(7, 25_000),
        ),
        (
            Unit.MEAN_DAYS,
            {"value": 120.0, "numerator": 3000, "denominator": 25, "sd": 30.0},
            mean_interval(120, 30, 25),
        ),
        # no data, a zero denominator, a mean without its sd: no interval
        (Unit.COUNT, {"value": None}, None),
        (Unit.PERCENT, {"value": None, "numerator": 0, "denominator": 0}, None),
        (Unit.MEAN_DAYS, {"value": 120.0, "numerator": 120, "denominator": 1, "sd": None}, None),
        (Unit.RATE_PER_10000, {"value": 2.8, "numerator": None, "denominator": 25_000}, None),
    ],
)
def test_it_picks_the_interval_by_the_results_unit(
    unit: Unit, kwargs: dict[str, float | None], expected: Interval | None
) -> None:
    assert interval_for(unit, **kwargs) == expected  # type: ignore[arg-type]


def test_it_picks_the_level_for_a_results_interval() -> None:
    assert interval_for(Unit.COUNT, value=30.0, level=LEVEL_998) == poisson_count(30, LEVEL_998)

"""Confidence intervals for small numbers, as Public Health England's Fingertips computes them.

The methods are those of PHEindicatormethods (R) and PHE's *Technical Guide:
Confidence Intervals* (2018): Wilson score intervals for proportions, exact
Poisson intervals for counts below 10 and Byar's approximation from 10, and a
normal interval for means. Levels are 95% and 99.8% (``LEVEL_95``,
``LEVEL_998``); any level strictly between 0 and 1 is accepted.

>>> wilson(7, 40).percent().rounded(2)
Interval(lower=8.75, upper=31.95)
>>> rate_per(7, 25_000).rounded(2)
Interval(lower=1.13, upper=5.77)
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from scipy.stats import chi2, norm

from safeplan.engine.catalogue import Unit

LEVEL_95 = 0.95
LEVEL_998 = 0.998

#: Below this many events a count's interval is exact Poisson; from it, Byar's (PHE's cut-off).
BYAR_FROM = 10


@dataclass(frozen=True)
class Interval:
    """A two-sided confidence interval; ``lower <= upper`` always."""

    lower: float
    upper: float

    def __post_init__(self) -> None:
        if math.isnan(self.lower) or math.isnan(self.upper) or self.lower > self.upper:
            raise ValueError(f"not an interval: {self.lower} to {self.upper}")

    def scaled(self, factor: float) -> Interval:
        """The interval multiplied by a positive factor (100 for percent, per-10,000 for rates)."""
        if factor <= 0:
            raise ValueError(f"scale factor must be positive, not {factor}")
        return Interval(self.lower * factor, self.upper * factor)

    def percent(self) -> Interval:
        """A proportion's interval (0–1) as percentages (0–100)."""
        return self.scaled(100)

    def rounded(self, digits: int) -> Interval:
        """For display and doctests only; judgements compare at full precision."""
        return Interval(round(self.lower, digits), round(self.upper, digits))

    def contains(self, value: float) -> bool:
        """True when ``value`` lies inside the interval or on either end."""
        return self.lower <= value <= self.upper

    def overlaps(self, other: Interval) -> bool:
        """True when the intervals share at least one point (intervals that touch overlap)."""
        return self.lower <= other.upper and other.lower <= self.upper


@functools.lru_cache(maxsize=16)
def z_value(level: float = LEVEL_95) -> float:
    """The two-sided standard normal quantile: 1.959964 at 95%, 3.090232 at 99.8%."""
    _check_level(level)
    return float(norm.ppf(1 - (1 - level) / 2))


def wilson(x: float, n: float, level: float = LEVEL_95) -> Interval:
    """Wilson score interval for the proportion ``x / n`` (0–1).

    (2x + z² ∓ z·√(z² + 4x(1 − x/n))) / (2(n + z²)), as PHEindicatormethods
    ``wilson_lower`` / ``wilson_upper`` (Newcombe 1998, method 3). Reference:
    7/40 → 95% 8.7%–32.0%, 99.8% 6.0%–41.6%.
    """
    _check_count(x, "numerator")
    _check_positive(n, "denominator")
    if x > n:
        raise ValueError(f"numerator {x} is greater than denominator {n}")
    z = z_value(level)
    centre = 2 * x + z**2
    spread = z * math.sqrt(z**2 + 4 * x * (1 - x / n))
    scale = 2 * (n + z**2)
    lower = 0.0 if x == 0 else max(0.0, (centre - spread) / scale)
    upper = 1.0 if x == n else min(1.0, (centre + spread) / scale)
    return Interval(lower, upper)


def wilson_percent(x: float, n: float, level: float = LEVEL_95) -> Interval:
    """:func:`wilson` as percentages: ``wilson_percent(7, 40)`` ≈ 8.7–32.0."""
    return wilson(x, n, level).percent()


def poisson_count(x: float, level: float = LEVEL_95) -> Interval:
    """Interval for a count of events: exact Poisson below 10, Byar's method from 10.

    Exact (Garwood 1936; PHEindicatormethods ``poisson_lower``/``poisson_upper``):
    lower = χ²((1 − level)/2; 2x) / 2, upper = χ²(1 − (1 − level)/2; 2x + 2) / 2,
    lower = 0 when x = 0. Byar's (Breslow & Day 1987; PHE ``byars_lower`` /
    ``byars_upper``): lower = x(1 − 1/(9x) − z/(3√x))³,
    upper = (x + 1)(1 − 1/(9(x + 1)) + z/(3√(x + 1)))³.
    """
    _check_count(x, "count")
    _check_level(level)
    if x < BYAR_FROM:
        return _exact_poisson(x, level)
    return _byars(x, z_value(level))


def rate_per(x: float, population: float, per: float = 10_000, level: float = LEVEL_95) -> Interval:
    """Interval for the rate ``x / population × per``: the count's interval, scaled.

    Reference (PHE): 7 in 25,000 → 2.8 per 10,000 (1.13–5.77); 30 in 25,000 →
    12.0 (8.09–17.13).
    """
    _check_positive(population, "population")
    _check_positive(per, "per")
    return poisson_count(x, level).scaled(per / population)


def mean_interval(mean: float, sd: float, n: float, level: float = LEVEL_95) -> Interval:
    """Normal interval for a mean: mean ± z · sd / √n, with the stored sample sd (spec, M10)."""
    if math.isnan(mean) or math.isinf(mean):
        raise ValueError(f"mean must be a finite number, not {mean}")
    if math.isnan(sd) or sd < 0:
        raise ValueError(f"standard deviation must be 0 or more, not {sd}")
    _check_positive(n, "n")
    half = z_value(level) * sd / math.sqrt(n)
    return Interval(mean - half, mean + half)


def interval_for(
    unit: Unit,
    *,
    value: float | None,
    numerator: float | None = None,
    denominator: float | None = None,
    sd: float | None = None,
    level: float = LEVEL_95,
) -> Interval | None:
    """A stored result's interval by its unit, or None where it cannot be computed.

    count → :func:`poisson_count` of the value; percent → :func:`wilson_percent`
    of numerator / denominator; rate per 10,000 → :func:`rate_per` of numerator
    in denominator; mean days → :func:`mean_interval` with ``sd`` and n =
    denominator. No value, a zero denominator or a missing sd gives None.
    """
    if value is None or math.isnan(value):
        return None
    if unit == Unit.COUNT:
        return poisson_count(value, level)
    if denominator is None or denominator <= 0:
        return None
    if unit == Unit.MEAN_DAYS:
        return (
            None if sd is None or math.isnan(sd) else mean_interval(value, sd, denominator, level)
        )
    if numerator is None:
        return None
    if unit == Unit.PERCENT:
        return wilson_percent(numerator, denominator, level)
    return rate_per(numerator, denominator, 10_000, level)


def _exact_poisson(x: float, level: float) -> Interval:
    alpha = 1 - level
    lower = 0.0 if x == 0 else float(chi2.ppf(alpha / 2, 2 * x)) / 2
    upper = float(chi2.ppf(1 - alpha / 2, 2 * x + 2)) / 2
    return Interval(lower, upper)


def _byars(x: float, z: float) -> Interval:
    lower = x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    return Interval(lower, upper)


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ValueError(f"confidence level must be between 0 and 1 (e.g. 0.95), not {level}")


def _check_count(x: float, name: str) -> None:
    if math.isnan(x) or math.isinf(x) or x < 0:
        raise ValueError(f"{name} must be 0 or more, not {x}")


def _check_positive(value: float, name: str) -> None:
    if math.isnan(value) or math.isinf(value) or value <= 0:
        raise ValueError(f"{name} must be greater than 0, not {value}")

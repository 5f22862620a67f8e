"""Judging a result: RAG against targets, direction of travel, benchmarks, action RAG.

The rules are those of ``scorecard.md``. Everything compares at full precision,
never at the displayed rounding; a missing value is never treated as 0. RAG
thresholds are computed exactly on the numbers as written (their shortest
decimal form), so 0.63 against a target of 0.7 with a 10% tolerance is amber,
not red by a rounding error.

>>> rag(72.0, Target(value=75.0, tolerance=5.0, effective_from=date(2018, 4, 1)), Direction.INCREASE)
'amber'
>>> benchmark_comparison(Interval(8.1, 17.1), 19.5, Direction.REDUCE)
'better'
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Literal

from safeplan.engine.catalogue import Direction
from safeplan.engine.stats import Interval

Rag = Literal["green", "amber", "red", "not rated"]
Travel = Literal[
    "improving", "worsening", "no significant change", "higher", "lower", "not available"
]
Comparison = Literal["similar", "better", "worse", "higher", "lower", "not compared"]
ActionRag = Literal["complete", "not rated", "not started", "green", "amber", "red"]

NOT_RATED: Rag = "not rated"

#: Action statuses (scorecard.md, "Action plans").
ACTION_STATUSES = ("not started", "in progress", "complete", "deferred", "ongoing")
#: Action performance thresholds: % complete ÷ expected %.
ACTION_GREEN_FROM = Fraction(9, 10)
ACTION_AMBER_FROM = Fraction(7, 10)


@dataclass(frozen=True)
class Target:
    """A measure's target in force from ``effective_from`` to ``effective_to`` (inclusive; None = open).

    ``tolerance`` is absolute, or a percentage of the target when
    ``tolerance_is_percent``. ``period_kind`` is set for count measures only:
    such a target applies to periods of that kind (month, quarter, financial
    year) and never to another.
    """

    value: float
    effective_from: date
    tolerance: float = 0.0
    tolerance_is_percent: bool = False
    effective_to: date | None = None
    period_kind: str | None = None

    def __post_init__(self) -> None:
        if not math.isfinite(self.value):
            raise ValueError(f"target value must be a finite number, not {self.value}")
        if not math.isfinite(self.tolerance) or self.tolerance < 0:
            raise ValueError(f"tolerance must be 0 or more, not {self.tolerance}")
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError(
                f"target ends ({self.effective_to}) before it starts ({self.effective_from})"
            )

    @property
    def absolute_tolerance(self) -> Fraction:
        """The tolerance in the measure's unit: a percentage tolerance is taken of |target|."""
        if self.tolerance_is_percent:
            return abs(_exact(self.value)) * _exact(self.tolerance) / 100
        return _exact(self.tolerance)

    def in_force_on(self, day: date) -> bool:
        """True when ``effective_from <= day <= effective_to`` (an open end runs on)."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


def target_in_force(
    targets: Iterable[Target],
    period_end: date,
    period_kind: str,
    *,
    count_measure: bool = False,
    whole_area: bool = True,
) -> Target | None:
    """The target that applies to a period: the one in force at the period's end.

    For a count measure only targets set for ``period_kind`` apply, and only to
    the whole area (``whole_area=False`` for a locality gives None). Where
    several are in force the latest ``effective_from`` wins, then the later in
    the sequence.
    """
    if count_measure and not whole_area:
        return None
    chosen: Target | None = None
    for target in targets:
        if not target.in_force_on(period_end):
            continue
        if count_measure and target.period_kind != period_kind:
            continue
        if chosen is None or target.effective_from >= chosen.effective_from:
            chosen = target
    return chosen


def rag(value: float | None, target: Target | None, direction: Direction) -> Rag:
    """Red / amber / green against a target (scorecard.md, "Targets and RAG").

    *Increase*: green when value ≥ target; amber when value ≥ target −
    tolerance; red otherwise. *Reduce* mirrors it. No value, no target or a
    *track* measure → "not rated".
    """
    if value is None or math.isnan(value) or target is None or direction == Direction.TRACK:
        return NOT_RATED
    exact, goal, tolerance = _exact(value), _exact(target.value), target.absolute_tolerance
    if direction == Direction.INCREASE:
        if exact >= goal:
            return "green"
        return "amber" if exact >= goal - tolerance else "red"
    if exact <= goal:
        return "green"
    return "amber" if exact <= goal + tolerance else "red"


def direction_of_travel(
    current: Interval | None,
    previous: Interval | None,
    current_value: float | None,
    previous_value: float | None,
    direction: Direction,
) -> Travel:
    """Change against an earlier period, counted only when the 95% intervals do not overlap.

    Intervals that touch overlap ("no significant change"). A significant rise
    is *improving* for an *increase* measure, *worsening* for *reduce* and
    *higher* for *track*. Without both values and both intervals significance
    cannot be judged: "not available".
    """
    if current_value is None or previous_value is None or current is None or previous is None:
        return "not available"
    if math.isnan(current_value) or math.isnan(previous_value):
        return "not available"
    if current.overlaps(previous):
        return "no significant change"
    rose = current.lower > previous.upper
    if direction == Direction.TRACK:
        return "higher" if rose else "lower"
    return "improving" if rose == _higher_is_better(direction) else "worsening"


def benchmark_comparison(
    area_interval: Interval | None, comparator_value: float | None, direction: Direction
) -> Comparison:
    """Fingertips significance: the comparator inside the area's 95% interval → *similar*.

    Otherwise the area is *better* or *worse* by the measure's polarity
    (*higher* / *lower* for track measures). The ends of the interval count as
    inside. Without an interval or a comparator value: "not compared".
    """
    if area_interval is None or comparator_value is None or math.isnan(comparator_value):
        return "not compared"
    if area_interval.contains(comparator_value):
        return "similar"
    higher = area_interval.lower > comparator_value
    if direction == Direction.TRACK:
        return "higher" if higher else "lower"
    return "better" if higher == _higher_is_better(direction) else "worse"


def _higher_is_better(direction: Direction) -> bool:
    return direction == Direction.INCREASE


def action_rag(
    status: str,
    start: date | None,
    due: date | None,
    percent_complete: float | None,
    as_at: date,
) -> ActionRag:
    """An action's RAG as at a date (today live; the period end in a snapshot).

    complete → "complete"; deferred and ongoing → "not rated"; before its start
    date → "not started"; past its due date and not complete → red; otherwise
    performance = % complete ÷ expected %, where expected % = elapsed ÷ planned
    duration: green ≥ 90%, red < 70%, amber between. Nothing is expected on the
    start day (green); an action due on the day it starts is expected complete.
    """
    if status not in ACTION_STATUSES:
        raise ValueError(f"unknown action status {status!r}; known: {', '.join(ACTION_STATUSES)}")
    if status == "complete":
        return "complete"
    if status in ("deferred", "ongoing") or start is None or due is None:
        return "not rated"
    if due < start:
        raise ValueError(f"action is due ({due}) before it starts ({start})")
    if as_at < start:
        return "not started"
    if as_at > due:
        return "red"
    return _action_performance_rag(_checked_percent(percent_complete), start, due, as_at)


def _action_performance_rag(percent: float, start: date, due: date, as_at: date) -> ActionRag:
    planned = (due - start).days
    expected = Fraction(1) if planned == 0 else Fraction((as_at - start).days, planned)
    if expected == 0:
        return "green"
    performance = _exact(percent) / 100 / expected
    if performance >= ACTION_GREEN_FROM:
        return "green"
    return "amber" if performance >= ACTION_AMBER_FROM else "red"


def _checked_percent(percent_complete: float | None) -> float:
    percent = 0.0 if percent_complete is None else percent_complete
    if math.isnan(percent) or not 0 <= percent <= 100:
        raise ValueError(f"% complete must be between 0 and 100, not {percent_complete}")
    return percent


def _exact(value: float) -> Fraction:
    """A number as the decimal it prints as (0.7 is 7/10, not the nearest binary fraction)."""
    return Fraction(repr(float(value)))

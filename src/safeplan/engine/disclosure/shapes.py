"""How each measure's published figures relate to one another (ADR 0026, "Additive structure").

A *quantity* is one whole-number figure of a measure — M3's numerator, M9's
value — published for many periods and groups. Its `Time` says what a
period's figure tells about its sub-periods'; every quantity's groups of a
breakdown add up to the whole area within one period.

>>> shape = measure_shape("M10")
>>> [(q.figure, q.role.value, q.time.value) for q in shape.quantities]
[('numerator', 'sum', 'events'), ('denominator', 'count', 'events')]
>>> measure_shape("M6").shared_denominator
'M4'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

from safeplan.engine.catalogue import CATALOGUE, ParamValue

Figure = Literal["value", "numerator", "denominator"]
FIGURES: tuple[Figure, ...] = ("value", "numerator", "denominator")


class Role(StrEnum):
    """What a quantity counts, which decides its primary rule."""

    COUNT = "count"  # children or events: 1–5 is suppressed
    SUM = "sum"  # M10's days over the counted cases: suppressed with the count it is built on


class Time(StrEnum):
    """What a period's figure says about its sub-periods' (months of a quarter, quarters of a year)."""

    EVENTS = "events"  # counted events: a period is the sum of its sub-periods
    UNITS = "units"  # distinct children with an event: at most the sum of its sub-periods'
    REPEAT_UNITS = "repeat units"  # distinct children with two or more: no upper bound
    SNAPSHOT = "snapshot"  # open at the last day: equal to the sub-period ending that day


@dataclass(frozen=True)
class Quantity:
    figure: Figure
    role: Role
    time: Time


@dataclass(frozen=True)
class Shape:
    """One measure's quantities and the relations between them that the definition makes public.

    `value` names what the value column is: the numerator itself, a count of
    its own (M9, M12), or a ratio of numerator and denominator (percent,
    mean). `subset`: numerator ≤ denominator in every cell.
    `shared_denominator`: another measure whose denominator is the same
    quantity (M5's referrals are M1's). `equal_groups`: groups of a
    breakdown where numerator = denominator by definition (M1's medium and
    high risk levels). `monotone_groups`: for distinct children, groups
    besides the whole area in which a child counted in a sub-period is
    counted in the period too (M2's looked after).
    """

    measure: str
    quantities: tuple[Quantity, ...]
    value: Literal["numerator", "own", "ratio"]
    subset: bool = False
    shared_denominator: str | None = None
    equal_groups: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    monotone_groups: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def quantity(self, figure: Figure) -> Quantity | None:
        return next((q for q in self.quantities if q.figure == figure), None)


def _pair(time_num: Time, time_den: Time | None = None) -> tuple[Quantity, ...]:
    return (
        Quantity("numerator", Role.COUNT, time_num),
        Quantity("denominator", Role.COUNT, time_den or time_num),
    )


_EVENTS = _pair(Time.EVENTS)
_SNAPSHOT = _pair(Time.SNAPSHOT)
_LOOKED_AFTER = MappingProxyType({"looked_after": ("looked after",)})


def measure_shape(measure: str, parameters: Mapping[str, ParamValue] | None = None) -> Shape:
    """The shape of one measure under its effective parameters (M1's `risk_levels` decide its equal groups)."""
    if measure not in CATALOGUE:
        raise ValueError(f"unknown measure {measure!r}; known: {', '.join(CATALOGUE)}")
    params = CATALOGUE[measure].parameters(parameters)
    match measure:
        case "M1":
            levels = params["risk_levels"]
            assert isinstance(levels, tuple)
            equal = MappingProxyType({"risk_level": levels})
            return Shape(measure, _EVENTS, "numerator", subset=True, equal_groups=equal)
        case "M2":
            quantities = _pair(Time.REPEAT_UNITS, Time.UNITS)
            return Shape(
                measure, quantities, "numerator", subset=True, monotone_groups=_LOOKED_AFTER
            )
        case "M4":
            return Shape(measure, _SNAPSHOT, "numerator", subset=True)
        case "M5":
            return Shape(measure, _EVENTS, "numerator", subset=True, shared_denominator="M1")
        case "M6":
            return Shape(measure, _SNAPSHOT, "numerator", subset=True, shared_denominator="M4")
        case "M3" | "M7" | "M8" | "M11":
            return Shape(measure, _EVENTS, "ratio", subset=True)
        case "M9":
            return Shape(measure, (Quantity("value", Role.COUNT, Time.UNITS),), "own")
        case "M10":
            days = Quantity("numerator", Role.SUM, Time.EVENTS)
            cases = Quantity("denominator", Role.COUNT, Time.EVENTS)
            return Shape(measure, (days, cases), "ratio")
        case "M12":
            return Shape(measure, (Quantity("value", Role.COUNT, Time.EVENTS),), "own")
    raise ValueError(f"{measure} has no disclosure shape; add one with an ADR")

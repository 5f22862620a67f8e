"""The charts' inputs: plain values, independent of the SPC engine's own types."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

Signal = Literal["improvement", "concern", "neither_high", "neither_low", "common"]
SIGNALS: tuple[Signal, ...] = ("improvement", "concern", "neither_high", "neither_low", "common")


@dataclass(frozen=True)
class SpcChartPoint:
    """One month on an SPC chart, with the lines already computed (None: not drawn).

    ``ghost`` points are drawn hollow and joined to nothing; ``partition_start``
    marks the first point after a recalculation; ``baseline_end`` the last
    point of the baseline; ``target`` the target in force that month.
    """

    month: date
    value: float
    mean: float | None = None
    lpl: float | None = None
    upl: float | None = None
    low2s: float | None = None
    high2s: float | None = None
    signal: Signal = "common"
    ghost: bool = False
    partition_start: bool = False
    baseline_end: bool = False
    target: float | None = None

    def __post_init__(self) -> None:
        if self.signal not in SIGNALS:
            raise ValueError(f"signal must be one of {', '.join(SIGNALS)}, not {self.signal!r}")


def spc_points_from_rows(rows: Iterable[object]) -> list[SpcChartPoint]:
    """Chart points from any rows with the same attribute names (the SPC engine's rows).

    A change of ``partition`` (when the rows have one) starts a partition;
    ``baseline`` true then false ends the baseline.
    """
    points: list[SpcChartPoint] = []
    previous: object | None = None
    for row in rows:
        partition, baseline = getattr(row, "partition", 0), getattr(row, "baseline", False)
        points.append(
            SpcChartPoint(
                **{name: getattr(row, name) for name in _COPIED if hasattr(row, name)},
                partition_start=previous is not None
                and partition != getattr(previous, "partition", 0),
            )
        )
        if previous is not None and getattr(previous, "baseline", False) and not baseline:
            points[-2] = replace(points[-2], baseline_end=True)
        previous = row
    return points


_COPIED = ("month", "value", "mean", "lpl", "upl", "low2s", "high2s", "signal", "ghost", "target")

"""Statistical process control: the XmR chart, special cause rules and icons of Making Data Count.

The reference is NHS England's *Making Data Count* SPC SQL query v2.6 with the
settings of ``scorecard.md``; where the two differ the spec wins and
``docs/adr/0004-spc-and-statistics.md`` records why.

- Partitions. A chart starts one partition; each recalculation point starts
  another. A baseline (the first points up to the one marked ``baseline_end``,
  or the first ``baseline_points`` non-ghosted points) is a partition whose
  mean and limits carry forward to the points after it until the next
  recalculation. Ghosted points are shown, take their partition's lines, and
  are left out of every calculation.
- Lines. x̄ is the mean of a partition's non-ghosted values; moving ranges
  |xᵢ − xᵢ₋₁| are taken between consecutive non-ghosted points of a partition;
  process limits are x̄ ± 2.66·MR̄ and the two-sigma lines x̄ ± (2/3)·2.66·MR̄.
- Special cause rules, on non-ghosted points: *astronomical*, a point
  strictly beyond a process limit; *shift*, ``shift_points`` consecutive points
  of a partition strictly on one side of the mean (a point on the mean breaks
  it); *trend*, ``trend_points`` consecutive points each strictly above (or
  below) the one before, endpoints included, ties breaking it, running across
  partitions; *two of three*, two or three of three consecutive points of a
  partition beyond the same two-sigma line (points beyond the process limit
  count) with all three strictly on that side of the mean — only the points
  beyond the line are flagged.
- With fewer than ``minimum_points`` non-ghosted points the chart is a run
  chart: the mean only, no limits, no special causes, no icons.
- Icons go on the last non-ghosted point: variation from its signal, and
  assurance from the target in force in that month against that point's
  limits (*increase*: pass if target ≤ lower limit, fail if target ≥ upper
  limit, otherwise hit or miss; *reduce* mirrors it).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from types import MappingProxyType
from typing import Literal

from safeplan.engine.catalogue import Direction, Unit

Signal = Literal["improvement", "concern", "neither_high", "neither_low", "common"]
RuleName = Literal["astronomical", "shift", "trend", "two_of_three"]
VariationIcon = Literal[
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neither_high",
    "neither_low",
]
AssuranceIcon = Literal["pass", "fail", "hit_or_miss"]
Conflict = Literal["improvement", "concern"]

#: Process limits sit 2.66·MR̄ from the mean (3 / d₂ with d₂ = 1.128); the two-sigma lines at 2/3 of that.
LIMIT_FACTOR = Fraction(266, 100)
TWO_SIGMA_FACTOR = LIMIT_FACTOR * 2 / 3
#: A moving range above 3.267·MR̄ (D₄) is an outlier when screening is on.
MR_OUTLIER_FACTOR = Fraction(3267, 1000)


@dataclass(frozen=True)
class SpcPoint:
    """One month of a measure's series, with the person-set flags that shape the chart.

    ``recalculate`` starts a new partition at this point; ``baseline_end``
    marks the last point of the baseline; ``ghost`` keeps the point on the
    chart but out of every calculation. ``note`` carries the person's reason.
    """

    month: date
    value: float
    ghost: bool = False
    recalculate: bool = False
    baseline_end: bool = False
    note: str = ""


@dataclass(frozen=True)
class SpcSettings:
    """The rule settings of one measure's chart; the same settings feed chart, icons and table.

    ``targets`` maps a point's ``month`` to the target in force in that month
    (time-varying; a month without a key has no target).
    """

    direction: Direction
    conflict: Conflict = "concern"
    targets: Mapping[date, float] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    baseline_points: int | None = None
    shift_points: int = 6
    trend_points: int = 6
    minimum_points: int = 13
    minimum_partition_points: int = 12
    exclude_moving_range_outliers: bool = False

    def __post_init__(self) -> None:
        if self.conflict not in ("improvement", "concern"):
            raise ValueError(f"conflict must be 'improvement' or 'concern', not {self.conflict!r}")
        for name in ("shift_points", "trend_points", "minimum_points", "minimum_partition_points"):
            if getattr(self, name) < 2:
                raise ValueError(f"{name} must be at least 2, not {getattr(self, name)}")
        if self.baseline_points is not None and self.baseline_points < 1:
            raise ValueError(f"baseline_points must be at least 1, not {self.baseline_points}")


@dataclass(frozen=True)
class SpcRow:
    """One plotted point: its lines (None where not computed), signal and fired rules."""

    month: date
    value: float
    ghost: bool
    partition: int
    baseline: bool
    mean: float | None
    lpl: float | None
    upl: float | None
    low2s: float | None
    high2s: float | None
    moving_range: float | None
    target: float | None
    signal: Signal
    rules: tuple[RuleName, ...]
    conflict: bool = False
    note: str = ""


@dataclass(frozen=True)
class SpcChart:
    """An XmR chart (or a run chart when too short) with its icons and warnings."""

    rows: tuple[SpcRow, ...]
    run_chart: bool
    variation: VariationIcon | None
    assurance: AssuranceIcon | None
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class _Segment:
    """A partition: rows ``start``..``stop - 1``; its lines come from partition ``source``."""

    number: int
    start: int
    stop: int
    source: int
    baseline: bool


@dataclass(frozen=True)
class _Lines:
    """A partition's mean and mean moving range, held exactly.

    Exact rational arithmetic on the values as written (their shortest decimal
    form) makes "on the mean" and "on a limit" mean exactly that, as the
    spec's strict comparisons need: a count series with MR̄ = 20/19 has its
    limit 2.8 from the mean, not 2.79999… or 2.80000…1.
    """

    mean: Fraction | None
    mr_bar: Fraction | None
    lpl: Fraction | None = None
    upl: Fraction | None = None
    low2s: Fraction | None = None
    high2s: Fraction | None = None

    @classmethod
    def of(cls, mean: Fraction | None, mr_bar: Fraction | None) -> _Lines:
        if mean is None or mr_bar is None:
            return cls(mean, mr_bar)
        limit, two = LIMIT_FACTOR * mr_bar, TWO_SIGMA_FACTOR * mr_bar
        return cls(mean, mr_bar, mean - limit, mean + limit, mean - two, mean + two)

    def shown(self) -> tuple[float | None, float | None, float | None, float | None]:
        """lpl, upl, low2s, high2s as floats."""
        return _float(self.lpl), _float(self.upl), _float(self.low2s), _float(self.high2s)


@dataclass
class _Flags:
    """Which side each rule fired on for one non-ghosted point."""

    high: set[RuleName] = field(default_factory=set)
    low: set[RuleName] = field(default_factory=set)


def spc_chart(points: Sequence[SpcPoint], settings: SpcSettings) -> SpcChart:
    """Build the chart of a monthly series (months strictly increasing, values finite).

    >>> from datetime import date
    >>> pts = [SpcPoint(date(2019, m, 1), v) for m, v in enumerate([5, 6, 5, 7, 6], start=1)]
    >>> spc_chart(pts, SpcSettings(Direction.REDUCE)).run_chart
    True
    """
    _check_points(points)
    warnings: list[str] = []
    segments = _segments(points, settings, warnings)
    screen = settings.exclude_moving_range_outliers
    lines = {s.number: _segment_lines(points, s, screen) for s in segments}
    live = sum(not p.ghost for p in points)
    run_chart = live < settings.minimum_points
    if run_chart:
        warnings.append(f"fewer than {settings.minimum_points} points: run chart only")
    else:
        warnings.extend(_partition_warnings(points, segments, settings))
    rows = _rows(points, segments, lines, settings, run_chart)
    variation, assurance = (
        (None, None) if run_chart else _icons(rows, segments, lines, settings, warnings)
    )
    return SpcChart(tuple(rows), run_chart, variation, assurance, tuple(warnings))


def spc_points(
    values: Mapping[date, float | None],
    *,
    ghosts: Mapping[date, str] | None = None,
    recalculations: Mapping[date, str] | None = None,
    baseline_end: date | None = None,
) -> list[SpcPoint]:
    """A measure's monthly values and the person-set marks (month → reason) as chart points.

    A month with no value is not a point and the series closes up around it; a
    mark on such a month moves to the nearest point it still means: a
    recalculation to the next point, a baseline end to the previous one, and a
    ghost is dropped with its month.
    """
    present = {m: v for m, v in values.items() if v is not None}
    months = sorted(present)
    ghost_notes = ghosts or {}
    recalc_notes: dict[date, str] = {}
    for day, why in (recalculations or {}).items():
        moved = _next_month(months, day)
        if moved is not None:
            recalc_notes[moved] = why
    end_at = None if baseline_end is None else _previous_month(months, baseline_end)
    return [
        SpcPoint(
            month=m,
            value=float(present[m]),
            ghost=m in ghost_notes,
            recalculate=m in recalc_notes,
            baseline_end=m == end_at,
            note="; ".join(w for w in (ghost_notes.get(m), recalc_notes.get(m)) if w),
        )
        for m in months
    ]


def _next_month(months: Sequence[date], day: date) -> date | None:
    return next((m for m in months if m >= day), None)


def _previous_month(months: Sequence[date], day: date) -> date | None:
    return next((m for m in reversed(months) if m <= day), None)


def possible_range(unit: Unit) -> tuple[float | None, float | None]:
    """The values a measure can take: counts, means and rates ≥ 0; percentages 0–100."""
    if unit == Unit.PERCENT:
        return (0.0, 100.0)
    return (0.0, None)


def clip_for_display(
    chart: SpcChart, *, minimum: float | None = None, maximum: float | None = None
) -> SpcChart:
    """The chart with limits and two-sigma lines clipped to the possible range, for drawing only.

    Rules and icons were judged on the unclipped limits and are unchanged.
    """

    def clip(value: float | None) -> float | None:
        if value is None:
            return None
        if minimum is not None and value < minimum:
            return minimum
        if maximum is not None and value > maximum:
            return maximum
        return value

    rows = tuple(
        replace(r, lpl=clip(r.lpl), upl=clip(r.upl), low2s=clip(r.low2s), high2s=clip(r.high2s))
        for r in chart.rows
    )
    return replace(chart, rows=rows)


# --- input and partitions -------------------------------------------------------------------


def _check_points(points: Sequence[SpcPoint]) -> None:
    for before, after in itertools.pairwise(points):
        if after.month <= before.month:
            raise ValueError(
                f"months must be strictly increasing: {after.month} follows {before.month}"
            )
    for p in points:
        if p.value != p.value or p.value in (float("inf"), float("-inf")):
            raise ValueError(f"{p.month}: value must be a finite number, not {p.value}")


def _baseline_end(points: Sequence[SpcPoint], settings: SpcSettings) -> int | None:
    """Index of the last baseline point: a marked point wins over a count of points (as MDC)."""
    marked = [i for i, p in enumerate(points) if p.baseline_end]
    if len(marked) > 1:
        raise ValueError("a chart has at most one baseline; several points end one")
    if marked:
        return marked[0]
    if settings.baseline_points is None:
        return None
    live = [i for i, p in enumerate(points) if not p.ghost]
    if settings.baseline_points > len(live):
        return None
    return live[settings.baseline_points - 1]


def _segments(
    points: Sequence[SpcPoint], settings: SpcSettings, warnings: list[str]
) -> list[_Segment]:
    """Split the series at recalculation points and after the baseline."""
    if not points:
        return []
    end = _baseline_end(points, settings)
    if end is None and settings.baseline_points is not None:
        warnings.append(
            f"baseline of {settings.baseline_points} points is longer than the series: ignored"
        )
    starts = {0}
    for i, p in enumerate(points):
        if p.recalculate and end is not None and i <= end:
            warnings.append(f"recalculation at {_ym(p.month)} lies within the baseline: ignored")
        elif p.recalculate:
            starts.add(i)
    if end is not None and end + 1 < len(points):
        starts.add(end + 1)
    bounds = [*sorted(starts), len(points)]
    segments: list[_Segment] = []
    for number, (start, stop) in enumerate(itertools.pairwise(bounds), start=1):
        carried = end is not None and start == end + 1 and not points[start].recalculate
        source = number - 1 if carried else number
        baseline = end is not None and stop - 1 <= end
        segments.append(_Segment(number, start, stop, source, baseline))
    return segments


def _segment_lines(points: Sequence[SpcPoint], segment: _Segment, screen: bool) -> _Lines:
    """Mean and mean moving range from a partition's own non-ghosted values.

    With moving-range outlier screening (MDC's ``@ExcludeMovingRangeOutliers``,
    off by default) moving ranges above 3.267·MR̄ are left out of MR̄, and the
    points they end are left out of the mean.
    """
    values = [_exact(p.value) for p in points[segment.start : segment.stop] if not p.ghost]
    if not values:
        return _Lines.of(None, None)
    ranges = [abs(b - a) for a, b in itertools.pairwise(values)]
    if not ranges:
        return _Lines.of(_mean(values), None)
    mr_bar = _mean(ranges)
    if not screen:
        return _Lines.of(_mean(values), mr_bar)
    cap = MR_OUTLIER_FACTOR * mr_bar
    kept = [values[0]] + [v for v, r in zip(values[1:], ranges, strict=True) if r <= cap]
    return _Lines.of(_mean(kept), _mean([r for r in ranges if r <= cap]))


def _mean(numbers: Sequence[Fraction]) -> Fraction:
    return sum(numbers, Fraction(0)) / len(numbers)


def _partition_warnings(
    points: Sequence[SpcPoint], segments: list[_Segment], settings: SpcSettings
) -> list[str]:
    """Partitions whose limits rest on too few points (a carried-forward baseline is judged once)."""
    out = []
    for s in segments:
        if s.source != s.number:
            continue
        live = sum(not p.ghost for p in points[s.start : s.stop])
        if live < settings.minimum_partition_points:
            out.append(
                f"partition starting {_ym(points[s.start].month)} has fewer than "
                f"{settings.minimum_partition_points} points"
            )
    return out


# --- rules ---------------------------------------------------------------------------------


def _rows(
    points: Sequence[SpcPoint],
    segments: list[_Segment],
    lines: Mapping[int, _Lines],
    settings: SpcSettings,
    run_chart: bool,
) -> list[SpcRow]:
    flags = {i: _Flags() for i, p in enumerate(points) if not p.ghost}
    if not run_chart:
        for s in segments:
            _flag_partition(points, s, lines[s.source], settings.shift_points, flags)
        _flag_trends(points, settings.trend_points, flags)
    rows = []
    for s in segments:
        ln = lines[s.source]
        lpl, upl, low2s, high2s = (None, None, None, None) if run_chart else ln.shown()
        mean = _float(ln.mean)
        ranges = _moving_ranges(points, s)
        for i in range(s.start, s.stop):
            p = points[i]
            f = flags.get(i, _Flags())
            rows.append(
                SpcRow(
                    month=p.month,
                    value=p.value,
                    ghost=p.ghost,
                    partition=s.number,
                    baseline=s.baseline,
                    mean=mean,
                    lpl=lpl,
                    upl=upl,
                    low2s=low2s,
                    high2s=high2s,
                    moving_range=ranges.get(i),
                    target=settings.targets.get(p.month),
                    signal=_signal(f, settings),
                    rules=_rule_names(f),
                    conflict=_is_conflict(f, settings.direction),
                    note=p.note,
                )
            )
    return rows


def _moving_ranges(points: Sequence[SpcPoint], segment: _Segment) -> dict[int, float]:
    live = [i for i in range(segment.start, segment.stop) if not points[i].ghost]
    return {
        b: float(abs(_exact(points[b].value) - _exact(points[a].value)))
        for a, b in itertools.pairwise(live)
    }


def _flag_partition(
    points: Sequence[SpcPoint],
    segment: _Segment,
    ln: _Lines,
    shift_points: int,
    flags: dict[int, _Flags],
) -> None:
    """Astronomical points, shifts and two-of-three within one partition."""
    live = [i for i in range(segment.start, segment.stop) if not points[i].ghost]
    values = [_exact(points[i].value) for i in live]
    upl, lpl, high2s, low2s = ln.upl, ln.lpl, ln.high2s, ln.low2s
    for i, v in zip(live, values, strict=True):
        if upl is not None and v > upl:
            flags[i].high.add("astronomical")
        if lpl is not None and v < lpl:
            flags[i].low.add("astronomical")
    if ln.mean is None:
        return
    mean = ln.mean
    above = [v > mean for v in values]
    below = [v < mean for v in values]
    _flag_runs(live, above, shift_points, "shift", flags, high=True)
    _flag_runs(live, below, shift_points, "shift", flags, high=False)
    if high2s is not None and low2s is not None:
        _flag_two_of_three(live, above, [v > high2s for v in values], flags, high=True)
        _flag_two_of_three(live, below, [v < low2s for v in values], flags, high=False)


def _flag_runs(
    indices: Sequence[int],
    condition: Sequence[bool],
    length: int,
    rule: RuleName,
    flags: dict[int, _Flags],
    *,
    high: bool,
) -> None:
    """Flag every point of each run of at least ``length`` consecutive points meeting ``condition``."""
    run: list[int] = []
    for i, ok in zip(indices, [*condition], strict=True):
        run = [*run, i] if ok else []
        if len(run) == length:
            for j in run:
                _side(flags[j], high).add(rule)
        elif len(run) > length:
            _side(flags[i], high).add(rule)


def _flag_two_of_three(
    indices: Sequence[int],
    same_side: Sequence[bool],
    beyond: Sequence[bool],
    flags: dict[int, _Flags],
    *,
    high: bool,
) -> None:
    """In every window of three consecutive points all on one side of the mean with at least
    two beyond that side's two-sigma line, flag the points beyond the line."""
    for w in range(len(indices) - 2):
        window = range(w, w + 3)
        if all(same_side[k] for k in window) and sum(beyond[k] for k in window) >= 2:
            for k in window:
                if beyond[k]:
                    _side(flags[indices[k]], high).add("two_of_three")


def _flag_trends(points: Sequence[SpcPoint], length: int, flags: dict[int, _Flags]) -> None:
    """Trends over the whole non-ghosted series, across partitions; a tie breaks a trend."""
    live = [i for i, p in enumerate(points) if not p.ghost]
    if not live:
        return
    values = [points[i].value for i in live]
    # A trend of n points is n - 1 consecutive rises, so a run of rises is counted with the
    # point before it: the first point of the series starts every run.
    rising = [True] + [b > a for a, b in itertools.pairwise(values)]
    falling = [True] + [b < a for a, b in itertools.pairwise(values)]
    _flag_steps(live, rising, length, flags, high=True)
    _flag_steps(live, falling, length, flags, high=False)


def _flag_steps(
    indices: Sequence[int],
    step: Sequence[bool],
    length: int,
    flags: dict[int, _Flags],
    *,
    high: bool,
) -> None:
    run_start = 0
    for k in range(len(indices)):
        if k > 0 and not step[k]:
            run_start = k
        if k - run_start + 1 >= length:
            for j in range(run_start, k + 1):
                _side(flags[indices[j]], high).add("trend")


def _side(f: _Flags, high: bool) -> set[RuleName]:
    return f.high if high else f.low


_RULE_ORDER: tuple[RuleName, ...] = ("astronomical", "shift", "trend", "two_of_three")


def _rule_names(f: _Flags) -> tuple[RuleName, ...]:
    fired = f.high | f.low
    return tuple(r for r in _RULE_ORDER if r in fired)


def _is_conflict(f: _Flags, direction: Direction) -> bool:
    return direction != Direction.TRACK and bool(f.high) and bool(f.low)


def _signal(f: _Flags, settings: SpcSettings) -> Signal:
    """Improvement or concern by direction; both → the conflict setting; *neither* for track."""
    high, low = bool(f.high), bool(f.low)
    if settings.direction == Direction.TRACK:
        return "neither_high" if high else "neither_low" if low else "common"
    improvement, concern = (high, low) if settings.direction == Direction.INCREASE else (low, high)
    if improvement and concern:
        return settings.conflict
    return "improvement" if improvement else "concern" if concern else "common"


# --- icons ---------------------------------------------------------------------------------


def _icons(
    rows: Sequence[SpcRow],
    segments: Sequence[_Segment],
    lines: Mapping[int, _Lines],
    settings: SpcSettings,
    warnings: list[str],
) -> tuple[VariationIcon | None, AssuranceIcon | None]:
    """Variation and assurance icons of the last non-ghosted point (rows are in point order)."""
    live = [k for k, r in enumerate(rows) if not r.ghost]
    if not live:
        return None, None
    last = rows[live[-1]]
    if last.conflict:
        warnings.append(
            f"the last point is both improvement and concern: shown as {settings.conflict}"
        )
    segment = next(s for s in segments if s.start <= live[-1] < s.stop)
    ln = lines[segment.source]
    return _variation(last, settings.direction), _assurance(last.target, ln, settings.direction)


def _variation(row: SpcRow, direction: Direction) -> VariationIcon:
    if row.signal in ("neither_high", "neither_low"):
        return row.signal
    if row.signal == "common":
        return "common_cause"
    high = (row.signal == "improvement") == (direction == Direction.INCREASE)
    if row.signal == "improvement":
        return "improvement_high" if high else "improvement_low"
    return "concern_high" if high else "concern_low"


def _assurance(target: float | None, ln: _Lines, direction: Direction) -> AssuranceIcon | None:
    """The target against the exact limits; a target exactly on a limit passes or fails."""
    lpl, upl = ln.lpl, ln.upl
    if direction == Direction.TRACK or target is None or lpl is None or upl is None:
        return None
    exact = _exact(target)
    if direction == Direction.INCREASE:
        if exact <= lpl:
            return "pass"
        return "fail" if exact >= upl else "hit_or_miss"
    if exact >= upl:
        return "pass"
    return "fail" if exact <= lpl else "hit_or_miss"


def _ym(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@functools.lru_cache(maxsize=4096)
def _exact(value: float) -> Fraction:
    """A value as the decimal it prints as (12.66 is 1266/100, not the nearest binary fraction)."""
    return Fraction(repr(value))


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)

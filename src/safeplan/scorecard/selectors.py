"""The scorecard: every measure for a period, judged — the one source for pages, pack and API.

For each stored result of the period (one breakdown at a time) a
:class:`ScorecardRow` carries the value, its 95% and 99.8% intervals
(``engine.stats.interval_for``), the target in force at the period's end and
its RAG, the direction of travel against the previous period and the same
period a year earlier, the comparison with a benchmark, and the variation and
assurance icons of the monthly SPC chart behind the period (its months up to
the period's end). The judgement is the pure engine's; this module only
gathers what it needs, in a handful of queries per call.

    rows = scorecard("2019-20 Q4")
    [(r.measure, r.value, r.rag, r.variation_icon) for r in rows]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date

from safeplan.engine import judgement
from safeplan.engine.catalogue import CATALOGUE, Direction, Unit, measure_spec
from safeplan.engine.periods import Period, parse_period, previous, year_earlier
from safeplan.engine.spc import SpcChart, SpcSettings, spc_chart, spc_points
from safeplan.engine.stats import LEVEL_95, LEVEL_998, Interval, interval_for
from safeplan.measures.models import MeasureResult
from safeplan.scorecard.models import Benchmark, Commentary, SpcMark, SpcSetting, Target

#: The scorecard's columns, in order: the CSV header and the JSON keys.
SCORECARD_COLUMNS = (
    "measure",
    "period",
    "breakdown",
    "group",
    "value",
    "numerator",
    "denominator",
    "unit",
    "lci95",
    "uci95",
    "lci998",
    "uci998",
    "target",
    "rag",
    "dot_short",
    "dot_long",
    "benchmark",
    "benchmark_comparison",
    "variation_icon",
    "assurance_icon",
    "status",
    "warnings",
)
#: Breakdowns that are areas: rated against the measure's target and compared with benchmarks.
AREA_BREAKDOWNS = ("all", "locality")
#: The comparator shown when a period has several; otherwise the first by name.
PRIMARY_COMPARATOR = "England"
ILLUSTRATIVE_WARNING = "illustrative target (synthetic demo, not the partnership's)"


@dataclass(frozen=True)
class CommentaryView:
    what_the_data_says: str
    why: str
    what_is_being_done: str
    author: str
    written_at: str


@dataclass(frozen=True)
class Comparison:
    comparator: str
    value: float
    lower: float | None
    upper: float | None
    comparison: judgement.Comparison


@dataclass(frozen=True)
class ScorecardRow:
    """One measure, period, breakdown and group, judged. ``as_dict`` gives the agreed columns."""

    measure: str
    period: str
    breakdown: str
    group: str
    value: float | None
    numerator: float | None
    denominator: float | None
    unit: str
    lci95: float | None
    uci95: float | None
    lci998: float | None
    uci998: float | None
    target: float | None
    rag: judgement.Rag
    dot_short: judgement.Travel
    dot_long: judgement.Travel
    benchmark: float | None
    benchmark_comparison: judgement.Comparison
    variation_icon: str | None
    assurance_icon: str | None
    status: str
    warnings: tuple[str, ...]
    # Beyond the agreed columns, for pages and the pack:
    title: str = ""
    direction: str = ""
    period_kind: str = ""
    target_illustrative: bool = False
    benchmark_comparator: str = ""
    comparisons: tuple[Comparison, ...] = ()
    commentary: CommentaryView | None = None

    def as_dict(self) -> dict[str, object]:
        """The agreed columns only (``SCORECARD_COLUMNS``), values as held."""
        full = asdict(self)
        return {key: full[key] for key in SCORECARD_COLUMNS}


# --- targets and settings ---------------------------------------------------------------------


def target_list(measure: str | None = None) -> list[Target]:
    """Stored targets, by measure and start date."""
    targets = Target.objects.all()
    if measure is not None:
        targets = targets.filter(measure=measure_spec(measure).id)
    return list(targets.order_by("measure", "effective_from", "id"))


def _engine_target(target: Target) -> judgement.Target:
    return judgement.Target(
        value=target.value,
        effective_from=target.effective_from,
        tolerance=target.tolerance,
        tolerance_is_percent=target.tolerance_is_percent,
        effective_to=target.effective_to,
        period_kind=target.period_kind or None,
    )


@dataclass(frozen=True)
class _Targets:
    """A measure's targets in the engine's form, each with the stored row it came from."""

    pairs: tuple[tuple[judgement.Target, Target], ...]

    def in_force(
        self, end: date, kind: str, *, unit: Unit, breakdown: str
    ) -> tuple[judgement.Target, Target] | None:
        """The target applying to a period (whole area and localities only; counts: whole area)."""
        if breakdown not in AREA_BREAKDOWNS:
            return None
        chosen = judgement.target_in_force(
            [p[0] for p in self.pairs],
            end,
            kind,
            count_measure=unit == Unit.COUNT,
            whole_area=breakdown == "all",
        )
        if chosen is None:
            return None
        # The engine picks the latest start, then the later in order: the same object back.
        return next(p for p in reversed(self.pairs) if p[0] is chosen)


def _targets_by_measure(measures: Iterable[str]) -> dict[str, _Targets]:
    found: dict[str, list[tuple[judgement.Target, Target]]] = defaultdict(list)
    for target in Target.objects.filter(measure__in=list(measures)).order_by(
        "effective_from", "id"
    ):
        found[target.measure].append((_engine_target(target), target))
    return {m: _Targets(tuple(found.get(m, []))) for m in measures}


def spc_conflict(measure: str, breakdown: str = "all", group: str = "") -> str:
    """The conflict setting of a chart: its own, else the measure's, else concern (the spec)."""
    settings = {
        (s.breakdown, s.group): s.conflict for s in SpcSetting.objects.filter(measure=measure)
    }
    return _conflict_from(settings, breakdown, group)


def _conflict_from(settings: Mapping[tuple[str, str], str], breakdown: str, group: str) -> str:
    for key in ((breakdown, group), (breakdown, ""), ("", "")):
        if key in settings:
            return settings[key]
    return SpcSetting.Conflict.CONCERN


@dataclass(frozen=True)
class _Marks:
    """Person-set marks of one chart: month → reason for each kind."""

    ghosts: dict[date, str]
    recalculations: dict[date, str]
    baseline_end: date | None


def _marks_for(marks: Sequence[SpcMark], breakdown: str, group: str) -> _Marks:
    """A chart's marks: the measure's, overridden by the chart's own for the same month and kind."""
    general = [m for m in marks if m.breakdown == ""]
    own = [m for m in marks if m.breakdown == breakdown and m.group in ("", group)]
    by_kind: dict[str, dict[date, str]] = defaultdict(dict)
    for mark in [*general, *sorted(own, key=lambda m: m.group)]:
        by_kind[mark.kind][mark.month] = mark.reason
    baselines = by_kind[SpcMark.Kind.BASELINE_END]
    own_baseline = [m.month for m in own if m.kind == SpcMark.Kind.BASELINE_END]
    baseline = max(own_baseline) if own_baseline else max(baselines, default=None)
    return _Marks(
        dict(by_kind[SpcMark.Kind.GHOST]), dict(by_kind[SpcMark.Kind.RECALCULATE]), baseline
    )


# --- SPC --------------------------------------------------------------------------------------


def _monthly_chart(
    spec_id: str,
    months: Mapping[date, float | None],
    marks: _Marks,
    conflict: str,
    targets: _Targets,
    breakdown: str,
) -> SpcChart:
    spec = CATALOGUE[spec_id]
    month_targets = {}
    for start in months:
        found = targets.in_force(_month_end(start), "month", unit=spec.unit, breakdown=breakdown)
        if found is not None:
            month_targets[start] = found[0].value
    points = spc_points(
        months,
        ghosts=marks.ghosts,
        recalculations=marks.recalculations,
        baseline_end=marks.baseline_end,
    )
    settings = SpcSettings(
        direction=spec.direction,
        conflict="improvement" if conflict == "improvement" else "concern",
        targets=month_targets,
    )
    return spc_chart(points, settings)


def _month_end(start: date) -> date:
    following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _monthly_values(results: Iterable[MeasureResult]) -> dict[date, float | None]:
    """A month with ``no data`` or an empty value is not a point (scorecard.md, SPC)."""
    return {
        r.period_start: r.value if r.status == MeasureResult.Status.OK else None for r in results
    }


def spc_for_measure(
    measure: str, breakdown: str = "all", group: str = "", *, until: date | None = None
) -> SpcChart:
    """The monthly XmR chart of a measure (one breakdown group), with the person-set marks.

    Uses the chart's conflict setting and, for assurance, the target in force
    in each month (for a count measure, only a monthly target applies, and only
    to the whole area). ``until`` keeps the months ending on or before it.
    Limits are as computed (not clipped: ``engine.spc.clip_for_display`` is for drawing).
    """
    spec = measure_spec(measure)
    results = MeasureResult.objects.filter(
        measure=spec.id, period_kind="month", breakdown=breakdown, group=group
    )
    if until is not None:
        results = results.filter(period_end__lte=until)
    marks = _marks_for(list(SpcMark.objects.filter(measure=spec.id)), breakdown, group)
    return _monthly_chart(
        spec.id,
        _monthly_values(results.order_by("period_start")),
        marks,
        spc_conflict(spec.id, breakdown, group),
        _targets_by_measure([spec.id])[spec.id],
        breakdown,
    )


# --- the scorecard ----------------------------------------------------------------------------


def _intervals(result: MeasureResult) -> tuple[Interval | None, Interval | None, str | None]:
    """95% and 99.8% intervals of a stored result by its unit; a warning if they cannot be had."""
    if result.value is None:
        return None, None, None
    sd = result.secondary.get("sd") if isinstance(result.secondary, dict) else None

    def at(level: float) -> Interval | None:
        return interval_for(
            Unit(result.unit),
            value=result.value,
            numerator=result.numerator,
            denominator=result.denominator,
            sd=None if sd is None else float(sd),
            level=level,
        )

    try:
        return at(LEVEL_95), at(LEVEL_998), None
    except ValueError as exc:
        return None, None, f"no confidence interval: {exc}"


@dataclass(frozen=True)
class _Judged:
    """A result with its intervals, keyed by (measure, breakdown, group)."""

    result: MeasureResult
    ci95: Interval | None
    ci998: Interval | None
    warning: str | None


def _judged(results: Iterable[MeasureResult]) -> dict[tuple[str, str, str], _Judged]:
    out = {}
    for r in results:
        ci95, ci998, warning = _intervals(r)
        out[(r.measure, r.breakdown, r.group)] = _Judged(r, ci95, ci998, warning)
    return out


def _travel(current: _Judged, earlier: _Judged | None, direction: Direction) -> judgement.Travel:
    if earlier is None:
        return "not available"
    return judgement.direction_of_travel(
        current.ci95, earlier.ci95, current.result.value, earlier.result.value, direction
    )


def _comparisons(
    benchmarks: Sequence[Benchmark], interval: Interval | None, direction: Direction
) -> tuple[Comparison, ...]:
    ordered = sorted(
        benchmarks,
        key=lambda b: (b.comparator.casefold() != PRIMARY_COMPARATOR.casefold(), b.comparator),
    )
    return tuple(
        Comparison(
            b.comparator,
            b.value,
            b.lower,
            b.upper,
            judgement.benchmark_comparison(interval, b.value, direction),
        )
        for b in ordered
    )


def _commentaries(period: str) -> dict[str, CommentaryView]:
    latest: dict[str, CommentaryView] = {}
    for c in Commentary.objects.filter(period=period).order_by("measure", "created_at", "id"):
        latest[c.measure] = CommentaryView(
            c.what_the_data_says, c.why, c.what_is_being_done, c.author, c.created_at.isoformat()
        )
    return latest


@dataclass(frozen=True)
class _Context:
    """Everything the scorecard reads besides the period's own results, fetched once."""

    period: Period
    breakdown: str
    previous: dict[tuple[str, str, str], _Judged]
    year_before: dict[tuple[str, str, str], _Judged]
    targets: dict[str, _Targets]
    benchmarks: dict[str, list[Benchmark]]
    months: dict[tuple[str, str, str], dict[date, float | None]]
    marks: dict[str, list[SpcMark]]
    settings: dict[str, dict[tuple[str, str], str]]
    commentary: dict[str, CommentaryView]


def _context(period: Period, breakdown: str, measures: list[str]) -> _Context:
    def results_for(other: Period) -> dict[tuple[str, str, str], _Judged]:
        return _judged(
            MeasureResult.objects.filter(
                period=other.label, breakdown=breakdown, measure__in=measures
            )
        )

    benchmarks: dict[str, list[Benchmark]] = defaultdict(list)
    for b in Benchmark.objects.filter(period=period.label):
        benchmarks[b.measure].append(b)
    months: dict[tuple[str, str, str], dict[date, float | None]] = defaultdict(dict)
    for r in MeasureResult.objects.filter(
        period_kind="month", breakdown=breakdown, period_end__lte=period.end, measure__in=measures
    ).order_by("period_start"):
        months[(r.measure, r.breakdown, r.group)].update(_monthly_values([r]))
    marks: dict[str, list[SpcMark]] = defaultdict(list)
    for mark in SpcMark.objects.filter(measure__in=measures):
        marks[mark.measure].append(mark)
    settings: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
    for s in SpcSetting.objects.filter(measure__in=measures):
        settings[s.measure][(s.breakdown, s.group)] = s.conflict
    return _Context(
        period=period,
        breakdown=breakdown,
        previous=results_for(previous(period)),
        year_before=results_for(year_earlier(period)),
        targets=_targets_by_measure(measures),
        benchmarks=benchmarks,
        months=months,
        marks=marks,
        settings=settings,
        commentary=_commentaries(period.label),
    )


def _row(judged: _Judged, ctx: _Context) -> ScorecardRow:
    r = judged.result
    spec = CATALOGUE[r.measure]
    key = (r.measure, r.breakdown, r.group)
    warnings = [w for w in (r.note, judged.warning) if w]
    found = ctx.targets[r.measure].in_force(
        r.period_end, r.period_kind, unit=spec.unit, breakdown=r.breakdown
    )
    target, stored = found if found is not None else (None, None)
    if stored is not None and stored.illustrative:
        warnings.append(ILLUSTRATIVE_WARNING)
    comparisons = (
        _comparisons(ctx.benchmarks.get(r.measure, []), judged.ci95, spec.direction)
        if r.breakdown in AREA_BREAKDOWNS and r.value is not None
        else ()
    )
    primary = comparisons[0] if comparisons else None
    if primary is not None and len(comparisons) > 1:
        warnings.append(f"benchmark: {primary.comparator} (also {len(comparisons) - 1} more)")
    elif primary is not None and primary.comparator.casefold() != PRIMARY_COMPARATOR.casefold():
        warnings.append(f"benchmark: {primary.comparator}")
    chart = _monthly_chart(
        r.measure,
        ctx.months.get(key, {}),
        _marks_for(ctx.marks.get(r.measure, []), r.breakdown, r.group),
        _conflict_from(ctx.settings.get(r.measure, {}), r.breakdown, r.group),
        ctx.targets[r.measure],
        r.breakdown,
    )
    warnings += [f"SPC: {w}" for w in chart.warnings]
    ci95, ci998 = judged.ci95, judged.ci998
    return ScorecardRow(
        measure=r.measure,
        period=r.period,
        breakdown=r.breakdown,
        group=r.group,
        value=r.value,
        numerator=r.numerator,
        denominator=r.denominator,
        unit=r.unit,
        lci95=None if ci95 is None else ci95.lower,
        uci95=None if ci95 is None else ci95.upper,
        lci998=None if ci998 is None else ci998.lower,
        uci998=None if ci998 is None else ci998.upper,
        target=None if target is None else target.value,
        rag=judgement.rag(r.value, target, spec.direction),
        dot_short=_travel(judged, ctx.previous.get(key), spec.direction),
        dot_long=_travel(judged, ctx.year_before.get(key), spec.direction),
        benchmark=None if primary is None else primary.value,
        benchmark_comparison="not compared" if primary is None else primary.comparison,
        variation_icon=chart.variation,
        assurance_icon=chart.assurance,
        status=r.status,
        warnings=tuple(warnings),
        title=spec.title,
        direction=spec.direction.value,
        period_kind=r.period_kind,
        target_illustrative=bool(stored is not None and stored.illustrative),
        benchmark_comparator="" if primary is None else primary.comparator,
        comparisons=comparisons,
        commentary=ctx.commentary.get(r.measure),
    )


def scorecard(
    period: str, breakdown: str = "all", *, measures: Sequence[str] | None = None
) -> list[ScorecardRow]:
    """Every measure's result for ``period`` (a label; any accepted spelling) and ``breakdown``.

    Rows come in measure order, then group; ``measures`` (ids) keeps only those.
    A period with no stored results gives an empty list; a label that is not a
    period raises ValueError.
    """
    parsed = parse_period(period)
    results = MeasureResult.objects.filter(period=parsed.label, breakdown=breakdown)
    if measures is not None:
        results = results.filter(measure__in=list(measures))
    current = _judged(results.order_by("measure_order", "group"))
    measures = sorted({m for m, _, _ in current}, key=lambda m: list(CATALOGUE).index(m))
    ctx = _context(parsed, breakdown, measures)
    return [_row(judged, ctx) for judged in current.values()]


def commentary_history(measure: str, period: str) -> list[Commentary]:
    """A measure's commentary for a period, latest first (the first is the one shown)."""
    return list(
        Commentary.objects.filter(measure=measure, period=period).order_by("-created_at", "-id")
    )


def commentary_current(measure: str, period: str) -> Commentary | None:
    """The latest commentary for a measure and period, or None."""
    history = commentary_history(measure, period)
    return history[0] if history else None


def breakdown_names() -> tuple[str, ...]:
    """Every breakdown a result can have: all, locality, then the measures' own."""
    extra = [b for spec in CATALOGUE.values() for b in spec.breakdowns]
    return tuple(dict.fromkeys(["all", "locality", *extra]))


def scorecard_periods(kind: str | None = None) -> list[str]:
    """Period labels with stored results by end date, a shorter period first (optionally one kind)."""
    results = MeasureResult.objects.filter(breakdown="all")
    if kind is not None:
        results = results.filter(period_kind=kind)
    rows = results.values_list("period", "period_start", "period_end").distinct()
    ordered = sorted(set(rows), key=lambda r: (r[2], -r[1].toordinal()))
    return [label for label, _, _ in ordered]


def result_groups(measure: str, breakdown: str) -> list[str]:
    """The groups a measure's results have for a breakdown (for choosing a chart)."""
    return sorted(
        set(
            MeasureResult.objects.filter(
                measure=measure_spec(measure).id, breakdown=breakdown
            ).values_list("group", flat=True)
        )
    )

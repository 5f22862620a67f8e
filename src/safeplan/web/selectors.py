"""The pages' view-models: the active plan laid out with the scorecard's figures.

Every figure comes from ``safeplan.scorecard.selectors.scorecard`` (value,
interval, RAG, direction of travel, SPC icons) or ``spc_for_measure`` (the
monthly chart); this module only arranges them as the board's page does and
turns judgements into words (``display.py``). Nothing is cached: each request
reads the period it asks for.

    board = dashboard(period_resolve("2019-20 Q4"))
    [(c.name, [m.value for m in c.measures]) for c in board.columns]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from safeplan.actions.selectors import (
    Progress,
    actions_overdue_and_at_risk,
    intervention_progress,
    theme_action_counts,
)
from safeplan.engine.catalogue import CATALOGUE
from safeplan.engine.periods import Period, add_months, parse_period
from safeplan.measures.models import MeasureResult
from safeplan.plans.models import KeyMeasure, Plan
from safeplan.plans.selectors import intervention_key, plan_active, theme_key
from safeplan.scorecard.selectors import ScorecardRow, scorecard
from safeplan.web.display import (
    Badge,
    assurance_badge,
    figure_text,
    headline_text,
    rag_badge,
    travel_badge,
    variation_badge,
)

#: The periods the board chooses between: quarters and financial years.
REPORTING_KINDS = ("quarter", "year")
SPARKLINE_MONTHS = 12
#: Beside "No data" the unit is still named, so that the reader knows what is missing.
_UNIT_WORDS_NO_DATA = {"percent": "per cent"}
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


class PeriodUnavailable(LookupError):
    """The period asked for is not one with figures (or not a period at all)."""


@dataclass(frozen=True)
class PeriodOption:
    label: str
    description: str


def period_description(period: Period) -> str:
    """A period in words: ``2019-20 Q4`` → ``2019-20 Q4 (January to March 2020)``."""
    first, last = MONTH_NAMES[period.start.month - 1], MONTH_NAMES[period.end.month - 1]
    if period.start.year == period.end.year:
        return f"{period.label} ({first} to {last} {period.end.year})"
    return f"{period.label} ({first} {period.start.year} to {last} {period.end.year})"


def reporting_periods() -> list[PeriodOption]:
    """Quarters and financial years with a whole-area figure, latest first (a quarter before its year)."""
    rows = (
        MeasureResult.objects.filter(
            breakdown="all", status=MeasureResult.Status.OK, period_kind__in=REPORTING_KINDS
        )
        .values_list("period", "period_start", "period_end")
        .distinct()
    )
    ordered = sorted(set(rows), key=lambda r: (r[2], r[1]), reverse=True)
    return [PeriodOption(label, period_description(parse_period(label))) for label, _, _ in ordered]


def period_resolve(requested: str | None, options: list[PeriodOption]) -> Period | None:
    """The period asked for (any accepted spelling), else the latest quarter with figures.

    None when there are no figures at all; ``PeriodUnavailable`` when the
    period asked for has none.
    """
    if not requested or not requested.strip():
        quarters = [o for o in options if parse_period(o.label).kind == "quarter"]
        chosen = quarters or options
        return parse_period(chosen[0].label) if chosen else None
    try:
        period = parse_period(requested)
    except ValueError as exc:
        raise PeriodUnavailable(str(exc)) from None
    if period.label not in {o.label for o in options}:
        raise PeriodUnavailable(f"no figures for {period.label}")
    return period


# --- one measure, as a tile on the page -------------------------------------------------------


@dataclass(frozen=True)
class MeasureTile:
    """A key measure as the plan on a page shows it."""

    measure_id: str
    title: str
    unit: str
    unit_words: str
    direction: str
    value: str
    has_value: bool
    rag: Badge
    dot_short: Badge
    dot_long: Badge
    variation: Badge
    assurance: Badge | None
    target: str
    illustrative: bool
    sparkline: SafeString


def measure_tile(
    measure_id: str,
    title: str,
    row: ScorecardRow | None,
    months: list[float | None],
) -> MeasureTile:
    spec = CATALOGUE[measure_id]
    direction, unit = spec.direction.value, spec.unit.value
    has_value = row is not None and row.status == MeasureResult.Status.OK and row.value is not None
    value, unit_words = (
        headline_text(row.value, unit)
        if has_value and row is not None and row.value is not None
        else ("No data", _UNIT_WORDS_NO_DATA.get(unit, unit))
    )
    from safeplan.charts import sparkline_svg  # matplotlib loads on first use, not at start-up

    spark = sparkline_svg(
        months,
        title=f"{measure_id}, last {SPARKLINE_MONTHS} months",
        unit=unit,
        chart_id=f"spark-{measure_id}",
    )
    return MeasureTile(
        measure_id=measure_id,
        title=title,
        unit=unit,
        unit_words=unit_words,
        direction=direction,
        value=value,
        has_value=has_value,
        rag=rag_badge(row.rag if row else "not rated", direction),
        dot_short=travel_badge(row.dot_short if row else "not available"),
        dot_long=travel_badge(row.dot_long if row else "not available"),
        variation=variation_badge(row.variation_icon if row else None),
        assurance=assurance_badge(row.assurance_icon if row else None),
        target="" if row is None or row.target is None else figure_text(row.target, unit),
        illustrative=bool(row and row.target_illustrative),
        sparkline=mark_safe(spark),  # built by our renderer, every text escaped
    )


def monthly_values(period: Period, months: int = SPARKLINE_MONTHS) -> dict[str, list[float | None]]:
    """Each measure's whole-area value in the ``months`` months up to the period's end (None: no data)."""
    last = date(period.end.year, period.end.month, 1)
    starts = [add_months(last, -i) for i in range(months - 1, -1, -1)]
    found: dict[tuple[str, date], float | None] = {}
    for measure, start, value, status in MeasureResult.objects.filter(
        period_kind="month",
        breakdown="all",
        period_start__gte=starts[0],
        period_end__lte=period.end,
    ).values_list("measure", "period_start", "value", "status"):
        found[(measure, start)] = value if status == MeasureResult.Status.OK else None
    return {m: [found.get((m, s)) for s in starts] for m in CATALOGUE}


# --- the plan on a page -----------------------------------------------------------------------


@dataclass(frozen=True)
class InterventionItem:
    name: str
    description: str
    key: str
    progress: Progress


@dataclass(frozen=True)
class ThemeItem:
    name: str
    description: str
    key: str
    actions: int


@dataclass(frozen=True)
class PriorityColumn:
    name: str
    aim: str
    measures: tuple[MeasureTile, ...]
    interventions: tuple[InterventionItem, ...]


@dataclass(frozen=True)
class Dashboard:
    plan: Plan
    period: Period | None
    period_text: str
    columns: tuple[PriorityColumn, ...]
    themes: tuple[ThemeItem, ...]
    actions_at_risk: int


def _intervention_item(intervention: Any, progress: dict[str, Progress]) -> InterventionItem:
    key = intervention_key(intervention.name)
    return InterventionItem(
        intervention.name, intervention.description, key, progress.get(key, Progress())
    )


def dashboard(plan: Plan, period: Period | None, *, today: date | None = None) -> Dashboard:
    """The plan on a page for ``period``: each priority's measures judged, its interventions, the themes.

    Action progress is as at today (scorecard.md: live pages), whatever the period.
    """
    today = today or timezone.localdate()
    rows = {r.measure: r for r in scorecard(period.label)} if period else {}
    months = monthly_values(period) if period else {}
    progress = intervention_progress(plan, today)
    tagged = theme_action_counts()
    columns = tuple(
        PriorityColumn(
            name=priority.name,
            aim=priority.aim,
            measures=tuple(
                measure_tile(
                    m.measure_id,
                    m.title,
                    rows.get(m.measure_id),
                    months.get(m.measure_id, []),
                )
                for m in priority.measures.all()
            ),
            interventions=tuple(
                _intervention_item(i, progress) for i in priority.interventions.all()
            ),
        )
        for priority in plan.priorities.all()
    )
    return Dashboard(
        plan=plan,
        period=period,
        period_text=period_description(period) if period else "",
        columns=columns,
        themes=tuple(
            ThemeItem(t.name, t.description, theme_key(t.name), tagged.get(theme_key(t.name), 0))
            for t in plan.themes.all()
        ),
        actions_at_risk=len(actions_overdue_and_at_risk(today)),
    )


def dashboard_for(requested: str | None) -> tuple[Dashboard | None, list[PeriodOption]]:
    """The active plan's page for the period asked for (``PeriodUnavailable`` if it has no figures)."""
    options = reporting_periods()
    period = period_resolve(requested, options)
    plan = plan_active()
    return (dashboard(plan, period) if plan else None), options


def key_measure_active(measure_id: str) -> KeyMeasure | None:
    """The active plan's wording of a measure, with its priority, or None when not on the plan."""
    return (
        KeyMeasure.objects.filter(plan__is_active=True, measure_id=measure_id)
        .select_related("priority")
        .first()
    )

"""The measure page's view-model: definition, charts with their tables, values, breakdowns.

All figures are the scorecard's (``scorecard`` for each period and breakdown,
``spc_for_measure`` for the monthly chart); the charts are the shared SVG
renderer's (``safeplan.charts``), each with a table alternative built from the
same rows.

    page = measure_page("M5", parse_period("2019-20 Q4"))
    page.headline.value, [r.label for r in page.history]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils.safestring import SafeString, mark_safe

from safeplan.datasets.schema import DATASETS
from safeplan.engine.catalogue import MeasureSpec, Unit, measure_spec
from safeplan.engine.measures import MEASURES
from safeplan.engine.periods import Period
from safeplan.engine.spc import SpcChart, clip_for_display, possible_range
from safeplan.measures.models import MeasureResult
from safeplan.plans.selectors import measure_parameters
from safeplan.records.models import RECORD_MODELS
from safeplan.scorecard.models import Commentary
from safeplan.scorecard.selectors import (
    CommentaryView,
    ScorecardRow,
    commentary_history,
    scorecard,
    spc_for_measure,
)
from safeplan.web.display import (
    BREAKDOWN_LABELS,
    SIGNAL_LABELS,
    Badge,
    figure_text,
    interval_text,
    number_text,
    rag_badge,
    travel_badge,
)
from safeplan.web.selectors import (
    MONTH_NAMES,
    MeasureTile,
    PeriodOption,
    key_measure_active,
    measure_tile,
    monthly_values,
    period_description,
    period_resolve,
    reporting_periods,
)

#: Periods of the chosen kind shown in the value table and the interval chart.
HISTORY_PERIODS = 8
#: Drill-down rows shown per part; the rest are counted, not listed.
RECORDS_SHOWN = 500


@dataclass(frozen=True)
class ValueRow:
    """One period (or one group of a breakdown) of a measure, as the tables show it."""

    label: str
    period: str
    group: str
    value: str
    numerator: str
    denominator: str
    interval: str
    rag: Badge
    dot_short: Badge
    dot_long: Badge


@dataclass(frozen=True)
class SpcRowView:
    month: str
    value: str
    mean: str
    limits: str
    signal: str
    note: str


@dataclass(frozen=True)
class BreakdownTable:
    name: str
    label: str
    rows: tuple[ValueRow, ...]


@dataclass(frozen=True)
class ComparisonRow:
    comparator: str
    value: str
    interval: str
    comparison: str


@dataclass(frozen=True)
class MeasurePage:
    spec: MeasureSpec
    title: str
    priority: str
    definition: str
    calculation: str
    parameters: tuple[tuple[str, str], ...]
    period: Period
    period_text: str
    headline: MeasureTile
    row: ScorecardRow | None
    spc_svg: SafeString
    spc_rows: tuple[SpcRowView, ...]
    run_chart: bool
    interval_svg: SafeString
    history: tuple[ValueRow, ...]
    breakdowns: tuple[BreakdownTable, ...]
    comparisons: tuple[ComparisonRow, ...]
    commentary: CommentaryView | None
    commentary_history: tuple[Commentary, ...]


def value_row(row: ScorecardRow, label: str) -> ValueRow:
    return ValueRow(
        label=label,
        period=row.period,
        group=row.group,
        value=figure_text(row.value, row.unit) if row.value is not None else row.status,
        numerator=number_text(row.numerator),
        denominator=number_text(row.denominator),
        interval=interval_text(row.lci95, row.uci95, row.unit),
        rag=rag_badge(row.rag, row.direction),
        dot_short=travel_badge(row.dot_short),
        dot_long=travel_badge(row.dot_long),
    )


def _measure_row(period: str, measure: str, breakdown: str = "all") -> list[ScorecardRow]:
    return scorecard(period, breakdown, measures=[measure])


def history_rows(spec: MeasureSpec, period: Period) -> list[ScorecardRow]:
    """The measure's whole-area rows for the periods of the chosen kind up to it, oldest first."""
    labels = list(
        MeasureResult.objects.filter(
            measure=spec.id, breakdown="all", period_kind=period.kind, period_end__lte=period.end
        )
        .order_by("-period_end")
        .values_list("period", flat=True)[:HISTORY_PERIODS]
    )
    return [row for label in reversed(labels) for row in _measure_row(label, spec.id)]


def spc_view(spec: MeasureSpec, period: Period) -> tuple[SafeString, tuple[SpcRowView, ...], bool]:
    """The monthly chart up to the period's end, limits clipped to what the unit allows."""
    from safeplan.charts import spc_chart_svg, spc_points_from_rows  # matplotlib: on first use

    chart = spc_for_measure(spec.id, "all", "", until=period.end)
    low, high = possible_range(spec.unit)
    shown = clip_for_display(chart, minimum=low, maximum=high)
    svg = spc_chart_svg(
        spc_points_from_rows(shown.rows),
        title=f"{spec.id} {spec.title}: monthly SPC chart",
        unit=spec.unit.value,
        chart_id=f"spc-{spec.id}",
    )
    return (
        mark_safe(svg),
        _spc_table(chart, spec.unit),
        chart.run_chart,
    )  # our renderer escapes text


def _spc_table(chart: SpcChart, unit: Unit) -> tuple[SpcRowView, ...]:
    def text(value: float | None) -> str:
        return "–" if value is None else figure_text(value, unit.value)

    return tuple(
        SpcRowView(
            month=f"{MONTH_NAMES[r.month.month - 1]} {r.month.year}",
            value=text(r.value),
            mean=text(r.mean),
            limits="–" if r.lpl is None or r.upl is None else f"{text(r.lpl)} to {text(r.upl)}",
            signal="Ghosted (left out)" if r.ghost else SIGNAL_LABELS.get(r.signal, r.signal),
            note="; ".join(x for x in (r.note, ", ".join(r.rules).replace("_", " ")) if x),
        )
        for r in chart.rows
    )


def interval_view(spec: MeasureSpec, rows: list[ScorecardRow]) -> SafeString:
    from safeplan.charts import interval_chart_svg  # matplotlib: on first use

    svg = interval_chart_svg(
        [r.period for r in rows],
        [r.value for r in rows],
        [r.lci95 for r in rows],
        [r.uci95 for r in rows],
        title=f"{spec.id} {spec.title}: by period with 95% confidence intervals",
        unit=spec.unit.value,
        target=rows[-1].target if rows else None,
        chart_id=f"interval-{spec.id}",
        width=max(7.5, 0.8 + 1.05 * len(rows)),  # room for each period's label
    )
    return mark_safe(svg)  # our renderer escapes text


def breakdown_tables(spec: MeasureSpec, period: Period) -> tuple[BreakdownTable, ...]:
    """Locality and the measure's own breakdowns for the period."""
    tables = []
    for name in ("locality", *spec.breakdowns):
        rows = _measure_row(period.label, spec.id, name)
        tables.append(
            BreakdownTable(
                name=name,
                label=BREAKDOWN_LABELS.get(name, name.replace("_", " ").capitalize()),
                rows=tuple(value_row(r, r.group or "(blank)") for r in rows),
            )
        )
    return tuple(tables)


def comparison_rows(row: ScorecardRow | None) -> tuple[ComparisonRow, ...]:
    if row is None:
        return ()
    return tuple(
        ComparisonRow(
            comparator=c.comparator,
            value=figure_text(c.value, row.unit),
            interval=interval_text(c.lower, c.upper, row.unit),
            comparison=c.comparison.capitalize(),
        )
        for c in row.comparisons
    )


def calculation_text(measure_id: str) -> str:
    """How the engine computes the measure: its definition, the code's own docstring, as prose.

    The first paragraph (the title) is left out; Markdown marks are dropped.
    """
    body = MEASURES[measure_id].definition.split("\n\n", 1)[-1]
    return " ".join(body.replace("`", "").replace("*", "").split())


def measure_page(key: str, period: Period) -> MeasurePage:
    """Everything on a measure's page for ``period``; ``KeyError`` for an unknown measure."""
    spec = measure_spec(key)
    planned = key_measure_active(spec.id)
    history = history_rows(spec, period)
    row = next((r for r in history if r.period == period.label), None)
    spc_svg, spc_rows, run_chart = spc_view(spec, period)
    months = monthly_values(period).get(spec.id, [])
    parameters = measure_parameters(planned) if planned else spec.parameters()
    return MeasurePage(
        spec=spec,
        title=planned.title if planned else spec.title,
        priority=planned.priority.name if planned else "",
        definition=planned.definition if planned else "",
        calculation=calculation_text(spec.id),
        parameters=tuple((name, _parameter_text(value)) for name, value in parameters.items()),
        period=period,
        period_text=period_description(period),
        headline=measure_tile(spec.id, spec.title, row, months),
        row=row,
        spc_svg=spc_svg,
        spc_rows=spc_rows,
        run_chart=run_chart,
        interval_svg=interval_view(spec, history),
        history=tuple(value_row(r, r.period) for r in reversed(history)),
        breakdowns=breakdown_tables(spec, period),
        comparisons=comparison_rows(row),
        commentary=row.commentary if row else None,
        commentary_history=tuple(commentary_history(spec.id, period.label)),
    )


def _parameter_text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return str(value)


# --- drill-down -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordTable:
    """The records behind one part of a result (numerator or denominator), as a table."""

    part: str
    dataset: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: int


_DATASET_OF = {model: name for name, model in RECORD_MODELS.items()}


def record_tables(
    spec: MeasureSpec, period: Period, breakdown: str, group: str | None
) -> tuple[RecordTable, ...]:
    """Child-level: the caller must check the user may see records (analysts, administrators)."""
    from safeplan.measures.selectors import result_records  # polars: on first use

    found = result_records(measure=spec.id, period=period.label, breakdown=breakdown, group=group)
    tables = []
    for part, records in found.items():
        by_dataset: dict[str, list[Model]] = {}
        for record in records:
            by_dataset.setdefault(_DATASET_OF[type(record)], []).append(record)
        for dataset, items in by_dataset.items():
            tables.append(_record_table(part, dataset, items))
    return tuple(tables)


def _record_table(part: str, dataset: str, records: list[Model]) -> RecordTable:
    """The dataset's columns, then the source that sent each record (ids repeat across sources)."""
    names = tuple(c.name for c in DATASETS[dataset].columns)
    rows = tuple(
        (
            *(_cell(getattr(record, name, None)) for name in names),
            _cell(getattr(record, "import_source", None)),
        )
        for record in records[:RECORDS_SHOWN]
    )
    return RecordTable(part, DATASETS[dataset].title, (*names, "sent by"), rows, len(records))


def _cell(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def measure_page_for(
    key: str, requested: str | None
) -> tuple[MeasureSpec, MeasurePage | None, list[PeriodOption]]:
    """The page for the period asked for, or None when nothing has figures yet.

    ``KeyError`` for an unknown measure, ``PeriodUnavailable`` for a period without figures.
    """
    spec = measure_spec(key)
    options = reporting_periods()
    period = period_resolve(requested, options)
    return spec, (measure_page(spec.id, period) if period else None), options


def measure_period(key: str, requested: str | None) -> tuple[MeasureSpec, Period | None]:
    """A measure and the period asked for (the latest quarter by default)."""
    spec = measure_spec(key)
    return spec, period_resolve(requested, reporting_periods())

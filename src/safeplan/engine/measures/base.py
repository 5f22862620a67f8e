"""Inputs, outputs and the shared machinery of the twelve measures.

A measure is computed in three vectorised steps, for all periods and all
breakdowns at once:

1. **base**: every record the measure reads, one row each, with its record
   id, the flags the definition needs and its breakdown groups (``g_<name>``);
2. **contributions**: the base joined to the periods table (flow: the event's
   date in the period; snapshot: open at the period's last day), with
   child-level groups settled where a measure counts children once;
3. **summary**: one aggregation per breakdown over (period, group), on a
   complete grid of periods × groups so that absent groups show 0.

Groups are enumerated so that counts over a breakdown add up to the whole
area: localities are every locality value in any loaded frame, plus
``Unknown`` where one of the measure's own records resolves to none; coded
breakdowns list all their codes; text breakdowns every value the measure's
records hold; a blank breakdown value is the group ``Unknown``.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

import polars as pl

from safeplan.datasets.schema import DATASETS, ColumnType
from safeplan.engine.catalogue import MeasureSpec, ParamValue
from safeplan.engine.periods import Period, financial_year_start

UNKNOWN = "Unknown"
FAR_FUTURE = date(9999, 12, 31)
SOURCE = "_source"  # who sent the record: with its id, it names one stored record (ADR 0014)
Params = Mapping[str, ParamValue]
Window = tuple[date, date]
RecordRef = tuple[str, str, str]  # dataset, source, record id

_DTYPES: Mapping[ColumnType, pl.DataType] = MappingProxyType(
    {
        ColumnType.ID: pl.String(),
        ColumnType.TEXT: pl.String(),
        ColumnType.CODE: pl.String(),
        ColumnType.DATE: pl.Date(),
        ColumnType.DATETIME: pl.Datetime("us"),
        ColumnType.FLAG: pl.Boolean(),
        ColumnType.INT: pl.Int64(),
        ColumnType.CODE_LIST: pl.List(pl.String()),
    }
)

RESULT_SCHEMA: Mapping[str, pl.DataType] = MappingProxyType(
    {
        "measure": pl.String(),
        "period": pl.String(),
        "period_kind": pl.String(),
        "period_start": pl.Date(),
        "period_end": pl.Date(),
        "breakdown": pl.String(),
        "group": pl.String(),
        "value": pl.Float64(),
        "numerator": pl.Float64(),
        "denominator": pl.Float64(),
        "unit": pl.String(),
        "status": pl.String(),
        "note": pl.String(),
        "secondary": pl.String(),
        "parameters": pl.String(),
    }
)


def dataset_schema(name: str) -> dict[str, pl.DataType]:
    """Column names and Polars dtypes of a dataset, as the engine expects them."""
    return {col.name: _DTYPES[col.type] for col in DATASETS[name].columns}


def empty_frame(name: str) -> pl.DataFrame:
    """A dataset with no rows but the right columns and dtypes."""
    return pl.DataFrame(schema=dataset_schema(name))


def conform(name: str, frame: pl.DataFrame | None) -> pl.DataFrame:
    """The frame in schema order and dtypes, then ``_source``; absent columns become nulls."""
    if frame is None:
        frame = empty_frame(name)
    schema = {**dataset_schema(name), SOURCE: pl.String()}
    return frame.select(
        pl.col(col).cast(dtype) if col in frame.columns else pl.lit(None, dtype).alias(col)
        for col, dtype in schema.items()
    )


def record_ref(dataset: str, id_column: str) -> list[pl.Expr]:
    """``_dataset``, ``_src`` and ``_rid``: the stored record a row stands for.

    Two sources may use one id for different records (ADR 0014), so the id
    alone does not name a record.
    """
    return [
        pl.lit(dataset).alias("_dataset"),
        pl.col(SOURCE).fill_null("").alias("_src"),
        pl.col(id_column).alias("_rid"),
    ]


@dataclass(frozen=True)
class MeasureInputs:
    """What the engine reads: frames keyed by dataset name, coverage, plan settings.

    `coverage` holds the inclusive windows each dataset's imports cover;
    `parameters` the plan file's per-measure overrides (``{"M5":
    {"lookback_months": 6}}``); `plan_start` starts M9's cumulative count.
    """

    frames: Mapping[str, pl.DataFrame] = field(default_factory=dict)
    coverage: Mapping[str, Sequence[Window]] = field(default_factory=dict)
    plan_start: date | None = None
    parameters: Mapping[str, Mapping[str, ParamValue]] = field(default_factory=dict)


def merge_windows(windows: Sequence[Window]) -> list[Window]:
    """Sorted windows with overlapping or touching ones joined."""
    merged: list[Window] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def covers(windows: Sequence[Window], start: date, end: date) -> bool:
    """Whether [start, end] lies inside one merged window."""
    return any(ws <= start and end <= we for ws, we in merge_windows(windows))


@dataclass(frozen=True)
class Context:
    """Conformed frames and the periods table shared by every measure of one compute."""

    inputs: MeasureInputs
    frames: Mapping[str, pl.DataFrame]
    periods: tuple[Period, ...]
    table: pl.DataFrame
    localities: tuple[str, ...]
    memo: dict[str, pl.DataFrame] = field(default_factory=dict, compare=False)

    def frame(self, name: str) -> pl.DataFrame:
        return self.frames[name]

    def remember(self, key: str, build: Callable[[], pl.DataFrame]) -> pl.DataFrame:
        """A frame built once per compute (children lookups, a base read by two steps)."""
        if key not in self.memo:
            self.memo[key] = build()
        return self.memo[key]

    def params(self, spec: MeasureSpec) -> dict[str, ParamValue]:
        return spec.parameters(self.inputs.parameters.get(spec.id))


def _blank_to_null(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text).alias(column)


def _all_localities(frames: Mapping[str, pl.DataFrame]) -> tuple[str, ...]:
    values: set[str] = set()
    for frame in frames.values():
        if "locality" in frame.columns:
            values.update(frame.get_column("locality").drop_nulls().unique().to_list())
    values.discard(UNKNOWN)
    return tuple(sorted(values))


def make_context(inputs: MeasureInputs, periods: Sequence[Period]) -> Context:
    frames: dict[str, pl.DataFrame] = {}
    for name in DATASETS:
        frame = conform(name, inputs.frames.get(name))
        if "locality" in frame.columns:
            frame = frame.with_columns(_blank_to_null("locality"))
        frames[name] = frame
    unique = tuple(dict.fromkeys(periods))
    table = pl.DataFrame(
        {
            "_p": list(range(len(unique))),
            "period_start": [p.start for p in unique],
            "period_end": [p.end for p in unique],
        },
        schema={"_p": pl.Int64(), "period_start": pl.Date(), "period_end": pl.Date()},
    )
    return Context(inputs, frames, unique, table, _all_localities(frames))


# --- building blocks ---------------------------------------------------------


def _child_localities(ctx: Context) -> pl.DataFrame:
    return (
        ctx.frame("children")
        .select("child_id", pl.col("locality").alias("_child_locality"))
        .drop_nulls()
        .unique("child_id", keep="first")
    )


def with_locality(frame: pl.DataFrame, ctx: Context, own: bool = True) -> pl.DataFrame:
    """Add ``g_locality``: the record's own locality, else the child's, else Unknown."""
    children = ctx.remember("child_localities", lambda: _child_localities(ctx))
    parts = [pl.col("locality")] if own and "locality" in frame.columns else []
    if "child_id" in frame.columns:
        frame = frame.join(children, on="child_id", how="left")
        parts.append(pl.col("_child_locality"))
    return frame.with_columns(pl.coalesce([*parts, pl.lit(UNKNOWN)]).alias("g_locality")).drop(
        "_child_locality", strict=False
    )


def attach_flow(frame: pl.DataFrame, ctx: Context, day: str = "_date") -> pl.DataFrame:
    """One row per (record, period) whose period contains the record's `day`.

    The range join runs on the distinct days only (a few thousand), then an
    equality join spreads it over the records.
    """
    days = frame.select(pl.col(day).alias("_day")).drop_nulls().unique()
    spans = days.join_where(
        ctx.table,
        pl.col("_day") >= pl.col("period_start"),
        pl.col("_day") <= pl.col("period_end"),
    )
    return frame.join(spans, left_on=day, right_on="_day")


def attach_snapshot(frame: pl.DataFrame, ctx: Context, start: str, end: str) -> pl.DataFrame:
    """One row per (record, period) open at the period's last day: start ≤ day < end.

    The periods a record is open at are those whose last day lies in
    [start, end): a contiguous run of the periods sorted by last day, found
    by binary search and spread with `explode`, so the work is proportional
    to the output.
    """
    frame = frame.filter(pl.col(start).is_not_null())
    ends = ctx.table.sort("period_end", "_p").with_row_index("_k")
    days = ends.get_column("period_end")
    open_until = frame.get_column(end).fill_null(FAR_FUTURE)
    first = days.search_sorted(frame.get_column(start), side="left")
    stop = days.search_sorted(open_until, side="left")
    spread = frame.with_columns(
        pl.int_ranges(first, pl.max_horizontal(first, stop), dtype=pl.UInt32).alias("_k")
    ).explode("_k", keep_nulls=False)
    return spread.join(ends, on="_k").drop("_k")


def with_sequence(base: pl.DataFrame, order: Sequence[str]) -> pl.DataFrame:
    """Number the records ``_seq`` from earliest to latest: by `order`, then record id and source."""
    return base.sort([*order, "_rid", "_src"]).with_row_index("_seq")


def with_latest_of_unit(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Set `column` to that of the unit's latest record (highest ``_seq``) in each period.

    `measures.md`, "Locality of a record": a child counted once takes the
    locality of their most recent counted record.
    """
    return frame.with_columns(pl.col(column).sort_by("_seq").last().over(["_p", "_unit"]))


def percent(numerator: str = "numerator", denominator: str = "denominator") -> pl.Expr:
    """100 × numerator / denominator in float64; empty when the denominator is 0."""
    num, den = pl.col(numerator).cast(pl.Float64), pl.col(denominator).cast(pl.Float64)
    return pl.when(den > 0).then(100.0 * num / den).otherwise(None)


def ratio(numerator: str = "numerator", denominator: str = "denominator") -> pl.Expr:
    num, den = pl.col(numerator).cast(pl.Float64), pl.col(denominator).cast(pl.Float64)
    return pl.when(den > 0).then(num / den).otherwise(None)


def count_units(flag: str) -> pl.Expr:
    """Distinct `_unit` among rows where `flag` holds."""
    return pl.col("_unit").filter(pl.col(flag)).n_unique()


def count_rows(flag: str) -> pl.Expr:
    return pl.col(flag).cast(pl.Int64).sum()


# --- groups and the summary grid -----------------------------------------------------

FIXED_GROUPS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "risk_level": DATASETS["referrals"].column("cse_risk").codes,
        "conference_type": DATASETS["cp_conferences"].column("conference_type").codes,
        "looked_after": ("looked after", "not looked after"),
        "stage": ("1", "2", "3", "4"),
    }
)


def enumerate_groups(breakdown: str, ctx: Context, *frames: pl.DataFrame) -> list[str]:
    """The groups of a breakdown, in display order: fixed codes, others A–Z, Unknown last."""
    fixed = list(FIXED_GROUPS.get(breakdown, ()))
    if breakdown == "locality":
        fixed = list(ctx.localities)
    seen: set[str] = set()
    column = f"g_{breakdown}"
    for frame in frames:
        if column in frame.columns:
            seen.update(frame.get_column(column).drop_nulls().unique().to_list())
    others = sorted(seen - set(fixed) - {UNKNOWN})
    return fixed + others + ([UNKNOWN] if UNKNOWN in seen else [])


def summarise(
    contrib: pl.DataFrame,
    ctx: Context,
    groups: Mapping[str, Sequence[str]],
    aggs: Sequence[pl.Expr],
) -> pl.DataFrame:
    """Aggregate contributions per period for the whole area and per group of each breakdown.

    Returns ``_p, breakdown, group`` and the aggregated columns, one row for
    every period × group (aggregates over no rows are null; the caller fills
    counts with 0).
    """
    periods = ctx.table.select("_p")
    whole = periods.join(contrib.group_by("_p").agg(aggs), on="_p", how="left")
    parts = [
        whole.with_columns(
            breakdown=pl.lit("all"), group=pl.lit(None, pl.String), _g=pl.lit(-1, pl.Int64)
        )
    ]
    for name, names in groups.items():
        labels = pl.DataFrame(
            {"group": list(names), "_g": list(range(len(names)))},
            schema={"group": pl.String, "_g": pl.Int64},
        )
        agg = contrib.group_by("_p", pl.col(f"g_{name}").alias("group")).agg(aggs)
        part = periods.join(labels, how="cross").join(agg, on=["_p", "group"], how="left")
        parts.append(part.with_columns(breakdown=pl.lit(name)))
    columns = ["_p", "breakdown", "group", "_g", *(c for c in whole.columns if c != "_p")]
    return pl.concat([p.select(columns) for p in parts], how="vertical_relaxed")


def fill_zero(*columns: str) -> list[pl.Expr]:
    return [pl.col(c).fill_null(0) for c in columns]


# --- population --------------------------------------------------------------


def with_population(summary: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """Add ``_population``: children aged 0–17 for the financial year containing the period end.

    The whole area uses the population row with a blank locality; a locality
    group its own row; other breakdowns have none.
    """
    pop = (
        ctx.frame("population")
        .select(
            pl.col("year"),
            pl.col("locality").fill_null("\x00all"),
            pl.col("population_0_17").cast(pl.Float64).alias("_population"),
        )
        .unique(["year", "locality"], keep="last")
    )
    years = pl.DataFrame(
        {
            "_p": list(range(len(ctx.periods))),
            "year": [financial_year_start(p.end) for p in ctx.periods],
        },
        schema={"_p": pl.Int64, "year": pl.Int64},
    )
    key = (
        pl.when(pl.col("breakdown") == "all")
        .then(pl.lit("\x00all"))
        .when(pl.col("breakdown") == "locality")
        .then(pl.col("group"))
        .otherwise(None)
        .alias("locality")
    )
    return (
        summary.join(years, on="_p", how="left")
        .with_columns(key)
        .join(pop, on=["year", "locality"], how="left")
        .drop("year", "locality")
    )


def rate_per_10000(count: str = "numerator") -> pl.Expr:
    return pl.when(pl.col("_population") > 0).then(
        pl.col(count).cast(pl.Float64) * 10_000.0 / pl.col("_population")
    )


# --- the registry entry ------------------------------------------------------

Groups = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class Measure:
    """How one measure is computed; the docstring of `base` holds its definition.

    `contributions` returns one row per (record, period) with ``_p``,
    ``_dataset``, ``_rid``, ``_num``, ``_den`` and the ``g_`` group columns;
    `summary` returns ``_p, breakdown, group, value, numerator, denominator``
    and the `secondary` columns.
    """

    spec: MeasureSpec
    base: Callable[[Context, Params], pl.DataFrame]
    contributions: Callable[[Context, Params, pl.DataFrame], pl.DataFrame]
    summary: Callable[[Context, Params, pl.DataFrame, Groups], pl.DataFrame]
    secondary: tuple[str, ...] = ()
    notes: Callable[[Context, Params, Period], list[str]] | None = None

    @property
    def definition(self) -> str:
        """The measure's definition: the docstring of its `base` function."""
        return inspect.getdoc(self.base) or ""


def period_status(
    measure: Measure, ctx: Context, params: Params, period: Period
) -> tuple[str, str | None]:
    """``("ok", note)`` when every dataset read covers the period, else ``("no data", why)``.

    A flow needs the whole period covered; a snapshot only its last day.
    """
    first = period.end if measure.spec.kind.value == "snapshot" else period.start
    coverage = ctx.inputs.coverage
    missing = [n for n in measure.spec.reads if not covers(coverage.get(n, ()), first, period.end)]
    if missing:
        return "no data", f"not covered: {', '.join(missing)}"
    notes = measure.notes(ctx, params, period) if measure.notes else []
    return "ok", "; ".join(notes) or None


def _status_table(measure: Measure, ctx: Context, params: Params) -> pl.DataFrame:
    statuses = [period_status(measure, ctx, params, period) for period in ctx.periods]
    return pl.DataFrame(
        {
            "_p": list(range(len(ctx.periods))),
            "period": [p.label for p in ctx.periods],
            "period_kind": [p.kind for p in ctx.periods],
            "status": [status for status, _ in statuses],
            "note": [note for _, note in statuses],
        },
        schema={
            "_p": pl.Int64,
            "period": pl.String,
            "period_kind": pl.String,
            "status": pl.String,
            "note": pl.String,
        },
    )


def parameters_json(params: Params) -> str:
    return json.dumps(
        {k: list(v) if isinstance(v, tuple) else v for k, v in sorted(params.items())},
        sort_keys=True,
    )


def _secondary_json(names: Sequence[str]) -> pl.Expr:
    if not names:
        return pl.lit("{}")
    return pl.struct([pl.col(n) for n in names]).struct.json_encode()


def groups_for(measure: Measure, ctx: Context, *frames: pl.DataFrame) -> dict[str, list[str]]:
    names = ("locality", *measure.spec.breakdowns)
    return {name: enumerate_groups(name, ctx, *frames) for name in names}


def run(measure: Measure, ctx: Context) -> pl.DataFrame:
    """The result rows of one measure for every period and group (see RESULT_SCHEMA)."""
    params = ctx.params(measure.spec)
    base = ctx.remember(f"base:{measure.spec.id}", lambda: measure.base(ctx, params))
    contrib = measure.contributions(ctx, params, base)
    summary = measure.summary(ctx, params, contrib, groups_for(measure, ctx, base, contrib))
    ok = pl.col("status") == "ok"
    result = (
        summary.with_columns(secondary=_secondary_json(measure.secondary))
        .join(_status_table(measure, ctx, params), on="_p", how="left")
        .join(ctx.table, on="_p", how="left")
        .with_columns(
            measure=pl.lit(measure.spec.id),
            unit=pl.lit(measure.spec.unit.value),
            parameters=pl.lit(parameters_json(params)),
            value=pl.when(ok).then(pl.col("value")),
            numerator=pl.when(ok).then(pl.col("numerator")),
            denominator=pl.when(ok).then(pl.col("denominator")),
            secondary=pl.when(ok).then(pl.col("secondary")).otherwise(pl.lit("{}")),
        )
    )
    names = ["all", "locality", *measure.spec.breakdowns]
    order = pl.DataFrame({"breakdown": names, "_b": list(range(len(names)))})
    return (
        result.join(order, on="breakdown", how="left")
        .sort("_p", "_b", "_g")
        .select(pl.col(c).cast(t) for c, t in RESULT_SCHEMA.items())
    )

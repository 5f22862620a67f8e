"""Priority 4, working together: M10 neglect case length, M11 health assessments, M12 challenges."""

from __future__ import annotations

from decimal import Decimal, localcontext

import polars as pl

from safeplan.engine.catalogue import CATALOGUE
from safeplan.engine.measures.base import (
    FAR_FUTURE,
    UNKNOWN,
    Context,
    Groups,
    Measure,
    Params,
    attach_snapshot,
    count_rows,
    fill_zero,
    percent,
    ratio,
    record_ref,
    summarise,
    with_locality,
)
from safeplan.engine.measures.cse import flow_contributions
from safeplan.engine.measures.young_people import _text_group
from safeplan.engine.workdays import add_working_days_expr

_KEYS = ["_p", "breakdown", "group"]


def _neglect_evidence(ctx: Context) -> pl.DataFrame:
    """Dated neglect evidence per child: assessments with factor 16A, plans categorised NEG."""
    assessments = ctx.frame("assessments").filter(
        pl.col("factors").list.contains("16A").fill_null(False)
    )
    plans = ctx.frame("cp_plans").filter(
        ((pl.col("initial_category") == "NEG") | (pl.col("latest_category") == "NEG")).fill_null(
            False
        )
    )
    return pl.concat(
        [
            assessments.select("child_id", pl.col("start_date").alias("_evidence")),
            plans.select("child_id", pl.col("start_date").alias("_evidence")),
        ]
    ).drop_nulls()


def _first_evidence(ctx: Context) -> pl.DataFrame:
    """Per case, the earliest neglect evidence dated inside [start_date, end_date or open]."""
    cases = ctx.frame("cases").select("case_id", "child_id", "start_date", "end_date")
    window = (pl.col("_evidence") >= pl.col("start_date")) & (
        pl.col("_evidence") <= pl.col("end_date").fill_null(FAR_FUTURE)
    )
    return (
        cases.join(_neglect_evidence(ctx), on="child_id")
        .filter(window)
        .group_by("case_id")
        .agg(pl.col("_evidence").min().alias("_first_evidence"))
    )


def neglect_case_length_base(ctx: Context, params: Params) -> pl.DataFrame:
    """M10: average length of time a neglect case is live/open.

    Flow mean days, direction *reduce*. A case is a neglect case when the
    same child has an assessment whose `start_date` falls between the case's
    `start_date` and `end_date` (inclusive) with factor `16A`, or a child
    protection plan starting in that window with initial or latest category
    `NEG`. Value = mean of (`end_date` − `start_date`) in days over neglect
    cases whose `end_date` falls in the period: numerator = sum of days,
    denominator = number of cases; `sd` (sample, n − 1) and `median` beside
    them. Also reported: `open_neglect_cases`, cases open at the period end
    (started by then and ending after it, or open) that are neglect cases on
    the evidence dated up to the period end, and `open_mean_age_days`, the
    mean of (period end − `start_date`) over those.
    """
    cases = with_locality(ctx.frame("cases"), ctx).join(
        _first_evidence(ctx), on="case_id", how="left"
    )
    return cases.select(
        *record_ref("cases", "case_id"),
        "start_date",
        "end_date",
        pl.col("end_date").alias("_date"),
        "_first_evidence",
        (pl.col("end_date") - pl.col("start_date")).dt.total_days().alias("_days"),
        pl.lit(True).alias("_num"),
        pl.lit(True).alias("_den"),
        "g_locality",
    )


def neglect_case_length_contributions(
    ctx: Context, params: Params, base: pl.DataFrame
) -> pl.DataFrame:
    return flow_contributions(ctx, params, base.filter(pl.col("_first_evidence").is_not_null()))


def _open_neglect_cases(ctx: Context, params: Params, groups: Groups) -> pl.DataFrame:
    base = ctx.remember("base:M10", lambda: neglect_case_length_base(ctx, params))
    base = base.filter(pl.col("_first_evidence").is_not_null())
    open_cases = attach_snapshot(base, ctx, "start_date", "end_date").filter(
        pl.col("_first_evidence") <= pl.col("period_end")
    )
    age = (pl.col("period_end") - pl.col("start_date")).dt.total_days()
    aggs = [pl.len().alias("open_neglect_cases"), age.mean().alias("open_mean_age_days")]
    return summarise(open_cases, ctx, groups, aggs).select(
        *_KEYS, pl.col("open_neglect_cases").fill_null(0), "open_mean_age_days"
    )


def sample_sd(n: int | None, total: int | None, squares: int | None) -> float | None:
    """Sample standard deviation (n − 1) of whole numbers from their exact sums, correctly rounded.

    s² = (n·Σx² − (Σx)²) / (n·(n − 1)) is exact in integers; the square root
    is taken to 50 digits, so the float is the one `statistics.stdev` gives.

    >>> import statistics
    >>> sample_sd(3, 221, 151**2 + 60**2 + 10**2) == statistics.stdev([151, 60, 10])
    True
    """
    if n is None or total is None or squares is None or n < 2:
        return None
    with localcontext() as context:
        context.prec = 50
        variance = Decimal(n * squares - total * total) / Decimal(n * (n - 1))
        return float(variance.sqrt())


def neglect_case_length_summary(
    ctx: Context, params: Params, contrib: pl.DataFrame, groups: Groups
) -> pl.DataFrame:
    days = pl.col("_days")
    aggs = [
        days.sum().cast(pl.Float64).alias("numerator"),
        pl.len().alias("denominator"),
        days.sum().alias("_sum"),
        (days * days).sum().alias("_squares"),
        days.cast(pl.Float64).median().alias("median"),
    ]
    summary = summarise(contrib, ctx, groups, aggs).with_columns(
        fill_zero("numerator", "denominator")
    )
    columns = [summary.get_column(c).to_list() for c in ("denominator", "_sum", "_squares")]
    sd = pl.Series("sd", [sample_sd(*cells) for cells in zip(*columns, strict=True)], pl.Float64)
    return summary.with_columns(value=ratio(), sd=sd).join(
        _open_neglect_cases(ctx, params, groups), on=_KEYS, how="left", nulls_equal=True
    )


M10 = Measure(
    CATALOGUE["M10"],
    neglect_case_length_base,
    neglect_case_length_contributions,
    neglect_case_length_summary,
    secondary=("sd", "median", "open_neglect_cases", "open_mean_age_days"),
)


def iha_timeliness_base(ctx: Context, params: Params) -> pl.DataFrame:
    """M11: Initial Health Assessments for looked after children within agreed timescales.

    Flow percentage, direction *increase*. Each care period's IHA is due on the
    `timescale_working_days` (20th) working day after `start_date`: the start
    date is day 0 and never counts; weekends and England and Wales bank
    holidays are not working days (a child looked after from a Saturday has
    the Monday as day 1). Denominator = care periods whose due date falls in
    the period, except those with an `end_date` before the due date and no
    `iha_completed_date`. Numerator = those with `iha_completed_date` ≤ due
    date. Also reported over the same care periods: `requested_within_share`,
    100 × the share whose `iha_requested_date` is no later than the
    `request_working_days` (5th) working day after `start_date`.
    """
    due_days = int(params["timescale_working_days"])  # type: ignore[arg-type]
    request_days = int(params["request_working_days"])  # type: ignore[arg-type]
    periods = with_locality(ctx.frame("care_periods"), ctx).with_columns(
        add_working_days_expr("start_date", due_days).alias("_due"),
        add_working_days_expr("start_date", request_days).alias("_request_due"),
    )
    left_early = (pl.col("end_date") < pl.col("_due")).fill_null(False) & pl.col(
        "iha_completed_date"
    ).is_null()
    return periods.filter(left_early.not_()).select(
        *record_ref("care_periods", "period_id"),
        pl.col("_due").alias("_date"),
        (pl.col("iha_completed_date") <= pl.col("_due")).fill_null(False).alias("_num"),
        pl.lit(True).alias("_den"),
        (pl.col("iha_requested_date") <= pl.col("_request_due"))
        .fill_null(False)
        .alias("_requested"),
        "g_locality",
    )


def iha_timeliness_summary(
    ctx: Context, params: Params, contrib: pl.DataFrame, groups: Groups
) -> pl.DataFrame:
    aggs = [
        count_rows("_num").alias("numerator"),
        pl.len().alias("denominator"),
        count_rows("_requested").alias("_requested"),
    ]
    return (
        summarise(contrib, ctx, groups, aggs)
        .with_columns(fill_zero("numerator", "denominator", "_requested"))
        .with_columns(value=percent(), requested_within_share=percent("_requested"))
    )


M11 = Measure(
    CATALOGUE["M11"],
    iha_timeliness_base,
    flow_contributions,
    iha_timeliness_summary,
    secondary=("requested_within_share",),
)


def challenges_base(ctx: Context, params: Params) -> pl.DataFrame:
    """M12: recorded challenges in cases.

    Flow count, direction *increase*. Value = challenges with `raised_date` in
    the period; no numerator or denominator. Breakdowns: locality (the
    child's, when a child is named), raising agency (`raised_by_agency`) and
    escalation stage (1–4). Also reported: `resolved_share`, 100 × the share
    of those challenges with a `resolved_date` on or before the period end,
    and `median_days_to_resolution`, the median of (`resolved_date` −
    `raised_date`) in days over those resolved.
    """
    return with_locality(ctx.frame("challenges"), ctx).select(
        *record_ref("challenges", "challenge_id"),
        pl.col("raised_date").alias("_date"),
        "resolved_date",
        pl.lit(True).alias("_num"),
        pl.lit(False).alias("_den"),
        "g_locality",
        _text_group("raised_by_agency").alias("g_agency"),
        pl.col("stage").cast(pl.String).fill_null(UNKNOWN).alias("g_stage"),
    )


def challenges_summary(
    ctx: Context, params: Params, contrib: pl.DataFrame, groups: Groups
) -> pl.DataFrame:
    resolved = (pl.col("resolved_date") <= pl.col("period_end")).fill_null(False)
    days = (pl.col("resolved_date") - pl.col("_date")).dt.total_days().cast(pl.Float64)
    frame = contrib.with_columns(resolved.alias("_resolved"))
    aggs = [
        pl.len().alias("value"),
        count_rows("_resolved").alias("_resolved"),
        days.filter(pl.col("_resolved")).median().alias("median_days_to_resolution"),
    ]
    return (
        summarise(frame, ctx, groups, aggs)
        .with_columns(fill_zero("value", "_resolved"))
        .with_columns(
            resolved_share=percent("_resolved", "value"),
            numerator=pl.lit(None, pl.Float64),
            denominator=pl.lit(None, pl.Float64),
        )
    )


M12 = Measure(
    CATALOGUE["M12"],
    challenges_base,
    flow_contributions,
    challenges_summary,
    secondary=("resolved_share", "median_days_to_resolution"),
)

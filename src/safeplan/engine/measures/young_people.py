"""Priority 3, empowering young people: M7 child's views, M8 lived experience, M9 eLearning."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from safeplan.engine.catalogue import CATALOGUE
from safeplan.engine.measures.base import (
    UNKNOWN,
    Context,
    Groups,
    Measure,
    Params,
    attach_flow,
    count_rows,
    count_units,
    covers,
    fill_zero,
    percent,
    record_ref,
    summarise,
    with_latest_of_unit,
    with_locality,
    with_sequence,
)
from safeplan.engine.measures.cse import flow_contributions
from safeplan.engine.periods import Period

VIEWS_SHARED = ("PN1", "PN2", "PN3", "PN5", "PN6")


def percent_summary(
    ctx: Context, params: Params, contrib: pl.DataFrame, groups: Groups
) -> pl.DataFrame:
    """Numerator and denominator rows counted; value = 100 × numerator / denominator."""
    aggs = [count_rows("_num").alias("numerator"), pl.len().alias("denominator")]
    return (
        summarise(contrib, ctx, groups, aggs)
        .with_columns(fill_zero("numerator", "denominator"))
        .with_columns(value=percent())
    )


def child_views_base(ctx: Context, params: Params) -> pl.DataFrame:
    """M7: instances where the views of the child are shared in child protection conferences.

    Flow percentage, direction *increase*. Denominator = conferences with
    `conference_date` in the period, excluding conferences for unborn children
    (`unborn` = Y, or the child's `date_of_birth` as stored — the first of its
    month — or, when that is blank, `expected_date_of_birth`, after the
    conference date) and those coded `PN0` (child under 4). Numerator = those
    whose `participation` is PN1, PN2, PN3, PN5 or PN6, or, where
    `participation` is blank, `views_shared` = Y; neither recorded counts as
    not shared. Breakdowns: locality (the child's) and conference type.
    """
    conferences = with_locality(ctx.frame("cp_conferences"), ctx)
    births = (
        ctx.frame("children")
        .join(conferences.select("child_id"), on="child_id", how="semi")
        .select("child_id", pl.coalesce("date_of_birth", "expected_date_of_birth").alias("_birth"))
        .unique("child_id", keep="first")
    )
    conferences = conferences.join(births, on="child_id", how="left")
    unborn = pl.col("unborn").fill_null(False) | (pl.col("_birth") > pl.col("conference_date"))
    excluded = unborn.fill_null(False) | (pl.col("participation") == "PN0").fill_null(False)
    shared = pl.col("participation").is_in(VIEWS_SHARED).fill_null(False) | (
        pl.col("participation").is_null() & pl.col("views_shared").fill_null(False)
    )
    return conferences.filter(excluded.not_()).select(
        *record_ref("cp_conferences", "conference_id"),
        pl.col("conference_date").alias("_date"),
        shared.alias("_num"),
        pl.lit(True).alias("_den"),
        "g_locality",
        pl.col("conference_type").fill_null(UNKNOWN).alias("g_conference_type"),
    )


M7 = Measure(CATALOGUE["M7"], child_views_base, flow_contributions, percent_summary)


def _text_group(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    return pl.when(text.is_null() | (text == "")).then(pl.lit(UNKNOWN)).otherwise(text)


def lived_experience_base(ctx: Context, params: Params) -> pl.DataFrame:
    """M8: evidence of the child's lived experience within case recording.

    Flow percentage, direction *increase*. Denominator = case audits with
    `audit_date` in the period and a `lived_experience` grade. Numerator =
    those graded `outstanding` or `good` (1 or 2). Breakdowns: locality (the
    audited child's, when known) and the audited agency.
    """
    audits = with_locality(ctx.frame("case_audits"), ctx)
    return audits.filter(pl.col("lived_experience").is_not_null()).select(
        *record_ref("case_audits", "audit_id"),
        pl.col("audit_date").alias("_date"),
        pl.col("lived_experience").is_in(["outstanding", "good"]).alias("_num"),
        pl.lit(True).alias("_den"),
        "g_locality",
        _text_group("agency").alias("g_agency"),
    )


M8 = Measure(CATALOGUE["M8"], lived_experience_base, flow_contributions, percent_summary)


def elearning_base(ctx: Context, params: Params) -> pl.DataFrame:
    """M9: young people's uptake of the eLearning package on child abuse.

    Flow count of learners, direction *increase*. Value = distinct
    `learner_id` with a completion (`completed_date`) in the period; no
    numerator or denominator. A learner's locality is that of their latest
    completion in the period (then the highest `completion_id`); completions
    carry no child id, so a blank locality is `Unknown`. Also reported:
    `cumulative_learners`, distinct learners with a completion from the plan's
    start date to the period end (empty without a plan start, or for a period
    ending before it).
    """
    completions = with_locality(ctx.frame("elearning_completions"), ctx).select(
        *record_ref("elearning_completions", "completion_id"),
        pl.col("learner_id").alias("_unit"),
        pl.col("completed_date").alias("_date"),
        pl.lit(True).alias("_num"),
        pl.lit(False).alias("_den"),
        "g_locality",
    )
    return with_sequence(completions, ["_date"])


def _learners(contrib: pl.DataFrame) -> pl.DataFrame:
    return with_latest_of_unit(contrib, "g_locality")


def elearning_contributions(ctx: Context, params: Params, base: pl.DataFrame) -> pl.DataFrame:
    return _learners(attach_flow(base, ctx))


def _running_count(events: pl.DataFrame, grid: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    """Per row of `grid` (a period and key), the sum of event deltas dated up to the period end."""
    running = pl.col("_delta").cum_sum()
    daily = (
        events.group_by(*keys, "_day")
        .agg(pl.col("_delta").sum())
        .sort("_day")
        .with_columns((running.over(keys) if keys else running).alias("_running"))
    )
    return grid.sort("period_end").join_asof(
        daily.sort("_day"),
        left_on="period_end",
        right_on="_day",
        by=list(keys) or None,
        strategy="backward",
        check_sortedness=False,  # both sides sorted above; Polars cannot check within `by`
    )


def _cumulative(ctx: Context, base: pl.DataFrame, groups: Groups) -> pl.DataFrame:
    """Distinct learners with a completion from the plan's start to each period end.

    Each completion is its learner's latest record from its date until the
    learner's next completion: +1 on its date and −1 on the next one, for its
    locality. The running sum at the period end counts every learner once, in
    the locality of their latest completion by then, without a row per
    learner and period.
    """
    keys = ["_p", "breakdown", "group"]
    start = ctx.inputs.plan_start
    if start is None:
        schema = {"_p": pl.Int64, "breakdown": pl.String, "group": pl.String}
        return pl.DataFrame(schema={**schema, "cumulative_learners": pl.Int64})
    completions = (
        base.filter(pl.col("_date") >= start)
        .sort("_unit", "_seq")
        .with_columns(pl.col("_date").shift(-1).over("_unit").alias("_next"))
    )
    events = pl.concat(
        [
            completions.select(
                pl.col("_date").alias("_day"), "g_locality", pl.lit(1).alias("_delta")
            ),
            completions.filter(pl.col("_next").is_not_null()).select(
                pl.col("_next").alias("_day"), "g_locality", pl.lit(-1).alias("_delta")
            ),
        ]
    )
    ends = ctx.table.select("_p", "period_end")
    localities = pl.DataFrame(
        {"g_locality": list(groups["locality"])}, schema={"g_locality": pl.String}
    )
    whole = _running_count(events, ends, []).with_columns(
        breakdown=pl.lit("all"), group=pl.lit(None, pl.String)
    )
    local = _running_count(events, ends.join(localities, how="cross"), ["g_locality"])
    local = local.with_columns(breakdown=pl.lit("locality"), group=pl.col("g_locality"))
    running = pl.concat(
        [
            whole.select(*keys, "_running", "period_end"),
            local.select(*keys, "_running", "period_end"),
        ]
    )
    return running.select(
        *keys,
        pl.when(pl.col("period_end") >= start)
        .then(pl.col("_running").fill_null(0))
        .cast(pl.Int64)
        .alias("cumulative_learners"),
    )


def elearning_summary(
    ctx: Context, params: Params, contrib: pl.DataFrame, groups: Groups
) -> pl.DataFrame:
    counts = summarise(contrib, ctx, groups, [count_units("_num").alias("value")])
    # The cumulative count reads every completion since the plan's start.
    base = ctx.remember("base:M9", lambda: elearning_base(ctx, params))
    cumulative = _cumulative(ctx, base, groups)
    return counts.with_columns(
        fill_zero("value"),
        numerator=pl.lit(None, pl.Float64),
        denominator=pl.lit(None, pl.Float64),
    ).join(cumulative, on=["_p", "breakdown", "group"], how="left", nulls_equal=True)


def elearning_notes(ctx: Context, params: Params, period: Period) -> list[str]:
    start = ctx.inputs.plan_start
    if start is None or start >= period.start or start > period.end:
        return []
    windows = ctx.inputs.coverage.get("elearning_completions", ())
    return [] if covers(windows, start, period.end) else ["cumulative count not fully covered"]


M9 = Measure(
    CATALOGUE["M9"],
    elearning_base,
    elearning_contributions,
    elearning_summary,
    secondary=("cumulative_learners",),
    notes=elearning_notes,
)

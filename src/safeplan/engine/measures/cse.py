"""Priority 1, child sexual exploitation: M1 CSE referrals, M2 repeat missing, M3 return interviews."""

from __future__ import annotations

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
    fill_zero,
    percent,
    rate_per_10000,
    record_ref,
    summarise,
    with_latest_of_unit,
    with_locality,
    with_population,
    with_sequence,
)


def flow_contributions(ctx: Context, params: Params, base: pl.DataFrame) -> pl.DataFrame:
    """Records whose ``_date`` falls in the period (shared by the record-level flow measures)."""
    return attach_flow(base, ctx)


def cse_referrals_base(ctx: Context, params: Params) -> pl.DataFrame:
    """M1: referrals where CSE is identified as medium or high risk at point of referral.

    Flow count, direction *track*. Value = numerator = referrals with
    `referral_date` in the period and `cse_risk` in the `risk_levels`
    parameter (medium, high). Denominator = all referrals in the period;
    secondary `share` = 100 × numerator / denominator. Breakdowns: locality
    and risk level (the referral's `cse_risk`; blank, i.e. not screened, is
    `Unknown`).
    """
    levels = list(params["risk_levels"])  # type: ignore[arg-type]
    return with_locality(ctx.frame("referrals"), ctx).select(
        *record_ref("referrals", "referral_id"),
        pl.col("referral_date").alias("_date"),
        pl.col("cse_risk").is_in(levels).fill_null(False).alias("_num"),
        pl.lit(True).alias("_den"),
        "g_locality",
        pl.col("cse_risk").fill_null(UNKNOWN).alias("g_risk_level"),
    )


def cse_referrals_summary(
    ctx: Context, params: Params, contrib: pl.DataFrame, groups: Groups
) -> pl.DataFrame:
    aggs = [count_rows("_num").alias("numerator"), pl.len().alias("denominator")]
    return (
        summarise(contrib, ctx, groups, aggs)
        .with_columns(fill_zero("numerator", "denominator"))
        .with_columns(value=pl.col("numerator"), share=percent())
    )


M1 = Measure(
    CATALOGUE["M1"],
    cse_referrals_base,
    flow_contributions,
    cse_referrals_summary,
    secondary=("share",),
)


def _counted_episodes(frame: pl.DataFrame, params: Params) -> pl.DataFrame:
    # A blank episode type is `missing`, the dataset's default.
    kinds = ["missing", "away"] if params["include_away"] else ["missing"]
    return frame.filter(pl.col("episode_type").fill_null("missing").is_in(kinds))


def repeat_missing_base(ctx: Context, params: Params) -> pl.DataFrame:
    """M2: children and young people who go missing more than once.

    Flow count of children, direction *reduce*. Counted episodes: those whose
    `missing_start` (by its calendar date) falls in the period, of type
    `missing` (a blank type is `missing`; `away` too when `include_away`).
    Value = numerator = distinct children with at least `min_episodes` (2)
    counted episodes; denominator = distinct children with at least one.
    Secondary `rate_per_10000` = numerator per 10,000 children aged 0–17 of
    the financial year containing the period end, where population is loaded.
    Breakdowns: locality (of the child's latest counted episode) and looked
    after (if any counted episode was from care).
    """
    episodes = _counted_episodes(with_locality(ctx.frame("missing_episodes"), ctx), params)
    selected = episodes.select(
        *record_ref("missing_episodes", "episode_id"),
        pl.col("child_id").alias("_unit"),
        pl.col("missing_start").alias("_ts"),
        pl.col("missing_start").dt.date().alias("_date"),
        pl.col("looked_after").fill_null(False).alias("_from_care"),
        "g_locality",
    )
    return with_sequence(selected, ["_ts"])


def repeat_missing_contributions(ctx: Context, params: Params, base: pl.DataFrame) -> pl.DataFrame:
    by_child = ["_p", "_unit"]
    minimum = int(params["min_episodes"])  # type: ignore[arg-type]
    looked_after = pl.col("_from_care").any().over(by_child)
    episodes = with_latest_of_unit(attach_flow(base, ctx), "g_locality")
    return episodes.with_columns(
        (pl.len().over(by_child) >= minimum).alias("_num"),
        pl.lit(True).alias("_den"),
        pl.when(looked_after)
        .then(pl.lit("looked after"))
        .otherwise(pl.lit("not looked after"))
        .alias("g_looked_after"),
    )


def children_summary(
    ctx: Context, params: Params, contrib: pl.DataFrame, groups: Groups
) -> pl.DataFrame:
    """Distinct children in the numerator and denominator, their share and rate per 10,000."""
    aggs = [count_units("_num").alias("numerator"), count_units("_den").alias("denominator")]
    summary = (
        summarise(contrib, ctx, groups, aggs)
        .with_columns(fill_zero("numerator", "denominator"))
        .with_columns(value=pl.col("numerator"), share=percent())
    )
    return with_population(summary, ctx).with_columns(rate_per_10000=rate_per_10000())


M2 = Measure(
    CATALOGUE["M2"],
    repeat_missing_base,
    repeat_missing_contributions,
    children_summary,
    secondary=("rate_per_10000",),
)


def rhi_timeliness_base(ctx: Context, params: Params) -> pl.DataFrame:
    """M3: return interviews completed within agreed timescales.

    Flow percentage, direction *increase*. Denominator = missing episodes
    (type `missing`, blank included; `away` too when `include_away`) whose
    `missing_end` (by its calendar date) falls in the period. Numerator =
    those with `rhi_completed_at` no later than `missing_end` +
    `timescale_hours` (72) hours, naive clock time. Declined and
    never-completed interviews stay in the denominator; secondary `declined`
    counts the denominator's episodes with `rhi_declined` = Y.
    """
    deadline = pl.col("missing_end") + pl.duration(hours=int(params["timescale_hours"]))  # type: ignore[arg-type]
    episodes = _counted_episodes(with_locality(ctx.frame("missing_episodes"), ctx), params)
    return episodes.select(
        *record_ref("missing_episodes", "episode_id"),
        pl.col("missing_end").dt.date().alias("_date"),
        (pl.col("rhi_completed_at") <= deadline).fill_null(False).alias("_num"),
        pl.lit(True).alias("_den"),
        pl.col("rhi_declined").fill_null(False).alias("_declined"),
        "g_locality",
    )


def rhi_timeliness_summary(
    ctx: Context, params: Params, contrib: pl.DataFrame, groups: Groups
) -> pl.DataFrame:
    aggs = [
        count_rows("_num").alias("numerator"),
        pl.len().alias("denominator"),
        count_rows("_declined").alias("declined"),
    ]
    return (
        summarise(contrib, ctx, groups, aggs)
        .with_columns(fill_zero("numerator", "denominator", "declined"))
        .with_columns(value=percent())
    )


M3 = Measure(
    CATALOGUE["M3"],
    rhi_timeliness_base,
    flow_contributions,
    rhi_timeliness_summary,
    secondary=("declined",),
)

"""Priority 2, neglect: M4 plans for neglect, M5 repeat referrals, M6 plans of 18 months or more."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from safeplan.engine.catalogue import CATALOGUE
from safeplan.engine.measures.base import (
    Context,
    Measure,
    Params,
    attach_snapshot,
    covers,
    record_ref,
    with_locality,
)
from safeplan.engine.measures.cse import (
    children_summary,
    cse_referrals_summary,
    flow_contributions,
)
from safeplan.engine.periods import Period, add_months


def _category(params: Params) -> pl.Expr:
    field = params["category_field"]
    if field == "initial":
        return pl.col("initial_category")
    if field == "latest":
        # A plan whose category never changed may leave `latest_category` blank.
        return pl.coalesce("latest_category", "initial_category")
    raise ValueError(f"M4 parameter 'category_field' must be initial or latest, not {field!r}")


def _plans(ctx: Context) -> pl.DataFrame:
    return with_locality(ctx.frame("cp_plans"), ctx).with_columns(
        *record_ref("cp_plans", "plan_id"),
        pl.col("child_id").alias("_unit"),
    )


def cp_neglect_base(ctx: Context, params: Params) -> pl.DataFrame:
    """M4: children subject to a child protection plan for neglect.

    Snapshot count of children at the period's last day, direction *reduce*.
    A plan is open when `start_date` ≤ period end and (`end_date` is blank or
    `end_date` > period end): a plan ending on the last day is closed. Value =
    numerator = distinct children with an open plan whose category is `NEG`
    (`category_field` = initial: `initial_category`, as DfE's national
    tables; latest: `latest_category`, else the initial one). Denominator =
    distinct children with any open plan; secondary `share` = 100 × numerator
    / denominator and `rate_per_10000` as M2.
    """
    return _plans(ctx).with_columns((_category(params) == "NEG").fill_null(False).alias("_neg"))


def _open_plans(ctx: Context, base: pl.DataFrame) -> pl.DataFrame:
    # Plans carry no locality: every plan of a child has the child's, so the
    # child's latest counted plan needs no search.
    return attach_snapshot(base, ctx, "start_date", "end_date").with_columns(
        pl.lit(True).alias("_den")
    )


def cp_neglect_contributions(ctx: Context, params: Params, base: pl.DataFrame) -> pl.DataFrame:
    return _open_plans(ctx, base).with_columns(pl.col("_neg").alias("_num"))


M4 = Measure(
    CATALOGUE["M4"],
    cp_neglect_base,
    cp_neglect_contributions,
    children_summary,
    secondary=("share", "rate_per_10000"),
)


def cp_long_base(ctx: Context, params: Params) -> pl.DataFrame:
    """M6: children subject to a child protection plan for 18 months or more.

    Snapshot count of children, direction *reduce*. Value = numerator =
    distinct children with a plan open at the period end (as M4, any
    category) whose `start_date` ≤ period end − `min_months` (18) calendar
    months (clamped to the month's end: 2019-08-31 − 18 months is
    2018-02-28). Denominator = distinct children with any open plan.
    """
    return _plans(ctx)


def cp_long_contributions(ctx: Context, params: Params, base: pl.DataFrame) -> pl.DataFrame:
    months = int(params["min_months"])  # type: ignore[arg-type]
    cutoff = pl.col("period_end").dt.offset_by(f"{-months}mo")
    return _open_plans(ctx, base).with_columns((pl.col("start_date") <= cutoff).alias("_num"))


M6 = Measure(CATALOGUE["M6"], cp_long_base, cp_long_contributions, children_summary)


def _assessed_referrals(ctx: Context) -> pl.DataFrame:
    """Each referral P with whether an assessment names it and the child's next unlinked one.

    ``_next_unlinked`` is the earliest `start_date` ≥ P's date among the
    child's assessments without a `referral_id`.
    """
    assessments = ctx.frame("assessments")
    linked = assessments.select("referral_id").drop_nulls().unique()
    unlinked = (
        assessments.filter(pl.col("referral_id").is_null())
        .select("child_id", pl.col("start_date").alias("_next_unlinked"))
        .drop_nulls()
        .sort("_next_unlinked")
    )
    referrals = ctx.frame("referrals").select(
        pl.col("referral_id").alias("_p_id"), "child_id", pl.col("referral_date").alias("_p_date")
    )
    return (
        referrals.with_columns(
            pl.col("_p_id").is_in(linked.get_column("referral_id").implode()).alias("_p_linked")
        )
        .sort("_p_date")
        .join_asof(
            unlinked,
            left_on="_p_date",
            right_on="_next_unlinked",
            by="child_id",
            strategy="forward",
            check_sortedness=False,  # sorted above; Polars cannot check within `by` groups
        )
    )


def _repeat_ids(ctx: Context, lookback: int) -> pl.Series:
    referrals = ctx.frame("referrals").select(
        "referral_id", "child_id", pl.col("referral_date").alias("_d")
    )
    since = pl.col("_d").dt.offset_by(f"{-lookback}mo")
    pairs = referrals.join(_assessed_referrals(ctx), on="child_id").filter(
        (pl.col("_p_date") >= since)
        & (pl.col("_p_date") < pl.col("_d"))
        & (pl.col("_p_linked") | (pl.col("_next_unlinked") < pl.col("_d")).fill_null(False))
    )
    return pairs.get_column("referral_id").unique()


def repeat_referrals_base(ctx: Context, params: Params) -> pl.DataFrame:
    """M5: repeat referrals following a single assessment.

    Flow count, direction *reduce*. A referral R of child C dated d in the
    period is a repeat referral when C has another referral P dated in
    [d − `lookback_months` (12) calendar months, d) that led to a single
    assessment: one whose `referral_id` is P's id (dated whenever), or, for
    assessments without a `referral_id`, one of C whose `start_date` falls in
    [P's date, d). Referrals on R's own day are not previous. Value =
    numerator = repeat referrals; denominator = all referrals in the period;
    secondary `share` = 100 × numerator / denominator. A period whose
    look-back is not covered by referrals and assessments is noted
    "look-back not fully covered".
    """
    repeats = _repeat_ids(ctx, int(params["lookback_months"]))  # type: ignore[arg-type]
    return with_locality(ctx.frame("referrals"), ctx).select(
        *record_ref("referrals", "referral_id"),
        pl.col("referral_date").alias("_date"),
        pl.col("referral_id").is_in(repeats.implode()).alias("_num"),
        pl.lit(True).alias("_den"),
        "g_locality",
    )


def repeat_referrals_notes(ctx: Context, params: Params, period: Period) -> list[str]:
    start = add_months(period.start, -int(params["lookback_months"]))  # type: ignore[arg-type]
    end = period.start - timedelta(days=1)
    covered = start > end or all(
        covers(ctx.inputs.coverage.get(name, ()), start, end)
        for name in ("referrals", "assessments")
    )
    return [] if covered else ["look-back not fully covered"]


M5 = Measure(
    CATALOGUE["M5"],
    repeat_referrals_base,
    flow_contributions,
    cse_referrals_summary,
    secondary=("share",),
    notes=repeat_referrals_notes,
)

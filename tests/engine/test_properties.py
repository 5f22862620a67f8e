"""Invariants over generated data: numerator ≤ denominator, breakdowns add up, snapshots count open plans."""

from datetime import date, datetime, time, timedelta

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeplan.engine.measures import MeasureInputs, compute_all
from safeplan.engine.periods import periods_between
from tests.engine.measure_helpers import COVERED, frame

ORIGIN = date(2018, 4, 1)
PERIODS = periods_between(ORIGIN, date(2019, 3, 31), kinds=("month", "quarter", "year"))
CHILDREN = [f"c{i}" for i in range(6)]
LOCALITIES = st.sampled_from(["North", "South", None])

days = st.integers(min_value=0, max_value=400).map(lambda n: ORIGIN + timedelta(days=n))
maybe_days = st.none() | days
child = st.sampled_from(CHILDREN)
flag = st.none() | st.booleans()


def _rows(strategy, prefix):
    return st.lists(strategy, max_size=12).map(
        lambda rows: [row | {prefix: f"{prefix}{i}"} for i, row in enumerate(rows)]
    )


def _ordered(a, b):
    return (a, b) if b is None or a <= b else (b, a)


referral = st.fixed_dictionaries(
    {
        "child_id": child,
        "referral_date": days,
        "cse_risk": st.sampled_from(["none", "low", "medium", "high", None]),
        "locality": LOCALITIES,
    }
)
assessment = st.fixed_dictionaries(
    {
        "child_id": child,
        "referral_id": st.none() | st.sampled_from([f"referral_id{i}" for i in range(12)]),
        "start_date": days,
        "factors": st.none() | st.lists(st.sampled_from(["16A", "11A", "1A"]), max_size=2),
    }
)
plan = st.builds(
    lambda c, a, b, cat, latest: {
        "child_id": c,
        "start_date": _ordered(a, b)[0],
        "end_date": _ordered(a, b)[1],
        "initial_category": cat,
        "latest_category": latest,
    },
    child,
    days,
    maybe_days,
    st.sampled_from(["NEG", "PHY", "EMO"]),
    st.none() | st.sampled_from(["NEG", "SAB"]),
)
case = st.builds(
    lambda c, a, b, loc: {
        "child_id": c,
        "start_date": _ordered(a, b)[0],
        "end_date": _ordered(a, b)[1],
        "locality": loc,
    },
    child,
    days,
    maybe_days,
    LOCALITIES,
)
episode = st.builds(
    lambda c, start, hours, kind, la, done, declined, loc: {
        "child_id": c,
        "missing_start": datetime.combine(start, time(10)),
        "missing_end": None
        if hours is None
        else datetime.combine(start, time(10)) + timedelta(hours=hours),
        "episode_type": kind,
        "looked_after": la,
        "rhi_completed_at": None
        if done is None or hours is None
        else datetime.combine(start, time(10)) + timedelta(hours=hours + done),
        "rhi_declined": declined,
        "locality": loc,
    },
    child,
    days,
    st.none() | st.integers(0, 100),
    st.sampled_from(["missing", "away", None]),
    flag,
    st.none() | st.integers(0, 100),
    flag,
    LOCALITIES,
)
conference = st.fixed_dictionaries(
    {
        "child_id": child,
        "conference_date": days,
        "conference_type": st.sampled_from(["initial", "review", "transfer_in"]),
        "participation": st.none() | st.sampled_from([f"PN{i}" for i in range(8)]),
        "views_shared": flag,
        "unborn": flag,
    }
)
care = st.fixed_dictionaries(
    {
        "child_id": child,
        "start_date": days,
        "end_date": maybe_days,
        "iha_requested_date": maybe_days,
        "iha_completed_date": maybe_days,
    }
).map(
    lambda r: (
        r | {"end_date": None if r["end_date"] is None else max(r["end_date"], r["start_date"])}
    )
)
audit = st.fixed_dictionaries(
    {
        "audit_date": days,
        "child_id": st.none() | child,
        "lived_experience": st.none() | st.sampled_from(["outstanding", "good", "inadequate"]),
        "agency": st.sampled_from(["Police", "Health", None]),
    }
)
completion = st.fixed_dictionaries(
    {
        "learner_id": st.sampled_from(["l1", "l2", "l3"]),
        "completed_date": days,
        "locality": LOCALITIES,
    }
)
challenge = st.builds(
    lambda d, r, agency, stage, c: {
        "raised_date": d,
        "resolved_date": None if r is None else d + timedelta(days=r),
        "raised_by_agency": agency,
        "stage": stage,
        "child_id": c,
    },
    days,
    st.none() | st.integers(0, 60),
    st.sampled_from(["Police", "Health"]),
    st.none() | st.integers(1, 4),
    st.none() | child,
)
children = st.lists(
    st.tuples(child, LOCALITIES, maybe_days), max_size=6, unique_by=lambda t: t[0]
).map(lambda rows: [{"child_id": c, "locality": loc, "date_of_birth": dob} for c, loc, dob in rows])

datasets = st.fixed_dictionaries(
    {
        "children": children,
        "referrals": _rows(referral, "referral_id"),
        "assessments": _rows(assessment, "assessment_id"),
        "cases": _rows(case, "case_id"),
        "cp_plans": _rows(plan, "plan_id"),
        "cp_conferences": _rows(conference, "conference_id"),
        "missing_episodes": _rows(episode, "episode_id"),
        "care_periods": _rows(care, "period_id"),
        "case_audits": _rows(audit, "audit_id"),
        "elearning_completions": _rows(completion, "completion_id"),
        "challenges": _rows(challenge, "challenge_id"),
    }
)

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _compute(data, measures=None):
    frames = {name: frame(name, rows) for name, rows in data.items()}
    data = MeasureInputs(frames=frames, coverage=COVERED, plan_start=ORIGIN)
    return compute_all(data, PERIODS, measures)


@SETTINGS
@given(datasets)
def test_numerators_never_exceed_denominators(data):
    results = _compute(data).filter(pl.col("measure") != "M10", pl.col("denominator").is_not_null())
    assert (results.get_column("numerator") <= results.get_column("denominator")).all()
    percents = results.filter(pl.col("unit") == "percent", pl.col("value").is_not_null())
    assert percents.get_column("value").is_between(0, 100).all()


@SETTINGS
@given(datasets)
def test_every_breakdown_adds_up_to_the_whole_area(data):
    results = _compute(data)
    whole = results.filter(pl.col("breakdown") == "all").select(
        "measure", "period", "unit", pl.col("^(numerator|denominator|value)$").name.suffix("_all")
    )
    parts = (
        results.filter(pl.col("breakdown") != "all")
        .group_by("measure", "period", "breakdown")
        .agg(
            pl.col("numerator").sum(),
            pl.col("denominator").sum(),
            pl.col("value").sum().alias("count"),
        )
    )
    joined = parts.join(whole, on=["measure", "period"])
    with_den = joined.filter(pl.col("denominator_all").is_not_null())
    assert (with_den.get_column("numerator") == with_den.get_column("numerator_all")).all()
    assert (with_den.get_column("denominator") == with_den.get_column("denominator_all")).all()
    counts = joined.filter(pl.col("unit") == "count")
    assert (counts.get_column("count") == counts.get_column("value_all")).all()


def _open_children(plans, day, neglect_only=False):
    return {
        p["child_id"]
        for p in plans
        if p["start_date"] <= day
        and (p["end_date"] is None or p["end_date"] > day)
        and (not neglect_only or p["initial_category"] == "NEG")
    }


@SETTINGS
@given(
    st.lists(plan, max_size=15).map(
        lambda rows: [r | {"plan_id": f"p{i}"} for i, r in enumerate(rows)]
    )
)
def test_snapshot_counts_equal_the_children_with_an_open_plan(plans):
    results = _compute({"cp_plans": plans}, ["M4"]).filter(pl.col("breakdown") == "all")
    for period in PERIODS:
        m4 = results.filter(pl.col("measure") == "M4", pl.col("period") == period.label).row(
            0, named=True
        )
        assert m4["denominator"] == len(_open_children(plans, period.end))
        assert m4["numerator"] == len(_open_children(plans, period.end, neglect_only=True))

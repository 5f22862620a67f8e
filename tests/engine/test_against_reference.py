"""The vectorised engine agrees with a naive loop-by-loop reading of `measures.md` to the last digit."""

import json
from datetime import timedelta

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from safeplan.engine.measures import MeasureInputs, compute_all
from tests.engine.measure_helpers import COVERED, frame
from tests.engine.reference import Reference
from tests.engine.test_properties import ORIGIN, PERIODS, SETTINGS, datasets, days

POPULATION = [
    {"year": 2018, "locality": None, "population_0_17": 30000},
    {"year": 2018, "locality": "North", "population_0_17": 7000},
    {"year": 2019, "locality": None, "population_0_17": 31000},
]


def _engine(data):
    frames = {name: frame(name, rows) for name, rows in data.items()}
    inputs = MeasureInputs(frames=frames, coverage=COVERED, plan_start=ORIGIN)
    rows = compute_all(inputs, PERIODS).filter(pl.col("breakdown").is_in(["all", "locality"]))
    return {(r["measure"], r["period"], r["group"]): r for r in rows.iter_rows(named=True)}


def _same(expected, actual, key):
    assert actual == expected, key


@SETTINGS
@given(datasets)
def test_every_measure_matches_the_reference_for_the_area_and_each_locality(data):
    data = data | {"population": POPULATION}
    engine = _engine(data)
    reference = Reference(data, plan_start=ORIGIN)
    for number in range(1, 13):
        measure = f"M{number}"
        for period in PERIODS:
            expected = getattr(reference, f"m{number}")(period)
            for group, (value, numerator, denominator, secondary) in expected.items():
                row = engine[(measure, period.label, group)]
                context = (measure, period.label, group)
                assert (row["value"], row["numerator"], row["denominator"]) == (
                    value,
                    numerator,
                    denominator,
                ), context
                actual = json.loads(row["secondary"])
                assert actual.keys() == secondary.keys(), context
                for key, figure in secondary.items():
                    _same(figure, actual[key], key)


few_children = st.sampled_from(["c1", "c2"])
dense_referrals = st.lists(
    st.fixed_dictionaries({"child_id": few_children, "referral_date": days}), max_size=20
).map(lambda rows: [r | {"referral_id": f"r{i}"} for i, r in enumerate(rows)])
dense_assessments = st.lists(
    st.fixed_dictionaries(
        {
            "child_id": few_children,
            "referral_id": st.none() | st.sampled_from([f"r{i}" for i in range(20)]),
            "start_date": days,
        }
    ),
    max_size=10,
).map(lambda rows: [r | {"assessment_id": f"a{i}"} for i, r in enumerate(rows)])


@SETTINGS
@given(dense_referrals, dense_assessments)
def test_repeat_referrals_match_the_reference_on_dense_histories(referrals, assessments):
    data = {"referrals": referrals, "assessments": assessments}
    engine = _engine(data)
    reference = Reference(data)
    for period in PERIODS:
        value, numerator, denominator, _ = reference.m5(period)[None]
        row = engine[("M5", period.label, None)]
        assert (row["value"], row["numerator"], row["denominator"]) == (
            value,
            numerator,
            denominator,
        )


def _span(start, length):
    return {
        "start_date": start,
        "end_date": None if length is None else start + timedelta(days=length),
    }


dense_cases = st.lists(
    st.builds(
        lambda child, start, length: {"child_id": child} | _span(start, length),
        few_children,
        days,
        st.none() | st.integers(0, 200),
    ),
    max_size=8,
).map(lambda rows: [r | {"case_id": f"k{i}"} for i, r in enumerate(rows)])
dense_evidence = st.lists(
    st.fixed_dictionaries(
        {
            "child_id": few_children,
            "start_date": days,
            "factors": st.sampled_from([["16A"], ["1A"], []]),
        }
    ),
    max_size=8,
).map(lambda rows: [r | {"assessment_id": f"a{i}"} for i, r in enumerate(rows)])
dense_plans = st.lists(
    st.fixed_dictionaries(
        {
            "child_id": few_children,
            "start_date": days,
            "initial_category": st.sampled_from(["NEG", "PHY"]),
            "latest_category": st.none() | st.sampled_from(["NEG", "EMO"]),
        }
    ),
    max_size=4,
).map(lambda rows: [r | {"plan_id": f"p{i}"} for i, r in enumerate(rows)])


@SETTINGS
@given(dense_cases, dense_evidence, dense_plans)
def test_neglect_case_length_matches_the_reference_on_dense_histories(cases, assessments, plans):
    data = {"cases": cases, "assessments": assessments, "cp_plans": plans}
    engine = _engine(data)
    reference = Reference(data)
    for period in PERIODS:
        value, numerator, denominator, secondary = reference.m10(period)[None]
        row = engine[("M10", period.label, None)]
        assert (row["value"], row["numerator"], row["denominator"]) == (
            value,
            numerator,
            denominator,
        )
        assert json.loads(row["secondary"]) == secondary

"""M4 plans for neglect, M5 repeat referrals, M6 plans of 18 months or more: hand-made edge cases."""

from datetime import date

import pytest

from tests.engine.measure_helpers import FULL, figures, inputs, result


def _plan(pid, start, end=None, category="NEG", child="c1", latest=None):
    return {
        "plan_id": pid,
        "child_id": child,
        "start_date": start,
        "end_date": end,
        "initial_category": category,
        "latest_category": latest,
    }


@pytest.mark.parametrize(
    ("plans", "expected"),
    [
        # open plan for neglect
        ([_plan("p1", "2018-01-01")], (1.0, 1.0, 1.0)),
        # a plan ending on the period end is no longer open
        ([_plan("p1", "2018-01-01", "2019-03-31")], (0.0, 0.0, 0.0)),
        # ... one ending the day after still is
        ([_plan("p1", "2018-01-01", "2019-04-01")], (1.0, 1.0, 1.0)),
        # a plan starting on the period end is open
        ([_plan("p1", "2019-03-31")], (1.0, 1.0, 1.0)),
        # ... one starting the day after is not
        ([_plan("p1", "2019-04-01")], (0.0, 0.0, 0.0)),
        # another category: in the denominator only
        ([_plan("p1", "2018-01-01", category="PHY")], (0.0, 0.0, 1.0)),
        # initial category decides by default, not the latest
        ([_plan("p1", "2018-01-01", category="PHY", latest="NEG")], (0.0, 0.0, 1.0)),
        # a child with two open plans counts once
        ([_plan("p1", "2018-01-01"), _plan("p2", "2018-06-01")], (1.0, 1.0, 1.0)),
        # two children, one for neglect
        (
            [_plan("p1", "2018-01-01"), _plan("p2", "2018-06-01", child="c2", category="EMO")],
            (1.0, 1.0, 2.0),
        ),
    ],
)
def test_m4_counts_children_on_a_neglect_plan_at_the_period_end(plans, expected):
    assert figures(result("M4", inputs(cp_plans=plans), "2018-19")) == expected


def test_m4_may_use_the_latest_category_falling_back_to_the_initial():
    plans = [
        _plan("p1", "2018-01-01", category="PHY", latest="NEG"),
        _plan("p2", "2018-01-01", child="c2", category="NEG", latest=None),
        _plan("p3", "2018-01-01", child="c3", category="NEG", latest="EMO"),
    ]
    data = inputs(parameters={"M4": {"category_field": "latest"}}, cp_plans=plans)
    assert figures(result("M4", data, "2018-19")) == (2.0, 2.0, 3.0)


def test_m4_rejects_an_unknown_category_field():
    data = inputs(parameters={"M4": {"category_field": "any"}}, cp_plans=[])
    with pytest.raises(ValueError, match="initial or latest"):
        result("M4", data, "2018-19")


def test_m4_reports_the_share_and_rate():
    data = inputs(
        cp_plans=[_plan("p1", "2018-01-01"), _plan("p2", "2018-01-01", child="c2", category="SAB")],
        population=[{"year": 2018, "locality": None, "population_0_17": 20000}],
    )
    assert result("M4", data, "2018-19 Q4")["secondary"] == {"share": 50.0, "rate_per_10000": 0.5}


def test_m4_a_snapshot_needs_only_the_period_end_covered():
    data = inputs(
        coverage={"cp_plans": [(date(2019, 3, 31), date(2019, 3, 31))]},
        cp_plans=[_plan("p1", "2018-01-01")],
    )
    assert result("M4", data, "2018-19")["status"] == "ok"
    assert result("M4", data, "2018-19 Q3")["status"] == "no data"


@pytest.mark.parametrize(
    ("start", "counted"),
    [
        # period end 2019-03-31 − 18 months = 2017-09-30
        ("2017-09-30", True),
        ("2017-10-01", False),
        ("2015-01-01", True),
    ],
)
def test_m6_counts_children_on_a_plan_for_18_months_or_more(start, counted):
    data = inputs(
        cp_plans=[_plan("p1", start, category="PHY"), _plan("p2", "2019-01-01", child="c2")]
    )
    assert figures(result("M6", data, "2018-19")) == (float(counted), float(counted), 2.0)


def test_m6_clamps_the_18_months_at_month_ends():
    # 2019-08-31 − 18 months = 2018-02-28
    data = inputs(cp_plans=[_plan("p1", "2018-02-28"), _plan("p2", "2018-03-01", child="c2")])
    assert figures(result("M6", data, "2019-08")) == (1.0, 1.0, 2.0)


def test_m6_counts_a_child_once_if_any_open_plan_is_old_enough():
    data = inputs(
        cp_plans=[
            _plan("p1", "2016-01-01", "2017-01-01"),
            _plan("p2", "2017-06-01"),
            _plan("p3", "2019-01-01"),
        ],
        parameters={"M6": {"min_months": 12}},
    )
    assert figures(result("M6", data, "2018-19")) == (1.0, 1.0, 1.0)


def _ref(rid, day, child="c1"):
    return {"referral_id": rid, "child_id": child, "referral_date": day}


def _assessment(aid, start, referral=None, child="c1", factors=None):
    return {
        "assessment_id": aid,
        "child_id": child,
        "referral_id": referral,
        "start_date": start,
        "factors": factors,
    }


@pytest.mark.parametrize(
    ("referrals", "assessments", "expected"),
    [
        # P assessed (linked by referral_id) 6 months before R: R is a repeat
        (
            [_ref("p", "2018-01-10"), _ref("r", "2018-07-10")],
            [_assessment("a", "2018-01-12", "p")],
            (1.0, 1.0, 1.0),
        ),
        # P not assessed: a re-referral, but not a repeat after an assessment
        ([_ref("p", "2018-01-10"), _ref("r", "2018-07-10")], [], (0.0, 0.0, 1.0)),
        # exactly 12 months before is inside the look-back
        (
            [_ref("p", "2017-07-10"), _ref("r", "2018-07-10")],
            [_assessment("a", "2017-07-11", "p")],
            (1.0, 1.0, 1.0),
        ),
        # a day more is outside
        (
            [_ref("p", "2017-07-09"), _ref("r", "2018-07-10")],
            [_assessment("a", "2017-07-11", "p")],
            (0.0, 0.0, 1.0),
        ),
        # a same-day referral is not previous
        (
            [_ref("p", "2018-07-10"), _ref("r", "2018-07-10")],
            [_assessment("a", "2018-07-10", "p")],
            (0.0, 0.0, 2.0),
        ),
        # another child's assessed referral does not count
        (
            [_ref("p", "2018-01-10", child="c2"), _ref("r", "2018-07-10")],
            [_assessment("a", "2018-01-12", "p", child="c2")],
            (0.0, 0.0, 1.0),
        ),
        # an assessment without referral_id between P and R links to P
        (
            [_ref("p", "2018-01-10"), _ref("r", "2018-07-10")],
            [_assessment("a", "2018-01-10")],
            (1.0, 1.0, 1.0),
        ),
        # ... but not when it starts on R's day
        (
            [_ref("p", "2018-01-10"), _ref("r", "2018-07-10")],
            [_assessment("a", "2018-07-10")],
            (0.0, 0.0, 1.0),
        ),
        # ... nor before P's date
        (
            [_ref("p", "2018-01-10"), _ref("r", "2018-07-10")],
            [_assessment("a", "2018-01-09")],
            (0.0, 0.0, 1.0),
        ),
        # ... nor when it is another child's
        (
            [_ref("p", "2018-01-10"), _ref("r", "2018-07-10")],
            [_assessment("a", "2018-02-01", child="c2")],
            (0.0, 0.0, 1.0),
        ),
        # an assessment naming P counts whenever it started, even after R
        (
            [_ref("p", "2018-01-10"), _ref("r", "2018-07-10")],
            [_assessment("a", "2018-08-01", "p")],
            (1.0, 1.0, 1.0),
        ),
        # an assessment naming R itself does not make R a repeat
        (
            [_ref("p", "2018-01-10"), _ref("r", "2018-07-10")],
            [_assessment("a", "2018-07-11", "r")],
            (0.0, 0.0, 1.0),
        ),
        # leap year: R on 2020-02-29 looks back to 2019-02-28
        (
            [_ref("p", "2019-02-28"), _ref("r", "2020-02-29")],
            [_assessment("a", "2019-03-01", "p")],
            (1.0, 1.0, 1.0),
        ),
        (
            [_ref("p", "2019-02-27"), _ref("r", "2020-02-29")],
            [_assessment("a", "2019-03-01", "p")],
            (0.0, 0.0, 1.0),
        ),
    ],
)
def test_m5_counts_referrals_within_12_months_of_an_assessed_referral(
    referrals, assessments, expected
):
    data = inputs(referrals=referrals, assessments=assessments)
    period = "2020-02" if referrals[-1]["referral_date"].startswith("2020") else "2018-07"
    assert figures(result("M5", data, period)) == expected


def test_m5_counts_every_repeat_of_a_child_and_the_share():
    referrals = [
        _ref("p", "2018-01-10"),
        _ref("r1", "2018-07-10"),
        _ref("r2", "2018-07-20"),
        _ref("x", "2018-07-21", child="c2"),
    ]
    data = inputs(referrals=referrals, assessments=[_assessment("a", "2018-01-12", "p")])
    row = result("M5", data, "2018-07")
    assert figures(row) == (2.0, 2.0, 3.0)
    assert row["secondary"] == {"share": 100.0 * 2 / 3}


def test_m5_notes_a_look_back_that_is_not_covered():
    coverage = {
        "referrals": [(date(2018, 4, 1), date(2019, 3, 31))],
        "assessments": FULL,
    }
    data = inputs(coverage=coverage, referrals=[_ref("r", "2018-07-10")], assessments=[])
    row = result("M5", data, "2018-07")
    assert (row["status"], row["note"]) == ("ok", "look-back not fully covered")
    assert result("M5", inputs(referrals=[], assessments=[]), "2018-07")["note"] is None


def test_m5_lookback_can_be_shortened():
    data = inputs(
        parameters={"M5": {"lookback_months": 3}},
        referrals=[_ref("p", "2018-01-10"), _ref("r", "2018-07-10")],
        assessments=[_assessment("a", "2018-01-12", "p")],
    )
    assert figures(result("M5", data, "2018-07")) == (0.0, 0.0, 1.0)

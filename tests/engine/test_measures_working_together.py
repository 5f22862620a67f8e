"""M10 neglect case length, M11 health assessments, M12 challenges: hand-made edge cases."""

import statistics

import pytest

from tests.engine.measure_helpers import figures, inputs, result


def _case(cid, start, end=None, child="c1", locality=None):
    return {
        "case_id": cid,
        "child_id": child,
        "start_date": start,
        "end_date": end,
        "locality": locality,
    }


def _assessment(aid, start, factors=("16A",), child="c1"):
    return {"assessment_id": aid, "child_id": child, "start_date": start, "factors": list(factors)}


def _plan(pid, start, initial="PHY", latest=None, child="c1"):
    return {
        "plan_id": pid,
        "child_id": child,
        "start_date": start,
        "initial_category": initial,
        "latest_category": latest,
    }


@pytest.mark.parametrize(
    ("assessments", "plans", "expected"),
    [
        # an assessment with 16A inside the case: a neglect case of 100 days
        ([_assessment("a", "2018-04-01")], [], (100.0, 100.0, 1.0)),
        # evidence on the case's first and last day counts
        ([_assessment("a", "2018-03-01")], [], (100.0, 100.0, 1.0)),
        ([_assessment("a", "2018-06-09")], [], (100.0, 100.0, 1.0)),
        # ... a day outside does not
        ([_assessment("a", "2018-02-28")], [], (None, 0.0, 0.0)),
        ([_assessment("a", "2018-06-10")], [], (None, 0.0, 0.0)),
        # other factors are not neglect; no factors at all neither
        ([_assessment("a", "2018-04-01", factors=("11A",))], [], (None, 0.0, 0.0)),
        ([_assessment("a", "2018-04-01", factors=())], [], (None, 0.0, 0.0)),
        # a plan with an initial or latest category of neglect
        ([], [_plan("p", "2018-04-01", initial="NEG")], (100.0, 100.0, 1.0)),
        ([], [_plan("p", "2018-04-01", latest="NEG")], (100.0, 100.0, 1.0)),
        ([], [_plan("p", "2018-04-01")], (None, 0.0, 0.0)),
        # another child's evidence does not count
        ([_assessment("a", "2018-04-01", child="c2")], [], (None, 0.0, 0.0)),
    ],
)
def test_m10_averages_the_length_of_closed_neglect_cases(assessments, plans, expected):
    # 2018-03-01 to 2018-06-09 is 100 days; it closes in June
    data = inputs(
        cases=[_case("k", "2018-03-01", "2018-06-09")], assessments=assessments, cp_plans=plans
    )
    assert figures(result("M10", data, "2018-06")) == expected


def test_m10_reports_sd_median_and_open_neglect_cases():
    data = inputs(
        cases=[
            _case("k1", "2018-01-01", "2018-06-01"),  # 151 days
            _case("k2", "2018-05-01", "2018-06-30", child="c2"),  # 60 days, closed on the last day
            _case("k3", "2018-06-01", "2018-06-11", child="c3"),  # 10 days
            _case("k4", "2018-02-01", child="c4"),  # open, evidence before the end
            _case("k5", "2018-02-01", "2018-07-01", child="c5"),  # closes after the period: open
            _case("k6", "2018-02-01", child="c6"),  # open, evidence only after the period
            _case("k7", "2018-02-01", child="c7"),  # open but not neglect
        ],
        assessments=[
            _assessment("a1", "2018-02-01"),
            _assessment("a2", "2018-05-01", child="c2"),
            _assessment("a3", "2018-06-05", child="c3"),
            _assessment("a4", "2018-03-01", child="c4"),
            _assessment("a5", "2018-06-30", child="c5"),
            _assessment("a6", "2018-07-01", child="c6"),
        ],
        cp_plans=[],
    )
    row = result("M10", data, "2018-06")
    days = [151, 60, 10]
    assert figures(row) == (sum(days) / 3, 221.0, 3.0)
    # the correctly rounded sample standard deviation, as `statistics.stdev`
    assert row["secondary"]["sd"] == statistics.stdev(days)
    assert row["secondary"]["median"] == 60.0
    assert row["secondary"]["open_neglect_cases"] == 2
    # (2018-06-30 − 2018-02-01) = 149 days for both
    assert row["secondary"]["open_mean_age_days"] == 149.0


def test_m10_has_no_sd_for_a_single_case_and_no_mean_for_none():
    data = inputs(
        cases=[_case("k", "2018-03-01", "2018-06-09")],
        assessments=[_assessment("a", "2018-04-01")],
        cp_plans=[],
    )
    assert result("M10", data, "2018-06")["secondary"]["sd"] is None
    empty = result("M10", data, "2018-07")
    assert figures(empty) == (None, 0.0, 0.0)
    assert empty["secondary"] == {
        "sd": None,
        "median": None,
        "open_neglect_cases": 0,
        "open_mean_age_days": None,
    }


def _care(pid, start, end=None, requested=None, completed=None, child="c1"):
    return {
        "period_id": pid,
        "child_id": child,
        "start_date": start,
        "end_date": end,
        "iha_requested_date": requested,
        "iha_completed_date": completed,
    }


@pytest.mark.parametrize(
    ("care", "period", "expected"),
    [
        # Monday 2019-06-03: day 20 is Monday 2019-07-01, due in July
        (_care("p", "2019-06-03", completed="2019-07-01"), "2019-07", (100.0, 1.0, 1.0)),
        (_care("p", "2019-06-03", completed="2019-07-02"), "2019-07", (0.0, 0.0, 1.0)),
        (_care("p", "2019-06-03", completed="2019-07-01"), "2019-06", (None, 0.0, 0.0)),
        # looked after from Saturday 2019-06-01: the Monday is day 1, day 20 is 2019-06-28
        (_care("p", "2019-06-01", completed="2019-06-28"), "2019-06", (100.0, 1.0, 1.0)),
        (_care("p", "2019-06-01", completed="2019-07-01"), "2019-06", (0.0, 0.0, 1.0)),
        # bank holidays: from 2018-12-14 the 20th working day is 2019-01-16 (25, 26 Dec, 1 Jan)
        (_care("p", "2018-12-14", completed="2019-01-16"), "2019-01", (100.0, 1.0, 1.0)),
        (_care("p", "2018-12-14", completed="2019-01-17"), "2019-01", (0.0, 0.0, 1.0)),
        # left care before the due date without an assessment: excluded
        (_care("p", "2019-06-03", end="2019-06-30"), "2019-07", (None, 0.0, 0.0)),
        # left care on the due date: stays
        (_care("p", "2019-06-03", end="2019-07-01"), "2019-07", (0.0, 0.0, 1.0)),
        # left before the due date but assessed: stays
        (
            _care("p", "2019-06-03", end="2019-06-10", completed="2019-06-07"),
            "2019-07",
            (100.0, 1.0, 1.0),
        ),
        # still looked after, never assessed
        (_care("p", "2019-06-03"), "2019-07", (0.0, 0.0, 1.0)),
    ],
)
def test_m11_counts_health_assessments_by_the_20th_working_day(care, period, expected):
    assert figures(result("M11", inputs(care_periods=[care]), period)) == expected


def test_m11_reports_requests_by_the_5th_working_day():
    data = inputs(
        care_periods=[
            # from Monday 2019-06-03 the 5th working day is Monday 2019-06-10
            _care("p1", "2019-06-03", requested="2019-06-10"),
            _care("p2", "2019-06-03", requested="2019-06-11", child="c2"),
            _care("p3", "2019-06-03", child="c3"),
            _care("p4", "2019-06-03", requested="2019-06-04", child="c4"),
        ]
    )
    assert result("M11", data, "2019-07")["secondary"] == {"requested_within_share": 50.0}


def test_m11_timescale_can_be_overridden():
    data = inputs(
        parameters={"M11": {"timescale_working_days": 5}},
        care_periods=[_care("p", "2019-06-03", completed="2019-06-10")],
    )
    assert figures(result("M11", data, "2019-06")) == (100.0, 1.0, 1.0)


def _challenge(cid, raised, resolved=None, agency="Police", stage=None, child=None):
    return {
        "challenge_id": cid,
        "raised_date": raised,
        "raised_by_agency": agency,
        "stage": stage,
        "resolved_date": resolved,
        "child_id": child,
    }


def test_m12_counts_challenges_and_their_resolution_by_period_end():
    data = inputs(
        challenges=[
            _challenge("h1", "2018-07-01", "2018-07-11", stage=1),
            _challenge("h2", "2018-07-31", "2018-07-31", agency="Health", stage=2),
            _challenge("h3", "2018-07-15", "2018-08-01", stage=1),  # resolved after July
            _challenge("h4", "2018-07-20"),
            _challenge("h5", "2018-08-01", "2018-08-02"),  # raised in August
        ]
    )
    row = result("M12", data, "2018-07")
    assert figures(row) == (4.0, None, None)
    assert row["secondary"] == {"resolved_share": 50.0, "median_days_to_resolution": 5.0}
    assert result("M12", data, "2018-07", "agency", "Police")["value"] == 3.0
    assert result("M12", data, "2018-07", "stage", "1")["value"] == 2.0
    assert result("M12", data, "2018-07", "stage", "Unknown")["value"] == 1.0
    assert result("M12", data, "2018-07", "stage", "4")["value"] == 0.0
    quarter = result("M12", data, "2018-19 Q2")
    assert quarter["value"] == 5.0
    assert quarter["secondary"] == {"resolved_share": 80.0, "median_days_to_resolution": 5.5}


def test_m12_an_empty_period_is_zero_with_no_share():
    row = result("M12", inputs(challenges=[]), "2018-07")
    assert figures(row) == (0.0, None, None)
    assert row["secondary"] == {"resolved_share": None, "median_days_to_resolution": None}


@pytest.mark.parametrize(
    "days",
    [
        [151, 60, 10],
        [0, 0],  # no spread
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        [3650, 1, 1, 1, 2000, 17, 999],  # long and short cases mixed
        list(range(0, 3000, 7)),
    ],
)
def test_the_sample_sd_is_the_correctly_rounded_one(days):
    from safeplan.engine.measures.working_together import sample_sd

    squares = sum(d * d for d in days)
    assert sample_sd(len(days), sum(days), squares) == statistics.stdev(days)


def test_the_sample_sd_needs_two_cases():
    from safeplan.engine.measures.working_together import sample_sd

    assert sample_sd(1, 5, 25) is None
    assert sample_sd(0, 0, 0) is None

"""M7 child's views, M8 lived experience, M9 eLearning uptake: hand-made edge cases."""

from datetime import date

import pytest

from tests.engine.measure_helpers import FULL, figures, inputs, result


def _conference(cid, day="2018-07-10", child="c1", ctype="initial", **extra):
    return {
        "conference_id": cid,
        "child_id": child,
        "conference_date": day,
        "conference_type": ctype,
    } | extra


@pytest.mark.parametrize(
    ("conference", "children", "expected"),
    [
        # PN1, PN2, PN3, PN5, PN6: views shared
        *[
            (_conference("f", participation=code), [], (100.0, 1.0, 1.0))
            for code in ("PN1", "PN2", "PN3", "PN5", "PN6")
        ],
        # PN4 (attends, no contribution) and PN7 (views not conveyed): not shared
        (_conference("f", participation="PN4"), [], (0.0, 0.0, 1.0)),
        (_conference("f", participation="PN7"), [], (0.0, 0.0, 1.0)),
        # PN0, a child under 4: excluded
        (_conference("f", participation="PN0"), [], (None, 0.0, 0.0)),
        # no PN code: the views_shared flag decides
        (_conference("f", views_shared=True), [], (100.0, 1.0, 1.0)),
        (_conference("f", views_shared=False), [], (0.0, 0.0, 1.0)),
        # neither recorded: counts as not shared
        (_conference("f"), [], (0.0, 0.0, 1.0)),
        # a PN code wins over the flag
        (_conference("f", participation="PN7", views_shared=True), [], (0.0, 0.0, 1.0)),
        # unborn flag: excluded
        (_conference("f", unborn=True, participation="PN1"), [], (None, 0.0, 0.0)),
        # born after the conference (date of birth stored as the first of the month)
        (
            _conference("f", participation="PN1"),
            [{"child_id": "c1", "date_of_birth": "2018-08-01"}],
            (None, 0.0, 0.0),
        ),
        # born in the conference's month: the stored first of the month is not after it
        (
            _conference("f", participation="PN1"),
            [{"child_id": "c1", "date_of_birth": "2018-07-01"}],
            (100.0, 1.0, 1.0),
        ),
        # no date of birth: an expected date after the conference excludes it
        (
            _conference("f", participation="PN1"),
            [{"child_id": "c1", "expected_date_of_birth": "2018-09-15"}],
            (None, 0.0, 0.0),
        ),
        # a date of birth wins over an expected one
        (
            _conference("f", participation="PN1"),
            [
                {
                    "child_id": "c1",
                    "date_of_birth": "2018-06-01",
                    "expected_date_of_birth": "2018-09-15",
                }
            ],
            (100.0, 1.0, 1.0),
        ),
        # child not in the children dataset: counted by the conference alone
        (
            _conference("f", participation="PN2"),
            [{"child_id": "other", "date_of_birth": "2019-01-01"}],
            (100.0, 1.0, 1.0),
        ),
    ],
)
def test_m7_counts_conferences_where_the_childs_views_were_shared(conference, children, expected):
    data = inputs(cp_conferences=[conference], children=children)
    assert figures(result("M7", data, "2018-07")) == expected


def test_m7_breaks_down_by_conference_type():
    data = inputs(
        cp_conferences=[
            _conference("f1", participation="PN1"),
            _conference("f2", ctype="review", participation="PN7"),
            _conference("f3", ctype="review", participation="PN5"),
        ]
    )
    assert figures(result("M7", data, "2018-07", "conference_type", "review")) == (50.0, 1.0, 2.0)
    assert figures(result("M7", data, "2018-07", "conference_type", "transfer_in")) == (
        None,
        0.0,
        0.0,
    )


def _audit(aid, grade, day="2018-07-10", agency="Police", child=None):
    return {
        "audit_id": aid,
        "audit_date": day,
        "lived_experience": grade,
        "agency": agency,
        "child_id": child,
    }


@pytest.mark.parametrize(
    ("audits", "expected"),
    [
        ([_audit("a1", "outstanding"), _audit("a2", "good")], (100.0, 2.0, 2.0)),
        ([_audit("a1", "requires_improvement"), _audit("a2", "inadequate")], (0.0, 0.0, 2.0)),
        # ungraded audits are left out
        ([_audit("a1", None), _audit("a2", "good")], (100.0, 1.0, 1.0)),
        ([_audit("a1", None)], (None, 0.0, 0.0)),
        # audit on the last day of the month
        (
            [_audit("a1", "good", day="2018-07-31"), _audit("a2", "good", day="2018-08-01")],
            (100.0, 1.0, 1.0),
        ),
    ],
)
def test_m8_counts_audits_graded_good_or_outstanding(audits, expected):
    assert figures(result("M8", inputs(case_audits=audits), "2018-07")) == expected


def test_m8_breaks_down_by_audited_agency_and_childs_locality():
    data = inputs(
        children=[{"child_id": "c1", "locality": "North"}],
        case_audits=[
            _audit("a1", "good", agency="Health", child="c1"),
            _audit("a2", "inadequate", agency="Health"),
            _audit("a3", "good", agency=None),
            # an agency audited in another month is listed with nothing in July
            _audit("a4", "good", agency="Police", day="2018-08-01"),
        ],
    )
    assert figures(result("M8", data, "2018-07", "agency", "Health")) == (50.0, 1.0, 2.0)
    assert figures(result("M8", data, "2018-07", "agency", "Unknown")) == (100.0, 1.0, 1.0)
    assert figures(result("M8", data, "2018-07", "agency", "Police")) == (None, 0.0, 0.0)
    assert figures(result("M8", data, "2018-07", "locality", "North")) == (100.0, 1.0, 1.0)
    assert figures(result("M8", data, "2018-07", "locality", "Unknown")) == (50.0, 1.0, 2.0)


def _completion(cid, learner, day, locality=None):
    return {
        "completion_id": cid,
        "learner_id": learner,
        "completed_date": day,
        "locality": locality,
    }


def test_m9_counts_distinct_learners_and_the_cumulative_total():
    data = inputs(
        plan_start=date(2017, 4, 1),
        elearning_completions=[
            _completion("x1", "l1", "2017-05-01"),
            _completion("x2", "l1", "2018-07-01"),
            _completion("x3", "l1", "2018-07-31"),
            _completion("x4", "l2", "2018-07-15"),
            _completion("x5", "l3", "2018-08-01"),
        ],
    )
    row = result("M9", data, "2018-07")
    assert figures(row) == (2.0, None, None)
    assert row["secondary"] == {"cumulative_learners": 2}
    assert result("M9", data, "2018-19")["secondary"] == {"cumulative_learners": 3}
    # an empty covered period is 0, the cumulative count carries on
    empty = result("M9", data, "2019-01")
    assert empty["value"] == 0.0
    assert empty["secondary"] == {"cumulative_learners": 3}


def test_m9_has_no_cumulative_count_without_a_plan_start_or_before_it():
    completions = [_completion("x1", "l1", "2018-07-01")]
    assert result("M9", inputs(elearning_completions=completions), "2018-07")["secondary"] == {
        "cumulative_learners": None
    }
    late = inputs(plan_start=date(2018, 8, 1), elearning_completions=completions)
    assert result("M9", late, "2018-07")["secondary"] == {"cumulative_learners": None}
    assert result("M9", late, "2018-08")["secondary"] == {"cumulative_learners": 0}


def test_m9_places_a_learner_in_the_locality_of_their_latest_completion():
    data = inputs(
        plan_start=date(2018, 4, 1),
        elearning_completions=[
            _completion("x1", "l1", "2018-07-01", "North"),
            _completion("x2", "l1", "2018-08-01", "South"),
            _completion("x3", "l2", "2018-07-01"),
        ],
    )
    assert result("M9", data, "2018-07", "locality", "North")["value"] == 1.0
    assert result("M9", data, "2018-19", "locality", "North")["value"] == 0.0
    assert result("M9", data, "2018-19", "locality", "South")["value"] == 1.0
    assert result("M9", data, "2018-19", "locality", "South")["secondary"] == {
        "cumulative_learners": 1
    }
    # completions carry no child id: a blank locality is Unknown
    assert result("M9", data, "2018-19", "locality", "Unknown")["value"] == 1.0


def test_m9_notes_a_cumulative_window_that_is_not_covered():
    data = inputs(
        plan_start=date(2017, 4, 1),
        coverage={"elearning_completions": [(date(2018, 4, 1), date(2019, 3, 31))]},
        elearning_completions=[],
    )
    row = result("M9", data, "2018-07")
    assert (row["status"], row["note"]) == ("ok", "cumulative count not fully covered")
    assert (
        result(
            "M9",
            inputs(
                plan_start=date(2017, 4, 1),
                coverage={"elearning_completions": FULL},
                elearning_completions=[],
            ),
            "2018-07",
        )["note"]
        is None
    )

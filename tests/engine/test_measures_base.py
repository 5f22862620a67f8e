"""What every measure shares: result shape, coverage, groups, parameters and drill-down."""

import json
from datetime import date

import polars as pl
import pytest

from safeplan.engine.catalogue import CATALOGUE
from safeplan.engine.measures import (
    MEASURES,
    RESULT_SCHEMA,
    MeasureInputs,
    compute_all,
    compute_measure,
    conform,
    empty_frame,
    measure_records,
)
from safeplan.engine.measures.base import covers, merge_windows
from safeplan.engine.periods import parse_period
from tests.engine.measure_helpers import inputs, result


def test_the_registry_holds_the_twelve_catalogue_measures_with_their_definitions():
    assert list(MEASURES) == list(CATALOGUE)
    for measure_id, measure in MEASURES.items():
        assert measure.definition.startswith(f"{measure_id}: ")


def test_an_empty_input_gives_every_measure_no_data_rows_of_the_agreed_shape():
    frame = compute_all(MeasureInputs(), ["2018-07", "2018-19 Q2"])
    assert dict(frame.schema) == dict(RESULT_SCHEMA)
    assert frame.get_column("measure").unique(maintain_order=True).to_list() == list(CATALOGUE)
    assert set(frame.get_column("status")) == {"no data"}
    assert frame.get_column("value").null_count() == frame.height
    assert set(frame.get_column("secondary")) == {"{}"}


def test_an_empty_covered_period_is_zero_for_counts_and_empty_for_percentages():
    frame = compute_all(inputs(), ["2018-07"]).filter(pl.col("breakdown") == "all")
    values = dict(zip(frame.get_column("measure"), frame.get_column("value"), strict=True))
    assert {m: values[m] for m in ("M1", "M2", "M4", "M5", "M6", "M9", "M12")} == dict.fromkeys(
        ("M1", "M2", "M4", "M5", "M6", "M9", "M12"), 0.0
    )
    assert {m: values[m] for m in ("M3", "M7", "M8", "M10", "M11")} == dict.fromkeys(
        ("M3", "M7", "M8", "M10", "M11")
    )
    assert set(frame.get_column("status")) == {"ok"}


@pytest.mark.parametrize(
    ("windows", "period", "status"),
    [
        # covered exactly
        ([(date(2018, 7, 1), date(2018, 7, 31))], "2018-07", "ok"),
        # a day short at either end
        ([(date(2018, 7, 2), date(2018, 7, 31))], "2018-07", "no data"),
        ([(date(2018, 7, 1), date(2018, 7, 30))], "2018-07", "no data"),
        # two touching windows merge
        (
            [(date(2018, 7, 1), date(2018, 7, 15)), (date(2018, 7, 16), date(2018, 7, 31))],
            "2018-07",
            "ok",
        ),
        # a gap of one day does not
        (
            [(date(2018, 7, 1), date(2018, 7, 14)), (date(2018, 7, 16), date(2018, 7, 31))],
            "2018-07",
            "no data",
        ),
        # no coverage at all
        ([], "2018-07", "no data"),
    ],
)
def test_a_flow_result_is_ok_only_when_its_whole_period_is_covered(windows, period, status):
    data = inputs(
        coverage={"referrals": windows},
        referrals=[
            {"referral_id": "r", "child_id": "c", "referral_date": "2018-07-10", "cse_risk": "high"}
        ],
    )
    row = result("M1", data, period)
    assert row["status"] == status
    if status == "no data":
        assert (row["value"], row["numerator"], row["denominator"]) == (None, None, None)
        assert row["note"] == "not covered: referrals"
    else:
        assert row["value"] == 1.0


def test_every_dataset_a_measure_reads_must_be_covered():
    from tests.engine.measure_helpers import FULL

    data = inputs(coverage={"cases": FULL, "assessments": FULL}, cases=[])
    row = result("M10", data, "2018-07")
    assert (row["status"], row["note"]) == ("no data", "not covered: cp_plans")


def test_merging_windows_joins_overlapping_and_touching_ones():
    windows = [
        (date(2018, 5, 1), date(2018, 6, 1)),
        (date(2018, 1, 1), date(2018, 3, 31)),
        (date(2018, 4, 1), date(2018, 5, 10)),
    ]
    assert merge_windows(windows) == [(date(2018, 1, 1), date(2018, 6, 1))]
    assert covers(windows, date(2018, 2, 1), date(2018, 5, 31))
    assert not covers(windows, date(2017, 12, 31), date(2018, 1, 1))


def test_every_locality_seen_in_any_frame_is_listed_for_every_period_with_zeros():
    data = inputs(
        children=[{"child_id": "c1", "locality": "North"}, {"child_id": "c2", "locality": "West"}],
        referrals=[
            {
                "referral_id": "r1",
                "child_id": "c1",
                "referral_date": "2018-07-10",
                "cse_risk": "high",
            },
            {
                "referral_id": "r2",
                "child_id": "zz",
                "referral_date": "2018-08-10",
                "locality": "East",
            },
            {"referral_id": "r3", "child_id": "zz", "referral_date": "2018-08-11"},
        ],
        population=[{"year": 2018, "locality": "South", "population_0_17": 100}],
    )
    frame = compute_measure("M1", data, ["2018-07", "2018-08"]).filter(
        pl.col("breakdown") == "locality"
    )
    for period in ("2018-07", "2018-08"):
        groups = frame.filter(pl.col("period") == period).get_column("group").to_list()
        assert groups == ["East", "North", "South", "West", "Unknown"]
    july = frame.filter(pl.col("period") == "2018-07")
    assert july.get_column("value").to_list() == [0.0, 1.0, 0.0, 0.0, 0.0]


def test_results_are_ordered_by_period_then_breakdown_then_group():
    challenge = {"challenge_id": "h", "raised_date": "2018-07-10", "raised_by_agency": "Police"}
    frame = compute_measure("M12", inputs(challenges=[challenge]), ["2018-08", "2018-07"])
    assert frame.get_column("period").to_list()[0] == "2018-08"
    first = frame.filter(pl.col("period") == "2018-08")
    assert first.get_column("breakdown").unique(maintain_order=True).to_list() == [
        "all",
        "locality",
        "agency",
        "stage",
    ]
    stages = first.filter(pl.col("breakdown") == "stage").get_column("group").to_list()
    assert stages == ["1", "2", "3", "4", "Unknown"]


def test_a_breakdown_without_any_group_has_no_rows():
    frame = compute_measure("M12", inputs(challenges=[]), ["2018-07"])
    assert frame.get_column("breakdown").unique(maintain_order=True).to_list() == ["all", "stage"]


def test_the_effective_parameters_are_stored_with_every_row():
    data = inputs(parameters={"M5": {"lookback_months": 6}})
    frame = compute_measure("M5", data, ["2018-07"])
    assert {json.loads(p)["lookback_months"] for p in frame.get_column("parameters")} == {6}


def test_an_unknown_parameter_is_refused():
    with pytest.raises(ValueError, match="no parameter"):
        compute_measure("M5", inputs(parameters={"M5": {"months": 6}}), ["2018-07"])


def test_measures_may_be_named_by_slug_and_periods_by_label():
    by_slug = compute_measure("repeat-referrals", inputs(), ["2018-07"])
    assert by_slug.get_column("measure").unique().to_list() == ["M5"]
    with pytest.raises(KeyError):
        compute_measure("M13", inputs(), ["2018-07"])


def test_a_range_period_is_computed_like_any_other():
    data = inputs(
        challenges=[
            {"challenge_id": "h", "raised_date": "2018-07-10", "raised_by_agency": "Police"}
        ]
    )
    row = result("M12", data, "2018-07-10:2018-07-10")
    assert (row["value"], row["period_kind"]) == (1.0, "range")


def test_frames_are_conformed_to_the_schema():
    assert empty_frame("assessments").schema["factors"] == pl.List(pl.String)
    partial = pl.DataFrame(
        {"referral_id": ["r"], "referral_date": [date(2018, 1, 1)], "extra": [1]}
    )
    conformed = conform("referrals", partial)
    assert conformed.columns == [*empty_frame("referrals").columns, "_source"]
    assert conformed.get_column("cse_risk").to_list() == [None]
    assert conformed.get_column("_source").to_list() == [None]  # frames built by hand: no source


def test_drill_down_lists_the_records_behind_a_figure():
    data = inputs(
        children=[{"child_id": "c1", "locality": "North"}],
        referrals=[
            {
                "referral_id": "r1",
                "child_id": "c1",
                "referral_date": "2018-07-10",
                "cse_risk": "high",
            },
            {
                "referral_id": "r2",
                "child_id": "c2",
                "referral_date": "2018-07-11",
                "cse_risk": "low",
            },
            {
                "referral_id": "r3",
                "child_id": "c1",
                "referral_date": "2018-08-11",
                "cse_risk": "high",
            },
        ],
    )
    assert measure_records("M1", data, "2018-07") == {
        "numerator": [("referrals", "", "r1")],
        "denominator": [("referrals", "", "r1"), ("referrals", "", "r2")],
    }
    assert measure_records("M1", data, parse_period("2018-07"), "locality", "Unknown") == {
        "numerator": [],
        "denominator": [("referrals", "", "r2")],
    }


def test_drill_down_of_a_child_count_lists_the_counted_childrens_records():
    episodes = [
        {"episode_id": "e1", "child_id": "c1", "missing_start": "2018-07-01 10:00"},
        {"episode_id": "e2", "child_id": "c1", "missing_start": "2018-07-02 10:00"},
        {"episode_id": "e3", "child_id": "c2", "missing_start": "2018-07-02 10:00"},
    ]
    records = measure_records("M2", inputs(missing_episodes=episodes), "2018-07")
    assert records["numerator"] == [("missing_episodes", "", "e1"), ("missing_episodes", "", "e2")]
    assert len(records["denominator"]) == 3


def test_records_of_two_sources_with_one_id_are_two_records():
    # ADR 0014: a record is (dataset, source, id); the union of every source is counted
    referrals = pl.DataFrame(
        {
            "referral_id": ["r1", "r1", "r2"],
            "child_id": ["c1", "c2", "c3"],
            "referral_date": [date(2018, 7, 10)] * 3,
            "cse_risk": ["high", "low", "high"],
            "_source": ["police", "health", "police"],
        }
    )
    data = MeasureInputs(frames={"referrals": referrals})
    assert measure_records("M1", data, "2018-07") == {
        "numerator": [("referrals", "police", "r1"), ("referrals", "police", "r2")],
        "denominator": [
            ("referrals", "health", "r1"),
            ("referrals", "police", "r1"),
            ("referrals", "police", "r2"),
        ],
    }

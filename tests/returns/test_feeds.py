"""Which measures each return can feed, and the fields every measure needs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from safeplan.datasets.schema import DATASETS
from safeplan.engine.catalogue import CATALOGUE
from safeplan.returns import MEASURE_NEEDS, ConvertedReturn, read_return
from tests.returns.builders import (
    COMMON,
    EPISODES,
    HEADER,
    MISSING,
    annex_workbook,
    assessment,
    census,
    child,
    details,
    episode,
    plan,
    write_table,
)

Write = Callable[[str, str], Path]


def fed(converted: ConvertedReturn) -> dict[str, bool]:
    return {feed.measure: feed.feeds for feed in converted.feeds}


def reason(converted: ConvertedReturn, measure: str) -> str:
    return next(feed.reason for feed in converted.feeds if feed.measure == measure)


def test_every_need_is_a_column_of_a_dataset_the_measure_reads() -> None:
    assert set(MEASURE_NEEDS) == set(CATALOGUE)
    for measure, needs in MEASURE_NEEDS.items():
        for need in needs:
            assert need.dataset in CATALOGUE[measure].reads, (measure, need.dataset)
            columns = DATASETS[need.dataset].column_names
            assert set(need.columns) | set(need.any_of) <= set(columns), (measure, need)


def test_the_cin_census_feeds_m4_m5_m6_and_m10(write: Write) -> None:
    text = census(
        2020,
        child(
            "C1",
            details("2019-06-01", parts=[assessment("2019-06-02")], plans=[plan("2019-07-01")]),
        ),
    )
    converted = read_return("cin", [write("cin.xml", text)])
    assert [m for m, yes in fed(converted).items() if yes] == ["M4", "M5", "M6", "M10"]
    assert reason(converted, "M1") == (
        "a CIN census does not record cse_risk (referrals); the measure stays `no data` "
        "until a local file carrying them covers the period"
    )
    assert "participation or views_shared (cp_conferences)" in reason(converted, "M7")
    assert reason(converted, "M11") == "reads care_periods, which a CIN census does not carry"


def test_the_ssda903_feeds_m2_for_children_looked_after_only(tmp_path: Path) -> None:
    tables = [
        write_table(tmp_path / "h.csv", HEADER, [{"CHILD": "1", "SEX": "1"}]),
        write_table(tmp_path / "e.csv", EPISODES, [episode("1", "01/05/2018", "S")]),
        write_table(tmp_path / "m.csv", MISSING, []),
    ]
    converted = read_return("ssda903", tables, covers=(date(2018, 4, 1), date(2019, 3, 31)))
    assert [m for m, yes in fed(converted).items() if yes] == ["M2"]
    assert "only children looked after" in reason(converted, "M2")
    assert "rhi_completed_at (missing_episodes)" in reason(converted, "M3")
    assert "iha_completed_date (care_periods)" in reason(converted, "M11")


def test_without_its_missing_table_the_ssda903_feeds_nothing(tmp_path: Path) -> None:
    tables = [write_table(tmp_path / "h.csv", HEADER, [{"CHILD": "1", "SEX": "1"}])]
    converted = read_return("ssda903", tables, covers=(date(2018, 4, 1), date(2019, 3, 31)))
    assert not any(fed(converted).values())


def test_annex_a_feeds_m4_m5_m6_but_not_m10_for_want_of_factors(tmp_path: Path) -> None:
    path = annex_workbook(
        tmp_path / "a.xlsx",
        {
            "3": ([*COMMON, "Date of Referral"], [["C1", "M", "WBRI", None, 9, "01/12/2019"]]),
            "4": (
                [*COMMON, "Continuous Assessment Start Date"],
                [["C1", "M", "WBRI", None, 9, "02/12/2019"]],
            ),
            "6": (
                [*COMMON, "CIN Start Date", "CIN Closure Date"],
                [["C1", "M", "WBRI", None, 9, "01/12/2019", None]],
            ),
            "7": (
                [
                    *COMMON,
                    "Child Protection Plan Start Date",
                    "Child Protection Plan End Date",
                    "Initial Category of Abuse",
                    "Latest Category of Abuse",
                ],
                [["C1", "M", "WBRI", None, 9, "05/12/2019", None, "Neglect", "Neglect"]],
            ),
        },
    )
    converted = read_return("annex_a", [path], covers=(date(2019, 10, 1), date(2020, 3, 31)))
    assert [m for m, yes in fed(converted).items() if yes] == ["M4", "M5", "M6"]
    assert "factors (assessments)" in reason(converted, "M10")
    assert "look-back" in reason(converted, "M5")


def test_a_plan_list_without_end_dates_cannot_feed_m4(tmp_path: Path) -> None:
    header = [*COMMON, "Child Protection Plan Start Date", "Initial Category of Abuse"]
    path = annex_workbook(
        tmp_path / "a.xlsx", {"7": (header, [["C1", "M", "WBRI", None, 9, "05/12/2019", "NEG"]])}
    )
    converted = read_return("annex_a", [path], covers=(date(2019, 10, 1), date(2020, 3, 31)))
    assert fed(converted)["M4"] is False
    assert "end_date (cp_plans)" in reason(converted, "M4")


@pytest.mark.parametrize("measure", ["M8", "M9", "M12"])
def test_no_return_feeds_audits_elearning_or_challenges(write: Write, measure: str) -> None:
    converted = read_return(
        "cin", [write("cin.xml", census(2020, child("C1", details("2019-06-01"))))]
    )
    assert fed(converted)[measure] is False

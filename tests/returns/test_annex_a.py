"""The Annex A adapter: lists by their headers, coded values through the synonym table, the window."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from safeplan.returns import read_return
from tests.returns.builders import COMMON, annex_workbook
from tests.returns.conftest import rows, rules

WINDOW = (date(2019, 10, 1), date(2020, 3, 31))
LIST_3 = [*COMMON, "Date of Referral", "Referral Source", "Referral NFA?", "Allocated Team"]
LIST_4 = [
    *COMMON,
    "Continuous Assessment Start Date",
    "Continuous Assessment Date of Authorisation",
]
LIST_6 = [*COMMON, "CIN Start Date", "Primary Need Code", "CIN Closure Date"]
LIST_7 = [
    *COMMON,
    "Child Protection Plan Start Date",
    "Initial Category of Abuse",
    "Latest Category of Abuse",
    "Date of latest review conference",
    "Child Protection Plan End Date",
]
LIST_8 = [*COMMON, "Date Started to be Looked After", "Date Ceased to be Looked After"]


def child_cells(
    child: object = "C1", sex: str = "a) Male", ethnicity: str = "a) WBRI"
) -> list[object]:
    return [child, sex, ethnicity, datetime(2010, 5, 4), 9]


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """Lists 1, 3, 4, 6, 7 and 8 with sheet names as authorities write them."""
    return annex_workbook(
        tmp_path / "annex.xlsx",
        {
            "List 1": (
                [*COMMON, "Date of Contact", "Contact Source"],
                [[*child_cells(), datetime(2020, 1, 2), "Police"]],
            ),
            "Referrals (L3)": (
                LIST_3,
                [
                    [*child_cells(), datetime(2019, 11, 5), "q) 6: Police", "No", "MASH"],
                    [
                        *child_cells("C2", "b) Female"),
                        "12/02/2020",
                        "j) 3D: Health services",
                        "a) Yes",
                        "MASH",
                    ],
                    [
                        *child_cells("C3"),
                        datetime(2019, 9, 30),
                        "6",
                        "No",
                        "MASH",
                    ],  # before the window
                ],
            ),
            "List 4": (LIST_4, [[*child_cells(), datetime(2019, 9, 20), datetime(2019, 10, 20)]]),
            "CIN": (
                LIST_6,
                [[*child_cells(), datetime(2019, 11, 5), "N1 - Abuse or neglect", None]],
            ),
            "Sheet5": (
                LIST_7,
                [
                    [
                        *child_cells(),
                        datetime(2019, 12, 1),
                        "Neglect",
                        "b) Physical abuse",
                        datetime(2020, 3, 1),
                        None,
                    ]
                ],
            ),
            "List 8": (
                LIST_8,
                [[*child_cells("C2", "b) Female"), datetime(2015, 1, 1), datetime(2019, 10, 1)]],
            ),
        },
    )


def test_each_list_feeds_its_dataset_by_its_headers_whatever_the_sheet_is_called(
    workbook: Path,
) -> None:
    converted = read_return("annex_a", [workbook], covers=WINDOW)
    assert converted.accepted, converted.problems
    assert converted.source == "annex_a"
    assert converted.covers == WINDOW
    assert rows(converted, "referrals") == {
        "C1:2019-11-05": {
            "referral_id": "C1:2019-11-05", "child_id": "C1", "referral_date": "2019-11-05",
            "source": "6", "cse_risk": None, "nfa": "N", "locality": None,
        },
        "C2:2020-02-12": {
            "referral_id": "C2:2020-02-12", "child_id": "C2", "referral_date": "2020-02-12",
            "source": "3D", "cse_risk": None, "nfa": "Y", "locality": None,
        },
    }  # fmt: skip
    assert rows(converted, "assessments") == {
        "C1:A:2019-09-20": {
            "assessment_id": "C1:A:2019-09-20", "child_id": "C1", "referral_id": None,
            "start_date": "2019-09-20", "authorised_date": "2019-10-20", "factors": None,
        }
    }  # fmt: skip
    assert rows(converted, "cases")["C1:2019-11-05"]["primary_need"] == "N1"
    plans = rows(converted, "cp_plans")
    assert plans["C1:2019-12-01"]["initial_category"] == "NEG"
    assert plans["C1:2019-12-01"]["latest_category"] == "PHY"
    assert set(rows(converted, "cp_conferences")) == {"C1:2019-12-01:R:2020-03-01"}
    assert rows(converted, "care_periods")["C2:2015-01-01"]["end_date"] == "2019-10-01"


def test_assessments_carry_no_referral_link_and_no_factors(workbook: Path) -> None:
    carried = read_return("annex_a", [workbook], covers=WINDOW).datasets["assessments"].carried
    assert "referral_id" not in carried
    assert "factors" not in carried


def test_records_outside_the_window_are_left_out_and_counted(workbook: Path) -> None:
    converted = read_return("annex_a", [workbook], covers=WINDOW)
    assert "C3:2019-09-30" not in rows(converted, "referrals")
    assert any("outside the window" in n for n in converted.notes)


def test_children_merge_across_lists_and_take_their_codes_from_the_synonyms(workbook: Path) -> None:
    children = rows(read_return("annex_a", [workbook], covers=WINDOW), "children")
    assert children["C1"]["sex"] == "M"
    assert children["C2"]["sex"] == "F"
    assert children["C1"]["ethnicity"] == "WBRI"
    assert children["C1"]["date_of_birth"] == "2010-05-04"


def test_lists_and_columns_that_feed_nothing_are_named(workbook: Path) -> None:
    notes = " ".join(read_return("annex_a", [workbook], covers=WINDOW).notes)
    assert "List 1 (contacts) on sheet “List 1” feeds no dataset and was ignored" in notes
    assert "columns that feed nothing were ignored: Allocated Team" in notes


@pytest.mark.parametrize(
    ("sex", "expected"),
    [
        ("a) Male", "M"),
        ("1 - Male", "M"),
        ("M", "M"),
        ("Female", "F"),
        ("b) Female", "F"),
        ("c) Not stated/recorded", "U"),
        ("d) Neither", None),  # no canonical code: unknown
        ("Unborn?", None),
    ],
)
def test_coded_values_in_every_wording(tmp_path: Path, sex: str, expected: str | None) -> None:
    path = annex_workbook(
        tmp_path / "a.xlsx",
        {"x": (LIST_3, [[*child_cells(sex=sex), "01/12/2019", "Police", "No"]])},
    )
    converted = read_return("annex_a", [path], covers=WINDOW)
    assert rows(converted, "children")["C1"]["sex"] == expected
    assert (expected is None) == any("is not a known sex value" in n for n in converted.notes)


def test_header_wordings_vary_and_a_title_may_sit_above_the_header(tmp_path: Path) -> None:
    header = [
        "CHILD ID",
        "Sex",
        "Ethnic Origin",
        "DOB",
        "Age",
        "Referral date",
        "Source of referral",
        "Referral NFA",
    ]
    path = annex_workbook(
        tmp_path / "a.xlsx",
        {
            "Sheet1": (
                header,
                [["0042", "M", "White British", "04/05/2010", 9, "2019-12-01", "5D", "Y"]],
            )
        },
        title_rows=[["Annex A – List 3: referrals"], ["Extracted 31/03/2020"]],
    )
    converted = read_return("annex_a", [path], covers=WINDOW)
    assert converted.accepted, converted.problems
    assert rows(converted, "referrals")["0042:2019-12-01"]["source"] == "5D"
    assert rows(converted, "children")["0042"]["ethnicity"] == "WBRI"
    assert converted.datasets["referrals"].rows[0].location.row == 4


def test_numeric_child_ids_are_read_and_their_lost_zeros_noted(tmp_path: Path) -> None:
    path = annex_workbook(
        tmp_path / "a.xlsx", {"x": (LIST_3, [[*child_cells(1234.0), "01/12/2019", "Police", "No"]])}
    )
    converted = read_return("annex_a", [path], covers=WINDOW)
    assert set(rows(converted, "referrals")) == {"1234:2019-12-01"}
    assert any("leading zero" in n for n in converted.notes)


def test_excel_error_values_are_blank(tmp_path: Path) -> None:
    path = annex_workbook(
        tmp_path / "a.xlsx", {"x": (LIST_6, [[*child_cells(), "01/11/2019", "N4", "#N/A"]])}
    )
    converted = read_return("annex_a", [path], covers=WINDOW)
    assert rows(converted, "cases")["C1:2019-11-01"]["end_date"] is None
    assert any("#N/A" in n for n in converted.notes)


def test_a_problem_names_the_sheet_row_and_column(tmp_path: Path) -> None:
    path = annex_workbook(
        tmp_path / "a.xlsx",
        {"Refs": (LIST_3, [[None, "M", "WBRI", None, None, "01/12/2019", "6", "No"]])},
    )
    converted = read_return("annex_a", [path], covers=WINDOW)
    [problem] = converted.problems
    assert problem.rule == "R-R07"
    assert problem.field == "A “Child Unique ID”"
    assert str(problem.location) == "a.xlsx: sheet “Refs”, row 2"


def test_the_same_list_twice_is_a_problem(tmp_path: Path) -> None:
    one = [[*child_cells(), "01/12/2019", "6", "No"]]
    path = annex_workbook(tmp_path / "a.xlsx", {"A": (LIST_3, one), "B": (LIST_3, one)})
    converted = read_return("annex_a", [path], covers=WINDOW)
    assert rules(converted) == ["R-R09"]
    assert "List 3 (referrals) appears twice: also on sheet “A”" in converted.problems[0].message


def test_a_list_without_a_child_id_column_is_a_problem(tmp_path: Path) -> None:
    path = annex_workbook(
        tmp_path / "a.xlsx", {"A": (LIST_3[1:], [["M", "WBRI", None, 9, "01/12/2019", "6", "No"]])}
    )
    assert rules(read_return("annex_a", [path], covers=WINDOW)) == ["R-R09"]


def test_list_8s_missing_and_interview_columns_are_explained(tmp_path: Path) -> None:
    header = [
        *LIST_8,
        "Number of Episodes the Child has been ‘Missing’ from their Placement in the last 12 months",
    ]
    path = annex_workbook(
        tmp_path / "a.xlsx", {"L8": (header, [[*child_cells(), "01/12/2019", None, 3]])}
    )
    converted = read_return("annex_a", [path], covers=WINDOW)
    assert any("cannot feed M2 or M3" in n for n in converted.notes)


# --- refusals ---------------------------------------------------------------------------


def test_a_workbook_needs_covers(workbook: Path) -> None:
    converted = read_return("annex_a", [workbook])
    assert rules(converted) == ["R-R04"]
    assert "six months before the extract" in converted.problems[0].message


def test_a_workbook_of_lists_that_feed_nothing_is_refused(tmp_path: Path) -> None:
    path = annex_workbook(
        tmp_path / "a.xlsx",
        {"List 9": ([*COMMON, "Eligibility Category"], [[*child_cells(), "a"]])},
    )
    converted = read_return("annex_a", [path], covers=WINDOW)
    assert rules(converted) == ["R-R05"]
    assert "List 9 (care leavers)" in converted.problems[0].message


def test_header_only_lists_are_refused_as_empty(tmp_path: Path) -> None:
    path = annex_workbook(tmp_path / "a.xlsx", {"L3": (LIST_3, []), "L7": (LIST_7, [])})
    assert rules(read_return("annex_a", [path], covers=WINDOW)) == ["R-R05"]


def test_a_workbook_that_is_not_an_annex_a_is_refused_saying_what_it_is(tmp_path: Path) -> None:
    path = annex_workbook(tmp_path / "a.xlsx", {"Budget": (["Line", "Amount"], [["Staff", 10]])})
    converted = read_return("annex_a", [path], covers=WINDOW)
    assert rules(converted) == ["R-R01"]
    assert "sheets (Budget) hold no Annex A list" in converted.problems[0].message


def test_a_damaged_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    converted = read_return("annex_a", [path], covers=WINDOW)
    assert rules(converted) == ["R-R02"]
    assert "not a readable XLSX workbook" in converted.problems[0].message


def test_the_workbook_is_opened_through_the_guard_it_is_given(workbook: Path) -> None:
    opened: list[Path] = []

    def guard(path: Path) -> object:
        opened.append(path)
        raise ValueError("the workbook expands to more than 100 MB")

    converted = read_return("annex_a", [workbook], covers=WINDOW, open_xlsx=guard)
    assert opened  # detection and the adapter both go through it
    assert rules(converted) == ["R-R02"]
    assert "expands to more than 100 MB" in converted.problems[0].message

"""Every rule of the rule book, each on a small hand-made file."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from safeplan.datasets.schema import RULES
from safeplan.imports import services
from safeplan.imports.services import InvalidCovers, parse_covers
from safeplan.records.models import RECORD_MODELS, ImportBatch
from tests.imports.conftest import GOOD_ROWS, rules_of, run_import, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

REFERRAL = GOOD_ROWS["referrals"]


def referral(**changes: str) -> dict[str, str]:
    return {**REFERRAL, **changes}


# (rule, dataset, records written to the file, import options, expected column)
VALUE_CASES: list[tuple[str, str, list[dict[str, str]], str]] = [
    ("R-V01", "referrals", [referral(child_id="")], "child_id"),
    ("R-V01", "referrals", [referral(child_id="   ")], "child_id"),  # spaces only are blank
    ("R-V02", "referrals", [referral(referral_date="31/02/2018")], "referral_date"),
    ("R-V03", "missing_episodes", [{**GOOD_ROWS["missing_episodes"], "missing_end": "02/07/2024 24:10"}], "missing_end"),
    ("R-V04", "referrals", [referral(nfa="maybe")], "nfa"),
    ("R-V05", "referrals", [referral(source="1Z")], "source"),
    ("R-V05", "assessments", [{**GOOD_ROWS["assessments"], "factors": "11A;99Z"}], "factors"),
    ("R-V06", "elearning_completions", [{**GOOD_ROWS["elearning_completions"], "age": "14.5"}], "age"),
    ("R-V07", "referrals", [referral(referral_id="R" * 65)], "referral_id"),
    ("R-V08", "elearning_completions", [{**GOOD_ROWS["elearning_completions"], "age": "4"}], "age"),
    ("R-V08", "population", [{"year": "2024", "population_0_17": "0"}], "population_0_17"),
    ("R-V08", "population", [{"year": "2024", "population_0_17": "9" * 30}], "population_0_17"),  # no database holds it
    ("R-V09", "challenges", [{**GOOD_ROWS["challenges"], "outcome": "x" * 201}], "outcome"),
    ("R-V11", "referrals", [referral(referral_date="1899-12-31")], "referral_date"),
    ("R-C01", "cp_plans", [{**GOOD_ROWS["cp_plans"], "end_date": "2024-04-30"}], "end_date"),
    ("R-C01", "missing_episodes", [{**GOOD_ROWS["missing_episodes"], "missing_end": "2024-07-01 23:29"}], "missing_end"),
    ("R-C01", "challenges", [{**GOOD_ROWS["challenges"], "resolved_date": "2024-05-31"}], "resolved_date"),
    ("R-C02", "referrals", [referral(), referral(child_id="C2")], "referral_id"),
    ("R-C02", "population", [{"year": "2024", "population_0_17": "5"}] * 2, "year, locality"),
]  # fmt: skip


def _covers_for(dataset: str) -> dict[str, Any]:
    from datetime import date

    if dataset in {"cases", "cp_plans", "care_periods"}:
        return {"covers": (date(2024, 4, 1), date(2025, 3, 31))}
    return {}


@pytest.mark.parametrize(("rule", "dataset", "records", "column"), VALUE_CASES)
def test_it_rejects_a_row_breaking_a_value_rule_naming_row_column_and_rule(
    csv_file: Callable[..., Path],
    rule: str,
    dataset: str,
    records: list[dict[str, str]],
    column: str,
) -> None:
    outcome = run_import(dataset, csv_file(records), **_covers_for(dataset))
    assert not outcome.accepted
    [problem] = outcome.problems
    assert (problem.rule, problem.column, problem.row) == (rule, column, len(records) + 1)
    assert problem.file == "data.csv"
    assert RECORD_MODELS[dataset].objects.count() == 0


def test_every_rule_tested_here_is_in_the_rule_book() -> None:
    assert {case[0] for case in VALUE_CASES} <= set(RULES)


def test_a_problem_reads_like_the_spec_example(csv_file: Callable[..., Path]) -> None:
    records = [referral(referral_id=f"R{i}") for i in range(12)]
    records.append(referral(referral_id="R99", referral_date="31/02/2018"))
    [problem] = run_import("referrals", csv_file(records)).problems
    assert str(problem) == 'row 14, referral_date: "31/02/2018" is not a date (R-V02)'
    assert (
        problem.located() == 'data.csv: row 14, referral_date: "31/02/2018" is not a date (R-V02)'
    )


def test_a_duplicate_names_the_row_of_the_first_occurrence(csv_file: Callable[..., Path]) -> None:
    records = [referral(), referral(referral_id="R2"), referral(), referral()]
    problems = run_import("referrals", csv_file(records)).problems
    assert [(p.rule, p.row, p.value) for p in problems] == [("R-C02", 4, "R1"), ("R-C02", 5, "R1")]
    assert "first in row 2" in problems[0].message


@override_settings(LOCALITIES=["North", "South"])
def test_it_rejects_a_locality_that_is_not_configured(csv_file: Callable[..., Path]) -> None:
    outcome = run_import(
        "referrals",
        csv_file([referral(locality="East"), referral(referral_id="R2", locality="north")]),
    )
    assert [(p.rule, p.row, p.column) for p in outcome.problems] == [("R-V10", 2, "locality")]


@override_settings(LOCALITIES=["North", "South"])
def test_it_stores_a_configured_locality_in_its_configured_spelling(
    csv_file: Callable[..., Path],
) -> None:
    assert run_import("referrals", csv_file([referral(locality="north")])).accepted
    assert RECORD_MODELS["referrals"].objects.get().locality == "North"


# --- header rules --------------------------------------------------------------


def test_it_reports_a_missing_required_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", ["referral_id", "child_id"], [["R1", "C1"]])
    outcome = run_import("referrals", path)
    assert [(p.rule, p.column, p.row) for p in outcome.problems] == [
        ("R-H01", "referral_date", None)
    ]
    assert outcome.batch.rows_read == 0  # header problems come before any row is read


def test_it_reports_a_duplicated_column_compared_case_insensitively(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        ["referral_id", "child_id", "referral_date", " Child_ID "],
        [["R1", "C1", "2024-01-01", "C1"]],
    )
    assert [(p.rule, p.column) for p in run_import("referrals", path).problems] == [
        ("R-H02", "Child_ID")
    ]


def test_it_reports_an_unknown_column_with_the_closest_expected_name(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        ["referral_id", "child_id", "Refferal Date"],
        [["R1", "C1", "2024-01-01"]],
    )
    problems = run_import("referrals", path).problems
    assert [p.rule for p in problems] == ["R-H03", "R-H01"]
    assert (
        str(problems[0])
        == "Refferal Date: is not a column of referrals; did you mean `referral_date`? (R-H03)"
    )


def test_it_lists_the_columns_when_an_unknown_one_resembles_none(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", ["referral_id", "child_id", "referral_date", "xyzzy"], [])
    [problem] = run_import("referrals", path).problems
    assert "the columns of referrals are referral_id, child_id" in problem.message


def test_it_ignores_unknown_columns_when_asked(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        ["referral_id", "child_id", "referral_date", "notes"],
        [["R1", "C1", "2024-01-01", "x"]],
    )
    assert run_import("referrals", path, ignore_unknown_columns=True).accepted


def test_it_matches_column_names_ignoring_case_and_spaces(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        [" Referral ID ", "CHILD_ID", "Referral Date"],
        [["R1", "C1", "2024-01-01"]],
    )
    assert run_import("referrals", path).accepted


def test_it_reports_values_under_a_column_without_a_name_once(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        ["referral_id", "child_id", "referral_date", ""],
        [["R1", "C1", "2024-01-01", "stray"], ["R2", "C1", "2024-01-01", "again"]],
    )
    assert [(p.rule, p.row, p.value) for p in run_import("referrals", path).problems] == [
        ("R-H04", 2, "s…y")  # a column outside the dataset: its value is masked
    ]


def test_it_reports_values_beyond_the_last_named_column(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "referral_id,child_id,referral_date\nR1,C1,2024-01-01,,extra\nR2,C1,2024-01-01,\n"
    )
    [problem] = run_import("referrals", path).problems
    assert (problem.rule, problem.row, problem.value) == ("R-H04", 2, "e…a")
    assert "column 5" in problem.message


def test_it_ignores_a_column_without_a_name_that_holds_nothing(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        ["referral_id", "child_id", "referral_date", ""],
        [["R1", "C1", "2024-01-01", ""]],
    )
    assert run_import("referrals", path).accepted


# --- file rules ----------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"",  # nothing at all
        codecs.BOM_UTF8,  # only a byte order mark
        b"\r\n\r\n,,\r\n",  # only blank lines and empty cells
    ],
)
def test_it_rejects_an_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    outcome = run_import("referrals", path)
    assert rules_of(outcome) == ["R-F01"]
    assert outcome.batch.status == ImportBatch.Status.REJECTED


def test_it_rejects_a_workbook_whose_sheet_is_empty(tmp_path: Path) -> None:
    import openpyxl

    openpyxl.Workbook().save(tmp_path / "empty.xlsx")
    [problem] = run_import("referrals", tmp_path / "empty.xlsx").problems
    assert (problem.rule, problem.sheet) == ("R-F01", "Sheet")


def test_a_header_only_workbook_is_accepted_with_no_rows(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", ["referral_id", "child_id", "referral_date"], [])
    outcome = run_import("referrals", path)
    assert (outcome.accepted, outcome.batch.rows_read) == (True, 0)


def test_it_rejects_a_csv_file_that_is_not_utf8_naming_the_row(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        b"referral_id,child_id,referral_date\nR1,C1,2024-01-01\nR2,Ren\xe9e,2024-01-01\n"
    )
    [problem] = run_import("referrals", path).problems
    assert problem.rule == "R-F02"
    assert "not UTF-8" in problem.message


def test_it_rejects_a_utf16_csv_file_saying_how_to_save_it(tmp_path: Path) -> None:
    path = tmp_path / "utf16.csv"
    path.write_bytes("referral_id,child_id,referral_date\n".encode("utf-16"))
    [problem] = run_import("referrals", path).problems
    assert (problem.rule, "CSV UTF-8" in problem.message) == ("R-F02", True)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.xlsx", b"this is not a zip file"),  # a damaged workbook
        ("quote.csv", b'referral_id,child_id,referral_date\nR1,"C1"x,2024-01-01\n'),  # bad quoting
        ("nul.csv", b"referral_id,child_id,referral_date\nR1,C\x001,2024-01-01\n"),  # a NUL byte
    ],
)
def test_it_rejects_an_unreadable_file(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert rules_of(run_import("referrals", path)) == ["R-F02"]


def test_it_rejects_a_file_that_does_not_exist(tmp_path: Path) -> None:
    assert rules_of(run_import("referrals", tmp_path / "missing.csv")) == ["R-F02"]


def test_it_rejects_a_sheet_that_is_not_in_the_workbook(xlsx_file: Callable[..., Path]) -> None:
    path = xlsx_file([REFERRAL], sheet="Referrals")
    [problem] = run_import("referrals", path, sheet="Refferals").problems
    assert problem.rule == "R-F03"
    assert "did you mean `Referrals`?" in problem.message


def test_it_rejects_a_sheet_named_for_a_csv_file(csv_file: Callable[..., Path]) -> None:
    assert rules_of(run_import("referrals", csv_file([REFERRAL]), sheet="x")) == ["R-F03"]


def test_it_rejects_a_file_that_is_neither_csv_nor_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "referrals.xls"
    path.write_bytes(b"old excel")
    assert rules_of(run_import("referrals", path)) == ["R-F04"]


def test_it_lists_a_bounded_number_of_problems_and_counts_the_rest(
    csv_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "MAX_PROBLEMS", 3)
    records = [referral(referral_id=f"R{i}", referral_date="x") for i in range(5)]
    outcome = run_import("referrals", csv_file(records))
    assert rules_of(outcome) == ["R-V02", "R-V02", "R-V02", "R-F05"]
    assert "2 further problems" in outcome.problems[-1].message


# --- option rules --------------------------------------------------------------


def test_it_rejects_an_unknown_dataset_with_the_closest_name(csv_file: Callable[..., Path]) -> None:
    [problem] = run_import("referals", csv_file([REFERRAL])).problems
    assert (problem.rule, "did you mean `referrals`?" in problem.message) == ("R-O01", True)


@pytest.mark.parametrize("dataset", ["cases", "cp_plans", "care_periods"])
def test_it_requires_a_window_for_cases_plans_and_care_periods(
    csv_file: Callable[..., Path], dataset: str
) -> None:
    assert rules_of(run_import(dataset, csv_file([GOOD_ROWS[dataset]]))) == ["R-O02"]


@pytest.mark.parametrize(
    "text",
    [
        "2024-04-01",  # no end
        "2024-04-01:2025-03-31:2026-01-01",  # too many parts
        "01/04/2024:31/03/2025",  # not ISO dates
        "2025-03-31:2024-04-01",  # ends before it starts
        "2024-02-30:2024-03-31",  # no 30 February
    ],
)
def test_it_rejects_a_malformed_window(text: str) -> None:
    with pytest.raises(InvalidCovers, match="R-O03"):
        parse_covers(text)


def test_it_reads_a_window_with_spaces_around_its_dates() -> None:
    from datetime import date

    assert parse_covers(" 2024-04-01 : 2025-03-31 ") == (date(2024, 4, 1), date(2025, 3, 31))


def test_it_rejects_a_reversed_window_given_directly(csv_file: Callable[..., Path]) -> None:
    from datetime import date

    outcome = run_import(
        "referrals", csv_file([REFERRAL]), covers=(date(2025, 1, 1), date(2024, 1, 1))
    )
    assert rules_of(outcome) == ["R-O03"]


@pytest.mark.parametrize("dataset", ["children", "population"])
def test_it_rejects_a_window_for_children_and_population(
    csv_file: Callable[..., Path], dataset: str
) -> None:
    from datetime import date

    outcome = run_import(
        dataset, csv_file([GOOD_ROWS[dataset]]), covers=(date(2024, 1, 1), date(2024, 12, 31))
    )
    assert rules_of(outcome) == ["R-O04"]


@pytest.mark.parametrize("source", ["police force", "x" * 65, "police/north"])
def test_it_rejects_a_malformed_source_name(csv_file: Callable[..., Path], source: str) -> None:
    assert rules_of(run_import("referrals", csv_file([REFERRAL]), source=source)) == ["R-O05"]

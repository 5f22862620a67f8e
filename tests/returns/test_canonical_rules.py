"""The adapters' rows go through the canonical rule book, which names the return's own place.

This is the recipe the importer follows: validate each `CanonicalRow` with the
row validator of its dataset and report a problem at ``row.location`` with
``row.location.field(column)`` and the canonical rule id.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from safeplan.datasets.schema import DATASETS
from safeplan.imports.validation import RowValidator, Where, check_header
from safeplan.returns import ConvertedReturn, read_return
from tests.returns.builders import (
    COMMON,
    EPISODES,
    HEADER,
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


def canonical_problems(converted: ConvertedReturn) -> list[tuple[str, str | None, str | None, str]]:
    """(place in the return, the return's field, value, canonical rule) for every row problem."""
    found = []
    for name, dataset in converted.datasets.items():
        schema = DATASETS[name]
        layout, header_problems = check_header(
            schema, schema.column_names, ignore_unknown=False, where=Where("", "")
        )
        assert header_problems == []
        validator = RowValidator(schema, layout, where=Where("", ""))
        for number, row in enumerate(dataset.rows, start=1):
            _, problems = validator.validate(number, row.cells(schema.column_names))
            found += [
                (str(row.location), row.location.field(p.column), p.value, p.rule) for p in problems
            ]
    return found


def test_a_good_return_of_each_kind_passes_every_canonical_rule(
    write: Write, tmp_path: Path
) -> None:
    cin = census(
        2020,
        child(
            "C1",
            details(
                "2019-06-01",
                closure="2019-12-01",
                parts=[assessment("2019-06-02", authorised="2019-07-01", factors=["16A"])],
                plans=[plan("2019-07-01", end="2019-11-01", reviews=["2019-10-01"])],
            ),
        ),
    )
    tables = [
        write_table(
            tmp_path / "h.csv",
            HEADER,
            [{"CHILD": "1", "SEX": "2", "DOB": "01/01/2010", "ETHNIC": "WBRI"}],
        ),
        write_table(
            tmp_path / "e.csv", EPISODES, [episode("1", "01/05/2018", "S", "02/06/2018", "E11")]
        ),
    ]
    annex = annex_workbook(
        tmp_path / "a.xlsx",
        {
            "3": (
                [*COMMON, "Date of Referral", "Referral Source"],
                [["C1", "b) Female", "a) WBRI", None, 9, "01/12/2019", "q) 6: Police"]],
            )
        },
    )
    for converted in (
        read_return("cin", [write("cin.xml", cin)]),
        read_return("ssda903", tables, covers=(date(2018, 4, 1), date(2019, 3, 31))),
        read_return("annex_a", [annex], covers=(date(2019, 10, 1), date(2020, 3, 31))),
    ):
        assert converted.accepted, converted.problems
        assert canonical_problems(converted) == []
        for name, dataset in converted.datasets.items():
            for row in dataset.rows:
                assert tuple(row.values) == DATASETS[name].column_names


def test_a_bad_value_is_named_by_the_returns_place_and_the_canonical_rule(write: Write) -> None:
    text = census(
        2020,
        child(
            "C1",
            details("2019-02-30", source="99", plans=[plan("2019-07-01", end="2019-06-01")]),
            ethnicity="XXXX",
        ),
    )
    found = canonical_problems(read_return("cin", [write("cin.xml", text)]))
    child_at = "cin.xml: Message/Children/Child[1] (child C1)"
    details_at = "cin.xml: Message/Children/Child[1]/CINdetails[1] (child C1)"
    assert (child_at, "Ethnicity", "XXXX", "R-V05") in found
    assert (details_at, "CINreferralDate", "2019-02-30", "R-V02") in found
    assert (details_at, "ReferralSource", "99", "R-V05") in found
    plan_at = "cin.xml: Message/Children/Child[1]/CINdetails[1]/ChildProtectionPlans[1] (child C1)"
    assert (plan_at, "CPPendDate", "2019-06-01", "R-C01") in found


def test_an_annex_a_problem_names_its_sheet_row_and_column(tmp_path: Path) -> None:
    path = annex_workbook(
        tmp_path / "a.xlsx",
        {
            "Plans": (
                [*COMMON, "Child Protection Plan Start Date", "Initial Category of Abuse"],
                [["C1", "M", "WBRI", None, 9, "03/12/2019", "Historic"]],
            )
        },
    )
    converted = read_return("annex_a", [path], covers=(date(2019, 10, 1), date(2020, 3, 31)))
    assert converted.accepted
    assert canonical_problems(converted) == [
        (
            "a.xlsx: sheet “Plans”, row 2 (child C1)",
            "G “Initial Category of Abuse”",
            "Historic",
            "R-V05",
        )
    ]

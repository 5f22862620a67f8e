"""Action files: CSV and XLSX round trips, every problem listed at once, all or nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from safeplan.actions.files import COLUMNS, actions_export, actions_import
from safeplan.actions.models import Action
from safeplan.actions.services import action_snapshot
from safeplan.plans.models import Plan
from tests.actions.conftest import ActionFactory


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _write_csv(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(dict.fromkeys(k for r in rows for k in r)))
        writer.writeheader()
        writer.writerows(rows)
    return path


GOOD = {
    "intervention": "Prevent CSE",  # a name is read as its key
    "title": "Run awareness sessions",
    "description": "",
    "owner": "CSE lead",
    "agency": "Police",
    "themes": "Knowledge Management; practice-standards",
    "start_date": "01/04/2024",
    "due_date": "2025-03-31",
    "percent_complete": "10",
    "status": "In progress",
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imported_again_changes_nothing(
    make_action: ActionFactory, tmp_path: Path, fmt: str
) -> None:
    first = make_action(description="line one\nline two, with a comma")
    second = make_action(title="Second", themes=(), agency="")
    before = [action_snapshot(a) for a in (first, second)]
    path = tmp_path / f"actions.{fmt}"
    path.write_bytes(actions_export(fmt))
    outcome = actions_import(path=path, by=None)
    assert (outcome.problems, outcome.created, outcome.updated) == ([], 0, 2)
    assert [action_snapshot(a) for a in Action.objects.order_by("id")] == before


def test_the_export_has_the_documented_columns(make_action: ActionFactory) -> None:
    make_action()
    (row,) = _csv_rows(actions_export("csv"))
    assert tuple(row) == COLUMNS
    assert row["themes"] == "knowledge-management"


def test_an_xlsx_export_has_one_sheet_named_actions(make_action: ActionFactory) -> None:
    make_action()
    workbook = openpyxl.load_workbook(io.BytesIO(actions_export("xlsx")))
    assert workbook.sheetnames == ["actions"]


def test_rows_without_an_id_add_actions_read_by_name_or_key(plan: Plan, tmp_path: Path) -> None:
    outcome = actions_import(path=_write_csv(tmp_path / "a.csv", [GOOD]), by=None)
    assert (outcome.problems, outcome.created) == ([], 1)
    action = Action.objects.get()
    assert (action.intervention_key, action.themes) == (
        "prevent-cse",
        ["knowledge-management", "practice-standards"],
    )


def test_every_problem_in_a_file_is_listed_with_row_column_and_value_and_nothing_is_written(
    plan: Plan, tmp_path: Path
) -> None:
    rows: list[dict[str, object]] = [
        GOOD,
        {**GOOD, "start_date": "31/02/2024"},  # row 3: not a date
        {**GOOD, "title": "", "percent_complete": "ten"},  # row 4: two problems
        {**GOOD, "intervention": "Nothing like it", "status": "done"},  # row 5: two more
        {**GOOD, "id": "999"},  # row 6: no such action
    ]
    outcome = actions_import(path=_write_csv(tmp_path / "a.csv", rows), by=None)
    found = [(p.row, p.column, p.value, p.rule) for p in outcome.problems]
    assert found == [
        (3, "start_date", "31/02/2024", "A-V01"),
        (4, "percent_complete", "ten", "A-V01"),
        (4, "title", "", "A-V02"),
        (5, "intervention", "Nothing like it", "A-V02"),
        (5, "status", "done", "A-V02"),
        (6, "id", "999", "A-V03"),
    ]
    assert not Action.objects.exists()  # the good first row was not written either


def test_a_file_missing_required_columns_is_reported_by_its_header(
    plan: Plan, tmp_path: Path
) -> None:
    path = _write_csv(tmp_path / "a.csv", [{"title": "x", "colour": "red"}])
    outcome = actions_import(path=path, by=None)
    assert {(p.column, p.rule) for p in outcome.problems} == {
        ("intervention", "A-H01"), ("owner", "A-H01"), ("start_date", "A-H01"),
        ("due_date", "A-H01"), ("status", "A-H01"), ("colour", "A-H02"),
    }  # fmt: skip


def test_a_file_that_is_not_csv_or_xlsx_is_refused(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "actions.txt"
    path.write_text("hello")
    (problem,) = actions_import(path=path, by=None).problems
    assert problem.rule == "A-F01"


def test_the_same_id_twice_in_a_file_is_a_problem(
    make_action: ActionFactory, tmp_path: Path
) -> None:
    action = make_action()
    rows: list[dict[str, object]] = [{**GOOD, "id": action.pk}, {**GOOD, "id": action.pk}]
    outcome = actions_import(path=_write_csv(tmp_path / "a.csv", rows), by=None)
    assert [(p.row, p.message) for p in outcome.problems] == [
        (3, "appears more than once in the file")
    ]

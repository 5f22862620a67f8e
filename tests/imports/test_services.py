"""Importing whole files: every dataset, atomicity, versions, sources, coverage and pseudonyms."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from safeplan.datasets.schema import DATASETS
from safeplan.imports import services
from safeplan.imports.services import import_file
from safeplan.records.models import RECORD_MODELS, ImportBatch
from tests.imports.conftest import (
    COVERS_REQUIRED,
    GOOD_ROWS,
    rules_of,
    run_import,
    write_csv,
    write_xlsx,
)

pytestmark = pytest.mark.django_db

YEAR = (date(2024, 4, 1), date(2025, 3, 31))
Referral = RECORD_MODELS["referrals"]
Episode = RECORD_MODELS["missing_episodes"]


def options_for(dataset: str) -> dict[str, Any]:
    return {"covers": YEAR} if dataset in COVERS_REQUIRED else {}


def referral(referral_id: str, when: str = "2024-05-01", **more: str) -> dict[str, str]:
    return {"referral_id": referral_id, "child_id": "C1", "referral_date": when, **more}


def current(model: Any) -> dict[str, Any]:
    return {r.record_id: r for r in model.objects.filter(is_current=True)}


# --- every dataset -------------------------------------------------------------


@pytest.mark.parametrize("dataset", list(DATASETS))
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_every_dataset_accepts_a_good_file(
    csv_file: Callable[..., Path], xlsx_file: Callable[..., Path], dataset: str, kind: str
) -> None:
    path = (csv_file if kind == "csv" else xlsx_file)([GOOD_ROWS[dataset]])
    outcome = run_import(dataset, path, **options_for(dataset))
    assert outcome.accepted, [str(p) for p in outcome.problems]
    assert outcome.batch.status == ImportBatch.Status.ACCEPTED
    assert (outcome.batch.rows_read, outcome.batch.records_stored) == (1, 1)
    record = RECORD_MODELS[dataset].objects.get()
    assert (record.is_current, record.batch_id, record.row_number) == (True, outcome.batch.pk, 2)


def test_it_stores_values_in_their_canonical_form(csv_file: Callable[..., Path]) -> None:
    run_import("assessments", csv_file([GOOD_ROWS["assessments"]]))
    run_import("case_audits", csv_file([GOOD_ROWS["case_audits"]]))
    run_import("children", csv_file([GOOD_ROWS["children"]]))
    assert RECORD_MODELS["assessments"].objects.get().factors == "11A;16A"
    audit = RECORD_MODELS["case_audits"].objects.get()
    assert (audit.lived_experience, audit.voice_of_child) == ("good", "inadequate")
    child = RECORD_MODELS["children"].objects.get()
    assert (child.sex, child.ethnicity, child.disability) == ("F", "WBRI", True)
    assert child.date_of_birth == date(2015, 6, 1)  # truncated to the month


def test_it_keys_population_by_year_and_locality(csv_file: Callable[..., Path]) -> None:
    rows = [
        {"year": "2024", "locality": "", "population_0_17": "100000"},
        {"year": "2024.0", "locality": "North", "population_0_17": "40000"},
    ]
    assert run_import("population", csv_file(rows)).accepted
    assert set(current(RECORD_MODELS["population"])) == {"2024:", "2024:North"}


# --- one pass, atomic ----------------------------------------------------------


def test_it_reports_every_problem_of_a_file_in_one_pass(csv_file: Callable[..., Path]) -> None:
    rows = [
        referral("R1"),
        referral("R2", when="31/02/2018"),
        referral("R3", nfa="maybe", cse_risk="extreme"),
        referral("R4"),
        referral("", when="2024-13-01"),
        referral("R1"),
    ]
    outcome = run_import("referrals", csv_file(rows))
    assert [(p.row, p.column, p.rule) for p in outcome.problems] == [
        (3, "referral_date", "R-V02"),
        (4, "nfa", "R-V04"),  # in the file's column order
        (4, "cse_risk", "R-V05"),
        (6, "referral_id", "R-V01"),
        (6, "referral_date", "R-V02"),
        (7, "referral_id", "R-C02"),
    ]


def test_nothing_from_a_rejected_file_is_stored(
    csv_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "CHUNK_ROWS", 50)  # the bad row comes after chunks written
    run_import("referrals", csv_file([referral("R1"), referral("R2")], name="first.csv"))
    columns = ("id", "record_id", "is_current", "batch_id", "superseded_by_id")
    before = list(Referral.objects.values_list(*columns))
    rows = [referral(f"R{i}") for i in range(120)] + [referral("X", when="never")]
    outcome = run_import("referrals", csv_file(rows, name="second.csv"))
    assert not outcome.accepted
    assert list(Referral.objects.values_list(*columns)) == before
    rejected = ImportBatch.objects.get(file_name="second.csv")
    assert (rejected.status, rejected.rows_read, rejected.records_stored) == ("rejected", 121, 0)
    assert (rejected.errors[0]["rule"], rejected.errors[0]["row"]) == ("R-V02", 122)


def test_an_accepted_file_records_its_provenance(csv_file: Callable[..., Path]) -> None:
    path = csv_file([referral("R1", "2024-05-01"), referral("R2", "2024-06-30")], name="refs.csv")
    batch = import_file(dataset="referrals", path=path, submitted_by="ann", source="mash").batch
    assert batch.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (batch.file_name, batch.submitted_by, batch.source, batch.dataset) == (
        "refs.csv",
        "ann",
        "mash",
        "referrals",
    )
    assert (batch.covers_from, batch.covers_to, batch.covers_stated) == (
        date(2024, 5, 1),
        date(2024, 6, 30),
        False,
    )
    assert batch.finished_at is not None
    assert not batch.pseudonymised


def test_an_unwindowed_dataset_has_no_window(csv_file: Callable[..., Path]) -> None:
    batch = run_import("children", csv_file([GOOD_ROWS["children"]])).batch
    assert (batch.covers_from, batch.covers_to) == (None, None)


def test_a_header_only_file_is_accepted_with_no_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", ["referral_id", "child_id", "referral_date"], [])
    outcome = run_import("referrals", path)
    assert outcome.accepted
    assert (outcome.batch.rows_read, outcome.batch.records_stored, outcome.batch.covers_from) == (
        0,
        0,
        None,
    )


def test_it_reports_progress_as_rows_are_read(
    csv_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "CHUNK_ROWS", 50)
    seen: list[int] = []
    run_import("referrals", csv_file([referral(f"R{i}") for i in range(101)]), progress=seen.append)
    assert seen == [50, 100, 101]


def test_the_importer_leaves_nothing_to_run_after_its_commit(
    csv_file: Callable[..., Path], django_capture_on_commit_callbacks: Any
) -> None:
    # The measures are recomputed by the caller (the command line, a task), not by a hook.
    with django_capture_on_commit_callbacks() as callbacks:
        run_import("referrals", csv_file([referral("R1")]))
        run_import("referrals", csv_file([referral("")], name="bad.csv"))
    assert callbacks == []


# --- versions and supersession -------------------------------------------------


def test_reimporting_a_record_replaces_it_and_keeps_the_earlier_version(
    csv_file: Callable[..., Path],
) -> None:
    first = run_import("referrals", csv_file([referral("R1"), referral("R2")], name="a.csv")).batch
    second = run_import(
        "referrals", csv_file([referral("R2", nfa="Y"), referral("R3")], name="b.csv")
    ).batch
    assert set(current(Referral)) == {"R1", "R2", "R3"}
    assert current(Referral)["R2"].nfa is True
    old = Referral.objects.get(record_id="R2", is_current=False)
    assert (old.batch_id, old.superseded_by_id) == (first.pk, second.pk)
    assert Referral.objects.count() == 4  # every version kept
    assert second.records_superseded == 1


def test_children_are_upserted_by_child_id(csv_file: Callable[..., Path]) -> None:
    run_import(
        "children", csv_file([{"child_id": "C1", "sex": "M"}, {"child_id": "C2"}], name="a.csv")
    )
    run_import("children", csv_file([{"child_id": "C1", "sex": "F"}], name="b.csv"))
    children = current(RECORD_MODELS["children"])
    assert (set(children), children["C1"].sex) == ({"C1", "C2"}, "F")


def test_a_resubmission_with_a_window_supersedes_what_it_no_longer_holds(
    csv_file: Callable[..., Path],
) -> None:
    january = (date(2024, 1, 1), date(2024, 1, 31))
    first = [
        {"episode_id": "E1", "child_id": "C1", "missing_start": "2024-01-05 10:00"},
        {
            "episode_id": "E2",
            "child_id": "C2",
            "missing_start": "2024-01-31 23:30",
        },  # late on the last day
        {
            "episode_id": "E3",
            "child_id": "C3",
            "missing_start": "2024-02-01 00:10",
        },  # after the window
    ]
    run_import("missing_episodes", csv_file(first, name="p1.csv"), source="police")
    resubmitted = [
        {"episode_id": "E1", "child_id": "C1", "missing_start": "2024-01-05 11:00"},
        {
            "episode_id": "E0",
            "child_id": "C9",
            "missing_start": "2023-12-20 08:00",
        },  # before the window
    ]
    batch = run_import(
        "missing_episodes", csv_file(resubmitted, name="p2.csv"), source="police", covers=january
    ).batch
    assert set(current(Episode)) == {"E0", "E1", "E3"}
    assert Episode.objects.get(record_id="E2").superseded_by_id == batch.pk
    assert batch.records_superseded == 2  # E1 replaced, E2 no longer held
    assert (batch.covers_from, batch.covers_to, batch.covers_stated) == (*january, True)


def test_sources_of_one_dataset_are_kept_apart(csv_file: Callable[..., Path]) -> None:
    january = (date(2024, 1, 1), date(2024, 1, 31))
    police = [{"episode_id": "P1", "child_id": "C1", "missing_start": "2024-01-05"}]
    care = [{"episode_id": "S1", "child_id": "C2", "missing_start": "2024-01-06"}]
    run_import("missing_episodes", csv_file(police, name="p.csv"), source="police", covers=january)
    run_import("missing_episodes", csv_file(care, name="s.csv"), source="ssda903", covers=january)
    run_import("missing_episodes", csv_file(care, name="s2.csv"), source="ssda903", covers=january)
    assert set(current(Episode)) == {"P1", "S1"}
    assert {b.source for b in ImportBatch.objects.all()} == {"police", "ssda903"}


def test_without_a_window_an_import_only_adds_and_updates(csv_file: Callable[..., Path]) -> None:
    run_import("referrals", csv_file([referral("R1"), referral("R2")], name="a.csv"))
    run_import("referrals", csv_file([referral("R3")], name="b.csv"))
    assert set(current(Referral)) == {"R1", "R2", "R3"}


def test_referrals_supersede_by_the_import_source_not_the_referral_source_code(
    csv_file: Callable[..., Path],
) -> None:
    run_import(
        "referrals",
        csv_file([referral("R1", source="1A"), referral("R2", source="3B")], name="a.csv"),
    )
    run_import("referrals", csv_file([referral("R3", source="1A")], name="b.csv"), covers=YEAR)
    assert set(current(Referral)) == {"R3"}
    run_import("referrals", csv_file([referral("X1")], name="c.csv"), source="other", covers=YEAR)
    assert set(current(Referral)) == {"R3", "X1"}


# --- values from real files ----------------------------------------------------


def test_it_reads_excel_mangled_ids_and_keeps_leading_zeros(tmp_path: Path) -> None:
    csv_path = write_csv(
        tmp_path / "r.csv",
        ["referral_id", "child_id", "referral_date"],
        [["1234.0", "007", "2024-05-01"]],
    )
    xlsx_path = write_xlsx(
        tmp_path / "r.xlsx",
        ["referral_id", "child_id", "referral_date"],
        [[1235.0, 1236, "2024-05-01"]],
    )
    assert run_import("referrals", csv_path).accepted
    assert run_import("referrals", xlsx_path).accepted
    assert set(Referral.objects.values_list("record_id", "child_id")) == {
        ("1234", "007"),
        ("1235", "1236"),
    }


def test_it_reads_uk_dates_day_first(csv_file: Callable[..., Path]) -> None:
    run_import("referrals", csv_file([referral("R1", when="05/11/2024")]))
    assert Referral.objects.get().referral_date == date(2024, 11, 5)


def test_it_reads_a_csv_file_with_a_byte_order_mark(csv_file: Callable[..., Path]) -> None:
    assert run_import("referrals", csv_file([referral("R1")], bom=True)).accepted


def test_it_skips_blank_rows_and_keeps_the_row_numbers_the_user_sees(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "referral_id,child_id,referral_date\r\nR1,C1,2024-05-01\r\n,,\r\n\r\nR2,C1,bad\r\n,,\r\n\r\n\r\n",
        encoding="utf-8",
    )
    [problem] = run_import("referrals", path).problems
    assert problem.row == 5


def test_it_skips_blank_trailing_rows_of_a_workbook(tmp_path: Path) -> None:
    rows = [["R1", "C1", "2024-05-01"], [None, None, None], ["", " ", None]]
    path = write_xlsx(tmp_path / "r.xlsx", ["referral_id", "child_id", "referral_date"], rows)
    assert run_import("referrals", path).batch.rows_read == 1


def test_it_reads_date_and_date_time_cells_of_a_workbook(tmp_path: Path) -> None:
    header = ["episode_id", "child_id", "missing_start", "missing_end"]
    path = write_xlsx(
        tmp_path / "m.xlsx", header, [["E1", "C1", datetime(2024, 7, 1, 23, 30), date(2024, 7, 2)]]
    )
    assert run_import("missing_episodes", path).accepted
    episode = Episode.objects.get()
    assert episode.missing_start == datetime(2024, 7, 1, 23, 30)
    assert episode.missing_end == datetime(2024, 7, 2)


def test_it_reads_the_sheet_named_like_the_dataset_by_default(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["nothing to see"])
    sheet = workbook.create_sheet("Referrals")
    sheet.append(["referral_id", "child_id", "referral_date"])
    sheet.append(["R1", "C1", date(2024, 5, 1)])
    workbook.save(tmp_path / "book.xlsx")
    outcome = run_import("referrals", tmp_path / "book.xlsx")
    assert (outcome.accepted, outcome.batch.sheet) == (True, "Referrals")


def test_a_problem_in_a_workbook_names_the_file_and_sheet(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        ["referral_id", "child_id", "referral_date"],
        [["R1", "C1", "x"]],
        sheet="Data",
    )
    [problem] = run_import("referrals", path, sheet="data").problems
    assert (problem.file, problem.sheet, problem.row) == ("r.xlsx", "Data", 2)
    assert (
        problem.located()
        == 'r.xlsx [Data]: row 2, referral_date: "x" is not a date; write YYYY-MM-DD or DD/MM/YYYY (R-V02)'
    )


@pytest.mark.parametrize(
    "written",
    [
        "2024-07-01 23:30",  # summer (BST)
        "2024-01-15 23:30",  # winter (GMT)
        "2024-10-27 00:30",  # the night the clocks go back, before the repeated hour
        "2024-10-27 01:30",  # the repeated hour: happened twice (ADR 0015)
        "2025-03-30 01:19",  # the skipped hour: never happened (ADR 0015)
    ],
)
def test_a_local_clock_time_reads_back_exactly_as_written(
    csv_file: Callable[..., Path], written: str
) -> None:
    run_import(
        "missing_episodes",
        csv_file([{"episode_id": "E1", "child_id": "C1", "missing_start": written}]),
    )
    stored = Episode.objects.get().missing_start
    assert stored == datetime.fromisoformat(written)  # naive: the clock digits, never converted
    assert stored.tzinfo is None


# --- pseudonymisation ------------------------------------------------------------


@override_settings(PSEUDONYMISE_KEY="county-secret")
def test_child_and_learner_ids_are_replaced_by_a_keyed_hash(csv_file: Callable[..., Path]) -> None:
    expected = hmac.new(b"county-secret", b"C1", hashlib.sha256).hexdigest()
    first = run_import("referrals", csv_file([referral("R1")], name="a.csv")).batch
    run_import("referrals", csv_file([referral("R2")], name="b.csv"))
    run_import("elearning_completions", csv_file([GOOD_ROWS["elearning_completions"]]))
    run_import("children", csv_file([{"child_id": " C1 "}]))
    assert set(Referral.objects.values_list("child_id", flat=True)) == {expected}  # deterministic
    assert (
        RECORD_MODELS["elearning_completions"].objects.get().learner_id
        == hmac.new(b"county-secret", b"L1", hashlib.sha256).hexdigest()
    )
    assert set(current(RECORD_MODELS["children"])) == {expected}
    assert first.pseudonymised
    assert Referral.objects.filter(record_id="R1").exists()  # other ids are kept


@override_settings(PSEUDONYMISE_KEY="county-secret")
def test_an_empty_optional_child_id_stays_empty_when_pseudonymising(
    csv_file: Callable[..., Path],
) -> None:
    run_import("challenges", csv_file([{**GOOD_ROWS["challenges"], "child_id": ""}]))
    assert RECORD_MODELS["challenges"].objects.get().child_id is None


def test_an_unknown_dataset_is_recorded_as_a_rejected_batch(csv_file: Callable[..., Path]) -> None:
    outcome = run_import("nonsense", csv_file([referral("R1")]))
    assert rules_of(outcome) == ["R-O01"]
    assert ImportBatch.objects.get().status == ImportBatch.Status.REJECTED


def test_an_upload_stored_under_another_name_is_read_by_its_own_name(
    csv_file: Callable[..., Path],
) -> None:
    stored = csv_file([referral("R1")], name="upload-7f3a.tmp")
    outcome = import_file(
        dataset="referrals", path=stored, submitted_by="ann", file_name="Referrals Q1.csv"
    )
    assert (outcome.accepted, outcome.batch.file_name) == (True, "Referrals Q1.csv")

"""A record is (dataset, source, record id): one agency's upload never replaces another's (ADR 0014)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from safeplan.engine.measures import compute_measure, measure_records
from safeplan.imports.withdraw import batch_withdraw
from safeplan.measures.frames import dataset_frame
from safeplan.measures.selectors import measure_inputs, result_records
from safeplan.records.models import RECORD_MODELS, ImportBatch
from tests.imports.conftest import run_import

pytestmark = pytest.mark.django_db

CsvFile = Callable[..., Path]
Challenges = RECORD_MODELS["challenges"]
CarePeriods = RECORD_MODELS["care_periods"]
Children = RECORD_MODELS["children"]
JUNE = (date(2024, 6, 1), date(2024, 6, 30))


def challenge(challenge_id: str, raised: str = "2024-06-03", **more: str) -> dict[str, str]:
    return {"challenge_id": challenge_id, "raised_date": raised, "raised_by_agency": "x", **more}


def send(csv_file: CsvFile, source: str, rows: list[dict[str, str]], **options: Any) -> Any:
    """Import `rows` as `source` sends them; the batch (asserted accepted)."""
    dataset = options.pop("dataset", "challenges")
    name = f"{source}-{ImportBatch.objects.count()}.csv"
    outcome = run_import(dataset, csv_file(rows, name=name), source=source, **options)
    assert outcome.accepted, [str(p) for p in outcome.problems]
    return outcome


def current(model: Any = Challenges) -> set[tuple[str, str]]:
    """(source, record id) of every current record."""
    return set(model.objects.filter(is_current=True).values_list("import_source", "record_id"))


def test_two_agencies_records_with_one_id_are_both_current(csv_file: CsvFile) -> None:
    send(csv_file, "health", [challenge("CH-1001", raised_by_agency="Health")])
    police = send(csv_file, "police", [challenge("CH-1001", raised_by_agency="Police")]).batch
    assert current() == {("health", "CH-1001"), ("police", "CH-1001")}
    assert police.records_superseded == 0
    assert Challenges.objects.filter(superseded_by__isnull=False).count() == 0


def test_a_source_replaces_only_its_own_version_of_an_id(csv_file: CsvFile) -> None:
    health = send(csv_file, "health", [challenge("CH-1001", stage="1")]).batch
    send(csv_file, "police", [challenge("CH-1001", stage="2")])
    again = send(csv_file, "health", [challenge("CH-1001", stage="3")]).batch
    assert again.records_superseded == 1
    stages = dict(Challenges.objects.filter(is_current=True).values_list("import_source", "stage"))
    assert stages == {"health": 3, "police": 2}
    old = Challenges.objects.get(batch=health)
    assert (old.is_current, old.superseded_by_id) == (False, again.pk)


def test_a_window_from_one_source_never_supersedes_another_sources_records(
    csv_file: CsvFile,
) -> None:
    send(csv_file, "health", [challenge("H1"), challenge("CH-1001")])
    send(csv_file, "police", [challenge("P1"), challenge("P2")])
    # police resubmit June holding P1 and their own CH-1001: their P2 goes,
    # health's June stays, CH-1001 included
    resubmission = send(csv_file, "police", [challenge("P1"), challenge("CH-1001")], covers=JUNE)
    assert current() == {
        ("health", "H1"),
        ("health", "CH-1001"),
        ("police", "P1"),
        ("police", "CH-1001"),
    }
    assert resubmission.batch.records_superseded == 2  # P1 replaced, P2 no longer held


def test_a_required_window_covers_only_its_own_source(csv_file: CsvFile) -> None:
    year = (date(2024, 4, 1), date(2025, 3, 31))
    period = {"child_id": "C1", "start_date": "2024-05-01"}
    send(csv_file, "ssda903", [{"period_id": "L1", **period}], dataset="care_periods", covers=year)
    send(csv_file, "health", [{"period_id": "L1", **period}], dataset="care_periods", covers=year)
    send(csv_file, "health", [{"period_id": "L2", **period}], dataset="care_periods", covers=year)
    assert current(CarePeriods) == {("ssda903", "L1"), ("health", "L2")}


def test_withdrawing_a_batch_restores_its_own_sources_versions_only(csv_file: CsvFile) -> None:
    send(csv_file, "health", [challenge("CH-1001", stage="1")])
    send(csv_file, "police", [challenge("CH-1001", stage="2")])
    health_again = send(csv_file, "health", [challenge("CH-1001", stage="3")]).batch

    outcome = batch_withdraw(batch=health_again, by=None)

    assert (outcome.withdrawn, outcome.restored) == (1, 1)
    stages = dict(Challenges.objects.filter(is_current=True).values_list("import_source", "stage"))
    assert stages == {"health": 1, "police": 2}


def test_withdrawing_one_sources_batch_leaves_the_others_record_current(
    csv_file: CsvFile,
) -> None:
    send(csv_file, "health", [challenge("CH-1001")])
    police = send(csv_file, "police", [challenge("CH-1001")]).batch
    outcome = batch_withdraw(batch=police, by=None)
    assert (outcome.withdrawn, outcome.restored) == (1, 0)
    assert current() == {("health", "CH-1001")}


def test_the_measures_count_every_sources_records(csv_file: CsvFile) -> None:
    send(csv_file, "health", [challenge("CH-1001"), challenge("H2")], covers=JUNE)
    send(csv_file, "police", [challenge("CH-1001")], covers=JUNE)
    row = (
        compute_measure("M12", measure_inputs(), ["2024-06"])
        .filter(breakdown="all")
        .row(0, named=True)
    )
    assert (row["value"], row["status"]) == (3.0, "ok")


def test_the_drill_down_names_each_record_by_source(csv_file: CsvFile) -> None:
    send(csv_file, "health", [challenge("CH-1001", stage="1")], covers=JUNE)
    send(csv_file, "police", [challenge("CH-1001", stage="2")], covers=JUNE)
    refs = measure_records("M12", measure_inputs(), "2024-06")["numerator"]
    assert refs == [("challenges", "health", "CH-1001"), ("challenges", "police", "CH-1001")]
    records = result_records(measure="M12", period="2024-06")["numerator"]
    assert [(r.import_source, r.stage) for r in records] == [("health", 1), ("police", 2)]


# --- children and population: one row per key for the measures ---------------------


def test_children_from_two_sources_are_both_kept_and_the_latest_is_read(
    csv_file: CsvFile,
) -> None:
    send(csv_file, "socialcare", [{"child_id": "C1", "locality": "North"}], dataset="children")
    outcome = send(
        csv_file,
        "health",
        [{"child_id": "C1", "locality": "South"}, {"child_id": "C2"}],
        dataset="children",
    )
    assert current(Children) == {("socialcare", "C1"), ("health", "C1"), ("health", "C2")}
    frame = dataset_frame("children").sort("child_id")
    assert frame.select("child_id", "locality", "_source").rows() == [
        ("C1", "South", "health"),
        ("C2", None, "health"),
    ]
    [warning] = outcome.warnings
    assert warning.rule == "R-W04"
    assert "1 of this file's children are also held by socialcare" in warning.message


def test_population_from_two_sources_gives_the_measures_one_figure(csv_file: CsvFile) -> None:
    send(csv_file, "ons", [{"year": "2024", "population_0_17": "1000"}], dataset="population")
    send(csv_file, "council", [{"year": "2024", "population_0_17": "1200"}], dataset="population")
    frame = dataset_frame("population")
    assert frame.select("year", "population_0_17", "_source").rows() == [(2024, 1200, "council")]


# --- the same event under two ids: a warning, never an overwrite --------------------


def test_the_same_child_event_from_another_source_is_a_warning(csv_file: CsvFile) -> None:
    episode = {"child_id": "C7", "missing_start": "2024-06-03 22:00"}
    send(csv_file, "police", [{"episode_id": "P-1", **episode}], dataset="missing_episodes")
    outcome = send(
        csv_file,
        "ssda903",
        [
            {"episode_id": "E1", "child_id": "C8", "missing_start": "2024-06-03 22:00"},
            {"episode_id": "LA-77", "child_id": "C7", "missing_start": "2024-06-03 23:15"},
        ],
        dataset="missing_episodes",
    )
    [warning] = outcome.warnings
    assert (warning.rule, warning.row, warning.column) == (
        "R-W03",
        3,
        "child_id, missing_start",
    )
    assert "row 2 of batch" in warning.message
    assert "from police" in warning.message
    assert "P-1" not in str(warning)
    assert "C7" not in str(warning)
    assert current(RECORD_MODELS["missing_episodes"]) == {
        ("police", "P-1"),
        ("ssda903", "E1"),
        ("ssda903", "LA-77"),
    }
    assert outcome.batch.warnings == [warning.as_json()]


def test_a_sources_own_records_raise_no_cross_source_warning(csv_file: CsvFile) -> None:
    row = challenge("CH-1", child_id="C1")
    send(csv_file, "health", [row])
    assert send(csv_file, "health", [{**row, "challenge_id": "CH-2"}]).warnings == []
    assert send(csv_file, "police", [{**row, "challenge_id": "P-9"}]).warnings[0].rule == "R-W03"

"""Helpers that write real CSV and XLSX files for the importer tests."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from safeplan.imports.services import ImportOutcome, import_file

Rows = Sequence[Sequence[Any]]

# One good row for every dataset, keyed by column name (read by `good_file`).
GOOD_ROWS: dict[str, dict[str, str]] = {
    "children": {"child_id": "C1", "date_of_birth": "2015-06-17", "sex": "f", "ethnicity": "wbri", "disability": "Y"},
    "referrals": {"referral_id": "R1", "child_id": "C1", "referral_date": "01/04/2024", "source": "1a", "cse_risk": "None", "nfa": "N"},
    "assessments": {"assessment_id": "A1", "child_id": "C1", "referral_id": "R1", "start_date": "2024-04-02", "authorised_date": "2024-04-20", "factors": "11a; 16A"},
    "cases": {"case_id": "K1", "child_id": "C1", "start_date": "2024-04-01", "primary_need": "n1"},
    "cp_plans": {"plan_id": "P1", "child_id": "C1", "start_date": "2024-05-01", "end_date": "2024-09-30", "initial_category": "neg", "latest_category": "MUL"},
    "cp_conferences": {"conference_id": "F1", "child_id": "C1", "conference_date": "2024-05-01", "conference_type": "Initial", "participation": "pn1", "views_shared": "yes", "unborn": "no"},
    "missing_episodes": {"episode_id": "E1", "child_id": "C1", "missing_start": "2024-07-01 23:30", "missing_end": "2024-07-02T06:00", "episode_type": "missing", "looked_after": "1", "rhi_offered": "true", "rhi_completed_at": "03/07/2024 10:00", "rhi_declined": "0"},
    "care_periods": {"period_id": "L1", "child_id": "C1", "start_date": "2024-04-01", "iha_requested_date": "2024-04-02", "iha_completed_date": "2024-04-20"},
    "case_audits": {"audit_id": "AU1", "audit_date": "2024-06-01", "child_id": "C1", "lived_experience": "2", "voice_of_child": "Inadequate", "agency": "Police"},
    "elearning_completions": {"completion_id": "EL1", "learner_id": "L1", "completed_date": "2024-06-01", "age": "14.0", "setting": "School"},
    "challenges": {"challenge_id": "CH1", "raised_date": "2024-06-01", "raised_by_agency": "Police", "raised_with_agency": "Health", "stage": "2", "resolved_date": "2024-06-10", "outcome": "resolved"},
    "population": {"year": "2024", "population_0_17": "100000"},
}  # fmt: skip
COVERS_REQUIRED = {"cases", "cp_plans", "care_periods"}


def write_csv(path: Path, header: Sequence[str], rows: Rows, *, bom: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: Sequence[Any], rows: Rows, *, sheet: str = "Sheet1") -> Path:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(list(header))
    for row in rows:
        worksheet.append(list(row))
    workbook.save(path)
    return path


def table(records: Sequence[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Header and rows from records given by column name (columns in first-seen order)."""
    header = list(dict.fromkeys(name for record in records for name in record))
    return header, [[record.get(name, "") for name in header] for record in records]


@pytest.fixture
def csv_file(tmp_path: Path) -> Callable[..., Path]:
    """Write records (dicts by column name) to a CSV file and return its path."""

    def write(records: Sequence[dict[str, Any]], name: str = "data.csv", **kwargs: Any) -> Path:
        header, rows = table(records)
        return write_csv(tmp_path / name, header, rows, **kwargs)

    return write


@pytest.fixture
def xlsx_file(tmp_path: Path) -> Callable[..., Path]:
    """Write records (dicts by column name) to an XLSX workbook and return its path."""

    def write(records: Sequence[dict[str, Any]], name: str = "data.xlsx", **kwargs: Any) -> Path:
        header, rows = table(records)
        return write_xlsx(tmp_path / name, header, rows, **kwargs)

    return write


def run_import(dataset: str, path: Path, **options: Any) -> ImportOutcome:
    return import_file(dataset=dataset, path=path, submitted_by="tester", **options)


def rules_of(outcome: ImportOutcome) -> list[str]:
    return [problem.rule for problem in outcome.problems]

"""Clock times a clock change skips or repeats: stored as written, warned about, counted as written.

End to end, on the database the suite runs against (SQLite, or PostgreSQL with
DATABASE_URL): a real file is imported, the stored value is read back through
the ORM and with plain SQL, and M3 is computed from it (ADR 0015).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.db import connection

from safeplan.accounts.roles import Role
from safeplan.accounts.services import user_create
from safeplan.cli import main
from safeplan.engine.measures import compute_measure
from safeplan.measures.selectors import measure_inputs
from safeplan.records.models import RECORD_MODELS
from tests.imports.conftest import run_import

pytestmark = pytest.mark.django_db

Episode = RECORD_MODELS["missing_episodes"]
CsvFile = Callable[..., Path]


def _episode(episode_id: str, start: str, end: str, interview: str) -> dict[str, str]:
    return {
        "episode_id": episode_id, "child_id": "C1", "missing_start": start,
        "missing_end": end, "rhi_completed_at": interview,
    }  # fmt: skip


def _raw(record_id: str) -> tuple[str, str]:
    """missing_end and rhi_completed_at as the database holds them, read with plain SQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT missing_end, rhi_completed_at FROM records_missing_episodes "
            "WHERE record_id = %s",
            [record_id],
        )
        end, interview = cursor.fetchone()
    return str(end)[:16], str(interview)[:16]


def _m3(period: str) -> tuple[float, float, float]:
    frame = compute_measure("M3", measure_inputs(), [period]).filter(breakdown="all")
    row = frame.row(0, named=True)
    assert row["status"] == "ok"
    return row["numerator"], row["denominator"], row["value"]


def test_an_interview_in_the_spring_gap_counts_as_written(csv_file: CsvFile) -> None:
    # returned 01:29 on the 27th; interviewed at 01:19 on the 30th, in the skipped hour:
    # 71 h 50 min by the clock as written, so within 72 hours
    path = csv_file(
        [
            _episode("E1", "2025-03-26 20:00", "2025-03-27 01:29", "2025-03-30 01:19"),
            _episode("E2", "2025-03-26 20:00", "2025-03-27 01:29", "2025-03-30 02:30"),
        ]
    )
    outcome = run_import("missing_episodes", path, covers=(date(2025, 3, 1), date(2025, 3, 31)))
    assert outcome.accepted

    assert Episode.objects.get(record_id="E1").rhi_completed_at == datetime(2025, 3, 30, 1, 19)
    assert _raw("E1") == ("2025-03-27 01:29", "2025-03-30 01:19")
    assert _m3("2025-03") == (1.0, 2.0, 50.0)  # E1 in time, E2 (73 h) late

    [warning] = outcome.warnings
    assert (warning.rule, warning.row, warning.column, warning.value) == (
        "R-W01",
        2,
        "rhi_completed_at",
        "2025-03-30 01:19",
    )
    assert "does not exist in UK time" in warning.message
    assert outcome.batch.warnings == [warning.as_json()]


def test_times_in_the_autumn_overlap_are_kept_and_compared_as_written(
    csv_file: CsvFile,
) -> None:
    # ended 01:40 (the repeated hour); interviewed three days later at 01:40: exactly 72 h
    # by the clock, and also 01:10 → a minute before the repeated 01:40 counts either way
    path = csv_file(
        [
            _episode("E1", "2024-10-26 22:00", "2024-10-27 01:40", "2024-10-30 01:40"),
            _episode("E2", "2024-10-26 22:00", "2024-10-27 01:10", "2024-10-30 01:11"),
        ]
    )
    outcome = run_import("missing_episodes", path, covers=(date(2024, 10, 1), date(2024, 10, 31)))
    assert outcome.accepted
    assert _raw("E1") == ("2024-10-27 01:40", "2024-10-30 01:40")
    assert Episode.objects.get(record_id="E2").missing_end == datetime(2024, 10, 27, 1, 10)
    assert _m3("2024-10") == (1.0, 2.0, 50.0)  # E1 at 72 h is in time, E2 at 72 h 1 min not
    assert [(w.rule, w.row, w.column) for w in outcome.warnings] == [
        ("R-W02", 2, "missing_end"),
        ("R-W02", 3, "missing_end"),
    ]


def test_a_window_selects_date_times_by_the_day_written(csv_file: CsvFile) -> None:
    night = [
        {"episode_id": "E1", "child_id": "C1", "missing_start": "2024-06-30 23:59"},
        {"episode_id": "E2", "child_id": "C2", "missing_start": "2024-07-01 00:00"},
    ]
    run_import("missing_episodes", csv_file(night, name="a.csv"))
    run_import(
        "missing_episodes",
        csv_file([night[0]], name="b.csv"),
        covers=(date(2024, 6, 1), date(2024, 6, 30)),
    )
    current = set(Episode.objects.filter(is_current=True).values_list("record_id", "batch_id"))
    assert {record_id for record_id, _ in current} == {"E1", "E2"}
    assert Episode.objects.filter(missing_start__date=date(2024, 7, 1)).count() == 1


def test_a_clock_time_outside_a_clock_change_raises_no_warning(csv_file: CsvFile) -> None:
    path = csv_file([{"episode_id": "E1", "child_id": "C1", "missing_start": "2025-03-30 02:00"}])
    assert run_import("missing_episodes", path).warnings == []


def test_the_batch_page_lists_the_warnings(
    csv_file: CsvFile, client: Any, settings: Any, tmp_path: Path
) -> None:
    settings.STATIC_ROOT = tmp_path  # whitenoise warns (an error here) when it is missing
    path = csv_file([_episode("E1", "2025-03-29 20:00", "2025-03-30 01:30", "2025-03-30 09:00")])
    batch = run_import("missing_episodes", path).batch
    client.force_login(user_create(username="ann", role=Role.ANALYST, password="x" * 20))
    page = client.get(f"/data/batches/{batch.pk}/").content.decode()
    assert "1 warning below" in page
    assert "Warnings about the file" in page
    assert "R-W01" in page
    assert "2025-03-30 01:30" in page


def test_the_command_line_prints_warnings_and_still_accepts(csv_file: CsvFile) -> None:
    path = csv_file([_episode("E1", "2025-03-29 20:00", "2025-03-30 01:30", "2025-03-30 09:00")])
    result = CliRunner().invoke(main, ["import", "missing_episodes", str(path)])
    assert result.exit_code == 0
    assert result.stderr == (
        'warning: data.csv: row 2, missing_end: "2025-03-30 01:30" does not exist in UK time '
        "(the clocks went forward an hour); kept and compared as written (R-W01)\n"
    )
    assert result.stdout.startswith("accepted: batch")
    assert result.stdout.endswith("; 1 warning (on stderr)\n")

"""The database-backed job queue: exclusive claims, progress, failures, stale locks."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.db import connections
from django.utils import timezone

from safeplan.audit.models import AuditEvent
from safeplan.cli import main
from safeplan.jobs.models import Job
from safeplan.jobs.services import (
    MAX_ATTEMPTS,
    UnknownJobKind,
    job_claim,
    job_enqueue,
    job_run_next,
    jobs_requeue_stale,
)
from safeplan.records.models import ImportBatch
from tests.imports.conftest import GOOD_ROWS, table, write_csv


def _referrals_file(tmp_path: Path, n: int) -> Path:
    rows = [{**GOOD_ROWS["referrals"], "referral_id": f"R{i}"} for i in range(n)]
    header, cells = table(rows)
    return write_csv(tmp_path / "referrals.csv", header, cells)


def _import_payload(path: Path) -> dict[str, object]:
    return {"dataset": "referrals", "path": str(path), "source": "referrals",
            "covers": None, "file_name": "referrals.csv", "submitted_by": "tester"}  # fmt: skip


def test_a_queued_job_is_audited_and_an_unknown_kind_is_refused(db: None) -> None:
    job = job_enqueue(kind="import", payload={"dataset": "referrals"}, by=None)
    assert job.status == Job.Status.QUEUED
    assert AuditEvent.objects.filter(action="job.enqueue", object_id=str(job.pk)).exists()
    with pytest.raises(UnknownJobKind):
        job_enqueue(kind="launch", payload={}, by=None)


def test_jobs_are_claimed_oldest_first_and_only_once(db: None) -> None:
    first = job_enqueue(kind="import", payload={}, by=None)
    second = job_enqueue(kind="import", payload={}, by=None)
    claimed = [job_claim(worker="a"), job_claim(worker="b"), job_claim(worker="c")]
    assert [j.pk if j else None for j in claimed] == [first.pk, second.pk, None]
    assert claimed[0] is not None
    assert (claimed[0].locked_by, claimed[0].attempts) == ("a", 1)


@pytest.mark.django_db(transaction=True)
def test_two_claimers_at_once_never_get_the_same_job() -> None:
    jobs = {job_enqueue(kind="import", payload={}, by=None).pk for _ in range(6)}
    got: dict[str, list[int]] = {"a": [], "b": []}
    start = threading.Barrier(2)

    def claim_all(worker: str) -> None:
        try:
            start.wait()
            while (job := job_claim(worker=worker)) is not None:
                got[worker].append(job.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim_all, args=(w,)) for w in got]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(got["a"] + got["b"]) == sorted(jobs)  # every job once, none twice


def test_an_import_job_imports_the_file_records_its_progress_and_deletes_the_upload(
    db: None, tmp_path: Path
) -> None:
    path = _referrals_file(tmp_path, 3)
    job_enqueue(kind="import", payload=_import_payload(path), by=None, total=3)
    job = job_run_next(worker="test")
    assert job is not None
    assert job.status == Job.Status.DONE
    assert (job.progress, job.percent, job.result["accepted"]) == (3, 100, True)
    batch = ImportBatch.objects.get(pk=job.result["batch_id"])
    assert (batch.status, batch.records_stored) == (ImportBatch.Status.ACCEPTED, 3)
    assert not path.exists()


def test_a_failing_job_is_recorded_as_failed_with_its_error(db: None) -> None:
    job_enqueue(kind="import", payload={}, by=None)  # no file: the handler fails
    job = job_run_next(worker="test")
    assert job is not None
    assert (job.status, job.error) == (Job.Status.FAILED, "KeyError: 'path'")
    assert job.finished_at is not None
    assert job_run_next(worker="test") is None  # and the queue moves on


@pytest.mark.parametrize(
    ("minutes_ago", "attempts", "status"),
    [
        (31, 1, Job.Status.QUEUED),  # its process died: queued again
        (29, 1, Job.Status.RUNNING),  # still within the lock's life: left alone
        (31, MAX_ATTEMPTS, Job.Status.FAILED),  # died every time: given up
    ],
)
def test_a_stale_running_job_is_queued_again_or_given_up(
    db: None, minutes_ago: int, attempts: int, status: str
) -> None:
    job = Job.objects.create(kind="import", status=Job.Status.RUNNING, attempts=attempts,
                             locked_by="gone", locked_at=timezone.now() - timedelta(minutes=minutes_ago))  # fmt: skip
    jobs_requeue_stale(minutes=30)
    job.refresh_from_db()
    assert job.status == status


def test_the_operator_command_runs_the_queue_once(db: None, tmp_path: Path) -> None:
    path = _referrals_file(tmp_path, 2)
    job = job_enqueue(kind="import", payload=_import_payload(path), by=None)
    result = CliRunner().invoke(main, ["jobs", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert result.output == f"job {job.pk} import: done\n"


@pytest.mark.django_db(transaction=True)
def test_progress_reported_inside_a_transaction_is_seen_at_once_on_postgresql() -> None:
    from django.db import connection, transaction

    from safeplan.jobs.services import _ProgressWriter

    if connection.vendor != "postgresql":
        pytest.skip("SQLite admits one writer at a time: progress is written when the job ends")
    job = Job.objects.create(kind="import", status=Job.Status.RUNNING)
    seen: list[int] = []

    def read() -> None:
        seen.append(Job.objects.get(pk=job.pk).progress)
        connections.close_all()

    with transaction.atomic():  # as an import reports from inside its own transaction
        writer = _ProgressWriter(job.pk)
        writer(5_000)
        writer.close()
        reader = threading.Thread(target=read)
        reader.start()
        reader.join()
    assert seen == [5_000]


def test_the_operator_lists_recent_jobs(db: None) -> None:
    job = job_enqueue(kind="import", payload={}, by=None, total=10)
    result = CliRunner().invoke(main, ["jobs", "list"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{job.pk} import queued 0/10 ")


def test_a_failed_import_job_deletes_its_upload_too(db: None, tmp_path: Path) -> None:
    path = _referrals_file(tmp_path, 1)
    job_enqueue(kind="import", payload={"path": str(path)}, by=None)  # no dataset: it fails
    job = job_run_next(worker="test")
    assert job is not None
    assert job.status == Job.Status.FAILED
    assert not path.exists()


def test_an_import_job_keeps_the_coverage_window_it_was_given(db: None, tmp_path: Path) -> None:
    rows = [GOOD_ROWS["cases"]]
    header, cells = table(rows)
    path = write_csv(tmp_path / "cases.csv", header, cells)
    payload = {"dataset": "cases", "path": str(path), "covers": ["2024-04-01", "2024-06-30"]}
    job_enqueue(kind="import", payload=payload, by=None)
    job = job_run_next(worker="test")
    assert job is not None
    assert job.result["accepted"] is True
    batch = ImportBatch.objects.get(pk=job.result["batch_id"])
    assert (str(batch.covers_from), str(batch.covers_to)) == ("2024-04-01", "2024-06-30")

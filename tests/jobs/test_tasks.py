"""Background tasks on django-tasks-db: imports in a child process, withdrawals, recomputes.

Tests that run the worker use committed data (``transaction=True``), as a
worker in its own process would; the import's child process reads the same
test database.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import LazySettings
from django_tasks_db.models import DBTaskResult

from safeplan.audit.models import AuditEvent
from safeplan.jobs.child import ChildFailed, ImportSpec, import_in_child
from safeplan.jobs.models import TaskRun
from safeplan.jobs.tasks import (
    import_enqueue,
    recompute_enqueue,
    recompute_task,
    withdraw_enqueue,
)
from safeplan.jobs.worker import worker_run
from safeplan.measures.models import ComputeRun
from safeplan.measures.selectors import figures_freshness
from safeplan.measures.services import results_compute_after_import
from safeplan.records.models import ImportBatch
from tests.imports.conftest import run_import
from tests.jobs.conftest import database_url, referrals_upload


def _enqueue(path: Path, total: int | None = None) -> TaskRun:
    return import_enqueue(actor="tester", dataset="referrals", source="referrals", covers=None,
                          upload=path, file_name=path.name, total=total)  # fmt: skip


def test_queueing_an_import_records_its_run_and_its_task_and_audits_it(
    db: None, uploads: Path
) -> None:
    run = _enqueue(referrals_upload(uploads, 2), total=2)
    assert (run.status, run.kind, run.label, run.upload) == ("queued", "import", "referrals.csv",
                                                             "referrals.csv")  # fmt: skip
    task = DBTaskResult.objects.get(id=run.task_id)
    assert (task.status, task.args_kwargs["kwargs"]) == ("READY", {"run_id": run.pk})
    event = AuditEvent.objects.get(action="job.enqueue")
    assert (event.object_id, event.actor_name) == (str(run.pk), "tester")


@pytest.mark.django_db(transaction=True)
def test_an_import_runs_in_a_child_then_queues_a_recompute_and_keeps_no_upload(
    uploads: Path,
) -> None:
    run = _enqueue(referrals_upload(uploads, 3), total=3)
    assert worker_run(batch=True) == 2  # the import, then the recompute it queued
    run.refresh_from_db()
    assert (run.status, run.progress, run.percent, run.result["accepted"]) == ("done", 3, 100, True)
    assert run.batch is not None
    assert (run.batch.status, run.batch.records_stored) == (ImportBatch.Status.ACCEPTED, 3)
    assert run.upload == ""
    assert not list(uploads.iterdir())
    recompute = TaskRun.objects.get(kind="recompute")
    assert (recompute.status, recompute.params["trigger"]) == (
        "done",
        f"import batch {run.batch.pk}",
    )
    assert ComputeRun.objects.get().data_version == [run.batch.pk]
    assert not figures_freshness().stale
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_rejected_file_ends_its_task_with_the_report_and_no_upload(uploads: Path) -> None:
    path = uploads / "bad.csv"
    path.write_text("referral_id,child_id,referral_date\nR1,C1,31/02/2024\n", encoding="utf-8")
    run = _enqueue(path)
    assert worker_run(batch=True) == 1  # nothing accepted: nothing to recompute
    run.refresh_from_db()
    assert run.status == "done"
    assert (run.result["accepted"], run.result["problems"]) == (False, 1)
    assert run.batch is not None
    assert run.batch.status == ImportBatch.Status.REJECTED
    assert not path.exists()


@pytest.mark.django_db(transaction=True)
def test_a_child_over_its_memory_limit_fails_clearly_and_the_worker_runs_the_next_task(
    uploads: Path, settings: LazySettings
) -> None:
    settings.IMPORT_MEMORY_MB = 640  # the child needs about 400 MB to start; the line needs more
    greedy = uploads / "greedy.csv"
    with greedy.open("w", encoding="utf-8") as out:  # one line of 200 MB, read whole by the parser
        out.write("referral_id,child_id,referral_date\nR1,C1,")
        out.write("x" * 200_000_000)
    bad = _enqueue(greedy)
    good = _enqueue(referrals_upload(uploads, 2, name="fine.csv"))
    assert worker_run(batch=True) == 3  # the worker survives: the good import and its recompute
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.status == "failed"
    assert "needed more memory than the 640 MB limit" in bad.error
    assert "nothing from the file was imported" in bad.error
    assert (good.status, good.result["accepted"]) == ("done", True)
    assert not list(uploads.iterdir())  # neither ending keeps its upload
    assert ImportBatch.objects.get().pk == good.batch_id  # the failed import stored nothing
    failed = AuditEvent.objects.get(action="job.fail")
    assert failed.object_id == str(bad.pk)
    assert DBTaskResult.objects.get(id=bad.task_id).status == "FAILED"


@pytest.mark.django_db(transaction=True)
def test_an_upload_gone_before_its_import_fails_the_task_with_a_message(uploads: Path) -> None:
    path = referrals_upload(uploads, 1)
    run = _enqueue(path)
    path.unlink()
    worker_run(batch=True)
    run.refresh_from_db()
    assert (run.status, run.error) == (
        "failed",
        "the uploaded file is no longer there; upload it again",
    )


@pytest.mark.django_db(transaction=True)
def test_the_child_reports_progress_and_its_result_to_the_worker(uploads: Path) -> None:
    from django.db import connection

    path = referrals_upload(uploads, 12_000)
    seen: list[int] = []
    spec = ImportSpec(database=str(connection.settings_dict["NAME"]), dataset="referrals",
                      path=str(path), file_name="r.csv", source=None, covers=None, user_id=None,
                      submitted_by="t", memory_mb=2048, time_limit_minutes=10)  # fmt: skip
    outcome = import_in_child(spec, on_progress=seen.append)
    assert (outcome.accepted, outcome.rows, outcome.problems) == (True, 12_000, 0)
    assert seen == [5_000, 10_000, 12_000]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_child_past_its_time_limit_is_stopped(uploads: Path) -> None:
    from django.db import connection

    path = referrals_upload(uploads, 400_000)
    spec = ImportSpec(database=str(connection.settings_dict["NAME"]), dataset="referrals",
                      path=str(path), file_name="r.csv", source=None, covers=None, user_id=None,
                      submitted_by="t", memory_mb=0, time_limit_minutes=0.05)  # fmt: skip
    with pytest.raises(ChildFailed, match=r"longer than the 0\.05-minute limit"):
        import_in_child(spec, on_progress=lambda rows: None)
    assert not ImportBatch.objects.exists()  # killed mid-transaction: nothing kept


@pytest.mark.django_db(transaction=True)
def test_a_task_delivered_again_does_not_run_again(tmp_path: Path) -> None:
    run_import("referrals", referrals_upload(tmp_path, 1))
    run = recompute_enqueue(actor="tester", trigger="a test")
    assert worker_run(batch=True) == 1
    assert ComputeRun.objects.count() == 1
    assert recompute_task.call(run.pk) == {"skipped": "not queued: it has run already"}
    assert ComputeRun.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_recompute_finding_the_figures_up_to_date_does_nothing(uploads: Path) -> None:
    first = recompute_enqueue(actor="tester", trigger="one")
    assert recompute_enqueue(actor="tester", trigger="two") == first  # one queued is enough
    worker_run(batch=True)
    first.refresh_from_db()
    assert first.result == {"skipped": "the figures were already up to date"}
    assert not ComputeRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_task_withdraws_once_then_queues_a_recompute(uploads: Path) -> None:
    batch = run_import("referrals", referrals_upload(uploads, 2, name="r.csv")).batch
    results_compute_after_import(batch)
    run = withdraw_enqueue(batch=batch, actor="ana")
    assert withdraw_enqueue(batch=batch, actor="ana") == run  # a double click queues one
    assert worker_run(batch=True) == 2
    run.refresh_from_db()
    batch.refresh_from_db()
    assert (run.status, run.result["withdrawn"], batch.status) == ("done", 2, "withdrawn")
    assert ComputeRun.objects.first().trigger == f"withdraw batch {batch.pk}"  # type: ignore[union-attr]
    again = withdraw_enqueue(batch=batch, actor="ana")
    worker_run(batch=True)
    again.refresh_from_db()
    assert (again.status, again.error) == (
        "failed",
        f"batch {batch.pk} is withdrawn; only an accepted batch can be withdrawn",
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_never_run_a_task_twice(uploads: Path) -> None:
    runs = [_enqueue(referrals_upload(uploads, 50, name=f"r{i}.csv", start=100 * i))
            for i in range(6)]  # fmt: skip
    env = {**os.environ, "DATABASE_URL": database_url(), "SAFEPLAN_MODE": "test",
           "SAFEPLAN_UPLOAD_DIR": str(uploads)}  # fmt: skip
    command = [sys.executable, "-m", "safeplan", "jobs", "run", "--once"]
    workers = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(2)]  # fmt: skip
    outputs = [worker.communicate(timeout=300) for worker in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    tasks = DBTaskResult.objects.filter(id__in=[r.task_id for r in runs])
    assert [len(t.worker_ids) for t in tasks] == [1] * 6  # each claimed once
    assert len({t.worker_ids[0] for t in tasks}) == 2, "both workers claimed tasks"
    for run in runs:
        run.refresh_from_db()
        assert (run.status, run.result["accepted"]) == ("done", True)
    assert AuditEvent.objects.filter(action="import.accept").count() == 6
    assert ImportBatch.objects.count() == 6
    assert not list(uploads.iterdir())

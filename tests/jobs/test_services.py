"""A task run's life, and the sweep that clears up after a worker that stopped."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner
from django.utils import timezone

from safeplan.audit.models import AuditEvent
from safeplan.cli import main
from safeplan.jobs.models import TaskRun
from safeplan.jobs.services import run_create, run_start, tasks_sweep


def _aged(path: Path, hours: float) -> Path:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))
    return path


def _file(folder: Path, name: str, hours_old: float) -> Path:
    path = folder / name
    path.write_text("referral_id\nR1\n", encoding="utf-8")
    return _aged(path, hours_old)


def test_a_run_starts_once(db: None) -> None:
    run = run_create(kind="recompute", actor="ana", label="the measures")
    started = run_start(run.pk)
    assert started is not None
    assert (started.status, started.started_at is not None) == ("running", True)
    assert run_start(run.pk) is None  # delivered again: not run again


def test_the_sweep_deletes_only_old_uploads_that_no_live_task_holds(
    db: None, uploads: Path
) -> None:
    orphan = _file(uploads, "orphan.csv", hours_old=25)
    fresh = _file(uploads, "fresh.csv", hours_old=2)  # perhaps being queued right now
    waiting = _file(uploads, "waiting.csv", hours_old=30)  # queued while the worker was away
    run_create(kind="import", actor="ana", label="w.csv", upload=waiting.name)
    TaskRun.objects.update(task_id="a-task")
    swept = tasks_sweep()
    assert (swept.failed, swept.deleted) == (0, 1)
    assert (orphan.exists(), fresh.exists(), waiting.exists()) == (False, True, True)


def test_the_sweep_fails_a_task_its_stopped_worker_left_running_and_deletes_its_upload(
    db: None, uploads: Path
) -> None:
    held = _file(uploads, "held.csv", hours_old=3)
    run = run_create(kind="import", actor="ana", label="held.csv", upload=held.name)
    TaskRun.objects.update(task_id="a-task", status="running",
                           started_at=timezone.now() - timedelta(hours=3))  # fmt: skip
    assert tasks_sweep().failed == 1
    run.refresh_from_db()
    assert run.status == "failed"
    assert run.error == "the worker stopped before the task ended; nothing from it was kept"
    assert not held.exists()
    assert AuditEvent.objects.filter(action="job.fail", object_id=str(run.pk)).exists()


def test_the_sweep_leaves_a_task_running_within_its_time_limit(db: None) -> None:
    run_create(kind="import", actor="ana", label="big.csv")
    TaskRun.objects.update(task_id="a-task", status="running",
                           started_at=timezone.now() - timedelta(minutes=100))  # fmt: skip
    assert tasks_sweep().failed == 0  # the limit is 120 minutes, then 10 minutes' grace


def test_the_sweep_fails_a_task_that_never_reached_the_queue(db: None) -> None:
    run = run_create(kind="recompute", actor="ana", label="the measures")
    TaskRun.objects.update(created_at=timezone.now() - timedelta(hours=2))  # no task id
    assert tasks_sweep().failed == 1
    run.refresh_from_db()
    assert run.error == "the task was never handed to the queue; nothing was done"


def test_the_operator_commands_list_the_tasks_and_sweep(db: None, uploads: Path) -> None:
    _file(uploads, "orphan.csv", hours_old=48)
    run = run_create(kind="recompute", actor="ana", label="the measures (a test)")
    runner = CliRunner()
    listed = runner.invoke(main, ["jobs", "list"])
    assert listed.exit_code == 0, listed.output
    # (`safeplan jobs run --once` runs in the two-worker test of test_tasks.py)
    assert listed.output.startswith(f"{run.pk} recompute queued 0 ")
    assert listed.output.rstrip().endswith("the measures (a test)")
    swept = runner.invoke(main, ["jobs", "sweep"])
    assert swept.stdout == "0 stopped tasks marked failed, 1 orphan uploads deleted\n"

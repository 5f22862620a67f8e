"""A background task's life as people see it: queued, running once, then done or failed.

    run = run_create(kind=TaskRun.Kind.IMPORT, actor=user, label="referrals.csv", ...)
    run = run_start(run.pk)      # None if it is not queued: a task never runs twice
    run_finish(run, result={...}) or run_fail(run, error="…")

The queue itself is django-tasks' (``safeplan.jobs.tasks`` enqueues); these
functions keep the ``TaskRun`` row that pages and commands read, and sweep
up what a worker that died left behind (``tasks_sweep``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safeplan.audit.services import Actor, audit_record
from safeplan.jobs.models import TaskRun
from safeplan.records.models import ImportBatch

logger = logging.getLogger(__name__)

#: Uploads no queued or running task holds are deleted once they are this old.
ORPHAN_AGE = timedelta(days=1)
#: A task that was never handed to the queue (its process died first) is failed after this.
UNSENT_AGE = timedelta(hours=1)
#: A running task is taken for dead this long after its time limit (or ORPHAN_AGE, with none).
RUNNING_GRACE = timedelta(minutes=10)


def upload_folder() -> Path:
    """Where uploads wait for their import: ``settings.UPLOAD_DIR``, made absolute.

    Absolute because a worker may run from another working directory.
    """
    return Path(settings.UPLOAD_DIR).resolve()


def run_create(
    *,
    kind: str,
    actor: Actor,
    label: str,
    dataset: str = "",
    params: dict[str, Any] | None = None,
    upload: str = "",
    total: int | None = None,
    batch: ImportBatch | None = None,
) -> TaskRun:
    """Record a task about to be queued, audited as ``job.enqueue``."""
    user: Any = actor if getattr(actor, "is_authenticated", False) else None
    name = actor if isinstance(actor, str) else ""
    with transaction.atomic():
        run = TaskRun.objects.create(
            kind=kind,
            label=label[:255],
            dataset=dataset[:40],
            params=params or {},
            upload=upload,
            total=total,
            batch=batch,
            created_by=user,
            actor_name=name[:150],
        )
        audit_record(
            actor=actor,
            action="job.enqueue",
            obj=run,
            object_type="task",
            summary=f"queued a {kind} task: {label}",
            after={"kind": kind, "label": label, "dataset": dataset, "params": run.params},
        )
    return run


def run_actor(run: TaskRun) -> Actor:
    """Who asked for the task, as the services it calls take it: the user, or a name."""
    return run.created_by or run.actor_name or None


def run_sent(run: TaskRun, task_id: str) -> None:
    """Note the backend's id for the task once it is queued."""
    TaskRun.objects.filter(pk=run.pk).update(task_id=task_id[:64])
    run.task_id = task_id[:64]


def run_start(run_id: int) -> TaskRun | None:
    """Mark a queued task running and return it; None if it is not queued (never run twice).

    The conditional update is the guard: a backend that delivered the task
    again (or a second worker) finds it no longer queued and does nothing.
    """
    started = TaskRun.objects.filter(pk=run_id, status=TaskRun.Status.QUEUED).update(
        status=TaskRun.Status.RUNNING, started_at=timezone.now()
    )
    if not started:
        logger.warning("task run %s is not queued; not run again", run_id)
        return None
    return TaskRun.objects.select_related("created_by", "batch").get(pk=run_id)


def run_progress(run: TaskRun, rows: int) -> None:
    """Rows done so far, written at once (the caller must not be inside a transaction)."""
    TaskRun.objects.filter(pk=run.pk).update(progress=rows)
    run.progress = rows


def run_finish(
    run: TaskRun,
    *,
    result: dict[str, Any],
    batch_id: int | None = None,
    progress: int | None = None,
) -> None:
    """The task ended as it should (an import rejected for its problems ends this way too)."""
    fields: dict[str, Any] = {"status": TaskRun.Status.DONE, "result": result,
                              "finished_at": timezone.now()}  # fmt: skip
    if batch_id is not None:
        fields["batch_id"] = batch_id
    if progress is not None:
        fields["progress"] = progress
    TaskRun.objects.filter(pk=run.pk).update(**fields)
    run.refresh_from_db()


def run_fail(run: TaskRun, *, error: str, progress: int | None = None) -> None:
    """The task stopped without doing its work; audited as ``job.fail`` with the reason."""
    with transaction.atomic():
        fields: dict[str, Any] = {"status": TaskRun.Status.FAILED, "error": error,
                                  "finished_at": timezone.now()}  # fmt: skip
        if progress is not None:
            fields["progress"] = progress
        TaskRun.objects.filter(pk=run.pk).update(**fields)
        audit_record(
            actor=None,
            action="job.fail",
            obj=run,
            object_type="task",
            summary=f"the {run.kind} task for {run.label} failed: {error}",
            after={"kind": run.kind, "label": run.label, "error": error},
        )
    run.refresh_from_db()


def run_upload_delete(run: TaskRun) -> None:
    """Delete the task's upload, whatever became of it: child-level data stays in the database."""
    if run.upload:
        (upload_folder() / Path(run.upload).name).unlink(missing_ok=True)
        TaskRun.objects.filter(pk=run.pk).update(upload="")
        run.upload = ""


@dataclass(frozen=True)
class Sweep:
    """What ``tasks_sweep`` cleared: runs marked failed, and upload files deleted."""

    failed: int
    deleted: int


def tasks_sweep(*, now: datetime | None = None) -> Sweep:
    """Fail the tasks a dead worker left running, and delete uploads no live task holds.

    A running task is dead once it has run past the import time limit (plus a
    grace), a queued one when it was never handed to the queue; an upload file
    is an orphan when no queued or running task holds it and it is older than
    a day. Run by the worker every few minutes and by ``safeplan jobs sweep``.
    """
    now = now or timezone.now()
    failed = _fail_dead_runs(now)
    return Sweep(failed=failed, deleted=_delete_orphans(now))


def _running_limit() -> timedelta:
    minutes = settings.IMPORT_TIME_LIMIT_MINUTES
    return timedelta(minutes=minutes) + RUNNING_GRACE if minutes > 0 else ORPHAN_AGE


def _fail_dead_runs(now: datetime) -> int:
    dead = TaskRun.objects.filter(
        status=TaskRun.Status.RUNNING, started_at__lt=now - _running_limit()
    )
    unsent = TaskRun.objects.filter(
        status=TaskRun.Status.QUEUED, task_id="", created_at__lt=now - UNSENT_AGE
    )
    reasons = (
        (dead, "the worker stopped before the task ended; nothing from it was kept"),
        (unsent, "the task was never handed to the queue; nothing was done"),
    )
    failed = 0
    for runs, reason in reasons:
        for run in runs:
            run_fail(run, error=reason)
            run_upload_delete(run)
            failed += 1
    if failed:
        logger.warning("tasks: %s tasks left behind by a stopped worker marked failed", failed)
    return failed


def _delete_orphans(now: datetime) -> int:
    folder = upload_folder()
    if not folder.is_dir():
        return 0
    live = TaskRun.Status.QUEUED, TaskRun.Status.RUNNING
    held = set(
        TaskRun.objects.filter(status__in=live).exclude(upload="").values_list("upload", flat=True)
    )
    cutoff = (now - ORPHAN_AGE).timestamp()
    deleted = 0
    for path in folder.iterdir():
        if path.is_file() and path.name not in held and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            deleted += 1
    if deleted:
        logger.warning("tasks: deleted %s orphan uploads older than a day", deleted)
    return deleted

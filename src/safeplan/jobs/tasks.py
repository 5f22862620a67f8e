"""The background tasks (django-tasks) and the functions that queue them.

    run = import_enqueue(actor=user, dataset="referrals", source="durham-constabulary",
                         covers=None, upload=path, file_name="referrals.csv", total=120_000)
    run = withdraw_enqueue(batch=batch, actor=user)
    run = recompute_enqueue(actor=user, trigger="import batch 12")

Each task takes the id of its `TaskRun` only, starts it (once: a run that is
not queued is not run again), and ends it done or failed. An import runs in
a child process with a memory limit (`safeplan.jobs.child`) and its upload
is deleted however it ends. An accepted import and a withdrawal queue a
recompute of the measures; a recompute finding the figures already up to
date (another has read the same batches) does nothing.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django_tasks import task
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend

from safeplan.audit.services import Actor
from safeplan.imports.withdraw import WithdrawError, batch_withdraw
from safeplan.jobs.child import ChildFailed, ImportSpec, import_in_child
from safeplan.jobs.models import TaskRun
from safeplan.jobs.services import (
    run_actor,
    run_create,
    run_fail,
    run_finish,
    run_progress,
    run_sent,
    run_start,
    run_upload_delete,
    upload_folder,
)
from safeplan.measures.selectors import figures_freshness
from safeplan.measures.services import results_compute
from safeplan.records.models import ImportBatch

logger = logging.getLogger(__name__)

SKIPPED = {"skipped": "not queued: it has run already"}


# --- queueing -----------------------------------------------------------------


def _send(task_: Task[..., dict[str, Any]], run: TaskRun) -> None:
    """Hand the run to the task backend.

    A task kept in the database is written in the caller's transaction, so the
    run and its task are committed together or not at all; a task sent to a
    broker (Celery) leaves once the run is committed, so that no worker can
    look for a run that is not there yet.
    """
    if isinstance(task_.get_backend(), DatabaseBackend):
        run_sent(run, task_.enqueue(run_id=run.pk).id)
        return

    def send() -> None:
        try:
            run_sent(run, task_.enqueue(run_id=run.pk).id)
        except Exception as exc:  # the broker is down: say so on the run, keep nothing
            logger.exception("could not queue task run %s", run.pk)
            run_fail(run, error=f"the task queue could not be reached ({type(exc).__name__})")
            run_upload_delete(run)

    transaction.on_commit(send)


def import_enqueue(
    *,
    actor: Actor,
    dataset: str,
    source: str,
    covers: tuple[date, date] | None,
    upload: Path,
    file_name: str,
    total: int | None,
) -> TaskRun:
    """Queue the import of a stored upload (a file in ``upload_folder()``)."""
    params = {"source": source, "covers": [d.isoformat() for d in covers] if covers else None}
    with transaction.atomic():
        run = run_create(kind=TaskRun.Kind.IMPORT, actor=actor, label=file_name,
                         dataset=dataset, params=params, upload=upload.name, total=total)  # fmt: skip
        _send(import_task, run)
    return run


def withdraw_enqueue(*, batch: ImportBatch, actor: Actor) -> TaskRun:
    """Queue the withdrawal of an accepted batch; a withdrawal already queued is returned."""
    with transaction.atomic():
        live = TaskRun.objects.filter(
            kind=TaskRun.Kind.WITHDRAW,
            batch=batch,
            status__in=[TaskRun.Status.QUEUED, TaskRun.Status.RUNNING],
        ).first()
        if live is not None:
            return live
        run = run_create(kind=TaskRun.Kind.WITHDRAW, actor=actor, label=f"batch {batch.pk}",
                         dataset=batch.dataset, batch=batch)  # fmt: skip
        _send(withdraw_task, run)
    return run


def recompute_enqueue(*, actor: Actor, trigger: str) -> TaskRun:
    """Queue a recompute of the measures; one still queued is returned instead of a second."""
    with transaction.atomic():
        queued = TaskRun.objects.filter(
            kind=TaskRun.Kind.RECOMPUTE, status=TaskRun.Status.QUEUED
        ).first()
        if queued is not None:
            return queued
        run = run_create(kind=TaskRun.Kind.RECOMPUTE, actor=actor,
                         label=f"the measures ({trigger})", params={"trigger": trigger})  # fmt: skip
        _send(recompute_task, run)
    return run


# --- the tasks ----------------------------------------------------------------


@task()
def import_task(run_id: int) -> dict[str, Any]:
    """Import a stored upload in a child process; the upload is deleted however it ends."""
    run = run_start(run_id)
    if run is None:
        return SKIPPED
    progress = _Progress(run)
    try:
        path = upload_folder() / run.upload if run.upload else None
        if path is None or not path.is_file():
            raise ChildFailed("the uploaded file is no longer there; upload it again")
        outcome = import_in_child(_spec(run, path), on_progress=progress)
    except BaseException as exc:  # every ending is recorded, then the backend sees it too
        run_fail(run, error=_message(exc), progress=progress.rows)
        raise
    finally:
        run_upload_delete(run)
    result = {"batch_id": outcome.batch_id, "accepted": outcome.accepted,
              "problems": outcome.problems}  # fmt: skip
    run_finish(run, result=result, batch_id=outcome.batch_id, progress=outcome.rows)
    if outcome.accepted:
        recompute_enqueue(actor=run_actor(run), trigger=f"import batch {outcome.batch_id}")
    return result


@task()
def withdraw_task(run_id: int) -> dict[str, Any]:
    """Withdraw a batch (`safeplan.imports.withdraw`), then queue a recompute."""
    run = run_start(run_id)
    if run is None:
        return SKIPPED
    try:
        if run.batch is None:
            raise WithdrawError("the batch is no longer there")
        outcome = batch_withdraw(batch=run.batch, by=run_actor(run))
    except WithdrawError as exc:  # refused (withdrawn already, say): the reason is the outcome
        run_fail(run, error=str(exc))
        return {"refused": str(exc)}
    except BaseException as exc:
        run_fail(run, error=_message(exc))
        raise
    result = {"withdrawn": outcome.withdrawn, "restored": outcome.restored,
              "handed_on": outcome.handed_on}  # fmt: skip
    run_finish(run, result=result)
    recompute_enqueue(actor=run_actor(run), trigger=f"withdraw batch {run.batch.pk}")
    return result


@task()
def recompute_task(run_id: int) -> dict[str, Any]:
    """Recompute the measures, unless the figures already read every accepted batch."""
    run = run_start(run_id)
    if run is None:
        return SKIPPED
    if not figures_freshness().stale:
        result: dict[str, Any] = {"skipped": "the figures were already up to date"}
        run_finish(run, result=result)
        return result
    try:
        computed = results_compute(
            trigger=run.params.get("trigger", run.label), actor=run_actor(run)
        )
    except BaseException as exc:  # the figures stay marked out of date until one succeeds
        run_fail(run, error=_message(exc))
        raise
    result = {"compute_run": computed.pk, "results": computed.results}
    run_finish(run, result=result)
    return result


# --- helpers --------------------------------------------------------------------


class _Progress:
    """Rows read so far, from the child: written at once on PostgreSQL.

    SQLite admits one writer at a time and the child's import holds the write
    lock for its whole transaction, so there the count is written at the end.
    """

    def __init__(self, run: TaskRun) -> None:
        self.run = run
        self.rows = 0
        self.live = connection.vendor != "sqlite"

    def __call__(self, rows: int) -> None:
        self.rows = rows
        if self.live:
            run_progress(self.run, rows)


def _spec(run: TaskRun, path: Path) -> ImportSpec:
    user = run.created_by
    return ImportSpec(
        database=str(connection.settings_dict["NAME"]),
        dataset=run.dataset,
        path=str(path),
        file_name=run.label,
        source=run.params.get("source"),
        covers=run.params.get("covers"),
        user_id=user.pk if user is not None else None,
        submitted_by=user.get_username() if user is not None else (run.actor_name or "task"),
        memory_mb=settings.IMPORT_MEMORY_MB,
        time_limit_minutes=settings.IMPORT_TIME_LIMIT_MINUTES,
    )


def _message(exc: BaseException) -> str:
    if isinstance(exc, ChildFailed):
        return str(exc)
    if isinstance(exc, KeyboardInterrupt | SystemExit):
        return "the worker was stopped before the task ended; nothing from it was kept"
    return f"the task stopped with an error ({type(exc).__name__}: {exc}); nothing from it was kept"

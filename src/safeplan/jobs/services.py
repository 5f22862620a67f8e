"""Queue, claim and run background jobs.

    job = job_enqueue(kind="import", payload={...}, by=request.user)
    job_run_next(worker="cli")    # claims the oldest queued job and runs it

A claim is exclusive: on PostgreSQL the oldest queued row is locked with
``SELECT … FOR UPDATE SKIP LOCKED``; on SQLite (one writer at a time) a
conditional ``UPDATE … WHERE status = 'queued'`` wins only if it changed a row.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from safeplan.audit.services import audit_record
from safeplan.jobs.models import Job

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]
Handler = Callable[[Job, Progress], dict[str, Any]]
#: A job that has been claimed this many times and is found stale again fails.
MAX_ATTEMPTS = 3


class UnknownJobKind(ValueError):
    pass


def job_handlers() -> dict[str, Handler]:
    """Every kind of job and the function that runs it."""
    from safeplan.jobs.handlers import HANDLERS

    return HANDLERS


def worker_name(suffix: str = "") -> str:
    """This process, as named in ``locked_by``: host:pid[:suffix]."""
    name = f"{socket.gethostname()}:{os.getpid()}"
    return f"{name}:{suffix}"[:100] if suffix else name[:100]


def job_enqueue(*, kind: str, payload: dict[str, Any], by: Any, total: int | None = None) -> Job:
    """Queue a job; a web process's runner thread is started once the job is committed."""
    if kind not in job_handlers():
        raise UnknownJobKind(f"unknown job kind {kind!r}; known: {', '.join(job_handlers())}")
    user = by if by is not None and getattr(by, "is_authenticated", False) else None
    with transaction.atomic():
        job = Job.objects.create(kind=kind, payload=payload, created_by=user, total=total)
        _audit(by, job)
        transaction.on_commit(_runner_ensure)
    return job


def _runner_ensure() -> None:
    from safeplan.jobs.runner import runner_ensure

    runner_ensure()


def job_claim(*, worker: str) -> Job | None:
    """Take the oldest queued job for `worker`, or None; no two workers get the same job."""
    if connection.vendor == "postgresql":
        return _claim_locked(worker)
    return _claim_conditional(worker)


def _claimed(job_id: int, worker: str) -> int:
    now = timezone.now()
    return Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        locked_by=worker,
        locked_at=now,
        started_at=now,
        attempts=F("attempts") + 1,
    )


def _claim_locked(worker: str) -> Job | None:
    with transaction.atomic():
        queued = Job.objects.select_for_update(skip_locked=True).filter(status=Job.Status.QUEUED)
        job = queued.order_by("created_at", "id").first()
        if job is None:
            return None
        _claimed(job.pk, worker)
    job.refresh_from_db()
    return job


def _claim_conditional(worker: str) -> Job | None:
    queued = Job.objects.filter(status=Job.Status.QUEUED).order_by("created_at", "id")
    for job_id in queued.values_list("pk", flat=True)[:10]:
        if _claimed(job_id, worker) == 1:
            return Job.objects.get(pk=job_id)
    return None


def jobs_requeue_stale(*, minutes: int | None = None, now: datetime | None = None) -> int:
    """Queue again the running jobs whose lock is older than `minutes` (their process died).

    A job already tried `MAX_ATTEMPTS` times is failed instead, so that a job
    that kills its process cannot loop for ever.
    """
    limit = (now or timezone.now()) - timedelta(
        minutes=settings.JOBS_STALE_MINUTES if minutes is None else minutes
    )
    stale = Job.objects.filter(status=Job.Status.RUNNING, locked_at__lt=limit)
    failed = stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Job.Status.FAILED,
        error=f"stopped without finishing {MAX_ATTEMPTS} times; not tried again",
        finished_at=timezone.now(),
    )
    requeued = stale.update(status=Job.Status.QUEUED, locked_by="", locked_at=None)
    if failed or requeued:
        logger.warning("jobs: %s stale jobs queued again, %s failed", requeued, failed)
    return requeued


def job_run(job: Job) -> Job:
    """Run a claimed job; its outcome (result or error) is recorded, never raised."""
    handler = job_handlers().get(job.kind)
    progress = _ProgressWriter(job.pk)
    try:
        if handler is None:
            raise UnknownJobKind(f"unknown job kind {job.kind!r}")
        result = handler(job, progress)
    except Exception as exc:  # recorded on the job: a failed job must not stop the runner
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        return _finish(job, Job.Status.FAILED, progress, error=f"{type(exc).__name__}: {exc}")
    finally:
        progress.close()
    return _finish(job, Job.Status.DONE, progress, result=result)


def _finish(
    job: Job,
    status: str,
    progress: _ProgressWriter,
    *,
    result: dict[str, Any] | None = None,
    error: str = "",
) -> Job:
    Job.objects.filter(pk=job.pk).update(
        status=status,
        result=result or {},
        error=error,
        progress=max(progress.last, 0),
        finished_at=timezone.now(),
        locked_at=None,
    )
    job.refresh_from_db()
    return job


def job_run_next(*, worker: str) -> Job | None:
    """Queue stale jobs again, then claim and run the oldest queued job; None if there is none."""
    jobs_requeue_stale()
    job = job_claim(worker=worker)
    return None if job is None else job_run(job)


class _ProgressWriter:
    """The `progress` callback of a job: rows done so far, written to the job's row.

    A handler may report progress from inside its own transaction (an import
    does), where a write would stay invisible until the end. On PostgreSQL the
    count is therefore written from a helper thread with its own connection;
    on SQLite, which admits one writer at a time, it is kept and written when
    the job finishes (or at once, outside a transaction).
    """

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = 0
        self.pool: ThreadPoolExecutor | None = None

    def __call__(self, rows: int) -> None:
        self.last = rows
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job_id).update(progress=rows)
        elif connection.vendor == "postgresql":
            if self.pool is None:
                self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="job-progress")
            self.pool.submit(_progress_write, self.job_id, rows)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.submit(connections.close_all)
            self.pool.shutdown(wait=True)


def _progress_write(job_id: int, rows: int) -> None:
    Job.objects.filter(pk=job_id).update(progress=rows)


def _audit(by: Any, job: Job) -> None:
    audit_record(
        actor=by,
        action="job.enqueue",
        obj=job,
        summary=f"queued a {job.kind} job",
        after={"kind": job.kind, "payload": job.payload},
    )

"""The task worker: django-tasks-db's ``db_worker``, plus the sweep, in one loop.

    ran = worker_run(batch=True)    # run what is queued, then return how many ran

``safeplan jobs run`` runs it (``--once``: until the queue is empty); so does
``safeplan serve`` in demo mode, as a separate process beside the web server.
Claims are exclusive — ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, an
exclusive transaction on SQLite — so any number of workers may run. Every
``SWEEP_SECONDS`` the loop also runs `tasks_sweep`.
"""

from __future__ import annotations

import logging
import os
import socket
import time

from django.db import close_old_connections
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from safeplan.jobs.services import tasks_sweep

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 300.0


class NotDatabaseBackend(RuntimeError):
    """The tasks go to another backend (Celery), whose own workers run them."""


def worker_id(suffix: str = "") -> str:
    """This process, as recorded on the tasks it claims: host:pid[:suffix], at most 64 characters."""
    name = f"{socket.gethostname()}:{os.getpid()}"
    return (f"{name}:{suffix}" if suffix else name)[-64:]


def worker_run(
    *,
    batch: bool = False,
    interval: float = 1.0,
    exit_with_parent: bool = False,
    handle_signals: bool = False,
    sweep_seconds: float = SWEEP_SECONDS,
) -> int:
    """Run queued tasks until stopped (or, with ``batch``, until none is left); how many ran.

    ``exit_with_parent`` stops the loop once the process that started it has
    gone (the worker ``safeplan serve`` starts in demo mode). With
    ``handle_signals``, SIGINT and SIGTERM stop it after the task in hand.
    """
    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        raise NotDatabaseBackend(
            "the tasks are sent to Celery (SAFEPLAN_TASKS_BACKEND=celery); "
            "run its workers: celery -A django_tasks_fennel.app worker"
        )
    worker = Worker(
        queue_names=[DEFAULT_TASK_QUEUE_NAME],
        interval=0,
        batch=True,  # one pass over what is ready; this loop waits and sweeps between passes
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id("worker"),
        excluded_queue_names=[],
    )
    if handle_signals:
        worker.configure_signals()
    parent = os.getppid()
    swept = float("-inf")
    while worker.running:
        if time.monotonic() - swept >= sweep_seconds:
            _sweep()
            swept = time.monotonic()
        worker.run()
        if batch or (exit_with_parent and os.getppid() != parent):
            break
        time.sleep(interval)
    return worker._run_tasks


def _sweep() -> None:
    try:
        tasks_sweep()
    except Exception:  # a sweep that fails (the database is away) must not stop the worker
        logger.exception("tasks: the sweep failed; it is tried again later")
    finally:
        close_old_connections()

"""The job runner inside a web process: one daemon thread, started once, polling the queue.

Started on first enqueue, on the first visit to the data pages, and when the
app loads under gunicorn or ``safeplan serve`` (so jobs queued before a
restart still run); never when ``settings.JOBS_THREAD`` is off (tests, and
operators who prefer ``safeplan jobs run``).
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connections

from safeplan.jobs.services import job_run_next, worker_name

logger = logging.getLogger(__name__)

POLL_SECONDS = 1.0
_lock = threading.Lock()
_thread: threading.Thread | None = None
_stop = threading.Event()


def runner_ensure() -> bool:
    """Start this process's runner thread unless it runs already; False when switched off."""
    global _thread
    if not settings.JOBS_THREAD:
        return False
    with _lock:
        if _thread is None or not _thread.is_alive():
            _stop.clear()
            _thread = threading.Thread(target=_loop, name="safeplan-jobs", daemon=True)
            _thread.start()
    return True


def runner_stop(timeout: float = 10.0) -> None:
    """Stop this process's runner thread after its current job (for tests and shutdown)."""
    global _thread
    with _lock:
        _stop.set()
        if _thread is not None:
            _thread.join(timeout)
        _thread = None


def _loop() -> None:
    worker = worker_name("thread")
    while not _stop.is_set():
        job = None
        try:
            close_old_connections()
            job = job_run_next(worker=worker)
        except Exception:  # a database hiccup must not end the thread
            logger.exception("jobs: the runner thread could not poll the queue")
        finally:
            connections.close_all()
        if job is None:
            _stop.wait(POLL_SECONDS)

"""``safeplan serve``: the web application under gunicorn (and, in demo mode, a task worker)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from django.conf import settings

WSGI_APP = "safeplan.wsgi:application"
logger = logging.getLogger(__name__)


def register(group: click.Group) -> None:
    """Add this domain's commands to the ``safeplan`` group."""
    group.add_command(serve)


def default_workers() -> int:
    """Two to four worker processes: one per core, within those bounds."""
    return min(4, max(2, os.cpu_count() or 1))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port."
)
@click.option(
    "--workers",
    type=click.IntRange(1, 32),
    default=default_workers,
    show_default="2 to 4, by cores",
    help="Worker processes.",
)
@click.option(
    "--task-worker/--no-task-worker",
    default=None,
    help="Run a background task worker beside the server (default: SAFEPLAN_SERVE_WORKER, "
    "on in demo mode).",
)
def serve(host: str, port: int, workers: int, task_worker: bool | None) -> None:
    """Serve the web pages on http://HOST:PORT/ until interrupted (Ctrl+C).

    Collects the static files first; the database must be set up with
    `safeplan init`. In demo mode a task worker runs beside the server, so
    that large imports, withdrawals and recomputes need nothing else started.
    """
    from safeplan.cli import setup_django

    setup_django()
    with _task_worker(settings.SERVE_WORKER if task_worker is None else task_worker):
        server_run(host=host, port=port, workers=workers)


@contextmanager
def _task_worker(wanted: bool) -> Iterator[None]:
    """A ``safeplan jobs run`` process for as long as the server runs (a process, not a
    thread: the server's workers are forked, and the worker runs Polars)."""
    if not wanted:
        yield
        return
    command = [sys.executable, "-m", "safeplan", "jobs", "run", "--exit-with-parent"]
    worker = subprocess.Popen(command)
    click.echo(f"Background tasks run in process {worker.pid} beside the server.")
    try:
        yield
    finally:
        process_stop(worker, timeout=30)


def process_stop(process: subprocess.Popen[Any], *, timeout: float) -> None:
    """SIGTERM, then SIGKILL if the process has not ended within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def server_run(*, host: str = "127.0.0.1", port: int = 8000, workers: int | None = None) -> None:
    """Collect static files and serve until interrupted; Django must be set up.

    Also what ``safeplan demo`` runs after building its data.
    """
    from django.core.management import call_command
    from django.db import connections

    from safeplan.accounts.startup import startup_problems

    if migrations_pending():
        raise click.ClickException("the database is not set up; run `safeplan init` first")
    problems = startup_problems()
    if problems:
        raise click.ClickException("\n\n".join(problems))
    if settings.STATIC_ROOT:  # demo and test serve static files from the packages themselves
        call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()  # no connection may cross the fork into the workers
    _warn_if_threaded()
    workers = workers or default_workers()
    click.echo(f"Serving on http://{host}:{port}/ with {workers} workers (Ctrl+C stops).")
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "accesslog": "-",
        # No gunicornc control socket: nothing written to $HOME, and two servers never clash.
        "control_socket_disable": True,
    }
    run_gunicorn(options)


def threads_running() -> int | None:
    """How many threads this process has (Linux), or None where that cannot be read."""
    try:
        return len(os.listdir(Path("/proc/self/task")))
    except OSError:
        return None


def _warn_if_threaded() -> None:
    """A process with threads (Polars' pool, say) must not fork: its children can deadlock.

    `safeplan demo` therefore serves from a fresh process (it execs `safeplan
    serve` after building), and nothing here starts a thread before gunicorn forks.
    """
    threads = threads_running()
    if threads is not None and threads > 1:
        logger.warning(
            "safeplan serve: %s threads are running before the web workers are forked; "
            "pages may hang (serve from a fresh process)",
            threads,
        )


def migrations_pending() -> bool:
    """Whether the database lacks any of safeplan's migrations."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def run_gunicorn(options: dict[str, object]) -> None:
    """Gunicorn run from Python, as in its "Custom Application" guide (imported late: it is slow)."""
    from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]  # no stubs
    from gunicorn.util import import_app  # type: ignore[import-untyped]

    class SafeplanApplication(BaseApplication):  # type: ignore[misc]  # untyped base
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return import_app(WSGI_APP)

    SafeplanApplication().run()

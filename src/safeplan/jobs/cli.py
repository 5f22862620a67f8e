"""``safeplan jobs run [--once]``, ``safeplan jobs list`` and ``safeplan jobs sweep``: for operators."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add this domain's commands to the ``safeplan`` group."""
    group.add_command(jobs)


@click.group()
def jobs() -> None:
    """Background tasks (large imports, withdrawals, recomputes): run, list, sweep."""


@jobs.command("run")
@click.option("--once", is_flag=True, help="Run the queued tasks, then stop.")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between polls.")
@click.option("--exit-with-parent", is_flag=True, hidden=True)  # the worker `safeplan serve` starts
def run(once: bool, interval: float, exit_with_parent: bool) -> None:
    """Run the task worker; without --once, keep polling until stopped (SIGTERM, Ctrl+C)."""
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.jobs.worker import NotDatabaseBackend, worker_run

    try:
        ran = worker_run(batch=once, interval=interval, exit_with_parent=exit_with_parent,
                         handle_signals=not once)  # fmt: skip
    except NotDatabaseBackend as exc:
        raise click.ClickException(str(exc)) from None
    if once:
        click.echo(f"{ran} task{'' if ran == 1 else 's'} run")


@jobs.command("list")
@click.option("--limit", default=20, show_default=True)
def list_(limit: int) -> None:
    """The most recent tasks, newest first: id, kind, status, rows, queued at, about what."""
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.jobs.selectors import runs_recent

    for run in runs_recent(limit=limit):
        total = f"/{run.total}" if run.total else ""
        error = f" ({run.error})" if run.error else ""
        click.echo(
            f"{run.pk} {run.kind} {run.status} {run.progress}{total} "
            f"{run.created_at:%Y-%m-%d %H:%M} {run.label}{error}"
        )


@jobs.command("sweep")
def sweep() -> None:
    """Fail tasks a stopped worker left running; delete uploads no task holds, older than a day."""
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.jobs.services import tasks_sweep

    swept = tasks_sweep()
    click.echo(
        f"{swept.failed} stopped tasks marked failed, {swept.deleted} orphan uploads deleted"
    )

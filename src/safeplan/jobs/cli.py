"""``safeplan jobs run [--once]`` and ``safeplan jobs list``: the queue for operators."""

from __future__ import annotations

import time

import click


def register(group: click.Group) -> None:
    """Add this domain's commands to the ``safeplan`` group."""
    group.add_command(jobs)


@click.group()
def jobs() -> None:
    """Background jobs (large imports): run the queue, or list recent jobs."""


@jobs.command("run")
@click.option("--once", is_flag=True, help="Run the queued jobs, then stop.")
@click.option("--poll", default=1.0, show_default=True, help="Seconds between polls.")
def run(once: bool, poll: float) -> None:
    """Run queued jobs; without --once, keep polling until interrupted."""
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.jobs.services import job_run_next, worker_name

    worker = worker_name("cli")
    while True:
        job = job_run_next(worker=worker)
        if job is not None:
            click.echo(
                f"job {job.pk} {job.kind}: {job.status}{f' ({job.error})' if job.error else ''}"
            )
            continue
        if once:
            return
        time.sleep(poll)


@jobs.command("list")
@click.option("--limit", default=20, show_default=True)
def list_(limit: int) -> None:
    """The most recent jobs, newest first."""
    from safeplan.cli import setup_django

    setup_django()
    from safeplan.jobs.models import Job

    for job in Job.objects.all()[:limit]:
        total = f"/{job.total}" if job.total else ""
        click.echo(
            f"{job.pk} {job.kind} {job.status} {job.progress}{total} {job.created_at:%Y-%m-%d %H:%M}"
        )

"""The runner thread of a web process: started on enqueue, runs the job, stops when told."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import LazySettings

from safeplan.jobs.models import Job
from safeplan.jobs.runner import runner_ensure, runner_stop
from safeplan.jobs.services import job_enqueue
from tests.imports.conftest import GOOD_ROWS, table, write_csv


@pytest.fixture
def thread_on(settings: LazySettings) -> Iterator[None]:
    settings.JOBS_THREAD = True
    yield
    runner_stop()


def test_the_runner_is_off_where_settings_switch_it_off(settings: LazySettings) -> None:
    settings.JOBS_THREAD = False
    assert runner_ensure() is False


@pytest.mark.django_db(transaction=True)
def test_a_queued_job_is_run_by_the_thread_started_on_enqueue(
    thread_on: None, tmp_path: Path
) -> None:
    header, rows = table([GOOD_ROWS["referrals"]])
    path = write_csv(tmp_path / "referrals.csv", header, rows)
    payload = {"dataset": "referrals", "path": str(path), "file_name": "referrals.csv"}
    job = job_enqueue(kind="import", payload=payload, by=None)  # starts the thread on commit
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in (Job.Status.DONE, Job.Status.FAILED):
            break
        time.sleep(0.1)
    runner_stop()
    assert (job.status, job.result.get("accepted")) == (Job.Status.DONE, True)

"""Figures read while data has changed since they were computed say so, until a recompute succeeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import LazySettings
from django.test import Client

from safeplan.accounts.roles import Role
from safeplan.jobs import tasks
from safeplan.jobs.models import TaskRun
from safeplan.jobs.tasks import recompute_enqueue
from safeplan.jobs.worker import worker_run
from tests.imports.conftest import run_import, write_csv
from tests.web.conftest import signed_in
from tests.web.county import county_load

NOTICE = "These figures may be out of date"
PAGES = ("/", "/measures/", "/measures/M8/")  # the plan on a page and the measure pages


def _shown(client: Client) -> list[bool]:
    return [NOTICE in client.get(page).text for page in PAGES]


@pytest.mark.django_db(transaction=True)  # the worker works on committed data
def test_a_failed_recompute_leaves_the_notice_for_every_reader_until_one_succeeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: LazySettings
) -> None:
    settings.UPLOAD_DIR = tmp_path / "uploads"
    county_load(tmp_path)  # imported, then computed
    board, analyst = signed_in(Client(), Role.BOARD_MEMBER), signed_in(Client(), Role.ANALYST)
    assert _shown(board) == [False, False, False]

    more = write_csv(tmp_path / "more.csv", ["audit_id", "audit_date", "lived_experience"],
                     [["Z1", "2018-05-02", "good"]])  # fmt: skip
    assert run_import("case_audits", more).accepted  # accepted; nothing recomputed yet
    assert _shown(board) == [True, True, True]

    def disk_full(**_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(tasks, "results_compute", disk_full)  # the recompute fails
    run = recompute_enqueue(actor="ana", trigger="a test")
    worker_run(batch=True)
    run.refresh_from_db()
    assert run.status == TaskRun.Status.FAILED
    assert "OSError: disk full" in run.error
    assert _shown(board) == [True, True, True]  # still, on every page, for every reader
    assert _shown(analyst) == [True, True, True]

    monkeypatch.undo()
    recompute_enqueue(actor="ana", trigger="again")
    worker_run(batch=True)
    assert _shown(board) == [False, False, False]

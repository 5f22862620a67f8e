"""A process killed part-way through an import leaves the database exactly as before.

A real `safeplan import` runs in a child process against the test database; once it
reports rows read (and so written, uncommitted, under its batch) it is sent SIGKILL.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

from safeplan.records.models import RECORD_MODELS, ImportBatch
from tests.imports.conftest import run_import, write_csv

ROWS = 300_000  # about 10 MB: long enough to be killed in the middle, and shown as "large"
Referral = RECORD_MODELS["referrals"]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _big_file(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["referral_id", "child_id", "referral_date", "source", "nfa"])
        writer.writerows((f"B{i}", f"C{i % 5000}", "2024-05-01", "1A", "N") for i in range(ROWS))
    return path


def _snapshot() -> dict[str, Any]:
    return {
        "batches": list(
            ImportBatch.objects.order_by("pk").values_list("pk", "status", "records_stored")
        ),
        "referrals": list(
            Referral.objects.order_by("pk").values_list(
                "pk", "record_id", "is_current", "superseded_by_id"
            )
        ),
    }


def _wait_for_rows_read(child: subprocess.Popen[str], deadline: float) -> str:
    assert child.stderr is not None
    seen = ""
    while time.monotonic() < deadline:
        line = child.stderr.readline()
        seen += line
        if "rows read" in line:
            return seen
        if not line and child.poll() is not None:
            break
    child.kill()
    pytest.fail(f"the import never reported progress; it said:\n{seen}")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_killed_import_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    header = ["referral_id", "child_id", "referral_date"]
    assert run_import(
        "referrals", write_csv(tmp_path / "old.csv", header, [["B1", "C1", "2024-04-01"]])
    ).accepted
    before = _snapshot()
    env = {**os.environ, "DATABASE_URL": _database_url(), "SAFEPLAN_MODE": "test"}
    command = [
        str(Path(sys.executable).with_name("safeplan")),
        "import",
        "referrals",
        str(_big_file(tmp_path / "big.csv")),
    ]
    child = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_for_rows_read(child, time.monotonic() + 120)
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL  # killed mid-import, not finished
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate()
    assert _snapshot() == before
    assert Referral.objects.filter(record_id="B2").count() == 0
    # and the database still takes imports
    assert run_import(
        "referrals", write_csv(tmp_path / "new.csv", header, [["B2", "C1", "2024-04-01"]])
    ).accepted

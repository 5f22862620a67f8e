"""An import killed with SIGKILL at random points leaves the database exactly as before.

A real `safeplan import` runs in a child process against the test database
(SQLite or PostgreSQL, whichever the suite runs on). One import runs to the end
first, to time it; then imports of a file that supersedes half of those
records are killed after delays drawn at random over that time, so that they
die while Django starts, while rows are written, or while records are
superseded and committed. Each time the database must be exactly as before —
or, when the import had committed before the kill (the measures are recomputed
after the commit, in a transaction of their own), hold it whole.

The delays come from a seed printed with the test (``SAFEPLAN_KILL_SEED`` runs
it again); ``SAFEPLAN_KILL_RUNS`` sets how many kills (default 3, to keep CI
short).
"""

from __future__ import annotations

import csv
import os
import random
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

from safeplan.audit.models import AuditEvent
from safeplan.imports.services import import_file
from safeplan.records.models import RECORD_MODELS, ImportBatch

ROWS = 30_000  # about 1 MB: an import of a few seconds, killed part-way
RUNS = int(os.environ.get("SAFEPLAN_KILL_RUNS", "3"))
Referral = RECORD_MODELS["referrals"]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _referrals(path: Path, first: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["referral_id", "child_id", "referral_date", "source", "nfa"])
        writer.writerows(
            (f"B{i}", f"C{i % 5000}", "2024-05-01", "1A", "N") for i in range(first, first + ROWS)
        )
    return path


def _snapshot() -> dict[str, Any]:
    return {
        "batches": list(
            ImportBatch.objects.order_by("pk").values_list(
                "pk", "status", "records_stored", "records_superseded"
            )
        ),
        "referrals": list(
            Referral.objects.order_by("pk").values_list(
                "pk", "record_id", "is_current", "superseded_by_id"
            )
        ),
        "audit": AuditEvent.objects.count(),
    }


def _start(path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": _database_url(), "SAFEPLAN_MODE": "test"}
    command = [str(Path(sys.executable).with_name("safeplan")), "import", "referrals", str(path)]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _run_to_the_end(path: Path) -> float:
    started = time.monotonic()
    child = _start(path)
    out, err = child.communicate(timeout=300)
    assert child.returncode == 0, out + err
    return time.monotonic() - started


def _kill_after(path: Path, delay: float) -> int:
    """Start an import, SIGKILL it after `delay` seconds; its return code (0: it finished)."""
    child = _start(path)
    try:
        time.sleep(delay)
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
        return child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate()


def _assert_whole(batch: ImportBatch, where: str) -> None:
    assert (batch.status, batch.records_stored) == ("accepted", ROWS), where
    assert Referral.objects.filter(batch=batch, is_current=True).count() == ROWS, where
    superseded = Referral.objects.filter(superseded_by=batch).count()
    assert superseded == batch.records_superseded >= ROWS // 2, where
    assert AuditEvent.objects.filter(action="import.accept", object_id=str(batch.pk)).exists()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_imports_killed_at_random_points_leave_the_database_as_it_was(
    tmp_path: Path, record_property: Any
) -> None:
    seed = int(os.environ.get("SAFEPLAN_KILL_SEED") or secrets.randbits(32))
    record_property("kill_seed", seed)
    print(f"SAFEPLAN_KILL_SEED={seed}")
    draw = random.Random(seed)
    duration = _run_to_the_end(_referrals(tmp_path / "first.csv", 0))
    resubmission = _referrals(tmp_path / "again.csv", ROWS // 2)  # supersedes half of them
    outcomes = []
    for run in range(RUNS):
        before = _snapshot()
        delay = draw.uniform(0.0, duration)
        code = _kill_after(resubmission, delay)
        where = f"seed {seed}, run {run}, killed after {delay:.2f} s of {duration:.2f} s"
        assert code in (0, -signal.SIGKILL), where
        known = {pk for pk, *_ in before["batches"]}
        new = list(ImportBatch.objects.exclude(pk__in=known))
        if new:  # it committed before the kill (perhaps killed while recomputing): whole
            [batch] = new
            _assert_whole(batch, where)
        else:
            assert _snapshot() == before, where
        outcomes.append(f"{'committed' if new else 'nothing'} ({delay:.2f} s)")
    print(f"killed during an import of {duration:.2f} s: {', '.join(outcomes)}")
    # and the database still takes imports, the killed file's too
    assert import_file(dataset="referrals", path=resubmission, submitted_by="t").accepted
    assert Referral.objects.filter(is_current=True).count() == ROWS + ROWS // 2

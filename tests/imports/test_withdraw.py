"""Withdrawing a batch: its records leave, what it superseded returns."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from safeplan.audit.models import AuditEvent
from safeplan.imports.withdraw import WithdrawError, batch_withdraw
from safeplan.measures.models import ComputeRun
from safeplan.records.models import RECORD_MODELS, ImportBatch
from tests.imports.conftest import GOOD_ROWS, run_import

Referrals = RECORD_MODELS["referrals"]
Cases = RECORD_MODELS["cases"]
CsvFile = Callable[..., Path]


def _referrals(csv_file: CsvFile, name: str, **by_id: str) -> ImportBatch:
    """Import referrals given as id → referral date."""
    rows = [{**GOOD_ROWS["referrals"], "referral_id": rid, "referral_date": day}
            for rid, day in by_id.items()]  # fmt: skip
    outcome = run_import("referrals", csv_file(rows, name=name))
    assert outcome.accepted, outcome.problems
    return outcome.batch


def _current(model: Any = Referrals) -> dict[str, int]:
    """Current record id → the batch its version came from."""
    return dict(model.objects.filter(is_current=True).values_list("record_id", "batch_id"))


def test_withdrawing_a_batch_restores_the_versions_it_superseded(
    db: None, csv_file: CsvFile
) -> None:
    first = _referrals(csv_file, "a.csv", R1="2024-04-01", R2="2024-04-02")
    second = _referrals(csv_file, "b.csv", R2="2024-05-02", R3="2024-05-03")
    assert _current() == {"R1": first.pk, "R2": second.pk, "R3": second.pk}

    outcome = batch_withdraw(batch=second, by=None)

    assert (outcome.withdrawn, outcome.restored) == (2, 1)
    assert _current() == {"R1": first.pk, "R2": first.pk}
    restored = Referrals.objects.get(record_id="R2", batch=first)
    assert (restored.referral_date, restored.superseded_by_id) == (date(2024, 4, 2), None)
    second.refresh_from_db()
    assert second.status == ImportBatch.Status.WITHDRAWN
    assert second.withdrawn_at is not None


def test_a_withdrawal_is_audited_and_leaves_the_recompute_to_its_caller(
    db: None, csv_file: CsvFile
) -> None:
    batch = _referrals(csv_file, "a.csv", R1="2024-04-01")
    batch_withdraw(batch=batch, by="ana (command line)")
    event = AuditEvent.objects.get(action="batch.withdraw")
    assert (event.object_id, event.actor_name) == (str(batch.pk), "ana (command line)")
    assert event.after["withdrawn"] == 1
    assert not ComputeRun.objects.exists()  # the withdrawal task queues it (tests/jobs)


def test_a_version_replaced_again_by_a_later_batch_stays_superseded(
    db: None, csv_file: CsvFile
) -> None:
    """A ← B ← C on one record: withdrawing B leaves C's version current, not A's."""
    a = _referrals(csv_file, "a.csv", R1="2024-04-01")
    b = _referrals(csv_file, "b.csv", R1="2024-04-02")
    c = _referrals(csv_file, "c.csv", R1="2024-04-03")

    outcome = batch_withdraw(batch=b, by=None)

    assert (outcome.withdrawn, outcome.restored, outcome.handed_on) == (0, 0, 1)
    assert _current() == {"R1": c.pk}
    # A's version now waits on C: withdrawing C brings A's back, never withdrawn B's.
    assert Referrals.objects.get(batch=a).superseded_by_id == c.pk
    batch_withdraw(batch=c, by=None)
    assert _current() == {"R1": a.pk}


def test_withdrawing_the_only_batch_leaves_no_current_records(db: None, csv_file: CsvFile) -> None:
    batch = _referrals(csv_file, "a.csv", R1="2024-04-01", R2="2024-04-02")
    batch_withdraw(batch=batch, by=None)
    assert _current() == {}
    assert Referrals.objects.filter(batch=batch).count() == 2  # kept, for the record


def test_records_superseded_by_a_coverage_window_come_back_too(db: None, csv_file: CsvFile) -> None:
    case = GOOD_ROWS["cases"]
    rows = [{**case, "case_id": "K1"}, {**case, "case_id": "K2", "start_date": "2024-05-01"}]
    covers = (date(2024, 4, 1), date(2024, 6, 30))
    first = run_import("cases", csv_file(rows, name="a.csv"), covers=covers).batch
    # The resubmission for the same window no longer holds K2: K2 is superseded by it.
    second = run_import("cases", csv_file(rows[:1], name="b.csv"), covers=covers).batch
    assert _current(Cases) == {"K1": second.pk}
    batch_withdraw(batch=second, by=None)
    assert _current(Cases) == {"K1": first.pk, "K2": first.pk}


@pytest.mark.parametrize("status", ["rejected", "withdrawn", "processing"])
def test_only_an_accepted_batch_can_be_withdrawn(db: None, status: str) -> None:
    batch = ImportBatch.objects.create(dataset="referrals", source="referrals", file_name="x.csv",
                                       file_sha256="", submitted_by="t", status=status)  # fmt: skip
    with pytest.raises(WithdrawError):
        batch_withdraw(batch=batch, by=None)

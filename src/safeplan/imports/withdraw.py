"""Withdrawing an accepted batch: its records leave, the versions it superseded come back.

In one transaction (serialised with imports of the same dataset), looking only
at the batch's own source — a record is (source, record id), ADR 0014:

1. where a later batch has since replaced one of this batch's records, the
   version this batch had superseded is handed on to that later batch
   (``superseded_by`` = the later batch), so withdrawing the later batch one day
   restores it rather than a version of a withdrawn batch;
2. this batch's current records stop being current;
3. every version this batch superseded becomes current again — unless its
   record has a current version now (a later batch's), in which case it stays
   superseded, or it belongs to a batch withdrawn since;
4. the batch is marked withdrawn, and the withdrawal is audited.

The caller then has the measures recomputed (the web pages run all this as a
background task, ``safeplan.jobs.tasks.withdraw_task``).

    outcome = batch_withdraw(batch=batch, by=request.user)
    outcome.withdrawn, outcome.restored   # (120, 97)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import OperationalError, models
from django.db.models import Subquery
from django.utils import timezone

from safeplan.accounts.permissions import actor_may
from safeplan.audit.services import audit_record
from safeplan.imports.locks import is_lock_timeout, serialise_acceptance, writing
from safeplan.records.models import RECORD_MODELS, ImportBatch

__all__ = ["WithdrawError", "WithdrawOutcome", "batch_withdraw"]


class WithdrawError(ValueError):
    """The batch cannot be withdrawn (it was not accepted, or is withdrawn already)."""


@dataclass(frozen=True)
class WithdrawOutcome:
    batch: ImportBatch
    withdrawn: int
    restored: int
    handed_on: int


def batch_withdraw(*, batch: ImportBatch, by: Any) -> WithdrawOutcome:
    """Withdraw an accepted batch (see the module's docstring); the caller recomputes after.

    `by` must hold ``batch.withdraw`` (a user; the command line holds it).
    """
    if not actor_may(by, "batch.withdraw", batch):
        raise PermissionDenied(f"batch.withdraw is not allowed on batch {batch.pk}")
    try:
        with writing():
            serialise_acceptance(batch.dataset)
            outcome = _withdraw(batch, by)
    except OperationalError as exc:
        if not is_lock_timeout(exc):
            raise
        raise WithdrawError(
            f"another import or withdrawal of {batch.dataset} is running; try again in a minute"
        ) from None
    batch.refresh_from_db()
    return outcome


def _withdraw(batch: ImportBatch, by: Any) -> WithdrawOutcome:
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status != ImportBatch.Status.ACCEPTED:
        raise WithdrawError(
            f"batch {batch.pk} is {locked.status}; only an accepted batch can be withdrawn"
        )
    # A record is (source, id): only the batch's own source is looked at (ADR 0014).
    manager = RECORD_MODELS[locked.dataset]._default_manager
    own = manager.filter(import_source=locked.source)
    handed_on = _hand_on(own, locked)
    withdrawn = own.filter(batch=locked, is_current=True).update(is_current=False)
    current = own.filter(is_current=True).values("record_id")
    restored = (
        own.filter(superseded_by=locked, batch__status=ImportBatch.Status.ACCEPTED)
        .exclude(record_id__in=Subquery(current))
        .update(is_current=True, superseded_by=None)
    )
    locked.status = ImportBatch.Status.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["status", "withdrawn_at"])
    outcome = WithdrawOutcome(locked, withdrawn, restored, handed_on)
    _audit(by, outcome)
    return outcome


def _hand_on(own: models.QuerySet[Any], batch: ImportBatch) -> int:
    """Re-point what `batch` superseded to the later batches that replaced `batch`'s versions."""
    replaced = own.filter(batch=batch, is_current=False, superseded_by__isnull=False)
    handed = 0
    for later in replaced.values_list("superseded_by", flat=True).distinct().order_by():
        ids = replaced.filter(superseded_by=later).values("record_id")
        handed += own.filter(superseded_by=batch, record_id__in=Subquery(ids)).update(
            superseded_by=later
        )
    return handed


def _audit(by: Any, outcome: WithdrawOutcome) -> None:
    batch = outcome.batch
    audit_record(
        actor=by,
        action="batch.withdraw",
        obj=batch,
        summary=(
            f"withdrew batch {batch.pk} ({batch.dataset}, {batch.file_name}): "
            f"{outcome.withdrawn} records withdrawn, {outcome.restored} earlier versions restored"
        ),
        before={"status": ImportBatch.Status.ACCEPTED},
        after={
            "status": ImportBatch.Status.WITHDRAWN,
            "withdrawn": outcome.withdrawn,
            "restored": outcome.restored,
            "handed_on": outcome.handed_on,
        },
    )

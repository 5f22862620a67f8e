"""Who may upload which dataset and see which batch: the one place this app asks.

`safeplan.accounts.permissions` decides, including that a submitter sees only
the batches of their own agency's source (a dataset such as ``challenges`` is
sent by several agencies, so the dataset alone does not say whose a batch is).
"""

from __future__ import annotations

from typing import Any

from safeplan.accounts import permissions
from safeplan.accounts.permissions import agency_datasets, has_permission
from safeplan.accounts.selectors import user_agency
from safeplan.datasets.schema import DATASETS
from safeplan.records.models import ImportBatch


def may(user: Any, permission: str, obj: object = None) -> bool:
    return has_permission(user, permission, obj)


def agency_source(user: Any) -> str:
    """The import source of a submitter's uploads: the slug of their agency ("" if none)."""
    return permissions.agency_source(user_agency(user)) if user.is_authenticated else ""


def uploadable_datasets(user: Any) -> list[str]:
    """The datasets `user` may upload, in the schema's order."""
    if has_permission(user, "batch.view_all"):
        return [name for name in DATASETS if has_permission(user, "submission.upload", name)]
    allowed = agency_datasets(user_agency(user)) if user.is_authenticated else frozenset()
    return [n for n in DATASETS if n in allowed and has_permission(user, "submission.upload", n)]


def may_see_batch(user: Any, batch: ImportBatch) -> bool:
    """Staff see every batch; a submitter, their own agency's batches of their datasets."""
    return has_permission(user, "batch.view", batch)

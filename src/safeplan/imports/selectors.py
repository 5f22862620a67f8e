"""Read-only questions about imports: the batch list, and (re-exported) coverage and counts."""

from __future__ import annotations

from safeplan.engine.measures.base import merge_windows
from safeplan.records.models import ImportBatch
from safeplan.records.selectors import dataset_coverage, record_counts

__all__ = ["batch_list", "dataset_coverage", "merge_windows", "record_counts"]


def batch_list(
    *, dataset: str | None = None, status: str | None = None, limit: int | None = None
) -> list[ImportBatch]:
    """Import batches, newest first, optionally for one dataset or status."""
    batches = ImportBatch.objects.select_related("user").order_by("-created_at", "-id")
    if dataset:
        batches = batches.filter(dataset=dataset)
    if status:
        batches = batches.filter(status=status)
    return list(batches[:limit] if limit else batches)

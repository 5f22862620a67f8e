"""Reading batches for the data pages (background tasks: `safeplan.jobs.selectors`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from safeplan.records.models import RECORD_MODELS, ImportBatch
from safeplan.tabular.export import csv_bytes

PROBLEM_COLUMNS = ("row", "column", "value", "rule", "message")
RECORDS_SHOWN = 200


def batches_visible(*, all_sources: bool, source: str) -> QuerySet[ImportBatch]:
    """Every batch (staff), or one source's batches (a submitter's agency), newest first."""
    batches = ImportBatch.objects.select_related("user")
    return batches if all_sources else batches.filter(source=source)


def batch_get(pk: int) -> ImportBatch | None:
    return ImportBatch.objects.filter(pk=pk).first()


def batch_problems(batch: ImportBatch) -> list[dict[str, Any]]:
    """The problems stored on a rejected batch, in the order of the report."""
    return [dict(p) for p in batch.errors or []]


def batch_warnings(batch: ImportBatch) -> list[dict[str, Any]]:
    """What the import noted without rejecting the file (R-W rules), in report order."""
    return [dict(w) for w in batch.warnings or []]


def batch_problems_csv(batch: ImportBatch) -> bytes:
    """The validation report as CSV: row, column, value, rule, message (no cell a formula)."""
    rows = ([problem.get(c) for c in PROBLEM_COLUMNS] for problem in batch_problems(batch))
    return csv_bytes(PROBLEM_COLUMNS, rows)


def batch_records(
    batch: ImportBatch, limit: int = RECORDS_SHOWN
) -> tuple[list[str], list[list[Any]]]:
    """The first `limit` rows the batch stored (current or not): column names and values."""
    model = RECORD_MODELS[batch.dataset]
    names = ["record_id", "row_number", "is_current"] + [
        f.name
        for f in model._meta.get_fields()
        if f.concrete
        and f.name
        not in {
            "id",
            "record_id",
            "batch",
            "import_source",
            "row_number",
            "is_current",
            "superseded_by",
        }
    ]
    rows = model._default_manager.filter(batch=batch).order_by("row_number")[:limit]
    return names, [list(r) for r in rows.values_list(*names)]

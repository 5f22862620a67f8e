"""Reading what the demo needs to know about the database."""

from __future__ import annotations

from safeplan.records.models import RECORD_MODELS, ImportBatch


def database_has_records() -> bool:
    """Whether any import batch or record is stored (the demo builds only into an empty one)."""
    return ImportBatch.objects.exists() or any(
        m._default_manager.exists() for m in RECORD_MODELS.values()
    )

"""Read-only questions about the stored records: coverage windows and counts.

>>> dataset_coverage()["referrals"]            # doctest: +SKIP
[(datetime.date(2024, 4, 1), datetime.date(2025, 3, 31))]
"""

from __future__ import annotations

from datetime import date

from safeplan.datasets.schema import DATASETS
from safeplan.engine.measures.base import merge_windows
from safeplan.records.models import RECORD_MODELS, ImportBatch


def dataset_coverage() -> dict[str, list[tuple[date, date]]]:
    """For every windowed dataset, the merged windows covered by accepted imports.

    A window is the one stated with ``--covers`` or, without it, the min–max of
    the batch's primary dates. `children` and `population` have no window and
    are not listed. Withdrawn and rejected batches cover nothing.
    """
    windows: dict[str, list[tuple[date, date]]] = {
        name: [] for name, ds in DATASETS.items() if ds.windowed
    }
    accepted = ImportBatch.objects.filter(
        status=ImportBatch.Status.ACCEPTED, covers_from__isnull=False, covers_to__isnull=False
    ).values_list("dataset", "covers_from", "covers_to")
    for name, start, end in accepted:
        if name in windows and start is not None and end is not None:
            windows[name].append((start, end))
    return {name: merge_windows(found) for name, found in windows.items()}


def record_counts() -> dict[str, int]:
    """The number of current records of each dataset, in the schema's order."""
    return {
        name: model._default_manager.filter(is_current=True).count()
        for name, model in RECORD_MODELS.items()
    }

"""Read-only questions about the stored records: coverage windows and counts.

>>> dataset_coverage()["referrals"]            # doctest: +SKIP
[(datetime.date(2024, 4, 1), datetime.date(2025, 3, 31))]
"""

from __future__ import annotations

from datetime import date, timedelta

from safeplan.datasets.schema import DATASETS
from safeplan.records.models import RECORD_MODELS, ImportBatch


def merge_windows(windows: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Overlapping or touching windows merged, in date order.

    >>> merge_windows([(date(2024, 4, 1), date(2024, 6, 30)), (date(2024, 7, 1), date(2024, 9, 30))])
    [(datetime.date(2024, 4, 1), datetime.date(2024, 9, 30))]
    """
    merged: list[tuple[date, date]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


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

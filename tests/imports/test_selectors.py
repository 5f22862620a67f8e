"""The batch list, coverage windows and record counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeplan.datasets.schema import DATASETS
from safeplan.imports.readers import estimate_rows
from safeplan.imports.selectors import batch_list, dataset_coverage, merge_windows, record_counts
from safeplan.records.models import ImportBatch
from tests.imports.conftest import GOOD_ROWS, run_import, write_csv, write_xlsx

D = date


@pytest.mark.parametrize(
    ("windows", "merged"),
    [
        ([], []),
        ([(D(2024, 1, 1), D(2024, 1, 31))], [(D(2024, 1, 1), D(2024, 1, 31))]),
        # touching windows join: 31 January then 1 February
        ([(D(2024, 2, 1), D(2024, 2, 29)), (D(2024, 1, 1), D(2024, 1, 31))], [(D(2024, 1, 1), D(2024, 2, 29))]),
        # a gap of one day keeps them apart
        ([(D(2024, 1, 1), D(2024, 1, 30)), (D(2024, 2, 1), D(2024, 2, 29))], [(D(2024, 1, 1), D(2024, 1, 30)), (D(2024, 2, 1), D(2024, 2, 29))]),
        # a window inside another adds nothing
        ([(D(2024, 1, 1), D(2024, 12, 31)), (D(2024, 3, 1), D(2024, 3, 31))], [(D(2024, 1, 1), D(2024, 12, 31))]),
    ],
)  # fmt: skip
def test_it_merges_overlapping_and_touching_windows(
    windows: list[tuple[date, date]], merged: list[tuple[date, date]]
) -> None:
    assert merge_windows(windows) == merged


@given(st.lists(st.tuples(st.dates(D(2000, 1, 1), D(2030, 1, 1)), st.integers(0, 400)), max_size=8))
def test_merged_windows_cover_the_same_days_without_overlapping(
    starts: list[tuple[date, int]],
) -> None:
    windows = [(start, start + timedelta(days=length)) for start, length in starts]
    merged = merge_windows(windows)
    days = {w[0] + timedelta(days=i) for w in windows for i in range((w[1] - w[0]).days + 1)}
    assert {m[0] + timedelta(days=i) for m in merged for i in range((m[1] - m[0]).days + 1)} == days
    assert all(a[1] + timedelta(days=1) < b[0] for a, b in pairwise(merged))


@pytest.mark.django_db
def test_coverage_lists_every_windowed_dataset_from_accepted_batches_only(
    csv_file: Callable[..., Path],
) -> None:
    run_import(
        "cases",
        csv_file([GOOD_ROWS["cases"]], name="a.csv"),
        covers=(D(2024, 4, 1), D(2024, 6, 30)),
    )
    run_import(
        "cases",
        csv_file([GOOD_ROWS["cases"]], name="b.csv"),
        covers=(D(2024, 7, 1), D(2024, 9, 30)),
    )
    run_import("referrals", csv_file([{"referral_id": "R1"}], name="bad.csv"))  # rejected
    run_import("children", csv_file([GOOD_ROWS["children"]], name="c.csv"))
    coverage = dataset_coverage()
    assert set(coverage) == {name for name, ds in DATASETS.items() if ds.windowed}
    assert coverage["cases"] == [(D(2024, 4, 1), D(2024, 9, 30))]
    assert coverage["referrals"] == []


@pytest.mark.django_db
def test_a_withdrawn_batch_covers_nothing(csv_file: Callable[..., Path]) -> None:
    batch = run_import("referrals", csv_file([GOOD_ROWS["referrals"]])).batch
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.WITHDRAWN)
    assert dataset_coverage()["referrals"] == []


@pytest.mark.django_db
def test_record_counts_count_current_versions_of_every_dataset(
    csv_file: Callable[..., Path],
) -> None:
    run_import("referrals", csv_file([GOOD_ROWS["referrals"]], name="a.csv"))
    run_import("referrals", csv_file([GOOD_ROWS["referrals"]], name="b.csv"))  # a second version
    counts = record_counts()
    assert list(counts) == list(DATASETS)
    assert (counts["referrals"], counts["children"]) == (1, 0)


@pytest.mark.django_db
def test_the_batch_list_is_newest_first_and_filters(csv_file: Callable[..., Path]) -> None:
    first = run_import("referrals", csv_file([GOOD_ROWS["referrals"]], name="a.csv")).batch
    second = run_import("children", csv_file([GOOD_ROWS["children"]], name="b.csv")).batch
    third = run_import("referrals", csv_file([{"referral_id": "R1"}], name="c.csv")).batch
    assert batch_list() == [third, second, first]
    assert batch_list(dataset="referrals") == [third, first]
    assert batch_list(status="accepted", limit=1) == [second]


def test_rows_are_estimated_for_progress_bars(tmp_path: Path) -> None:
    rows = [["R1", "C1", "2024-01-01"]] * 7
    assert estimate_rows(write_csv(tmp_path / "r.csv", ["a", "b", "c"], rows)) == 7
    assert estimate_rows(write_xlsx(tmp_path / "r.xlsx", ["a", "b", "c"], rows)) == 7
    assert estimate_rows(tmp_path / "missing.csv") is None

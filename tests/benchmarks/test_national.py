"""The England-shaped benchmark generator: deterministic, linked, and accepted by the importer."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from benchmarks.national import WINDOW, authorities, generate_national

from safeplan.datasets.schema import DATASETS

TINY = {"fraction": 0.0004, "count": 3}  # three authorities of about 1,600 children


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}


def test_the_same_seed_gives_byte_identical_files_and_another_seed_other_files(
    tmp_path: Path,
) -> None:
    first = generate_national(seed=11, out_dir=tmp_path / "a", **TINY)
    again = generate_national(seed=11, out_dir=tmp_path / "b", **TINY)
    other = generate_national(seed=12, out_dir=tmp_path / "c", **TINY)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a")["referrals.csv"] != _files(tmp_path / "c")["referrals.csv"]
    assert [f.rows for f in first.files] == [f.rows for f in again.files]
    assert other.files[0].rows > 0


def test_authority_sizes_add_up_to_the_fraction_of_england() -> None:
    found = authorities(2017, 0.1)
    assert len(found) == 150
    assert sum(a.scale for a in found) == pytest.approx(0.1 * 12_000_000 / 100_000)
    assert len({a.code for a in found}) == 150


def test_every_file_has_the_canonical_columns_and_the_window_s_ten_years(tmp_path: Path) -> None:
    manifest = generate_national(seed=3, out_dir=tmp_path, **TINY)
    assert manifest.window == WINDOW
    assert (WINDOW[1] - WINDOW[0]).days + 1 == 3653  # ten financial years, 2014-15 to 2023-24
    for demo_file in manifest.files:
        frame = pl.read_csv(demo_file.path, infer_schema_length=0)
        assert tuple(frame.columns) == DATASETS[demo_file.dataset].column_names
        assert frame.height == demo_file.rows > 0
    referrals = pl.read_csv(manifest.path("referrals"), try_parse_dates=True)
    years = referrals.get_column("referral_date").dt.year()
    assert (years.min(), years.max()) == (2014, 2024)


def test_records_stay_linked_within_an_authority_and_ids_are_unique(tmp_path: Path) -> None:
    manifest = generate_national(seed=5, out_dir=tmp_path, **TINY)
    read = {f.dataset: pl.read_csv(f.path, infer_schema_length=0) for f in manifest.files}
    for name, frame in read.items():
        keys = list(DATASETS[name].keys)
        assert not frame.select(keys).is_duplicated().any(), name
    children = set(read["children"].get_column("child_id"))
    for name in ("referrals", "assessments", "cp_plans", "missing_episodes", "challenges"):
        named = set(read[name].get_column("child_id").drop_nulls())
        assert named <= children, name
    # An assessment's referral belongs to the same child, in the same authority.
    pairs = read["assessments"].join(
        read["referrals"].select("referral_id", pl.col("child_id").alias("referred")),
        on="referral_id",
    )
    assert (pairs.get_column("child_id") == pairs.get_column("referred")).all()
    locality = read["referrals"].get_column("locality").unique().sort().to_list()
    assert locality == ["Authority 001", "Authority 002", "Authority 003"]


def test_population_has_each_authority_and_england_for_each_year(tmp_path: Path) -> None:
    manifest = generate_national(seed=5, out_dir=tmp_path, **TINY)
    population = pl.read_csv(manifest.path("population"))
    england = population.filter(pl.col("locality").is_null())
    local = population.filter(pl.col("locality").is_not_null())
    assert england.get_column("year").to_list() == list(range(2014, 2024))
    summed = local.group_by("year").agg(pl.col("population_0_17").sum()).sort("year")
    assert (
        summed.get_column("population_0_17").to_list()
        == england.get_column("population_0_17").to_list()
    )


@pytest.mark.django_db
def test_the_importer_accepts_every_generated_file(tmp_path: Path) -> None:
    from safeplan.imports.services import import_file

    manifest = generate_national(seed=9, out_dir=tmp_path, fraction=0.0002, count=2)
    for demo_file in manifest.files:
        outcome = import_file(
            dataset=demo_file.dataset,
            path=demo_file.path,
            source=demo_file.source,
            covers=demo_file.covers,
            submitted_by="test",
        )
        assert outcome.accepted, (demo_file.dataset, outcome.problems[:3])
        assert outcome.batch.records_stored == demo_file.rows

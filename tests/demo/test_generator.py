"""The synthetic county's files: canonical, deterministic and linked like real journeys."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from safeplan.datasets.schema import DATASETS, ColumnType
from safeplan.demo.generator import IMPORT_ORDER, DemoManifest, generate

SMALL = 0.03
WINDOW = (date(2016, 4, 1), date(2020, 3, 31))
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


def read(manifest: DemoManifest, dataset: str) -> pl.DataFrame:
    """A generated file as text columns, blanks as nulls, exactly as written."""
    return pl.read_csv(manifest.path(dataset), infer_schema_length=0)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    return generate(seed=7, scale=SMALL, out_dir=tmp_path_factory.mktemp("small"))


def test_it_writes_one_file_per_dataset_in_import_order_with_the_schema_columns(
    small: DemoManifest,
) -> None:
    assert [f.dataset for f in small.files] == list(IMPORT_ORDER)
    assert sorted(IMPORT_ORDER) == sorted(DATASETS)
    for f in small.files:
        header = f.path.read_text(encoding="utf-8").splitlines()[0]
        assert tuple(header.split(",")) == DATASETS[f.dataset].column_names
        assert f.rows == read(small, f.dataset).height


def test_windowed_files_cover_the_four_years_and_missing_episodes_come_from_the_police(
    small: DemoManifest,
) -> None:
    for f in small.files:
        assert f.covers == (WINDOW if DATASETS[f.dataset].windowed else None)
        assert f.source == ("police" if f.dataset == "missing_episodes" else f.dataset)


def test_the_same_seed_and_scale_give_byte_identical_files(tmp_path: Path) -> None:
    first = generate(seed=11, scale=0.02, out_dir=tmp_path / "a")
    second = generate(seed=11, scale=0.02, out_dir=tmp_path / "b")
    for a, b in zip(first.files, second.files, strict=True):
        assert a.path.read_bytes() == b.path.read_bytes(), a.dataset


def test_another_seed_gives_another_county(tmp_path: Path) -> None:
    first = generate(seed=11, scale=0.02, out_dir=tmp_path / "a")
    second = generate(seed=12, scale=0.02, out_dir=tmp_path / "b")
    assert first.path("referrals").read_bytes() != second.path("referrals").read_bytes()


@pytest.mark.parametrize("scale", [0, -1, 101])
def test_it_refuses_a_scale_outside_its_range(scale: float, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale"):
        generate(scale=scale, out_dir=tmp_path)


def test_a_tiny_county_still_writes_valid_files(tmp_path: Path) -> None:
    # so few children that some localities and quarters have nobody in them
    manifest = generate(seed=1, scale=0.001, out_dir=tmp_path)
    population = read(manifest, "population")
    assert population["population_0_17"].cast(pl.Int64).min() > 0
    for f in manifest.files:
        _check_values(f.dataset, read(manifest, f.dataset))


@pytest.mark.parametrize("dataset", IMPORT_ORDER)
def test_every_value_is_written_in_its_canonical_format(small: DemoManifest, dataset: str) -> None:
    frame = read(small, dataset)
    assert frame.height > 0
    _check_values(dataset, frame)


def _check_values(dataset: str, frame: pl.DataFrame) -> None:
    spec = DATASETS[dataset]
    assert frame.select(spec.keys).is_duplicated().sum() == 0, "record keys are unique"
    for column in spec.columns:
        values = frame[column.name]
        if column.required:
            assert values.null_count() == 0, column.name
        present = values.drop_nulls()
        _check_type(column.type, column.codes, present, column.name)
        if column.type is ColumnType.INT:
            numbers = present.cast(pl.Int64)
            low, high = column.min_value, column.max_value
            assert low is None or numbers.is_empty() or numbers.min() >= low, column.name  # type: ignore[operator]
            assert high is None or numbers.is_empty() or numbers.max() <= high, column.name  # type: ignore[operator]
        if column.not_before:
            both = frame.select(column.name, column.not_before).drop_nulls()
            assert (both[column.name] >= both[column.not_before]).all(), column.name
        if column.max_length:
            assert (present.str.len_chars().max() or 0) <= column.max_length, column.name  # type: ignore[operator]


def _check_type(kind: ColumnType, codes: tuple[str, ...], values: pl.Series, name: str) -> None:
    if kind is ColumnType.DATE:
        assert values.str.to_date("%Y-%m-%d", strict=False).null_count() == 0, name
    elif kind is ColumnType.DATETIME:
        assert values.str.contains(DATETIME.pattern).all(), name
    elif kind is ColumnType.FLAG:
        assert set(values) <= {"Y", "N"}, name
    elif kind is ColumnType.CODE:
        assert set(values) <= set(codes), name
    elif kind is ColumnType.CODE_LIST:
        assert set(values.str.split(";").explode()) <= set(codes), name
    elif kind is ColumnType.INT:
        assert values.str.contains(r"^\d+$").all(), name


def test_records_are_about_children_of_the_county(small: DemoManifest) -> None:
    children = set(read(small, "children")["child_id"])
    for dataset in IMPORT_ORDER:
        if "child_id" in DATASETS[dataset].column_names and dataset != "children":
            assert set(read(small, dataset)["child_id"].drop_nulls()) <= children, dataset


def test_assessments_follow_their_referrals_and_a_few_name_none(small: DemoManifest) -> None:
    referrals = read(small, "referrals").select("referral_id", "child_id", "referral_date")
    assessments = read(small, "assessments")
    linked = assessments.join(referrals, on="referral_id", suffix="_ref")
    unlinked = assessments["referral_id"].null_count()
    assert linked.height + unlinked == assessments.height
    assert (linked["child_id"] == linked["child_id_ref"]).all()
    assert (linked["start_date"] >= linked["referral_date"]).all()
    assert 0 < unlinked < 0.12 * assessments.height


def test_every_plan_starts_at_a_conference_of_the_same_child(small: DemoManifest) -> None:
    plans = read(small, "cp_plans")
    conferences = read(small, "cp_conferences").filter(
        pl.col("conference_type").is_in(["initial", "transfer_in"])
    )
    matched = plans.join(
        conferences,
        left_on=["child_id", "start_date"],
        right_on=["child_id", "conference_date"],
    )
    assert matched["plan_id"].n_unique() == plans.height


def test_children_missing_from_care_are_in_a_care_period_at_the_time(small: DemoManifest) -> None:
    care = read(small, "care_periods")
    episodes = read(small, "missing_episodes").filter(pl.col("looked_after") == "Y")
    assert episodes.height > 0
    day = pl.col("missing_start").str.slice(0, 10)
    inside = episodes.join(care, on="child_id").filter(
        (pl.col("start_date") <= day) & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))
    )
    assert inside["episode_id"].n_unique() == episodes.height

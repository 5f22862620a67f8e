"""The generated files as the measure engine reads them, without a database.

Tests and benchmarks can compute the twelve measures on the synthetic county
straight from `generate`'s files; the frames hold what the importer would
store (dates of birth truncated to the month, flags as booleans, factor lists
split) and the coverage windows the manifest states.

    manifest = generate(seed=2017, scale=1.0, out_dir=folder)
    results = compute_all(demo_measure_inputs(manifest), ["2018-19"])
"""

from __future__ import annotations

import polars as pl

from safeplan.datasets.schema import DATASETS, Column, ColumnType
from safeplan.demo.generator import DemoManifest
from safeplan.engine.measures import MeasureInputs, conform


def demo_measure_inputs(manifest: DemoManifest) -> MeasureInputs:
    """Frames, coverage and no plan overrides, as `measures.selectors.measure_inputs` gives."""
    frames = {f.dataset: _frame(f.dataset, manifest) for f in manifest.files}
    coverage = {f.dataset: [f.covers] for f in manifest.files if f.covers}
    return MeasureInputs(frames=frames, coverage=coverage)


def _frame(dataset: str, manifest: DemoManifest) -> pl.DataFrame:
    text = pl.read_csv(manifest.path(dataset), infer_schema_length=0)
    parsed = text.with_columns(_parse(column) for column in DATASETS[dataset].columns)
    return conform(dataset, parsed)


def _parse(column: Column) -> pl.Expr:
    value = pl.col(column.name)
    if column.type is ColumnType.DATE:
        as_date = value.str.to_date("%Y-%m-%d")
        return as_date.dt.truncate("1mo") if column.truncate_to_month else as_date
    if column.type is ColumnType.DATETIME:
        return value.str.to_datetime("%Y-%m-%d %H:%M", time_unit="us")
    if column.type is ColumnType.FLAG:
        return value.replace_strict({"Y": True, "N": False}, default=None, return_dtype=pl.Boolean)
    if column.type is ColumnType.INT:
        return value.cast(pl.Int64)
    if column.type is ColumnType.CODE_LIST:
        return value.fill_null("").str.split(";").list.eval(pl.element().filter(pl.element() != ""))
    return value

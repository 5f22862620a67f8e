"""Small builders for hand-made measure cases: rows as dicts, dates as ISO text."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import polars as pl

from safeplan.datasets.schema import DATASETS
from safeplan.engine.measures import MeasureInputs, compute_measure, dataset_schema
from safeplan.engine.periods import parse_period

# Every windowed dataset covered from 2015-04-01 to 2021-03-31 unless a case says otherwise.
FULL = ((date(2015, 4, 1), date(2021, 3, 31)),)
COVERED = {name: FULL for name, ds in DATASETS.items() if ds.windowed}


def _value(value: Any, dtype: pl.DataType) -> Any:
    if isinstance(value, str) and dtype == pl.Date:
        return date.fromisoformat(value)
    if isinstance(value, str) and isinstance(dtype, pl.Datetime):
        return datetime.fromisoformat(value)
    return value


def frame(name: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema = dataset_schema(name)
    converted = [{k: _value(v, schema[k]) for k, v in row.items()} for row in rows]
    return pl.DataFrame(converted, schema=schema)


def inputs(
    coverage: dict[str, Any] | None = None,
    plan_start: date | None = None,
    parameters: dict[str, dict[str, Any]] | None = None,
    **datasets: list[dict[str, Any]],
) -> MeasureInputs:
    return MeasureInputs(
        frames={name: frame(name, rows) for name, rows in datasets.items()},
        coverage=COVERED if coverage is None else coverage,
        plan_start=plan_start,
        parameters=parameters or {},
    )


def result(
    measure: str,
    data: MeasureInputs,
    period: str,
    breakdown: str = "all",
    group: str | None = None,
) -> dict[str, Any]:
    """The one result row of `measure` for `period` and group, with `secondary` decoded."""
    rows = compute_measure(measure, data, [parse_period(period)]).filter(
        pl.col("breakdown") == breakdown,
        pl.col("group").is_null() if group is None else pl.col("group") == group,
    )
    assert rows.height == 1, rows
    row = rows.row(0, named=True)
    row["secondary"] = json.loads(row["secondary"])
    row["parameters"] = json.loads(row["parameters"])
    return row


def figures(row: dict[str, Any]) -> tuple[Any, Any, Any]:
    return row["value"], row["numerator"], row["denominator"]

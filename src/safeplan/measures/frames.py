"""Load the current records of each dataset into Polars frames for the pure engine.

The engine speaks the schema's column names and these dtypes: ids, text and
codes as strings, dates as ``pl.Date``, date-times as naive local clock times
(``pl.Datetime("us")``), flags as nullable booleans, whole numbers as
``pl.Int64`` and the assessment factor list as ``pl.List(pl.String)``. Each
frame also carries ``_source``, the source that sent the record (ADR 0014).

Event datasets are the union of every source's current records. `children`
and `population` describe one child or one year and locality, so where two
sources hold the same key the engine is given one row: the one from the most
recently imported batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl

from safeplan.datasets.schema import DATASETS, ColumnType, Dataset
from safeplan.engine.measures.base import SOURCE
from safeplan.records.models import RECORD_MODELS

_DTYPES: dict[ColumnType, Any] = {
    ColumnType.ID: pl.String,
    ColumnType.TEXT: pl.String,
    ColumnType.CODE: pl.String,
    ColumnType.CODE_LIST: pl.String,
    ColumnType.DATE: pl.Date,
    ColumnType.DATETIME: pl.Datetime("us"),
    ColumnType.FLAG: pl.Boolean,
    ColumnType.INT: pl.Int64,
}
_CHUNK = 50_000


def _frame_schema(dataset: Dataset) -> dict[str, Any]:
    return {**{col.name: _DTYPES[col.type] for col in dataset.columns}, SOURCE: pl.String}


def _rows(dataset: Dataset) -> Iterable[tuple[Any, ...]]:
    model = RECORD_MODELS[dataset.name]
    query = model._default_manager.filter(is_current=True)
    # Reference data in import order, so that the latest batch's row comes last.
    query = query.order_by("pk") if dataset.windowed else query.order_by("batch_id", "pk")
    # Date-times come back as the naive clock times that were written (ADR 0015).
    names = (*dataset.column_names, "import_source")
    return query.values_list(*names).iterator(chunk_size=_CHUNK)


def dataset_frame(name: str) -> pl.DataFrame:
    """The current records of one dataset as a frame in the engine's dtypes."""
    dataset = DATASETS[name]
    schema = _frame_schema(dataset)
    chunks: list[pl.DataFrame] = []
    buffer: list[tuple[Any, ...]] = []
    for row in _rows(dataset):
        buffer.append(row)
        if len(buffer) >= _CHUNK:
            chunks.append(pl.DataFrame(buffer, schema=schema, orient="row"))
            buffer = []
    chunks.append(pl.DataFrame(buffer, schema=schema, orient="row"))
    frame = pl.concat(chunks, how="vertical")
    if not dataset.windowed:  # one row per child, or per year and locality: the latest
        frame = frame.unique(subset=list(dataset.keys), keep="last", maintain_order=True)
    for col in dataset.columns:
        if col.type is ColumnType.CODE_LIST:
            frame = frame.with_columns(
                pl.col(col.name)
                .fill_null("")
                .str.split(";")
                .list.eval(pl.element().filter(pl.element() != ""))
            )
    return frame


def all_frames() -> dict[str, pl.DataFrame]:
    return {name: dataset_frame(name) for name in DATASETS}

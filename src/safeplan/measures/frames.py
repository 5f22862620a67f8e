"""Load the current records of each dataset into Polars frames for the pure engine.

The engine speaks the schema's column names and these dtypes: ids, text and
codes as strings, dates as ``pl.Date``, date-times as naive local clock times
(``pl.Datetime("us")``), flags as nullable booleans, whole numbers as
``pl.Int64`` and the assessment factor list as ``pl.List(pl.String)``.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import polars as pl
from django.conf import settings

from safeplan.datasets.schema import DATASETS, ColumnType, Dataset
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


def _local_naive(value: datetime | None) -> datetime | None:
    """An aware time from the database as the naive local clock time it was recorded as."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None)


def _frame_schema(dataset: Dataset) -> dict[str, Any]:
    return {col.name: _DTYPES[col.type] for col in dataset.columns}


def _rows(dataset: Dataset) -> Iterable[tuple[Any, ...]]:
    model = RECORD_MODELS[dataset.name]
    names = dataset.column_names
    datetime_positions = [
        i for i, col in enumerate(dataset.columns) if col.type is ColumnType.DATETIME
    ]
    query = model._default_manager.filter(is_current=True).order_by("pk").values_list(*names)
    for row in query.iterator(chunk_size=_CHUNK):
        if datetime_positions:
            cells = list(row)
            for i in datetime_positions:
                cells[i] = _local_naive(cells[i])
            yield tuple(cells)
        else:
            yield row


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

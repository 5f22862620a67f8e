"""Writing validated rows: one ``INSERT`` per chunk, values adapted as the ORM would."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.db import connection

from safeplan.datasets.schema import ColumnType, Dataset
from safeplan.imports.validation import ValidRow
from safeplan.records.models import RECORD_MODELS, ImportBatch


class Writer:
    """Insert validated rows in chunks with one statement per chunk.

    A raw ``executemany`` rather than ``bulk_create``: building a million model
    instances would dominate the import's time. Dates and date-times go through
    the backend's own adapters (``connection.ops``), so they are stored exactly as
    the ORM stores them.
    """

    def __init__(
        self, dataset: Dataset, batch: ImportBatch, *, source: str, chunk_rows: int
    ) -> None:
        model = RECORD_MODELS[dataset.name]
        provenance = ["record_id", "batch", "import_source", "row_number", "is_current"]
        names = [*provenance, *dataset.column_names]
        fields: list[Any] = [model._meta.get_field(name) for name in names]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
        self.prefix: tuple[object, ...] = (batch.pk, source)
        self.columns = dataset.column_names
        self.prepare = [(i, p) for i, p in enumerate(_preparers(dataset)) if p is not _identity]
        self.pending: list[tuple[Any, ...]] = []
        self.chunk_rows = chunk_rows
        self.written = 0

    def add(self, row_number: int, row: ValidRow) -> None:
        values = [row.values[name] for name in self.columns]
        for index, prepare in self.prepare:
            values[index] = prepare(values[index])
        self.pending.append((row.record_id, *self.prefix, row_number, False, *values))
        if len(self.pending) >= self.chunk_rows:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.pending)
            self.written += len(self.pending)
            self.pending = []


def _identity(value: object) -> object:
    return value


def _preparers(dataset: Dataset) -> list[Callable[[object], object]]:
    """How each column's value is handed to the database driver, as the ORM would."""
    ops = connection.ops

    def prepare_datetime(value: object) -> object:
        # A naive local clock time, stored exactly as written (ADR 0015).
        return ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else None

    def prepare_date(value: object) -> object:
        return ops.adapt_datefield_value(value) if isinstance(value, date) else None

    by_type = {ColumnType.DATETIME: prepare_datetime, ColumnType.DATE: prepare_date}
    return [by_type.get(col.type, _identity) for col in dataset.columns]

"""Records another source holds too: warnings for the import report, never an overwrite (ADR 0014).

Two sources may hold the same child event under different ids (the police and
the local authority both recording one missing episode, say). Nothing is
merged or replaced: the import is accepted and its report lists

- R-W03, for datasets about events: each row whose child (or learner) and
  primary date — the calendar day, for a date-time — match a current record of
  another source, naming the first such record of each other batch by source,
  batch and row (never by its identifiers);
- R-W04, for `children` and `population`: how many of the file's keys another
  source also holds (the measures read the most recently imported row).

They are found with one SQL join on the rows just written, and only when
another source has accepted batches of the dataset.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import connection

from safeplan.datasets.schema import ColumnType, Dataset
from safeplan.imports.validation import ImportProblem, Where
from safeplan.records.models import RECORD_MODELS, ImportBatch


def overlap_warnings(
    *, dataset: Dataset, batch: ImportBatch, where: Where
) -> Iterator[ImportProblem]:
    """The warnings for `batch`'s rows (not yet current) against other sources' current records."""
    others = ImportBatch.objects.filter(
        dataset=dataset.name, status=ImportBatch.Status.ACCEPTED
    ).exclude(source=batch.source)
    if not others.exists():
        return iter(())
    if not dataset.windowed:
        return _shared_keys(dataset, batch, where)
    person = _person_column(dataset)
    if person is None:
        return iter(())
    return _same_events(dataset, batch, where, person)


def _person_column(dataset: Dataset) -> str | None:
    return next((col.name for col in dataset.columns if col.pseudonymise), None)


def _day(dataset: Dataset, alias: str) -> str:
    assert dataset.primary_date is not None
    column = f"{alias}.{connection.ops.quote_name(dataset.primary_date)}"
    if dataset.column(dataset.primary_date).type is not ColumnType.DATETIME:
        return column
    return f"date({column})" if connection.vendor == "sqlite" else f"CAST({column} AS date)"


def _same_events(
    dataset: Dataset, batch: ImportBatch, where: Where, person: str
) -> Iterator[ImportProblem]:
    # Other sources' records are first grouped by (person, day, batch), so that a
    # row is compared once per batch however many records that batch holds.
    quote = connection.ops.quote_name
    table = quote(RECORD_MODELS[dataset.name]._meta.db_table)
    who = quote(person)
    sql = (
        "SELECT m.row_number, o.import_source, o.batch_id, o.first_row "
        f"FROM {table} m JOIN ("
        f"SELECT {who} AS who, {_day(dataset, 'r')} AS day, import_source, batch_id, "
        f"MIN(row_number) AS first_row FROM {table} r "
        f"WHERE r.is_current = %s AND r.import_source <> %s AND r.{who} IS NOT NULL "
        f"GROUP BY {who}, {_day(dataset, 'r')}, import_source, batch_id"
        f") o ON o.who = m.{who} AND o.day = {_day(dataset, 'm')} "
        "WHERE m.batch_id = %s ORDER BY m.row_number, o.batch_id"
    )
    date_name = dataset.primary_date
    for row, source, other_batch, other_row in _fetch(sql, [True, batch.source, batch.pk]):
        yield where.problem(
            "R-W03",
            f"has the same {person} and {date_name} as row {other_row} of batch {other_batch} "
            f"from {source}; if they are one event, one source should correct or withdraw it",
            row=row,
            column=f"{person}, {date_name}",
        )


def _shared_keys(dataset: Dataset, batch: ImportBatch, where: Where) -> Iterator[ImportProblem]:
    table = connection.ops.quote_name(RECORD_MODELS[dataset.name]._meta.db_table)
    sql = (
        f"SELECT o.import_source, COUNT(*) FROM {table} m JOIN {table} o "
        "ON o.record_id = m.record_id "
        "WHERE m.batch_id = %s AND o.is_current = %s AND o.import_source <> %s "
        "GROUP BY o.import_source ORDER BY o.import_source"
    )
    noun = "children" if dataset.name == "children" else "years and localities"
    for source, count in _fetch(sql, [batch.pk, True, batch.source]):
        yield where.problem(
            "R-W04",
            f"{count:,} of this file's {noun} are also held by {source}; both are kept, "
            "and the measures read the most recently imported",
        )


def _fetch(sql: str, params: list[Any]) -> Iterator[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(2_000):
            yield from rows

"""Date-times of records become local clock times stored as written (ADR 0015).

Until now they were stored as instants (PostgreSQL ``timestamptz``; SQLite text
in UTC). Each stored instant is turned into the Europe/London clock time it
shows, which is the time that was in the file — except for a time written in
the hour skipped when the clocks go forward, which was stored an hour later
and cannot be told apart from a time written that hour later (ADR 0015 says
how to find and re-import such records).
"""

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

import safeplan.records.fields

TABLE = "records_missing_episodes"
COLUMNS = ("missing_start", "missing_end", "rhi_completed_at")
LOCAL = "Europe/London"
CHUNK = 5_000


def _to_clock_time(value: datetime) -> datetime:
    """A UTC timestamp as SQLite holds it → the Europe/London clock time it shows."""
    return value.replace(tzinfo=UTC).astimezone(ZoneInfo(LOCAL)).replace(tzinfo=None)


def _to_utc(value: datetime) -> datetime:
    """The way back: a clock time read in Europe/London (fold 0) → UTC, naive."""
    return value.replace(tzinfo=ZoneInfo(LOCAL)).astimezone(UTC).replace(tzinfo=None)


def _rewrite_sqlite(
    schema_editor: BaseDatabaseSchemaEditor, convert: Callable[[datetime], datetime]
) -> None:
    """Rewrite every stored value row by row (by id, so a new value is never rewritten twice)."""
    connection = schema_editor.connection
    table = connection.ops.quote_name(TABLE)
    with connection.cursor() as cursor:
        for column in map(connection.ops.quote_name, COLUMNS):
            cursor.execute(f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL")
            rows = cursor.fetchall()
            for start in range(0, len(rows), CHUNK):
                cursor.executemany(
                    f"UPDATE {table} SET {column} = %s WHERE id = %s",
                    [(str(convert(_parsed(v))), pk) for pk, v in rows[start : start + CHUNK]],
                )


def _parsed(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _alter_postgresql(schema_editor: BaseDatabaseSchemaEditor, to_type: str) -> None:
    quote = schema_editor.connection.ops.quote_name
    changes = ", ".join(
        f"ALTER COLUMN {quote(c)} TYPE {to_type} USING {quote(c)} AT TIME ZONE '{LOCAL}'"
        for c in COLUMNS
    )
    schema_editor.execute(f"ALTER TABLE {quote(TABLE)} {changes}")


def _forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        _alter_postgresql(schema_editor, "timestamp without time zone")
    else:
        _rewrite_sqlite(schema_editor, _to_clock_time)


def _backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        _alter_postgresql(schema_editor, "timestamp with time zone")
    else:
        _rewrite_sqlite(schema_editor, _to_utc)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(_forwards, _backwards)],
            state_operations=[
                migrations.AlterField(
                    model_name="missingepisodesrecord",
                    name="missing_end",
                    field=safeplan.records.fields.ClockTimeField(null=True),
                ),
                migrations.AlterField(
                    model_name="missingepisodesrecord",
                    name="missing_start",
                    field=safeplan.records.fields.ClockTimeField(),
                ),
                migrations.AlterField(
                    model_name="missingepisodesrecord",
                    name="rhi_completed_at",
                    field=safeplan.records.fields.ClockTimeField(null=True),
                ),
            ],
        ),
    ]

"""A local clock time stored exactly as written, with no time zone (ADR 0015).

Imported date-times (`missing_start`, `missing_end`, `rhi_completed_at`) are
what a police or care system shows: a wall-clock reading in Europe/London. The
measures compare them as clock times, so they are stored as such — PostgreSQL
``timestamp without time zone``, SQLite's text — and read back naive, digit for
digit, whether or not the time exists (the hour skipped in March) or is
ambiguous (the hour repeated in October). Django's own `DateTimeField`, under
``USE_TZ``, would turn each into an instant and so move the skipped hour.

>>> ClockTimeField().get_prep_value(datetime(2025, 3, 30, 1, 19))
datetime.datetime(2025, 3, 30, 1, 19)
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone


class ClockTimeField(models.DateTimeField):  # type: ignore[type-arg]
    """Naive in, naive out: the clock digits as written, never converted.

    An aware value handed in (a lookup built from ``timezone.now()``, say) is
    first turned into the Europe/London clock time it shows.
    """

    description = "Local clock time, stored as written (no time zone)"

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        if connection.vendor == "postgresql":
            return "timestamp without time zone"
        return super().db_type(connection)

    def to_python(self, value: Any) -> datetime | None:
        if isinstance(value, datetime):
            return _clock(value)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        parsed = super().to_python(value)  # text: parsed naive unless it names an offset
        return _clock(parsed) if parsed is not None else None

    def get_prep_value(self, value: Any) -> Any:
        return self.to_python(models.Field.get_prep_value(self, value))

    def from_db_value(
        self, value: datetime | None, expression: Any, connection: BaseDatabaseWrapper
    ) -> datetime | None:
        # SQLite's converter has already attached the connection's zone (UTC) to
        # the stored digits; the digits are the clock time, so drop it again.
        return value.replace(tzinfo=None) if value is not None else None


def _clock(value: datetime) -> datetime:
    if timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


@ClockTimeField.register_lookup
class ClockDate(models.Transform):
    """``field__date``: the calendar date of the clock time as written, no zone conversion.

    Django's own ``__date`` on a `DateTimeField` converts from UTC to the current
    zone first, which would move a stored clock time across midnight.
    """

    lookup_name = "date"
    output_field = models.DateField()

    def as_sql(  # type: ignore[override]  # a transform takes no function or template
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        sql, params = compiler.compile(self.lhs)
        if connection.vendor == "sqlite":
            return f"date({sql})", params
        return f"CAST({sql} AS date)", params

"""The audit table refuses UPDATE and DELETE in the database itself (CI runs this on both backends)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from safeplan.audit.models import AuditEvent
from safeplan.audit.services import audit_record

pytestmark = pytest.mark.django_db

STATEMENTS = [
    # a raw UPDATE of one column, as psql or sqlite3 would send it
    "UPDATE audit_auditevent SET summary = 'rewritten'",
    # rewriting who did it
    "UPDATE audit_auditevent SET actor_name = 'somebody else' WHERE id = %s",
    # a raw DELETE of one row
    "DELETE FROM audit_auditevent WHERE id = %s",
    # a raw DELETE of every row
    "DELETE FROM audit_auditevent",
]


@pytest.fixture
def event() -> AuditEvent:
    return audit_record(actor="ana", action="target.update", summary="M3 75 → 80")


@pytest.mark.parametrize("sql", STATEMENTS)
def test_raw_sql_cannot_change_or_remove_an_audit_event(event: AuditEvent, sql: str) -> None:
    params = [event.pk] if "%s" in sql else []
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
    event.refresh_from_db()
    assert (event.summary, event.actor_name) == ("M3 75 → 80", "ana")


def test_the_orm_cannot_change_an_audit_event_either(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="rewritten")
    event.summary = "rewritten"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.save()


def test_the_orm_cannot_delete_an_audit_event_either(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncate_is_refused_on_postgresql(event: AuditEvent) -> None:
    with connection.cursor() as cursor:
        # the test's own insert left deferred foreign-key checks, which TRUNCATE refuses first
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_new_events_are_still_appended_after_a_refused_change(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    audit_record(actor="ana", action="target.delete")
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_only_flushing_the_whole_database_empties_the_trail() -> None:
    audit_record(actor="ana", action="target.update")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    # and the window closes again afterwards
    kept = audit_record(actor="ana", action="target.update")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        kept.delete()

"""The database triggers that make the audit table append-only, on SQLite and PostgreSQL.

Every UPDATE and every DELETE of a row of ``audit_auditevent`` is refused by the
database, whatever sends it: the ORM, a raw cursor, ``psql`` or ``sqlite3``.
The one exception is emptying the whole database with ``manage flush`` (the
test suite does it between transactional tests): our ``flush`` command opens
a purge window that the triggers honour. On PostgreSQL the window is the
session setting ``safeplan.audit_purge`` and covers TRUNCATE only; on SQLite
(which has no TRUNCATE) it is the SQL function ``safeplan_audit_purging()``,
which only a safeplan process defines, so a DELETE from any other program
fails with "no such function" — closed either way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"
MESSAGE = "the audit trail is append-only"
_purging = False

SQLITE_INSTALL = [
    f"""CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE is not allowed'); END""",
    f"""CREATE TRIGGER audit_no_delete BEFORE DELETE ON {TABLE}
    WHEN NOT safeplan_audit_purging()
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE is not allowed'); END""",
]
SQLITE_REMOVE = ["DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"]

POSTGRESQL_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION safeplan_audit_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' AND current_setting('safeplan.audit_purge', true) = 'on' THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION '{MESSAGE}: % is not allowed', TG_OP;
    END
    $$""",
    f"""CREATE TRIGGER audit_no_update_or_delete BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION safeplan_audit_append_only()""",
    f"""CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION safeplan_audit_append_only()""",
]
POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_no_update_or_delete ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS safeplan_audit_append_only()",
]

INSTALL = {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRESQL_INSTALL}
REMOVE = {"sqlite": SQLITE_REMOVE, "postgresql": POSTGRESQL_REMOVE}


def statements(vendor: str, *, install: bool) -> list[str]:
    """The SQL that installs (or removes) the triggers on this database vendor."""
    table = INSTALL if install else REMOVE
    if vendor not in table:
        raise NotImplementedError(f"the audit trail has no append-only triggers for {vendor}")
    return table[vendor]


def sqlite_functions_register(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Define ``safeplan_audit_purging()`` on each new SQLite connection (connection_created)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("safeplan_audit_purging", 0, lambda: _purging)


@contextlib.contextmanager
def purge_window(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Let a whole-database flush empty the audit table; for ``flush`` only."""
    global _purging
    _purging = True
    postgres = connection.vendor == "postgresql"
    try:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET safeplan.audit_purge = 'on'")
        yield
    finally:
        _purging = False
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("RESET safeplan.audit_purge")

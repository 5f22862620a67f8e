"""The database triggers that make the audit table append-only, on SQLite and PostgreSQL.

Every UPDATE and every DELETE of a row of ``audit_auditevent`` is refused by the
database, whatever sends it: the ORM, a raw cursor, ``psql`` or ``sqlite3``.
The one exception is emptying the whole database with ``manage flush`` (the
test suite does it between transactional tests; the command refuses to run in
production): our ``flush`` command opens a purge window that the triggers
honour.

- PostgreSQL: the window is the session setting ``safeplan.audit_purge`` and
  covers TRUNCATE only, **and only for a role that owns the table** (or a
  superuser). Any role may set a custom setting, so the setting alone guards
  against mistakes; ownership is the privilege. The application runs as a
  separate role that does not own the tables (docs/deployment.md), so even
  with the setting on and a TRUNCATE grant it cannot empty the trail, and it
  cannot drop or disable the triggers or replace the function either (both
  need ownership).
- SQLite (which has no TRUNCATE and no roles): the window is the SQL function
  ``safeplan_audit_purging()``, which only a safeplan process defines, so a
  DELETE from any other program fails with "no such function". Whoever can
  write the database file can still drop the triggers: on SQLite the trail
  is protected from the application and from careless SQL, not from the
  file's owner (docs/deployment.md).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"
PURGE_REFUSED = (
    "flush empties every table, the audit trail with it, and is refused in production "
    "(SAFEPLAN_MODE=production). It is for test and demo databases: run it with "
    "SAFEPLAN_MODE=demo against a copy, never against the live database."
)
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

#: The trigger function: a TRUNCATE passes only inside the purge window *and*
#: when the role running it owns the table (pg_has_role is true for superusers).
#: Schema-qualified, with a fixed search_path, so no object a role creates can
#: stand in for a catalogue function.
POSTGRESQL_FUNCTION = f"""CREATE OR REPLACE FUNCTION safeplan_audit_append_only() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE'
           AND pg_catalog.current_setting('safeplan.audit_purge', true) = 'on'
           AND pg_catalog.pg_has_role(
               current_user,
               (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = TG_RELID),
               'USAGE')
        THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION '{MESSAGE}: % is not allowed', TG_OP;
    END
    $$"""
#: Before migration audit/0003: the purge window alone let a TRUNCATE through.
POSTGRESQL_FUNCTION_0002 = f"""CREATE OR REPLACE FUNCTION safeplan_audit_append_only()
    RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' AND current_setting('safeplan.audit_purge', true) = 'on' THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION '{MESSAGE}: % is not allowed', TG_OP;
    END
    $$"""

POSTGRESQL_INSTALL = [
    POSTGRESQL_FUNCTION,
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


class PurgeRefused(RuntimeError):
    """The audit trail is never purged in production mode."""


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
    """Let a whole-database flush empty the audit table; for ``flush`` only, never in production."""
    global _purging
    if settings.MODE == "production":
        raise PurgeRefused(PURGE_REFUSED)
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

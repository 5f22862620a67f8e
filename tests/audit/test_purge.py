"""Nobody but the tables' owner empties the audit trail, and never in production (issue 9, item 5).

On PostgreSQL the application runs as a role that does not own the tables
(docs/deployment.md). These tests make such a role, connect as it, open the
purge window (``SET safeplan.audit_purge = 'on'``, which any role may do) and
try every way of emptying or rewriting the trail: all fail, whether the role
has the documented DML grants only or has been given every privilege,
TRUNCATE included. The suite itself connects as the owner, so its own flush
(between transactional tests) still works.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from safeplan.audit.models import AuditEvent
from safeplan.audit.services import audit_record

postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="roles and TRUNCATE are PostgreSQL's"
)

REFUSED = "append-only|permission denied|must be owner"
ATTEMPTS = [
    # (what, the SQL, the error PostgreSQL gives: without a TRUNCATE grant "permission
    # denied", with one the trigger's "append-only"; "must be owner" or, without CREATE
    # on the schema, "permission denied" for what only the owner may do)
    ("truncate", "TRUNCATE audit_auditevent", REFUSED),
    ("truncate cascade", "TRUNCATE audit_auditevent CASCADE", REFUSED),
    ("delete every row", "DELETE FROM audit_auditevent", "append-only"),
    ("rewrite a row", "UPDATE audit_auditevent SET summary = 'nothing happened'", "append-only"),
    ("drop the trigger", "DROP TRIGGER audit_no_truncate ON audit_auditevent", "must be owner"),
    (
        "switch the triggers off",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "must be owner",
    ),
    (
        "replace the trigger function",
        "CREATE OR REPLACE FUNCTION safeplan_audit_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$",
        REFUSED,
    ),
    ("bypass triggers as a replica", "SET session_replication_role = replica", "permission denied"),
]

#: What docs/deployment.md grants the application's role, and the worst case.
GRANTS = {
    "documented DML grants": [
        "GRANT USAGE ON SCHEMA public TO {role}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ],
    "every privilege, TRUNCATE too": [
        "GRANT USAGE ON SCHEMA public TO {role}",
        "GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}",
        "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ],
}


@contextlib.contextmanager
def _app_role(grants: list[str]) -> Iterator[str]:
    """A new login role that does not own the tables, holding `grants`; dropped after."""
    role = f"safeplan_app_{uuid.uuid4().hex[:12]}"
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN")
        cursor.execute(f"GRANT CONNECT ON DATABASE {name} TO {role}")
        for grant in grants:
            cursor.execute(grant.format(role=role))
    try:
        yield role
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")  # its grants
            cursor.execute(f"DROP ROLE {role}")


def _address(role: str) -> dict[str, object]:
    settings = connection.settings_dict
    return {"host": settings["HOST"] or "127.0.0.1", "port": int(settings["PORT"] or 5432),
            "dbname": settings["NAME"], "user": role}  # fmt: skip


@pytest.fixture(params=list(GRANTS), ids=list(GRANTS))
def app(request: pytest.FixtureRequest, transactional_db: None) -> Iterator[psycopg.Connection]:
    with _app_role(GRANTS[request.param]) as role, psycopg.connect(**_address(role), autocommit=True) as app:  # type: ignore[arg-type]  # fmt: skip
        yield app


@postgresql
@pytest.mark.parametrize(("what", "sql", "error"), ATTEMPTS, ids=[a[0] for a in ATTEMPTS])
def test_the_application_role_cannot_empty_or_rewrite_the_trail_even_in_the_purge_window(
    app: psycopg.Connection, what: str, sql: str, error: str
) -> None:
    kept = audit_record(actor="ana", action="target.update", summary="M3 75 → 80")  # committed
    with app.cursor() as cursor:
        cursor.execute("SET safeplan.audit_purge = 'on'")  # any role may set it: no privilege
        with pytest.raises(psycopg.Error) as refused:
            cursor.execute(sql)
    assert re.search(error, str(refused.value))
    kept.refresh_from_db()
    assert kept.summary == "M3 75 → 80"
    assert AuditEvent.objects.count() == 1


@postgresql
@pytest.mark.django_db(transaction=True)
def test_the_owner_still_flushes_inside_the_window() -> None:
    # the suite connects as the tables' owner: its flush between tests works
    audit_record(actor="ana", action="target.update")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()


@postgresql
@pytest.mark.django_db(transaction=True)
def test_the_owner_cannot_truncate_outside_the_window() -> None:
    audit_record(actor="ana", action="target.update")
    with connection.cursor() as cursor, pytest.raises(Exception, match="append-only"):
        cursor.execute("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.exists()


def _safeplan(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from safeplan.cli import main; main()", *args],
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@postgresql
@pytest.mark.django_db(transaction=True)
def test_the_documented_grants_are_enough_to_run_safeplan_but_not_to_flush(
    tmp_path: Path,
) -> None:
    from tests.imports.conftest import GOOD_ROWS, table, write_csv

    header, rows = table([GOOD_ROWS["missing_episodes"]])
    episodes = write_csv(tmp_path / "episodes.csv", header, rows)
    with _app_role(GRANTS["documented DML grants"]) as role:
        address = _address(role)
        url = f"postgres://{role}@{address['host']}:{address['port']}/{address['dbname']}"
        imported = _safeplan("import", "missing_episodes", str(episodes), DATABASE_URL=url)
        assert imported.returncode == 0, imported.stderr
        assert AuditEvent.objects.filter(action="import.accept").count() == 1
        flushed = _safeplan("manage", "flush", "--no-input", DATABASE_URL=url, SAFEPLAN_MODE="demo")
        assert flushed.returncode != 0
        assert "couldn't be flushed" in flushed.stderr  # PostgreSQL refused the TRUNCATE
    assert AuditEvent.objects.filter(action="import.accept").count() == 1


def test_flush_refuses_to_run_in_production(tmp_path: Path) -> None:
    result = _safeplan(
        "manage",
        "flush",
        "--no-input",
        SAFEPLAN_MODE="production",
        SECRET_KEY="a-test-secret-key-of-some-length-" + uuid.uuid4().hex,
        SAFEPLAN_PSEUDONYMISE_KEY="a-test-pseudonymisation-key-of-32-characters-or-more",
        DATABASE_URL=f"sqlite:///{tmp_path}/production.sqlite3",
    )
    assert result.returncode != 0
    assert "refused in production" in result.stderr

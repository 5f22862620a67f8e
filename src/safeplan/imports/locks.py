"""One writer per dataset at a time, and a bounded wait for it (ADR 0014, issue 9).

Imports and withdrawals of a dataset supersede and flip records in turn. On
PostgreSQL they take a transaction-scoped advisory lock for that; on SQLite
the database's single write lock, taken as the transaction begins, does it.
Either wait is bounded by `LOCK_WAIT_SECONDS`, so a second import fails with
a lock error that callers report as "another import is running, try again"
(R-O07) instead of hanging a web request until its worker is killed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from safeplan.datasets.schema import DATASETS

__all__ = [
    "LOCK_WAIT_SECONDS",
    "is_lock_timeout",
    "lock_key",
    "serialise_acceptance",
    "writing",
]

LOCK_WAIT_SECONDS: float = 10  # for another import to finish; well inside a web request's time
LOCK_NAMESPACE = 0x5AFE  # first key of the PostgreSQL advisory locks taken here


def lock_key(dataset: str) -> tuple[int, int]:
    """The two keys of a dataset's PostgreSQL advisory lock."""
    return LOCK_NAMESPACE, list(DATASETS).index(dataset)


def serialise_acceptance(dataset: str, *, wait: float | None = None) -> None:
    """Let concurrent imports of one dataset supersede and flip their records in turn.

    Without it, two files holding the same record could both make it current
    and the second would fail on the one-current-version index. On PostgreSQL a
    transaction-scoped advisory lock, waited for at most `wait` seconds
    (default `LOCK_WAIT_SECONDS`); SQLite already admits one writer at a time
    (`writing`).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = {_milliseconds(wait)}")
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", list(lock_key(dataset)))
            cursor.execute("SET LOCAL lock_timeout = DEFAULT")


@contextmanager
def writing(*, wait: float | None = None) -> Iterator[None]:
    """A transaction that waits at most `wait` seconds (default `LOCK_WAIT_SECONDS`) for another writer.

    On SQLite a transaction takes the database's one write lock as it begins
    (``BEGIN IMMEDIATE``) and an import holds it to the end, so a second import
    waits here, for less than a web request may take, and then fails with a
    lock error (`is_lock_timeout`), which callers turn into "try again".
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        usual = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA busy_timeout = {_milliseconds(wait)}")
        try:
            with transaction.atomic():
                cursor.execute(f"PRAGMA busy_timeout = {usual}")
                yield
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {usual}")


def _milliseconds(wait: float | None) -> int:
    return max(1, int((LOCK_WAIT_SECONDS if wait is None else wait) * 1000))


def is_lock_timeout(exc: BaseException) -> bool:
    """Whether a database error means another writer held the lock too long."""
    cause = getattr(exc, "__cause__", None)
    if getattr(cause, "sqlstate", None) == "55P03":  # PostgreSQL: lock_not_available
        return True
    return connection.vendor == "sqlite" and "locked" in str(exc)

"""Two imports of one dataset at the same moment: each is accepted, or told to try again.

Never a server error, never a batch left without an outcome — through the
service and through the web upload path, on SQLite and PostgreSQL (whichever
the suite runs against). Each import runs in its own thread with its own
database connection, released together at a barrier.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client

from safeplan.accounts.roles import Role
from safeplan.accounts.services import user_create
from safeplan.cli import main
from safeplan.imports import locks
from safeplan.imports.services import ImportBusy, import_file
from safeplan.imports.withdraw import WithdrawError, batch_withdraw
from safeplan.records.models import RECORD_MODELS, ImportBatch
from safeplan.submission.views import BUSY_MESSAGE
from tests.imports.conftest import write_csv

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 4_000  # long enough for the two imports to overlap
Referral = RECORD_MODELS["referrals"]
HEADER = ["referral_id", "child_id", "referral_date"]


def _referrals(path: Path, first: int) -> Path:
    """ROWS referrals; files that start at `first` 0 and ROWS // 2 share half their ids."""
    rows = [[f"R{i}", f"C{i % 300}", "2024-05-01"] for i in range(first, first + ROWS)]
    return write_csv(path, HEADER, rows)


def _together(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment, each in a thread; their results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except BaseException as exc:  # kept, to be asserted on by the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _import(path: Path, source: str = "police") -> Callable[[], Any]:
    return lambda: import_file(dataset="referrals", path=path, source=source, submitted_by="t")


def _assert_every_batch_has_an_outcome() -> None:
    assert not ImportBatch.objects.filter(status=ImportBatch.Status.PROCESSING).exists()
    for batch in ImportBatch.objects.filter(status=ImportBatch.Status.ACCEPTED):
        assert batch.finished_at is not None
        stored = Referral.objects.filter(batch=batch).count()
        assert stored == batch.records_stored == ROWS


def _assert_one_current_version_per_record() -> None:
    current = Referral.objects.filter(is_current=True)
    assert current.count() == current.values("import_source", "record_id").distinct().count()


@contextmanager
def _writer_elsewhere(dataset: str = "referrals") -> Iterator[None]:
    """Another process's writer holding the lock an import of `dataset` needs."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        other = sqlite3.connect(settings["NAME"], timeout=0, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    with psycopg.connect(
        host=settings["HOST"] or "localhost", port=settings["PORT"] or 5432,
        user=settings["USER"], password=settings["PASSWORD"] or None, dbname=settings["NAME"],
        autocommit=True,
    ) as other:  # fmt: skip
        other.execute("SELECT pg_advisory_lock(%s, %s)", list(locks.lock_key(dataset)))
        yield
        other.execute("SELECT pg_advisory_unlock(%s, %s)", list(locks.lock_key(dataset)))


# --- the service -------------------------------------------------------------------------


def test_two_imports_at_the_same_moment_are_both_accepted(tmp_path: Path) -> None:
    first = _referrals(tmp_path / "a.csv", 0)
    second = _referrals(tmp_path / "b.csv", ROWS // 2)  # half its ids are the first's too

    outcomes = _together(_import(first), _import(second))

    assert [type(o).__name__ for o in outcomes] == ["ImportOutcome", "ImportOutcome"]
    assert all(o.accepted for o in outcomes)
    _assert_every_batch_has_an_outcome()
    _assert_one_current_version_per_record()
    assert Referral.objects.filter(is_current=True).count() == ROWS + ROWS // 2
    later = max(outcomes, key=lambda o: o.batch.finished_at).batch
    shared = Referral.objects.filter(is_current=True, record_id=f"R{ROWS - 1}")
    assert shared.get().batch_id == later.pk  # the one accepted last holds the shared ids


def test_two_sources_importing_at_the_same_moment_keep_their_own_records(
    tmp_path: Path,
) -> None:
    same_ids = _referrals(tmp_path / "a.csv", 0)
    outcomes = _together(_import(same_ids, "police"), _import(same_ids, "health"))
    assert all(o.accepted for o in outcomes)
    assert Referral.objects.filter(is_current=True).count() == 2 * ROWS
    _assert_every_batch_has_an_outcome()


@pytest.mark.parametrize("wait", [0.2, 2.0])
def test_two_imports_at_the_same_moment_end_accepted_or_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wait: float
) -> None:
    # a short wait makes "busy" likely; either way nothing else may happen
    monkeypatch.setattr(locks, "LOCK_WAIT_SECONDS", wait)
    files = [_referrals(tmp_path / f"{i}.csv", i * ROWS // 2) for i in range(3)]

    outcomes = _together(*(_import(path) for path in files))

    for outcome in outcomes:
        assert isinstance(outcome, ImportBusy) or outcome.accepted, repr(outcome)
    assert any(not isinstance(o, ImportBusy) for o in outcomes)
    busy = sum(isinstance(o, ImportBusy) for o in outcomes)
    assert ImportBatch.objects.count() == len(outcomes) - busy  # a busy import leaves nothing
    _assert_every_batch_has_an_outcome()
    _assert_one_current_version_per_record()


def test_an_import_that_cannot_start_says_try_again_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(locks, "LOCK_WAIT_SECONDS", 0.3)
    path = _referrals(tmp_path / "a.csv", 0)
    with _writer_elsewhere(), pytest.raises(ImportBusy) as busy:
        _import(path)()
    assert "another import of referrals" in str(busy.value)
    assert "try again" in str(busy.value)
    assert ImportBatch.objects.count() == 0
    assert Referral.objects.count() == 0
    assert _import(path)().accepted  # once the other writer is done


def test_the_command_line_says_try_again_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(locks, "LOCK_WAIT_SECONDS", 0.3)
    path = _referrals(tmp_path / "a.csv", 0)
    with _writer_elsewhere():
        result = CliRunner().invoke(main, ["import", "referrals", str(path)])
    assert result.exit_code == 1
    assert result.stderr == (
        "safeplan import: another import of referrals (or a withdrawal) is running; "
        "nothing from the file was stored — try again in a minute (R-O07)\n"
    )
    assert ImportBatch.objects.count() == 0


def test_a_withdrawal_during_an_import_says_try_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = _import(_referrals(tmp_path / "a.csv", 0))().batch
    monkeypatch.setattr(locks, "LOCK_WAIT_SECONDS", 0.3)
    with _writer_elsewhere(), pytest.raises(WithdrawError, match="is running; try again"):
        batch_withdraw(batch=batch, by=None)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.ACCEPTED
    assert Referral.objects.filter(is_current=True).count() == ROWS


# --- the web upload path -------------------------------------------------------------------


@pytest.fixture
def submitter(settings: LazySettings, tmp_path: Path) -> Callable[[], Client]:
    settings.STATIC_ROOT = tmp_path  # whitenoise warns (an error here) when it is missing
    settings.UPLOAD_DIR = tmp_path / "uploads"
    user = user_create(username="ann", role=Role.ANALYST, password="x" * 20)

    def client() -> Client:
        signed_in = Client()
        signed_in.force_login(user)
        return signed_in

    return client


def _upload(client: Client, path: Path) -> Callable[[], Any]:
    def post() -> Any:
        upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
        return client.post("/data/", {"dataset": "referrals", "file": upload})

    return post


def _text(response: Any) -> str:
    return response.content.decode()


def test_two_uploads_at_the_same_moment_end_accepted_or_busy_never_an_error(
    tmp_path: Path, submitter: Callable[[], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(locks, "LOCK_WAIT_SECONDS", 0.2)
    files = [_referrals(tmp_path / f"{i}.csv", i * ROWS // 2) for i in range(2)]

    responses = _together(*(_upload(submitter(), path) for path in files))

    for response in responses:
        assert not isinstance(response, BaseException), repr(response)
        assert response.status_code in (302, 409), _text(response)
        if response.status_code == 409:
            assert "Another import of this dataset is running" in _text(response)
    assert any(r.status_code == 302 for r in responses)
    _assert_every_batch_has_an_outcome()
    assert not list((tmp_path / "uploads").iterdir())  # no upload left behind


def test_an_upload_that_cannot_start_shows_the_form_again_with_try_again(
    tmp_path: Path, submitter: Callable[[], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(locks, "LOCK_WAIT_SECONDS", 0.3)
    path = _referrals(tmp_path / "a.csv", 0)
    client = submitter()  # signed in before the other writer takes the lock
    with _writer_elsewhere():
        response = _together(_upload(client, path))[0]
    assert response.status_code == 409
    assert BUSY_MESSAGE in _text(response).replace("&#x27;", "'")
    assert 'class="govuk-error-summary"' in _text(response)
    assert ImportBatch.objects.count() == 0
    assert _upload(submitter(), path)().status_code == 302

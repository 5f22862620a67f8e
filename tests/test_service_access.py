"""Every writing service asks the permission table about whoever acts (issue 9, item 1).

A view's check is not enough: a bulk path, a job or a later page may reach a
service without it. So each service that a page can reach refuses a user who
lacks the permission — whoever calls it — and writes nothing; the command
line (a name) and safeplan itself (None) act with the database's own
authority (ADR 0020). Personas: tests/audit/conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from safeplan.accounts.permissions import actor_may
from safeplan.accounts.roles import Role
from safeplan.accounts.services import (
    intervention_owners_set,
    user_active_set,
    user_create,
    user_password_set,
    user_role_set,
    user_unlock,
)
from safeplan.audit.models import AuditEvent
from safeplan.imports.services import import_file
from safeplan.imports.withdraw import batch_withdraw
from safeplan.records.models import ImportBatch
from safeplan.scorecard.models import Commentary, Target
from safeplan.scorecard.services import commentary_save, target_delete, target_set, target_update
from safeplan.submission.services import submission_receive
from tests.audit.conftest import PERSONAS, persona_create
from tests.imports.conftest import GOOD_ROWS, table, write_csv

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-passphrase"


@pytest.fixture(autouse=True)
def uploads(settings: LazySettings, tmp_path: Path) -> Path:
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.UPLOAD_DIR


def _episodes(tmp_path: Path) -> Path:
    header, rows = table([GOOD_ROWS["missing_episodes"]])
    return write_csv(tmp_path / "episodes.csv", header, rows)


def _upload(tmp_path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile("episodes.csv", _episodes(tmp_path).read_bytes())


@pytest.fixture
def personas(db: None) -> dict[str, User]:
    return {name: persona_create(name) for name in PERSONAS}


@pytest.fixture
def batch(tmp_path: Path) -> ImportBatch:
    outcome = import_file(
        dataset="missing_episodes", path=_episodes(tmp_path), source="police", submitted_by="t"
    )
    assert outcome.accepted
    return outcome.batch


# Each case: who may not, and how they try. The call raises PermissionDenied and
# `unchanged` says what must still hold afterwards.
Call = Callable[[User, Path, dict[str, Any]], object]


def _receive(dataset: str, source: str) -> Call:
    def call(user: User, tmp_path: Path, world: dict[str, Any]) -> object:
        return submission_receive(
            user=user, dataset=dataset, source=source, covers=None, upload=_upload(tmp_path)
        )

    return call


def _import(dataset: str, source: str) -> Call:
    def call(user: User, tmp_path: Path, world: dict[str, Any]) -> object:
        return import_file(
            dataset=dataset, path=_episodes(tmp_path), source=source, submitted_by="x", user=user
        )

    return call


CASES: list[tuple[str, str, Call]] = [
    # (case, persona refused, the attempt)
    # a submitter uploads another agency's dataset
    ("upload another agency's dataset", "submitter_x", _receive("care_periods", "police")),
    # a submitter uploads a shared dataset under another agency's source
    ("upload under another source", "submitter_x", _receive("challenges", "health")),
    ("upload under a made-up source", "submitter_x", _receive("missing_episodes", "mine")),
    ("upload at all as a board member", "board", _receive("missing_episodes", "police")),
    # a queued import runs as the user who uploaded, checked again
    ("import as another agency", "submitter_y", _import("missing_episodes", "police")),
    ("withdraw a batch", "submitter_x", lambda u, p, w: batch_withdraw(batch=w["batch"], by=u)),
    ("withdraw a batch", "owner_a", lambda u, p, w: batch_withdraw(batch=w["batch"], by=u)),
    (
        "save commentary",
        "board",
        lambda u, p, w: commentary_save(
            measure="M3", period="2024-25 Q1", what_the_data_says="x", author="b", actor=u
        ),
    ),
    (
        "set a target",
        "owner_a",
        lambda u, p, w: target_set(
            measure="M3", value=75, effective_from=date(2024, 4, 1), by="o", actor=u
        ),
    ),
    (
        "change a target",
        "submitter_x",
        lambda u, p, w: target_update(target_id=w["target"].pk, by="s", actor=u, value=1),
    ),
    ("remove a target", "board", lambda u, p, w: target_delete(target_id=w["target"].pk, actor=u)),
    (
        "add a user",
        "analyst",
        lambda u, p, w: user_create(
            username="planted", role=Role.ADMINISTRATOR, password=NEW_PASSWORD, actor=u
        ),
    ),
    (
        "make oneself an administrator",
        "owner_a",
        lambda u, p, w: user_role_set(username=u.username, role=Role.ADMINISTRATOR, actor=u),
    ),
    (
        "take another intervention",
        "owner_a",
        lambda u, p, w: intervention_owners_set(
            username=u.username, keys=["neglect-toolkit"], actor=u
        ),
    ),
    (
        "reset someone's password",
        "analyst",
        lambda u, p, w: user_password_set(
            username="p-administrator", password=NEW_PASSWORD, actor=u
        ),
    ),
    (
        "switch someone off",
        "submitter_y",
        lambda u, p, w: user_active_set(username="p-administrator", active=False, actor=u),
    ),
    ("clear a lock-out", "board", lambda u, p, w: user_unlock(username="p-analyst", actor=u)),
]


def _state() -> tuple[object, ...]:
    """Everything the attempts could change."""
    return (
        list(ImportBatch.objects.values_list("pk", "status")),
        list(Commentary.objects.values_list("pk", flat=True)),
        list(Target.objects.values_list("pk", "value")),
        list(User.objects.values_list("username", "is_active", "password").order_by("pk")),
        list(User.objects.values_list("username", "groups__name").order_by("pk")),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize(("case", "persona", "attempt"), CASES, ids=[c[0] for c in CASES])
def test_a_service_refuses_a_user_without_the_permission_and_writes_nothing(
    personas: dict[str, User],
    batch: ImportBatch,
    tmp_path: Path,
    uploads: Path,
    case: str,
    persona: str,
    attempt: Call,
) -> None:
    target = target_set(measure="M3", value=75, effective_from=date(2024, 4, 1), by="ana")
    world = {"batch": batch, "target": target}
    before = _state()
    with pytest.raises(PermissionDenied):
        attempt(personas[persona], tmp_path, world)
    assert _state() == before
    assert not uploads.exists() or not any(uploads.iterdir())  # no upload left behind


def test_the_same_calls_succeed_for_a_persona_who_holds_the_permission(
    personas: dict[str, User], batch: ImportBatch, tmp_path: Path
) -> None:
    police = personas["submitter_x"]
    receipt = submission_receive(user=police, dataset="challenges", source="police", covers=None,
                                 upload=SimpleUploadedFile("c.csv", _challenges(tmp_path)))  # fmt: skip
    assert receipt.batch is not None
    assert receipt.batch.status == ImportBatch.Status.ACCEPTED
    analyst = personas["analyst"]
    commentary_save(measure="M3", period="2024-25 Q1", what_the_data_says="x", author="a",
                    actor=analyst)  # fmt: skip
    target_set(measure="M3", value=75, effective_from=date(2024, 4, 1), by="a", actor=analyst)
    batch_withdraw(batch=batch, by=analyst)
    admin = personas["administrator"]
    user_create(username="new-one", role=Role.BOARD_MEMBER, password=NEW_PASSWORD, actor=admin)
    assert AuditEvent.objects.filter(actor=admin, action="user.create").exists()


def _challenges(tmp_path: Path) -> bytes:
    header, rows = table([GOOD_ROWS["challenges"]])
    return write_csv(tmp_path / "challenges.csv", header, rows).read_bytes()


@pytest.mark.parametrize("actor", ["ana (command line)", "safeplan demo", None])
def test_the_command_line_and_safeplan_itself_hold_every_permission(actor: str | None) -> None:
    assert actor_may(actor, "user.manage")
    assert actor_may(actor, "batch.withdraw")


def test_something_that_is_neither_a_user_nor_a_name_holds_nothing() -> None:
    assert not actor_may(42, "plan.view")

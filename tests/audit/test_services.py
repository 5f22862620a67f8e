"""audit_record, model_snapshot, the selector's filters and ``safeplan audit``."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import AnonymousUser, User

from safeplan.audit.models import AuditEvent
from safeplan.audit.selectors import audit_actions, audit_events
from safeplan.audit.services import audit_record, cli_actor, model_snapshot
from safeplan.cli import main
from safeplan.scorecard.services import target_set

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("actor", "name", "linked"),
    [
        ("ana", "ana", False),  # a name given by a command
        ("  ", "safeplan", False),  # a blank name is safeplan itself
        (None, "safeplan", False),  # nobody: safeplan itself
        (AnonymousUser(), "safeplan", False),  # a signed-out request never acts, but is not a name
    ],
)
def test_the_actor_is_a_name_or_safeplan(actor: object, name: str, linked: bool) -> None:
    event = audit_record(actor=actor, action="compute.run")  # type: ignore[arg-type]
    assert (event.actor_name, event.actor_id is not None) == (name, linked)


def test_a_signed_in_user_is_linked_and_named() -> None:
    user = User.objects.create_user(username="jo")
    event = audit_record(actor=user, action="records.view")
    assert (event.actor, event.actor_name) == (user, "jo")


def test_the_time_comes_from_the_database_clock() -> None:
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    event = audit_record(actor="ana", action="compute.run")
    event.refresh_from_db()
    assert before <= event.at <= dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)


def test_before_and_after_are_stored_as_plain_json() -> None:
    stamp = dt.datetime(2026, 4, 1, 9, 30, tzinfo=dt.UTC)
    key = uuid.UUID("12345678-1234-5678-1234-567812345678")
    event = audit_record(
        actor="ana",
        action="target.update",
        before={"from": dt.date(2018, 4, 1), "value": Decimal("75.50"), "ids": (1, 2)},
        after={"at": stamp, "key": key, "roles": {"b", "a"}},
    )
    event.refresh_from_db()
    assert event.before == {"from": "2018-04-01", "value": "75.50", "ids": [1, 2]}
    assert event.after == {"at": "2026-04-01T09:30:00Z", "key": str(key), "roles": ["a", "b"]}


def test_an_object_gives_its_type_and_id() -> None:
    target = target_set(measure="M3", value=75, effective_from=dt.date(2018, 4, 1), by="ana")
    event = audit_record(actor="ana", action="target.update", obj=target)
    assert (event.object_type, event.object_id) == ("target", str(target.pk))


def test_a_snapshot_holds_the_fields_asked_for_and_never_a_password() -> None:
    target = target_set(measure="M3", value=75, effective_from=dt.date(2018, 4, 1), by="ana")
    assert model_snapshot(target, ["value", "effective_from"]) == {
        "value": 75.0,
        "effective_from": "2018-04-01",
    }
    user = User.objects.create_user(username="jo", password="correct-horse-battery")
    snapshot = model_snapshot(user)
    assert "password" not in snapshot
    assert snapshot["username"] == "jo"
    json.dumps(snapshot)  # plain JSON


def test_the_command_line_actor_names_the_operating_system_user() -> None:
    assert cli_actor().endswith(" (command line)")


@pytest.fixture
def trail() -> list[AuditEvent]:
    return [
        audit_record(actor="ana", action="target.create", object_type="target", object_id=1),
        audit_record(actor="ana", action="target.update", object_type="target", object_id=1),
        audit_record(actor="bob", action="commentary.save", object_type="commentary"),
        audit_record(actor="Bob", action="records.view", object_type="measure", object_id="M3"),
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, [3, 2, 1, 0]),  # no filter: everything, newest first
        ({"actor": "bob"}, [3, 2]),  # the actor, case-insensitively
        ({"action": "target.update"}, [1]),  # one action exactly
        ({"action": "target."}, [1, 0]),  # a prefix ending in "."
        ({"action": "target"}, []),  # without the dot it is an exact action
        ({"object_type": "target"}, [1, 0]),
        ({"object_type": "measure", "object_id": "M3"}, [3]),
        ({"actor": "ana", "action": "commentary.save"}, []),  # filters combine
    ],
)
def test_the_trail_is_filtered(trail: list[AuditEvent], filters: dict, expected: list[int]) -> None:
    assert list(audit_events(**filters)) == [trail[i] for i in expected]


def test_the_trail_is_filtered_by_local_days_both_ends_included(trail: list[AuditEvent]) -> None:
    today = dt.date.today()
    assert audit_events(since=today, until=today).count() == 4
    assert audit_events(until=today - dt.timedelta(days=2)).count() == 0
    assert audit_events(since=today + dt.timedelta(days=2)).count() == 0


def test_the_actions_recorded_are_listed_once_each(trail: list[AuditEvent]) -> None:
    assert audit_actions() == ["commentary.save", "records.view", "target.create", "target.update"]


def test_safeplan_audit_lists_events_newest_first_with_filters(trail: list[AuditEvent]) -> None:
    result = CliRunner().invoke(main, ["audit", "--action", "target."])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split(" ", 3)[3] for line in lines] == [
        "target.update target 1: ",
        "target.create target 1: ",
    ]


def test_safeplan_audit_writes_json_lines(trail: list[AuditEvent]) -> None:
    result = CliRunner().invoke(
        main, ["audit", "--actor", "bob", "--format", "json", "--limit", "1"]
    )
    assert result.exit_code == 0, result.output
    [line] = result.output.splitlines()
    assert json.loads(line)["action"] == "records.view"


def test_a_view_audits_with_the_user_and_address_of_the_request() -> None:
    from django.test import RequestFactory

    from safeplan.audit.services import audit_request

    request = RequestFactory().get("/measures/M3/records/", REMOTE_ADDR="203.0.113.7")
    request.user = User.objects.create_user(username="ana")
    event = audit_request(request, action="records.view", object_type="measure", object_id="M3")
    event.refresh_from_db()
    assert (event.actor_name, event.ip, event.object_id) == ("ana", "203.0.113.7", "M3")

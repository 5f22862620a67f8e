"""An action owner writes only their own interventions' actions, by every path (issue 9, item 1).

The services decide (``action.create`` / ``action.update`` from the one
permission table), so the form, the file import (row by row, the web page and
``safeplan actions import --as``) and any later path are held to the same rule.
A file with any row its importer may not write is rejected whole, naming rows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client

from safeplan.accounts.roles import Role
from safeplan.accounts.services import intervention_owners_set
from safeplan.actions.files import actions_export, actions_import
from safeplan.actions.models import Action
from safeplan.actions.services import (
    OWN_INTERVENTIONS_ONLY,
    ActionInputError,
    action_close,
    action_create,
    action_progress_add,
    action_snapshot,
    action_update,
)
from safeplan.cli import main
from safeplan.plans.models import Plan
from tests.actions.conftest import BASE, NEGLECT, PREVENT, ActionFactory, person

HEADER = "id,intervention,title,owner,start_date,due_date,status"


@pytest.fixture
def owner(plan: Plan) -> User:
    """An action owner who owns Prevent CSE only."""
    user = person(Role.ACTION_OWNER, "owner-of-prevent")
    intervention_owners_set(username=user.username, keys=[PREVENT])
    return User.objects.get(pk=user.pk)


def _snapshots() -> list[dict[str, object]]:
    return [action_snapshot(a) for a in Action.objects.order_by("id")]


def test_an_owner_adds_actions_to_their_own_intervention(owner: User) -> None:
    action = action_create(data=BASE, by=owner)
    assert action.intervention_key == PREVENT


def test_an_owner_cannot_add_an_action_to_an_intervention_they_do_not_own(owner: User) -> None:
    with pytest.raises(ActionInputError) as refused:
        action_create(data=replace(BASE, intervention_key=NEGLECT), by=owner)
    assert refused.value.errors == {"intervention_key": OWN_INTERVENTIONS_ONLY}
    assert not Action.objects.exists()


def test_an_owner_cannot_edit_an_action_of_another_intervention(
    owner: User, make_action: ActionFactory
) -> None:
    theirs = make_action(intervention_key=NEGLECT)
    with pytest.raises(PermissionDenied):
        action_update(action=theirs, data=replace(BASE, intervention_key=NEGLECT), by=owner)
    theirs.refresh_from_db()
    assert theirs.title == BASE.title


def test_an_owner_cannot_move_their_action_to_another_intervention(
    owner: User, make_action: ActionFactory
) -> None:
    mine = make_action()
    with pytest.raises(ActionInputError):
        action_update(action=mine, data=replace(BASE, intervention_key=NEGLECT), by=owner)
    mine.refresh_from_db()
    assert mine.intervention_key == PREVENT


def test_an_owner_cannot_record_progress_on_or_close_another_interventions_action(
    owner: User, make_action: ActionFactory
) -> None:
    from datetime import date

    theirs = make_action(intervention_key=NEGLECT)
    with pytest.raises(PermissionDenied):
        action_progress_add(
            action=theirs, on=date(2024, 1, 2), percent_complete=50, status="in progress", by=owner
        )
    with pytest.raises(PermissionDenied):
        action_close(action=theirs, on=date(2024, 1, 2), by=owner)
    assert not theirs.updates.exists()


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.AGENCY_SUBMITTER])
def test_a_role_that_writes_no_actions_is_refused_by_the_service(plan: Plan, role: Role) -> None:
    with pytest.raises(ActionInputError):
        action_create(data=BASE, by=person(role))


def test_an_import_with_rows_of_another_intervention_is_rejected_whole_naming_the_rows(
    owner: User, make_action: ActionFactory, tmp_path: Path
) -> None:
    mine, theirs = make_action(), make_action(intervention_key=NEGLECT)
    moved = make_action(title="To be moved")
    before = _snapshots()
    path = tmp_path / "a.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER.split(","))
        # row 2: the owner's own action, allowed on its own
        writer.writerow([mine.pk, PREVENT, "Mine renamed", "Lead", "2024-01-01", "2024-02-01", "in progress"])  # fmt: skip
        # row 3: an update of another intervention's action
        writer.writerow([theirs.pk, NEGLECT, "Hijacked", "Lead", "2024-01-01", "2024-02-01", "in progress"])  # fmt: skip
        # row 4: a new action planted in another intervention
        writer.writerow(["", NEGLECT, "Planted", "Lead", "2024-01-01", "2024-02-01", "not started"])  # fmt: skip
        # row 5: the owner's own action moved into another intervention
        writer.writerow([moved.pk, NEGLECT, "Moved", "Lead", "2024-01-01", "2024-02-01", "not started"])  # fmt: skip
    outcome = actions_import(path=path, by=owner)
    assert not outcome.accepted
    assert [(p.row, p.column, p.rule) for p in outcome.problems] == [
        (3, "id", "A-P01"),
        (4, "intervention", "A-P01"),
        (5, "intervention", "A-P01"),
    ]
    assert "understand-neglect" in outcome.problems[1].message
    assert _snapshots() == before
    assert (outcome.created, outcome.updated) == (0, 0)


def test_an_owners_file_of_their_own_rows_is_imported(
    owner: User, make_action: ActionFactory, tmp_path: Path
) -> None:
    mine = make_action()
    path = tmp_path / "a.csv"
    path.write_text(
        f"{HEADER}\n"
        f"{mine.pk},{PREVENT},Mine renamed,Lead,2024-01-01,2024-02-01,in progress\n"
        f",Prevent CSE,New one,Lead,2024-01-01,2024-02-01,not started\n"
    )
    outcome = actions_import(path=path, by=owner)
    assert (outcome.problems, outcome.created, outcome.updated) == ([], 1, 1)


def test_the_import_page_rejects_an_owners_file_with_another_interventions_rows(
    client: Client, owner: User, make_action: ActionFactory
) -> None:
    make_action(), make_action(intervention_key=NEGLECT)
    before = _snapshots()
    client.force_login(owner)
    data = io.BytesIO(actions_export("csv").replace(b"Train", b"Retrain"))
    data.name = "actions.csv"
    response = client.post("/actions/import/", {"file": data})
    assert response.status_code == 200
    assert "The file was not imported" in response.text
    assert "A-P01" in response.text
    assert "you may not change this action of “understand-neglect”" in response.text
    assert _snapshots() == before


def test_the_command_line_import_as_an_owner_is_checked_row_by_row(
    owner: User, make_action: ActionFactory, tmp_path: Path
) -> None:
    make_action(), make_action(intervention_key=NEGLECT)
    before = _snapshots()
    path = tmp_path / "actions.csv"
    path.write_bytes(actions_export("csv").replace(b"Train", b"Retrain"))
    result = CliRunner().invoke(main, ["actions", "import", str(path), "--as", owner.username])
    assert result.exit_code == 1
    assert "row 3, id" in result.output
    assert "A-P01" in result.output
    assert "nothing was imported" in result.output
    assert _snapshots() == before


def test_the_command_line_import_as_an_unknown_user_is_refused(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "actions.csv"
    path.write_text(f"{HEADER}\n")
    result = CliRunner().invoke(main, ["actions", "import", str(path), "--as", "nobody"])
    assert result.exit_code == 2
    assert "no active user called 'nobody'" in result.output

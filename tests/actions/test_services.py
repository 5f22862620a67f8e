"""Writing actions: every problem reported at once, progress by date, closing, audit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from django.db import IntegrityError, transaction

from safeplan.actions.models import Action
from safeplan.actions.services import (
    ActionInputError,
    action_close,
    action_create,
    action_progress_add,
    action_update,
)
from safeplan.audit.models import AuditEvent
from safeplan.plans.models import Plan
from tests.actions.conftest import BASE, NEGLECT, ActionFactory

TODAY = date(2024, 1, 20)


def test_every_problem_with_an_action_is_reported_at_once_by_field(plan: Plan) -> None:
    bad = replace(
        BASE,
        intervention_key="not-an-intervention",
        title=" ",
        owner="",
        themes=("no-such-theme",),
        start_date=date(2024, 2, 1),
        due_date=date(2024, 1, 1),
        percent_complete=101,
        status="finished",
    )
    with pytest.raises(ActionInputError) as caught:
        action_create(data=bad, by=None)
    assert caught.value.errors == {
        "intervention_key": "“not-an-intervention” is not an intervention of the active plan",
        "themes": "“no-such-theme” is not a theme of the active plan",
        "title": "Enter a title",
        "owner": "Enter the owner of the action",
        "due_date": "Due date must be the same as or after the start date",
        "percent_complete": "Enter % complete as a whole number from 0 to 100",
        "status": "Select a status",
    }
    assert not Action.objects.exists()


def test_an_action_cannot_be_added_before_a_plan_is_loaded(db: None) -> None:
    with pytest.raises(ActionInputError) as caught:
        action_create(data=BASE, by=None)
    assert list(caught.value.errors) == ["intervention_key"]


def test_a_complete_action_must_be_100_percent_complete(plan: Plan) -> None:
    with pytest.raises(ActionInputError) as caught:
        action_create(data=replace(BASE, status="complete", percent_complete=90), by=None)
    assert caught.value.errors == {"percent_complete": "A complete action must be 100% complete"}


def test_the_database_refuses_a_percentage_over_100(make_action: ActionFactory) -> None:
    action = make_action()
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(percent_complete=101)


def test_an_edit_changes_the_stated_fields_and_is_audited(make_action: ActionFactory) -> None:
    action = make_action()
    action_update(action=action, data=replace(BASE, intervention_key=NEGLECT, title="New"), by=None)
    action.refresh_from_db()
    assert (action.intervention_key, action.title) == (NEGLECT, "New")
    event = AuditEvent.objects.get(action="action.update")
    assert (event.before["title"], event.after["title"]) == (BASE.title, "New")


def test_the_latest_dated_progress_update_sets_the_actions_progress(
    make_action: ActionFactory,
) -> None:
    action = make_action()
    action_progress_add(action=action, on=date(2024, 1, 10), percent_complete=60,
                        status="in progress", note="trained 3 venues", by=None, today=TODAY)  # fmt: skip
    # An update dated earlier, entered later, is kept but does not override the latest.
    action_progress_add(action=action, on=date(2024, 1, 5), percent_complete=20,
                        status="in progress", by=None, today=TODAY)  # fmt: skip
    action.refresh_from_db()
    assert (action.percent_complete, action.updates.count()) == (60, 2)
    assert AuditEvent.objects.filter(action="action.progress").count() == 2


def test_a_progress_update_may_not_be_dated_in_the_future(make_action: ActionFactory) -> None:
    action = make_action()
    with pytest.raises(ActionInputError) as caught:
        action_progress_add(action=action, on=date(2024, 1, 21), percent_complete=10,
                            status="in progress", by=None, today=TODAY)  # fmt: skip
    assert caught.value.errors == {"on": "Date of the update must be today or in the past"}


def test_closing_an_action_makes_it_complete_at_100_percent_and_is_audited(
    make_action: ActionFactory,
) -> None:
    action = make_action()
    action_close(action=action, on=date(2024, 1, 15), note="all venues trained", by=None,
                 today=TODAY)  # fmt: skip
    action.refresh_from_db()
    assert (action.status, action.percent_complete) == ("complete", 100)
    assert action.closed_at is not None
    assert AuditEvent.objects.filter(action="action.close").count() == 1
    with pytest.raises(ActionInputError):
        action_close(action=action, on=date(2024, 1, 16), by=None, today=TODAY)

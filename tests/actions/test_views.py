"""The action pages: who may see and change what, GOV.UK error summaries, the progress journey."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from safeplan.accounts.roles import Role
from safeplan.accounts.services import intervention_owners_set
from safeplan.actions.files import actions_export
from safeplan.actions.models import Action
from safeplan.plans.models import Plan
from tests.actions.conftest import NEGLECT, PREVENT, THEME, ActionFactory, person

SignIn = Callable[[Role], Client]
READERS = [Role.ADMINISTRATOR, Role.ANALYST, Role.AGENCY_SUBMITTER, Role.ACTION_OWNER, Role.BOARD_MEMBER]  # fmt: skip


def _current(make_action: ActionFactory, **changes: object) -> Action:
    """An action running from 10 days ago to 10 days ahead (so 50% is expected today)."""
    today = timezone.localdate()
    fields = {"start_date": today - timedelta(days=10), "due_date": today + timedelta(days=10)}
    return make_action(**{**fields, **changes})


@pytest.mark.parametrize("role", READERS)
def test_everyone_with_a_role_sees_an_intervention_and_its_actions_with_their_rag(
    as_role: SignIn, make_action: ActionFactory, role: Role
) -> None:
    _current(make_action, percent_complete=10)
    response = as_role(role).get(f"/interventions/{PREVENT}/")
    assert response.status_code == 200
    assert "Train night-time economy staff" in response.text
    assert "safeplan-rag--red" in response.text


def test_a_person_without_a_role_may_not_see_the_actions(
    client: Client, make_action: ActionFactory
) -> None:
    someone = person(Role.ANALYST, "nobody-really")
    someone.groups.clear()
    client.force_login(someone)
    assert client.get(f"/interventions/{PREVENT}/").status_code == 403


def test_an_unknown_intervention_is_not_found(as_role: SignIn, plan: Plan) -> None:
    assert as_role(Role.ANALYST).get("/interventions/no-such-thing/").status_code == 404


def test_the_theme_page_lists_the_actions_tagged_with_the_theme(
    as_role: SignIn, make_action: ActionFactory
) -> None:
    make_action(title="Tagged one")
    make_action(title="Not tagged", themes=())
    text = as_role(Role.BOARD_MEMBER).get(f"/themes/{THEME}/").text
    assert "Tagged one" in text
    assert "Not tagged" not in text


def test_the_overdue_view_shows_late_actions_to_the_board(
    as_role: SignIn, make_action: ActionFactory
) -> None:
    make_action(title="Late one", start_date=date(2020, 1, 1), due_date=date(2020, 6, 1))
    text = as_role(Role.BOARD_MEMBER).get("/actions/overdue/").text
    assert "Late one" in text
    assert "Overdue" in text


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMINISTRATOR, 200),
        (Role.ANALYST, 200),
        (Role.BOARD_MEMBER, 403),  # reads the plan, changes nothing
        (Role.AGENCY_SUBMITTER, 403),
        (Role.ACTION_OWNER, 403),  # owns no intervention yet
    ],
)
def test_who_may_open_the_new_action_form(
    as_role: SignIn, plan: Plan, role: Role, status: int
) -> None:
    assert as_role(role).get(f"/actions/new/?intervention={PREVENT}").status_code == status


def test_an_empty_new_action_form_shows_the_govuk_error_summary(
    as_role: SignIn, plan: Plan
) -> None:
    response = as_role(Role.ANALYST).post("/actions/new/", {"status": "in progress"})
    text = response.text
    assert response.status_code == 200
    assert "There is a problem" in text
    assert "<title>Error: " in text
    for message in ("Select the intervention the action belongs to", "Enter a title",
                    "Enter the owner of the action", "Enter a start date", "Enter a due date"):  # fmt: skip
        assert message in text
    assert not Action.objects.exists()


def test_a_service_error_appears_in_the_summary_against_its_field(
    as_role: SignIn, plan: Plan
) -> None:
    form = {"intervention_key": PREVENT, "title": "T", "owner": "O", "start_date": "2024-02-01",
            "due_date": "2024-01-01", "percent_complete": "0", "status": "in progress"}  # fmt: skip
    text = as_role(Role.ANALYST).post("/actions/new/", form).text
    assert '<a href="#id_due_date">Due date must be the same as or after the start date</a>' in text


def test_an_analyst_adds_an_action_and_is_taken_to_it(as_role: SignIn, plan: Plan) -> None:
    form = {"intervention_key": PREVENT, "title": "New action", "owner": "Lead",
            "start_date": "01/04/2024", "due_date": "2025-03-31", "percent_complete": "0",
            "status": "not started", "themes": [THEME]}  # fmt: skip
    response = as_role(Role.ANALYST).post("/actions/new/", form)
    action = Action.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/actions/{action.pk}/"
    assert action.themes == [THEME]


def test_an_action_owner_updates_only_the_interventions_they_own(
    client: Client, make_action: ActionFactory
) -> None:
    owner = person(Role.ACTION_OWNER)
    intervention_owners_set(username=owner.username, keys=[PREVENT])
    client.force_login(owner)
    mine = _current(make_action)
    theirs = _current(make_action, intervention_key=NEGLECT)
    assert client.get(f"/actions/{mine.pk}/progress/").status_code == 200
    assert client.get(f"/actions/{theirs.pk}/progress/").status_code == 403
    assert client.get(f"/actions/{theirs.pk}/edit/").status_code == 403


def test_adding_progress_changes_the_actions_rag(
    as_role: SignIn, make_action: ActionFactory
) -> None:
    action = _current(make_action, percent_complete=10)
    client = as_role(Role.ANALYST)
    assert "safeplan-rag--red" in client.get(f"/actions/{action.pk}/").text
    form = {"on": timezone.localdate().isoformat(), "percent_complete": "50",
            "status": "in progress", "note": "halfway"}  # fmt: skip
    response = client.post(f"/actions/{action.pk}/progress/", form, follow=True)
    assert "safeplan-rag--green" in response.text
    assert "halfway" in response.text


def test_a_bad_progress_update_is_explained_in_the_error_summary(
    as_role: SignIn, make_action: ActionFactory
) -> None:
    action = _current(make_action)
    form = {"on": "tomorrow", "percent_complete": "150", "status": "in progress"}
    text = as_role(Role.ANALYST).post(f"/actions/{action.pk}/progress/", form).text
    assert '<a href="#id_on">Date of the update must be a real date, like 2024-04-01</a>' in text
    assert "Enter % complete as a whole number from 0 to 100" in text


def test_closing_an_action_through_its_page(as_role: SignIn, make_action: ActionFactory) -> None:
    action = _current(make_action)
    form = {"on": timezone.localdate().isoformat(), "note": "done"}
    response = as_role(Role.ANALYST).post(f"/actions/{action.pk}/close/", form)
    action.refresh_from_db()
    assert response.status_code == 302
    assert action.status == "complete"


def test_editing_an_action_keeps_its_values_in_the_form(
    as_role: SignIn, make_action: ActionFactory
) -> None:
    action = make_action()
    text = as_role(Role.ANALYST).get(f"/actions/{action.pk}/edit/").text
    assert 'value="Train night-time economy staff"' in text
    assert 'value="2024-01-11"' in text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_board_downloads_every_action(
    as_role: SignIn, make_action: ActionFactory, fmt: str
) -> None:
    make_action()
    response = as_role(Role.BOARD_MEMBER).get(f"/actions/export.{fmt}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="actions.{fmt}"'


def test_an_import_with_problems_lists_them_and_changes_nothing(
    as_role: SignIn, make_action: ActionFactory
) -> None:
    action = make_action()
    workbook = openpyxl.load_workbook(io.BytesIO(actions_export("xlsx")))
    sheet = workbook["actions"]
    sheet["C2"] = ""  # the title
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    data.name = "actions.xlsx"
    response = as_role(Role.ANALYST).post("/actions/import/", {"file": data})
    assert "The file was not imported" in response.text
    assert "Enter a title" in response.text
    action.refresh_from_db()
    assert action.title == "Train night-time economy staff"


def test_a_board_member_may_not_import_actions(as_role: SignIn, plan: Plan) -> None:
    assert as_role(Role.BOARD_MEMBER).get("/actions/import/").status_code == 403


def test_the_progress_partial_counts_an_interventions_actions_by_status_and_rag(
    plan: Plan, make_action: ActionFactory
) -> None:
    from django.template.loader import render_to_string

    from safeplan.actions.selectors import intervention_progress

    _current(make_action, percent_complete=10)
    _current(make_action, percent_complete=50)
    progress = intervention_progress(plan, timezone.localdate())[PREVENT]
    html = render_to_string("actions/_progress.html", {"key": PREVENT, "progress": progress})
    text = " ".join(html.split())
    assert text.endswith(
        '2 actions</a>: <span class="safeplan-action-progress__statuses">2 in progress;</span>'
        " RAG 1 red, 1 green </p>"
    )


def test_an_action_owner_adds_actions_only_to_the_interventions_they_own(
    client: Client, plan: Plan
) -> None:
    owner = person(Role.ACTION_OWNER)
    intervention_owners_set(username=owner.username, keys=[PREVENT])
    client.force_login(owner)
    form = {"title": "Mine", "owner": "Me", "start_date": "2024-04-01",
            "due_date": "2024-05-01", "percent_complete": "0", "status": "not started"}  # fmt: skip
    refused = client.post("/actions/new/", {**form, "intervention_key": NEGLECT})
    assert "Select an intervention whose actions you own" in refused.text
    added = client.post("/actions/new/", {**form, "intervention_key": PREVENT})
    assert added.status_code == 302
    assert list(Action.objects.values_list("intervention_key", flat=True)) == [PREVENT]


def test_an_action_owner_may_not_move_an_action_to_an_intervention_they_do_not_own(
    client: Client, make_action: ActionFactory
) -> None:
    owner = person(Role.ACTION_OWNER)
    intervention_owners_set(username=owner.username, keys=[PREVENT])
    client.force_login(owner)
    action = make_action()
    form = {"intervention_key": NEGLECT, "title": "Moved", "owner": "Me",
            "start_date": "2024-01-01", "due_date": "2024-01-11", "percent_complete": "0",
            "status": "in progress"}  # fmt: skip
    text = client.post(f"/actions/{action.pk}/edit/", form).text
    assert "Select an intervention whose actions you own" in text
    action.refresh_from_db()
    assert action.intervention_key == PREVENT


def test_an_actions_page_links_its_themes_or_says_none(
    as_role: SignIn, make_action: ActionFactory
) -> None:
    tagged, untagged = make_action(), make_action(themes=())
    client = as_role(Role.BOARD_MEMBER)
    assert (
        f'href="/themes/{THEME}/">Knowledge Management</a>'
        in client.get(f"/actions/{tagged.pk}/").text
    )
    assert (
        'Themes</dt><dd class="govuk-summary-list__value">None'
        in client.get(f"/actions/{untagged.pk}/").text
    )


def test_a_good_import_through_the_page_adds_the_actions(as_role: SignIn, plan: Plan) -> None:
    data = io.BytesIO(
        b"intervention,title,owner,start_date,due_date,status\n"
        b"Prevent CSE,Run sessions,Lead,2024-01-01,2024-02-01,not started\n"
    )
    data.name = "actions.csv"
    response = as_role(Role.ANALYST).post("/actions/import/", {"file": data}, follow=True)
    assert "Imported: 1 action added, 0 updated" in response.text
    assert Action.objects.get().title == "Run sessions"

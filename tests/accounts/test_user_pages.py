"""Administrators manage users in the app: list, add, change role, switch off; all audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from safeplan.accounts.models import InterventionOwner
from safeplan.accounts.roles import Role, user_roles
from safeplan.accounts.selectors import intervention_choices
from safeplan.audit.models import AuditEvent
from safeplan.plans.services import plan_load_default
from tests.audit.conftest import PERSONAS

pytestmark = pytest.mark.django_db

PAGES = [
    "/account/users/",
    "/account/users/add/",
    "/account/users/p-analyst/role/",
    "/account/users/p-analyst/active/",
]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("persona", list(PERSONAS))
def test_only_administrators_may_manage_users(
    client: Client, personas: dict[str, User], persona: str, url: str
) -> None:
    client.force_login(personas[persona])
    assert client.get(url).status_code == (200 if persona == "administrator" else 403)
    if persona != "administrator":
        client.post(url, {"role": "administrator"})
        assert Role.ADMINISTRATOR not in user_roles(User.objects.get(username="p-analyst"))


@pytest.fixture
def admin(client: Client, personas: dict[str, User]) -> Client:
    client.force_login(personas["administrator"])
    return client


def test_the_list_shows_each_user_with_role_agency_and_status(admin: Client) -> None:
    html = admin.get("/account/users/").content.decode()
    assert "p-submitter_x" in html
    assert "Police" in html
    assert "prevent-cse" in html  # owner_a's intervention
    assert html.count("Switch off") >= len(PERSONAS)


def test_an_administrator_adds_an_agency_submitter(admin: Client) -> None:
    response = admin.post(
        "/account/users/add/",
        {"username": "pc.smith", "role": "agency submitter", "agency": "Police",
         "password": "correct-horse-battery"},
    )  # fmt: skip
    assert response.status_code == 302
    user = User.objects.get(username="pc.smith")
    assert user_roles(user) == {Role.AGENCY_SUBMITTER}
    event = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert event.actor_name == "p-administrator"
    assert event.after is not None
    assert event.after["agency"] == "Police"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        # nothing at all
        ({}, "username", "Enter a username"),
        ({"username": "x", "password": "correct-horse-battery"}, "role", "Select a role"),
        # an agency submitter without an agency
        ({"username": "x", "role": "agency submitter", "password": "correct-horse-battery"},
         "agency", "Select the agency of the agency submitter"),
        # a username that is taken, in another case
        ({"username": "P-ANALYST", "role": "analyst", "password": "correct-horse-battery"},
         "username", "already exists"),
        # a password the validators refuse
        ({"username": "x", "role": "analyst", "password": "short"}, "password", "too short"),
    ],
)  # fmt: skip
def test_mistakes_are_listed_in_the_error_summary_and_by_the_field(
    admin: Client, data: dict[str, str], field: str, message: str
) -> None:
    response = admin.post("/account/users/add/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert f'href="#id_{field}"' in html
    assert message in html
    assert "<title>Error: Add a user – safeplan</title>" in html
    assert not AuditEvent.objects.filter(action="user.create", object_id="").exists()


def test_changing_a_role_takes_the_old_one_away_and_is_audited(admin: Client) -> None:
    response = admin.post("/account/users/p-analyst/role/", {"role": "board member"})
    assert response.status_code == 302
    assert user_roles(User.objects.get(username="p-analyst")) == {Role.BOARD_MEMBER}
    event = AuditEvent.objects.get(action="user.role_change")
    assert event.before is not None
    assert event.after is not None
    assert (event.before["roles"], event.after["roles"]) == (["analyst"], ["board member"])


def test_an_action_owner_is_given_interventions_of_the_active_plan(admin: Client) -> None:
    plan_load_default()
    html = admin.get("/account/users/p-owner_b/role/").content.decode()
    assert 'type="checkbox"' in html
    first, second = intervention_choices()[:2]
    response = admin.post(
        "/account/users/p-owner_b/role/",
        {"role": "action owner", "interventions": [first[0], second[0]]},
    )
    assert response.status_code == 302
    owned = InterventionOwner.objects.filter(user__username="p-owner_b")
    assert sorted(owned.values_list("intervention_key", flat=True)) == sorted([first[0], second[0]])
    assert AuditEvent.objects.filter(action="user.interventions_change").count() == 3


def test_an_administrator_cannot_take_away_their_own_role(admin: Client) -> None:
    response = admin.post("/account/users/p-administrator/role/", {"role": "analyst"})
    assert response.status_code == 200
    assert "You cannot take away your own administrator role." in response.content.decode()


def test_switching_a_user_off_asks_first_then_is_audited(admin: Client) -> None:
    page = admin.get("/account/users/p-board/active/").content.decode()
    assert "Switch off p-board?" in page
    assert User.objects.get(username="p-board").is_active
    assert admin.post("/account/users/p-board/active/").status_code == 302
    assert not User.objects.get(username="p-board").is_active
    assert AuditEvent.objects.filter(action="user.deactivate", actor_name="p-administrator")
    admin.post("/account/users/p-board/active/")
    assert User.objects.get(username="p-board").is_active


def test_an_administrator_cannot_switch_themself_off(admin: Client) -> None:
    response = admin.post("/account/users/p-administrator/active/")
    assert response.status_code == 200
    assert "You cannot switch yourself off." in response.content.decode()
    assert User.objects.get(username="p-administrator").is_active


def test_an_unknown_user_is_not_found(admin: Client) -> None:
    assert admin.get("/account/users/nobody/role/").status_code == 404

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import override_settings

from safeplan.accounts.roles import Role, user_roles
from safeplan.accounts.selectors import user_agency, users_list
from safeplan.accounts.services import UserError, demo_users_create, user_create
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_user_is_created_with_a_hashed_password_and_one_role() -> None:
    user = user_create(username="jo.bloggs", role=Role.ANALYST, password=PASSWORD)
    assert user.check_password(PASSWORD)
    assert user.password != PASSWORD
    assert user_roles(user) == {Role.ANALYST}


def test_an_agency_submitter_keeps_their_agency() -> None:
    user = user_create(
        username="pc.smith", role=Role.AGENCY_SUBMITTER, password=PASSWORD, agency=" Police "
    )
    assert user_agency(user) == "Police"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        # Django's validators: too short, too common, all digits, like the username
        ({"password": "short"}, "too short"),
        ({"password": "password1234"}, "too common"),
        ({"password": "902847561234"}, "entirely numeric"),
        ({"username": "margaret.hodge", "password": "margaret.hodge1"}, "too similar"),
        # a submitter uploads for one agency, so must have one
        ({"role": Role.AGENCY_SUBMITTER}, "needs an agency"),
        # blank usernames, after trimming
        ({"username": "   "}, "Enter a username"),
    ],
)
def test_a_user_is_refused_with_a_reason(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"username": "jo", "role": Role.ANALYST, "password": PASSWORD}
    with pytest.raises(UserError, match=message):
        user_create(**(arguments | kwargs))  # type: ignore[arg-type]
    assert not User.objects.exists()


def test_a_username_is_taken_whatever_its_case() -> None:
    user_create(username="Jo", role=Role.ANALYST, password=PASSWORD)
    with pytest.raises(UserError, match="already exists"):
        user_create(username="jo", role=Role.BOARD_MEMBER, password=PASSWORD)


def test_the_role_groups_are_recreated_when_missing() -> None:
    Group.objects.all().delete()
    user = user_create(username="jo", role=Role.BOARD_MEMBER, password=PASSWORD)
    assert user_roles(user) == {Role.BOARD_MEMBER}


def test_demo_users_are_one_per_role_and_can_sign_in() -> None:
    demo = demo_users_create()
    assert [entry.role for entry in demo] == list(Role)
    for username, role, password in demo:
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert user_roles(user) == {role}


def test_demo_users_are_reset_not_duplicated_when_created_again() -> None:
    first = demo_users_create()
    user = User.objects.get(username=first[0].username)
    user.set_password("changed-by-someone-else")
    user.is_active = False
    user.save()
    again = demo_users_create()
    assert again == first
    assert User.objects.count() == len(Role)
    user.refresh_from_db()
    assert user.is_active
    assert user.check_password(first[0].password)


@override_settings(MODE="production")
def test_demo_users_are_refused_in_production() -> None:
    with pytest.raises(UserError, match="only created in demo or test mode"):
        demo_users_create()
    assert not User.objects.exists()


def test_the_user_list_shows_roles_and_agencies() -> None:
    user_create(username="b", role=Role.AGENCY_SUBMITTER, password=PASSWORD, agency="Health")
    user_create(username="a", role=Role.BOARD_MEMBER, password=PASSWORD)
    listed = users_list()
    assert [(u.username, u.roles, u.agency) for u in listed] == [
        ("a", (Role.BOARD_MEMBER,), ""),
        ("b", (Role.AGENCY_SUBMITTER,), "Health"),
    ]

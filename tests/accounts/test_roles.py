from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User

from safeplan.accounts.roles import ROLES, Role, user_has_role, user_roles
from tests.accounts.conftest import UserFactory


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("analyst", Role.ANALYST),
        # the slug, as in URLs and usernames
        ("agency-submitter", Role.AGENCY_SUBMITTER),
        # capitals and stray spaces from a shell
        ("  Board Member ", Role.BOARD_MEMBER),
        # underscores, as someone might type an identifier
        ("action_owner", Role.ACTION_OWNER),
    ],
)
def test_a_role_is_read_from_its_name_or_slug(text: str, role: Role) -> None:
    assert Role.parse(text) is role


def test_an_unknown_role_names_the_choices() -> None:
    with pytest.raises(ValueError, match="choose one of: administrator, analyst"):
        Role.parse("chair")


def test_the_five_roles_are_named_as_the_groups() -> None:
    assert [role.value for role in ROLES] == [
        "administrator",
        "analyst",
        "agency submitter",
        "action owner",
        "board member",
    ]


@pytest.mark.django_db
def test_the_role_groups_exist_after_migrating() -> None:
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


@pytest.mark.parametrize("role", list(Role))
def test_a_user_holds_the_role_they_were_created_with(make_user: UserFactory, role: Role) -> None:
    user = make_user(role)
    assert user_roles(user) == {role}
    assert user_has_role(user, role)
    assert not user_has_role(user, *(other for other in Role if other is not role))


def test_an_anonymous_visitor_has_no_role() -> None:
    assert user_roles(AnonymousUser()) == frozenset()
    assert not user_has_role(AnonymousUser(), *Role)


def test_a_switched_off_user_has_no_role(make_user: UserFactory) -> None:
    user = make_user(Role.ADMINISTRATOR)
    user.is_active = False
    assert user_roles(user) == frozenset()


@pytest.mark.django_db
def test_a_superuser_counts_as_an_administrator() -> None:
    user = User.objects.create_superuser("root", password="x")
    assert user_roles(user) == {Role.ADMINISTRATOR}


def test_a_user_with_no_group_has_no_role(db: None) -> None:
    user = User.objects.create_user("outsider", password="x")
    assert not user_has_role(user, *Role)

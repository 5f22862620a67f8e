from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User

from safeplan.accounts.roles import Role, user_roles
from safeplan.accounts.selectors import user_agency
from safeplan.cli import main
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_user_add_takes_the_password_from_the_environment() -> None:
    result = CliRunner().invoke(
        main,
        ["user", "add", "jo.bloggs", "--role", "board member"],
        env={"SAFEPLAN_PASSWORD": PASSWORD},
    )
    assert result.exit_code == 0, result.output
    assert "Created jo.bloggs (board member)." in result.output
    user = User.objects.get(username="jo.bloggs")
    assert user.check_password(PASSWORD)
    assert user_roles(user) == {Role.BOARD_MEMBER}


def test_user_add_asks_twice_for_the_password_when_none_is_given() -> None:
    result = CliRunner().invoke(
        main,
        ["user", "add", "pc.smith", "--role", "agency-submitter", "--agency", "Police"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
        env={"SAFEPLAN_PASSWORD": ""},
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert user_agency(User.objects.get(username="pc.smith")) == "Police"


@pytest.mark.parametrize(
    ("arguments", "password", "message"),
    [
        # Django's validators reject it
        (["jo", "--role", "analyst"], "short", "too short"),
        # an agency submitter must have an agency
        (["jo", "--role", "agency submitter"], PASSWORD, "needs an agency"),
        # not one of the five roles
        (["jo", "--role", "chair"], PASSWORD, "unknown role 'chair'"),
    ],
)
def test_user_add_explains_a_refusal(arguments: list[str], password: str, message: str) -> None:
    result = CliRunner().invoke(
        main, ["user", "add", *arguments], env={"SAFEPLAN_PASSWORD": password}
    )
    assert result.exit_code != 0
    assert message in result.output
    assert not User.objects.exists()


def test_user_list_shows_each_user_with_role_and_agency() -> None:
    env = {"SAFEPLAN_PASSWORD": PASSWORD}
    runner = CliRunner()
    runner.invoke(
        main, ["user", "add", "b", "--role", "agency submitter", "--agency", "NHS"], env=env
    )
    runner.invoke(main, ["user", "add", "a", "--role", "analyst"], env=env)
    result = runner.invoke(main, ["user", "list"])
    assert result.exit_code == 0, result.output
    assert result.output == "a: analyst\nb: agency submitter — NHS\n"

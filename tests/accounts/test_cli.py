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


def test_user_password_sets_a_new_validated_password() -> None:
    runner = CliRunner()
    runner.invoke(
        main, ["user", "add", "jo", "--role", "analyst"], env={"SAFEPLAN_PASSWORD": PASSWORD}
    )
    weak = runner.invoke(main, ["user", "password", "jo"], env={"SAFEPLAN_PASSWORD": "abc"})
    assert weak.exit_code != 0
    assert "too short" in weak.output
    new = "another-long-passphrase"
    result = runner.invoke(main, ["user", "password", "JO"], env={"SAFEPLAN_PASSWORD": new})
    assert result.exit_code == 0, result.output
    assert User.objects.get(username="jo").check_password(new)


def test_user_deactivate_stops_sign_in_and_undo_restores_it() -> None:
    runner = CliRunner()
    runner.invoke(
        main, ["user", "add", "jo", "--role", "analyst"], env={"SAFEPLAN_PASSWORD": PASSWORD}
    )
    assert runner.invoke(main, ["user", "deactivate", "jo"]).output == "jo can no longer sign in.\n"
    assert not User.objects.get(username="jo").is_active
    assert "(inactive)" in runner.invoke(main, ["user", "list"]).output
    runner.invoke(main, ["user", "deactivate", "jo", "--undo"])
    assert User.objects.get(username="jo").is_active


@pytest.mark.parametrize("command", [["password", "nobody"], ["deactivate", "nobody"]])
def test_an_unknown_username_is_named(command: list[str]) -> None:
    result = CliRunner().invoke(main, ["user", *command], env={"SAFEPLAN_PASSWORD": PASSWORD})
    assert result.exit_code != 0
    assert "There is no user called 'nobody'." in result.output


def test_the_demo_prints_one_sign_in_per_role(capsys: pytest.CaptureFixture[str]) -> None:
    from safeplan.accounts.cli import demo_users_echo

    demo_users_echo()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Demo sign-ins (synthetic data")
    assert len(lines) == 1 + len(Role)
    assert "demo-board-member" in lines[-1]

"""``safeplan user role`` and ``safeplan user owns``: audited as the command line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from safeplan.accounts.models import InterventionOwner
from safeplan.accounts.roles import Role, user_roles
from safeplan.audit.models import AuditEvent
from safeplan.cli import main
from tests.accounts.conftest import UserFactory

pytestmark = pytest.mark.django_db


def test_user_role_gives_exactly_one_role(make_user: UserFactory) -> None:
    user = make_user(Role.ANALYST)
    result = CliRunner().invoke(main, ["user", "role", user.username, "--role", "board-member"])
    assert result.exit_code == 0, result.output
    assert user_roles(user) == {Role.BOARD_MEMBER}
    event = AuditEvent.objects.get(action="user.role_change")
    assert event.actor_name.endswith("(command line)")


def test_user_role_refuses_a_submitter_without_an_agency(make_user: UserFactory) -> None:
    user = make_user(Role.ANALYST)
    result = CliRunner().invoke(main, ["user", "role", user.username, "--role", "agency submitter"])
    assert result.exit_code == 1
    assert "needs an agency" in result.output
    assert user_roles(user) == {Role.ANALYST}


def test_user_owns_takes_intervention_names_or_keys(make_user: UserFactory) -> None:
    user = make_user(Role.ACTION_OWNER)
    result = CliRunner().invoke(
        main, ["user", "owns", user.username, "Prevent CSE", "neglect-toolkit"]
    )
    assert result.exit_code == 0, result.output
    owned = InterventionOwner.objects.filter(user=user).values_list("intervention_key", flat=True)
    assert sorted(owned) == ["neglect-toolkit", "prevent-cse"]
    CliRunner().invoke(main, ["user", "owns", user.username])
    assert not InterventionOwner.objects.filter(user=user).exists()


def test_an_unknown_user_is_reported(db: None) -> None:
    result = CliRunner().invoke(main, ["user", "owns", "nobody", "x"])
    assert result.exit_code == 1
    assert "There is no user called 'nobody'" in result.output

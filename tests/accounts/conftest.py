from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User

from safeplan.accounts.roles import Role
from safeplan.accounts.services import user_create
from tests.audit.conftest import personas  # noqa: F401 (the personas fixture, shared with tests/audit)

PASSWORD = "correct-horse-battery"

UserFactory = Callable[..., User]


@pytest.fixture
def make_user(db: None) -> UserFactory:
    """Create a user with a role (an agency submitter gets an agency)."""

    def make(role: Role = Role.ANALYST, username: str | None = None) -> User:
        agency = "Durham Constabulary" if role is Role.AGENCY_SUBMITTER else None
        name = username or f"test-{role.slug}"
        return user_create(username=name, role=role, password=PASSWORD, agency=agency)

    return make

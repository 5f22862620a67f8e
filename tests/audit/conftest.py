"""Personas for the audit and access tests: one user per role, plus two variants.

Each persona is a real user made by the services (so that making it is
audited like any other user): ``administrator``, ``analyst``, ``submitter_x``
(Police), ``submitter_y`` (Health), ``owner_a`` (owns intervention A),
``owner_b`` (owns B), ``board`` (board member) and ``outsider`` (signed in, no role).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from safeplan.accounts.roles import Role
from safeplan.accounts.services import intervention_owners_set, user_create

PASSWORD = "correct-horse-battery"
INTERVENTION_A = "prevent-cse"
INTERVENTION_B = "neglect-toolkit"

PERSONAS: dict[str, tuple[Role | None, str | None, str | None]] = {
    # name: (role, agency, intervention owned)
    "administrator": (Role.ADMINISTRATOR, None, None),
    "analyst": (Role.ANALYST, None, None),
    "submitter_x": (Role.AGENCY_SUBMITTER, "Police", None),
    "submitter_y": (Role.AGENCY_SUBMITTER, "Health", None),
    "owner_a": (Role.ACTION_OWNER, None, INTERVENTION_A),
    "owner_b": (Role.ACTION_OWNER, None, INTERVENTION_B),
    "board": (Role.BOARD_MEMBER, None, None),
    "outsider": (None, None, None),
}


def persona_create(name: str) -> User:
    role, agency, owned = PERSONAS[name]
    if role is None:
        user = User.objects.create_user(username=f"p-{name}", password=PASSWORD)
        return user
    user = user_create(username=f"p-{name}", role=role, password=PASSWORD, agency=agency)
    if owned:
        intervention_owners_set(username=user.username, keys=[owned])
    return user


@pytest.fixture
def personas(db: None) -> dict[str, User]:
    """Every persona, by name."""
    return {name: persona_create(name) for name in PERSONAS}

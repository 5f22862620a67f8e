"""Fixtures of the action tests: the default plan loaded, personas and an action factory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.test import Client

from safeplan.accounts.roles import Role
from safeplan.accounts.services import user_create
from safeplan.actions.models import Action
from safeplan.actions.services import ActionInput, action_create
from safeplan.plans.models import Plan
from safeplan.plans.services import plan_load_default

PASSWORD = "correct-horse-battery"
PREVENT = "prevent-cse"  # an intervention of the default plan
NEGLECT = "understand-neglect"
THEME = "knowledge-management"  # a theme of the default plan

ActionFactory = Callable[..., Action]

BASE = ActionInput(
    intervention_key=PREVENT,
    title="Train night-time economy staff",
    owner="CSE lead",
    agency="Police",
    themes=(THEME,),
    start_date=date(2024, 1, 1),
    due_date=date(2024, 1, 11),
    percent_complete=0,
    status="in progress",
)


@pytest.fixture(autouse=True)
def static_root(settings: LazySettings, tmp_path: Path) -> Path:
    """An existing STATIC_ROOT: whitenoise warns (an error here) when it is missing."""
    root = tmp_path / "static"
    root.mkdir()
    settings.STATIC_ROOT = root
    return root


@pytest.fixture
def plan(db: None) -> Plan:
    return plan_load_default()


@pytest.fixture
def make_action(plan: Plan) -> ActionFactory:
    """An action of the default plan; keyword arguments replace fields of `BASE`."""

    def make(**changes: Any) -> Action:
        return action_create(data=replace(BASE, **changes), by=None)

    return make


def person(role: Role, name: str | None = None) -> User:
    agency = "Durham Constabulary" if role is Role.AGENCY_SUBMITTER else None
    return user_create(
        username=name or f"t-{role.slug}", role=role, password=PASSWORD, agency=agency
    )


@pytest.fixture
def as_role(client: Client, db: None) -> Callable[[Role], Client]:
    def sign_in(role: Role) -> Client:
        client.force_login(person(role))
        return client

    return sign_in

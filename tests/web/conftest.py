"""The web pages' fixtures: personas, and the hand-made county of ``county.py``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.test import Client

from safeplan.accounts.roles import Role
from safeplan.accounts.services import user_create
from tests.web.county import PASSWORD, county_load


@pytest.fixture(autouse=True)
def static_root(settings: LazySettings, tmp_path: Path) -> Path:
    """An existing STATIC_ROOT: whitenoise warns (an error here) when it is missing."""
    root = tmp_path / "static"
    root.mkdir()
    settings.STATIC_ROOT = root
    return root


def signed_in(client: Client, role: Role) -> Client:
    agency = "Durham Constabulary" if role is Role.AGENCY_SUBMITTER else None
    user = user_create(username=f"web-{role.slug}", role=role, password=PASSWORD, agency=agency)
    client.force_login(user)
    return client


@pytest.fixture
def county(tmp_path: Path, django_capture_on_commit_callbacks: Callable[..., object]) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        county_load(tmp_path)


@pytest.fixture
def reader(client: Client) -> Client:
    """A board member: sees aggregates only."""
    return signed_in(client, Role.BOARD_MEMBER)


@pytest.fixture
def analyst(client: Client) -> Client:
    return signed_in(client, Role.ANALYST)

"""Writing users and roles. Every password goes through Django's validators."""

from __future__ import annotations

from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from safeplan.accounts.models import Profile
from safeplan.accounts.roles import Role


class UserError(ValueError):
    """A user cannot be created as asked; the message says why, for the person asking."""


class DemoUser(NamedTuple):
    """A demo sign-in: printed by `safeplan demo`, never valid in production."""

    username: str
    role: Role
    password: str


def roles_ensure() -> dict[Role, Group]:
    """Create the role groups that are missing; safe to call any number of times."""
    return {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}


@transaction.atomic
def user_create(*, username: str, role: Role, password: str, agency: str | None = None) -> User:
    """Create an active user holding one role.

    An agency submitter must name their agency; the password must pass every
    validator in ``AUTH_PASSWORD_VALIDATORS`` (length, common, numeric, similar
    to the username), otherwise `UserError` lists what is wrong.
    """
    username = username.strip()
    agency = (agency or "").strip()
    _user_check(username=username, role=role, agency=agency)
    user = User(username=username)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise UserError(" ".join(exc.messages)) from None
    user.set_password(password)
    user.save()
    user.groups.add(roles_ensure()[role])
    Profile.objects.create(user=user, agency=agency)
    return user


def user_password_set(*, username: str, password: str) -> User:
    """Give an existing user a new password (validated), e.g. after they forgot it."""
    user = _user_get(username)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise UserError(" ".join(exc.messages)) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def user_active_set(*, username: str, active: bool) -> User:
    """Switch a user off (they can no longer sign in; what they did stays) or on again."""
    user = _user_get(username)
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user


def user_unlock(*, username: str) -> int:
    """Lift a django-axes sign-in pause on `username` now; returns the failures cleared."""
    from axes.utils import reset

    return int(reset(username=username.strip()))


def _user_get(username: str) -> User:
    user = User.objects.filter(username__iexact=username.strip()).first()
    if user is None:
        raise UserError(f"There is no user called {username!r}.")
    return user


def _user_check(*, username: str, role: Role, agency: str) -> None:
    if not username:
        raise UserError("Enter a username.")
    if User.objects.filter(username__iexact=username).exists():
        raise UserError(f"A user called {username!r} already exists.")
    if role is Role.AGENCY_SUBMITTER and not agency:
        raise UserError("An agency submitter needs an agency (--agency).")


# Deterministic on purpose, so that the README can quote them. Demo data are
# synthetic, and `demo_users_create` refuses to run in production.
_DEMO_PASSWORDS = {
    Role.ADMINISTRATOR: "harbour-lantern-2017",
    Role.ANALYST: "orchard-compass-2018",
    Role.AGENCY_SUBMITTER: "meadow-kettle-2019",
    Role.ACTION_OWNER: "granite-willow-2020",
    Role.BOARD_MEMBER: "saffron-beacon-2021",
}
_DEMO_AGENCIES = {Role.AGENCY_SUBMITTER: "Durham Constabulary"}


@transaction.atomic
def demo_users_create() -> list[DemoUser]:
    """Create, or reset to their published passwords, one user per role: ``demo-<role>``.

    Refused in production mode: the demo passwords are published.

    >>> demo_users_create()[1]  # doctest: +SKIP
    DemoUser(username='demo-analyst', role=<Role.ANALYST: 'analyst'>, password='orchard-compass-2018')
    """
    if settings.MODE == "production":
        raise UserError("Demo users are only created in demo or test mode.")
    users = [
        DemoUser(username=f"demo-{role.slug}", role=role, password=_DEMO_PASSWORDS[role])
        for role in Role
    ]
    for demo in users:
        _demo_user_reset(demo, agency=_DEMO_AGENCIES.get(demo.role, ""))
    return users


def _demo_user_reset(demo: DemoUser, *, agency: str) -> None:
    user = User.objects.filter(username=demo.username).first()
    if user is None:
        user_create(username=demo.username, role=demo.role, password=demo.password, agency=agency)
        return
    # Reset in place rather than delete, so that what the user owns survives.
    user.set_password(demo.password)
    user.is_active = True
    user.save()
    user.groups.set([roles_ensure()[demo.role]])
    Profile.objects.update_or_create(user=user, defaults={"agency": agency})

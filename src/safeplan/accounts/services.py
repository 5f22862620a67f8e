"""Writing users and roles. Every password goes through Django's validators.

Each service needs ``user.manage`` of whoever acts (an administrator; the
command line and safeplan itself hold it: `permissions.actor_may`) and raises
PermissionDenied otherwise, whichever page or command calls it.
"""

from __future__ import annotations

from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safeplan.accounts.models import InterventionOwner, Profile
from safeplan.accounts.permissions import actor_may
from safeplan.accounts.roles import Role
from safeplan.accounts.selectors import DEMO_USERNAMES, demo_users_active
from safeplan.audit.services import Actor, audit_record


class UserError(ValueError):
    """A user cannot be created as asked; the message says why, for the person asking.

    ``field`` names the form field at fault (``username``, ``password``, ``agency``), if any.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class DemoUser(NamedTuple):
    """A demo sign-in: printed by `safeplan demo`, never valid in production."""

    username: str
    role: Role
    password: str


def _require_manager(actor: Actor) -> None:
    if not actor_may(actor, "user.manage"):
        raise PermissionDenied("needs user.manage")


def roles_ensure() -> dict[Role, Group]:
    """Create the role groups that are missing; safe to call any number of times."""
    return {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}


@transaction.atomic
def user_create(
    *, username: str, role: Role, password: str, agency: str | None = None, actor: Actor = None
) -> User:
    """Create an active user holding one role (audited as ``user.create``).

    An agency submitter must name their agency; the password must pass every
    validator in ``AUTH_PASSWORD_VALIDATORS`` (length, common, numeric, similar
    to the username), otherwise `UserError` lists what is wrong.
    """
    _require_manager(actor)
    username = username.strip()
    agency = (agency or "").strip()
    _user_check(username=username, role=role, agency=agency)
    _demo_refused(username)
    user = User(username=username)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise UserError(" ".join(exc.messages), field="password") from None
    user.set_password(password)
    user.save()
    user.groups.add(roles_ensure()[role])
    Profile.objects.create(user=user, agency=agency)
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        summary=f"added {username} as {role.value}" + (f" ({agency})" if agency else ""),
        after=_user_state(user),
    )
    return user


@transaction.atomic
def user_role_set(
    *, username: str, role: Role, agency: str | None = None, actor: Actor = None
) -> User:
    """Give a user exactly one role (and the agency an agency submitter needs); audited.

    Any other role the user held is taken away, as is an agency that the new
    role does not use.
    """
    _require_manager(actor)
    user = _user_get(username)
    agency = (agency or "").strip() if role is Role.AGENCY_SUBMITTER else ""
    if role is Role.AGENCY_SUBMITTER and not agency:
        raise UserError("An agency submitter needs an agency.", field="agency")
    if _is_self(actor, user) and role is not Role.ADMINISTRATOR and not user.is_superuser:
        raise UserError("You cannot take away your own administrator role.", field="role")
    before = _user_state(user)
    user.groups.set([roles_ensure()[role]])
    Profile.objects.update_or_create(user=user, defaults={"agency": agency})
    after = _user_state(user)
    audit_record(
        actor=actor,
        action="user.role_change",
        obj=user,
        summary=f"made {user.username} {role.value}" + (f" ({agency})" if agency else ""),
        before=before,
        after=after,
    )
    return user


@transaction.atomic
def intervention_owners_set(*, username: str, keys: list[str], actor: Actor = None) -> User:
    """Make a user the owner of exactly these interventions (by key); audited.

    Keys are ``plans.selectors.intervention_key`` of the interventions' names.
    """
    _require_manager(actor)
    user = _user_get(username)
    before = _owned(user)
    wanted = sorted({key.strip() for key in keys if key.strip()})
    InterventionOwner.objects.filter(user=user).exclude(intervention_key__in=wanted).delete()
    for key in wanted:
        InterventionOwner.objects.get_or_create(user=user, intervention_key=key)
    audit_record(
        actor=actor,
        action="user.interventions_change",
        obj=user,
        summary=f"{user.username} owns {', '.join(wanted) or 'no intervention'}",
        before={"interventions": before},
        after={"interventions": wanted},
    )
    return user


def _is_self(actor: Actor, user: User) -> bool:
    return isinstance(actor, User) and actor.pk == user.pk


def _owned(user: User) -> list[str]:
    return list(
        InterventionOwner.objects.filter(user=user)
        .order_by("intervention_key")
        .values_list("intervention_key", flat=True)
    )


def _user_state(user: User) -> dict[str, object]:
    """What the audit trail keeps of a user: never the password."""
    return {
        "username": user.username,
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "agency": Profile.objects.filter(user=user).values_list("agency", flat=True).first() or "",
        "is_active": user.is_active,
    }


@transaction.atomic
def user_password_set(*, username: str, password: str, actor: Actor = None) -> User:
    """Give an existing user a new password (validated), e.g. after they forgot it.

    Audited as ``user.password_set``, without the password or its hash.
    """
    _require_manager(actor)
    user = _user_get(username)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise UserError(" ".join(exc.messages)) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor, action="user.password_set", obj=user, summary=f"new password for {username}"
    )
    return user


@transaction.atomic
def user_active_set(*, username: str, active: bool, actor: Actor = None) -> User:
    """Switch a user off (they can no longer sign in; what they did stays) or on again.

    Audited as ``user.deactivate`` or ``user.reactivate``.
    """
    _require_manager(actor)
    user = _user_get(username)
    if _is_self(actor, user) and not active:
        raise UserError("You cannot switch yourself off.")
    if active:
        _demo_refused(user.username)
    before = _user_state(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="user.reactivate" if active else "user.deactivate",
        obj=user,
        summary=f"{user.username} can {'now' if active else 'no longer'} sign in",
        before=before,
        after=_user_state(user),
    )
    return user


@transaction.atomic
def user_unlock(*, username: str, actor: Actor = None) -> int:
    """Lift a django-axes sign-in pause on `username` now; returns the failures cleared."""
    _require_manager(actor)
    from axes.utils import reset

    cleared = int(reset(username=username.strip()))
    audit_record(
        actor=actor,
        action="user.unlock",
        object_type="user",
        object_id=username.strip(),
        summary=f"cleared {cleared} failed sign-in record(s) for {username.strip()}",
        after={"failures_cleared": cleared},
    )
    return cleared


def _demo_refused(username: str) -> None:
    """In production no demo account may sign in: its password is published."""
    if settings.MODE == "production" and username.lower() in DEMO_USERNAMES:
        raise UserError(
            f"{username} is a demo account with a published password; "
            "it cannot sign in in production.",
            field="username",
        )


@transaction.atomic
def demo_users_deactivate(*, actor: Actor = None) -> list[str]:
    """Switch off every demo account that can still sign in; returns their usernames.

    The fix for a production start-up refused because a database that once
    served the demo still holds them (``safeplan user deactivate-demo``).
    Switched off rather than deleted: what they did stays in the audit trail.
    """
    names = demo_users_active()
    for name in names:
        user_active_set(username=name, active=False, actor=actor)
    return names


def _user_get(username: str) -> User:
    user = User.objects.filter(username__iexact=username.strip()).first()
    if user is None:
        raise UserError(f"There is no user called {username!r}.")
    return user


def _user_check(*, username: str, role: Role, agency: str) -> None:
    if not username:
        raise UserError("Enter a username.", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise UserError(f"A user called {username!r} already exists.", field="username")
    if role is Role.AGENCY_SUBMITTER and not agency:
        raise UserError("An agency submitter needs an agency (--agency).", field="agency")


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
def demo_users_create(*, actor: Actor = "safeplan demo") -> list[DemoUser]:
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
        _demo_user_reset(demo, agency=_DEMO_AGENCIES.get(demo.role, ""), actor=actor)
    return users


def _demo_user_reset(demo: DemoUser, *, agency: str, actor: Actor) -> None:
    user = User.objects.filter(username=demo.username).first()
    if user is None:
        user_create(
            username=demo.username,
            role=demo.role,
            password=demo.password,
            agency=agency,
            actor=actor,
        )
        return
    # Reset in place rather than delete, so that what the user owns survives.
    before = _user_state(user)
    user.set_password(demo.password)
    user.is_active = True
    user.save()
    user.groups.set([roles_ensure()[demo.role]])
    Profile.objects.update_or_create(user=user, defaults={"agency": agency})
    audit_record(
        actor=actor,
        action="user.demo_reset",
        obj=user,
        summary=f"reset {user.username} to the published demo password",
        before=before,
        after=_user_state(user),
    )

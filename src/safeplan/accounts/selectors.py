"""Reading users and their roles."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from safeplan.accounts.models import InterventionOwner, Profile
from safeplan.accounts.roles import Role


@dataclass(frozen=True)
class UserSummary:
    username: str
    roles: tuple[Role, ...]
    agency: str
    is_active: bool
    interventions: tuple[str, ...] = ()


def users_list() -> list[UserSummary]:
    """Every user, by username, with their roles, agency and interventions (four queries)."""
    users = User.objects.order_by("username").prefetch_related("groups")
    agencies = dict(Profile.objects.values_list("user_id", "agency"))
    owned: dict[int, list[str]] = {}
    for user_id, key in InterventionOwner.objects.values_list("user_id", "intervention_key"):
        owned.setdefault(user_id, []).append(key)
    return [
        UserSummary(
            username=user.username,
            roles=tuple(role for role in Role if role.value in {g.name for g in user.groups.all()}),
            agency=agencies.get(user.pk, ""),
            is_active=user.is_active,
            interventions=tuple(sorted(owned.get(user.pk, []))),
        )
        for user in users
    ]


def user_agency(user: User) -> str:
    """The agency on a user's profile, or ``""``."""
    return Profile.objects.filter(user=user).values_list("agency", flat=True).first() or ""


#: The demo sign-ins `safeplan demo` creates, one per role; their passwords are published.
DEMO_USERNAMES: tuple[str, ...] = tuple(f"demo-{role.slug}" for role in Role)


def demo_users_active() -> list[str]:
    """The demo accounts that can still sign in (none may, in production).

    >>> demo_users_active()  # doctest: +SKIP
    ['demo-administrator', 'demo-analyst']
    """
    users = User.objects.filter(username__in=DEMO_USERNAMES, is_active=True)
    return list(users.order_by("username").values_list("username", flat=True))


def user_get(username: str) -> User | None:
    """The user called ``username`` (case-insensitively), or None."""
    return User.objects.filter(username__iexact=username.strip()).first()


def user_interventions(user: User) -> list[str]:
    """The keys of the interventions the user owns, in order."""
    return list(
        InterventionOwner.objects.filter(user=user)
        .order_by("intervention_key")
        .values_list("intervention_key", flat=True)
    )


def intervention_choices() -> list[tuple[str, str]]:
    """(key, name) of each intervention of the active plan, for choosing what an owner owns."""
    from safeplan.plans.models import Intervention
    from safeplan.plans.selectors import intervention_key

    names = Intervention.objects.filter(plan__is_active=True).values_list("name", flat=True)
    return [(intervention_key(name), name) for name in names]

"""Reading users and their roles."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from safeplan.accounts.models import Profile
from safeplan.accounts.roles import Role


@dataclass(frozen=True)
class UserSummary:
    username: str
    roles: tuple[Role, ...]
    agency: str
    is_active: bool


def users_list() -> list[UserSummary]:
    """Every user, by username, with their roles and agency (two queries)."""
    users = User.objects.order_by("username").prefetch_related("groups")
    agencies = dict(Profile.objects.values_list("user_id", "agency"))
    return [
        UserSummary(
            username=user.username,
            roles=tuple(role for role in Role if role.value in {g.name for g in user.groups.all()}),
            agency=agencies.get(user.pk, ""),
            is_active=user.is_active,
        )
        for user in users
    ]


def user_agency(user: User) -> str:
    """The agency on a user's profile, or ``""``."""
    return Profile.objects.filter(user=user).values_list("agency", flat=True).first() or ""

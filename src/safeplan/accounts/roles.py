"""The five roles, held as Django groups named after them.

>>> Role("board member") is Role.BOARD_MEMBER
True
>>> Role.AGENCY_SUBMITTER.slug
'agency-submitter'

Who may do what (product.md, "Access control"): board members see aggregates;
analysts manage data, targets and commentary; action owners update their
actions; agency submitters upload their own agency's datasets; administrators
manage users. A superuser counts as an administrator.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the enum must import before Django's apps are ready (the CLI)
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class Role(enum.StrEnum):
    ADMINISTRATOR = "administrator"
    ANALYST = "analyst"
    AGENCY_SUBMITTER = "agency submitter"
    ACTION_OWNER = "action owner"
    BOARD_MEMBER = "board member"

    @property
    def slug(self) -> str:
        """The role's name as a URL or username fragment."""
        return self.value.replace(" ", "-")

    @classmethod
    def parse(cls, text: str) -> Role:
        """Read a role from its name or slug, case-insensitively.

        >>> Role.parse("Agency-Submitter")
        <Role.AGENCY_SUBMITTER: 'agency submitter'>
        """
        normalised = text.strip().lower().replace("-", " ").replace("_", " ")
        try:
            return cls(normalised)
        except ValueError:
            names = ", ".join(role.value for role in cls)
            raise ValueError(f"unknown role {text!r}; choose one of: {names}") from None


ADMINISTRATOR = Role.ADMINISTRATOR
ANALYST = Role.ANALYST
AGENCY_SUBMITTER = Role.AGENCY_SUBMITTER
ACTION_OWNER = Role.ACTION_OWNER
BOARD_MEMBER = Role.BOARD_MEMBER
ROLES: tuple[Role, ...] = tuple(Role)


def user_roles(user: AbstractBaseUser | AnonymousUser) -> frozenset[Role]:
    """The roles of a signed-in, active user; nobody else has any."""
    from django.contrib.auth.models import PermissionsMixin

    if not isinstance(user, PermissionsMixin) or not user.is_active:
        return frozenset()
    names = set(user.groups.values_list("name", flat=True))
    roles = {role for role in Role if role.value in names}
    if user.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    return frozenset(roles)


def user_has_role(user: AbstractBaseUser | AnonymousUser, *roles: Role) -> bool:
    """Whether the user holds at least one of `roles`."""
    return not user_roles(user).isdisjoint(roles)

"""Who may view, create and update actions: the one place the app asks.

Board members and everyone signed in with a role may view; analysts and
administrators create, import and update any action; an action owner updates
the actions they own (product.md, "Access control"). When
`safeplan.accounts.permissions` is present it decides instead.
"""

from __future__ import annotations

from typing import Any

from safeplan.accounts.roles import Role, user_has_role, user_roles

ANALYSTS = (Role.ANALYST, Role.ADMINISTRATOR)


def may(user: Any, permission: str, action: Any = None) -> bool:
    """Whether `user` holds `permission` ("action.view", "action.create", "action.update")."""
    try:
        from safeplan.accounts.permissions import has_permission
    except ImportError:
        return _by_role(user, permission, action)
    return bool(has_permission(user, permission, action))


def _by_role(user: Any, permission: str, action: Any) -> bool:
    if permission == "action.view":
        return bool(user_roles(user))
    if permission == "action.create":
        return user_has_role(user, *ANALYSTS)
    if permission == "action.update":
        if user_has_role(user, *ANALYSTS):
            return True
        owns = action is not None and action.owner_user_id == getattr(user, "pk", None)
        return owns and user_has_role(user, Role.ACTION_OWNER)
    return False

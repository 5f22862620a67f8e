"""Who may view, create and update actions: `safeplan.accounts.permissions` decides.

Everyone with a role views; analysts and administrators create and update any
action; an action owner creates and updates the actions of the interventions
they own (``obj``: an intervention key or an action).
"""

from __future__ import annotations

from typing import Any

from safeplan.accounts.permissions import has_permission


def may(user: Any, permission: str, obj: object = None) -> bool:
    """Whether `user` holds `permission` ("action.view", "action.create", "action.update")."""
    return has_permission(user, permission, obj)

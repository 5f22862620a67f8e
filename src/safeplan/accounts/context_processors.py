from __future__ import annotations

from django.http import HttpRequest

from safeplan.accounts.roles import user_roles


def roles(request: HttpRequest) -> dict[str, frozenset[str]]:
    """``user_role_names``: the signed-in user's role names, for the navigation."""
    user = getattr(request, "user", None)
    if user is None:
        return {"user_role_names": frozenset()}
    return {"user_role_names": frozenset(role.value for role in user_roles(user))}

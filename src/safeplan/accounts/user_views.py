"""Administrators manage users in the app: list, add, change role, switch off or on.

Every page needs ``user.manage``; every change goes through a service in
``services.py`` and is audited there.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from safeplan.accounts.forms import UserAddForm, UserRoleForm
from safeplan.accounts.permissions import permission_required
from safeplan.accounts.roles import Role, user_roles
from safeplan.accounts.selectors import (
    intervention_choices,
    user_agency,
    user_get,
    user_interventions,
    users_list,
)
from safeplan.accounts.services import (
    UserError,
    intervention_owners_set,
    user_active_set,
    user_create,
    user_role_set,
)


@permission_required("user.manage")
def users(request: HttpRequest) -> HttpResponse:
    """Everyone who may sign in, with their role and agency."""
    context = {"users": users_list(), "nav_section": "account"}
    return render(request, "accounts/users.html", context)


@permission_required("user.manage")
def user_add(request: HttpRequest) -> HttpResponse:
    form = UserAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_create(username=data["username"], role=Role(data["role"]),
                        password=data["password"], agency=data["agency"],
                        actor=request.user)  # fmt: skip
        except UserError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, f"Added {data['username']} as {data['role']}")
            return redirect("accounts:users")
    return render(request, "accounts/user_add.html", {"form": form, "nav_section": "account"})


@permission_required("user.manage")
def user_role(request: HttpRequest, username: str) -> HttpResponse:
    """Change a user's role, agency and (for an action owner) interventions."""
    person = _person(username)
    initial = {
        "role": next(iter(sorted(user_roles(person))), ""),
        "agency": user_agency(person),
        "interventions": user_interventions(person),
    }
    choices = intervention_choices()
    data = request.POST if request.method == "POST" else None
    form = UserRoleForm(data, initial=initial, interventions=choices)
    if request.method == "POST" and form.is_valid():
        try:
            _role_save(request, person, form.cleaned_data)
        except UserError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, f"Changed {person.username}’s role")
            return redirect("accounts:users")
    context = {"form": form, "person": person, "nav_section": "account"}
    return render(request, "accounts/user_role.html", context)


@permission_required("user.manage")
def user_active(request: HttpRequest, username: str) -> HttpResponse:
    """Switch a user off (or on again): a confirmation page, then a POST."""
    person = _person(username)
    error = None
    if request.method == "POST":
        try:
            user_active_set(username=person.username, active=not person.is_active,
                            actor=request.user)  # fmt: skip
        except UserError as exc:
            error = str(exc)
        else:
            verb = "switched off" if person.is_active else "switched on"
            messages.success(request, f"{person.username} is {verb}")
            return redirect("accounts:users")
    context = {
        "person": person,
        "error": error,
        "page_has_errors": bool(error),
        "nav_section": "account",
    }
    return render(request, "accounts/user_active.html", context)


def _role_save(request: HttpRequest, person: User, data: dict[str, object]) -> None:
    role = Role(str(data["role"]))
    user_role_set(username=person.username, role=role, agency=str(data["agency"] or ""),
                  actor=request.user)  # fmt: skip
    keys = [str(k) for k in data["interventions"]] if role is Role.ACTION_OWNER else []  # type: ignore[attr-defined]
    if keys != user_interventions(person):
        intervention_owners_set(username=person.username, keys=keys, actor=request.user)


def _person(username: str) -> User:
    person = user_get(username)
    if person is None:
        raise Http404(f"no user {username!r}")
    return person

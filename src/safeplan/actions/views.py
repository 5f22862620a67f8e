"""The action pages: an intervention's actions, a theme's, the board's exceptions, and forms.

Each view checks access with `access.may`, parses a form, calls one service or
selector and renders or redirects.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safeplan.actions.access import may
from safeplan.actions.files import RULES, actions_export, actions_import
from safeplan.actions.forms import (
    ActionForm,
    CloseForm,
    ImportForm,
    ProgressForm,
    add_service_errors,
)
from safeplan.actions.models import Action
from safeplan.actions.selectors import (
    action_get,
    action_row,
    action_updates,
    actions_for_intervention,
    actions_overdue_and_at_risk,
    theme_actions,
)
from safeplan.actions.services import (
    ActionInputError,
    action_close,
    action_create,
    action_progress_add,
    action_snapshot,
    action_update,
    plan_keys,
)

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST (even an empty one), or None for a GET."""
    return request.POST if request.method == "POST" else None


def _require(request: HttpRequest, permission: str, action: Action | None = None) -> None:
    if not may(request.user, permission, action):
        raise PermissionDenied(f"{permission} is not allowed")


def _action(pk: int) -> Action:
    action = action_get(pk)
    if action is None:
        raise Http404("no such action")
    return action


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, {"nav_section": "plan", **context})


def intervention_page(request: HttpRequest, key: str) -> HttpResponse:
    """An intervention and its actions, each with its RAG as at today."""
    _require(request, "action.view")
    keys = plan_keys()
    if keys is None or key not in keys.interventions:
        raise Http404("no such intervention on the active plan")
    rows = actions_for_intervention(key, timezone.localdate())
    context = {"key": key, "name": keys.interventions[key], "rows": rows,
               "may_create": may(request.user, "action.create")}  # fmt: skip
    return _page(request, "actions/intervention.html", context)


def theme_page(request: HttpRequest, key: str) -> HttpResponse:
    """A cross-cutting theme and the actions tagged with it."""
    _require(request, "action.view")
    keys = plan_keys()
    if keys is None or key not in keys.themes:
        raise Http404("no such theme on the active plan")
    rows = theme_actions(key, timezone.localdate())
    context = {"name": keys.themes[key], "rows": rows, "interventions": keys.interventions}
    return _page(request, "actions/theme.html", context)


def overdue(request: HttpRequest) -> HttpResponse:
    """The board's view of actions that are overdue or at risk (red or amber)."""
    _require(request, "action.view")
    keys = plan_keys()
    rows = actions_overdue_and_at_risk(timezone.localdate())
    context = {"rows": rows, "interventions": keys.interventions if keys else {}}
    return _page(request, "actions/overdue.html", context)


def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One action, its RAG and its progress updates."""
    action = _action(pk)
    _require(request, "action.view", action)
    keys = plan_keys()
    context = {"row": action_row(action, timezone.localdate()), "updates": action_updates(action),
               "interventions": keys.interventions if keys else {},
               "themes": [(k, n) for k, n in (keys.themes if keys else {}).items()
                          if k in action.themes],
               "may_update": may(request.user, "action.update", action)}  # fmt: skip
    return _page(request, "actions/detail.html", context)


@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest) -> HttpResponse:
    _require(request, "action.create")
    keys = plan_keys()
    initial = {"intervention_key": request.GET.get("intervention", ""), "percent_complete": 0,
               "status": "not started"}  # fmt: skip
    form = ActionForm(_posted(request), keys=keys, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            action = action_create(data=form.action_input(), by=request.user)
        except ActionInputError as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, f"Action added: {action.title}")
            return redirect("actions:detail", pk=action.pk)
    return _page(request, "actions/form.html", {"form": form, "action": None})


@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(pk)
    _require(request, "action.update", action)
    form = ActionForm(_posted(request), keys=plan_keys(), initial=action_snapshot(action))
    if request.method == "POST" and form.is_valid():
        try:
            action_update(action=action, data=form.action_input(), by=request.user)
        except ActionInputError as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, f"Action saved: {action.title}")
            return redirect("actions:detail", pk=action.pk)
    return _page(request, "actions/form.html", {"form": form, "action": action})


@require_http_methods(["GET", "POST"])
def action_progress(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(pk)
    _require(request, "action.update", action)
    initial = {"on": timezone.localdate(), "percent_complete": action.percent_complete,
               "status": action.status}  # fmt: skip
    form = ProgressForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            action_progress_add(action=action, by=request.user, **form.cleaned_data)
        except ActionInputError as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, f"Progress recorded: {action.title}")
            return redirect("actions:detail", pk=action.pk)
    return _page(request, "actions/progress.html", {"form": form, "action": action})


@require_http_methods(["GET", "POST"])
def action_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(pk)
    _require(request, "action.update", action)
    form = CloseForm(_posted(request), initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            action_close(action=action, by=request.user, **form.cleaned_data)
        except ActionInputError as exc:
            add_service_errors(form, exc.errors)
        else:
            messages.success(request, f"Action closed: {action.title}")
            return redirect("actions:detail", pk=action.pk)
    return _page(request, "actions/close.html", {"form": form, "action": action})


def export(request: HttpRequest, fmt: str) -> HttpResponse:
    _require(request, "action.view")
    response = HttpResponse(actions_export(fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="actions.{fmt}"'
    return response


@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    _require(request, "action.create")
    form = ImportForm(_posted(request), request.FILES if request.method == "POST" else None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{Path(upload.name or '').suffix.lower()}"
            path.write_bytes(upload.read())
            outcome = actions_import(path=path, by=request.user, file_name=upload.name)
        if outcome.accepted:
            messages.success(
                request, f"Imported: {_actions(outcome.created)} added, {outcome.updated} updated"
            )
            return redirect("actions:overdue")
    context = {"form": form, "outcome": outcome, "rules": RULES,
               "page_has_errors": bool(outcome and outcome.problems)}  # fmt: skip
    return _page(request, "actions/import.html", context)


def _actions(n: int) -> str:
    return f"{n} action" if n == 1 else f"{n} actions"

"""Writing actions: create, edit, add dated progress, close; each checked and audited.

Every service checks that whoever acts may (``action.create`` for the
intervention an action is added to, ``action.update`` for the intervention of
an action changed and for the one it moves to: `safeplan.accounts.permissions`),
then checks its input as a whole and raises `ActionInputError` carrying one
message per field, worded for a GOV.UK error summary:

    try:
        action_create(data=ActionInput(intervention_key="prevent-cse", title="", ...), by=user)
    except ActionInputError as exc:
        exc.errors   # {"title": "Enter a title", ...}
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from safeplan.accounts.permissions import actor_may
from safeplan.actions.models import Action, ActionStatus, ProgressUpdate
from safeplan.audit.services import audit_record
from safeplan.plans.models import Plan
from safeplan.plans.selectors import intervention_key, theme_key

TITLE_MAX = 200
OWNER_MAX = 150
AGENCY_MAX = 200
OWN_INTERVENTIONS_ONLY = "Select an intervention whose actions you own"


class ActionInputError(ValueError):
    """Input that cannot be saved: ``errors`` maps a field name to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class ActionInput:
    """What a person states about an action (on a form or in a row of a file)."""

    intervention_key: str
    title: str
    owner: str
    start_date: date | None
    due_date: date | None
    description: str = ""
    agency: str = ""
    themes: tuple[str, ...] = ()
    percent_complete: int | None = 0
    status: str = ActionStatus.NOT_STARTED


@dataclass(frozen=True)
class PlanKeys:
    """The intervention and theme keys of the active plan, with their names."""

    interventions: dict[str, str]
    themes: dict[str, str]


def plan_keys() -> PlanKeys | None:
    """The active plan's intervention and theme keys; None when no plan is active."""
    plan = Plan.objects.filter(is_active=True).first()
    if plan is None:
        return None
    return PlanKeys(
        interventions={intervention_key(i.name): i.name for i in plan.interventions.all()},
        themes={theme_key(t.name): t.name for t in plan.themes.all()},
    )


def action_input_errors(data: ActionInput, keys: PlanKeys | None) -> dict[str, str]:
    """Every problem with `data`, by field; empty when it may be saved."""
    errors: dict[str, str] = {}
    errors.update(_plan_errors(data, keys))
    errors.update(_text_errors(data))
    errors.update(_date_errors(data.start_date, data.due_date))
    errors.update(_progress_errors(data.percent_complete, data.status))
    return errors


def _plan_errors(data: ActionInput, keys: PlanKeys | None) -> dict[str, str]:
    if keys is None:
        return {"intervention_key": "There is no active plan; load a plan before adding actions"}
    errors = {}
    if not data.intervention_key:
        errors["intervention_key"] = "Select the intervention the action belongs to"
    elif data.intervention_key not in keys.interventions:
        errors["intervention_key"] = (
            f"“{data.intervention_key}” is not an intervention of the active plan"
        )
    unknown = [t for t in data.themes if t not in keys.themes]
    if unknown:
        errors["themes"] = f"“{unknown[0]}” is not a theme of the active plan"
    return errors


def _text_errors(data: ActionInput) -> dict[str, str]:
    errors = {}
    if not data.title.strip():
        errors["title"] = "Enter a title"
    elif len(data.title) > TITLE_MAX:
        errors["title"] = f"Title must be {TITLE_MAX} characters or fewer"
    if not data.owner.strip():
        errors["owner"] = "Enter the owner of the action"
    elif len(data.owner) > OWNER_MAX:
        errors["owner"] = f"Owner must be {OWNER_MAX} characters or fewer"
    if len(data.agency) > AGENCY_MAX:
        errors["agency"] = f"Agency must be {AGENCY_MAX} characters or fewer"
    return errors


def _date_errors(start: date | None, due: date | None) -> dict[str, str]:
    errors = {}
    if start is None:
        errors["start_date"] = "Enter a start date"
    if due is None:
        errors["due_date"] = "Enter a due date"
    if start is not None and due is not None and due < start:
        errors["due_date"] = "Due date must be the same as or after the start date"
    return errors


def _progress_errors(percent: int | None, status: str) -> dict[str, str]:
    errors = {}
    if percent is None or not 0 <= percent <= 100:
        errors["percent_complete"] = "Enter % complete as a whole number from 0 to 100"
    if status not in ActionStatus.values:
        errors["status"] = "Select a status"
    elif status == ActionStatus.COMPLETE and percent is not None and percent != 100:
        errors["percent_complete"] = "A complete action must be 100% complete"
    return errors


def _checked(data: ActionInput) -> ActionInput:
    cleaned = replace(
        data,
        title=data.title.strip(),
        owner=data.owner.strip(),
        agency=data.agency.strip(),
        description=data.description.strip(),
        themes=tuple(dict.fromkeys(t for t in data.themes if t)),
    )
    errors = action_input_errors(cleaned, plan_keys())
    if errors:
        raise ActionInputError(errors)
    return cleaned


def _fields(data: ActionInput) -> dict[str, Any]:
    fields = asdict(data)
    fields["themes"] = list(data.themes)
    return fields


def action_snapshot(action: Action) -> dict[str, Any]:
    """The action's stated fields as JSON-ready data (for the audit trail and export)."""
    return {
        "intervention_key": action.intervention_key,
        "title": action.title,
        "description": action.description,
        "owner": action.owner,
        "agency": action.agency,
        "themes": list(action.themes),
        "start_date": action.start_date.isoformat(),
        "due_date": action.due_date.isoformat(),
        "percent_complete": action.percent_complete,
        "status": action.status,
    }


def _author(by: Any) -> str:
    """A user's name; a command line's actor (a string) as it is; else "system"."""
    if isinstance(by, str) and by.strip():
        return by.strip()[:150]
    return by.get_username() if getattr(by, "is_authenticated", False) else "system"


def _may_or_refuse(by: Any, permission: str, key: str) -> None:
    """Refuse, as a problem with the intervention field, one that `by` may not write to."""
    if not actor_may(by, permission, key):
        raise ActionInputError({"intervention_key": OWN_INTERVENTIONS_ONLY})


def _may_change(by: Any, action: Action) -> None:
    if not actor_may(by, "action.update", action):
        raise PermissionDenied(f"action.update is not allowed on action {action.pk}")


def action_create(*, data: ActionInput, by: Any, owner_user: Any = None) -> Action:
    """Add an action to an intervention of the active plan (``action.create`` for it)."""
    _may_or_refuse(by, "action.create", data.intervention_key)
    checked = _checked(data)
    with transaction.atomic():
        action = Action.objects.create(**_fields(checked), owner_user=owner_user)
        _audit(
            by, "action.create", action, f"added “{action.title}”", None, action_snapshot(action)
        )
    return action


def action_update(*, action: Action, data: ActionInput, by: Any) -> Action:
    """Change what an action states (its progress is best changed by `action_progress_add`).

    ``action.update`` is needed for the action's intervention and, when the
    action moves, for the intervention it moves to.
    """
    _may_change(by, action)
    _may_or_refuse(by, "action.update", data.intervention_key)
    checked = _checked(data)
    before = action_snapshot(action)
    with transaction.atomic():
        for name, value in _fields(checked).items():
            setattr(action, name, value)
        action.save()
        _audit(
            by, "action.update", action, f"edited “{action.title}”", before, action_snapshot(action)
        )
    return action


def action_progress_add(
    *,
    action: Action,
    on: date,
    percent_complete: int | None,
    status: str,
    note: str = "",
    by: Any,
    today: date | None = None,
) -> ProgressUpdate:
    """Record progress as at `on`; the latest-dated update sets the action's % and status."""
    _may_change(by, action)
    errors = _progress_errors(percent_complete, status)
    if on > (today or timezone.localdate()):
        errors["on"] = "Date of the update must be today or in the past"
    if errors:
        raise ActionInputError(errors)
    assert percent_complete is not None
    before = action_snapshot(action)
    with transaction.atomic():
        update = ProgressUpdate.objects.create(
            action=action,
            date=on,
            percent_complete=percent_complete,
            status=status,
            note=note.strip(),
            author=_author(by),
        )
        _apply_latest(action)
        _audit(
            by,
            "action.progress",
            action,
            f"progress on “{action.title}”: {percent_complete}% {status} as at {on.isoformat()}",
            before,
            action_snapshot(action),
        )
    return update


def _apply_latest(action: Action) -> None:
    latest = action.updates.order_by("-date", "-id").first()
    if latest is None:
        return
    action.percent_complete = latest.percent_complete
    action.status = latest.status
    action.closed_at = timezone.now() if latest.status == ActionStatus.COMPLETE else None
    action.save(update_fields=["percent_complete", "status", "closed_at", "updated_at"])


def action_close(
    *, action: Action, on: date, note: str = "", by: Any, today: date | None = None
) -> ProgressUpdate:
    """Close an action as complete (100%) on `on`, with a closing note."""
    _may_change(by, action)
    if action.status == ActionStatus.COMPLETE:
        raise ActionInputError({"on": "This action is already complete"})
    update = action_progress_add(
        action=action,
        on=on,
        percent_complete=100,
        status=ActionStatus.COMPLETE,
        note=note,
        by=by,
        today=today,
    )
    _audit(by, "action.close", action, f"closed “{action.title}”", None, action_snapshot(action))
    return update


def _audit(
    by: Any,
    what: str,
    action: Action,
    summary: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Record the change in the audit trail (``safeplan.audit``), in the caller's transaction."""
    audit_record(actor=by, action=what, obj=action, summary=summary, before=before, after=after)

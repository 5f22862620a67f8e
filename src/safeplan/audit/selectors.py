"""Reading the audit trail, newest first, filtered as the audit page and ``safeplan audit`` ask."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet

from safeplan.audit.models import AuditEvent


def audit_events(
    *,
    actor: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    since: dt.date | dt.datetime | None = None,
    until: dt.date | dt.datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Events newest first. ``action`` ending in "." is a prefix (``"target."``).

    ``actor`` matches the username or command-line name case-insensitively;
    a date for ``since``/``until`` means that whole day in local time, both
    ends included.
    """
    events = AuditEvent.objects.all()
    if actor:
        events = events.filter(actor_name__iexact=actor.strip())
    if action:
        action = action.strip()
        events = events.filter(
            Q(action__startswith=action) if action.endswith(".") else Q(action=action)
        )
    if object_type:
        events = events.filter(object_type=object_type.strip())
    if object_id:
        events = events.filter(object_id=object_id.strip())
    if since is not None:
        events = events.filter(at__gte=_moment(since, end=False))
    if until is not None:
        events = events.filter(at__lt=_moment(until, end=True))
    return events.order_by("-at", "-id")


def audit_actions() -> list[str]:
    """Every action recorded so far, in order, for the audit page's filter."""
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


def _moment(value: dt.date | dt.datetime, *, end: bool) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if not end else value + dt.timedelta(microseconds=1)
    day = value + dt.timedelta(days=1) if end else value
    return dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))

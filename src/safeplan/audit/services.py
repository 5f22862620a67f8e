"""Writing the audit trail: ``audit_record``, called by every service that writes.

Call it inside the same transaction as the change, so that a change and its
audit row are committed, or rolled back, together::

    with transaction.atomic():
        before = model_snapshot(target)
        target.value = 80
        target.save()
        audit_record(actor=request.user, action="target.update", obj=target,
                     before=before, after=model_snapshot(target))

``actor`` is a signed-in user, a name (a command line passes ``cli_actor()``,
the demo build ``"safeplan demo"``), or None for safeplan itself. Actions are
``<object>.<verb>`` in lower case: ``target.create``, ``commentary.save``,
``import.accept``, ``records.view``, ``action.update`` and so on; the audit
page and ``safeplan audit --action`` filter on them, also by prefix
(``target.``).
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.http import HttpRequest

from safeplan.audit.models import AuditEvent

__all__ = ["Actor", "audit_record", "audit_request", "cli_actor", "json_safe", "model_snapshot"]

SYSTEM = "safeplan"
Actor = AbstractBaseUser | AnonymousUser | str | None


def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: object = None,
    summary: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one event; ``obj`` gives the object's type and id unless they are given.

    ``before`` and ``after`` may hold dates, decimals, UUIDs, tuples and sets:
    they are stored as JSON (ISO dates, decimals as strings).

    >>> audit_record(actor="ana (command line)", action="compute.run",  # doctest: +SKIP
    ...              object_type="compute run", object_id=12, summary="12,480 results")
    """
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = obj.pk if object_id is None else object_id
    user, name = _actor(actor)
    return AuditEvent.objects.create(
        actor=user,
        actor_name=name[:150],
        action=action[:60],
        object_type=(object_type or "")[:60],
        object_id="" if object_id is None else str(object_id)[:100],
        summary=summary,
        before=json_safe(before),
        after=json_safe(after),
        ip=ip or None,
    )


def model_snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """A model instance's concrete fields as JSON-safe data, for ``before`` and ``after``.

    Foreign keys appear by id under their attribute name (``batch_id``); a
    password is never included.

    >>> model_snapshot(target, ["value", "effective_from"])  # doctest: +SKIP
    {'value': 75.0, 'effective_from': '2018-04-01'}
    """
    wanted = set(fields) if fields is not None else None
    snapshot = {}
    for field in instance._meta.concrete_fields:
        if field.name == "password":
            continue
        if wanted is None or field.name in wanted or field.attname in wanted:
            snapshot[field.attname] = getattr(instance, field.attname)
    return json_safe(snapshot) or {}


def json_safe(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """``value`` as plain JSON data: dates as ISO text, decimals and UUIDs as text."""
    if value is None:
        return None
    return dict(json.loads(json.dumps(dict(value), cls=_Encoder)))


def cli_actor() -> str:
    """Who runs a command: the operating-system user, marked as the command line."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, as in some containers
        name = "unknown"
    return f"{name} (command line)"


def _actor(actor: Actor) -> tuple[User | None, str]:
    if isinstance(actor, User):
        return actor, actor.get_username()
    if isinstance(actor, AbstractBaseUser):  # another user model: named, not linked
        return None, actor.get_username()
    if isinstance(actor, str) and actor.strip():
        return None, actor.strip()
    return None, SYSTEM


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, set | frozenset):
            return sorted(o, key=str)
        if isinstance(o, models.Model):
            return o.pk
        return super().default(o)


def audit_request(
    request: HttpRequest,
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: object = None,
    summary: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """``audit_record`` for a view: the actor and the client's address come from the request.

    For what a page shows rather than changes, such as child-level records::

        audit_request(request, action="records.view", object_type="measure",
                      object_id=spec.id, summary=f"{spec.id} {period.label} {breakdown}")
    """
    from safeplan.accounts.client_ip import client_ip

    return audit_record(
        actor=request.user,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        before=before,
        after=after,
        ip=client_ip(request),
    )

"""Sign-in throttling: django-axes counting failures three ways, each with a limit of its own.

``AXES_LOCKOUT_PARAMETERS`` lists what axes counts failed sign-ins by, within
the cool-off window (``AXES_COOLOFF_TIME``):

- one username from one address (``SAFEPLAN_LOGIN_FAILURE_LIMIT``, default 5):
  someone guessing one person's password;
- one username from any address (``…_PER_USERNAME``, default 10): the same,
  spread over many addresses;
- one address, any usernames (``…_PER_ADDRESS``, default 20): one password
  tried against many usernames (spraying).

Axes compares every count with one limit; this handler (``AXES_HANDLER``)
gives each count its own, in ``settings.SAFEPLAN_THROTTLE_LIMITS``. It reports
to axes the count that is nearest its limit, rescaled to axes' own limit, so
axes pauses the sign-in exactly when any count reaches its own limit:
``failures * base // own >= base`` holds exactly when ``failures >= own``.

A successful sign-in clears only the failures of the username that signed in
(axes would also clear every failure from the address, so one valid account
would let an attacker reset the address limit between rounds).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def _key(parameter: str | Sequence[str]) -> tuple[str, ...]:
    return (parameter,) if isinstance(parameter, str) else tuple(sorted(parameter))


def own_limits() -> dict[tuple[str, ...], int]:
    """Each lockout parameter's own limit, keyed by its sorted field names."""
    return {_key(p): int(n) for p, n in settings.SAFEPLAN_THROTTLE_LIMITS}


class ThrottleHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes is untyped
    """Axes' database handler with a limit per lockout parameter (see the module)."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        base = int(get_failure_limit(request, credentials))
        limits = own_limits()
        parameters = get_lockout_parameters(request, credentials)
        counts = self.get_user_attempts(request, credentials)  # one query set per parameter
        pressure = 0
        for parameter, attempts in zip(parameters, counts, strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            own = limits.get(_key(parameter), base)
            pressure = max(pressure, failures * base // own)
        return pressure

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        deleted, _ = AccessAttempt.objects.filter(username=username).delete()
        return int(deleted)

"""The address a sign-in came from, for django-axes, behind a known number of proxies.

Behind a reverse proxy every request's ``REMOTE_ADDR`` is the proxy, so axes
would count every person's failures as one address. With
``SAFEPLAN_PROXY_COUNT=n`` (set only when exactly n proxies you run sit in
front), the client is the n-th address from the right of ``X-Forwarded-For``:
each proxy appends the address it saw, and anything further left came from
the client and may be forged (the same rule as Werkzeug's ProxyFix).

>>> from django.test import RequestFactory
>>> request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7",
...                                REMOTE_ADDR="10.0.0.2")
>>> client_ip(request, proxy_count=1)
'203.0.113.7'
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest, proxy_count: int | None = None) -> str | None:
    """The client's address: ``REMOTE_ADDR`` with no proxies, else from ``X-Forwarded-For``."""
    count = settings.SAFEPLAN_PROXY_COUNT if proxy_count is None else proxy_count
    remote = request.META.get("REMOTE_ADDR")
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    # Fewer entries than proxies: the request did not come through them all.
    return forwarded[-count] if len(forwarded) >= count else remote

"""Headers on every page and download: nothing safeplan serves is kept by a cache.

Pages and downloads show child-level records (the records behind a figure, a
batch's rows, its problem report), people's names (actions, users, the audit
trail) or figures about a partnership's children. A browser's or a proxy's
cache would keep them on disk after signing out, so every response that
passes through Django says ``Cache-Control: no-store`` (Django's own
``add_never_cache_headers``). Static files are served before this middleware
(WhiteNoise) and stay cacheable: they hold no data.

The Content-Security-Policy (django-csp) and Permissions-Policy
(django-permissions-policy) are set in ``settings`` by their own middleware.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Mark every response ``no-store, private`` (and already expired)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response

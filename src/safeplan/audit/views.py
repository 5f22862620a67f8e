"""The audit page: administrators read the trail, filtered, 50 events a page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safeplan.accounts.permissions import permission_required
from safeplan.audit.forms import AuditFilterForm
from safeplan.audit.selectors import audit_actions, audit_events

PAGE_SIZE = 50


@permission_required("audit.view")
def audit_list(request: HttpRequest) -> HttpResponse:
    """Every change, import, computation and view of child-level records, newest first."""
    form = AuditFilterForm(request.GET or None, actions=audit_actions())
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = audit_events(**{name: value for name, value in filters.items() if value})
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": bool(filters and any(filters.values())),
        "nav_section": "audit",
    }
    return render(request, "audit/audit_list.html", context)

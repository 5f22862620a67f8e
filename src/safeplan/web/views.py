"""The plan on a page, the measure list, a page per measure, its records and commentary.

Views parse the request, call one selector or service, and render; the
figures and their layout come from ``selectors.py`` and ``measure_page.py``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from safeplan.accounts.permissions import has_permission
from safeplan.audit.services import audit_request
from safeplan.engine.catalogue import MeasureSpec
from safeplan.engine.periods import Period
from safeplan.measures.selectors import figures_freshness
from safeplan.scorecard.selectors import commentary_current
from safeplan.scorecard.services import commentary_save
from safeplan.web.forms import CommentaryForm
from safeplan.web.measure_page import measure_page_for, measure_period, record_tables
from safeplan.web.selectors import PeriodUnavailable, dashboard_for


def _require(request: HttpRequest, perm: str) -> None:
    if not has_permission(request.user, perm):
        raise PermissionDenied(f"needs {perm}")


def plan_page(request: HttpRequest) -> HttpResponse:
    """The plan on a page for the chosen period (default: the latest quarter with figures)."""
    _require(request, "plan.view")
    try:
        board, periods = dashboard_for(request.GET.get("period"))
    except PeriodUnavailable as exc:
        raise Http404(str(exc)) from None
    context = {"board": board, "periods": periods, "nav_section": "plan",
               "figures": figures_freshness()}  # fmt: skip
    return render(request, "web/plan.html", context)


def measure_list(request: HttpRequest) -> HttpResponse:
    """Every key measure of the plan, by priority, as a table for the chosen period."""
    _require(request, "measure.view")
    try:
        board, periods = dashboard_for(request.GET.get("period"))
    except PeriodUnavailable as exc:
        raise Http404(str(exc)) from None
    context = {"board": board, "periods": periods, "nav_section": "measures",
               "figures": figures_freshness()}  # fmt: skip
    return render(request, "web/measures.html", context)


def measure_detail(request: HttpRequest, key: str) -> HttpResponse:
    """One measure: definition, charts and tables, breakdowns, benchmarks, commentary."""
    try:
        spec, page, periods = measure_page_for(key, request.GET.get("period"))
    except (KeyError, PeriodUnavailable) as exc:
        raise Http404(str(exc)) from None
    _require(request, "measure.view")  # after the lookup, as the other views: 404 first
    context = {
        "spec": spec,
        "page": page,
        "periods": periods,
        "may_see_records": has_permission(request.user, "records.view"),
        "figures": figures_freshness(),
        "nav_section": "measures",
    }
    return render(request, "web/measure.html", context)


def measure_records(request: HttpRequest, key: str) -> HttpResponse:
    """The records behind a figure: child-level, for analysts and administrators only."""
    spec, period = _measure_and_period(request, key)
    _require(request, "records.view")  # child-level: analysts and administrators
    breakdown = request.GET.get("breakdown") or "all"
    if breakdown not in ("all", "locality", *spec.breakdowns) or period is None:
        raise Http404("no such breakdown")
    group = request.GET.get("group") if breakdown != "all" else None
    tables = record_tables(spec, period, breakdown, group)
    shown = f"{spec.id} {period.label} {breakdown}{f' {group}' if group else ''}"
    audit_request(request, action="records.view", object_type="measure", object_id=spec.id,
                  summary=f"viewed the child-level records behind {shown}")  # fmt: skip
    context = {"spec": spec, "period": period, "breakdown": breakdown, "group": group,
               "tables": tables, "nav_section": "measures"}  # fmt: skip
    return render(request, "web/records.html", context)


def commentary_edit(request: HttpRequest, key: str) -> HttpResponse:
    """Add commentary, or edit it (a new version; the earlier ones are kept)."""
    spec, period = _measure_and_period(request, key)
    _require(request, "commentary.edit")
    if period is None:
        raise Http404("no figures yet")
    current = commentary_current(spec.id, period.label)
    data = request.POST if request.method == "POST" else None
    form = CommentaryForm(data, initial=_initial(current))
    if request.method == "POST" and form.is_valid():
        commentary_save(measure=spec.id, period=period.label, author=request.user.get_username(),
                        actor=request.user, **form.cleaned_data)  # fmt: skip
        messages.success(request, f"Commentary saved for {spec.id}, {period.label}")
        return redirect(
            f"{reverse('web:measure', args=[spec.id])}?{urlencode({'period': period.label})}"
        )
    context = {"spec": spec, "period": period, "form": form, "current": current,
               "nav_section": "measures"}  # fmt: skip
    return render(request, "web/commentary.html", context)


def _measure_and_period(request: HttpRequest, key: str) -> tuple[MeasureSpec, Period | None]:
    try:
        return measure_period(key, request.GET.get("period"))
    except (KeyError, PeriodUnavailable) as exc:
        raise Http404(str(exc)) from None


def _initial(current: object) -> dict[str, str]:
    fields = ("what_the_data_says", "why", "what_is_being_done")
    return {f: getattr(current, f) for f in fields} if current is not None else {}

"""The web pages. Until the plan-on-a-page design lands, ``/`` shows the plan plainly."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safeplan.datasets.schema import DATASETS
from safeplan.plans.selectors import plan_active
from safeplan.records.selectors import record_counts


def plan_page(request: HttpRequest) -> HttpResponse:
    """The active plan, whole, and how many current records of each dataset are loaded."""
    counts = [(DATASETS[name], f"{count:,}") for name, count in record_counts().items()]
    context = {"plan": plan_active(), "record_counts": counts, "nav_section": "plan"}
    return render(request, "web/plan.html", context)

"""Read stored measure results."""

from __future__ import annotations

from django.db.models import QuerySet

from safeplan.measures.models import ComputeRun, MeasureResult


def compute_run_latest() -> ComputeRun | None:
    return ComputeRun.objects.filter(finished_at__isnull=False).first()


def measure_results(
    *, measure: str | None = None, period: str | None = None, breakdown: str | None = None
) -> QuerySet[MeasureResult]:
    """Stored results, in measure, period and group order, optionally filtered."""
    results = MeasureResult.objects.all()
    if measure is not None:
        results = results.filter(measure=measure)
    if period is not None:
        results = results.filter(period=period)
    if breakdown is not None:
        results = results.filter(breakdown=breakdown)
    return results.order_by("measure_order", "period_start", "period_end", "breakdown", "group")

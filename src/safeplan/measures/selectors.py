"""Read stored measure results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Model, QuerySet

from safeplan.engine.catalogue import ParamValue
from safeplan.engine.measures import MeasureInputs, measure_records
from safeplan.measures.frames import all_frames
from safeplan.measures.models import ComputeRun, MeasureResult
from safeplan.plans.selectors import plan_active, plan_measure_parameters
from safeplan.records.models import RECORD_MODELS, ImportBatch
from safeplan.records.selectors import dataset_coverage


def compute_run_latest() -> ComputeRun | None:
    return ComputeRun.objects.filter(finished_at__isnull=False).first()


@dataclass(frozen=True)
class Freshness:
    """Whether the stored figures read every batch accepted now, and when they were computed."""

    stale: bool
    computed_at: datetime | None


def figures_freshness() -> Freshness:
    """Stale when the accepted batches differ from those the latest compute run read.

    Both sides are in the database: an import accepted, or a batch withdrawn,
    since the last successful recompute (or a recompute that failed after
    it) leaves the figures marked out of date until a recompute succeeds.

    >>> figures_freshness()  # doctest: +SKIP
    Freshness(stale=True, computed_at=datetime(2025, 4, 2, 9, 30, tzinfo=...))
    """
    run = compute_run_latest()
    accepted = set(
        ImportBatch.objects.filter(status=ImportBatch.Status.ACCEPTED).values_list("pk", flat=True)
    )
    read = set(run.data_version) if run is not None else set()
    return Freshness(stale=accepted != read, computed_at=run.finished_at if run else None)


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


def plan_settings() -> tuple[date | None, date | None, dict[str, dict[str, ParamValue]]]:
    """The active plan's start and end dates and its per-measure parameter overrides."""
    plan = plan_active()
    if plan is None:
        return None, None, {}
    return plan.start_date, plan.end_date, plan_measure_parameters(plan)


def measure_inputs() -> MeasureInputs:
    """What the engine reads, from the database: current records, coverage, plan settings."""
    plan_start, _, overrides = plan_settings()
    return MeasureInputs(
        frames=all_frames(),
        coverage=dataset_coverage(),
        plan_start=plan_start,
        parameters=overrides,
    )


def result_records(
    *, measure: str, period: str, breakdown: str = "all", group: str | None = None
) -> dict[str, list[Model]]:
    """The stored records behind one result, for its numerator and its denominator.

    Child-level: callers must check that the user may see child-level records.
    """
    refs = measure_records(measure, measure_inputs(), period, breakdown, group)
    return {part: _records(found) for part, found in refs.items()}


def _records(refs: list[tuple[str, str, str]]) -> list[Model]:
    """The current records named by (dataset, source, record id), in id then source order."""
    by_dataset: dict[str, set[tuple[str, str]]] = {}
    for dataset, source, record_id in refs:
        by_dataset.setdefault(dataset, set()).add((source, record_id))
    found: list[Model] = []
    for dataset, wanted in by_dataset.items():
        model = RECORD_MODELS[dataset]
        ids = {record_id for _, record_id in wanted}
        candidates = model._default_manager.filter(is_current=True, record_id__in=ids)
        found += [
            record
            for record in candidates.order_by("record_id", "import_source")
            if (getattr(record, "import_source", ""), getattr(record, "record_id", "")) in wanted
        ]
    return found

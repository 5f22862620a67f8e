"""Compute the twelve measures from the stored records and store the results.

`results_compute` reads every current record once, runs the pure engine for
all periods and breakdowns in one vectorised pass, and replaces the stored
results in one transaction. The callers of an import or a withdrawal ask for
it afterwards (`results_compute_after_import`; the web pages through a
background task), and ``safeplan compute`` runs it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from safeplan.audit.services import Actor, audit_record, model_snapshot
from safeplan.engine.catalogue import CATALOGUE
from safeplan.engine.measures import compute_all
from safeplan.engine.periods import periods_between
from safeplan.measures.models import ComputeRun, MeasureResult
from safeplan.measures.selectors import measure_inputs, plan_settings
from safeplan.records.models import ImportBatch

_ORDER = {measure_id: i for i, measure_id in enumerate(CATALOGUE, start=1)}
_LOCK_KEY = (0x5AFE, 1_000)  # PostgreSQL advisory lock: one recompute at a time


def results_compute_after_import(batch: ImportBatch) -> ComputeRun:
    """Recompute after an accepted import, in the name of whoever imported it."""
    return results_compute(
        trigger=f"import batch {batch.pk}", actor=batch.user or batch.submitted_by
    )


def _periods_span(
    coverage: Mapping[str, Sequence[tuple[date, date]]],
    plan_start: date | None,
    plan_end: date | None,
) -> tuple[date, date] | None:
    bounds = [d for windows in coverage.values() for window in windows for d in window]
    bounds += [d for d in (plan_start, plan_end) if d is not None]
    if not bounds:
        return None
    return min(bounds), max(bounds)


def _result_rows(run: ComputeRun, frame: pl.DataFrame) -> Iterator[MeasureResult]:
    for row in frame.iter_rows(named=True):
        yield MeasureResult(
            run=run,
            measure=row["measure"],
            measure_order=_ORDER[row["measure"]],
            period=row["period"],
            period_kind=row["period_kind"],
            period_start=row["period_start"],
            period_end=row["period_end"],
            breakdown=row["breakdown"],
            group=row["group"] or "",
            value=row["value"],
            numerator=row["numerator"],
            denominator=row["denominator"],
            unit=row["unit"],
            status=row["status"],
            note=row["note"] or "",
            secondary=json.loads(row["secondary"]) if row["secondary"] else {},
            parameters=json.loads(row["parameters"]) if row["parameters"] else {},
        )


def results_compute(*, trigger: str = "safeplan compute", actor: Actor = None) -> ComputeRun:
    """Compute every measure for every period and breakdown; replace the stored results.

    Audited as ``compute.run`` (before: the previous run; after: this one).
    """
    started = time.perf_counter()
    # The batches first: one accepted while the records are read is then missing from
    # `data_version`, so the figures show as out of date rather than as up to date.
    batches = list(
        ImportBatch.objects.filter(status=ImportBatch.Status.ACCEPTED).values_list("pk", flat=True)
    )
    plan_start, plan_end, overrides = plan_settings()
    inputs = measure_inputs()
    coverage = inputs.coverage
    span = _periods_span(coverage, plan_start, plan_end)
    periods = periods_between(*span) if span else []
    frame = compute_all(inputs, periods) if periods else None
    effective = {m: CATALOGUE[m].parameters(overrides.get(m)) for m in CATALOGUE}
    with transaction.atomic():
        _serialise()
        previous = ComputeRun.objects.order_by("-pk").first()
        run = ComputeRun.objects.create(
            trigger=trigger, data_version=sorted(batches), parameters=_jsonable(effective)
        )
        MeasureResult.objects.all().delete()
        if frame is not None:
            MeasureResult.objects.bulk_create(_result_rows(run, frame), batch_size=5_000)
        run.results = frame.height if frame is not None else 0
        run.finished_at = timezone.now()
        run.seconds = time.perf_counter() - started
        run.save(update_fields=["results", "finished_at", "seconds"])
        audit_record(
            actor=actor,
            action="compute.run",
            obj=run,
            object_type="compute run",
            summary=f"{run.results:,} results from {len(batches)} accepted batches ({trigger})",
            before=model_snapshot(previous, _RUN_AUDITED) if previous is not None else None,
            after=model_snapshot(run, _RUN_AUDITED),
        )
    return run


def _serialise() -> None:
    """Two recomputes at once replace the results in turn (SQLite has one writer anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", list(_LOCK_KEY))


_RUN_AUDITED = ("id", "trigger", "data_version", "results", "seconds", "finished_at")


def _jsonable(params: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        m: {k: list(v) if isinstance(v, tuple) else v for k, v in p.items()}
        for m, p in params.items()
    }

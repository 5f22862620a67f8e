"""The twelve key measures, computed for many periods and breakdowns in one vectorised pass.

>>> from safeplan.engine.periods import parse_period
>>> result = compute_measure("M1", MeasureInputs(), [parse_period("2018-07")])
>>> result.select("measure", "period", "breakdown", "status").row(0)
('M1', '2018-07', 'all', 'no data')

Each result row carries the measure, period, breakdown and group, the
headline `value` with its `numerator` and `denominator`, the `unit`, the
`status` (``ok`` or ``no data``), a `note`, the named `secondary` figures
(JSON) and the effective `parameters` (JSON); see `RESULT_SCHEMA`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

import polars as pl

from safeplan.engine.catalogue import measure_spec
from safeplan.engine.measures.base import (
    RESULT_SCHEMA,
    Measure,
    MeasureInputs,
    RecordRef,
    conform,
    dataset_schema,
    empty_frame,
    make_context,
    run,
)
from safeplan.engine.measures.cse import M1, M2, M3
from safeplan.engine.measures.neglect import M4, M5, M6
from safeplan.engine.measures.working_together import M10, M11, M12
from safeplan.engine.measures.young_people import M7, M8, M9
from safeplan.engine.periods import Period, parse_period

__all__ = [
    "MEASURES",
    "RESULT_SCHEMA",
    "Measure",
    "MeasureInputs",
    "RecordRef",
    "compute_all",
    "compute_measure",
    "conform",
    "dataset_schema",
    "empty_frame",
    "measure_records",
]

MEASURES: Mapping[str, Measure] = MappingProxyType(
    {m.spec.id: m for m in (M1, M2, M3, M4, M5, M6, M7, M8, M9, M10, M11, M12)}
)


def _periods(periods: Iterable[Period | str]) -> list[Period]:
    return [p if isinstance(p, Period) else parse_period(p) for p in periods]


def _measure(key: str) -> Measure:
    return MEASURES[measure_spec(key).id]


def compute_measure(
    measure_id: str, inputs: MeasureInputs, periods: Sequence[Period | str]
) -> pl.DataFrame:
    """One measure for every period (a `Period` or its label) and every breakdown group."""
    return run(_measure(measure_id), make_context(inputs, _periods(periods)))


def compute_all(
    inputs: MeasureInputs,
    periods: Sequence[Period | str],
    measures: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Every measure (or those named) for every period and group, in catalogue order."""
    ctx = make_context(inputs, _periods(periods))
    chosen = [_measure(m) for m in measures] if measures else list(MEASURES.values())
    frames = [run(m, ctx) for m in chosen]
    return pl.concat(frames) if frames else pl.DataFrame(schema=dict(RESULT_SCHEMA))


def measure_records(
    measure_id: str,
    inputs: MeasureInputs,
    period: Period | str,
    breakdown: str = "all",
    group: str | None = None,
) -> dict[str, list[RecordRef]]:
    """The records behind one result: ``{"numerator": [(dataset, source, id), …], "denominator": […]}``.

    For a count of children, the records are the counted children's records
    in the period (M2 their episodes, M4 and M6 their open plans); for M9 and
    M12, which have no numerator or denominator, ``numerator`` lists the
    counted records and ``denominator`` is empty.
    """
    measure = _measure(measure_id)
    ctx = make_context(inputs, _periods([period]))
    params = ctx.params(measure.spec)
    contrib = measure.contributions(ctx, params, measure.base(ctx, params))
    if breakdown != "all":
        contrib = contrib.filter(pl.col(f"g_{breakdown}") == group)
    return {
        "numerator": _refs(contrib.filter(pl.col("_num"))),
        "denominator": _refs(contrib.filter(pl.col("_den"))),
    }


def _refs(frame: pl.DataFrame) -> list[RecordRef]:
    rows = frame.select("_dataset", "_src", "_rid").unique().sort("_dataset", "_rid", "_src")
    return [(str(dataset), str(source), str(rid)) for dataset, source, rid in rows.rows()]

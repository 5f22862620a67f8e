from __future__ import annotations

from types import SimpleNamespace

from safeplan.charts import spc_chart_svg, spc_points_from_rows
from safeplan.engine.catalogue import Direction
from safeplan.engine.spc import SpcPoint, SpcSettings, spc_chart
from tests.charts.conftest import month, parsed


def row(i: int, partition: int = 0, baseline: bool = False, **fields: object) -> SimpleNamespace:
    values = {"month": month(i), "value": float(i), "mean": 1.0, "signal": "common", "ghost": False}
    return SimpleNamespace(**(values | fields), partition=partition, baseline=baseline)


def test_rows_with_the_same_names_become_chart_points() -> None:
    points = spc_points_from_rows([row(0, baseline=True), row(1, baseline=True), row(2)])
    assert [p.value for p in points] == [0.0, 1.0, 2.0]
    assert [p.baseline_end for p in points] == [False, True, False]
    assert not any(p.partition_start for p in points)


def test_a_change_of_partition_starts_one() -> None:
    points = spc_points_from_rows([row(0), row(1), row(2, partition=1), row(3, partition=1)])
    assert [p.partition_start for p in points] == [False, False, True, False]


def test_the_spc_engine_rows_draw_as_a_chart() -> None:
    series = [SpcPoint(month=month(i), value=10.0 + (i % 4)) for i in range(15)]
    series[12] = SpcPoint(month=month(12), value=40.0)
    chart = spc_chart(series, SpcSettings(direction=Direction.REDUCE))
    points = spc_points_from_rows(chart.rows)
    assert points[12].signal == "concern"
    svg = spc_chart_svg(points, title="M2", unit="count", chart_id="m2")
    parsed(svg)
    assert "Concern (special cause): 1 point." in svg

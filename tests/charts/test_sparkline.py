from __future__ import annotations

import pytest

from safeplan.charts import sparkline_svg
from tests.charts.conftest import SVG, parsed, text_alternative


def test_a_sparkline_is_a_small_labelled_svg() -> None:
    svg = sparkline_svg([3, 5, 4, 6], title="Repeat missing: trend", chart_id="s1")
    root = parsed(svg)
    assert root.get("role") == "img"
    assert text_alternative(svg) == (
        "Repeat missing: trend",
        "Repeat missing: trend: 4 periods, latest 6; lowest 3, highest 6.",
    )
    assert len(svg) < 1000
    assert sparkline_svg([3, 5, 4, 6], title="Repeat missing: trend", chart_id="s1") == svg


@pytest.mark.parametrize(
    ("values", "lines"),
    [
        # one unbroken run
        ([1, 2, 3], 1),
        # a gap splits the line in two
        ([1, 2, None, 3, 4], 2),
        # a lone value between gaps has no line, only (if last) its dot
        ([1, 2, None, 3], 1),
        # a flat series is drawn across the middle
        ([5, 5, 5], 1),
    ],
)
def test_gaps_break_the_line(values: list[float | None], lines: int) -> None:
    root = parsed(sparkline_svg(values, chart_id="s"))
    assert len(root.findall(f"{SVG}polyline")) == lines
    assert len(root.findall(f"{SVG}circle")) == 1


@pytest.mark.parametrize(
    "values",
    [
        # nothing yet
        [],
        # only gaps
        [None, None],
    ],
)
def test_no_values_draw_a_dashed_placeholder(values: list[float | None]) -> None:
    svg = sparkline_svg(values, title="Trend", chart_id="s")
    assert text_alternative(svg)[1] == "Trend: no data yet."
    assert parsed(svg).find(f"{SVG}line") is not None


def test_a_single_value_is_one_period() -> None:
    svg = sparkline_svg([5.0], title="Trend", chart_id="s")
    assert text_alternative(svg)[1] == "Trend: 1 period, latest 5; lowest 5, highest 5."

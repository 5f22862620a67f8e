"""Charts carry no inline CSS, which the pages' Content-Security-Policy would block (issue 9, item 9).

matplotlib writes ``style="fill: …"`` attributes and a ``<style>`` sheet;
``render`` turns each declaration into the SVG presentation attribute of the
same name, which draws the same and which no policy governs.
"""

from __future__ import annotations

import re

import pytest

from safeplan.charts import render
from safeplan.charts.interval import interval_chart_svg
from safeplan.charts.sparkline import sparkline_svg
from safeplan.charts.spc import spc_chart_svg
from tests.charts.conftest import SVG, parsed, xmr_points

CHARTS = {
    # an SPC chart with every kind of line and marker
    "spc": lambda: spc_chart_svg(
        xmr_points(20, p3__signal="concern", p5__signal="improvement", p7__signal="neither_high"),
        title="Return interviews",
        unit="percent",
        target=22,
    ),
    # an empty SPC chart ("No data yet")
    "spc without data": lambda: spc_chart_svg([], title="Return interviews", unit="percent"),
    "interval": lambda: interval_chart_svg(
        ["2019-20 Q1", "2019-20 Q2"],
        [1.0, None],
        [0.5, None],
        [1.5, None],
        title="Audits",
        unit="percent",
        target=1.2,
    ),
    "sparkline": lambda: sparkline_svg([3, 5, None, 4], title="Repeat missing"),
}


@pytest.mark.parametrize("make", CHARTS.values(), ids=CHARTS.keys())
def test_a_chart_has_no_style_attribute_or_style_sheet(make: object) -> None:
    svg = make()  # type: ignore[operator]
    root = parsed(svg)
    assert not [element.tag for element in root.iter() if "style" in element.attrib]
    assert root.find(f".//{SVG}style") is None
    assert "<style" not in svg


def test_the_declarations_become_attributes_with_the_same_values() -> None:
    svg = CHARTS["spc"]()
    root = parsed(svg)
    # the sheet's "*{stroke-linejoin: round; stroke-linecap: butt}", inherited from the root
    assert (root.get("stroke-linejoin"), root.get("stroke-linecap")) == ("round", "butt")
    texts = list(root.iter(f"{SVG}text"))
    assert texts
    assert {t.get("fill") for t in texts if t.get("fill")} == {"#0b0c0c"}
    assert all(t.get("font-family", "").startswith("'DejaVu Sans'") for t in texts)
    assert any(p.get("stroke-dasharray") for p in root.iter(f"{SVG}path"))


def test_css_without_an_svg_attribute_is_refused_rather_than_dropped() -> None:
    with pytest.raises(ValueError, match="'mix-blend-mode'"):
        render._without_inline_css('<svg><path style="mix-blend-mode: multiply"/></svg>')


def test_the_conversion_keeps_the_order_and_values_of_declarations() -> None:
    converted = render._without_inline_css(
        '<svg><path style="fill: none; stroke: #1d70b8; stroke-width: 1.5"/></svg>'
    )
    assert re.sub(r"\s+", " ", converted) == (
        '<svg><path fill="none" stroke="#1d70b8" stroke-width="1.5"/></svg>'
    )

from __future__ import annotations

import pytest

from safeplan.charts import SpcChartPoint, spc_chart_description, spc_chart_svg
from safeplan.charts.style import SIGNAL_STYLES
from tests.charts.conftest import SVG, month, parsed, text_alternative, xmr_points


def chart(points: list[SpcChartPoint], **kwargs: object) -> str:
    return spc_chart_svg(points, title="Repeat missing", unit="count", chart_id="m2", **kwargs)  # type: ignore[arg-type]


def test_the_chart_is_well_formed_svg_labelled_as_an_image() -> None:
    root = parsed(chart(xmr_points()))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("id") == "m2"
    assert root.get("aria-labelledby") == "m2-title m2-desc"
    assert root.get("viewBox")


def test_the_title_and_description_say_what_the_chart_shows() -> None:
    title, desc = text_alternative(chart(xmr_points(), target=18.0))
    assert title == "Repeat missing"
    assert desc.startswith("Repeat missing, monthly, April 2022 to June 2023: 15 points.")
    assert "Mean 20." in desc
    assert "Process limits 12 to 28." in desc
    assert "Target 18." in desc


def test_the_same_points_give_the_same_bytes() -> None:
    points = xmr_points(p3__signal="concern", p4__ghost=True, p9__partition_start=True)
    assert chart(points) == chart(list(points))


def test_different_chart_ids_keep_every_id_apart() -> None:
    first, second = (
        chart(xmr_points()),
        spc_chart_svg(xmr_points(), title="t", unit="count", chart_id="m3"),
    )
    ids = lambda svg: {e.get("id") for e in parsed(svg).iter() if e.get("id")}  # noqa: E731
    assert ids(first).isdisjoint(ids(second))
    assert all(i.startswith("m2") for i in ids(first))


def test_no_date_or_creator_is_written() -> None:
    svg = chart(xmr_points())
    assert "<metadata" not in svg
    assert "<?xml" not in svg  # inline in HTML, no XML declaration


@pytest.mark.parametrize(
    ("signal", "marker_label"),
    [
        ("improvement", "Improvement (special cause)"),
        ("concern", "Concern (special cause)"),
        ("neither_high", "Special cause, higher"),
        ("neither_low", "Special cause, lower"),
    ],
)
def test_a_flagged_point_is_drawn_and_named_in_the_legend_and_description(
    signal: str, marker_label: str
) -> None:
    svg = chart(xmr_points(p5__signal=signal))
    _, desc = text_alternative(svg)
    assert f"{marker_label}: 1 point." in desc
    assert marker_label in svg  # the legend, as text
    assert SIGNAL_STYLES[signal].colour in svg  # type: ignore[index]


def test_signals_differ_by_shape_as_well_as_colour() -> None:
    markers = [style.marker for style in SIGNAL_STYLES.values()]
    assert len(set(markers)) == len(markers)


def test_a_ghosted_point_is_hollow_and_not_counted_as_a_signal() -> None:
    svg = chart(xmr_points(p2__ghost=True, p2__signal="concern"))
    _, desc = text_alternative(svg)
    assert "1 ghosted (left out of the calculations)." in desc
    assert "Concern" not in desc
    assert "Ghosted (not used)" in svg
    assert 'fill="#ffffff" stroke="#505a5f"' in svg  # a hollow marker


def test_recalculation_and_baseline_are_marked() -> None:
    svg = chart(xmr_points(p4__baseline_end=True, p8__partition_start=True))
    assert "Recalculated" in svg
    assert "End of baseline" in svg
    assert "Limits recalculated 1 time." in text_alternative(svg)[1]


def test_a_short_series_is_a_run_chart_without_limits() -> None:
    points = [SpcChartPoint(month=month(i), value=float(i)) for i in range(6)]
    svg = chart(points)
    _, desc = text_alternative(svg)
    assert "Run chart: too few points for process limits." in desc
    assert "Process limits" not in svg


def test_an_empty_series_says_there_is_no_data() -> None:
    svg = chart([])
    assert text_alternative(svg) == ("Repeat missing", "Repeat missing: no data yet.")
    assert "No data yet" in svg


def test_a_missing_month_leaves_a_gap_on_the_axis() -> None:
    points = [SpcChartPoint(month=month(i), value=1.0) for i in (0, 1, 5)]
    assert "April 2022 to September 2022: 3 points" in text_alternative(chart(points))[1]


def test_the_two_sigma_lines_can_be_left_out() -> None:
    assert "Two-sigma lines" in chart(xmr_points())
    assert "Two-sigma lines" not in chart(xmr_points(), show_two_sigma=False)


def test_a_target_per_month_overrides_the_constant_one() -> None:
    points = xmr_points(p14__target=16.0)
    assert "Target 16." in spc_chart_description(points, title="t", unit="count")


@pytest.mark.parametrize(
    "chart_id",
    [
        # starts with a digit
        "2m",
        # a quote would break out of the attribute
        'm2" onload="x',
        # empty
        "",
    ],
)
def test_an_unsafe_chart_id_is_refused(chart_id: str) -> None:
    with pytest.raises(ValueError, match="chart_id"):
        spc_chart_svg(xmr_points(), title="t", unit="count", chart_id=chart_id)


def test_the_title_is_escaped() -> None:
    svg = spc_chart_svg([], title="Children <under 5> & babies", unit="count", chart_id="x")
    assert text_alternative(svg)[0] == "Children <under 5> & babies"


def test_an_unknown_signal_is_refused() -> None:
    with pytest.raises(ValueError, match="signal must be one of"):
        SpcChartPoint(month=month(0), value=1.0, signal="special")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "points",
    [
        # a single month: nothing to scale the axis by
        [SpcChartPoint(month=month(0), value=12.0)],
        # a flat series: no vertical range
        [SpcChartPoint(month=month(i), value=5.0) for i in range(3)],
    ],
)
def test_degenerate_series_draw_without_warnings(points: list[SpcChartPoint]) -> None:
    parsed(chart(points))  # warnings are errors in this suite


def test_a_lone_limit_left_after_clipping_is_described() -> None:
    points = xmr_points(p14__lpl=None)
    assert "Upper process limit 28." in text_alternative(chart(points))[1]

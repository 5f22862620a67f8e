"""Values per period with their confidence intervals (quarters or years)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from safeplan.charts.render import chart_figure, draw_no_data, figure_svg
from safeplan.charts.style import BLUE, DARK_GREY, GREEN
from safeplan.charts.text import value_text


def interval_chart_svg(
    periods: Sequence[str],
    values: Sequence[float | None],
    lower: Sequence[float | None],
    upper: Sequence[float | None],
    *,
    title: str,
    unit: str,
    target: float | None = None,
    chart_id: str = "interval-chart",
    interval_label: str = "95% confidence interval",
    width: float = 7.5,
    height: float = 3.4,
) -> str:
    """Each period's value as a point with its interval as a bar; `None` is "no data".

    >>> svg = interval_chart_svg(["Q1 2024-25"], [12.5], [10.0], [15.5],
    ...                          title="Re-referrals", unit="percent", chart_id="m5q")
    >>> "Q1 2024-25: 12.5% (95% confidence interval 10.0% to 15.5%)" in svg
    True
    """
    if not len(periods) == len(values) == len(lower) == len(upper):
        raise ValueError("periods, values, lower and upper must be the same length")
    description = _description(periods, values, lower, upper, title, unit, target, interval_label)
    with chart_figure(chart_id, width=width, height=height) as figure:
        if not periods:
            draw_no_data(figure)
            return figure_svg(figure, chart_id=chart_id, title=title, description=description)
        axes = figure.add_subplot()
        positions = list(range(len(periods)))
        for i, (value, low, high) in enumerate(zip(values, lower, upper, strict=True)):
            if value is not None and low is not None and high is not None:
                axes.vlines(i, low, high, color=DARK_GREY, linewidth=2.0)
                axes.hlines([low, high], i - 0.12, i + 0.12, color=DARK_GREY, linewidth=1.5)
        shown = [math.nan if value is None else value for value in values]
        axes.plot(
            positions, shown, linestyle="none", marker="o", markersize=7, color=BLUE, zorder=3
        )
        if target is not None:
            axes.axhline(target, color=GREEN, linewidth=1.4, linestyle="-.", label="Target")
            axes.legend(loc="best", frameon=False, fontsize=8)
        for i, value in enumerate(values):
            if value is None:
                axes.annotate("no data", (i, 0), xycoords=("data", "axes fraction"),
                              xytext=(0, 4), textcoords="offset points", ha="center", fontsize=8)  # fmt: skip
        axes.set_xticks(positions, list(periods))
        axes.set_xlim(-0.5, len(periods) - 0.5)
        axes.set_ylabel(unit)
        axes.grid(axis="y", color="#b1b4b6", linewidth=0.5)
        axes.set_axisbelow(True)
        return figure_svg(figure, chart_id=chart_id, title=title, description=description)


def _description(
    periods: Sequence[str],
    values: Sequence[float | None],
    lower: Sequence[float | None],
    upper: Sequence[float | None],
    title: str,
    unit: str,
    target: float | None,
    interval_label: str,
) -> str:
    if not periods:
        return f"{title}: no data yet."
    items = []
    for period, value, low, high in zip(periods, values, lower, upper, strict=True):
        if value is None:
            items.append(f"{period}: no data")
        elif low is None or high is None:
            items.append(f"{period}: {value_text(value, unit)}")
        else:
            items.append(
                f"{period}: {value_text(value, unit)} "
                f"({interval_label} {value_text(low, unit)} to {value_text(high, unit)})"
            )
    aim = f" Target {value_text(target, unit)}." if target is not None else ""
    return f"{title}. " + "; ".join(items) + "." + aim

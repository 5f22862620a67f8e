"""SPC (XmR) and run charts, Making Data Count style, drawn from computed points.

The chart draws what the engine computed and nothing more: the values, the
mean, the process limits, the two-sigma lines, the target, the signals
(improvement, concern, neither) as shaped and coloured markers, ghosted points
hollow, and dotted lines where limits were recalculated or the baseline ends.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from matplotlib.axes import Axes

from safeplan.charts.render import chart_figure, draw_no_data, figure_svg
from safeplan.charts.style import BLACK, DARK_GREY, GREEN, SIGNAL_STYLES, WHITE
from safeplan.charts.text import month_text, value_text
from safeplan.charts.types import SIGNALS, SpcChartPoint

_LINES = (
    # field(s), legend label, style
    (("mean",), "Mean", {"color": BLACK, "linewidth": 1.4, "linestyle": "-"}),
    (("upl", "lpl"), "Process limits", {"color": DARK_GREY, "linewidth": 1.2, "linestyle": "--"}),
    (
        ("high2s", "low2s"),
        "Two-sigma lines",
        {"color": DARK_GREY, "linewidth": 0.9, "linestyle": ":"},
    ),
)


def spc_chart_svg(
    points: Sequence[SpcChartPoint],
    *,
    title: str,
    unit: str,
    target: float | None = None,
    chart_id: str = "spc-chart",
    show_two_sigma: bool = True,
    width: float = 7.5,
    height: float = 3.8,
) -> str:
    """An SPC chart (or a run chart, when the points carry no limits) as SVG.

    `target` is a constant target; points may instead carry the target in force
    each month. `width` and `height` are in inches (the PDF's units).
    """
    points = [replace_target(point, target) for point in points]
    description = spc_chart_description(points, title=title, unit=unit)
    with chart_figure(chart_id, width=width, height=height, bottom=1.25) as figure:
        if points:
            _draw(figure.add_subplot(), points, unit=unit, show_two_sigma=show_two_sigma)
        else:
            draw_no_data(figure)
        return figure_svg(figure, chart_id=chart_id, title=title, description=description)


def replace_target(point: SpcChartPoint, target: float | None) -> SpcChartPoint:
    """The point with `target` filled in where it has none of its own."""
    if target is None or point.target is not None:
        return point
    return replace(point, target=target)


def spc_chart_description(points: Sequence[SpcChartPoint], *, title: str, unit: str) -> str:
    """The chart in words: span, latest value, lines and signals (the SVG's ``<desc>``)."""
    if not points:
        return f"{title}: no data yet."
    first, last = points[0], points[-1]
    parts = [
        f"{title}, monthly, {month_text(first.month)} to {month_text(last.month)}: "
        f"{len(points)} point{'s' * (len(points) != 1)}. Latest {value_text(last.value, unit)} in {month_text(last.month)}."
    ]
    if last.mean is not None:
        parts.append(f"Mean {value_text(last.mean, unit)}.")
    if last.lpl is not None and last.upl is not None:
        parts.append(
            f"Process limits {value_text(last.lpl, unit)} to {value_text(last.upl, unit)}."
        )
    # one limit may be clipped away at the measure's possible range (a count below 0)
    elif last.upl is not None:
        parts.append(f"Upper process limit {value_text(last.upl, unit)}.")
    elif last.lpl is not None:
        parts.append(f"Lower process limit {value_text(last.lpl, unit)}.")
    elif all(point.mean is None for point in points):
        parts.append("Run chart: too few points for process limits.")
    if last.target is not None:
        parts.append(f"Target {value_text(last.target, unit)}.")
    parts += _signal_counts(points)
    if ghosts := sum(point.ghost for point in points):
        parts.append(f"{ghosts} ghosted (left out of the calculations).")
    if recalculations := sum(point.partition_start for point in points):
        parts.append(f"Limits recalculated {recalculations} time{'s' * (recalculations > 1)}.")
    return " ".join(parts)


def _signal_counts(points: Sequence[SpcChartPoint]) -> list[str]:
    counted = []
    for signal in SIGNALS[:-1]:
        if count := sum(p.signal == signal and not p.ghost for p in points):
            label = SIGNAL_STYLES[signal].label
            counted.append(f"{label}: {count} point{'s' * (count > 1)}.")
    return counted


def _draw(axes: Axes, points: Sequence[SpcChartPoint], *, unit: str, show_two_sigma: bool) -> None:
    x = [float(month_index(point.month)) for point in points]
    axes.plot(x, [p.value for p in points], color=DARK_GREY, linewidth=1.2, zorder=2)
    for fields, label, style in _LINES:
        if fields[0] == "high2s" and not show_two_sigma:
            continue
        for index, field in enumerate(fields):
            _partitioned_line(axes, points, x, field, label if index == 0 else None, style)
    _partitioned_line(
        axes, points, x, "target", "Target",
        {"color": GREEN, "linewidth": 1.4, "linestyle": "-.", "drawstyle": "steps-mid"},
    )  # fmt: skip
    _markers(axes, points, x)
    _partition_marks(axes, points, x)
    axes.set_ylabel(unit)
    ticks = month_ticks(int(x[0]), int(x[-1]))
    axes.set_xticks(ticks, [_tick_label(tick) for tick in ticks])
    axes.margins(x=0.02)
    axes.grid(axis="y", color="#b1b4b6", linewidth=0.5)
    axes.set_axisbelow(True)
    if axes.get_legend_handles_labels()[0]:
        axes.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=3, frameon=False, fontsize=8
        )


def _partitioned_line(
    axes: Axes,
    points: Sequence[SpcChartPoint],
    x: list[float],
    field: str,
    label: str | None,
    style: dict[str, object],
) -> None:
    """One line per partition, so that recalculated limits do not slope into each other."""
    values = [getattr(point, field) for point in points]
    if all(value is None for value in values):
        return
    starts = [0, *(i for i, p in enumerate(points) if p.partition_start and i > 0), len(points)]
    for begin, end in itertools.pairwise(starts):
        ys = [math.nan if v is None else v for v in values[begin:end]]
        axes.plot(x[begin:end], ys, label=label if begin == 0 else None, zorder=1, **style)  # type: ignore[arg-type]


def _markers(axes: Axes, points: Sequence[SpcChartPoint], x: list[float]) -> None:
    for signal in SIGNALS:
        style = SIGNAL_STYLES[signal]
        chosen = [i for i, p in enumerate(points) if p.signal == signal and not p.ghost]
        if chosen:
            axes.plot(
                [x[i] for i in chosen], [points[i].value for i in chosen],
                linestyle="none", marker=style.marker, markersize=style.size,
                color=style.colour, markeredgecolor=style.colour, label=style.label, zorder=3,
            )  # fmt: skip
    ghosts = [i for i, p in enumerate(points) if p.ghost]
    if ghosts:
        axes.plot(
            [x[i] for i in ghosts], [points[i].value for i in ghosts],
            linestyle="none", marker="o", markersize=6, markerfacecolor=WHITE,
            markeredgecolor=DARK_GREY, markeredgewidth=1.2, label="Ghosted (not used)", zorder=3,
        )  # fmt: skip


def _partition_marks(axes: Axes, points: Sequence[SpcChartPoint], x: list[float]) -> None:
    for i, point in enumerate(points):
        if point.partition_start and i > 0:
            _vertical_mark(axes, (x[i - 1] + x[i]) / 2, "Recalculated")
        if point.baseline_end and i < len(points) - 1:
            _vertical_mark(axes, (x[i] + x[i + 1]) / 2, "End of baseline")


def _vertical_mark(axes: Axes, at: float, text: str) -> None:
    axes.axvline(at, color=BLACK, linewidth=0.9, linestyle=(0, (1, 2)), zorder=1)
    axes.annotate(
        text, xy=(at, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -2),
        textcoords="offset points", va="top", fontsize=8, color=BLACK,
    )  # fmt: skip


def month_index(month: date) -> int:
    """Months since year 0, so that a missing month leaves a gap on the axis."""
    return month.year * 12 + month.month - 1


def month_ticks(first: int, last: int, most: int = 8) -> list[int]:
    """Tick months: every 1, 3, 6, 12 or 24 months, the first step giving at most `most`.

    >>> month_ticks(month_index(date(2023, 4, 1)), month_index(date(2025, 3, 1)))
    [24279, 24282, 24285, 24288, 24291, 24294, 24297, 24300]
    """
    step = next((s for s in (1, 3, 6, 12) if (last - first) // s + 1 <= most), 24)
    start = first + (-first) % step
    return list(range(start, last + 1, step))


def _tick_label(index: int) -> str:
    return date(index // 12, index % 12 + 1, 1).strftime("%b\n%Y")

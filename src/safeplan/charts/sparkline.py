"""A word-sized trend line for the plan on a page, written as SVG directly.

Twelve of these sit on one page, so they skip matplotlib: a polyline and a
marked last point, in a few hundred bytes, identical for identical input.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from safeplan.charts.render import chart_id_check
from safeplan.charts.style import BLACK, DARK_GREY
from safeplan.charts.text import value_text

_PAD = 3.0


def sparkline_svg(
    values: Sequence[float | None],
    *,
    title: str = "Trend",
    unit: str = "count",
    chart_id: str = "sparkline",
    width: int = 120,
    height: int = 32,
) -> str:
    """A trend line of `values` (None: a gap) with the latest value marked.

    >>> sparkline_svg([3, 5, 4], title="Repeat missing", chart_id="s1")[:4]
    '<svg'
    """
    chart_id_check(chart_id)
    known = [value for value in values if value is not None]
    description = _description(values, known, title, unit)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart_id}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    return head + "".join(_shapes(values, known, width, height)) + "</svg>"


def _shapes(
    values: Sequence[float | None], known: list[float], width: int, height: int
) -> list[str]:
    if not known:
        y = height / 2
        return [
            f'<line x1="{_PAD}" y1="{y}" x2="{width - _PAD}" y2="{y}" stroke="{DARK_GREY}" stroke-dasharray="2 3"/>'
        ]
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = (width - 2 * _PAD) / max(len(values) - 1, 1)

    def point(i: int, value: float) -> tuple[float, float]:
        y = height - _PAD - (value - low) / span * (height - 2 * _PAD)
        return round(_PAD + i * step, 2), round(y if high != low else height / 2, 2)

    runs: list[list[tuple[float, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append(point(i, value))
    shapes = [
        f'<polyline points="{" ".join(f"{x},{y}" for x, y in run)}" fill="none" '
        f'stroke="{DARK_GREY}" stroke-width="1.5" stroke-linejoin="round"/>'
        for run in runs
        if len(run) > 1
    ]
    last_index = max(i for i, value in enumerate(values) if value is not None)
    x, y = point(last_index, known[-1])
    return [*shapes, f'<circle cx="{x}" cy="{y}" r="2.5" fill="{BLACK}"/>']


def _description(values: Sequence[float | None], known: list[float], title: str, unit: str) -> str:
    if not known:
        return f"{title}: no data yet."
    return (
        f"{title}: {len(values)} period{'s' * (len(values) != 1)}, latest {value_text(known[-1], unit)}; "
        f"lowest {value_text(min(known), unit)}, highest {value_text(max(known), unit)}."
    )

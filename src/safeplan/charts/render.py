"""From a matplotlib figure to an accessible, deterministic SVG string.

The SVG is served inline under a strict Content-Security-Policy (no inline
style: ``style-src 'self'``), which Chromium applies to the ``style``
attributes and ``<style>`` elements of an inline ``<svg>`` too. So every CSS
declaration matplotlib writes becomes the SVG presentation attribute of the
same name (``style="fill: #fff"`` → ``fill="#fff"``), which no policy governs
and which draws the same; the sheet matplotlib puts in ``<defs>`` becomes
attributes of the root, inherited by every element that sets none itself.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot anywhere in the process

from matplotlib.figure import Figure

from safeplan.charts.style import BLACK, DARK_GREY

FONT = "DejaVu Sans"  # ships with matplotlib, so text metrics are the same everywhere
FONT_STACK = "'DejaVu Sans', Verdana, Arial, sans-serif"

_RC: dict[Any, Any] = {
    "svg.fonttype": "none",  # text stays text: smaller, selectable, read by screen readers
    "font.family": FONT,
    "font.size": 10,
    "axes.edgecolor": DARK_GREY,
    "axes.labelcolor": BLACK,
    "xtick.color": DARK_GREY,
    "ytick.color": DARK_GREY,
    "xtick.labelcolor": BLACK,
    "ytick.labelcolor": BLACK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.image_inline": True,
}

_ID = re.compile(r'\bid="([^"]+)"')
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_SHEET = re.compile(r'\s*<defs>\s*<style type="text/css">\*\{([^}]*)\}</style>\s*</defs>')
#: The CSS properties matplotlib writes that are also SVG presentation attributes.
PRESENTATION_ATTRIBUTES = frozenset(
    {
        "clip-path", "fill", "fill-opacity", "fill-rule", "font-family", "font-size",
        "font-style", "font-weight", "opacity", "stroke", "stroke-dasharray",
        "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
        "stroke-opacity", "stroke-width", "text-anchor",
    }
)  # fmt: skip
_CHART_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def chart_id_check(chart_id: str) -> None:
    """A chart id must be a valid, HTML-safe id: a letter, then letters, digits, - or _."""
    if not _CHART_ID.fullmatch(chart_id):
        raise ValueError(f"chart_id {chart_id!r} must be a letter then letters, digits, - or _")


@contextmanager
def chart_figure(
    chart_id: str, *, width: float, height: float, bottom: float = 0.55
) -> Iterator[Figure]:
    """A figure of `width` × `height` inches drawn with the house style.

    Margins are fixed (in inches: 0.65 left for the axis label, `bottom` for
    tick labels and legend) rather than laid out, which halves the time taken.
    """
    with matplotlib.rc_context(_RC | {"svg.hashsalt": chart_id}):
        figure = Figure(figsize=(width, height))
        figure.subplots_adjust(
            left=0.65 / width, right=1 - 0.15 / width, top=1 - 0.15 / height, bottom=bottom / height
        )
        yield figure


def figure_svg(figure: Figure, *, chart_id: str, title: str, description: str) -> str:
    """Serialise `figure` as inline SVG with its title and description inside it.

    Every id is prefixed with `chart_id`, so several charts can share a page.
    """
    chart_id_check(chart_id)
    buffer = io.StringIO()
    with matplotlib.rc_context(_RC | {"svg.hashsalt": chart_id}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # no XML declaration or DOCTYPE inside HTML
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = _ids_prefixed(svg, chart_id)
    svg = svg.replace(f"font-family: '{FONT}'", f"font-family: {FONT_STACK}")
    svg = _without_inline_css(svg)
    return _with_text_alternative(svg, chart_id=chart_id, title=title, description=description)


def _ids_prefixed(svg: str, prefix: str) -> str:
    for name in sorted(set(_ID.findall(svg)), key=len, reverse=True):
        new = f"{prefix}-{name}"
        svg = svg.replace(f'id="{name}"', f'id="{new}"')
        svg = svg.replace(f"url(#{name})", f"url(#{new})")
        svg = svg.replace(f'href="#{name}"', f'href="#{new}"')
    return svg


def _attributes(declarations: str) -> str:
    """``fill: #fff; stroke-width: 0.8`` as `` fill="#fff" stroke-width="0.8"``."""
    attributes = []
    for declaration in declarations.split(";"):
        if not declaration.strip():
            continue
        name, _, value = (part.strip() for part in declaration.partition(":"))
        if name not in PRESENTATION_ATTRIBUTES:
            raise ValueError(f"matplotlib wrote CSS {name!r}, which has no SVG attribute")
        attributes.append(f' {name}="{value}"')
    return "".join(attributes)


def _without_inline_css(svg: str) -> str:
    """The SVG with presentation attributes in place of every inline CSS (see the module)."""
    sheet = _STYLE_SHEET.search(svg)
    if sheet is not None:
        svg = svg[: sheet.start()] + svg[sheet.end() :]
        root_end = svg.index(">")
        svg = svg[:root_end] + _attributes(sheet.group(1)) + svg[root_end:]
    svg = _STYLE_ATTRIBUTE.sub(lambda match: _attributes(match.group(1)), svg)
    if "<style" in svg or " style=" in svg:
        raise ValueError("the chart still carries inline CSS, which the page's policy blocks")
    return svg


def _with_text_alternative(svg: str, *, chart_id: str, title: str, description: str) -> str:
    opening_end = svg.index(">") + 1
    labelled = svg[: opening_end - 1] + (
        f' id="{chart_id}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'\n <title id="{chart_id}-title">{escape(title)}</title>'
        f'\n <desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    return labelled + svg[opening_end:]


def draw_no_data(figure: Figure) -> None:
    """An empty chart: the words "No data yet" where the chart would be."""
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.text(0.5, 0.5, "No data yet", ha="center", va="center", fontsize=12, color=BLACK)

"""Colours and markers: the GOV.UK palette, each colour at least 3:1 against white.

Signals differ by marker shape and legend label as well as colour, so that
nothing depends on colour alone (WCAG 2.2, 1.4.1 and 1.4.11).
"""

from __future__ import annotations

from dataclasses import dataclass

from safeplan.charts.types import Signal

BLACK = "#0b0c0c"
DARK_GREY = "#505a5f"
BLUE = "#1d70b8"
DARK_BLUE = "#003078"
RED = "#d4351c"
GREEN = "#00703c"
PURPLE = "#4c2c92"
WHITE = "#ffffff"

#: Every colour a chart draws with; tested for contrast against white.
INK = (BLACK, DARK_GREY, BLUE, DARK_BLUE, RED, GREEN, PURPLE)


@dataclass(frozen=True)
class MarkerStyle:
    colour: str
    marker: str  # matplotlib marker code
    size: float
    label: str  # the legend's words; also used in the description


#: Improvement blue diamonds, concern red squares, neither purple triangles
#: pointing the way the series moved, common cause small grey dots.
SIGNAL_STYLES: dict[Signal, MarkerStyle] = {
    "improvement": MarkerStyle(BLUE, "D", 6.5, "Improvement (special cause)"),
    "concern": MarkerStyle(RED, "s", 6.5, "Concern (special cause)"),
    "neither_high": MarkerStyle(PURPLE, "^", 7.5, "Special cause, higher"),
    "neither_low": MarkerStyle(PURPLE, "v", 7.5, "Special cause, lower"),
    "common": MarkerStyle(DARK_GREY, "o", 4.0, "Common cause variation"),
}


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio, (L1 + 0.05) / (L2 + 0.05) with L1 the lighter.

    >>> round(contrast_ratio("#767676", "#ffffff"), 2)
    4.54
    """
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)

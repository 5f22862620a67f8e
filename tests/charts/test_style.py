from __future__ import annotations

import pytest

from safeplan.charts.style import INK, SIGNAL_STYLES, WHITE, contrast_ratio
from safeplan.charts.text import value_text


@pytest.mark.parametrize("colour", [*INK, *(style.colour for style in SIGNAL_STYLES.values())])
def test_every_colour_has_at_least_3_to_1_contrast_against_white(colour: str) -> None:
    # WCAG 2.2, 1.4.11 non-text contrast
    assert contrast_ratio(colour, WHITE) >= 3.0


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        # the extremes
        ("#000000", "#ffffff", 21.0),
        # a colour against itself
        ("#1d70b8", "#1d70b8", 1.0),
        # the lightest grey commonly cited as passing AA for text (4.54:1)
        ("#767676", "#ffffff", 4.5),
    ],
)
def test_contrast_ratio_matches_wcag_reference_values(
    first: str, second: str, ratio: float
) -> None:
    assert round(contrast_ratio(first, second), 1) == ratio


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (12.345, "percent", "12.3%"),
        # whole counts have no decimals, with thousands separators
        (1200.0, "count", "1,200"),
        # a count can be fractional (a mean of counts)
        (2.5, "count", "2.5"),
        (3.25, "mean days", "3.2 mean days"),
        (41.04, "rate per 10,000", "41.0 rate per 10,000"),
    ],
)
def test_values_are_written_as_the_board_reads_them(value: float, unit: str, text: str) -> None:
    assert value_text(value, unit) == text

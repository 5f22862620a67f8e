"""Judgements in words: every RAG, direction and SPC icon has a label, not only a colour."""

from __future__ import annotations

import pytest

from safeplan.web.display import (
    assurance_badge,
    figure_text,
    headline_text,
    interval_text,
    number_text,
    rag_badge,
    travel_badge,
    variation_badge,
)


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (17.5, "percent", "17.5%"),
        (1429.0, "count", "1,429"),  # whole counts have no decimals, with separators
        (12.25, "count", "12.2"),  # a count that is not whole (a mean of counts) keeps one
        (215.25, "mean days", "215.2 days"),  # banker's rounding of a binary float: 215.25 → 215.2
        (2.8, "rate per 10,000", "2.8 per 10,000"),
        (0.0, "percent", "0.0%"),  # zero is a value, not a blank
        (None, "percent", "no value"),
    ],
)
def test_figures_read_as_the_board_reads_them(value: float | None, unit: str, text: str) -> None:
    assert figure_text(value, unit) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(40.0, "40"), (1347.0, "1,347"), (2.5, "2.5"), (None, "–")],
)
def test_numerators_and_denominators(value: float | None, text: str) -> None:
    assert number_text(value) == text


def test_an_interval_without_a_bound_is_a_dash() -> None:
    assert interval_text(8.745, 31.9497, "percent") == "8.7% to 31.9%"
    assert interval_text(None, 3.0, "count") == "–"


@pytest.mark.parametrize(
    ("rag", "direction", "label"),
    [
        ("green", "increase", "Green"),
        ("amber", "reduce", "Amber"),
        ("red", "increase", "Red"),
        ("not rated", "increase", "Not rated"),  # no target
        ("not rated", "track", "Context"),  # a track measure is never rated
    ],
)
def test_every_rag_has_words(rag: str, direction: str, label: str) -> None:
    assert rag_badge(rag, direction).label == label


@pytest.mark.parametrize(
    "travel",
    ["improving", "worsening", "no significant change", "higher", "lower", "not available"],
)
def test_every_direction_of_travel_has_a_symbol_and_words(travel: str) -> None:
    badge = travel_badge(travel)
    assert badge.symbol
    assert badge.label.lower() == travel


@pytest.mark.parametrize(
    ("icon", "label"),
    [
        ("common_cause", "Common cause variation"),
        ("improvement_high", "Improvement, high"),
        ("concern_low", "Concern, low"),
        ("neither_high", "Special cause, higher"),
        (None, "Too few points for SPC"),  # a run chart has no icon
    ],
)
def test_every_variation_icon_has_words(icon: str | None, label: str) -> None:
    assert variation_badge(icon).label == label


def test_assurance_is_shown_only_where_there_is_a_target() -> None:
    assert assurance_badge(None) is None
    badge = assurance_badge("hit_or_miss")
    assert badge is not None
    assert badge.label == "Hits and misses the target"


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (76.44, "percent", ("76.4%", "")),  # the % sign is the unit: not said twice
        (51.0, "count", ("51", "count")),
        (192.94, "mean days", ("192.9", "mean days")),
        (12.04, "rate per 10,000", ("12.0", "per 10,000")),
    ],
)
def test_a_headline_names_its_unit_once(value: float, unit: str, shown: tuple[str, str]) -> None:
    assert headline_text(value, unit) == shown

"""How judgements read on the page: words first, then a symbol, never colour alone.

Every RAG rating, direction of travel and SPC icon is shown as text (with a
symbol beside it, hidden from screen readers, and a colour that only repeats
what the words say), so that the page meets WCAG 2.2 1.4.1 (use of colour).

>>> figure_text(17.5, "percent"), figure_text(1429.0, "count"), figure_text(215.26, "mean days")
('17.5%', '1,429', '215.3 days')
>>> rag_label("not rated", "track")
'Context'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Badge:
    """A judgement as shown: a CSS modifier, a symbol (decorative) and the words."""

    key: str
    symbol: str
    label: str


RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red", "not rated": "Not rated"}
#: GOV.UK tag colours: each pair of text and background meets 4.5:1.
RAG_TAGS = {
    "green": "govuk-tag--green",
    "amber": "govuk-tag--yellow",
    "red": "govuk-tag--red",
    "not rated": "govuk-tag--grey",
    "context": "govuk-tag--blue",
}

_TRAVEL = {
    "improving": ("↗", "Improving"),
    "worsening": ("↘", "Worsening"),
    "no significant change": ("→", "No significant change"),
    "higher": ("↑", "Higher"),
    "lower": ("↓", "Lower"),
    "not available": ("–", "Not available"),
}

_VARIATION = {
    "common_cause": ("C", "Common cause variation"),
    "improvement_high": ("H", "Improvement, high"),
    "improvement_low": ("L", "Improvement, low"),
    "concern_high": ("H", "Concern, high"),
    "concern_low": ("L", "Concern, low"),
    "neither_high": ("H", "Special cause, higher"),
    "neither_low": ("L", "Special cause, lower"),
}

_ASSURANCE = {
    "pass": ("P", "Consistently passes the target"),
    "fail": ("F", "Consistently fails the target"),
    "hit_or_miss": ("?", "Hits and misses the target"),
}

SIGNAL_LABELS = {
    "improvement": "Improvement",
    "concern": "Concern",
    "neither_high": "Special cause, higher",
    "neither_low": "Special cause, lower",
    "common": "Common cause",
}

UNIT_LABELS = {
    "count": "count",
    "percent": "per cent",
    "mean days": "mean days",
    "rate per 10,000": "rate per 10,000",
}

BREAKDOWN_LABELS = {
    "all": "Whole area",
    "locality": "Locality",
    "risk_level": "Risk level",
    "looked_after": "Looked after",
    "conference_type": "Conference type",
    "agency": "Agency",
    "stage": "Escalation stage",
}


def figure_text(value: float | None, unit: str) -> str:
    """A value as the board reads it, with its unit where the unit is a symbol or word."""
    if value is None:
        return "no value"
    if unit == "percent":
        return f"{value:,.1f}%"
    if unit == "mean days":
        return f"{value:,.1f} days"
    if unit == "rate per 10,000":
        return f"{value:,.1f} per 10,000"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


#: The unit words beside a headline number; a percentage's % sign is its unit.
_UNIT_WORDS = {
    "percent": "",
    "count": "count",
    "mean days": "mean days",
    "rate per 10,000": "per 10,000",
}


def headline_text(value: float, unit: str) -> tuple[str, str]:
    """A headline as a number and the words of its unit, each said once.

    >>> headline_text(192.94, "mean days"), headline_text(76.44, "percent")
    (('192.9', 'mean days'), ('76.4%', ''))
    """
    if unit == "percent":
        return figure_text(value, unit), ""
    number = figure_text(value, "count") if unit == "count" else f"{value:,.1f}"
    return number, _UNIT_WORDS.get(unit, unit)


def number_text(value: float | None) -> str:
    """A numerator or denominator: whole numbers with separators, else one decimal."""
    if value is None:
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def interval_text(lower: float | None, upper: float | None, unit: str) -> str:
    """A confidence interval, or a dash when there is none."""
    if lower is None or upper is None:
        return "–"
    return f"{figure_text(lower, unit)} to {figure_text(upper, unit)}"


def rag_label(rag: str, direction: str) -> str:
    """Track measures are never rated: they read as context (scorecard.md)."""
    return "Context" if direction == "track" else RAG_LABELS.get(rag, rag.capitalize())


def rag_badge(rag: str, direction: str) -> Badge:
    key = "context" if direction == "track" else rag
    return Badge(key=key, symbol="", label=rag_label(rag, direction))


def travel_badge(travel: str) -> Badge:
    symbol, label = _TRAVEL.get(travel, ("–", travel.capitalize()))
    return Badge(key=travel.replace(" ", "-"), symbol=symbol, label=label)


def variation_badge(icon: str | None) -> Badge:
    """No icon means a run chart: too few points for limits (scorecard.md, SPC)."""
    if icon is None:
        return Badge(key="none", symbol="–", label="Too few points for SPC")
    symbol, label = _VARIATION.get(icon, ("?", icon.replace("_", " ").capitalize()))
    return Badge(key=icon.split("_")[0], symbol=symbol, label=label)


def assurance_badge(icon: str | None) -> Badge | None:
    if icon is None:
        return None
    symbol, label = _ASSURANCE.get(icon, ("?", icon.replace("_", " ").capitalize()))
    return Badge(key=icon.replace("_", "-"), symbol=symbol, label=label)

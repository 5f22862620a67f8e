"""Numbers and months in words, for the charts' descriptions and labels."""

from __future__ import annotations

from datetime import date


def value_text(value: float, unit: str) -> str:
    """A value as the board reads it.

    >>> value_text(12.345, "percent"), value_text(1200.0, "count"), value_text(3.25, "mean days")
    ('12.3%', '1,200', '3.2 mean days')
    """
    if unit == "percent":
        return f"{value:,.1f}%"
    if unit == "count" and float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.1f}" if unit == "count" else f"{value:,.1f} {unit}"


def month_text(month: date) -> str:
    """A month in words.

    >>> month_text(date(2024, 4, 1))
    'April 2024'
    """
    return month.strftime("%B %Y")

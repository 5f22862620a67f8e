from __future__ import annotations

import pytest

from safeplan.charts import interval_chart_svg
from tests.charts.conftest import parsed, text_alternative

PERIODS = ["Q1 2024-25", "Q2 2024-25", "Q3 2024-25"]


def chart(**kwargs: object) -> str:
    arguments: dict[str, object] = {
        "periods": PERIODS,
        "values": [12.5, None, 10.0],
        "lower": [10.0, None, 8.25],
        "upper": [15.5, None, 12.0],
        "title": "Re-referrals",
        "unit": "percent",
        "chart_id": "m5",
    }
    return interval_chart_svg(**(arguments | kwargs))  # type: ignore[arg-type]


def test_each_period_is_described_with_its_interval_and_missing_ones_as_no_data() -> None:
    svg = chart(target=11.0)
    parsed(svg)
    title, desc = text_alternative(svg)
    assert title == "Re-referrals"
    assert desc == (
        "Re-referrals. Q1 2024-25: 12.5% (95% confidence interval 10.0% to 15.5%); "
        "Q2 2024-25: no data; Q3 2024-25: 10.0% (95% confidence interval 8.2% to 12.0%). "
        "Target 11.0%."
    )
    assert "no data" in svg.split("</desc>")[1]  # also written on the chart
    assert all(period in svg.split("</desc>")[1] for period in PERIODS)


def test_the_same_input_gives_the_same_bytes() -> None:
    assert chart() == chart()


def test_a_value_without_an_interval_is_still_shown() -> None:
    desc = text_alternative(chart(lower=[None, None, 8.0]))[1]
    assert "Q1 2024-25: 12.5%;" in desc


def test_no_periods_means_no_data() -> None:
    svg = chart(periods=[], values=[], lower=[], upper=[])
    assert text_alternative(svg)[1] == "Re-referrals: no data yet."


def test_lists_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="same length"):
        chart(upper=[1.0])

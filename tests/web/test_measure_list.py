"""The measures list: the plan on a page as a table, for the chosen period."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[2] / "docs/examples/three-priorities.toml"


def test_each_measure_is_a_row_with_its_figure_and_rating(reader: Client, county) -> None:
    text = html.unescape(reader.get("/measures/").content.decode())
    row = text[text.index('id="row-M8"') :].split("</tr>")[0]
    assert 'href="/measures/M8/?period=2018-19%20Q1"' in row
    assert ">17.5%</td>" in row
    assert ">Amber</strong>" in row
    assert "Worsening" in row


def test_the_list_follows_the_period_chosen(reader: Client, county) -> None:
    text = html.unescape(reader.get("/measures/", {"period": "2017-18 Q4"}).content.decode())
    row = text[text.index('id="row-M8"') :].split("</tr>")[0]
    assert ">75.0%</td>" in row
    assert ">Green</strong>" in row


def test_every_measure_of_the_plan_is_listed_under_its_priority(reader: Client, county) -> None:
    text = reader.get("/measures/").content.decode()
    assert [text.index(f'id="row-M{n}"') for n in range(1, 13)] == sorted(
        text.index(f'id="row-M{n}"') for n in range(1, 13)
    )
    assert text.count('<caption class="govuk-table__caption govuk-table__caption--m">') == 4

"""A page per measure: definition, the hand-worked figures, charts with tables, breakdowns, benchmarks."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from django.test import Client

from safeplan.scorecard.services import benchmarks_import, commentary_save
from tests.web.test_dashboard import words

pytestmark = pytest.mark.django_db


def page_text(client: Client, url: str = "/measures/M8/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def section(text: str, start: str, end: str) -> str:
    begin = text.index(start)
    if start.startswith("id="):  # from the element's content, not its attributes
        begin = text.index(">", begin) + 1
    return text[begin : text.index(end, begin)]


def test_the_headline_carries_the_hand_worked_figure(reader: Client, county) -> None:
    # Wilson 7/40: 8.745% to 31.950% (PHE's check gives 8.7–32.0; 31.9497 rounds to 31.9).
    headline = words(section(page_text(reader), 'id="headline"', "About this measure"))
    assert headline.startswith(
        "17.5% Amber Numerator 7 Denominator 40 95% confidence interval 8.7% to 31.9% "
        "Target 20.0% Short term (against the previous period) Worsening "
        "Long term (against a year earlier) No significant change "
        "Variation Too few points for SPC"
    )


def test_the_page_says_what_the_measure_is(reader: Client, county) -> None:
    about = words(section(page_text(reader), "About this measure", "Monthly SPC chart"))
    assert "Priority Empowering Young People" in about
    assert "Direction Increase: higher is better" in about
    assert "Unit percent" in about
    assert "Parameters None" in about
    # The calculation is the engine's own definition, so page and code cannot drift apart.
    assert (
        "How it is calculated Flow percentage, direction increase. Denominator = case audits"
        in about
    )


def test_the_effective_parameters_are_listed(reader: Client, county) -> None:
    about = words(section(page_text(reader, "/measures/M5/"), "About this measure", "Monthly"))
    assert "Parameters lookback_months = 12" in about


@pytest.mark.parametrize(
    "key",
    [
        "M8",
        "m8",  # ids are read case-insensitively
        "lived-experience",  # the slug names the same measure
    ],
)
def test_a_measure_is_found_by_id_or_slug(reader: Client, county, key: str) -> None:
    assert "17.5%" in page_text(reader, f"/measures/{key}/")


@pytest.mark.parametrize("url", ["/measures/M13/", "/measures/M8/?period=2016-17"])
def test_an_unknown_measure_or_a_period_without_figures_is_not_found(
    reader: Client, county, url: str
) -> None:
    assert reader.get(url).status_code == 404


def test_the_spc_chart_has_a_table_with_each_months_value(reader: Client, county) -> None:
    text = page_text(reader)
    table = section(text, 'id="spc-table"', "</table>")
    rows = [words(r) for r in table.split('<tr class="govuk-table__row">')[2:]]
    # Nine months have audits (July to December 2017 have none, so no value and no point):
    # 3/14, 3/13, 2/13; 10/14, 10/13, 10/13; 3/14, 2/13, 2/13; their mean is 37.48%.
    # Nine points make a run chart: the mean, no limits.
    assert len(rows) == 9
    assert rows[-3:] == [
        "April 2018 21.4% 37.5% – Common cause",
        "May 2018 15.4% 37.5% – Common cause",
        "June 2018 15.4% 37.5% – Common cause",
    ]
    assert "<svg xmlns" in section(text, 'id="spc-heading"', "</figure>")


def test_the_values_by_period_are_a_table_latest_first(reader: Client, county) -> None:
    table = section(page_text(reader), "Values by period, latest first", "</table>")
    rows = [words(r) for r in table.split('<tr class="govuk-table__row">')[2:]]
    assert rows == [
        "2018-19 Q1 17.5% 7 40 8.7% to 31.9% Amber Worsening No significant change",
        "2017-18 Q4 75.0% 30 40 59.8% to 85.8% Green Not available Not available",
        "2017-18 Q3 ok 0 0 – Not rated Not available Not available",
        "2017-18 Q2 ok 0 0 – Not rated Not available Not available",
        "2017-18 Q1 20.0% 8 40 10.5% to 34.8% Red Not available Not available",
    ]


def test_the_breakdowns_show_locality_and_agency(reader: Client, county) -> None:
    text = page_text(reader)
    breakdowns = words(section(text, "Breakdowns for 2018-19 Q1", "Benchmarks"))
    # The audits name no locality: they fall under Unknown; all were by Police.
    assert "Unknown 17.5% 7 40 8.7% to 31.9% Amber" in breakdowns
    assert "Police 17.5% 7 40 8.7% to 31.9%" in breakdowns


def test_benchmarks_are_compared_with_the_areas_interval(
    reader: Client, county, tmp_path: Path
) -> None:
    bench = tmp_path / "bench.csv"
    bench.write_text("measure,period,comparator,value\nM8,2018-19 Q1,England,35\n")
    assert benchmarks_import(path=bench, by="ana").accepted
    table = words(section(page_text(reader), 'id="benchmarks"', "</table>"))
    # 35% lies above the area's 8.7%–32.0%: for an increase measure the area is worse.
    assert table.endswith("England 35.0% – Worse")


def test_commentary_for_the_period_is_shown_latest_first(reader: Client, county) -> None:
    commentary_save(measure="M8", period="2018-19 Q1", what_the_data_says="Fell.", author="ana")
    commentary_save(measure="M8", period="2018-19 Q1", what_the_data_says="Fell sharply.",
                    why="Fewer audits.", author="bea")  # fmt: skip
    text = words(section(page_text(reader), 'id="commentary"', "</main>"))
    assert text.startswith(
        "Commentary for 2018-19 Q1 What the data says Fell sharply. Why Fewer audits. By bea"
    )
    assert "Earlier versions (1)" in text
    assert "ana" in text
    # another period's page has none
    assert "No commentary for 2017-18 Q4 yet." in page_text(
        reader, "/measures/M8/?period=2017-18 Q4"
    )


def test_a_board_member_sees_no_link_to_records_or_to_commentary(reader: Client, county) -> None:
    text = page_text(reader)
    assert "/records/" not in text
    assert 'id="commentary-link"' not in text


def test_an_analyst_sees_links_to_the_records_and_to_add_commentary(
    analyst: Client, county
) -> None:
    text = page_text(analyst)
    assert 'href="/measures/M8/records/?period=2018-19%20Q1"' in text
    assert re.search(r'id="commentary-link"[^>]*>Add commentary<', text)
    assert "breakdown=locality&amp;group=Unknown" in analyst.get("/measures/M8/").content.decode()


def test_a_measure_page_without_any_figures_says_so(reader: Client) -> None:
    assert "No figures yet" in page_text(reader, "/measures/M3/")


def test_a_measure_the_active_plan_leaves_out_still_has_its_page(reader: Client, county) -> None:
    from safeplan.plans.services import plan_load
    from tests.web.test_measure_list import EXAMPLE

    plan_load(path=EXAMPLE)  # M1 is not on this plan
    about = words(section(page_text(reader, "/measures/M1/"), "About this measure", "Monthly"))
    assert about.startswith(
        "About this measure Measure M1: Referrals where CSE is identified as medium or high risk"
    )
    assert "Priority" not in about
    assert "Parameters risk_levels = medium, high" in about


def test_the_plans_own_wording_and_parameters_are_shown(reader: Client, county) -> None:
    from safeplan.plans.services import plan_load
    from tests.web.test_measure_list import EXAMPLE

    plan_load(path=EXAMPLE)
    text = page_text(reader, "/measures/M3/")
    assert "More return interviews held within 48 hours</h1>" in text
    about = words(section(text, "About this measure", "Monthly"))
    assert "Priority Missing children" in about
    assert "Definition Return interviews completed within 48 hours of the child's return" in about
    assert "timescale_hours = 48" in about


def test_the_measure_page_is_read_in_a_bounded_number_of_queries(
    reader: Client, county, django_assert_max_num_queries
) -> None:
    # The scorecard once per period shown (five here) and per breakdown (two), a handful each.
    with django_assert_max_num_queries(120):
        reader.get("/measures/M8/")

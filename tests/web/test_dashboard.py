"""The plan on a page at ``/``: the seed plan's words, and the hand-worked figures of the county."""

from __future__ import annotations

import html
import itertools
import re

import pytest
from django.test import Client

from safeplan.plans.services import plan_load, plan_load_default
from tests.plans.test_default_plan import SEED, read_seed
from tests.web.test_measure_list import EXAMPLE

pytestmark = pytest.mark.django_db


def page_text(client: Client, url: str = "/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def tile(text: str, measure: str) -> str:
    """The HTML of one measure's tile."""
    start = text.index(">", text.index(f'id="measure-{measure}"')) + 1
    return text[start : text.index("</li>\n", text.index("safeplan-sparkline", start))]


def words(fragment: str) -> str:
    """The visible words of an HTML fragment, whitespace collapsed, SVG left out."""
    fragment = re.sub(r"<svg.*?</svg>", " ", fragment, flags=re.DOTALL)
    fragment = re.sub(r'<span class="safeplan-badge__symbol"[^>]*>.*?</span>', " ", fragment)
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def test_the_page_shows_the_latest_quarter_with_figures_by_default(reader: Client, county) -> None:
    text = page_text(reader)
    assert "Figures for 2018-19 Q1 (April to June 2018)" in words(text)
    assert '<option value="2018-19 Q1" selected>' in text


def test_the_measure_tile_shows_the_hand_worked_figures(reader: Client, county) -> None:
    m8 = words(tile(page_text(reader), "M8"))
    assert m8 == (
        "Increase the evidence of the child's lived experience within case recording "
        "17.5% Amber "
        "Short term Worsening Long term No significant change "
        "Variation Too few points for SPC Target 20.0%"
    )


def test_a_measure_without_data_says_so_and_is_not_rated(reader: Client, county) -> None:
    assert words(tile(page_text(reader), "M5")).startswith(
        "Reduction in the number of repeat referrals following a single assessment "
        "No data count Not rated Short term Not available"
    )


def test_a_track_measure_reads_as_context_not_a_rating(reader: Client, county) -> None:
    assert "count Context" in words(tile(page_text(reader), "M1"))


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # the quarter before: the target then was 30 (amber from 25): 75% is green
        ("2017-18 Q4", "75.0% Green Short term Not available"),
        # any accepted spelling of a label: 20% against 30 (amber from 25) is red
        ("2017/18 q1", "20.0% Red"),
        # a financial year: 38 of 80 audits
        ("2017-18", "47.5%"),
        # covered but no audits: a percentage of nothing has no value
        ("2017-18 Q2", "No data per cent Not rated"),
    ],
)
def test_choosing_a_period_changes_every_figure(
    reader: Client, county, period: str, expected: str
) -> None:
    text = page_text(reader, f"/?period={period}")
    assert expected in words(tile(text, "M8"))
    assert "17.5%" not in words(tile(text, "M8"))


def test_the_period_selector_offers_quarters_and_years_with_figures_latest_first(
    reader: Client, county
) -> None:
    text = page_text(reader)
    options = re.findall(r'<option value="([^"]+)"', text)
    assert options == [
        "2018-19 Q1",
        "2017-18 Q4",
        "2017-18",
        "2017-18 Q3",
        "2017-18 Q2",
        "2017-18 Q1",
    ]


@pytest.mark.parametrize(
    "period",
    [
        "2016-17 Q4",  # a quarter before any data
        "2018-19",  # a year not wholly covered: no data
        "next quarter",  # not a period at all
    ],
)
def test_a_period_without_figures_is_not_found(reader: Client, county, period: str) -> None:
    assert reader.get("/", {"period": period}).status_code == 404


def test_the_sparkline_describes_the_last_twelve_months(reader: Client, county) -> None:
    m8 = tile(page_text(reader), "M8")
    assert 'role="img"' in m8
    # April 3/14, May 2/13, June 2/13; January to March 2018 are 10/14, 10/13, 10/13.
    assert "M8, last 12 months: 12 periods, latest 15.4%; lowest 15.4%, highest 76.9%." in m8


def test_the_page_shows_the_default_plans_words(reader: Client) -> None:
    plan_load_default()
    text = page_text(reader)
    for phrase in (
        "LSCB Priorities Plan on a Page 2017-2020",
        "Every child and young person in County Durham feels safe and grows up safe from harm",
        "What are our priorities? (Objectives)",
        "What are we trying to achieve? (Key Measures)",
        "What are we going to do? (Planned Interventions)",
        "<strong>Improve Information Sharing</strong> – Understanding the barriers to local information sharing and mitigate issues",
        "The voice and experience of the Practitioner is heard and barriers removed to assist with practice",
        "No figures yet",
    ):
        assert phrase in text


def test_the_measures_sit_under_their_priorities_in_the_order_of_the_plan(reader: Client) -> None:
    plan_load_default()
    text = page_text(reader)
    positions = [text.index(f'id="measure-M{n}"') for n in range(1, 13)]
    assert positions == sorted(positions)
    priorities = [text.index(f'id="priority-{n}"') for n in range(1, 5)]
    # three measures after each priority's heading, before the next one's
    for n, start in enumerate(priorities):
        end = priorities[n + 1] if n < 3 else len(text)
        assert all(start < positions[3 * n + k] < end for k in range(3))


def test_another_plan_replaces_the_default_once_loaded(reader: Client) -> None:
    plan_load_default()
    plan_load(path=EXAMPLE)
    text = page_text(reader)
    assert "Example Partnership Plan 2021-2023" in text
    assert "LSCB Priorities Plan on a Page" not in text
    assert "Cross-cutting themes" not in text  # this plan has none


def test_without_a_plan_the_page_says_how_to_load_one(reader: Client) -> None:
    assert "safeplan init --plan FILE" in page_text(reader)


def test_the_page_is_read_in_a_bounded_number_of_queries(
    reader: Client, county, django_assert_max_num_queries
) -> None:
    # session and user (2), roles (1), periods (1), plan (5), scorecard (~10), months (1)
    with django_assert_max_num_queries(26):  # 2 for whether the figures are up to date
        reader.get("/")


@pytest.mark.skipif(not SEED.exists(), reason=f"seed document absent: {SEED}")
def test_the_page_carries_every_text_of_the_seed_page(reader: Client) -> None:
    plan_load_default()
    text = page_text(reader)
    seed = read_seed(SEED.read_text(encoding="utf-8"))
    texts = [seed.title, seed.vision, *seed.headings]
    texts += [t for pair in seed.priorities + seed.themes for t in pair]
    texts += [m for group in seed.measures for m in group]
    texts += [f"<strong>{n}</strong> – {d}" for group in seed.interventions for n, d in group]
    assert [t for t in texts if t not in text] == []


@pytest.mark.parametrize("url", ["/", "/measures/", "/measures/M8/"])
def test_headings_never_skip_a_level(reader: Client, county, url: str) -> None:
    levels = [int(n) for n in re.findall(r"<h([1-6])\b", page_text(reader, url))]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))


def test_each_intervention_shows_its_action_progress_and_each_theme_its_tagged_actions(
    reader: Client, county
) -> None:
    from datetime import date

    from safeplan.actions.services import ActionInput, action_create

    overdue = ActionInput(
        intervention_key="prevent-cse", title="Train taxi drivers", owner="CSE subgroup",
        start_date=date(2018, 1, 1), due_date=date(2018, 12, 31), percent_complete=40,
        status="in progress", themes=("practitioners",),
    )  # fmt: skip
    done = ActionInput(
        intervention_key="prevent-cse", title="Publish the CSE strategy", owner="Board manager",
        start_date=date(2018, 1, 1), due_date=date(2018, 6, 30), percent_complete=100,
        status="complete", themes=("practitioners", "knowledge-management"),
    )  # fmt: skip
    action_create(data=overdue, by="test")
    action_create(data=done, by="test")
    text = words(page_text(reader))
    # Action RAG is as at today on live pages: past its due date and not complete → red.
    # words() puts a space where a tag ends, hence "actions :"
    assert (
        "Prevent CSE – Making it more difficult to exploit children and young people 2 actions : 1 in progress, 1 complete; RAG 1 red, 1 complete"
        in text
    )
    assert (
        "Protect children and young people from CSE – Identifying and safeguarding those at risk No actions yet"
        in text
    )
    assert (
        "Practitioners The voice and experience of the Practitioner is heard and barriers removed to assist with practice 2 tagged actions for Practitioners"
        in text
    )
    assert (
        "Practice Standards Identify and promote key guidance and toolkits while continuing to upskill practitioners No tagged actions yet for Practice Standards"
        in text
    )
    assert "Overdue and at risk: 1 action" in text

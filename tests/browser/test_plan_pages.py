"""The plan on a page and the measure pages in Chromium, against gunicorn over the hand-made county.

The county (``tests/web/county.py``) is built once for the module in its own
database and served by ``safeplan serve``; its figures are worked by hand there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from safeplan.accounts.roles import Role
from safeplan.web.liveserver import live_site
from tests.browser.conftest import axe_check, sign_in
from tests.web.county import username

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with live_site("tests.web.county:county_live", mode="test") as served:
        yield served.url


def signed_in(page: Page, site: str, role: Role) -> Page:
    sign_in(page, site, username(role))
    return page


def tile_text(page: Page, measure: str) -> str:
    return " ".join(page.locator(f"#measure-{measure}").inner_text().split())


@pytest.mark.parametrize("role", list(Role))
def test_every_persona_signs_in_to_the_plan_with_its_figures(
    page: Page, site: str, role: Role
) -> None:
    signed_in(page, site, role)
    assert page.url == f"{site}/"
    assert (
        page.locator("#period-shown").inner_text() == "Figures for 2018-19 Q1 (April to June 2018)"
    )
    assert tile_text(page, "M8") == (
        "Increase the evidence of the child's lived experience within case recording "
        "17.5% Amber "
        "Short term ↘ Worsening Long term → No significant change "
        "Variation – Too few points for SPC Target 20.0%"
    )
    assert "No data count Not rated" in tile_text(page, "M5")
    assert "count Context" in tile_text(page, "M1")
    axe_check(page)


def test_the_period_selector_changes_every_figure(page: Page, site: str) -> None:
    signed_in(page, site, Role.BOARD_MEMBER)
    page.get_by_label("Period", exact=True).select_option("2017-18 Q4")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_load_state()
    assert page.url == f"{site}/?period=2017-18+Q4"
    assert "75.0% Green" in tile_text(page, "M8")
    assert page.get_by_label("Period", exact=True).input_value() == "2017-18 Q4"
    # the measure links carry the period on
    page.locator("#measure-M8 a").click()
    assert page.locator("[data-measure-value=M8]").inner_text() == "75.0%"


def test_the_period_selector_works_without_javascript(no_js_page: Page, site: str) -> None:
    signed_in(no_js_page, site, Role.BOARD_MEMBER)
    no_js_page.get_by_label("Period", exact=True).select_option("2017-18")
    no_js_page.get_by_role("button", name="Show figures").click()
    no_js_page.wait_for_load_state()
    assert "47.5%" in tile_text(no_js_page, "M8")


def test_the_plan_prints_on_one_a4_landscape_page(page: Page, site: str) -> None:
    signed_in(page, site, Role.BOARD_MEMBER)
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1
    # A4 landscape is 842 × 595 points (Chromium rounds to whole CSS pixels: 842.88 × 595.92).
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert box is not None
    assert (round(float(box[1])), round(float(box[2]))) == (843, 596)


def test_every_measure_on_the_plan_opens_its_page(page: Page, site: str) -> None:
    signed_in(page, site, Role.BOARD_MEMBER)
    links = page.locator(".safeplan-measure__title a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) == 12
    for href in hrefs:
        response = page.goto(f"{site}{href}")
        assert response is not None
        assert response.status == 200
        assert page.locator("h1").inner_text()
    page.goto(f"{site}/measures/M8/")
    assert page.locator("[data-measure-value=M8]").inner_text() == "17.5%"
    assert page.locator("#spc-heading").is_visible()
    assert page.get_by_text("See the records behind this figure").count() == 0
    axe_check(page)


def test_a_board_member_gets_403_on_the_records(page: Page, site: str) -> None:
    signed_in(page, site, Role.BOARD_MEMBER)
    response = page.goto(f"{site}/measures/M8/records/?period=2018-19+Q1")
    assert response is not None
    assert response.status == 403
    axe_check(page)


def test_an_unauthenticated_visitor_is_sent_to_sign_in(page: Page, site: str) -> None:
    page.goto(f"{site}/measures/M8/")
    assert page.url == f"{site}/account/sign-in/?next=/measures/M8/"


def test_an_analyst_reads_the_records_and_writes_commentary(page: Page, site: str) -> None:
    signed_in(page, site, Role.ANALYST)
    page.goto(f"{site}/measures/")
    assert "17.5%" in page.locator("#row-M8").inner_text()
    axe_check(page)
    page.goto(f"{site}/measures/M8/")
    page.get_by_text("See the records behind this figure").click()
    assert "Numerator: Case audits (7 records)" in page.locator("main").inner_text()
    axe_check(page)
    page.goto(f"{site}/measures/M8/")
    page.get_by_role("link", name="Add commentary").click()
    page.get_by_role("button", name="Save commentary").click()
    assert page.locator(".govuk-error-summary").is_visible()
    axe_check(page)
    page.get_by_label("What the data says").fill("Fewer audits were graded good.")
    page.get_by_role("button", name="Save commentary").click()
    page.wait_for_load_state()
    assert page.url == f"{site}/measures/M8/?period=2018-19+Q1"
    assert (
        "Fewer audits were graded good."
        in page.locator("#commentary ~ .safeplan-commentary").inner_text()
    )
    axe_check(page)

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from safeplan.accounts.roles import Role
from safeplan.accounts.services import user_create
from tests.browser.conftest import PASSWORD, axe_check, sign_in

pytestmark = pytest.mark.browser


def test_the_sign_in_page_passes_axe(page: Page, live_server: object) -> None:
    page.goto(f"{live_server}/account/sign-in/")
    assert page.title() == "Sign in – safeplan"
    axe_check(page)


def test_the_accessibility_statement_passes_axe(page: Page, live_server: object) -> None:
    page.goto(f"{live_server}/accessibility")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Accessibility statement for safeplan"
    )
    axe_check(page)


def test_an_anonymous_visitor_to_the_plan_is_sent_to_sign_in(
    page: Page, live_server: object
) -> None:
    page.goto(f"{live_server}/")
    assert page.url == f"{live_server}/account/sign-in/?next=/"


@pytest.mark.parametrize("role", list(Role))
def test_every_role_signs_in_and_lands_on_the_plan(
    signed_in_page: Callable[[Role], Page], live_server: object, role: Role
) -> None:
    page = signed_in_page(role)
    assert page.url == f"{live_server}/"
    assert page.get_by_role("button", name="Sign out").is_visible()
    axe_check(page)


def test_a_wrong_password_shows_the_govuk_error_summary(
    page: Page, live_server: object, transactional_db: None
) -> None:
    sign_in(page, str(live_server), "nobody", "not-the-password")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter a correct username and password" in summary.inner_text()
    assert page.title().startswith("Error: ")
    axe_check(page)


def test_an_error_link_moves_focus_to_its_field(page: Page, live_server: object) -> None:
    page.goto(f"{live_server}/account/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Enter your password").click()
    assert page.evaluate("document.activeElement.id") == "id_password"


def test_the_account_page_passes_axe(
    signed_in_page: Callable[[Role], Page], live_server: object
) -> None:
    page = signed_in_page(Role.AGENCY_SUBMITTER)
    page.goto(f"{live_server}/account/")
    assert "Durham Constabulary" in page.inner_text("main")
    axe_check(page)


def test_signing_out_returns_to_sign_in(
    signed_in_page: Callable[[Role], Page], live_server: object
) -> None:
    page = signed_in_page(Role.BOARD_MEMBER)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server}/account/sign-in/"
    page.goto(f"{live_server}/account/")
    assert page.url.startswith(f"{live_server}/account/sign-in/")


def test_signing_in_works_without_javascript(
    no_js_page: Page, live_server: object, transactional_db: None
) -> None:
    user_create(username="no-js", role=Role.ANALYST, password=PASSWORD)
    sign_in(no_js_page, str(live_server), "no-js")
    assert no_js_page.url == f"{live_server}/"


def test_the_not_found_page_passes_axe(page: Page, live_server: object) -> None:
    response = page.goto(f"{live_server}/no-such-page")
    assert response is not None
    assert response.status == 404
    axe_check(page)


def test_no_font_or_asset_request_fails(page: Page, live_server: object) -> None:
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(f"{live_server}/account/sign-in/")
    page.wait_for_load_state("networkidle")
    assert failed == []

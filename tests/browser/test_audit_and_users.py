"""The audit page and the users pages in Chromium: usable by keyboard-free forms, no JS needed, axe-clean."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from safeplan.accounts.roles import Role
from safeplan.audit.services import audit_record
from tests.browser.conftest import axe_check

pytestmark = pytest.mark.browser


def test_an_administrator_adds_a_user_and_finds_it_in_the_audit_trail(
    signed_in_page: Callable[[Role], Page], live_server: object
) -> None:
    page = signed_in_page(Role.ADMINISTRATOR)
    page.goto(f"{live_server}/account/users/")
    axe_check(page)
    page.get_by_role("link", name="Add a user").click()
    page.get_by_role("button", name="Add user").click()  # nothing filled in
    assert page.title().startswith("Error: Add a user")
    axe_check(page)  # the error summary and the fields in error
    page.get_by_label("Username").fill("pc.smith")
    page.get_by_label("Agency submitter").check()
    page.get_by_label("Agency", exact=True).select_option("Police")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Add user").click()
    assert (
        page.locator(".govuk-notification-banner")
        .inner_text()
        .endswith("Added pc.smith as agency submitter")
    )
    page.get_by_role("link", name="Change role of pc.smith").click()
    axe_check(page)
    page.goto(f"{live_server}/audit/?action=user.")
    assert page.get_by_role("cell", name="added pc.smith as agency submitter (Police)").is_visible()
    axe_check(page)


def test_the_audit_page_filters_and_pages_without_javascript(
    no_js_page: Page, live_server: object, transactional_db: None
) -> None:
    from safeplan.accounts.services import user_create
    from tests.browser.conftest import PASSWORD, sign_in

    user_create(username="boss", role=Role.ADMINISTRATOR, password=PASSWORD)
    for n in range(60):
        audit_record(actor="ana", action="compute.run", summary=f"run {n:02d}", after={"n": n})
    audit_record(actor="bob", action="records.view", summary="bob looked at M3")
    page = no_js_page
    sign_in(page, str(live_server), "boss")
    page.goto(f"{live_server}/audit/")
    page.get_by_label("Action").select_option("records.view")
    page.get_by_role("button", name="Filter").click()
    assert "action=records.view" in page.url
    assert page.get_by_text("bob looked at M3").is_visible()
    assert not page.get_by_text("run 59").count()
    page.goto(f"{live_server}/audit/?action=compute.run")
    page.get_by_role("link", name="Next page").click()
    assert page.get_by_text("run 00").is_visible()
    assert page.locator("details summary").first.is_visible()  # the details open without JS

"""Two journeys in Chromium: an agency submits a file (rejected, then accepted); an analyst
records progress on an action and sees its RAG change."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.utils import timezone
from playwright.sync_api import Page

from safeplan.accounts.roles import Role
from safeplan.accounts.services import user_create
from safeplan.actions.services import ActionInput, action_create
from safeplan.jobs.worker import worker_run
from safeplan.plans.services import plan_load_default
from tests.browser.conftest import PASSWORD, axe_check, sign_in
from tests.imports.conftest import GOOD_ROWS

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def uploads(settings: LazySettings, tmp_path: Path) -> None:
    settings.UPLOAD_DIR = tmp_path / "uploads"


def _episodes(path: Path, **changes: str) -> Path:
    row = {**GOOD_ROWS["missing_episodes"], **changes}
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    return path


def _upload(page: Page, base: str, path: Path) -> None:
    page.goto(f"{base}/data/")
    page.get_by_label("Dataset").select_option("missing_episodes")
    page.get_by_label("Upload a file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_load_state()


def test_an_agency_submits_a_file_with_errors_then_a_good_one(
    signed_in_page: Callable[[Role], Page], live_server: object, tmp_path: Path
) -> None:
    page = signed_in_page(Role.AGENCY_SUBMITTER)
    base = str(live_server)
    page.goto(f"{base}/data/")
    axe_check(page)

    _upload(page, base, _episodes(tmp_path / "bad.csv", missing_start="not a time"))
    assert page.get_by_role("heading", level=1).inner_text() == "The file was not imported"
    report = page.get_by_role("table")
    assert "missing_start" in report.inner_text()
    assert "not a time" in report.inner_text()
    assert page.get_by_role("link", name="Download the report as CSV").is_visible()
    axe_check(page)

    _upload(page, base, _episodes(tmp_path / "good.csv"))
    assert page.get_by_role("heading", level=1).inner_text() == "The file was imported"
    assert "1 record accepted" in page.locator(".govuk-panel").inner_text()
    axe_check(page)


def test_an_analyst_adds_progress_and_the_actions_rag_changes(
    signed_in_page: Callable[[Role], Page], live_server: object
) -> None:
    plan_load_default()
    today = timezone.localdate()
    action = action_create(
        data=ActionInput(
            intervention_key="prevent-cse",
            title="Train venue staff",
            owner="Lead",
            start_date=today - timedelta(days=10),
            due_date=today + timedelta(days=10),
            percent_complete=10,
            status="in progress",
        ),
        by=None,
    )
    page = signed_in_page(Role.ANALYST)
    base = str(live_server)
    page.goto(f"{base}/interventions/prevent-cse/")
    assert "Red" in page.get_by_role("table").inner_text()
    axe_check(page)

    page.get_by_role("link", name="Train venue staff").click()
    page.get_by_role("button", name="Add a progress update").click()
    page.get_by_label("% complete").fill("200")
    page.get_by_role("button", name="Save the update").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter % complete as a whole number from 0 to 100" in summary.inner_text()
    axe_check(page)

    page.get_by_label("% complete").fill("50")
    page.get_by_role("button", name="Save the update").click()
    assert page.url == f"{base}/actions/{action.pk}/"
    assert page.locator(".safeplan-rag").first.inner_text() == "Green"
    axe_check(page)


def test_a_large_file_is_followed_without_javascript_until_its_batch_is_shown(
    no_js_page: Page, live_server: object, tmp_path: Path, settings: LazySettings
) -> None:
    settings.BACKGROUND_IMPORT_BYTES = 10  # every file is "large"
    user_create(username="police-no-js", role=Role.AGENCY_SUBMITTER, password=PASSWORD,
                agency="Durham Constabulary")  # fmt: skip
    base = str(live_server)
    sign_in(no_js_page, base, "police-no-js")
    _upload(no_js_page, base, _episodes(tmp_path / "big.csv"))
    assert no_js_page.get_by_role("heading", level=1).inner_text() == "Importing big.csv"
    assert no_js_page.locator("#job-status").inner_text() == "Queued"

    worker_run(batch=True)  # as the worker beside the server would
    no_js_page.get_by_role("button", name="Refresh").click()
    no_js_page.wait_for_load_state()
    assert no_js_page.get_by_role("heading", level=1).inner_text() == "The file was imported"


def test_with_javascript_the_progress_page_moves_on_by_itself(
    signed_in_page: Callable[[Role], Page],
    live_server: object,
    tmp_path: Path,
    settings: LazySettings,
) -> None:
    settings.BACKGROUND_IMPORT_BYTES = 10
    page = signed_in_page(Role.AGENCY_SUBMITTER)
    _upload(page, str(live_server), _episodes(tmp_path / "big.csv"))
    assert page.locator("#job-status").inner_text() == "Queued"
    axe_check(page)
    worker_run(batch=True)
    page.wait_for_url(re.compile(r"/data/batches/\d+/$"), timeout=10_000)
    assert page.get_by_role("heading", level=1).inner_text() == "The file was imported"

"""In Chromium: a file over the upload limit gets a page saying so, which leads back to the form."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import LazySettings
from playwright.sync_api import Page

from safeplan.accounts.roles import Role
from tests.browser.conftest import axe_check

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def small_limit(settings: LazySettings, tmp_path: Path) -> None:
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.MAX_UPLOAD_BYTES = 50_000


@pytest.mark.parametrize("size", [60_000, 500_000])  # by its bytes; by its Content-Length
def test_a_file_over_the_limit_is_refused_with_a_page_that_leads_back(
    signed_in_page: Callable[[Role], Page], live_server: object, tmp_path: Path, size: int
) -> None:
    page = signed_in_page(Role.AGENCY_SUBMITTER)
    big = tmp_path / "big.csv"
    big.write_bytes(b"episode_id\n" + b"E1\n" * (size // 3))
    page.goto(f"{live_server}/data/")
    page.get_by_label("Dataset").select_option("missing_episodes")
    page.get_by_label("Upload a file").set_input_files(str(big))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "The file is too large"
    assert "A file can be at most 48.8\xa0KB" in page.locator("main").inner_text()
    axe_check(page)
    page.get_by_role("link", name="Choose another file").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Submit data"

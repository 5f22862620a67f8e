"""Write docs/screenshots/dashboard.png and measure.png from the synthetic county (``make screenshots``).

Builds the county (``SAFEPLAN_SITE_SCALE``, default 1) with its illustrative
targets into a temporary database, serves it with ``safeplan serve`` and has
Chromium (``/usr/bin/chromium``, through Playwright) sign in as a board
member and photograph the plan on a page and one measure's page.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from safeplan.web.liveserver import DEMO_READER, demo_site_prepare, live_site

OUT = Path("docs/screenshots")
CHROMIUM = "/usr/bin/chromium"
PERIOD = "2019-20 Q4"
MEASURE = "M5"


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/account/sign-in/")
    page.get_by_label("Username").fill(DEMO_READER[0])
    page.get_by_label("Password").fill(DEMO_READER[1])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def photograph(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        sign_in(page, base)
        page.goto(f"{base}/?period={PERIOD}")
        page.screenshot(path=str(OUT / "dashboard.png"), full_page=True)
        page.goto(f"{base}/measures/{MEASURE}/?period={PERIOD}")
        # the top of the page: headline, definition and the SPC chart
        page.set_viewport_size({"width": 1100, "height": 1900})
        page.screenshot(path=str(OUT / "measure.png"))
        browser.close()


def main() -> int:
    prepare = f"{demo_site_prepare.__module__}:demo_site_prepare"
    with live_site(prepare, mode="demo") as site:
        photograph(site.url)
    for name in ("dashboard.png", "measure.png"):
        print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

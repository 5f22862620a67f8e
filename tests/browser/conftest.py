"""Browser tests: Playwright drives the system's Chromium against a live server.

Every test here is marked ``browser`` and skipped, with the reason, when
``/usr/bin/chromium`` is absent. Helpers:

- ``page``: a fresh page in a shared headless Chromium;
- ``signed_in_page(role)``: creates a user with that role and signs in through
  the sign-in form, returning the page on the landing URL;
- ``axe_check(page)``: runs the vendored axe-core on the page and fails on any
  serious or critical violation.

Every page a test opens is watched for Content-Security-Policy violations
(the ``securitypolicyviolation`` event, and Chromium's console report of
each, which also covers pages without JavaScript): a test that saw any fails
at teardown, naming the page and what was blocked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from safeplan.accounts.roles import Role
from safeplan.accounts.services import user_create

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PASSWORD = "correct-horse-battery"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
BLOCKING_IMPACTS = ("serious", "critical")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is not installed"))


@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Browser]:
    """Headless Chromium for one module.

    Playwright's sync API keeps an event loop in this thread, beside which
    Django refuses database work unless told that this (test-only) use is safe.
    So the test database is created before the browser starts, and the
    permission lasts exactly as long as the browser: it leaks into no other module.
    """
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


#: Reports each CSP violation on the page to Python (a CDP binding: no policy blocks it).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.safeplanCspViolation(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.documentURI} (${event.sample})`);
});
"""


def _watched(browser: Browser, *, javascript: bool) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    violations: list[str] = []
    page.expose_function("safeplanCspViolation", lambda text: violations.append(str(text)))
    page.add_init_script(CSP_LISTENER)
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from _watched(browser, javascript=True)


@pytest.fixture
def no_js_page(browser: Browser) -> Iterator[Page]:
    """A page with JavaScript switched off: every page must still work."""
    yield from _watched(browser, javascript=False)


def sign_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through the form, as a person would."""
    page.goto(f"{base_url}/account/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.fixture
def signed_in_page(
    page: Page, live_server: object, transactional_db: None
) -> Callable[[Role], Page]:
    def make(role: Role) -> Page:
        agency = "Durham Constabulary" if role is Role.AGENCY_SUBMITTER else None
        username = f"person-{role.slug}"
        user_create(username=username, role=role, password=PASSWORD, agency=agency)
        sign_in(page, str(live_server), username)
        return page

    return make


def axe_violations(page: Page) -> list[dict[str, object]]:
    """axe-core's serious and critical violations on the page as it stands."""
    # Evaluated through the DevTools protocol, as the CSP (no inline script) would block a tag.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]


def axe_check(page: Page) -> None:
    """Fail with a readable list when axe-core finds serious or critical violations."""
    violations = axe_violations(page)
    summary = [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [node["target"] for node in v["nodes"]][:5],  # type: ignore[attr-defined]
        }
        for v in violations
    ]
    assert not violations, f"axe-core on {page.url}:\n{json.dumps(summary, indent=2)}"

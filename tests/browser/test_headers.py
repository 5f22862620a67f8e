"""Every page in Chromium: served with the strict policy, no violation, and accessible (issue 9, item 9).

An administrator (who may open every page) crawls the site from the plan on a
page, following every link to a page of the site; the forms that no link
reaches are added by hand. Each page must carry the exact
Content-Security-Policy, a Permissions-Policy and ``Cache-Control: no-store``;
the ``page`` fixture fails the test on any CSP violation Chromium reports; and
axe-core must find nothing serious. Downloads are fetched with the same
session and checked for the same headers.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page

from safeplan.accounts.roles import Role
from safeplan.web.liveserver import live_site
from tests.browser.conftest import _watched, axe_check, sign_in
from tests.web.county import username

pytestmark = pytest.mark.browser

DOWNLOADS = (".csv", ".xlsx")
#: Pages with forms that no link leads to (or only a button does).
FORMS = ["/actions/new/", "/actions/import/", "/account/users/add/", "/data/"]
MOST_PAGES = 150  # a bound on the crawl; the site has fewer kinds of page


def _kind(url: str) -> tuple[str, tuple[str, ...]]:
    """A page's path and query names: one period or breakdown of a page stands for all."""
    parts = urlsplit(url)
    return parts.path, tuple(sorted(parse_qs(parts.query)))


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with live_site("tests.web.county:county_live_with_actions", mode="test") as served:
        yield served.url


def _policy() -> dict[str, str]:
    """The policy as directive → sources, as settings state it."""
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    return {name: " ".join(sources) for name, sources in directives.items()}


def _parsed(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return dict(parts)


def _headers_checked(url: str, headers: dict[str, str]) -> None:
    assert _parsed(headers.get("content-security-policy", "")) == _policy(), url
    assert "camera=()" in headers.get("permissions-policy", ""), url
    assert "no-store" in headers.get("cache-control", ""), url


def _links(page: Page, site: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    found = []
    for href in hrefs:
        url = urljoin(page.url, href).split("#")[0]
        if urlsplit(url).netloc == urlsplit(site).netloc and "/static/" not in url:
            found.append(url)
    return found


def test_every_page_carries_the_headers_breaks_no_policy_and_passes_axe(
    page: Page, site: str
) -> None:
    sign_in(page, site, username(Role.ADMINISTRATOR))
    queue = [f"{site}/", *(f"{site}{path}" for path in FORMS)]
    seen: dict[tuple[str, tuple[str, ...]], str] = {}
    downloads = 0
    while queue and len(seen) < MOST_PAGES:
        url = queue.pop(0)
        if _kind(url) in seen:
            continue
        seen[_kind(url)] = url
        if urlsplit(url).path.endswith(DOWNLOADS):
            response = page.request.get(url)
            assert response.ok, url
            _headers_checked(url, response.headers)
            downloads += 1
            continue
        response = page.goto(url)
        assert response is not None
        assert response.status == 200, url
        _headers_checked(url, response.headers)
        axe_check(page)
        queue += _links(page, site)
    assert len(seen) < MOST_PAGES, "the crawl did not finish"
    paths = {path for path, _ in seen}
    batch = next(p for p in sorted(paths) if p.startswith("/data/batches/") and p.count("/") == 4)
    problems = page.request.get(f"{site}{batch}problems.csv")  # the problem report download
    assert problems.ok
    _headers_checked(batch, problems.headers)
    # the crawl reached the child-level pages and the downloads, not only the top
    assert any(path.endswith("/records/") for path in paths)
    assert any(path.startswith("/data/batches/") and path.count("/") == 4 for path in paths)
    assert {"/audit/", "/account/users/", "/actions/export.csv"} <= paths
    assert downloads == 2  # the action exports; the problem report is fetched above


def test_the_sign_in_and_not_found_pages_carry_the_policy_too(page: Page, site: str) -> None:
    for path, status in (("/account/sign-in/", 200), ("/accessibility", 200)):
        response = page.goto(f"{site}{path}")
        assert response is not None
        assert response.status == status
        _headers_checked(path, response.headers)
    sign_in(page, site, username(Role.BOARD_MEMBER))
    for path, status in (("/no-such-page/", 404), ("/measures/M8/records/", 403)):
        response = page.goto(f"{site}{path}")
        assert response is not None
        assert response.status == status
        _headers_checked(path, response.headers)


def test_charts_draw_with_their_colours_under_the_policy(page: Page, site: str) -> None:
    # Blocked inline CSS would leave every shape black and every line solid.
    sign_in(page, site, username(Role.BOARD_MEMBER))
    page.goto(f"{site}/measures/M8/?period=2018-19%20Q1")
    chart = page.locator("figure.safeplan-chart svg").first
    drawn = chart.evaluate(
        """svg => ({
          background: getComputedStyle(svg.querySelector('path')).fill,
          text: getComputedStyle(svg.querySelector('text')).fill,
          font: getComputedStyle(svg.querySelector('text')).fontFamily,
          dashed: [...svg.querySelectorAll('path')]
            .some(p => getComputedStyle(p).strokeDasharray !== 'none'),
        })"""
    )
    assert drawn["background"] == "rgb(255, 255, 255)"
    assert drawn["text"] == "rgb(11, 12, 12)"  # GOV.UK black, not the default
    assert drawn["font"].startswith('"DejaVu Sans"')
    assert drawn["dashed"]


def test_the_watch_fails_a_test_when_a_page_breaks_the_policy(browser: Browser, site: str) -> None:
    watched = _watched(browser, javascript=True)
    page = next(watched)
    page.goto(f"{site}/account/sign-in/")
    page.evaluate("document.body.setAttribute('style', 'color: red')")  # an inline style
    page.wait_for_timeout(200)
    with pytest.raises(AssertionError, match="style-src"):
        next(watched)

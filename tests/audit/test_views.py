"""The audit page: administrators only; filters by GET; paginated; works without JavaScript."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from safeplan.audit.services import audit_record
from tests.audit.conftest import PERSONAS

pytestmark = pytest.mark.django_db

URL = "/audit/"


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/?next=/audit/")


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_only_administrators_may_read_the_trail(
    client: Client, personas: dict[str, User], persona: str
) -> None:
    client.force_login(personas[persona])
    response = client.get(URL)
    assert response.status_code == (200 if persona == "administrator" else 403)
    if response.status_code == 403:
        assert "You cannot see this page" in response.content.decode()


@pytest.fixture
def admin_client(client: Client, personas: dict[str, User]) -> Client:
    client.force_login(personas["administrator"])
    return client


def test_the_trail_is_a_table_newest_first_with_before_and_after(admin_client: Client) -> None:
    audit_record(actor="ana", action="target.create", object_type="target", object_id=7,
                 summary="M3 target 75", after={"value": 75})  # fmt: skip
    audit_record(actor="bob", action="target.update", object_type="target", object_id=7,
                 summary="M3 target 80", before={"value": 75}, after={"value": 80})  # fmt: skip
    html = admin_client.get(URL).content.decode()
    assert "<title>Audit trail – safeplan</title>" in html
    assert html.index("M3 target 80") < html.index("M3 target 75")
    assert '<details class="govuk-details' in html  # opens without JavaScript
    assert "&quot;value&quot;: 80" in html


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("action=target.", ["ana did it"], ["bob viewed"]),  # a prefix from the select
        ("action=records.view", ["bob viewed"], ["ana did it"]),
        ("actor=BOB", ["bob viewed"], ["ana did it"]),  # usernames in any case
        ("object_type=measure", ["bob viewed"], ["ana did it"]),
        ("since=2000-01-01&until=2000-01-31", [], ["ana did it", "bob viewed"]),  # long ago
    ],
)
def test_the_trail_is_filtered_by_the_query_string(
    admin_client: Client, query: str, shown: list[str], hidden: list[str]
) -> None:
    audit_record(actor="ana", action="target.create", object_type="target", summary="ana did it")
    audit_record(actor="bob", action="records.view", object_type="measure", summary="bob viewed")
    html = admin_client.get(f"{URL}?{query}").content.decode()
    assert all(text in html for text in shown)
    assert not any(text in html for text in hidden)
    if not shown:
        assert "No events match these filters." in html


def test_a_bad_date_is_reported_in_the_error_summary_and_nothing_is_filtered(
    admin_client: Client,
) -> None:
    audit_record(actor="ana", action="target.create", summary="ana did it")
    html = admin_client.get(f"{URL}?since=31/02/2026").content.decode()
    assert "There is a problem" in html
    assert "From must be a real date, like 2026-04-01" in html
    assert "<title>Error: Audit trail – safeplan</title>" in html


def test_the_trail_is_paginated_with_the_filters_kept(admin_client: Client) -> None:
    for n in range(55):
        audit_record(actor="ana", action="compute.run", summary=f"run {n:02d}")
    first = admin_client.get(f"{URL}?action=compute.run").content.decode()
    assert "Page 1 of 2" in first
    assert "run 54" in first
    assert "run 04" not in first
    assert 'href="?action=compute.run&amp;page=2"' in first
    second = admin_client.get(f"{URL}?action=compute.run&page=2").content.decode()
    assert "run 04" in second
    assert "run 05" not in second


def test_the_account_page_links_administrators_to_the_trail_and_users(
    client: Client, personas: dict[str, User]
) -> None:
    client.force_login(personas["administrator"])
    html = client.get("/account/").content.decode()
    assert 'href="/audit/"' in html
    assert 'href="/account/users/"' in html
    client.force_login(personas["analyst"])
    html = client.get("/account/").content.decode()
    assert 'href="/audit/"' not in html
    assert 'href="/account/users/"' not in html

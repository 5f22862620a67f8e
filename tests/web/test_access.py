"""Who may see which page: every view for every persona, and for an outsider."""

from __future__ import annotations

import pytest
from django.test import Client

from safeplan.accounts.roles import Role
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db

#: Aggregates: every role. Child-level records and commentary: analysts and administrators.
PAGES = {
    "/": set(Role),
    "/measures/": set(Role),
    "/measures/M8/": set(Role),
    "/measures/M8/?period=2017-18 Q4": set(Role),
    "/measures/M8/records/?period=2018-19 Q1": {Role.ANALYST, Role.ADMINISTRATOR},
    "/measures/M8/records/?period=2018-19 Q1&breakdown=locality&group=Unknown": {
        Role.ANALYST,
        Role.ADMINISTRATOR,
    },
    "/measures/M8/commentary/?period=2018-19 Q1": {Role.ANALYST, Role.ADMINISTRATOR},
}


@pytest.mark.parametrize("url", list(PAGES))
@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_exactly_the_pages_it_may(
    client: Client, county, url: str, role: Role
) -> None:
    response = signed_in(client, role).get(url)
    assert response.status_code == (200 if role in PAGES[url] else 403)


@pytest.mark.parametrize("url", list(PAGES))
def test_an_outsider_is_sent_to_sign_in(client: Client, county, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/?next=")


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/measures/M99/records/", 404),  # an unknown measure is not found, whoever asks
        ("/measures/M8/records/?breakdown=colour", 404),  # a breakdown the measure lacks
        ("/measures/M8/records/?period=2016-17 Q1", 404),  # a period without figures
        ("/measures/M99/commentary/", 404),
    ],
)
def test_an_analyst_asking_for_what_does_not_exist_is_told_so(
    analyst: Client, county, url: str, status: int
) -> None:
    assert analyst.get(url).status_code == status


def test_a_board_member_is_refused_records_even_for_an_unknown_group(
    reader: Client, county
) -> None:
    response = reader.get("/measures/M8/records/", {"breakdown": "locality", "group": "Nowhere"})
    assert response.status_code == 403
    assert "You cannot see this page" in response.content.decode()

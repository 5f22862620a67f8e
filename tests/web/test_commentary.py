"""Analysts add and edit a measure's commentary for a period through a GOV.UK form."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from safeplan.scorecard.models import Commentary
from safeplan.scorecard.services import commentary_save

pytestmark = pytest.mark.django_db
URL = "/measures/M8/commentary/?period=2018-19 Q1"


def test_an_analyst_adds_commentary_and_returns_to_the_measure(analyst: Client, county) -> None:
    response = analyst.post(URL, {"what_the_data_says": "  Fell.  ", "why": "Fewer good audits."})
    assert response.status_code == 302
    assert response["Location"] == "/measures/M8/?period=2018-19+Q1"
    saved = Commentary.objects.get()
    assert (saved.measure, saved.period, saved.author) == ("M8", "2018-19 Q1", "web-analyst")
    assert (saved.what_the_data_says, saved.why, saved.what_is_being_done) == (
        "Fell.",
        "Fewer good audits.",
        "",
    )
    page = html.unescape(analyst.get(response["Location"]).content.decode())
    assert "Commentary saved for M8, 2018-19 Q1" in page
    assert "Fewer good audits." in page


def test_editing_starts_from_the_current_commentary_and_keeps_the_earlier(
    analyst: Client, county
) -> None:
    commentary_save(measure="M8", period="2018-19 Q1", what_the_data_says="First.", author="ana")
    form = analyst.get(URL).content.decode()
    assert "Edit commentary" in form
    assert ">First.</textarea>" in form
    analyst.post(URL, {"what_the_data_says": "Second."})
    assert list(Commentary.objects.order_by("id").values_list("what_the_data_says", flat=True)) == [
        "First.",
        "Second.",
    ]


@pytest.mark.parametrize(
    "data",
    [
        {},  # nothing at all
        {"what_the_data_says": "   ", "why": "a reason"},  # only spaces where it is required
    ],
)
def test_without_what_the_data_says_the_form_shows_the_error_summary(
    analyst: Client, county, data: dict[str, str]
) -> None:
    response = analyst.post(URL, data)
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert text.count("Enter what the data says") == 2  # in the summary and by the field
    assert '<a href="#id_what_the_data_says">' in text
    assert "<title>Error: " in text
    assert not Commentary.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(county) -> None:
    from django.contrib.auth.models import User

    from safeplan.accounts.roles import Role
    from safeplan.accounts.services import user_create

    client = Client(enforce_csrf_checks=True)
    user = user_create(username="csrf-analyst", role=Role.ANALYST, password="correct-horse-battery")
    assert isinstance(user, User)
    client.force_login(user)
    assert client.post(URL, {"what_the_data_says": "x"}).status_code == 403
    assert not Commentary.objects.exists()


def test_a_board_member_cannot_post_commentary(reader: Client, county) -> None:
    assert reader.post(URL, {"what_the_data_says": "x"}).status_code == 403
    assert not Commentary.objects.exists()

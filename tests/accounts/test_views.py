from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse

from safeplan.accounts.roles import Role
from tests.accounts.conftest import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = "/account/sign-in/"


def sign_in(client: Client, username: str, password: str = PASSWORD) -> object:
    return client.post(SIGN_IN, {"username": username, "password": password})


def test_the_sign_in_page_is_public_and_uses_the_govuk_template(client: Client) -> None:
    response = client.get(SIGN_IN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Sign in – safeplan</title>" in html
    assert 'class="govuk-skip-link"' in html
    assert 'for="id_username"' in html
    assert 'autocomplete="current-password"' in html
    # no crown and no GOV.UK logo: this is not a GOV.UK service
    assert "govuk-logo" not in html
    assert "crown" not in html.lower()


@pytest.mark.parametrize("role", list(Role))
def test_every_role_signs_in_and_lands_on_the_plan(
    client: Client, make_user: UserFactory, role: Role
) -> None:
    user = make_user(role)
    response = sign_in(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_in_returns_to_the_page_first_asked_for(
    client: Client, make_user: UserFactory
) -> None:
    user = make_user()
    response = client.post(
        f"{SIGN_IN}?next=/account/", {"username": user.username, "password": PASSWORD}
    )
    assert response["Location"] == "/account/"


def test_sign_in_refuses_to_send_you_to_another_site(
    client: Client, make_user: UserFactory
) -> None:
    user = make_user()
    response = client.post(
        f"{SIGN_IN}?next=https://evil.example/", {"username": user.username, "password": PASSWORD}
    )
    assert response["Location"] == "/"


def test_a_wrong_password_shows_the_govuk_error_summary(
    client: Client, make_user: UserFactory
) -> None:
    user = make_user()
    response = sign_in(client, user.username, "not-the-password")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in – safeplan</title>" in html
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#id_username">Enter a correct username and password.' in html
    assert "_auth_user_id" not in client.session


def test_empty_fields_are_each_named_in_the_error_summary(client: Client) -> None:
    html = sign_in(client, "", "").content.decode()
    assert '<a href="#id_username">Enter your username</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html
    assert 'aria-describedby=" id_username-error"' in html


def test_a_signed_in_user_is_sent_on_from_the_sign_in_page(
    client: Client, make_user: UserFactory
) -> None:
    client.force_login(make_user())
    assert client.get(SIGN_IN)["Location"] == "/"


def test_sign_out_ends_the_session(client: Client, make_user: UserFactory) -> None:
    client.force_login(make_user())
    response = client.post(reverse("accounts:sign_out"))
    assert response["Location"] == reverse("accounts:sign_in")
    assert "_auth_user_id" not in client.session


def test_a_link_cannot_sign_anybody_out(client: Client, make_user: UserFactory) -> None:
    client.force_login(make_user())
    assert client.get(reverse("accounts:sign_out")).status_code == 405
    assert "_auth_user_id" in client.session


def test_sign_out_needs_the_csrf_token(make_user: UserFactory) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    response = client.post(reverse("accounts:sign_out"))
    assert response.status_code == 403
    assert "Your form has expired" in response.content.decode()


PUBLIC_PATHS = {SIGN_IN, "/accessibility"}


def _plain_paths(patterns: list[Any], prefix: str = "") -> list[str]:
    """Every URL of the project that takes no argument."""
    paths = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            paths += _plain_paths(entry.url_patterns, route)
        elif "<" not in route and "(" not in route:
            paths.append("/" + route.lstrip("^").rstrip("$"))
    return paths


def test_every_page_but_sign_in_and_the_statement_needs_a_signed_in_user(
    client: Client,
) -> None:
    protected = sorted(set(_plain_paths(get_resolver().url_patterns)) - PUBLIC_PATHS)
    assert "/account/" in protected
    for path in protected:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"{SIGN_IN}?next={path}", path


@pytest.mark.parametrize(
    "path",
    [
        SIGN_IN,
        "/accessibility",
        "/static/govuk/govuk-frontend.min.css",
        "/static/safeplan/safeplan.css",
    ],
)
def test_the_public_pages_and_static_files_need_no_sign_in(client: Client, path: str) -> None:
    response = client.get(path)
    response.close()  # a static file is streamed from an open file
    assert response.status_code == 200


def test_the_account_page_shows_roles_and_agency(client: Client, make_user: UserFactory) -> None:
    client.force_login(make_user(Role.AGENCY_SUBMITTER))
    html = client.get("/account/").content.decode()
    assert "Agency submitter" in html
    assert "Durham Constabulary" in html
    assert 'aria-current="page"' in html


@pytest.mark.parametrize(
    ("role", "sees_data"),
    [
        (Role.ADMINISTRATOR, True),
        (Role.ANALYST, True),
        (Role.AGENCY_SUBMITTER, True),
        # they read and act; they do not load data
        (Role.ACTION_OWNER, False),
        (Role.BOARD_MEMBER, False),
    ],
)
def test_the_data_link_shows_only_for_those_who_load_data(
    client: Client, make_user: UserFactory, role: Role, sees_data: bool
) -> None:
    client.force_login(make_user(role))
    html = client.get("/account/").content.decode()
    assert ('href="/data/"' in html) is sees_data


def test_the_accessibility_statement_is_linked_from_every_page(client: Client) -> None:
    html = client.get(SIGN_IN).content.decode()
    assert 'href="/accessibility"' in html
    assert "Accessibility statement for safeplan" in client.get("/accessibility").content.decode()


def test_an_unknown_page_uses_the_govuk_not_found_page(client: Client) -> None:
    response = client.get("/no-such-page-anywhere")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("limit", [settings.AXES_FAILURE_LIMIT])
def test_sign_in_is_paused_after_repeated_failures(
    client: Client, make_user: UserFactory, limit: int
) -> None:
    user = make_user()
    for _ in range(limit - 1):
        assert sign_in(client, user.username, "wrong-password").status_code == 200
    locked = sign_in(client, user.username, "wrong-password")
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.content.decode()
    # even the right password is now refused
    assert sign_in(client, user.username).status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lock_out_does_not_stop_another_user(client: Client, make_user: UserFactory) -> None:
    target = make_user(Role.ANALYST)
    colleague = make_user(Role.BOARD_MEMBER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, target.username, "wrong-password")
    assert sign_in(client, colleague.username).status_code == 302


def test_the_page_carries_no_gds_transport_font(client: Client) -> None:
    response = client.get("/static/govuk/govuk-frontend.min.css")
    css = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    response.close()
    assert b"GDS Transport" not in css
    assert b"@font-face" not in css
    assert not re.search(rb"url\(/assets/", css)


def test_a_switched_off_user_cannot_sign_in(client: Client, make_user: UserFactory) -> None:
    from safeplan.accounts.services import user_active_set

    user = make_user()
    user_active_set(username=user.username, active=False)
    response = sign_in(client, user.username)
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("template", ["500.html", "404.html", "403.html", "403_csrf.html"])
def test_the_error_pages_render_without_a_request(template: str) -> None:
    from django.template.loader import render_to_string

    html = render_to_string(template)
    assert "govuk-header" in html
    assert "Sign out" not in html


def test_an_administrator_can_lift_a_pause_at_once(client: Client, make_user: UserFactory) -> None:
    from click.testing import CliRunner

    from safeplan.cli import main

    user = make_user()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user.username, "wrong-password")
    assert sign_in(client, user.username).status_code == 429  # type: ignore[attr-defined]
    result = CliRunner().invoke(main, ["user", "unlock", user.username])
    assert "Cleared 1 failed sign-in record(s)" in result.output
    assert sign_in(client, user.username).status_code == 302  # type: ignore[attr-defined]


@override_settings(SAFEPLAN_PROXY_COUNT=1)
def test_behind_a_proxy_a_pause_holds_only_for_the_address_that_failed(
    client: Client, make_user: UserFactory
) -> None:
    user = make_user()
    wrong = {"username": user.username, "password": "wrong-password"}
    right = {"username": user.username, "password": PASSWORD}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(SIGN_IN, wrong, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client.post(SIGN_IN, right, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert client.post(SIGN_IN, right, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 302

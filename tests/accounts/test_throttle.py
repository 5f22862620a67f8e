"""Sign-in throttling counts failures three ways, each with its own limit (issue 9, item 8).

One username from one address (``AXES_FAILURE_LIMIT``, 5), one username from
any address (10) and one address across usernames (20); the limits come from
``settings.SAFEPLAN_THROTTLE_LIMITS``. A pause answers 429 with the lock-out
page, even for the right password.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings

from safeplan.accounts.roles import Role
from tests.accounts.conftest import PASSWORD, UserFactory

SIGN_IN = "/account/sign-in/"
LIMITS = {
    tuple(sorted([p] if isinstance(p, str) else p)): n for p, n in settings.SAFEPLAN_THROTTLE_LIMITS
}
PER_PAIR = LIMITS[("ip_address", "username")]
PER_USERNAME = LIMITS[("username",)]
PER_ADDRESS = LIMITS[("ip_address",)]


def _post(client: Client, username: str, password: str, address: str) -> int:
    response = client.post(
        SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return int(response.status_code)


def _spray(client: Client, address: str, usernames: int) -> list[int]:
    """One wrong password tried once against each of `usernames` made-up usernames."""
    return [_post(client, f"guess-{n}", "Winter2024!", address) for n in range(usernames)]


def test_the_limits_are_ordered_as_documented() -> None:
    # pair < username < address: a colleague is hard to lock out, an office shares an address
    assert (PER_PAIR, PER_USERNAME, PER_ADDRESS) == (5, 10, 20)
    assert PER_PAIR == settings.AXES_FAILURE_LIMIT


def test_one_address_spraying_many_usernames_is_paused_for_every_username(
    client: Client, make_user: UserFactory
) -> None:
    colleague = make_user(Role.ANALYST)
    sprayer = "198.51.100.9"
    # each username stays below its own limit; the address reaches its limit on the last
    assert set(_spray(client, sprayer, PER_ADDRESS - 1)) == {200}
    assert _post(client, "guess-last", "Winter2024!", sprayer) == 429
    # from that address even a real user with the right password is paused …
    assert _post(client, colleague.username, PASSWORD, sprayer) == 429
    # … and from another address the same user signs in
    assert _post(Client(), colleague.username, PASSWORD, "203.0.113.5") == 302


def test_one_username_tried_from_many_addresses_is_paused_everywhere(
    client: Client, make_user: UserFactory
) -> None:
    target = make_user(Role.ADMINISTRATOR)
    # one failure from each of PER_USERNAME addresses: every (username, address) count is 1
    for n in range(PER_USERNAME - 1):
        assert _post(client, target.username, "wrong-password", f"198.51.100.{n + 1}") == 200
    assert _post(client, target.username, "wrong-password", "198.51.100.200") == 429
    # the right password from an address never used before is paused too
    assert _post(Client(), target.username, PASSWORD, "203.0.113.77") == 429


def test_fewer_failures_than_any_limit_pause_nobody(client: Client, make_user: UserFactory) -> None:
    user = make_user()
    for n in range(PER_PAIR - 1):
        assert _post(client, user.username, "wrong-password", f"192.0.2.{n + 1}") == 200
    assert _post(client, user.username, PASSWORD, "192.0.2.200") == 302


def test_signing_in_with_ones_own_account_does_not_reset_the_address_count(
    client: Client, make_user: UserFactory
) -> None:
    # an attacker holding one valid account must not be able to clear their address's count
    own = make_user(Role.BOARD_MEMBER)
    sprayer = "198.51.100.66"
    _spray(client, sprayer, PER_ADDRESS - 1)
    assert _post(Client(), own.username, PASSWORD, sprayer) == 302
    assert _post(Client(), "guess-last", "Winter2024!", sprayer) == 429


def test_a_successful_sign_in_clears_that_usernames_own_failures(
    client: Client, make_user: UserFactory
) -> None:
    user = make_user()
    for _ in range(PER_PAIR - 1):
        _post(client, user.username, "wrong-password", "192.0.2.10")
    assert _post(client, user.username, PASSWORD, "192.0.2.10") == 302
    client.logout()
    for _ in range(PER_PAIR - 1):
        assert _post(client, user.username, "wrong-password", "192.0.2.10") == 200


@override_settings(SAFEPLAN_PROXY_COUNT=1)
def test_behind_a_proxy_the_address_limit_counts_the_forwarded_client_not_the_proxy(
    client: Client, make_user: UserFactory
) -> None:
    colleague = make_user()
    proxy = "10.0.0.2"  # every request reaches safeplan from the proxy
    for n in range(PER_ADDRESS):
        client.post(SIGN_IN, {"username": f"guess-{n}", "password": "x"},
                    REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")  # fmt: skip
    paused = client.post(SIGN_IN, {"username": colleague.username, "password": PASSWORD},
                         REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")  # fmt: skip
    assert paused.status_code == 429
    # another client behind the same proxy is not paused
    other = Client().post(SIGN_IN, {"username": colleague.username, "password": PASSWORD},
                          REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")  # fmt: skip
    assert other.status_code == 302


@pytest.mark.parametrize(
    "variable",
    [
        "SAFEPLAN_LOGIN_FAILURE_LIMIT",
        "SAFEPLAN_LOGIN_FAILURE_LIMIT_PER_USERNAME",
        "SAFEPLAN_LOGIN_FAILURE_LIMIT_PER_ADDRESS",
    ],
)
def test_a_limit_below_one_stops_the_process(variable: str, tmp_path: object) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "SAFEPLAN_MODE": "test", variable: "0"}
    result = subprocess.run(
        [sys.executable, "-c", "import safeplan.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert f"{variable}=0 must be 1 or more" in result.stderr

from __future__ import annotations

import pytest
from django.test import RequestFactory

from safeplan.accounts.client_ip import client_ip


@pytest.mark.parametrize(
    ("forwarded", "proxies", "expected"),
    [
        # no proxy: the connection's address, whatever the header claims
        ("6.6.6.6", 0, "10.0.0.2"),
        # one proxy: the address it appended, not the forged one to its left
        ("6.6.6.6, 203.0.113.7", 1, "203.0.113.7"),
        # two proxies: the address the outer one saw
        ("203.0.113.7, 10.0.0.9", 2, "203.0.113.7"),
        # spaces and empty entries are ignored
        (" 203.0.113.7 ,, ", 1, "203.0.113.7"),
        # fewer entries than proxies: not through them all, so the connection
        ("203.0.113.7", 2, "10.0.0.2"),
        # no header at all
        ("", 1, "10.0.0.2"),
    ],
)
def test_the_client_address_is_read_past_the_known_proxies(
    forwarded: str, proxies: int, expected: str
) -> None:
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.2")
    assert client_ip(request, proxy_count=proxies) == expected


def test_by_default_no_proxy_is_trusted() -> None:
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "10.0.0.2"

"""``safeplan serve``: its options, its refusal on an unset database, and a real run."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.db import connection

from safeplan.cli import main
from safeplan.web.cli import default_workers


def test_serve_has_help_naming_its_options() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--workers"):
        assert option in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # Ports are 1–65535.
        (["--port", "0"], "0 is not in the range 1<=x<=65535"),
        (["--port", "http"], "'http' is not a valid integer"),
        # At least one worker.
        (["--workers", "0"], "0 is not in the range 1<=x<=32"),
    ],
)
def test_serve_rejects_bad_options(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["serve", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_the_default_is_two_to_four_workers() -> None:
    assert 2 <= default_workers() <= 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def safeplan(
    tmp_path: Path, database_url: str, *args: str, static_root: Path | None = None, **kwargs: object
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SAFEPLAN_MODE": "demo", "DATABASE_URL": database_url}
    env.pop("SAFEPLAN_STATIC_ROOT", None)
    if static_root is not None:
        env["SAFEPLAN_STATIC_ROOT"] = str(static_root)
    command = [sys.executable, "-c", "from safeplan.cli import main; main()", *args]
    return subprocess.Popen(command, env=env, cwd=tmp_path, **kwargs)  # type: ignore[call-overload]


def shared_database_url() -> str:
    """A URL for the test database, so that a server in another process can share it."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.slow
def test_serve_refuses_a_database_that_is_not_set_up(tmp_path: Path) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    process = safeplan(tmp_path, empty, "serve", stderr=subprocess.PIPE)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert b"the database is not set up; run `safeplan init` first" in stderr


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "collected",
    [
        False,  # as `make demo` runs it: static files served from the packages
        True,  # with SAFEPLAN_STATIC_ROOT, as production does: collected first
    ],
)
def test_serve_answers_on_its_port_with_pages_and_static_files(
    tmp_path: Path, collected: bool
) -> None:
    port = free_port()
    static_root = tmp_path / "static" if collected else None
    server = safeplan(tmp_path, shared_database_url(), "serve", "--port", str(port), "--workers", "1",
                      static_root=static_root,
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        response = wait_for(f"http://127.0.0.1:{port}/static/safeplan/safeplan.css")
        assert response.status == 200
        assert (tmp_path / "static" / "safeplan" / "safeplan.css").exists() is collected
        # The plan page needs a signed-in user; the sign-in page shows the app is up.
        assert wait_for(f"http://127.0.0.1:{port}/account/sign-in/").status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for(url: str, timeout: float = 90.0) -> http.client.HTTPResponse:
    deadline = time.monotonic() + timeout
    while True:
        try:
            response: http.client.HTTPResponse = urllib.request.urlopen(url, timeout=5)
            return response
        except (
            urllib.error.URLError,
            ConnectionError,
            TimeoutError,
        ):  # the first page loads the app
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)

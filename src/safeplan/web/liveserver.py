"""A real server on loopback over its own temporary database: for browser tests, screenshots, the page benchmark.

The database is a fresh SQLite file, set up and filled by a child process
(``prepare``: a ``module:function`` run once migrations are done), then
served by ``safeplan serve`` (gunicorn) in another. Nothing is shared with
the calling process's database, so a test suite's flushes cannot touch it.

    with live_site("tests.web.county:county_live", mode="test") as site:
        urllib.request.urlopen(site.url + "/account/sign-in/")
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from safeplan.web.cli import process_stop

#: Seconds to wait for gunicorn to accept connections.
START_TIMEOUT = 60.0

_PREPARE = """
import importlib, sys
from safeplan.cli import setup_django
setup_django()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
module, _, function = sys.argv[1].partition(":")
getattr(importlib.import_module(module), function)()
"""


@dataclass(frozen=True)
class LiveSite:
    url: str
    folder: Path
    env: dict[str, str]


def free_port() -> int:
    """A TCP port free on loopback at the time of asking."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def site_environment(folder: Path, mode: str) -> dict[str, str]:
    """The environment of the child processes: their own database and static folder."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        SAFEPLAN_MODE=mode,
        DATABASE_URL=f"sqlite:///{folder / 'site.sqlite3'}",
        SAFEPLAN_STATIC_ROOT=str(folder / "static"),
        PYTHONPATH=os.pathsep.join([str(Path.cwd()), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def site_prepare(env: dict[str, str], prepare: str) -> None:
    """Migrate the site's database and run ``prepare`` (``module:function``) in a child process."""
    subprocess.run([sys.executable, "-c", _PREPARE, prepare], env=env, check=True)


@contextmanager
def site_served(env: dict[str, str], folder: Path, *, workers: int = 2) -> Iterator[str]:
    """``safeplan serve`` on a free loopback port until the block ends; yields the base URL."""
    port = free_port()
    command = [sys.executable, "-m", "safeplan", "serve", "--port", str(port), "--workers", str(workers)]  # fmt: skip
    with (folder / "server.log").open("wb") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_for(port, server, folder / "server.log")
            yield f"http://127.0.0.1:{port}"
        finally:
            process_stop(server, timeout=15)


def _wait_for(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not start within {START_TIMEOUT:.0f} s")


@contextmanager
def live_site(prepare: str, *, mode: str = "test", workers: int = 2) -> Iterator[LiveSite]:
    """A prepared database served on loopback; everything is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="safeplan-site-") as name:
        folder = Path(name)
        env = site_environment(folder, mode)
        site_prepare(env, prepare)
        with site_served(env, folder, workers=workers) as url:
            yield LiveSite(url=url, folder=folder, env=env)


#: The reader ``demo_site_prepare`` creates (the password is published: demo data only).
DEMO_READER = ("site-board-member", "site-lantern-orchard-2020")


def demo_site_prepare() -> None:
    """A ``prepare`` for :func:`live_site`: the synthetic county, its illustrative targets, a reader.

    The county's scale is read from ``SAFEPLAN_SITE_SCALE`` (default 1).
    """
    from safeplan.accounts.roles import Role
    from safeplan.accounts.services import user_create
    from safeplan.config import env_str
    from safeplan.demo.services import demo_build
    from safeplan.plans.services import plan_load_default
    from safeplan.scorecard.illustrative import targets_load_illustrative

    plan_load_default()
    demo_build(seed=2017, scale=float(env_str("SAFEPLAN_SITE_SCALE", default="1")))
    targets_load_illustrative()
    user_create(username=DEMO_READER[0], role=Role.BOARD_MEMBER, password=DEMO_READER[1])

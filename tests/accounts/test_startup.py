"""Production does not start while a demo account can sign in (issue 9, item 7).

A database that once served ``make demo`` holds ``demo-administrator`` and the
other demo users, whose passwords the README publishes. Each test here runs
safeplan in a subprocess against its own SQLite file: first in demo mode to
create the demo users, then in production mode as a deployment would.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import LazySettings

from safeplan.accounts.roles import Role
from safeplan.accounts.selectors import DEMO_USERNAMES
from safeplan.accounts.services import (
    UserError,
    demo_users_create,
    demo_users_deactivate,
    user_active_set,
    user_create,
)
from safeplan.accounts.startup import StartupRefused, startup_check

SAFEPLAN = [sys.executable, "-c", "from safeplan.cli import main; main()"]


def _run(
    args: list[str], database: Path, mode: str, **extra: str
) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "SAFEPLAN_MODE": mode,
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "a-production-secret-key-for-this-test-only-0123456789",
        "SAFEPLAN_PSEUDONYMISE_KEY": "a-pseudonymisation-key-for-this-test",
        "SAFEPLAN_STATIC_ROOT": str(database.parent / "static"),
        **extra,
    }
    return subprocess.run(
        args, env=environment, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture(scope="module")
def once_a_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database migrated in demo mode, holding the five demo users (made once)."""
    database = tmp_path_factory.mktemp("demo") / "once-a-demo.sqlite3"
    created = _run(
        [sys.executable, "-c", "from safeplan.cli import setup_django; setup_django(); "
         "from django.core.management import call_command; call_command('migrate', verbosity=0); "
         "from safeplan.accounts.services import demo_users_create; demo_users_create()"],
        database, "demo")  # fmt: skip
    assert created.returncode == 0, created.stderr
    return database


@pytest.fixture
def demo_database(once_a_demo: Path, tmp_path: Path) -> Path:
    """A copy of that database for one test."""
    database = tmp_path / once_a_demo.name
    shutil.copyfile(once_a_demo, database)
    return database


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_refuses_to_start_in_production_naming_the_demo_users_and_the_fix(
    demo_database: Path,
) -> None:
    result = _run([*SAFEPLAN, "serve", "--port", str(_free_port())], demo_database, "production")
    assert result.returncode == 1
    assert "will not start in production while demo accounts can sign in" in result.stderr
    assert "demo-administrator" in result.stderr
    assert "safeplan user deactivate-demo" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_wsgi_application_refuses_to_load_in_production_too(demo_database: Path) -> None:
    # gunicorn or any other server started by hand loads safeplan.wsgi
    result = _run([sys.executable, "-c", "import safeplan.wsgi"], demo_database, "production")
    assert result.returncode != 0
    assert "StartupRefused" in result.stderr
    assert "safeplan user deactivate-demo" in result.stderr


def test_after_the_fix_command_production_starts(demo_database: Path) -> None:
    fixed = _run([*SAFEPLAN, "user", "deactivate-demo"], demo_database, "production")
    assert fixed.returncode == 0, fixed.stderr
    assert fixed.stdout.startswith("Switched off demo-")
    loaded = _run([sys.executable, "-c", "import safeplan.wsgi"], demo_database, "production")
    assert loaded.returncode == 0, loaded.stderr
    again = _run([*SAFEPLAN, "user", "deactivate-demo"], demo_database, "production")
    assert again.stdout == "No demo account can sign in.\n"


def test_demo_mode_starts_with_its_demo_users(demo_database: Path) -> None:
    loaded = _run([sys.executable, "-c", "import safeplan.wsgi"], demo_database, "demo")
    assert loaded.returncode == 0, loaded.stderr


@pytest.mark.django_db
def test_the_check_names_every_active_demo_user_in_production(settings: LazySettings) -> None:
    demo_users_create()
    user_active_set(username="demo-board-member", active=False)
    startup_check()  # test mode: never refused
    settings.MODE = "production"
    with pytest.raises(StartupRefused) as refused:
        startup_check()
    named = [name for name in DEMO_USERNAMES if name in str(refused.value)]
    assert named == [name for name in DEMO_USERNAMES if name != "demo-board-member"]
    assert len(demo_users_deactivate()) == 4
    startup_check()


@pytest.mark.django_db
def test_production_never_switches_a_demo_user_back_on(settings: LazySettings) -> None:
    demo_users_create()
    demo_users_deactivate()
    settings.MODE = "production"
    with pytest.raises(UserError, match="published password"):
        user_active_set(username="demo-administrator", active=True)


@pytest.mark.django_db
def test_production_never_creates_a_user_with_a_demo_name(settings: LazySettings) -> None:
    settings.MODE = "production"
    with pytest.raises(UserError, match="published password"):
        user_create(username="Demo-Analyst", role=Role.ANALYST, password="a-long-passphrase-1")

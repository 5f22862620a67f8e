"""Production settings pass Django's deployment checks; demo and test stay on plain HTTP."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_check_deploy_is_clean_under_production_settings() -> None:
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "SAFEPLAN_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "SAFEPLAN_PSEUDONYMISE_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "example.org",
        "DEBUG": "0",
    }
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "safeplan"),
            "manage",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_test_mode_serves_plain_http() -> None:
    assert not settings.SESSION_COOKIE_SECURE
    assert not settings.CSRF_COOKIE_SECURE
    assert not settings.SECURE_SSL_REDIRECT

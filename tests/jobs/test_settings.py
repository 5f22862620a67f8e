"""The task backend is chosen by SAFEPLAN_TASKS_BACKEND, read once at start-up."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

PRINT_TASKS = "from django.conf import settings; print(settings.TASKS['default']['BACKEND'])"


def _settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {"SAFEPLAN_MODE": "test", "PATH": "/usr/bin:/bin",
                   "DJANGO_SETTINGS_MODULE": "safeplan.settings", **env}  # fmt: skip
    return subprocess.run([sys.executable, "-c", PRINT_TASKS], env=environment,
                          capture_output=True, text=True, cwd=tmp_path)  # fmt: skip


def test_the_tasks_are_kept_in_the_database_by_default(tmp_path: Path) -> None:
    result = _settings(tmp_path)
    assert result.stdout.strip() == "django_tasks_db.DatabaseBackend", result.stderr


def test_an_unknown_backend_is_refused_with_the_choices(tmp_path: Path) -> None:
    result = _settings(tmp_path, SAFEPLAN_TASKS_BACKEND="rabbit")
    assert result.returncode != 0
    assert "SAFEPLAN_TASKS_BACKEND='rabbit' must be one of database, celery" in result.stderr


@pytest.mark.skipif(
    importlib.util.find_spec("django_tasks_fennel") is not None, reason="the celery extra is here"
)
def test_celery_without_its_extra_says_what_to_install(tmp_path: Path) -> None:
    result = _settings(tmp_path, SAFEPLAN_TASKS_BACKEND="celery",
                       SAFEPLAN_CELERY_BROKER_URL="redis://127.0.0.1:6379/1")  # fmt: skip
    assert result.returncode != 0
    assert "needs the celery extra: pip install 'safeplan[celery]'" in result.stderr


@pytest.mark.skipif(
    importlib.util.find_spec("django_tasks_fennel") is None, reason="needs the celery extra"
)
def test_celery_sends_the_tasks_to_its_broker(tmp_path: Path) -> None:
    result = _settings(tmp_path, SAFEPLAN_TASKS_BACKEND="celery",
                       SAFEPLAN_CELERY_BROKER_URL="redis://127.0.0.1:6379/1")  # fmt: skip
    assert result.stdout.strip() == "django_tasks_fennel.CeleryBackend", result.stderr

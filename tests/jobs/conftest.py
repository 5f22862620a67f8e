"""Helpers for the task tests: an upload folder, stored uploads, and the test database's URL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import LazySettings
from django.db import connection

from tests.imports.conftest import GOOD_ROWS, table, write_csv


@pytest.fixture(autouse=True)
def uploads(settings: LazySettings, tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    folder.mkdir()
    settings.UPLOAD_DIR = folder
    return folder


def referrals_upload(folder: Path, n: int, name: str = "referrals.csv", start: int = 0) -> Path:
    """A stored upload of `n` good referrals, R<start>…"""
    rows = [{**GOOD_ROWS["referrals"], "referral_id": f"R{i}"} for i in range(start, start + n)]
    header, cells = table(rows)
    return write_csv(folder / name, header, cells)


def database_url() -> str:
    """The test database, for a process started by a test (a worker)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"

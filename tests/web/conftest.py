from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import LazySettings


@pytest.fixture(autouse=True)
def static_root(settings: LazySettings, tmp_path: Path) -> Path:
    """An existing STATIC_ROOT: whitenoise warns (an error here) when it is missing."""
    root = tmp_path / "static"
    root.mkdir()
    settings.STATIC_ROOT = root
    return root

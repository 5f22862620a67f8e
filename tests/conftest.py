"""Shared fixtures. Tests run with SAFEPLAN_MODE=test (set by the Makefile or here)."""

import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest

os.environ.setdefault("SAFEPLAN_MODE", "test")


@pytest.fixture(scope="session")
def xlsx_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2 MB workbook whose shared strings inflate to 2 GB (`tests.tabular.zips`)."""
    from tests.tabular.zips import shared_strings_bomb

    return shared_strings_bomb(tmp_path_factory.mktemp("bomb") / "bomb.xlsx")


@pytest.fixture
def openpyxl_loads(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every workbook openpyxl is asked to load during the test (the real loader still runs)."""
    calls: list[Any] = []
    real = openpyxl.load_workbook

    def load(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0] if args else kwargs.get("filename"))
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", load)
    return calls

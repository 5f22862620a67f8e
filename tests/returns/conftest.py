"""Helpers for the return adapters' tests: write a return, read it, look at its rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from safeplan.returns import ConvertedReturn


def rows(converted: ConvertedReturn, dataset: str) -> dict[str, dict[str, object]]:
    """A dataset's rows by record id, as plain dicts."""
    found = converted.datasets[dataset]
    id_column = next(iter(found.rows[0].values)) if found.rows else ""
    return {str(row.values[id_column]): dict(row.values) for row in found.rows}


def rules(converted: ConvertedReturn) -> list[str]:
    return [p.rule for p in converted.problems]


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write text to a file named ``name`` in the test's folder."""

    def write_file(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write_file

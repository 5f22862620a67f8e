"""Results for the scorecard tests come from small hand-made files, imported as a user would."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import pytest

from safeplan.imports.services import import_file
from safeplan.measures.services import results_compute_after_import

Loader = Callable[..., object]


@pytest.fixture
def load(tmp_path: Path) -> Loader:
    """Import CSV text into a dataset, then recompute the measures (as `safeplan import` does)."""

    def _load(dataset: str, text: str, covers: tuple[date, date] | None = None) -> object:
        path = tmp_path / f"{dataset}.csv"
        path.write_text(text, encoding="utf-8")
        outcome = import_file(dataset=dataset, path=path, submitted_by="test", covers=covers)
        assert outcome.accepted, outcome.problems
        results_compute_after_import(outcome.batch)
        return outcome

    return _load


def audits_csv(quarters: Sequence[tuple[date, int, int]]) -> str:
    """Case audits: for each (first day, good, total) that many audits, ``good`` graded good.

    Audits fall on the 1st–28th of the quarter's three months in turn.
    """
    lines = ["audit_id,audit_date,lived_experience,agency"]
    n = 0
    for start, good, total in quarters:
        for i in range(total):
            n += 1
            month = start.month + i % 3
            day = date(start.year, month, 1 + i // 3 % 28)
            grade = "good" if i < good else "inadequate"
            lines.append(f"A{n},{day.isoformat()},{grade},Police")
    return "\n".join(lines) + "\n"


def challenges_csv(monthly: Sequence[tuple[date, int]]) -> str:
    """Challenges: for each (first day of a month, count) that many raised in that month."""
    lines = ["challenge_id,raised_date,raised_by_agency"]
    n = 0
    for start, count in monthly:
        for i in range(count):
            n += 1
            lines.append(f"C{n},{start.replace(day=1 + i % 28).isoformat()},Police")
    return "\n".join(lines) + "\n"


def months(first: date, count: int) -> list[date]:
    out, year, month = [], first.year, first.month
    for _ in range(count):
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out

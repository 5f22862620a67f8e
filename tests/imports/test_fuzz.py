"""Property: every import file, however malformed, is accepted or rejected with numbered problems.

The datasets' importer, and the two others: the actions import and comparator values.

Files are drawn by the fuzz's generator (`benchmarks.malformed`) with a
`random.Random` that Hypothesis drives, for each of the twelve datasets, in CSV
and XLSX: random and mutated rows (wrong encodings, NULs, very long cells,
formula-looking text, dates in every wrong shape, numbers too large to store).
Each import is judged by `benchmarks.fuzz.check_import`: never an exception,
never a traceback shown, never a partial write (records counted before and
after). A few examples per dataset here; ``python -m benchmarks fuzz`` runs
more than a million malformed rows.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from benchmarks.fuzz import Verdict, check_command, check_import
from benchmarks.malformed import fuzz_file, mutated_table
from django.db.models import Model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeplan.actions.files import RULES as ACTION_RULES
from safeplan.actions.files import actions_import
from safeplan.actions.models import Action
from safeplan.datasets.schema import DATASETS, RULES
from safeplan.plans.services import plan_load_default
from safeplan.scorecard.models import Benchmark
from safeplan.scorecard.services import benchmarks_import

pytestmark = pytest.mark.django_db
_names = itertools.count()


def _judged(verdict: Verdict) -> tuple[str, bool, str]:
    return verdict.crash, verdict.traceback_shown, verdict.partial_write


@pytest.mark.parametrize("dataset", list(DATASETS))
@settings(
    max_examples=25,
    deadline=None,
    # the database and folder are shared by the examples on purpose: records accumulate
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rng=st.randoms(use_true_random=False), rows=st.integers(1, 30), command=st.booleans())
def test_a_file_is_accepted_or_rejected_with_numbered_problems_and_nothing_else(
    dataset: str, rng: random.Random, rows: int, command: bool, tmp_path: Path
) -> None:
    file = fuzz_file(dataset, rng, rows=rows)
    path = file.write(tmp_path / f"{dataset}-{next(_names)}.{file.fmt}")
    assert _judged(check_import(file, path)) == ("", False, "")
    if command:  # the same file through `safeplan import`
        assert _judged(check_command(file, path)) == ("", False, "")


def test_times_in_the_hours_the_clocks_change_are_judged_like_any_other(tmp_path: Path) -> None:
    """Found by the fuzz: stored as instants, 01:30 on a spring-forward night broke the database's
    own missing_end ≥ missing_start check; they are stored as the clock times written (ADR 0015)."""
    file = fuzz_file("missing_episodes", random.Random(2019), rows=200, fmt="csv", rate=0.0,
                     clock_changes=1.0)  # fmt: skip
    path = file.write(tmp_path / "clock-changes.csv")
    assert _judged(check_import(file, path)) == ("", False, "")


@pytest.fixture
def default_plan(db: None) -> None:
    plan_load_default()


EXAMPLES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ACTION = {"id": "", "intervention": "Prevent CSE", "title": "Run sessions", "description": "",
          "owner": "CSE lead", "agency": "Police", "themes": "knowledge-management",
          "start_date": "2024-04-01", "due_date": "31/03/2025", "percent_complete": "10",
          "status": "in progress"}  # fmt: skip
COMPARATOR = {"measure": "M3", "period": "2018-19", "comparator": "England", "value": "61.5",
              "lower": "58", "upper": "65"}  # fmt: skip


def _actions(path: Path) -> tuple[bool, set[str]]:
    outcome = actions_import(path=path, by=None)
    return outcome.accepted, {p.rule for p in outcome.problems}


def _comparators(path: Path) -> tuple[bool, set[str]]:
    outcome = benchmarks_import(path=path, by="fuzz")
    return outcome.accepted, {p.rule for p in outcome.problems}


# name, a valid row, the column made unique per row, the import, what it stores, its rules
OTHER_IMPORTERS = [
    ("actions", ACTION, "title", _actions, Action, set(ACTION_RULES)),
    ("benchmarks", COMPARATOR, "comparator", _comparators, Benchmark,
     {f"B0{n}" for n in range(1, 10)} | set(RULES)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "row", "unique", "load", "model", "rules"), OTHER_IMPORTERS)
@EXAMPLES
@given(rng=st.randoms(use_true_random=False), rows=st.integers(1, 10))
def test_the_other_importers_take_a_file_whole_or_reject_it_with_numbered_problems(
    name: str,
    row: dict[str, str],
    unique: str,
    load: Callable[[Path], tuple[bool, set[str]]],
    model: type[Model],
    rules: set[str],
    rng: random.Random,
    rows: int,
    tmp_path: Path,
    default_plan: None,
) -> None:
    valid = [{**row, unique: f"{row[unique]} {n}"} for n in range(rows)]
    file = mutated_table(name, list(row), valid, rng)
    path = file.write(tmp_path / f"{name}-{next(_names)}.{file.fmt}")
    before = model._default_manager.count()
    accepted, cited = load(path)
    if accepted:
        assert 0 <= model._default_manager.count() - before <= rows
    else:
        assert model._default_manager.count() == before  # nothing from a rejected file
        assert cited
        assert cited <= rules

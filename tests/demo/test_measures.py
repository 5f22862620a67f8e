"""All twelve measures have something real to show on the demo data, 2016-17 to 2019-20.

The measure engine runs on the generated files (no database, see
`safeplan.demo.frames`) for the four financial years. Each measure's headline
value stays in a stated range every year, and moves the way the plan means
it to between the first and the last year. The ranges hold for other seeds
too; the generator's trends are in `safeplan.demo.county`.
"""

from __future__ import annotations

import polars as pl
import pytest

from safeplan.demo.frames import demo_measure_inputs
from safeplan.demo.generator import DemoManifest, generate
from safeplan.engine.measures import compute_all

pytestmark = pytest.mark.slow
YEARS = ("2016-17", "2017-18", "2018-19", "2019-20")


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[float]]:
    manifest: DemoManifest = generate(seed=2017, scale=1.0, out_dir=tmp_path_factory.mktemp("m"))
    frame = compute_all(demo_measure_inputs(manifest), list(YEARS))
    whole = frame.filter(pl.col("breakdown") == "all").sort("measure", "period_start")
    assert set(whole["status"]) == {"ok"}
    return {m: list(values) for m, values in whole.group_by("measure").agg("value").iter_rows()}


@pytest.mark.parametrize(
    ("measure", "low", "high", "change"),
    [
        ("M1", 120, 300, "up"),  # CSE medium/high referrals: screening finds more
        ("M2", 150, 400, "down"),  # children missing more than once
        ("M3", 48, 78, "up"),  # % return interviews within 72 hours, ≈ 60 overall
        ("M4", 130, 300, "down"),  # children on a plan for neglect (≈ half of ≈ 430)
        ("M5", 800, 1200, "down"),  # repeat referrals after an assessment
        ("M6", 5, 70, "down"),  # children on a plan for 18 months or more
        ("M7", 55, 88, "up"),  # % conferences with the child's views shared
        ("M8", 30, 90, "up"),  # % audits evidencing lived experience
        ("M9", 250, 7000, "up"),  # young people completing the eLearning (from Jan 2017)
        ("M10", 150, 300, "down"),  # mean days a neglect case is open
        ("M11", 30, 85, "up"),  # % initial health assessments on time
        ("M12", 40, 250, "up"),  # recorded challenges
    ],
)
def test_each_measure_stays_in_range_and_moves_as_the_plan_intends(
    results: dict[str, list[float]], measure: str, low: float, high: float, change: str
) -> None:
    values = results[measure]
    assert len(values) == len(YEARS)
    assert all(low <= v <= high for v in values), values
    first, last = values[0], values[-1]
    assert (last > first) if change == "up" else (last < first), values

"""The columnar reference (DuckDB SQL from the CSV files) equals the engine, figure for figure."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from benchmarks.national import generate_national, manifest_of
from benchmarks.reference import compare, reference_from_files
from benchmarks.sizes import PLAN_START

from safeplan.datasets.schema import DATASETS
from safeplan.demo.frames import demo_measure_inputs
from safeplan.demo.generator import DemoManifest, generate
from safeplan.engine.measures import MeasureInputs, compute_all
from safeplan.engine.periods import periods_between


def _engine(manifest: DemoManifest) -> pl.DataFrame:
    inputs = demo_measure_inputs(manifest)
    inputs = MeasureInputs(frames=inputs.frames, coverage=inputs.coverage, plan_start=PLAN_START)
    return compute_all(inputs, periods_between(*manifest.window))


def test_it_equals_the_engine_on_a_small_generated_county(tmp_path: Path) -> None:
    manifest = generate(seed=2017, scale=0.05, out_dir=tmp_path)
    reference, timings = reference_from_files(tmp_path, manifest.window)
    found = compare(reference, _engine(manifest))
    assert found.disagreements == ()
    # 12 measures × 68 periods × (the whole area, 7 localities and Unknown)
    assert reference.height == 12 * 68 * 9 == found.compared
    assert set(timings.load) == set(DATASETS)
    assert reference.filter(pl.col("measure") == "M1").get_column("denominator").sum() > 0


def test_it_equals_the_engine_on_a_small_england(tmp_path: Path) -> None:
    manifest = generate_national(seed=2017, fraction=0.0004, count=3, out_dir=tmp_path)
    reference, _ = reference_from_files(tmp_path, manifest.window)
    found = compare(reference, _engine(manifest))
    assert found.disagreements == ()
    assert reference.height == 12 * (120 + 40 + 10) * 5 == found.compared


def test_a_changed_figure_is_reported_as_a_disagreement(tmp_path: Path) -> None:
    manifest = generate(seed=2017, scale=0.05, out_dir=tmp_path)
    reference, _ = reference_from_files(tmp_path, manifest.window)
    engine = _engine(manifest)
    changed = engine.with_columns(
        numerator=pl.when((pl.col("measure") == "M5") & (pl.col("period") == "2018-19"))
        .then(pl.col("numerator") + 1)
        .otherwise(pl.col("numerator"))
    )
    found = compare(reference, changed)
    assert not found.agrees
    assert {(row["measure"], row["period"]) for row in found.disagreements} == {("M5", "2018-19")}


# --- edge cases the generated data rarely reaches, written by hand -----------------

WINDOW = (date(2018, 4, 1), date(2020, 3, 31))
EDGE_CASES: dict[str, Sequence[Sequence[str]]] = {
    "children": [
        ("C1", "2005-01-15", "", "F", "WBRI", "N", "North"),
        ("C2", "2019-06-20", "", "M", "WBRI", "N", "South"),  # born after a June conference
        ("C3", "", "2019-09-01", "F", "WBRI", "", ""),  # unborn, no locality
        ("C4", "2004-03-02", "", "M", "WBRI", "Y", "North"),
    ],
    "population": [("2018", "", "1000"), ("2018", "North", "600"), ("2019", "", "1001")],
    "referrals": [
        ("R1", "C1", "2018-02-28", "6", "high", "N", ""),  # look-back only
        ("R2", "C1", "2019-02-28", "6", "medium", "N", "South"),  # 12 months after R1: repeat
        ("R3", "C1", "2019-02-28", "6", "", "N", ""),  # R1 is previous for it too
        ("R4", "C4", "2018-05-01", "2A", "low", "N", ""),
        ("R5", "C4", "2019-04-30", "2A", "none", "N", ""),  # after R4, assessed without a link
        ("R6", "C9", "2019-07-01", "5A", "high", "N", ""),  # a child not in children: Unknown
        ("R7", "C2", "2019-03-10", "3B", "", "N", ""),  # assessed (A4)…
        ("R8", "C2", "2019-03-10", "3B", "", "N", ""),  # …but on R8's own day: not previous
    ],
    "assessments": [
        ("A1", "C1", "R1", "2018-03-05", "", "16A;4B"),
        ("A2", "C4", "", "2018-05-03", "2018-05-20", "3A"),  # unlinked, between R4 and R5
        ("A3", "C4", "", "2019-05-10", "", "16A"),  # neglect evidence for K2
        ("A4", "C2", "R7", "2019-03-11", "", "3A"),
    ],
    "cases": [
        ("K1", "C1", "2018-03-01", "2019-03-01", "N1", ""),  # evidence: A1 inside
        ("K2", "C4", "2019-05-01", "2019-08-31", "N1", "West"),  # evidence: A3 inside
        ("K3", "C4", "2018-05-01", "2018-06-30", "N1", ""),  # evidence only outside
    ],
    "cp_plans": [
        ("P1", "C1", "2017-08-31", "2019-08-31", "NEG", "NEG"),  # ends on a period end: closed
        ("P2", "C4", "2018-02-28", "", "EMO", "NEG"),  # 18 months on 2019-08-31 (clamped)
        ("P3", "C2", "2018-03-01", "", "NEG", ""),  # one day short of 18 months then
    ],
    "cp_conferences": [
        ("F1", "C2", "2019-06-10", "initial", "", "Y", "N"),  # born in June: not unborn
        ("F2", "C3", "2019-06-10", "initial", "PN1", "", "N"),  # expected after: excluded
        ("F3", "C1", "2019-06-11", "review", "PN0", "", "N"),  # under 4: excluded
        ("F4", "C4", "2019-06-12", "review", "", "", ""),  # neither recorded: not shared
        ("F5", "C4", "2019-06-13", "review", "PN7", "Y", "Y"),  # unborn flag: excluded
    ],
    "missing_episodes": [
        # blank type is `missing`; the interview exactly 72 hours later is on time
        [
            "M1",
            "C1",
            "2019-05-01 10:00",
            "2019-05-01 20:00",
            "",
            "N",
            "Y",
            "2019-05-04 20:00",
            "N",
            "North",
        ],
        # a minute over 72 hours; the child's latest counted episode (East)
        [
            "M2",
            "C1",
            "2019-05-03 09:00",
            "2019-05-03 10:00",
            "missing",
            "Y",
            "Y",
            "2019-05-06 10:01",
            "N",
            "East",
        ],
        # away: not counted
        ["M3", "C1", "2019-05-03 09:00", "2019-05-03 11:00", "away", "N", "", "", "", "West"],
        # ends the next day: June for M3
        ["M4", "C4", "2019-05-31 23:30", "2019-06-01 01:00", "missing", "", "Y", "", "Y", ""],
    ],
    "care_periods": [
        ("L1", "C4", "2019-06-01", "", "2019-06-05", "2019-06-28"),  # a Saturday: Monday is day 1
        ("L2", "C1", "2019-12-20", "2019-12-30", "", ""),  # left before due, no IHA: out
        ("L3", "C2", "2019-12-20", "2019-12-30", "", "2020-01-03"),  # left, IHA done: in
    ],
    "case_audits": [
        ("U1", "2019-07-01", "C1", "good", "good", "Police"),
        ("U2", "2019-07-02", "", "inadequate", "", "Health"),
        ("U3", "2019-07-03", "C4", "", "good", "Health"),  # no grade: not counted
    ],
    "elearning_completions": [
        ("E1", "Y1", "2019-09-01", "14", "School", "North"),
        ("E2", "Y1", "2019-09-20", "14", "School", "South"),  # the learner's latest
        ("E3", "Y2", "2019-09-20", "15", "School", ""),
    ],
    "challenges": [
        ("H1", "2019-10-01", "Police", "Health", "C1", "1", "2019-10-05", "Agreed"),
        ("H2", "2019-10-02", "Health", "Police", "", "2", "", ""),
    ],
}


def _write(folder: Path) -> None:
    for dataset in DATASETS:
        with (folder / f"{dataset}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(DATASETS[dataset].column_names)
            writer.writerows(EDGE_CASES[dataset])


@pytest.fixture
def edge_cases(tmp_path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    _write(tmp_path)
    reference, _ = reference_from_files(tmp_path, WINDOW)
    return reference, _engine(manifest_of(tmp_path, WINDOW))


def test_it_equals_the_engine_on_edge_cases_written_by_hand(
    edge_cases: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    reference, engine = edge_cases
    found = compare(reference, engine)
    assert found.disagreements == ()


@pytest.mark.parametrize(
    ("measure", "period", "group", "figures"),
    [
        ("M5", "2018-19 Q4", None, (2, 2, 4)),  # R2, R3 repeat R1 (assessed); R8 not R7
        ("M5", "2019-04", None, (1, 1, 1)),  # R5 repeats R4 through the unlinked A2
        ("M1", "2019-07", "Unknown", (1, 1, 1)),  # a child missing from children
        ("M2", "2019-20 Q1", "East", (1, 1, 1)),  # the latest counted episode's locality
        ("M3", "2019-05", None, (50.0, 1, 2)),  # on 72 hours counts; a minute over does not
        ("M4", "2019-08", None, (1, 1, 2)),  # P1 ended on 31 August: closed
        ("M6", "2019-08", None, (1, 1, 2)),  # P2 from 2018-02-28 counts; P3 a day short
        ("M7", "2019-06", None, (50.0, 1, 2)),  # F1 shared by flag, F4 not; others excluded
        ("M8", "2019-07", "Unknown", (0.0, 0, 1)),  # no child named
        ("M9", "2019-09", "South", (1, None, None)),  # Y1 in their latest locality
        ("M10", "2019-08", "West", (122.0, 122, 1)),
        ("M11", "2019-07", None, (None, 0, 0)),  # L1's due 2019-06-28 is in June, not July
        ("M11", "2019-06", None, (100.0, 1, 1)),
        ("M11", "2020-01", None, (100.0, 1, 1)),  # L3 stays in; L2 left early without one
        ("M12", "2019-10", "Unknown", (1, None, None)),
    ],
)
def test_the_edge_cases_give_the_figures_the_spec_asks_for(
    edge_cases: tuple[pl.DataFrame, pl.DataFrame],
    measure: str,
    period: str,
    group: str | None,
    figures: tuple[float | None, ...],
) -> None:
    reference, _ = edge_cases
    breakdown = "all" if group is None else "locality"
    row = reference.filter(
        (pl.col("measure") == measure)
        & (pl.col("period") == period)
        & (pl.col("breakdown") == breakdown)
        & (pl.col("group").eq_missing(group))
    )
    assert row.select("value", "numerator", "denominator").rows() == [figures]

"""Time a full compute of the twelve measures on synthetic frames (scale 1 and 20×).

Scale 1 is roughly a county of 100,000 children over four financial years;
the volumes per year are typical of one English local authority. Figures are
printed, never asserted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from safeplan.engine.measures import MEASURES, MeasureInputs, compute_all, conform
from safeplan.engine.periods import periods_between

START, END = date(2016, 4, 1), date(2020, 3, 31)
DAYS = (END - START).days + 1
LOCALITIES = ("North", "South", "East", "West", "Central", "Durham")
# records per year at scale 1
VOLUMES = {
    "referrals": 6_000,
    "assessments": 5_500,
    "cases": 6_000,
    "cp_plans": 500,
    "cp_conferences": 1_500,
    "missing_episodes": 3_000,
    "care_periods": 300,
    "case_audits": 400,
    "elearning_completions": 5_000,
    "challenges": 300,
}


def _dates(rng: np.random.Generator, n: int, spread: int = DAYS) -> pl.Series:
    offsets = rng.integers(0, spread, n)
    return pl.Series(np.datetime64(START) + offsets.astype("timedelta64[D]")).cast(pl.Date)


def _after(rng: np.random.Generator, days: pl.Series, mean: float, blank: float) -> pl.Series:
    n = len(days)
    later = days + pl.Series(rng.exponential(mean, n).astype(np.int64), dtype=pl.Int64).cast(
        pl.Duration("ms")
    ) * (24 * 3600 * 1000)
    keep = pl.Series(rng.random(n) >= blank)
    return pl.select(pl.when(keep).then(later.cast(pl.Date))).to_series()


def _ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


def _choice(rng: np.random.Generator, values: tuple[object, ...], n: int) -> list[object]:
    return [values[i] for i in rng.integers(0, len(values), n)]


def synthetic_inputs(scale: int = 1, seed: int = 2018) -> MeasureInputs:
    """Frames in the schema's shape with plausible volumes; not a realistic county."""
    rng = np.random.default_rng(seed)
    children = 100_000 * scale
    n = {name: per_year * 4 * scale for name, per_year in VOLUMES.items()}
    kids = lambda k: [f"c{i}" for i in rng.integers(0, children // 5, k)]  # noqa: E731
    frames: dict[str, pl.DataFrame] = {
        "children": pl.DataFrame(
            {
                "child_id": _ids("c", children),
                "date_of_birth": _dates(rng, children, 365 * 18) - timedelta(days=365 * 14),
                "locality": _choice(rng, (*LOCALITIES, None), children),
            }
        )
    }
    ref_dates = _dates(rng, n["referrals"])
    frames["referrals"] = pl.DataFrame(
        {
            "referral_id": _ids("r", n["referrals"]),
            "child_id": kids(n["referrals"]),
            "referral_date": ref_dates,
            "cse_risk": _choice(rng, ("none", "low", "medium", "high", None), n["referrals"]),
        }
    )
    linked = rng.random(n["assessments"]) < 0.8
    frames["assessments"] = pl.DataFrame(
        {
            "assessment_id": _ids("a", n["assessments"]),
            "child_id": kids(n["assessments"]),
            "referral_id": [f"r{i}" if ok else None for i, ok in enumerate(linked)],
            "start_date": _dates(rng, n["assessments"]),
            "factors": _choice(rng, (["16A"], ["11A", "16A"], ["1A"], None), n["assessments"]),
        }
    )
    for name, prefix, mean in (("cases", "k", 200.0), ("cp_plans", "p", 300.0)):
        starts = _dates(rng, n[name])
        frames[name] = pl.DataFrame(
            {
                f"{prefix}_id": _ids(prefix, n[name]),
                "child_id": kids(n[name]),
                "start_date": starts,
                "end_date": _after(rng, starts, mean, 0.2),
            }
        ).rename({f"{prefix}_id": "case_id" if name == "cases" else "plan_id"})
    frames["cases"] = frames["cases"].with_columns(
        locality=pl.Series(_choice(rng, (*LOCALITIES, None), n["cases"]))
    )
    frames["cp_plans"] = frames["cp_plans"].with_columns(
        initial_category=pl.Series(_choice(rng, ("NEG", "PHY", "EMO", "SAB", "MUL"), n["cp_plans"]))
    )
    frames["cp_conferences"] = pl.DataFrame(
        {
            "conference_id": _ids("f", n["cp_conferences"]),
            "child_id": kids(n["cp_conferences"]),
            "conference_date": _dates(rng, n["cp_conferences"]),
            "conference_type": _choice(rng, ("initial", "review"), n["cp_conferences"]),
            "participation": _choice(rng, ("PN0", "PN1", "PN4", "PN7", None), n["cp_conferences"]),
        }
    )
    base = datetime.combine(START, datetime.min.time())
    starts_s = rng.integers(0, DAYS * 86_400, n["missing_episodes"])
    frames["missing_episodes"] = pl.DataFrame(
        {
            "episode_id": _ids("e", n["missing_episodes"]),
            "child_id": [f"c{i}" for i in rng.integers(0, children // 50, n["missing_episodes"])],
            "missing_start": [base + timedelta(seconds=int(s)) for s in starts_s],
            "missing_end": [base + timedelta(seconds=int(s) + 20_000) for s in starts_s],
            "rhi_completed_at": [base + timedelta(seconds=int(s) + 250_000) for s in starts_s],
            "looked_after": rng.random(n["missing_episodes"]) < 0.3,
        }
    )
    care_starts = _dates(rng, n["care_periods"])
    frames["care_periods"] = pl.DataFrame(
        {
            "period_id": _ids("lac", n["care_periods"]),
            "child_id": kids(n["care_periods"]),
            "start_date": care_starts,
            "iha_requested_date": _after(rng, care_starts, 5, 0.1),
            "iha_completed_date": _after(rng, care_starts, 25, 0.1),
        }
    )
    frames["case_audits"] = pl.DataFrame(
        {
            "audit_id": _ids("u", n["case_audits"]),
            "audit_date": _dates(rng, n["case_audits"]),
            "lived_experience": _choice(
                rng, ("outstanding", "good", "inadequate"), n["case_audits"]
            ),
            "agency": _choice(rng, ("Police", "Health", "Council"), n["case_audits"]),
        }
    )
    frames["elearning_completions"] = pl.DataFrame(
        {
            "completion_id": _ids("x", n["elearning_completions"]),
            "learner_id": [
                f"l{i}" for i in rng.integers(0, children // 4, n["elearning_completions"])
            ],
            "completed_date": _dates(rng, n["elearning_completions"]),
            "locality": _choice(rng, LOCALITIES, n["elearning_completions"]),
        }
    )
    raised = _dates(rng, n["challenges"])
    frames["challenges"] = pl.DataFrame(
        {
            "challenge_id": _ids("h", n["challenges"]),
            "raised_date": raised,
            "raised_by_agency": _choice(rng, ("Police", "Health", "School"), n["challenges"]),
            "stage": _choice(rng, (1, 2, 3, None), n["challenges"]),
            "resolved_date": _after(rng, raised, 20, 0.3),
        }
    )
    frames["population"] = pl.DataFrame(
        {"year": [y for y in range(2016, 2020) for _ in range(2)], "locality": [None, "North"] * 4,
         "population_0_17": [children, children // 6] * 4}
    )  # fmt: skip
    coverage = {name: [(START, END)] for name in VOLUMES}
    conformed = {name: conform(name, frame) for name, frame in frames.items()}
    return MeasureInputs(frames=conformed, coverage=coverage, plan_start=START)


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _report(scale: int) -> None:
    periods = periods_between(START, END)
    inputs = synthetic_inputs(scale)
    records = sum(f.height for name, f in inputs.frames.items() if name != "children")
    rows = compute_all(inputs, periods).height  # warm-up: holiday calendar, imports
    total = _timed(lambda: compute_all(inputs, periods))
    print(
        f"scale {scale:>2}: {records:,} records, {len(periods)} periods, "
        f"{rows:,} result rows: full compute {total:.2f}s",
        flush=True,
    )
    times = {mid: _timed(lambda mid=mid: compute_all(inputs, periods, [mid])) for mid in MEASURES}
    print("  " + "  ".join(f"{mid} {t:.2f}s" for mid, t in times.items()), flush=True)


def run() -> None:
    for scale in (1, 20):
        _report(scale)


if __name__ == "__main__":
    run()

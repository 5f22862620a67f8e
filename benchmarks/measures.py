"""Time a full compute of the twelve measures on the synthetic county (scale 1 and 20×).

The county is the demo generator's (`safeplan.demo`), read straight from its
files into the engine's frames, so the figures are the engine's alone; the
stored-results path (database read, compute, write) is timed at scale 1.
Figures are printed, never asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from safeplan.demo.frames import demo_measure_inputs
from safeplan.demo.generator import generate
from safeplan.engine.measures import MEASURES, MeasureInputs, compute_all
from safeplan.engine.periods import periods_between

START, END = date(2016, 4, 1), date(2020, 3, 31)


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _county(scale: float, folder: Path) -> MeasureInputs:
    inputs = demo_measure_inputs(generate(seed=2017, scale=scale, out_dir=folder))
    return MeasureInputs(
        frames=inputs.frames, coverage=inputs.coverage, plan_start=date(2017, 4, 1)
    )


def _report(scale: float) -> None:
    periods = periods_between(START, END)
    with tempfile.TemporaryDirectory(prefix="safeplan-bench-") as folder:
        inputs = _county(scale, Path(folder))
    records = sum(f.height for name, f in inputs.frames.items() if name != "children")
    rows = compute_all(inputs, periods).height  # warm-up: holiday calendar, imports
    total = _timed(lambda: compute_all(inputs, periods))
    print(
        f"county scale {scale:g}: {records:,} records, {len(periods)} periods, "
        f"{rows:,} result rows: engine full compute {total:.2f} s",
        flush=True,
    )
    times = {mid: _timed(lambda mid=mid: compute_all(inputs, periods, [mid])) for mid in MEASURES}
    print("  per measure: " + "  ".join(f"{m} {t:.2f}s" for m, t in times.items()), flush=True)


def _stored_recompute() -> None:
    """Build the scale-1 county into a temporary SQLite file, then time `safeplan compute`."""
    with tempfile.TemporaryDirectory(prefix="safeplan-bench-db-") as folder:
        env = {
            **os.environ,
            "SAFEPLAN_MODE": "demo",
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
        }
        cli = [sys.executable, "-m", "safeplan"]
        subprocess.run([*cli, "demo", "--no-serve"], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        done = subprocess.run(
            [*cli, "compute"], env=env, check=True, capture_output=True, text=True
        )
        wall = time.perf_counter() - started
        print(
            f"stored recompute, scale 1 on SQLite: {done.stdout.strip()}; {wall:.2f} s wall with start-up"
        )


def run() -> None:
    for scale in (1, 20):
        _report(scale)
    _stored_recompute()


if __name__ == "__main__":
    run()

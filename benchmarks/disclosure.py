"""Time disclosure control on the synthetic county's results as a board pack would publish them.

Two tables for 2019-20 Q4: the quarter with its three months, and the most a
pack could hold (the 24 months, 8 quarters and 2 financial years to March
2020), each with every measure, breakdown and group. Run with
``python -m benchmarks.disclosure``; figures are printed, never asserted.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

from safeplan.demo.frames import demo_measure_inputs
from safeplan.demo.generator import generate
from safeplan.engine.disclosure import Figures, Rule, disclose
from safeplan.engine.measures import compute_all
from safeplan.engine.periods import periods_between

END = date(2020, 3, 31)
TABLES = {
    "the quarter and its months": periods_between(date(2020, 1, 1), END, ("month", "quarter")),
    "24 months, 8 quarters, 2 years": periods_between(date(2018, 4, 1), END),
}


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="safeplan-bench-") as folder:
        inputs = demo_measure_inputs(generate(seed=2017, scale=1, out_dir=Path(folder)))
    for label, periods in TABLES.items():
        figures = [
            Figures(r["measure"], r["period"], r["breakdown"], r["group"] or "", r["value"],
                    r["numerator"], r["denominator"])
            for r in compute_all(inputs, periods).iter_rows(named=True)
        ]  # fmt: skip
        started = time.perf_counter()
        counts = disclose(figures).counts()
        seconds = time.perf_counter() - started
        print(
            f"county scale 1, {label}: {len(figures):,} results, {sum(counts.values()):,} "
            f"figures, {counts[Rule.PRIMARY]:,} primary and {counts[Rule.SECONDARY]:,} "
            f"secondary c: decided in {seconds:.2f} s",
            flush=True,
        )


if __name__ == "__main__":
    run()

"""Time the return adapters on the synthetic county written as returns (scale 1 and 10×).

The county's CIN censuses, SSDA903 tables and Annex A workbook are written by
`safeplan.demo.returns`, then each is read by `safeplan.returns.read_return`
into canonical rows (no database: the adapters alone). Figures are printed,
never asserted.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from safeplan.demo.generator import generate
from safeplan.demo.returns import write_returns
from safeplan.returns import RememberedPeriods, read_return


def _report(scale: float) -> None:
    with tempfile.TemporaryDirectory(prefix="safeplan-bench-returns-") as folder:
        manifest = generate(seed=2017, scale=scale, out_dir=Path(folder))
        started = time.perf_counter()
        returns = write_returns(manifest, Path(folder) / "returns")
        written = time.perf_counter() - started
        print(f"county scale {scale:g}: returns written in {written:.2f} s", flush=True)
        remembered = RememberedPeriods()
        for kind in ("cin", "ssda903", "annex_a"):
            size = sum(p.stat().st_size for r in returns.of(kind) for p in r.paths)
            records = 0
            started = time.perf_counter()
            for demo_return in returns.of(kind):
                converted = read_return(
                    kind,
                    list(demo_return.paths),
                    covers=demo_return.covers,
                    previous_period=remembered,
                )
                remembered.remember(converted)
                assert converted.accepted, converted.problems[:3]
                records += sum(len(d.rows) for d in converted.datasets.values())
            took = time.perf_counter() - started
            print(
                f"  {kind}: {len(returns.of(kind))} returns, {size / 1e6:.1f} MB, "
                f"{records:,} canonical rows in {took:.2f} s ({records / took:,.0f} rows/s)",
                flush=True,
            )


def run() -> None:
    for scale in (1, 10):
        _report(scale)

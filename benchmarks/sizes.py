"""The benchmark sizes, chosen with ``BENCH_SIZES``, and the files each one is generated as.

| key | data | records |
|---|---|---|
| ``county`` | the demo county, scale 1: four financial years (2016-17 to 2019-20) | ≈ 0.24 M |
| ``20x`` | the demo county at scale 20 | ≈ 4.8 M |
| ``tenth`` | England-shaped, one tenth: 150 authorities, ten financial years | ≈ 3.1 M |
| ``england`` | England-shaped, full volume | ≈ 31 M |

``BENCH_SIZES=county,20x`` (the default) or any comma-separated keys.

The engine alone, from the files (no database), is also timed here
(``python -m benchmarks.sizes engine FOLDER START END OUT.csv``): the
engine's own cost, beside the reference's and the stored compute's.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from benchmarks.national import generate_national, manifest_of
from safeplan.demo.generator import DemoManifest, generate

SEED = 2017
DEFAULT = "county,20x"
#: The default plan's start (County Durham 2017–2020), from which M9 counts cumulatively.
PLAN_START = date(2017, 4, 1)


@dataclass(frozen=True)
class Size:
    key: str
    label: str
    national: bool
    scale: float

    def generate(self, out_dir: Path) -> DemoManifest:
        if self.national:
            return generate_national(seed=SEED, fraction=self.scale, out_dir=out_dir)
        return generate(seed=SEED, scale=self.scale, out_dir=out_dir)


SIZES = {
    size.key: size
    for size in (
        Size("county", "county (demo scale 1)", national=False, scale=1.0),
        Size("20x", "20× county (demo scale 20)", national=False, scale=20.0),
        Size("tenth", "one tenth of England (150 authorities, 10 years)", national=True, scale=0.1),
        Size("england", "England (150 authorities, 10 years)", national=True, scale=1.0),
    )
}


def chosen(text: str | None) -> list[Size]:
    """The sizes named in ``BENCH_SIZES`` (comma separated), in the order given."""
    keys = [key.strip() for key in (text or DEFAULT).split(",") if key.strip()]
    unknown = [key for key in keys if key not in SIZES]
    if unknown:
        raise SystemExit(
            f"BENCH_SIZES: unknown size {', '.join(unknown)}; choose from {', '.join(SIZES)}"
        )
    return [SIZES[key] for key in keys]


def _engine_from_files(folder: str, start: str, end: str, out: str) -> dict[str, float]:
    from safeplan.demo.frames import demo_measure_inputs
    from safeplan.engine.measures import MeasureInputs, compute_all
    from safeplan.engine.periods import periods_between

    window = (date.fromisoformat(start), date.fromisoformat(end))
    started = time.perf_counter()
    inputs = demo_measure_inputs(manifest_of(Path(folder), window))
    read = time.perf_counter() - started
    inputs = MeasureInputs(frames=inputs.frames, coverage=inputs.coverage, plan_start=PLAN_START)
    started = time.perf_counter()
    results = compute_all(inputs, periods_between(*window))
    engine = time.perf_counter() - started
    results.write_csv(out)
    return {"read": read, "engine": engine}


if __name__ == "__main__":
    print(json.dumps(_engine_from_files(*sys.argv[2:6])), flush=True)

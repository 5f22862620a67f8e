"""The synthetic county: a deterministic generator of all twelve datasets.

``generate(seed=2017, scale=1.0, out_dir=...)`` invents a County Durham-sized
area (about 100,000 children aged 0–17 in seven localities, scaled by
``scale``), follows its children through referrals, assessments, cases, child
protection plans and conferences, care, missing episodes, audits and
challenges, and writes one canonical CSV per dataset. It returns a
`DemoManifest` listing the files in the order to import them, with the
source and coverage window a real partnership would state.

The same seed and scale always give byte-identical files.

    manifest = generate(seed=2017, scale=0.05, out_dir=Path("demo-data"))
    for f in manifest.files:
        print(f.dataset, f.path, f.rows)

Nothing here is real: every child, record and setting is invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from safeplan.datasets.schema import DATASETS, ETHNICITY_CODES, SEX_CODES
from safeplan.demo import casework, events
from safeplan.demo import county as c
from safeplan.demo.columns import codes, dates, flags, ids, write
from safeplan.demo.days import WorkingDays, day_number, years
from safeplan.demo.journeys import Children, choose, simulate

#: Import order: children and population first, then the events they enrich.
IMPORT_ORDER = (
    "children",
    "population",
    "referrals",
    "assessments",
    "cases",
    "cp_plans",
    "cp_conferences",
    "care_periods",
    "missing_episodes",
    "case_audits",
    "elearning_completions",
    "challenges",
)
#: Sources as the real partnership would name them; others use the dataset's name.
SOURCES = {"missing_episodes": "police"}
WINDOW = (c.WINDOW_START, c.WINDOW_END)


@dataclass(frozen=True)
class DemoFile:
    """One generated file and how to import it."""

    dataset: str
    path: Path
    source: str
    covers: tuple[date, date] | None
    rows: int


@dataclass(frozen=True)
class DemoManifest:
    """What `generate` wrote, in import order."""

    seed: int
    scale: float
    window: tuple[date, date]
    files: tuple[DemoFile, ...]

    def path(self, dataset: str) -> Path:
        return next(f.path for f in self.files if f.dataset == dataset)


def generate(*, seed: int = 2017, scale: float = 1.0, out_dir: Path) -> DemoManifest:
    """Write the synthetic county's twelve CSV files into ``out_dir``."""
    if not 0 < scale <= 100:
        raise ValueError(f"scale must be above 0 and at most 100, not {scale}")
    rng = np.random.default_rng(seed)
    kids = _children(rng, scale)
    child_no = rng.permutation(len(kids)).astype(np.int64) + 1
    learner_no = rng.permutation(len(kids)).astype(np.int64) + 1
    ep = simulate(rng, kids)
    linked = casework.link(ep)
    wd = WorkingDays(c.SIM_START.year - 1, c.WINDOW_END.year + 1)
    frames = {
        "children": _children_frame(rng, kids, child_no, ep),
        "population": _population(kids),
        "referrals": casework.referrals(ep, linked, kids, child_no),
        "assessments": casework.assessments(rng, ep, linked, child_no),
        "cases": casework.cases(ep, linked, kids, child_no),
        "cp_plans": casework.cp_plans(ep, linked, child_no),
        "cp_conferences": casework.cp_conferences(rng, ep, linked, kids, child_no),
        "care_periods": casework.care_periods(rng, ep, linked, child_no, wd),
        "missing_episodes": events.missing_episodes(rng, kids, ep, child_no),
        "case_audits": events.case_audits(rng, ep, child_no, scale, wd),
        "elearning_completions": events.elearning_completions(rng, kids, learner_no, scale),
        "challenges": events.challenges(rng, ep, child_no, scale, wd),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    files = tuple(_write(name, frames[name], out_dir) for name in IMPORT_ORDER)
    return DemoManifest(seed=seed, scale=scale, window=WINDOW, files=files)


def _write(dataset: str, frame: pl.DataFrame, out_dir: Path) -> DemoFile:
    path = out_dir / f"{dataset}.csv"
    rows = write(dataset, frame, path)
    covers = WINDOW if DATASETS[dataset].windowed else None
    return DemoFile(dataset, path, SOURCES.get(dataset, dataset), covers, rows)


def _children(rng: np.random.Generator, scale: float) -> Children:
    """Everyone aged 0–17 at some time from 2010 to 2020, and a few unborn in 2020."""
    first = day_number(c.SIM_START) - years(18) + 1
    last = day_number(c.WINDOW_END) + 150
    n = max(1, round(c.BIRTHS_PER_YEAR * scale * (last - first + 1) / 365.25))
    shares = [share for _, share, _ in c.LOCALITIES]
    frailty = rng.gamma(c.FRAILTY_SHAPE, 1 / c.FRAILTY_SHAPE, size=n)
    prebirth = rng.random(n) < c.PREBIRTH_REFERRAL_RATE
    sex = choose(rng, list(c.SEX_WEIGHTS.values()), n)
    concern = choose(rng, c.CONCERN_WEIGHTS_YOUNG, n)
    girls_cse = (np.asarray(SEX_CODES)[sex] == "F") & (rng.random(n) < 0.12)
    ethnicity = np.array([ETHNICITY_CODES.index(code) for code in c.ETHNICITY_WEIGHTS])
    return Children(
        dob=np.sort(rng.integers(first, last + 1, size=n)).astype(np.int64),
        locality=choose(rng, shares, n).astype(np.int64),
        sex=sex.astype(np.int64),
        ethnicity=ethnicity[choose(rng, list(c.ETHNICITY_WEIGHTS.values()), n)].astype(np.int64),
        disabled=rng.random(n) < c.DISABILITY_RATE,
        frailty=np.where(prebirth, frailty + 2.0, frailty),
        concern=np.where(girls_cse, 4, concern).astype(np.int64),
        prebirth=prebirth,
    )


def _children_frame(
    rng: np.random.Generator, kids: Children, child_no: np.ndarray, ep: dict[str, np.ndarray]
) -> pl.DataFrame:
    """Children aged 0–17 at some time from the look-back start; the unborn with a referral."""
    end = day_number(c.WINDOW_END)
    referred = np.zeros(len(kids), dtype=bool)
    referred[ep["child"][ep["day"] <= end].astype(np.int64)] = True
    born = kids.dob <= end
    keep = (kids.turns_18 > day_number(c.LOOKBACK_START)) & (born | referred)
    rows = np.flatnonzero(keep)
    rows = rows[np.argsort(child_no[rows])]
    born = born[rows]
    known = rng.random(rows.size) > 0.02
    return pl.DataFrame(
        {
            "child_id": ids("C", child_no[rows]),
            "date_of_birth": dates(kids.dob[rows], born),
            "expected_date_of_birth": dates(kids.dob[rows], ~born),
            "sex": codes(kids.sex[rows], SEX_CODES),
            "ethnicity": codes(kids.ethnicity[rows], ETHNICITY_CODES),
            "disability": flags(kids.disabled[rows], known),
            "locality": codes(kids.locality[rows], c.LOCALITY_NAMES),
        }
    )


def _population(kids: Children) -> pl.DataFrame:
    """Children aged 0–17 on 30 June of each year, by locality and for the whole area."""
    rows: list[tuple[int, str | None, int]] = []
    for year in c.POPULATION_YEARS:
        mid = day_number(date(year, 6, 30))
        alive = (kids.dob <= mid) & (kids.turns_18 > mid)
        counts = np.bincount(kids.locality[alive], minlength=len(c.LOCALITY_NAMES))
        # A locality without children has no rate; populations must be above 0 (R-V08).
        rows += [
            (year, name, int(n)) for name, n in zip(c.LOCALITY_NAMES, counts, strict=True) if n
        ]
        rows.append((year, None, max(1, int(counts.sum()))))
    return pl.DataFrame(
        rows,
        schema={"year": pl.Int64, "locality": pl.String, "population_0_17": pl.Int64},
        orient="row",
    )

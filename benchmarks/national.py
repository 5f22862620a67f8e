"""England-shaped data for the benchmarks: 150 authorities, ten financial years, streamed to files.

``generate_national(seed=2017, fraction=0.1, out_dir=...)`` writes the twelve
canonical CSV files of an invented England at ``fraction`` of its volume
(1.0 is about 12 million children aged 0–17 and about 31 million records;
0.1 about 3.0 million). Each of the 150 authorities is one synthetic county
drawn with the demo's journey simulation (`safeplan.demo.journeys`: linked
referrals, assessments, cases, conferences, plans and care periods) at its
own size and seed, for the ten financial years the simulation already runs
over (2010-11 to 2019-20, written four years later as 2014-15 to 2023-24:
see `SHIFT_YEARS`); its rows are appended to the twelve files and
then dropped, so memory holds one authority at a time, never the country.

In the files an authority is a locality (``Authority 001`` …), so the
measures by locality are the measures by authority, and every identifier is
prefixed with the authority's code (``A001C0000042``) so that ids stay unique
and a child's records stay linked. The ``children`` file lists the children
who appear in a child-level record (not every child of the population, as
the demo county's does); ``population`` has a row per authority and year and
a row for the whole of England.

The same seed, fraction and number of authorities give byte-identical files.

    manifest = generate_national(seed=2017, fraction=0.001, out_dir=Path("national"))
    for f in manifest.files:
        print(f.dataset, f.rows)

What is borrowed from the demo county and what is new: journeys and the
six casework files come from `safeplan.demo` unchanged (every referral of the
ten simulated years is written, rather than only those from the county's
look-back start); missing episodes, audits, eLearning and challenges are
drawn here over all ten years with the demo's rates — near-copies of
`safeplan.demo.events`, whose versions are fixed to the demo's four years;
they become calls once the demo takes its financial years as a parameter.
The simulation starts empty, so plans and cases open at the start of the
first year are fewer than in a steady state (a run-in of about a year; see
ADR 0028). Everything is invented; nothing is real.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt
import polars as pl

from safeplan.datasets.schema import (
    AUDIT_GRADE_CODES,
    DATASETS,
    EPISODE_TYPE_CODES,
    ETHNICITY_CODES,
    SEX_CODES,
    ColumnType,
)
from safeplan.demo import casework
from safeplan.demo import county as c
from safeplan.demo.columns import codes, dates, datetimes, flags, ids
from safeplan.demo.days import MINUTES_PER_DAY, WorkingDays, by_year, day_number, years

# The demo's private helpers are reused rather than copied: they are pure and
# their behaviour is the demo county's, which is what "the same shapes" means.
from safeplan.demo.events import _care, _in_care_on, _return_interviews, _uniform_days
from safeplan.demo.generator import IMPORT_ORDER, SOURCES, DemoFile, DemoManifest, _children
from safeplan.demo.journeys import Arrays, Children, choose, simulate

#: Children aged 0–17 in England (ONS mid-2019, rounded) and its upper-tier authorities.
ENGLAND_CHILDREN_0_17 = 12_000_000
AUTHORITIES = 150
#: The demo simulation's own ten financial years, 2010-11 to 2019-20, are written four
#: years later (1,461 days: the same calendar dates, one leap day in every four years),
#: as 2014-15 to 2023-24, because financial years before 2012-13 have labels that
#: read as months ("2010-11" is November 2010) and the engine labels both alike.
FINANCIAL_YEARS = tuple(range(c.SIM_START.year, c.WINDOW_END.year))
SHIFT_YEARS = 4
SHIFT_DAYS = (date(c.SIM_START.year + SHIFT_YEARS, 4, 1) - c.SIM_START).days
WINDOW = (
    date(c.SIM_START.year + SHIFT_YEARS, 4, 1),
    date(c.WINDOW_END.year + SHIFT_YEARS, 3, 31),
)
END = day_number(c.WINDOW_END)
END_MINUTE = (END + 1) * MINUTES_PER_DAY - 1
HOUR_WEIGHTS = (2, 1, 1, 1, 1, 1, 1, 2, 3, 3, 3, 3, 4, 4, 5, 7, 8, 8, 8, 8, 7, 6, 4, 3)
#: Spread of authority sizes (lognormal sigma): Rutland to Kent is about 1:50.
SIZE_SIGMA = 0.7

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Authority:
    """One invented authority: its code (the id prefix), name (its locality) and demo scale."""

    code: str
    name: str
    scale: float


def authorities(seed: int, fraction: float, count: int = AUTHORITIES) -> tuple[Authority, ...]:
    """``count`` authorities of lognormal sizes whose children add up to ``fraction`` of England's."""
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be above 0 and at most 1, not {fraction}")
    weights = np.random.default_rng([seed, 0]).lognormal(0.0, SIZE_SIGMA, size=count)
    scales = weights / weights.sum() * ENGLAND_CHILDREN_0_17 * fraction / c.CHILDREN_0_17
    return tuple(
        Authority(f"A{i:03d}", f"Authority {i:03d}", float(scale))
        for i, scale in enumerate(scales, start=1)
    )


def generate_national(
    *, seed: int = 2017, fraction: float = 0.1, out_dir: Path, count: int = AUTHORITIES
) -> DemoManifest:
    """Write England-shaped data at ``fraction`` of England's volume; returns the files in import order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = dict.fromkeys(IMPORT_ORDER, 0)
    england = dict.fromkeys((year + SHIFT_YEARS for year in FINANCIAL_YEARS), 0)
    with ExitStack() as stack:
        handles = {
            name: stack.enter_context((out_dir / f"{name}.csv").open("wb")) for name in IMPORT_ORDER
        }
        for number, authority in enumerate(authorities(seed, fraction, count), start=1):
            rng = np.random.default_rng([seed, number])
            for name, frame in _authority_frames(rng, authority).items():
                _append(handles[name], name, frame, header=rows[name] == 0 and number == 1)
                rows[name] += frame.height
                if name == "population":
                    for year, n in frame.select("year", "population_0_17").iter_rows():
                        england[year] += n
        whole = pl.DataFrame(
            {
                "year": list(england),
                "locality": [None] * len(england),
                "population_0_17": [max(1, n) for n in england.values()],
            },
            schema={"year": pl.Int64, "locality": pl.String, "population_0_17": pl.Int64},
        )
        _append(handles["population"], "population", whole, header=False)
        rows["population"] += whole.height
    return manifest_of(out_dir, WINDOW, rows, seed=seed, scale=fraction)


def manifest_of(
    folder: Path,
    window: tuple[date, date],
    rows: Mapping[str, int] | None = None,
    *,
    seed: int = 0,
    scale: float = 0,
) -> DemoManifest:
    """The twelve ``<dataset>.csv`` files of `folder` in import order, as `generate` describes them."""
    files = tuple(
        DemoFile(
            name,
            folder / f"{name}.csv",
            SOURCES.get(name, name),
            window if DATASETS[name].windowed else None,
            (rows or {}).get(name, 0),
        )
        for name in IMPORT_ORDER
    )
    return DemoManifest(seed=seed, scale=scale, window=window, files=files)


def _append(handle: IO[bytes], dataset: str, frame: pl.DataFrame, *, header: bool) -> None:
    expected = DATASETS[dataset].column_names
    if tuple(frame.columns) != expected:
        raise ValueError(f"{dataset}: columns {frame.columns} are not {expected}")
    frame.write_csv(
        handle,
        include_header=header,
        date_format="%Y-%m-%d",
        datetime_format="%Y-%m-%d %H:%M",
        null_value="",
        line_terminator="\n",
    )


def _authority_frames(rng: np.random.Generator, authority: Authority) -> dict[str, pl.DataFrame]:
    """The twelve datasets of one authority, ids prefixed and localities named after it."""
    kids = _children(rng, authority.scale)
    child_no = rng.permutation(len(kids)).astype(np.int64) + 1
    learner_no = rng.permutation(len(kids)).astype(np.int64) + 1
    ep = simulate(rng, kids)
    linked = _link_all(ep)
    wd = WorkingDays(c.SIM_START.year - 1, c.WINDOW_END.year + 1)
    frames = {
        "referrals": casework.referrals(ep, linked, kids, child_no),
        "assessments": casework.assessments(rng, ep, linked, child_no),
        "cases": casework.cases(ep, linked, kids, child_no),
        "cp_plans": casework.cp_plans(ep, linked, child_no),
        "cp_conferences": casework.cp_conferences(rng, ep, linked, kids, child_no),
        "care_periods": casework.care_periods(rng, ep, linked, child_no, wd),
        "missing_episodes": _missing_episodes(rng, kids, ep, child_no),
        "case_audits": _case_audits(rng, ep, child_no, authority.scale, wd),
        "elearning_completions": _elearning(rng, kids, learner_no, authority),
        "challenges": _challenges(rng, ep, child_no, authority.scale, wd),
    }
    frames["children"] = _children_frame(rng, kids, child_no, frames)
    frames["population"] = _population(kids)
    return {name: _as_authority(name, frames[name], authority) for name in IMPORT_ORDER}


def _as_authority(dataset: str, frame: pl.DataFrame, authority: Authority) -> pl.DataFrame:
    """Prefix every id with the authority's code, name localities after it, move dates on."""
    changes = []
    for column in DATASETS[dataset].columns:
        if column.type in (ColumnType.DATE, ColumnType.DATETIME):
            changes.append(pl.col(column.name) + pl.duration(days=SHIFT_DAYS))
        elif column.name == "year":
            changes.append(pl.col("year") + SHIFT_YEARS)
        elif column.type is ColumnType.ID:
            changes.append((pl.lit(authority.code) + pl.col(column.name)).alias(column.name))
        elif column.name == "locality":
            changes.append(
                pl.when(pl.col("locality").is_not_null())
                .then(pl.lit(authority.name))
                .alias("locality")
            )
    return frame.with_columns(changes)


def _link_all(ep: Arrays) -> casework.Linked:
    """Every simulated referral is written, numbered by date then child (as `casework.link`)."""
    emitted = np.ones(len(ep["day"]), dtype=bool)
    order = np.lexsort((ep["child"], ep["day"]))
    number = np.empty(len(emitted), dtype=np.int64)
    number[order] = np.arange(1, order.size + 1)
    return casework.Linked(emitted, number)


def _year_bounds() -> tuple[Ints, Ints]:
    starts = np.array([day_number(date(y, 4, 1)) for y in FINANCIAL_YEARS], dtype=np.int64)
    ends = np.array([day_number(date(y + 1, 3, 31)) for y in FINANCIAL_YEARS], dtype=np.int64)
    return starts, ends


def _missing_days(
    rng: np.random.Generator, kids: Children, ep: Arrays, care: tuple[Ints, Ints, Ints]
) -> tuple[Ints, Ints]:
    """As the demo's, year by year over ten years: children aged 10–17, in care or at risk more."""
    n = len(kids)
    far = np.iinfo(np.int64).max
    cse_day, known_day = np.full(n, far), np.full(n, far)
    risky = (ep["cse_risk"] >= 2) | (ep["concern"] == 4)
    np.minimum.at(cse_day, ep["child"][risky].astype(np.int64), ep["day"][risky].astype(np.int64))
    np.minimum.at(known_day, ep["child"].astype(np.int64), ep["day"].astype(np.int64))
    children, days = [], []
    c_child, c_start, c_end = care
    for ys, ye in zip(*_year_bounds(), strict=True):
        lo = np.maximum(ys, kids.dob + years(10))
        hi = np.minimum(ye, kids.turns_18 - 1)
        in_care = np.zeros(n, dtype=bool)
        in_care[c_child[(c_start <= ye) & (c_end >= ys)]] = True
        mult = np.select(
            [in_care, cse_day <= ye, known_day <= ye],
            [c.MISSING_IN_CARE, c.MISSING_CSE, c.MISSING_KNOWN],
            1.0,
        )
        trend = float(by_year(c.MISSING_TREND, [ys])[0])
        chance = np.minimum(c.MISSING_BASE * trend * mult * (hi - lo + 1) / 365, 0.9)
        goes = np.flatnonzero((hi >= lo) & (rng.random(n) < chance))
        extra = np.where(in_care[goes], c.EXTRA_EPISODES_CARE, c.EXTRA_EPISODES_HOME) * trend
        who = np.repeat(goes, 1 + rng.negative_binomial(0.7, 0.7 / (0.7 + extra)))
        children.append(who)
        days.append(_uniform_days(rng, lo[who], hi[who]))
    return np.concatenate(children), np.concatenate(days)


def _missing_episodes(
    rng: np.random.Generator, kids: Children, ep: Arrays, child_no: Ints
) -> pl.DataFrame:
    care = _care(ep)
    child, day = _missing_days(rng, kids, ep, care)
    start = (
        day * MINUTES_PER_DAY
        + choose(rng, HOUR_WEIGHTS, day.size) * 60
        + rng.integers(0, 60, size=day.size)
    )
    order = np.lexsort((child, start))
    child, start = child[order], start[order]
    n = child.size
    looked_after = _in_care_on(care, child, start // MINUTES_PER_DAY)
    away = rng.random(n) < c.AWAY_RATE * np.where(looked_after, 1.8, 0.8)
    hours = np.clip(rng.lognormal(np.log(9), 1.2, size=n), 0.25, 720)
    end = start + (hours * 60).astype(np.int64)
    offered, completed, declined = _return_interviews(rng, end, away)
    return pl.DataFrame(
        {
            "episode_id": ids("M", np.arange(1, n + 1)),
            "child_id": casework.child_ids(child_no, child),
            "missing_start": datetimes(start),
            "missing_end": datetimes(end, end <= END_MINUTE),
            "episode_type": codes(away.astype(np.int64), EPISODE_TYPE_CODES),
            "looked_after": flags(looked_after),
            "rhi_offered": flags(offered),
            "rhi_completed_at": datetimes(
                completed, (completed >= 0) & (completed <= END_MINUTE) & (end <= END_MINUTE)
            ),
            "rhi_declined": flags(declined, offered),
            "locality": codes(np.zeros(n, dtype=np.int64), ("authority",)),
        }
    )


def _quarter_days(rng: np.random.Generator, per_quarter: npt.ArrayLike, wd: WorkingDays) -> Ints:
    """Working days for a Poisson number of events in each of the forty quarters."""
    firsts = [
        date(y + (m > 12), (m - 1) % 12 + 1, 1) for y in FINANCIAL_YEARS for m in (4, 7, 10, 13)
    ]
    starts = np.array([day_number(first) for first in firsts] + [END + 1])
    counts = rng.poisson(np.asarray(per_quarter, dtype=np.float64))
    lo, hi = np.repeat(starts[:-1], counts), np.repeat(starts[1:] - 1, counts)
    return np.sort(np.minimum(wd.add(_uniform_days(rng, lo, hi) - 1, 1), hi))


def _case_child(rng: np.random.Generator, ep: Arrays, day: Ints) -> Ints:
    """A child whose case started in the year before each day; -1 when there is none."""
    keep = ~ep["nfa"]
    starts, child = ep["day"][keep].astype(np.int64), ep["child"][keep].astype(np.int64)
    if starts.size == 0:
        return np.full(day.size, -1, dtype=np.int64)
    order = np.argsort(starts, kind="stable")
    starts, child = starts[order], child[order]
    lo = np.searchsorted(starts, day - 365)
    hi = np.searchsorted(starts, day - 14, side="right")
    pick = lo + np.floor(rng.random(day.size) * np.maximum(hi - lo, 0)).astype(np.int64)
    found: Ints = np.where(hi > lo, child[np.minimum(pick, starts.size - 1)], -1)
    return found


def _optional_child_ids(child_no: Ints, child: Ints, valid: npt.ArrayLike = True) -> pl.Series:
    known = (child >= 0) & np.asarray(valid, dtype=bool)
    return ids("C", child_no[np.maximum(child, 0)], known)


def _case_audits(
    rng: np.random.Generator, ep: Arrays, child_no: Ints, scale: float, wd: WorkingDays
) -> pl.DataFrame:
    day = _quarter_days(rng, np.full(4 * len(FINANCIAL_YEARS), c.AUDITS_PER_QUARTER * scale), wd)
    n = day.size
    good = rng.random(n) < by_year(c.LIVED_EXPERIENCE_GOOD, day)
    lived = np.where(
        good, np.where(rng.random(n) < 0.2, 0, 1), np.where(rng.random(n) < 0.75, 2, 3)
    )
    voice = np.where(rng.random(n) < 0.6, lived, np.clip(lived + rng.choice([-1, 1], size=n), 0, 3))
    lived = np.where(rng.random(n) < 0.03, -1, lived)
    return pl.DataFrame(
        {
            "audit_id": ids("U", np.arange(1, n + 1)),
            "audit_date": dates(day),
            "child_id": _optional_child_ids(child_no, _case_child(rng, ep, day)),
            "lived_experience": codes(lived, AUDIT_GRADE_CODES),
            "voice_of_child": codes(voice, AUDIT_GRADE_CODES),
            "agency": codes(choose(rng, c.AUDIT_AGENCY_WEIGHTS, n), c.AGENCIES),
        }
    )


def _challenges(
    rng: np.random.Generator, ep: Arrays, child_no: Ints, scale: float, wd: WorkingDays
) -> pl.DataFrame:
    quarters = [date(y, 4, 1) for y in FINANCIAL_YEARS for _ in range(4)]
    per_quarter = by_year(c.CHALLENGES_PER_QUARTER, [day_number(q) for q in quarters]) * scale
    day = _quarter_days(rng, per_quarter, wd)
    n = day.size
    by = choose(rng, c.CHALLENGE_AGENCY_WEIGHTS, n)
    with_ = (by + rng.integers(1, len(c.CHALLENGE_AGENCIES), size=n)) % len(c.CHALLENGE_AGENCIES)
    stage = choose(rng, c.CHALLENGE_STAGE_WEIGHTS, n) + 1
    resolved = day + rng.lognormal(np.log(8 * stage**1.2), 0.7, size=n).astype(np.int64)
    is_resolved = (rng.random(n) < c.CHALLENGE_RESOLVED) & (resolved <= END)
    outcome = np.where(is_resolved, choose(rng, (0.35, 0.15, 0.2, 0.3), n), -1)
    return pl.DataFrame(
        {
            "challenge_id": ids("H", np.arange(1, n + 1)),
            "raised_date": dates(day),
            "raised_by_agency": codes(by, c.CHALLENGE_AGENCIES),
            "raised_with_agency": codes(with_, c.CHALLENGE_AGENCIES),
            "child_id": _optional_child_ids(
                child_no, _case_child(rng, ep, day), rng.random(n) < 0.85
            ),
            "stage": pl.Series(stage, dtype=pl.Int64),
            "resolved_date": dates(resolved, is_resolved),
            "outcome": codes(outcome, c.CHALLENGE_OUTCOMES),
        }
    )


def _elearning(
    rng: np.random.Generator, kids: Children, learner_no: Ints, authority: Authority
) -> pl.DataFrame:
    """Completions by young people aged 11–18 over the ten years, at the demo's uptake."""
    who, when = [], []
    for ys, ye in zip(*_year_bounds(), strict=True):
        lo = np.maximum(ys, kids.dob + years(11))
        hi = np.minimum(ye, kids.dob + years(19) - 1)
        uptake = float(by_year(c.ELEARNING_UPTAKE, [ys])[0])
        chance = uptake * np.clip(hi - lo + 1, 0, None) / 365
        learners = np.flatnonzero((hi >= lo) & (rng.random(len(kids)) < chance))
        who.append(learners)
        when.append(_uniform_days(rng, lo[learners], hi[learners]))
    child, day = np.concatenate(who), np.concatenate(when)
    again = rng.random(child.size) < c.ELEARNING_REPEAT
    repeat_day = day + 30 + np.floor(rng.random(child.size) * 400).astype(np.int64)
    keep = again & (repeat_day <= np.minimum(END, kids.dob[child] + years(19) - 1))
    child = np.concatenate([child, child[keep]])
    day = np.concatenate([day, repeat_day[keep]])
    order = np.lexsort((learner_no[child], day))
    child, day = child[order], day[order]
    schools = max(1, round(authority.scale * c.CHILDREN_0_17 * c.SCHOOLS_PER_10K_CHILDREN / 10_000))
    school = child * 7919 % 100_003 % schools + 1
    return pl.DataFrame(
        {
            "completion_id": ids("E", np.arange(1, child.size + 1)),
            "learner_id": ids("Y", learner_no[child]),
            "completed_date": dates(day),
            "age": pl.Series(np.floor((day - kids.dob[child]) / 365.25).astype(np.int64)),
            "setting": pl.Series([f"{authority.name} School {s}" for s in school], dtype=pl.String),
            "locality": codes(np.zeros(child.size, dtype=np.int64), ("authority",)),
        }
    )


def _referenced(child_no: Ints, frames: dict[str, pl.DataFrame]) -> Ints:
    """Rows of the children named by any child-level record."""
    numbers = pl.concat(
        [frame.select("child_id") for frame in frames.values() if "child_id" in frame.columns]
    )
    named = numbers.drop_nulls().get_column("child_id").str.slice(1).cast(pl.Int64).unique()
    row_of = np.empty(child_no.size, dtype=np.int64)
    row_of[child_no - 1] = np.arange(child_no.size)
    return np.sort(row_of[named.to_numpy() - 1])


def _children_frame(
    rng: np.random.Generator, kids: Children, child_no: Ints, frames: dict[str, pl.DataFrame]
) -> pl.DataFrame:
    rows = _referenced(child_no, frames)
    rows = rows[np.argsort(child_no[rows])]
    born = kids.dob[rows] <= END
    known = rng.random(rows.size) > 0.02
    return pl.DataFrame(
        {
            "child_id": ids("C", child_no[rows]),
            "date_of_birth": dates(kids.dob[rows], born),
            "expected_date_of_birth": dates(kids.dob[rows], ~born),
            "sex": codes(kids.sex[rows], SEX_CODES),
            "ethnicity": codes(kids.ethnicity[rows], ETHNICITY_CODES),
            "disability": flags(kids.disabled[rows], known),
            "locality": codes(np.zeros(rows.size, dtype=np.int64), ("authority",)),
        }
    )


def _population(kids: Children) -> pl.DataFrame:
    """Children aged 0–17 on 30 June of each year (the authority's row; England's is added last)."""
    counts = []
    for year in FINANCIAL_YEARS:
        mid = day_number(date(year, 6, 30))
        counts.append(max(1, int(((kids.dob <= mid) & (kids.turns_18 > mid)).sum())))
    return pl.DataFrame(
        {
            "year": list(FINANCIAL_YEARS),
            "locality": ["authority"] * len(FINANCIAL_YEARS),
            "population_0_17": counts,
        },
        schema={"year": pl.Int64, "locality": pl.String, "population_0_17": pl.Int64},
    )

"""Children's journeys through social care, simulated for whole cohorts at once.

Each child has a family-level propensity to be referred (a gamma "frailty",
so that a few families account for many referrals). A journey is a chain of
episodes: a referral opens a case; the case closes after no further action,
after the assessment, after a period as a child in need, after a child
protection plan or after a period in care; only then can the next referral
arrive, either as a re-referral within the year (a chance that falls over
the plan's life) or from the family's propensity again. The loop runs over
episode numbers, moving every child with a next referral one step at a time.

Dates are day numbers (see `days`); ``-1`` marks a date that never happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from safeplan.demo import county as c
from safeplan.demo.days import Days, by_year, day_number, fy_index, years

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
#: Named columns of simulated records, all of one length.
Arrays = dict[str, npt.NDArray[Any]]
NEVER = -1
NEG, EMO, PHY, SAB, CSE, OTHER = range(6)
CATEGORIES = ("NEG", "PHY", "EMO", "SAB", "MUL")
SIM_START = day_number(c.SIM_START)
_PLAN_DATES = ("icpc", "start", "end")
END = day_number(c.WINDOW_END)


def choose(rng: np.random.Generator, weights: npt.ArrayLike, size: int) -> npt.NDArray[np.intp]:
    """Indices drawn with the given weights (need not sum to 1)."""
    cdf = np.cumsum(np.asarray(weights, dtype=np.float64))
    return np.searchsorted(cdf / cdf[-1], rng.random(size), side="right")


def choose_rows(rng: np.random.Generator, table: Floats, rows: npt.ArrayLike) -> Ints:
    """For each row index, an index drawn with that row's weights."""
    cdf = np.cumsum(table, axis=1)
    cdf = cdf / cdf[:, -1:]
    picked = cdf[np.asarray(rows)]
    drawn: Ints = (rng.random(len(picked))[:, None] >= picked).sum(axis=1).astype(np.int64)
    return drawn


@dataclass
class Children:
    """The synthetic population: one entry per child ever aged 0–17 in the simulation."""

    dob: Days
    locality: Ints
    sex: Ints
    ethnicity: Ints
    disabled: Bools
    frailty: Floats
    concern: Ints
    prebirth: Bools

    def __len__(self) -> int:
        return len(self.dob)

    @property
    def turns_18(self) -> Days:
        return self.dob + years(18)


@dataclass
class Episodes:
    """One row per referral, with what followed it, collected step by step."""

    parts: dict[str, list[npt.NDArray[Any]]] = field(default_factory=dict)

    def add(self, **arrays: npt.NDArray[Any]) -> None:
        for name, values in arrays.items():
            self.parts.setdefault(name, []).append(values)

    def done(self) -> Arrays:
        return {name: np.concatenate(values) for name, values in self.parts.items()}


class _Hazard:
    """Cumulative referral pressure over time (the county-wide trend), and its inverse."""

    def __init__(self) -> None:
        self.grid = np.arange(SIM_START, END + 2, dtype=np.float64)
        self.cumulative = np.concatenate(
            [[0.0], np.cumsum(by_year(c.REFERRAL_TREND, self.grid[:-1]))]
        )

    def next_time(self, after: Floats, rate: Floats, rng: np.random.Generator) -> Floats:
        target = (
            np.interp(after, self.grid, self.cumulative) + rng.exponential(size=len(after)) / rate
        )
        when = np.interp(target, self.cumulative, self.grid)
        return np.where(target > self.cumulative[-1], np.inf, when)


def simulate(rng: np.random.Generator, kids: Children) -> Arrays:
    """Every referral of every child from 2010 to March 2020, with its consequences."""
    hazard = _Hazard()
    loc_rate = np.array([r for _, _, r in c.LOCALITIES])
    rate = c.REFERRAL_BASE_RATE / 365.25 * loc_rate[kids.locality] * kids.frailty
    last_day = np.minimum(kids.turns_18 - 1, END)
    after = np.maximum(kids.dob, SIM_START).astype(np.float64)
    forced = np.full(len(kids), NEVER, dtype=np.int64)
    early = kids.dob - rng.integers(56, 141, size=len(kids))
    forced = np.where(kids.prebirth & (early >= SIM_START), early, forced)
    # Children due after March 2020 are followed only if referred before birth.
    active = np.flatnonzero((last_day >= after) | (forced <= last_day) & (forced != NEVER))
    episodes = Episodes()
    while active.size:
        drawn = hazard.next_time(after[active], rate[active], rng)
        when = np.where(forced[active] != NEVER, forced[active], drawn)
        keep = when <= last_day[active]
        active, when = active[keep], np.floor(when[keep]).astype(np.int64)
        case_end = _episode(rng, kids, active, when, episodes)
        after[active] = case_end + 1
        again = rng.random(active.size) < by_year(c.REREFERRAL_AFTER_CLOSURE, case_end)
        gap = np.minimum(7 + rng.gamma(1.3, 75, size=active.size), 360).astype(np.int64)
        forced[active] = np.where(again, case_end + gap, NEVER)
        active = active[case_end < last_day[active]]
    return episodes.done()


def _episode(
    rng: np.random.Generator, kids: Children, child: Ints, day: Days, out: Episodes
) -> Days:
    """Simulate one referral per child given; record it and return when the case closes."""
    n = child.size
    age = (day - kids.dob[child]) / 365.25
    unborn = age < 0
    concern = _concern(rng, kids, child, age)
    referral = _referral(rng, concern, age, day, unborn)
    assessed = ~referral["nfa"] & ((rng.random(n) < c.ASSESSMENT_RATE) | unborn)
    a_start = day + np.where(rng.random(n) < 0.4, 0, rng.geometric(0.3, size=n))
    a_days = 8 + rng.gamma(2.0, 14.0 * by_year((1.1, 1.0, 0.9, 0.85), day), size=n)
    a_auth = a_start + np.minimum(a_days, 140).astype(np.int64)
    route = _route(rng, concern, age, day, unborn)
    plan = _plan(rng, concern, a_start, unborn, assessed & (route == 0))
    care = assessed & ((route == 1) | plan["into_care"])
    care_start = np.where(route == 1, a_start + rng.integers(0, 21, size=n), plan["end"])
    care_end = care_start + rng.lognormal(np.log(c.CARE_MEDIAN_DAYS), c.CARE_SIGMA, size=n).astype(
        np.int64
    )
    cap = kids.turns_18[child] - 1
    case_end = _case_end(rng, n, day, referral["nfa"], assessed, route, a_auth, plan, care_end)
    case_end, care_end = np.minimum(case_end, cap), np.minimum(care_end, cap)
    out.add(
        child=child,
        day=day,
        concern=concern,
        **referral,
        assessed=assessed,
        a_start=np.minimum(a_start, cap),
        a_auth=np.minimum(a_auth, cap),
        no_referral_link=rng.random(n) < 0.05,
        need=_need(rng, concern, referral["nfa"], kids.disabled[child]),
        case_end=case_end,
        care=care,
        care_start=np.where(care, np.minimum(care_start, cap), NEVER),
        care_end=np.where(care, care_end, NEVER),
        **{f"plan_{k}": np.minimum(v, cap) if k in _PLAN_DATES else v for k, v in plan.items()},
    )
    return case_end


def _concern(rng: np.random.Generator, kids: Children, child: Ints, age: Floats) -> Ints:
    fresh = np.where(
        age >= 10,
        choose(rng, c.CONCERN_WEIGHTS_TEEN, child.size),
        choose(rng, c.CONCERN_WEIGHTS_YOUNG, child.size),
    )
    usual = np.where((kids.concern[child] == CSE) & (age < 10), NEG, kids.concern[child])
    return np.where(rng.random(child.size) < c.CONCERN_PERSISTENCE, usual, fresh).astype(np.int64)


def _referral(
    rng: np.random.Generator, concern: Ints, age: Floats, day: Days, unborn: Bools
) -> Arrays:
    n = concern.size
    source = choose(rng, list(c.SOURCE_WEIGHTS.values()), n)
    prebirth_sources = np.searchsorted(list(c.SOURCE_WEIGHTS), ["3B", "3F", "5A"])
    source = np.where(unborn, prebirth_sources[rng.integers(0, 3, size=n)], source)
    risk = np.where(
        concern == CSE,
        choose(rng, (0.05, 0.20, 0.40, 0.35), n),
        np.where(
            age >= 10, choose(rng, (0.86, 0.10, 0.03, 0.01), n), choose(rng, (0.97, 0.03, 0, 0), n)
        ),
    )
    screened = (rng.random(n) < by_year(c.CSE_SCREENED, day)) & ~unborn
    nfa = (rng.random(n) < c.NFA_RATE * np.where(concern == CSE, 0.3, 1.0)) & ~unborn
    return {
        "source": source.astype(np.int64),
        "cse_risk": np.where(screened, risk, NEVER),
        "nfa": nfa,
    }


def _route(rng: np.random.Generator, concern: Ints, age: Floats, day: Days, unborn: Bools) -> Ints:
    """0 child protection, 1 care, 2 child in need, 3 closed after the assessment."""
    cp = np.array([c.CP_ROUTE[name] for name in ("NEG", "EMO", "PHY", "SAB", "CSE", "OTHER")])[
        concern
    ]
    cp = np.where(concern == NEG, cp * by_year(c.NEGLECT_CP_TREND, day), cp)
    cp = np.where(unborn, 0.6, cp)
    care = c.CARE_ROUTE * np.where(age < 1, 2.5, 1.0)
    u = rng.random(concern.size)
    return np.select([u < cp, u < cp + care, u < cp + care + c.CIN_ROUTE], [0, 1, 2], 3).astype(
        np.int64
    )


def _plan(
    rng: np.random.Generator, concern: Ints, a_start: Days, unborn: Bools, to_conference: Bools
) -> Arrays:
    """The initial conference and, usually, a plan; reviews fall at 3 months then every 6."""
    n = concern.size
    icpc = a_start + 10 + rng.integers(0, 25, size=n)
    made = to_conference & (rng.random(n) < np.where(unborn, 0.92, c.ICPC_LEADS_TO_PLAN))
    table = np.array(
        [c.CATEGORY_BY_CONCERN[k] for k in ("NEG", "EMO", "PHY", "SAB", "CSE", "OTHER")]
    )
    initial = choose_rows(rng, table, concern)
    latest = np.where(
        rng.random(n) < c.CATEGORY_CHANGE_RATE, choose(rng, (2, 1, 3, 0, 4), n), initial
    )
    shift = rng.integers(-7, 8, size=n)
    ends_at = _review_number(rng, icpc)
    third_review = icpc + 91 + 182 * 2 + shift
    scrutinised = rng.random(n) < by_year(c.LONG_PLAN_ENDS_AT_15_MONTHS, third_review)
    ends_at = np.where((ends_at > 3) & scrutinised, 3, ends_at)
    end = icpc + 91 + 182 * (ends_at - 1) + shift
    off_cycle = rng.random(n) < c.PLAN_ENDS_OFF_CYCLE
    end = np.where(
        off_cycle, icpc + ((end - icpc) * rng.uniform(0.25, 1.0, size=n)).astype(np.int64), end
    )
    into_care = made & off_cycle & (rng.random(n) < c.PLAN_ENDS_INTO_CARE / c.PLAN_ENDS_OFF_CYCLE)
    transfer = made & ~unborn & (rng.random(n) < c.TRANSFER_IN_RATE)
    return {
        "conference": to_conference,
        "icpc": np.where(to_conference, icpc, NEVER),
        "made": made,
        "start": np.where(made, icpc, NEVER),
        "end": np.where(made, np.maximum(end, icpc + 1), NEVER),
        "shift": shift,
        "initial": initial,
        "latest": latest,
        "into_care": into_care,
        "transfer_in": transfer,
    }


def _review_number(rng: np.random.Generator, start: Days) -> Ints:
    table = np.array(c.PLAN_ENDS_AT_REVIEW)
    return choose_rows(rng, table, fy_index(start)) + 1


def _case_end(
    rng: np.random.Generator,
    n: int,
    day: Days,
    nfa: Bools,
    assessed: Bools,
    route: Ints,
    a_auth: Days,
    plan: Arrays,
    care_end: Days,
) -> Days:
    trend = by_year(c.CASE_LENGTH_TREND, day)

    def spell(median: float, sigma: float) -> Ints:
        return (trend * rng.lognormal(np.log(median), sigma, size=n)).astype(np.int64)

    after_plan = np.where(rng.random(n) < 0.6, plan["end"] + spell(120, 0.5), plan["end"])
    cp = np.where(plan["made"], after_plan, plan["icpc"] + spell(150, 0.6))
    cp = np.where(plan["into_care"], care_end + rng.integers(0, 31, size=n), cp)
    assessed_end = np.select(
        [route == 0, route == 1, route == 2],
        [cp, care_end + rng.integers(0, 31, size=n), a_auth + spell(170, 0.6)],
        a_auth + rng.integers(0, 15, size=n),
    )
    unassessed = np.where(nfa, day + rng.integers(0, 3, size=n), day + rng.integers(1, 26, size=n))
    # A case stays open at least until its assessment is authorised.
    return np.where(assessed, np.maximum(assessed_end, a_auth), unassessed).astype(np.int64)


def _need(rng: np.random.Generator, concern: Ints, nfa: Bools, disabled: Bools) -> Ints:
    """CIN primary need: N1 abuse or neglect for abuse concerns, a mix otherwise."""
    n = concern.size
    other = choose(rng, (0.03, 0.0, 0.08, 0.10, 0.30, 0.25, 0.12, 0.04, 0.08, 0.0), n)
    other = np.where(disabled & (rng.random(n) < 0.5), 2, other)
    abuse = np.where(rng.random(n) < 0.88, 1, other)
    need = np.where(concern == OTHER, other, abuse)
    return np.where(nfa, np.where(rng.random(n) < 0.7, 9, 0), need).astype(np.int64)

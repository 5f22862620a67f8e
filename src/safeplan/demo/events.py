"""Missing episodes, case audits, eLearning completions and challenges.

These are drawn after the journeys, because they are about the same
children: young people in care or at risk of exploitation go missing far
more often; audits and challenges are about children with a recent case;
eLearning is taken by young people aged 11–18 in their own locality's
schools and youth settings.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

from safeplan.datasets.schema import AUDIT_GRADE_CODES, EPISODE_TYPE_CODES
from safeplan.demo import county as c
from safeplan.demo.casework import child_ids
from safeplan.demo.columns import codes, dates, datetimes, flags, ids
from safeplan.demo.days import (
    MINUTES_PER_DAY,
    WorkingDays,
    by_year,
    day_number,
    years,
)
from safeplan.demo.journeys import Arrays, Children, choose

Ints = npt.NDArray[np.int64]
END = day_number(c.WINDOW_END)
END_MINUTE = (END + 1) * MINUTES_PER_DAY - 1
YEAR_STARTS = np.array([day_number(date(y, 4, 1)) for y in c.FINANCIAL_YEARS], dtype=np.int64)
YEAR_ENDS = np.array([day_number(date(y + 1, 3, 31)) for y in c.FINANCIAL_YEARS], dtype=np.int64)
#: When children go missing: mostly afternoons and evenings.
HOUR_WEIGHTS = (2, 1, 1, 1, 1, 1, 1, 2, 3, 3, 3, 3, 4, 4, 5, 7, 8, 8, 8, 8, 7, 6, 4, 3)


def _uniform_days(rng: np.random.Generator, lo: Ints, hi: Ints) -> Ints:
    return lo + np.floor(rng.random(lo.size) * (hi - lo + 1)).astype(np.int64)


def _care(ep: Arrays) -> tuple[Ints, Ints, Ints]:
    """Every care period (child, start, end), sorted by child then start."""
    rows = np.flatnonzero(ep["care"])
    child, start, end = (ep[k][rows].astype(np.int64) for k in ("child", "care_start", "care_end"))
    order = np.lexsort((start, child))
    return child[order], start[order], end[order]


def _in_care_on(care: tuple[Ints, Ints, Ints], child: Ints, day: Ints) -> npt.NDArray[np.bool_]:
    """Whether each child was looked after on the day (care periods never overlap)."""
    c_child, c_start, c_end = care
    span = np.int64(1 << 20)
    keys = c_child * span + c_start
    at = np.searchsorted(keys, child * span + day, side="right") - 1
    if keys.size == 0:
        return np.zeros(child.size, dtype=bool)
    safe = np.maximum(at, 0)
    found: npt.NDArray[np.bool_] = (at >= 0) & (c_child[safe] == child) & (c_end[safe] >= day)
    return found


def missing_episodes(
    rng: np.random.Generator, kids: Children, ep: Arrays, child_no: Ints
) -> pl.DataFrame:
    """Episodes of children aged 10–17, year by year; many from the same few hundred children."""
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
            "child_id": child_ids(child_no, child),
            "missing_start": datetimes(start),
            "missing_end": datetimes(end, end <= END_MINUTE),
            "episode_type": codes(away.astype(np.int64), EPISODE_TYPE_CODES),
            "looked_after": flags(looked_after),
            "rhi_offered": flags(offered),
            "rhi_completed_at": datetimes(
                completed, (completed >= 0) & (completed <= END_MINUTE) & (end <= END_MINUTE)
            ),
            "rhi_declined": flags(declined, offered),
            "locality": codes(kids.locality[child], c.LOCALITY_NAMES),
        }
    )


def _missing_days(
    rng: np.random.Generator, kids: Children, ep: Arrays, care: tuple[Ints, Ints, Ints]
) -> tuple[Ints, Ints]:
    n = len(kids)
    cse_day = np.full(n, np.iinfo(np.int64).max)
    risky = (ep["cse_risk"] >= 2) | (ep["concern"] == 4)
    np.minimum.at(cse_day, ep["child"][risky].astype(np.int64), ep["day"][risky].astype(np.int64))
    known_day = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(known_day, ep["child"].astype(np.int64), ep["day"].astype(np.int64))
    children, days = [], []
    for k, (ys, ye) in enumerate(zip(YEAR_STARTS, YEAR_ENDS, strict=True)):
        lo = np.maximum(ys, kids.dob + years(10))
        hi = np.minimum(ye, kids.turns_18 - 1)
        in_care = np.zeros(n, dtype=bool)
        c_child, c_start, c_end = care
        in_care[c_child[(c_start <= ye) & (c_end >= ys)]] = True
        mult = np.select(
            [in_care, cse_day <= ye, known_day <= ye],
            [c.MISSING_IN_CARE, c.MISSING_CSE, c.MISSING_KNOWN],
            1.0,
        )
        chance = np.minimum(c.MISSING_BASE * c.MISSING_TREND[k] * mult * (hi - lo + 1) / 365, 0.9)
        goes = np.flatnonzero((hi >= lo) & (rng.random(n) < chance))
        extra = (
            np.where(in_care[goes], c.EXTRA_EPISODES_CARE, c.EXTRA_EPISODES_HOME)
            * c.MISSING_TREND[k]
        )
        count = 1 + rng.negative_binomial(0.7, 0.7 / (0.7 + extra))
        who = np.repeat(goes, count)
        children.append(who)
        days.append(_uniform_days(rng, lo[who], hi[who]))
    return np.concatenate(children), np.concatenate(days)


def _return_interviews(
    rng: np.random.Generator, end: Ints, away: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.bool_], Ints, npt.NDArray[np.bool_]]:
    """Offered flag, completion minute (-1 none) and declined flag per episode."""
    n = end.size
    within = by_year(c.RHI_WITHIN_72H, end // MINUTES_PER_DAY)
    u = rng.random(n)
    on_time = u < within
    late = (u >= within) & (u < within + c.RHI_LATE)
    declined = (u >= within + c.RHI_LATE) & (u < within + c.RHI_LATE + c.RHI_DECLINED)
    offered = on_time | late | declined | (rng.random(n) < 0.5)
    delay = np.where(
        on_time,
        rng.integers(120, 72 * 60 + 1, size=n),
        rng.integers(72 * 60 + 1, 20 * MINUTES_PER_DAY, size=n),
    )
    completed = np.where((on_time | late) & ~away, _in_office_hours(rng, end + delay), -1)
    offered = offered & ~away
    return offered, completed, declined & offered


def _in_office_hours(rng: np.random.Generator, minute: Ints) -> Ints:
    """Move interviews that would fall at night to the next morning, 09:00–11:59."""
    day, hour = minute // MINUTES_PER_DAY, minute % MINUTES_PER_DAY // 60
    morning = 9 * 60 + rng.integers(0, 180, size=minute.size)
    moved = np.where(hour >= 20, day + 1, day) * MINUTES_PER_DAY + morning
    at: Ints = np.where((hour < 9) | (hour >= 20), moved, minute)
    return at


def _quarters(rng: np.random.Generator, per_quarter: npt.ArrayLike, wd: WorkingDays) -> Ints:
    """Working days for a Poisson number of events in each quarter of the window."""
    starts = np.array(
        [
            day_number(date(y + (m > 12), (m - 1) % 12 + 1, 1))
            for y in c.FINANCIAL_YEARS
            for m in (4, 7, 10, 13)
        ]
        + [END + 1]
    )
    counts = rng.poisson(np.asarray(per_quarter, dtype=np.float64))
    lo = np.repeat(starts[:-1], counts)
    hi = np.repeat(starts[1:] - 1, counts)
    day = wd.add(_uniform_days(rng, lo, hi) - 1, 1)
    return np.sort(np.minimum(day, hi))


def _recent_case_child(rng: np.random.Generator, ep: Arrays, day: Ints) -> Ints:
    """A child whose case started in the year before each day (not a no-further-action
    one); -1 when the county is too small to have one."""
    keep = ~ep["nfa"] & (ep["day"] >= day_number(c.LOOKBACK_START) - 400)
    if not keep.any():
        return np.full(day.size, -1, dtype=np.int64)
    starts = ep["day"][keep].astype(np.int64)
    child = ep["child"][keep].astype(np.int64)
    order = np.argsort(starts, kind="stable")
    starts, child = starts[order], child[order]
    lo = np.searchsorted(starts, day - 365)
    hi = np.maximum(np.searchsorted(starts, day - 14, side="right"), lo + 1)
    pick = lo + np.floor(rng.random(day.size) * (hi - lo)).astype(np.int64)
    found: Ints = child[np.minimum(pick, starts.size - 1)]
    return found


def _child_ids(child_no: Ints, child: Ints, valid: npt.ArrayLike = True) -> pl.Series:
    known = (child >= 0) & np.asarray(valid, dtype=bool)
    return ids("C", child_no[np.maximum(child, 0)], known)


def case_audits(
    rng: np.random.Generator, ep: Arrays, child_no: Ints, scale: float, wd: WorkingDays
) -> pl.DataFrame:
    """Multi-agency audits, 20–40 a quarter; lived experience graded better each year."""
    day = _quarters(rng, np.full(16, c.AUDITS_PER_QUARTER * scale), wd)
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
            "child_id": _child_ids(child_no, _recent_case_child(rng, ep, day)),
            "lived_experience": codes(lived, AUDIT_GRADE_CODES),
            "voice_of_child": codes(voice, AUDIT_GRADE_CODES),
            "agency": codes(choose(rng, c.AUDIT_AGENCY_WEIGHTS, n), c.AGENCIES),
        }
    )


def challenges(
    rng: np.random.Generator, ep: Arrays, child_no: Ints, scale: float, wd: WorkingDays
) -> pl.DataFrame:
    """Professional challenges, more recorded each year; most resolved within weeks."""
    per_quarter = np.repeat(np.asarray(c.CHALLENGES_PER_QUARTER, dtype=np.float64), 4) * scale
    day = _quarters(rng, per_quarter, wd)
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
            "child_id": _child_ids(
                child_no, _recent_case_child(rng, ep, day), rng.random(n) < 0.85
            ),
            "stage": pl.Series(stage, dtype=pl.Int64),
            "resolved_date": dates(resolved, is_resolved),
            "outcome": codes(outcome, c.CHALLENGE_OUTCOMES),
        }
    )


def elearning_completions(
    rng: np.random.Generator, kids: Children, learner_no: Ints, scale: float
) -> pl.DataFrame:
    """Completions by young people aged 11–18 from January 2017, rising each year."""
    launch = day_number(c.ELEARNING_LAUNCH)
    who, when = [], []
    for k, (ys, ye) in enumerate(zip(YEAR_STARTS, YEAR_ENDS, strict=True)):
        lo = np.maximum(max(ys, launch), kids.dob + years(11))
        hi = np.minimum(ye, kids.dob + years(19) - 1)
        chance = c.ELEARNING_UPTAKE[k] * np.clip(hi - lo + 1, 0, None) / 365
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
    return pl.DataFrame(
        {
            "completion_id": ids("E", np.arange(1, child.size + 1)),
            "learner_id": ids("Y", learner_no[child]),
            "completed_date": dates(day),
            "age": pl.Series(np.floor((day - kids.dob[child]) / 365.25).astype(np.int64)),
            "setting": _settings(rng, kids, child, scale),
            "locality": codes(kids.locality[child], c.LOCALITY_NAMES),
        }
    )


def _settings(rng: np.random.Generator, kids: Children, child: Ints, scale: float) -> pl.Series:
    """An invented secondary school (or youth project) in the young person's locality."""
    shares = np.array([share for _, share, _ in c.LOCALITIES])
    schools = np.maximum(
        1, np.round(shares * c.CHILDREN_0_17 * scale * c.SCHOOLS_PER_10K_CHILDREN / 10_000)
    )
    school = (child * 7919 % 100_003) % schools[kids.locality[child]].astype(np.int64) + 1
    youth = rng.random(child.size) < 0.12
    names = [
        f"{loc} Secondary School {n}"
        for loc in c.LOCALITY_NAMES
        for n in range(1, 1 + int(schools.max()))
    ]
    index = kids.locality[child] * int(schools.max()) + school - 1
    youth_names = {-(i + 2): f"{loc} Youth Project" for i, loc in enumerate(c.LOCALITY_NAMES)}
    labels = np.where(youth, -(kids.locality[child] + 2), index)
    mapping = {**dict(enumerate(names)), **youth_names}
    return pl.Series(labels).replace_strict(mapping, return_dtype=pl.String)

"""The social-care datasets drawn from the simulated journeys.

Referrals, assessments, cases, plans, conferences and care periods all come
from the same episodes (see `journeys`), so an assessment follows its
referral, a plan starts at its initial conference and a child comes into care
from a case. A record is written when it is dated from the look-back start
(April 2015) or still open on 1 April 2016; dates after 31 March 2020 are
blank, as in an extract taken that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from safeplan.datasets.schema import (
    ASSESSMENT_FACTOR_CODES,
    CP_CATEGORY_CODES,
    PARTICIPATION_CODES,
    PRIMARY_NEED_CODES,
    REFERRAL_SOURCE_CODES,
)
from safeplan.demo import county as c
from safeplan.demo.columns import codes, dates, flags, ids
from safeplan.demo.days import WorkingDays, by_year, day_number
from safeplan.demo.journeys import CATEGORIES, NEVER, Arrays, Children, choose

END = day_number(c.WINDOW_END)
WINDOW_START = day_number(c.WINDOW_START)
LOOKBACK = day_number(c.LOOKBACK_START)
CSE_RISK = ("none", "low", "medium", "high")

#: Assessment factors by concern (NEG, EMO, PHY, SAB, CSE, OTHER): code → chance.
FACTORS: tuple[dict[str, float], ...] = (
    {"16A": 0.92, "4B": 0.30, "2B": 0.20, "1B": 0.20, "3A": 0.25},
    {"3A": 0.45, "3B": 0.25, "17A": 0.50, "4B": 0.30, "16A": 0.08},
    {"18B": 0.80, "3A": 0.30, "16A": 0.08},
    {"19B": 0.75, "19A": 0.15, "4B": 0.10},
    {"11A": 0.90, "10A": 0.30, "15A": 0.20, "24A": 0.15, "13A": 0.05, "12A": 0.02},
    {"14A": 0.30, "4B": 0.20, "6A": 0.10, "5A": 0.10, "7A": 0.05, "1A": 0.05, "2A": 0.05,
     "22A": 0.04, "21": 0.02, "9A": 0.02, "16A": 0.06, "8B": 0.01, "20": 0.005},
)  # fmt: skip


@dataclass(frozen=True)
class Linked:
    """Row numbers that tie the datasets together."""

    emitted: npt.NDArray[np.bool_]
    referral_number: npt.NDArray[np.int64]


def child_ids(numbers: npt.NDArray[np.int64], child: npt.ArrayLike) -> pl.Series:
    return ids("C", numbers[np.asarray(child)])


def link(ep: Arrays) -> Linked:
    """Which episodes are written, and each written referral's sequence number by date."""
    case_end = ep["case_end"].astype(np.int64)
    emitted = (ep["day"] >= LOOKBACK) | (case_end >= WINDOW_START)
    order = np.lexsort((ep["child"], ep["day"]))
    order = order[emitted[order]]
    number = np.full(len(emitted), NEVER, dtype=np.int64)
    number[order] = np.arange(1, order.size + 1)
    return Linked(emitted, number)


def referrals(
    ep: Arrays, link_: Linked, kids: Children, child_no: npt.NDArray[np.int64]
) -> pl.DataFrame:
    rows = np.argsort(np.where(link_.emitted, link_.referral_number, np.iinfo(np.int64).max))
    rows = rows[: int(link_.emitted.sum())]
    return pl.DataFrame(
        {
            "referral_id": ids("R", link_.referral_number[rows]),
            "child_id": child_ids(child_no, ep["child"][rows]),
            "referral_date": dates(ep["day"][rows]),
            "source": codes(ep["source"][rows], REFERRAL_SOURCE_CODES),
            "cse_risk": codes(ep["cse_risk"][rows], CSE_RISK),
            "nfa": flags(ep["nfa"][rows]),
            "locality": codes(kids.locality[ep["child"][rows]], c.LOCALITY_NAMES),
        }
    )


def _sorted_rows(
    mask: npt.NDArray[np.bool_], day: npt.NDArray[np.int64], tie: npt.NDArray[np.int64]
) -> npt.NDArray[np.intp]:
    rows = np.flatnonzero(mask)
    return rows[np.lexsort((tie[rows], day[rows]))]


def assessments(
    rng: np.random.Generator, ep: Arrays, link_: Linked, child_no: npt.NDArray[np.int64]
) -> pl.DataFrame:
    start = ep["a_start"].astype(np.int64)
    rows = _sorted_rows(
        link_.emitted & ep["assessed"] & (start <= END), start, link_.referral_number
    )
    auth = ep["a_auth"][rows]
    return pl.DataFrame(
        {
            "assessment_id": ids("A", np.arange(1, rows.size + 1)),
            "child_id": child_ids(child_no, ep["child"][rows]),
            "referral_id": ids("R", link_.referral_number[rows], ~ep["no_referral_link"][rows]),
            "start_date": dates(start[rows]),
            "authorised_date": dates(auth, auth <= END),
            "factors": _factors(rng, ep["concern"][rows].astype(np.int64)),
        }
    )


def _factors(rng: np.random.Generator, concern: npt.NDArray[np.int64]) -> pl.Series:
    """A `;`-separated factor list per assessment, drawn as a bit mask per row."""
    position = {code: i for i, code in enumerate(ASSESSMENT_FACTOR_CODES)}
    chance = np.zeros((len(FACTORS), len(ASSESSMENT_FACTOR_CODES)))
    for row, table in enumerate(FACTORS):
        for code, p in table.items():
            chance[row, position[code]] = p
    drawn = rng.random((concern.size, len(ASSESSMENT_FACTOR_CODES))) < chance[concern]
    masks = drawn.astype(np.int64) @ (1 << np.arange(len(ASSESSMENT_FACTOR_CODES), dtype=np.int64))
    unique, inverse = np.unique(masks, return_inverse=True)
    text = [
        ";".join(code for i, code in enumerate(ASSESSMENT_FACTOR_CODES) if m >> i & 1)
        for m in unique
    ]
    as_text = np.array([t or "" for t in text], dtype=object)[inverse]
    return pl.Series("factors", as_text, dtype=pl.String).replace("", None)


def cases(
    ep: Arrays, link_: Linked, kids: Children, child_no: npt.NDArray[np.int64]
) -> pl.DataFrame:
    rows = _sorted_rows(link_.emitted, ep["day"], link_.referral_number)
    end = ep["case_end"][rows]
    return pl.DataFrame(
        {
            "case_id": ids("K", np.arange(1, rows.size + 1)),
            "child_id": child_ids(child_no, ep["child"][rows]),
            "start_date": dates(ep["day"][rows]),
            "end_date": dates(end, end <= END),
            "primary_need": codes(ep["need"][rows], PRIMARY_NEED_CODES),
            "locality": codes(kids.locality[ep["child"][rows]], c.LOCALITY_NAMES),
        }
    )


def _category_codes(index: npt.NDArray[Any]) -> pl.Series:
    as_schema = np.array([CP_CATEGORY_CODES.index(name) for name in CATEGORIES])
    return codes(as_schema[index.astype(np.int64)], CP_CATEGORY_CODES)


def cp_plans(ep: Arrays, link_: Linked, child_no: npt.NDArray[np.int64]) -> pl.DataFrame:
    start = ep["plan_start"].astype(np.int64)
    rows = _sorted_rows(
        link_.emitted & ep["plan_made"] & (start <= END), start, link_.referral_number
    )
    end = ep["plan_end"][rows]
    return pl.DataFrame(
        {
            "plan_id": ids("P", np.arange(1, rows.size + 1)),
            "child_id": child_ids(child_no, ep["child"][rows]),
            "start_date": dates(start[rows]),
            "end_date": dates(end, end <= END),
            "initial_category": _category_codes(ep["plan_initial"][rows]),
            "latest_category": _category_codes(ep["plan_latest"][rows]),
        }
    )


def cp_conferences(
    rng: np.random.Generator,
    ep: Arrays,
    link_: Linked,
    kids: Children,
    child_no: npt.NDArray[np.int64],
) -> pl.DataFrame:
    """Initial (or transfer-in) conferences, then reviews at 3 months and every 6 months."""
    icpc = ep["plan_icpc"].astype(np.int64)
    first = np.flatnonzero(link_.emitted & ep["plan_conference"] & (icpc <= END))
    made = first[ep["plan_made"][first]]
    k = np.arange(1, 12)
    review = ep["plan_start"][made][:, None] + 91 + 182 * (k - 1) + ep["plan_shift"][made][:, None]
    held = (review <= ep["plan_end"][made][:, None]) & (review <= END)
    plan_row, _ = np.nonzero(held)
    row = np.concatenate([first, made[plan_row]])
    when = np.concatenate([icpc[first], review[held]]).astype(np.int64)
    kind = np.concatenate(
        [np.where(ep["plan_transfer_in"][first], 2, 0), np.ones(plan_row.size, dtype=np.int64)]
    )
    order = np.lexsort((kind, link_.referral_number[row], when))
    row, when, kind = row[order], when[order], kind[order]
    child = ep["child"][row].astype(np.int64)
    participation, shared, unborn = _participation(rng, when, kids.dob[child])
    return pl.DataFrame(
        {
            "conference_id": ids("F", np.arange(1, row.size + 1)),
            "child_id": child_ids(child_no, child),
            "conference_date": dates(when),
            "conference_type": codes(kind, ("initial", "review", "transfer_in")),
            "participation": codes(participation, PARTICIPATION_CODES),
            "views_shared": flags(shared >= 1, shared >= 0),
            "unborn": flags(unborn),
        }
    )


def _participation(
    rng: np.random.Generator, when: npt.NDArray[np.int64], dob: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """PN code (or -1), views-shared flag (1, 0 or -1 blank) and unborn flag per conference."""
    n = when.size
    unborn = when < dob
    under_4 = ~unborn & (when - dob < 4 * 365.25)
    shared = rng.random(n) < by_year(c.VIEWS_SHARED, when)
    yes_code = np.array([1, 2, 3, 5, 6])[choose(rng, (0.25, 0.15, 0.05, 0.25, 0.30), n)]
    no_code = np.where(rng.random(n) < 0.3, 4, 7)
    code = np.where(shared, yes_code, no_code)
    flag_only = ~unborn & ~under_4 & (rng.random(n) < c.FLAG_ONLY_CONFERENCES)
    neither = flag_only & (rng.random(n) < 0.15)
    code = np.where(under_4, 0, np.where(unborn | flag_only, -1, code))
    flag = np.where(flag_only, np.where(neither, -1, shared.astype(np.int64)), -1)
    return code.astype(np.int64), flag.astype(np.int64), unborn


def care_periods(
    rng: np.random.Generator,
    ep: Arrays,
    link_: Linked,
    child_no: npt.NDArray[np.int64],
    wd: WorkingDays,
) -> pl.DataFrame:
    """Care periods with initial health assessment dates, on time more often each year."""
    start = ep["care_start"].astype(np.int64)
    rows = _sorted_rows(link_.emitted & ep["care"] & (start <= END), start, link_.referral_number)
    start, end = start[rows], ep["care_end"][rows].astype(np.int64)
    request, completed = _iha(rng, start, end, wd)
    return pl.DataFrame(
        {
            "period_id": ids("L", np.arange(1, rows.size + 1)),
            "child_id": child_ids(child_no, ep["child"][rows]),
            "start_date": dates(start),
            "end_date": dates(end, end <= END),
            "iha_requested_date": dates(request, (request <= END) & (rng.random(rows.size) > 0.02)),
            "iha_completed_date": dates(completed, (completed <= END) & (completed <= end)),
        }
    )


def _iha(
    rng: np.random.Generator,
    start: npt.NDArray[np.int64],
    end: npt.NDArray[np.int64],
    wd: WorkingDays,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    n = start.size
    p_request = by_year(c.IHA_REQUEST_ON_TIME, start)
    p_done = by_year(c.IHA_COMPLETED_ON_TIME, start)
    done_on_time = rng.random(n) < p_done
    request_on_time = done_on_time | (rng.random(n) < (p_request - p_done) / (1 - p_done))
    req = np.where(request_on_time, rng.integers(1, 6, size=n), rng.integers(6, 26, size=n))
    done = np.where(
        done_on_time,
        rng.integers(np.minimum(req + 3, 20), 21),
        rng.integers(np.maximum(req + 3, 21), 80),
    )
    return wd.add(start, req), wd.add(start, done)

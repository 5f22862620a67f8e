"""Random small-number tables of results, built up from the finest cells so that they add up.

Each builder draws the finest figures (a month × locality × other group) and
sums them to every published period, breakdown and group, as the engine's
results do: a quarter with its three months, or a financial year with its
quarters and months. Rows are dicts of text, as `safeplan results` prints.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import polars as pl
from hypothesis import strategies as st

from safeplan.engine.periods import Period, financial_year, periods_between, quarter

Row = dict[str, str]
YEAR = 2019

small = st.one_of(
    st.integers(0, 3), st.integers(0, 3), st.integers(0, 8), st.integers(0, 40)
)  # mostly small, some zeros, sometimes large enough to be shown


def _periods(whole_year: bool) -> list[Period]:
    span = financial_year(YEAR) if whole_year else quarter(YEAR, 1)
    kinds = ("month", "quarter", "year") if whole_year else ("month", "quarter")
    return periods_between(span.start, span.end, kinds=kinds)


def figure_text(value: float | None, *, count: bool) -> str:
    """A figure as `safeplan results` prints it: empty, a whole count, or full float precision."""
    if value is None:
        return ""
    return str(int(value)) if count and float(value).is_integer() else repr(float(value))


def _row(measure: str, period: str, breakdown: str, group: str, value, num, den) -> Row:
    return {
        "measure": measure,
        "period": period,
        "breakdown": breakdown,
        "group": group,
        "value": figure_text(value, count=False),
        "numerator": figure_text(num, count=True),
        "denominator": figure_text(den, count=True),
        "status": "ok",
    }


def result_rows(results: pl.DataFrame) -> list[Row]:
    """The engine's result frame as `safeplan results` prints it."""
    return [
        _row(r["measure"], r["period"], r["breakdown"], r["group"] or "", r["value"],
             r["numerator"], r["denominator"]) | {"status": r["status"]}
        for r in results.iter_rows(named=True)
    ]  # fmt: skip


def _rows_for(
    measure: str,
    periods: Sequence[Period],
    breakdowns: dict[str, Sequence[str]],
    figures: Callable[[Period, str, str], tuple[float | None, int | None, int | None]],
) -> list[Row]:
    return [
        _row(measure, period.label, breakdown, group, *figures(period, breakdown, group))
        for period in periods
        for breakdown, groups in [("all", [""]), *breakdowns.items()]
        for group in groups
    ]


localities = st.lists(
    st.sampled_from(["East", "North", "South", "West"]), min_size=1, max_size=3, unique=True
).flatmap(lambda named: st.sampled_from([sorted(named), [*sorted(named), "Unknown"]]))

EXTRA = {
    "M3": {},
    "M7": {"conference_type": ["initial", "review", "transfer_in"]},
    "M8": {"agency": ["Health", "Police"]},
    "M10": {},
    "M11": {},
    "M12": {"agency": ["Health", "Police"], "stage": ["1", "2"]},
}


@st.composite
def events_tables(draw: st.DrawFn) -> list[Row]:
    """A flow measure of counted events: percent (M3, M7, M8, M11), mean (M10) or count (M12)."""
    measure = draw(st.sampled_from(sorted(EXTRA)))
    periods = _periods(whole_year=draw(st.integers(0, 3)) == 0)
    months = [p for p in periods if p.kind == "month"]
    breakdowns = {"locality": draw(localities), **EXTRA[measure]}
    axes = list(breakdowns.values())
    fine = {}
    for m, *groups in itertools.product([p.label for p in months], *axes):
        den = draw(small)
        if measure == "M10":
            num = draw(st.integers(0, 400 * den)) if den else 0
        else:
            num = draw(st.integers(0, den))
        fine[(m, *groups)] = (num, den)
    names = list(breakdowns)

    def figures(period: Period, breakdown: str, group: str):
        inside = {p.label for p in months if period.start <= p.start <= period.end}
        picked = [
            v
            for k, v in fine.items()
            if k[0] in inside and (breakdown == "all" or k[1 + names.index(breakdown)] == group)
        ]
        num, den = sum(v[0] for v in picked), sum(v[1] for v in picked)
        if measure == "M12":
            return den, None, None
        if measure == "M10":
            return (num / den if den else None), num, den
        return (100.0 * num / den if den else None), num, den

    return _rows_for(measure, periods, breakdowns, figures)


@st.composite
def snapshot_tables(draw: st.DrawFn) -> list[Row]:
    """M4 and M6 together (one denominator): children open at each month end, by locality."""
    periods = _periods(whole_year=draw(st.integers(0, 3)) == 0)
    months = [p for p in periods if p.kind == "month"]
    locs = draw(localities)
    fine = {}
    for m, loc in itertools.product([p.label for p in months], locs):
        den = draw(small)
        fine[(m, loc)] = (draw(st.integers(0, den)), draw(st.integers(0, den)), den)
    last = {
        p.label: max(m for m in months if m.end <= p.end and m.start >= p.start).label
        for p in periods
    }

    def figures(which: int):
        def of(period: Period, breakdown: str, group: str):
            picked = [
                v for k, v in fine.items() if k[0] == last[period.label] and group in ("", k[1])
            ]
            num, den = sum(v[which] for v in picked), sum(v[2] for v in picked)
            return num, num, den

        return of

    return [
        *_rows_for("M4", periods, {"locality": locs}, figures(0)),
        *_rows_for("M6", periods, {"locality": locs}, figures(1)),
    ]


RISKS = ["high", "low", "medium", "none", "Unknown"]


@st.composite
def referral_tables(draw: st.DrawFn) -> list[Row]:
    """M1 and M5 together (one denominator, all referrals); M1 by risk level as well."""
    periods = _periods(whole_year=False)
    months = [p.label for p in periods if p.kind == "month"]
    locs = draw(localities)
    fine = {}
    for m, loc, risk in itertools.product(months, locs, RISKS):
        den = draw(st.integers(0, 3) | st.integers(0, 12))
        m1 = den if risk in ("medium", "high") else 0
        fine[(m, loc, risk)] = (m1, draw(st.integers(0, den)), den)

    def figures(which: int):
        def of(period: Period, breakdown: str, group: str):
            picked = [
                v
                for k, v in fine.items()
                if (k[0] == period.label or period.kind == "quarter")
                and (breakdown == "all" or group == k[1 if breakdown == "locality" else 2])
            ]
            num, den = sum(v[which] for v in picked), sum(v[2] for v in picked)
            return num, num, den

        return of

    return [
        *_rows_for("M1", periods, {"locality": locs, "risk_level": RISKS}, figures(0)),
        *_rows_for("M5", periods, {"locality": locs}, figures(1)),
    ]


@st.composite
def children_tables(draw: st.DrawFn) -> list[Row]:
    """M9 (learners) or M2 (children missing, by looked after): distinct children per period."""
    measure = draw(st.sampled_from(["M2", "M9"]))
    periods = _periods(whole_year=False)
    months = [p.label for p in periods if p.kind == "month"]
    locs = draw(localities)
    children = draw(
        st.lists(
            st.tuples(
                st.sampled_from(locs),
                st.lists(st.tuples(st.sampled_from(months), st.booleans()), min_size=1, max_size=4),
            ),
            max_size=40,
        )
    )

    def figures(period: Period, breakdown: str, group: str):
        counted = [0, 0]
        for loc, events in children:
            inside = [care for m, care in events if m == period.label or period.kind == "quarter"]
            if not inside:
                continue
            looked_after = "looked after" if any(inside) else "not looked after"
            if group != {"all": "", "locality": loc, "looked_after": looked_after}[breakdown]:
                continue
            counted[0] += len(inside) >= 2
            counted[1] += 1
        if measure == "M9":
            return counted[1], None, None
        return counted[0], counted[0], counted[1]

    breakdowns: dict[str, Sequence[str]] = {"locality": locs}
    if measure == "M2":
        breakdowns["looked_after"] = ["looked after", "not looked after"]
    return _rows_for(measure, periods, breakdowns, figures)

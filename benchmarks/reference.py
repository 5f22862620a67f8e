"""The columnar reference: the twelve measures in DuckDB SQL, straight from the canonical CSV files.

Written from `measures.md` (and the readings of ADR 0003 where it leaves
room), not from `safeplan.engine`: the only code shared with the system is
the dataset description that says which columns the files hold and of which
type (`safeplan.datasets.schema`). The holiday calendar is the maintained
`holidays` package, as the spec asks. It computes value, numerator and
denominator for every month, quarter and financial year inside a window,
for the whole area and by locality, parsing the files included, so it is
both the yardstick the issue measures the engine against ("≤ 1.5× that
engine in the same run") and an independent check of the engine's figures
(`compare`).

    with duckdb.connect() as con:
        timings = load_files(con, folder)
        results = measures_compute(con, window=(date(2016, 4, 1), date(2020, 3, 31)))

What it does not do: coverage (`no data`) and notes — it is given a window
the files cover whole; the extra breakdowns (risk level, conference type…);
the secondary figures. Those are the engine's own tests' business.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import holidays
import polars as pl

from safeplan.datasets.schema import DATASETS, ColumnType

_SQL_TYPES = {
    ColumnType.ID: "VARCHAR",
    ColumnType.TEXT: "VARCHAR",
    ColumnType.CODE: "VARCHAR",
    ColumnType.CODE_LIST: "VARCHAR",
    ColumnType.FLAG: "VARCHAR",
    ColumnType.DATE: "DATE",
    ColumnType.DATETIME: "TIMESTAMP",
    ColumnType.INT: "BIGINT",
}

#: A record's locality (`measures.md`, "Locality of a record"): its own, else the child's, else Unknown.
_LOC = "coalesce({own}, cl.loc, 'Unknown')"
_YES = "CASE WHEN {cond} THEN 1 ELSE 0 END"  # a comparison with a blank is "no"

#: Per measure: how the rows aggregate, and the rows — one per counted record or unit per
#: period (``p``), with its locality (``loc``), numerator part (``num``) and denominator part.
#: ``count``: value = Σnum; ``percent``: 100 × Σnum / Σden; ``mean``: Σnum / Σden;
#: ``tally``: value = number of rows, no numerator or denominator.
MEASURE_SQL: Mapping[str, tuple[str, str]] = {
    # M1: referrals in the period; numerator those screened medium or high risk of CSE.
    "M1": (
        "count",
        f"""
        SELECT dp.p, {_LOC.format(own="r.locality")} AS loc,
               {_YES.format(cond="r.cse_risk IN ('medium', 'high')")} AS num, 1 AS den
        FROM referrals r
        JOIN day_periods dp ON dp.day = r.referral_date
        LEFT JOIN child_loc cl ON cl.child_id = r.child_id
        """,
    ),
    # M2: children with ≥ 2 `missing` episodes starting in the period (blank type is
    # `missing`); a child takes the locality of their latest counted episode.
    "M2": (
        "count",
        f"""
        WITH episodes AS (
            SELECT m.child_id, m.episode_id, m.missing_start,
                   {_LOC.format(own="m.locality")} AS loc
            FROM missing_episodes m LEFT JOIN child_loc cl ON cl.child_id = m.child_id
            WHERE coalesce(m.episode_type, 'missing') = 'missing'
        ), per_child AS (
            SELECT dp.p, e.child_id, count(*) AS episodes,
                   last(e.loc ORDER BY e.missing_start, e.episode_id) AS loc
            FROM episodes e JOIN day_periods dp ON dp.day = CAST(e.missing_start AS DATE)
            GROUP BY dp.p, e.child_id
        )
        SELECT p, loc, {_YES.format(cond="episodes >= 2")} AS num, 1 AS den FROM per_child
        """,
    ),
    # M3: `missing` episodes ending in the period; numerator interviews within 72 hours.
    "M3": (
        "percent",
        f"""
        SELECT dp.p, {_LOC.format(own="m.locality")} AS loc,
               {_YES.format(cond="m.rhi_completed_at <= m.missing_end + INTERVAL 72 HOUR")} AS num,
               1 AS den
        FROM missing_episodes m
        JOIN day_periods dp ON dp.day = CAST(m.missing_end AS DATE)
        LEFT JOIN child_loc cl ON cl.child_id = m.child_id
        WHERE coalesce(m.episode_type, 'missing') = 'missing'
        """,
    ),
    # M4: children with a plan open at the period's last day (start ≤ end < end_date or
    # open); numerator those with such a plan whose initial category is NEG.
    "M4": (
        "count",
        f"""
        SELECT o.p, {_LOC.format(own="NULL")} AS loc,
               max({_YES.format(cond="o.initial_category = 'NEG'")}) AS num, 1 AS den
        FROM open_plans o LEFT JOIN child_loc cl ON cl.child_id = o.child_id
        GROUP BY o.p, o.child_id, cl.loc
        """,
    ),
    # M5: referrals in the period; numerator those with an earlier referral of the child
    # in [d − 12 months, d) that led to an assessment (named by referral_id, or without
    # one, an assessment of the child starting in [P's date, d)).
    "M5": (
        "count",
        f"""
        WITH pairs AS (
            SELECT r.referral_id AS rid, r.child_id, r.referral_date AS d,
                   p.referral_id AS pid, p.referral_date AS pd
            FROM referrals r JOIN referrals p
              ON p.child_id = r.child_id
             AND p.referral_date < r.referral_date
             AND p.referral_date >= r.referral_date - INTERVAL 12 MONTH
        ), repeats AS (
            SELECT DISTINCT rid FROM pairs
            WHERE pid IN (SELECT referral_id FROM assessments WHERE referral_id IS NOT NULL)
               OR EXISTS (
                    SELECT 1 FROM assessments a
                    WHERE a.referral_id IS NULL AND a.child_id = pairs.child_id
                      AND a.start_date >= pairs.pd AND a.start_date < pairs.d)
        )
        SELECT dp.p, {_LOC.format(own="r.locality")} AS loc,
               {_YES.format(cond="r.referral_id IN (SELECT rid FROM repeats)")} AS num, 1 AS den
        FROM referrals r
        JOIN day_periods dp ON dp.day = r.referral_date
        LEFT JOIN child_loc cl ON cl.child_id = r.child_id
        """,
    ),
    # M6: children with a plan open at the period's last day; numerator those with an
    # open plan that started on or before the period end − 18 calendar months.
    "M6": (
        "count",
        f"""
        SELECT o.p, {_LOC.format(own="NULL")} AS loc,
               max({_YES.format(cond="o.start_date <= o.period_end - INTERVAL 18 MONTH")}) AS num,
               1 AS den
        FROM open_plans o LEFT JOIN child_loc cl ON cl.child_id = o.child_id
        GROUP BY o.p, o.child_id, cl.loc
        """,
    ),
    # M7: conferences in the period, without those for unborn children (flag, or the
    # child's month of birth or expected birth after the conference) or coded PN0;
    # numerator PN1/2/3/5/6, or with no PN code, views_shared = Y.
    "M7": (
        "percent",
        f"""
        SELECT dp.p, {_LOC.format(own="NULL")} AS loc,
               {_YES.format(cond="f.participation IN ('PN1', 'PN2', 'PN3', 'PN5', 'PN6') OR (f.participation IS NULL AND f.views_shared = 'Y')")} AS num,
               1 AS den
        FROM cp_conferences f
        JOIN day_periods dp ON dp.day = f.conference_date
        LEFT JOIN child_loc cl ON cl.child_id = f.child_id
        LEFT JOIN births b ON b.child_id = f.child_id
        WHERE NOT (coalesce(f.unborn = 'Y', false)
                   OR coalesce(b.birth > f.conference_date, false)
                   OR coalesce(f.participation = 'PN0', false))
        """,
    ),
    # M8: graded audits in the period; numerator outstanding or good.
    "M8": (
        "percent",
        f"""
        SELECT dp.p, {_LOC.format(own="NULL")} AS loc,
               {_YES.format(cond="a.lived_experience IN ('outstanding', 'good')")} AS num,
               1 AS den
        FROM case_audits a
        JOIN day_periods dp ON dp.day = a.audit_date
        LEFT JOIN child_loc cl ON cl.child_id = a.child_id
        WHERE a.lived_experience IS NOT NULL
        """,
    ),
    # M9: distinct learners with a completion in the period, each in the locality of
    # their latest completion (no child to look up: blank is Unknown).
    "M9": (
        "tally",
        """
        SELECT dp.p, last(coalesce(e.locality, 'Unknown') ORDER BY e.completed_date, e.completion_id) AS loc,
               0 AS num, 1 AS den
        FROM elearning_completions e JOIN day_periods dp ON dp.day = e.completed_date
        GROUP BY dp.p, e.learner_id
        """,
    ),
    # M10: neglect cases (an assessment with 16A, or a plan NEG initially or latest,
    # of the child, dated inside the case) ending in the period; mean length in days.
    "M10": (
        "mean",
        f"""
        WITH evidence AS (
            SELECT child_id, start_date AS day FROM assessments
            WHERE list_contains(string_split_regex(factors, '\\s*[;,]\\s*'), '16A')
            UNION ALL
            SELECT child_id, start_date FROM cp_plans
            WHERE initial_category = 'NEG' OR latest_category = 'NEG'
        ), neglect AS (
            SELECT DISTINCT k.case_id FROM cases k JOIN evidence e
              ON e.child_id = k.child_id AND e.day >= k.start_date
             AND (k.end_date IS NULL OR e.day <= k.end_date)
        )
        SELECT dp.p, {_LOC.format(own="k.locality")} AS loc,
               k.end_date - k.start_date AS num, 1 AS den
        FROM cases k
        JOIN neglect n ON n.case_id = k.case_id
        JOIN day_periods dp ON dp.day = k.end_date
        LEFT JOIN child_loc cl ON cl.child_id = k.child_id
        """,
    ),
    # M11: care periods whose IHA is due (20th working day after the start, which is
    # day 0) in the period, less those ended before it with no IHA; numerator IHA by then.
    "M11": (
        "percent",
        f"""
        WITH due AS (
            SELECT c.child_id, c.end_date, c.iha_completed_date, w20.day AS due_date
            FROM care_periods c
            ASOF JOIN workdays w0 ON c.start_date >= w0.day
            JOIN workdays w20 ON w20.k = w0.k + 20
        )
        SELECT dp.p, {_LOC.format(own="NULL")} AS loc,
               {_YES.format(cond="d.iha_completed_date <= d.due_date")} AS num, 1 AS den
        FROM due d
        JOIN day_periods dp ON dp.day = d.due_date
        LEFT JOIN child_loc cl ON cl.child_id = d.child_id
        WHERE NOT (coalesce(d.end_date < d.due_date, false) AND d.iha_completed_date IS NULL)
        """,
    ),
    # M12: challenges raised in the period.
    "M12": (
        "tally",
        f"""
        SELECT dp.p, {_LOC.format(own="NULL")} AS loc, 0 AS num, 1 AS den
        FROM challenges h
        JOIN day_periods dp ON dp.day = h.raised_date
        LEFT JOIN child_loc cl ON cl.child_id = h.child_id
        """,
    ),
}

_VALUE = {
    "count": "num::DOUBLE",
    "percent": "CASE WHEN den > 0 THEN 100::DOUBLE * num::DOUBLE / den::DOUBLE END",
    "mean": "CASE WHEN den > 0 THEN num::DOUBLE / den::DOUBLE END",
    "tally": "den::DOUBLE",
}

RESULT_SCHEMA = {
    **dict.fromkeys(("measure", "period", "period_kind", "breakdown", "group"), pl.String),
    **dict.fromkeys(("value", "numerator", "denominator"), pl.Float64),
}


@dataclass
class Timings:
    """Seconds spent by the reference: reading each file, then each measure."""

    load: dict[str, float] = field(default_factory=dict)
    measures: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.load.values()) + sum(self.measures.values())


def _columns(dataset: str) -> str:
    types = {col.name: _SQL_TYPES[col.type] for col in DATASETS[dataset].columns}
    return "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in types.items()) + "}"


def _select(dataset: str) -> str:
    """The dataset's columns, with a blank or spaces-only locality read as none."""
    names = []
    for col in DATASETS[dataset].columns:
        if col.name == "locality":
            names.append("NULLIF(trim(locality), '') AS locality")
        else:
            names.append(f'"{col.name}"')
    return ", ".join(names)


def load_files(con: Any, folder: Path, timings: Timings | None = None) -> Timings:
    """Parse the twelve ``<dataset>.csv`` files of `folder` into DuckDB tables."""
    timings = timings if timings is not None else Timings()
    for dataset in DATASETS:
        path = folder / f"{dataset}.csv"
        started = time.perf_counter()
        con.execute(
            f"CREATE OR REPLACE TABLE {dataset} AS SELECT {_select(dataset)} FROM read_csv("
            f"?, header = true, columns = {_columns(dataset)}, dateformat = '%Y-%m-%d', "
            "timestampformat = '%Y-%m-%d %H:%M', auto_detect = false)",
            [str(path)],
        )
        timings.load[dataset] = time.perf_counter() - started
    return timings


def _prepare(con: Any, window: tuple[date, date]) -> None:
    """Periods, the days of each, children's localities and births, working days, open plans."""
    start, end = window
    con.execute(
        f"""
        CREATE OR REPLACE TABLE days AS
        SELECT CAST(d AS DATE) AS day
        FROM generate_series(DATE '{start.isoformat()}', DATE '{end.isoformat()}', INTERVAL 1 DAY) t(d);
        CREATE OR REPLACE TABLE day_keys AS
        SELECT day,
               strftime(day, '%Y-%m') AS month,
               year(day) - CASE WHEN month(day) < 4 THEN 1 ELSE 0 END AS fy,
               (month(day) + 8) % 12 // 3 + 1 AS q
        FROM days;
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE day_labels AS
        SELECT day, 'month' AS kind, month AS label FROM day_keys
        UNION ALL SELECT day, 'quarter', printf('%04d-%02d Q%d', fy, (fy + 1) % 100, q) FROM day_keys
        UNION ALL SELECT day, 'year', printf('%04d-%02d', fy, (fy + 1) % 100) FROM day_keys;
        -- Only whole periods: those whose every day lies in the window.
        CREATE OR REPLACE TABLE periods AS
        SELECT row_number() OVER (ORDER BY CASE kind WHEN 'month' THEN 0 WHEN 'quarter' THEN 1
                                  ELSE 2 END, min(day)) - 1 AS p,
               kind, label, min(day) AS period_start, max(day) AS period_end
        FROM day_labels GROUP BY kind, label
        HAVING count(*) = CAST(
            CASE kind WHEN 'month' THEN last_day(min(day)) - min(day) + 1
                      WHEN 'quarter' THEN (min(day) + INTERVAL 3 MONTH)::DATE - min(day)
                      ELSE (min(day) + INTERVAL 12 MONTH)::DATE - min(day) END AS BIGINT)
           AND day(min(day)) = 1 AND (kind = 'month' OR month(min(day)) IN (1, 4, 7, 10))
           AND (kind <> 'year' OR month(min(day)) = 4);
        CREATE OR REPLACE TABLE day_periods AS
        SELECT l.day, p.p FROM day_labels l JOIN periods p USING (kind, label);
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE child_loc AS
        SELECT child_id, min(locality) AS loc FROM children
        WHERE locality IS NOT NULL GROUP BY child_id;
        CREATE OR REPLACE TABLE births AS
        SELECT child_id,
               min(coalesce(CAST(date_trunc('month', date_of_birth) AS DATE),
                            expected_date_of_birth)) AS birth
        FROM children GROUP BY child_id;
        CREATE OR REPLACE TABLE localities AS
        SELECT DISTINCT loc FROM (
            SELECT locality AS loc FROM children UNION ALL SELECT locality FROM referrals
            UNION ALL SELECT locality FROM cases UNION ALL SELECT locality FROM missing_episodes
            UNION ALL SELECT locality FROM elearning_completions
            UNION ALL SELECT locality FROM population)
        WHERE loc IS NOT NULL AND loc <> 'Unknown';
        CREATE OR REPLACE TABLE open_plans AS
        SELECT p.p, p.period_end, c.child_id, c.start_date, c.initial_category
        FROM cp_plans c JOIN periods p
          ON c.start_date <= p.period_end AND (c.end_date IS NULL OR c.end_date > p.period_end);
        """
    )
    holidays_ = sorted(holidays.country_holidays("GB", subdiv="ENG", years=range(1990, 2041)))
    con.execute("CREATE OR REPLACE TABLE bank_holidays (day DATE)")
    con.executemany("INSERT INTO bank_holidays VALUES (?)", [[d] for d in holidays_])
    con.execute(
        """
        CREATE OR REPLACE TABLE workdays AS
        SELECT CAST(d AS DATE) AS day, row_number() OVER (ORDER BY d) AS k
        FROM generate_series(DATE '1990-01-01', DATE '2040-12-31', INTERVAL 1 DAY) t(d)
        WHERE isodow(d) <= 5 AND CAST(d AS DATE) NOT IN (SELECT day FROM bank_holidays);
        """
    )


def _measure(con: Any, measure: str) -> list[tuple[Any, ...]]:
    kind, rows = MEASURE_SQL[measure]
    no_ratio = kind == "tally"
    return list(
        con.execute(
            f"""
        WITH counted AS ({rows}),
        agg AS (
            SELECT p, grouping(loc) = 1 AS whole, CASE WHEN grouping(loc) = 0 THEN loc END AS grp,
                   sum(num) AS num, sum(den) AS den
            FROM counted GROUP BY GROUPING SETS ((p), (p, loc))
        ),
        grid AS (
            SELECT p, label, kind, whole, grp FROM periods CROSS JOIN (
                SELECT true AS whole, NULL::VARCHAR AS grp
                UNION ALL SELECT false, loc FROM localities
                UNION ALL SELECT false, 'Unknown') g
        ),
        filled AS (
            SELECT grid.p, grid.label, grid.kind, grid.whole, grid.grp,
                   coalesce(agg.num, 0) AS num, coalesce(agg.den, 0) AS den
            FROM grid LEFT JOIN agg
              ON agg.p = grid.p AND agg.whole = grid.whole AND agg.grp IS NOT DISTINCT FROM grid.grp
        )
        SELECT ?, label, kind, CASE WHEN whole THEN 'all' ELSE 'locality' END, grp,
               {_VALUE[kind]},
               {"NULL" if no_ratio else "num::DOUBLE"}, {"NULL" if no_ratio else "den::DOUBLE"}
        FROM filled ORDER BY p, whole DESC, grp
        """,
            [measure],
        ).fetchall()
    )


def measures_compute(
    con: Any,
    *,
    window: tuple[date, date],
    measures: Sequence[str] | None = None,
    timings: Timings | None = None,
) -> pl.DataFrame:
    """Every measure (or those named) for every whole period in `window`: all and by locality."""
    timings = timings if timings is not None else Timings()
    started = time.perf_counter()
    _prepare(con, window)
    timings.measures["prepare"] = time.perf_counter() - started  # periods, calendars, lookups
    rows: list[tuple[Any, ...]] = []
    for measure in measures or MEASURE_SQL:
        started = time.perf_counter()
        rows += _measure(con, measure)
        timings.measures[measure] = time.perf_counter() - started
    return pl.DataFrame(rows, schema=RESULT_SCHEMA, orient="row")


def reference_from_files(folder: Path, window: tuple[date, date]) -> tuple[pl.DataFrame, Timings]:
    """Parse `folder`'s files and compute every measure in a fresh in-memory DuckDB."""
    import duckdb

    timings = Timings()
    with duckdb.connect() as con:
        load_files(con, folder, timings)
        results = measures_compute(con, window=window, timings=timings)
    return results, timings


# --- the cross-check ------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """How the engine's results agree with the reference's, row by row.

    `disagreements` lists rows whose value, numerator or denominator differ
    (beyond 1e-9 relative, for float64 sums taken in another order);
    `listing_only` counts rows only one side lists whose counts are all 0 —
    a difference in which empty groups are shown, not in any figure.
    """

    compared: int
    disagreements: tuple[dict[str, Any], ...]
    listing_only: int

    @property
    def agrees(self) -> bool:
        return not self.disagreements


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _empty(row: Mapping[str, Any], suffix: str) -> bool:
    return all(
        row[f"{name}{suffix}"] in (None, 0) for name in ("value", "numerator", "denominator")
    )


def compare(reference: pl.DataFrame, engine: pl.DataFrame) -> Comparison:
    """Compare on (measure, period, kind, breakdown, group), the engine's `all` and `locality` rows."""
    keys = ["measure", "period", "period_kind", "breakdown", "group"]
    figures = ["value", "numerator", "denominator"]
    theirs = engine.filter(pl.col("breakdown").is_in(["all", "locality"])).select(*keys, *figures)
    joined = reference.with_columns(_reference=pl.lit(True)).join(
        theirs.with_columns(_engine=pl.lit(True)),
        on=keys,
        how="full",
        coalesce=True,
        nulls_equal=True,
        suffix="_engine",
    )
    disagreements: list[dict[str, Any]] = []
    listing_only = 0
    for row in joined.iter_rows(named=True):
        if not (row["_reference"] and row["_engine"]):
            if _empty(row, "" if row["_reference"] else "_engine"):
                listing_only += 1
                continue
        elif all(_close(row[n], row[f"{n}_engine"]) for n in figures):
            continue
        disagreements.append({k: v for k, v in row.items() if not k.startswith("_")})
    return Comparison(joined.height, tuple(disagreements), listing_only)


if __name__ == "__main__":
    # python -m benchmarks.reference FOLDER START END OUT.csv: results to OUT, timings as JSON.
    import json
    import sys

    folder, start, end, out = sys.argv[1:5]
    found, spent = reference_from_files(
        Path(folder), (date.fromisoformat(start), date.fromisoformat(end))
    )
    found.write_csv(out)
    print(json.dumps({"load": spent.load, "measures": spent.measures, "total": spent.total}))

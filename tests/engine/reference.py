"""A naive, loop-by-loop reading of `measures.md`, to check the vectorised engine against.

Written straight from the definitions with plain Python (no Polars), one
period at a time. Each function returns ``{group: (value, numerator,
denominator, secondary)}`` where group ``None`` is the whole area and other
keys are localities.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import timedelta
from typing import Any

from safeplan.engine.periods import Period, add_months, financial_year_start
from safeplan.engine.workdays import add_working_days

Row = dict[str, Any]
Result = dict[str | None, tuple[Any, Any, Any, dict[str, Any]]]


def _pct(num: int, den: int) -> float | None:
    return 100.0 * num / den if den else None


class Reference:
    def __init__(self, data: dict[str, list[Row]], plan_start=None):
        self.data = data
        self.plan_start = plan_start
        self.children = {c["child_id"]: c for c in data.get("children", [])}

    def rows(self, name: str) -> list[Row]:
        return self.data.get(name, [])

    def locality(self, row: Row) -> str:
        own = row.get("locality")
        if own:
            return own
        child = self.children.get(row.get("child_id"))
        return (child or {}).get("locality") or "Unknown"

    def population(self, period: Period, group: str | None) -> float | None:
        year = financial_year_start(period.end)
        for row in self.rows("population"):
            if row["year"] == year and row.get("locality") == group:
                return float(row["population_0_17"])
        return None

    # --- helpers -------------------------------------------------------------

    def _by_group(self, items, locality, summarise) -> Result:
        groups: dict[str | None, list] = defaultdict(list)
        for item in items:
            groups[None].append(item)
            groups[locality(item)].append(item)
        groups.setdefault(None, [])
        return {g: summarise(g, members) for g, members in groups.items()}

    def _children(self, records, order, period, is_num, extra=None) -> Result:
        """Counted records → one unit per child, located by their latest record."""
        by_child: dict[str, list[Row]] = defaultdict(list)
        for r in records:
            by_child[r["child_id"]].append(r)
        units = []
        for rows in by_child.values():
            latest = max(rows, key=lambda r: (r[order], r[self.id_of(r)]))
            units.append((self.locality(latest), is_num(rows)))

        def summarise(group, members):
            num = sum(1 for _, n in members if n)
            den = len(members)
            secondary = (extra or (lambda g, n, d: {}))(group, num, den)
            return (float(num), float(num), float(den), secondary)

        return self._by_group(units, lambda u: u[0], summarise)

    @staticmethod
    def id_of(row: Row) -> str:
        for key in ("episode_id", "plan_id", "completion_id"):
            if key in row:
                return key
        raise KeyError(row)

    def _rate(self, period):
        def extra(group, num, den):
            pop = self.population(period, group)
            return {"rate_per_10000": num * 10000.0 / pop if pop else None}

        return extra

    # --- the measures ----------------------------------------------------------

    def m1(self, period: Period) -> Result:
        refs = [r for r in self.rows("referrals") if period.contains(r["referral_date"])]

        def summarise(group, members):
            num = sum(1 for r in members if r.get("cse_risk") in ("medium", "high"))
            return (float(num), float(num), float(len(members)), {"share": _pct(num, len(members))})

        return self._by_group(refs, self.locality, summarise)

    def _episodes(self) -> list[Row]:
        return [
            e
            for e in self.rows("missing_episodes")
            if (e.get("episode_type") or "missing") == "missing"
        ]

    def m2(self, period: Period) -> Result:
        counted = [e for e in self._episodes() if period.contains(e["missing_start"].date())]
        return self._children(
            counted, "missing_start", period, lambda rows: len(rows) >= 2, self._rate(period)
        )

    def m3(self, period: Period) -> Result:
        eps = [
            e
            for e in self._episodes()
            if e.get("missing_end") and period.contains(e["missing_end"].date())
        ]

        def summarise(group, members):
            num = sum(
                1
                for e in members
                if e.get("rhi_completed_at")
                and e["rhi_completed_at"] <= e["missing_end"] + timedelta(hours=72)
            )
            declined = sum(1 for e in members if e.get("rhi_declined"))
            return (
                _pct(num, len(members)),
                float(num),
                float(len(members)),
                {"declined": declined},
            )

        return self._by_group(eps, self.locality, summarise)

    def _open_plans(self, period: Period) -> list[Row]:
        day = period.end
        return [
            p
            for p in self.rows("cp_plans")
            if p["start_date"] <= day and (p.get("end_date") is None or p["end_date"] > day)
        ]

    def m4(self, period: Period) -> Result:
        rate = self._rate(period)

        def extra(group, num, den):
            return {"share": _pct(num, den)} | rate(group, num, den)

        is_num = lambda rows: any(p["initial_category"] == "NEG" for p in rows)  # noqa: E731
        return self._children(self._open_plans(period), "start_date", period, is_num, extra)

    def m5(self, period: Period) -> Result:
        refs = self.rows("referrals")
        assessments = self.rows("assessments")
        linked = {a["referral_id"] for a in assessments if a.get("referral_id")}
        by_child: dict[str, list[Row]] = defaultdict(list)
        unlinked: dict[str, list[Row]] = defaultdict(list)
        for r in refs:
            by_child[r["child_id"]].append(r)
        for a in assessments:
            if a.get("referral_id") is None:
                unlinked[a["child_id"]].append(a)

        def assessed(p: Row, d) -> bool:
            if p["referral_id"] in linked:
                return True
            return any(p["referral_date"] <= a["start_date"] < d for a in unlinked[p["child_id"]])

        def repeat(r: Row) -> bool:
            d = r["referral_date"]
            return any(
                p["referral_id"] != r["referral_id"]
                and add_months(d, -12) <= p["referral_date"] < d
                and assessed(p, d)
                for p in by_child[r["child_id"]]
            )

        current = [r for r in refs if period.contains(r["referral_date"])]

        def summarise(group, members):
            num = sum(1 for r in members if repeat(r))
            return (float(num), float(num), float(len(members)), {"share": _pct(num, len(members))})

        return self._by_group(current, self.locality, summarise)

    def m6(self, period: Period) -> Result:
        cutoff = add_months(period.end, -18)
        is_num = lambda rows: any(p["start_date"] <= cutoff for p in rows)  # noqa: E731
        return self._children(self._open_plans(period), "start_date", period, is_num)

    def m7(self, period: Period) -> Result:
        kept = []
        for c in self.rows("cp_conferences"):
            if not period.contains(c["conference_date"]):
                continue
            child = self.children.get(c["child_id"], {})
            birth = child.get("date_of_birth") or child.get("expected_date_of_birth")
            if (
                c.get("unborn")
                or (birth and birth > c["conference_date"])
                or c.get("participation") == "PN0"
            ):
                continue
            kept.append(c)

        def shared(c):
            if c.get("participation"):
                return c["participation"] in ("PN1", "PN2", "PN3", "PN5", "PN6")
            return bool(c.get("views_shared"))

        def summarise(group, members):
            num = sum(1 for c in members if shared(c))
            return (_pct(num, len(members)), float(num), float(len(members)), {})

        return self._by_group(kept, self.locality, summarise)

    def m8(self, period: Period) -> Result:
        audits = [
            a
            for a in self.rows("case_audits")
            if period.contains(a["audit_date"]) and a.get("lived_experience")
        ]

        def summarise(group, members):
            num = sum(1 for a in members if a["lived_experience"] in ("outstanding", "good"))
            return (_pct(num, len(members)), float(num), float(len(members)), {})

        return self._by_group(audits, self.locality, summarise)

    def _learners(self, rows) -> dict[str, str]:
        latest: dict[str, Row] = {}
        for r in rows:
            key = (r["completed_date"], r["completion_id"])
            if r["learner_id"] not in latest or key > (
                latest[r["learner_id"]]["completed_date"],
                latest[r["learner_id"]]["completion_id"],
            ):
                latest[r["learner_id"]] = r
        return {learner: self.locality(r) for learner, r in latest.items()}

    def m9(self, period: Period) -> Result:
        rows = self.rows("elearning_completions")
        now = self._learners([r for r in rows if period.contains(r["completed_date"])])
        cumulative = None
        if self.plan_start and period.end >= self.plan_start:
            cumulative = self._learners(
                [r for r in rows if self.plan_start <= r["completed_date"] <= period.end]
            )
        groups = {None, *now.values(), *((cumulative or {}).values())}

        def figures(group):
            count = sum(1 for loc in now.values() if group is None or loc == group)
            cum = (
                None
                if cumulative is None
                else sum(1 for loc in cumulative.values() if group is None or loc == group)
            )
            return (float(count), None, None, {"cumulative_learners": cum})

        return {g: figures(g) for g in groups}

    def _neglect_evidence(self, case: Row, until) -> bool:
        if not hasattr(self, "_evidence"):
            self._evidence: dict[str, list] = defaultdict(list)
            for a in self.rows("assessments"):
                if "16A" in (a.get("factors") or []):
                    self._evidence[a["child_id"]].append(a["start_date"])
            for p in self.rows("cp_plans"):
                if "NEG" in (p.get("initial_category"), p.get("latest_category")):
                    self._evidence[p["child_id"]].append(p["start_date"])
        end = case.get("end_date")
        return any(
            case["start_date"] <= d and (end is None or d <= end) and d <= until
            for d in self._evidence[case["child_id"]]
        )

    def m10(self, period: Period) -> Result:
        far = period.end + timedelta(days=100_000)
        cases = self.rows("cases")
        closed = [
            c
            for c in cases
            if c.get("end_date")
            and period.contains(c["end_date"])
            and self._neglect_evidence(c, far)
        ]
        live = [
            c
            for c in cases
            if c["start_date"] <= period.end
            and (c.get("end_date") is None or c["end_date"] > period.end)
            and self._neglect_evidence(c, period.end)
        ]
        groups = {None, *map(self.locality, closed), *map(self.locality, live)}

        def figures(group):
            days = [
                (c["end_date"] - c["start_date"]).days
                for c in closed
                if group is None or self.locality(c) == group
            ]
            ages = [
                (period.end - c["start_date"]).days
                for c in live
                if group is None or self.locality(c) == group
            ]
            secondary = {
                "sd": statistics.stdev(days) if len(days) > 1 else None,
                "median": float(statistics.median(days)) if days else None,
                "open_neglect_cases": len(ages),
                "open_mean_age_days": sum(ages) / len(ages) if ages else None,
            }
            mean = sum(days) / len(days) if days else None
            return (mean, float(sum(days)), float(len(days)), secondary)

        return {g: figures(g) for g in groups}

    def m11(self, period: Period) -> Result:
        kept = []
        for c in self.rows("care_periods"):
            due = add_working_days(c["start_date"], 20)
            if not period.contains(due):
                continue
            if c.get("end_date") and c["end_date"] < due and not c.get("iha_completed_date"):
                continue
            kept.append((c, due))

        def summarise(group, members):
            num = sum(
                1
                for c, due in members
                if c.get("iha_completed_date") and c["iha_completed_date"] <= due
            )
            asked = sum(
                1
                for c, _ in members
                if c.get("iha_requested_date")
                and c["iha_requested_date"] <= add_working_days(c["start_date"], 5)
            )
            n = len(members)
            return (_pct(num, n), float(num), float(n), {"requested_within_share": _pct(asked, n)})

        return self._by_group(kept, lambda m: self.locality(m[0]), summarise)

    def m12(self, period: Period) -> Result:
        raised = [c for c in self.rows("challenges") if period.contains(c["raised_date"])]

        def summarise(group, members):
            resolved = [
                c for c in members if c.get("resolved_date") and c["resolved_date"] <= period.end
            ]
            days = [(c["resolved_date"] - c["raised_date"]).days for c in resolved]
            secondary = {
                "resolved_share": _pct(len(resolved), len(members)),
                "median_days_to_resolution": float(statistics.median(days)) if days else None,
            }
            return (float(len(members)), None, None, secondary)

        return self._by_group(raised, self.locality, summarise)

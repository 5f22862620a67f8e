"""An independent reader who tries to work out every ``c`` of a published table.

It is written from ADR 0026's list of what publishing exposes, not from the
engine's structure code: its own cells, equations and inequalities, over the
published rows as strings. For each suppressed cell it asks HiGHS (through
`scipy.optimize.milp`) for the smallest and the largest whole-number value
consistent with everything published, then rounds both answers and checks
them again in exact integer arithmetic. Two exactly checked tables that
differ in the cell prove the cell is not determined; no tolerance is relied
on (a solver slip can only make a test fail, never pass).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from safeplan.engine.periods import parse_period, periods_between

# Per measure: its whole-number figures, what its value is, how its figures behave over time.
COUNT_PAIR = ("numerator", "denominator")
READER = {
    "M1": {"figures": COUNT_PAIR, "value": "numerator", "time": "events", "subset": True},
    "M2": {"figures": COUNT_PAIR, "value": "numerator", "time": "units", "subset": True},
    "M3": {"figures": COUNT_PAIR, "value": "ratio", "time": "events", "subset": True},
    "M4": {"figures": COUNT_PAIR, "value": "numerator", "time": "snapshot", "subset": True},
    "M5": {"figures": COUNT_PAIR, "value": "numerator", "time": "events", "subset": True},
    "M6": {"figures": COUNT_PAIR, "value": "numerator", "time": "snapshot", "subset": True},
    "M7": {"figures": COUNT_PAIR, "value": "ratio", "time": "events", "subset": True},
    "M8": {"figures": COUNT_PAIR, "value": "ratio", "time": "events", "subset": True},
    "M9": {"figures": ("value",), "value": "own", "time": "units", "subset": False},
    "M10": {"figures": COUNT_PAIR, "value": "ratio", "time": "events", "subset": False},
    "M11": {"figures": COUNT_PAIR, "value": "ratio", "time": "events", "subset": True},
    "M12": {"figures": ("value",), "value": "own", "time": "events", "subset": False},
}
SAME_DENOMINATOR = {"M5": "M1", "M6": "M4"}
M1_COUNTED_LEVELS = ("medium", "high")


def _time(measure: str, figure: str) -> str:
    if measure == "M2" and figure == "numerator":
        return "repeat"  # two or more episodes: not bounded by the months' sum
    return str(READER[measure]["time"])


def _sum_of_days(measure: str, figure: str) -> bool:
    return measure == "M10" and figure == "numerator"


Key = tuple[str, str, str, str, str]  # measure, figure, period, breakdown, group


@dataclass
class Reader:
    """What a reader of the published rows knows: shown figures, unknowns and relations."""

    known: dict[Key, int] = field(default_factory=dict)
    unknown: list[Key] = field(default_factory=list)
    equations: list[dict[Key, int]] = field(default_factory=list)
    at_most: list[dict[Key, int]] = field(default_factory=list)  # Σ ≤ 0

    def cells(self) -> set[Key]:
        return set(self.known) | set(self.unknown)


def _key(row: Mapping[str, object], figure: str) -> Key:
    measure = str(row["measure"])
    if figure == "denominator":
        measure = SAME_DENOMINATOR.get(measure, measure)
    group = str(row["group"] or "")
    return (measure, figure, str(row["period"]), str(row["breakdown"]), group)


def read(published: Sequence[Mapping[str, object]]) -> Reader:
    reader = Reader()
    for row in published:
        spec = READER[str(row["measure"])]
        if spec["value"] == "ratio" and row["value"] not in ("", None, "c"):
            # A ratio shown beside a c numerator or denominator would give it away.
            assert row["numerator"] != "c", row
            assert row["denominator"] != "c", row
        if spec["value"] == "numerator":
            assert (row["value"] == "c") == (row["numerator"] == "c"), row
        for figure in spec["figures"]:
            key, text = _key(row, figure), row[figure]
            assert text not in ("", None), row
            if text == "c":
                if key not in reader.unknown:
                    reader.unknown.append(key)
            else:
                value = Fraction(str(text))
                assert value.denominator == 1, row
                assert reader.known.setdefault(key, int(value)) == int(value), row
    _relations(reader)
    return reader


def _relations(reader: Reader) -> None:
    cells = reader.cells()
    by_quantity: dict[tuple[str, str], set[tuple[str, str, str]]] = defaultdict(set)
    for m, f, p, b, g in cells:
        by_quantity[(m, f)].add((p, b, g))
    for (measure, figure), slots in sorted(by_quantity.items()):
        _groups(reader, measure, figure, slots)
        _periods(reader, measure, figure, slots)
    for m, f, p, b, g in sorted(cells):
        if f != "numerator" or not READER[m]["subset"]:
            continue
        den = (SAME_DENOMINATOR.get(m, m), "denominator", p, b, g)
        terms = {(m, f, p, b, g): 1, den: -1}
        if m == "M1" and b == "risk_level" and g in M1_COUNTED_LEVELS:
            reader.equations.append(terms)
        else:
            reader.at_most.append(terms)


def _groups(reader: Reader, measure: str, figure: str, slots: set[tuple[str, str, str]]) -> None:
    parts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for p, b, g in slots:
        if b != "all":
            parts[(p, b)].append(g)
    for (period, breakdown), groups in sorted(parts.items()):
        terms = {(measure, figure, period, breakdown, g): 1 for g in groups}
        terms[(measure, figure, period, "all", "")] = -1
        reader.equations.append(terms)


def _periods(reader: Reader, measure: str, figure: str, slots: set[tuple[str, str, str]]) -> None:
    time = _time(measure, figure)
    for period_label, breakdown, group in sorted(slots):
        period = parse_period(period_label)
        kinds = {"quarter": ["month"], "year": ["quarter", "month"]}.get(period.kind, [])
        for kind in kinds:
            children = [c.label for c in periods_between(period.start, period.end, (kind,))]
            present = [c for c in children if (c, breakdown, group) in slots]
            parent = (measure, figure, period_label, breakdown, group)
            cell = {c: (measure, figure, c, breakdown, group) for c in children}
            if time == "events" and len(present) == len(children):
                reader.equations.append({parent: -1, **{cell[c]: 1 for c in children}})
            elif time == "snapshot" and children[-1] in present:
                reader.equations.append({parent: -1, cell[children[-1]]: 1})
            elif time in ("units", "repeat"):
                ever = breakdown == "all" or (measure == "M2" and group == "looked after")
                for child in present if ever else []:
                    reader.at_most.append({cell[child]: 1, parent: -1})
                if time == "units" and len(present) == len(children):
                    reader.at_most.append({parent: 1, **{cell[c]: -1 for c in children}})


@dataclass(frozen=True)
class Finding:
    cell: Key
    low: int
    high: int


class Attack:
    """Bounds of every unknown over the whole-number tables consistent with a `Reader`."""

    def __init__(
        self,
        reader: Reader,
        lower: Mapping[Key, int],
        upper: Mapping[Key, int | None],
        truth: Mapping[Key, int] | None = None,
    ):
        self.reader = reader
        self.index = {key: i for i, key in enumerate(reader.unknown)}
        # A finite box for the search: any two exact tables inside it are a proof.
        cap = 10 * max([*reader.known.values(), *(truth or {}).values(), 10])
        self.low = [lower[k] for k in reader.unknown]
        self.high = [cap if upper[k] is None else upper[k] for k in reader.unknown]
        self.rows: list[tuple[dict[int, int], int, bool]] = []
        for terms, equal in [(t, True) for t in reader.equations] + [
            (t, False) for t in reader.at_most
        ]:
            coefficients = {self.index[k]: c for k, c in terms.items() if k in self.index}
            rest = sum(c * reader.known[k] for k, c in terms.items() if k not in self.index)
            if coefficients:
                self.rows.append((coefficients, -rest, equal))
            else:
                assert rest == 0 if equal else rest <= 0, terms

    def holds(self, x: Sequence[int]) -> bool:
        """Exact check of a whole-number table against every relation and bound."""
        if any(not lo <= v <= hi for v, lo, hi in zip(x, self.low, self.high, strict=True)):
            return False
        for coefficients, rhs, equal in self.rows:
            total = sum(c * x[i] for i, c in coefficients.items())
            if total > rhs or (equal and total != rhs):
                return False
        return True

    def parts(self) -> list[list[int]]:
        """Unknowns that share no relation are solved apart (the same answers, sooner)."""
        parent = list(range(len(self.index)))

        def root(i: int) -> int:
            while parent[i] != i:
                i = parent[i]
            return i

        for coefficients, _, _ in self.rows:
            first, *rest = coefficients
            for i in rest:
                parent[root(i)] = root(first)
        parts: dict[int, list[int]] = defaultdict(list)
        for i in range(len(parent)):
            parts[root(i)].append(i)
        return list(parts.values())

    def extreme(self, i: int, sign: int, part: list[int], base: list[int]) -> list[int]:
        """`base` with the part's unknowns set to a table where unknown `i` is least (sign 1) or most."""
        local = {j: k for k, j in enumerate(part)}
        rows = [r for r in self.rows if set(r[0]) <= set(local)]
        objective = np.zeros(len(part))
        objective[local[i]] = sign
        constraints = []
        if rows:
            matrix = np.zeros((len(rows), len(part)))
            for r, (coefficients, _, _) in enumerate(rows):
                for j, c in coefficients.items():
                    matrix[r, local[j]] = c
            upper = [rhs for _, rhs, _ in rows]
            lower = [rhs if equal else -np.inf for _, rhs, equal in rows]
            constraints.append(LinearConstraint(matrix, lower, upper))
        result = milp(
            objective,
            integrality=np.ones(len(part)),
            bounds=Bounds([self.low[j] for j in part], [self.high[j] for j in part]),
            constraints=constraints,
            # HiGHS's MIP presolve can call a suboptimal table optimal (ERGO-Code/HiGHS#3073).
            options={"presolve": False},
        )
        assert result.status == 0, (self.reader.unknown[i], result.message)
        table = list(base)
        for j, value in zip(part, result.x, strict=True):
            table[j] = round(float(value))
        assert self.holds(table), f"the solver's table for {self.reader.unknown[i]} fails"
        return table

    def run(self, truth: Mapping[Key, int]) -> list[Finding]:
        """Every unknown's [low, high] over the tables found; truth must be one of them."""
        real = [truth[k] for k in self.reader.unknown]
        assert self.holds(real), "the real figures break the reader's relations"
        findings = []
        for part in self.parts():
            tables = [real]
            for i in part:
                if len({t[i] for t in tables}) < 2:
                    tables += [self.extreme(i, s, part, real) for s in (1, -1)]
                values = [t[i] for t in tables]
                findings.append(Finding(self.reader.unknown[i], min(values), max(values)))
        return findings


def truth_of(rows: Sequence[Mapping[str, object]]) -> dict[Key, int]:
    truth: dict[Key, int] = {}
    for row in rows:
        for figure in READER[str(row["measure"])]["figures"]:
            truth[_key(row, figure)] = int(Fraction(str(row[figure])))
    return truth


def knowledge(
    reader: Reader, rules: Mapping[Key, str] | None
) -> tuple[dict[Key, int], dict[Key, int | None]]:
    """Bounds of each c: zeros are shown, so ≥ 1 (days ≥ 0); with the rules marked, 1–5 or ≥ 6."""
    lower: dict[Key, int] = {}
    upper: dict[Key, int | None] = {}
    for key in reader.unknown:
        days = _sum_of_days(key[0], key[1])
        rule = rules[key] if rules else None
        lower[key] = 0 if days and rule != "secondary" else 1
        upper[key] = 5 if rule == "primary" and not days else None
        if rule == "secondary" and not days:
            lower[key] = 6
    return lower, upper


def undetermined(
    true_rows: Sequence[Mapping[str, object]],
    published: Sequence[Mapping[str, object]],
    rules: Mapping[Key, str] | None = None,
) -> list[Finding]:
    """The findings for every c; the caller asserts low < high for each."""
    reader = read(published)
    lower, upper = knowledge(reader, rules)
    truth = truth_of(true_rows)
    return Attack(reader, lower, upper, truth).run(truth)

"""The published table as whole-number cells and the linear relations a reader can use on them.

Every figure a published table holds becomes a `Cell` of a quantity
(measure, figure, period, breakdown, group); M5's denominator is M1's cell
and M6's is M4's, since they are the same figures. A figure the table does
not hold but that a relation needs (the third month of a quarter whose other
two months are published; a period with no data) is a *hidden* cell: a
whole number ≥ 0 that nobody is told. A `Relation` is Σ coefficient × cell
= 0, or ≤ 0, true of the real figures (ADR 0026, "Additive structure").
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from safeplan.engine.catalogue import CATALOGUE
from safeplan.engine.disclosure.shapes import FIGURES, Figure, Role, Shape, Time
from safeplan.engine.periods import Period, PeriodKind, parse_period, periods_between

WHOLE_AREA = "all"


@dataclass(frozen=True)
class Figures:
    """One result as a table publishes it: a measure's figures for one period and group.

    `group` is ``""`` for the whole area (breakdown ``all``). Figures are
    None where the result has none (no data; a percentage of nothing).
    """

    measure: str
    period: str
    breakdown: str
    group: str
    value: float | None
    numerator: float | None
    denominator: float | None

    def figure(self, name: Figure) -> float | None:
        return {"value": self.value, "numerator": self.numerator, "denominator": self.denominator}[
            name
        ]


@dataclass(frozen=True, order=True)
class Cell:
    """One figure of one result: ``Cell("M3", "numerator", "2019-20 Q4", "locality", "North")``."""

    measure: str
    figure: Figure
    period: str
    breakdown: str
    group: str

    def __str__(self) -> str:
        where = "whole area" if self.breakdown == WHOLE_AREA else f"{self.breakdown} {self.group}"
        return f"{self.measure} {self.figure}, {self.period}, {where}"


@dataclass(frozen=True)
class Relation:
    """Σ coefficient × cell = 0 (`equal`) or ≤ 0, with what it says in words."""

    terms: tuple[tuple[Cell, int], ...]
    equal: bool
    why: str


@dataclass
class Problem:
    """The cells of a family of measures sharing figures (M1 and M5; M4 and M6; any other alone)."""

    values: dict[Cell, int | None] = field(default_factory=dict)  # None: hidden
    roles: dict[Cell, Role] = field(default_factory=dict)
    built_on: dict[Cell, Cell] = field(default_factory=dict)  # a sum → the count of its row
    relations: list[Relation] = field(default_factory=list)

    def hidden(self, cell: Cell) -> bool:
        return self.values[cell] is None


_KIND_RANK = {"month": 0, "quarter": 1, "year": 2}
_MEASURE_RANK = {m: i for i, m in enumerate(CATALOGUE)}


def sort_key(cell: Cell) -> tuple[object, ...]:
    """The stable order of cells: catalogue, figure, period start and length, breakdown, group."""
    period = _period(cell.period)
    breakdowns = (WHOLE_AREA, "locality", *CATALOGUE[cell.measure].breakdowns)
    rank = breakdowns.index(cell.breakdown) if cell.breakdown in breakdowns else len(breakdowns)
    return (
        _MEASURE_RANK[cell.measure],
        FIGURES.index(cell.figure),
        period.start,
        _KIND_RANK[period.kind],
        rank,
        cell.breakdown,
        cell.group,
    )


@functools.lru_cache(maxsize=4096)  # labels repeat across thousands of cells
def _period(label: str) -> Period:
    period = parse_period(label)
    if period.kind == "range":
        raise ValueError(
            f"period {label!r}: a published table holds months, quarters and financial years, "
            "not date ranges"
        )
    return period


def whole_number(value: float, what: str) -> int:
    """A figure that must be a whole number ≥ 0, exactly (``12.0`` → 12)."""
    exact = Fraction(value)
    if exact.denominator != 1 or exact < 0:
        raise ValueError(f"{what}: {value!r} is not a whole number ≥ 0")
    return int(exact)


def _finer(period: Period) -> list[list[Period]]:
    """The tilings of a period by shorter ones: a quarter by months; a year by quarters and by months."""
    finer: dict[str, tuple[PeriodKind, ...]] = {"quarter": ("month",), "year": ("quarter", "month")}
    kinds = finer.get(period.kind, ())
    return [periods_between(period.start, period.end, kinds=(kind,)) for kind in kinds]


Slot = tuple[str, str, str]  # period, breakdown, group


class _Quantity:
    """One quantity's published cells, closed under the relations its `Time` gives."""

    def __init__(self, measure: str, figure: Figure, time: Time, cells: Mapping[Slot, int | None]):
        self.measure, self.figure, self.time = measure, figure, time
        self.groups: dict[str, list[str]] = {WHOLE_AREA: [""]}
        for _, breakdown, group in sorted(cells):
            known = self.groups.setdefault(breakdown, [])
            if group not in known:
                known.append(group)
        self.slices = {(p, b) for p, b, _ in cells} | {(p, WHOLE_AREA) for p, _, _ in cells}
        self.relations: list[Relation] = []

    def cell(self, period: str, breakdown: str, group: str) -> Cell:
        return Cell(self.measure, self.figure, period, breakdown, group)

    def slots(self) -> list[Slot]:
        return [(p, b, g) for p, b in sorted(self.slices) for g in self.groups[b]]

    def add(self, terms: Iterable[tuple[Cell, int]], equal: bool, why: str) -> None:
        self.relations.append(Relation(tuple(terms), equal, f"{self.measure} {self.figure}: {why}"))

    def build(self, monotone: Mapping[str, Sequence[str]]) -> None:
        if self.time is Time.EVENTS:
            self._sums_over_time()
        published = set(self.slices)
        for period_label, breakdown in sorted(published):
            period = _period(period_label)
            for tiling in _finer(period):
                inside = [c for c in tiling if (c.label, breakdown) in published]
                if self.time is Time.SNAPSHOT:
                    self._same_last_day(period, breakdown, inside)
                elif self.time in (Time.UNITS, Time.REPEAT_UNITS):
                    self._distinct(period, breakdown, tiling, inside, monotone)
        self._groups_add_up()

    def _sums_over_time(self) -> None:
        # Close the slices: a parent with any published sub-period of a tiling is
        # their sum; the missing sub-periods are hidden cells, themselves parents.
        done: set[tuple[str, str, int]] = set()
        while True:
            todo = [
                (p, b, i, tiling)
                for p, b in sorted(self.slices)
                for i, tiling in enumerate(_finer(_period(p)))
                if (p, b, i) not in done and any((c.label, b) in self.slices for c in tiling)
            ]
            if not todo:
                return
            for parent, breakdown, i, tiling in todo:
                done.add((parent, breakdown, i))
                kind = tiling[0].kind
                for group in self.groups[breakdown]:
                    terms = [(self.cell(c.label, breakdown, group), 1) for c in tiling]
                    terms.append((self.cell(parent, breakdown, group), -1))
                    self.add(terms, True, f"{parent} is the sum of its {kind}s")
                self.slices.update((c.label, breakdown) for c in tiling)
                self.slices.update((c.label, WHOLE_AREA) for c in tiling)

    def _same_last_day(self, period: Period, breakdown: str, inside: list[Period]) -> None:
        for child in (c for c in inside if c.end == period.end):
            for group in self.groups[breakdown]:
                terms = [
                    (self.cell(child.label, breakdown, group), 1),
                    (self.cell(period.label, breakdown, group), -1),
                ]
                self.add(terms, True, f"{period.label} is {child.label} (the same last day)")

    def _distinct(
        self,
        period: Period,
        breakdown: str,
        tiling: list[Period],
        inside: list[Period],
        monotone: Mapping[str, Sequence[str]],
    ) -> None:
        # A child counted in a sub-period is counted in the period too, in the
        # whole area and in an "ever" group (M2's looked after); and a child
        # counted in the period had a counted event in some sub-period, in the
        # same group (the group comes from those events).
        keep = [""] if breakdown == WHOLE_AREA else list(monotone.get(breakdown, ()))
        for child in inside:
            for group in (g for g in self.groups[breakdown] if g in keep):
                terms = [
                    (self.cell(child.label, breakdown, group), 1),
                    (self.cell(period.label, breakdown, group), -1),
                ]
                self.add(terms, False, f"{period.label} counts everyone {child.label} counts")
        if self.time is Time.UNITS and len(inside) == len(tiling):
            for group in self.groups[breakdown]:
                terms = [(self.cell(period.label, breakdown, group), 1)]
                terms.extend((self.cell(c.label, breakdown, group), -1) for c in tiling)
                self.add(terms, False, f"{period.label} is at most the sum of its sub-periods")

    def _groups_add_up(self) -> None:
        for period, breakdown in sorted(self.slices):
            if breakdown == WHOLE_AREA:
                continue
            terms = [(self.cell(period, breakdown, g), 1) for g in self.groups[breakdown]]
            terms.append((self.cell(period, WHOLE_AREA, ""), -1))
            self.add(terms, True, f"{period}: the {breakdown} groups add up to the whole area")


def build_problem(
    rows: Sequence[Figures], shapes: Mapping[str, Shape]
) -> tuple[Problem, dict[Cell, Cell]]:
    """The family's problem, and each published figure's cell → its canonical cell.

    `shapes` holds every measure of the rows and every measure whose
    denominator they share.
    """
    values, aliases = _canonical_values(rows, shapes)
    problem = Problem()
    for quantity in _quantities(values, shapes):
        quantity.build(shapes[quantity.measure].monotone_groups)
        problem.relations.extend(quantity.relations)
        spec = shapes[quantity.measure].quantity(quantity.figure)
        assert spec is not None
        for slot in quantity.slots():
            cell = quantity.cell(*slot)
            problem.values[cell] = values.get(cell)
            problem.roles[cell] = spec.role
            if spec.role is Role.SUM:
                problem.built_on[cell] = Cell(cell.measure, "denominator", *slot)
    problem.relations.extend(_between_figures(problem, shapes))
    _check(problem)
    return problem, aliases


def _canonical_values(
    rows: Sequence[Figures], shapes: Mapping[str, Shape]
) -> tuple[dict[Cell, int | None], dict[Cell, Cell]]:
    values: dict[Cell, int | None] = {}
    aliases: dict[Cell, Cell] = {}
    for row in rows:
        shape = shapes[row.measure]
        for quantity in shape.quantities:
            own = Cell(row.measure, quantity.figure, row.period, row.breakdown, row.group)
            canonical = own
            if quantity.figure == "denominator" and shape.shared_denominator:
                canonical = Cell(shape.shared_denominator, "denominator", *_slot(own))
            figure = row.figure(quantity.figure)
            value = None if figure is None else whole_number(figure, str(own))
            known = values.get(canonical)
            if known is not None and value is not None and known != value:
                raise ValueError(f"{own} is {value} but {canonical}, the same figure, is {known}")
            if known is None:
                values[canonical] = value
            aliases[own] = canonical
    return values, aliases


def _slot(cell: Cell) -> Slot:
    return cell.period, cell.breakdown, cell.group


def _quantities(values: Mapping[Cell, int | None], shapes: Mapping[str, Shape]) -> list[_Quantity]:
    by_quantity: dict[tuple[str, Figure], dict[Slot, int | None]] = {}
    for cell, value in values.items():
        by_quantity.setdefault((cell.measure, cell.figure), {})[_slot(cell)] = value
    result = []
    for (measure, figure), cells in sorted(
        by_quantity.items(), key=lambda kv: (_MEASURE_RANK[kv[0][0]], FIGURES.index(kv[0][1]))
    ):
        quantity = shapes[measure].quantity(figure)
        assert quantity is not None
        result.append(_Quantity(measure, figure, quantity.time, cells))
    return result


def _between_figures(problem: Problem, shapes: Mapping[str, Shape]) -> list[Relation]:
    """Numerator ≤ denominator (a subset), and numerator = denominator in M1's counted risk levels."""
    relations: list[Relation] = []
    measures = {c.measure for c in problem.values if c.figure == "numerator"}
    for measure in sorted(measures, key=_MEASURE_RANK.__getitem__):
        shape = shapes[measure]
        den_measure = shape.shared_denominator or measure
        slots = sorted(
            {_slot(c) for c in problem.values if c.measure == measure and c.figure == "numerator"}
        )
        for slot in slots:
            numerator = Cell(measure, "numerator", *slot)
            denominator = Cell(den_measure, "denominator", *slot)
            if denominator not in problem.values:
                continue
            _, breakdown, group = slot
            if group in shape.equal_groups.get(breakdown, ()):
                terms = ((numerator, 1), (denominator, -1))
                relations.append(Relation(terms, True, f"{measure}: {group} counts all its own"))
            elif shape.subset:
                terms = ((numerator, 1), (denominator, -1))
                why = f"{measure}: the numerator is part of the denominator"
                relations.append(Relation(terms, False, why))
    return relations


def _check(problem: Problem) -> None:
    """Every relation without hidden cells holds for the figures given, or the table is refused."""
    for relation in problem.relations:
        values = [problem.values[cell] for cell, _ in relation.terms]
        if any(v is None for v in values):
            continue
        total = sum(v * k for v, (_, k) in zip(values, relation.terms, strict=True) if v)
        if (relation.equal and total != 0) or total > 0:
            shown = ", ".join(
                f"{c} = {v}" for (c, _), v in zip(relation.terms, values, strict=True)
            )
            raise ValueError(
                f"the figures break a relation the disclosure check relies on ({relation.why}): "
                f"{shown}; publish every group of a breakdown and figures from one computation"
            )

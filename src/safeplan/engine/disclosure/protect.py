"""Primary and secondary suppression over one family's cells, checked exactly (ADR 0026).

Secondary cells are chosen in two steps, deterministically:

1. **spread**: while an equation has exactly one unknown cell (suppressed
   or hidden) and it is suppressed, suppress the equation's smallest
   non-zero shown cell (ties in `sort_key` order);
2. **check**: for every suppressed cell, look for a second whole-number
   table, consistent with every shown figure, every relation and what a
   reader knows of each suppressed cell (zeros are shown, so a suppressed
   count is at least 1), in which the cell differs. The search is a
   mixed-integer program (HiGHS through SciPy); its answer is rounded and
   checked again in exact integer arithmetic, so a solver tolerance or
   fault can only cost an extra suppression, never a disclosure. A cell with
   no second table gets the smallest shown cell of its nearest relations
   suppressed, and both steps run again.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from enum import StrEnum

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from safeplan.engine.disclosure.shapes import Role
from safeplan.engine.disclosure.structure import Cell, Problem, Relation, sort_key

SMALL = range(1, 6)
NO_LIMIT = float("inf")


class Rule(StrEnum):
    """Why a figure is shown or suppressed."""

    SHOWN = "shown"
    PRIMARY = "primary"  # a count of 1–5, or a figure built on one
    SECONDARY = "secondary"  # suppressed so that no primary or secondary cell can be worked out


def primary(problem: Problem) -> dict[Cell, Rule]:
    """Counts of 1–5, and each sum built on a count of 1–5 (M10's days over 1–5 cases)."""
    rules: dict[Cell, Rule] = {}
    for cell, value in problem.values.items():
        if value is None:
            continue
        if problem.roles[cell] is Role.COUNT:
            small = value in SMALL
        else:
            base = problem.values.get(problem.built_on[cell])
            small = base is not None and base in SMALL
        if small:
            rules[cell] = Rule.PRIMARY
    return rules


def protect(problem: Problem) -> dict[Cell, Rule]:
    """The suppressed cells of `problem` and why; every other published cell is shown."""
    rules = primary(problem)
    index = _Index(problem)
    checked: dict[tuple[tuple[Cell, str], ...], Cell | None] = {}
    _spread(problem, index, rules, sorted(rules, key=index.id.__getitem__))
    while (determined := _first_determined(problem, index, rules, checked)) is not None:
        extra = _nearest_candidate(problem, index, rules, determined)
        if extra is None:
            raise RuntimeError(f"no shown figure is left to protect {determined}")
        rules[extra] = Rule.SECONDARY
        _spread(problem, index, rules, [extra])
    return rules


class _Index:
    """Relations by cell, cells numbered, and each cell's stable-order key computed once."""

    def __init__(self, problem: Problem) -> None:
        self.relations = problem.relations
        self.cells = sorted(problem.values, key=sort_key)
        self.id = {cell: i for i, cell in enumerate(self.cells)}  # ids follow the stable order
        self.terms = [[self.id[c] for c, _ in r.terms] for r in problem.relations]
        self.by_cell: dict[Cell, list[int]] = {}
        for i, relation in enumerate(problem.relations):
            for cell, _ in relation.terms:
                self.by_cell.setdefault(cell, []).append(i)

    def of(self, cell: Cell) -> list[int]:
        return self.by_cell.get(cell, [])


def _unknown(problem: Problem, rules: dict[Cell, Rule], cell: Cell) -> bool:
    return problem.hidden(cell) or cell in rules


def _smallest(
    problem: Problem, index: _Index, rules: dict[Cell, Rule], cells: Iterable[Cell]
) -> Cell | None:
    """The smallest non-zero shown cell, ties in the stable order.

    A count of 0 is never taken: zeros are shown, which is why a reader
    knows a suppressed count is at least 1. A sum of days of 0 may be taken
    last, as a suppressed sum may be 0 anyway (a quarter whose cases all
    closed the day they opened would otherwise show that its months' did).
    """
    shown = [
        c
        for c in cells
        if not _unknown(problem, rules, c) and (problem.values[c] or problem.roles[c] is Role.SUM)
    ]
    return min(
        shown, key=lambda c: (problem.values[c] == 0, problem.values[c], index.id[c]), default=None
    )


def _spread(problem: Problem, index: _Index, rules: dict[Cell, Rule], new: list[Cell]) -> None:
    heap = sorted({i for cell in new for i in index.of(cell)})
    while heap:
        relation = index.relations[heapq.heappop(heap)]
        if not relation.equal:
            continue
        cells = [cell for cell, _ in relation.terms]
        unknown = [c for c in cells if _unknown(problem, rules, c)]
        if len(unknown) != 1 or problem.hidden(unknown[0]):
            continue
        extra = _smallest(problem, index, rules, cells)
        if extra is None:
            continue
        rules[extra] = Rule.SECONDARY
        for i in index.of(extra):
            heapq.heappush(heap, i)


def _nearest_candidate(
    problem: Problem, index: _Index, rules: dict[Cell, Rule], start: Cell
) -> Cell | None:
    """The smallest shown cell of the relations around `start`, nearest relations first."""
    seen_cells, seen_relations = {start}, set[int]()
    frontier = [start]
    while frontier:
        relations = sorted({i for c in frontier for i in index.of(c)} - seen_relations)
        seen_relations.update(relations)
        cells = {c for i in relations for c, _ in index.relations[i].terms}
        if (extra := _smallest(problem, index, rules, cells)) is not None:
            return extra
        frontier = sorted(
            (c for c in cells - seen_cells if _unknown(problem, rules, c)), key=index.id.__getitem__
        )
        seen_cells.update(frontier)
    return None


def _components(
    problem: Problem, index: _Index, rules: dict[Cell, Rule]
) -> list[tuple[list[Cell], list[Relation]]]:
    """Groups of unknown cells linked by relations, each with its relations, in stable order."""
    unknown = [_unknown(problem, rules, cell) for cell in index.cells]
    parent = list(range(len(index.cells)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    touching: list[tuple[int, Relation]] = []
    for ids, relation in zip(index.terms, index.relations, strict=True):
        linked = [i for i in ids if unknown[i]]
        for i in linked[1:]:
            parent[root(i)] = root(linked[0])
        if linked:
            touching.append((linked[0], relation))
    members: dict[int, list[Cell]] = {}
    for i, cell in enumerate(index.cells):  # in stable order, so each group is sorted
        if unknown[i]:
            members.setdefault(root(i), []).append(cell)
    relations: dict[int, list[Relation]] = {}
    for i, relation in touching:
        relations.setdefault(root(i), []).append(relation)
    groups = [(cells, relations.get(key, [])) for key, cells in members.items()]
    return sorted(groups, key=lambda group: index.id[group[0][0]])


def _first_determined(
    problem: Problem,
    index: _Index,
    rules: dict[Cell, Rule],
    checked: dict[tuple[tuple[Cell, str], ...], Cell | None],
) -> Cell | None:
    for cells, relations in _components(problem, index, rules):
        if not any(c in rules for c in cells):
            continue
        key = tuple((c, rules.get(c, "hidden")) for c in cells)
        if key not in checked:
            checked[key] = _Component(problem, rules, cells, relations).first_determined()
        if checked[key] is not None:
            return checked[key]
    return None


class _Component:
    """One group of unknown cells as an integer program: A·x within [lower, upper], x within bounds."""

    def __init__(
        self,
        problem: Problem,
        rules: dict[Cell, Rule],
        cells: Sequence[Cell],
        relations: Sequence[Relation],
    ) -> None:
        self.cells = list(cells)
        self.truth = [problem.values[c] for c in cells]
        self.suppressed = [c in rules for c in cells]
        position = {cell: i for i, cell in enumerate(cells)}
        self.rows: list[tuple[dict[int, int], int, bool]] = []
        for relation in relations:
            coefficients: dict[int, int] = {}
            rest = 0
            for cell, k in relation.terms:
                if cell in position:
                    coefficients[position[cell]] = k
                else:
                    rest += k * (problem.values[cell] or 0)
            self.rows.append((coefficients, -rest, relation.equal))
        self.bounds = [_bounds(problem, rules, c) for c in cells]
        known = [abs(t) for t in self.truth if t is not None] + [abs(r[1]) for r in self.rows]
        self.box = 2.0 * max(known, default=0) + 10.0
        if any(t is None for t in self.truth) and not self._feasible_with_truth():
            raise ValueError(
                f"the figures around {self.cells[0]} cannot all be true: "
                "a published period or group exceeds what its relations allow"
            )

    def first_determined(self) -> Cell | None:
        """The first suppressed cell that takes one value in every table a reader could build."""
        todo = {i for i, suppressed in enumerate(self.suppressed) if suppressed}
        for i in range(len(self.cells)):
            if i not in todo:
                continue
            witness = self._witness(i, todo)
            if witness is None:
                return self.cells[i]
            todo -= {j for j, (x, t) in enumerate(zip(witness, self.truth, strict=True)) if x != t}
        return None

    def _witness(self, i: int, todo: set[int]) -> list[int] | None:
        """A table in which cell `i` is above (else below) its value.

        The search also pushes the cells still to check the same way, so one
        table usually moves, and so clears, many of them.
        """
        value = self.truth[i]
        assert value is not None
        low, high = self.bounds[i]
        for direction, bound in ((-1.0, (value + 1, high)), (1.0, (low, value - 1))):
            if bound[0] <= bound[1]:
                bounds = list(self.bounds)
                bounds[i] = bound
                objective = [direction if j in todo else 0.0 for j in range(len(self.cells))]
                if (solution := self._solve(bounds, objective)) is not None:
                    return solution
        return None

    def _feasible_with_truth(self) -> bool:
        fixed = [
            b if t is None else (float(t), float(t))
            for b, t in zip(self.bounds, self.truth, strict=True)
        ]
        return self._solve(fixed, [0.0] * len(self.cells)) is not None

    def _solve(
        self, bounds: Sequence[tuple[float, float]], objective: Sequence[float]
    ) -> list[int] | None:
        """An optimal whole-number table inside a finite box, checked exactly; None if none."""
        n = len(self.cells)
        constraints = []
        if self.rows:
            matrix = np.zeros((len(self.rows), n))
            for r, (coefficients, _, _) in enumerate(self.rows):
                for j, k in coefficients.items():
                    matrix[r, j] = k
            upper = np.array([float(rhs) for _, rhs, _ in self.rows])
            lower = np.array([float(rhs) if eq else -np.inf for _, rhs, eq in self.rows])
            constraints.append(LinearConstraint(matrix, lower, upper))
        # A box twice the largest figure: any table found in it is a proof, and
        # one outside it would only spare a cell, never reveal one.
        box = [(low, min(high, self.box)) for low, high in bounds]
        # The linear relaxation's answer is usually whole already (sums over
        # groups and periods); the integer program runs only when it is not.
        for integrality in (np.zeros(n), np.ones(n)):
            result = milp(
                c=np.array(objective),
                integrality=integrality,
                bounds=Bounds([b[0] for b in box], [b[1] for b in box]),
                constraints=constraints,
                options={"presolve": False},  # HiGHS's MIP presolve has returned wrong optima
            )
            if result.status != 0 or result.x is None:
                return None
            solution = [round(float(x)) for x in result.x]
            if self._exact(solution, box):
                return solution
        return None

    def _exact(self, x: Sequence[int], bounds: Sequence[tuple[float, float]]) -> bool:
        """Whether `x` satisfies every relation and bound in integer arithmetic."""
        if any(not low <= v <= high for v, (low, high) in zip(x, bounds, strict=True)):
            return False
        for coefficients, rhs, equal in self.rows:
            total = sum(k * x[j] for j, k in coefficients.items())
            if total > rhs or (equal and total != rhs):
                return False
        return True


def _bounds(problem: Problem, rules: dict[Cell, Rule], cell: Cell) -> tuple[float, float]:
    """What a reader knows of an unknown cell (ADR 0026, "What a reader is assumed to know").

    Zeros are always shown, so a suppressed count is at least 1; a
    suppressed sum of days may be 0 (days over 1–5 cases closed the day they
    opened); a hidden cell is any whole number.
    """
    if cell in rules and problem.roles[cell] is Role.COUNT:
        return 1.0, NO_LIMIT
    return 0.0, NO_LIMIT

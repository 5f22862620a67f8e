"""`disclose`: the rule for every figure of a published table of results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from safeplan.engine.catalogue import CATALOGUE, ParamValue
from safeplan.engine.disclosure.protect import Rule, protect
from safeplan.engine.disclosure.shapes import FIGURES, Figure, Shape, measure_shape
from safeplan.engine.disclosure.structure import (
    WHOLE_AREA,
    Cell,
    Figures,
    build_problem,
    sort_key,
)

Parameters = Mapping[str, Mapping[str, ParamValue]]


@dataclass(frozen=True)
class Disclosure:
    """The rule applied to each figure of a table: shown, or suppressed and why.

    `rules` holds every figure the table gave (None figures have none);
    figures not listed are shown.
    """

    rules: Mapping[Cell, Rule]

    def rule(self, cell: Cell) -> Rule:
        return self.rules.get(cell, Rule.SHOWN)

    def suppressed(self, cell: Cell) -> bool:
        return self.rule(cell) is not Rule.SHOWN

    def of(self, row: Figures) -> dict[Figure, Rule]:
        """The rule for the value, numerator and denominator of one row."""
        return {
            figure: self.rule(Cell(row.measure, figure, row.period, row.breakdown, row.group))
            for figure in FIGURES
        }

    def counts(self) -> dict[Rule, int]:
        """How many figures each rule covers (for the pack's note on the rule applied)."""
        tally = dict.fromkeys(Rule, 0)
        for rule in self.rules.values():
            tally[rule] += 1
        return tally


def disclose(rows: Iterable[Figures], *, parameters: Parameters | None = None) -> Disclosure:
    """Decide which figures of a table of results are shown and which become ``c``.

    `rows` must hold everything that will be published together: every
    group of each breakdown (``Unknown`` too) and every period (a quarter with
    its months, the months of a chart). Leaving rows out of the publication
    afterwards is safe; adding rows is not. `parameters` are the plan's
    per-measure overrides, as the results were computed with.

    >>> rows = [Figures("M12", "2019-20 Q4", "all", "", 30.0, None, None)] + [
    ...     Figures("M12", "2019-20 Q4", "locality", g, v, None, None)
    ...     for g, v in (("East", 3.0), ("North", 12.0), ("West", 15.0))
    ... ]
    >>> decided = disclose(rows)
    >>> [decided.of(r)["value"].value for r in rows]
    ['shown', 'primary', 'secondary', 'shown']
    """
    table = _unique(rows)
    rules: dict[Cell, Rule] = {}
    for family in _families(table, parameters or {}):
        shapes = {m: measure_shape(m, (parameters or {}).get(m)) for m in family}
        family_rows = [r for r in table if r.measure in family]
        for row in family_rows:
            _check_row(row, shapes[row.measure])
        problem, aliases = build_problem(family_rows, shapes)
        decided = protect(problem)
        for row in family_rows:
            rules.update(_row_rules(row, shapes[row.measure], aliases, decided))
    ordered = sorted(rules.items(), key=lambda item: sort_key(item[0]))
    return Disclosure(MappingProxyType(dict(ordered)))


def _unique(rows: Iterable[Figures]) -> list[Figures]:
    seen: set[tuple[str, str, str, str]] = set()
    table = []
    for row in rows:
        if row.measure not in CATALOGUE:
            raise ValueError(f"unknown measure {row.measure!r}; known: {', '.join(CATALOGUE)}")
        if (row.breakdown == WHOLE_AREA) != (row.group == ""):
            raise ValueError(
                f"{row.measure} {row.period} {row.breakdown} {row.group!r}: the whole area "
                f"(breakdown {WHOLE_AREA}) and only it has an empty group"
            )
        key = (row.measure, row.period, row.breakdown, row.group)
        if key in seen:
            raise ValueError(f"{' '.join(key).strip()} is in the table twice")
        seen.add(key)
        table.append(row)
    return table


def _families(table: list[Figures], parameters: Parameters) -> list[list[str]]:
    """Measures sharing a figure are decided together (M5 with M1, M6 with M4), root first."""
    families: dict[str, list[str]] = {}
    for measure in sorted({r.measure for r in table}, key=list(CATALOGUE).index):
        root = measure_shape(measure, parameters.get(measure)).shared_denominator or measure
        family = families.setdefault(root, [root])
        if measure not in family:
            family.append(measure)
    return list(families.values())


def _check_row(row: Figures, shape: Shape) -> None:
    """A row's figures are the shape's: a value comes with what it is made of, and equals it."""
    cell = Cell(row.measure, "value", row.period, row.breakdown, row.group)
    for figure in ("numerator", "denominator"):
        if shape.quantity(figure) is None and row.figure(figure) is not None:
            raise ValueError(f"{cell}: {row.measure} has no {figure}")
    if row.value is None or shape.value == "own":
        return
    needs: tuple[Figure, ...] = ("numerator", "denominator") if shape.value == "ratio" else ()
    if any(row.figure(figure) is None for figure in (*needs, "numerator")):
        raise ValueError(f"{cell}: a value is published with the figures it is made of")
    if shape.value == "numerator" and row.value != row.numerator:
        raise ValueError(f"{cell} is {row.value!r}, not its numerator {row.numerator!r}")


def _row_rules(
    row: Figures, shape: Shape, aliases: Mapping[Cell, Cell], decided: Mapping[Cell, Rule]
) -> dict[Cell, Rule]:
    def own(figure: Figure) -> Cell:
        return Cell(row.measure, figure, row.period, row.breakdown, row.group)

    def of(figure: Figure) -> Rule:
        return decided.get(aliases[own(figure)], Rule.SHOWN)

    rules = {
        own(q.figure): of(q.figure) for q in shape.quantities if row.figure(q.figure) is not None
    }
    if row.value is None or shape.value == "own":
        return rules
    if shape.value == "numerator":
        rules[own("value")] = of("numerator")
        return rules
    # A ratio is shown only with both its figures: with one of them it would give the other.
    parts = {of("numerator"), of("denominator")}
    rules[own("value")] = next(
        (r for r in (Rule.PRIMARY, Rule.SECONDARY) if r in parts), Rule.SHOWN
    )
    return rules

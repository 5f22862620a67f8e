"""Action plans as CSV and XLSX files: export, and import checked whole before any write.

The columns are `COLUMNS`; ``id`` is optional on import: a row with the id of
an existing action updates it, a row without one adds an action, so a file
exported, edited and imported again round-trips. Themes are separated by
``;``; interventions and themes may be given by name or by key. Every row is
checked against who imports it, as the form is (A-P01: ``action.create`` for
the intervention of a new action, ``action.update`` for the intervention of
an action changed and for the one it moves to). Every problem in the file is
reported at once (row, column, value, rule, message), and nothing is written
unless there are none.

    outcome = actions_import(path=Path("actions.xlsx"), by=user)
    outcome.problems   # [ImportProblem(row=3, column="due_date", ...)]
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from django.db import transaction

from safeplan.accounts.permissions import actor_may
from safeplan.actions.models import Action
from safeplan.actions.services import (
    ActionInput,
    PlanKeys,
    action_create,
    action_input_errors,
    action_update,
    plan_keys,
)
from safeplan.imports.readers import ReadError, open_table
from safeplan.imports.validation import ImportProblem, Where
from safeplan.imports.values import InvalidValue, cell_text, parse_date, parse_int
from safeplan.plans.selectors import intervention_key, theme_key

COLUMNS = (
    "id",
    "intervention",
    "title",
    "description",
    "owner",
    "agency",
    "themes",
    "start_date",
    "due_date",
    "percent_complete",
    "status",
)
REQUIRED = ("intervention", "title", "owner", "start_date", "due_date", "status")
SHEET = "actions"
#: Where a service's field is found in the file.
_COLUMN_OF_FIELD = {"intervention_key": "intervention"}

#: The action file's rules, cited in every problem.
RULES = {
    "A-F01": "the file can be read as CSV or XLSX",
    "A-H01": "every required column is present",
    "A-H02": "no column is unknown",
    "A-V01": "dates are dates and % complete is a whole number",
    "A-V02": "the row describes a valid action (the form's checks)",
    "A-V03": "an id names an existing action, once in the file",
    "A-P01": "whoever imports may add or change the actions of the row's intervention",
}


@dataclass
class ActionsImportOutcome:
    created: int = 0
    updated: int = 0
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class _Row:
    number: int
    action: Action | None
    data: ActionInput


def actions_export(fmt: str) -> bytes:
    """Every action as ``csv`` or ``xlsx`` bytes, in `COLUMNS` order."""
    rows = [_export_row(a) for a in Action.objects.order_by("intervention_key", "id")]
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        return text.getvalue().encode("utf-8-sig")
    if fmt == "xlsx":
        return _xlsx(rows)
    raise ValueError(f"unknown format {fmt!r}; choose csv or xlsx")


def _export_row(action: Action) -> list[Any]:
    return [
        action.pk,
        action.intervention_key,
        action.title,
        action.description,
        action.owner,
        action.agency,
        "; ".join(action.themes),
        action.start_date.isoformat(),
        action.due_date.isoformat(),
        action.percent_complete,
        action.status,
    ]


def _xlsx(rows: Sequence[Sequence[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def actions_import(*, path: Path, by: Any, file_name: str | None = None) -> ActionsImportOutcome:
    """Add and update actions from a file: all rows, or none when any has a problem."""
    where = Where(file_name or path.name, "")
    keys = plan_keys()
    try:
        rows, problems = _read(path, where, keys, file_name, by)
    except ReadError as exc:
        return ActionsImportOutcome(problems=[where.problem("A-F01", exc.message, row=exc.row)])
    if problems:
        return ActionsImportOutcome(problems=problems)
    outcome = ActionsImportOutcome()
    with transaction.atomic():
        for row in rows:
            if row.action is None:
                action_create(data=row.data, by=by)
                outcome.created += 1
            else:
                action_update(action=row.action, data=row.data, by=by)
                outcome.updated += 1
    return outcome


def _read(
    path: Path, where: Where, keys: PlanKeys | None, file_name: str | None, by: Any
) -> tuple[list[_Row], list[ImportProblem]]:
    with open_table(path, dataset=SHEET, name=file_name) as table:
        where = Where(where.file, table.sheet)
        header = [cell_text(c).lower() for c in table.header]
        problems = _header_problems(header, where)
        if problems:
            return [], problems
        existing = {a.pk: a for a in Action.objects.all()}
        rows: list[_Row] = []
        seen: set[int] = set()
        for number, cells in table.rows:
            cells_by_name = {
                name: cells[i] if i < len(cells) else None for i, name in enumerate(header)
            }
            row, row_problems = _row(number, cells_by_name, where, keys, existing, seen)
            problems += row_problems + _access_problems(number, cells_by_name, where, row, by)
            if row is not None:
                rows.append(row)
    return rows, problems


def _header_problems(header: list[str], where: Where) -> list[ImportProblem]:
    problems = [
        where.problem("A-H01", f"the column “{name}” is missing", row=1, column=name)
        for name in REQUIRED
        if name not in header
    ]
    problems += [
        where.problem("A-H02", f"“{name}” is not a column of an action file", row=1, column=name)
        for name in header
        if name and name not in COLUMNS
    ]
    return problems


def _row(
    number: int,
    cells: dict[str, Any],
    where: Where,
    keys: PlanKeys | None,
    existing: dict[int, Action],
    seen: set[int],
) -> tuple[_Row | None, list[ImportProblem]]:
    problems: list[ImportProblem] = []

    def problem(column: str, rule: str, message: str) -> None:
        value = cell_text(cells.get(column))
        problems.append(where.problem(rule, message, row=number, column=column, value=value))

    action = _existing(cells.get("id"), existing, seen, lambda m: problem("id", "A-V03", m))
    values: dict[str, Any] = {}
    for column, parse in (
        ("start_date", parse_date),
        ("due_date", parse_date),
        ("percent_complete", parse_int),
    ):
        try:
            values[column] = (
                None if cell_text(cells.get(column)) == "" else parse(cells.get(column))
            )
        except InvalidValue as exc:
            problem(column, "A-V01", exc.message)
            values[column] = None
    data = _input(cells, values, keys)
    parsed = {c for c in values if values[c] is None and cell_text(cells.get(c))}
    for name, message in action_input_errors(data, keys).items():
        column = _COLUMN_OF_FIELD.get(name, name)
        if column not in parsed:  # a value that did not parse is reported once
            problem(column, "A-V02", message)
    return (None if problems else _Row(number, action, data)), problems


def _access_problems(
    number: int, cells: dict[str, Any], where: Where, row: _Row | None, by: Any
) -> list[ImportProblem]:
    """A-P01: the problems of a valid row that `by` may not write (asked per row)."""
    if row is None:
        return []

    def problem(column: str, message: str) -> ImportProblem:
        value = cell_text(cells.get(column))
        return where.problem("A-P01", message, row=number, column=column, value=value)

    key = row.data.intervention_key
    if row.action is None:
        if actor_may(by, "action.create", key):
            return []
        return [problem("intervention", f"you may not add actions to “{key}”")]
    problems = []
    if not actor_may(by, "action.update", row.action):
        owner = row.action.intervention_key
        problems.append(problem("id", f"you may not change this action of “{owner}”"))
    elif key != row.action.intervention_key and not actor_may(by, "action.update", key):
        problems.append(problem("intervention", f"you may not move an action to “{key}”"))
    return problems


def _existing(cell: Any, existing: dict[int, Action], seen: set[int], report: Any) -> Action | None:
    if cell_text(cell) == "":
        return None
    try:
        pk = parse_int(cell)
    except InvalidValue:
        report("is not the id of an action; leave it blank to add a new action")
        return None
    if pk not in existing:
        report("is not the id of an action; leave it blank to add a new action")
        return None
    if pk in seen:
        report("appears more than once in the file")
        return None
    seen.add(pk)
    return existing[pk]


def _input(cells: dict[str, Any], values: dict[str, Any], keys: PlanKeys | None) -> ActionInput:
    themes = tuple(theme_key(t) for t in cell_text(cells.get("themes")).split(";") if t.strip())
    percent = values["percent_complete"]
    return ActionInput(
        intervention_key=intervention_key(cell_text(cells.get("intervention"))),
        title=cell_text(cells.get("title")),
        description=cell_text(cells.get("description")),
        owner=cell_text(cells.get("owner")),
        agency=cell_text(cells.get("agency")),
        themes=themes,
        start_date=values["start_date"],
        due_date=values["due_date"],
        percent_complete=0
        if percent is None and not cell_text(cells.get("percent_complete"))
        else percent,
        status=cell_text(cells.get("status")).lower(),
    )

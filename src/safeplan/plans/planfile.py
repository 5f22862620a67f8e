"""The plan file: a TOML description of a plan on a page, and its parser.

The format is described for people in ``docs/plan-file.md``. Parsing is pure
(no Django): it turns the text into frozen dataclasses and rejects anything it
cannot vouch for with a :class:`PlanFileError` naming the file and the key
path, counted from 1 as a reader counts the page::

    >>> parse_plan_text('title = "T"', name="plan.toml")
    Traceback (most recent call last):
    ...
    safeplan.plans.planfile.PlanFileError: plan.toml: missing "vision"

Measure ids, directions and parameter names are checked against the
catalogue (``safeplan.engine.catalogue``), the one list of the twelve measures.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from safeplan.engine.catalogue import CATALOGUE, Direction, MeasureSpec, ParamValue, Unit

DEFAULT_PLAN = "county-durham-2017-2020.toml"
SHORT_TEXT = 200  # the longest title, heading or name; longer texts (aims, descriptions) are free
_HEADINGS = ("priorities", "measures", "interventions")


class PlanFileError(ValueError):
    """A plan file that cannot be loaded; the message names the file and the key."""


#: The period kinds a count measure's target can be set for.
TARGET_PERIOD_KINDS = ("month", "quarter", "year")


@dataclass(frozen=True)
class TargetEntry:
    """A target as the plan file states it (``[[priorities.measures.targets]]``)."""

    value: float
    tolerance: float
    tolerance_is_percent: bool
    effective_from: dt.date
    effective_to: dt.date | None
    period_kind: str


@dataclass(frozen=True)
class MeasureEntry:
    id: str
    title: str
    definition: str
    parameters: Mapping[str, ParamValue]
    targets: tuple[TargetEntry, ...] = ()


@dataclass(frozen=True)
class InterventionEntry:
    name: str
    description: str


@dataclass(frozen=True)
class PriorityEntry:
    name: str
    aim: str
    measures: tuple[MeasureEntry, ...]
    interventions: tuple[InterventionEntry, ...]


@dataclass(frozen=True)
class ThemeEntry:
    name: str
    description: str


@dataclass(frozen=True)
class PlanSpec:
    """A parsed, validated plan file."""

    title: str
    vision: str
    start_date: dt.date
    end_date: dt.date
    headings: Mapping[str, str]
    priorities: tuple[PriorityEntry, ...]
    themes: tuple[ThemeEntry, ...]


def default_plan_text() -> str:
    """The text of the plan that ships with safeplan (County Durham, 2017–2020)."""
    return resources.files("safeplan.plans").joinpath("default", DEFAULT_PLAN).read_text("utf-8")


def read_plan_text(path: Path) -> str:
    """The text of a plan file; an unreadable file is a PlanFileError too."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError(f"{path}: cannot be read: {exc}") from None


def parse_plan_text(text: str, *, name: str = "plan.toml") -> PlanSpec:
    """Parse the text of a plan file; ``name`` prefixes every error message."""
    try:
        # A byte-order mark, as some Windows editors write, is not an error.
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise PlanFileError(f"{name}: not valid TOML: {exc}") from None
    return _Reader(name).plan(data)


class _Reader:
    """Walks the parsed TOML, keeping the file name for error messages."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, path: str, message: str) -> PlanFileError:
        where = f"{self.name}: {path}: " if path else f"{self.name}: "
        return PlanFileError(where + message)

    def plan(self, data: dict[str, Any]) -> PlanSpec:
        self.keys(data, "", required=("title", "vision", "start_date", "end_date", "priorities"),
                  optional=("headings", "themes"))  # fmt: skip
        start, end = self.date(data, "", "start_date"), self.date(data, "", "end_date")
        if end < start:
            raise self.fail("end_date", f"{end} is before start_date {start}")
        priorities = tuple(
            self.priority(item, f"priorities[{n}]")
            for n, item in self.tables(data, "", "priorities", min_items=1)
        )
        self.unique_measures(priorities)
        return PlanSpec(
            title=self.text(data, "", "title", limit=SHORT_TEXT),
            vision=self.text(data, "", "vision"),
            start_date=start,
            end_date=end,
            headings=self.headings(data.get("headings", {})),
            priorities=priorities,
            themes=tuple(
                self.theme(item, f"themes[{n}]") for n, item in self.tables(data, "", "themes")
            ),
        )

    def headings(self, value: object) -> dict[str, str]:
        if not isinstance(value, dict):
            raise self.fail("headings", "must be a table")
        self.keys(value, "headings", optional=_HEADINGS)
        return {
            key: self.text(value, "headings", key, limit=SHORT_TEXT)
            for key in _HEADINGS
            if key in value
        }

    def priority(self, item: dict[str, Any], path: str) -> PriorityEntry:
        self.keys(item, path, required=("name", "aim"), optional=("measures", "interventions"))
        return PriorityEntry(
            name=self.text(item, path, "name", limit=SHORT_TEXT),
            aim=self.text(item, path, "aim"),
            measures=tuple(
                self.measure(m, f"{path}.measures[{n}]")
                for n, m in self.tables(item, path, "measures")
            ),
            interventions=tuple(
                self.intervention(i, f"{path}.interventions[{n}]")
                for n, i in self.tables(item, path, "interventions")
            ),
        )

    def measure(self, item: dict[str, Any], path: str) -> MeasureEntry:
        self.keys(item, path, required=("id", "title"),
                  optional=("direction", "definition", "parameters", "targets"))  # fmt: skip
        measure_id = self.text(item, path, "id")
        spec = CATALOGUE.get(measure_id)
        if spec is None:
            known = f"{next(iter(CATALOGUE))}…{list(CATALOGUE)[-1]}"
            raise self.fail(path, f'unknown measure id "{measure_id}" (known: {known})')
        if "direction" in item:
            direction = self.text(item, path, "direction")
            if direction not in {d.value for d in Direction}:
                choices = ", ".join(d.value for d in Direction)
                raise self.fail(f"{path}.direction", f'"{direction}" is not one of {choices}')
            if direction != spec.direction:
                raise self.fail(
                    f"{path}.direction",
                    f'"{direction}" disagrees with {spec.id}\'s definition ("{spec.direction}")',
                )
        overrides = item.get("parameters", {})
        if not isinstance(overrides, dict):
            raise self.fail(f"{path}.parameters", "must be a table of parameter = value")
        try:
            spec.parameters(overrides)
        except ValueError as exc:
            raise self.fail(f"{path}.parameters", str(exc)) from None
        return MeasureEntry(
            id=spec.id,
            title=self.text(item, path, "title"),
            definition=self.text(item, path, "definition") if "definition" in item else spec.title,
            parameters=dict(overrides),
            targets=tuple(
                self.target(t, f"{path}.targets[{n}]", spec)
                for n, t in self.tables(item, path, "targets")
            ),
        )

    def target(self, item: dict[str, Any], path: str, spec: MeasureSpec) -> TargetEntry:
        """A measure's target: track measures have none; a count target names its period kind."""
        if spec.direction == Direction.TRACK:
            raise self.fail(path, f"{spec.id} is a track measure (context only): it has no target")
        self.keys(item, path, required=("value", "from"),
                  optional=("tolerance", "tolerance_is_percent", "to", "period_kind"))  # fmt: skip
        value = self.number(item, path, "value")
        if spec.unit == Unit.PERCENT and not 0 <= value <= 100:
            raise self.fail(f"{path}.value", f"{value} is not a percentage (0 to 100)")
        if value < 0:
            raise self.fail(f"{path}.value", f"{value} is negative; {spec.id} is 0 or more")
        tolerance = self.number(item, path, "tolerance") if "tolerance" in item else 0.0
        if tolerance < 0:
            raise self.fail(f"{path}.tolerance", f"must be 0 or more, not {tolerance}")
        start = self.date(item, path, "from")
        end = self.date(item, path, "to") if "to" in item else None
        if end is not None and end < start:
            raise self.fail(f"{path}.to", f"{end} is before from {start}")
        return TargetEntry(
            value=value,
            tolerance=tolerance,
            tolerance_is_percent=self.flag(item, path, "tolerance_is_percent"),
            effective_from=start,
            effective_to=end,
            period_kind=self.period_kind(item, path, spec),
        )

    def period_kind(self, item: dict[str, Any], path: str, spec: MeasureSpec) -> str:
        kinds = ", ".join(TARGET_PERIOD_KINDS)
        if spec.unit != Unit.COUNT:
            if "period_kind" in item:
                raise self.fail(
                    f"{path}.period_kind",
                    f"only a count measure's target has one ({spec.id} is a {spec.unit})",
                )
            return ""
        if "period_kind" not in item:
            raise self.fail(path, f'{spec.id} is a count: missing "period_kind" ({kinds})')
        kind = self.text(item, path, "period_kind")
        if kind not in TARGET_PERIOD_KINDS:
            raise self.fail(f"{path}.period_kind", f'"{kind}" is not one of {kinds}')
        return kind

    def intervention(self, item: dict[str, Any], path: str) -> InterventionEntry:
        self.keys(item, path, required=("name", "description"))
        return InterventionEntry(
            self.text(item, path, "name", limit=SHORT_TEXT), self.text(item, path, "description")
        )

    def theme(self, item: dict[str, Any], path: str) -> ThemeEntry:
        self.keys(item, path, required=("name", "description"))
        return ThemeEntry(
            self.text(item, path, "name", limit=SHORT_TEXT), self.text(item, path, "description")
        )

    def unique_measures(self, priorities: tuple[PriorityEntry, ...]) -> None:
        seen: dict[str, str] = {}
        for p_number, priority in enumerate(priorities, start=1):
            for m_number, measure in enumerate(priority.measures, start=1):
                path = f"priorities[{p_number}].measures[{m_number}]"
                if measure.id in seen:
                    raise self.fail(
                        path, f'measure id "{measure.id}" already used at {seen[measure.id]}'
                    )
                seen[measure.id] = path

    # --- checks of single values ---------------------------------------------

    def keys(
        self,
        table: dict[str, Any],
        path: str,
        *,
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
    ) -> None:
        for key in required:
            if key not in table:
                raise self.fail(path, f'missing "{key}"')
        unknown = sorted(set(table) - set(required) - set(optional))
        if unknown:
            allowed = ", ".join(required + optional)
            raise self.fail(path, f'unknown key "{unknown[0]}" (allowed: {allowed})')

    def text(self, table: dict[str, Any], path: str, key: str, *, limit: int | None = None) -> str:
        value = table[key]
        where = f"{path}.{key}" if path else key
        if not isinstance(value, str):
            raise self.fail(where, f"must be text, not {_toml_type(value)}")
        value = value.strip()  # a multi-line string's last line break is not part of the text
        if not value:
            raise self.fail(where, "must not be empty")
        if limit is not None and len(value) > limit:
            raise self.fail(where, f"is {len(value)} characters long; at most {limit}")
        return value

    def number(self, table: dict[str, Any], path: str, key: str) -> float:
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(f"{path}.{key}", f"must be a number, not {_toml_type(value)}")
        if value != value or value in (float("inf"), float("-inf")):
            raise self.fail(f"{path}.{key}", f"must be a finite number, not {value}")
        return float(value)

    def flag(self, table: dict[str, Any], path: str, key: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(f"{path}.{key}", f"must be true or false, not {_toml_type(value)}")
        return value

    def date(self, table: dict[str, Any], path: str, key: str) -> dt.date:
        value = table[key]
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        given = f'"{value}"' if isinstance(value, str) else _toml_type(value)
        raise self.fail(
            f"{path}.{key}" if path else key, f"must be a date such as 2017-04-01, not {given}"
        )

    def tables(
        self, table: dict[str, Any], path: str, key: str, *, min_items: int = 0
    ) -> list[tuple[int, dict[str, Any]]]:
        where = f"{path}.{key}" if path else key
        items = table.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise self.fail(where, f"must be an array of tables ([[{key}]])")
        if len(items) < min_items:
            raise self.fail(where, f"needs at least {min_items}")
        return list(enumerate(items, start=1))


def _toml_type(value: object) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", list: "an array", str: "text",
             dict: "a table", dt.date: "a date", dt.datetime: "a date-time"}  # fmt: skip
    return names.get(type(value), type(value).__name__)

"""Gather one return's canonical rows, problems and notes, and hand them over whole.

Every adapter adds rows through a `Collector`, which fills the dataset's
columns, checks that no two records derive the same id (R-R08, naming both)
and counts notes, so that a census with a thousand out-of-year codes says so
once, with the first place to look.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from safeplan.datasets.schema import DATASETS
from safeplan.returns.feeds import measure_feeds
from safeplan.returns.model import (
    CanonicalRow,
    Cell,
    ConvertedReturn,
    Location,
    Refused,
    ReturnDataset,
    ReturnKind,
    ReturnProblem,
    Window,
)

#: Columns whose ids an adapter derives from the child id and dates (see the
#: spec's "Decisions"); a pseudonymising deployment hashes them like child_id.
DERIVED_IDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "referrals": ("referral_id",),
        "cases": ("case_id",),
        "assessments": ("assessment_id", "referral_id"),
        "cp_plans": ("plan_id",),
        "cp_conferences": ("conference_id",),
        "care_periods": ("period_id",),
        "missing_episodes": ("episode_id",),
    }
)

_ORDER = ("children", *(name for name in DATASETS if name != "children"))
_COLUMNS = {name: dataset.column_names for name, dataset in DATASETS.items()}


class Collector:
    """The rows, problems and notes of one return as an adapter reads it."""

    def __init__(self, kind: ReturnKind, files: Iterable[str]) -> None:
        self.kind = kind
        self.files = tuple(files)
        self.problems: list[ReturnProblem] = []
        self._rows: dict[str, dict[str, CanonicalRow]] = {}
        self._carried: dict[str, set[str]] = {}
        self._notes: dict[str, tuple[int, Location | None]] = {}

    def feed(self, dataset: str, carried: Iterable[str]) -> None:
        """Declare that the return feeds ``dataset`` with these columns (even with no rows)."""
        self._rows.setdefault(dataset, {})
        self._carried.setdefault(dataset, set()).update(carried)

    def add(
        self,
        dataset: str,
        values: Mapping[str, Cell],
        location: Location,
        *,
        identical_is_one: bool = False,
    ) -> None:
        """Add a record; a second record with its id is a problem unless identical and allowed."""
        columns = _COLUMNS[dataset]
        full = {name: _blank_is_none(values.get(name)) for name in columns}
        record_id = str(full[columns[0]])
        rows = self._rows.setdefault(dataset, {})
        earlier = rows.get(record_id)
        if earlier is None:
            rows[record_id] = CanonicalRow(MappingProxyType(full), location)
        elif identical_is_one and dict(earlier.values) == full:
            self.note(f"the same {dataset} record listed twice was read once", location)
        else:
            self.problem(
                location,
                location.field(columns[0]),
                record_id,
                "R-R08",
                f"derives the same {dataset} id as the record at {earlier.location}",
            )

    def problem(
        self, location: Location, field: str | None, value: str | None, rule: str, message: str
    ) -> None:
        self.problems.append(ReturnProblem(location, field, value, rule, message))

    def refused(self, refusal: Refused) -> Refused:
        """The refusal with the problems found before it, so that all are reported at once."""
        return Refused(*self.problems, *refusal.problems)

    def note(self, message: str, location: Location | None = None) -> None:
        """Count a note; the report shows each message once with its count and first place."""
        count, first = self._notes.get(message, (0, location))
        self._notes[message] = (count + 1, first)

    def notes(self) -> tuple[str, ...]:
        return tuple(
            message
            + (f" ({count} times; first at {first})" if count > 1 and first else "")
            + (f" (at {first})" if count == 1 and first else "")
            for message, (count, first) in self._notes.items()
        )

    def finish(self, covers: Window | None) -> ConvertedReturn:
        """The converted return; its datasets in import order, children first."""
        datasets = {
            name: ReturnDataset(
                dataset=name,
                rows=tuple(self._rows[name].values()),
                carried=frozenset(self._carried.get(name, ())),
                covers=covers if DATASETS[name].windowed else None,
                derived_ids=DERIVED_IDS.get(name, ()),
            )
            for name in _ORDER
            if name in self._rows
        }
        return ConvertedReturn(
            kind=self.kind,
            files=self.files,
            covers=covers,
            datasets=MappingProxyType(datasets),
            problems=tuple(self.problems),
            notes=self.notes(),
            feeds=measure_feeds(self.kind, datasets),
        )


def _blank_is_none(value: Cell) -> Cell:
    return None if value == "" else value

"""The Ofsted Annex A workbook (XLSX inspection lists) as canonical datasets.

Each sheet is recognised by its header row (`annex_a.toml`), whatever its
name: List 3 gives referrals, List 4 assessments (no referral link, no
factors), List 6 cases, List 7 plans (and the latest review conference),
List 8 periods of care. Coded values go through the synonym table; an
unmapped value is unknown. The workbook states no window, so `covers` is
required; a record is read when its own date falls in the window or it is
open during it. Other lists and columns feed nothing and the notes name them.

Ids: referral and case ``CHILD:date``, assessment ``CHILD:A:start``, plan
``CHILD:planstart``, review ``CHILD:planstart:R:date``, period ``CHILD:start``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from openpyxl.utils import get_column_letter

from safeplan.datasets.schema import DATASETS, Dataset
from safeplan.returns.cells import as_date, as_text, clean_id, iso_date
from safeplan.returns.collect import Collector
from safeplan.returns.files import XlsxOpener, load_workbook, open_workbook, refuse, sheet_rows
from safeplan.returns.model import (
    DEFAULT_LIMITS,
    Cell,
    ConvertedReturn,
    Limits,
    Location,
    Refused,
    ReturnFile,
    ReturnKind,
    Window,
)
from safeplan.returns.precedence import merge_child
from safeplan.returns.synonyms import ListSpec, SynonymTable, normalise_header, synonym_table

Row = tuple[Cell, ...]


@dataclass(frozen=True)
class Feed:
    """How one list feeds one dataset: its columns (canonical → (list field, reading)).

    A reading is ``"date"`` or a vocabulary of the synonym table. `start` and
    `end` are the list fields deciding whether a record is in the window;
    `make_id` builds the stable id from the child id and the start.
    """

    dataset: str
    columns: Mapping[str, tuple[str, str]]
    start: str
    end: str | None
    make_id: Callable[[str, str], str]


FEEDS: Mapping[int, Feed] = MappingProxyType(
    {
        3: Feed(
            "referrals",
            {
                "referral_date": ("referral_date", "date"),
                "source": ("referral_source", "referral_source"),
                "nfa": ("referral_nfa", "flag"),
            },
            start="referral_date",
            end=None,
            make_id=lambda child, day: f"{child}:{day}",
        ),
        4: Feed(
            "assessments",
            {
                "start_date": ("assessment_start", "date"),
                "authorised_date": ("assessment_authorised", "date"),
            },
            start="assessment_start",
            end="assessment_authorised",
            make_id=lambda child, day: f"{child}:A:{day}",
        ),
        6: Feed(
            "cases",
            {
                "start_date": ("cin_start", "date"),
                "end_date": ("cin_end", "date"),
                "primary_need": ("primary_need", "primary_need"),
            },
            start="cin_start",
            end="cin_end",
            make_id=lambda child, day: f"{child}:{day}",
        ),
        7: Feed(
            "cp_plans",
            {
                "start_date": ("plan_start", "date"),
                "end_date": ("plan_end", "date"),
                "initial_category": ("initial_category", "cp_category"),
                "latest_category": ("latest_category", "cp_category"),
            },
            start="plan_start",
            end="plan_end",
            make_id=lambda child, day: f"{child}:{day}",
        ),
        8: Feed(
            "care_periods",
            {"start_date": ("care_start", "date"), "end_date": ("care_end", "date")},
            start="care_start",
            end="care_end",
            make_id=lambda child, day: f"{child}:{day}",
        ),
    }
)
CHILD_COLUMNS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "date_of_birth": ("date_of_birth", "date"),
        "sex": ("sex", "sex"),
        "ethnicity": ("ethnicity", "ethnicity"),
        "disability": ("disability", "flag"),
    }
)
_REVIEW_FIELDS = MappingProxyType(
    {
        "conference_id": "latest_review",
        "child_id": "child_id",
        "conference_date": "latest_review",
        "conference_type": "latest_review",
    }
)


@dataclass
class _Sheet:
    """A sheet recognised as a list: where its header is and which column holds which field."""

    title: str
    spec: ListSpec
    header_row: int
    columns: dict[str, int]
    labels: dict[str, str]
    unused: list[str]
    rows: Iterator[tuple[int, Row]]

    @property
    def place(self) -> str:
        return f"sheet “{self.title}”"


@dataclass
class _Children:
    values: dict[str, dict[str, Cell]] = field(default_factory=dict)
    first: dict[str, Location] = field(default_factory=dict)
    carried: set[str] = field(default_factory=lambda: {"child_id"})


@dataclass(frozen=True)
class _Reading:
    """A sheet being read: its feed, and each canonical column's place in the sheet."""

    sheet: _Sheet
    feed: Feed
    schema: Dataset
    fields: Mapping[str, str]
    review_fields: Mapping[str, str]
    reviews: bool

    @classmethod
    def of(cls, sheet: _Sheet, feed: Feed) -> _Reading:
        schema = DATASETS[feed.dataset]
        label = sheet.labels.get
        columns = {**feed.columns, **CHILD_COLUMNS}
        fields = {col: label(name, name) for col, (name, _) in columns.items()}
        fields |= {"child_id": label("child_id", ""), schema.id_column: label(feed.start, "")}
        review = label("latest_review", "")
        review_fields = dict.fromkeys(_REVIEW_FIELDS, review)
        review_fields["child_id"] = fields["child_id"]
        reviews = feed.dataset == "cp_plans" and "latest_review" in sheet.columns
        return cls(sheet, feed, schema, fields, review_fields, reviews)


def find_list(
    table: SynonymTable, header: Sequence[Cell]
) -> tuple[ListSpec, dict[str, int]] | None:
    """The list whose identifying fields all have a header in ``header``, with the fields' columns."""
    best: tuple[ListSpec, dict[str, int]] | None = None
    for spec in table.lists:
        columns: dict[str, int] = {}
        for position, cell in enumerate(header):
            name = table.field(spec, as_text(cell)) if as_text(cell) else None
            if name and name not in columns:
                columns[name] = position
        if all(name in columns for name in spec.identify) and (
            best is None or len(columns) > len(best[1])
        ):
            best = (spec, columns)
    return best


def read_annex_a(
    file: ReturnFile,
    *,
    covers: Window | None,
    limits: Limits = DEFAULT_LIMITS,
    open_xlsx: XlsxOpener = open_workbook,
) -> ConvertedReturn:
    """Read an Annex A workbook for the window it covers (required: the workbook states none)."""
    if covers is None:
        raise refuse(
            file,
            "R-R04",
            "an Annex A workbook states no window; give --covers FROM:TO "
            "(normally the six months before the extract)",
        )
    book = load_workbook(file, limits=limits, open_xlsx=open_xlsx)
    reader = _Workbook(file, covers, limits)
    try:
        return reader.read(book)
    except Refused as refusal:
        raise reader.out.refused(refusal) from None
    finally:
        book.close()


class _Workbook:
    def __init__(self, file: ReturnFile, covers: Window, limits: Limits) -> None:
        self.file = file
        self.covers = covers
        self.limits = limits
        self.table = synonym_table()
        self.out = Collector(ReturnKind.ANNEX_A, [file.name])
        self.children = _Children()
        self.numeric_ids = 0

    def read(self, book: Any) -> ConvertedReturn:
        found: dict[int, _Sheet] = {}
        rows = 0
        for worksheet in book.worksheets:
            sheet = self._recognise(worksheet)
            if sheet is not None and self._feeds(sheet, found):
                rows += self._rows(sheet)
        if not found:
            raise refuse(
                self.file,
                "R-R01",
                "this workbook holds no Annex A list (no sheet has a list's headers); "
                f"its sheets are {', '.join(ws.title for ws in book.worksheets)}",
            )
        if not self.out.problems:
            self._check_not_empty(found, rows)
        self._add_children()
        if self.numeric_ids:
            self.out.note(
                f"{self.numeric_ids} child ids are numbers in the workbook: a leading zero, "
                "if there was one, has been lost; compare them with the ids of other sources"
            )
        return self.out.finish(self.covers)

    def _check_not_empty(self, found: dict[int, _Sheet], rows: int) -> None:
        if not any(number in FEEDS for number in found):
            names = ", ".join(sheet.spec.name for sheet in found.values())
            raise refuse(
                self.file,
                "R-R05",
                f"the workbook holds no list that feeds a dataset (found {names})",
            )
        if rows == 0:
            raise refuse(
                self.file, "R-R05", "every list of the workbook that feeds a dataset is empty"
            )

    # --- sheets -------------------------------------------------------------------

    def _recognise(self, worksheet: Any) -> _Sheet | None:
        rows = sheet_rows(self.file, worksheet, limits=self.limits)
        for seen, (number, cells) in enumerate(rows, start=1):
            found = find_list(self.table, cells)
            if found is not None:
                spec, columns = found
                return self._sheet(worksheet.title, spec, number, cells, columns, rows)
            if seen >= self.table.header_rows:
                break
        self.out.note(f"sheet “{worksheet.title}” is not an Annex A list and was ignored")
        return None

    def _sheet(
        self,
        title: str,
        spec: ListSpec,
        number: int,
        header: Row,
        columns: dict[str, int],
        rows: Iterator[tuple[int, Row]],
    ) -> _Sheet:
        used = set(columns.values())
        labels = {
            name: f"{get_column_letter(position + 1)} “{as_text(header[position])}”"
            for name, position in columns.items()
        }
        unused = [as_text(c) for p, c in enumerate(header) if p not in used and as_text(c)]
        return _Sheet(title, spec, number, columns, labels, unused, rows)

    def _feeds(self, sheet: _Sheet, found: dict[int, _Sheet]) -> bool:
        """Whether the sheet's rows are to be read; notes and problems say why not."""
        where = Location(self.file.name, sheet.place, row=sheet.header_row)
        number = sheet.spec.number
        if number in found:
            message = f"{sheet.spec.name} appears twice: also on {found[number].place}"
            self.out.problem(where, None, None, "R-R09", message)
            return False
        found[number] = sheet
        if number not in FEEDS:
            self.out.note(f"{sheet.spec.name} on {sheet.place} feeds no dataset and was ignored")
            return False
        if "child_id" not in sheet.columns:
            message = f"{sheet.spec.name} has no child id column (Child Unique ID)"
            self.out.problem(where, None, None, "R-R09", message)
            return False
        self._explain(sheet)
        return True

    def _explain(self, sheet: _Sheet) -> None:
        if sheet.unused:
            self.out.note(
                f"{sheet.spec.name}: columns that feed nothing were ignored: {', '.join(sheet.unused)}"
            )
        wordings = [normalise_header(header) for header in sheet.unused]
        for contains, note in sheet.spec.explain:
            if any(word in header for word in contains for header in wordings):
                self.out.note(note)

    # --- rows ---------------------------------------------------------------------

    def _rows(self, sheet: _Sheet) -> int:
        feed = FEEDS[sheet.spec.number]
        reading = _Reading.of(sheet, feed)
        carried = {"child_id", reading.schema.id_column}
        carried |= {col for col, (name, _) in feed.columns.items() if name in sheet.columns}
        self.out.feed(feed.dataset, carried)
        if reading.reviews:
            self.out.feed("cp_conferences", _REVIEW_FIELDS)
        self.children.carried |= {
            c for c, (name, _) in CHILD_COLUMNS.items() if name in sheet.columns
        }
        count = 0
        for number, cells in sheet.rows:
            count += 1
            self._row(reading, number, cells)
        return count

    def _cell(self, sheet: _Sheet, cells: Row, name: str) -> Cell:
        position = sheet.columns.get(name)
        cell = cells[position] if position is not None and position < len(cells) else None
        if isinstance(cell, str) and self.table.is_blank(cell):
            self.out.note(
                f"{sheet.spec.name}: Excel error values such as “{cell.strip()}” were read as blank"
            )
            return None
        return cell

    def _value(
        self,
        sheet: _Sheet,
        cells: Row,
        name: str,
        reading: str,
        where: Location,
        required: bool = False,
    ) -> str:
        """The canonical cell: a date in ISO, or the code a value means.

        An unknown value is blank (unknown), except in a required column, where
        it is handed on for the canonical rule to name with the value shown.
        """
        cell = self._cell(sheet, cells, name)
        if reading == "date":
            return iso_date(cell)
        text = as_text(cell)
        found = self.table.code(reading, text) if text else ""
        if found is None and not required:
            self.out.note(
                f"{sheet.spec.name}, {sheet.labels[name]}: “{text}” is not a known {reading} value "
                "and was read as unknown",
                where,
            )
        return text if found is None and required else found or ""

    def _row(self, reading: _Reading, number: int, cells: Row) -> None:
        sheet, feed = reading.sheet, reading.feed
        raw_child = self._cell(sheet, cells, "child_id")
        child = clean_id(raw_child)
        where = Location(self.file.name, sheet.place, child, number, reading.fields)
        if not child:
            message = "a row without a child id cannot be identified"
            self.out.problem(where, where.field("child_id"), None, "R-R07", message)
            return
        if isinstance(raw_child, int | float):
            self.numeric_ids += 1
        self._child(sheet, cells, child, where)
        start = self._value(sheet, cells, feed.start, "date", where)
        if not start:
            message = "a record without this date cannot be identified"
            self.out.problem(where, where.field(reading.schema.id_column), None, "R-R07", message)
            return
        end = self._value(sheet, cells, feed.end, "date", where) if feed.end else None
        if not self._in_window(start, end):
            first, last = self.covers
            self.out.note(
                f"{sheet.spec.name}: records outside the window {first} to {last} were left out"
            )
            return
        values: dict[str, Cell] = {
            reading.schema.id_column: feed.make_id(child, start),
            "child_id": child,
        }
        for col, (name, how) in feed.columns.items():
            required = reading.schema.column(col).required
            values[col] = self._value(sheet, cells, name, how, where, required)
        self.out.add(feed.dataset, values, where)
        if reading.reviews:
            self._review(reading, cells, child, str(values[reading.schema.id_column]), where)

    def _review(
        self, reading: _Reading, cells: Row, child: str, plan_id: str, where: Location
    ) -> None:
        day = self._value(reading.sheet, cells, "latest_review", "date", where)
        parsed = as_date(day)
        if not day or (parsed is not None and not self.covers[0] <= parsed <= self.covers[1]):
            return
        values = {
            "conference_id": f"{plan_id}:R:{day}",
            "child_id": child,
            "conference_date": day,
            "conference_type": "review",
        }
        at = Location(where.file, where.place, child, where.row, reading.review_fields)
        self.out.add("cp_conferences", values, at)

    def _in_window(self, start: str, end: str | None) -> bool:
        """Its own date in the window, or open during it (``end`` ``None``: a list without ends).

        An unreadable date keeps the record, for the validator to name it.
        """
        first, last = self.covers
        begun = as_date(start)
        if begun is None or first <= begun <= last:
            return True
        if begun > last or end is None:
            return False
        ended = as_date(end)
        if end and ended is None:
            return True
        return ended is None or ended >= first

    # --- children -----------------------------------------------------------------

    def _child(self, sheet: _Sheet, cells: Row, child: str, where: Location) -> None:
        incoming: dict[str, Cell] = {"child_id": child}
        for col, (name, reading) in CHILD_COLUMNS.items():
            if name in sheet.columns:
                incoming[col] = self._value(sheet, cells, name, reading, where)
        self.children.values[child] = merge_child(self.children.values.get(child), incoming)
        self.children.first.setdefault(child, where)

    def _add_children(self) -> None:
        self.out.feed("children", self.children.carried)
        for child, values in self.children.values.items():
            self.out.add("children", values, self.children.first[child])

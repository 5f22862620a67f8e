"""The SSDA903 (DfE, children looked after) as canonical datasets: CSV tables or one XML file.

CSV tables are recognised by their columns in any order, never by file name:
``Header`` gives children, ``Episodes`` periods of care and ``Missing`` missing
episodes; the other tables (Reviews, UASC, OC2…) are accepted and named as
ignored. The XML form (``EXPSSDA903 > CHILD > HEADER, EPISODE*``, missing
episodes as ``AMISSING`` inside ``HEADER``, ``CHILDID`` for ``CHILD``, ``PL``
for ``PLACE``) becomes the same tables. Dates are ``DD/MM/YYYY`` or ISO.

A period of care starts at an episode with ``RNE = S`` and runs through the
following episodes until one whose ``REC`` is not ``X1`` (its ``DEC`` ends it);
a child's first episode without ``RNE = S`` continues the child's latest
period stored from an earlier load (`previous_period`), else starts a period
at its own ``DECOM``. Ids: period ``CHILD:start``, missing episode
``CHILD:MIS_START`` (``:2``… for later ones the same day, by ``MIS_END``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from xml.etree.ElementTree import Element

from safeplan.returns.cells import as_date, clean_id, code, iso_date, year_ending
from safeplan.returns.collect import Collector
from safeplan.returns.files import read_csv, refuse, sniff
from safeplan.returns.model import (
    DEFAULT_LIMITS,
    ConvertedReturn,
    Limits,
    Location,
    PreviousPeriod,
    PriorPeriod,
    ReturnFile,
    ReturnKind,
    Window,
)
from safeplan.returns.safe_xml import stream

#: Every SSDA903 table's columns (DfE's specification, as the sector's validators list them).
TABLES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
        "Episodes": (
            "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
            "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
        ),
        "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
        "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
        "UASC": ("CHILD", "SEX", "DOB", "DUC"),
        "OC2": (
            "CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK",
            "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
            "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED",
        ),
        "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
        "AD1": (
            "CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
            "LS_ADOPTR",
        ),
        "PlacedAdoption": (
            "CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED",
        ),
        "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
        "SWEpisodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
        "DoLo": ("CHILD", "DOB", "DOLO_START", "DOLO_END"),
    }
)  # fmt: skip
#: The columns the adapter reads from the tables it uses.
READS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "Header": ("CHILD", "SEX", "DOB", "ETHNIC"),
        "Episodes": ("CHILD", "DECOM", "RNE", "DEC", "REC"),
        "Missing": ("CHILD", "MISSING", "MIS_START", "MIS_END"),
    }
)
FIELDS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "children": {
            "child_id": "CHILD",
            "date_of_birth": "DOB",
            "sex": "SEX",
            "ethnicity": "ETHNIC",
        },
        "care_periods": {
            "period_id": "DECOM",
            "child_id": "CHILD",
            "start_date": "DECOM",
            "end_date": "DEC",
        },
        "missing_episodes": {
            "episode_id": "MIS_START",
            "child_id": "CHILD",
            "missing_start": "MIS_START",
            "missing_end": "MIS_END",
            "episode_type": "MISSING",
            "looked_after": "Missing table",
        },
    }
)
SEX = MappingProxyType({"1": "M", "2": "F"})
MISSING = MappingProxyType({"M": "missing", "A": "away"})
_XML_NAMES = MappingProxyType({"CHILDID": "CHILD", "PL": "PLACE"})
_FEEDS = {"Header": "children", "Episodes": "care_periods", "Missing": "missing_episodes"}


def identify_table(columns: Sequence[str]) -> tuple[str, tuple[str, ...]] | None:
    """The SSDA903 table a header belongs to and the columns the adapter needs but lacks.

    A table is recognised when it has every column the adapter reads from it
    (every column, for a table it ignores), the closest such by shared
    columns; failing that, a header sharing most of one table's columns is
    that table, incomplete.

    >>> identify_table(["DECOM", "CHILD", "RNE", "LS", "CIN", "PLACE", "DEC", "REC"])
    ('Episodes', ())
    """
    have = {c.strip().upper() for c in columns if c.strip()}
    if not have:
        return None

    def overlap(name: str) -> float:
        table = set(TABLES[name])
        return len(have & table) / len(have | table)

    complete = [n for n in TABLES if set(READS.get(n, TABLES[n])) <= have]
    if complete:
        return max(complete, key=overlap), ()
    closest = max(TABLES, key=overlap)
    if overlap(closest) >= 0.5:
        lacking = tuple(c for c in READS.get(closest, TABLES[closest]) if c not in have)
        return closest, lacking
    return None


@dataclass(frozen=True)
class _Entry:
    """One row of a table, from a CSV row or an XML element, with its location."""

    values: Mapping[str, str]
    location: Location
    label: str = ""

    def get(self, name: str) -> str:
        return self.values.get(name, "").strip()


@dataclass
class _Tables:
    found: dict[str, list[_Entry]] = field(default_factory=dict)
    stated: Window | None = None
    ignored: dict[str, int] = field(default_factory=dict)


def read_ssda903(
    files: Sequence[ReturnFile],
    *,
    covers: Window | None = None,
    previous_period: PreviousPeriod | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ConvertedReturn:
    """Read an SSDA903 set: its CSV tables in any order, or one XML file."""
    kinds = {sniff(f) for f in files}
    if "xml" in kinds and len(files) > 1:
        raise refuse(files[0], "R-R06", "give either the SSDA903 CSV tables or one XML file")
    tables = _xml_tables(files[0], limits) if kinds == {"xml"} else _csv_tables(files, limits)
    window = _window(files[0], tables.stated, covers)
    out = Collector(ReturnKind.SSDA903, [f.name for f in files])
    _check_set(files[0], tables)
    for table, dataset in _FEEDS.items():
        if table in tables.found:
            out.feed(dataset, FIELDS[dataset])
        else:
            out.note(f"the set has no {table} table, so it feeds no {dataset}")
    _children(tables.found["Header"], out)
    _periods(tables.found.get("Episodes", []), previous_period, out)
    _missing(tables.found.get("Missing", []), out)
    for label, count in tables.ignored.items():
        out.note(f"ignored, as it feeds no canonical dataset: {label} ({count})")
    return out.finish(window)


def _check_set(file: ReturnFile, tables: _Tables) -> None:
    if "Header" not in tables.found:
        raise refuse(
            file,
            "R-R06",
            "the set has no Header table (CHILD, SEX, DOB, ETHNIC, UPN, MOTHER, MC_DOB); "
            "every SSDA903 set needs it",
        )
    if not any(tables.found.values()) and not any(tables.ignored.values()):
        raise refuse(file, "R-R05", "every table of the set is empty")


def _window(file: ReturnFile, stated: Window | None, covers: Window | None) -> Window:
    if stated is not None and covers is not None and stated != covers:
        raise refuse(
            file,
            "R-R04",
            f"the return covers {stated[0]} to {stated[1]} by its header; "
            "leave out --covers or make it agree",
        )
    window = stated or covers
    if window is None:
        raise refuse(
            file,
            "R-R04",
            "SSDA903 tables state no year; give --covers FROM:TO (normally 1 April to 31 March)",
        )
    return window


# --- reading the tables ----------------------------------------------------------


def _csv_tables(files: Sequence[ReturnFile], limits: Limits) -> _Tables:
    tables = _Tables()
    origin: dict[str, str] = {}
    for file in files:
        text = read_csv(file, limits=limits)
        match = identify_table(text.header)
        if match is None:
            raise refuse(
                file,
                "R-R01",
                f"this is not an SSDA903 table; its columns are {', '.join(text.header)}",
            )
        name, lacking = match
        if lacking:
            raise refuse(
                file, "R-R06", f"the {name} table lacks the column(s) {', '.join(lacking)}"
            )
        if name in origin:
            raise refuse(
                file, "R-R06", f"the {name} table is given twice: {origin[name]} and this file"
            )
        origin[name] = file.name
        if name not in _FEEDS:
            tables.ignored[f"the {name} table, {file.name}, rows"] = len(text.rows)
            continue
        header = [h.strip().upper() for h in text.header]
        tables.found[name] = [
            _Entry(
                dict(zip(header, cells, strict=False)),
                Location(file.name, name, row=number),
                label=f"row {number}",
            )
            for number, cells in text.rows
        ]
    return tables


def _xml_tables(file: ReturnFile, limits: Limits) -> _Tables:
    tables = _Tables(found={name: [] for name in _FEEDS})
    depth: list[str] = []
    children = 0
    for event, element in stream(file, limits=limits):
        if event == "start":
            if not depth and element.tag != "EXPSSDA903":
                raise refuse(
                    file, "R-R01", "this is not an SSDA903 XML return (no <EXPSSDA903> root)"
                )
            depth.append(element.tag)
            continue
        depth.pop()
        if len(depth) != 1:
            continue
        if element.tag == "CHILD":
            children += 1
            _xml_child(file, element, f"EXPSSDA903/CHILD[{children}]", tables)
            element.clear()
        elif element.tag.upper() == "HEADER":
            tables.stated = _stated(element)
    return tables


def _leaves(element: Element | None) -> dict[str, str]:
    if element is None:
        return {}
    return {
        _XML_NAMES.get(sub.tag.upper(), sub.tag.upper()): (sub.text or "").strip()
        for sub in element
        if len(sub) == 0
    }


def _xml_child(file: ReturnFile, element: Element, place: str, tables: _Tables) -> None:
    header = element.find("HEADER")
    values = _leaves(header)
    child = values.get("CHILD", "")
    found = tables.found
    found["Header"].append(_Entry(values, Location(file.name, f"{place}/HEADER", clean_id(child))))
    parts = [] if header is None else list(header)
    for number, missing in enumerate((p for p in parts if p.tag == "AMISSING"), start=1):
        at = f"{place}/HEADER/AMISSING[{number}]"
        found["Missing"].append(
            _Entry({"CHILD": child, **_leaves(missing)}, Location(file.name, at, clean_id(child)))
        )
    for part in parts:
        if len(part) and part.tag != "AMISSING":
            label = f"<{part.tag}> elements"
            tables.ignored[label] = tables.ignored.get(label, 0) + 1
    for number, episode in enumerate(element.findall("EPISODE"), start=1):
        at = f"{place}/EPISODE[{number}]"
        found["Episodes"].append(
            _Entry(
                {"CHILD": child, **_leaves(episode)},
                Location(file.name, at, clean_id(child)),
                label=f"EPISODE[{number}]",
            )
        )


def _stated(header: Element) -> Window | None:
    """A root-level header's ``ReferenceDate`` (the year to it) or ``Year`` (April–March to it)."""
    named = {local.tag.upper(): (local.text or "").strip() for local in header.iter()}
    reference = as_date(named.get("REFERENCEDATE", ""))
    if reference is None and named.get("YEAR", "").isdigit():
        reference = date(int(named["YEAR"]), 3, 31)
    return year_ending(reference) if reference else None


# --- the canonical datasets ---------------------------------------------------------


def _located(entry: _Entry, dataset: str, child: str) -> Location:
    where = entry.location
    return Location(where.file, where.place, child, where.row, FIELDS[dataset], where.span)


def _child_of(entry: _Entry, out: Collector, dataset: str) -> str:
    child = clean_id(entry.get("CHILD"))
    if not child:
        out.problem(
            _located(entry, dataset, ""),
            "CHILD",
            None,
            "R-R07",
            "a row without CHILD cannot be identified",
        )
    return child


def _children(entries: list[_Entry], out: Collector) -> None:
    for entry in entries:
        child = _child_of(entry, out, "children")
        if child:
            sex = code(entry.get("SEX"))
            values = {
                "child_id": child,
                "date_of_birth": iso_date(entry.get("DOB")),
                "sex": SEX.get(sex, sex),
                "ethnicity": code(entry.get("ETHNIC")),
            }
            out.add("children", values, _located(entry, "children", child))


def _episode_order(item: tuple[date, _Entry]) -> tuple[date, date, bool]:
    start, entry = item
    return start, as_date(entry.get("DEC")) or date.max, code(entry.get("RNE")) != "S"


def _periods(entries: list[_Entry], previous: PreviousPeriod | None, out: Collector) -> None:
    by_child: dict[str, list[tuple[date, _Entry]]] = {}
    for entry in entries:
        child = _child_of(entry, out, "care_periods")
        start = as_date(entry.get("DECOM"))
        if child and start is None:
            out.problem(
                _located(entry, "care_periods", child),
                "DECOM",
                entry.get("DECOM") or None,
                "R-V02" if entry.get("DECOM") else "R-R07",
                "is not a date; episodes are ordered by it"
                if entry.get("DECOM")
                else "an episode without DECOM cannot be placed in its period of care",
            )
        elif child and start is not None:
            by_child.setdefault(child, []).append((start, entry))
    for child, episodes in by_child.items():
        episodes.sort(key=_episode_order)
        _Chain(child, out, previous).run(episodes)


class _Chain:
    """One child's episodes joined into periods of care."""

    def __init__(self, child: str, out: Collector, previous: PreviousPeriod | None) -> None:
        self.child = child
        self.out = out
        self.previous = previous
        self.start: date | None = None
        self.members: list[_Entry] = []

    def run(self, episodes: list[tuple[date, _Entry]]) -> None:
        for position, (decom, entry) in enumerate(episodes):
            new = code(entry.get("RNE")) == "S"
            if new and self.start is not None:
                self.out.note(
                    "an episode with RNE = S followed an open period of care, which was ended "
                    "at the previous episode's DEC",
                    entry.location,
                )
                self._emit(iso_date(self.members[-1].get("DEC")))
            if self.start is None:
                self.start = decom if new else self._continued(decom, position == 0, entry)
            self.members.append(entry)
            reason = code(entry.get("REC"))
            if reason and reason != "X1":
                self._emit(iso_date(entry.get("DEC")))
        if self.start is not None:
            self._emit("")

    def _continued(self, decom: date, first: bool, entry: _Entry) -> date:
        prior = self.previous(self.child) if (first and self.previous) else None
        if prior is not None and prior.start <= decom:
            self.out.note(
                "a child's first episode continues the period of care stored from an earlier "
                "SSDA903 load",
                entry.location,
            )
            return prior.start
        self.out.note(
            "an episode without RNE = S starts a period of care at its DECOM "
            "(no earlier period of care is stored)",
            entry.location,
        )
        return decom

    def _emit(self, end: str) -> None:
        assert self.start is not None
        first, last = self.members[0], self.members[-1]
        where = _located(first, "care_periods", self.child)
        if len(self.members) > 1:
            where = Location(
                where.file, where.place, self.child, where.row, where.fields,
                f"episodes {first.label or first.location.place}–{last.label or last.location.place}",
            )  # fmt: skip
        start = self.start.isoformat()
        values = {
            "period_id": f"{self.child}:{start}",
            "child_id": self.child,
            "start_date": start,
            "end_date": end,
        }
        self.out.add("care_periods", values, where)
        self.start, self.members = None, []


def _missing(entries: list[_Entry], out: Collector) -> None:
    same_day: dict[tuple[str, str], list[_Entry]] = {}
    for entry in entries:
        child = _child_of(entry, out, "missing_episodes")
        if child and not entry.get("MIS_START"):
            out.problem(
                _located(entry, "missing_episodes", child),
                "MIS_START",
                None,
                "R-R07",
                "a missing episode without MIS_START cannot be identified",
            )
        elif child:
            same_day.setdefault((child, iso_date(entry.get("MIS_START"))), []).append(entry)
    for (child, start), group in same_day.items():
        group.sort(
            key=lambda e: (
                as_date(e.get("MIS_END")) or date.max,
                e.get("MIS_END"),
                e.get("MISSING"),
            )
        )
        for number, entry in enumerate(group, start=1):
            kind = code(entry.get("MISSING"))
            values = {
                "episode_id": f"{child}:{start}" + (f":{number}" if number > 1 else ""),
                "child_id": child,
                "missing_start": start,
                "missing_end": iso_date(entry.get("MIS_END")),
                "episode_type": MISSING.get(kind, kind),
                "looked_after": "Y",
            }
            out.add("missing_episodes", values, _located(entry, "missing_episodes", child))


class RememberedPeriods:
    """A `PreviousPeriod` held in memory: each child's latest period from the returns read so far.

    The importer looks periods up in the database; this serves a dry run of
    several years, the tests and the benchmarks.

        remembered = RememberedPeriods()
        for year in years:
            converted = read_ssda903(year, covers=..., previous_period=remembered)
            remembered.remember(converted)
    """

    def __init__(self) -> None:
        self._latest: dict[str, PriorPeriod] = {}

    def __call__(self, child: str) -> PriorPeriod | None:
        return self._latest.get(child)

    def remember(self, converted: ConvertedReturn) -> None:
        periods = converted.datasets.get("care_periods")
        for row in periods.rows if periods is not None else ():
            start = as_date(row.values["start_date"])
            child = str(row.values["child_id"])
            known = self._latest.get(child)
            if start is not None and (known is None or known.start <= start):
                self._latest[child] = PriorPeriod(start, as_date(row.values["end_date"]))

"""The synthetic county written as the statutory returns a council would send instead of CSVs.

``write_returns(manifest, out_dir)`` reads the canonical files `generate`
wrote and writes, as the council's systems would have on each date:

- a CIN census (XML) for each year ending 31 March 2016 … 2020, holding every
  episode open during the year as it stood on the ReferenceDate (later dates
  blank, completed assessments and reviews once);
- the SSDA903 Header, Episodes and Missing tables (CSV) for the same years,
  long periods of care split into two placements so that a period runs across
  episodes and years; only missing episodes from care are in them;
- an Ofsted Annex A workbook for the six months to 31 March 2020.

It returns a `DemoReturns` listing the returns in the order to load them.
Importing them must give the same measures as the canonical files for what
returns can feed (M4, M5, M6, M10; M2 for looked-after children); fields the
returns lack (CSE risk, participation, return interviews, IHA dates,
localities, transfer-in conferences) are simply not written.

    returns = write_returns(generate(seed=2017, scale=0.05, out_dir=d), d / "returns")
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import openpyxl

from safeplan.datasets.schema import ETHNICITY_CODES
from safeplan.demo.generator import DemoManifest
from safeplan.returns.cells import year_ending
from safeplan.returns.ssda903 import TABLES
from safeplan.returns.synonyms import synonym_table

Record = dict[str, str]
Window = tuple[date, date]

#: Census and SSDA903 years (years ending 31 March), from the demo's look-back.
RETURN_YEARS = (2016, 2017, 2018, 2019, 2020)
ANNEX_A_WINDOW: Window = (date(2019, 10, 1), date(2020, 3, 31))
#: A period of care this long or longer has a change of placement half-way.
SPLIT_DAYS = 120
GENDER_CURRENT = {"M": "1", "F": "2", "U": "0", "I": "9"}
ANNEX_SEX = {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded", "I": "d) Neither"}


@dataclass(frozen=True)
class DemoReturn:
    """One return: its kind (the source), files and the window to give with it (if any)."""

    kind: str
    paths: tuple[Path, ...]
    covers: Window | None


@dataclass(frozen=True)
class DemoReturns:
    """What `write_returns` wrote, in load order: censuses, SSDA903 years, Annex A."""

    returns: tuple[DemoReturn, ...]

    def of(self, kind: str) -> tuple[DemoReturn, ...]:
        return tuple(r for r in self.returns if r.kind == kind)


def write_returns(manifest: DemoManifest, out_dir: Path) -> DemoReturns:
    """Write the county's CIN censuses, SSDA903 tables and Annex A workbook into ``out_dir``."""
    county = _County.read(manifest)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [_write_census(county, year, out_dir) for year in RETURN_YEARS]
    written += [_write_ssda903(county, year, out_dir) for year in RETURN_YEARS]
    written.append(_write_annex_a(county, out_dir))
    return DemoReturns(tuple(written))


# --- the canonical files, linked ----------------------------------------------------


def _day(text: str) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def _open_during(start: date | None, end: date | None, window: Window) -> bool:
    return start is not None and start <= window[1] and (end is None or end >= window[0])


def _shown(value: date | None, on: date) -> str:
    """A date as a return made on ``on`` shows it: blank when it had not happened yet."""
    return value.isoformat() if value is not None and value <= on else ""


@dataclass
class _Episode:
    """A referral with its case and everything recorded under it."""

    referral: Record
    case: Record
    assessments: list[Record]
    plans: list[Record]
    initial: list[Record]


class _County:
    def __init__(self, tables: Mapping[str, list[Record]]) -> None:
        self.tables = tables
        self.children = {r["child_id"]: r for r in tables["children"]}
        cases = {(r["child_id"], r["start_date"]): r for r in tables["cases"]}
        self.episodes: dict[str, list[_Episode]] = {}
        self._by_referral: dict[str, _Episode] = {}
        for referral in tables["referrals"]:
            key = (referral["child_id"], referral["referral_date"])
            episode = _Episode(referral, cases[key], [], [], [])
            self.episodes.setdefault(referral["child_id"], []).append(episode)
            self._by_referral[referral["referral_id"]] = episode
        self._reviews: dict[str, list[date]] = {}
        for conference in tables["cp_conferences"]:
            day = _day(conference["conference_date"])
            if conference["conference_type"] == "review" and day is not None:
                self._reviews.setdefault(conference["child_id"], []).append(day)
        self._link()

    @classmethod
    def read(cls, manifest: DemoManifest) -> _County:
        names = (
            "children", "referrals", "cases", "assessments", "cp_plans", "cp_conferences",
            "care_periods", "missing_episodes",
        )  # fmt: skip
        tables = {}
        for name in names:
            with manifest.path(name).open(encoding="utf-8", newline="") as handle:
                tables[name] = list(csv.DictReader(handle))
        return cls(tables)

    def _link(self) -> None:
        for assessment in self.tables["assessments"]:
            linked = self._by_referral.get(assessment["referral_id"])
            episode = linked or self._holding(assessment["child_id"], assessment["start_date"])
            episode.assessments.append(assessment)
        for plan in self.tables["cp_plans"]:
            self._holding(plan["child_id"], plan["start_date"]).plans.append(plan)
        for conference in self.tables["cp_conferences"]:
            if conference["conference_type"] == "initial":
                episode = self._holding(conference["child_id"], conference["conference_date"])
                episode.initial.append(conference)

    def _holding(self, child: str, day: str) -> _Episode:
        """The child's episode open on ``day`` (else the latest one begun before it)."""
        episodes = sorted(self.episodes[child], key=lambda e: e.referral["referral_date"])
        begun = [e for e in episodes if e.referral["referral_date"] <= day] or episodes[:1]
        open_ = [e for e in begun if not e.case["end_date"] or e.case["end_date"] >= day]
        return (open_ or begun)[-1]

    def reviews(self, plan: Record) -> list[date]:
        """The review conferences held under a plan (same child, during the plan)."""
        start, end = _day(plan["start_date"]), _day(plan["end_date"])
        return [
            day
            for day in self._reviews.get(plan["child_id"], [])
            if start is not None and start <= day and (end is None or day <= end)
        ]


# --- CIN census -----------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _write_census(county: _County, year: int, out_dir: Path) -> DemoReturn:
    window = year_ending(date(year, 3, 31))
    message = ET.Element("Message")
    details = _sub(_sub(message, "Header"), "CollectionDetails")
    _sub(details, "Collection", "CIN")
    _sub(details, "Year", str(year))
    _sub(details, "ReferenceDate", window[1].isoformat())
    children = _sub(message, "Children")
    for child_id in sorted(county.episodes):
        shown = [e for e in county.episodes[child_id] if _in_census(e, window)]
        if shown:
            child = _sub(children, "Child")
            _census_child(child, county.children[child_id], window)
            for episode in sorted(shown, key=lambda e: e.referral["referral_date"]):
                _cin_details(_sub(child, "CINdetails"), county, episode, window, year)
    path = out_dir / "cin" / f"cin-census-{year}.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.indent(message)
    ET.ElementTree(message).write(path, encoding="utf-8", xml_declaration=True)
    return DemoReturn("cin", (path,), None)


def _in_census(episode: _Episode, window: Window) -> bool:
    case = episode.case
    if _open_during(_day(case["start_date"]), _day(case["end_date"]), window):
        return True
    dated = [(a["start_date"], a["authorised_date"]) for a in episode.assessments]
    dated += [(p["start_date"], p["end_date"]) for p in episode.plans]
    dated += [(c["conference_date"], c["conference_date"]) for c in episode.initial]
    return any(_open_during(_day(s), _day(e), window) for s, e in dated)


def _census_child(child: ET.Element, record: Record, window: Window) -> None:
    identifiers = _sub(child, "ChildIdentifiers")
    _sub(identifiers, "LAchildID", record["child_id"])
    born = _day(record["date_of_birth"] or record["expected_date_of_birth"])
    if born is not None and born <= window[1]:
        _sub(identifiers, "PersonBirthDate", born.isoformat())
    elif born is not None:
        _sub(identifiers, "ExpectedPersonBirthDate", born.isoformat())
    _sub(identifiers, "GenderCurrent", GENDER_CURRENT[record["sex"]])
    characteristics = _sub(child, "ChildCharacteristics")
    _sub(characteristics, "Ethnicity", record["ethnicity"])
    if record["disability"]:
        disabilities = _sub(characteristics, "Disabilities")
        _sub(disabilities, "Disability", "LD" if record["disability"] == "Y" else "NONE")


def _cin_details(
    element: ET.Element, county: _County, episode: _Episode, window: Window, year: int
) -> None:
    on = window[1]
    referral, case = episode.referral, episode.case
    _sub(element, "CINreferralDate", referral["referral_date"])
    _sub(element, "ReferralSource", referral["source"])
    _sub(element, "PrimaryNeedCode", case["primary_need"])
    closed = _shown(_day(case["end_date"]), on)
    if closed:
        _sub(element, "CINclosureDate", closed)
        _sub(element, "ReasonForClosure", "RC8" if referral["nfa"] == "Y" else "RC7")
    for assessment in episode.assessments:
        if _open_during(
            _day(assessment["start_date"]), _day(assessment["authorised_date"]), window
        ):
            _census_assessment(_sub(element, "Assessments"), assessment, on)
    for conference in episode.initial:
        day = _day(conference["conference_date"])
        if day is not None and window[0] <= day <= on:
            section47 = _sub(element, "Section47")
            _sub(section47, "S47ActualStartDate", (day - timedelta(days=10)).isoformat())
            _sub(section47, "DateOfInitialCPC", day.isoformat())
            _sub(section47, "ICPCnotRequired", "false" if year % 2 else "0")
    # Booleans as true/false in odd years and 1/0 in even ones: both are DfE's.
    yes, no = ("true", "false") if year % 2 else ("1", "0")
    _sub(element, "ReferralNFA", yes if referral["nfa"] == "Y" else no)
    for plan in episode.plans:
        if _open_during(_day(plan["start_date"]), _day(plan["end_date"]), window):
            _census_plan(_sub(element, "ChildProtectionPlans"), plan, county.reviews(plan), window)


def _census_assessment(element: ET.Element, assessment: Record, on: date) -> None:
    _sub(element, "AssessmentActualStartDate", assessment["start_date"])
    authorised = _shown(_day(assessment["authorised_date"]), on)
    if authorised:
        _sub(element, "AssessmentAuthorisationDate", authorised)
    if assessment["factors"]:
        factors = _sub(element, "FactorsIdentifiedAtAssessment")
        for factor in assessment["factors"].split(";"):
            _sub(factors, "AssessmentFactors", factor)


def _census_plan(element: ET.Element, plan: Record, reviews: list[date], window: Window) -> None:
    _sub(element, "CPPstartDate", plan["start_date"])
    ended = _shown(_day(plan["end_date"]), window[1])
    if ended:
        _sub(element, "CPPendDate", ended)
    _sub(element, "InitialCategoryOfAbuse", plan["initial_category"])
    _sub(element, "LatestCategoryOfAbuse", plan["latest_category"])
    _sub(element, "NumberOfPreviousCPP", "0")
    held = [d for d in reviews if window[0] <= d <= window[1]]
    if held:
        dates = _sub(element, "Reviews")
        for day in held:
            _sub(dates, "CPPreviewDate", day.isoformat())


# --- SSDA903 ------------------------------------------------------------------------


def _uk(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


@dataclass(frozen=True)
class Placement:
    """One SSDA903 episode of a period of care."""

    start: date
    rne: str
    end: date | None
    rec: str


def episodes_of(period: Record) -> list[Placement]:
    """A period's episodes: one, or two when it is long (a change of placement half-way)."""
    start, end = _day(period["start_date"]), _day(period["end_date"])
    assert start is not None
    last = end or date(RETURN_YEARS[-1], 3, 31)
    middle = start + (last - start) // 2
    reason = "E4A" if end else ""
    first_year = year_ending(date(RETURN_YEARS[0], 3, 31))[0]
    if (last - start).days >= SPLIT_DAYS and middle >= first_year:
        return [Placement(start, "S", middle, "X1"), Placement(middle, "P", end, reason)]
    return [Placement(start, "S", end, reason)]


def _write_ssda903(county: _County, year: int, out_dir: Path) -> DemoReturn:
    window = year_ending(date(year, 3, 31))
    periods = sorted(county.tables["care_periods"], key=lambda p: (p["child_id"], p["start_date"]))
    episodes = [
        _episode_row(period["child_id"], placement, window[1])
        for period in periods
        for placement in episodes_of(period)
        if _open_during(placement.start, placement.end, window)
    ]
    missing = [
        _missing_row(county, m, window)
        for m in county.tables["missing_episodes"]
        if m["looked_after"] == "Y"
        and _open_during(_day(m["missing_start"]), _day(m["missing_end"]), window)
    ]
    children = sorted({r["CHILD"] for r in episodes} | {r["CHILD"] for r in missing})
    header = [_header_row(county.children[child]) for child in children]
    folder = out_dir / "ssda903" / str(year)
    # Odd years list the Episodes columns back to front: tables are read by their names.
    order = TABLES["Episodes"][:: -1 if year % 2 else 1]
    paths = (
        _write_table(folder / "header.csv", TABLES["Header"], header),
        _write_table(folder / "episodes.csv", order, episodes),
        _write_table(folder / "missing.csv", TABLES["Missing"], missing),
    )
    return DemoReturn("ssda903", paths, window)


def _episode_row(child: str, placement: Placement, on: date) -> Record:
    """The episode as the return made on ``on`` shows it: open if it ended later."""
    ended = placement.end is not None and placement.end <= on
    return {
        "CHILD": child, "DECOM": _uk(placement.start), "RNE": placement.rne, "LS": "C2",
        "CIN": "N1", "PLACE": "U1", "PLACE_PROVIDER": "PR1",
        "DEC": _uk(placement.end) if ended else "", "REC": placement.rec if ended else "",
    }  # fmt: skip


def _missing_row(county: _County, missing: Record, window: Window) -> Record:
    end = _day(missing["missing_end"])
    return {
        "CHILD": missing["child_id"],
        "DOB": _uk(_day(county.children[missing["child_id"]]["date_of_birth"])),
        "MISSING": "A" if missing["episode_type"] == "away" else "M",
        "MIS_START": _uk(_day(missing["missing_start"])),
        "MIS_END": _uk(end if end is not None and end <= window[1] else None),
    }


def _header_row(child: Record) -> Record:
    return {
        "CHILD": child["child_id"],
        "SEX": {"M": "1", "F": "2"}.get(child["sex"], ""),
        "DOB": _uk(_day(child["date_of_birth"] or child["expected_date_of_birth"])),
        "ETHNIC": child["ethnicity"],
    }


def _write_table(path: Path, columns: Sequence[str], rows: Iterable[Record]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


# --- Ofsted Annex A -----------------------------------------------------------------

_COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]


def _wording(vocabulary: str, code: str, separator: str) -> str:
    """``6: Police``, ``N1 - Abuse or neglect``: the code and the table's first wording for it."""
    table = synonym_table().values[vocabulary]
    names = [w for w, c in table.items() if c == code and w != code.lower()]
    return f"{code}{separator}{names[0].capitalize()}" if names else code


def _write_annex_a(county: _County, out_dir: Path) -> DemoReturn:
    window = ANNEX_A_WINDOW
    book = openpyxl.Workbook()
    book.remove(book.active)
    sheets = _annex_lists(county, window)
    for title, (header, rows) in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    path = out_dir / "annex-a" / "annex-a-2020-03.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return DemoReturn("annex_a", (path,), window)


def _child_cells(county: _County, child_id: str, on: date) -> list[object]:
    child = county.children[child_id]
    born = _day(child["date_of_birth"])
    age = (on - born).days // 365 if born else None
    letter = "abcdefghijklmnopqrst"[ETHNICITY_CODES.index(child["ethnicity"])]
    return [child_id, ANNEX_SEX[child["sex"]], f"{letter}) {child['ethnicity']}", born, age]


#: Each sheet's title (as an authority might name it) and the columns after the common ones.
ANNEX_A_SHEETS: Mapping[str, tuple[str, ...]] = {
    "List 1": ("Date of Contact", "Contact Source"),
    "List 2": ("Assessment start date", "Assessment completion date", "Organisation completing assessment"),
    "L3 Referrals": ("Date of Referral", "Referral Source", "Referral NFA?"),
    "List 4": ("Continuous Assessment Start Date", "Continuous Assessment Date of Authorisation"),
    "List 5": ("Strategy discussion initiating Section 47 Enquiry Start Date",),
    "List 6 - CIN": ("CIN Start Date", "Primary Need Code", "CIN Closure Date"),
    "CP": ("Child Protection Plan Start Date", "Initial Category of Abuse", "Latest Category of Abuse", "Date of latest review conference", "Child Protection Plan End Date"),
    "List 8": ("Date Started to be Looked After", "Date Ceased to be Looked After", "Number of Episodes the Child has been ‘Missing’ from their Placement in the last 12 months", "Was the child offered a Return Interview after their last missing episode (Y/N)?"),
    "List 9": ("Eligibility Category", "LA in Touch"),
}  # fmt: skip


def _annex_lists(
    county: _County, window: Window
) -> dict[str, tuple[list[str], list[list[object]]]]:
    """Each sheet's header and rows: the lists that feed safeplan filled, the others empty."""
    on, tables = window[1], county.tables

    def rows(
        dataset: str, start: str, end: str | None, cells: Callable[[Record], list[object]]
    ) -> list[list[object]]:
        return [
            [*_child_cells(county, r["child_id"], on), *cells(r)]
            for r in tables[dataset]
            if _open_during(_day(r[start]), _day(r[end or start]), window)
        ]

    filled = {
        "L3 Referrals": rows("referrals", "referral_date", None, lambda r: [
            _day(r["referral_date"]), _wording("referral_source", r["source"], ": "),
            "Yes" if r["nfa"] == "Y" else "No",
        ]),
        "List 4": rows("assessments", "start_date", "authorised_date", lambda r: [
            _day(r["start_date"]), _day(_shown(_day(r["authorised_date"]), on)),
        ]),
        "List 6 - CIN": rows("cases", "start_date", "end_date", lambda r: [
            _day(r["start_date"]), _wording("primary_need", r["primary_need"], " - "),
            _day(r["end_date"]),
        ]),
        "CP": rows("cp_plans", "start_date", "end_date", lambda r: [
            _day(r["start_date"]), _category(r["initial_category"]),
            _category(r["latest_category"]), _latest([d for d in county.reviews(r) if d <= on]),
            _day(r["end_date"]),
        ]),
        "List 8": rows("care_periods", "start_date", "end_date", lambda r: [
            _day(r["start_date"]), _day(r["end_date"]), 0, 0,
        ]),
    }  # fmt: skip
    return {
        title: ([*_COMMON, *columns], filled.get(title, []))
        for title, columns in ANNEX_A_SHEETS.items()
    }


def _category(code: str) -> str:
    names = {"NEG": "a) Neglect", "PHY": "b) Physical abuse", "SAB": "c) Sexual abuse", "EMO": "d) Emotional abuse", "MUL": "e) Multiple/not recommended"}  # fmt: skip
    return names[code]


def _latest(days: list[date]) -> date | None:
    return max(days) if days else None

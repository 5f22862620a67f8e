"""The CIN census (DfE, XML) as canonical datasets.

``Message > Header > CollectionDetails (Collection, Year, ReferenceDate)`` and
``Message > Children > Child*``; each ``Child`` holds ``ChildIdentifiers``,
``ChildCharacteristics`` and ``CINdetails*``. Every year's shape is read:
factor codes before and after 2021, ``24A`` from 2022, referral source ``5D``
from 2023, ``Sex`` (2025 census) beside or instead of ``GenderCurrent``,
booleans as ``0``/``1`` or ``true``/``false``. The file streams child by child.

Stable ids (the census has none): referral and case ``CHILD:referraldate``,
assessment ``CHILD:referraldate:A:startdate``, plan ``CHILD:planstart``,
initial conference ``CHILD:ICPC:date``, review ``CHILD:planstart:R:date``.

    converted = read_cin(ReturnFile(path, "cin-2020.xml"))
    converted.covers  # (date(2019, 4, 1), date(2020, 3, 31))
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from xml.etree.ElementTree import Element

from safeplan.returns.cells import as_date, clean_id, code, iso_date, year_ending, yes_no
from safeplan.returns.collect import Collector
from safeplan.returns.files import refuse
from safeplan.returns.model import (
    DEFAULT_LIMITS,
    ConvertedReturn,
    Limits,
    Location,
    Refused,
    ReturnFile,
    ReturnKind,
    Window,
)
from safeplan.returns.safe_xml import stream, text_of

#: Each dataset's columns as the census names them; the keys are what it carries.
FIELDS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "children": {
            "child_id": "LAchildID",
            "date_of_birth": "PersonBirthDate",
            "expected_date_of_birth": "ExpectedPersonBirthDate",
            "sex": "Sex/GenderCurrent",
            "ethnicity": "Ethnicity",
            "disability": "Disability",
        },
        "referrals": {
            "referral_id": "CINreferralDate",
            "child_id": "LAchildID",
            "referral_date": "CINreferralDate",
            "source": "ReferralSource",
            "nfa": "ReferralNFA",
        },
        "cases": {
            "case_id": "CINreferralDate",
            "child_id": "LAchildID",
            "start_date": "CINreferralDate",
            "end_date": "CINclosureDate",
            "primary_need": "PrimaryNeedCode",
        },
        "assessments": {
            "assessment_id": "AssessmentActualStartDate",
            "child_id": "LAchildID",
            "referral_id": "CINreferralDate",
            "start_date": "AssessmentActualStartDate",
            "authorised_date": "AssessmentAuthorisationDate",
            "factors": "AssessmentFactors",
        },
        "cp_plans": {
            "plan_id": "CPPstartDate",
            "child_id": "LAchildID",
            "start_date": "CPPstartDate",
            "end_date": "CPPendDate",
            "initial_category": "InitialCategoryOfAbuse",
            "latest_category": "LatestCategoryOfAbuse",
        },
        "cp_conferences": {
            "conference_id": "DateOfInitialCPC/CPPreviewDate",
            "child_id": "LAchildID",
            "conference_date": "DateOfInitialCPC/CPPreviewDate",
            "conference_type": "DateOfInitialCPC/CPPreviewDate",
        },
    }
)

GENDER_CURRENT = MappingProxyType({"1": "M", "2": "F", "0": "U", "9": "I"})

#: Codes that exist only from (or only before) a census year: code → (first, last) year.
CODE_YEARS: Mapping[str, tuple[int, int]] = MappingProxyType(
    {
        "18A": (0, 2020),
        "19A": (0, 2020),
        "18B": (2021, 9999),
        "18C": (2021, 9999),
        "19B": (2021, 9999),
        "19C": (2021, 9999),
        "24A": (2022, 9999),
        "5D": (2023, 9999),
    }
)


def read_cin(
    file: ReturnFile, *, covers: Window | None = None, limits: Limits = DEFAULT_LIMITS
) -> ConvertedReturn:
    """Read a CIN census; `covers` is used only when the header states no reference date."""
    census = _Census(file)
    try:
        for event, element in stream(file, limits=limits):
            census.on(event, element)
        return census.finish(covers)
    except Refused as refusal:
        raise census.out.refused(refusal) from None


class _Census:
    def __init__(self, file: ReturnFile) -> None:
        self.file = file
        self.out = Collector(ReturnKind.CIN, [file.name])
        self.depth: list[str] = []
        self.header: dict[str, str] = {}
        self.children = 0
        self.seen: dict[str, Location] = {}
        self.codes: dict[str, Location] = {}
        for dataset, fields in FIELDS.items():
            self.out.feed(dataset, fields)

    def on(self, event: str, element: Element) -> None:
        if event == "start":
            if not self.depth and element.tag != "Message":
                raise refuse(self.file, "R-R01", "this is not a CIN census (no <Message> root)")
            self.depth.append(element.tag)
            return
        self.depth.pop()
        if self.depth[-2:] == ["Header", "CollectionDetails"]:
            self.header[element.tag] = (element.text or "").strip()
        elif element.tag == "Child" and self.depth[-1:] == ["Children"]:
            self.children += 1
            self._child(element, f"Message/Children/Child[{self.children}]")
            element.clear()

    # --- one child -------------------------------------------------------------

    def _child(self, element: Element, place: str) -> None:
        child = clean_id(text_of(element, "ChildIdentifiers/LAchildID"))
        where = Location(self.file.name, place, child, fields=FIELDS["children"])
        if not child:
            self.out.problem(
                where, "LAchildID", None, "R-R07", "a Child without LAchildID cannot be identified"
            )
            return
        if child in self.seen:
            self.out.problem(
                where,
                "LAchildID",
                child,
                "R-R08",
                f"is listed again; the same child is already at {self.seen[child].place}",
            )
            return
        self.seen[child] = where
        self.out.add("children", _characteristics(element, child), where)
        for number, details in enumerate(element.findall("CINdetails"), start=1):
            self._details(details, child, f"{place}/CINdetails[{number}]")

    def _details(self, element: Element, child: str, place: str) -> None:
        raw = text_of(element, "CINreferralDate")
        where = Location(self.file.name, place, child, fields=FIELDS["referrals"])
        if not raw:
            self.out.problem(
                where,
                "CINreferralDate",
                None,
                "R-R07",
                "a CINdetails without CINreferralDate cannot be identified",
            )
            return
        referral = iso_date(raw)
        referral_id = f"{child}:{referral}"
        source = code(text_of(element, "ReferralSource"))
        self._code_seen(source, where)
        common = {"child_id": child}
        self.out.add(
            "referrals",
            {
                **common,
                "referral_id": referral_id,
                "referral_date": referral,
                "source": source,
                "nfa": yes_no(text_of(element, "ReferralNFA")),
            },
            where,
        )
        self.out.add(
            "cases",
            {
                **common,
                "case_id": referral_id,
                "start_date": referral,
                "end_date": iso_date(text_of(element, "CINclosureDate")),
                "primary_need": code(text_of(element, "PrimaryNeedCode")),
            },
            Location(self.file.name, place, child, fields=FIELDS["cases"]),
        )
        for number, assessment in enumerate(element.findall("Assessments"), start=1):
            self._assessment(assessment, child, referral_id, f"{place}/Assessments[{number}]")
        self._initial_conferences(element, child, place)
        for number, plan in enumerate(element.findall("ChildProtectionPlans"), start=1):
            self._plan(plan, child, f"{place}/ChildProtectionPlans[{number}]")

    def _assessment(self, element: Element, child: str, referral_id: str, place: str) -> None:
        where = Location(self.file.name, place, child, fields=FIELDS["assessments"])
        start = self._required(element, "AssessmentActualStartDate", where, "an assessment")
        if start is None:
            return
        factors = [
            code(f.text) for f in element.iter("AssessmentFactors") if (f.text or "").strip()
        ]
        for factor in factors:
            self._code_seen(factor, where)
        self.out.add(
            "assessments",
            {
                "assessment_id": f"{referral_id}:A:{start}",
                "child_id": child,
                "referral_id": referral_id,
                "start_date": start,
                "authorised_date": iso_date(text_of(element, "AssessmentAuthorisationDate")),
                "factors": ";".join(dict.fromkeys(factors)),
            },
            where,
        )

    def _initial_conferences(self, element: Element, child: str, place: str) -> None:
        """Every ``DateOfInitialCPC``, in ``CINdetails`` itself or in a ``Section47``."""
        found = [(place, element.find("DateOfInitialCPC"))]
        found += [
            (f"{place}/Section47[{n}]", s47.find("DateOfInitialCPC"))
            for n, s47 in enumerate(element.findall("Section47"), start=1)
        ]
        for at, date_element in found:
            day = iso_date(text_of(date_element))
            if day:
                self._conference(f"{child}:ICPC:{day}", child, day, "initial", at)

    def _plan(self, element: Element, child: str, place: str) -> None:
        where = Location(self.file.name, place, child, fields=FIELDS["cp_plans"])
        start = self._required(element, "CPPstartDate", where, "a child protection plan")
        if start is None:
            return
        plan_id = f"{child}:{start}"
        self.out.add(
            "cp_plans",
            {
                "plan_id": plan_id,
                "child_id": child,
                "start_date": start,
                "end_date": iso_date(text_of(element, "CPPendDate")),
                "initial_category": code(text_of(element, "InitialCategoryOfAbuse")),
                "latest_category": code(text_of(element, "LatestCategoryOfAbuse")),
            },
            where,
        )
        for number, review in enumerate(element.iter("CPPreviewDate"), start=1):
            day = iso_date(text_of(review))
            if day:
                at = f"{place}/Reviews/CPPreviewDate[{number}]"
                self._conference(f"{plan_id}:R:{day}", child, day, "review", at)

    def _conference(self, conference_id: str, child: str, day: str, kind: str, at: str) -> None:
        self.out.add(
            "cp_conferences",
            {
                "conference_id": conference_id,
                "child_id": child,
                "conference_date": day,
                "conference_type": kind,
            },
            Location(self.file.name, at, child, fields=FIELDS["cp_conferences"]),
            # The same initial conference may be written in CINdetails and in Section47.
            identical_is_one=True,
        )

    def _required(self, element: Element, name: str, where: Location, what: str) -> str | None:
        raw = text_of(element, name)
        if not raw:
            self.out.problem(
                where, name, None, "R-R07", f"{what} without {name} cannot be identified"
            )
            return None
        return iso_date(raw)

    def _code_seen(self, value: str, where: Location) -> None:
        if value in CODE_YEARS:
            self.codes.setdefault(value, where)

    # --- the whole census ------------------------------------------------------------

    def finish(self, covers: Window | None) -> ConvertedReturn:
        window = self._window(covers)
        if self.children == 0:
            raise refuse(self.file, "R-R05", "the census holds no Child records")
        self._year_notes(window[1].year)
        return self.out.finish(window)

    def _window(self, covers: Window | None) -> Window:
        collection = self.header.get("Collection", "")
        if collection and collection.upper() != "CIN":
            raise refuse(
                self.file, "R-R01", f"this is a DfE “{collection}” collection, not a CIN census"
            )
        reference = as_date(self.header.get("ReferenceDate", ""))
        year = self.header.get("Year", "")
        if reference is None and year.isdigit():
            reference = date(int(year), 3, 31)
        if reference is None:
            if covers is None:
                raise refuse(
                    self.file,
                    "R-R04",
                    "the census header states no ReferenceDate or Year; give --covers FROM:TO",
                )
            return covers
        window = year_ending(reference)
        if covers is not None and covers != window:
            raise refuse(
                self.file,
                "R-R04",
                f"the census covers {window[0]} to {window[1]} (ReferenceDate {reference}); "
                "leave out --covers or make it agree",
            )
        return window

    def _year_notes(self, year: int) -> None:
        for value, where in self.codes.items():
            first, last = CODE_YEARS[value]
            if not first <= year <= last:
                since = f"from the {first} census" if first else f"until the {last} census"
                self.out.note(
                    f"code {value} (used {since}) appears in this {year} census and was read as given",
                    where,
                )


def _characteristics(element: Element, child: str) -> dict[str, str]:
    identifiers = element.find("ChildIdentifiers")
    characteristics = element.find("ChildCharacteristics")
    return {
        "child_id": child,
        "date_of_birth": iso_date(text_of(identifiers, "PersonBirthDate")),
        "expected_date_of_birth": iso_date(text_of(identifiers, "ExpectedPersonBirthDate")),
        "sex": _sex(identifiers, characteristics),
        "ethnicity": code(text_of(characteristics, "Ethnicity")),
        "disability": _disability(characteristics),
    }


def _sex(*parts: Element | None) -> str:
    """``Sex`` (M/F/U, from the 2025 census) when given, else ``GenderCurrent`` (1/2/0/9)."""
    sex = next((code(text_of(p, ".//Sex")) for p in parts if text_of(p, ".//Sex")), "")
    if sex:
        return sex
    gender = next(
        (code(text_of(p, ".//GenderCurrent")) for p in parts if text_of(p, ".//GenderCurrent")), ""
    )
    return GENDER_CURRENT.get(gender, gender)


def _disability(characteristics: Element | None) -> str:
    """``Y`` for any ``Disability`` other than ``NONE``, ``N`` for only ``NONE``, blank if none."""
    if characteristics is None:
        return ""
    codes = {code(d.text) for d in characteristics.iter("Disability") if (d.text or "").strip()}
    if not codes:
        return ""
    return "N" if codes == {"NONE"} else "Y"

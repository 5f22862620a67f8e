"""Small synthetic returns in the shapes of the public schemas, for the adapters' tests.

The shapes follow DfE's CIN census XSDs (2017–2024, as published with
liia-tools), the SSDA903 table columns and ``EXPSSDA903`` XML of Data to
Insight's validator, and Ofsted's Annex A lists. Every child and date here is
invented. The builders write text by hand, so that a test can also write a
return that is wrong in exactly one way.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import openpyxl


def _tag(name: str, value: str | None) -> str:
    return "" if value is None else f"<{name}>{value}</{name}>"


# --- CIN census ---------------------------------------------------------------------


def assessment(
    start: str, *, authorised: str | None = None, factors: Sequence[str] = (), nested: bool = True
) -> str:
    """``Assessments``; factors inside ``FactorsIdentifiedAtAssessment`` unless ``nested`` is off."""
    listed = "".join(_tag("AssessmentFactors", f) for f in factors)
    if nested and factors:
        listed = f"<FactorsIdentifiedAtAssessment>{listed}</FactorsIdentifiedAtAssessment>"
    return (
        f"<Assessments>{_tag('AssessmentActualStartDate', start)}"
        f"{_tag('AssessmentAuthorisationDate', authorised)}{listed}</Assessments>"
    )


def section47(start: str, *, icpc: str | None = None, not_required: str = "false") -> str:
    return (
        f"<Section47>{_tag('S47ActualStartDate', start)}{_tag('DateOfInitialCPC', icpc)}"
        f"{_tag('ICPCnotRequired', not_required)}</Section47>"
    )


def plan(
    start: str | None,
    *,
    end: str | None = None,
    initial: str = "NEG",
    latest: str = "NEG",
    reviews: Sequence[str] = (),
) -> str:
    listed = "".join(_tag("CPPreviewDate", r) for r in reviews)
    return (
        f"<ChildProtectionPlans>{_tag('CPPstartDate', start)}{_tag('CPPendDate', end)}"
        f"{_tag('InitialCategoryOfAbuse', initial)}{_tag('LatestCategoryOfAbuse', latest)}"
        f"<NumberOfPreviousCPP>0</NumberOfPreviousCPP>"
        + (f"<Reviews>{listed}</Reviews>" if reviews else "")
        + "</ChildProtectionPlans>"
    )


def details(
    referral: str | None,
    *,
    source: str = "6",
    need: str = "N1",
    closure: str | None = None,
    nfa: str = "false",
    initial_cpc: str | None = None,
    parts: Sequence[str] = (),
    plans: Sequence[str] = (),
) -> str:
    """``CINdetails``: ``parts`` are assessments and Section47s, written before ``ReferralNFA``."""
    return (
        f"<CINdetails>{_tag('CINreferralDate', referral)}{_tag('ReferralSource', source)}"
        f"{_tag('PrimaryNeedCode', need)}{_tag('CINclosureDate', closure)}"
        f"{_tag('ReasonForClosure', 'RC7' if closure else None)}"
        f"{_tag('DateOfInitialCPC', initial_cpc)}{''.join(parts)}{_tag('ReferralNFA', nfa)}"
        f"{''.join(plans)}</CINdetails>"
    )


def child(
    la_id: str | None,
    *cin_details: str,
    birth: str | None = "2010-05-01",
    expected: str | None = None,
    gender: str | None = "1",
    sex: str | None = None,
    ethnicity: str = "WBRI",
    disabilities: Sequence[str] | None = ("NONE",),
) -> str:
    """A ``Child``; ``sex`` (the 2025 census item) is written beside or instead of ``gender``."""
    listed = (
        ""
        if disabilities is None
        else "<Disabilities>"
        + "".join(_tag("Disability", d) for d in disabilities)
        + "</Disabilities>"
    )
    return (
        f"<Child><ChildIdentifiers>{_tag('LAchildID', la_id)}<UPN>A123456789012</UPN>"
        f"{_tag('PersonBirthDate', birth)}{_tag('ExpectedPersonBirthDate', expected)}"
        f"{_tag('GenderCurrent', gender)}{_tag('Sex', sex)}</ChildIdentifiers>"
        f"<ChildCharacteristics>{_tag('Ethnicity', ethnicity)}{listed}</ChildCharacteristics>"
        f"{''.join(cin_details)}</Child>"
    )


def census(
    year: int | None,
    *children: str,
    reference: str | None = None,
    collection: str = "CIN",
    namespace: str = "",
    prolog: str = '<?xml version="1.0" encoding="utf-8"?>',
) -> str:
    """A whole ``Message``; ``year=None`` leaves the collection details out."""
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    header = (
        ""
        if year is None
        else "<Header><CollectionDetails>"
        f"<Collection>{collection}</Collection><Year>{year}</Year>"
        f"<ReferenceDate>{reference or f'{year}-03-31'}</ReferenceDate>"
        "</CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>999</LEA></Source></Header>"
    )
    return f"{prolog}<Message{xmlns}>{header}<Children>{''.join(children)}</Children></Message>"


# --- SSDA903 ------------------------------------------------------------------------

HEADER = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODES = (
    "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
)  # fmt: skip
MISSING = ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END")
REVIEWS = ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")


def episode(child: str, decom: str, rne: str, dec: str = "", rec: str = "") -> dict[str, str]:
    return {
        "CHILD": child, "DECOM": decom, "RNE": rne, "LS": "C2", "CIN": "N1", "PLACE": "U1",
        "PLACE_PROVIDER": "PR1", "DEC": dec, "REC": rec,
    }  # fmt: skip


def write_table(
    path: Path,
    columns: Sequence[str],
    rows: Iterable[Mapping[str, str]],
    *,
    encoding: str = "utf-8",
) -> Path:
    """A CSV table with exactly ``columns`` in that order (missing cells blank)."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns])
    return path


def xml_child(
    child_id: str,
    *,
    sex: str = "2",
    dob: str = "01/02/2008",
    ethnic: str = "WBRI",
    episodes: Sequence[Mapping[str, str]] = (),
    missing: Sequence[Mapping[str, str]] = (),
    reviews: int = 0,
    id_tag: str = "CHILDID",
) -> str:
    """One ``CHILD`` of the XML form: ``HEADER`` (with ``AMISSING``) and ``EPISODE``s."""
    amissing = "".join(
        "<AMISSING>" + "".join(_tag(k, v) for k, v in m.items()) + "</AMISSING>" for m in missing
    )
    areview = (
        "<AREVIEW><REVIEW>01/05/2017</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE></AREVIEW>" * reviews
    )
    episodes_xml = "".join(
        "<EPISODE>"
        + "".join(_tag("PL" if k == "PLACE" else k, v) for k, v in e.items() if k != "CHILD")
        + "</EPISODE>"
        for e in episodes
    )
    return (
        f"<CHILD><HEADER>{_tag(id_tag, child_id)}<UPN>A123456789012</UPN>{_tag('SEX', sex)}"
        f"{_tag('DOB', dob)}{_tag('ETHNIC', ethnic)}<UASC />{amissing}{areview}"
        f"<MOTHER /><MC_DOB /></HEADER>{episodes_xml}</CHILD>"
    )


def ssda903_xml(*children: str, header: str = "") -> str:
    return f"<?xml version='1.0' encoding='us-ascii'?><EXPSSDA903>{header}{''.join(children)}</EXPSSDA903>"


# --- Annex A ------------------------------------------------------------------------

COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]


def annex_workbook(
    path: Path,
    sheets: Mapping[str, tuple[Sequence[object], Sequence[Sequence[object]]]],
    *,
    title_rows: Sequence[Sequence[object]] = (),
) -> Path:
    """A workbook with one sheet per entry: title rows (if any), the header, the rows."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, (header, rows) in sheets.items():
        sheet = book.create_sheet(title)
        for extra in title_rows:
            sheet.append(list(extra))
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path

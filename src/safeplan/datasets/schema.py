"""The one description of the twelve canonical datasets and the import rule book.

This module is the contract of `datasets.md`: the importer validates against
it, the record models are generated from it, the demo generator writes files
in its shape and `docs/import-rules.md` / `docs/datasets.md` are rendered
from it. Nothing here imports Django.

>>> DATASETS["referrals"].id_column
'referral_id'
>>> DATASETS["referrals"].column("cse_risk").codes
('none', 'low', 'medium', 'high')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class ColumnType(StrEnum):
    ID = "id"
    DATE = "date"
    DATETIME = "datetime"
    FLAG = "flag"
    CODE = "code"
    CODE_LIST = "code list"
    INT = "int"
    TEXT = "text"


ID_MAX_LENGTH = 64
TEXT_MAX_LENGTH = 200


@dataclass(frozen=True)
class Column:
    """One column of a dataset, as `datasets.md` describes it.

    `aliases` maps accepted input spellings (case-insensitive) to a canonical
    code, e.g. audit grades ``"1"`` → ``"outstanding"``. `not_before` names
    another column of the same row that this one may not precede.
    """

    name: str
    type: ColumnType
    required: bool = False
    description: str = ""
    codes: tuple[str, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    min_value: int | None = None
    max_value: int | None = None
    not_before: str | None = None
    pseudonymise: bool = False
    locality: bool = False
    truncate_to_month: bool = False

    @property
    def max_length(self) -> int | None:
        if self.type is ColumnType.ID:
            return ID_MAX_LENGTH
        if self.type in (ColumnType.TEXT, ColumnType.CODE_LIST):
            return TEXT_MAX_LENGTH
        return None


@dataclass(frozen=True)
class Dataset:
    """A canonical dataset: its columns, primary date and coverage rules.

    `key_columns` identify a record (the first column, except population,
    keyed by year and locality). `primary_date` is the column whose dates
    define the default coverage window; `None` for datasets without a window.
    """

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_date: str | None
    covers_required: bool = False
    key_columns: tuple[str, ...] = ()

    @property
    def id_column(self) -> str:
        return self.columns[0].name

    @property
    def keys(self) -> tuple[str, ...]:
        return self.key_columns or (self.id_column,)

    @property
    def windowed(self) -> bool:
        return self.primary_date is not None

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")


# --- codes -----------------------------------------------------------------

SEX_CODES = ("M", "F", "U", "I")
ETHNICITY_CODES = (
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
    "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
)  # fmt: skip
REFERRAL_SOURCE_CODES = (
    "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F",
    "4", "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10",
)  # fmt: skip
CSE_RISK_CODES = ("none", "low", "medium", "high")
ASSESSMENT_FACTOR_CODES = (
    "1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C",
    "5A", "5B", "5C", "6A", "6B", "6C", "7A", "8B", "8C", "8D", "8E", "8F",
    "9A", "10A", "11A", "12A", "13A", "14A", "15A", "16A", "17A",
    "18A", "18B", "18C", "19A", "19B", "19C", "20", "21", "22A", "23A", "24A",
)  # fmt: skip
PRIMARY_NEED_CODES = tuple(f"N{i}" for i in range(10))
CP_CATEGORY_CODES = ("NEG", "PHY", "EMO", "SAB", "MUL")
CONFERENCE_TYPE_CODES = ("initial", "review", "transfer_in")
PARTICIPATION_CODES = tuple(f"PN{i}" for i in range(8))
EPISODE_TYPE_CODES = ("missing", "away")
AUDIT_GRADE_CODES = ("outstanding", "good", "requires_improvement", "inadequate")
AUDIT_GRADE_ALIASES = MappingProxyType(
    {"1": "outstanding", "2": "good", "3": "requires_improvement", "4": "inadequate"}
)

# --- the twelve datasets ---------------------------------------------------

_child_id = Column("child_id", ColumnType.ID, required=True, pseudonymise=True)
_locality = Column("locality", ColumnType.TEXT, locality=True, description="locality of the record")

_DATASET_LIST: tuple[Dataset, ...] = (
    Dataset(
        "children",
        "Children",
        "One row per child. Enriches breakdowns; `child_id` of other datasets need not appear here.",
        (
            _child_id,
            Column(
                "date_of_birth",
                ColumnType.DATE,
                truncate_to_month=True,
                description="stored truncated to the first of the month (data minimisation)",
            ),
            Column("expected_date_of_birth", ColumnType.DATE, description="unborn children"),
            Column(
                "sex",
                ColumnType.CODE,
                codes=SEX_CODES,
                description="M, F, U (not recorded), I (indeterminate)",
            ),
            Column(
                "ethnicity",
                ColumnType.CODE,
                codes=ETHNICITY_CODES,
                description="DfE (CIN census) ethnicity codes",
            ),
            Column("disability", ColumnType.FLAG),
            _locality,
        ),
        primary_date=None,
    ),
    Dataset(
        "referrals",
        "Referrals",
        "Referrals to children's social care.",
        (
            Column("referral_id", ColumnType.ID, required=True),
            _child_id,
            Column("referral_date", ColumnType.DATE, required=True),
            Column(
                "source",
                ColumnType.CODE,
                codes=REFERRAL_SOURCE_CODES,
                description="DfE referral source code",
            ),
            Column(
                "cse_risk",
                ColumnType.CODE,
                codes=CSE_RISK_CODES,
                description="CSE risk identified at point of referral by the screening tool; blank = not screened",
            ),
            Column("nfa", ColumnType.FLAG, description="no further action"),
            _locality,
        ),
        primary_date="referral_date",
    ),
    Dataset(
        "assessments",
        "Single assessments",
        "Single (statutory) assessments.",
        (
            Column("assessment_id", ColumnType.ID, required=True),
            _child_id,
            Column("referral_id", ColumnType.ID, description="the referral that led to it"),
            Column("start_date", ColumnType.DATE, required=True),
            Column("authorised_date", ColumnType.DATE, not_before="start_date"),
            Column(
                "factors",
                ColumnType.CODE_LIST,
                codes=ASSESSMENT_FACTOR_CODES,
                description="CIN census assessment factor codes separated by `;` or `,` (16A neglect, 11A CSE)",
            ),
        ),
        primary_date="start_date",
    ),
    Dataset(
        "cases",
        "Cases",
        "Episodes of children's social care (referral to closure).",
        (
            Column("case_id", ColumnType.ID, required=True),
            _child_id,
            Column("start_date", ColumnType.DATE, required=True),
            Column(
                "end_date", ColumnType.DATE, not_before="start_date", description="blank = open"
            ),
            Column("primary_need", ColumnType.CODE, codes=PRIMARY_NEED_CODES),
            _locality,
        ),
        primary_date="start_date",
        covers_required=True,
    ),
    Dataset(
        "cp_plans",
        "Child protection plans",
        "Child protection plans.",
        (
            Column("plan_id", ColumnType.ID, required=True),
            _child_id,
            Column("start_date", ColumnType.DATE, required=True),
            Column(
                "end_date", ColumnType.DATE, not_before="start_date", description="blank = open"
            ),
            Column(
                "initial_category",
                ColumnType.CODE,
                required=True,
                codes=CP_CATEGORY_CODES,
                description="NEG neglect, PHY physical, EMO emotional, SAB sexual, MUL multiple",
            ),
            Column("latest_category", ColumnType.CODE, codes=CP_CATEGORY_CODES),
        ),
        primary_date="start_date",
        covers_required=True,
    ),
    Dataset(
        "cp_conferences",
        "Child protection conferences",
        "Initial and review child protection conferences.",
        (
            Column("conference_id", ColumnType.ID, required=True),
            _child_id,
            Column("conference_date", ColumnType.DATE, required=True),
            Column("conference_type", ColumnType.CODE, required=True, codes=CONFERENCE_TYPE_CODES),
            Column(
                "participation",
                ColumnType.CODE,
                codes=PARTICIPATION_CODES,
                description="PN0 child under 4 … PN7 absent, views not conveyed",
            ),
            Column(
                "views_shared",
                ColumnType.FLAG,
                description="for agencies that do not record PN codes",
            ),
            Column(
                "unborn", ColumnType.FLAG, description="conference held before the child's birth"
            ),
        ),
        primary_date="conference_date",
    ),
    Dataset(
        "missing_episodes",
        "Missing episodes",
        "Children missing from home or care.",
        (
            Column("episode_id", ColumnType.ID, required=True),
            _child_id,
            Column(
                "missing_start",
                ColumnType.DATETIME,
                required=True,
                description="left, or last seen",
            ),
            Column(
                "missing_end",
                ColumnType.DATETIME,
                not_before="missing_start",
                description="found or returned; blank = still missing",
            ),
            Column(
                "episode_type",
                ColumnType.CODE,
                codes=EPISODE_TYPE_CODES,
                description="missing (whereabouts unknown, default) or away (whereabouts known)",
            ),
            Column(
                "looked_after", ColumnType.FLAG, description="missing from care rather than home"
            ),
            Column("rhi_offered", ColumnType.FLAG, description="return home interview offered"),
            Column(
                "rhi_completed_at",
                ColumnType.DATETIME,
                description="return home interview completed",
            ),
            Column("rhi_declined", ColumnType.FLAG, description="child declined the interview"),
            _locality,
        ),
        primary_date="missing_start",
    ),
    Dataset(
        "care_periods",
        "Care periods",
        "Periods of being looked after.",
        (
            Column("period_id", ColumnType.ID, required=True),
            _child_id,
            Column("start_date", ColumnType.DATE, required=True, description="became looked after"),
            Column(
                "end_date",
                ColumnType.DATE,
                not_before="start_date",
                description="ceased; blank = still looked after",
            ),
            Column(
                "iha_requested_date",
                ColumnType.DATE,
                description="social care asked health for the IHA",
            ),
            Column(
                "iha_completed_date", ColumnType.DATE, description="IHA completed and submitted"
            ),
        ),
        primary_date="start_date",
        covers_required=True,
    ),
    Dataset(
        "case_audits",
        "Case audits",
        "Multi-agency case file audits.",
        (
            Column("audit_id", ColumnType.ID, required=True),
            Column("audit_date", ColumnType.DATE, required=True),
            Column("child_id", ColumnType.ID, pseudonymise=True),
            Column(
                "lived_experience",
                ColumnType.CODE,
                codes=AUDIT_GRADE_CODES,
                aliases=AUDIT_GRADE_ALIASES,
                description="outstanding, good, requires_improvement, inadequate (also 1–4)",
            ),
            Column(
                "voice_of_child",
                ColumnType.CODE,
                codes=AUDIT_GRADE_CODES,
                aliases=AUDIT_GRADE_ALIASES,
            ),
            Column("agency", ColumnType.TEXT, description="agency whose records were audited"),
        ),
        primary_date="audit_date",
    ),
    Dataset(
        "elearning_completions",
        "eLearning completions",
        "Young people completing the eLearning package.",
        (
            Column("completion_id", ColumnType.ID, required=True),
            Column("learner_id", ColumnType.ID, required=True, pseudonymise=True),
            Column("completed_date", ColumnType.DATE, required=True),
            Column("age", ColumnType.INT, min_value=5, max_value=25),
            Column("setting", ColumnType.TEXT, description="school or youth setting"),
            _locality,
        ),
        primary_date="completed_date",
    ),
    Dataset(
        "challenges",
        "Challenges",
        "Recorded professional challenges and escalations.",
        (
            Column("challenge_id", ColumnType.ID, required=True),
            Column("raised_date", ColumnType.DATE, required=True),
            Column("raised_by_agency", ColumnType.TEXT, required=True),
            Column("raised_with_agency", ColumnType.TEXT),
            Column("child_id", ColumnType.ID, pseudonymise=True),
            Column(
                "stage",
                ColumnType.INT,
                min_value=1,
                max_value=4,
                description="escalation stage 1–4",
            ),
            Column("resolved_date", ColumnType.DATE, not_before="raised_date"),
            Column("outcome", ColumnType.TEXT),
        ),
        primary_date="raised_date",
    ),
    Dataset(
        "population",
        "Population",
        "Children aged 0–17, for rates per 10,000; upserted by year and locality.",
        (
            Column(
                "year",
                ColumnType.INT,
                required=True,
                min_value=1900,
                max_value=2100,
                description="mid-year estimate year; used for the financial year that starts in it",
            ),
            Column(
                "locality", ColumnType.TEXT, locality=True, description="blank = the whole area"
            ),
            Column("population_0_17", ColumnType.INT, required=True, min_value=1),
        ),
        primary_date=None,
        key_columns=("year", "locality"),
    ),
)

DATASETS: Mapping[str, Dataset] = MappingProxyType({d.name: d for d in _DATASET_LIST})


# --- the rule book ---------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A numbered import rule; `docs/import-rules.md` is rendered from these."""

    id: str
    title: str
    explanation: str


_RULE_LIST: tuple[Rule, ...] = (
    Rule(
        "R-O01", "Unknown dataset", "The dataset name must be one of the twelve canonical datasets."
    ),
    Rule(
        "R-O02",
        "Coverage window required",
        "`cases`, `cp_plans` and `care_periods` must state the window they cover (`--covers FROM:TO`).",
    ),
    Rule(
        "R-O03",
        "Malformed coverage window",
        "`--covers` takes `YYYY-MM-DD:YYYY-MM-DD` with the start no later than the end.",
    ),
    Rule(
        "R-O04",
        "Window on an unwindowed dataset",
        "`children` and `population` have no coverage window.",
    ),
    Rule(
        "R-O05",
        "Malformed source name",
        "`--source` is 1–64 letters, digits, `_`, `-` or `.` (default: the dataset's name).",
    ),
    Rule(
        "R-O06",
        "Pseudonymisation key changed",
        "An import is refused when the stored records were pseudonymised under another key than `SAFEPLAN_PSEUDONYMISE_KEY` (told apart by the key's fingerprint), pseudonymised while no key is set, or stored as received while a key is set: the same child would become two people.",
    ),
    Rule(
        "R-O07",
        "Another import is running",
        "One import of a dataset writes at a time; an import that cannot start within a few seconds stores nothing and asks to be tried again.",
    ),
    Rule("R-F01", "Empty file", "A file must have a header row."),
    Rule(
        "R-F02",
        "Unreadable file",
        "A CSV file must be UTF-8 text (an optional BOM is allowed); an XLSX file must be a valid workbook.",
    ),
    Rule("R-F03", "Sheet not found", "The sheet named with `--sheet` must exist in the workbook."),
    Rule("R-F04", "Unsupported file type", "Files must be `.csv` or `.xlsx`."),
    Rule(
        "R-F05",
        "Too many problems",
        "After 100,000 problems the rest of a file's problems are counted but not listed; correct those listed and import again.",
    ),
    Rule(
        "R-F06",
        "Workbook refused as unsafe",
        "An XLSX workbook is a zip archive, inspected before it is read: at most 2,000 parts, none inflating to more than 1 GB or more than 100 times its compressed size (beyond its first MB), 2 GB in all; and no XML entities or document type declarations.",
    ),
    Rule(
        "R-F07",
        "Too many rows",
        "A file holds at most 5,000,000 rows below its first row, blank rows included (a deployment may set another limit with `SAFEPLAN_MAX_IMPORT_ROWS`); split a larger file.",
    ),
    Rule(
        "R-F08",
        "Row or cell too long",
        "A row holds at most 1,000 cells; a line of a CSV file at most 1,048,576 characters and a cell at most 131,072.",
    ),
    Rule(
        "R-H01",
        "Missing required column",
        "Every required (`*`) column of the dataset must be present in the header.",
    ),
    Rule(
        "R-H02",
        "Duplicated column",
        "A column may appear only once (names compared case-insensitively, spaces trimmed).",
    ),
    Rule(
        "R-H03",
        "Unknown column",
        "Columns that are not part of the dataset are rejected, with the closest expected name, unless unknown columns are ignored on request.",
    ),
    Rule(
        "R-H04",
        "Blank column name",
        "Every header cell above a column holding values must have a name.",
    ),
    Rule("R-V01", "Required value missing", "A required column may not be blank."),
    Rule(
        "R-V02",
        "Not a date",
        "Dates are `YYYY-MM-DD`, `DD/MM/YYYY` (UK order) or an Excel date cell, and must exist on the calendar.",
    ),
    Rule(
        "R-V03",
        "Not a date and time",
        "Date-times are `YYYY-MM-DDTHH:MM[:SS]`, `YYYY-MM-DD HH:MM[:SS]`, `DD/MM/YYYY HH:MM[:SS]`, an Excel date-time cell or a bare date (00:00).",
    ),
    Rule(
        "R-V04",
        "Not a yes/no flag",
        "Flags are `Y`/`N`, `Yes`/`No`, `true`/`false` or `1`/`0` in any case; blank means unknown.",
    ),
    Rule(
        "R-V05",
        "Unknown code",
        "A coded column takes one of the codes listed for it (case-insensitive).",
    ),
    Rule("R-V06", "Not a whole number", "Whole numbers may be written `12` or `12.0`."),
    Rule("R-V07", "Identifier too long", f"Identifiers are at most {ID_MAX_LENGTH} characters."),
    Rule(
        "R-V08",
        "Number out of range",
        "Ages are 5–25, escalation stages 1–4, populations greater than 0, years 1900–2100; no whole number is beyond ±2,147,483,647 (what a database integer holds).",
    ),
    Rule("R-V09", "Text too long", f"Text values are at most {TEXT_MAX_LENGTH} characters."),
    Rule(
        "R-V10",
        "Unknown locality",
        "When the deployment configures localities, every locality must be one of them.",
    ),
    Rule("R-V11", "Date out of range", "Dates must fall between 1900-01-01 and 2100-12-31."),
    Rule(
        "R-C01",
        "End before start",
        "An end date may not precede its start (end dates, authorisation, resolution).",
    ),
    Rule(
        "R-C02",
        "Duplicate record",
        "A record id (population: year and locality) appears at most once in a file.",
    ),
    Rule(
        "R-W01",
        "Clock time that does not exist (warning)",
        "A date-time in the hour skipped when the clocks go forward (01:00–01:59 on the last Sunday of March) is kept and compared exactly as written, and listed in the report.",
    ),
    Rule(
        "R-W02",
        "Clock time that happened twice (warning)",
        "A date-time in the hour repeated when the clocks go back (01:00–01:59 on the last Sunday of October) is kept and compared exactly as written, and listed in the report.",
    ),
    Rule(
        "R-W03",
        "Same event from another source (warning)",
        "A record with the same child (or learner) and primary date as a current record of another source is imported and listed: if the two are one event, one source should correct or withdraw it. Nothing is merged or replaced.",
    ),
    Rule(
        "R-W04",
        "Key held by another source (warning)",
        "`children` and `population` rows whose key another source also holds are kept; the measures read the most recently imported row for each key.",
    ),
)

RULES: Mapping[str, Rule] = MappingProxyType({r.id: r for r in _RULE_LIST})

"""The synthetic county's parameters: its calendar, localities and the rates it is tuned to.

Everything the generator draws from is written down here, so that a reader
can see what the demo data is made of without reading the simulation. The
figures are round numbers in the neighbourhood of published England and
County Durham statistics (DfE *Characteristics of children in need*, *Children
looked after in England*, ONS mid-year estimates); the county itself, its
children and their records are invented.

Trends are given per financial year of the demo window, 2016-17 to 2019-20,
in that order; before the window the first value applies.
"""

from __future__ import annotations

from datetime import date

WINDOW_START = date(2016, 4, 1)
WINDOW_END = date(2020, 3, 31)
#: Referrals and assessments from this date are written too, so that the
#: twelve-month look-back of re-referrals is complete from the first month.
LOOKBACK_START = date(2015, 4, 1)
#: The simulation runs from here so that plans and care periods open on
#: 1 April 2016 have a realistic mix of ages.
SIM_START = date(2010, 4, 1)
FINANCIAL_YEARS = (2016, 2017, 2018, 2019)
POPULATION_YEARS = FINANCIAL_YEARS

#: Children aged 0–17 at scale 1, and so births per year (18 cohorts).
CHILDREN_0_17 = 100_000
BIRTHS_PER_YEAR = CHILDREN_0_17 / 18

#: County Durham's former districts with plausible shares of its children and
#: a relative rate of referral (deprivation is highest in the east).
LOCALITIES: tuple[tuple[str, float, float], ...] = (
    ("Chester-le-Street", 0.105, 0.85),
    ("Derwentside", 0.175, 1.00),
    ("Durham", 0.165, 0.85),
    ("Easington", 0.190, 1.30),
    ("Sedgefield", 0.175, 1.05),
    ("Teesdale", 0.050, 0.70),
    ("Wear Valley", 0.140, 1.05),
)
LOCALITY_NAMES = tuple(name for name, _, _ in LOCALITIES)

SEX_WEIGHTS = {"M": 0.508, "F": 0.4898, "U": 0.002, "I": 0.0002}
#: Mostly White British, as in County Durham (about 95% of children).
ETHNICITY_WEIGHTS = {
    "WBRI": 0.918, "WIRI": 0.002, "WIRT": 0.002, "WOTH": 0.016, "WROM": 0.002,
    "MWBC": 0.009, "MWBA": 0.003, "MWAS": 0.006, "MOTH": 0.007, "AIND": 0.004,
    "APKN": 0.002, "ABAN": 0.003, "AOTH": 0.003, "BCRB": 0.001, "BAFR": 0.004,
    "BOTH": 0.001, "CHNE": 0.003, "OOTH": 0.005, "REFU": 0.003, "NOBT": 0.005,
}  # fmt: skip
DISABILITY_RATE = 0.04

# --- referrals -------------------------------------------------------------

#: Referrals per child per year before the clustering of re-referrals
#: (tuned so that the county receives about 550 per 10,000 a year).
REFERRAL_BASE_RATE = 0.046
#: Spread of the family-level propensity (gamma shape; smaller = more uneven).
FRAILTY_SHAPE = 0.35
REFERRAL_TREND = (1.00, 1.03, 1.07, 1.10)
#: Chance that a closed case is followed by a re-referral within the year.
REREFERRAL_AFTER_CLOSURE = (0.22, 0.19, 0.16, 0.13)
#: Pre-birth referrals, as a share of births (they lead to unborn conferences).
PREBIRTH_REFERRAL_RATE = 0.010

#: DfE referral sources, weighted as England's (police, schools, health…).
SOURCE_WEIGHTS = {
    "1A": 0.030, "1B": 0.010, "1C": 0.015, "1D": 0.010, "2A": 0.170, "2B": 0.015,
    "3A": 0.030, "3B": 0.030, "3C": 0.010, "3D": 0.030, "3E": 0.030, "3F": 0.030,
    "4": 0.020, "5A": 0.080, "5B": 0.030, "5C": 0.020, "5D": 0.040, "6": 0.290,
    "7": 0.020, "8": 0.040, "9": 0.015, "10": 0.010,
}  # fmt: skip
CSE_SCREENED = (0.80, 0.87, 0.92, 0.96)
NFA_RATE = 0.10

#: The concern behind a referral drives its assessment factors, plan category
#: and primary need. Weights are for children under 10 / aged 10 and over.
CONCERNS = ("NEG", "EMO", "PHY", "SAB", "CSE", "OTHER")
CONCERN_WEIGHTS_YOUNG = (0.36, 0.28, 0.12, 0.04, 0.00, 0.20)
CONCERN_WEIGHTS_TEEN = (0.22, 0.24, 0.11, 0.06, 0.09, 0.28)
#: Share of a child's referrals that repeat the family's usual concern.
CONCERN_PERSISTENCE = 0.6

# --- assessment, plans, care ------------------------------------------------

ASSESSMENT_RATE = 0.96
#: After the assessment, by concern: chance of a child protection conference.
CP_ROUTE = {"NEG": 0.165, "EMO": 0.12, "PHY": 0.12, "SAB": 0.16, "CSE": 0.075, "OTHER": 0.038}
#: Neglect is tackled earlier over the plan's life: fewer neglect conferences.
NEGLECT_CP_TREND = (1.06, 0.96, 0.87, 0.80)
CIN_ROUTE = 0.30
#: Cases are worked more purposefully each year: children in need and step-down
#: spells after a plan shorten.
CASE_LENGTH_TREND = (1.25, 1.1, 0.92, 0.78)
CARE_ROUTE = 0.045
ICPC_LEADS_TO_PLAN = 0.86
TRANSFER_IN_RATE = 0.03
#: Plan category by concern: NEG, PHY, EMO, SAB, MUL.
CATEGORY_BY_CONCERN = {
    "NEG": (0.90, 0.01, 0.05, 0.00, 0.04),
    "EMO": (0.10, 0.02, 0.80, 0.00, 0.08),
    "PHY": (0.10, 0.75, 0.05, 0.00, 0.10),
    "SAB": (0.02, 0.02, 0.06, 0.80, 0.10),
    "CSE": (0.20, 0.00, 0.30, 0.45, 0.05),
    "OTHER": (0.45, 0.10, 0.40, 0.00, 0.05),
}
CATEGORY_CHANGE_RATE = 0.10
#: A plan ends at its 1st, 2nd, … review (3, 9, 15, 21, 27, 33 months); the
#: long tail shortens over the years.
PLAN_ENDS_AT_REVIEW = (
    (0.16, 0.40, 0.25, 0.10, 0.06, 0.03),
    (0.17, 0.42, 0.25, 0.09, 0.05, 0.02),
    (0.18, 0.44, 0.25, 0.08, 0.04, 0.01),
    (0.19, 0.46, 0.25, 0.07, 0.025, 0.005),
)
#: Chance that a plan still open at its 15-month review ends there, by the
#: review's year: the partnership's scrutiny of long plans (measure M6).
LONG_PLAN_ENDS_AT_15_MONTHS = (0.0, 0.2, 0.4, 0.55)
PLAN_ENDS_OFF_CYCLE = 0.2
PLAN_ENDS_INTO_CARE = 0.12
#: Care: lognormal length (median days, sigma); a few children go missing.
CARE_MEDIAN_DAYS = 640
CARE_SIGMA = 1.1

# --- conferences -------------------------------------------------------------

VIEWS_SHARED = (0.62, 0.68, 0.74, 0.80)
FLAG_ONLY_CONFERENCES = 0.10

# --- initial health assessments (working days after becoming looked after) ---

IHA_REQUEST_ON_TIME = (0.55, 0.68, 0.80, 0.88)
IHA_COMPLETED_ON_TIME = (0.42, 0.52, 0.63, 0.72)

# --- missing -------------------------------------------------------------------

#: Chance that a child aged 10–17 goes missing in a year, and multipliers.
MISSING_BASE = 0.0060
MISSING_IN_CARE = 22.0
MISSING_CSE = 10.0
MISSING_KNOWN = 3.0
MISSING_TREND = (1.10, 1.02, 0.95, 0.88)
#: Extra episodes beyond the first: negative binomial means, home / care.
EXTRA_EPISODES_HOME = 1.5
EXTRA_EPISODES_CARE = 5.0
AWAY_RATE = 0.10
RHI_WITHIN_72H = (0.58, 0.63, 0.69, 0.74)
RHI_LATE = 0.15
RHI_DECLINED = 0.07

# --- audits, eLearning, challenges ------------------------------------------------

AGENCIES = ("Children's Social Care", "Police", "Health", "Education")
AUDITS_PER_QUARTER = 30
AUDIT_AGENCY_WEIGHTS = (0.40, 0.20, 0.25, 0.15)
LIVED_EXPERIENCE_GOOD = (0.46, 0.56, 0.66, 0.74)

ELEARNING_LAUNCH = date(2017, 1, 9)
#: Chance that a young person aged 11–18 completes the package in a year.
ELEARNING_UPTAKE = (0.04, 0.06, 0.09, 0.12)
ELEARNING_REPEAT = 0.08
SCHOOLS_PER_10K_CHILDREN = 3.5

CHALLENGES_PER_QUARTER = (18, 26, 34, 42)
CHALLENGE_AGENCIES = (*AGENCIES, "Probation", "Early Help")
CHALLENGE_AGENCY_WEIGHTS = (0.25, 0.20, 0.22, 0.18, 0.05, 0.10)
CHALLENGE_STAGE_WEIGHTS = (0.66, 0.22, 0.08, 0.04)
CHALLENGE_RESOLVED = 0.92
CHALLENGE_OUTCOMES = (
    "Agreed – plan amended",
    "Agreed – case re-allocated",
    "Agreed – strategy discussion held",
    "Not upheld – rationale accepted",
)

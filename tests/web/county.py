"""A small hand-made county whose figures are worked by hand, for the web and browser tests.

The county has one measure with data, M8 (lived experience in case audits,
percent, increase), imported as a user would, so that every figure on the
pages comes through the importer, the engine and the scorecard:

- 2017-18 Q1: 8 of 40 audits good = 20.0%, target 30 (amber from 25) → red;
- 2017-18 Q2 and Q3: covered, no audits → no value;
- 2017-18 Q4: 30 of 40 = 75.0% → green; the year 2017-18: 38 of 80 = 47.5%;
- 2018-19 Q1: 7 of 40 = 17.5%, Wilson 95% interval 8.745% to 31.950% (shown 8.7% to 31.9%); the
  target is 20 (amber from 15) from April 2018 → amber; against 2017-18 Q4
  (59.8%–85.8%) the intervals do not overlap → worsening; against 2017-18 Q1
  (10.5%–34.8%) they overlap → no significant change.
- Months of 2018-19 Q1 (audits fall on months in turn, the good ones first):
  April 3 of 14 = 21.4%, May 2 of 13 = 15.4%, June 2 of 13 = 15.4%.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from safeplan.accounts.roles import Role
from safeplan.accounts.services import user_create
from safeplan.imports.services import import_file
from safeplan.measures.services import results_compute_after_import
from safeplan.plans.services import plan_load_default
from safeplan.scorecard.services import target_set

PASSWORD = "correct-horse-battery"
AUDITS = [(date(2017, 4, 1), 8, 40), (date(2018, 1, 1), 30, 40), (date(2018, 4, 1), 7, 40)]
COVERS = (date(2017, 4, 1), date(2018, 6, 30))


def audits_csv(quarters: list[tuple[date, int, int]]) -> str:
    """For each (first day, good, total): that many audits, the first ``good`` graded good.

    Audit i falls in the quarter's month i mod 3, on day 1 + (i div 3) mod 28.
    """
    lines = ["audit_id,audit_date,lived_experience,agency"]
    n = 0
    for start, good, total in quarters:
        for i in range(total):
            n += 1
            day = date(start.year, start.month + i % 3, 1 + i // 3 % 28)
            lines.append(f"A{n},{day.isoformat()},{'good' if i < good else 'inadequate'},Police")
    return "\n".join(lines) + "\n"


def county_load(folder: Path) -> None:
    """The default plan, M8's targets and the audits, with the measures computed."""
    plan_load_default()
    target_set(measure="M8", value=30, tolerance=5, effective_from=date(2017, 4, 1),
               effective_to=date(2018, 3, 31), by="ana")  # fmt: skip
    target_set(measure="M8", value=20, tolerance=5, effective_from=date(2018, 4, 1), by="ana")
    path = folder / "case_audits.csv"
    path.write_text(audits_csv(AUDITS), encoding="utf-8")
    outcome = import_file(dataset="case_audits", path=path, submitted_by="test", covers=COVERS)
    assert outcome.accepted, outcome.problems
    results_compute_after_import(outcome.batch)


def username(role: Role) -> str:
    return f"person-{role.slug}"


def county_live() -> None:
    """For a live site (``safeplan.web.liveserver``): the county and one user per role."""
    with tempfile.TemporaryDirectory() as folder:
        county_load(Path(folder))
    for role in Role:
        agency = "Durham Constabulary" if role is Role.AGENCY_SUBMITTER else None
        user_create(username=username(role), role=role, password=PASSWORD, agency=agency)


def county_live_with_actions() -> None:
    """`county_live`, plus an action under each of two interventions (for crawling every page)."""
    from dataclasses import replace

    from safeplan.actions.services import action_create
    from tests.actions.conftest import BASE

    county_live()
    for key in ("prevent-cse", "understand-neglect"):
        action_create(data=replace(BASE, intervention_key=key), by=None)

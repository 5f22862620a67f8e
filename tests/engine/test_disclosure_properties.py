"""No suppressed figure can be worked out: random small-number tables against an independent reader.

Each example builds a table that adds up (`disclosure_tables`) or computes
the twelve measures from generated records, publishes it with `c`s, and hands
the published rows to the reader of `disclosure_attack`, who solves for the
smallest and largest value of every `c` over all whole-number tables
consistent with what is shown. Each `c` must have two exactly checked
tables that differ in it. The reader also checks that the real figures
satisfy every relation it uses, so the relations ADR 0026 lists are tested
against the engine's own results.
"""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeplan.engine.disclosure import SUPPRESSED, Cell, disclose_rows, rows_disclosure
from safeplan.engine.measures import MeasureInputs, compute_all
from safeplan.engine.periods import periods_between
from tests.engine import test_properties as records
from tests.engine.disclosure_attack import READER, undetermined
from tests.engine.disclosure_tables import (
    children_tables,
    events_tables,
    referral_tables,
    result_rows,
    snapshot_tables,
)
from tests.engine.measure_helpers import COVERED, frame

TABLES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
COMPUTED = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def assert_no_c_can_be_worked_out(rows):
    published = disclose_rows(rows)
    for finding in undetermined(rows, published):
        assert finding.low < finding.high, finding
    return published


def assert_the_primary_rule_holds(rows, published):
    """Every count of 1–5 is c; no count of 0 is; a ratio is shown only with both its figures."""
    for row, out in zip(rows, published, strict=True):
        spec = READER[row["measure"]]
        for figure in spec["figures"]:
            if row[figure] in ("", None) or (row["measure"], figure) == ("M10", "numerator"):
                continue
            count = int(float(row[figure]))
            if 1 <= count <= 5:
                assert out[figure] == SUPPRESSED, (row, figure)
            if count == 0:
                assert out[figure] != SUPPRESSED, (row, figure)
        if spec["value"] == "ratio" and row["value"]:
            hidden = SUPPRESSED in (out["numerator"], out["denominator"])
            assert (out["value"] == SUPPRESSED) == hidden, (row, out)


@TABLES
@given(events_tables())
def test_no_c_of_a_table_of_counted_events_can_be_worked_out(rows):
    published = assert_no_c_can_be_worked_out(rows)
    assert_the_primary_rule_holds(rows, published)


@TABLES
@given(snapshot_tables())
def test_no_c_of_snapshot_counts_sharing_a_denominator_can_be_worked_out(rows):
    published = assert_no_c_can_be_worked_out(rows)
    assert_the_primary_rule_holds(rows, published)


@TABLES
@given(referral_tables())
def test_no_c_of_referrals_by_locality_and_risk_level_can_be_worked_out(rows):
    published = assert_no_c_can_be_worked_out(rows)
    assert_the_primary_rule_holds(rows, published)


@TABLES
@given(children_tables())
def test_no_c_of_children_counted_once_per_period_can_be_worked_out(rows):
    published = assert_no_c_can_be_worked_out(rows)
    assert_the_primary_rule_holds(rows, published)


@TABLES
@given(events_tables(), st.randoms(use_true_random=False))
def test_the_decision_does_not_depend_on_the_order_of_the_rows(rows, rng):
    shuffled = rows[:]
    rng.shuffle(shuffled)
    assert rows_disclosure(rows) == rows_disclosure(shuffled)


@TABLES
@given(events_tables())
def test_a_sum_of_days_is_suppressed_whenever_its_cases_are_one_to_five(rows):
    decided = rows_disclosure(rows)
    for row in rows:
        if row["measure"] != "M10" or not 1 <= int(row["denominator"]) <= 5:
            continue
        key = (row["period"], row["breakdown"], row["group"])
        assert decided.rule(Cell("M10", "numerator", *key)).value == "primary"
        assert decided.rule(Cell("M10", "value", *key)).value == "primary"


# --- the twelve measures as the engine computes them -------------------------------------


def _many(strategy, prefix, size):
    # Enough records that a quarter's localities hold counts above 5 beside small ones.
    return st.lists(strategy, min_size=size // 2, max_size=size).map(
        lambda rows: [row | {prefix: f"{prefix}{i}"} for i, row in enumerate(rows)]
    )


generated_records = st.fixed_dictionaries(
    {
        "children": records.children,
        "referrals": _many(records.referral, "referral_id", 60),
        "assessments": _many(records.assessment, "assessment_id", 30),
        "cases": _many(records.case, "case_id", 40),
        "cp_plans": _many(records.plan, "plan_id", 40),
        "cp_conferences": _many(records.conference, "conference_id", 60),
        "missing_episodes": _many(records.episode, "episode_id", 60),
        "care_periods": _many(records.care, "period_id", 40),
        "case_audits": _many(records.audit, "audit_id", 60),
        "elearning_completions": _many(records.completion, "completion_id", 60),
        "challenges": _many(records.challenge, "challenge_id", 60),
    }
)


def computed_rows(data, periods):
    """The results computed from generated records, as `safeplan results` prints them."""
    frames = {name: frame(name, rows) for name, rows in data.items()}
    inputs = MeasureInputs(frames=frames, coverage=COVERED, plan_start=records.ORIGIN)
    return result_rows(compute_all(inputs, periods))


QUARTER = periods_between(date(2018, 4, 1), date(2018, 6, 30), kinds=("month", "quarter"))


@COMPUTED
@given(generated_records)
def test_no_c_of_the_twelve_measures_for_a_quarter_and_its_months_can_be_worked_out(data):
    rows = computed_rows(data, QUARTER)
    published = assert_no_c_can_be_worked_out(rows)
    assert_the_primary_rule_holds(rows, published)


@pytest.mark.slow
@settings(COMPUTED, max_examples=3)
@given(generated_records)
def test_no_c_of_the_twelve_measures_for_a_year_its_quarters_and_months_can_be_worked_out(data):
    rows = computed_rows(data, records.PERIODS)
    published = assert_no_c_can_be_worked_out(rows)
    assert_the_primary_rule_holds(rows, published)

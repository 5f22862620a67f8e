"""The scorecard selector: each column of a hand-worked case, targets over time, travel, icons."""

from __future__ import annotations

import math
from datetime import date

import pytest

from safeplan.engine.stats import poisson_count
from safeplan.measures.models import MeasureResult
from safeplan.scorecard.selectors import _intervals, scorecard, scorecard_periods
from safeplan.scorecard.services import benchmarks_import, target_set
from tests.scorecard.conftest import audits_csv, challenges_csv, months

pytestmark = pytest.mark.django_db

#: M8 (percent, increase): 8/40 in 2017-18 Q1, 30/40 in Q4, 7/40 in 2018-19 Q1; Q2 and Q3 covered, empty.
AUDITS = [(date(2017, 4, 1), 8, 40), (date(2018, 1, 1), 30, 40), (date(2018, 4, 1), 7, 40)]


@pytest.fixture
def audits(load):
    load("case_audits", audits_csv(AUDITS), covers=(date(2017, 4, 1), date(2018, 6, 30)))


@pytest.fixture
def m8_targets():
    # The target changes at the start of 2018-19: 30 (amber from 25) until then, 20 (amber from 15) after.
    target_set(measure="M8", value=30, tolerance=5, effective_from=date(2017, 4, 1),
               effective_to=date(2018, 3, 31), by="ana")  # fmt: skip
    target_set(measure="M8", value=20, tolerance=5, effective_from=date(2018, 4, 1), by="ana")


def _row(period, measure, breakdown="all", group=""):
    rows = scorecard(period, breakdown)
    return next(r for r in rows if r.measure == measure and r.group == group)


def test_a_hand_worked_percentage_row_carries_every_column(audits, m8_targets, tmp_path):
    bench = tmp_path / "bench.csv"
    bench.write_text(
        "measure,period,comparator,value\nM8,2018-19 Q1,England,35\nM8,2018-19 Q1,North East,20\n"
    )
    assert benchmarks_import(path=bench, by="ana").accepted
    row = _row("2018-19 Q1", "M8")
    assert row.as_dict() == {
        "measure": "M8",
        "period": "2018-19 Q1",
        "breakdown": "all",
        "group": "",
        "value": 17.5,
        "numerator": 7.0,
        "denominator": 40.0,
        "unit": "percent",
        # Wilson, 7/40 (PHE's check: 8.7–32.0% and 6.0–41.6%; ADR 0004).
        "lci95": pytest.approx(8.745, abs=5e-4),
        "uci95": pytest.approx(31.950, abs=5e-4),
        "lci998": pytest.approx(5.946, abs=5e-4),
        "uci998": pytest.approx(41.582, abs=5e-4),
        "target": 20.0,
        "rag": "amber",  # 15 ≤ 17.5 < 20
        "dot_short": "worsening",  # 2017-18 Q4: 30/40 = 75% (59.8–85.8) lies wholly above
        "dot_long": "no significant change",  # 2017-18 Q1: 8/40 = 20% (10.5–34.8) overlaps
        "benchmark": 35.0,  # England first; 35 is above the area's interval
        "benchmark_comparison": "worse",
        "variation_icon": None,  # 9 months with audits: a run chart, no icons
        "assurance_icon": None,
        "status": "ok",
        "warnings": (
            "benchmark: England (also 1 more)",
            "SPC: fewer than 13 points: run chart only",
        ),
    }
    assert [(c.comparator, c.comparison) for c in row.comparisons] == [
        ("England", "worse"),
        ("North East", "similar"),
    ]


@pytest.mark.parametrize(
    ("period", "target", "rag"),
    [
        ("2017-18 Q1", 30.0, "red"),  # 20% < 25 under the first target
        ("2017-18 Q4", 30.0, "green"),  # 75% ≥ 30; the first target is in force on 31 March
        ("2018-19 Q1", 20.0, "amber"),  # the second target, in force at the quarter's end
        ("2017-18 Q2", 30.0, "not rated"),  # covered but no audits: no value, never red
    ],
)
def test_rag_uses_the_target_in_force_at_the_periods_end(audits, m8_targets, period, target, rag):
    row = _row(period, "M8")
    assert (row.target, row.rag) == (target, rag)


def test_a_measure_without_a_target_is_not_rated(audits):
    row = _row("2018-19 Q1", "M8")
    assert (row.target, row.rag) == (None, "not rated")


def test_localities_are_rated_against_the_same_target_but_other_breakdowns_are_not(
    audits, m8_targets
):
    assert _row("2018-19 Q1", "M8", "locality", "Unknown").rag == "amber"
    assert _row("2018-19 Q1", "M8", "agency", "Police").rag == "not rated"


def test_direction_of_travel_is_not_available_without_the_earlier_period(audits):
    # 2017-18 Q4's previous quarter is covered but empty; a year before it nothing is stored.
    row = _row("2017-18 Q4", "M8")
    assert (row.dot_short, row.dot_long) == ("not available", "not available")


@pytest.fixture
def challenges(load):
    # M12 (count, increase): 5 a month in 2018-19 Q1, 15 in the quarter.
    load(
        "challenges",
        challenges_csv([(m, 5) for m in months(date(2018, 4, 1), 3)]),
        covers=(date(2018, 4, 1), date(2018, 6, 30)),
    )


def test_a_count_target_applies_only_to_its_period_kind_and_the_whole_area(challenges):
    target_set(measure="M12", value=12, tolerance=3, period_kind="quarter",
               effective_from=date(2018, 4, 1), by="ana")  # fmt: skip
    quarter = _row("2018-19 Q1", "M12")
    assert (quarter.value, quarter.target, quarter.rag) == (15.0, 12.0, "green")
    month = _row("2018-04", "M12")
    assert (month.value, month.target, month.rag) == (5.0, None, "not rated")
    locality = _row("2018-19 Q1", "M12", "locality", "Unknown")
    assert (locality.target, locality.rag) == (None, "not rated")


def test_a_monthly_count_target_rates_months_only(challenges):
    target_set(measure="M12", value=6, tolerance=1, period_kind="month",
               effective_from=date(2018, 4, 1), by="ana")  # fmt: skip
    assert _row("2018-04", "M12").rag == "amber"  # 5 ≥ 6 − 1
    assert _row("2018-19 Q1", "M12").rag == "not rated"


def test_a_counts_interval_is_poisson_of_the_value(challenges):
    row = _row("2018-19 Q1", "M12")
    expected = poisson_count(15)
    assert (row.lci95, row.uci95) == (expected.lower, expected.upper)
    assert (row.numerator, row.denominator) == (None, None)


def test_an_illustrative_target_is_labelled_on_the_row(challenges):
    target_set(measure="M12", value=12, period_kind="quarter", effective_from=date(2018, 4, 1),
               by="demo", illustrative=True)  # fmt: skip
    row = _row("2018-19 Q1", "M12")
    assert row.target_illustrative
    assert any("illustrative" in w for w in row.warnings)


@pytest.mark.parametrize(
    ("unit", "value", "numerator", "denominator", "secondary", "expected"),
    [
        # a mean: 200 ± 1.959964 × 50 / √25
        ("mean days", 200.0, 5000.0, 25.0, {"sd": 50.0}, (180.40036, 219.59964)),
        # a mean without its sd: no interval rather than a made-up one
        ("mean days", 200.0, 5000.0, 25.0, {}, None),
        # a rate per 10,000: 7 in 25,000 → 1.13–5.77 (PHE)
        ("rate per 10,000", 2.8, 7.0, 25_000.0, {}, (1.1257, 5.7690)),
        # a percentage with nothing in its denominator has no value and no interval
        ("percent", None, 0.0, 0.0, {}, None),
    ],
)
def test_intervals_follow_the_unit(unit, value, numerator, denominator, secondary, expected):
    result = MeasureResult(unit=unit, value=value, numerator=numerator,
                           denominator=denominator, secondary=secondary)  # fmt: skip
    ci95, _, _ = _intervals(result)
    if expected is None:
        assert ci95 is None
    else:
        assert (ci95.lower, ci95.upper) == pytest.approx(expected, abs=1e-4)


def test_an_unknown_period_label_raises_and_an_empty_period_gives_no_rows(audits):
    with pytest.raises(ValueError, match="not a period"):
        scorecard("Q5")
    assert scorecard("2030-31") == []


def test_every_value_in_a_row_is_finite_or_none(audits, m8_targets):
    for row in scorecard("2018-19 Q1", "locality"):
        for key, value in row.as_dict().items():
            assert not (isinstance(value, float) and not math.isfinite(value)), key


def test_the_scorecard_reads_in_a_fixed_number_of_queries(audits, challenges, m8_targets,
                                                          django_assert_num_queries):  # fmt: skip
    # results, previous, a year earlier, targets, benchmarks, months, marks, settings, commentary
    with django_assert_num_queries(9):
        rows = scorecard("2018-19 Q1", "locality")
    assert {r.measure for r in rows} == {"M8", "M12"}


def test_the_periods_with_results_are_listed_by_end_shorter_first(challenges):
    assert scorecard_periods("quarter") == ["2018-19 Q1"]
    assert scorecard_periods()[:4] == ["2018-04", "2018-05", "2018-06", "2018-19 Q1"]


def _referrals(counts):
    """Referrals with CSE risk high: (first day of a quarter, how many) in its first month."""
    lines = ["referral_id,child_id,referral_date,cse_risk"]
    for start, count in counts:
        lines += [
            f"R{start:%Y%m}{i},C{i},{start.replace(day=1 + i % 28)},high" for i in range(count)
        ]
    return "\n".join(lines) + "\n"


def test_a_track_measure_is_never_rated_and_travels_higher_or_lower(load, tmp_path):
    # M1 (count, track): 5 in 2018-19 Q4 (exact Poisson 1.6–11.7), 30 in 2019-20 Q1 (Byar 20.2–42.8).
    load("referrals", _referrals([(date(2019, 1, 1), 5), (date(2019, 4, 1), 30)]),
         covers=(date(2019, 1, 1), date(2019, 6, 30)))  # fmt: skip
    bench = tmp_path / "b.csv"
    bench.write_text("measure,period,comparator,value\nM1,2019-20 Q1,England,10\n")
    benchmarks_import(path=bench, by="ana")
    row = _row("2019-20 Q1", "M1")
    assert (row.value, row.rag, row.target) == (30.0, "not rated", None)
    assert row.dot_short == "higher"
    assert row.benchmark_comparison == "higher"  # 10 lies below the area's interval

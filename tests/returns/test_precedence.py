"""Sources that describe the same events: which one the measures count, and on which days."""

from __future__ import annotations

from datetime import date

from safeplan.returns import CoveredBatch, counted_spans, measure_windows, merge_child, source_rank
from safeplan.returns.precedence import COMPETING_DATASETS

ALL_2019 = (date(2019, 4, 1), date(2020, 3, 31))
CIN_REFERRALS = frozenset({"referral_id", "child_id", "referral_date", "source", "nfa"})


def spans(dataset: str, *batches: CoveredBatch) -> list[tuple[date, date, list[str]]]:
    return [(s.start, s.end, sorted(s.sources)) for s in counted_spans(dataset, batches)]


def test_canonical_sources_come_first_then_cin_and_ssda903_then_annex_a() -> None:
    assert [source_rank(s) for s in ("referrals", "police", "cin", "ssda903", "annex_a")] == [
        0,
        0,
        1,
        1,
        2,
    ]


def test_the_highest_precedence_source_covering_a_day_is_the_one_counted() -> None:
    found = spans(
        "referrals",
        CoveredBatch("referrals", "annex_a", (date(2019, 10, 1), date(2020, 5, 31))),
        CoveredBatch("referrals", "cin", ALL_2019),
        CoveredBatch("referrals", "referrals", (date(2020, 1, 1), date(2020, 1, 31))),
    )
    assert found == [
        (date(2019, 4, 1), date(2019, 12, 31), ["cin"]),
        (date(2020, 1, 1), date(2020, 1, 31), ["referrals"]),
        (date(2020, 2, 1), date(2020, 3, 31), ["cin"]),
        (date(2020, 4, 1), date(2020, 5, 31), ["annex_a"]),
    ]


def test_sources_of_equal_rank_are_all_counted() -> None:
    found = spans(
        "missing_episodes",
        CoveredBatch("missing_episodes", "police", ALL_2019),
        CoveredBatch("missing_episodes", "health", ALL_2019),
        CoveredBatch("missing_episodes", "ssda903", ALL_2019),
    )
    assert found == [(date(2019, 4, 1), date(2020, 3, 31), ["health", "police"])]


def test_in_a_shared_dataset_every_agencys_records_count() -> None:
    assert "challenges" not in COMPETING_DATASETS
    found = spans(
        "challenges",
        CoveredBatch("challenges", "police", ALL_2019),
        CoveredBatch("challenges", "cin", ALL_2019),
    )
    assert found == [(date(2019, 4, 1), date(2020, 3, 31), ["cin", "police"])]


def test_a_gap_between_windows_is_not_covered() -> None:
    found = spans(
        "cp_plans",
        CoveredBatch("cp_plans", "cin", (date(2018, 4, 1), date(2019, 3, 31))),
        CoveredBatch("cp_plans", "cin", (date(2019, 6, 1), date(2019, 6, 30))),
    )
    assert [(s, e) for s, e, _ in found] == [
        (date(2018, 4, 1), date(2019, 3, 31)),
        (date(2019, 6, 1), date(2019, 6, 30)),
    ]


def test_a_census_covering_referrals_does_not_cover_m1_for_want_of_cse_risk() -> None:
    cin = CoveredBatch("referrals", "cin", ALL_2019, CIN_REFERRALS)
    assert measure_windows("M1", "referrals", [cin]) == []
    assert measure_windows("M5", "referrals", [cin]) == [ALL_2019]


def test_a_local_file_with_cse_risk_covers_m1_on_its_days_and_is_counted_there() -> None:
    cin = CoveredBatch("referrals", "cin", ALL_2019, CIN_REFERRALS)
    local = CoveredBatch("referrals", "referrals", (date(2019, 7, 1), date(2019, 9, 30)))
    assert measure_windows("M1", "referrals", [cin, local]) == [
        (date(2019, 7, 1), date(2019, 9, 30))
    ]
    assert measure_windows("M5", "referrals", [cin, local]) == [ALL_2019]


def test_children_merge_field_by_field_and_a_blank_never_erases() -> None:
    stored = {"child_id": "C1", "sex": "F", "ethnicity": "WBRI", "disability": "Y"}
    later = {
        "child_id": "C1",
        "sex": "",
        "ethnicity": "WIRI",
        "disability": None,
        "date_of_birth": "2010-01-01",
    }
    assert merge_child(stored, later) == {
        "child_id": "C1", "sex": "F", "ethnicity": "WIRI", "disability": "Y", "date_of_birth": "2010-01-01",
    }  # fmt: skip
    assert merge_child(None, {"child_id": "C2", "sex": None}) == {"child_id": "C2", "sex": None}

"""Targets, benchmarks and commentary as people set them."""

from __future__ import annotations

from datetime import date

import pytest

from safeplan.plans.services import plan_load
from safeplan.scorecard.illustrative import NOTE, targets_load_illustrative
from safeplan.scorecard.models import Benchmark, BenchmarkBatch, Commentary, Target
from safeplan.scorecard.selectors import commentary_current, commentary_history, target_list
from safeplan.scorecard.services import (
    ScorecardInputError,
    benchmarks_import,
    commentary_save,
    target_set,
    target_update,
)

pytestmark = pytest.mark.django_db
START = date(2018, 4, 1)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"measure": "M1", "value": 50}, "M1 is a track measure"),  # track: context, no target
        ({"measure": "M12", "value": 40}, "needs the period kind"),  # a count without a kind
        ({"measure": "M12", "value": 40, "period_kind": "week"}, "not 'week'"),  # no weeks
        ({"measure": "M3", "value": 75, "period_kind": "quarter"}, "only a count"),  # % has none
        ({"measure": "M3", "value": 120}, "not 0 to 100"),  # a percentage beyond 100
        ({"measure": "M10", "value": -1}, "cannot be negative"),  # no negative days
        ({"measure": "M3", "value": 75, "tolerance": -1}, "tolerance must be 0 or more"),
        ({"measure": "M3", "value": 75, "effective_to": date(2018, 3, 31)}, "before it starts"),
        ({"measure": "M13", "value": 1}, "unknown measure"),  # not one of the twelve
        ({"measure": "M3", "value": float("nan")}, "finite"),  # NaN is not a target
    ],
)
def test_target_set_rejects_what_the_spec_forbids(fields, message):
    with pytest.raises(ScorecardInputError, match=message):
        target_set(effective_from=START, by="ana", **fields)
    assert not Target.objects.exists()


def test_target_set_accepts_a_slug_and_keeps_who_and_when():
    made = target_set(measure="rhi-timeliness", value=75, tolerance=10, tolerance_is_percent=True,
                      effective_from=START, by="ana", note="board, May 2018")  # fmt: skip
    assert (made.measure, made.created_by, made.source) == ("M3", "ana", "analyst")
    assert made.created_at is not None
    assert target_list("M3") == [made]


def test_target_update_is_checked_like_a_new_target():
    made = target_set(measure="M12", value=40, period_kind="quarter", effective_from=START, by="a")
    target_update(target_id=made.pk, by="bo", effective_to=date(2019, 3, 31), value=45)
    made.refresh_from_db()
    assert (made.value, made.effective_to, made.created_by) == (45, date(2019, 3, 31), "bo")
    with pytest.raises(ScorecardInputError, match="period kind"):
        target_update(target_id=made.pk, by="bo", period_kind="")


PLAN = """
title = "T"
vision = "V"
start_date = 2017-04-01
end_date = 2020-03-31
[[priorities]]
name = "P"
aim = "A"
[[priorities.measures]]
id = "M3"
title = "Return interviews"
[[priorities.measures.targets]]
value = 70
tolerance = 5
from = 2017-04-01
to = 2018-03-31
[[priorities.measures.targets]]
value = 80
tolerance = 10
tolerance_is_percent = true
from = 2018-04-01
[[priorities.measures]]
id = "M12"
title = "Challenges"
[[priorities.measures.targets]]
value = 40
period_kind = "quarter"
from = 2017-04-01
"""


def test_loading_a_plan_replaces_the_plan_files_targets_and_keeps_analysts():
    mine = target_set(measure="M7", value=80, effective_from=START, by="ana")
    plan_load(text=PLAN, name="ours.toml")
    plan_load(text=PLAN + "\n# loaded again, edited\n", name="ours.toml")
    from_plan = Target.objects.filter(source="plan").order_by("measure", "effective_from")
    assert [(t.measure, t.value, t.tolerance_is_percent, t.period_kind) for t in from_plan] == [
        ("M12", 40, False, "quarter"),
        ("M3", 70, False, ""),
        ("M3", 80, True, ""),
    ]
    assert Target.objects.filter(pk=mine.pk).exists()


def test_illustrative_targets_are_labelled_and_rate_every_rated_measure_once():
    targets_load_illustrative()
    made = targets_load_illustrative()  # loading twice replaces, never doubles
    assert Target.objects.count() == len(made) == 11
    assert {t.measure for t in made} == {f"M{n}" for n in range(2, 13)}  # M1 is track
    assert all(t.illustrative and t.note == NOTE for t in made)


# --- benchmarks -------------------------------------------------------------------------------


def _write(tmp_path, text, name="bench.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_benchmarks_import_stores_values_with_their_provenance(tmp_path):
    path = _write(tmp_path, "measure,period,comparator,value,lower,upper\n"
                            "M3,2018/19 Q2,England,72.5,70.1,74.8\n"
                            "rhi-timeliness,2018-19,North East,70,,\n")  # fmt: skip
    outcome = benchmarks_import(path=path, by="ana")
    assert outcome.accepted
    assert outcome.problems == []
    rows = Benchmark.objects.order_by("period")
    assert [(b.measure, b.period, b.comparator, b.value, b.lower, b.upper) for b in rows] == [
        ("M3", "2018-19", "North East", 70.0, None, None),
        ("M3", "2018-19 Q2", "England", 72.5, 70.1, 74.8),
    ]
    assert (outcome.batch.file_name, outcome.batch.imported_by, outcome.batch.rows) == (
        "bench.csv", "ana", 2,
    )  # fmt: skip


def test_a_later_import_replaces_the_same_comparators_value(tmp_path):
    benchmarks_import(
        path=_write(tmp_path, "measure,period,comparator,value\nM3,2018-19,England,70\n"), by="a"
    )
    benchmarks_import(path=_write(tmp_path, "measure,period,comparator,value\nM3,2018-19,England,71\n", "b.csv"), by="b")  # fmt: skip
    (only,) = Benchmark.objects.all()
    assert (only.value, only.batch.file_name) == (71.0, "b.csv")
    assert BenchmarkBatch.objects.count() == 2


def test_every_problem_in_a_benchmark_file_is_reported_at_once_and_nothing_is_stored(tmp_path):
    path = _write(
        tmp_path,
        "measure,period,comparator,value,lower,upper\n"
        "M13,2018-19,England,5,,\n"  # row 2: not a measure
        "M3,2018-19 Q5,England,50,,\n"  # row 3: not a period
        "M3,2018-19,,50,,\n"  # row 4: no comparator
        "M3,2018-19,England,120,,\n"  # row 5: a percentage above 100
        "M12,2018-19,England,-3,,\n"  # row 6: a negative count
        "M12,2018-19,England,30,31,40\n"  # row 7: value outside its own interval
        "M12,2018-19,Region,30,25,\n"  # row 8: only one bound
        "M3,2018-19,England,60,,\n"  # row 9: fine
        "M3,2018-19,england,61,,\n"  # row 10: the same comparator again
        "M3,2018-04:2018-06,England,61,,\n",  # row 11: a range is not a reporting period
    )
    outcome = benchmarks_import(path=path, by="ana")
    assert not outcome.accepted
    assert [(p.row, p.column, p.rule) for p in outcome.problems] == [
        (2, "measure", "B03"),
        (3, "period", "B04"),
        (4, "comparator", "B05"),
        (5, "value", "B06"),
        (6, "value", "B06"),
        (7, "value", "B07"),
        (8, "upper", "B07"),
        (10, "comparator", "B08"),
        (11, "period", "B04"),
    ]
    assert (
        str(outcome.problems[0])
        == 'row 2, measure: "M13" is not a measure (M1–M12, or a slug such as repeat-referrals) (B03)'
    )
    assert not Benchmark.objects.exists()
    assert not BenchmarkBatch.objects.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("measure,period,value\n", [(1, "comparator", "B01")]),  # a required column missing
        ("measure,period,comparator,value,source\n", [(1, "source", "B02")]),  # unknown column
        ("measure,period,comparator,value\n", [(None, None, "B09")]),  # a header and no rows
        ("", [(None, None, "R-F01")]),  # an empty file, as the importer says it
    ],
)
def test_a_benchmark_files_shape_is_checked_first(tmp_path, text, expected):
    outcome = benchmarks_import(path=_write(tmp_path, text), by="ana")
    assert [(p.row, p.column, p.rule) for p in outcome.problems] == expected


def test_a_missing_benchmark_file_is_a_problem_not_a_crash(tmp_path):
    outcome = benchmarks_import(path=tmp_path / "nope.csv", by="ana")
    assert [p.rule for p in outcome.problems] == ["R-F02"]


# --- commentary -------------------------------------------------------------------------------


def test_commentary_is_kept_with_author_and_time_and_the_latest_is_shown():
    first = commentary_save(measure="M3", period="2018/19 Q2", what_the_data_says="Down 5 points",
                            why="Staff shortage", what_is_being_done="Recruiting", author="ana")  # fmt: skip
    second = commentary_save(measure="M3", period="2018-19 Q2",
                             what_the_data_says="Down 5 points; recovering in September",
                             author="bo")  # fmt: skip
    assert first.period == "2018-19 Q2"
    assert first.created_at <= second.created_at
    assert commentary_current("M3", "2018-19 Q2") == second
    assert commentary_history("M3", "2018-19 Q2") == [second, first]
    assert (second.author, first.why, first.what_is_being_done) == (
        "bo",
        "Staff shortage",
        "Recruiting",
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"what_the_data_says": "  "}, "what the data says must not be empty"),
        ({"author": ""}, "the author must not be empty"),
        ({"period": "2018-19 Q5"}, "not a period"),
        ({"measure": "M0"}, "unknown measure"),
    ],
)
def test_commentary_needs_a_measure_period_text_and_author(fields, message):
    given = {"measure": "M3", "period": "2018-19", "what_the_data_says": "x", "author": "a"}
    with pytest.raises(ScorecardInputError, match=message):
        commentary_save(**(given | fields))
    assert not Commentary.objects.exists()


def test_benchmarks_import_reads_a_workbook_too(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["measure", "period", "comparator", "value", "lower", "upper"])
    sheet.append(["M3", "2018-19", "England", 72.5, 70, 75])
    sheet.append(["M3", "2018-19", "Region", "high", None, None])
    path = tmp_path / "bench.xlsx"
    book.save(path)
    outcome = benchmarks_import(path=path, by="ana")
    assert [(p.row, p.column, p.rule) for p in outcome.problems] == [(3, "value", "B06")]

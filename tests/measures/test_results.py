"""Stored results: computed from imported files, printed by `safeplan results`."""

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from safeplan.cli import main
from safeplan.imports.services import import_file
from safeplan.measures.models import ComputeRun, MeasureResult
from safeplan.measures.services import results_compute, results_compute_after_import
from safeplan.plans.services import plan_load_default

pytestmark = pytest.mark.django_db


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def referrals(tmp_path):
    return _write(
        tmp_path / "referrals.csv",
        "referral_id,child_id,referral_date,cse_risk\n"
        "R1,C1,2018-04-01,high\n"  # first day of the quarter
        "R2,C2,2018-06-30,low\n"  # last day of the quarter
        "R3,C1,2018-05-02,medium\n"
        "R4,C3,2018-07-01,high\n",  # first day of the next quarter
    )


@pytest.fixture
def load():
    """Import like `safeplan import`: the measures are recomputed once the import is accepted."""

    def _load(path, **options):
        outcome = import_file(dataset="referrals", path=path, submitted_by="test", **options)
        if outcome.accepted:
            results_compute_after_import(outcome.batch)
        return outcome

    return _load


def _results(*args):
    result = CliRunner().invoke(main, ["results", *args])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output)))


def test_an_accepted_import_recomputes_the_measures(referrals, load):
    plan_load_default()
    outcome = load(referrals)
    assert outcome.accepted
    run = ComputeRun.objects.get()
    assert run.data_version == [outcome.batch.pk]
    row = MeasureResult.objects.get(measure="M1", period="2018-19 Q1", breakdown="all")
    assert (row.value, row.numerator, row.denominator, row.status) == (2.0, 2.0, 3.0, "ok")


def test_the_importer_leaves_the_recompute_to_its_caller(referrals):
    assert import_file(dataset="referrals", path=referrals, submitted_by="test").accepted
    assert not ComputeRun.objects.exists()


def test_results_prints_exactly_the_agreed_columns(referrals, load):
    load(referrals)
    rows = _results("--measure", "cse-referrals", "--period", "2018-19 Q1", "--breakdown", "all")
    assert rows == [
        {
            "measure": "M1",
            "period": "2018-19 Q1",
            "breakdown": "all",
            "group": "",
            "value": "2.0",
            "numerator": "2",
            "denominator": "3",
            "status": "ok",
        }
    ]


def test_results_shows_no_data_outside_coverage_never_zero(referrals, load):
    plan_load_default()  # periods span the plan (2017-04 to 2020-03) and the data
    load(referrals)
    # The file's window is the min–max of its referral dates: 2018-04-01 to 2018-07-01.
    (row,) = _results("--measure", "M1", "--period", "2018-08", "--breakdown", "all")
    assert (row["value"], row["status"]) == ("", "no data")
    (row,) = _results("--measure", "M1", "--period", "2018-07", "--breakdown", "all")
    assert (row["value"], row["status"]) == ("", "no data")  # only 1 July is covered


def test_results_rejects_an_unknown_measure_without_a_traceback():
    result = CliRunner().invoke(main, ["results", "--measure", "M13"])
    assert result.exit_code == 2
    assert "unknown measure 'M13'" in result.output
    assert "Traceback" not in result.output


def test_compute_with_nothing_loaded_stores_no_results():
    run = results_compute(trigger="test")
    assert run.results == 0


def test_results_json_carries_numbers_and_the_parameters(referrals, load):
    import json

    load(referrals)
    result = CliRunner().invoke(
        main, ["results", "--measure", "M1", "--period", "2018-19 Q1", "--format", "json"]
    )
    rows = json.loads(result.output)
    whole = next(r for r in rows if r["breakdown"] == "all")
    assert whole["numerator"] == 2
    assert whole["parameters"] == {"risk_levels": ["medium", "high"]}


def test_drill_down_lists_the_records_behind_a_result(referrals, load):
    from safeplan.measures.selectors import result_records

    load(referrals)
    found = result_records(measure="M1", period="2018-19 Q1")
    assert [r.record_id for r in found["numerator"]] == ["R1", "R3"]
    assert [r.record_id for r in found["denominator"]] == ["R1", "R2", "R3"]
    by_risk = result_records(
        measure="M1", period="2018-19 Q1", breakdown="risk_level", group="high"
    )
    assert [r.record_id for r in by_risk["numerator"]] == ["R1"]

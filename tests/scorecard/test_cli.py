"""`safeplan scorecard`, `target`, `benchmarks import` and `commentary`: output, errors, help."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from click.testing import CliRunner

from safeplan.cli import main
from safeplan.scorecard.models import Commentary, Target
from safeplan.scorecard.selectors import SCORECARD_COLUMNS
from safeplan.scorecard.services import target_set
from tests.scorecard.conftest import audits_csv

pytestmark = pytest.mark.django_db


def _run(*args):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def audits(load):
    # M8: 7 of 40 audits good in 2018-19 Q1, with a target of 20 (amber from 15).
    load("case_audits", audits_csv([(date(2018, 4, 1), 7, 40)]),
         covers=(date(2018, 4, 1), date(2018, 6, 30)))  # fmt: skip
    target_set(measure="M8", value=20, tolerance=5, effective_from=date(2018, 4, 1), by="ana")


def test_scorecard_csv_has_exactly_the_agreed_columns_and_conventions(audits):
    result = _run("scorecard", "--period", "2018/19 Q1")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert tuple(rows[0]) == SCORECARD_COLUMNS
    (m8,) = [r for r in rows if r["measure"] == "M8"]
    assert {k: m8[k] for k in ("period", "group", "value", "numerator", "denominator",
                               "target", "rag", "benchmark", "variation_icon")} == {
        "period": "2018-19 Q1", "group": "", "value": "17.5", "numerator": "7",
        "denominator": "40", "target": "20.0", "rag": "amber", "benchmark": "",
        "variation_icon": "",
    }  # fmt: skip
    assert float(m8["lci95"]) == pytest.approx(8.745, abs=5e-4)
    assert repr(float(m8["lci95"])) == m8["lci95"]  # full precision
    # No earlier quarter is stored; only 3 months make the chart.
    assert (m8["dot_short"], m8["dot_long"]) == ("not available", "not available")
    assert m8["warnings"] == "SPC: fewer than 13 points: run chart only"


def test_scorecard_json_is_a_list_with_the_same_keys(audits):
    result = _run(
        "scorecard", "--period", "2018-19 Q1", "--breakdown", "agency", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert tuple(row) == SCORECARD_COLUMNS
    assert (row["group"], row["value"], row["rag"], row["warnings"]) == (
        "Police", 17.5, "not rated", ["SPC: fewer than 13 points: run chart only"],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--period", "Q9"], 2, "is not a period"),  # a label that is no period
        (["--period", "2030-31"], 1, "no results for 2030-31"),  # nothing computed for it
        ([], 2, "Missing option '--period'"),
        (["--period", "2018-19", "--breakdown", "team"], 2, "'team' is not a breakdown"),
    ],
)
def test_scorecard_errors_are_clear(args, code, message):
    result = _run("scorecard", *args)
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output


def test_target_set_and_list(tmp_path):
    result = _run("target", "set", "--measure", "M12", "--value", "40", "--tolerance", "10",
                  "--percent", "--from", "2018-04-01", "--period-kind", "quarter", "--by", "ana")  # fmt: skip
    assert result.exit_code == 0, result.output
    listed = _run("target", "list", "--format", "json")
    (row,) = json.loads(listed.output)
    assert {k: row[k] for k in ("measure", "value", "tolerance", "tolerance_is_percent", "from",
                                "to", "period_kind", "created_by")} == {
        "measure": "M12", "value": 40.0, "tolerance": 10.0, "tolerance_is_percent": True,
        "from": "2018-04-01", "to": None, "period_kind": "quarter", "created_by": "ana",
    }  # fmt: skip
    as_csv = list(csv.DictReader(io.StringIO(_run("target", "list").output)))
    assert (as_csv[0]["to"], as_csv[0]["tolerance_is_percent"]) == ("", "true")
    assert _run("target", "remove", str(row["id"])).exit_code == 0
    assert not Target.objects.exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--measure", "M1", "--value", "5"], 1, "M1 is a track measure"),
        (["--measure", "M12", "--value", "5"], 1, "needs the period kind"),
        (["--measure", "M99", "--value", "5"], 2, "unknown measure"),
        (["--measure", "M3", "--value", "x"], 2, "is not a valid float"),
    ],
)
def test_target_set_errors_name_the_problem(args, code, message):
    result = _run("target", "set", "--from", "2018-04-01", *args)
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output


def test_benchmarks_import_lists_every_problem_and_exits_1(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text(
        "measure,period,comparator,value\nM13,2018-19,England,5\nM3,2018-19,England,x\n"
    )
    result = _run("benchmarks", "import", str(path))
    assert result.exit_code == 1
    assert 'b.csv: row 2, measure: "M13" is not a measure' in result.output
    assert 'b.csv: row 3, value: "x" is not a number (B06)' in result.output
    assert "2 problems; nothing was stored" in result.output


def test_benchmarks_import_reports_what_it_stored(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("measure,period,comparator,value\nM3,2018-19,England,70\n")
    result = _run("benchmarks", "import", str(path), "--by", "ana")
    assert result.exit_code == 0, result.output
    assert "imported 1 benchmark values from b.csv" in result.output


def test_commentary_add_and_show():
    result = _run("commentary", "add", "--measure", "M3", "--period", "2018-19 Q2",
                  "--says", "Fell to 64%", "--why", "Fewer staff", "--doing", "Recruiting",
                  "--by", "ana")  # fmt: skip
    assert result.exit_code == 0, result.output
    saved = Commentary.objects.get()
    assert (saved.author, saved.period, saved.what_is_being_done) == (
        "ana",
        "2018-19 Q2",
        "Recruiting",
    )
    shown = _run("commentary", "show", "--measure", "rhi-timeliness", "--period", "2018-19 Q2")
    assert "ana" in shown.output
    assert "what the data says: Fell to 64%" in shown.output
    empty = _run("commentary", "add", "--measure", "M3", "--period", "2018-19", "--says", " ")
    assert empty.exit_code == 1
    assert "must not be empty" in empty.output


@pytest.mark.parametrize(
    "command",
    [
        ["scorecard"], ["spc"], ["spc-mark"], ["spc-setting"], ["target"], ["target", "set"],
        ["target", "list"], ["target", "remove"], ["benchmarks"], ["benchmarks", "import"],
        ["commentary"], ["commentary", "add"], ["commentary", "show"],
    ],
)  # fmt: skip
def test_every_command_has_help(command):
    result = _run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_scorecard_csv_joins_warnings_and_shows_the_benchmark(audits, tmp_path):
    path = tmp_path / "b.csv"
    path.write_text(
        "measure,period,comparator,value\nM8,2018-19 Q1,England,35\nM8,2018-19 Q1,Region,20\n"
    )
    assert _run("benchmarks", "import", str(path)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(_run("scorecard", "--period", "2018-19 Q1").output)))
    (m8,) = [r for r in rows if r["measure"] == "M8"]
    assert (m8["benchmark"], m8["benchmark_comparison"]) == ("35.0", "worse")
    assert m8["warnings"] == (
        "benchmark: England (also 1 more); SPC: fewer than 13 points: run chart only"
    )


def test_spc_setting_command_sets_the_conflict():
    from safeplan.scorecard.selectors import spc_conflict

    result = _run("spc-setting", "--measure", "M12", "--conflict", "improvement")
    assert result.exit_code == 0, result.output
    assert spc_conflict("M12") == "improvement"
    assert spc_conflict("M3") == "concern"  # the spec's default

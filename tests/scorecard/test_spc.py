"""SPC from stored monthly results with people's marks, and `safeplan spc` on a measure or a file."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from fractions import Fraction

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from safeplan.cli import main
from safeplan.engine.catalogue import Direction
from safeplan.engine.spc import SpcPoint, SpcSettings, spc_chart
from safeplan.scorecard.selectors import scorecard, spc_for_measure
from safeplan.scorecard.services import (
    ScorecardInputError,
    spc_mark_clear,
    spc_mark_set,
    spc_setting_set,
)
from tests.scorecard.conftest import challenges_csv, months

pytestmark = pytest.mark.django_db

#: M12 (count, increase), 2018-04 to 2019-07. August 2018 double-counted (ghosted); a new
#: process from December 2018 (recalculated).
COUNTS = [5, 6, 5, 7, 30, 6, 5, 6, 9, 10, 9, 11, 10, 9, 10, 11]
MONTHS = months(date(2018, 4, 1), len(COUNTS))
GHOST, RECALC = date(2018, 8, 1), date(2018, 12, 1)


@pytest.fixture
def challenges(load):
    load(
        "challenges",
        challenges_csv(list(zip(MONTHS, COUNTS, strict=True))),
        covers=(date(2018, 4, 1), date(2019, 7, 31)),
    )


@pytest.fixture
def marked(challenges):
    spc_mark_set(measure="M12", month=GHOST, kind="ghost", reason="double-counted", by="ana")
    spc_mark_set(measure="M12", month=date(2018, 12, 15), kind="recalculate",
                 reason="new escalation process", by="ana")  # fmt: skip


def test_the_chart_from_stored_results_takes_a_persons_ghost_and_recalculation(marked):
    chart = spc_for_measure("M12")
    assert [r.value for r in chart.rows] == COUNTS
    ghost = chart.rows[4]
    assert (ghost.month, ghost.ghost, ghost.note) == (GHOST, True, "double-counted")
    assert [r.partition for r in chart.rows] == [1] * 8 + [2] * 8
    # Partition 1 without the ghost: 5 6 5 7 6 5 6 → x̄ = 40/7; moving ranges 1 1 2 1 1 1 → 7/6.
    first = chart.rows[0]
    assert first.mean == pytest.approx(40 / 7)
    assert first.upl == pytest.approx(float(Fraction(40, 7) + Fraction(266, 100) * Fraction(7, 6)))
    # Partition 2: 9 10 9 11 10 9 10 11 → x̄ = 79/8.
    assert chart.rows[-1].mean == pytest.approx(79 / 8)
    assert not chart.run_chart  # 15 non-ghosted points


def test_the_stored_chart_is_the_engines_chart_of_the_same_points(marked):
    points = [
        SpcPoint(m, float(v), ghost=m == GHOST, recalculate=m == RECALC,
                 note={GHOST: "double-counted", RECALC: "new escalation process"}.get(m, ""))
        for m, v in zip(MONTHS, COUNTS, strict=True)
    ]  # fmt: skip
    assert spc_for_measure("M12") == spc_chart(points, SpcSettings(Direction.INCREASE))


def test_the_scorecard_icons_are_those_of_the_chart_up_to_the_periods_end(marked):
    target_chart = spc_for_measure("M12", until=date(2019, 6, 30))
    (row,) = [r for r in scorecard("2019-20 Q1") if r.measure == "M12"]
    assert row.variation_icon == target_chart.variation
    assert target_chart.rows[-1].month == date(2019, 6, 1)


def test_the_conflict_setting_feeds_the_chart(challenges):
    spc_setting_set(measure="M12", conflict="improvement", by="ana")
    assert spc_for_measure("M12") == spc_chart(
        [SpcPoint(m, float(v)) for m, v in zip(MONTHS, COUNTS, strict=True)],
        SpcSettings(Direction.INCREASE, conflict="improvement"),
    )


def test_a_mark_on_one_breakdown_leaves_the_other_charts_alone(challenges):
    spc_mark_set(measure="M12", month=GHOST, kind="ghost", reason="x", by="ana",
                 breakdown="locality", group="Unknown")  # fmt: skip
    assert spc_for_measure("M12", "locality", "Unknown").rows[4].ghost
    assert not spc_for_measure("M12").rows[4].ghost


def test_a_chart_has_one_baseline_and_a_mark_can_be_cleared(challenges):
    spc_mark_set(measure="M12", month=date(2018, 10, 1), kind="baseline_end", reason="a", by="x")
    spc_mark_set(measure="M12", month=date(2019, 1, 1), kind="baseline_end", reason="b", by="x")
    rows = spc_for_measure("M12").rows
    assert [r.month for r in rows if r.baseline][-1] == date(2019, 1, 1)
    assert spc_mark_clear(measure="M12", month=date(2019, 1, 1), kind="baseline_end") == 1
    assert not any(r.baseline for r in spc_for_measure("M12").rows)


@pytest.mark.parametrize(
    ("kind", "reason", "message"),
    [
        ("ghost", "  ", "reason"),  # a person's mark always has a reason
        ("hide", "why", "not 'hide'"),  # only the three kinds
    ],
)
def test_a_mark_needs_a_known_kind_and_a_reason(kind, reason, message):
    with pytest.raises(ScorecardInputError, match=message):
        spc_mark_set(measure="M12", month=GHOST, kind=kind, reason=reason, by="ana")


def _csv_sections(output: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    points, icons = output.split("\n\n")
    return list(csv.DictReader(io.StringIO(points))), list(csv.DictReader(io.StringIO(icons)))


def test_spc_prints_a_measures_chart_with_its_marks(marked):
    result = CliRunner().invoke(main, ["spc", "--measure", "recorded-challenges"])
    assert result.exit_code == 0, result.output
    points, icons = _csv_sections(result.output)
    assert list(points[0]) == ["month", "value", "ghost", "partition", "mean", "lpl", "upl",
                               "low2s", "high2s", "signal", "rules"]  # fmt: skip
    assert points[4]["month"] == "2018-08"
    assert (points[4]["ghost"], points[4]["signal"], points[4]["rules"]) == ("true", "common", "")
    assert points[0]["mean"] == repr(40 / 7)
    chart = spc_for_measure("M12")
    assert icons == [{"variation_icon": chart.variation or "", "assurance_icon": "",
                      "run_chart": "false", "warnings": "; ".join(chart.warnings)}]  # fmt: skip


SERIES = (
    "date,value\n"
    + "".join(
        f"2019-{m:02d}-01,{v}\n"
        for m, v in zip(range(1, 13), [10, 12, 11, 13, 12, 11, 10, 12, 11, 13, 12, 11], strict=True)
    )
    + "2020-01-01,30\n"
)


def test_spc_series_is_worked_by_hand(tmp_path):
    path = tmp_path / "series.csv"
    path.write_text(SERIES)
    result = CliRunner().invoke(
        main,
        ["spc", "--series", str(path), "--direction", "up", "--target", "15", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    chart = json.loads(result.output)
    # x̄ = 168/13; MR̄ = 34/12; UPL = x̄ + 2.66·MR̄ = 20.46…: 30 is beyond it, an improvement.
    last = chart["points"][-1]
    assert last["mean"] == pytest.approx(168 / 13)
    assert last["upl"] == pytest.approx(168 / 13 + 2.66 * 34 / 12)
    assert (last["month"], last["signal"], last["rules"]) == (
        "2020-01-01",
        "improvement",
        ["astronomical"],
    )
    assert chart["variation_icon"] == "improvement_high"
    assert chart["assurance_icon"] == "hit_or_miss"  # LPL 5.39 < 15 < UPL 20.46


def test_spc_series_matches_the_engine_with_ghost_recalculation_and_baseline(tmp_path):
    values = [10, 12, 11, 13, 12, 11, 10, 12, 11, 13, 12, 11, 30, 20, 21, 22, 19, 23, 20]
    lines = ["date,value,ghost,recalculate,baseline"]
    for i, v in enumerate(values):
        day = date(2019 + (i // 12), i % 12 + 1, 1)
        lines.append(
            f"{day},{v},{'yes' if i == 12 else ''},{'1' if i == 15 else '0'},{'y' if i < 6 else ''}"
        )
    path = tmp_path / "s.csv"
    path.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(main, ["spc", "--series", str(path), "--direction", "down",
                                       "--conflict", "improvement", "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    points = [
        SpcPoint(date(2019 + (i // 12), i % 12 + 1, 1), float(v), ghost=i == 12,
                 recalculate=i == 15, baseline_end=i == 5)
        for i, v in enumerate(values)
    ]  # fmt: skip
    expected = spc_chart(points, SpcSettings(Direction.REDUCE, conflict="improvement"))
    got = json.loads(result.output)
    assert [(p["mean"], p["upl"], p["signal"], p["partition"]) for p in got["points"]] == [
        (r.mean, r.upl, r.signal, r.partition) for r in expected.rows
    ]
    assert (got["variation_icon"], got["warnings"]) == (expected.variation, list(expected.warnings))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("day,value\n2019-01-01,3\n", 'column "day" is unknown'),  # wrong header
        ("date,value\n2019-13-01,3\n2019-02-01,x\n", "row 2"),  # a bad date and …
        ("date,value\n2019-13-01,3\n2019-02-01,x\n", 'row 3: "x" is not a number'),  # … all at once
        ("date,value\n2019-01-01,3\n2019-01,4\n", "appears twice"),  # one month twice
        ("date,value,ghost\n2019-01-01,3,maybe\n", "not true/false"),  # a flag
    ],
)
def test_spc_series_reports_a_bad_file_without_a_traceback(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    result = CliRunner().invoke(main, ["spc", "--series", str(path), "--direction", "neither"])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "either --measure or --series"),  # neither
        (["--measure", "M12", "--direction", "up"], "are for --series"),  # a measure has its own
        (["--measure", "M12", "--conflict", "concern"], "are for --series"),  # … and its setting
        (["--measure", "M13"], "unknown measure"),  # not a measure
    ],
)
def test_spc_usage_mistakes_exit_2(args, message):
    result = CliRunner().invoke(main, ["spc", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_spc_of_a_measure_with_no_results_is_a_clear_error():
    result = CliRunner().invoke(main, ["spc", "--measure", "M12"])
    assert result.exit_code == 1
    assert "no monthly results" in result.output


def test_spc_mark_command_sets_a_ghost_with_its_reason(challenges):
    result = CliRunner().invoke(main, ["spc-mark", "--measure", "M12", "--month", "2018-08",
                                       "--kind", "ghost", "--reason", "double-counted"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert spc_for_measure("M12").rows[4].ghost
    missing = CliRunner().invoke(main, ["spc-mark", "--measure", "M12", "--month", "2018-08",
                                        "--kind", "ghost"])  # fmt: skip
    assert missing.exit_code == 2
    assert "--reason is required" in missing.output


@pytest.mark.parametrize(
    "written",
    [
        "2019-04-01",  # ISO
        "2019-04",  # a month
        "2019-04-01 00:00:00",  # a date-time, as a spreadsheet may save it
        "01/04/2019",  # day first, as in the UK
    ],
)
def test_spc_series_reads_the_usual_ways_of_writing_a_date(tmp_path, written):
    from safeplan.scorecard.series import read_series

    path = tmp_path / "s.csv"
    path.write_text(f"date,value\n{written},4\n2019-05-01,5\n")
    assert [p.month for p in read_series(path)] == [date(2019, 4, 1), date(2019, 5, 1)]


def test_a_row_with_an_empty_value_is_not_a_point(tmp_path):
    from safeplan.scorecard.series import read_series

    path = tmp_path / "s.csv"
    path.write_text("date,value\n2019-04-01,4\n2019-05-01,\n2019-06-01,6\n")
    assert [p.value for p in read_series(path)] == [4.0, 6.0]


def test_spc_of_a_breakdown_without_a_group_names_the_groups(challenges):
    result = CliRunner().invoke(main, ["spc", "--measure", "M12", "--breakdown", "locality"])
    assert result.exit_code == 1
    assert "give --group, one of: Unknown" in result.output


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_subnormal=False),
        min_size=1,
        max_size=30,
    ),
    direction=st.sampled_from(["up", "down", "neither"]),
)
def test_spc_series_gives_the_engines_chart_at_full_precision(tmp_path_factory, values, direction):
    path = tmp_path_factory.mktemp("series") / "s.csv"
    days = [date(2000 + i // 12, i % 12 + 1, 1) for i in range(len(values))]
    path.write_text(
        "date,value\n" + "".join(f"{d},{v!r}\n" for d, v in zip(days, values, strict=True))
    )
    result = CliRunner().invoke(main, ["spc", "--series", str(path), "--direction", direction,
                                       "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    engine_direction = {
        "up": Direction.INCREASE,
        "down": Direction.REDUCE,
        "neither": Direction.TRACK,
    }
    expected = spc_chart(
        [SpcPoint(d, v) for d, v in zip(days, values, strict=True)],
        SpcSettings(engine_direction[direction]),
    )
    got = json.loads(result.output)
    assert [
        (p["value"], p["mean"], p["lpl"], p["upl"], p["signal"], p["rules"]) for p in got["points"]
    ] == [(r.value, r.mean, r.lpl, r.upl, r.signal, list(r.rules)) for r in expected.rows]
    assert (got["variation_icon"], got["assurance_icon"]) == (
        expected.variation,
        expected.assurance,
    )

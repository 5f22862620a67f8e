"""Targets in the plan file: `[[priorities.measures.targets]]` under a measure."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from safeplan.plans.planfile import PlanFileError, TargetEntry, parse_plan_text
from tests.plans.test_planfile import with_measure


def _targets(measure: str, *tables: str) -> str:
    body = "".join(f"\n[[priorities.measures.targets]]\n{t}\n" for t in tables)
    return with_measure(f'id = "{measure}"\ntitle = "T"\n{body}')


def test_a_measure_may_carry_targets_over_time() -> None:
    text = _targets(
        "M3",
        "value = 70\ntolerance = 5\nfrom = 2021-04-01\nto = 2022-03-31",
        "value = 80\ntolerance = 10\ntolerance_is_percent = true\nfrom = 2022-04-01",
    )
    measure = parse_plan_text(text).priorities[1].measures[0]
    assert measure.targets == (
        TargetEntry(70.0, 5.0, False, dt.date(2021, 4, 1), dt.date(2022, 3, 31), ""),
        TargetEntry(80.0, 10.0, True, dt.date(2022, 4, 1), None, ""),
    )


def test_a_count_target_names_its_period_kind_and_tolerance_defaults_to_zero() -> None:
    text = _targets("M12", 'value = 40\nfrom = "2021-04-01"\nperiod_kind = "quarter"')
    (target,) = parse_plan_text(text).priorities[1].measures[0].targets
    assert (target.value, target.tolerance, target.period_kind) == (40.0, 0.0, "quarter")


def test_a_measure_without_targets_has_none() -> None:
    assert parse_plan_text(_targets("M3")).priorities[1].measures[0].targets == ()


WHERE = "plan.toml: priorities[2].measures[1].targets[1]"


@pytest.mark.parametrize(
    ("measure", "table", "message"),
    [
        # a track measure is context: never a target
        ("M1", "value = 5\nfrom = 2021-04-01", f"{WHERE}: M1 is a track measure (context only): it has no target"),
        # a count target without the period kind it is set for
        ("M12", "value = 5\nfrom = 2021-04-01", f'{WHERE}: M12 is a count: missing "period_kind" (month, quarter, year)'),
        ("M12", 'value = 5\nfrom = 2021-04-01\nperiod_kind = "week"', f'{WHERE}.period_kind: "week" is not one of month, quarter, year'),
        # a percentage target has no period kind
        ("M3", 'value = 5\nfrom = 2021-04-01\nperiod_kind = "month"', f"{WHERE}.period_kind: only a count measure's target has one (M3 is a percent)"),
        ("M3", "value = 105\nfrom = 2021-04-01", f"{WHERE}.value: 105.0 is not a percentage (0 to 100)"),
        ("M12", 'value = -5\nfrom = 2021-04-01\nperiod_kind = "year"', f"{WHERE}.value: -5.0 is negative; M12 is 0 or more"),
        ("M3", 'value = "70%"\nfrom = 2021-04-01', f"{WHERE}.value: must be a number, not text"),
        ("M3", "value = true\nfrom = 2021-04-01", f"{WHERE}.value: must be a number, not a boolean"),
        ("M3", "value = nan\nfrom = 2021-04-01", f"{WHERE}.value: must be a finite number, not nan"),
        ("M3", "value = 70\ntolerance = -1\nfrom = 2021-04-01", f"{WHERE}.tolerance: must be 0 or more, not -1.0"),
        ("M3", 'value = 70\ntolerance_is_percent = "yes"\nfrom = 2021-04-01', f"{WHERE}.tolerance_is_percent: must be true or false, not text"),
        ("M3", "value = 70", f'{WHERE}: missing "from"'),
        ("M3", 'value = 70\nfrom = "April"', f'{WHERE}.from: must be a date such as 2017-04-01, not "April"'),
        ("M3", "value = 70\nfrom = 2021-04-01\nto = 2021-03-31", f"{WHERE}.to: 2021-03-31 is before from 2021-04-01"),
        ("M3", "value = 70\nfrom = 2021-04-01\nuntil = 2022-03-31", f'{WHERE}: unknown key "until"'),
    ],
)  # fmt: skip
def test_a_bad_target_is_rejected_with_its_key(measure: str, table: str, message: str) -> None:
    with pytest.raises(PlanFileError) as caught:
        parse_plan_text(_targets(measure, table))
    assert str(caught.value).startswith(message)


def test_targets_must_be_an_array_of_tables() -> None:
    text = with_measure('id = "M3"\ntitle = "T"\ntargets = 70')
    with pytest.raises(PlanFileError, match=r"targets: must be an array of tables"):
        parse_plan_text(text)


def test_the_documented_example_parses() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs/plan-file.md").read_text("utf-8")
    section = doc[doc.index("## Targets") : doc.index("| key |", doc.index("## Targets"))]
    example = "\n".join(line[4:] for line in section.splitlines() if line.startswith("    "))
    head = 'title = "T"\nvision = "V"\nstart_date = 2017-04-01\nend_date = 2020-03-31\n'
    plan = parse_plan_text(head + '[[priorities]]\nname = "P"\naim = "A"\n' + example)
    assert [len(m.targets) for m in plan.priorities[0].measures] == [2, 1]

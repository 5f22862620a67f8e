"""Parsing plan files: what is accepted, and what is rejected with which message."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from safeplan.plans.planfile import (
    PlanFileError,
    default_plan_text,
    parse_plan_text,
    read_plan_text,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "docs/examples/three-priorities.toml"

MINIMAL = """
title = "Plan"
vision = "Safe"
start_date = 2021-04-01
end_date = 2022-03-31

[[priorities]]
name = "One"
aim = "Aim one"

[[priorities.measures]]
id = "M1"
title = "Measure one"
"""


def with_measure(lines: str) -> str:
    """MINIMAL with a second priority whose one measure is the given TOML lines."""
    return (
        MINIMAL
        + f'\n[[priorities]]\nname = "Two"\naim = "Aim two"\n\n[[priorities.measures]]\n{lines}\n'
    )


def test_it_reads_a_minimal_plan_and_takes_the_definition_from_the_catalogue() -> None:
    spec = parse_plan_text(MINIMAL)
    assert (spec.title, spec.start_date, spec.end_date) == (
        "Plan",
        dt.date(2021, 4, 1),
        dt.date(2022, 3, 31),
    )
    measure = spec.priorities[0].measures[0]
    assert (measure.id, measure.title, measure.parameters) == ("M1", "Measure one", {})
    assert measure.definition.startswith("Referrals where CSE is identified")
    assert spec.headings == {}
    assert spec.themes == ()


def test_it_reads_the_second_example_plan_of_three_priorities_with_an_override() -> None:
    spec = parse_plan_text(EXAMPLE.read_text(encoding="utf-8"), name=EXAMPLE.name)
    assert [len(p.measures) for p in spec.priorities] == [2, 2, 2]
    overrides = {m.id: dict(m.parameters) for p in spec.priorities for m in p.measures}
    assert overrides["M3"] == {"timescale_hours": 48}
    assert sum(bool(o) for o in overrides.values()) == 1


def test_it_accepts_dates_written_as_quoted_iso_text() -> None:
    spec = parse_plan_text(MINIMAL.replace("2021-04-01", '"2021-04-01"'))
    assert spec.start_date == dt.date(2021, 4, 1)


def test_it_accepts_a_list_parameter_and_a_direction_agreeing_with_the_catalogue() -> None:
    text = with_measure(
        'id = "M1"\ntitle = "t"\ndirection = "track"\nparameters = { risk_levels = ["high"] }'
    )
    text = text.replace('id = "M1"\ntitle = "Measure one"', 'id = "M2"\ntitle = "Measure one"')
    assert parse_plan_text(text).priorities[1].measures[0].parameters == {"risk_levels": ["high"]}


def test_it_keeps_texts_as_written_but_for_the_line_breaks_around_a_multi_line_string() -> None:
    spec = parse_plan_text(MINIMAL.replace('aim = "Aim one"', 'aim = """\nAim  one;\nand two\n"""'))
    assert spec.priorities[0].aim == "Aim  one;\nand two"


def test_it_accepts_a_byte_order_mark_as_some_windows_editors_write() -> None:
    assert parse_plan_text("\ufeff" + MINIMAL).title == "Plan"


def test_the_default_plan_parses() -> None:
    assert len(parse_plan_text(default_plan_text()).priorities) == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # Not TOML at all: the parser's own line and column are kept.
        ("title = ", "plan.toml: not valid TOML: "),
        # A required top-level field is missing.
        (MINIMAL.replace('vision = "Safe"\n', ""), 'plan.toml: missing "vision"'),
        # A required field of a priority is missing.
        (MINIMAL.replace('aim = "Aim one"\n', ""), 'plan.toml: priorities[1]: missing "aim"'),
        # A required field of a measure is missing.
        (with_measure('id = "M2"'), 'plan.toml: priorities[2].measures[1]: missing "title"'),
        # The example of the issue: a measure id outside the catalogue.
        (
            with_measure('id = "M13"\ntitle = "t"'),
            'plan.toml: priorities[2].measures[1]: unknown measure id "M13" (known: M1…M12)',
        ),
        # Ids are exact: lower case is not M2.
        (with_measure('id = "m2"\ntitle = "t"'), 'unknown measure id "m2"'),
        # One measure may appear once in a plan.
        (
            with_measure('id = "M1"\ntitle = "t"'),
            'plan.toml: priorities[2].measures[1]: measure id "M1" already used at priorities[1].measures[1]',
        ),
        # A direction the plan states must be the measure's own.
        (
            with_measure('id = "M2"\ntitle = "t"\ndirection = "increase"'),
            'priorities[2].measures[1].direction: "increase" disagrees with M2\'s definition ("reduce")',
        ),
        # A direction that is no direction at all.
        (
            with_measure('id = "M2"\ntitle = "t"\ndirection = "up"'),
            '"up" is not one of increase, reduce, track',
        ),
        # A parameter the measure does not have.
        (
            with_measure('id = "M3"\ntitle = "t"\nparameters = { timescale_days = 3 }'),
            "priorities[2].measures[1].parameters: M3 has no parameter 'timescale_days' (known: include_away, timescale_hours)",
        ),
        # A parameter of the wrong type.
        (
            with_measure('id = "M3"\ntitle = "t"\nparameters = { timescale_hours = "72" }'),
            "priorities[2].measures[1].parameters: M3 parameter 'timescale_hours' must be int, not str",
        ),
        # A list parameter given as text.
        (
            with_measure('id = "M1"\ntitle = "t"'.replace("M1", "M2")).replace(
                'id = "M1"', 'id = "M1"\nparameters = { risk_levels = "high" }'
            ),
            "must be a list of text",
        ),
        # Parameters must be a table.
        (
            with_measure('id = "M3"\ntitle = "t"\nparameters = 72'),
            "priorities[2].measures[1].parameters: must be a table",
        ),
        # A misspelt key is not silently ignored.
        (
            MINIMAL.replace('aim = "Aim one"', 'aim = "Aim one"\naims = "x"'),
            'priorities[1]: unknown key "aims"',
        ),
        (MINIMAL + '\n[headings]\nmeasure = "x"\n', 'plan.toml: headings: unknown key "measure"'),
        # Text fields must be text, and not blank.
        (
            MINIMAL.replace('title = "Plan"', "title = 3"),
            "plan.toml: title: must be text, not a number",
        ),
        (
            MINIMAL.replace('name = "One"', 'name = "  "'),
            "plan.toml: priorities[1].name: must not be empty",
        ),
        # Names and titles fit their columns; aims and descriptions may be long.
        (
            MINIMAL.replace('name = "One"', f'name = "{"x" * 201}"'),
            "priorities[1].name: is 201 characters long; at most 200",
        ),
        (
            MINIMAL.replace('title = "Plan"', f'title = "{"x" * 201}"'),
            "plan.toml: title: is 201 characters long",
        ),
        # Dates must be dates, in order.
        (
            MINIMAL.replace("2021-04-01", '"1 April 2021"'),
            "plan.toml: start_date: must be a date such as 2017-04-01",
        ),
        (
            MINIMAL.replace("2021-04-01", "2021-04-01T09:00:00"),
            "plan.toml: start_date: must be a date",
        ),
        (
            MINIMAL.replace("2022-03-31", "2020-03-31"),
            "plan.toml: end_date: 2020-03-31 is before start_date 2021-04-01",
        ),
        # A plan needs at least one priority, given as an array of tables.
        (
            MINIMAL.split("[[priorities]]")[0] + "priorities = []\n",
            "plan.toml: priorities: needs at least 1",
        ),
        (
            MINIMAL.split("[[priorities]]")[0] + 'priorities = ["x"]\n',
            "priorities: must be an array of tables ([[priorities]])",
        ),
        # Themes, when given, need a description.
        (MINIMAL + '\n[[themes]]\nname = "T"\n', 'plan.toml: themes[1]: missing "description"'),
        # Interventions need a description.
        (
            MINIMAL + '\n[[priorities.interventions]]\nname = "I"\n',
            'plan.toml: priorities[1].interventions[1]: missing "description"',
        ),
    ],
)
def test_it_rejects_a_bad_plan_file_with_a_message_naming_the_key(text: str, message: str) -> None:
    with pytest.raises(PlanFileError) as caught:
        parse_plan_text(text)
    assert message in str(caught.value)


def test_an_unreadable_file_is_a_plan_file_error_naming_the_path(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_bytes(b'title = "\xff"')
    with pytest.raises(PlanFileError, match=r"plan\.toml: cannot be read"):
        read_plan_text(path)

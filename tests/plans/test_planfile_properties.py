"""Whatever a plan file holds, parsing it either succeeds or raises PlanFileError."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from safeplan.plans.planfile import PlanFileError, parse_plan_text

# A plan with every key of the format, each value a slot for any TOML value.
TEMPLATE = """
title = {0}
vision = {1}
start_date = {2}
end_date = {3}
headings = {4}

[[priorities]]
name = {5}
aim = {6}

[[priorities.measures]]
id = {7}
title = {8}
direction = {9}
parameters = {10}

[[priorities.interventions]]
name = {11}
description = {12}

[[themes]]
name = {13}
description = {14}
"""
VALID = ['"T"', '"V"', "2021-04-01", "2022-03-31", '{ priorities = "P" }', '"N"', '"A"',
         '"M3"', '"t"', '"increase"', "{ timescale_hours = 48 }", '"I"', '"D"', '"Th"', '"TD"']  # fmt: skip

scalars = st.one_of(
    st.integers(-(2**63), 2**63 - 1).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.booleans().map(lambda b: str(b).lower()),
    st.text(max_size=30).map(lambda s: json.dumps(s)),
    st.sampled_from(['"M1"', '"M12"', '"track"', '"reduce"', '"2021-04-01"', '""', '"  "']),
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)).map(dt.date.isoformat),
)
names = st.sampled_from(["timescale_hours", "include_away", "risk_levels", "priorities", "x"])
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.dictionaries(names, inner, max_size=3).map(
            lambda d: "{ " + ", ".join(f"{k} = {v}" for k, v in d.items()) + " }"
        ),
    ),
    max_leaves=5,
)


def test_the_template_with_its_valid_values_parses() -> None:
    assert parse_plan_text(TEMPLATE.format(*VALID)).priorities[0].measures[0].id == "M3"


@settings(max_examples=300, deadline=None)
@given(slot=st.integers(0, len(VALID) - 1), value=values)
def test_any_value_in_any_slot_parses_or_is_a_plan_file_error(slot: int, value: str) -> None:
    filled = list(VALID)
    filled[slot] = value
    message = "plan.toml: "  # every rejection names the file
    try:
        parse_plan_text(TEMPLATE.format(*filled))
    except PlanFileError as exc:
        message = str(exc)
    assert message.startswith("plan.toml: ")

"""The action RAG as the pages see it, through the selectors, at its boundaries."""

from __future__ import annotations

from datetime import date

import pytest

from safeplan.actions.selectors import (
    actions_for_intervention,
    actions_overdue_and_at_risk,
    intervention_progress,
    theme_actions,
)
from safeplan.plans.models import Plan
from tests.actions.conftest import NEGLECT, PREVENT, THEME, ActionFactory

# An action from 1 to 11 January 2024: ten days, so each day is 10% expected.
START, DUE = date(2024, 1, 1), date(2024, 1, 11)


@pytest.mark.parametrize(
    ("status", "percent", "as_at", "rag"),
    [
        ("in progress", 0, date(2023, 12, 31), "not started"),  # the day before it starts
        ("in progress", 0, START, "green"),  # nothing is expected on the start day
        ("in progress", 45, date(2024, 1, 6), "green"),  # 45 of 50 expected: exactly 90%
        ("in progress", 44, date(2024, 1, 6), "amber"),  # 88%: just under green
        ("in progress", 35, date(2024, 1, 6), "amber"),  # exactly 70%: still amber
        ("in progress", 34, date(2024, 1, 6), "red"),  # 68%: red
        ("in progress", 90, DUE, "green"),  # on the due day, 90% is enough
        ("in progress", 99, date(2024, 1, 12), "red"),  # the day after due and not complete
        ("complete", 100, date(2024, 1, 12), "complete"),  # complete, even when late
        ("deferred", 10, date(2024, 1, 6), "not rated"),  # deferred is never rated
        ("ongoing", 10, date(2024, 1, 6), "not rated"),  # nor is ongoing
    ],
)
def test_an_actions_rag_follows_the_scorecard_rules_at_each_boundary(
    make_action: ActionFactory, status: str, percent: int, as_at: date, rag: str
) -> None:
    make_action(start_date=START, due_date=DUE, percent_complete=percent, status=status)
    (row,) = actions_for_intervention(PREVENT, as_at)
    assert row.rag == rag


def test_an_action_past_its_due_date_and_not_complete_is_overdue(
    make_action: ActionFactory,
) -> None:
    make_action(start_date=START, due_date=DUE, status="deferred", percent_complete=10)
    (row,) = actions_for_intervention(PREVENT, date(2024, 1, 12))
    assert (row.rag, row.overdue) == ("not rated", True)


def test_intervention_progress_counts_each_interventions_actions_by_status_and_rag(
    plan: Plan, make_action: ActionFactory
) -> None:
    make_action(percent_complete=50)  # green on 6 January
    make_action(percent_complete=10)  # red
    make_action(status="complete", percent_complete=100)
    make_action(intervention_key=NEGLECT, status="deferred")
    progress = intervention_progress(plan, date(2024, 1, 6))
    prevent = progress[PREVENT]
    assert prevent.total == 3
    assert dict(prevent.by_status) == {"in progress": 2, "complete": 1}
    assert dict(prevent.by_rag) == {"green": 1, "red": 1, "complete": 1}
    assert dict(progress[NEGLECT].by_rag) == {"not rated": 1}
    assert progress["family-focus"].total == 0  # an intervention with no actions is listed


def test_a_theme_lists_only_the_actions_tagged_with_it(make_action: ActionFactory) -> None:
    tagged = make_action(title="Tagged")
    make_action(title="Untagged", themes=())
    assert [r.action for r in theme_actions(THEME, START)] == [tagged]


def test_the_overdue_and_at_risk_view_holds_red_amber_and_overdue_actions_reddest_first(
    make_action: ActionFactory,
) -> None:
    as_at = date(2024, 1, 6)
    make_action(title="green", percent_complete=50)
    amber = make_action(title="amber", percent_complete=40)
    red = make_action(title="red", percent_complete=0)
    overdue = make_action(title="overdue", start_date=date(2023, 1, 1), due_date=date(2023, 6, 1))
    late_but_deferred = make_action(
        title="deferred", start_date=date(2023, 1, 1), due_date=date(2023, 6, 1), status="deferred"
    )
    make_action(title="done", status="complete", percent_complete=100, due_date=date(2024, 1, 2))
    make_action(title="future", start_date=date(2024, 2, 1), due_date=date(2024, 3, 1))
    rows = actions_overdue_and_at_risk(as_at)
    assert [r.action for r in rows] == [overdue, red, amber, late_but_deferred]

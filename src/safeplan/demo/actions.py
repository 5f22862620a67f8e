"""Synthetic action plans for the demo county: two invented actions per planned intervention.

The seed plan lists interventions but no actions; these are clearly demo data
(their owner says so) so that the board sees action progress on the page.
"""

from __future__ import annotations

from datetime import date

from safeplan.actions.services import ActionInput, action_create
from safeplan.plans.models import Plan
from safeplan.plans.selectors import intervention_key, theme_key

OWNER = "Demo subgroup (synthetic)"
# (title pattern, start, due, % complete, status): a spread of states for the board to see.
_PATTERNS = (
    ("Agree the multi-agency approach to {name}", date(2017, 4, 1), date(2018, 3, 31), 100, "complete"),
    ("Review what is working for {name} with partners", date(2018, 4, 1), date(2020, 3, 31), 60, "in progress"),
    ("Report to the board on {name} each quarter", date(2017, 4, 1), date(2020, 3, 31), 50, "ongoing"),
    ("Commission an independent audit of {name}", date(2019, 4, 1), date(2020, 3, 31), 0, "deferred"),
)  # fmt: skip


def demo_actions_create(plan: Plan) -> int:
    """Create two actions under each intervention of the plan; return how many were made."""
    themes = [theme_key(t.name) for t in plan.themes.all()]
    made = 0
    for n, intervention in enumerate(plan.interventions.order_by("priority__position", "position")):
        for k in (0, 1):
            title, start, due, percent, status = _PATTERNS[(n + k) % len(_PATTERNS)]
            action_create(
                data=ActionInput(
                    intervention_key=intervention_key(intervention.name),
                    title=title.format(name=intervention.name),
                    owner=OWNER,
                    start_date=start,
                    due_date=due,
                    themes=(themes[(n + k) % len(themes)],) if themes else (),
                    percent_complete=percent,
                    status=status,
                ),
                by="safeplan demo",
            )
            made += 1
    return made

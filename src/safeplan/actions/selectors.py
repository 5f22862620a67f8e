"""Reading actions, each with its RAG as at a date (scorecard.md, "Action plans").

rows = actions_for_intervention("prevent-cse", as_at=date(2019, 3, 31))
rows[0].rag   # "amber"
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from safeplan.actions.models import Action, ActionStatus
from safeplan.engine.judgement import ActionRag, action_rag
from safeplan.plans.models import Plan
from safeplan.plans.selectors import intervention_key

#: The action RAGs in the order they are shown.
ACTION_RAGS: tuple[ActionRag, ...] = (
    "red",
    "amber",
    "green",
    "not started",
    "not rated",
    "complete",
)
AT_RISK: frozenset[ActionRag] = frozenset({"red", "amber"})


@dataclass(frozen=True)
class ActionRow:
    """An action with its RAG as at a date, and whether it is past its due date."""

    action: Action
    rag: ActionRag
    overdue: bool


@dataclass
class Progress:
    """How an intervention's actions stand: counts by status and by RAG."""

    total: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    by_rag: Counter[str] = field(default_factory=Counter)

    @property
    def rags(self) -> list[tuple[str, int]]:
        """(RAG, count) for each RAG held, reddest first (a template cannot read a Counter)."""
        return [(rag, self.by_rag[rag]) for rag in ACTION_RAGS if self.by_rag[rag]]

    @property
    def statuses(self) -> list[tuple[str, int]]:
        """(status, count) for each status held, in the order of the statuses."""
        return [(s, self.by_status[s]) for s in ActionStatus.values if self.by_status[s]]

    def add(self, row: ActionRow) -> None:
        self.total += 1
        self.by_status[row.action.status] += 1
        self.by_rag[row.rag] += 1


def action_row(action: Action, as_at: date) -> ActionRow:
    """The action with its derived RAG; overdue = past due and not complete."""
    rag = action_rag(
        action.status, action.start_date, action.due_date, action.percent_complete, as_at
    )
    overdue = action.status != ActionStatus.COMPLETE and as_at > action.due_date
    return ActionRow(action=action, rag=rag, overdue=overdue)


def _rows(actions: Iterable[Action], as_at: date) -> list[ActionRow]:
    return [action_row(a, as_at) for a in actions]


def actions_all() -> QuerySet[Action]:
    return Action.objects.all()


def action_get(pk: int) -> Action | None:
    return Action.objects.filter(pk=pk).first()


def actions_for_intervention(key: str, as_at: date) -> list[ActionRow]:
    """The intervention's actions, by due date."""
    return _rows(Action.objects.filter(intervention_key=key), as_at)


def intervention_progress(plan: Plan, as_at: date) -> dict[str, Progress]:
    """Each intervention of the plan, by key, with its actions counted by status and by RAG.

    An intervention with no actions is present with a total of 0.
    """
    progress = {intervention_key(i.name): Progress() for i in plan.interventions.all()}
    for row in _rows(Action.objects.filter(intervention_key__in=list(progress)), as_at):
        progress[row.action.intervention_key].add(row)
    return progress


def theme_actions(theme_key: str, as_at: date) -> list[ActionRow]:
    """The actions tagged with a theme (tags are a short JSON list, filtered here)."""
    return [row for row in _rows(Action.objects.all(), as_at) if theme_key in row.action.themes]


def actions_overdue_and_at_risk(as_at: date) -> list[ActionRow]:
    """Red or amber, or past due and not complete: the board's exception list, reddest first."""
    rows = [r for r in _rows(Action.objects.all(), as_at) if r.rag in AT_RISK or r.overdue]
    return sorted(rows, key=lambda r: (ACTION_RAGS.index(r.rag), r.action.due_date, r.action.pk))


def action_updates(action: Action) -> QuerySet:  # type: ignore[type-arg]
    """The action's progress updates, latest first."""
    return action.updates.order_by("-date", "-id")


def theme_action_counts() -> dict[str, int]:
    """How many actions carry each theme tag (for the themes row of the plan on a page)."""
    counts: Counter[str] = Counter()
    for themes in Action.objects.values_list("themes", flat=True):
        counts.update(themes or [])
    return dict(counts)

"""Reading plans: the active plan with everything on its page, and its JSON form."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils.text import slugify

from safeplan.engine.catalogue import CATALOGUE, ParamValue
from safeplan.plans.models import Intervention, KeyMeasure, Plan, Priority, Theme


def plan_active() -> Plan | None:
    """The active plan, its priorities, measures, interventions and themes fetched in 4 queries."""
    priorities = Priority.objects.prefetch_related(
        Prefetch("measures", queryset=KeyMeasure.objects.all()),
        Prefetch("interventions", queryset=Intervention.objects.all()),
    )
    return (
        Plan.objects.filter(is_active=True)
        .prefetch_related(
            Prefetch("priorities", queryset=priorities),
            Prefetch("themes", queryset=Theme.objects.all()),
        )
        .first()
    )


def measure_parameters(measure: KeyMeasure) -> dict[str, ParamValue]:
    """The parameters a measure is computed with: the catalogue's defaults, then the plan's overrides.

    >>> measure_parameters(KeyMeasure(measure_id="M3", parameter_overrides={"timescale_hours": 48}))
    {'timescale_hours': 48, 'include_away': False}
    """
    return CATALOGUE[measure.measure_id].parameters(measure.parameter_overrides)


def plan_measure_parameters(plan: Plan) -> dict[str, dict[str, ParamValue]]:
    """The plan's parameter overrides by measure id, for each measure on the plan.

    Only what the plan file states; ``MeasureSpec.parameters`` adds the defaults.
    >>> plan_measure_parameters(three_priorities_plan)  # doctest: +SKIP
    {'M1': {}, 'M3': {'timescale_hours': 48}, ...}
    """
    return {
        m.measure_id: {
            name: tuple(value) if isinstance(value, list) else value
            for name, value in m.parameter_overrides.items()
        }
        for m in plan.measures.all()
    }


def plan_as_dict(plan: Plan) -> dict[str, Any]:
    """The plan as plain JSON-ready data, in the order of its page."""
    return {
        "title": plan.title,
        "vision": plan.vision,
        "start_date": plan.start_date.isoformat(),
        "end_date": plan.end_date.isoformat(),
        "headings": {
            "priorities": plan.priorities_heading,
            "measures": plan.measures_heading,
            "interventions": plan.interventions_heading,
        },
        "source": {"name": plan.source_name, "sha256": plan.source_sha256},
        "priorities": [_priority_as_dict(p) for p in plan.priorities.all()],
        "themes": [{"name": t.name, "description": t.description} for t in plan.themes.all()],
    }


def _priority_as_dict(priority: Priority) -> dict[str, Any]:
    return {
        "name": priority.name,
        "aim": priority.aim,
        "measures": [_measure_as_dict(m) for m in priority.measures.all()],
        "interventions": [
            {"name": i.name, "description": i.description} for i in priority.interventions.all()
        ],
    }


def _measure_as_dict(measure: KeyMeasure) -> dict[str, Any]:
    parameters = {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in measure_parameters(measure).items()
    }
    return {
        "id": measure.measure_id,
        "slug": CATALOGUE[measure.measure_id].slug,
        "title": measure.title,
        "definition": measure.definition,
        "direction": measure.direction,
        "unit": measure.unit,
        "parameters": parameters,
        "parameter_overrides": measure.parameter_overrides,
    }


def intervention_key(name: str) -> str:
    """The stable key of an intervention: the slug of its name, the same in every loaded plan.

    >>> intervention_key("Protect children and young people from CSE")
    'protect-children-and-young-people-from-cse'
    """
    return slugify(name)


def theme_key(name: str) -> str:
    """The stable key of a cross-cutting theme: the slug of its name.

    >>> theme_key("Knowledge Management")
    'knowledge-management'
    """
    return slugify(name)

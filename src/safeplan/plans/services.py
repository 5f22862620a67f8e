"""Writing plans: load a plan file into the database and make it the active plan."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.db import transaction

from safeplan.audit.services import Actor, audit_record, model_snapshot
from safeplan.engine.catalogue import CATALOGUE
from safeplan.plans.models import Intervention, KeyMeasure, Plan, Priority, Theme
from safeplan.plans.planfile import (
    DEFAULT_PLAN,
    PlanFileError,
    PlanSpec,
    default_plan_text,
    parse_plan_text,
    read_plan_text,
)
from safeplan.scorecard.services import targets_load_from_plan

__all__ = ["PlanFileError", "plan_load", "plan_load_default"]


def plan_load(
    *,
    path: Path | None = None,
    text: str | None = None,
    name: str = "plan.toml",
    actor: Actor = None,
) -> Plan:
    """Parse a plan file (``path``, or ``text`` called ``name``) and make it the active plan.

    All or nothing: a file that fails validation raises :class:`PlanFileError`
    and leaves the database as it was. Loading text identical to the active
    plan's is a no-op that returns the active plan; anything else is stored as
    a new plan and the previous one is kept, inactive. Audited as ``plan.load``
    (before: the previous active plan; after: the new one).
    """
    if (path is None) == (text is None):
        raise TypeError("plan_load needs exactly one of path= or text=")
    if path is not None:
        text, name = read_plan_text(path), path.name
    assert text is not None
    spec = parse_plan_text(text, name=name)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with transaction.atomic():
        active = Plan.objects.select_for_update().filter(is_active=True).first()
        if active is not None and active.source_sha256 == digest:
            return active
        Plan.objects.filter(is_active=True).update(is_active=False)
        plan = _plan_create(spec, source_name=name, source_sha256=digest)
        audit_record(
            actor=actor,
            action="plan.load",
            obj=plan,
            summary=f"loaded {name}: {spec.title}",
            before=model_snapshot(active, _PLAN_AUDITED) if active is not None else None,
            after=model_snapshot(plan, _PLAN_AUDITED),
        )
        # the file's targets replace the previous plan file's
        targets_load_from_plan(spec, actor=actor)
        return plan


_PLAN_AUDITED = ("id", "title", "start_date", "end_date", "source_name", "source_sha256")


def plan_load_default(*, actor: Actor = None) -> Plan:
    """Load the plan that ships with safeplan (County Durham's 2017–2020 plan)."""
    return plan_load(text=default_plan_text(), name=DEFAULT_PLAN, actor=actor)


def _plan_create(spec: PlanSpec, *, source_name: str, source_sha256: str) -> Plan:
    plan = Plan.objects.create(
        title=spec.title,
        vision=spec.vision,
        start_date=spec.start_date,
        end_date=spec.end_date,
        priorities_heading=spec.headings.get("priorities", ""),
        measures_heading=spec.headings.get("measures", ""),
        interventions_heading=spec.headings.get("interventions", ""),
        source_name=source_name,
        source_sha256=source_sha256,
        is_active=True,
    )
    for p_position, entry in enumerate(spec.priorities, start=1):
        priority = Priority.objects.create(
            plan=plan, position=p_position, name=entry.name, aim=entry.aim
        )
        KeyMeasure.objects.bulk_create(
            KeyMeasure(
                plan=plan,
                priority=priority,
                position=position,
                measure_id=m.id,
                title=m.title,
                definition=m.definition,
                direction=CATALOGUE[m.id].direction.value,
                unit=CATALOGUE[m.id].unit.value,
                parameter_overrides=dict(m.parameters),
            )
            for position, m in enumerate(entry.measures, start=1)
        )
        Intervention.objects.bulk_create(
            Intervention(
                plan=plan,
                priority=priority,
                position=position,
                name=i.name,
                description=i.description,
            )
            for position, i in enumerate(entry.interventions, start=1)
        )
    Theme.objects.bulk_create(
        Theme(plan=plan, position=position, name=t.name, description=t.description)
        for position, t in enumerate(spec.themes, start=1)
    )
    return plan

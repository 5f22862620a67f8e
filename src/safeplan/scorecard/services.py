"""Writing what people add to the results: targets, benchmarks, SPC settings and marks, commentary.

Each service checks that whoever acts may (``target.edit``,
``commentary.edit``: `safeplan.accounts.permissions`; PermissionDenied
otherwise), then checks its input against the measure's definition
(``engine.catalogue``) and raises :class:`ScorecardInputError` with a message
a person can act on; nothing half-written is left behind.

    target_set(measure="M3", value=75, tolerance=5, effective_from=date(2018, 4, 1), by="ana")
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from safeplan.accounts.permissions import actor_may
from safeplan.audit.services import Actor, audit_record, model_snapshot
from safeplan.engine import judgement
from safeplan.engine.catalogue import Direction, MeasureSpec, Unit, measure_spec
from safeplan.engine.periods import parse_period
from safeplan.plans.planfile import PlanFileError, PlanSpec, TargetEntry
from safeplan.scorecard.benchmarks import BenchmarkImportOutcome, read_benchmarks
from safeplan.scorecard.models import (
    TARGET_PERIOD_KINDS,
    Benchmark,
    BenchmarkBatch,
    Commentary,
    SpcMark,
    SpcSetting,
    Target,
)

__all__ = [
    "BenchmarkImportOutcome",
    "ScorecardInputError",
    "benchmarks_import",
    "commentary_save",
    "spc_mark_clear",
    "spc_mark_set",
    "spc_setting_set",
    "target_delete",
    "target_set",
    "target_update",
    "targets_load_from_plan",
]

PLAN_AUTHOR = "plan file"
_TARGET_FIELDS = (
    "value",
    "tolerance",
    "tolerance_is_percent",
    "effective_from",
    "effective_to",
    "period_kind",
    "note",
)


class ScorecardInputError(ValueError):
    """Input a person gave that cannot be stored; the message says why."""


def measure_spec_checked(measure: str) -> MeasureSpec:
    """The measure by id or slug, or a ScorecardInputError naming the known ids."""
    try:
        return measure_spec(measure)
    except KeyError as exc:
        raise ScorecardInputError(str(exc.args[0])) from None


def _required_text(value: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise ScorecardInputError(f"{what} must not be empty")
    return text


# --- targets ----------------------------------------------------------------------------------


def _check_target(spec: MeasureSpec, fields: dict[str, Any]) -> None:
    """The rules of scorecard.md, "Targets and RAG", on one target's fields."""
    if spec.direction == Direction.TRACK:
        raise ScorecardInputError(f"{spec.id} is a track measure (context only): it has no target")
    value, kind = fields["value"], fields["period_kind"]
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise ScorecardInputError(f"target value must be a finite number, not {value}")
    if spec.unit == Unit.PERCENT and not 0 <= value <= 100:
        raise ScorecardInputError(f"{spec.id} is a percentage: a target of {value} is not 0 to 100")
    if value < 0:
        raise ScorecardInputError(f"{spec.id} cannot be negative: a target of {value}")
    if spec.unit == Unit.COUNT and kind not in TARGET_PERIOD_KINDS:
        kinds = ", ".join(TARGET_PERIOD_KINDS)
        given = f"not {kind!r}" if kind else "none was given"
        raise ScorecardInputError(
            f"{spec.id} is a count: its target needs the period kind it is set for ({kinds}); "
            f"{given}"
        )
    if spec.unit != Unit.COUNT and kind:
        raise ScorecardInputError(
            f"only a count measure's target has a period kind ({spec.id} is a {spec.unit})"
        )
    try:
        _engine_target(fields)
    except ValueError as exc:
        raise ScorecardInputError(str(exc)) from None


def _engine_target(fields: dict[str, Any]) -> judgement.Target:
    return judgement.Target(
        value=float(fields["value"]),
        effective_from=fields["effective_from"],
        tolerance=float(fields["tolerance"]),
        tolerance_is_percent=bool(fields["tolerance_is_percent"]),
        effective_to=fields["effective_to"],
        period_kind=fields["period_kind"] or None,
    )


def target_set(
    *,
    measure: str,
    value: float,
    effective_from: dt.date,
    by: str,
    tolerance: float = 0.0,
    tolerance_is_percent: bool = False,
    effective_to: dt.date | None = None,
    period_kind: str = "",
    note: str = "",
    illustrative: bool = False,
    source: str = Target.Source.ANALYST,
    actor: Actor = None,
) -> Target:
    """Add a target. Track measures have none; a count target names its period kind.

    A target applies to every period whose end falls in [effective_from,
    effective_to]; where two are in force the later-starting one wins.
    """
    _require(_who(actor, by), "target.edit")
    spec = measure_spec_checked(measure)
    fields: dict[str, Any] = {
        "value": value,
        "tolerance": tolerance,
        "tolerance_is_percent": tolerance_is_percent,
        "effective_from": effective_from,
        "effective_to": effective_to,
        "period_kind": period_kind,
        "note": note.strip(),
    }
    _check_target(spec, fields)
    with transaction.atomic():
        target = Target.objects.create(
            measure=spec.id,
            illustrative=illustrative,
            source=source,
            created_by=_required_text(by, "who set the target"),
            **fields,
        )
        audit_record(
            actor=_who(actor, by),
            action="target.create",
            obj=target,
            summary=f"{spec.id} target {value:g} from {effective_from.isoformat()}",
            after=model_snapshot(target),
        )
    return target


def _who(actor: Actor, by: str) -> Actor:
    """The person to audit: the signed-in user if given, else the name the caller gave."""
    return actor if actor is not None else by


def _require(actor: Actor, perm: str) -> None:
    if not actor_may(actor, perm):
        raise PermissionDenied(f"needs {perm}")


def target_update(*, target_id: int, by: str, actor: Actor = None, **changes: Any) -> Target:
    """Change a target's value, tolerance, dates, period kind or note; checked as when set."""
    _require(_who(actor, by), "target.edit")
    unknown = sorted(set(changes) - set(_TARGET_FIELDS))
    if unknown:
        raise ScorecardInputError(f"a target has no field {unknown[0]!r}")
    target = _target(target_id)
    fields = {name: getattr(target, name) for name in _TARGET_FIELDS} | changes
    _check_target(measure_spec_checked(target.measure), fields)
    before = model_snapshot(target)
    for name, value in fields.items():
        setattr(target, name, value)
    target.created_by = _required_text(by, "who changed the target")
    with transaction.atomic():
        target.save()
        audit_record(
            actor=_who(actor, by),
            action="target.update",
            obj=target,
            summary=f"{target.measure} target changed: {', '.join(sorted(changes)) or 'no field'}",
            before=before,
            after=model_snapshot(target),
        )
    return target


def target_delete(*, target_id: int, actor: Actor = None) -> None:
    """Remove a target (a mistaken one; a target that ends is given an end date instead)."""
    _require(actor, "target.edit")
    target = _target(target_id)
    before = model_snapshot(target)
    with transaction.atomic():
        target.delete()
        audit_record(
            actor=actor,
            action="target.delete",
            object_type="target",
            object_id=target_id,
            summary=f"{before['measure']} target {before['value']:g} removed",
            before=before,
        )


def _target(target_id: int) -> Target:
    try:
        return Target.objects.get(pk=target_id)
    except Target.DoesNotExist:
        raise ScorecardInputError(f"there is no target {target_id}") from None


def targets_load_from_plan(spec: PlanSpec, *, actor: Actor = None) -> list[Target]:
    """Replace the targets that came from a plan file with this plan's (analysts' are kept).

    The plan file's parser has checked each target already; a target the
    services still refuse is reported as a PlanFileError, as any other fault
    in the file.
    """
    with transaction.atomic():
        previous = Target.objects.filter(source=Target.Source.PLAN)
        removed = [model_snapshot(t) for t in previous]
        previous.delete()
        if removed:
            audit_record(
                actor=actor if actor is not None else PLAN_AUTHOR,
                action="target.delete",
                object_type="target",
                summary=f"{len(removed)} targets of the previous plan file removed",
                before={"targets": removed},
            )
        made = []
        for priority in spec.priorities:
            for measure in priority.measures:
                for n, entry in enumerate(measure.targets, start=1):
                    made.append(_plan_target(spec, measure.id, n, entry, actor))
        return made


def _plan_target(
    spec: PlanSpec, measure: str, number: int, entry: TargetEntry, actor: Actor
) -> Target:
    try:
        return target_set(
            measure=measure,
            value=entry.value,
            tolerance=entry.tolerance,
            tolerance_is_percent=entry.tolerance_is_percent,
            effective_from=entry.effective_from,
            effective_to=entry.effective_to,
            period_kind=entry.period_kind,
            note=f"from the plan file: {spec.title}"[:300],
            by=PLAN_AUTHOR,
            source=Target.Source.PLAN,
            actor=actor,
        )
    except ScorecardInputError as exc:
        raise PlanFileError(f"{measure} target {number}: {exc}") from None


# --- benchmarks -------------------------------------------------------------------------------


def benchmarks_import(*, path: Any, by: str, actor: Actor = None) -> BenchmarkImportOutcome:
    """Import comparator values from a CSV file ``measure,period,comparator,value[,lower,upper]``.

    All or nothing: every problem in the file is reported at once (rules B01–B09
    in ``benchmarks.py``) and nothing is stored unless there are none. A value
    already held for the same measure, period and comparator is replaced.
    """
    read = read_benchmarks(path)
    if read.problems:
        audit_record(
            actor=_who(actor, by),
            action="benchmarks.reject",
            object_type="benchmark file",
            object_id=read.file_name,
            summary=f"{read.file_name}: {len(read.problems)} problems; nothing stored",
            after={
                "file_name": read.file_name,
                "sha256": read.sha256,
                "problems": len(read.problems),
            },
        )
        return BenchmarkImportOutcome(accepted=False, batch=None, problems=read.problems)
    with transaction.atomic():
        batch = BenchmarkBatch.objects.create(
            file_name=read.file_name,
            sha256=read.sha256,
            imported_by=_required_text(by, "who imported the file"),
            rows=len(read.rows),
        )
        for row in read.rows:
            Benchmark.objects.update_or_create(
                measure=row.measure,
                period=row.period,
                comparator=row.comparator,
                defaults={
                    "value": row.value,
                    "lower": row.lower,
                    "upper": row.upper,
                    "batch": batch,
                },
            )
        audit_record(
            actor=_who(actor, by),
            action="benchmarks.import",
            obj=batch,
            summary=f"{read.file_name}: {len(read.rows)} comparator values",
            after=model_snapshot(batch),
        )
    return BenchmarkImportOutcome(accepted=True, batch=batch, problems=[])


# --- SPC settings and marks -------------------------------------------------------------------


def spc_setting_set(
    *,
    measure: str,
    conflict: str,
    by: str,
    breakdown: str = "",
    group: str = "",
    actor: Actor = None,
) -> SpcSetting:
    """Set how a point that is both improvement and concern is shown (default: concern).

    Without a breakdown the setting is the measure's; with one it is that chart's only.
    """
    spec = measure_spec_checked(measure)
    if conflict not in SpcSetting.Conflict.values:
        raise ScorecardInputError(f"conflict must be improvement or concern, not {conflict!r}")
    scope: dict[str, Any] = {
        "measure": spec.id,
        "breakdown": breakdown,
        "group": group if breakdown else "",
    }
    with transaction.atomic():
        previous = SpcSetting.objects.filter(**scope).first()
        before = model_snapshot(previous) if previous is not None else None
        setting, _ = SpcSetting.objects.update_or_create(
            **scope, defaults={"conflict": conflict, "set_by": _required_text(by, "who set it")}
        )
        audit_record(
            actor=_who(actor, by),
            action="spc.setting_set",
            obj=setting,
            summary=f"{spec.id} {breakdown or 'all'}: show conflicting points as {conflict}",
            before=before,
            after=model_snapshot(setting),
        )
    return setting


def spc_mark_set(
    *,
    measure: str,
    month: dt.date,
    kind: str,
    reason: str,
    by: str,
    breakdown: str = "",
    group: str = "",
    actor: Actor = None,
) -> SpcMark:
    """Ghost a month, recalculate the limits from it, or end the baseline on it, with a reason.

    Without a breakdown the mark is on every chart of the measure. A chart has
    one baseline: setting a baseline end moves it.
    """
    spec = measure_spec_checked(measure)
    if kind not in SpcMark.Kind.values:
        raise ScorecardInputError(f"a mark is {', '.join(SpcMark.Kind.values)}, not {kind!r}")
    scope: dict[str, Any] = {
        "measure": spec.id,
        "breakdown": breakdown,
        "group": group if breakdown else "",
    }
    first = month.replace(day=1)
    with transaction.atomic():
        replaced = SpcMark.objects.filter(**scope, kind=kind, month=first)
        if kind == SpcMark.Kind.BASELINE_END:
            replaced = SpcMark.objects.filter(**scope, kind=kind)
        before = [model_snapshot(m) for m in replaced]
        if kind == SpcMark.Kind.BASELINE_END:
            SpcMark.objects.filter(**scope, kind=kind).exclude(month=first).delete()
        mark, _ = SpcMark.objects.update_or_create(
            **scope,
            month=first,
            kind=kind,
            defaults={
                "reason": _required_text(reason, "the reason for the mark"),
                "set_by": _required_text(by, "who set the mark"),
            },
        )
        audit_record(
            actor=_who(actor, by),
            action="spc.mark_set",
            obj=mark,
            summary=f"{spec.id} {first:%Y-%m}: {kind}",
            before={"marks": before} if before else None,
            after=model_snapshot(mark),
        )
    return mark


def spc_mark_clear(
    *,
    measure: str,
    month: dt.date,
    kind: str,
    breakdown: str = "",
    group: str = "",
    actor: Actor = None,
) -> int:
    """Remove a mark; returns how many were removed (0 or 1)."""
    spec = measure_spec_checked(measure)
    marks = SpcMark.objects.filter(
        measure=spec.id,
        breakdown=breakdown,
        group=group if breakdown else "",
        month=month.replace(day=1),
        kind=kind,
    )
    with transaction.atomic():
        before = [model_snapshot(m) for m in marks]
        removed, _ = marks.delete()
        if removed:
            audit_record(
                actor=actor,
                action="spc.mark_clear",
                object_type="spc mark",
                object_id=before[0]["id"],
                summary=f"{spec.id} {month:%Y-%m}: {kind} removed",
                before=before[0],
            )
    return removed


# --- commentary -------------------------------------------------------------------------------


def commentary_save(
    *,
    measure: str,
    period: str,
    what_the_data_says: str,
    author: str,
    why: str = "",
    what_is_being_done: str = "",
    actor: Actor = None,
) -> Commentary:
    """Record commentary for a measure and period; the latest is shown, earlier ones kept."""
    _require(_who(actor, author), "commentary.edit")
    spec = measure_spec_checked(measure)
    try:
        label = parse_period(period).label
    except ValueError as exc:
        raise ScorecardInputError(str(exc)) from None
    with transaction.atomic():
        previous = Commentary.objects.filter(measure=spec.id, period=label).order_by("-pk").first()
        commentary = Commentary.objects.create(
            measure=spec.id,
            period=label,
            what_the_data_says=_required_text(what_the_data_says, "what the data says"),
            why=why.strip(),
            what_is_being_done=what_is_being_done.strip(),
            author=_required_text(author, "the author"),
        )
        audit_record(
            actor=_who(actor, author),
            action="commentary.save",
            obj=commentary,
            summary=f"{spec.id} {label}: commentary saved",
            before=model_snapshot(previous) if previous is not None else None,
            after=model_snapshot(commentary),
        )
    return commentary


def targets_delete_illustrative(*, actor: Actor = None) -> int:
    """Remove the demo's illustrative targets; returns how many."""
    with transaction.atomic():
        targets = Target.objects.filter(illustrative=True)
        before = [model_snapshot(t) for t in targets]
        removed, _ = targets.delete()
        if removed:
            audit_record(
                actor=actor,
                action="target.delete",
                object_type="target",
                summary=f"{removed} illustrative targets removed",
                before={"targets": before},
            )
    return removed

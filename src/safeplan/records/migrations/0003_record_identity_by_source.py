"""A record is (dataset, source, record id): one current version per source and id (ADR 0014).

The partial unique index moves from ``record_id`` to ``(import_source,
record_id)``. Then the versions that an upload from *another* source made
not current — the defect this fixes — are put back as the new rule would
have left them: superseded by the next accepted batch of their own source that
holds the same id or states a window containing the record's date, or
current again if there is none.
"""

from datetime import date, datetime
from typing import Any

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import F

# model name → the table's dataset and its primary date (None: no window)
RECORDS: dict[str, tuple[str, str | None]] = {
    "childrenrecord": ("children", None),
    "referralsrecord": ("referrals", "referral_date"),
    "assessmentsrecord": ("assessments", "start_date"),
    "casesrecord": ("cases", "start_date"),
    "cpplansrecord": ("cp_plans", "start_date"),
    "cpconferencesrecord": ("cp_conferences", "conference_date"),
    "missingepisodesrecord": ("missing_episodes", "missing_start"),
    "careperiodsrecord": ("care_periods", "start_date"),
    "caseauditsrecord": ("case_audits", "audit_date"),
    "elearningcompletionsrecord": ("elearning_completions", "completed_date"),
    "challengesrecord": ("challenges", "raised_date"),
    "populationrecord": ("population", None),
}
ACCEPTED = "accepted"


def _windows(Batch: Any, dataset: str) -> dict[int, tuple[str, date, date]]:
    """Accepted batches of the dataset that stated a window: pk → (source, from, to)."""
    stated = Batch.objects.filter(dataset=dataset, status=ACCEPTED, covers_stated=True)
    return {
        pk: (source, start, end)
        for pk, source, start, end in stated.values_list("pk", "source", "covers_from", "covers_to")
    }


def _day(value: Any) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _next_superseder(
    version: Any,
    later_holders: list[int],
    windows: dict[int, tuple[str, date, date]],
    primary: str | None,
) -> int | None:
    """The first accepted batch of the version's own source that would have superseded it."""
    day = _day(getattr(version, primary)) if primary else None
    found = [pk for pk in later_holders if pk > version.batch_id]
    if day is not None:
        found += [
            pk
            for pk, (source, start, end) in windows.items()
            if pk > version.batch_id and source == version.import_source and start <= day <= end
        ]
    return min(found, default=None)


def _restore_group(
    Model: Any,
    versions: list[Any],
    windows: dict[int, tuple[str, date, date]],
    primary: str | None,
) -> None:
    holders = sorted({v.batch_id for v in versions})
    current = next((v for v in versions if v.is_current), None)
    for version in versions:
        if version.is_current or version.superseded_by_id is None:
            continue
        if version.superseded_by_source == version.import_source:
            continue  # superseded under the rule that still holds
        superseder = _next_superseder(version, holders, windows, primary)
        if superseder is None and current is not None and current.batch_id > version.batch_id:
            superseder = current.batch_id
        if superseder is not None:
            Model.objects.filter(pk=version.pk).update(superseded_by=superseder)
            continue
        if current is not None:  # an earlier version of the source: this one replaces it
            Model.objects.filter(pk=current.pk).update(
                is_current=False, superseded_by=version.batch_id
            )
        Model.objects.filter(pk=version.pk).update(is_current=True, superseded_by=None)
        current = version


def restore_cross_source_supersessions(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Batch = apps.get_model("records", "ImportBatch")
    for model_name, (dataset, primary) in RECORDS.items():
        Model = apps.get_model("records", model_name)
        accepted = Model.objects.filter(batch__status=ACCEPTED)
        wrong = accepted.filter(is_current=False, superseded_by__isnull=False).exclude(
            superseded_by__source=F("import_source")
        )
        groups = set(wrong.values_list("import_source", "record_id"))
        if not groups:
            continue
        windows = _windows(Batch, dataset)
        for source, record_id in sorted(groups):
            versions = list(
                accepted.filter(import_source=source, record_id=record_id)
                .annotate(superseded_by_source=F("superseded_by__source"))
                .order_by("batch_id", "pk")
            )
            _restore_group(Model, versions, windows, primary)


def _table(model_name: str) -> str:
    return f"records_{RECORDS[model_name][0]}"


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0002_clock_times_as_written"),
    ]

    operations = [
        *(
            migrations.RemoveConstraint(
                model_name=model_name, name=f"{_table(model_name)}_one_current"
            )
            for model_name in RECORDS
        ),
        *(
            migrations.AddConstraint(
                model_name=model_name,
                constraint=models.UniqueConstraint(
                    condition=models.Q(("is_current", True)),
                    fields=("import_source", "record_id"),
                    name=f"{_table(model_name)}_one_current_per_source",
                ),
            )
            for model_name in RECORDS
        ),
        migrations.RunPython(restore_cross_source_supersessions, migrations.RunPython.noop),
    ]

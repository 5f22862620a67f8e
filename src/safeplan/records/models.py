"""Record models, generated from the one description in `safeplan.datasets.schema`.

Each dataset gets a table ``records_<dataset>`` holding every version of every
record. A record is identified by its source and its key (ADR 0014): the
version in force has ``is_current`` set, and a version replaced by a later
import from the same source, or superseded by that source's resubmission,
keeps ``superseded_by`` so that withdrawing that batch can restore it. A
partial unique index allows one current version per source and key; check
constraints enforce codes, ranges and date order in the database itself.
Date-times are clock times stored as written (`ClockTimeField`, ADR 0015).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from safeplan.datasets.schema import DATASETS, ColumnType, Dataset
from safeplan.records.fields import ClockTimeField


class ImportBatch(models.Model):
    """One import of one file: its provenance, coverage window and outcome."""

    class Status(models.TextChoices):
        PROCESSING = "processing", "Processing"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    dataset = models.CharField(max_length=40, choices=[(n, d.title) for n, d in DATASETS.items()])
    source = models.CharField(max_length=64)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    sheet = models.CharField(max_length=100, blank=True)
    submitted_by = models.CharField(
        max_length=150, help_text="user name or operating-system account"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    covers_from = models.DateField(null=True, blank=True)
    covers_to = models.DateField(null=True, blank=True)
    covers_stated = models.BooleanField(default=False, help_text="window given with --covers")
    pseudonymised = models.BooleanField(default=False)
    key_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        help_text="HMAC-SHA256 of a fixed label under the pseudonymisation key (never the key); "
        "blank: identifiers stored as received",
    )
    rows_read = models.PositiveIntegerField(default=0)
    records_stored = models.PositiveIntegerField(default=0)
    records_superseded = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROCESSING)
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(
        default=list, blank=True, help_text="listed in the report; the file was imported"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(covers_from__isnull=True) | Q(covers_to__gte=F("covers_from")),
                name="batch_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"batch {self.pk} {self.dataset}/{self.source} {self.status}"


_FIELD_FOR_TYPE: dict[ColumnType, Any] = {
    ColumnType.ID: lambda c: models.CharField(max_length=c.max_length, null=not c.required),
    ColumnType.TEXT: lambda c: models.CharField(max_length=c.max_length, null=not c.required),
    ColumnType.CODE: lambda c: models.CharField(max_length=24, null=not c.required),
    ColumnType.CODE_LIST: lambda c: models.CharField(max_length=c.max_length, null=not c.required),
    ColumnType.DATE: lambda c: models.DateField(null=not c.required),
    ColumnType.DATETIME: lambda c: ClockTimeField(null=not c.required),
    ColumnType.FLAG: lambda c: models.BooleanField(null=True),
    ColumnType.INT: lambda c: models.IntegerField(null=not c.required),
}


def _constraints(dataset: Dataset, table: str) -> list[models.BaseConstraint]:
    # A record is (dataset, source, record id): one current version per source and id (ADR 0014).
    constraints: list[models.BaseConstraint] = [
        models.UniqueConstraint(
            fields=["import_source", "record_id"],
            condition=Q(is_current=True),
            name=f"{table}_one_current_per_source",
        )
    ]
    for col in dataset.columns:
        nullable = Q(**{f"{col.name}__isnull": True})
        if col.type is ColumnType.CODE:
            constraints.append(
                models.CheckConstraint(
                    condition=nullable | Q(**{f"{col.name}__in": list(col.codes)}),
                    name=f"{table}_{col.name}_code",
                )
            )
        if col.min_value is not None:
            constraints.append(
                models.CheckConstraint(
                    condition=nullable | Q(**{f"{col.name}__gte": col.min_value}),
                    name=f"{table}_{col.name}_min",
                )
            )
        if col.max_value is not None:
            constraints.append(
                models.CheckConstraint(
                    condition=nullable | Q(**{f"{col.name}__lte": col.max_value}),
                    name=f"{table}_{col.name}_max",
                )
            )
        if col.not_before is not None:
            constraints.append(
                models.CheckConstraint(
                    condition=nullable | Q(**{f"{col.name}__gte": F(col.not_before)}),
                    name=f"{table}_{col.name}_after_{col.not_before}",
                )
            )
    return constraints


def _record_model(dataset: Dataset) -> type[models.Model]:
    """Build the model class of one dataset from its description."""
    table = f"records_{dataset.name}"
    attrs: dict[str, Any] = {
        "__module__": __name__,
        "__doc__": f"{dataset.title}: {dataset.description}",
        "record_id": models.CharField(
            max_length=140, help_text="the record's key: its id (population: year:locality)"
        ),
        "batch": models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+"),
        # Not `source`: `referrals` has a column of that name (the referral source code).
        "import_source": models.CharField(max_length=64),
        "row_number": models.PositiveIntegerField(help_text="row in the file, as the user sees it"),
        "is_current": models.BooleanField(default=False),
        "superseded_by": models.ForeignKey(
            ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
        ),
    }
    for col in dataset.columns:
        attrs[col.name] = _FIELD_FOR_TYPE[col.type](col)
    short = "rec_" + "".join(part[:4] for part in dataset.name.split("_"))  # index names ≤ 30
    indexes = [models.Index(fields=["batch"], name=f"{short}_batch")]
    indexes.append(models.Index(fields=["record_id"], name=f"{short}_record"))
    if dataset.primary_date:
        indexes.append(
            models.Index(fields=["import_source", dataset.primary_date], name=f"{short}_src_date")
        )
    attrs["Meta"] = type(
        "Meta",
        (),
        {"db_table": table, "constraints": _constraints(dataset, table), "indexes": indexes},
    )
    class_name = "".join(part.title() for part in dataset.name.split("_")) + "Record"
    return type(class_name, (models.Model,), attrs)


RECORD_MODELS: dict[str, type[models.Model]] = {
    name: _record_model(dataset) for name, dataset in DATASETS.items()
}
globals().update({model.__name__: model for model in RECORD_MODELS.values()})

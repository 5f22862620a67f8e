"""Batches record the fingerprint of the pseudonymisation key and their warnings (ADR 0016).

Batches imported before this held only a ``pseudonymised`` flag. Those that
were pseudonymised are stamped with the fingerprint of the key configured
when this migration runs: the deployment note asks for the key in use to be
set while upgrading (production refuses to start without it anyway). Without
a key they stay unstamped and imports are refused (rule R-O06) until this
migration is run again with the key they were made with set
(`docs/deployment.md`, "Pseudonymisation").

Problems stored on rejected batches lose the raw values of identifiers, free
text and columns outside the dataset: a masked value is kept instead.
"""

import hashlib
import hmac
from typing import Any

from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from safeplan.datasets.schema import DATASETS, ColumnType

_LABEL = b"safeplan pseudonymisation key fingerprint v1"


def _fingerprint(key: str) -> str:
    return hmac.new(key.encode(), _LABEL, hashlib.sha256).hexdigest()


def _mask(value: str) -> str:
    if not value:
        return value
    if len(value) >= 8:
        return f"{value[:2]}…{value[-2:]}"
    if len(value) >= 5:
        return f"{value[0]}…{value[-1]}"
    return "…"


def _masked_columns(dataset: str) -> tuple[set[str], set[str]]:
    """Column labels whose values a report may not show, and the shown names of known columns."""
    ds = DATASETS.get(dataset)
    if ds is None:
        return set(), set()
    masked = {
        c.name
        for c in ds.columns
        if c.type is ColumnType.ID or (c.type is ColumnType.TEXT and not c.locality)
    }
    if any(k in masked for k in ds.keys):
        masked.add(", ".join(ds.keys))  # R-C02 names the key columns together
    return masked, {c.name for c in ds.columns} | {", ".join(ds.keys)}


def _masked_problem(problem: dict[str, Any], masked: set[str], known: set[str]) -> dict[str, Any]:
    column = problem.get("column")
    unknown = problem.get("rule") == "R-H04" or (column is not None and column not in known)
    if problem.get("value") and (column in masked or unknown):
        return {**problem, "value": _mask(problem["value"])}
    return problem


def stamp_and_mask(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Batch = apps.get_model("records", "ImportBatch")
    key = getattr(settings, "PSEUDONYMISE_KEY", None)
    if key:
        Batch.objects.filter(pseudonymised=True).update(key_fingerprint=_fingerprint(key))
    rejected = Batch.objects.filter(status="rejected").only("pk", "dataset", "errors")
    for batch in rejected.iterator():
        masked, known = _masked_columns(batch.dataset)
        errors = [_masked_problem(p, masked, known) for p in batch.errors]
        if errors != batch.errors:
            Batch.objects.filter(pk=batch.pk).update(errors=errors)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0003_record_identity_by_source"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="key_fingerprint",
            field=models.CharField(
                blank=True,
                help_text="HMAC-SHA256 of a fixed label under the pseudonymisation key (never the key); blank: identifiers stored as received",
                max_length=64,
            ),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="warnings",
            field=models.JSONField(
                blank=True, default=list, help_text="listed in the report; the file was imported"
            ),
        ),
        migrations.RunPython(stamp_and_mask, migrations.RunPython.noop),
    ]

"""Receiving an upload: imported at once when small, queued as a background task when large.

receipt = submission_receive(user=u, dataset="referrals", source="durham-constabulary",
                             covers=None, upload=request.FILES["file"])
receipt.batch or receipt.run

Either way, an accepted import queues a recompute of the measures: the web
request never computes them itself.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile

from safeplan.accounts.permissions import Upload, actor_may
from safeplan.imports.readers import estimate_rows
from safeplan.imports.services import import_file
from safeplan.jobs.models import TaskRun
from safeplan.jobs.services import upload_folder
from safeplan.jobs.tasks import import_enqueue, recompute_enqueue
from safeplan.records.models import ImportBatch


@dataclass(frozen=True)
class Receipt:
    """What became of an upload: a batch (imported at once) or a task run (queued)."""

    batch: ImportBatch | None = None
    run: TaskRun | None = None


def upload_store(upload: UploadedFile[bytes]) -> Path:
    """Write the upload into ``upload_folder()`` with a random name keeping its suffix."""
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{Path(upload.name or '').suffix.lower()}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def submission_receive(
    *,
    user: Any,
    dataset: str,
    source: str,
    covers: tuple[date, date] | None,
    upload: UploadedFile[bytes],
) -> Receipt:
    """Import a small file now; queue a file larger than ``BACKGROUND_IMPORT_BYTES``.

    Refused (PermissionDenied) before anything is stored unless `user` may upload
    `dataset` under `source` (a submitter: their agency's datasets, its own source).
    """
    if not actor_may(user, "submission.upload", Upload(dataset, source)):
        raise PermissionDenied(f"{user} may not upload {dataset} as source {source!r}")
    path = upload_store(upload)
    file_name = upload.name or path.name
    if (upload.size or 0) > settings.BACKGROUND_IMPORT_BYTES:
        try:
            run = import_enqueue(actor=user, dataset=dataset, source=source, covers=covers,
                                 upload=path, file_name=file_name,
                                 total=estimate_rows(path, dataset=dataset))  # fmt: skip
        except BaseException:  # not queued: nothing may keep the file
            path.unlink(missing_ok=True)
            raise
        return Receipt(run=run)
    try:
        outcome = import_file(
            dataset=dataset,
            path=path,
            source=source,
            covers=covers,
            submitted_by=user.get_username(),
            user=user,
            file_name=file_name,
        )
    finally:
        path.unlink(missing_ok=True)
    if outcome.accepted:
        recompute_enqueue(actor=user, trigger=f"import batch {outcome.batch.pk}")
    return Receipt(batch=outcome.batch)

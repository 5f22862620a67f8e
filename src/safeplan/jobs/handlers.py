"""What each kind of job does. A handler takes the job and a progress callback, returns JSON."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model

from safeplan.jobs.models import Job
from safeplan.jobs.services import Handler, Progress


def import_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Import an uploaded file (payload: dataset, path, source, covers, file_name, user_id).

    The stored upload is deleted once the import has ended, accepted or not:
    child-level data is kept in the database, not in a folder of uploads.
    """
    from safeplan.imports.services import import_file

    payload = job.payload
    covers = payload.get("covers")
    path = Path(payload["path"])
    user = get_user_model().objects.filter(pk=payload.get("user_id")).first()
    outcome = import_file(
        dataset=payload["dataset"],
        path=path,
        source=payload.get("source"),
        covers=(date.fromisoformat(covers[0]), date.fromisoformat(covers[1])) if covers else None,
        submitted_by=payload.get("submitted_by", "job"),
        user=user,
        file_name=payload.get("file_name"),
        progress=progress,
    )
    path.unlink(missing_ok=True)
    return {
        "batch_id": outcome.batch.pk,
        "accepted": outcome.accepted,
        "problems": len(outcome.problems),
    }


HANDLERS: dict[str, Handler] = {"import": import_job}

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

    The stored upload is deleted once the import has ended, accepted, rejected or failed:
    child-level data is kept in the database, not in a folder of uploads.
    """
    from safeplan.imports.services import import_file

    payload = job.payload
    path = Path(payload["path"])
    user = get_user_model().objects.filter(pk=payload.get("user_id")).first()
    try:
        outcome = import_file(
            dataset=payload["dataset"],
            path=path,
            source=payload.get("source"),
            covers=_covers(payload.get("covers")),
            submitted_by=payload.get("submitted_by", "job"),
            user=user,
            file_name=payload.get("file_name"),
            progress=progress,
        )
    finally:  # a process that dies here leaves the file, for the job's next attempt
        path.unlink(missing_ok=True)
    return {
        "batch_id": outcome.batch.pk,
        "accepted": outcome.accepted,
        "problems": len(outcome.problems),
    }


def _covers(window: list[str] | None) -> tuple[date, date] | None:
    """The coverage window as stored in a payload: two ISO dates, or None."""
    return (date.fromisoformat(window[0]), date.fromisoformat(window[1])) if window else None


HANDLERS: dict[str, Handler] = {"import": import_job}

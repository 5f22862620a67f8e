"""Reading background tasks: a person's own, one by id, the most recent."""

from __future__ import annotations

from typing import Any

from safeplan.jobs.models import TaskRun


def runs_recent(*, limit: int = 20) -> list[TaskRun]:
    return list(TaskRun.objects.all()[:limit])


def imports_of(user: Any, limit: int = 10) -> list[TaskRun]:
    """The user's most recent background imports."""
    return list(TaskRun.objects.filter(created_by=user, kind=TaskRun.Kind.IMPORT)[:limit])


def run_get(pk: int) -> TaskRun | None:
    return TaskRun.objects.filter(pk=pk).first()

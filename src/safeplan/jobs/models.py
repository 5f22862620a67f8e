"""A background task as people see it: what it does, who asked, how far it has got, how it ended.

The queue itself belongs to django-tasks (``django_tasks_db`` by default): a
``TaskRun`` row is the part of a task that the pages, the audit trail and the
operators' commands read, whichever backend runs it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from safeplan.records.models import ImportBatch


class TaskRun(models.Model):
    class Kind(models.TextChoices):
        IMPORT = "import", "Import"
        WITHDRAW = "withdraw", "Withdrawal"
        RECOMPUTE = "recompute", "Recompute"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    task_id = models.CharField(max_length=64, blank=True, help_text="the task backend's result id")
    label = models.CharField(max_length=255, help_text="the file, batch or trigger it is about")
    dataset = models.CharField(max_length=40, blank=True)
    params = models.JSONField(default=dict, blank=True, help_text="what the task needs to run")
    upload = models.CharField(
        max_length=255,
        blank=True,
        help_text="the stored upload's name in UPLOAD_DIR, until deleted",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True, help_text="who asked, if not a user")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveIntegerField(default=0, help_text="rows done so far")
    total = models.PositiveIntegerField(null=True, blank=True, help_text="rows expected, if known")
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="taskrun_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="taskrun_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"task {self.pk} {self.kind} {self.status}"

    @property
    def percent(self) -> int | None:
        """How far through, 0–100, when the total is known."""
        if not self.total:
            return None
        return min(100, self.progress * 100 // self.total)

    @property
    def title(self) -> str:
        """What the progress page calls it: "Importing referrals.csv", "Withdrawing batch 12"."""
        verb = {"import": "Importing", "withdraw": "Withdrawing", "recompute": "Recomputing"}
        return f"{verb.get(self.kind, self.kind)} {self.label}"

    @property
    def ended(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

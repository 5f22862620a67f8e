"""An action under a planned intervention, and its dated progress updates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from safeplan.engine.judgement import ACTION_STATUSES


class ActionStatus(models.TextChoices):
    """The statuses of scorecard.md, "Action plans" (the engine's `ACTION_STATUSES`)."""

    NOT_STARTED = "not started", "Not started"
    IN_PROGRESS = "in progress", "In progress"
    COMPLETE = "complete", "Complete"
    DEFERRED = "deferred", "Deferred"
    ONGOING = "ongoing", "Ongoing"


assert tuple(ActionStatus.values) == ACTION_STATUSES  # one list of statuses, the engine's


class Action(models.Model):
    """One action of an intervention's action plan."""

    intervention_key = models.CharField(
        max_length=200, db_index=True, help_text="the intervention's stable key (slug of its name)"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.CharField(max_length=150, help_text="the person or role who owns the action")
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_actions",
    )
    agency = models.CharField(max_length=200, blank=True)
    themes = models.JSONField(default=list, blank=True, help_text="theme keys (slugs of names)")
    start_date = models.DateField()
    due_date = models.DateField()
    percent_complete = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["intervention_key", "due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0) & Q(percent_complete__lte=100),
                name="action_percent_0_100",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("start_date")), name="action_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ACTION_STATUSES), name="action_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    """A dated statement of an action's progress: % complete, status and a note."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField()
    percent_complete = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices)
    note = models.TextField(blank=True)
    author = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["action_id", "-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0) & Q(percent_complete__lte=100),
                name="progress_percent_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action_id} {self.date} {self.percent_complete}%"

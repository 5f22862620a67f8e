"""The plan as data: vision, priorities, key measures, interventions, themes.

A plan is loaded whole from a plan file (``planfile.py``) by ``plan_load``.
One plan is active at a time; loading another makes it active and keeps the
earlier ones, inactive, so that what was shown before stays on record.
Positions count from 1 in the order of the page.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from safeplan.engine.catalogue import CATALOGUE, Direction, Unit
from safeplan.plans.planfile import SHORT_TEXT


class Plan(models.Model):
    """One plan on a page, as loaded from one plan file."""

    title = models.CharField(max_length=SHORT_TEXT)
    vision = models.TextField()
    start_date = models.DateField()
    end_date = models.DateField()
    priorities_heading = models.CharField(max_length=SHORT_TEXT, blank=True)
    measures_heading = models.CharField(max_length=SHORT_TEXT, blank=True)
    interventions_heading = models.CharField(max_length=SHORT_TEXT, blank=True)
    source_name = models.CharField(max_length=255, help_text="the plan file's name")
    source_sha256 = models.CharField(max_length=64)
    is_active = models.BooleanField(default=False)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="plan_one_active"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="plan_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Priority(models.Model):
    """A priority (objective) of the plan, with its aim."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="priorities")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=SHORT_TEXT)
    aim = models.TextField()

    class Meta:
        ordering = ["plan_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="priority_position"),
        ]

    def __str__(self) -> str:
        return self.name


class KeyMeasure(models.Model):
    """One of the twelve measures (``measure_id`` M1–M12) as a plan words and tunes it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="measures")
    position = models.PositiveSmallIntegerField(help_text="order within the priority")
    measure_id = models.CharField(max_length=8, choices=[(k, k) for k in CATALOGUE])
    title = models.TextField(help_text="as worded on the plan's page")
    definition = models.TextField()
    direction = models.CharField(max_length=12, choices=[(d.value, d.value) for d in Direction])
    unit = models.CharField(max_length=24, choices=[(u.value, u.value) for u in Unit])
    parameter_overrides = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["priority_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "measure_id"], name="key_measure_once"),
            models.UniqueConstraint(fields=["priority", "position"], name="key_measure_position"),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.title}"


class Intervention(models.Model):
    """A planned intervention under a priority."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="interventions")
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="interventions")
    position = models.PositiveSmallIntegerField(help_text="order within the priority")
    name = models.CharField(max_length=SHORT_TEXT)
    description = models.TextField()

    class Meta:
        ordering = ["priority_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "position"], name="intervention_position"),
        ]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    """A cross-cutting theme of the plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="themes")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=SHORT_TEXT)
    description = models.TextField()

    class Meta:
        ordering = ["plan_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="theme_position"),
        ]

    def __str__(self) -> str:
        return self.name

"""Stored results: one compute run, and one row per measure, period, breakdown and group."""

from __future__ import annotations

from django.db import models


class ComputeRun(models.Model):
    """One full computation of the twelve measures, and the data it read."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    trigger = models.CharField(max_length=100, help_text="what asked for it: command, import …")
    data_version = models.JSONField(
        default=list, help_text="ids of the accepted import batches whose records were read"
    )
    parameters = models.JSONField(default=dict, help_text="effective parameters per measure")
    results = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"compute run {self.pk} ({self.trigger})"


class MeasureResult(models.Model):
    """A measure's value for one period and one group of one breakdown."""

    class Status(models.TextChoices):
        OK = "ok", "ok"
        NO_DATA = "no data", "no data"

    run = models.ForeignKey(ComputeRun, on_delete=models.CASCADE, related_name="rows")
    measure = models.CharField(max_length=4)
    measure_order = models.PositiveSmallIntegerField()
    period = models.CharField(max_length=32)
    period_kind = models.CharField(max_length=8)
    period_start = models.DateField()
    period_end = models.DateField()
    breakdown = models.CharField(max_length=24)
    group = models.CharField(max_length=200, blank=True, default="")
    value = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=20)
    status = models.CharField(max_length=8, choices=Status.choices)
    note = models.CharField(max_length=200, blank=True, default="")
    secondary = models.JSONField(default=dict, blank=True)
    parameters = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["measure_order", "period_start", "period_kind", "breakdown", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "measure", "period", "breakdown", "group"], name="result_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["measure", "period"], name="result_measure_period"),
            models.Index(fields=["period", "breakdown"], name="result_period_breakdown"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.period} {self.breakdown}:{self.group} = {self.value}"

"""What people add to the computed results: targets, benchmarks, SPC settings and marks, commentary.

Everything here is keyed by measure id (``M1``…``M12``), never by a plan's
row, so it survives loading a new plan. Nothing here is computed: the
scorecard selector (``selectors.py``) joins it to the stored results and the
pure engine judges them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from safeplan.engine.catalogue import CATALOGUE

MEASURE_CHOICES = [(k, k) for k in CATALOGUE]
#: Period kinds a count target can be set for (``engine.periods``; a range has none).
TARGET_PERIOD_KINDS = ("month", "quarter", "year")


class Target(models.Model):
    """A measure's target over an effective date range (inclusive; no end = open).

    ``tolerance`` is absolute, or a percentage of the target when
    ``tolerance_is_percent``. ``period_kind`` is set for count measures only.
    """

    class Source(models.TextChoices):
        ANALYST = "analyst", "set by an analyst"
        PLAN = "plan", "from the plan file"
        ILLUSTRATIVE = "illustrative", "illustrative (demo)"

    measure = models.CharField(max_length=4, choices=MEASURE_CHOICES)
    value = models.FloatField()
    tolerance = models.FloatField(default=0.0)
    tolerance_is_percent = models.BooleanField(default=False)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    period_kind = models.CharField(
        max_length=8, blank=True, default="", help_text="count measures only: month, quarter, year"
    )
    illustrative = models.BooleanField(default=False)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.ANALYST)
    note = models.CharField(max_length=300, blank=True, default="")
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measure", "effective_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="target_dates_ordered",
            ),
            models.CheckConstraint(condition=Q(tolerance__gte=0), name="target_tolerance_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} target {self.value} from {self.effective_from}"


class BenchmarkBatch(models.Model):
    """One imported file of comparator values: its provenance."""

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    imported_by = models.CharField(max_length=150)
    imported_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"benchmarks {self.file_name} ({self.rows} rows)"


class Benchmark(models.Model):
    """A comparator's value (England, a region, statistical neighbours) for a measure and period.

    The latest import of a (measure, period, comparator) replaces the earlier value.
    """

    measure = models.CharField(max_length=4, choices=MEASURE_CHOICES)
    period = models.CharField(max_length=32, help_text="canonical period label: 2018-19 Q2")
    comparator = models.CharField(max_length=100)
    value = models.FloatField()
    lower = models.FloatField(null=True, blank=True)
    upper = models.FloatField(null=True, blank=True)
    batch = models.ForeignKey(BenchmarkBatch, on_delete=models.PROTECT, related_name="benchmarks")

    class Meta:
        ordering = ["measure", "period", "comparator"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period", "comparator"], name="benchmark_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.period} {self.comparator} = {self.value}"


class SpcSetting(models.Model):
    """A measure's SPC rule settings; an empty breakdown applies to every chart of the measure."""

    class Conflict(models.TextChoices):
        CONCERN = "concern", "concern"
        IMPROVEMENT = "improvement", "improvement"

    measure = models.CharField(max_length=4, choices=MEASURE_CHOICES)
    breakdown = models.CharField(max_length=24, blank=True, default="")
    group = models.CharField(max_length=200, blank=True, default="")
    conflict = models.CharField(max_length=12, choices=Conflict.choices, default=Conflict.CONCERN)
    set_by = models.CharField(max_length=150)
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["measure", "breakdown", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "breakdown", "group"], name="spc_setting_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.breakdown}:{self.group} conflict={self.conflict}"


class SpcMark(models.Model):
    """A person's mark on one month of a measure's chart, with the reason.

    An empty breakdown applies to every chart of the measure; a mark for a
    breakdown and group applies to that chart only.
    """

    class Kind(models.TextChoices):
        GHOST = "ghost", "ghost"
        RECALCULATE = "recalculate", "recalculate"
        BASELINE_END = "baseline_end", "baseline end"

    measure = models.CharField(max_length=4, choices=MEASURE_CHOICES)
    breakdown = models.CharField(max_length=24, blank=True, default="")
    group = models.CharField(max_length=200, blank=True, default="")
    month = models.DateField(help_text="the first day of the month")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reason = models.CharField(max_length=500)
    set_by = models.CharField(max_length=150)
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["measure", "breakdown", "group", "month", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "breakdown", "group", "month", "kind"], name="spc_mark_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.month:%Y-%m} {self.kind}: {self.reason}"


class Commentary(models.Model):
    """What the data says, why, and what is being done, for a measure and period.

    Every save is a new row; the latest is the commentary, earlier rows its history.
    """

    measure = models.CharField(max_length=4, choices=MEASURE_CHOICES)
    period = models.CharField(max_length=32)
    what_the_data_says = models.TextField()
    why = models.TextField(blank=True, default="")
    what_is_being_done = models.TextField(blank=True, default="")
    author = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["measure", "period", "-created_at", "-id"]
        indexes = [models.Index(fields=["measure", "period"], name="commentary_measure_period")]
        verbose_name_plural = "commentaries"

    def __str__(self) -> str:
        return f"{self.measure} {self.period} by {self.author}"

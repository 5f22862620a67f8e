from django.apps import AppConfig


class ScorecardConfig(AppConfig):
    name = "safeplan.scorecard"
    label = "scorecard"
    verbose_name = "Scorecard: targets, benchmarks, SPC settings and commentary"

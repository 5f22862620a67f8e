from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "safeplan.measures"
    label = "measures"
    verbose_name = "Measure results"

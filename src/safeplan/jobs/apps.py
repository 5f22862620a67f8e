from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "safeplan.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

from django.apps import AppConfig


class SubmissionConfig(AppConfig):
    name = "safeplan.submission"
    label = "submission"
    verbose_name = "Agency data submission"

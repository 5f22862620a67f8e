from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "safeplan.actions"
    label = "actions"
    verbose_name = "Action plans"

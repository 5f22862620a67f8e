from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "safeplan.web"
    label = "web"

from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "safeplan.pages"
    label = "pages"

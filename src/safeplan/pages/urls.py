from django.urls import path

from safeplan.pages import views

app_name = "pages"

urlpatterns = [
    path("accessibility", views.accessibility, name="accessibility"),
]

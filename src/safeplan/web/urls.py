from django.urls import path

from safeplan.web import views

app_name = "web"

urlpatterns = [
    path("", views.plan_page, name="plan"),
]

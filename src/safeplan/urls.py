from django.urls import include, path

urlpatterns = [
    path("", include("safeplan.web.urls")),
]

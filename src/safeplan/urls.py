from django.urls import include, path

urlpatterns = [
    path("account/", include("safeplan.accounts.urls")),
    path("", include("safeplan.pages.urls")),
    path("", include("safeplan.web.urls")),
]

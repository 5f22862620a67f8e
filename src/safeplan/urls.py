from django.urls import include, path

urlpatterns = [
    path("account/", include("safeplan.accounts.urls")),
    path("audit/", include("safeplan.audit.urls")),
    path("", include("safeplan.pages.urls")),
    path("", include("safeplan.web.urls")),
    path("", include("safeplan.actions.urls")),
    path("", include("safeplan.submission.urls")),
]

from django.urls import path

from safeplan.actions import views

app_name = "actions"

urlpatterns = [
    path("interventions/<slug:key>/", views.intervention_page, name="intervention"),
    path("themes/<slug:key>/", views.theme_page, name="theme"),
    path("actions/overdue/", views.overdue, name="overdue"),
    path("actions/new/", views.action_new, name="new"),
    path("actions/import/", views.import_page, name="import"),
    path("actions/export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("actions/export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("actions/<int:pk>/", views.action_detail, name="detail"),
    path("actions/<int:pk>/edit/", views.action_edit, name="edit"),
    path("actions/<int:pk>/progress/", views.action_progress, name="progress"),
    path("actions/<int:pk>/close/", views.action_close_view, name="close"),
]

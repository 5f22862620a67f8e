from django.urls import path

from safeplan.submission import views

app_name = "submission"

urlpatterns = [
    path("data/", views.upload, name="upload"),
    path("data/jobs/<int:pk>/", views.job_page, name="job"),
    path("data/batches/", views.batch_list, name="batches"),
    path("data/batches/<int:pk>/", views.batch_page, name="batch"),
    path("data/batches/<int:pk>/problems.csv", views.batch_problems_download, name="problems"),
    path("data/batches/<int:pk>/withdraw/", views.batch_withdraw_page, name="withdraw"),
]

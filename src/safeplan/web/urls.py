from django.urls import path

from safeplan.web import views

app_name = "web"

urlpatterns = [
    path("", views.plan_page, name="plan"),
    path("measures/", views.measure_list, name="measures"),
    path("measures/<str:key>/", views.measure_detail, name="measure"),
    path("measures/<str:key>/records/", views.measure_records, name="records"),
    path("measures/<str:key>/commentary/", views.commentary_edit, name="commentary"),
]

"""Reports, mounted at /reports/ (SPEC 4.2–4.7). Url names live in the ``reports`` namespace."""

from django.urls import path

from salesguide.web.reports import adopt_views, views

app_name = "reports"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("calibration/adopt/<int:stage_id>/", adopt_views.adopt_probability, name="adopt_probability"),
    path("<slug:name>/", views.report_page, name="report"),
]

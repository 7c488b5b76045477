"""The list files (issue 11): ``/sales/export.csv``, ``/companies/export.xlsx``, ... next to each list, taking
the list's own query string. Url names live in the ``exports`` namespace."""

from django.urls import path

from salesguide.web.exports import views

app_name = "exports"

urlpatterns = [
    # Any other kind or format is a 404 (the view checks): one route for the four lists.
    path("<str:kind>/export.<str:file_format>", views.list_file, name="file"),
]

from django.urls import path

from salesguide.web.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.start, name="start"),
    path("run/", views.run, name="run"),
]

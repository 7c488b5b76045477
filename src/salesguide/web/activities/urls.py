"""Activities, mounted at /activities/. Url names live in the ``activities`` namespace."""

from django.urls import path

from salesguide.web.activities import views

app_name = "activities"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.new, name="new"),
    path("next-followup/", views.create_next, name="create_next"),
    path("<int:activity_id>/edit/", views.edit, name="edit"),
    path("<int:activity_id>/delete/", views.delete, name="delete"),
    path("<int:activity_id>/complete/", views.complete, name="complete"),
    path("<int:activity_id>/reopen/", views.reopen, name="reopen"),
    path("<int:activity_id>/calendar.ics", views.ics, name="ics"),
]

"""The pipeline board, mounted at /board/. Url names live in the ``board`` namespace: ``board:board``
(/board/?sale_type=ID) is the one other pages link to."""

from django.urls import path

from salesguide.web.board import views

app_name = "board"

urlpatterns = [
    path("", views.board, name="board"),
    path("columns/<int:stage_id>/", views.column, name="column"),
    path("sales/<int:sale_id>/move/", views.move, name="move"),
]

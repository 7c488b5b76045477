"""The Guide tab's own URLs, included by the sales URLs at ``/sales/<int:sale_id>/guide/``: every view gets
``sale_id`` from that prefix."""

from django.urls import path

from salesguide.web.sales import guide_preview_views as previews
from salesguide.web.sales import guide_question_views as questions
from salesguide.web.sales import guide_views as views

app_name = "sale_guide"

urlpatterns = [
    path("", views.tab, name="tab"),
    path("stages/<int:stage_id>/move/", views.move_to_stage, name="move"),
    path("followup-suggestions/<int:suggestion_id>/create/", views.followup_create, name="followup_create"),
    path("followup-suggestions/<int:suggestion_id>/preview/", previews.followup_preview, name="followup_preview"),
    path("followup-suggestions/<int:suggestion_id>/next/", questions.next_followup, name="next_followup"),
    path(
        "followup-suggestions/<int:suggestion_id>/next/form/", questions.next_followup_form, name="next_followup_form"
    ),
    path("document-suggestions/<int:suggestion_id>/create/", views.document_create, name="document_create"),
    path("document-suggestions/<int:suggestion_id>/preview/", previews.document_preview, name="document_preview"),
    path("activities/<int:activity_id>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:activity_id>/delete/", views.activity_delete, name="activity_delete"),
    path("activities/<int:activity_id>/completed/", views.activity_toggle, name="activity_toggle"),
    path("activities/<int:activity_id>/preview/", previews.activity_preview, name="activity_preview"),
    path("documents/<int:document_id>/preview/", previews.created_document_preview, name="document_view"),
    path("documents/<int:document_id>/delete/", views.document_delete, name="document_delete"),
]

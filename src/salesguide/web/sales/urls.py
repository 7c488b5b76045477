"""Sales, mounted at /sales/. Url names live in the ``sales`` namespace; the guide tab's own pages are under
/sales/<id>/guide/."""

from django.urls import include, path

from salesguide.web.sales import (
    activity_views,
    card_views,
    close_views,
    document_views,
    edit_views,
    exit_views,
    line_views,
    list_views,
    print_views,
)

app_name = "sales"

urlpatterns = [
    path("", list_views.sale_list, name="list"),
    path("new/", edit_views.sale_create, name="new"),
    path("company-options/", list_views.company_options_view, name="company_options"),
    path("contact-options/", list_views.contact_options_view, name="contact_options"),
    path("stage-options/", edit_views.stage_options, name="stage_options"),
    path("<int:sale_id>/", card_views.sale_card, name="card"),
    path("<int:sale_id>/edit/", edit_views.sale_edit, name="edit"),
    path("<int:sale_id>/lines/", line_views.sale_lines, name="lines"),
    path("<int:sale_id>/delete/", edit_views.sale_delete, name="delete"),
    path("<int:sale_id>/stage/", edit_views.move_stage, name="move_stage"),
    path("<int:sale_id>/stages/<int:stage_id>/move-on/", exit_views.move_on, name="move_on"),
    path("<int:sale_id>/probability/reset/", edit_views.reset_probability, name="reset_probability"),
    path("<int:sale_id>/sold/", close_views.close_as_sold, name="sold"),
    path("<int:sale_id>/lost/", close_views.close_as_lost, name="lost"),
    path("<int:sale_id>/stall/", close_views.stall, name="stall"),
    path("<int:sale_id>/stall/followup/", close_views.stall_followup, name="stall_followup"),
    path("<int:sale_id>/reopen/", close_views.reopen, name="reopen"),
    path("<int:sale_id>/completed/", close_views.set_completed, name="completed"),
    path("<int:sale_id>/activities/new/", activity_views.activity_new, name="activity_new"),
    path("<int:sale_id>/documents/<int:document_id>/delete/", activity_views.document_delete, name="document_delete"),
    path("<int:sale_id>/documents/<int:document_id>/", document_views.document_card, name="document"),
    path("<int:sale_id>/documents/<int:document_id>/file/", document_views.document_download, name="document_file"),
    path(
        "<int:sale_id>/documents/<int:document_id>/generate/",
        document_views.document_regenerate,
        name="document_regenerate",
    ),
    path("<int:sale_id>/documents/<int:document_id>/edit/", document_views.document_edit, name="document_edit"),
    path("<int:sale_id>/print/", print_views.sale_print_page, name="print"),
    path("<int:sale_id>/print.pdf", print_views.sale_print_pdf, name="print_pdf"),
    path("<int:sale_id>/guide/", include("salesguide.web.sales.guide_urls")),
]

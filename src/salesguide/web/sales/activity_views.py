"""What the Activities and Documents tabs of a sale card add: planning an activity on the sale and deleting a
document. Editing, completing and deleting an activity are the activity pages' (they serve every list)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from salesguide.domain.errors import DomainError, NotAllowed
from salesguide.models import Document
from salesguide.services import activities as activity_service
from salesguide.services import documents as document_service
from salesguide.services.permissions import require_change_document
from salesguide.web.activities.forms import ACTIVITY_FIELD_ALIASES, ActivityForm
from salesguide.web.domain_errors import add_to_form, translate
from salesguide.web.sales.access import INVALID, actor, editable_sale, go_to, load_sale, sale_page
from salesguide.web.sales.edit_views import card_url


@sale_page
def activity_new(request: HttpRequest, sale_id: int) -> HttpResponse:
    sale = editable_sale(request, sale_id)
    user = actor(request)
    start = activity_service.default_followup_start(user)
    initial = {"owner": user.pk, "start_date": start.date(), "start_time": start.time()}
    if request.method != "POST":
        form = ActivityForm(initial=initial)
        return render(
            request, "activities/form.html", {"form": form, "sale": sale, "cancel_url": card_url(sale.pk, "activities")}
        )
    form = ActivityForm(request.POST, initial=initial)
    if form.is_valid():
        try:
            activity = activity_service.create_activity(user, sale_id=sale.pk, **form.service_fields())
        except DomainError as error:
            add_to_form(form, error, ACTIVITY_FIELD_ALIASES)
        else:
            messages.success(request, _("Activity “%(title)s” is planned.") % {"title": activity.title})
            return go_to(request, card_url(sale.pk, "activities"))
    return render(
        request,
        "activities/form.html",
        {"form": form, "sale": sale, "cancel_url": card_url(sale.pk, "activities")},
        status=INVALID,
    )


@sale_page
def document_delete(request: HttpRequest, sale_id: int, document_id: int) -> HttpResponse:
    sale = load_sale(sale_id)
    document = Document.objects.select_related("template").filter(pk=document_id, sale_id=sale.pk).first()
    if document is None:
        raise Http404(_("There is no such document on this sale."))
    document.sale = sale  # loaded already; who may delete the document reads it
    back = card_url(sale.pk, "documents")
    user = actor(request)
    try:
        require_change_document(user, document, "delete")
    except NotAllowed as error:
        raise PermissionDenied(translate(error.message)) from None
    if request.method != "POST":
        return render(
            request, "sales/confirm_document_delete.html", {"sale": sale, "document": document, "cancel_url": back}
        )
    try:
        document_service.delete_document(user, document.pk)
    except DomainError as error:
        messages.error(request, translate(error.message))
    else:
        messages.success(request, _("Document “%(subject)s” is deleted.") % {"subject": document.subject})
    return go_to(request, back)

"""Closing a sale (SPEC 3.8): Sold, Lost, Stalled (then the proposed follow-up on the re-open date), Reopen and
Completed. Each form carries the version the user saw; a change made meanwhile is shown, not overwritten."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from salesguide.domain.errors import DomainError, StaleVersion
from salesguide.models import Sale, SaleStatus, User
from salesguide.services import activities as activity_service
from salesguide.services import sales as service
from salesguide.services.exit_checks import ExitPreview, exit_preview
from salesguide.web.activities.forms import ACTIVITY_FIELD_ALIASES, ActivityForm
from salesguide.web.domain_errors import add_to_form, translate
from salesguide.web.sales.access import INVALID, actor, editable_sale, go_to, sale_page
from salesguide.web.sales.edit_views import card_url
from salesguide.web.sales.exit_views import warn_if_needed
from salesguide.web.sales.forms import SALE_FIELD_ALIASES, LostForm, SoldForm, StallForm, VersionOnlyForm


def _pk(item: Any) -> int | None:
    return item.pk if item is not None else None


@dataclass(frozen=True)
class Closing:
    """One way of closing a sale: its form, its words, and the service call that does it."""

    slug: str
    form: type[forms.Form]
    title: Promise
    intro: Promise
    submit: Promise
    done: Promise
    close: Callable[[User, Sale, dict[str, Any]], Sale]
    initial: Callable[[Sale], dict[str, Any]]


CLOSINGS = {
    "sold": Closing(
        slug="sold",
        form=SoldForm,
        title=gettext_lazy("Mark “%(title)s” as sold"),
        intro=gettext_lazy("The probability becomes 100%. The stage the sale is in now is remembered."),
        submit=gettext_lazy("Mark as sold"),
        done=gettext_lazy("Sale “%(title)s” is marked as sold."),
        close=lambda user, sale, data: service.close_sale_as_sold(
            user,
            sale.pk,
            date=data.get("date"),
            reason_id=_pk(data.get("reason")),
            amount=data.get("amount"),
            version=data["version"],
            override_reason=data.get("override_reason") or None,
        ),
        initial=lambda sale: {"date": timezone.localdate(), "amount": sale.amount, "version": sale.version},
    ),
    "lost": Closing(
        slug="lost",
        form=LostForm,
        title=gettext_lazy("Mark “%(title)s” as lost"),
        intro=gettext_lazy("The probability becomes 0%. The stage the sale is in now is remembered."),
        submit=gettext_lazy("Mark as lost"),
        done=gettext_lazy("Sale “%(title)s” is marked as lost."),
        close=lambda user, sale, data: service.close_sale_as_lost(
            user,
            sale.pk,
            date=data.get("date"),
            reason_id=_pk(data.get("reason")),
            competitor_id=_pk(data.get("competitor")),
            version=data["version"],
        ),
        initial=lambda sale: {"date": timezone.localdate(), "version": sale.version},
    ),
    "stall": Closing(
        slug="stall",
        form=StallForm,
        title=gettext_lazy("Put “%(title)s” on hold"),
        intro=gettext_lazy("A stalled sale waits until its re-open date. Next you can plan a follow-up for that day."),
        submit=gettext_lazy("Mark as stalled"),
        done=gettext_lazy("Sale “%(title)s” is stalled until %(date)s."),
        close=lambda user, sale, data: service.stall_sale(
            user,
            sale.pk,
            reopen_date=data["reopen_date"],
            reason_id=_pk(data.get("reason")),
            version=data["version"],
        ),
        initial=lambda sale: {"version": sale.version},
    ),
}


def _close_page(
    request: HttpRequest,
    closing: Closing,
    sale: Sale,
    form: forms.Form,
    *,
    invalid: bool = False,
    conflict: bool = False,
) -> HttpResponse:
    context = {
        "closing": closing,
        "sale": sale,
        "form": form,
        "conflict": conflict,
        "title": closing.title % {"title": sale.title},
        "exit_preview": _exit_preview(request, closing, sale, form),
    }
    return render(request, "sales/close_form.html", context, status=INVALID if invalid else 200)


def _exit_preview(request: HttpRequest, closing: Closing, sale: Sale, form: forms.Form) -> ExitPreview | None:
    """Closing as sold leaves the stage: the required items it would leave undone (exit criteria), listed on the
    form; the reason to close anyway is asked only of a manager or administrator whom they block."""
    if closing.slug != "sold" or sale.status != SaleStatus.OPEN:
        form.fields.pop("override_reason", None)
        return None
    preview = exit_preview(actor(request), sale, None)
    if not (preview.blocks and preview.may_override):
        form.fields.pop("override_reason", None)
    return preview if preview.missing else None


def _close(request: HttpRequest, sale_id: int, slug: str) -> HttpResponse:
    closing = CLOSINGS[slug]
    sale = editable_sale(request, sale_id)
    if request.method != "POST":
        return _close_page(request, closing, sale, closing.form(initial=closing.initial(sale)))
    form = closing.form(request.POST)
    if form.is_valid():
        try:
            closed = closing.close(actor(request), sale, form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error, SALE_FIELD_ALIASES)
            return _close_page(request, closing, sale, form, invalid=True, conflict=isinstance(error, StaleVersion))
        date = date_format(closed.reopen_date, "DATE_FORMAT") if closed.reopen_date else ""
        messages.success(request, closing.done % {"title": closed.title, "date": date})
        warn_if_needed(request, closed)
        if slug == "stall":
            return go_to(request, reverse("sales:stall_followup", args=[sale.pk]))
        return go_to(request, card_url(sale.pk))
    return _close_page(request, closing, sale, form, invalid=True)


@sale_page
def close_as_sold(request: HttpRequest, sale_id: int) -> HttpResponse:
    return _close(request, sale_id, "sold")


@sale_page
def close_as_lost(request: HttpRequest, sale_id: int) -> HttpResponse:
    return _close(request, sale_id, "lost")


@sale_page
def stall(request: HttpRequest, sale_id: int) -> HttpResponse:
    return _close(request, sale_id, "stall")


def _proposed_followup(user: User, sale: Sale) -> dict[str, Any]:
    """The follow-up a stalled sale proposes: a call on the re-open date at 09:00 in the user's time zone, its
    text saying why the sale waits and where it stood."""
    proposal = activity_service.propose_reopen_followup_for(user, sale.pk)
    if proposal is None:
        return {
            "title": _("Re-open: %(title)s") % {"title": sale.title},
            "start_date": sale.reopen_date,
            "owner": user.pk,
        }
    start = proposal.start  # already on the user's wall clock
    return {
        "activity_type": proposal.activity_type_id,
        "title": proposal.title,
        "start_date": start.date(),
        "start_time": start.time(),
        "duration_minutes": proposal.duration_minutes,
        "owner": user.pk,
        "text": proposal.text,
    }


@sale_page
def stall_followup(request: HttpRequest, sale_id: int) -> HttpResponse:
    sale = editable_sale(request, sale_id)
    user = actor(request)
    if sale.status != SaleStatus.STALLED or sale.reopen_date is None:
        return go_to(request, card_url(sale.pk))
    if request.method != "POST":
        form = ActivityForm(initial=_proposed_followup(user, sale))
        return render(request, "sales/stall_followup.html", {"sale": sale, "form": form})
    form = ActivityForm(request.POST)
    if form.is_valid():
        try:
            activity = activity_service.create_activity(user, sale_id=sale.pk, **form.service_fields())
        except DomainError as error:
            add_to_form(form, error, ACTIVITY_FIELD_ALIASES)
        else:
            messages.success(request, _("Follow-up “%(title)s” is planned.") % {"title": activity.title})
            return go_to(request, card_url(sale.pk, "activities"))
    return render(request, "sales/stall_followup.html", {"sale": sale, "form": form}, status=INVALID)


@sale_page
def reopen(request: HttpRequest, sale_id: int) -> HttpResponse:
    sale = editable_sale(request, sale_id)
    if request.method != "POST":
        form = VersionOnlyForm(initial={"version": sale.version})
        return render(request, "sales/confirm_reopen.html", {"sale": sale, "form": form})
    form = VersionOnlyForm(request.POST)
    if form.is_valid():
        try:
            reopened = service.reopen_sale(actor(request), sale.pk, version=form.cleaned_data["version"])
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Sale “%(title)s” is open again.") % {"title": reopened.title})
            return go_to(request, card_url(sale.pk))
    return render(request, "sales/confirm_reopen.html", {"sale": sale, "form": form, "conflict": True}, status=INVALID)


@sale_page
@require_POST
def set_completed(request: HttpRequest, sale_id: int) -> HttpResponse:
    sale = editable_sale(request, sale_id)
    form = VersionOnlyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This form is out of date. Reload the page and try again."))
        return go_to(request, card_url(sale.pk))
    completed = bool(form.cleaned_data.get("completed"))
    try:
        service.complete_sale(actor(request), sale.pk, completed=completed, version=form.cleaned_data["version"])
    except DomainError as error:
        messages.error(request, translate(error.message))
    else:
        messages.success(
            request,
            _("Sale “%(title)s” is marked completed.") % {"title": sale.title}
            if completed
            else _("Sale “%(title)s” is no longer marked completed.") % {"title": sale.title},
        )
    return go_to(request, card_url(sale.pk))

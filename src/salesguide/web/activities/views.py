"""Activities: "My activities" at /activities/ (managers and administrators may look at anyone's), planning an
activity without a sale, and editing, deleting, completing and reopening any activity (from that list or from a
sale's Activities tab).

Completing a follow-up made from a guide may lead somewhere (SPEC 3.5, 3.6): the next suggested follow-up is
offered (or created at once when the user chose not to be asked), and when the stage's last item is done,
moving to the next stage is offered. Those offers are small confirmations; each answer is its own POST.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from salesguide.domain.errors import DomainError, NotAllowed, NotFound, ValidationFailed
from salesguide.models import Activity, Sale, Stage, User
from salesguide.queries import activity_list
from salesguide.services import accounts as account_service
from salesguide.services import activities as service
from salesguide.services import calendar as calendar_service
from salesguide.services import clock
from salesguide.services.activities import Completion
from salesguide.services.permissions import require_change_activity
from salesguide.web.activities.forms import (
    ACTIVITY_FIELD_ALIASES,
    ActivityForm,
    MyActivitiesFilter,
    active_users,
    activity_initial,
    user_label,
)
from salesguide.web.activities.listing import PAGE_SIZE, activity_rows
from salesguide.web.activities.planning import PlannedActivityForm
from salesguide.web.domain_errors import add_to_form, translate
from salesguide.web.sales.access import INVALID, actor, go_to, is_htmx, safe_next, sale_page


def _activity(activity_id: int) -> Activity:
    activity = (
        Activity.objects.select_related("activity_type", "owner", "sale", "sale__company", "company")
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        raise Http404(_("There is no such activity. It may have been deleted."))
    return activity


def _require_change(user: User, activity: Activity) -> None:
    """The activity services' rule, checked before showing a form that would fail on save."""
    try:
        require_change_activity(user, activity)
    except NotAllowed as error:
        raise PermissionDenied(translate(error.message)) from None


def _fallback(activity: Activity) -> str:
    if activity.sale_id is not None:
        return f"{reverse('sales:card', args=[activity.sale_id])}?tab=activities"
    return reverse("activities:mine")


def _owner_choices(user: User, chosen: str) -> tuple[User, list[tuple[str, str]]]:
    """Whose activities the list shows, and the owners to pick from ("Me" first, then every other active user)
    when the read model lets the user pick; else (a salesperson) their own, whatever the address asks for."""
    if not activity_list.may_list_anyones_activities(user):
        return user, []
    others = [other for other in active_users() if other.pk != user.pk]
    owner = next((other for other in others if str(other.pk) == chosen), user)
    return owner, [("", _("Me")), *((str(other.pk), user_label(other)) for other in others)]


def listed(
    request: HttpRequest, user: User
) -> tuple[MyActivitiesFilter, User, list[tuple[str, str]], activity_list.ActivityFilters]:
    """The list's filters as the address gives them (the page and its export read them here, once): the form,
    whose list it is, the owners to pick from, and the read model's filters."""
    form = MyActivitiesFilter(request.GET)
    form.is_valid()
    show = form.cleaned_data.get("show") or "open"
    period = form.cleaned_data.get("period") or "all"
    owner, owner_choices = _owner_choices(user, form.cleaned_data.get("owner") or "")
    filters = activity_list.ActivityFilters(
        owner=owner.pk, completed=show == "completed", period=activity_list.Period(period)
    )
    return form, owner, owner_choices, filters


@sale_page
def mine(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    form, owner, owner_choices, filters = listed(request, user)
    show = form.cleaned_data.get("show") or "open"
    period = form.cleaned_data.get("period") or "all"
    after = form.cleaned_data.get("after") or None
    now = clock.now_for(user)
    try:
        page = activity_list.activity_page(user, filters, now=now, limit=PAGE_SIZE, after=after)
    except ValidationFailed:
        messages.info(request, _("That link to more activities is no longer valid; here is the start of the list."))
        after = None
        page = activity_list.activity_page(user, filters, now=now, limit=PAGE_SIZE)
    more_url = ""
    if page.next:
        params = request.GET.copy()
        params["after"] = page.next
        more_url = f"?{params.urlencode()}"
    here = request.GET.copy()
    here.pop("after", None)
    context: dict[str, Any] = {
        "rows": activity_rows(page.items, user),
        "show": show,
        "period": period,
        "periods": form.fields["period"].choices,  # type: ignore[attr-defined]
        "more_url": more_url,
        "next_url": f"{request.path}?{here.urlencode()}" if here else request.path,
        "show_sale": True,
        "row_kind": "mine",
        # Someone else's list names them in its heading and empty state; one's own is "My activities".
        "owner_name": user_label(owner) if owner.pk != user.pk else "",
        "owner_value": str(owner.pk) if owner.pk != user.pk else "",
        "owner_choices": owner_choices,
    }
    context["next"] = context["next_url"]
    if is_htmx(request):
        # A new filter also changes the heading and the tabs' links, which the answer replaces out of band.
        return render(request, "activities/_rows.html" if after else "activities/_results_update.html", context)
    return render(request, "activities/mine.html", context)


def _initial_owner(request: HttpRequest, user: User) -> int:
    """The owner the form starts with: the one whose list the user came from (``?owner=``), else the user."""
    chosen = request.GET.get("owner") or ""
    if chosen.isdigit() and active_users().filter(pk=int(chosen)).exists():
        return int(chosen)
    return user.pk


@sale_page
def new(request: HttpRequest) -> HttpResponse:
    """Plan an activity without a sale, perhaps with a company and a contact (a call to a prospect, a task)."""
    user = actor(request)
    back = safe_next(request, reverse("activities:mine"))
    start = service.default_followup_start(user)
    initial = {"owner": _initial_owner(request, user), "start_date": start.date(), "start_time": start.time()}
    context = {"cancel_url": back, "next": back}
    if request.method != "POST":
        return render(request, "activities/form.html", {**context, "form": PlannedActivityForm(initial=initial)})
    form = PlannedActivityForm(request.POST, initial=initial)
    if form.is_valid():
        try:
            activity = service.create_activity(user, **form.service_fields())
        except DomainError as error:
            add_to_form(form, error, ACTIVITY_FIELD_ALIASES)
        else:
            messages.success(request, _("Activity “%(title)s” is planned.") % {"title": activity.title})
            return go_to(request, back)
    return render(request, "activities/form.html", {**context, "form": form}, status=INVALID)


@sale_page
def edit(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = actor(request)
    activity = _activity(activity_id)
    _require_change(user, activity)
    back = safe_next(request, _fallback(activity))
    context = {"activity": activity, "sale": activity.sale, "cancel_url": back, "next": back}
    if request.method != "POST":
        form = ActivityForm(initial=activity_initial(activity), activity_type_id=activity.activity_type_id)
        return render(request, "activities/form.html", {**context, "form": form})
    form = ActivityForm(request.POST, activity_type_id=activity.activity_type_id)
    if form.is_valid():
        try:
            saved = service.update_activity(user, activity.pk, **form.service_fields())
        except DomainError as error:
            add_to_form(form, error, ACTIVITY_FIELD_ALIASES)
        else:
            messages.success(request, _("Activity “%(title)s” is saved.") % {"title": saved.title})
            return go_to(request, back)
    return render(request, "activities/form.html", {**context, "form": form}, status=INVALID)


@sale_page
def ics(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The activity as an .ics file to add to a calendar program. Everyone logged in may read every activity."""
    try:
        calendar = calendar_service.activity_calendar(actor(request), activity_id, request.build_absolute_uri("/"))
    except NotFound:
        raise Http404(_("There is no such activity. It may have been deleted.")) from None
    response = HttpResponse(calendar.content, content_type=calendar.content_type)
    response["Content-Disposition"] = f'attachment; filename="{calendar.file_name}"'
    response["Cache-Control"] = "no-store"
    return response


@sale_page
def delete(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = actor(request)
    activity = _activity(activity_id)
    _require_change(user, activity)
    back = safe_next(request, _fallback(activity))
    if request.method != "POST":
        return render(request, "activities/confirm_delete.html", {"activity": activity, "next": back})
    try:
        service.delete_activity(user, activity.pk)
    except DomainError as error:
        messages.error(request, translate(error.message))
    else:
        messages.success(request, _("Activity “%(title)s” is deleted.") % {"title": activity.title})
    return go_to(request, back)


def _offer_context(completion: Completion | None, sale: Sale | None, back: str) -> dict[str, Any]:
    context: dict[str, Any] = {
        "next": back,
        "offer_sale": sale,
        "next_suggestion": None,
        "advance_stage": None,
        "close_as_sold": False,
    }
    if completion is None or sale is None:
        return context
    context["next_suggestion"] = completion.next_suggestion
    context["close_as_sold"] = completion.offer_close_as_sold
    if completion.offer_advance_to_stage_id is not None:
        context["advance_stage"] = Stage.objects.filter(pk=completion.offer_advance_to_stage_id).first()
    return context


def _row_response(
    request: HttpRequest, activity_id: int, back: str, completion: Completion | None = None
) -> HttpResponse:
    """htmx: the changed row, the offers and the confirmation; otherwise the page the user came from, or the
    offers on a page of their own when there are any."""
    user = actor(request)
    activity = _activity(activity_id)
    offers = _offer_context(completion, activity.sale, back)
    has_offer = bool(offers["next_suggestion"] or offers["advance_stage"] or offers["close_as_sold"])
    if not is_htmx(request):
        if has_offer:
            return render(request, "activities/offer.html", {**offers, "activity": activity})
        return go_to(request, back)
    (row,) = activity_rows([activity], user)
    context = {
        "row": row,
        "show_sale": request.POST.get("row") == "mine",
        "next": back,
        "row_kind": request.POST.get("row") or "sale",
    }
    html = render_to_string("activities/_row.html", context, request)
    html += render_to_string("activities/_offer.html", {**offers, "oob": True}, request)
    html += render_to_string("partials/messages.html", {"messages_out_of_band": True}, request)
    response = HttpResponse(html)
    if activity.sale_id is not None:
        # The card's header shows the sale's next activity, which ticking may have changed.
        trigger_client_event(response, "sale-changed", {"sale_id": activity.sale_id})
    return response


@sale_page
@require_POST
def complete(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = actor(request)
    activity = _activity(activity_id)
    _require_change(user, activity)
    back = safe_next(request, _fallback(activity))
    completion: Completion | None = None
    try:
        completion = service.complete_activity(user, activity.pk)
    except DomainError as error:
        messages.error(request, translate(error.message))
    else:
        messages.success(request, _("Activity “%(title)s” is completed.") % {"title": activity.title})
        created = completion.created_activity
        if created is not None:
            messages.success(
                request,
                _("The next suggested follow-up “%(title)s” is planned on %(date)s.")
                % {"title": created.title, "date": date_format(timezone.localtime(created.start), "DATE_FORMAT")},
            )
    return _row_response(request, activity.pk, back, completion)


@sale_page
@require_POST
def reopen(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = actor(request)
    activity = _activity(activity_id)
    _require_change(user, activity)
    back = safe_next(request, _fallback(activity))
    try:
        service.reopen_activity(user, activity.pk)
    except DomainError as error:
        messages.error(request, translate(error.message))
    else:
        messages.success(request, _("Activity “%(title)s” is open again.") % {"title": activity.title})
    return _row_response(request, activity.pk, back)


@sale_page
@require_POST
def create_next(request: HttpRequest) -> HttpResponse:
    """The answer "Create" (or "Always create, don't ask again") to the offer of the next suggested follow-up."""
    user = actor(request)
    back = safe_next(request, reverse("activities:mine"))
    sale_id, suggestion_id = request.POST.get("sale_id", ""), request.POST.get("suggestion_id", "")
    if not (sale_id.isdigit() and suggestion_id.isdigit()):
        messages.error(request, _("That suggestion is no longer there; nothing was created."))
        return go_to(request, back)
    try:
        created = service.create_followup_from_suggestion(user, int(sale_id), int(suggestion_id))
        if request.POST.get("choice") == "always":
            account_service.update_profile(user, confirm_suggested_followups=False)
    except DomainError as error:
        messages.error(request, translate(error.message))
    else:
        messages.success(
            request,
            _("Follow-up “%(title)s” is planned on %(date)s.")
            % {"title": created.title, "date": date_format(timezone.localtime(created.start), "DATE_FORMAT")},
        )
        if request.POST.get("choice") == "always":
            messages.info(
                request,
                _(
                    "From now on the next suggested follow-up is created without asking. You "
                    "can change this on your profile page."
                ),
            )
    return go_to(request, back)

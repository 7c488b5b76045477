"""The Guide tab of the sale card (SPEC 3.2–3.7): the stage bar, the selected stage's suggestions, creating
from them, previews, completing, and the two questions that completing may raise.

The card includes ``sales/guide/_tab.html`` with ``guide_tab_context``; every action here answers an htmx
request with the tab alone (``#guide-tab``, plus the messages out of band) and a plain request with a redirect
back to the card on its Guide tab, so the tab works without JavaScript too. What the user is looking at (one
stage or all of them, and a "not now" said to moving on in the current stage) travels in the query string of
every action. Moving on (or, in the last stage, closing as sold) is asked whenever the current stage is all
done, as the service decides from the sale; the question about the next follow-up after completing one travels
as ``suggest`` and is asked again as long as it still applies. The answers to the questions are in
``guide_question_views``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import wraps
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from salesguide.domain.errors import DomainError, NotAllowed, NotFound, RuleViolation, StaleVersion
from salesguide.domain.exit_criteria import ExitCriteriaNotMet
from salesguide.models import Activity, Document, Sale, SaleStatus, User
from salesguide.queries.sale_guide import SaleGuide, StageOnSale, sale_guide
from salesguide.services import activities, documents, permissions, sales
from salesguide.services.activities import FollowupDraft
from salesguide.web.domain_errors import add_to_form, translate
from salesguide.web.sales import exit_views
from salesguide.web.sales.access import is_htmx
from salesguide.web.sales.guide_forms import (
    FIELD_ALIASES,
    DocumentForm,
    FollowupForm,
    initial_of_activity,
    initial_of_draft,
)

# The sales URLs (namespace "sales") include this tab's URLs (namespace "sale_guide").
NAMESPACE = "sales:sale_guide"
TAB = "sales/guide/_guide.html"
PAGE = "sales/guide/page.html"
PREVIEW = "sales/guide/_preview.html"
INVALID = 422  # a full page showing a refused form


def actor_of(request: HttpRequest) -> User:
    return cast(User, request.user)


def _when(value: Any) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


# --- what the user is looking at -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Looking:
    """One stage (the current one unless another was picked) or every stage; and the stage the user answered
    "not now" to moving on in, so the question stays away while they work on in the tab."""

    stage_id: int | None = None
    show_all: bool = False
    later: int | None = None

    @property
    def kept(self) -> dict[str, Any]:
        """What every link of the tab keeps, whichever stage it shows. (Not "not_now": "&not" in an address
        written into HTML unescaped would read as "¬".)"""
        return {"later": self.later} if self.later else {}

    @property
    def params(self) -> dict[str, Any]:
        if self.show_all:
            return {"all": 1, **self.kept}
        return {**({"stage": self.stage_id} if self.stage_id else {}), **self.kept}

    @property
    def query(self) -> str:
        return urlencode(self.params)


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def looking_of(request: HttpRequest) -> Looking:
    return Looking(
        stage_id=as_int(request.GET.get("stage")),
        show_all=request.GET.get("all") == "1",
        later=as_int(request.GET.get("later")),
    )


def card_url(sale_id: int, **params: Any) -> str:
    """The sale card on its Guide tab. The card lives one level above the guide's own URLs."""
    base = reverse(f"{NAMESPACE}:tab", kwargs={"sale_id": sale_id}).removesuffix("guide/")
    query = urlencode({"tab": "guide", **{k: v for k, v in params.items() if v not in (None, "", False)}})
    return f"{base}?{query}"


def tab_url(sale_id: int, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "", False)})
    url = reverse(f"{NAMESPACE}:tab", kwargs={"sale_id": sale_id})
    return f"{url}?{query}" if query else url


# --- the tab -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    stage: StageOnSale
    selected: bool
    card_url: str
    tab_url: str
    # "2 of 5 done", translated here once per step rather than by a {% blocktranslate %} in the bar's loop.
    progress: str = ""


@dataclass(frozen=True)
class OpenForm:
    """A form shown inline in the tab: creating from a suggestion, or editing a created follow-up."""

    kind: str  # "followup", "document" or "activity"
    target_id: int
    form: forms.Form | None
    action: str
    draft: Any = None


@dataclass(frozen=True)
class NextFollowupQuestion:
    """ "Create the next suggested follow-up?": Create opens its form (``form_url``), prefilled from the draft;
    Cancel and "always create" are answered at ``answer_url``. ``back_*_url``: the question again, from its form."""

    draft: FollowupDraft
    name: str
    answer_url: str
    form_url: str
    back_card_url: str
    back_tab_url: str


def _next_followup_question(sale: Sale, draft: FollowupDraft | None, looking: Looking) -> NextFollowupQuestion | None:
    if draft is None:
        return None
    ids = {"sale_id": sale.pk, "suggestion_id": draft.suggestion_id}
    query = urlencode({**looking.params, "suggest": draft.suggestion_id})
    answer = reverse(f"{NAMESPACE}:next_followup", kwargs=ids)
    form = reverse(f"{NAMESPACE}:next_followup_form", kwargs=ids)
    return NextFollowupQuestion(
        draft,
        draft.title,
        f"{answer}?{query}",
        f"{form}?{query}",
        card_url(sale.pk, **looking.params, suggest=draft.suggestion_id),
        tab_url(sale.pk, **looking.params, suggest=draft.suggestion_id),
    )


def guide_tab_context(
    request: HttpRequest,
    sale: Sale,
    *,
    open_form: OpenForm | None = None,
    questions: Mapping[str, Any] | None = None,
    guide: SaleGuide | None = None,
    offers: activities.Offers | None = None,
) -> dict[str, Any]:
    """What ``sales/guide/_tab.html`` needs. Five queries for the guide, whatever its size (queries.sale_guide),
    none when the service that just wrote gives the guide and the questions it decided (``guide``, ``offers``).
    Otherwise the service says which questions hold now (``activities.open_offers``): moving on or closing when
    the stage is all done, and the next follow-up named in the query string."""
    actor = actor_of(request)
    guide = guide if guide is not None else sale_guide(sale)
    looking = looking_of(request)
    order = [s.stage_id for s in guide.stages]
    if looking.stage_id in order:
        selected_id: int | None = looking.stage_id
    else:
        selected_id = sale.stage_id if sale.stage_id in order else (order[0] if order else None)
    if offers is None:
        asked = request.GET if questions is None else questions
        offers = activities.open_offers(
            actor, sale, guide, suggestion_id=as_int(asked.get("suggest")), not_now_in_stage_id=looking.later
        )
    advance_to = guide.stage(offers.advance_to_stage_id) if offers.advance_to_stage_id is not None else None
    next_followup = _next_followup_question(sale, offers.next_followup, looking)
    pending = {"suggest": next_followup.draft.suggestion_id} if next_followup else {}
    # "Not now": the tab again without the question about moving on, as long as the sale stays in this stage.
    not_now = {**looking.params, "later": sale.stage_id, **pending}
    steps = [
        Step(
            stage=stage,
            selected=not looking.show_all and stage.stage_id == selected_id,
            card_url=card_url(sale.pk, stage=stage.stage_id, **looking.kept),
            tab_url=tab_url(sale.pk, stage=stage.stage_id, **looking.kept),
            progress=gettext("%(done)s of %(total)s done") % {"done": stage.done, "total": stage.total},
        )
        for stage in guide.stages
    ]
    shown = guide.stages if looking.show_all else [s for s in guide.stages if s.stage_id == selected_id]
    one = Looking(stage_id=selected_id, later=looking.later)
    actions = permissions.allowed_actions(actor, sale)
    return {
        "sale": sale,
        "guide": guide,
        "actions": actions,
        "is_open": sale.status == SaleStatus.OPEN,
        "changeable_activity_ids": {
            a.id
            for stage in guide.stages
            for item in stage.followups
            for a in item.activities
            if permissions.may_change_item_on(actor, sale, a.owner_id)
        },
        "changeable_document_ids": {
            d.id
            for stage in guide.stages
            for item in stage.documents
            for d in item.documents
            if permissions.may_change_item_on(actor, sale, d.owner_id)
        },
        "steps": steps,
        "shown_stages": shown,
        "show_all": looking.show_all,
        "view_query": looking.query,
        "here_card_url": card_url(sale.pk, **looking.params),
        "here_tab_url": tab_url(sale.pk, **looking.params),
        "all_card_url": card_url(sale.pk, all=1, **looking.kept),
        "all_tab_url": tab_url(sale.pk, all=1, **looking.kept),
        "one_card_url": card_url(sale.pk, **one.params),
        "one_tab_url": tab_url(sale.pk, **one.params),
        "open_form": open_form,
        "inline": True,
        "next_followup": next_followup,
        "advance_to": advance_to,
        "close_offer": offers.close_as_sold,
        # Moving on keeps the pending question about the next follow-up: the card it lands on asks it again.
        "move_query": urlencode({**looking.params, **pending}),
        "not_now_card_url": card_url(sale.pk, **not_now),
        "not_now_tab_url": tab_url(sale.pk, **not_now),
    }


def load_sale(sale_id: int) -> Sale:
    sale = Sale.objects.select_related("sale_type").filter(pk=sale_id).first()
    if sale is None:
        raise Http404(gettext("This sale does not exist."))
    return sale


def _render_tab(request: HttpRequest, sale: Sale, **extra: Any) -> HttpResponse:
    html = render_to_string(TAB, guide_tab_context(request, sale, **extra), request)
    html += render_to_string("partials/messages.html", {"messages_out_of_band": True}, request)
    return HttpResponse(html)


def after_write(request: HttpRequest, sale_id: int, **questions: Any) -> HttpResponse:
    """htmx gets the tab again (and an event the card may listen to); a plain post goes back to the card."""
    if is_htmx(request):
        response = _render_tab(request, load_sale(sale_id), questions=questions)
        return trigger_client_event(response, "sale-changed", {"sale_id": sale_id})
    return redirect(card_url(sale_id, **looking_of(request).params, **questions))


def after_offers(request: HttpRequest, sale: Sale, guide: SaleGuide, offers: activities.Offers) -> HttpResponse:
    """After a write whose service decided the guide's questions (completing a follow-up, creating a document):
    htmx gets the tab with them, as the service read it; a plain post goes back to the card, which asks them
    again. A "not now" said earlier is forgotten: the stage was just finished again."""
    if is_htmx(request):
        response = _render_tab(request, sale, guide=guide, offers=offers)
        return trigger_client_event(response, "sale-changed", {"sale_id": sale.pk})
    looking = replace(looking_of(request), later=None)
    suggest = offers.next_followup.suggestion_id if offers.next_followup else None
    return redirect(card_url(sale.pk, **looking.params, suggest=suggest))


def _to_card(request: HttpRequest, sale_id: int) -> HttpResponse:
    """After a change that shows on the whole card (its header's stage and probability, its version): the card
    again, loaded whole, on the sale's (new) current stage unless every stage was shown. A pending question
    about the next follow-up (``suggest``) goes along, so it is asked there again."""
    url = card_url(sale_id, all=1 if looking_of(request).show_all else None, suggest=as_int(request.GET.get("suggest")))
    if is_htmx(request):
        return HttpResponseClientRedirect(url)
    return redirect(url)


View = Callable[..., HttpResponse]


def guide_action(view: View) -> View:
    """Writes: a service's refusal becomes a 403 with its message (in the tab for htmx), a missing item a 404,
    a stale version the whole card again with the conflict, any other rule its message in the tab."""

    @wraps(view)
    def wrapper(request: HttpRequest, sale_id: int, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, sale_id, *args, **kwargs)
        except NotAllowed as error:
            if is_htmx(request):
                messages.error(request, translate(error.message))
                return _render_tab(request, load_sale(sale_id))
            raise PermissionDenied(translate(error.message)) from None
        except NotFound as error:
            raise Http404(translate(error.message)) from None
        except StaleVersion as error:
            messages.error(request, translate(error.message))
            return _to_card(request, sale_id)
        except DomainError as error:
            messages.error(request, translate(error.message))
            return after_write(request, sale_id)

    return login_required(wrapper)


@login_required
def tab(request: HttpRequest, sale_id: int) -> HttpResponse:
    """The tab alone (stage picked, all stages); a plain request goes to the card showing the same."""
    if not is_htmx(request):
        looking = looking_of(request)
        return redirect(card_url(sale_id, **looking.params, suggest=request.GET.get("suggest")))
    return _render_tab(request, load_sale(sale_id))


# --- forms shown inline (htmx) or as a page of their own ------------------------------------------------------


def _action(name: str, sale_id: int, request: HttpRequest, **kwargs: Any) -> str:
    url = reverse(f"{NAMESPACE}:{name}", kwargs={"sale_id": sale_id, **kwargs})
    query = looking_of(request).query
    return f"{url}?{query}" if query else url


def _form_answer(request: HttpRequest, sale: Sale, open_form: OpenForm, title: str, invalid: bool) -> HttpResponse:
    if is_htmx(request):
        return _render_tab(request, sale, open_form=open_form)
    back = card_url(sale.pk, **looking_of(request).params)
    context = {"sale": sale, "open_form": open_form, "page_title": title, "back_url": back}
    return render(request, PAGE, context, status=INVALID if invalid else 200)


def form_view(
    request: HttpRequest,
    sale: Sale,
    blank: OpenForm,
    title: str,
    make_form: Callable[[Any], forms.Form],
    save: Callable[[Any], str],
    done: Callable[[], HttpResponse] | None = None,
) -> HttpResponse:
    """Show the form (GET), or save it through ``save``, which returns the confirmation; a refusal of the
    service goes next to its field. ``blank`` says where the form shows; its ``form`` is filled in here.
    ``done``: the answer after saving (else the tab again)."""
    if request.method != "POST":
        return _form_answer(request, sale, replace(blank, form=make_form(None)), title, invalid=False)
    form = make_form(request.POST)
    if form.is_valid():
        try:
            confirmation = save(form)
        except (NotAllowed, NotFound):
            raise
        except DomainError as error:
            add_to_form(form, error, FIELD_ALIASES)
        else:
            messages.success(request, confirmation)
            return done() if done is not None else after_write(request, sale.pk)
    return _form_answer(request, sale, replace(blank, form=form), title, invalid=True)


def created_message(activity: Activity) -> str:
    return gettext("Follow-up “%(title)s” created for %(start)s.") % {
        "title": activity.title,
        "start": _when(activity.start),
    }


@guide_action
def followup_create(request: HttpRequest, sale_id: int, suggestion_id: int) -> HttpResponse:
    """SPEC 3.3: a form pre-filled from the suggestion and the sale; saving creates the follow-up."""
    sale = load_sale(sale_id)
    actor = actor_of(request)
    activities.require_plan_from_guide(actor, sale)  # a form that could only end in a refusal is refused at once
    draft = activities.draft_followup(actor, sale, suggestion_id)

    def save(form: FollowupForm) -> str:
        activity = activities.create_followup_from_suggestion(actor, sale_id, suggestion_id, **form.service_fields())
        return created_message(activity)

    return form_view(
        request,
        sale,
        OpenForm(
            "followup",
            suggestion_id,
            None,
            _action("followup_create", sale_id, request, suggestion_id=suggestion_id),
            draft,
        ),
        gettext("Create follow-up “%(name)s”") % {"name": draft.title},
        lambda data: FollowupForm(
            data, initial=None if data else initial_of_draft(draft), current_type_id=draft.activity_type_id
        ),
        save,
    )


@guide_action
def document_create(request: HttpRequest, sale_id: int, suggestion_id: int) -> HttpResponse:
    """SPEC 3.3: template, subject and our reference with the merge fields filled in; saving creates it."""
    sale = load_sale(sale_id)
    actor = actor_of(request)
    documents.require_document_from_guide(actor, sale)
    draft = documents.preview_document_from_suggestion(actor, sale_id, suggestion_id)
    created: list[documents.DocumentCreation] = []

    def save(form: DocumentForm) -> str:
        # The document may be the stage's last open item: the service says what the guide asks then.
        creation = documents.create_document_on_guide(actor, sale_id, suggestion_id, **form.service_fields())
        created.append(creation)
        document = creation.document
        # A safe string stays safe in the message storage, so the confirmation can offer the file at once.
        return format_html(
            '{} <a class="message__link" href="{}" download>{}</a>',
            gettext("Document “%(subject)s” created.") % {"subject": document.subject},
            reverse("sales:document_file", args=[sale_id, document.pk]),
            gettext("Download"),
        )

    def done() -> HttpResponse:
        return after_offers(request, created[0].sale, created[0].guide, created[0].offers)

    return form_view(
        request,
        sale,
        OpenForm(
            "document",
            suggestion_id,
            None,
            _action("document_create", sale_id, request, suggestion_id=suggestion_id),
            draft,
        ),
        gettext("Create document “%(name)s”") % {"name": draft.subject},
        lambda data: DocumentForm(
            data, initial=None if data else {"subject": draft.subject, "our_reference": draft.our_reference}
        ),
        save,
        done,
    )


def _activity(sale_id: int, activity_id: int) -> Activity:
    activity = Activity.objects.filter(pk=activity_id, sale_id=sale_id).first()
    if activity is None:
        raise Http404(gettext("This follow-up does not exist on this sale."))
    return activity


@guide_action
def activity_edit(request: HttpRequest, sale_id: int, activity_id: int) -> HttpResponse:
    sale = load_sale(sale_id)
    activity = _activity(sale_id, activity_id)

    def save(form: FollowupForm) -> str:
        saved = activities.update_activity(actor_of(request), activity_id, **form.service_fields())
        return gettext("Follow-up “%(title)s” saved.") % {"title": saved.title}

    return form_view(
        request,
        sale,
        OpenForm("activity", activity_id, None, _action("activity_edit", sale_id, request, activity_id=activity_id)),
        gettext("Edit follow-up “%(title)s”") % {"title": activity.title},
        lambda data: FollowupForm(
            data,
            initial=None if data else initial_of_activity(activity),
            current_type_id=activity.activity_type_id,
            current_owner_id=activity.owner_id,
        ),
        save,
    )


# --- writes without a form -----------------------------------------------------------------------------------


@require_POST
@guide_action
def activity_delete(request: HttpRequest, sale_id: int, activity_id: int) -> HttpResponse:
    activity = _activity(sale_id, activity_id)
    activities.delete_activity(actor_of(request), activity.pk)
    messages.success(request, gettext("Follow-up “%(title)s” deleted.") % {"title": activity.title})
    return after_write(request, sale_id)


@require_POST
@guide_action
def document_delete(request: HttpRequest, sale_id: int, document_id: int) -> HttpResponse:
    document = Document.objects.filter(pk=document_id, sale_id=sale_id).first()
    if document is None:
        raise Http404(gettext("This document does not exist on this sale."))
    documents.delete_document(actor_of(request), document.pk)
    messages.success(request, gettext("Document “%(subject)s” deleted.") % {"subject": document.subject})
    return after_write(request, sale_id)


def _complete(request: HttpRequest, sale_id: int, activity_id: int) -> HttpResponse:
    """SPEC 3.5 and 3.6: the service completes it and decides what to offer or create next; this shows that."""
    completion = activities.complete_activity(actor_of(request), activity_id, sale_id=sale_id)
    messages.success(request, gettext("“%(title)s” completed.") % {"title": completion.activity.title})
    if completion.created_activity is not None:
        created = completion.created_activity
        messages.info(
            request,
            gettext("The next suggested follow-up “%(title)s” was created for %(start)s.")
            % {"title": created.title, "start": _when(created.start)},
        )
    if completion.sale is not None and completion.guide is not None:
        return after_offers(request, completion.sale, completion.guide, completion.offers)
    return after_write(request, sale_id)


def _reopen(request: HttpRequest, sale_id: int, activity: Activity) -> HttpResponse:
    activities.reopen_activity(actor_of(request), activity.pk)
    messages.success(request, gettext("“%(title)s” is open again.") % {"title": activity.title})
    return after_write(request, sale_id)


@require_POST
@guide_action
def activity_toggle(request: HttpRequest, sale_id: int, activity_id: int) -> HttpResponse:
    """The completion checkbox: ticked completes, unticked reopens (a plain form sends the box only when on).
    Ticking what is already completed (a second click, another tab) changes nothing."""
    if request.POST.get("completed") == "on":
        try:
            return _complete(request, sale_id, activity_id)
        except RuleViolation:
            return after_write(request, sale_id)
    activity = _activity(sale_id, activity_id)
    if activity.completed_at is None:
        return after_write(request, sale_id)
    return _reopen(request, sale_id, activity)


@require_POST
@guide_action
def move_to_stage(request: HttpRequest, sale_id: int, stage_id: int) -> HttpResponse:
    """Move to this stage (also the answer "Move" to the auto-advance question), checked against the version
    the user saw."""
    version = as_int(request.POST.get("version"))
    try:
        sale = sales.move_sale_to_stage(actor_of(request), sale_id, stage_id, version=version)
    except ExitCriteriaNotMet as error:
        return exit_views.refused(
            request, error, sale_id, stage_id, reverse("sales:card", args=[sale_id]) + "?tab=guide"
        )
    stage = sale.stage
    messages.success(
        request,
        gettext("The sale moved to “%(stage)s” (%(probability)d%%).")
        % {"stage": stage.name if stage else "", "probability": sale.probability},
    )
    exit_views.warn_if_needed(request, sale)
    return _to_card(request, sale_id)

"""Activities (follow-ups) and documents: created by hand or from a guide's suggestions, completed, reopened.

Completing a guide follow-up may offer the next suggested follow-up (SPEC 3.5) and moving on to the next stage
(SPEC 3.6); the sale's next activity date (SPEC 3.11) is kept current here, the only writer of activities.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, Min, Subquery
from django.utils import timezone

from salesguide.domain import guide_progress as progress
from salesguide.domain import selling
from salesguide.domain.activities import activity_field_problems, default_start
from salesguide.domain.catalog import raise_if_problems
from salesguide.domain.errors import FieldProblem, Message, NotAllowed, RuleViolation, gettext_noop
from salesguide.models import (
    Activity,
    ActivityType,
    Company,
    Contact,
    Sale,
    SuggestedFollowup,
    User,
)
from salesguide.queries.guides import FollowupView
from salesguide.queries.sale_guide import SaleGuide, sale_guide
from salesguide.services import lists
from salesguide.services.clock import now_for
from salesguide.services.permissions import (
    allowed_actions,
    may_change_sale,
    require_change_activity,
    require_user,
    sale_state,
)

# The follow-up a stalled sale proposes lives in its own module; its names stay here for their callers.
from salesguide.services.reopen_followup import ReopenFollowupProposal as ReopenFollowupProposal
from salesguide.services.reopen_followup import propose_reopen_followup as propose_reopen_followup
from salesguide.services.reopen_followup import propose_reopen_followup_for as propose_reopen_followup_for

TITLE_MAX = 200


def refresh_next_activity(sale_id: int | None) -> None:
    """Store the sale's earliest not-completed activity start (lists sort and filter on it) and its latest (the
    stale rule's "planned ahead", decision 0011), in one statement."""
    if sale_id is None:
        return
    open_activities = Activity.objects.filter(sale_id=sale_id, completed_at__isnull=True).order_by().values("sale_id")
    earliest = open_activities.annotate(m=Min("start")).values("m")
    latest = open_activities.annotate(m=Max("start")).values("m")
    Sale.objects.filter(pk=sale_id).update(
        next_activity_at=Subquery(earliest[:1]), last_planned_at=Subquery(latest[:1])
    )


# Who may change an activity is decided in services.permissions.
_require_change = require_change_activity


def _problems(fields: dict[str, Any]) -> list[FieldProblem]:
    # The rule is the domain's, so that a form showing it beside its own errors and this check cannot drift.
    return activity_field_problems(fields)


def _owner(owner_id: int | None, actor: User) -> User:
    if owner_id is None or owner_id == actor.pk:
        return actor
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        raise lists.not_found(User, owner_id)
    return owner


def _locked_sale(sale_id: int) -> Sale:
    sale = Sale.objects.select_for_update().select_related("sale_type").filter(pk=sale_id).first()
    if sale is None:
        raise lists.not_found(Sale, sale_id)
    return sale


@transaction.atomic
def create_activity(
    actor: User,
    *,
    activity_type_id: int,
    title: str,
    start: dt.datetime,
    duration_minutes: int | None = None,
    text: str = "",
    owner_id: int | None = None,
    sale_id: int | None = None,
    company_id: int | None = None,
    contact_id: int | None = None,
    suggested_followup: SuggestedFollowup | None = None,
) -> Activity:
    require_user(actor)
    fields: dict[str, Any] = {"title": title, "start": start, "text": text}
    if duration_minutes is not None:
        fields["duration_minutes"] = duration_minutes
    raise_if_problems(_problems(fields))
    activity_type = lists.get_item(ActivityType, activity_type_id, include_deleted=False)
    sale = _locked_sale(sale_id) if sale_id is not None else None
    if sale is not None and not may_change_sale(actor, sale):
        raise NotAllowed(Message(gettext_noop("Only the owner of this sale or a manager can plan activities on it.")))
    company = lists.get_item(Company, company_id) if company_id is not None else (sale.company if sale else None)
    contact = lists.get_item(Contact, contact_id) if contact_id is not None else (sale.contact if sale else None)
    if company is not None and contact is not None and contact.company_id not in (None, company.pk):
        raise_if_problems(
            [FieldProblem(("contact_id",), Message(gettext_noop("This contact works at another company.")))]
        )
    if company is None and contact is not None and contact.company_id is not None:
        # As on a sale: a contact's activity is also one with their company, so the company's lists show it.
        company = contact.company
    activity = Activity.objects.create(
        activity_type=activity_type,
        title=title.strip(),
        text=text or "",
        start=start,
        duration_minutes=duration_minutes if duration_minutes is not None else activity_type.default_duration_minutes,
        owner=_owner(owner_id, actor),
        sale=sale,
        company=company,
        contact=contact,
        suggested_followup=suggested_followup,
    )
    refresh_next_activity(activity.sale_id)
    return activity


def _get(activity_id: int) -> Activity:
    activity = Activity.objects.select_for_update().filter(pk=activity_id).first()
    if activity is None:
        raise lists.not_found(Activity, activity_id)
    return activity


@transaction.atomic
def update_activity(actor: User, activity_id: int, **changes: Any) -> Activity:
    allowed = {"activity_type_id", "title", "text", "start", "duration_minutes", "owner_id", "contact_id"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    activity = _get(activity_id)
    _require_change(actor, activity)
    raise_if_problems(_problems(changes))
    if "activity_type_id" in changes:
        activity.activity_type = lists.get_item(ActivityType, changes["activity_type_id"], include_deleted=False)
    if "title" in changes:
        activity.title = changes["title"].strip()
    for name in ("text", "start", "duration_minutes"):
        if name in changes:
            setattr(activity, name, changes[name] if changes[name] is not None else "")
    if "owner_id" in changes:
        activity.owner = _owner(changes["owner_id"], actor)
    if "contact_id" in changes:
        activity.contact = lists.get_item(Contact, changes["contact_id"]) if changes["contact_id"] else None
    activity.save()
    refresh_next_activity(activity.sale_id)
    return activity


@transaction.atomic
def delete_activity(actor: User, activity_id: int) -> None:
    activity = _get(activity_id)
    _require_change(actor, activity)
    sale_id = activity.sale_id
    activity.delete()
    refresh_next_activity(sale_id)


# --- from a suggestion ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowupDraft:
    """What creating a follow-up from a suggestion would make (the preview and the pre-filled form)."""

    suggestion_id: int
    activity_type_id: int
    title: str
    text: str
    start: dt.datetime
    duration_minutes: int
    owner_id: int
    sale_id: int
    company_id: int | None
    contact_id: int | None


def default_followup_start(actor: User) -> dt.datetime:
    """Where a new follow-up starts when nobody said: the next whole hour on the acting user's clock."""
    return default_start(now_for(actor))


def _draft_on_guide(actor: User, sale: Sale, guide: SaleGuide, suggestion: FollowupView) -> FollowupDraft:
    """The draft from a guide already read: no query."""
    return FollowupDraft(
        suggestion_id=suggestion.id,
        activity_type_id=suggestion.activity_type_id,
        title=suggestion.name,
        text=suggestion.text,
        start=progress.followup_start(guide.on_guide, suggestion.id, default_followup_start(actor)),
        duration_minutes=suggestion.minutes,
        owner_id=actor.pk,
        sale_id=sale.pk,
        company_id=sale.company_id,
        contact_id=sale.contact_id,
    )


def _followup_on_guide(guide: SaleGuide, suggestion_id: int) -> FollowupView | None:
    return next((f for s in guide.guide.stages for f in s.followups if f.id == suggestion_id), None)


def draft_followup(actor: User, sale: Sale, suggestion_id: int, *, guide: SaleGuide | None = None) -> FollowupDraft:
    """SPEC 3.3: pre-filled from the blueprint and the sale; start = previous guide follow-up (or now) + offset."""
    guide = guide if guide is not None else sale_guide(sale)
    suggestion = _followup_on_guide(guide, suggestion_id)
    if suggestion is None:
        # Not (or no longer) part of this sale's guide: a deleted suggestion, one of a removed or deleted stage,
        # or one of another sale type.
        raise lists.not_found(SuggestedFollowup, suggestion_id)
    return _draft_on_guide(actor, sale, guide, suggestion)


def preview_followup_from_suggestion(actor: User, sale_id: int, suggestion_id: int) -> FollowupDraft:
    require_user(actor)
    sale = Sale.objects.select_related("sale_type").filter(pk=sale_id).first()
    if sale is None:
        raise lists.not_found(Sale, sale_id)
    return draft_followup(actor, sale, suggestion_id)


def _require_plan_on(actor: User, sale: Sale) -> None:
    if not may_change_sale(actor, sale):
        raise NotAllowed(Message(gettext_noop("Only the owner of this sale or a manager can plan activities on it.")))


def require_plan_from_guide(actor: User, sale: Sale) -> None:
    """Whether ``actor`` may create a follow-up from the sale's guide now: who they are (403), and the sale's
    state — a sold or lost sale's guide is read-only history (``selling.require_guide_open``, 422). A form that
    could only end in a refusal is refused with this before it is shown."""
    _require_plan_on(actor, sale)
    selling.require_guide_open(sale_state(sale))


def _create_from_draft(actor: User, sale: Sale, draft: FollowupDraft, **overrides: Any) -> Activity:
    """The activity a draft describes, with the overrides given (None: the draft's value). The caller holds the
    transaction and the sale's lock."""
    values = {name: value for name, value in overrides.items() if value is not None}
    fields: dict[str, Any] = {
        "title": values.get("title", draft.title),
        "start": values.get("start", draft.start),
        "text": values.get("text", draft.text),
        "duration_minutes": values.get("duration_minutes", draft.duration_minutes),
    }
    raise_if_problems(_problems(fields))
    activity_type_id = draft.activity_type_id
    if "activity_type_id" in values:
        activity_type_id = lists.get_item(ActivityType, values["activity_type_id"], include_deleted=False).pk
    owner_id = values.get("owner_id", draft.owner_id)
    return Activity.objects.create(
        activity_type_id=activity_type_id,
        title=fields["title"].strip(),
        text=fields["text"] or "",
        start=fields["start"],
        duration_minutes=fields["duration_minutes"],
        owner=actor if owner_id == actor.pk else _owner(owner_id, actor),
        sale=sale,
        company_id=sale.company_id,
        contact_id=sale.contact_id,
        suggested_followup_id=draft.suggestion_id,
    )


@transaction.atomic
def create_followup_from_suggestion(
    actor: User,
    sale_id: int,
    suggestion_id: int,
    *,
    activity_type_id: int | None = None,
    start: dt.datetime | None = None,
    owner_id: int | None = None,
    text: str | None = None,
    title: str | None = None,
    duration_minutes: int | None = None,
) -> Activity:
    """Create from a suggestion; the activity remembers its blueprint (SPEC 3.3). Every field of the draft may be
    overridden, the activity type too, through every door. Refused on a sold or lost sale."""
    sale = _locked_sale(sale_id)
    require_plan_from_guide(actor, sale)
    draft = draft_followup(actor, sale, suggestion_id)
    activity = _create_from_draft(
        actor,
        sale,
        draft,
        activity_type_id=activity_type_id,
        start=start,
        owner_id=owner_id,
        text=text,
        title=title,
        duration_minutes=duration_minutes,
    )
    refresh_next_activity(sale.pk)
    return activity


@dataclass(frozen=True)
class OfferAnswer:
    """The follow-up the answer "create" gave: made now (``created``), or the one made by an earlier answer."""

    activity: Activity
    created: bool


@transaction.atomic
def answer_next_followup_offer(
    actor: User,
    sale_id: int,
    suggestion_id: int,
    *,
    always: bool = False,
    activity_type_id: int | None = None,
    start: dt.datetime | None = None,
    owner_id: int | None = None,
    text: str | None = None,
    title: str | None = None,
    duration_minutes: int | None = None,
) -> OfferAnswer:
    """The answer "Create" (or "always create, don't ask again") to the offer of the next suggested follow-up
    (SPEC 3.5): with the draft as offered, or with what the user changed in the form it opened (the overrides,
    as ``create_followup_from_suggestion`` takes them). The sale is locked first, so a second click, another tab
    or a retried API call finds the follow-up the first one made and gives it back instead of planning the same
    step twice. Refused on a sold or lost sale."""
    sale = _locked_sale(sale_id)
    require_plan_from_guide(actor, sale)
    if always:
        actor.confirm_suggested_followups = False
        actor.save(update_fields=["confirm_suggested_followups"])
    existing = Activity.objects.filter(sale_id=sale.pk, suggested_followup_id=suggestion_id).order_by("id").first()
    if existing is not None:
        return OfferAnswer(existing, created=False)
    activity = _create_from_draft(
        actor,
        sale,
        draft_followup(actor, sale, suggestion_id),
        activity_type_id=activity_type_id,
        start=start,
        owner_id=owner_id,
        text=text,
        title=title,
        duration_minutes=duration_minutes,
    )
    refresh_next_activity(sale.pk)
    return OfferAnswer(activity, created=True)


# --- completing ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offers:
    """The questions a sale's guide may put (SPEC 3.5, 3.6): create the next suggested follow-up (its draft), move
    on to the next stage (its id), and — in the last stage, where there is no next one — close the sale as sold."""

    next_followup: FollowupDraft | None = None
    advance_to_stage_id: int | None = None
    close_as_sold: bool = False


def _stage_offers(actor: User, sale: Sale, guide: SaleGuide) -> tuple[int | None, bool]:
    """Moving on, or closing as sold, when every item of the current stage is done: decided from the sale and its
    guide as they are now, whatever was done last (a follow-up completed, a document created) and however the
    page was reached (the event, a reload). No query."""
    if not guide.has_guide:
        return None, False
    actions = allowed_actions(actor, sale)
    advance = progress.advance_offer(guide.on_guide, guide.auto_advance) if actions.move else None
    close = actions.sold and progress.close_offer(guide.on_guide, guide.auto_advance)
    return advance, close


def open_offers(
    actor: User,
    sale: Sale,
    guide: SaleGuide,
    *,
    suggestion_id: int | None = None,
    not_now_in_stage_id: int | None = None,
) -> Offers:
    """The questions that hold now. The next follow-up (asked after completing the one before it, named by the
    page that shows the question again) while it is on the guide and nothing was made from it, and the sale's
    guide still plans; moving on or closing whenever the current stage is all done (``_stage_offers``), unless
    the user answered "not now" in this stage. Nobody who may not change the sale is asked, nor is anyone about
    a sold or lost sale. No query: the guide was read."""
    if not guide.has_guide or not may_change_sale(actor, sale):
        return Offers()
    draft = None
    if suggestion_id is not None and allowed_actions(actor, sale).create_from_suggestion:
        suggestion = _followup_on_guide(guide, suggestion_id)
        if suggestion is not None and not guide.on_guide.activities.get(suggestion_id):
            draft = _draft_on_guide(actor, sale, guide, suggestion)
    if not_now_in_stage_id is not None and not_now_in_stage_id == sale.stage_id:
        return Offers(draft)
    advance, close = _stage_offers(actor, sale, guide)
    return Offers(draft, advance, close)


def offers_after(actor: User, sale: Sale, guide: SaleGuide) -> Offers:
    """What the guide asks right after a write that may have finished the current stage (a document created):
    moving on, or closing as sold. The same decision as after completing a follow-up."""
    advance, close = _stage_offers(actor, sale, guide)
    return Offers(None, advance, close)


@dataclass(frozen=True)
class Completion:
    """What completing an activity led to, decided once: the next suggested follow-up to offer (when the user
    wants to be asked), the one created directly (when not), the stage to offer moving to, and (in the last
    stage) whether to offer closing as sold. ``sale`` and ``guide`` are the sale and its guide after all of it,
    for the page that shows the result."""

    activity: Activity
    next_suggestion: FollowupDraft | None
    created_activity: Activity | None
    offer_advance_to_stage_id: int | None
    sale: Sale | None = None
    guide: SaleGuide | None = None
    offer_close_as_sold: bool = False

    @property
    def offers(self) -> Offers:
        return Offers(self.next_suggestion, self.offer_advance_to_stage_id, self.offer_close_as_sold)


def _locked_activity(activity_id: int, sale_id: int | None) -> Activity:
    query = Activity.objects.select_for_update(of=("self",)).select_related("sale__sale_type")
    activity = query.filter(pk=activity_id).first()
    if activity is None or (sale_id is not None and activity.sale_id != sale_id):
        raise lists.not_found(Activity, activity_id)
    return activity


@transaction.atomic
def complete_activity(actor: User, activity_id: int, *, sale_id: int | None = None) -> Completion:
    """Complete a follow-up and decide, once, what the guide offers next. ``sale_id``: the sale the caller
    expects the activity on (the guide tab's URL); another is refused as not found."""
    activity = _locked_activity(activity_id, sale_id)
    _require_change(actor, activity)
    if activity.completed_at is not None:
        raise RuleViolation(Message(gettext_noop("This activity is already completed.")))
    activity.completed_at = timezone.now()
    activity.save(update_fields=["completed_at", "updated_at"])
    sale = activity.sale
    if sale is None:
        return Completion(activity, None, None, None)
    guide = sale_guide(sale)
    next_draft: FollowupDraft | None = None
    created: Activity | None = None
    # A sold or lost sale's guide offers nothing more (and creates nothing without asking either).
    if (
        guide.has_guide
        and activity.suggested_followup_id is not None
        and allowed_actions(actor, sale).create_from_suggestion
    ):
        upcoming = progress.next_suggestion(guide.on_guide, activity.suggested_followup_id)
        suggestion = _followup_on_guide(guide, upcoming.id) if upcoming is not None else None
        if suggestion is not None:
            next_draft = _draft_on_guide(actor, sale, guide, suggestion)
            if not actor.confirm_suggested_followups:
                created, next_draft = _create_from_draft(actor, sale, next_draft), None
                guide = sale_guide(sale, guide=guide.guide)
    refresh_next_activity(sale.pk)
    advance_to, close = _stage_offers(actor, sale, guide)
    return Completion(activity, next_draft, created, advance_to, sale, guide, close)


@transaction.atomic
def reopen_activity(actor: User, activity_id: int) -> Activity:
    activity = _get(activity_id)
    _require_change(actor, activity)
    if activity.completed_at is None:
        raise RuleViolation(Message(gettext_noop("This activity is not completed.")))
    activity.completed_at = None
    activity.save(update_fields=["completed_at", "updated_at"])
    refresh_next_activity(activity.sale_id)
    return activity

"""Activities (follow-ups) and documents: created by hand or from a guide's suggestions, completed, reopened.

Completing a guide follow-up may offer the next suggested follow-up (SPEC 3.5) and moving on to the next stage
(SPEC 3.6); the sale's next activity date (SPEC 3.11) is kept current here, the only writer of activities.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext

from salesguide.domain import guide_progress as progress
from salesguide.domain.catalog import raise_if_problems
from salesguide.domain.errors import FieldProblem, Message, NotAllowed, RuleViolation, gettext_noop
from salesguide.models import (
    Activity,
    ActivityType,
    Company,
    Contact,
    Role,
    Sale,
    SuggestedFollowup,
    User,
)
from salesguide.queries.sale_guide import sale_guide
from salesguide.queries.sales import followup_activity_type
from salesguide.services import lists
from salesguide.services.permissions import require_user
from salesguide.services.sales import may_edit

TITLE_MAX = 200


def refresh_next_activity(sale_id: int | None) -> None:
    """Store the sale's earliest not-completed activity start (lists sort and filter on it)."""
    if sale_id is None:
        return
    earliest = Activity.objects.filter(sale_id=sale_id, completed_at__isnull=True).aggregate(m=Min("start"))["m"]
    Sale.objects.filter(pk=sale_id).update(next_activity_at=earliest)


def _may_change(actor: User, activity: Activity) -> bool:
    if actor.role in (Role.ADMIN, Role.MANAGER) or activity.owner_id == actor.pk:
        return True
    return activity.sale is not None and may_edit(actor, activity.sale)


def _require_change(actor: User, activity: Activity) -> None:
    require_user(actor)
    if not _may_change(actor, activity):
        raise NotAllowed(Message(gettext_noop("Only the owner of this activity or a manager can change it.")))


def _problems(fields: dict[str, Any]) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if "title" in fields:
        title = fields["title"]
        if not isinstance(title, str) or not title.strip():
            problems.append(FieldProblem(("title",), Message(gettext_noop("A title is required."))))
        elif len(title.strip()) > TITLE_MAX:
            problems.append(
                FieldProblem(("title",), Message(gettext_noop("At most %(max)d characters."), {"max": TITLE_MAX}))
            )
    if "start" in fields and (not isinstance(fields["start"], dt.datetime) or timezone.is_naive(fields["start"])):
        problems.append(FieldProblem(("start",), Message(gettext_noop("Enter a date and time."))))
    if "duration_minutes" in fields:
        minutes = fields["duration_minutes"]
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= 24 * 60 * 7:
            problems.append(
                FieldProblem(("duration_minutes",), Message(gettext_noop("Enter a duration from 0 to 10080 minutes.")))
            )
    if "text" in fields and not isinstance(fields["text"] or "", str):
        problems.append(FieldProblem(("text",), Message(gettext_noop("This must be text."))))
    return problems


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
    if sale is not None and not may_edit(actor, sale):
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


def _suggestion_on_sale(sale: Sale, suggestion_id: int) -> SuggestedFollowup:
    suggestion = (
        SuggestedFollowup.objects.select_related("link", "activity_type")
        .filter(
            pk=suggestion_id,
            deleted=False,
            link__sale_type_id=sale.sale_type_id,
            link__removed=False,
            # A suggestion of a deleted stage is no longer part of the guide, like one of a removed stage.
            link__stage__deleted=False,
        )
        .first()
    )
    if suggestion is None:
        raise lists.not_found(SuggestedFollowup, suggestion_id)
    return suggestion


def _default_now() -> dt.datetime:
    # The next whole hour: a follow-up "today" should not start in the past.
    now = timezone.localtime()
    return (now + dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)


def draft_followup(actor: User, sale: Sale, suggestion_id: int) -> FollowupDraft:
    """SPEC 3.3: pre-filled from the blueprint and the sale; start = previous guide follow-up (or now) + offset."""
    suggestion = _suggestion_on_sale(sale, suggestion_id)
    on_guide = sale_guide(sale).on_guide
    return FollowupDraft(
        suggestion_id=suggestion.pk,
        activity_type_id=suggestion.activity_type_id,
        title=suggestion.name,
        text=suggestion.text,
        start=progress.followup_start(on_guide, suggestion.pk, _default_now()),
        duration_minutes=suggestion.duration_minutes or suggestion.activity_type.default_duration_minutes,
        owner_id=actor.pk,
        sale_id=sale.pk,
        company_id=sale.company_id,
        contact_id=sale.contact_id,
    )


def preview_followup_from_suggestion(actor: User, sale_id: int, suggestion_id: int) -> FollowupDraft:
    require_user(actor)
    sale = Sale.objects.select_related("sale_type").filter(pk=sale_id).first()
    if sale is None:
        raise lists.not_found(Sale, sale_id)
    return draft_followup(actor, sale, suggestion_id)


@transaction.atomic
def create_followup_from_suggestion(
    actor: User,
    sale_id: int,
    suggestion_id: int,
    *,
    start: dt.datetime | None = None,
    owner_id: int | None = None,
    text: str | None = None,
    title: str | None = None,
    duration_minutes: int | None = None,
) -> Activity:
    """Create from a suggestion; the activity remembers its blueprint (SPEC 3.3)."""
    sale = _locked_sale(sale_id)
    if not may_edit(actor, sale):
        raise NotAllowed(Message(gettext_noop("Only the owner of this sale or a manager can plan activities on it.")))
    draft = draft_followup(actor, sale, suggestion_id)
    suggestion = _suggestion_on_sale(sale, suggestion_id)
    return create_activity(
        actor,
        activity_type_id=draft.activity_type_id,
        title=title if title is not None else draft.title,
        start=start if start is not None else draft.start,
        duration_minutes=duration_minutes if duration_minutes is not None else draft.duration_minutes,
        text=text if text is not None else draft.text,
        owner_id=owner_id if owner_id is not None else draft.owner_id,
        sale_id=sale.pk,
        suggested_followup=suggestion,
    )


# --- the follow-up a stalled sale proposes -----------------------------------------------------------------

REOPEN_FOLLOWUP_TIME = dt.time(9, 0)


@dataclass(frozen=True)
class ReopenFollowupProposal:
    activity_type_id: int
    title: str
    start: dt.datetime
    duration_minutes: int


def propose_reopen_followup(title: str, reopen_date: dt.date) -> ReopenFollowupProposal | None:
    """SPEC 3.8: stalling a sale proposes a follow-up on its re-open date — a phone call (else the first live
    activity type) at 09:00 local time. Nothing is created; the user saves or skips it."""
    activity_type = followup_activity_type()
    if activity_type is None:
        return None
    start = timezone.make_aware(dt.datetime.combine(reopen_date, REOPEN_FOLLOWUP_TIME))
    return ReopenFollowupProposal(
        activity_type_id=activity_type.pk,
        title=gettext("Re-open: %(title)s") % {"title": title},
        start=start,
        duration_minutes=activity_type.default_duration_minutes,
    )


# --- completing ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    """What completing an activity led to: the next suggested follow-up to offer (when the user wants to be
    asked), the one created directly (when not), and the stage to offer moving to."""

    activity: Activity
    next_suggestion: FollowupDraft | None
    created_activity: Activity | None
    offer_advance_to_stage_id: int | None


@transaction.atomic
def complete_activity(actor: User, activity_id: int) -> Completion:
    activity = _get(activity_id)
    _require_change(actor, activity)
    if activity.completed_at is not None:
        raise RuleViolation(Message(gettext_noop("This activity is already completed.")))
    activity.completed_at = timezone.now()
    activity.save(update_fields=["completed_at", "updated_at"])
    refresh_next_activity(activity.sale_id)
    next_draft: FollowupDraft | None = None
    created: Activity | None = None
    advance_to: int | None = None
    if activity.sale_id is not None:
        sale = Sale.objects.select_related("sale_type").get(pk=activity.sale_id)
        guide = sale_guide(sale)
        if guide.has_guide and activity.suggested_followup_id is not None:
            upcoming = progress.next_suggestion(guide.on_guide, activity.suggested_followup_id)
            if upcoming is not None and may_edit(actor, sale):
                if actor.confirm_suggested_followups:
                    next_draft = draft_followup(actor, sale, upcoming.id)
                else:
                    created = create_followup_from_suggestion(actor, sale.pk, upcoming.id)
                    guide = sale_guide(sale)
        if guide.has_guide:
            advance_to = progress.advance_offer(guide.on_guide, guide.auto_advance)
    return Completion(activity, next_draft, created, advance_to)


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

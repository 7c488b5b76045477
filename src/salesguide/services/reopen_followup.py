"""The follow-up a stalled sale proposes on its re-open date (SPEC 3.8): what it is, when it starts, and what it
says — why the sale waits and where it stood, so whoever picks it up again knows. Nothing is created here; the
user saves the proposal (as any activity) or skips it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext

from salesguide.domain import selling
from salesguide.models import Sale, StageChange, User
from salesguide.queries.sales import followup_activity_type
from salesguide.services import lists
from salesguide.services.clock import at_time_for, zone_of

REOPEN_FOLLOWUP_TIME = dt.time(9, 0)


@dataclass(frozen=True)
class ReopenFollowupProposal:
    activity_type_id: int
    title: str
    start: dt.datetime
    duration_minutes: int
    text: str = ""


def reopen_followup_text(
    title: str, *, reason: str = "", stage: str = "", stalled_on: dt.date | None = None, reopen_date: dt.date
) -> str:
    """What the follow-up on the re-open date says, so whoever picks the sale up again knows why it waited and
    where it stood: when and in which stage it was stalled, the reason, and what to do on the day."""
    facts = {
        "title": title,
        "stage": stage,
        "stalled_on": formats.date_format(stalled_on, "DATE_FORMAT") if stalled_on else "",
        "reopen_date": formats.date_format(reopen_date, "DATE_FORMAT"),
    }
    if stage and stalled_on:
        first = gettext("“%(title)s” was stalled on %(stalled_on)s in the stage “%(stage)s”.")
    elif stalled_on:
        first = gettext("“%(title)s” was stalled on %(stalled_on)s.")
    elif stage:
        first = gettext("“%(title)s” was stalled in the stage “%(stage)s”.")
    else:
        first = gettext("“%(title)s” was stalled.")
    lines = [first % facts]
    if reason:
        lines.append(gettext("Reason: %(reason)s") % {"reason": reason})
    lines.append(
        gettext(
            "It waits until %(reopen_date)s. Check whether the reason still holds, then reopen the sale and plan "
            "its next step."
        )
        % facts
    )
    return "\n".join(lines)


def propose_reopen_followup(
    actor: User,
    title: str,
    reopen_date: dt.date,
    *,
    reason: str = "",
    stage: str = "",
    stalled_on: dt.date | None = None,
) -> ReopenFollowupProposal | None:
    """SPEC 3.8: stalling a sale proposes a follow-up on its re-open date — a phone call (else the first live
    activity type) at 09:00 in the acting user's time zone, whichever door asked, with a text that carries the
    reason and where the sale stood (``reopen_followup_text``). Nothing is created; the user saves or skips it."""
    activity_type = followup_activity_type()
    if activity_type is None:
        return None
    start = at_time_for(actor, reopen_date, REOPEN_FOLLOWUP_TIME)
    return ReopenFollowupProposal(
        activity_type_id=activity_type.pk,
        title=gettext("Re-open: %(title)s") % {"title": title},
        start=start,
        duration_minutes=activity_type.default_duration_minutes,
        text=reopen_followup_text(title, reason=reason, stage=stage, stalled_on=stalled_on, reopen_date=reopen_date),
    )


def propose_reopen_followup_for(actor: User, sale_id: int) -> ReopenFollowupProposal | None:
    """The follow-up a stalled sale proposes, from the sale as stored: its title, re-open date, stall reason, the
    stage it waits in and the day it was stalled (its last "stalled" history row, on the actor's calendar).
    None when the sale is not stalled, or there is no activity type to propose."""
    sale = Sale.objects.select_related("reason", "stage").filter(pk=sale_id).first()
    if sale is None:
        raise lists.not_found(Sale, sale_id)
    if sale.status != selling.SaleStatus.STALLED or sale.reopen_date is None:
        return None
    stalled_at = (
        StageChange.objects.filter(sale=sale, kind=selling.ChangeKind.STALLED)
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )
    return propose_reopen_followup(
        actor,
        sale.title,
        sale.reopen_date,
        reason=sale.reason.name if sale.reason is not None else "",
        stage=sale.stage.name if sale.stage is not None else "",
        stalled_on=stalled_at.astimezone(zone_of(actor)).date() if stalled_at is not None else None,
    )

"""Next steps as the web shows them (SPEC 6.1): each ranked step's words in the user's language, and where its
one-click action goes — the pages that already do it (the guide's create forms, the activity form, the move and
close dialogs). Which steps there are is the domain's (``domain.next_steps``), read by ``queries.next_steps``;
whether the user may act on them is ``services.permissions.may_change_sale``'s."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from salesguide.domain.next_steps import Action, ActionKind, NextStep, StepKind
from salesguide.wording import in_language

# Short names of the kinds, for a badge (the board's) and beside each step.
KIND_LABELS: dict[StepKind, Promise] = {
    StepKind.OVERDUE: gettext_lazy("Overdue"),
    StepKind.REQUIRED: gettext_lazy("Required"),
    StepKind.NOTHING_PLANNED: gettext_lazy("Nothing planned"),
    StepKind.TOO_LONG_IN_STAGE: gettext_lazy("Too long in stage"),
    StepKind.MOVE_ON: gettext_lazy("Move on"),
    StepKind.CLOSE: gettext_lazy("Close as sold"),
    StepKind.GUIDE_STEP: gettext_lazy("Guide step"),
    StepKind.DOCUMENT: gettext_lazy("Document"),
}
# Badge colours: what is late or blocks in red, what is missing in amber, the rest informative.
KIND_BADGES: dict[StepKind, str] = {
    StepKind.OVERDUE: "badge--danger",
    StepKind.REQUIRED: "badge--warning",  # as the guide and the move dialog mark a required item
    StepKind.NOTHING_PLANNED: "badge--warning",
    StepKind.TOO_LONG_IN_STAGE: "badge--warning",
}
ACTION_LABELS: dict[ActionKind, Promise] = {
    ActionKind.OPEN_ACTIVITY: gettext_lazy("Open the activity"),
    ActionKind.CREATE_FOLLOWUP: gettext_lazy("Create follow-up"),
    ActionKind.CREATE_DOCUMENT: gettext_lazy("Create document"),
    ActionKind.MOVE: gettext_lazy("Move on"),
    ActionKind.CLOSE_AS_SOLD: gettext_lazy("Close as sold"),
    ActionKind.PLAN_ACTIVITY: gettext_lazy("Plan activity"),
}


@dataclass(frozen=True)
class StepView:
    kind: str
    label: str
    badge: str
    text: str
    reason: str
    due: dt.datetime | None
    action_url: str | None
    action_label: str | None


def _with_next(url: str, back: str) -> str:
    return f"{url}?{urlencode({'next': back})}"


def action_url(sale_id: int, action: Action, back: str) -> str:
    """The page that does ``action`` on sale ``sale_id``; ``back``: where to return after it."""
    target = action.target_id or 0
    if action.kind == ActionKind.OPEN_ACTIVITY:
        return _with_next(reverse("activities:edit", args=[target]), back)
    if action.kind == ActionKind.CREATE_FOLLOWUP:
        return reverse("sales:sale_guide:followup_create", args=[sale_id, target])
    if action.kind == ActionKind.CREATE_DOCUMENT:
        return reverse("sales:sale_guide:document_create", args=[sale_id, target])
    if action.kind == ActionKind.MOVE:
        return _with_next(reverse("sales:move_on", args=[sale_id, target]), back)
    if action.kind == ActionKind.CLOSE_AS_SOLD:
        return reverse("sales:sold", args=[sale_id])
    return reverse("sales:activity_new", args=[sale_id])


def step_view(sale_id: int, step: NextStep, *, may_act: bool, back: str) -> StepView:
    """A step as a page shows it; its action only for someone who may change the sale."""
    action = step.action if may_act else None
    return StepView(
        kind=step.kind.value,
        label=str(KIND_LABELS[step.kind]),
        badge=KIND_BADGES.get(step.kind, "badge--info"),
        text=in_language(step.text),
        reason=in_language(step.reason),
        due=step.due,
        action_url=action_url(sale_id, action, back) if action is not None else None,
        action_label=str(ACTION_LABELS[action.kind]) if action is not None else None,
    )

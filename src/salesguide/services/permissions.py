"""Who may do what (SPEC 7), and which actions a sale allows now — decided here once. The services enforce these
predicates (``require_*``); the web pages, their templates and the API ask the same predicates what to offer,
so a button is shown exactly when pressing it would not be refused for who is asking or for the sale's state.

Everyone logged in reads everything. A sale is changed by its owner, a manager or an administrator; an activity
or a document also by its own owner. Administrators alone change the configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from salesguide.domain import selling
from salesguide.domain.errors import Message, NotAllowed, gettext_noop
from salesguide.models import Activity, Document, Role, Sale, User


def require_admin(actor: User) -> None:
    """Only administrators change configuration (SPEC 7)."""
    if not (actor.is_authenticated and actor.is_active and actor.role == Role.ADMIN):
        raise NotAllowed(Message(gettext_noop("Only administrators can change the configuration.")))


def require_user(actor: User) -> None:
    if not (actor.is_authenticated and actor.is_active):
        raise NotAllowed(Message(gettext_noop("Log in first.")))


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def may_choose_owner(user: User) -> bool:
    """Whether ``user`` may make a sale someone else's, creating it for them or handing it over: managers and
    administrators do; a salesperson's sales are their own."""
    return _active(user) and user.role in (Role.ADMIN, Role.MANAGER)


def may_override_exit_criteria(user: User) -> bool:
    """Whether ``user`` may move a sale on while required items of its stage are not done, in block mode and with
    a reason (SPEC 6.3): managers and administrators; a salesperson does the items first."""
    return _active(user) and user.role in (Role.ADMIN, Role.MANAGER)


def may_change_sale(user: User, sale: Sale) -> bool:
    """Salespeople see all sales but change only their own; managers and administrators change every sale
    (SPEC 7). Changing a sale includes planning activities and adding documents on it."""
    return _active(user) and (user.role in (Role.ADMIN, Role.MANAGER) or sale.owner_id == user.pk)


def require_change_sale(actor: User, sale: Sale) -> None:
    require_user(actor)
    if not may_change_sale(actor, sale):
        raise NotAllowed(Message(gettext_noop("Only the owner of this sale or a manager can change it.")))


def may_change_activity(user: User, activity: Activity) -> bool:
    """Its owner, a manager or an administrator, or whoever may change its sale. Reads ``activity.sale`` only
    when the owner is someone else: select it with the activity where that is common (lists of others')."""
    if not _active(user):
        return False
    if user.role in (Role.ADMIN, Role.MANAGER) or activity.owner_id == user.pk:
        return True
    return activity.sale_id is not None and activity.sale is not None and may_change_sale(user, activity.sale)


def may_change_item_on(user: User, sale: Sale, owner_id: int | None) -> bool:
    """``may_change_activity`` / ``may_change_document`` for an item of ``sale`` owned by ``owner_id``, when only
    those are read (the guide tab's rows)."""
    return _active(user) and (
        user.role in (Role.ADMIN, Role.MANAGER) or owner_id == user.pk or may_change_sale(user, sale)
    )


def require_change_activity(actor: User, activity: Activity) -> None:
    require_user(actor)
    if not may_change_activity(actor, activity):
        raise NotAllowed(Message(gettext_noop("Only the owner of this activity or a manager can change it.")))


def may_change_document(user: User, document: Document) -> bool:
    """As an activity: its owner, a manager or an administrator, or whoever may change its sale."""
    if not _active(user):
        return False
    if user.role in (Role.ADMIN, Role.MANAGER) or document.owner_id == user.pk:
        return True
    return document.sale_id is not None and document.sale is not None and may_change_sale(user, document.sale)


DocumentChange = Literal["change", "regenerate", "delete"]
_DOCUMENT_REFUSALS: dict[str, str] = {
    "change": gettext_noop("Only the owner of this document or a manager can change it."),
    "regenerate": gettext_noop("Only the owner of this document or a manager can generate it again."),
    "delete": gettext_noop("Only the owner of this document or a manager can delete it."),
}


def require_change_document(actor: User, document: Document, change: DocumentChange = "change") -> None:
    """``change`` only picks the words of the refusal; the rule is the same for each."""
    require_user(actor)
    if not may_change_document(actor, document):
        raise NotAllowed(Message(_DOCUMENT_REFUSALS[change]))


# --- the actions a sale allows now -----------------------------------------------------------------------------


def sale_state(sale: Sale) -> selling.SaleState:
    """A sale as the rules of selling see it."""
    return selling.SaleState(
        stage_id=sale.stage_id,
        probability=sale.probability,
        status=selling.SaleStatus(sale.status),
        probability_is_manual=sale.probability_is_manual,
        stage_when_closed_id=sale.stage_when_closed_id,
        completed=sale.completed,
    )


@dataclass(frozen=True)
class SaleActions:
    """What ``user`` may do to a sale now: allowed by its state (``selling.actions_for``) and by who they are
    (``may_change_sale``). A door offers an action only when it is true here."""

    edit: bool
    move: bool
    set_probability: bool
    reset_probability: bool
    change_type: bool
    sold: bool
    lost: bool
    stall: bool
    reopen: bool
    complete: bool
    uncomplete: bool
    create_from_suggestion: bool
    delete: bool


def allowed_actions(user: User, sale: Sale) -> SaleActions:
    """Reads only the sale's own columns: no query, also for every row of a list."""
    allowed = selling.actions_for(sale_state(sale)) if may_change_sale(user, sale) else frozenset()
    return SaleActions(**{action.value: action in allowed for action in selling.SaleAction})

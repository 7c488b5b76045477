from __future__ import annotations

from salesguide.domain.errors import Message, NotAllowed, gettext_noop
from salesguide.models import Role, User


def require_admin(actor: User) -> None:
    """Only administrators change configuration (SPEC 7)."""
    if not (actor.is_authenticated and actor.is_active and actor.role == Role.ADMIN):
        raise NotAllowed(Message(gettext_noop("Only administrators can change the configuration.")))


def require_user(actor: User) -> None:
    if not (actor.is_authenticated and actor.is_active):
        raise NotAllowed(Message(gettext_noop("Log in first.")))

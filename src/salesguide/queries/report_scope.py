"""Whose sales the board, the reports and the home page count (SPEC 4.9).

A manager and an administrator see everyone by default; a salesperson sees their own by default and may look at
the team's (every sale is readable by every user, SPEC 7; only changing is limited). One decision for every
door: the web's owner picker, the API's ``owner``/``team`` parameters and the home page all come here.
"""

from __future__ import annotations

from salesguide.models import User
from salesguide.models.accounts import Role


def sees_everyone_by_default(viewer: User) -> bool:
    return viewer.role in (Role.ADMIN, Role.MANAGER)


def owner_scope(viewer: User, *, owner: int | None = None, team: bool = False) -> int | None:
    """The owner whose sales are counted, or None for everyone. An explicit ``owner`` wins; ``team`` asks for
    everyone; otherwise a salesperson gets their own and a manager or administrator everyone."""
    if owner is not None:
        return owner
    if team or sees_everyone_by_default(viewer):
        return None
    return viewer.pk

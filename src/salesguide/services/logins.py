"""Who can log in to an installation that ``make run`` just started, for the message it prints (issue 9, item 26):
the administrators, and the demo's sales manager and salespeople.

The demo loads its users without a usable password, and passwords are stored only as hashes, so a password can be
shown only when it is set. ``prepare_logins`` sets one where there is none (an administrator is created when
there is none), and says which ones it set: those are shown this once; the others are the ones shown before.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from salesguide.models import Role, User
from salesguide.services.accounts import create_user_unchecked, generate_password
from salesguide.services.demo import demo_data_loaded
from salesguide.services.demo_data import USERS
from salesguide.services.starter import default_language

ADMIN_USERNAME = "admin"


@dataclass(frozen=True)
class Login:
    """One user to log in as. ``password`` is set only when it was set now, the one moment it can be shown."""

    username: str
    role: str
    password: str | None = None


def demo_usernames() -> tuple[str, ...]:
    """The demo's user names (the same in every language), the sales manager first."""
    names: dict[str, None] = {}
    for users in USERS.values():
        for username, _role, _first, _last in users:
            names[username] = None
    return tuple(names)


@transaction.atomic
def prepare_logins(language: str | None = None) -> list[Login]:
    """The active administrators and, when the demo data is loaded, the active demo users, each ready to log in
    with: an administrator ``admin`` is created when there is none (in ``language``, default the installation's),
    and a demo user without a usable password gets a generated one."""
    logins: list[Login] = []
    admins = list(User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk"))
    if admins:
        logins += [Login(admin.username, admin.role) for admin in admins]
    else:
        admin, password = create_user_unchecked(
            username=ADMIN_USERNAME, role=Role.ADMIN, language=language or default_language()
        )
        logins.append(Login(admin.username, admin.role, password))
    if not demo_data_loaded():
        return logins
    listed = {login.username.lower() for login in logins}
    for username in demo_usernames():
        user = User.objects.filter(username__iexact=username, is_active=True).first()
        if user is None or user.username.lower() in listed:
            continue
        if user.has_usable_password():
            logins.append(Login(user.username, user.role))
            continue
        password = generate_password()
        user.set_password(password)
        user.save(update_fields=["password"])
        logins.append(Login(user.username, user.role, password))
    return logins

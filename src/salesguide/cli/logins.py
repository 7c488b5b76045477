"""``salesguide logins``: how to log in to the installation ``make run`` starts (issue 9, item 26) — its address,
the administrator and the demo users with their passwords where they were set just now — in the installation's
language, whatever language the shell that started it speaks."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from salesguide.cli.errors import domain_errors_as_command_errors
from salesguide.models import Role
from salesguide.services.logins import Login, prepare_logins


def _program() -> str:
    """How the operator ran the command line (``.venv/bin/salesguide`` from ``make run``), to name it back."""
    program = sys.argv[0] if sys.argv else ""
    return program if Path(program).name == "salesguide" else "salesguide"


class LoginsCommand(BaseCommand):
    help = (
        "Print the address and the users to log in with: the administrators and the demo users. Creates the "
        "administrator “admin” when there is none and gives demo users without a password one; a password is "
        "printed only when it was set now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="The address the app is served on.")

    def handle(self, *args: Any, **options: Any) -> None:
        with domain_errors_as_command_errors():
            logins = prepare_logins()
        with translation.override(settings.LANGUAGE_CODE):
            self.stdout.write(self._message(options["url"], logins))

    def _message(self, url: str, logins: list[Login]) -> str:
        roles = [str(Role(login.role).label) for login in logins]
        role_width = max(len(role) for role in roles)
        name_width = max(len(login.username) for login in logins)
        lines = [_("Open %(url)s and log in as one of these users:") % {"url": url}, ""]
        for login, role in zip(logins, roles, strict=True):
            if login.password is None:
                password = _("password: as shown when it was set")
            else:
                password = _("password: %(password)s") % {"password": login.password}
            lines.append(f"  {role.ljust(role_width)}  {login.username.ljust(name_width)}  {password}")
        lines.append("")
        if any(login.password is not None for login in logins):
            lines.append(_("Note the new passwords: they are shown only this once."))
        lines.append(
            _("Forgot a password? Set a new one with: %(program)s changepassword <user name>") % {"program": _program()}
        )
        return "\n".join(lines)

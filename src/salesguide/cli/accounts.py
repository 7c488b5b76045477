"""``salesguide createuser``, ``salesguide token create`` and ``salesguide ensureadmin``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from salesguide.cli.errors import domain_errors_as_command_errors
from salesguide.models import Role, User
from salesguide.services.accounts import LANGUAGES, create_token, create_user_unchecked


def _default_language() -> str:
    language = str(settings.LANGUAGE_CODE).split("-")[0]
    return language if language in LANGUAGES else "en"


class CreateUserCommand(BaseCommand):
    help = "Create a user. Prints a generated password when none is given."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--password", help="The password; a strong one is generated when left out.")
        parser.add_argument("--language", choices=LANGUAGES, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        with domain_errors_as_command_errors():
            user, password = create_user_unchecked(
                username=options["username"],
                role=options["role"],
                language=options["language"] or _default_language(),
                password=options["password"],
            )
        self.stdout.write(
            _("Created the user “%(name)s” (%(role)s).") % {"name": user.username, "role": user.get_role_display()}
        )
        if options["password"] is None:
            self.stdout.write(_("Password: %(password)s") % {"password": password})


class TokenCommand(BaseCommand):
    help = "Create an API bearer token for a user. The token is printed alone on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create}")
        create = actions.add_parser("create", help="Create a new token.")
        create.add_argument("username")
        create.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username__iexact=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(_("There is no active user “%(name)s”.") % {"name": options["username"]})
        with domain_errors_as_command_errors():
            _token, key = create_token(user, options["name"])
        self.stdout.write(
            _("Created an API token for “%(name)s”. It is shown only this once:") % {"name": user.username}
        )
        self.stdout.write(key)


class EnsureAdminCommand(BaseCommand):
    help = "Create the user “admin” with a generated password if there is no active administrator."

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(role=Role.ADMIN, is_active=True).exists():
            self.stdout.write(_("An administrator already exists."))
            return
        with domain_errors_as_command_errors():
            user, password = create_user_unchecked(username="admin", role=Role.ADMIN, language=_default_language())
        self.stdout.write(_("Created an administrator. Note the password: it is shown only this once."))
        self.stdout.write(_("User name: %(name)s") % {"name": user.username})
        self.stdout.write(_("Password: %(password)s") % {"password": password})

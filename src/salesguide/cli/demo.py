"""``salesguide demo``: the starter guides, then the demo data (companies, contacts, users and sales)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from salesguide.cli.errors import domain_errors_as_command_errors
from salesguide.services.demo import load_demo_data
from salesguide.services.starter import LANGUAGES, default_language, load_starter_guides


class DemoCommand(BaseCommand):
    help = (
        "Load the starter guides with their lists and templates, and the demo data. Running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--language", choices=LANGUAGES, default=None, help="Default: the installation's language.")

    def handle(self, *args: Any, **options: Any) -> None:
        language = options["language"] or default_language()
        with domain_errors_as_command_errors():
            loaded = load_starter_guides(language)
        if not loaded:
            self.stdout.write(_("The starter guides are already loaded."))
        for sale_type in loaded:
            self.stdout.write(_("Loaded the starter guide “%(name)s”.") % {"name": sale_type.name})
        with domain_errors_as_command_errors():
            demo = load_demo_data(language)
        if not demo.loaded:
            self.stdout.write(_("The demo data is already loaded."))
            return
        self.stdout.write(
            _(
                "Loaded the demo data: %(companies)d companies, %(contacts)d contacts, %(sales)d sales with "
                "%(activities)d activities and %(documents)d documents, for the users %(users)s."
            )
            % {
                "companies": demo.companies,
                "contacts": demo.contacts,
                "sales": demo.sales,
                "activities": demo.activities,
                "documents": demo.documents,
                "users": ", ".join(demo.users),
            }
        )

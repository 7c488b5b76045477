"""``salesguide guide export <sale type> [-o FILE]`` and ``salesguide guide import <FILE>``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from salesguide.cli.errors import domain_errors_as_command_errors, one_line, problem_line
from salesguide.domain.errors import DomainError, ValidationFailed
from salesguide.services.guide_files import export_guide, find_sale_type, import_guide_unchecked


class GuideCommand(BaseCommand):
    help = "Export a sale type's guide to a YAML file, or import a guide file."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{export,import}")
        export = actions.add_parser("export", help="Write the guide of a sale type as YAML.")
        export.add_argument("sale_type", help="The sale type's name or id.")
        export.add_argument("-o", "--output", help="Write to this file instead of standard output.")
        load = actions.add_parser("import", help="Import a guide file; all or nothing.")
        load.add_argument("file", help="The YAML guide file.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self.export(options["sale_type"], options.get("output"))
        else:
            self.load(options["file"])

    def export(self, reference: str, output: str | None) -> None:
        with domain_errors_as_command_errors():
            sale_type = find_sale_type(reference)
            text = export_guide(sale_type)
        if not output:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_bytes(text.encode("utf-8"))
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s") % {"file": output, "reason": error.strerror}
            ) from None
        self.stdout.write(_("Exported the guide of “%(name)s” to %(file)s.") % {"name": sale_type.name, "file": output})

    def load(self, file: str) -> None:
        try:
            content = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": error.strerror}
            ) from None
        try:
            sale_type = import_guide_unchecked(content)
        except ValidationFailed as error:
            # Every problem on its own line, with its line in the file; the exit message counts them.
            for problem in error.problems:
                self.stderr.write(problem_line(problem))
            count = len(error.problems)
            raise CommandError(
                ngettext(
                    "The guide was not imported: %(count)d problem.",
                    "The guide was not imported: %(count)d problems.",
                    count,
                )
                % {"count": count}
            ) from None
        except DomainError as error:
            raise CommandError(one_line(error)) from None
        self.stdout.write(
            _("Imported the guide “%(name)s” (sale type %(id)d).") % {"name": sale_type.name, "id": sale_type.pk}
        )

"""``salesguide import <companies|contacts|sales> FILE [--dry-run] [--as USERNAME]``: the import of the web page
and the API (``services.imports.import_file``) from the command line, with a progress bar on standard error.

All or nothing: exit status 0 with one line saying what was done, or every problem on standard error (row,
column, message) and a non-zero exit with nothing written. The import acts as ``--as`` (default: the first
active administrator), whose rights decide whose sales may be imported.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from salesguide.cli.errors import domain_errors_as_command_errors
from salesguide.domain.file_columns import IMPORTABLE
from salesguide.services.imports import ImportProblem, ImportResult, import_file, importing_user


def problem_text(problem: ImportProblem) -> str:
    message = problem.message.render(_)
    if problem.row == 0:
        return message
    if not problem.column:
        return _("Row %(row)d: %(message)s") % {"row": problem.row, "message": message}
    return _("Row %(row)d, %(column)s: %(message)s") % {
        "row": problem.row,
        "column": problem.column,
        "message": message,
    }


def summary(result: ImportResult) -> str:
    counts = {"rows": result.rows, "created": result.created, "updated": result.updated}
    if result.dry_run:
        return (
            ngettext(
                "Dry run: %(rows)d row checked, no problems: %(created)d would be created and %(updated)d updated.",
                "Dry run: %(rows)d rows checked, no problems: %(created)d would be created and %(updated)d updated.",
                result.rows,
            )
            % counts
        )
    return (
        ngettext(
            "Imported %(rows)d row: %(created)d created, %(updated)d updated.",
            "Imported %(rows)d rows: %(created)d created, %(updated)d updated.",
            result.rows,
        )
        % counts
    )


class ImportCommand(BaseCommand):
    help = "Import companies, contacts or sales from a CSV or XLSX file; all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=IMPORTABLE, help="What the file holds.")
        parser.add_argument("file", help="The .csv or .xlsx file; its first row names the columns (Dutch or English).")
        parser.add_argument("--dry-run", action="store_true", help="Check every row and write nothing.")
        parser.add_argument(
            "--as", dest="username", help="Import as this user (default: the first active administrator)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        with domain_errors_as_command_errors():
            user = importing_user(options.get("username"))
        try:
            file = path.open("rb")
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": error.strerror}
            ) from None
        # The bar goes to standard error, so standard output keeps only the summary a script reads.
        console = Console(file=cast(IO[str], getattr(self.stderr, "_out", sys.stderr)), stderr=True)
        bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.completed:,} " + _("rows")),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            # Only on a terminal: a script's log gets the problems and the summary, not a bar's leftovers.
            disable=not console.is_terminal,
        )
        with file, bar, domain_errors_as_command_errors():
            task = bar.add_task(_("Checking and importing"), total=None)
            result = import_file(
                user,
                options["kind"],
                file,
                path.name,
                dry_run=options["dry_run"],
                progress=lambda done: bar.update(task, completed=done),
            )
        if result.problems:
            for problem in result.problems:
                self.stderr.write(problem_text(problem))
            count = len(result.problems)
            raise CommandError(
                ngettext("Nothing was imported: %(count)d problem.", "Nothing was imported: %(count)d problems.", count)
                % {"count": count}
            )
        for warning in result.warnings:
            self.stdout.write(_("Warning: %(text)s") % {"text": problem_text(warning)})
        self.stdout.write(summary(result))

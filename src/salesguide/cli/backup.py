"""``salesguide backup FILE`` and ``salesguide restore FILE [--force]``: thin doors onto services/backup.py, with
a progress bar on stderr when stderr is a terminal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from salesguide.cli.errors import domain_errors_as_command_errors
from salesguide.services import backup
from salesguide.services.backup import BackupSummary


@contextmanager
def progress_bar(stream: TextIO) -> Iterator[backup.Progress]:
    """A callback that shows one bar per table (and one for the files) on ``stream``, when it is a terminal."""
    if not stream.isatty():
        yield backup.no_progress
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(file=stream),
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def show(part: str, done: int, total: int) -> None:
            # One bar at a time: the table (or the files) being written or read now.
            if part not in tasks:
                for finished in tasks.values():
                    bar.remove_task(finished)
                tasks.clear()
                tasks[part] = bar.add_task(part, total=total)
            bar.update(tasks[part], completed=done, total=total)

        yield show


def _stream(wrapper: Any) -> TextIO:
    # Django's OutputWrapper adds a newline to every write; the bar needs the stream underneath.
    return getattr(wrapper, "_out", wrapper)  # type: ignore[no-any-return]


def _summary(summary: BackupSummary) -> dict[str, int]:
    return {"tables": summary.tables, "rows": summary.rows, "files": summary.files}


class BackupCommand(BaseCommand):
    help = "Write the database and the uploaded files to one file, while the app keeps serving."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The backup file to write (a zip file; it is replaced if it exists).")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["file"])
        try:
            with domain_errors_as_command_errors(), progress_bar(_stream(self.stderr)) as progress:
                summary = backup.write_backup(target, progress=progress)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s") % {"file": target, "reason": error.strerror or error}
            ) from None
        self.stdout.write(
            _("Backed up to %(file)s — tables: %(tables)d, rows: %(rows)d, files: %(files)d.")
            % {**_summary(summary), "file": target}
        )


class RestoreCommand(BaseCommand):
    help = "Restore a backup file into an empty installation (or, with --force, in place of all its data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The backup file written by “salesguide backup”.")
        parser.add_argument(
            "--force", action="store_true", help="Replace the data this installation holds by the backup's."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        try:
            with domain_errors_as_command_errors(), progress_bar(_stream(self.stderr)) as progress:
                summary = backup.restore_backup(source, force=options["force"], progress=progress)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": source, "reason": error.strerror or error}
            ) from None
        self.stdout.write(
            _("Restored from %(file)s — tables: %(tables)d, rows: %(rows)d, files: %(files)d.")
            % {**_summary(summary), "file": source}
        )

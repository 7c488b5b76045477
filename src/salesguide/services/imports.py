"""Importing companies, contacts and sales from CSV and XLSX files (issue 11): the one service behind the web
upload, ``POST /api/v1/imports/{kind}`` and ``salesguide import``.

All or nothing: every row is checked, and with any problem nothing changes; the result lists every problem by
row and column. The rows are checked and written in one pass inside one transaction, which is rolled back when
any row had a problem, and always on a dry run: nothing is committed unless every row passed, the database's
own constraints take part in the check, a dry run answers exactly what the import would, and the file is read
once (a million rows, with memory that does not grow with them). Rows match existing records so that importing
the same file twice changes nothing the second time (companies by id, registration number or name; contacts by
id or e-mail; sales by id or external reference). A sale may carry its stage and status: it is placed there
through the rules of selling with one history row saying it was imported.

Who may import: every active user imports companies and contacts (as they create them on the forms) and their
own sales; a sale owned by someone else — new or existing — needs a manager or an administrator, as on the card
(``services.permissions``). A refused row is a problem of that row, like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from salesguide.datafiles.reading import UnreadableFile, read_sheet
from salesguide.domain.errors import Message, NotFound, gettext_noop
from salesguide.domain.file_columns import COLUMNS, IMPORTABLE, FileKind
from salesguide.domain.file_values import ValueProblem, match_headers, parse_value
from salesguide.models import Role, User
from salesguide.services.import_customers import import_companies, import_contacts
from salesguide.services.import_problems import ImportProblem, ProblemList
from salesguide.services.import_sales import import_sales
from salesguide.services.permissions import require_user

__all__ = ["ImportProblem", "ImportResult", "Progress", "import_file", "import_rows", "importing_user"]


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    updated: int
    problems: list[ImportProblem] = field(default_factory=list)
    dry_run: bool = False
    # Rows written with a word to say (a move past required items in warn mode, SPEC 6.3).
    warnings: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# ``progress(rows_done)`` is called now and then while rows are checked and written (the CLI's progress bar).
Progress = Callable[[int], None]
# A row as the importers take it: its number in the file and its values by column key, already parsed.
ImportRow = tuple[int, Mapping[str, Any]]
PROGRESS_EVERY = 1_000

_IMPORTERS = {"companies": import_companies, "contacts": import_contacts, "sales": import_sales}


def _ticker(progress: Progress | None) -> Callable[[int], None]:
    def tick(done: int) -> None:
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)

    return tick


def import_rows(
    actor: User,
    kind: FileKind,
    rows: Iterable[ImportRow],
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    problems: ProblemList | None = None,
) -> ImportResult:
    """Check and — unless ``dry_run`` or any problem — write rows already parsed (``import_file`` reads them
    from a file; the tests and other doors give them directly). ``problems`` may hold the file's own already
    (unknown columns, values that did not parse): they make the import fail like a row's."""
    require_user(actor)
    if kind not in IMPORTABLE:
        raise ValueError(f"not importable: {kind}")
    problems = problems if problems is not None else ProblemList(COLUMNS[kind])
    with transaction.atomic():
        count, created, updated = _IMPORTERS[kind](actor, rows, problems, _ticker(progress))
        if problems or dry_run:
            transaction.set_rollback(True)
    if progress is not None:
        progress(count)
    return ImportResult(count, created, updated, problems.listed(), dry_run, list(problems.warnings))


def _dutch_labels(kind: FileKind) -> dict[str, list[str]]:
    with translation.override("nl"):
        return {column.key: [gettext(column.label)] for column in COLUMNS[kind] if not column.export_only}


def import_file(
    actor: User,
    kind: FileKind,
    file: BinaryIO,
    filename: str,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Read ``file`` (CSV or XLSX, told apart by its content, ``filename`` as a hint), check every row and —
    unless ``dry_run`` or there is a problem — write them all in one transaction. Raises ``NotAllowed`` when
    ``actor`` may not import this kind; every problem with the file itself comes back in ``problems``."""
    require_user(actor)
    if kind not in IMPORTABLE:
        raise ValueError(f"not importable: {kind}")
    columns = tuple(column for column in COLUMNS[kind] if not column.export_only)
    try:
        sheet = read_sheet(file, filename)
    except UnreadableFile as error:
        return ImportResult(0, 0, 0, [ImportProblem(0, "", error.message)], dry_run)
    match = match_headers(columns, sheet.headers, _dutch_labels(kind))
    spelled = {key: sheet.headers[position] for key, position in match.positions.items()}
    problems = ProblemList(COLUMNS[kind], spelled)
    for header in match.unknown:
        problems.items.append(ImportProblem(1, header, Message(gettext_noop("This column is not known."))))
    for header in match.duplicates:
        problems.items.append(ImportProblem(1, header, Message(gettext_noop("This column appears more than once."))))
    parsed = _ParsedRows(sheet.rows, match.positions, columns, sheet.decimal_comma, problems)
    result = import_rows(actor, kind, parsed, dry_run=dry_run, progress=progress, problems=problems)
    return ImportResult(parsed.read, result.created, result.updated, result.problems, dry_run, result.warnings)


# Column kinds whose parsed values are immutable and repeat from row to row.
_REPEATING = frozenset({"reference", "status", "currency", "date", "bool"})
_MEMO_SIZE = 10_000


class _ParsedRows:
    """The sheet's rows with their cells parsed by the column's kind. A row with a value that does not parse
    has each such value listed and is not checked further (its other values may depend on it)."""

    def __init__(
        self,
        rows: Iterable[tuple[int, list[Any]]],
        positions: Mapping[str, int],
        columns: Iterable[Any],
        decimal_comma: bool | None,
        problems: ProblemList,
    ) -> None:
        kinds = {column.key: column.kind for column in columns}
        self._rows = rows
        self._wanted = [(key, position, kinds[key]) for key, position in positions.items()]
        self._decimal_comma = decimal_comma
        self._problems = problems
        self.read = 0

    def __iter__(self) -> Iterator[ImportRow]:
        decimal_comma, problems = self._decimal_comma, self._problems
        # Names, codes, statuses and dates repeat down a column: each distinct cell is parsed once (a bounded
        # memory per column, emptied when full, so it does not grow with the file).
        seen: dict[str, dict[Any, Any]] = {key: {} for key, _position, kind in self._wanted if kind in _REPEATING}
        for number, cells in self._rows:
            self.read += 1
            values: dict[str, Any] = {}
            bad = False
            width = len(cells)
            for key, position, kind in self._wanted:
                cell = cells[position] if position < width else None
                known = seen.get(key)
                if known is not None:
                    memo_key = (type(cell), cell)
                    if memo_key in known:
                        values[key] = known[memo_key]
                        continue
                try:
                    values[key] = parse_value(kind, cell, decimal_comma=decimal_comma)
                except ValueProblem as problem:
                    problems.add(number, key, problem.message)
                    bad = True
                    continue
                if known is not None:
                    if len(known) >= _MEMO_SIZE:
                        known.clear()
                    known[memo_key] = values[key]
            if not bad:
                yield number, values


def importing_user(username: str | None) -> User:
    """Who an import from the command line acts as: the active user named, or else the first active
    administrator (the operator runs it on the installation's behalf, and may import anyone's sales)."""
    users = User.objects.filter(is_active=True)
    user = users.filter(username=username).first() if username else users.filter(role=Role.ADMIN).order_by("id").first()
    if user is None:
        if username:
            raise NotFound(Message(gettext_noop("There is no active user “%(name)s”."), {"name": username}))
        raise NotFound(Message(gettext_noop("There is no active administrator to import as; name a user with --as.")))
    return user

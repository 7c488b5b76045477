"""The problems an import finds, by row and column (issue 11), and the collector that keeps them.

A problem names the column as the file spells its header, so a user finds it in their own spreadsheet; a
problem of the whole row has the column "". At most ``LISTED_MAX`` problems are kept: a file broken in every one
of a million rows would otherwise hold them all in memory; the rest are counted in one last line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from salesguide.domain.errors import DomainError, FieldProblem, Message, ValidationFailed, gettext_noop
from salesguide.domain.file_columns import FileColumn

LISTED_MAX = 1_000


@dataclass(frozen=True)
class ImportProblem:
    """One problem: the file's row number as a spreadsheet shows it (the header is row 1; 0 for the file as a
    whole), the column's header as the file spells it ("" for the row or the file), and what is wrong."""

    row: int
    column: str
    message: Message


class ProblemList:
    """Every problem of one import, in the order found."""

    def __init__(self, columns: Iterable[FileColumn], headers: Mapping[str, str] | None = None) -> None:
        self._labels = {column.key: column.label for column in columns}
        self._headers = dict(headers or {})
        self.items: list[ImportProblem] = []
        self.unlisted = 0
        # What was written but deserves a word (a move past required items in warn mode, SPEC 6.3): not a
        # problem, so the import goes ahead; listed up to the same limit.
        self.warnings: list[ImportProblem] = []

    def __bool__(self) -> bool:
        return bool(self.items)

    def header(self, key: str) -> str:
        """The column's header as the file spells it, or its English label when the file has no such column."""
        if not key:
            return ""
        return self._headers.get(key) or self._labels.get(key, key)

    def add(self, row: int, key: str, message: Message) -> None:
        if len(self.items) < LISTED_MAX:
            self.items.append(ImportProblem(row, self.header(key), message))
        else:
            self.unlisted += 1

    def warn(self, row: int, key: str, message: Message) -> None:
        if len(self.warnings) < LISTED_MAX:
            self.warnings.append(ImportProblem(row, self.header(key), message))

    def add_error(self, row: int, error: DomainError, keys: Mapping[str, str] | None = None) -> None:
        """A service's refusal of one row: each field problem at its column (``keys`` maps a service's field
        name, such as ``contact_id``, to the file's column key), anything else at the row."""
        if isinstance(error, ValidationFailed):
            for problem in error.problems:
                self.add(row, self._column_of(problem, keys or {}), problem.message)
            return
        self.add(row, "", error.message)

    def _column_of(self, problem: FieldProblem, keys: Mapping[str, str]) -> str:
        name = str(problem.loc[-1]) if problem.loc else ""
        name = keys.get(name, name)
        return name if name in self._labels else ""

    def listed(self) -> list[ImportProblem]:
        if not self.unlisted:
            return list(self.items)
        more = Message(gettext_noop("… and %(count)d more problems not listed here."), {"count": self.unlisted})
        return [*self.items, ImportProblem(0, "", more)]

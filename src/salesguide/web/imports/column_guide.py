"""The column guide on the import page: for each kind of file, the headers it accepts in the user's language,
the other spellings that work too, and what to write in each column — read from ``domain.file_columns``, the
definition the import itself matches headers by, so the guide cannot promise a header the import refuses."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from salesguide.domain.file_columns import COLUMNS, IMPORTABLE, ColumnKind, FileColumn, FileKind

KIND_NAMES: dict[FileKind, Promise] = {
    "companies": _("Companies"),
    "contacts": _("Contacts"),
    "sales": _("Sales"),
}

# How rows find the records they update, so that importing the same file twice changes nothing the second time.
MATCHED_BY: dict[FileKind, Promise] = {
    "companies": _("A row updates the company with the same id, registration number or name; other rows add one."),
    "contacts": _("A row updates the contact with the same id or e-mail address; other rows add one."),
    "sales": _("A row updates the sale with the same id or external reference; other rows add one."),
}

WHAT_TO_WRITE: dict[ColumnKind, Promise] = {
    "text": _("Text"),
    "int": _("A whole number"),
    "id": _("The id of a record to update"),
    "money": _("An amount: 1250.50 or 1.250,50"),
    "currency": _("A currency code such as EUR"),
    "date": _("A date: 31-12-2026 or 2026-12-31"),
    "datetime": _("A date and time: 31-12-2026 14:30"),
    "bool": _("Yes or no"),
    "status": _("Open, sold, lost or stalled"),
    "reference": _("A name or an id"),
}

# References say what they are found by (services.import_references looks them up the same way).
REFERENCE_BY: dict[str, Promise] = {
    "company": _("A company by name or registration number, or its id"),
    "contact": _("A contact by e-mail address or full name, or its id"),
    "sale_type": _("A sale type by name"),
    "stage": _("A stage by name"),
    "owner": _("A user by username or full name"),
}


@dataclass(frozen=True)
class GuideColumn:
    header: str
    also: list[str]
    what: str
    required: bool


@dataclass(frozen=True)
class GuideKind:
    kind: FileKind
    name: str
    matched_by: str
    columns: list[GuideColumn]


def column_guide() -> list[GuideKind]:
    """The guide for every kind that can be imported, in the active language."""
    return [
        GuideKind(
            kind,
            str(KIND_NAMES[kind]),
            str(MATCHED_BY[kind]),
            [_guide_column(column) for column in COLUMNS[kind] if not column.export_only],
        )
        for kind in IMPORTABLE
    ]


def _guide_column(column: FileColumn) -> GuideColumn:
    header = gettext(column.label)
    spellings = [column.label, *column.aliases]
    also = [spelling for spelling in dict.fromkeys(spellings) if spelling.casefold() != header.casefold()]
    what = REFERENCE_BY.get(column.key) if column.kind == "reference" else None
    return GuideColumn(header, also, str(what or WHAT_TO_WRITE[column.kind]), column.required)

"""The columns of the companies, contacts, sales and activities files (issue 11): one definition that the
export writes and the import reads, so an exported file imports back to the same data.

A column's ``label`` is an English msgid: the header in an English file; its Dutch translation is the header in
a Dutch file. The import accepts either (case and surrounding spaces ignored), and any of ``aliases`` (other
spellings people use, in both languages). ``kind`` says how a value is written and read:

- ``text``: as it is (trimmed on import);
- ``int``: a whole number; ``id``: a row's id (an update of that row on import when it exists);
- ``money``: major units in the file ("1250.50", "1.250,50" in a Dutch file), minor units inside;
- ``currency``: an ISO 4217 code;
- ``date``: ISO "2026-12-31" (also "31-12-2026" and "31/12/2026" on import), ``datetime`` ISO with offset;
- ``bool``: yes/no, ja/nee, true/false, 1/0;
- ``status``: a sale status (open, sold, lost, stalled, or its label in either language);
- ``reference``: another record by name (or id): company by name or registration number, contact by e-mail or
  full name, sale type, stage, activity type, reason and competitor by name, owner by username or full name.

``key`` is the name of the value in the rows the export reads and the import validates (``company`` for a
reference column holds the name; ``company_id`` is not a file column).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from salesguide.domain.errors import gettext_noop

ColumnKind = Literal["text", "int", "id", "money", "currency", "date", "datetime", "bool", "status", "reference"]
FileKind = Literal["companies", "contacts", "sales", "activities"]
IMPORTABLE: tuple[FileKind, ...] = ("companies", "contacts", "sales")
EXPORTABLE: tuple[FileKind, ...] = ("companies", "contacts", "sales", "activities")


@dataclass(frozen=True)
class FileColumn:
    key: str
    label: str  # English msgid
    kind: ColumnKind
    # Needed on a row that creates a record (an update may leave it out).
    required: bool = False
    # Written by the export but not read by the import (derived values such as a sale's probability source).
    export_only: bool = False
    aliases: tuple[str, ...] = ()


COMPANY_COLUMNS: tuple[FileColumn, ...] = (
    FileColumn("id", gettext_noop("Id"), "id"),
    FileColumn("name", gettext_noop("Name"), "text", required=True, aliases=("company", "bedrijf", "bedrijfsnaam")),
    FileColumn("org_number", gettext_noop("Registration number"), "text", aliases=("kvk", "kvk-nummer", "org number")),
    FileColumn("address", gettext_noop("Address"), "text", aliases=("street", "straat")),
    FileColumn("postal_code", gettext_noop("Postal code"), "text", aliases=("zip", "postcode")),
    FileColumn("city", gettext_noop("City"), "text", aliases=("town",)),
    FileColumn("country", gettext_noop("Country"), "text"),
    FileColumn("phone", gettext_noop("Phone"), "text", aliases=("telephone", "tel")),
    FileColumn("email", gettext_noop("E-mail"), "text", aliases=("email", "e-mail address")),
    FileColumn("website", gettext_noop("Website"), "text", aliases=("web", "url")),
    FileColumn("notes", gettext_noop("Notes"), "text"),
)

CONTACT_COLUMNS: tuple[FileColumn, ...] = (
    FileColumn("id", gettext_noop("Id"), "id"),
    FileColumn("first_name", gettext_noop("First name"), "text", aliases=("given name",)),
    FileColumn("last_name", gettext_noop("Last name"), "text", required=True, aliases=("surname", "family name")),
    FileColumn("company", gettext_noop("Company"), "reference"),
    FileColumn("title", gettext_noop("Job title"), "text", aliases=("function",)),
    FileColumn("email", gettext_noop("E-mail"), "text", aliases=("email", "e-mail address")),
    FileColumn("phone", gettext_noop("Phone"), "text", aliases=("telephone", "tel")),
)

SALE_COLUMNS: tuple[FileColumn, ...] = (
    FileColumn("id", gettext_noop("Id"), "id"),
    FileColumn("external_ref", gettext_noop("External reference"), "text", aliases=("reference", "ref")),
    FileColumn("title", gettext_noop("Title"), "text", required=True, aliases=("sale", "deal", "name")),
    FileColumn("sale_type", gettext_noop("Sale type"), "reference", required=True),
    FileColumn("company", gettext_noop("Company"), "reference"),
    FileColumn("contact", gettext_noop("Contact"), "reference"),
    FileColumn("owner", gettext_noop("Owner"), "reference"),
    FileColumn("amount", gettext_noop("Amount"), "money", aliases=("value",)),
    FileColumn("currency", gettext_noop("Currency"), "currency"),
    FileColumn("stage", gettext_noop("Stage"), "reference"),
    FileColumn("probability", gettext_noop("Probability"), "int"),
    FileColumn("status", gettext_noop("Status"), "status"),
    FileColumn("expected_date", gettext_noop("Expected date"), "date", aliases=("close date", "expected close")),
    FileColumn("closed_date", gettext_noop("Closed date"), "date"),
    FileColumn("description", gettext_noop("Description"), "text"),
)

ACTIVITY_COLUMNS: tuple[FileColumn, ...] = (
    FileColumn("id", gettext_noop("Id"), "id"),
    FileColumn("activity_type", gettext_noop("Activity type"), "reference"),
    FileColumn("title", gettext_noop("Title"), "text"),
    FileColumn("start", gettext_noop("Start"), "datetime"),
    FileColumn("duration_minutes", gettext_noop("Duration (minutes)"), "int"),
    FileColumn("owner", gettext_noop("Owner"), "reference"),
    FileColumn("sale", gettext_noop("Sale"), "reference"),
    FileColumn("company", gettext_noop("Company"), "reference"),
    FileColumn("contact", gettext_noop("Contact"), "reference"),
    FileColumn("completed_at", gettext_noop("Completed"), "datetime"),
    FileColumn("text", gettext_noop("Text"), "text"),
)

COLUMNS: dict[FileKind, tuple[FileColumn, ...]] = {
    "companies": COMPANY_COLUMNS,
    "contacts": CONTACT_COLUMNS,
    "sales": SALE_COLUMNS,
    "activities": ACTIVITY_COLUMNS,
}

"""The rows of the list files (issue 11): companies, contacts, sales and activities as the export writes them.

Each file is its list: the same read model with the same filters (``queries.customers``, ``queries.sale_list``,
``queries.activity_list``), in the same order, without paging. The columns are ``domain.file_columns`` (the
contract the import reads back). A million sales must not be held in memory: the rows are plain tuples read
with ``values_list(...).iterator()`` in chunks (no model instances), from one query with the references joined
in, and they are produced only while the file is being written.

References are written by name, as the import finds them: a company by its name, a contact by e-mail address
(unique enough to find them again; their full name when they have none), a sale type, stage and activity type by
name, an owner by user name, an activity's sale by its title. Times are in the reader's time zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models.functions import Lower

from salesguide.domain.errors import Message, NotFound, gettext_noop
from salesguide.domain.file_columns import COLUMNS, FileColumn, FileKind
from salesguide.models import Company, Role, Sale, SaleStatus, Stage, User
from salesguide.queries import activity_list, customers, sale_list

# Rows fetched from the database at a time; the file is written between fetches.
CHUNK_SIZE = 2000

# A file's title (the XLSX sheet's name): the list's name, translated when the file is written.
TITLES: dict[FileKind, str] = {
    "companies": gettext_noop("Companies"),
    "contacts": gettext_noop("Contacts"),
    "sales": gettext_noop("Sales"),
    "activities": gettext_noop("Activities"),
}


@dataclass(frozen=True)
class ListFile:
    """A list as a file's rows: ``rows`` runs its query when it is first iterated, and holds one chunk at a
    time. ``labels`` gives, per column key, the label (in the language active when the file was asked for) of
    each value that is written as a label (a sale's status)."""

    kind: FileKind
    columns: tuple[FileColumn, ...]
    rows: Iterator[tuple[Any, ...]]
    labels: dict[str, dict[Any, str]] = field(default_factory=dict)


def _plain_rows(
    queryset: models.QuerySet[Any], order: Sequence[Any], fields: Sequence[str]
) -> Iterator[tuple[Any, ...]]:
    yield from queryset.order_by(*order).values_list(*fields).iterator(chunk_size=CHUNK_SIZE)


def _contact_reference(email: str | None, first_name: str | None, last_name: str | None) -> str | None:
    if email:
        return email
    name = f"{first_name or ''} {last_name or ''}".strip()
    return name or None


def company_file(filters: customers.CompanyFilters) -> ListFile:
    """The company list (``q``) by name, ignoring case."""
    columns = COLUMNS["companies"]
    queryset = customers.companies(filters.q)
    rows = _plain_rows(queryset, (Lower("name"), "id"), [column.key for column in columns])
    return ListFile("companies", columns, rows)


def contact_file(filters: customers.ContactFilters) -> ListFile:
    """The contact list (``q``, ``company``) by last name, then first name."""
    columns = COLUMNS["contacts"]
    queryset = customers.contacts(filters.q, filters.company)
    fields = ["company__name" if column.key == "company" else column.key for column in columns]
    rows = _plain_rows(queryset, (Lower("last_name"), Lower("first_name"), "id"), fields)
    return ListFile("contacts", columns, rows)


_SALE_FIELDS = (
    "id",
    "external_ref",
    "title",
    "sale_type__name",
    "company__name",
    "contact__email",
    "contact__first_name",
    "contact__last_name",
    "owner__username",
    "amount",
    "currency",
    "stage__name",
    "probability",
    "status",
    "expected_date",
    "closed_date",
    "description",
)


def status_labels() -> dict[Any, str]:
    """Each sale status's label in the active language, looked up once for the whole file."""
    return {value: str(label) for value, label in SaleStatus.choices}


def sale_file(filters: sale_list.SaleFilters) -> ListFile:
    """The sale list (its filters), newest first."""
    columns = COLUMNS["sales"]
    assert [column.key for column in columns][5] == "contact", "the sale rows below follow SALE_COLUMNS"

    def rows() -> Iterator[tuple[Any, ...]]:
        for values in _plain_rows(sale_list.sales(filters), sale_list.SALE_ORDER, _SALE_FIELDS):
            yield (*values[:5], _contact_reference(*values[5:8]), *values[8:])

    return ListFile("sales", columns, rows(), {"status": status_labels()})


_ACTIVITY_FIELDS = (
    "id",
    "activity_type__name",
    "title",
    "start",
    "duration_minutes",
    "owner__username",
    "sale__title",
    "company__name",
    "contact__email",
    "contact__first_name",
    "contact__last_name",
    "completed_at",
    "text",
)


# The command line runs as the installation's operator, who may list everyone's activities (as an
# administrator may): an unsaved user that only ``activity_list.listed_owner`` looks at.
def operator() -> User:
    return User(username="", role=Role.ADMIN)


def activity_file(actor: User | None, filters: activity_list.ActivityFilters, *, now: dt.datetime) -> ListFile:
    """The activity list of ``actor`` (None: the operator, see ``operator``) with its filters and order; times in
    the time zone of ``now`` (the reader's)."""
    columns = COLUMNS["activities"]
    queryset = activity_list.activities(actor or operator(), filters, now=now)
    order = activity_list.LATEST_COMPLETED_FIRST if filters.completed else activity_list.BY_START
    zone = now.tzinfo or zoneinfo.ZoneInfo("UTC")

    def local(moment: dt.datetime | None) -> dt.datetime | None:
        return None if moment is None else moment.astimezone(zone)

    def rows() -> Iterator[tuple[Any, ...]]:
        for values in _plain_rows(queryset, order, _ACTIVITY_FIELDS):
            yield (
                *values[:3],
                local(values[3]),
                *values[4:8],
                _contact_reference(*values[8:11]),
                local(values[11]),
                values[12],
            )

    return ListFile("activities", columns, rows())


# --- filters named the way an operator types them ---------------------------------------------------------------

_NAMED: dict[str, tuple[type[models.Model], str, str]] = {
    "stage": (Stage, "name", gettext_noop("There is no stage “%(name)s”.")),
    "owner": (User, "username", gettext_noop("There is no user “%(name)s”.")),
    "company": (Company, "name", gettext_noop("There is no company “%(name)s”.")),
    "sale": (Sale, "title", gettext_noop("There is no sale “%(name)s”.")),
}


def named_id(what: str, reference: str) -> int:
    """The id of the stage, user (by user name), company or sale (by title) an operator named, by id or by name
    ignoring case (the oldest when several share it). Raises NotFound."""
    model, field_name, problem = _NAMED[what]
    text = reference.strip()
    found: int | None = None
    if text.isdigit() and int(text) < 2**63:
        found = model._default_manager.filter(pk=int(text)).values_list("pk", flat=True).first()
    if found is None and text:
        matches = model._default_manager.filter(**{f"{field_name}__iexact": text}).order_by("pk")
        found = matches.values_list("pk", flat=True).first()
    if found is None:
        raise NotFound(Message(problem, {"name": text}))
    return int(found)

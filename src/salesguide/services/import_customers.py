"""Importing companies and contacts (issue 11): each row matched to the record it updates, or created, through
the same services as the forms and the API (``services.customers``), so every field is checked by one rule.

Called by ``services.imports.import_rows`` inside its transaction, which is rolled back when any row has a
problem: a row's write here may be undone later, never half kept. Customer files are the size of a customer
base (thousands of rows), so a write per row is fine here; the sales, a million rows, are written in batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from salesguide.domain import customers as rules
from salesguide.domain.errors import DomainError, Message, gettext_noop
from salesguide.domain.file_columns import COMPANY_COLUMNS
from salesguide.models import Company, Contact, User
from salesguide.services import customers
from salesguide.services.import_problems import ProblemList
from salesguide.services.import_references import Lookup, company_lookup, name_key

ImportRow = tuple[int, Mapping[str, Any]]
Counts = tuple[int, int, int]  # rows, created, updated

_COMPANY_FIELDS = tuple(column.key for column in COMPANY_COLUMNS if column.key != "id")
_CONTACT_FIELDS = ("first_name", "last_name", "title", "email", "phone")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _required_missing(values: Mapping[str, Any], key: str) -> bool:
    """A row that creates needs ``key`` (a file without the column can only update)."""
    return not _text(values.get(key)).strip()


def _same_row(row: int) -> Message:
    return Message(gettext_noop("Row %(row)d of this file is about the same record."), {"row": row})


def import_companies(actor: User, rows: Iterable[ImportRow], problems: ProblemList, tick: Any) -> Counts:
    """Companies match by id, then registration number, then name (case ignored)."""
    lookup = company_lookup()
    stored = {values["id"]: values for values in Company.objects.order_by().values("id", *_COMPANY_FIELDS)}
    seen: dict[int, int] = {}  # company id → the row that matched or created it
    new_names: dict[str, int] = {}  # a company this file creates, by registration number and name → its row
    count = created = updated = 0
    for row, values in rows:
        count += 1
        tick(count)
        company_id = _match_company(row, values, lookup, problems)
        if company_id is False:
            continue
        fields = {key: _text(values[key]) for key in _COMPANY_FIELDS if key in values}
        if company_id is None:
            keys = [name_key(fields.get("org_number", "")), name_key(fields.get("name", ""))]
            earlier = next((new_names[key] for key in keys if key and key in new_names), None)
            if earlier is not None:
                problems.add(row, "", _same_row(earlier))
                continue
            if _required_missing(values, "name"):
                problems.add(row, "name", Message(gettext_noop("A name is required.")))
                continue
            try:
                company = customers.create_company(actor, **{"name": "", **fields})
            except DomainError as error:
                problems.add_error(row, error)
                continue
            new_names.update({key: row for key in keys if key})
            seen[company.pk] = row
            created += 1
            continue
        if company_id in seen:
            problems.add(row, "", _same_row(seen[company_id]))
            continue
        seen[company_id] = row
        changes = {key: value for key, value in fields.items() if rules.cleaned(value) != stored[company_id][key]}
        if not changes:
            continue
        try:
            customers.update_company(actor, company_id, **changes)
        except DomainError as error:
            problems.add_error(row, error)
            continue
        updated += 1
    return count, created, updated


def _match_company(row: int, values: Mapping[str, Any], lookup: Lookup, problems: ProblemList) -> int | None | bool:
    """The id of the company the row updates, None when it creates one, False when it cannot tell."""
    given_id = values.get("id")
    if given_id is not None:
        if given_id not in lookup.ids:
            problems.add(row, "id", Message(gettext_noop("There is no company with id %(id)s."), {"id": given_id}))
            return False
        return int(given_id)
    for key in ("org_number", "name"):
        text = _text(values.get(key)).strip()
        if text:
            found = lookup.names.get(name_key(text))
            if found is not None and found >= 0:
                return found
            if found is not None:
                problems.add(
                    row,
                    key,
                    Message(gettext_noop("More than one company is called “%(value)s”: use its id."), {"value": text}),
                )
                return False
    return None


def import_contacts(actor: User, rows: Iterable[ImportRow], problems: ProblemList, tick: Any) -> Counts:
    """Contacts match by id, then e-mail (case ignored); their company is named by name, registration number or
    id, and must exist (a contact file does not create companies)."""
    companies = company_lookup()
    stored = {
        values["id"]: values for values in Contact.objects.order_by().values("id", "company_id", *_CONTACT_FIELDS)
    }
    by_email = {name_key(values["email"]): contact_id for contact_id, values in stored.items() if values["email"]}
    seen: dict[int, int] = {}
    new_emails: dict[str, int] = {}
    count = created = updated = 0
    for row, values in rows:
        count += 1
        tick(count)
        given_id = values.get("id")
        email = name_key(_text(values.get("email")))
        if given_id is not None and given_id not in stored:
            problems.add(row, "id", Message(gettext_noop("There is no contact with id %(id)s."), {"id": given_id}))
            continue
        contact_id = given_id if given_id is not None else by_email.get(email) if email else None
        fields: dict[str, Any] = {key: _text(values[key]) for key in _CONTACT_FIELDS if key in values}
        if "company" in values:
            reference = values["company"]
            if reference is None or reference == "":
                fields["company_id"] = None
            else:
                found = companies.find(reference)
                if found.problem is not None:
                    problems.add(row, "company", found.problem)
                    continue
                fields["company_id"] = found.id
        if contact_id is None:
            if email and email in new_emails:
                problems.add(row, "email", _same_row(new_emails[email]))
                continue
            if _required_missing(values, "last_name"):
                problems.add(row, "last_name", Message(gettext_noop("A last name is required.")))
                continue
            try:
                contact = customers.create_contact(actor, **{"last_name": "", **fields})
            except DomainError as error:
                problems.add_error(row, error, {"company_id": "company"})
                continue
            if email:
                new_emails[email] = row
            seen[contact.pk] = row
            created += 1
            continue
        if contact_id in seen:
            problems.add(row, "", _same_row(seen[contact_id]))
            continue
        seen[contact_id] = row
        before = stored[contact_id]
        changes = {
            key: value
            for key, value in fields.items()
            if (rules.cleaned(value) if isinstance(value, str) else value) != before[key]
        }
        if not changes:
            continue
        try:
            customers.update_contact(actor, contact_id, **changes)
        except DomainError as error:
            problems.add_error(row, error, {"company_id": "company"})
            continue
        updated += 1
    return count, created, updated

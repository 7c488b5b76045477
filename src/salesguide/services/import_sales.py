"""Importing sales (issue 11): a million rows in one transaction, memory that does not grow with the file.

Rows are taken in batches of ``BATCH``. For each batch the sales it names (by id or external reference) are read
in one query; every other reference (company, contact, sale type, stage, owner) comes from dictionaries loaded
once (``import_references``). A new sale is placed in its stage and status by the rules of selling
(``selling.place_imported``) and written with its one history row by ``bulk_sales.SaleRows``, a batch at a time; its
share of the pipeline totals is added up per group and written once at the end (decision 0007: the same upsert
the sale services use, one statement per touched group instead of one per sale). A row that matches an existing
sale changes it through the sale services (``services.sales``), exactly as the card or the API would, one
history row per change — and only when something differs, so importing the same file again changes nothing.

Duplicates within the file: two rows of one batch are told apart by the batch's own dictionary; a row whose
external reference a sale created by an earlier batch already carries is found by that batch's query (the
earlier batch is written by then). So nothing grows with the file but the counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Max, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from salesguide.domain import money, selling
from salesguide.domain.errors import DomainError, FieldProblem, Message, ValidationFailed, gettext_noop
from salesguide.domain.exit_criteria import RequiredItem
from salesguide.models import Sale, User
from salesguide.services import pipeline_totals, sale_fields, sales
from salesguide.services.bulk_sales import SaleRows, bulk_write_cache
from salesguide.services.clock import today_for
from salesguide.services.import_problems import ProblemList
from salesguide.services.import_references import (
    ContactLookup,
    Found,
    Lookup,
    SaleTypeFacts,
    company_lookup,
    contact_lookup,
    owner_lookup,
    sale_types,
)
from salesguide.services.permissions import may_change_sale, may_choose_owner
from salesguide.services.word_search import sales_inserted_in_bulk

ImportRow = tuple[int, Mapping[str, Any]]
Counts = tuple[int, int, int]
BATCH = 2_000
EXTERNAL_REF_MAX = 100

# A service's field name → the file's column key, for the problems the sale services report.
_SERVICE_KEYS = {"company_id": "company", "contact_id": "contact", "owner_id": "owner", "stage_id": "stage"}
_STORED = (
    "id",
    "external_ref",
    "title",
    "sale_type_id",
    "company_id",
    "contact_id",
    "owner_id",
    "amount",
    "currency",
    "stage_id",
    "probability",
    "status",
    "expected_date",
    "closed_date",
    "description",
    "version",
)


def _batches(rows: Iterable[ImportRow]) -> Iterator[list[ImportRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


@dataclass
class _References:
    companies: Lookup
    contacts: ContactLookup
    owners: Lookup
    types: Lookup
    type_facts: dict[int, SaleTypeFacts]

    placements: dict[tuple[int, int | None, Any, int | None], selling.Outcome] = field(default_factory=dict)

    @classmethod
    def load(cls) -> _References:
        types, facts = sale_types()
        return cls(company_lookup(), contact_lookup(), owner_lookup(), types, facts)

    def placed(
        self, facts: SaleTypeFacts, stage_id: int | None, status: Any, probability: int | None
    ) -> selling.Outcome:
        """``selling.place_imported`` for this type, stage, status and probability, worked out once (a file has
        a few hundred such combinations at most; the outcome is immutable)."""
        key = (facts.id, stage_id, status, probability)
        outcome = self.placements.get(key)
        if outcome is None:
            outcome = selling.place_imported(facts.stages, stage_id, status, probability, facts.policy)
            self.placements[key] = outcome
        return outcome


class _Row:
    """One row being checked: its problems go to the import's list, and ``ok`` says whether it had any."""

    def __init__(self, number: int, values: Mapping[str, Any], problems: ProblemList) -> None:
        self.number, self.values, self.problems, self.ok = number, values, problems, True

    def problem(self, key: str, message: Message) -> None:
        self.ok = False
        self.problems.add(self.number, key, message)

    def error(self, error: DomainError) -> None:
        self.ok = False
        self.problems.add_error(self.number, error, _SERVICE_KEYS)

    def resolve(self, key: str, lookup: Lookup) -> int | None:
        """The id the column names: None when it is empty (or not in the file), or after noting why it names none."""
        value = self.values.get(key)
        if value is None or value == "":
            return None
        found: Found = lookup.find(value)
        if found.problem is not None:
            self.problem(key, found.problem)
        return found.id


class _NewSales:
    """New sales and their history rows, written a batch at a time; their pipeline shares summed per group."""

    def __init__(self, actor: User, now: dt.datetime) -> None:
        self.by = actor.pk if actor.is_authenticated else None
        self.now = now
        self.rows = SaleRows()
        self.totals: dict[pipeline_totals.GroupKey, list[int]] = {}
        self.created = 0

    def add(self, sale: dict[str, Any], change: selling.StageChange) -> None:
        self.rows.add(
            sale,
            {
                "kind": change.kind.value,
                "from_stage_id": None,
                "to_stage_id": change.to_stage_id,
                "from_status": "",
                "to_status": change.to_status.value,
                "probability_before": None,
                "probability_after": change.probability_after,
                "by_id": self.by,
                "reason": "",
                "override_reason": None,
            },
        )
        if sale["status"] == selling.SaleStatus.OPEN and sale["stage_id"] is not None:
            key = (sale["sale_type_id"], sale["stage_id"], sale["owner_id"], sale["currency"])
            total = self.totals.setdefault(key, [0, 0, 0])
            total[0] += 1
            total[1] += sale["amount"]
            total[2] += money.weighted_amount(sale["amount"], sale["probability"])

    def flush(self) -> None:
        self.created += self.rows.write(self.now)

    def finish(self) -> None:
        self.flush()
        pipeline_totals.add_to_groups(
            {key: (n, amount, weighted) for key, (n, amount, weighted) in self.totals.items()}
        )


def import_sales(actor: User, rows: Iterable[ImportRow], problems: ProblemList, tick: Any) -> Counts:
    references = _References.load()
    made_before = Sale.objects.aggregate(last=Max("id"))["last"] or 0
    now = timezone.now()
    new_sales = _NewSales(actor, now)
    today = today_for(actor)
    count = updated = 0
    # The word search takes the new sales in one statement at the end, not one index insert each (decision 0009).
    with sales_inserted_in_bulk(), bulk_write_cache():
        for batch in _batches(rows):
            stored = _stored_sales(batch)
            in_batch: dict[str, int] = {}
            for number, values in batch:
                count += 1
                tick(count)
                row = _Row(number, values, problems)
                sale = _match(row, stored, in_batch, made_before)
                if not row.ok:
                    continue
                if sale is None:
                    new = _new_sale(actor, row, references, today)
                    if new is not None:
                        new_sales.add(*new)
                elif _update_sale(actor, row, sale, references):
                    updated += 1
            new_sales.flush()
        new_sales.finish()
    return count, new_sales.created, updated


# The external reference's unique index holds only sales that have one (``sale_external_ref_unique``, partial);
# a query can use it only when it says so in the index's own words, as a literal: neither database proves
# ``external_ref IN (2,000 values)`` excludes '' (PostgreSQL gives up on lists over 100), and with the value
# as a parameter neither may rely on it — each batch would read the whole sale table.
_HAS_EXTERNAL_REF = Q(RawSQL('NOT ("salesguide_sale"."external_ref" = \'\')', [], output_field=BooleanField()))


def _stored_sales(batch: list[ImportRow]) -> dict[object, dict[str, Any]]:
    """The sales a batch names, by id and by ("ref", external reference): one query."""
    ids = [values["id"] for _n, values in batch if isinstance(values.get("id"), int)]
    refs = [ref for _n, values in batch if (ref := _text(values.get("external_ref")))]
    if not ids and not refs:
        return {}
    found: dict[object, dict[str, Any]] = {}
    # Two lookups, each by its own index (one query with OR reads the whole table on SQLite).
    lookups = (Q(pk__in=ids), Q(external_ref__in=refs) & _HAS_EXTERNAL_REF)
    for wanted, lookup in zip((ids, refs), lookups, strict=True):
        if not wanted:
            continue
        for sale in Sale.objects.filter(lookup).order_by().values(*_STORED):
            found[sale["id"]] = sale
            if sale["external_ref"]:
                found[("ref", sale["external_ref"])] = sale
    return found


def _match(
    row: _Row, stored: Mapping[object, dict[str, Any]], in_batch: dict[str, int], made_before: int
) -> dict[str, Any] | None:
    """The stored sale the row updates (by id, then external reference), or None to create one."""
    given_id = row.values.get("id")
    ref = _text(row.values.get("external_ref"))
    if len(ref) > EXTERNAL_REF_MAX:
        row.problem(
            "external_ref",
            Message(gettext_noop("Use at most %(max_length)s characters."), {"max_length": EXTERNAL_REF_MAX}),
        )
        return None
    if ref:
        if ref in in_batch:
            row.problem(
                "external_ref",
                Message(gettext_noop("Row %(row)d of this file is about the same record."), {"row": in_batch[ref]}),
            )
            return None
        in_batch[ref] = row.number
    if given_id is not None:
        sale = stored.get(given_id)
        if sale is None:
            row.problem("id", Message(gettext_noop("There is no sale with id %(id)s."), {"id": given_id}))
        return sale
    if not ref:
        return None
    sale = stored.get(("ref", ref))
    if sale is not None and sale["id"] > made_before:
        row.problem(
            "external_ref", Message(gettext_noop("An earlier row of this file has the same external reference."))
        )
        return None
    return sale


def _party(row: _Row, references: _References, company_id: int | None) -> tuple[int | None, int | None]:
    """The company and contact: a contact must work at the company given (or at none); with only a contact
    given, the sale is for the contact's company."""
    contact_id = row.resolve("contact", references.contacts.lookup)
    if contact_id is None:
        return company_id, None
    works_at = references.contacts.company_of.get(contact_id)
    if company_id is None:
        return works_at, contact_id
    if works_at not in (None, company_id):
        row.problem("contact", Message(gettext_noop("This contact works at another company.")))
    return company_id, contact_id


def _owner(row: _Row, actor: User, references: _References) -> int:
    owner_id = row.resolve("owner", references.owners)
    if owner_id is not None and owner_id != actor.pk and not may_choose_owner(actor):
        row.problem("owner", Message(gettext_noop("Only a manager can import a sale for someone else.")))
    return owner_id if owner_id is not None else actor.pk


def _new_sale(
    actor: User, row: _Row, references: _References, today: dt.date
) -> tuple[dict[str, Any], selling.StageChange] | None:
    values = row.values
    fields = {
        "title": _text(values.get("title")),
        "amount": values.get("amount") or 0,
        "currency": values.get("currency"),
        "expected_date": values.get("expected_date"),
        "description": _text(values.get("description")),
    }
    for problem in sale_fields.sale_problems(fields):
        row.problem(str(problem.loc[-1]), problem.message)
    facts: SaleTypeFacts | None = None
    sale_type_id = row.resolve("sale_type", references.types)
    if sale_type_id is not None:
        facts = references.type_facts[sale_type_id]
    elif values.get("sale_type") in (None, ""):
        row.problem("sale_type", Message(gettext_noop("A sale type is required.")))
    company_id, contact_id = _party(row, references, row.resolve("company", references.companies))
    owner_id = _owner(row, actor, references)
    if facts is None or not row.ok:
        _stage_problems(row, facts)
        return None
    stage_id = row.resolve("stage", facts.stage_lookup)
    try:
        outcome = references.placed(facts, stage_id, values.get("status"), values.get("probability"))
    except ValidationFailed as error:
        row.error(error)
        return None
    if not row.ok or outcome.change is None:
        return None
    state = outcome.state
    closed = state.status in (selling.SaleStatus.SOLD, selling.SaleStatus.LOST)
    currency = fields["currency"]
    sale = {
        "title": fields["title"],
        "external_ref": _text(values.get("external_ref")),
        "sale_type_id": facts.id,
        "company_id": company_id,
        "contact_id": contact_id,
        "owner_id": owner_id,
        "description": fields["description"],
        "amount": fields["amount"],
        "currency": money.normalise_currency(currency or settings.DEFAULT_CURRENCY),
        "stage_id": state.stage_id,
        "probability": state.probability,
        "probability_is_manual": state.probability_is_manual,
        "status": state.status.value,
        "expected_date": fields["expected_date"] or selling.add_duration(today, facts.duration, facts.duration_unit),
        "closed_date": (values.get("closed_date") or today) if closed else None,
        "reason_id": None,
        "competitor_id": None,
        "reopen_date": None,
        "completed": False,
        "stage_when_closed_id": state.stage_when_closed_id,
        "next_activity_at": None,
        "version": 1,
        # Its stage's expected days: bulk_sales.SaleRows sets the stored aging from them when it writes the sale.
        "expected_days": next((stage.expected_days for stage in facts.stages if stage.id == state.stage_id), None),
    }
    return sale, outcome.change


def _stage_problems(row: _Row, facts: SaleTypeFacts | None) -> None:
    """A row refused already still has its stage checked, so the list names every problem at once."""
    if facts is not None:
        row.resolve("stage", facts.stage_lookup)


def _update_sale(actor: User, row: _Row, stored: dict[str, Any], references: _References) -> bool:
    """Change a stored sale through the sale services, one call per kind of change; True when anything changed.
    All of the row's changes or none (a savepoint): a row refused half-way keeps the sale as it was."""
    if not may_change_sale(actor, Sale(owner_id=stored["owner_id"])):
        row.problem("", Message(gettext_noop("Only the owner of this sale or a manager can change it.")))
        return False
    changes = _field_changes(actor, row, stored, references)
    facts = references.type_facts.get(changes.get("sale_type_id", stored["sale_type_id"]))
    stage_id = row.resolve("stage", facts.stage_lookup) if facts is not None else None
    status = selling.SaleStatus(row.values.get("status") or stored["status"])
    probability = row.values.get("probability")
    if not row.ok:
        return False
    if "sale_type_id" in changes and stage_id is not None:
        changes["stage_id"] = stage_id
    warned: list[RequiredItem] = []
    try:
        with transaction.atomic():
            changed = _apply_changes(
                actor, stored, changes, stage_id, status, probability, row.values.get("closed_date"), warned
            )
    except DomainError as error:
        row.error(error)
        return False
    except IntegrityError:
        row.problem("external_ref", Message(gettext_noop("Another sale already has this external reference.")))
        return False
    if warned:
        message = gettext_noop("Moved on, but these required items are not done: %(items)s.")
        row.problems.warn(
            row.number,
            "status" if status != selling.SaleStatus.OPEN else "stage",
            Message(message, {"items": ", ".join(item.name for item in warned)}),
        )
    return changed


def _field_changes(actor: User, row: _Row, stored: dict[str, Any], references: _References) -> dict[str, Any]:
    values = row.values
    wanted: dict[str, Any] = {}
    for key in ("title", "description", "external_ref"):
        if key in values:
            wanted[key] = _text(values[key])
    for key in ("amount", "expected_date"):
        if values.get(key) is not None:
            wanted[key] = values[key]
    if values.get("currency"):
        wanted["currency"] = money.normalise_currency(values["currency"])
    if values.get("sale_type") not in (None, ""):
        wanted["sale_type_id"] = row.resolve("sale_type", references.types)
    if values.get("company") not in (None, "") or values.get("contact") not in (None, ""):
        company_id = row.resolve("company", references.companies) if values.get("company") not in (None, "") else None
        wanted["company_id"], wanted["contact_id"] = _party(row, references, company_id or stored["company_id"])
    if values.get("owner") not in (None, ""):
        wanted["owner_id"] = _owner(row, actor, references)
    return {key: value for key, value in wanted.items() if value != stored[key]}


def _apply_changes(
    actor: User,
    stored: dict[str, Any],
    changes: dict[str, Any],
    stage_id: int | None,
    status: selling.SaleStatus,
    probability: int | None,
    closed_date: dt.date | None,
    warned: list[RequiredItem],
) -> bool:
    """``warned`` gathers the required items a move left undone in warn mode (exit criteria)."""
    sale_id = stored["id"]
    changed = False
    sale: Sale | None = None
    if changes:
        sale = sales.update_sale(actor, sale_id, version=stored["version"], **changes)
        changed = True
    current = selling.SaleStatus(sale.status if sale is not None else stored["status"])
    current_stage = sale.stage_id if sale is not None else stored["stage_id"]
    moving = stage_id is not None and stage_id != current_stage
    if current == status and not moving and current != selling.SaleStatus.OPEN:
        return changed
    if status == selling.SaleStatus.STALLED and current != status:
        message = gettext_noop("A sale is stalled on its card, with the date to take it up again.")
        raise ValidationFailed([FieldProblem(("status",), Message(message))])
    if current != selling.SaleStatus.OPEN and status != current:
        # Closed or stalled and the file says otherwise: back to open first, as a user would on the card. A
        # new stage for a sale that stays closed is refused by the move, as on the card ("reopen it first").
        sale, changed = sales.reopen_sale(actor, sale_id), True
        moving = stage_id is not None and stage_id != sale.stage_id
    if moving and stage_id is not None:
        sale, changed = sales.move_sale_to_stage(actor, sale_id, stage_id), True
        warned.extend(sale.exit_warnings)
    current_probability = sale.probability if sale is not None else stored["probability"]
    if status == selling.SaleStatus.OPEN and probability is not None and probability != current_probability:
        sale, changed = sales.set_sale_probability(actor, sale_id, probability), True
    if status == selling.SaleStatus.SOLD:
        warned.extend(sales.close_sale_as_sold(actor, sale_id, date=closed_date).exit_warnings)
        changed = True
    elif status == selling.SaleStatus.LOST:
        sales.close_sale_as_lost(actor, sale_id, date=closed_date)
        changed = True
    return changed

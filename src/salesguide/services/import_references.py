"""How an imported row names other records (issue 11): a company, contact, sale type, stage or owner by name
or by id. Each kind is loaded once into dictionaries, so a million rows cost no query each.

Names are compared as people type them: case and runs of spaces ignored. A name that two records share cannot
say which one is meant: the row is refused and asked to use the id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from salesguide.domain.errors import Message, gettext_noop
from salesguide.domain.selling import StageInfo
from salesguide.models import Company, Contact, SaleType, User
from salesguide.queries.guides import live_links

_AMBIGUOUS = -1
_ANSWERS_KEPT = 10_000


def name_key(text: str) -> str:
    return " ".join(text.split()).casefold()


class Found:
    """The id a reference names, or the message saying why it names none."""

    __slots__ = ("id", "problem")

    def __init__(self, id: int | None = None, problem: Message | None = None) -> None:  # noqa: A002
        self.id = id
        self.problem = problem


@dataclass
class Lookup:
    """Ids by id and by every name a record is known by."""

    unknown: str  # msgid with %(value)s
    ids: set[int] = field(default_factory=set)
    names: dict[str, int] = field(default_factory=dict)
    _answers: dict[tuple[type, object], Found] = field(default_factory=dict, repr=False)

    def add(self, record_id: int, *names: str) -> None:
        self.ids.add(record_id)
        for name in {name_key(n) for n in names if n and n.strip()}:
            known = self.names.get(name)
            self.names[name] = record_id if known is None or known == record_id else _AMBIGUOUS
        self._answers.clear()

    def find(self, value: object) -> Found:
        """What ``value`` names; the answers for the last few thousand distinct values are remembered (a file
        names the same records over and over)."""
        key = (type(value), value)
        found = self._answers.get(key)
        if found is None:
            if len(self._answers) >= _ANSWERS_KEPT:
                self._answers.clear()
            found = self._answers[key] = self._find(value)
        return found

    def _find(self, value: object) -> Found:
        if isinstance(value, int) and not isinstance(value, bool) and value in self.ids:
            return Found(value)
        found = self.names.get(name_key(str(value)))
        if found == _AMBIGUOUS:
            return Found(
                problem=Message(
                    gettext_noop("More than one record is called “%(value)s”: use its id."), {"value": value}
                )
            )
        if found is None:
            return Found(problem=Message(self.unknown, {"value": value}))
        return Found(found)


def company_lookup() -> Lookup:
    lookup = Lookup(gettext_noop("There is no company “%(value)s” (by name, registration number or id)."))
    for company_id, name, org_number in Company.objects.order_by().values_list("id", "name", "org_number"):
        lookup.add(company_id, name, org_number)
    return lookup


@dataclass
class ContactLookup:
    lookup: Lookup
    company_of: dict[int, int | None]


def contact_lookup() -> ContactLookup:
    lookup = Lookup(gettext_noop("There is no contact “%(value)s” (by e-mail, name or id)."))
    company_of: dict[int, int | None] = {}
    rows = Contact.objects.order_by().values_list("id", "first_name", "last_name", "email", "company_id")
    for contact_id, first_name, last_name, email, company_id in rows:
        lookup.add(contact_id, email, f"{first_name} {last_name}")
        company_of[contact_id] = company_id
    return ContactLookup(lookup, company_of)


def owner_lookup() -> Lookup:
    lookup = Lookup(gettext_noop("There is no active user “%(value)s” (by username, full name or id)."))
    rows = User.objects.filter(is_active=True).order_by().values_list("id", "username", "first_name", "last_name")
    for user_id, username, first_name, last_name in rows:
        lookup.add(user_id, username, f"{first_name} {last_name}")
    return lookup


@dataclass(frozen=True)
class SaleTypeFacts:
    """A live sale type as an import needs it: its rules and its live stages, in order, by name and id."""

    id: int
    name: str
    policy: str
    duration: int
    duration_unit: str
    stages: tuple[StageInfo, ...]
    stage_lookup: Lookup


def sale_types() -> tuple[Lookup, dict[int, SaleTypeFacts]]:
    lookup = Lookup(gettext_noop("There is no sale type “%(value)s”."))
    links: dict[int, list[tuple[int, str, int, int | None]]] = {}
    rows = live_links().values_list("sale_type_id", "stage_id", "stage__name", "stage__probability", "expected_days")
    for sale_type_id, stage_id, stage_name, probability, expected_days in rows:
        links.setdefault(sale_type_id, []).append((stage_id, stage_name, probability, expected_days))
    facts: dict[int, SaleTypeFacts] = {}
    for sale_type in SaleType.objects.filter(Q(deleted=False)).order_by():
        lookup.add(sale_type.pk, sale_type.name)
        stage_lookup = Lookup(gettext_noop("This sale type has no stage “%(value)s”."))
        for stage_id, stage_name, _probability, _expected in links.get(sale_type.pk, []):
            stage_lookup.add(stage_id, stage_name)
        facts[sale_type.pk] = SaleTypeFacts(
            id=sale_type.pk,
            name=sale_type.name,
            policy=sale_type.probability_policy,
            duration=sale_type.duration,
            duration_unit=sale_type.duration_unit,
            stages=tuple(
                StageInfo(stage_id, probability, expected)
                for stage_id, _name, probability, expected in links.get(sale_type.pk, [])
            ),
            stage_lookup=stage_lookup,
        )
    return lookup, facts

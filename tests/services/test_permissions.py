"""Who may change a sale, an activity or a document, and which actions a sale allows its viewer now
(``services.permissions``): the answers every door offers, and the refusals the services give when asked anyway
— with nothing changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from salesguide.domain import selling
from salesguide.domain.errors import NotAllowed
from salesguide.models import Activity, Document, Sale, SaleType
from salesguide.services import catalog, permissions, sale_types, sales
from salesguide.services.permissions import SaleActions, allowed_actions

pytestmark = pytest.mark.django_db

NOTHING = SaleActions(**{field.name: False for field in dataclasses.fields(SaleActions)})


@pytest.fixture
def sale_type(admin_user: Any) -> SaleType:
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    return sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[lead.pk, offer.pk])


@pytest.fixture
def other_salesperson(make_user: Any) -> Any:
    return make_user("sally", "salesperson")


def _sale_in(status: str, owner: Any, sale_type: SaleType) -> Sale:
    sale = sales.create_sale(owner, title="Forty laptops", sale_type_id=sale_type.pk)
    if status == "sold":
        sale = sales.close_sale_as_sold(owner, sale.pk)
    elif status == "sold and completed":
        sale = sales.close_sale_as_sold(owner, sale.pk)
        sale = sales.complete_sale(owner, sale.pk)
    elif status == "lost":
        sale = sales.close_sale_as_lost(owner, sale.pk)
    elif status == "stalled":
        sale = sales.stall_sale(owner, sale.pk, reopen_date=timezone.localdate() + dt.timedelta(days=30))
    return Sale.objects.get(pk=sale.pk)


def _only(*names: str) -> SaleActions:
    return dataclasses.replace(NOTHING, **dict.fromkeys(names, True))


OPEN = _only("edit", "move", "set_probability", "reset_probability", "change_type", "sold", "lost", "stall")
ALWAYS = ("edit", "delete")
# A sold or lost sale's guide is read-only history (issue 9, item 5); a stalled sale is paused, not closed.
EXPECTED = {
    "open": dataclasses.replace(OPEN, create_from_suggestion=True, delete=True),
    "sold": _only(*ALWAYS, "reopen", "complete"),
    "sold and completed": _only(*ALWAYS, "reopen", "uncomplete"),
    "lost": _only(*ALWAYS, "reopen", "complete"),
    "stalled": _only(*ALWAYS, "create_from_suggestion", "reopen"),
}


def test_the_actions_a_sale_offers_are_the_actions_the_rules_of_selling_know() -> None:
    assert {field.name for field in dataclasses.fields(SaleActions)} == {action.value for action in selling.SaleAction}


@pytest.mark.parametrize("status", list(EXPECTED))
@pytest.mark.parametrize("viewer", ["owner", "manager", "admin"])
def test_whoever_may_change_a_sale_is_offered_what_its_status_allows(
    status: str, viewer: str, salesperson_user: Any, manager_user: Any, admin_user: Any, sale_type: SaleType
) -> None:
    # Given a salesperson's sale in this status
    sale = _sale_in(status, salesperson_user, sale_type)
    user = {"owner": salesperson_user, "manager": manager_user, "admin": admin_user}[viewer]
    # When its owner, a manager or an administrator asks what they can do with it
    actions = allowed_actions(user, sale)
    # Then it is what the status allows
    assert actions == EXPECTED[status]
    assert permissions.may_change_sale(user, sale)


@pytest.mark.parametrize("status", list(EXPECTED))
def test_a_salesperson_is_offered_nothing_on_someone_elses_sale_when_it_is_in_any_status(
    status: str, salesperson_user: Any, other_salesperson: Any, sale_type: SaleType
) -> None:
    # Given another salesperson's sale
    sale = _sale_in(status, other_salesperson, sale_type)
    # When a salesperson asks what they can do with it
    # Then nothing: they may look at it, not change it
    assert allowed_actions(salesperson_user, sale) == NOTHING
    assert not permissions.may_change_sale(salesperson_user, sale)


def test_an_inactive_owner_is_offered_nothing_when_they_ask(salesperson_user: Any, sale_type: SaleType) -> None:
    sale = _sale_in("open", salesperson_user, sale_type)
    salesperson_user.is_active = False
    assert allowed_actions(salesperson_user, sale) == NOTHING


def test_asking_what_a_sale_allows_reads_nothing_from_the_database_when_the_sale_is_loaded(
    salesperson_user: Any, sale_type: SaleType, django_assert_num_queries: Any
) -> None:
    sale = _sale_in("open", salesperson_user, sale_type)
    with django_assert_num_queries(0):
        allowed_actions(salesperson_user, sale)


def test_a_salesperson_who_sells_someone_elses_sale_anyway_is_refused_and_nothing_changes(
    salesperson_user: Any, other_salesperson: Any, sale_type: SaleType
) -> None:
    # Given another salesperson's open sale, which offers the salesperson no "Sold"
    sale = _sale_in("open", other_salesperson, sale_type)
    assert not allowed_actions(salesperson_user, sale).sold
    # When they close it as sold anyway (an old page, a script)
    with pytest.raises(NotAllowed) as refused:
        sales.close_sale_as_sold(salesperson_user, sale.pk)
    # Then they are told why, in the words of before, and the sale is still open
    assert str(refused.value) == "Only the owner of this sale or a manager can change it."
    assert Sale.objects.get(pk=sale.pk).status == "open"


# --- activities and documents --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "activity_owner", "sale_owner", "may"),
    [
        ("salesperson", "salesperson", None, True),
        ("salesperson", "sally", None, False),
        ("salesperson", "sally", "salesperson", True),  # someone else's activity on the salesperson's own sale
        ("salesperson", "sally", "sally", False),
        ("manager", "sally", "sally", True),
        ("admin", "sally", None, True),
    ],
)
def test_who_may_change_an_activity_or_a_document_when_it_is_theirs_on_their_sale_or_neither(
    viewer: str,
    activity_owner: str,
    sale_owner: str | None,
    may: bool,
    salesperson_user: Any,
    other_salesperson: Any,
    manager_user: Any,
    admin_user: Any,
    sale_type: SaleType,
) -> None:
    people = {"salesperson": salesperson_user, "sally": other_salesperson, "manager": manager_user, "admin": admin_user}
    sale = _sale_in("open", people[sale_owner], sale_type) if sale_owner else None
    # Given an activity and a document of someone, on a sale or not
    activity = Activity(owner=people[activity_owner], sale=sale)
    document = Document(owner=people[activity_owner], sale=sale)
    # When the viewer asks whether they may change them
    # Then both answer the same: their own, on a sale they may change, or as a manager
    assert permissions.may_change_activity(people[viewer], activity) is may
    assert permissions.may_change_document(people[viewer], document) is may


def test_someone_who_may_not_change_a_document_is_refused_in_the_words_of_each_change(
    salesperson_user: Any, other_salesperson: Any
) -> None:
    document = Document(owner=other_salesperson)
    refusals = {}
    for change in ("change", "regenerate", "delete"):
        with pytest.raises(NotAllowed) as refused:
            permissions.require_change_document(salesperson_user, document, change)  # type: ignore[arg-type]
        refusals[change] = str(refused.value)
    assert refusals == {
        "change": "Only the owner of this document or a manager can change it.",
        "regenerate": "Only the owner of this document or a manager can generate it again.",
        "delete": "Only the owner of this document or a manager can delete it.",
    }


def test_someone_who_may_not_change_an_activity_is_refused_in_the_words_of_before(
    salesperson_user: Any, other_salesperson: Any
) -> None:
    with pytest.raises(NotAllowed) as refused:
        permissions.require_change_activity(salesperson_user, Activity(owner=other_salesperson))
    assert str(refused.value) == "Only the owner of this activity or a manager can change it."


@pytest.mark.parametrize(("role", "may"), [("salesperson", False), ("manager", True), ("admin", True)])
def test_only_managers_and_administrators_may_make_a_sale_someone_elses(role: str, may: bool, make_user: Any) -> None:
    assert permissions.may_choose_owner(make_user("someone", role)) is may

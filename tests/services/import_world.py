"""A small world for the import tests: two sale types with stages, a company with a contact, two salespeople."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from salesguide.models import Company, Contact, PipelineTotal, SaleType, Stage
from salesguide.services import catalog, customers, sale_types


@dataclass
class ImportWorld:
    lead: Stage
    offer: Stage
    order: Stage
    new: SaleType
    existing: SaleType
    bakery: Company
    anna: Contact
    garage: Company


def build_import_world(admin_user: Any, salesperson_user: Any) -> ImportWorld:
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=60)
    order = catalog.create_stage(admin_user, name="Order", probability=80)
    new = sale_types.create_sale_type(
        admin_user, name="New customer", duration=2, duration_unit="months", stage_ids=[lead.pk, offer.pk]
    )
    existing = sale_types.create_sale_type(
        admin_user, name="Existing customer", probability_policy="keep_manual", stage_ids=[offer.pk, order.pk]
    )
    bakery = customers.create_company(salesperson_user, name="Bakkerij Van der Meer", org_number="12345678")
    anna = customers.create_contact(
        salesperson_user, first_name="Anna", last_name="de Vries", email="anna@bakkerij.nl", company_id=bakery.pk
    )
    garage = customers.create_company(salesperson_user, name="Garage Jansen")
    return ImportWorld(lead, offer, order, new, existing, bakery, anna, garage)


def pipeline() -> list[tuple[int, int, int, str, int, int, int]]:
    """The pipeline totals as stored, without empty groups."""
    return sorted(
        PipelineTotal.objects.filter(count__gt=0).values_list(
            "sale_type_id", "stage_id", "owner_id", "currency", "count", "amount", "weighted_amount"
        )
    )


@pytest.fixture
def world(admin_user: Any, salesperson_user: Any) -> ImportWorld:
    """The world as a fixture, for modules that import it (the import page's tests)."""
    return build_import_world(admin_user, salesperson_user)

"""A small world for the list file tests (issue 11, export): two sale types, companies and contacts with
accents, sales with cents in several statuses and owners, and activities — made through the services."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from dataclasses import dataclass
from typing import Any

import openpyxl

from salesguide.models import Activity, Company, Contact, Sale, SaleType, Stage, User
from salesguide.services import activities, catalog, customers, sale_types, sales

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


@dataclass
class World:
    admin: User
    seller: User
    licences: SaleType
    services: SaleType
    lead: Stage
    offer: Stage
    acme: Company
    cafe: Company
    jan: Contact
    zoe: Contact
    big_deal: Sale
    cafe_deal: Sale
    sold_deal: Sale
    seller_deal: Sale
    call: Activity
    visit: Activity


def build_world(admin: User, seller: User) -> World:
    lead = catalog.create_stage(admin, name="Lead", probability=10)
    offer = catalog.create_stage(admin, name="Offer", probability=40)
    licences = sale_types.create_sale_type(admin, name="Licences", stage_ids=[lead.pk, offer.pk])
    services = sale_types.create_sale_type(admin, name="Services", stage_ids=[lead.pk, offer.pk])
    acme = customers.create_company(
        admin,
        name="Acme BV",
        org_number="12345678",
        city="Utrecht",
        email="info@acme.example",
        notes="Two lines\nof notes",
    )
    cafe = customers.create_company(admin, name="Café Zoë", city="’s-Hertogenbosch", country="Nederland")
    jan = customers.create_contact(
        admin, first_name="Jan", last_name="Jansen", company_id=acme.pk, email="jan@acme.example", title="Inkoper"
    )
    zoe = customers.create_contact(admin, first_name="Zoë", last_name="de Vries", company_id=cafe.pk)
    big_deal = sales.create_sale(
        admin,
        title="Big deal; “quoted”",
        sale_type_id=licences.pk,
        company_id=acme.pk,
        contact_id=jan.pk,
        amount=1_250_50,
        currency="EUR",
        expected_date=dt.date(2031, 12, 31),
        description="With a, comma",
    )
    big_deal = sales.move_sale_to_stage(admin, big_deal.pk, offer.pk)
    cafe_deal = sales.create_sale(
        admin,
        title="Koffie",
        sale_type_id=services.pk,
        company_id=cafe.pk,
        contact_id=zoe.pk,
        amount=99,
        currency="USD",
    )
    sold_deal = sales.create_sale(
        admin, title="Renewal", sale_type_id=licences.pk, company_id=acme.pk, amount=10_000_00
    )
    sold_deal = sales.close_sale_as_sold(admin, sold_deal.pk, date=dt.date(2030, 6, 1))
    seller_deal = sales.create_sale(seller, title="Seller's own", sale_type_id=licences.pk, amount=5_00)
    phone = catalog.create_activity_type(admin, name="Phone call", kind="call", default_duration_minutes=15)
    meeting = catalog.create_activity_type(admin, name="Visit", kind="meeting", default_duration_minutes=60)
    call = activities.create_activity(
        admin,
        activity_type_id=phone.pk,
        title="Call Jan",
        start=dt.datetime(2031, 1, 15, 9, 30, tzinfo=AMSTERDAM),
        sale_id=big_deal.pk,
        text="Ask about the offer",
    )
    visit = activities.create_activity(
        seller,
        activity_type_id=meeting.pk,
        title="Visit the café",
        start=dt.datetime(2031, 2, 1, 14, 0, tzinfo=AMSTERDAM),
        company_id=cafe.pk,
        contact_id=zoe.pk,
    )
    return World(
        admin, seller, licences, services, lead, offer, acme, cafe, jan, zoe, big_deal, cafe_deal, sold_deal,
        seller_deal, call, visit,
    )  # fmt: skip


def read_csv(content: bytes) -> tuple[str, list[list[str]]]:
    """The separator and the rows of a CSV file the export wrote (UTF-8 with a byte-order mark)."""
    assert content.startswith(b"\xef\xbb\xbf"), "a CSV file for Excel starts with the UTF-8 byte-order mark"
    text = content.decode("utf-8-sig")
    separator = ";" if text.split("\r\n", 1)[0].count(";") else ","
    return separator, list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))


def read_xlsx(content: bytes) -> list[list[Any]]:
    """The rows of the first sheet of an XLSX file, as openpyxl reads them."""
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


SALE_HEADERS_EN = [
    "Id", "External reference", "Title", "Sale type", "Company", "Contact", "Owner", "Amount", "Currency", "Stage",
    "Probability", "Status", "Expected date", "Closed date", "Description",
]  # fmt: skip

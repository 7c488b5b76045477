"""Markup that assistive technology and phones read (issue 9, item 15), checked in the HTML the server sends:
no aria-pressed on links, no form inside a span, tel: links and the favicon address without spaces. The
browser test tests/browser/test_accessibility.py runs axe-core over the rendered pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from salesguide.models import Company, Contact, Sale, SaleType, SuggestedDocument, SuggestedFollowup, User
from salesguide.services import activities, customers, documents, sales
from salesguide.services.starter import load_starter_guides

pytestmark = pytest.mark.django_db

PHONE = "+31 20 123 45 67"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Markup(HTMLParser):
    """Collects each start tag with its attributes and the tags it sits in."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None], tuple[str, ...]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs), tuple(self.open)))
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open.pop() != tag:
                pass


def markup(response: Any) -> list[tuple[str, dict[str, str | None], tuple[str, ...]]]:
    assert response.status_code == 200, response.status_code
    parser = _Markup()
    parser.feed(response.content.decode())
    return parser.tags


@pytest.fixture
def seller(make_user: Any) -> tuple[User, Client]:
    load_starter_guides("en")
    user = make_user("seller", "admin")
    client = Client()
    client.force_login(user)
    return user, client


def _customer(user: User) -> tuple[Company, Contact]:
    company = customers.create_company(user, name="Jansen Kantoor", phone=PHONE)
    contact = customers.create_contact(user, last_name="Jansen", company_id=company.pk, phone=PHONE)
    return company, contact


def _first(model: type[SuggestedFollowup] | type[SuggestedDocument], sale: Sale) -> int:
    item = model.objects.filter(link__sale_type=sale.sale_type, link__stage=sale.stage, deleted=False).first()
    assert item is not None
    return item.pk


def test_phone_links_dial_the_number_without_spaces_when_it_is_written_with_spaces(
    seller: tuple[User, Client],
) -> None:
    # Given a company and a contact whose phone number is written with spaces
    user, client = seller
    company, contact = _customer(user)

    # when their cards and lists are shown
    for path in ["/companies/", f"/companies/{company.pk}/", "/contacts/", f"/contacts/{contact.pk}/"]:
        links = [attrs["href"] for tag, attrs, _ in markup(client.get(path)) if tag == "a"]
        tel = [href for href in links if href and href.startswith("tel:")]

        # then each phone link dials the digits, and still shows the number as written
        assert tel and set(tel) == {"tel:+31201234567"}, f"{path}: {tel}"
        assert PHONE in client.get(path).content.decode()


def test_the_only_mine_filter_is_a_link_marked_current_not_pressed(seller: tuple[User, Client]) -> None:
    # aria-pressed belongs to buttons (axe: aria-allowed-attr, critical)
    _, client = seller
    for query, current in (("", None), ("?owner=me", "true")):
        tags = markup(client.get(f"/sales/{query}"))
        pressed = [attrs for tag, attrs, _ in tags if tag == "a" and "aria-pressed" in attrs]
        assert not pressed, pressed
        only_mine = [
            attrs
            for tag, attrs, _ in tags
            if tag == "a"
            and "btn--small" in (attrs.get("class") or "")
            and attrs.get("href") in ("/sales/", "/sales/?owner=me")
        ]
        assert [a.get("aria-current") for a in only_mine] == [current], only_mine


def test_no_form_sits_inside_a_span_on_the_guide_tab_when_it_lists_what_was_created(
    seller: tuple[User, Client],
) -> None:
    # Given a sale with a follow-up and a document created from its guide (each with a Delete form)
    user, client = seller
    sale_type = SaleType.objects.filter(deleted=False, has_guide=True).order_by("rank").first()
    assert sale_type is not None
    sale = sales.create_sale(user, title="Office chairs", sale_type_id=sale_type.pk)
    activities.create_followup_from_suggestion(user, sale.pk, _first(SuggestedFollowup, sale))
    documents.create_document_from_suggestion(user, sale.pk, _first(SuggestedDocument, sale))

    # when the guide tab is shown, then every form sits in an element that may hold one
    for path in [f"/sales/{sale.pk}/?tab=guide"]:
        tags = markup(client.get(path))
        delete_forms = [
            (tag, inside) for tag, attrs, inside in tags if tag == "form" and "delete" in (attrs.get("action") or "")
        ]
        assert len(delete_forms) == 2, f"{path}: {delete_forms}"
        in_span = [inside for tag, _, inside in tags if tag == "form" and "span" in inside]
        assert not in_span, f"{path}: forms inside a span: {in_span}"


def test_the_favicon_address_has_no_spaces(seller: tuple[User, Client]) -> None:
    _, client = seller
    icons = [
        attrs["href"] or "" for tag, attrs, _ in markup(client.get("/")) if tag == "link" and attrs.get("rel") == "icon"
    ]
    assert len(icons) == 1 and icons[0].startswith("data:image/svg+xml,")
    assert not re.search(r"\s", icons[0]), icons[0]

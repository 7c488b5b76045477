"""The guide and the helpers the Guide tab's tests share (``test_guide_tab.py``, ``test_guide_tab_questions.py``):
a guide to sell with, its fixtures, and reading the HTML as a user sees it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.test.html import Element, parse_html
from django.urls import reverse

from salesguide.models import (
    Activity,
    Sale,
    SaleType,
    Stage,
    SuggestedDocument,
    SuggestedFollowup,
    User,
)
from salesguide.services import activities, catalog, guides, sale_types, sales, templates

HTMX = {"HX-Request": "true"}
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


# --- a guide to sell with --------------------------------------------------------------------------------------


@dataclass
class Guide:
    sale_type: SaleType
    stages: list[Stage]
    followups: list[list[SuggestedFollowup]]
    documents: list[list[SuggestedDocument]]


def build_guide(
    admin: User,
    *,
    name: str = "New customer",
    stages: int = 3,
    followups: int = 2,
    documents_per_stage: int = 1,
    auto_advance: bool = True,
    auto_suggest: bool = True,
    offset: int = 3,
) -> Guide:
    """Stages "<name> 1".."<name> n" at 10, 20, ... %; per stage follow-ups "Call i.j" (the first of the guide
    not suggested automatically, every other one with ``auto_suggest``) and documents "Letter i.j"."""
    call = catalog.create_activity_type(admin, name=f"Phone call {name}", kind="call", default_duration_minutes=15)
    template = templates.create_text_template(admin, name=f"Letter {name}", kind="letter", body="Dear customer")
    made = [catalog.create_stage(admin, name=f"{name} {i}", probability=10 * i) for i in range(1, stages + 1)]
    sale_type = sale_types.create_sale_type(
        admin, name=name, stage_ids=[s.pk for s in made], has_guide=True, auto_advance=auto_advance
    )
    all_followups, all_documents = [], []
    for i, stage in enumerate(made, start=1):
        all_followups.append(
            [
                guides.add_suggested_followup(
                    admin,
                    sale_type.pk,
                    stage.pk,
                    name=f"Call {i}.{j}",
                    purpose=f"Why call {i}.{j}",
                    activity_type_id=call.pk,
                    days_offset=offset,
                    duration_minutes=20,
                    auto_suggest=auto_suggest and (i, j) != (1, 1),
                    text=f"Talk about {i}.{j}",
                )
                for j in range(1, followups + 1)
            ]
        )
        all_documents.append(
            [
                guides.add_suggested_document(
                    admin,
                    sale_type.pk,
                    stage.pk,
                    name=f"Letter {i}.{j}",
                    purpose=f"Why letter {i}.{j}",
                    template_id=template.pk,
                    subject=f"Letter {i}.{j} about {{{{ sale.title }}}}",
                    our_reference="REF-{{ sale.id }}",
                )
                for j in range(1, documents_per_stage + 1)
            ]
        )
    return Guide(sale_type, made, all_followups, all_documents)


@pytest.fixture(name="guide")
def guide_fixture(admin_user: User) -> Guide:
    return build_guide(admin_user)


@pytest.fixture(name="sale")
def sale_fixture(guide: Guide, salesperson_user: User) -> Sale:
    return sales.create_sale(salesperson_user, title="Big deal", sale_type_id=guide.sale_type.pk)


def fresh(sale: Sale) -> Sale:
    return Sale.objects.get(pk=sale.pk)


def url(name: str, sale: Sale, **kwargs: Any) -> str:
    return reverse(f"sales:sale_guide:{name}", kwargs={"sale_id": sale.pk, **kwargs})


def card(sale: Sale, query: str = "") -> str:
    return f"/sales/{sale.pk}/?tab=guide" + (f"&{query}" if query else "")


def planned(sale: Sale, suggestion: SuggestedFollowup, user: User, start: dt.datetime | None = None) -> Activity:
    return activities.create_followup_from_suggestion(user, sale.pk, suggestion.pk, start=start)


# --- reading the HTML as a user sees it ------------------------------------------------------------------------


def _walk(node: Any) -> Iterator[Element]:
    if isinstance(node, Element):
        yield node
        for child in node.children:
            yield from _walk(child)


def attr(element: Element, name: str) -> str | None:
    return dict(element.attributes).get(name)


def has_attr(element: Element, name: str) -> bool:
    return any(key == name for key, _ in element.attributes)


def select(html: str | bytes, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Element]:
    text = html.decode() if isinstance(html, bytes) else html
    found = []
    for element in _walk(parse_html(text)):
        if tag and element.name != tag:
            continue
        if cls and cls not in (attr(element, "class") or "").split():
            continue
        if any(attr(element, key.replace("_", "-")) != value for key, value in attrs.items()):
            continue
        found.append(element)
    return found


def text_of(node: Any) -> str:
    if isinstance(node, str):
        return node
    return " ".join(" ".join(text_of(child) for child in node.children).split())


def tab(client: Client, sale: Sale, query: str = "") -> str:
    response = client.get(url("tab", sale) + (f"?{query}" if query else ""), headers=HTMX)
    assert response.status_code == 200
    return response.content.decode()


def names_shown(html: str) -> list[str]:
    return [text_of(e) for e in select(html, "a", cls="guide-item__name")]


def dialog_titles(html: str) -> list[str]:
    return [text_of(e.children[0]) if e.children else "" for e in select(html, "dialog")]


def messages_of(html: str) -> list[str]:
    return [text_of(e) for e in select(html, "p", cls="message__text")]

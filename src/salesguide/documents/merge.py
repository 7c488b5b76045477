"""Merge fields for subjects, references and (later) document bodies: Jinja's sandbox with autoescaping off for
plain text lines. Template errors never escape as exceptions: the text is returned as written."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

_plain = SandboxedEnvironment(autoescape=False)


def format_amount(minor_units: int, currency: str) -> str:
    return f"{currency} {minor_units // 100:,}.{minor_units % 100:02d}"


def sale_context(sale: Any, *, today: dt.date) -> dict[str, Any]:
    """The merge fields of a sale (the documented list grows with the document generation work)."""
    owner = sale.owner
    company = sale.company
    contact = sale.contact
    return {
        "sale": {
            "id": sale.pk,
            "title": sale.title,
            "amount": format_amount(sale.amount, sale.currency),
            "currency": sale.currency,
            "probability": sale.probability,
            "expected_date": sale.expected_date.isoformat() if sale.expected_date else "",
            "stage": sale.stage.name if sale.stage_id else "",
        },
        "company": {"name": company.name if company else "", "city": company.city if company else ""},
        "contact": {
            "name": contact.full_name if contact else "",
            "first_name": contact.first_name if contact else "",
            "last_name": contact.last_name if contact else "",
            "email": contact.email if contact else "",
        },
        "owner": {"name": owner.get_full_name() or owner.get_username(), "email": owner.email},
        "today": today.isoformat(),
    }


def render_line(text: str, context: dict[str, Any]) -> str:
    """One line of text (a subject, our reference) with its merge fields filled in."""
    if "{" not in text:
        return text
    try:
        return _plain.from_string(text).render(context).strip()
    except (TemplateError, TypeError, ValueError):
        return text

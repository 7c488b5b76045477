"""Template filters every template may use without ``{% load %}`` (``builtins`` in settings.TEMPLATES)."""

from __future__ import annotations

from django import template

from salesguide import wording
from salesguide.domain import customers
from salesguide.domain.errors import Message
from salesguide.web.sales.money import format_amount

register = template.Library()


@register.filter
def tel_href(phone: str | None) -> str:
    """``<a href="{{ phone|tel_href }}">``: the tel: link that dials the number, without spaces."""
    return customers.phone_uri(phone or "")


@register.filter
def money(minor_units: int | None, currency: str = "") -> str:
    """``{{ total.amount|money:total.currency }}``: an amount in minor units as the rest of the app writes it in
    the active language (``€ 1.250,50`` in Dutch, ``€1,250.50`` in English)."""
    return format_amount(minor_units, currency)


@register.filter
def in_language(message: Message) -> str:
    """``{{ step.reason|in_language }}``: a domain message in the active language, its dates the language's way."""
    return wording.in_language(message)

"""Template filters every template may use without ``{% load %}`` (``builtins`` in settings.TEMPLATES)."""

from __future__ import annotations

from django import template

from salesguide.domain import customers

register = template.Library()


@register.filter
def tel_href(phone: str | None) -> str:
    """``<a href="{{ phone|tel_href }}">``: the tel: link that dials the number, without spaces."""
    return customers.phone_uri(phone or "")

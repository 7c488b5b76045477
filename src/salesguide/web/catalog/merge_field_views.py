"""The merge fields an administrator can write in a document template, each with how to write it, what it is,
and its value for the example sale in the administrator's language (the one the upload check uses too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext

from salesguide.documents.fields import MERGE_FIELDS, example_context, example_text, example_value
from salesguide.models import User
from salesguide.web.accounts.access import admin_required

# A list is written as a loop, not as one value; in a Word table "{%tr" repeats the row.
LOOPS = {
    "sale.lines": "{%tr for line in sale.lines %} … {{ line.description }} … {%tr endfor %}",
    # In Word "{%p" repeats the paragraph: one paragraph per line of the address.
    "company.address_lines": "{%p for line in company.address_lines %} {{ line }} {%p endfor %}",
    "our_company.address_lines": "{%p for line in our_company.address_lines %} {{ line }} {%p endfor %}",
}


@dataclass(frozen=True)
class MergeFieldRow:
    written: str
    description: str
    example: str
    example_lines: list[str]


def _example_lines(value: Any) -> list[str]:
    """The example sale's lines, one readable string each: "1. Description — 3 × €1.00 = €3.00"."""
    if not isinstance(value, list):
        return []
    return [
        line  # a line of an address
        if isinstance(line, str)
        else f"{line.get('number')}. {line.get('description')} — {line.get('quantity')} × {line.get('unit_price')} "
        f"= {line.get('total')}"
        for line in value
        if isinstance(line, dict | str)
    ]


def merge_field_rows(language: str) -> list[MergeFieldRow]:
    context = example_context(language)
    rows = []
    for field in MERGE_FIELDS:
        value = example_value(field.name, context)
        lines = _example_lines(value)
        rows.append(
            MergeFieldRow(
                written=LOOPS.get(field.name, f"{{{{ {field.name} }}}}"),
                description=gettext(field.description),
                example="" if lines else example_text(value, gettext),
                example_lines=lines,
            )
        )
    return rows


@admin_required
def merge_fields(request: HttpRequest) -> HttpResponse:
    language = cast(User, request.user).language or get_language() or "en"
    return render(request, "catalog/merge_fields.html", {"rows": merge_field_rows(language)})

"""The lines of a sale at /sales/<id>/lines/: what is offered, one row per product or service, with its total.

A plain form, so it works without JavaScript: the existing lines plus a few empty rows, a "remove" tick per
row, and "Add a row" (which keeps what was typed and shows one more empty row). Quantities and prices are
typed the user's way (``1,5`` and ``1.250,00`` in Dutch). Saving replaces every line at once with the
version the page was read at; when someone changed the sale meanwhile, everything typed stays on the page.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesguide.domain.errors import DomainError, StaleVersion, ValidationFailed
from salesguide.domain.sale_lines import DESCRIPTION_MAX_LENGTH, MAX_LINES, line_total
from salesguide.models import Sale
from salesguide.queries.sale_lines import line_rows
from salesguide.services import sale_lines as service
from salesguide.web.domain_errors import add_to_form, translate
from salesguide.web.sales.access import INVALID, actor, editable_sale, go_to, sale_page
from salesguide.web.sales.forms import AmountField, VersionOnlyForm
from salesguide.web.sales.money import AmountError, format_amount, parse_localized_amount

EMPTY_ROWS = 3

_QUANTITY_ERRORS = {
    "format": gettext_lazy("Enter a quantity such as 1, 2.5 or 12.75."),
    "decimals": gettext_lazy("Use at most two decimals."),
    "negative": gettext_lazy("The quantity must be more than 0."),
}


class QuantityField(forms.Field):
    """A quantity typed in the user's language (``1,5`` or ``1.5``), cleaned to a ``Decimal``. It has at most
    two decimals, like an amount, so it is read the way amounts are."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6})

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        try:
            hundredths = parse_localized_amount(str(value))
        except AmountError as error:
            raise ValidationError(_QUANTITY_ERRORS[error.reason], code=error.reason) from None
        return None if hundredths is None else Decimal(hundredths).scaleb(-2)

    def prepare_value(self, value: Any) -> Any:
        if not isinstance(value, Decimal):
            return value
        if value == value.to_integral_value():
            return str(int(value))
        return number_format(value, decimal_pos=2)


class LineForm(forms.Form):
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        error_messages={
            "required": gettext_lazy("Describe what this line offers."),
            "max_length": gettext_lazy("At most %(limit_value)d characters."),
        },
    )
    quantity = QuantityField(
        label=gettext_lazy("Quantity"), error_messages={"required": gettext_lazy("Enter a quantity.")}
    )
    unit_price = AmountField(
        label=gettext_lazy("Unit price"),
        error_messages={"required": gettext_lazy("Enter a unit price (0 when it is free).")},
    )


LineFormSet = formset_factory(LineForm, extra=EMPTY_ROWS, can_delete=True, max_num=MAX_LINES, absolute_max=1000)


@dataclass(frozen=True)
class Row:
    form: forms.Form
    total: str


def _lines_url(sale: Sale) -> str:
    return reverse("sales:lines", args=[sale.pk])


def _kept_forms(formset: Any) -> list[forms.Form]:
    """The rows to save, in order, of a valid formset: every existing row not ticked for removal, and every
    new row typed in (the empty ones are left out)."""
    removed = set(map(id, formset.deleted_forms))
    return [
        form
        for index, form in enumerate(formset.forms)
        if id(form) not in removed and (index < formset.initial_form_count() or form.has_changed())
    ]


def _row_total(form: forms.Form, currency: str) -> str:
    # A row shows its total once it reads as a line: as stored, or as typed without errors.
    data = (form.cleaned_data if form.is_valid() else {}) if form.is_bound else form.initial
    quantity, unit_price = data.get("quantity"), data.get("unit_price")
    if quantity is None or unit_price is None:
        return ""
    return format_amount(line_total(quantity, unit_price), currency)


def _page(
    request: HttpRequest,
    sale: Sale,
    formset: Any,
    version_form: forms.Form,
    *,
    total: int | None = None,
    conflict: bool = False,
    status: int = 200,
) -> HttpResponse:
    rows = [Row(form, _row_total(form, sale.currency)) for form in formset.forms]
    return render(
        request,
        "sales/lines.html",
        {
            "sale": sale,
            "formset": formset,
            "rows": rows,
            "version_form": version_form,
            "total": format_amount(sale.amount if total is None else total, sale.currency),
            "conflict": conflict,
            "reload_url": _lines_url(sale),
            "card_url": reverse("sales:card", args=[sale.pk]),
        },
        status=status,
    )


def _typed_total(forms_to_save: list[forms.Form]) -> int:
    """The total of what was typed (the rows have been read)."""
    return sum(line_total(form.cleaned_data["quantity"], form.cleaned_data["unit_price"]) for form in forms_to_save)


def _with_one_more_row(data: Any) -> Any:
    data = data.copy()
    key = f"{LineFormSet().prefix}-TOTAL_FORMS"
    with suppress(ValueError):  # a broken count is the formset's to report
        data[key] = str(min(int(data.get(key, "0")) + 1, MAX_LINES + EMPTY_ROWS))
    return data


def _put_on_rows(error: ValidationFailed, kept: list[forms.Form], version_form: forms.Form) -> None:
    """Each problem of line ``n`` goes next to its field in the ``n``-th row that was saved."""
    for problem in error.problems:
        loc = problem.loc
        if len(loc) == 3 and loc[0] == "lines" and isinstance(loc[1], int) and loc[1] < len(kept):
            form = kept[loc[1]]
            form.add_error(str(loc[2]) if loc[2] in form.fields else None, translate(problem.message))
        else:
            version_form.add_error(None, translate(problem.message))


@sale_page
def sale_lines(request: HttpRequest, sale_id: int) -> HttpResponse:
    sale = editable_sale(request, sale_id)
    if request.method != "POST":
        initial = [
            {"description": line.description, "quantity": line.quantity, "unit_price": line.unit_price}
            for line in line_rows(sale.pk)
        ]
        return _page(request, sale, LineFormSet(initial=initial), VersionOnlyForm(initial={"version": sale.version}))
    version_form = VersionOnlyForm(request.POST)
    if "add_row" in request.POST:
        formset = LineFormSet(_with_one_more_row(request.POST))
        total = _typed_total(_kept_forms(formset)) if formset.is_valid() else None
        return _page(request, sale, formset, version_form, total=total)
    formset = LineFormSet(request.POST)
    formset_valid, version_valid = formset.is_valid(), version_form.is_valid()
    if not (formset_valid and version_valid):
        return _page(request, sale, formset, version_form, status=INVALID)
    kept = _kept_forms(formset)
    typed_total = _typed_total(kept)
    lines = [
        {
            "description": form.cleaned_data["description"],
            "quantity": form.cleaned_data["quantity"],
            "unit_price": form.cleaned_data["unit_price"],
        }
        for form in kept
    ]
    try:
        saved = service.replace_sale_lines(actor(request), sale.pk, lines, version=version_form.cleaned_data["version"])
    except ValidationFailed as error:
        _put_on_rows(error, kept, version_form)
        return _page(request, sale, formset, version_form, total=typed_total, status=INVALID)
    except DomainError as error:
        add_to_form(version_form, error)
        return _page(
            request,
            sale,
            formset,
            version_form,
            total=typed_total,
            conflict=isinstance(error, StaleVersion),
            status=INVALID,
        )
    if lines:
        messages.success(
            request,
            _("The lines are saved. The amount is now %(amount)s.")
            % {"amount": format_amount(saved.amount, saved.currency)},
        )
    else:
        messages.success(
            request,
            _("The sale has no lines now; its amount stays %(amount)s and can be typed again.")
            % {"amount": format_amount(saved.amount, saved.currency)},
        )
    return go_to(request, reverse("sales:card", args=[sale.pk]))

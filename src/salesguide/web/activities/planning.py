"""The form for planning an activity without a sale (from "My activities"): the activity form plus a company and a
contact, picked the way the sale form picks them (a company search filling the company select, and the contacts
of the chosen company filling the contact select). A module of its own because the sale forms, whose pickers it
reuses, import the activity form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from salesguide.models import Company, Contact
from salesguide.web.activities.forms import ActivityForm
from salesguide.web.sales.forms import company_options, contact_options


class PlannedActivityForm(ActivityForm):
    # Selects whose options the form fills (the companies matching a search, the contacts of the company):
    # there may be too many to list them all.
    company = forms.IntegerField(
        label=_("Company"),
        required=False,
        widget=forms.Select(
            attrs={
                "hx-get": reverse_lazy("sales:contact_options"),
                "hx-target": "#id_contact",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        ),
    )
    contact = forms.IntegerField(label=_("Contact"), required=False, widget=forms.Select)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        company_id = self._chosen("company")
        self.fields["company"].widget.choices = company_options(company_id)
        contact_id = self._chosen("contact")
        self.fields["contact"].widget.choices = contact_options(company_id, contact_id)

    def _chosen(self, name: str) -> int | None:
        """The id the user picked (when the form is posted) or the initial one, for filling the select."""
        raw = self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
        try:
            chosen = int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            return None
        # An id no database column holds would fail the query that fills the select; the field's check says so.
        return chosen if chosen is not None and 0 < chosen < 2**63 else None

    def clean_company(self) -> int | None:
        company_id = self.cleaned_data.get("company")
        if company_id is not None and not Company.objects.filter(pk=company_id).exists():
            raise ValidationError(_("This company no longer exists; choose another one."))
        return company_id

    def clean_contact(self) -> int | None:
        contact_id = self.cleaned_data.get("contact")
        if contact_id is not None and not Contact.objects.filter(pk=contact_id).exists():
            raise ValidationError(_("This contact no longer exists; choose another one."))
        return contact_id

    def service_fields(self) -> dict[str, Any]:
        return {
            **super().service_fields(),
            "company_id": self.cleaned_data.get("company"),
            "contact_id": self.cleaned_data.get("contact"),
        }

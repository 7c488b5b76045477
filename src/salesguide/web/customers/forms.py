"""Forms for companies and contacts. They only parse input: required fields, lengths and e-mail and web
addresses are checked by the services, whose messages land next to the field through ``add_to_form``. Browser
hints (``required``, ``maxlength``, input types) are attributes only, so each rule has one source of truth.
When a field does not parse, the form also shows what the rules say about the others, so every problem shows at
once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.widgets import Input
from django.utils.translation import gettext_lazy as _

from salesguide.domain.customers import COMPANY_RULES, CONTACT_RULES, TextRule, company_problems, contact_problems
from salesguide.web.domain_errors import add_problems

# The services name the company of a contact ``company_id``; the form calls that field ``company``.
CONTACT_FIELD_ALIASES = {"company_id": "company"}


def _text(label: Any, rule: TextRule, widget: type[Input] = forms.TextInput, **attrs: Any) -> forms.CharField:
    attrs = {"maxlength": rule.max_length, **attrs}
    if rule.required:
        attrs["required"] = True
    return forms.CharField(label=label, required=False, widget=widget(attrs=attrs))


class CompanyForm(forms.Form):
    name = _text(_("Name"), COMPANY_RULES["name"], autocomplete="organization")
    org_number = _text(_("Registration number"), COMPANY_RULES["org_number"], autocomplete="off", spellcheck="false")
    address = _text(_("Address"), COMPANY_RULES["address"], autocomplete="street-address")
    postal_code = _text(_("Postal code"), COMPANY_RULES["postal_code"], autocomplete="postal-code")
    city = _text(_("City"), COMPANY_RULES["city"], autocomplete="address-level2")
    country = _text(_("Country"), COMPANY_RULES["country"], autocomplete="country-name")
    phone = _text(_("Phone"), COMPANY_RULES["phone"], forms.TextInput, type="tel", autocomplete="tel")
    email = _text(_("E-mail address"), COMPANY_RULES["email"], forms.EmailInput, autocomplete="email")
    website = _text(
        _("Website"), COMPANY_RULES["website"], inputmode="url", autocomplete="url", placeholder="www.example.com"
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMPANY_RULES["notes"].max_length}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            # A field that did not parse keeps the service from seeing the form: show what the rules say about
            # the others too, so every problem shows at once (issue 9, item 12).
            add_problems(self, company_problems(data))
        return data


class ContactForm(forms.Form):
    first_name = _text(_("First name"), CONTACT_RULES["first_name"], autocomplete="off")
    last_name = _text(_("Last name"), CONTACT_RULES["last_name"], autocomplete="off")
    # A select whose options the view fills with the companies matching the search next to it: there may be
    # too many companies to list them all.
    company = forms.IntegerField(label=_("Company"), required=False, widget=forms.Select)
    title = _text(_("Job title"), CONTACT_RULES["title"], autocomplete="off")
    email = _text(_("E-mail address"), CONTACT_RULES["email"], forms.EmailInput, autocomplete="off")
    phone = _text(_("Phone"), CONTACT_RULES["phone"], forms.TextInput, type="tel", autocomplete="off")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            # As on the company form: the rules' say about the fields that parsed shows with the parse errors.
            add_problems(
                self, contact_problems({k: v for k, v in data.items() if k != "company"}), CONTACT_FIELD_ALIASES
            )
        return data

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["company_id"] = data.pop("company")
        return data

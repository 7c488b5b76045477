"""Settings › Our company: the seller's name, address, numbers and logo, which letters and the printed sale show.
The rules (required name, e-mail and web addresses, IBAN, the logo's type and size) live in the services and
the domain; this form only parses, and puts their messages next to the fields."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesguide.domain.errors import DomainError, NotFound
from salesguide.domain.our_company import LOGO_CONTENT_TYPES, LOGO_MAX_BYTES, OUR_COMPANY_RULES
from salesguide.models import User
from salesguide.services import company as service
from salesguide.web.accounts.access import admin_required
from salesguide.web.customers.forms import _text
from salesguide.web.domain_errors import add_to_form


class OurCompanyForm(forms.Form):
    name = _text(gettext_lazy("Name"), OUR_COMPANY_RULES["name"], autocomplete="organization")
    address = _text(gettext_lazy("Address"), OUR_COMPANY_RULES["address"], autocomplete="street-address")
    postal_code = _text(gettext_lazy("Postal code"), OUR_COMPANY_RULES["postal_code"], autocomplete="postal-code")
    city = _text(gettext_lazy("City"), OUR_COMPANY_RULES["city"], autocomplete="address-level2")
    country = _text(gettext_lazy("Country"), OUR_COMPANY_RULES["country"], autocomplete="country-name")
    country.help_text = gettext_lazy("It decides the order of the address on letters, as its post office wants it.")
    phone = _text(gettext_lazy("Phone"), OUR_COMPANY_RULES["phone"], type="tel", autocomplete="tel")
    email = _text(gettext_lazy("E-mail address"), OUR_COMPANY_RULES["email"], forms.EmailInput, autocomplete="email")
    website = _text(
        gettext_lazy("Website"),
        OUR_COMPANY_RULES["website"],
        inputmode="url",
        autocomplete="url",
        placeholder="www.example.com",
    )
    registration_number = _text(
        gettext_lazy("Chamber of commerce / company registration number"),
        OUR_COMPANY_RULES["registration_number"],
        autocomplete="off",
        spellcheck="false",
    )
    vat_number = _text(
        gettext_lazy("VAT number"), OUR_COMPANY_RULES["vat_number"], autocomplete="off", spellcheck="false"
    )
    iban = _text(gettext_lazy("IBAN"), OUR_COMPANY_RULES["iban"], autocomplete="off", spellcheck="false")
    logo = forms.FileField(
        label=gettext_lazy("Logo"),
        required=False,
        # An empty file goes to the service, which refuses it next to the field with every other problem.
        allow_empty_file=True,
        help_text=gettext_lazy("A PNG or JPEG image of at most 1 MB; it is printed about 1.6 cm high."),
        widget=forms.FileInput(attrs={"accept": ",".join(LOGO_CONTENT_TYPES.values())}),
    )
    remove_logo = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)

    TEXT_FIELDS = tuple(OUR_COMPANY_RULES)


def _initial(actor: User) -> dict[str, Any]:
    stored = service.get_our_company(actor)
    return {field: getattr(stored, field) for field in OurCompanyForm.TEXT_FIELDS}


@admin_required
def company_settings(request: HttpRequest) -> HttpResponse:
    actor = cast(User, request.user)
    if request.method == "POST":
        form = OurCompanyForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            upload = data.get("logo")
            # One byte more than allowed: enough for the service to say "too large", never a huge file read.
            logo = upload.read(LOGO_MAX_BYTES + 1) if upload is not None else None
            try:
                service.update_our_company(
                    actor,
                    **{field: data[field] for field in OurCompanyForm.TEXT_FIELDS},
                    logo=logo,
                    remove_logo=bool(data.get("remove_logo")) and logo is None,
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Our company is saved."))
                return redirect("catalog:company")
    else:
        form = OurCompanyForm(initial=_initial(actor))
    stored = service.get_our_company(actor)
    return render(request, "catalog/our_company.html", {"form": form, "has_logo": bool(stored.logo)})


@login_required
def company_logo(request: HttpRequest) -> HttpResponse:
    """The logo, for everyone logged in: the printed sale shows it to salespeople too."""
    try:
        logo = service.get_our_company_logo(cast(User, request.user))
    except NotFound as error:
        raise Http404(_("Our company has no logo.")) from error
    response = HttpResponse(logo.content, content_type=logo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response

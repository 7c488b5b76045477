"""Companies: the list with search, the company card with its contacts, add, edit and delete.

Every logged-in user may do all of this (the services say why); deleting a company that still has sales is
refused, and the confirmation page says so before anyone presses a button.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from salesguide.domain import customers as rules
from salesguide.domain.errors import DomainError, RuleViolation
from salesguide.models import Company, User
from salesguide.queries import customers as queries
from salesguide.services import customers as service
from salesguide.web.customers.forms import CompanyForm
from salesguide.web.customers.paging import (
    PAGE_SIZE,
    ListTemplates,
    load_page,
    more_url,
    render_list,
    search_text,
)
from salesguide.web.domain_errors import add_to_form, translate

# A form that comes back with errors is not a success, so say so to tests and scripts as the guide pages do.
INVALID = 422

LIST_TEMPLATES = ListTemplates(
    page="customers/company_list.html", list="customers/_company_list.html", rows="customers/_company_rows.html"
)


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


@login_required
def company_list(request: HttpRequest) -> HttpResponse:
    query = search_text(request)
    filters = queries.CompanyFilters(q=query)
    page, paged = load_page(request, lambda after: queries.company_page(filters, limit=PAGE_SIZE, after=after))
    list_url = reverse("customers:company_list")
    context = {
        "query": query,
        "page": page,
        "paged": paged,
        "list_url": list_url,
        "more_url": more_url(list_url, {"q": query}, page),
    }
    return render_list(request, LIST_TEMPLATES, context)


@login_required
def company_card(request: HttpRequest, pk: int) -> HttpResponse:
    card = queries.company_card(pk)
    if card is None:
        raise Http404(_("There is no such company."))
    return render(
        request,
        "customers/company_card.html",
        {
            "company": card.company,
            "contacts": card.contacts,
            "website_url": rules.website_url(card.company.website),
            "address": rules.address_line(
                card.company.address, card.company.postal_code, card.company.city, card.company.country
            ),
        },
    )


def _initial(company: Company) -> dict[str, Any]:
    return {field: getattr(company, field) for field in CompanyForm.base_fields}


def _form_page(request: HttpRequest, form: CompanyForm, company: Company | None, status: int = 200) -> HttpResponse:
    return render(request, "customers/company_form.html", {"form": form, "company": company}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def company_add(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, CompanyForm(), None)
    form = CompanyForm(request.POST)
    if form.is_valid():
        try:
            company = service.create_company(_actor(request), **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("“%(name)s” is added.") % {"name": company.name})
            return redirect("customers:company_card", company.pk)
    return _form_page(request, form, None, INVALID)


@login_required
@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_object_or_404(Company, pk=pk)
    if request.method != "POST":
        return _form_page(request, CompanyForm(initial=_initial(company)), company)
    form = CompanyForm(request.POST)
    if form.is_valid():
        try:
            saved = service.update_company(_actor(request), pk, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": saved.name})
            return redirect("customers:company_card", pk)
    return _form_page(request, form, company, INVALID)


def _delete_page(request: HttpRequest, card: queries.CompanyCard, blocked: str | None) -> HttpResponse:
    return render(
        request,
        "customers/company_confirm_delete.html",
        {"company": card.company, "contact_count": len(card.contacts), "blocked": blocked},
        status=INVALID if blocked and request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def company_delete(request: HttpRequest, pk: int) -> HttpResponse:
    card = queries.company_card(pk)
    if card is None:
        raise Http404(_("There is no such company."))
    try:
        if request.method != "POST":
            # Say before anyone presses a button that the company cannot go yet.
            rules.check_company_can_be_deleted(card.sales_count)
            return _delete_page(request, card, None)
        deleted = service.delete_company(_actor(request), pk)
    except RuleViolation as error:
        return _delete_page(request, card, translate(error.message))
    except DomainError as error:
        messages.error(request, translate(error.message))
        return redirect("customers:company_card", pk)
    messages.success(request, _("“%(name)s” is deleted.") % {"name": deleted.name})
    return redirect("customers:company_list")

"""Contacts: the list with search, the contact card, add, edit and delete, and the company picker of the form.

The picker is a select of the companies that match a search box next to it (there may be too many companies
to list). With htmx the options follow the typing. Without JavaScript, a submit whose search text changed
since the options were listed only lists the matching companies again and saves nothing, so pressing Enter in
the search box never saves a contact with the wrong company.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from salesguide.domain.errors import DomainError
from salesguide.models import Company, Contact, User
from salesguide.queries import customers as queries
from salesguide.services import customers as service
from salesguide.web.customers.forms import CONTACT_FIELD_ALIASES, ContactForm
from salesguide.web.customers.paging import (
    MAX_QUERY_LENGTH,
    PAGE_SIZE,
    ListTemplates,
    load_page,
    more_url,
    render_list,
    search_text,
)
from salesguide.web.domain_errors import add_to_form, translate

INVALID = 422
PICKER_SIZE = 50

LIST_TEMPLATES = ListTemplates(
    page="customers/contact_list.html", list="customers/_contact_list.html", rows="customers/_contact_rows.html"
)


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _int_or_none(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _next_url(request: HttpRequest) -> str | None:
    """The page the form was opened from (a company card), if it is one of ours."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


@login_required
def contact_list(request: HttpRequest) -> HttpResponse:
    query = search_text(request)
    company_id = _int_or_none(request.GET.get("company"))
    company = Company.objects.filter(pk=company_id).first() if company_id else None
    company_id = company.pk if company else None
    filters = queries.ContactFilters(q=query, company=company_id)
    page, paged = load_page(request, lambda after: queries.contact_page(filters, limit=PAGE_SIZE, after=after))
    list_url = reverse("customers:contact_list")
    context = {
        "query": query,
        "company": company,
        "page": page,
        "paged": paged,
        "list_url": list_url,
        "more_url": more_url(list_url, {"q": query, "company": company_id}, page),
    }
    return render_list(request, LIST_TEMPLATES, context)


@login_required
def contact_card(request: HttpRequest, pk: int) -> HttpResponse:
    contact = queries.contact_card(pk)
    if contact is None:
        raise Http404(_("There is no such contact."))
    return render(request, "customers/contact_card.html", {"contact": contact})


# --- the form and its company picker ----------------------------------------------------------------------


def _picker(search: str, selected_id: int | None) -> dict[str, Any]:
    choices = queries.company_choices(search, selected_id=selected_id, limit=PICKER_SIZE)
    return {
        "company_choices": choices,
        "company_selected": selected_id,
        "company_search": search,
        "company_more": len(choices) >= PICKER_SIZE,
    }


def _form_page(
    request: HttpRequest,
    form: ContactForm,
    contact: Contact | None,
    *,
    search: str = "",
    selected_id: int | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {"form": form, "contact": contact, "next": _next_url(request), **_picker(search, selected_id)}
    return render(request, "customers/contact_form.html", context, status=status)


def _search_changed(request: HttpRequest) -> str | None:
    """The new search text when the submit only asked for other companies (see the module's docstring)."""
    search = (request.POST.get("company_search") or "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    applied = (request.POST.get("company_search_applied") or "").strip()[:MAX_QUERY_LENGTH]
    return search if search != applied else None


def _save(request: HttpRequest, contact: Contact | None) -> HttpResponse:
    form = ContactForm(request.POST)
    selected_id = _int_or_none(request.POST.get("company"))
    search = _search_changed(request)
    if search is not None:
        return _form_page(request, form, contact, search=search, selected_id=selected_id)
    search = (request.POST.get("company_search") or "").strip()[:MAX_QUERY_LENGTH]
    if form.is_valid():
        try:
            if contact is None:
                saved = service.create_contact(_actor(request), **form.service_fields())
                text = _("“%(name)s” is added.")
            else:
                saved = service.update_contact(_actor(request), contact.pk, **form.service_fields())
                text = _("“%(name)s” is saved.")
        except DomainError as error:
            add_to_form(form, error, CONTACT_FIELD_ALIASES)
        else:
            messages.success(request, text % {"name": saved.full_name})
            return redirect(_next_url(request) or reverse("customers:contact_card", args=[saved.pk]))
    return _form_page(request, form, contact, search=search, selected_id=selected_id, status=INVALID)


@login_required
@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _save(request, None)
    company_id = _int_or_none(request.GET.get("company"))
    if company_id is not None and not Company.objects.filter(pk=company_id).exists():
        company_id = None
    return _form_page(request, ContactForm(initial={"company": company_id}), None, selected_id=company_id)


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact, pk=pk)
    if request.method == "POST":
        return _save(request, contact)
    initial = {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "company": contact.company_id,
        "title": contact.title,
        "email": contact.email,
        "phone": contact.phone,
    }
    return _form_page(request, ContactForm(initial=initial), contact, selected_id=contact.company_id)


@login_required
@require_GET
def company_choices(request: HttpRequest) -> HttpResponse:
    """The picker's options for what was typed in its search box (htmx)."""
    search = search_text(request, "company_search")
    return render(request, "customers/_company_choices.html", _picker(search, _int_or_none(request.GET.get("company"))))


@login_required
@require_http_methods(["GET", "POST"])
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = queries.contact_card(pk)
    if contact is None:
        raise Http404(_("There is no such contact."))
    if request.method != "POST":
        context = {"contact": contact, "next": _next_url(request)}
        return render(request, "customers/contact_confirm_delete.html", context)
    try:
        service.delete_contact(_actor(request), pk)
    except DomainError as error:
        messages.error(request, translate(error.message))
        return redirect("customers:contact_card", pk)
    messages.success(request, _("“%(name)s” is deleted.") % {"name": contact.full_name})
    next_url = _next_url(request)
    return redirect(next_url or reverse("customers:contact_list"))

"""The sale list at /sales/: the form's filters translated into the sale list's read model
(``queries.sale_list``, which the API's list uses too), and its page rendered with a "more" link. Also the
option lists the sale form's company and contact pickers reload."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from salesguide.domain.activities import is_overdue
from salesguide.domain.errors import ValidationFailed
from salesguide.models import Company, Sale, SaleType, Stage, User
from salesguide.queries.sale_list import SaleFilters
from salesguide.queries.sale_list import sale_page as page_of_sales
from salesguide.web.activities.forms import active_users
from salesguide.web.sales.access import actor, is_htmx, sale_page
from salesguide.web.sales.forms import SaleFilterForm, company_options, contact_options
from salesguide.web.sales.money import format_amount

PAGE_SIZE = 50


@dataclass(frozen=True)
class SaleRow:
    sale: Sale
    amount: str
    overdue: bool


def sale_rows(sales: list[Sale]) -> list[SaleRow]:
    now = timezone.now()
    return [
        SaleRow(
            sale=sale,
            amount=format_amount(sale.amount, sale.currency),
            overdue=is_overdue(sale.next_activity_at, now),
        )
        for sale in sales
    ]


def sale_filters(values: dict[str, Any], user: User) -> SaleFilters:
    """The filters the form understood, as the read model names them; "owner=me" is the user."""
    owner = values.get("owner")
    return SaleFilters(
        sale_type=values.get("sale_type"),
        stage=values.get("stage"),
        status=values.get("status"),
        owner=user.pk if owner == "me" else int(owner) if owner else None,
        company=values.get("company"),
        q=values.get("q"),
    )


@sale_page
def sale_list(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    sale_types = list(SaleType.objects.filter(deleted=False).order_by("rank", "name", "id"))
    stages = list(Stage.objects.filter(deleted=False).order_by("rank", "name", "id"))
    owners: list[User] = list(active_users())
    form = SaleFilterForm(request.GET, sale_types=sale_types, stages=stages, owners=owners)
    filters = form.values()
    after = filters.pop("after", None)
    wanted = sale_filters(filters, user)
    cursor_problem = ""
    try:
        page = page_of_sales(wanted, limit=PAGE_SIZE, after=after)
    except ValidationFailed:
        cursor_problem = _("That link to more sales is no longer valid; here is the start of the list.")
        after = None
        page = page_of_sales(wanted, limit=PAGE_SIZE)
    more_url = ""
    if page.next:
        params = request.GET.copy()
        params["after"] = page.next
        more_url = f"?{params.urlencode()}"
    company = Company.objects.filter(pk=filters["company"]).first() if "company" in filters else None
    without_company = request.GET.copy()
    without_company.pop("company", None)
    without_company.pop("after", None)
    context = {
        "rows": sale_rows(page.items),
        "more_url": more_url,
        "filters": filters,
        "filtered": bool(filters),
        "form": form,
        "sale_types": sale_types,
        "stages": stages,
        "owner_choices": form.owner_choices,
        "status_choices": form.fields["status"].choices,  # type: ignore[attr-defined]
        "company": company,
        "without_company_url": f"?{without_company.urlencode()}",
        "cursor_problem": cursor_problem,
    }
    if is_htmx(request):
        template = "sales/_list_rows.html" if after else "sales/_list_results.html"
        return render(request, template, context)
    return render(request, "sales/list.html", context)


def _int_or_none(value: str | None) -> int | None:
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    # An id no database column holds would fail the query (a 500) instead of finding nothing.
    return number if number is not None and 0 < number < 2**63 else None


@sale_page
def company_options_view(request: HttpRequest) -> HttpResponse:
    """The company select's options for a search typed next to it (htmx)."""
    options = company_options(_int_or_none(request.GET.get("company")), (request.GET.get("company_q") or "")[:100])
    return render(
        request, "sales/_options.html", {"options": options, "selected": _int_or_none(request.GET.get("company"))}
    )


@sale_page
def contact_options_view(request: HttpRequest) -> HttpResponse:
    """The contact select's options once a company is chosen (htmx)."""
    company_id = _int_or_none(request.GET.get("company"))
    selected = _int_or_none(request.GET.get("contact"))
    return render(
        request, "sales/_options.html", {"options": contact_options(company_id, selected), "selected": selected}
    )

"""The sale list at /sales/: the form's filters translated into the sale list's read model
(``queries.sale_list``, which the API's list uses too), and its page rendered with a "more" link. Also the
option lists the sale form's company and contact pickers reload."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from salesguide.domain.activities import is_overdue
from salesguide.domain.errors import ValidationFailed
from salesguide.models import Company, SaleStatus, SaleType, Stage, User
from salesguide.queries.sale_list import SaleFilters, SaleListRow
from salesguide.queries.sale_list import sale_row_page as page_of_sales
from salesguide.web.activities.forms import active_users
from salesguide.web.sales.access import actor, is_htmx, sale_page
from salesguide.web.sales.forms import SaleFilterForm, company_options, contact_options
from salesguide.web.sales.money import format_amount

PAGE_SIZE = 50


# The badge of each status, as on the card; any other status is a warning.
LIST_STATUS_BADGES: dict[str, str] = {
    SaleStatus.OPEN: "badge--info",
    SaleStatus.SOLD: "badge--success",
    SaleStatus.LOST: "badge--danger",
}


class NamedChoice(NamedTuple):
    pk: int
    name: str


@dataclass(frozen=True)
class SaleRow:
    """One row of the list with every cell worked out here, once: the template only prints them. (A page has
    50 rows; looking up, translating and formatting per cell in the template was most of the page's time.)"""

    pk: int
    url: str
    title: str
    completed: bool
    company: str | None
    stage: str | None
    probability: int
    amount: str
    owner: str
    next_activity: str  # the date, "" when nothing is planned
    overdue: bool
    status: str
    status_badge: str


def _card_url_maker() -> Callable[[int], str]:
    """The card's address for any sale id from a single ``reverse``: fifty of them cost more than the query."""
    marker = "2147483647"
    prefix, _marker, suffix = reverse("sales:card", args=[int(marker)]).rpartition(marker)
    return lambda sale_id: f"{prefix}{sale_id}{suffix}"


def sale_rows(sales: list[SaleListRow]) -> list[SaleRow]:
    now = timezone.now()
    card_url = _card_url_maker()
    status_labels = {value: str(label) for value, label in SaleStatus.choices}
    rows = []
    for sale in sales:
        next_at = sale.next_activity_at
        rows.append(
            SaleRow(
                pk=sale.id,
                url=card_url(sale.id),
                title=sale.title,
                completed=sale.completed,
                company=sale.company_name,
                stage=sale.stage_name,
                probability=sale.probability,
                amount=format_amount(sale.amount, sale.currency),
                # As User.get_full_name, else the user name.
                owner=f"{sale.owner_first_name} {sale.owner_last_name}".strip() or sale.owner_username,
                # As the template's ``date`` filter writes it: in the user's time zone, the language's short date.
                next_activity=formats.date_format(timezone.localtime(next_at), "SHORT_DATE_FORMAT") if next_at else "",
                overdue=is_overdue(next_at, now),
                status=status_labels.get(sale.status, sale.status),
                status_badge=LIST_STATUS_BADGES.get(sale.status, "badge--warning"),
            )
        )
    return rows


_SELECTED = mark_safe(" selected")


def select_options(choices: Iterable[tuple[Any, Any]], selected: Any) -> SafeString:
    """A filter select's ``<option>``s, the one equal to ``selected`` selected. Built here rather than in a
    template loop: the stage filter has an option for every stage of every sale type."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, _SELECTED if value == selected else "", label) for value, label in choices),
    )


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
        stale=bool(values.get("stale")),
    )


@sale_page
def sale_list(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    sale_types = list(SaleType.objects.filter(deleted=False).order_by("rank", "name", "id"))
    # Plain (pk, name) pairs: the filter names a stage of every sale type, often more than a hundred.
    stages = [
        NamedChoice(pk, name)
        for pk, name in Stage.objects.filter(deleted=False).order_by("rank", "name", "id").values_list("id", "name")
    ]
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
        "sale_type_options": select_options(((t.pk, t.name) for t in sale_types), filters.get("sale_type")),
        "stage_options": select_options(((s.pk, s.name) for s in stages), filters.get("stage")),
        "status_options": select_options(form.fields["status"].choices, filters.get("status")),  # type: ignore[attr-defined]
        "owner_options": select_options(form.owner_choices, filters.get("owner")),
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

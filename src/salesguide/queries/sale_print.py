"""A whole sale on paper (SPEC 3.4): its header and lines, its guide, every activity, its documents and its
history, as the print view and the PDF show it.

Eleven queries whatever the number of lines, stages, suggestions, activities, documents or stage changes: the
sale with everything its header names, its lines, the guide (five, from ``sale_guide``), the activities, the
documents and the stage changes, each with the rows they name joined in, and our company for the letterhead.

Amounts are formatted here, in the language asked for; times stay aware and are shown by the template in the
time zone that is active while it renders (the reader's: ``services.clock.zone_of``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from babel.numbers import format_decimal
from django.utils.text import slugify
from django.utils.translation import gettext as _

from salesguide.documents.merge import format_money, locale_for
from salesguide.domain import selling
from salesguide.domain.activities import is_overdue
from salesguide.domain.addresses import PostalAddress, address_lines
from salesguide.domain.sale_lines import line_total
from salesguide.models import Activity, Document, ProbabilityPolicy, Sale, SaleStatus, User
from salesguide.queries.history import HistoryRow, history_rows
from salesguide.queries.our_company import Letterhead, letterhead, our_company
from salesguide.queries.sale_guide import SaleGuide, sale_guide


def time_zone_of(user: User) -> zoneinfo.ZoneInfo:
    """The user's own time zone, else the installation's (``User.zone``; services use ``services.clock``)."""
    return user.zone


@dataclass(frozen=True)
class PrintedLine:
    description: str
    quantity: str
    unit_price: str
    total: str


@dataclass(frozen=True)
class PageLabel:
    """ "Page 2 of 5" cut around its numbers, so that the PDF's page counters sit where the translation puts
    them (the words come from the catalogue, the numbers from CSS counters)."""

    before: str
    between: str
    after: str


@dataclass(frozen=True)
class SalePrint:
    sale: Sale
    status_label: str
    amount: str
    lines: list[PrintedLine]
    lines_total: str
    stage_probability: int | None
    probability_is_manual: bool
    policy_label: str
    next_activity: Activity | None
    overdue: bool
    guide: SaleGuide | None
    activities: list[Activity]
    documents: list[Document]
    history: list[HistoryRow]
    printed_at: dt.datetime
    page_label: PageLabel
    # Our company at the top of the page (None until it has a name), and the customer's postal address in the
    # order of its country.
    letterhead: Letterhead | None = None
    company_address: list[str] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        """``sale-12-acme-website.pdf`` in the reader's language; ASCII, so every browser keeps it."""
        title = slugify(self.sale.title)[:60].strip("-")
        return "-".join(part for part in (slugify(_("sale")), str(self.sale.pk), title) if part) + ".pdf"


def _page_label() -> PageLabel:
    marker_page, marker_pages = "\x00page\x00", "\x00pages\x00"
    text = _("Page %(page)s of %(pages)s") % {"page": marker_page, "pages": marker_pages}
    before, _sep, rest = text.partition(marker_page)
    between, _sep, after = rest.partition(marker_pages)
    return PageLabel(before=before, between=between, after=after)


def _lines(sale: Sale, language: str) -> tuple[list[PrintedLine], int]:
    locale = locale_for(language)
    printed, total = [], 0
    for line in sale.lines.all():
        amount = line_total(Decimal(line.quantity), line.unit_price)
        total += amount
        printed.append(
            PrintedLine(
                description=line.description,
                quantity=format_decimal(Decimal(line.quantity).normalize(), locale=locale),
                unit_price=format_money(line.unit_price, sale.currency, language),
                total=format_money(amount, sale.currency, language),
            )
        )
    return printed, total


def _company_address(sale: Sale, seller: Letterhead | None) -> list[str]:
    company = sale.company
    if company is None:
        return []
    postal = PostalAddress(company.address, company.postal_code, company.city, company.country)
    return address_lines(postal, home_country=seller.company.country if seller else "")


def sale_print(sale_id: int, *, language: str, now: dt.datetime) -> SalePrint | None:
    """Everything the printed sale shows, or ``None`` for an unknown sale. Labels come out in the active
    language; ``language`` formats the amounts."""
    sale = (
        Sale.objects.select_related(
            "sale_type", "company", "contact", "owner", "stage", "reason", "competitor", "stage_when_closed"
        )
        .prefetch_related("lines")
        .filter(pk=sale_id)
        .first()
    )
    if sale is None:
        return None
    lines, lines_total = _lines(sale, language)
    guide = sale_guide(sale)
    activities = list(
        Activity.objects.filter(sale=sale).select_related("activity_type", "owner").order_by("start", "id")
    )
    next_activity = next((a for a in activities if a.completed_at is None), None)
    documents = list(
        Document.objects.filter(sale=sale).select_related("template", "owner").order_by("created_at", "id")
    )
    seller = letterhead(our_company())
    policy = sale.sale_type.probability_policy
    stage_probability = sale.stage.probability if sale.stage is not None else None
    return SalePrint(
        sale=sale,
        status_label=str(dict(SaleStatus.choices).get(sale.status, sale.status)),
        amount=format_money(sale.amount, sale.currency, language),
        lines=lines,
        lines_total=format_money(lines_total, sale.currency, language),
        stage_probability=stage_probability,
        probability_is_manual=selling.probability_shown_as_manual(
            selling.SaleState(
                stage_id=sale.stage_id,
                probability=sale.probability,
                status=selling.SaleStatus(sale.status),
                probability_is_manual=sale.probability_is_manual,
            )
        ),
        policy_label=str(ProbabilityPolicy(policy).label) if policy in ProbabilityPolicy.values else policy,
        next_activity=next_activity,
        overdue=is_overdue(next_activity.start if next_activity is not None else None, now),
        guide=guide if guide.has_guide else None,
        activities=activities,
        documents=documents,
        history=history_rows(sale.pk),
        printed_at=now,
        page_label=_page_label(),
        letterhead=seller,
        company_address=_company_address(sale, seller),
    )

"""A whole sale on paper (SPEC 3.4): its header and lines, its guide, every activity, its documents and its
history, as the print view and the PDF show it.

Ten queries whatever the number of lines, stages, suggestions, activities, documents or stage changes: the sale
with everything its header names, its lines, the guide (five, from ``sale_guide``), the activities, the
documents and the stage changes, each with the rows they name joined in.

Amounts are formatted here, in the language asked for; times stay aware and are shown by the template in the
time zone that is active while it renders (``time_zone_of`` the reader).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesguide.documents.merge import format_money, line_total, locale_for
from salesguide.domain.selling import ChangeKind
from salesguide.models import Activity, Document, ProbabilityPolicy, Sale, SaleStatus, StageChange, User
from salesguide.queries.sale_guide import SaleGuide, sale_guide

# The words of a history row, on the card's History tab and on paper alike.
CHANGE_LABELS: dict[str, Any] = {
    ChangeKind.CREATED: gettext_lazy("Created"),
    ChangeKind.STAGE: gettext_lazy("Stage changed"),
    ChangeKind.PROBABILITY: gettext_lazy("Probability changed"),
    ChangeKind.SOLD: gettext_lazy("Sold"),
    ChangeKind.LOST: gettext_lazy("Lost"),
    ChangeKind.STALLED: gettext_lazy("Stalled"),
    ChangeKind.REOPENED: gettext_lazy("Reopened"),
    ChangeKind.SALE_TYPE: gettext_lazy("Sale type changed"),
    ChangeKind.STAGE_REMOVED: gettext_lazy("Stage removed"),
}


def time_zone_of(user: User) -> zoneinfo.ZoneInfo:
    """The user's own time zone; the installation's when none is set, or when the stored name is unknown."""
    for name in (getattr(user, "time_zone", ""), settings.TIME_ZONE):
        if name:
            try:
                return zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
    return zoneinfo.ZoneInfo("UTC")


@dataclass(frozen=True)
class PrintedLine:
    description: str
    quantity: str
    unit_price: str
    total: str


@dataclass(frozen=True)
class PrintedChange:
    change: StageChange
    label: str
    note: str
    from_status: str
    to_status: str

    @property
    def status_changed(self) -> bool:
        return bool(self.from_status) and self.from_status != self.to_status

    @property
    def stage_changed(self) -> bool:
        return self.change.from_stage_id is not None and self.change.from_stage_id != self.change.to_stage_id

    @property
    def probability_changed(self) -> bool:
        before = self.change.probability_before
        return before is not None and before != self.change.probability_after


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
    history: list[PrintedChange]
    printed_at: dt.datetime
    page_label: PageLabel

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


def _history(sale: Sale) -> list[PrintedChange]:
    status_labels = dict(SaleStatus.choices)
    rows = []
    for change in StageChange.objects.filter(sale=sale).select_related("from_stage", "to_stage", "by"):
        note = change.reason
        if change.kind == ChangeKind.STAGE_REMOVED:
            name = change.from_stage.name if change.from_stage is not None else "?"
            note = _("Moved because stage “%(stage)s” was deleted or taken out of this sale type.") % {"stage": name}
        rows.append(
            PrintedChange(
                change=change,
                label=str(CHANGE_LABELS.get(change.kind, change.kind)),
                note=note,
                from_status=str(status_labels.get(change.from_status, change.from_status)),
                to_status=str(status_labels.get(change.to_status, change.to_status)),
            )
        )
    return rows


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
    policy = sale.sale_type.probability_policy
    stage_probability = sale.stage.probability if sale.stage is not None else None
    return SalePrint(
        sale=sale,
        status_label=str(dict(SaleStatus.choices).get(sale.status, sale.status)),
        amount=format_money(sale.amount, sale.currency, language),
        lines=lines,
        lines_total=format_money(lines_total, sale.currency, language),
        stage_probability=stage_probability,
        probability_is_manual=sale.probability_is_manual
        or (stage_probability is not None and sale.probability != stage_probability),
        policy_label=str(ProbabilityPolicy(policy).label) if policy in ProbabilityPolicy.values else policy,
        next_activity=next_activity,
        overdue=next_activity is not None and next_activity.start < now,
        guide=guide if guide.has_guide else None,
        activities=activities,
        documents=documents,
        history=_history(sale),
        printed_at=now,
        page_label=_page_label(),
    )

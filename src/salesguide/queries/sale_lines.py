"""The lines of a sale as the API and the lines page show them: two queries whatever the number of lines."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from salesguide.domain.sale_lines import line_total
from salesguide.models import Sale, SaleLine


@dataclass(frozen=True)
class LineRow:
    id: int
    description: str
    quantity: Decimal
    unit_price: int
    total: int


@dataclass(frozen=True)
class SaleLines:
    """A sale's lines in their order, with what is needed to change them: the amount, currency and version."""

    sale: Sale
    lines: list[LineRow]

    @property
    def amount(self) -> int:
        return self.sale.amount

    @property
    def currency(self) -> str:
        return self.sale.currency

    @property
    def version(self) -> int:
        return self.sale.version


def line_rows(sale_id: int) -> list[LineRow]:
    return [
        LineRow(line.pk, line.description, line.quantity, line.unit_price, line_total(line.quantity, line.unit_price))
        for line in SaleLine.objects.filter(sale_id=sale_id).order_by("rank", "id")
    ]


def sale_lines(sale_id: int) -> SaleLines | None:
    """The sale (with what its page header names) and its lines; ``None`` when there is no such sale."""
    sale = Sale.objects.select_related("company", "stage").filter(pk=sale_id).first()
    if sale is None:
        return None
    return SaleLines(sale, line_rows(sale_id))

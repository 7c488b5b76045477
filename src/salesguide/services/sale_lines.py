"""Replacing the lines of a sale (what is offered). When a sale has lines, its amount is their total: this is
the one place that writes both, in one transaction, so they never disagree.

The lines are replaced as a whole (all or nothing) with the ``version`` of the sale the client read, like any
other change of a sale; a stale version is refused and nothing changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from salesguide.domain.catalog import raise_if_problems
from salesguide.domain.sale_lines import lines_total, validated_lines
from salesguide.models import Sale, SaleLine, User
from salesguide.services.permissions import require_change_sale
from salesguide.services.sales import lock_sale, save_sale


@transaction.atomic
def replace_sale_lines(actor: User, sale_id: int, lines: Sequence[Mapping[str, Any]], *, version: int) -> Sale:
    """Put ``lines`` (each ``description``, ``quantity``, ``unit_price``) in place of the sale's lines, in
    this order. With lines the amount becomes their total; with none the amount stays what it was and can be
    typed again."""
    sale = lock_sale(sale_id, version)
    require_change_sale(actor, sale)
    checked, problems = validated_lines([dict(line) if isinstance(line, Mapping) else line for line in lines])
    raise_if_problems(problems)
    SaleLine.objects.filter(sale=sale).delete()
    SaleLine.objects.bulk_create(
        SaleLine(sale=sale, rank=rank, description=line.description, quantity=line.quantity, unit_price=line.unit_price)
        for rank, line in enumerate(checked)
    )
    if checked:
        sale.amount = lines_total(checked)
    # A new version even when only the lines changed: the client's copy of the sale is out of date either way.
    return save_sale(sale)

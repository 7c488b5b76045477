"""The open pipeline's totals, kept by the sale services in the transaction of every change (decision 0007).

A sale adds to exactly one group while it is open and in a stage: (sale type, stage, owner, currency), with its
amount and its weighted amount (``domain.money.weighted_amount``, rounded per sale). Every write of a sale in
``services.sales`` hands its share before and after to ``record_change``, which moves the difference in one
statement; ``rebuild_pipeline_totals`` recomputes everything from the sales (after a bulk load, or to repair).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Sum

from salesguide.domain.money import weighted_amount
from salesguide.models import PipelineTotal, Sale
from salesguide.models.sales import SaleStatus
from salesguide.queries.money_sql import weighted_amount_sql

GroupKey = tuple[int, int, int, str]  # sale type, stage, owner, currency


@dataclass(frozen=True)
class Share:
    """What one open sale adds to its group."""

    key: GroupKey
    amount: int
    weighted_amount: int


def _share(values: Mapping[str, object]) -> Share | None:
    if values.get("status") != SaleStatus.OPEN or values.get("stage_id") is None:
        return None
    amount = int(values["amount"])  # type: ignore[call-overload]
    probability = int(values["probability"])  # type: ignore[call-overload]
    key = (
        int(values["sale_type_id"]),  # type: ignore[call-overload]
        int(values["stage_id"]),  # type: ignore[call-overload]
        int(values["owner_id"]),  # type: ignore[call-overload]
        str(values["currency"]),
    )
    return Share(key, amount, weighted_amount(amount, probability))


SHARE_FIELDS = ("status", "stage_id", "sale_type_id", "owner_id", "currency", "amount", "probability")


def share_now(sale: Sale) -> Share | None:
    """The sale's share as it is in memory (about to be saved)."""
    return _share({name: getattr(sale, name) for name in SHARE_FIELDS})


def share_as_loaded(sale: Sale) -> Share | None:
    """The sale's share as the database has it: from the values it was loaded with, or read again when it was
    not loaded whole (a new sale has none)."""
    if sale.pk is None or sale._state.adding:
        return None
    loaded = sale.loaded or {}
    if all(name in loaded for name in SHARE_FIELDS):
        return _share(loaded)
    stored = Sale.objects.filter(pk=sale.pk).values(*SHARE_FIELDS).first()
    return _share(stored) if stored is not None else None


def record_change(before: Share | None, after: Share | None) -> None:
    """Move a sale's share from ``before`` to ``after`` in one statement (nothing when they are equal). Must run
    inside the transaction that writes the sale."""
    deltas: dict[GroupKey, list[int]] = {}
    for share, sign in ((before, -1), (after, 1)):
        if share is None:
            continue
        delta = deltas.setdefault(share.key, [0, 0, 0])
        delta[0] += sign
        delta[1] += sign * share.amount
        delta[2] += sign * share.weighted_amount
    add_to_groups({key: (delta[0], delta[1], delta[2]) for key, delta in deltas.items()})


def add_to_groups(deltas: Mapping[GroupKey, tuple[int, int, int]]) -> None:
    """Add (count, amount, weighted amount) to each group in one statement: ``record_change`` for one sale, and
    an import for the thousands of new sales it wrote in bulk. Inside the transaction that writes the sales."""
    rows: list[tuple[int | str, ...]] = [(*key, *delta) for key, delta in deltas.items() if any(delta)]
    if not rows:
        return
    table = connection.ops.quote_name(PipelineTotal._meta.db_table)
    # At most a thousand groups a statement: 7,000 parameters stay under every database's limit.
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
        # One upsert for all groups: PostgreSQL and SQLite (3.24+) both know ON CONFLICT ... DO UPDATE with EXCLUDED.
        sql = (
            f"INSERT INTO {table} (sale_type_id, stage_id, owner_id, currency, count, amount, weighted_amount) "  # noqa: S608
            f"VALUES {placeholders} "
            "ON CONFLICT (sale_type_id, stage_id, owner_id, currency) DO UPDATE SET "
            f"count = {table}.count + EXCLUDED.count, "
            f"amount = {table}.amount + EXCLUDED.amount, "
            f"weighted_amount = {table}.weighted_amount + EXCLUDED.weighted_amount"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for row in chunk for value in row])


@transaction.atomic
def rebuild_pipeline_totals() -> int:
    """Recompute every total from the open sales (after a bulk load, or to repair); returns the groups written."""
    PipelineTotal.objects.all().delete()
    groups = (
        Sale.objects.filter(status=SaleStatus.OPEN, stage__isnull=False)
        .order_by()
        .values("sale_type_id", "stage_id", "owner_id", "currency")
        .annotate(n=Count("id"), total=Sum("amount"), weighted=Sum(weighted_amount_sql()))
    )
    created = PipelineTotal.objects.bulk_create(
        PipelineTotal(
            sale_type_id=group["sale_type_id"],
            stage_id=group["stage_id"],
            owner_id=group["owner_id"],
            currency=group["currency"],
            count=group["n"],
            amount=group["total"] or 0,
            weighted_amount=group["weighted"] or 0,
        )
        for group in groups
    )
    return len(created)

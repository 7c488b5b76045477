"""Sales and their append-only history of stage changes."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salesguide.models.catalog import Competitor, Reason, SaleType, Stage
from salesguide.models.customers import Company, Contact


class SaleStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SOLD = "sold", _("Sold")
    LOST = "lost", _("Lost")
    STALLED = "stalled", _("Stalled")


class Sale(models.Model):
    title = models.CharField(_("title"), max_length=200)
    # The sale's key in the system it was imported from (issue 11): importing the same file again updates it.
    external_ref = models.CharField(_("external reference"), max_length=100, blank=True, default="")
    sale_type = models.ForeignKey(SaleType, verbose_name=_("sale type"), on_delete=models.PROTECT)
    company = models.ForeignKey(
        Company, verbose_name=_("company"), null=True, blank=True, on_delete=models.PROTECT, related_name="sales"
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.SET_NULL, related_name="sales"
    )
    # Indexed by the owner-first indexes below (one index less to keep on every insert).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="sales",
        db_index=False,
    )
    description = models.TextField(_("description"), blank=True)
    amount = models.BigIntegerField(_("amount"), default=0, help_text=_("In minor units (cents)."))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    probability = models.PositiveSmallIntegerField(_("probability"), default=0)
    probability_is_manual = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=10, choices=SaleStatus.choices, default=SaleStatus.OPEN)
    expected_date = models.DateField(_("expected date"), null=True, blank=True)
    closed_date = models.DateField(_("closed date"), null=True, blank=True)
    # Set only on closed sales: indexed where set (partial indexes below), not for every open sale.
    reason = models.ForeignKey(
        Reason,
        verbose_name=_("reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    competitor = models.ForeignKey(
        Competitor,
        verbose_name=_("competitor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    reopen_date = models.DateField(_("re-open date"), null=True, blank=True)
    completed = models.BooleanField(_("completed"), default=False)
    stage_when_closed = models.ForeignKey(
        Stage,
        verbose_name=_("stage when closed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    stage_entered_at = models.DateTimeField(null=True, blank=True)
    # Derived (SPEC 3.11), kept up to date by the activity services so lists can sort and filter on it.
    next_activity_at = models.DateTimeField(_("next activity"), null=True, blank=True)
    # Stored aging (SPEC 6.2, decision 0011), so the stale list is an index range: the moment from which the open
    # sale has been in its stage longer than its type expects (stage_entered_at + expected days + 1 day; null when
    # the stage has no expected days or the sale is not open), kept by the sale services and the bulk writers;
    # and the latest start of its open activities (beside next_activity_at, the earliest). Stale ⇔ open ∧
    # stale_from ≤ now ∧ (last_planned_at is null ∨ last_planned_at < now).
    stale_from = models.DateTimeField(null=True, blank=True)
    last_planned_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sale")
        verbose_name_plural = _("sales")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(probability__lte=100), name="sale_probability_range"),
            models.UniqueConstraint(
                fields=["external_ref"], condition=~Q(external_ref=""), name="sale_external_ref_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "status"], name="sale_owner_status_idx"),
            # Set on closed sales only: the index holds those (a reason, competitor or stage deleted is
            # checked against them), and an open sale written costs no entry.
            models.Index(fields=["reason"], condition=Q(reason__isnull=False), name="sale_reason_set_idx"),
            models.Index(fields=["competitor"], condition=Q(competitor__isnull=False), name="sale_competitor_set_idx"),
            models.Index(
                fields=["stage_when_closed"],
                condition=Q(stage_when_closed__isnull=False),
                name="sale_stage_when_closed_set_idx",
            ),
            models.Index(fields=["expected_date"], name="sale_expected_date_idx"),
            # The forecast (queries/reports/forecast.py) reads a range of expected or closed dates of one status
            # and sums amounts per month and currency: with every column it reads in the index, both databases
            # answer from the index alone instead of fetching each sale's row (4× to 10× faster at scale).
            models.Index(
                fields=["status", "expected_date", "currency", "amount", "probability"], name="sale_forecast_open_idx"
            ),
            models.Index(fields=["status", "closed_date", "currency", "amount"], name="sale_forecast_sold_idx"),
            # A board column (queries/board.py) is the open sales of one type in one stage, latest arrival in the
            # stage first: with the order's keys in the index, each column's page is a range read that stops after
            # one page, instead of sorting the whole column (at a million sales: no temporary sort, ~3 ms for
            # every column's first page together on SQLite). The second does the same for one owner's board,
            # which the first would have to filter row by row (~40× faster for a salesperson's own board).
            models.Index(
                fields=["status", "sale_type", "stage", "stage_entered_at", "id"], name="sale_board_column_idx"
            ),
            models.Index(
                fields=["owner", "status", "sale_type", "stage", "stage_entered_at", "id"],
                name="sale_board_owner_column_idx",
            ),
            # A salesperson's home lists their open sales that need attention, longest in their stage first: this
            # index lets it walk one owner's open sales in that order and stop at the page's end (at a million
            # sales ~1–12 ms instead of 100–240 ms on SQLite for the busiest owner).
            models.Index(fields=["owner", "status", "stage_entered_at", "id"], name="sale_owner_entered_idx"),
            # The stale list (queries.aging.stale_sales), newest first like every sale list: these hold only the
            # sales with a stale_from (open ones in a stage with expected days), in the list's order, with both
            # aging columns, so a page is a walk that checks each entry in the index and stops after a page
            # (decision 0011); the second does the same for one owner's list.
            models.Index(
                fields=["id", "stale_from", "last_planned_at"],
                condition=Q(stale_from__isnull=False),
                name="sale_stale_idx",
            ),
            models.Index(
                fields=["owner", "id", "stale_from", "last_planned_at"],
                condition=Q(stale_from__isnull=False),
                name="sale_owner_stale_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # The stored values of the fields the pipeline totals and the save depend on, as loaded (``from_db``), so the
    # sale services can save only what changed and move the sale's share of the totals (decision 0007).
    loaded: dict[str, object] | None = None
    # What the last move of this instance warned of (warn mode of the exit criteria, SPEC 6.3): the required items
    # left undone, for the door to answer with. Set by ``services.sales``; not stored.
    exit_warnings: tuple[Any, ...] = ()

    @classmethod
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any) -> Self:
        instance = super().from_db(db, field_names, values, **kwargs)
        instance.loaded = {
            name: value for name, value in zip(field_names, values, strict=True) if value is not models.DEFERRED
        }
        return instance


class SaleLine(models.Model):
    """One line of what is offered (product or service, quantity, unit price); a quotation lists them. When a
    sale has lines, its amount is their total."""

    sale = models.ForeignKey(Sale, on_delete=models.CASCADE, related_name="lines")
    rank = models.PositiveIntegerField(default=0)
    description = models.CharField(_("description"), max_length=255)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=1)
    unit_price = models.BigIntegerField(_("unit price"), help_text=_("In minor units (cents)."))

    class Meta:
        verbose_name = _("sale line")
        verbose_name_plural = _("sale lines")
        ordering = ["rank", "id"]

    def __str__(self) -> str:
        return self.description


class StageChange(models.Model):
    """One row per change of stage, status or probability; never edited (SPEC 1, "Stage change")."""

    # Indexed by stagechange_sale_at_idx, which starts with the sale.
    sale = models.ForeignKey(Sale, on_delete=models.CASCADE, related_name="stage_changes", db_index=False)
    kind = models.CharField(max_length=20)
    # Empty on a sale's first row (created, imported): indexed where set.
    from_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    to_stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    probability_before = models.PositiveSmallIntegerField(null=True, blank=True)
    probability_after = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    # Set when a manager or administrator moved the sale on with required items missing (SPEC 6.3). Nullable so
    # that adding it does not rebuild the history table on SQLite.
    override_reason = models.CharField(max_length=300, null=True, blank=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["sale", "at", "id"], name="stagechange_sale_at_idx"),
            models.Index(
                fields=["from_stage"], condition=Q(from_stage__isnull=False), name="stagechange_from_stage_set_idx"
            ),
            # The few moves past required items (exit criteria), counted per stage by the funnel.
            models.Index(
                fields=["from_stage"], condition=Q(override_reason__isnull=False), name="stagechange_override_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sale_id}: {self.kind}"


class PipelineTotal(models.Model):
    """The open pipeline summed per sale type, stage, owner and currency (decision 0007).

    Kept by the sale services in the same transaction as every change of a sale's status, stage, owner, amount,
    currency or probability, so the board's column totals and the pipeline report read at most a few thousand
    rows instead of aggregating every open sale. ``weighted_amount`` is the sum of each sale's rounded weighted
    amount (``domain.money.weighted_amount``). A row whose count reaches zero stays, with zeros."""

    sale_type = models.ForeignKey(SaleType, on_delete=models.CASCADE, related_name="+")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    currency = models.CharField(max_length=3)
    count = models.BigIntegerField(default=0)
    amount = models.BigIntegerField(default=0)
    weighted_amount = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("pipeline total")
        verbose_name_plural = _("pipeline totals")
        constraints = [
            models.UniqueConstraint(
                fields=["sale_type", "stage", "owner", "currency"], name="pipelinetotal_unique_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sale_type_id}/{self.stage_id}/{self.owner_id} {self.currency}: {self.count}"

"""Guide adherence of one sale type (SPEC 4.6): per live stage and per owner, of the sales that left the stage,
the share of the stage's suggested items (follow-ups and documents of the guide) done before they left it, and
the win rate of the closed ones that did every item versus those that did not.

A follow-up counts when an activity made from that suggestion on the sale was completed by the time the sale
left the stage; a document when one was made from that suggestion by then. The items are the stage's suggestions
now (a suggestion deleted since is not asked for). "Left" is ``stage_history``'s word (the end of the sale's
last ended visit of the stage: moved on, closed or stalled); the arithmetic is ``domain.report_maths.adherence``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_noop

from salesguide.domain import report_maths
from salesguide.domain.errors import Message
from salesguide.models import SaleTypeStage, User
from salesguide.queries.guides import live_link_filter, live_stages
from salesguide.queries.reports.stage_history import Scope, adherence_counts, adherence_sql, scope_of
from salesguide.queries.reports.table import Column, ReportFilters, ReportTable

NAME = "adherence"

COLUMNS: tuple[Column, ...] = (
    Column("stage_id", gettext_noop("Stage id"), "id"),
    Column("name", gettext_noop("Stage"), "text"),
    Column("owner_id", gettext_noop("Owner id"), "id"),
    Column("owner", gettext_noop("Owner"), "text"),
    Column("sales", gettext_noop("Sales that left the stage"), "int"),
    Column("items_suggested", gettext_noop("Items suggested"), "int"),
    Column("items_done", gettext_noop("Items done"), "int"),
    Column("adherence", gettext_noop("Adherence"), "percent"),
    Column("required_suggested", gettext_noop("Required items"), "int"),
    Column("required_done", gettext_noop("Required items done"), "int"),
    Column("required_adherence", gettext_noop("Required items done, share"), "percent"),
    Column("closed_with", gettext_noop("Closed, every item done"), "int"),
    Column("win_rate_with", gettext_noop("Win rate, every item done"), "percent"),
    Column("closed_without", gettext_noop("Closed, items left out"), "int"),
    Column("win_rate_without", gettext_noop("Win rate, items left out"), "percent"),
)

# The rows: per stage with every owner in scope together (the default, which the chart draws best), or per stage
# and owner.
GROUPS = (("stage", gettext_noop("Stage")), ("owner", gettext_noop("Stage and owner")))
OWNER_KEYS = frozenset({"owner_id", "owner"})

CHOOSE_SALE_TYPE = Message(gettext_noop("Choose a sale type to see how its guide is followed."))
HOW_COUNTED = Message(
    gettext_noop(
        "Counts the sales that left each stage: a suggested follow-up is done when it was completed before the "
        "sale left the stage, a suggested document when it was made by then. Win rate: sold of sold and lost."
    )
)


def items_per_stage(sale_type_id: int) -> dict[int, tuple[int, int]]:
    """The number of live suggested follow-ups and documents of each live stage of the type, and how many of them
    are required before leaving it, in one query."""
    live_followups, live_documents = Q(followups__deleted=False), Q(documents__deleted=False)
    links = (
        SaleTypeStage.objects.filter(live_link_filter(), sale_type_id=sale_type_id)
        .annotate(
            followup_count=Count("followups", filter=live_followups, distinct=True),
            document_count=Count("documents", filter=live_documents, distinct=True),
            required_followups=Count("followups", filter=live_followups & Q(followups__required=True), distinct=True),
            required_documents=Count("documents", filter=live_documents & Q(documents__required=True), distinct=True),
        )
        .values_list("stage_id", "followup_count", "document_count", "required_followups", "required_documents")
    )
    return {
        stage_id: (followups + documents, required_followups + required_documents)
        for stage_id, followups, documents, required_followups, required_documents in links
    }


def _owner_names(owner_ids: set[int]) -> dict[int, str]:
    return {
        user.pk: user.get_full_name() or user.get_username()
        for user in User.objects.filter(pk__in=owner_ids).only("username", "first_name", "last_name")
    }


def adherence_report(viewer: User, filters: ReportFilters, *, now: dt.datetime, group: str = "stage") -> ReportTable:
    """Rows per stage with every owner in scope together (``group="stage"``, the default) or per stage and owner
    (``group="owner"``), in the type's stage order, then by owner name. Four queries: the type's live stages,
    their suggested items, one statement for the counts, the owners' names."""
    per_owner = group == "owner"
    columns = COLUMNS if per_owner else tuple(c for c in COLUMNS if c.key not in OWNER_KEYS)
    scope = scope_of(filters, now)
    if scope is None:
        return ReportTable(NAME, columns, [], [CHOOSE_SALE_TYPE])
    stages = live_stages(scope.sale_type_id)
    items = items_per_stage(scope.sale_type_id)
    groups: dict[tuple[int, int | None], list[report_maths.LeftSales]] = defaultdict(list)
    for found in adherence_counts(scope, stages):
        key = (found.stage_id, found.owner_id if per_owner else None)
        groups[key].append(report_maths.LeftSales(found.items_done, found.status, found.count, found.required_done))
    owner_ids = {owner_id for _, owner_id in groups if owner_id is not None}
    names = _owner_names(owner_ids) if owner_ids else {}
    rows: list[dict[str, Any]] = []
    for stage in stages:
        owners = sorted(
            (owner_id for stage_id, owner_id in groups if stage_id == stage.stage_id),
            key=lambda owner_id: (names.get(owner_id, "").casefold(), owner_id) if owner_id else ("", 0),
        )
        for owner_id in owners:
            suggested, required = items.get(stage.stage_id, (0, 0))
            figures = report_maths.adherence(suggested, groups[stage.stage_id, owner_id], required)
            row: dict[str, Any] = {"stage_id": stage.stage_id, "name": stage.name}
            if per_owner:
                row |= {"owner_id": owner_id, "owner": names.get(owner_id or 0, "")}
            rows.append(
                row
                | {
                    "sales": figures.sales,
                    "items_suggested": figures.items_suggested,
                    "items_done": figures.items_done,
                    "adherence": figures.adherence,
                    "required_suggested": figures.required_suggested,
                    "required_done": figures.required_done,
                    "required_adherence": figures.required_adherence,
                    "closed_with": figures.closed_with,
                    "win_rate_with": figures.win_rate_with,
                    "closed_without": figures.closed_without,
                    "win_rate_without": figures.win_rate_without,
                }
            )
    return ReportTable(NAME, columns, rows, [HOW_COUNTED])


def floor_sql(sale_type_id: int) -> list[tuple[str, list[Any]]]:
    """The raw SQL of the same question for everyone and every period, for the benchmark's floor."""
    return [adherence_sql(Scope(sale_type_id), live_stages(sale_type_id))]

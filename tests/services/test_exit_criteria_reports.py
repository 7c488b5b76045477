"""Exit criteria in the reports (issue 12, item 5): the funnel counts per stage how often a sale was moved on (or
closed) past required items with an override, and adherence counts the required items apart — the same figures
from the read model, the API and the web page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from salesguide.models import SaleType, SuggestedDocument, SuggestedFollowup
from salesguide.queries.reports.adherence import adherence_report
from salesguide.queries.reports.funnel import funnel_report
from salesguide.queries.reports.table import ReportFilters
from salesguide.services import accounts, activities, catalog, documents, guides, sale_types, sales, templates

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user: Any, manager_user: Any, make_user: Any) -> dict[str, Any]:
    """Lead → Offer → Contract, block mode. Lead suggests "Intro call" (required) and "Research" (not); Offer
    suggests the required document "Quote". Sam's four sales: A did the intro call and moved on; B and C were moved
    on by the manager past the missing call (C then past the missing quote too); D is still in Lead."""
    sam = make_user("sam", "salesperson")
    stages = {
        n: catalog.create_stage(admin_user, name=n, probability=p)
        for n, p in (("Lead", 10), ("Offer", 50), ("Contract", 90))
    }
    new = sale_types.create_sale_type(
        admin_user, name="New customer", stage_ids=[s.pk for s in stages.values()], has_guide=True
    )
    SaleType.objects.filter(pk=new.pk).update(exit_criteria="block")
    call = catalog.create_activity_type(admin_user, name="Call", kind="call").pk
    intro = guides.add_suggested_followup(
        admin_user, new.pk, stages["Lead"].pk, name="Intro call", activity_type_id=call
    )
    guides.add_suggested_followup(admin_user, new.pk, stages["Lead"].pk, name="Research", activity_type_id=call)
    letter = templates.create_text_template(admin_user, name="Letter", body="Hello", format="text").pk
    quote = guides.add_suggested_document(admin_user, new.pk, stages["Offer"].pk, name="Quote", template_id=letter)
    SuggestedFollowup.objects.filter(pk=intro.pk).update(required=True)
    SuggestedDocument.objects.filter(pk=quote.pk).update(required=True)

    def sale(title: str) -> int:
        return int(sales.create_sale(sam, title=title, sale_type_id=new.pk).pk)

    a, b, c, d = (sale(t) for t in "ABCD")
    activity = activities.create_followup_from_suggestion(sam, a, intro.pk)
    activities.complete_activity(sam, activity.pk)
    sales.move_sale_to_stage(sam, a, stages["Offer"].pk)
    sales.move_sale_to_stage(manager_user, b, stages["Offer"].pk, override_reason="Call made by phone, not logged")
    sales.move_sale_to_stage(manager_user, c, stages["Offer"].pk, override_reason="Urgent")
    sales.close_sale_as_sold(manager_user, c, override_reason="Signed without a quote")
    documents.create_document_from_suggestion(sam, b, quote.pk)
    return {"new": new, "stages": stages, "sam": sam, "admin": admin_user, "d": d}


def _by_stage(rows: list[dict[str, Any]], *keys: str) -> dict[str, tuple[Any, ...]]:
    return {row["name"]: tuple(row[k] for k in keys) for row in rows}


def test_the_funnel_counts_the_overrides_per_stage_left(world: dict[str, Any]) -> None:
    now = timezone.now()
    rows = funnel_report(world["admin"], ReportFilters(sale_type=world["new"].pk), now=now).rows
    assert _by_stage(rows, "overrides") == {"Lead": (2,), "Offer": (1,), "Contract": (0,)}
    # Another owner's sales, or a period before the moves: none.
    other = ReportFilters(sale_type=world["new"].pk, owner=world["admin"].pk)
    assert {row["overrides"] for row in funnel_report(world["admin"], other, now=now).rows} == {0}
    before = ReportFilters(sale_type=world["new"].pk, date_to=(now - dt.timedelta(days=3)).date())
    assert {row["overrides"] for row in funnel_report(world["admin"], before, now=now).rows} == {0}


def test_adherence_counts_the_required_items_apart(world: dict[str, Any]) -> None:
    rows = adherence_report(world["admin"], ReportFilters(sale_type=world["new"].pk), now=timezone.now()).rows
    # Lead was left by A (intro call done), B and C (not): 3 sales × 2 items, 1 done; 3 × 1 required, 1 done.
    # Offer was left by C only (sold, no quote).
    assert _by_stage(rows, "sales", "items_suggested", "items_done", "required_suggested", "required_done") == {
        "Lead": (3, 6, 1, 3, 1),
        "Offer": (1, 1, 0, 1, 0),
    }
    assert round(_by_stage(rows, "required_adherence")["Lead"][0], 1) == 33.3


def test_the_api_and_the_web_give_the_same_figures(world: dict[str, Any]) -> None:
    token = accounts.create_token(world["admin"], "reports")[1]
    api = Client(headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"})
    funnel = api.get(f"/api/v1/reports/funnel?sale_type={world['new'].pk}").json()
    assert [row["overrides"] for row in funnel] == [2, 1, 0]
    adherence = api.get(f"/api/v1/reports/adherence?sale_type={world['new'].pk}").json()
    assert [(row["required_suggested"], row["required_done"]) for row in adherence] == [(3, 1), (1, 0)]
    web = Client()
    web.force_login(world["admin"])
    page = web.get(f"/reports/funnel/?sale_type={world['new'].pk}").content.decode()
    assert "Moved on past required items" in page
    page = web.get(f"/reports/adherence/?sale_type={world['new'].pk}").content.decode()
    assert "Required items done" in page

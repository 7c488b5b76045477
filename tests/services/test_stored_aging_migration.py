"""Migration 0013 (stored aging, decision 0011): it adds the two columns without rebuilding the sale table (the
word-search triggers of 0010 stay on SQLite) and fills them, set-based, with what the services would have kept."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone
from tests.aging_helpers import entered_stage_at

from salesguide.models import ActivityType, Sale
from salesguide.queries import sale_list
from salesguide.services import activities, catalog, sale_types, sales

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("salesguide.models.migrations.0013_stored_aging")


def test_the_migration_adds_nullable_columns_without_a_default_so_the_sale_table_keeps_its_triggers() -> None:
    # Given the migration's column changes: nullable, without a default (SQLite adds such a column in place)
    added = [op for op in MIGRATION.Migration.operations if op.__class__.__name__ == "AddField"]
    assert {op.name for op in added} == {"stale_from", "last_planned_at"}
    assert all(op.field.null and not op.field.has_default() for op in added)
    assert not [op for op in MIGRATION.Migration.operations if op.__class__.__name__ in ("AlterField", "RemoveField")]

    # Then after every migration the sale table still has its word-search triggers (0010) on SQLite
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'salesguide_sale'")
            assert cursor.fetchall()


def test_the_migration_fills_the_columns_as_the_services_keep_them_and_words_are_still_found(admin_user: Any) -> None:
    # Given sales as the services keep them: one a while in a stage of 7 days, one with a call ahead, one lost
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    sale_type = sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[lead.pk, offer.pk])
    sale_types.set_expected_days(admin_user, sale_type.pk, offer.pk, 7)
    now = timezone.now()
    made = []
    for title in ("Forgotten harbour", "Planned harbour", "Lost harbour"):
        sale = sales.create_sale(admin_user, title=title, sale_type_id=sale_type.pk)
        sales.move_sale_to_stage(admin_user, sale.pk, offer.pk)
        entered_stage_at(sale.pk, now - dt.timedelta(days=9))
        made.append(sale.pk)
    call = ActivityType.objects.first() or catalog.create_activity_type(admin_user, name="Call", kind="call")
    activities.create_activity(
        admin_user, activity_type_id=call.pk, title="Call", start=now + dt.timedelta(days=2), sale_id=made[1]
    )
    sales.close_sale_as_lost(admin_user, made[2])
    kept = list(Sale.objects.order_by("pk").values_list("pk", "stale_from", "last_planned_at"))
    assert kept[0][1] is not None and kept[1][2] is not None and kept[2][1] is None

    # When the columns are emptied (as right after AddField) and the migration's fill runs
    Sale.objects.update(stale_from=None, last_planned_at=None)
    MIGRATION.fill(apps, connection.schema_editor())

    # Then they hold what the services kept, the stale list is right, and word search still finds the sales
    assert list(Sale.objects.order_by("pk").values_list("pk", "stale_from", "last_planned_at")) == kept
    assert [s.title for s in sale_list.sales(sale_list.SaleFilters(stale=True))] == ["Forgotten harbour"]
    assert sorted(s.title for s in sale_list.sales(sale_list.SaleFilters(q="harbour"))) == [
        "Forgotten harbour",
        "Lost harbour",
        "Planned harbour",
    ]

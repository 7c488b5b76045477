"""Stored aging (SPEC 6.2, issue 12, decision 0011): ``Sale.stale_from`` and ``Sale.last_planned_at``, nullable
without a default (ALTER TABLE ADD COLUMN on SQLite: no rebuild of the sale table, whose word-search triggers of
0010 stay), filled set-based from the stages' expected days and the open activities, and the stale list's
partial indexes (made after the fill, so they are built once)."""

import datetime as dt

from django.db import migrations, models


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    """The same as ``services.stored_aging.rebuild_stored_aging``, frozen with the models of this migration: one
    UPDATE per stage of a type with expected days, one for the latest open activity of each sale."""
    Sale = apps.get_model("salesguide", "Sale")
    SaleTypeStage = apps.get_model("salesguide", "SaleTypeStage")
    Activity = apps.get_model("salesguide", "Activity")
    links = SaleTypeStage.objects.filter(removed=False, expected_days__isnull=False)
    for sale_type_id, stage_id, expected in links.values_list("sale_type_id", "stage_id", "expected_days"):
        Sale.objects.filter(sale_type_id=sale_type_id, stage_id=stage_id, status="open").update(
            stale_from=models.ExpressionWrapper(
                models.F("stage_entered_at") + dt.timedelta(days=expected + 1), output_field=models.DateTimeField()
            )
        )
    open_activities = Activity.objects.filter(completed_at__isnull=True, sale_id__isnull=False)
    latest = (
        open_activities.filter(sale_id=models.OuterRef("pk"))
        .order_by()
        .values("sale_id")
        .annotate(m=models.Max("start"))
        .values("m")
    )
    Sale.objects.filter(pk__in=open_activities.values("sale_id")).update(last_planned_at=models.Subquery(latest[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("salesguide", "0012_exit_criteria"),
    ]

    operations = [
        migrations.AddField(
            model_name="sale",
            name="last_planned_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="sale",
            name="stale_from",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="sale",
            index=models.Index(
                condition=models.Q(("stale_from__isnull", False)),
                fields=["id", "stale_from", "last_planned_at"],
                name="sale_stale_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="sale",
            index=models.Index(
                condition=models.Q(("stale_from__isnull", False)),
                fields=["owner", "id", "stale_from", "last_planned_at"],
                name="sale_owner_stale_idx",
            ),
        ),
    ]

"""Fewer indexes to keep on every new sale and stage change (issue 11: a million sales imported in minutes).

Dropped: ``sale_company_idx`` (the same as the company key's own index), the owner's own index (every owner-first
index starts with it) and the stage change's sale index (``stagechange_sale_at_idx`` starts with it). Reason,
competitor and stage-when-closed (set only on closed sales) and a stage change's from-stage (empty on a sale's
first row) are indexed only where set: a partial index still serves ``column = value``, which is all the deletion
checks ask.

Only the index goes: the columns' ``db_index`` is changed in the migration state alone, because SQLite would
otherwise rebuild the whole sale table (and lose its word-search triggers, migration 0010) to drop one index.
"""

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The single-column indexes the key fields had (db_index=True), found by their column on either database.
_FIELD_INDEXES = [
    ("salesguide_sale", "competitor_id"),
    ("salesguide_sale", "owner_id"),
    ("salesguide_sale", "reason_id"),
    ("salesguide_sale", "stage_when_closed_id"),
    ("salesguide_stagechange", "from_stage_id"),
    ("salesguide_stagechange", "sale_id"),
]


def _field_index_names(schema_editor: Any, table: str, column: str) -> list[str]:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, facts in constraints.items()
        if facts["index"]
        and facts["columns"] == [column]
        and not facts["unique"]
        and not facts["primary_key"]
        and not name.endswith("_set_idx")
    ]


def drop_field_indexes(apps: Any, schema_editor: Any) -> None:
    for table, column in _FIELD_INDEXES:
        for name in _field_index_names(schema_editor, table, column):
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def create_field_indexes(apps: Any, schema_editor: Any) -> None:
    for table, column in _FIELD_INDEXES:
        if not _field_index_names(schema_editor, table, column):
            name = schema_editor.quote_name(f"{table}_{column}_idx")
            schema_editor.execute(f"CREATE INDEX {name} ON {table} ({column})")


class Migration(migrations.Migration):
    dependencies = [
        ("salesguide", "0010_word_search"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="sale",
            name="sale_company_idx",
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_field_indexes, create_field_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name="sale",
                    name="competitor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="salesguide.competitor",
                        verbose_name="competitor",
                    ),
                ),
                migrations.AlterField(
                    model_name="sale",
                    name="owner",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="sales",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="owner",
                    ),
                ),
                migrations.AlterField(
                    model_name="sale",
                    name="reason",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="salesguide.reason",
                        verbose_name="reason",
                    ),
                ),
                migrations.AlterField(
                    model_name="sale",
                    name="stage_when_closed",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="salesguide.stage",
                        verbose_name="stage when closed",
                    ),
                ),
                migrations.AlterField(
                    model_name="stagechange",
                    name="from_stage",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="salesguide.stage",
                    ),
                ),
                migrations.AlterField(
                    model_name="stagechange",
                    name="sale",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="stage_changes",
                        to="salesguide.sale",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="sale",
            index=models.Index(
                condition=models.Q(("reason__isnull", False)), fields=["reason"], name="sale_reason_set_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="sale",
            index=models.Index(
                condition=models.Q(("competitor__isnull", False)), fields=["competitor"], name="sale_competitor_set_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="sale",
            index=models.Index(
                condition=models.Q(("stage_when_closed__isnull", False)),
                fields=["stage_when_closed"],
                name="sale_stage_when_closed_set_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="stagechange",
            index=models.Index(
                condition=models.Q(("from_stage__isnull", False)),
                fields=["from_stage"],
                name="stagechange_from_stage_set_idx",
            ),
        ),
    ]

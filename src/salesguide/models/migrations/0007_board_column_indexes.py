from django.db import migrations, models


def _stage_entered_from_creation(apps, schema_editor):
    """The board pages a column by the moment each sale entered its stage, which must be known: a sale in a stage
    without it (written before the services kept it) counts from its creation, as the home page's attention list
    already counts it."""
    Sale = apps.get_model("salesguide", "Sale")
    Sale.objects.filter(stage__isnull=False, stage_entered_at__isnull=True).update(
        stage_entered_at=models.F("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("salesguide", "0006_forecast_indexes"),
    ]

    operations = [
        migrations.RunPython(_stage_entered_from_creation, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="sale",
            index=models.Index(
                fields=["status", "sale_type", "stage", "stage_entered_at", "id"], name="sale_board_column_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="sale",
            index=models.Index(
                fields=["owner", "status", "sale_type", "stage", "stage_entered_at", "id"],
                name="sale_board_owner_column_idx",
            ),
        ),
    ]

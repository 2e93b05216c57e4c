# The review step now records when the report was reviewed: a report already reviewed or published gets the
# best time the row knows (its publication time, else its last change).

from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    AnnualReport = apps.get_model("reports", "AnnualReport")
    AnnualReport._base_manager.filter(status__in=["reviewed", "published"], reviewed_at__isnull=True).update(
        reviewed_at=Coalesce(F("published_at"), F("updated_at"))
    )


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0002_deleted_by_unindexed'),
    ]

    operations = [
        migrations.AddField(
            model_name='annualreport',
            name='reviewed_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='审核时间'),
        ),
        migrations.AddField(
            model_name='historicalannualreport',
            name='reviewed_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='审核时间'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]

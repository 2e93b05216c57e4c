# Only indexes change: the fields' columns stay as they are.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from fazhi.core.schema import AlterFieldIndex


class Migration(migrations.Migration):

    dependencies = [
        ('metrics', '0001_initial'),
        ('org', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='observation',
            name='one_current_observation',
        ),
        migrations.RemoveIndex(
            model_name='observation',
            name='metrics_obs_period__6272fb_idx',
        ),
        AlterFieldIndex(
            model_name='historicalobservation',
            name='metric',
            field=models.CharField(max_length=64, verbose_name='指标'),
        ),
        AlterFieldIndex(
            model_name='observation',
            name='batch',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='observations', to='metrics.observationbatch'),
        ),
        AlterFieldIndex(
            model_name='observation',
            name='deleted_by',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='删除人'),
        ),
        AlterFieldIndex(
            model_name='observation',
            name='metric',
            field=models.CharField(max_length=64, verbose_name='指标'),
        ),
        migrations.AddConstraint(
            model_name='observation',
            constraint=models.UniqueConstraint(condition=models.Q(('deleted_at__isnull', True), ('superseded_at__isnull', True)), fields=('period_start', 'period_end', 'source', 'metric', 'unit'), name='one_current_observation'),
        ),
    ]

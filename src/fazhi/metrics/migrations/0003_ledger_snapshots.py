# Computed ledger values move from one observation row per value to one snapshot per unit and period.
# The current ledger rows become each unit's first snapshot (with the newest batch among them) and stay in
# the observation table as history, superseded. Backwards, the snapshots are dropped and the rows stay
# superseded: the next computation writes the values anew.

import django.db.models.deletion
import hashlib
import json

from django.db import migrations, models
from django.utils import timezone


def encode(values):  # as LedgerSnapshot.encode, frozen here
    text = json.dumps(values, sort_keys=True, separators=(",", ":"))
    return {"values_json": text, "digest": hashlib.sha256(text.encode()).hexdigest()}


def rows_to_snapshots(apps, schema_editor):
    Observation = apps.get_model("metrics", "Observation")
    LedgerSnapshot = apps.get_model("metrics", "LedgerSnapshot")
    current = Observation.objects.filter(source="ledger", superseded_at__isnull=True, deleted_at__isnull=True)
    snapshots = {}
    for unit_id, start, end, batch_id, metric, value in current.values_list(
            "unit_id", "period_start", "period_end", "batch_id", "metric", "value").iterator():
        snapshot = snapshots.setdefault((unit_id, start, end), {"batch_id": batch_id, "values": {}})
        snapshot["values"][metric] = value
        if batch_id is not None and (snapshot["batch_id"] is None or batch_id > snapshot["batch_id"]):
            snapshot["batch_id"] = batch_id
    LedgerSnapshot.objects.bulk_create(
        [LedgerSnapshot(unit_id=unit_id, period_start=start, period_end=end, batch_id=snapshot["batch_id"],
                        **encode(snapshot["values"]))
         for (unit_id, start, end), snapshot in snapshots.items() if snapshot["batch_id"] is not None],
        batch_size=500,
    )
    current.update(superseded_at=timezone.now())


class Migration(migrations.Migration):

    dependencies = [
        ('metrics', '0002_fewer_observation_indexes'),
        ('org', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='LedgerSnapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period_start', models.DateField(verbose_name='期间开始')),
                ('period_end', models.DateField(verbose_name='期间结束')),
                ('values_json', models.TextField(verbose_name='指标值（JSON）')),
                ('digest', models.CharField(max_length=64, verbose_name='摘要')),
                ('superseded_at', models.DateTimeField(blank=True, null=True, verbose_name='被替代时间')),
                ('batch', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='snapshots', to='metrics.observationbatch')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='单位')),
            ],
            options={
                'verbose_name': '台账计算值',
                'verbose_name_plural': '台账计算值',
                'constraints': [models.UniqueConstraint(condition=models.Q(('superseded_at__isnull', True)), fields=('period_start', 'period_end', 'unit'), name='one_current_snapshot')],
            },
        ),
        migrations.RunPython(rows_to_snapshots, migrations.RunPython.noop),
    ]

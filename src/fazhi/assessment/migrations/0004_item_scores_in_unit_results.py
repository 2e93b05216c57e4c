# Item scores move from a row per unit and item into their unit result, as lists in the framework's order
# (the order the rows were written in), as JSON text. Backwards, the rows are written again from the lists.

import json

from django.db import migrations, models

COLUMNS = ["item", "value", "source", "points", "max_points", "status"]


def rows_to_lists(apps, schema_editor):
    ItemResult = apps.get_model("assessment", "ItemResult")
    UnitResult = apps.get_model("assessment", "UnitResult")
    items = {}
    for run_id, unit_id, *score in ItemResult.objects.order_by("id").values_list("run_id", "unit_id", *COLUMNS).iterator():
        items.setdefault((run_id, unit_id), []).append(score)
    results = list(UnitResult.objects.all())
    for result in results:
        result.items_json = json.dumps(items.get((result.run_id, result.unit_id), []))
    UnitResult.objects.bulk_update(results, ["items_json"], batch_size=500)


def lists_to_rows(apps, schema_editor):
    ItemResult = apps.get_model("assessment", "ItemResult")
    UnitResult = apps.get_model("assessment", "UnitResult")
    ItemResult.objects.bulk_create(
        [ItemResult(run_id=result.run_id, unit_id=result.unit_id, **dict(zip(COLUMNS, score)))
         for result in UnitResult.objects.order_by("id").iterator() for score in json.loads(result.items_json)],
        batch_size=1000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0003_fewer_result_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='unitresult',
            name='items_json',
            field=models.TextField(default='[]', verbose_name='各项得分'),
        ),
        migrations.RunPython(rows_to_lists, lists_to_rows),
        migrations.DeleteModel(
            name='ItemResult',
        ),
    ]

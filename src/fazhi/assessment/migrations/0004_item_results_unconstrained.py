# Item results lose their database foreign-key constraints (see ItemResult); Django still cascades and protects.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0003_fewer_result_indexes'),
        ('org', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='itemresult',
            name='run',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='item_results', to='assessment.assessmentrun'),
        ),
        migrations.AlterField(
            model_name='itemresult',
            name='unit',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit'),
        ),
    ]

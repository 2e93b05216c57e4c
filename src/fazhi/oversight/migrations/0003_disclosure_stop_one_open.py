from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('oversight', '0002_deleted_by_unindexed'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='disclosureclockstop',
            constraint=models.UniqueConstraint(condition=models.Q(('ended_on__isnull', True)), fields=('request',), name='disclosure_stop_one_open'),
        ),
    ]

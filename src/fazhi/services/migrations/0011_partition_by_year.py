# On PostgreSQL the ledgers that grow with the population become range-partitioned by year (fazhi.core.partitions):
# applications by received_on, ratings by rated_on, and the history of both by history_date. The history
# tables are the largest of all (a row per step of every application). SQLite and the model state are unchanged.

from django.db import migrations

from fazhi.core.schema import PartitionByYear


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0010_application_open_due"),
    ]

    operations = [
        # Applications first: the ratings' foreign key then already refers to the applications' key table.
        PartitionByYear("application", "received_on"),
        PartitionByYear("rating", "rated_on"),
        PartitionByYear("historicalapplication", "history_date"),
        PartitionByYear("historicalrating", "history_date"),
    ]

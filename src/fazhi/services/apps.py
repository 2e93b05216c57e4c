from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_daily_triggers(using, **kwargs):
    from django.db import connections

    from .daily import ensure_triggers

    ensure_triggers(connections[using])


class ServicesConfig(AppConfig):
    name = "fazhi.services"
    verbose_name = "政务服务"

    def ready(self):
        from fazhi.core import partitions

        from . import daily

        post_migrate.connect(_ensure_daily_triggers, sender=self, dispatch_uid="services.daily_triggers")
        # A year of applications or ratings detached or attached again (PostgreSQL) leaves or rejoins the daily
        # totals (the cards' table is not partitioned).
        for totals in daily.ALL:
            partitions.register_derived(totals.source, totals.count_rows)

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "fazhi.core"
    verbose_name = "平台核心"

    def ready(self):
        # Each app's ledgers.py registers its ledgers with fazhi.core.ledgers.registry.
        autodiscover_modules("ledgers")
        # Emitted once after all apps' migrations, whichever app is named by the sender.
        post_migrate.connect(_measure_new_indexes, sender=self)


def _measure_new_indexes(using, **kwargs):
    from .maintenance import measure_new_indexes

    measure_new_indexes(using)

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "fazhi.core"
    verbose_name = "平台核心"

    def ready(self):
        # Each app's ledgers.py registers its ledgers with fazhi.core.ledgers.registry.
        autodiscover_modules("ledgers")

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class MetricsConfig(AppConfig):
    name = "fazhi.metrics"
    verbose_name = "指标"

    def ready(self):
        # Each ledger app's metrics.py registers its computations with fazhi.metrics.registry.
        autodiscover_modules("metrics")

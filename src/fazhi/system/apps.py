from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "fazhi.system"
    label = "system"
    verbose_name = "系统管理"

    def ready(self):
        from . import signals  # noqa: F401  (the login log's receivers)

from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "fazhi.disputes"
    verbose_name = "行政争议与矛盾纠纷化解"

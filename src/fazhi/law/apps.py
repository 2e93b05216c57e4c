from django.apps import AppConfig


class LawConfig(AppConfig):
    name = "fazhi.law"
    verbose_name = "法律参数与工作日"

from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "fazhi.services"
    verbose_name = "政务服务"

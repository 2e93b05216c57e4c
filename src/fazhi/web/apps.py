from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "fazhi.web"
    verbose_name = "网页界面"

from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "fazhi.notices"
    verbose_name = "消息通知"

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "fazhi.privacy"
    verbose_name = "个人信息保护"

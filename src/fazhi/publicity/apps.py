from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "fazhi.publicity"
    verbose_name = "普法与学法"

from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "fazhi.org"
    verbose_name = "组织机构"

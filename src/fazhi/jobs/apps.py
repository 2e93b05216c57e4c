from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "fazhi.jobs"
    verbose_name = "后台任务"

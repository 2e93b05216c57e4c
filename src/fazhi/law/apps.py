from django.apps import AppConfig


class LawConfig(AppConfig):
    name = "fazhi.law"
    verbose_name = "法律参数与工作日"

    def ready(self):
        from django.core.signals import request_started

        from .calendar import request_started as read_arrangements_again
        from .params import request_started as read_local_versions_again

        # Local parameter versions may change in another process: each request looks at them once.
        request_started.connect(read_local_versions_again, dispatch_uid="fazhi.law.params.request_started")
        # So may the holiday arrangements entered in 系统管理 → 工作日历.
        request_started.connect(read_arrangements_again, dispatch_uid="fazhi.law.calendar.request_started")

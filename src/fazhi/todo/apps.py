from django.apps import AppConfig


class TodoConfig(AppConfig):
    name = "fazhi.todo"
    verbose_name = "待办与预警"

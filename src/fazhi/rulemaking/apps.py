from django.apps import AppConfig


class RulemakingConfig(AppConfig):
    name = "fazhi.rulemaking"
    verbose_name = "制度建设与依法决策"

from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "fazhi.evidence"
    verbose_name = "佐证材料"

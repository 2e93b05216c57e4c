from django.db import models


class EvidenceKind(models.TextChoices):
    CASE_FILE = "case_file", "案卷材料"
    DECISION = "decision", "决定书"
    MINUTES = "minutes", "会议纪要"
    REVIEW_OPINION = "review_opinion", "审查意见"
    HEARING_RECORD = "hearing_record", "听证笔录"
    PUBLICATION_PROOF = "publication_proof", "公示证明"
    OTHER = "other", "其他"


class DownloadChannel(models.TextChoices):
    WEB = "web", "网页"
    API = "api", "接口"

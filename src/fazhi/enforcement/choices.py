from django.db import models


class BodyType(models.TextChoices):
    AGENCY = "agency", "行政机关"
    AUTHORISED = "authorised", "法律法规授权的组织"
    ENTRUSTED = "entrusted", "受委托的组织"


class CertificateKind(models.TextChoices):
    ENFORCEMENT = "enforcement", "行政执法证"
    SUPERVISION = "supervision", "行政执法监督证"


class MatterType(models.TextChoices):
    PENALTY = "penalty", "行政处罚"
    COERCION = "coercion", "行政强制"
    INSPECTION = "inspection", "行政检查"
    LEVY = "levy", "行政征收"
    EXPROPRIATION = "expropriation", "行政征用"
    LICENSING = "licensing", "行政许可"
    CONFIRMATION = "confirmation", "行政确认"
    BENEFIT = "benefit", "行政给付"
    REWARD = "reward", "行政奖励"
    ADJUDICATION = "adjudication", "行政裁决"
    OTHER = "other", "其他行政权力"


# Decisions of these types are published within the shorter limit (国办发〔2018〕118号 二（三）).
SHORT_PUBLICITY_TYPES = {MatterType.PENALTY, MatterType.LICENSING}


class DiscretionGrade(models.TextChoices):
    MINOR = "minor", "轻微"
    ORDINARY = "ordinary", "一般"
    SERIOUS = "serious", "较重"
    GRAVE = "grave", "严重"


class PartyType(models.TextChoices):
    PERSON = "person", "自然人"
    ENTITY = "entity", "法人或其他组织"


class CaseStatus(models.TextChoices):
    OPEN = "open", "办理中"
    DECIDED = "decided", "已作出决定"
    CLOSED = "closed", "已结案"


class Outcome(models.TextChoices):
    PENALTY = "penalty", "给予行政处罚"
    NO_PENALTY = "no_penalty", "不予行政处罚"
    COERCION = "coercion", "采取行政强制措施"
    LICENCE = "licence", "作出许可决定"
    OTHER = "other", "其他处理决定"


class RecordKind(models.TextChoices):
    DOCUMENT = "document", "执法文书"
    AUDIO = "audio", "音频记录"
    VIDEO = "video", "视频记录"
    PHOTO = "photo", "照片"
    OTHER = "other", "其他记录"


class ReviewResult(models.TextChoices):
    PASSED = "passed", "审核通过"
    FAILED = "failed", "审核不通过"
    RETURNED = "returned", "退回补充材料"


class FileGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"

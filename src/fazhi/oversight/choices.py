from django.db import models


class SuggestionKind(models.TextChoices):
    NPC = "npc", "人大代表建议"
    CPPCC = "cppcc", "政协提案"


class SuggestionStatus(models.TextChoices):
    ASSIGNED = "assigned", "办理中"
    REPLIED = "replied", "已答复"


class ReplyCategory(models.TextChoices):
    """The usual classification of a reply by what it commits to."""

    SOLVED = "A", "A类（已经解决或者采纳）"
    PLANNED = "B", "B类（正在解决或者列入计划解决）"
    LATER = "C", "C类（因条件限制需以后解决或者留作参考）"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY)


class ApplicantType(models.TextChoices):
    PERSON = "person", "自然人"
    ENTITY = "entity", "法人或其他组织"


class DisclosureChannel(models.TextChoices):
    ONLINE = "online", "网上申请"
    LETTER = "letter", "信函申请"
    IN_PERSON = "in_person", "当面申请"
    FAX = "fax", "传真申请"
    EMAIL = "email", "电子邮件申请"


class DisclosureStatus(models.TextChoices):
    RECEIVED = "received", "办理中"
    REPLIED = "replied", "已答复"


class DisclosureReply(models.TextChoices):
    """政府信息公开条例（2019年修订）第三十六条: the seven ways a request is answered."""

    ALREADY_PUBLIC = "already_public", "已主动公开，告知获取方式和途径"
    PROVIDED = "provided", "予以公开（提供信息或告知获取方式）"
    REFUSED = "refused", "不予公开"
    NOT_EXIST = "not_exist", "信息不存在"
    NOT_RESPONSIBLE = "not_responsible", "不属于本机关负责公开"
    REPEATED = "repeated", "重复申请，不予重复处理"
    SPECIAL_REGIME = "special_regime", "属于工商、不动产登记资料等，按特别规定办理"


class DisclosureStopReason(models.TextChoices):
    """第三十三条第三款: time spent consulting others does not count."""

    THIRD_PARTY = "third_party", "征求第三方意见"
    OTHER_AGENCY = "other_agency", "征求其他机关意见"

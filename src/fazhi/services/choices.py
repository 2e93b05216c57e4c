from django.db import models


class ItemType(models.TextChoices):
    LICENSING = "licensing", "行政许可"
    CONFIRMATION = "confirmation", "行政确认"
    BENEFIT = "benefit", "行政给付"
    ADJUDICATION = "adjudication", "行政裁决"
    REWARD = "reward", "行政奖励"
    LEVY = "levy", "行政征收"
    OTHER_POWER = "other_power", "其他行政权力"
    PUBLIC_SERVICE = "public_service", "公共服务"


class OnlineDepth(models.IntegerChoices):
    INFO = 1, "一级（办事指南网上公开）"
    DOWNLOAD = 2, "二级（表格下载、在线预审）"
    ONLINE_APPLY = 3, "三级（网上受理、办理）"
    FULLY_ONLINE = 4, "四级（全程网办）"


class ApplicantType(models.TextChoices):
    PERSON = "person", "自然人"
    ENTITY = "entity", "法人或其他组织"


class Channel(models.TextChoices):
    ONLINE = "online", "网上办理"
    WINDOW = "window", "窗口办理"
    SELF_SERVICE = "self_service", "自助终端"


class ApplicationStatus(models.TextChoices):
    RECEIVED = "received", "已收件"
    ACCEPTED = "accepted", "已受理"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    DECIDED = "decided", "已办结"


class Outcome(models.TextChoices):
    APPROVED = "approved", "准予"
    DENIED = "denied", "不予准予"


class ClockStopReason(models.TextChoices):
    CORRECTION = "correction", "补正材料"
    HEARING = "hearing", "听证"
    TESTING = "testing", "检验、检测、检疫"
    EXPERT_REVIEW = "expert_review", "专家评审"
    APPRAISAL = "appraisal", "鉴定"
    TENDER = "tender", "招标、拍卖"
    SITE_SURVEY = "site_survey", "现场勘验"


class RatingChannel(models.TextChoices):
    ONLINE = "online", "网上评价"
    WINDOW = "window", "窗口评价器"
    SMS = "sms", "短信评价"
    HOTLINE = "hotline", "12345热线"

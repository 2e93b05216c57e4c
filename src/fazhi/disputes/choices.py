from django.db import models


class PartyType(models.TextChoices):
    PERSON = "person", "自然人"
    ENTITY = "entity", "法人或其他组织"


class ActType(models.TextChoices):
    """The kind of administrative act a reconsideration or a lawsuit is about."""

    PENALTY = "penalty", "行政处罚"
    COERCION = "coercion", "行政强制"
    EXPROPRIATION = "expropriation", "行政征收征用"
    LICENSING = "licensing", "行政许可"
    DISCLOSURE = "disclosure", "政府信息公开"
    WORK_INJURY = "work_injury", "工伤认定"
    REGISTRATION = "registration", "行政登记与确认"
    NONPERFORMANCE = "nonperformance", "不履行法定职责"
    COMPENSATION = "compensation", "行政赔偿"
    OTHER = "other", "其他"


class ReconsiderationStatus(models.TextChoices):
    RECEIVED = "received", "已收件"
    ACCEPTED = "accepted", "已受理"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    CLOSED = "closed", "已审结"


class Procedure(models.TextChoices):
    ORDINARY = "ordinary", "普通程序"
    SIMPLIFIED = "simplified", "简易程序"


class SimplifiedGround(models.TextChoices):
    """行政复议法（2023年修订）第五十三条: when the simplified procedure may be used."""

    ON_THE_SPOT = "on_the_spot", "被申请行政复议的行政行为是当场作出"
    WARNING = "warning", "被申请行政复议的行政行为是警告或者通报批评"
    SMALL_AMOUNT = "small_amount", "案件涉及款额在法定限额以下"
    DISCLOSURE = "disclosure", "属于政府信息公开案件"
    CONSENT = "consent", "当事人各方同意适用简易程序"


class ReconsiderationOutcome(models.TextChoices):
    UPHELD = "upheld", "维持"
    DISMISSED_REQUEST = "dismissed_request", "驳回行政复议请求"
    DISMISSED_APPLICATION = "dismissed_application", "驳回行政复议申请"
    REVOKED = "revoked", "撤销"
    ALTERED = "altered", "变更"
    CONFIRMED_ILLEGAL = "confirmed_illegal", "确认违法"
    ORDERED_TO_PERFORM = "ordered_to_perform", "责令履行"
    MEDIATED = "mediated", "调解结案"
    SETTLED = "settled", "和解结案"
    TERMINATED = "terminated", "终止"


# How each outcome is counted (metric families read these, so a new outcome is counted once, here).
DISMISSED = (ReconsiderationOutcome.DISMISSED_REQUEST, ReconsiderationOutcome.DISMISSED_APPLICATION)
CORRECTIONS = (
    ReconsiderationOutcome.REVOKED,
    ReconsiderationOutcome.ALTERED,
    ReconsiderationOutcome.CONFIRMED_ILLEGAL,
    ReconsiderationOutcome.ORDERED_TO_PERFORM,
)
SETTLEMENTS = (ReconsiderationOutcome.MEDIATED, ReconsiderationOutcome.SETTLED)


class SuspensionReason(models.TextChoices):
    """行政复议法（2023年修订）第三十九条."""

    DEATH = "death", "作为申请人的自然人死亡，其近亲属尚未确定是否参加"
    INCAPACITY = "incapacity", "申请人丧失参加行政复议的行为能力，尚未确定法定代理人"
    MISSING = "missing", "申请人下落不明"
    ENTITY_ENDED = "entity_ended", "法人或者其他组织终止，尚未确定权利义务承受人"
    FORCE_MAJEURE = "force_majeure", "因不可抗力等正当理由不能参加行政复议"
    MEDIATION = "mediation", "调解、和解期间（各方同意中止）"
    LEGAL_QUESTION = "legal_question", "案件涉及法律适用问题需有权机关解释或确认"
    RELATED_CASE = "related_case", "案件审理以其他尚未审结案件的结果为依据"
    NORMATIVE_REVIEW = "normative_review", "规范性文件附带审查"
    OTHER = "other", "其他需要中止的情形"


class Instance(models.TextChoices):
    FIRST = "first", "一审"
    SECOND = "second", "二审"
    RETRIAL = "retrial", "再审"


class LawsuitStatus(models.TextChoices):
    PENDING = "pending", "审理中"
    CLOSED = "closed", "已审结"


class LawsuitOutcome(models.TextChoices):
    WON = "won", "胜诉（判决驳回诉讼请求或维持）"
    SUIT_DISMISSED = "suit_dismissed", "裁定驳回起诉"
    LOST_REVOKED = "lost_revoked", "败诉：判决撤销"
    LOST_ALTERED = "lost_altered", "败诉：判决变更"
    LOST_CONFIRMED_ILLEGAL = "lost_confirmed_illegal", "败诉：确认违法"
    LOST_CONFIRMED_INVALID = "lost_confirmed_invalid", "败诉：确认无效"
    LOST_ORDERED_TO_PERFORM = "lost_ordered_to_perform", "败诉：判决履行法定职责或给付义务"
    LOST_COMPENSATION = "lost_compensation", "败诉：判决赔偿或补偿"
    WITHDRAWN = "withdrawn", "原告撤诉"
    MEDIATED = "mediated", "调解结案"
    REMANDED = "remanded", "发回重审"


LAWSUIT_LOST = (
    LawsuitOutcome.LOST_REVOKED,
    LawsuitOutcome.LOST_ALTERED,
    LawsuitOutcome.LOST_CONFIRMED_ILLEGAL,
    LawsuitOutcome.LOST_CONFIRMED_INVALID,
    LawsuitOutcome.LOST_ORDERED_TO_PERFORM,
    LawsuitOutcome.LOST_COMPENSATION,
)
# Decided by judgment on the merits: the base of the loss rate (withdrawals, mediation and rulings are not).
LAWSUIT_DECIDED = (LawsuitOutcome.WON, *LAWSUIT_LOST)


class HeadAppearance(models.TextChoices):
    """最高人民法院关于行政机关负责人出庭应诉若干问题的规定第二条: who counts as 负责人."""

    HEAD = "head", "正职负责人"
    DEPUTY = "deputy", "副职负责人"
    IN_CHARGE = "in_charge", "其他参与分管的负责人"
    NONE = "none", "负责人未出庭"


HEAD_APPEARED = (HeadAppearance.HEAD, HeadAppearance.DEPUTY, HeadAppearance.IN_CHARGE)


class AbsenceReason(models.TextChoices):
    """同一规定第八条: good reasons for a 负责人 not to appear; 'none' records that there was none."""

    FORCE_MAJEURE = "force_majeure", "不可抗力"
    ACCIDENT = "accident", "意外事件"
    DUTIES = "duties", "需要履行他人不能代替的公务"
    OTHER = "other", "其他正当事由"
    NONE = "none", "无正当理由"


class MediationOrgType(models.TextChoices):
    VILLAGE = "village", "村民委员会人民调解委员会"
    RESIDENTS = "residents", "居民委员会人民调解委员会"
    TOWNSHIP = "township", "乡镇（街道）人民调解委员会"
    ENTERPRISE = "enterprise", "企事业单位人民调解委员会"
    SECTORAL = "sectoral", "行业性、专业性人民调解组织"
    REGIONAL = "regional", "区域性人民调解组织"


class DisputeType(models.TextChoices):
    FAMILY = "family", "婚姻家庭"
    NEIGHBOUR = "neighbour", "邻里纠纷"
    LAND = "land", "房屋宅基地与山林土地"
    CONTRACT = "contract", "合同纠纷"
    DAMAGES = "damages", "损害赔偿"
    LABOUR = "labour", "劳动争议"
    RELOCATION = "relocation", "征地拆迁"
    ENVIRONMENT = "environment", "环境污染"
    MEDICAL = "medical", "医疗纠纷"
    PROPERTY_MANAGEMENT = "property_management", "物业纠纷"
    TRAFFIC = "traffic", "道路交通事故"
    OTHER = "other", "其他"


class MediationStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "调解中"
    RESOLVED = "resolved", "调解成功"
    FAILED = "failed", "调解不成"


class AgreementForm(models.TextChoices):
    WRITTEN = "written", "书面协议"
    ORAL = "oral", "口头协议"


class PetitionChannel(models.TextChoices):
    LETTER = "letter", "来信"
    VISIT = "visit", "来访"
    ONLINE = "online", "网上信访"
    PHONE = "phone", "电话"


class PetitionStatus(models.TextChoices):
    REGISTERED = "registered", "已登记"
    ACCEPTED = "accepted", "已受理"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    CONCLUDED = "concluded", "已办结"

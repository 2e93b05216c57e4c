from django.db import models


class DocumentStatus(models.TextChoices):
    DRAFTING = "drafting", "起草中"
    REVIEWING = "reviewing", "合法性审核中"
    REVIEW_FAILED = "review_failed", "审核未通过"
    REVIEW_PASSED = "review_passed", "审核通过"
    DELIBERATED = "deliberated", "已集体审议"
    PUBLISHED = "published", "已公布"
    REPEALED = "repealed", "已废止"
    INVALIDATED = "invalidated", "已宣布失效"


class EvaluationKind(models.TextChoices):
    EXPIRY = "expiry", "有效期届满前评估"
    POST = "post", "实施后评估"


class EvaluationConclusion(models.TextChoices):
    CONTINUE = "continue", "继续实施"
    AMEND = "amend", "修改"
    REPEAL = "repeal", "废止"


class CleanupKind(models.TextChoices):
    SPECIAL = "special", "专项清理"
    REGULAR = "regular", "定期清理"


class CleanupOutcomeKind(models.TextChoices):
    RETAIN = "retain", "继续有效"
    AMEND = "amend", "修改"
    REPEAL = "repeal", "废止"
    INVALIDATE = "invalidate", "宣布失效"


class DecisionCategory(models.TextChoices):
    PUBLIC_SERVICE = "public_service", "公共服务重大政策"
    MARKET = "market", "市场监管重大政策"
    SOCIAL = "social", "社会管理重大政策"
    ENVIRONMENT = "environment", "生态环境保护重大政策"
    PLAN = "plan", "经济社会发展重要规划"
    RESOURCES = "resources", "自然资源与文化资源开发利用"
    PROJECT = "project", "重大公共建设项目"
    OTHER = "other", "其他重大事项"


class DecisionStatus(models.TextChoices):
    PLANNED = "planned", "已列入目录"
    DECIDED = "decided", "已集体讨论决定"
    NOT_ADOPTED = "not_adopted", "讨论未通过"
    PUBLISHED = "published", "已公布"


class DiscussionOutcome(models.TextChoices):
    ADOPTED = "adopted", "通过"
    ADOPTED_AMENDED = "adopted_amended", "修改后通过"
    DEFERRED = "deferred", "暂缓决策"
    REJECTED = "rejected", "不予通过"


ADOPTING_OUTCOMES = (DiscussionOutcome.ADOPTED, DiscussionOutcome.ADOPTED_AMENDED)


class RiskLevel(models.TextChoices):
    LOW = "low", "低风险"
    MEDIUM = "medium", "中风险"
    HIGH = "high", "高风险"


class ReviewSubject(models.TextChoices):
    CONTRACT = "contract", "合同"
    AGREEMENT = "agreement", "协议"
    PLAN = "plan", "规划、方案"
    POLICY = "policy", "政策措施"
    DISPUTE = "dispute", "涉法事务（诉讼、复议等）"
    OTHER = "other", "其他事项"


class ReviewerKind(models.TextChoices):
    LEGAL_OFFICE = "legal_office", "法制机构"
    ADVISER = "adviser", "法律顾问"
    PUBLIC_LAWYER = "public_lawyer", "公职律师"


class ReviewConclusion(models.TextChoices):
    LAWFUL = "lawful", "合法"
    LAWFUL_IF_AMENDED = "amend", "修改后合法"
    UNLAWFUL = "unlawful", "不合法"


class ReviewAdoption(models.TextChoices):
    ADOPTED = "adopted", "已采纳"
    PARTLY = "partly", "部分采纳"
    NOT_ADOPTED = "not_adopted", "未采纳"


class ReviewStatus(models.TextChoices):
    REQUESTED = "requested", "已送审"
    OPINION_GIVEN = "opinion_given", "已出具意见"
    CLOSED = "closed", "已办结"


class AdviserKind(models.TextChoices):
    LAWYER = "lawyer", "执业律师"
    FIRM = "firm", "律师事务所"
    PUBLIC_LAWYER = "public_lawyer", "公职律师"
    SCHOLAR = "scholar", "专家学者"


class LegislationKind(models.TextChoices):
    LOCAL_REGULATION = "local_regulation", "地方性法规"
    GOVERNMENT_RULE = "government_rule", "政府规章"


class LegislationStage(models.TextChoices):
    PLANNED = "planned", "已立项"
    DRAFTING = "drafting", "起草中"
    SUBMITTED = "submitted", "已提请审议"
    ADOPTED = "adopted", "已通过公布"
    WITHDRAWN = "withdrawn", "终止"

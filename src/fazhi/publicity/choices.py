from django.db import models


class EventType(models.TextChoices):
    CAMPAIGN = "campaign", "主题宣传活动"
    LECTURE = "lecture", "法治讲座"
    CONSULTATION = "consultation", "法律咨询"
    CASE_EXPLANATION = "case_explanation", "以案释法"
    PERFORMANCE = "performance", "法治文艺演出"
    CONTEST = "contest", "法律知识竞赛"
    ONLINE = "online", "网络普法"
    OUTREACH = "outreach", "送法进基层（进机关、乡村、社区、学校、企业）"


class Theme(models.TextChoices):
    CONSTITUTION = "constitution", "宪法宣传周（12·4国家宪法日）"
    CIVIL_CODE = "civil_code", "民法典宣传月"
    NATIONAL_SECURITY = "national_security", "全民国家安全教育日"
    ANTI_FRAUD = "anti_fraud", "防范电信网络诈骗"
    WORKERS = "workers", "农民工法治宣传"
    YOUTH = "youth", "青少年法治教育"
    OTHER = "other", "其他主题"


class Audience(models.TextChoices):
    PUBLIC = "public", "社会公众"
    YOUTH = "youth", "青少年"
    ENTERPRISES = "enterprises", "企业经营者"
    FARMERS = "farmers", "农村群众"
    MIGRANT_WORKERS = "migrant_workers", "农民工"
    OFFICIALS = "officials", "国家工作人员"
    ELDERLY = "elderly", "老年人"


class StudyKind(models.TextChoices):
    EXECUTIVE_MEETING = "executive_meeting", "政府常务会议会前学法"
    CENTRAL_GROUP = "central_group", "党委（党组）理论学习中心组学法"
    LEADERSHIP_LECTURE = "leadership_lecture", "领导干部法治专题讲座"
    STAFF_COLLECTIVE = "staff_collective", "干部职工集体学法"


# Collective study of the leadership (the metric leadership_law_study_sessions counts these).
LEADERSHIP_STUDY = (StudyKind.EXECUTIVE_MEETING, StudyKind.CENTRAL_GROUP, StudyKind.LEADERSHIP_LECTURE)


class TrainingKind(models.TextChoices):
    LAW_TOPIC = "law_topic", "法治专题培训"
    ENFORCEMENT = "enforcement", "行政执法人员培训"
    NEW_LEADERS = "new_leaders", "新任领导干部法律知识培训"
    ONLINE = "online", "网上学法培训"


class ExamType(models.TextChoices):
    PRE_APPOINTMENT = "pre_appointment", "任前法律知识考试"
    ANNUAL = "annual", "年度学法用法考试"
    ENFORCEMENT = "enforcement", "行政执法资格考试"

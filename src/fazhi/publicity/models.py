"""Models of 普法与学法: publicity events, the leadership's law study, training and exams of officials."""

from django.core.exceptions import ValidationError
from django.db import models

from fazhi.core.models import LedgerModel

from .choices import Audience, EventType, ExamType, StudyKind, Theme, TrainingKind


class PublicityEvent(LedgerModel):
    title = models.CharField("活动名称", max_length=200)
    event_type = models.CharField("活动形式", max_length=20, choices=EventType.choices)
    theme = models.CharField("主题", max_length=20, choices=Theme.choices, default=Theme.OTHER)
    audience = models.CharField("主要对象", max_length=20, choices=Audience.choices, default=Audience.PUBLIC)
    held_on = models.DateField("举办日期")
    place = models.CharField("地点", max_length=200, blank=True)
    participants = models.PositiveIntegerField("参与人次")
    materials_distributed = models.PositiveIntegerField("发放资料（份）", default=0)
    speaker = models.CharField("主讲人或承办方", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "普法活动"
        indexes = [models.Index(fields=["unit", "held_on"])]

    def __str__(self):
        return f"{self.title}（{self.held_on:%Y-%m-%d}）" if self.held_on else self.title


class LawStudySession(LedgerModel):
    """A collective law-study session: of the leadership (常务会议、中心组、专题讲座) or of the staff."""

    kind = models.CharField("学法形式", max_length=20, choices=StudyKind.choices)
    held_on = models.DateField("学法日期")
    topic = models.CharField("学习内容", max_length=300)
    lecturer = models.CharField("授课（领学）人", max_length=100, blank=True)
    attendees = models.PositiveIntegerField("参加人数")

    class Meta:
        verbose_name = verbose_name_plural = "学法活动"
        indexes = [models.Index(fields=["unit", "held_on"])]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.topic}"


class Training(LedgerModel):
    title = models.CharField("培训名称", max_length=200)
    kind = models.CharField("培训类别", max_length=16, choices=TrainingKind.choices)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期")
    trainees = models.PositiveIntegerField("培训人次")
    hours = models.PositiveSmallIntegerField("学时", default=0)
    organiser = models.CharField("承办单位", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "法治培训"
        indexes = [models.Index(fields=["unit", "started_on"])]

    def __str__(self):
        return self.title

    def clean(self):
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "结束日期不能早于开始日期"})


class LawExam(LedgerModel):
    title = models.CharField("考试名称", max_length=200)
    exam_type = models.CharField("考试类别", max_length=16, choices=ExamType.choices)
    held_on = models.DateField("考试日期")
    candidates = models.PositiveIntegerField("参考人数")
    passed = models.PositiveIntegerField("合格人数")

    class Meta:
        verbose_name = verbose_name_plural = "学法考试"
        indexes = [models.Index(fields=["unit", "held_on"])]

    def __str__(self):
        return self.title

    def clean(self):
        if self.passed is not None and self.candidates is not None and self.passed > self.candidates:
            raise ValidationError({"passed": "合格人数不能多于参考人数"})

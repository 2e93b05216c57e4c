"""The demo city's 普法与学法 at scale 1: about 800 publicity events a year, the leadership's law study in every
government and department, some 150 training courses and the yearly exams."""

import datetime as dt

from fazhi.demo.draws import day_in_year, person, structural, volume
from fazhi.demo.generator import BATCH, DEMO_YEAR, DemoBuilder, DemoCity, demo_step
from fazhi.law.calendar import default_calendar

from .choices import Audience, EventType, ExamType, StudyKind, Theme, TrainingKind
from .models import LawExam, LawStudySession, PublicityEvent, Training

LAWS = [
    "宪法",
    "民法典",
    "行政处罚法",
    "行政复议法",
    "行政许可法",
    "安全生产法",
    "优化营商环境条例",
    "保守国家秘密法",
    "国家安全法",
    "生态环境保护法律法规",
    "信访工作条例",
    "重大行政决策程序暂行条例",
]
THEME_DAYS = {Theme.CONSTITUTION: (12, 1, 7), Theme.CIVIL_CODE: (5, 1, 31), Theme.NATIONAL_SECURITY: (4, 15, 15)}


@demo_step("普法与学法台账", order=70)
def build_publicity(city: DemoCity, builder: DemoBuilder) -> None:
    rng, calendar = builder.rng, default_calendar()
    organisers = city.departments + city.counties + city.towns + [city.government]
    events = []
    for _ in range(volume(builder, 800, 40)):
        unit = rng.choice(organisers)
        theme = rng.choices(list(Theme.values), weights=[20, 15, 10, 15, 8, 12, 20])[0]
        if theme in THEME_DAYS:
            month, first, last = THEME_DAYS[theme]
            held = dt.date(DEMO_YEAR, month, rng.randint(first, last))
        else:
            held = day_in_year(rng, calendar)
        event_type = rng.choices(list(EventType.values), weights=[25, 15, 20, 8, 5, 5, 10, 12])[0]
        big = event_type in (EventType.CAMPAIGN, EventType.ONLINE)
        subject = Theme(theme).label if theme != Theme.OTHER else rng.choice(LAWS)
        events.append(
            PublicityEvent(
                unit=unit,
                title=f"{subject}{EventType(event_type).label}",
                event_type=event_type,
                theme=theme,
                audience=rng.choice(list(Audience.values)),
                held_on=held,
                place=rng.choice(
                    ["人民广场", "社区服务中心", "村委会", "中心学校", "工业园区", "政务服务大厅", "线上"]
                ),
                participants=rng.randint(200, 5000) if big else rng.randint(20, 400),
                materials_distributed=rng.randint(100, 3000) if event_type != EventType.ONLINE else 0,
                speaker=f"{rng.choice(['律师', '法官', '检察官', '司法所长', '法律顾问'])} {person(rng)}"
                if event_type == EventType.LECTURE
                else "",
            )
        )
    PublicityEvent.objects.bulk_create(events, batch_size=BATCH)

    sessions = []
    for unit in [city.government] + city.counties:
        for _ in range(structural(builder, rng.randint(6, 12))):
            sessions.append(_session(rng, calendar, unit, StudyKind.EXECUTIVE_MEETING))
        for _ in range(structural(builder, 4)):
            sessions.append(_session(rng, calendar, unit, StudyKind.CENTRAL_GROUP))
        sessions.append(_session(rng, calendar, unit, StudyKind.LEADERSHIP_LECTURE))
    for unit in city.departments:
        for _ in range(structural(builder, rng.randint(2, 4))):
            sessions.append(_session(rng, calendar, unit, StudyKind.CENTRAL_GROUP))
        for _ in range(structural(builder, rng.randint(3, 8))):
            sessions.append(_session(rng, calendar, unit, StudyKind.STAFF_COLLECTIVE))
    LawStudySession.objects.bulk_create(sessions, batch_size=BATCH)

    trainings = []
    for _ in range(volume(builder, 150, 10)):
        unit = rng.choice(city.departments + city.counties + [city.government])
        started = day_in_year(rng, calendar, dt.date(DEMO_YEAR, 12, 20))
        kind = rng.choices(list(TrainingKind.values), weights=[40, 30, 10, 20])[0]
        trainings.append(
            Training(
                unit=unit,
                title=f"{DEMO_YEAR}年{TrainingKind(kind).label}",
                kind=kind,
                started_on=started,
                ended_on=started + dt.timedelta(days=rng.choice([0, 1, 2, 4])),
                trainees=rng.randint(30, 400) if kind != TrainingKind.ONLINE else rng.randint(300, 3000),
                hours=rng.choice([4, 8, 16, 24, 40]),
                organiser=f"{unit.short_name or unit.name}",
            )
        )
    Training.objects.bulk_create(trainings, batch_size=BATCH)

    exams = []
    for unit in [city.government] + city.counties:
        candidates = rng.randint(200, 3000)
        exams.append(
            LawExam(
                unit=unit,
                title=f"{DEMO_YEAR}年度国家工作人员学法用法考试",
                exam_type=ExamType.ANNUAL,
                held_on=dt.date(DEMO_YEAR, 11, rng.randint(3, 20)),
                candidates=candidates,
                passed=candidates - rng.randint(0, candidates // 30),
            )
        )
        for quarter in range(structural(builder, 2)):
            candidates = rng.randint(5, 40)
            exams.append(
                LawExam(
                    unit=unit,
                    title=f"新提任领导干部任前法律知识考试（第{quarter + 1}批）",
                    exam_type=ExamType.PRE_APPOINTMENT,
                    held_on=dt.date(DEMO_YEAR, 3 + quarter * 6, 15),
                    candidates=candidates,
                    passed=candidates - rng.randint(0, 1),
                )
            )
    LawExam.objects.bulk_create(exams, batch_size=BATCH)
    builder.log(f"普法活动：{len(events)} 场，学法 {len(sessions)} 次，培训 {len(trainings)} 期，考试 {len(exams)} 场")


def _session(rng, calendar, unit, kind):
    law = rng.choice(LAWS)
    return LawStudySession(
        unit=unit,
        kind=kind,
        held_on=day_in_year(rng, calendar),
        topic=f"学习《{law}》",
        lecturer=f"{rng.choice(['法律顾问', '司法局局长', '党校教授', '律师'])} {person(rng)}",
        attendees=rng.randint(12, 60),
    )

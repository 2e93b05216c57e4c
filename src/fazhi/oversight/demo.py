"""The demo city's oversight at scale 1: about 300 deputies' suggestions, 250 CPPCC proposals and 600 requests
for government information a year, every row stepped through the checks of rules.py, its deadlines from deadlines.py."""

import datetime as dt

from fazhi.demo.draws import day_in_year, person, volume
from fazhi.demo.generator import BATCH, DEMO_YEAR, DemoBuilder, DemoCity, demo_step
from fazhi.law.calendar import default_calendar

from . import rules
from .choices import ApplicantType, DisclosureChannel, DisclosureReply, ReplyCategory, Satisfaction, SuggestionKind
from .deadlines import derive_disclosure, derive_suggestion
from .models import DisclosureRequest, Suggestion, SuggestionCoHandler

YEAR_END = dt.date(DEMO_YEAR, 12, 31)
TOPICS = [
    "农村饮水安全",
    "中小学课后服务",
    "老旧小区改造",
    "城区停车难",
    "营商环境优化",
    "养老服务体系",
    "河道综合治理",
    "农产品品牌建设",
    "公共文化设施",
    "基层医疗服务",
    "校园周边交通安全",
    "乡村道路养护",
]
REFUSAL_REASONS = ["属于内部事务信息", "属于过程性信息", "涉及商业秘密，第三方不同意公开", "涉及个人隐私"]


@demo_step("建议提案与依申请公开台账", order=60)
def build_oversight(city: DemoCity, builder: DemoBuilder) -> None:
    rng, calendar = builder.rng, default_calendar()
    handlers = city.departments + [city.government]
    suggestions, co_handlers = [], []
    sessions = {
        SuggestionKind.NPC: ("十五届人大四次会议", 300, dt.date(DEMO_YEAR, 3, 20)),
        SuggestionKind.CPPCC: ("十四届政协四次会议", 250, dt.date(DEMO_YEAR, 3, 25)),
    }
    for kind, (session, full, assigned) in sessions.items():
        for i in range(volume(builder, full, 15)):
            unit = rng.choice(handlers)
            suggestion = Suggestion(
                unit=unit,
                kind=kind,
                session=session,
                number=f"{i + 1:04d}",
                title=f"关于加强{rng.choice(TOPICS)}的{'建议' if kind == SuggestionKind.NPC else '提案'}",
                proposer=person(rng),
                assigned_on=assigned + dt.timedelta(days=rng.randint(0, 14)),
            )
            # The steps' own checks, replayed in memory: 延期 (said before the ordinary limit), 答复, 意见.
            if rng.random() < 0.05:
                said = suggestion.assigned_on + dt.timedelta(days=rng.randint(10, 60))
                rules.check_difficult(suggestion, said, "涉及多个部门，需统筹协调")
            derive_suggestion(suggestion)
            replied = (
                suggestion.due_on - dt.timedelta(days=rng.randint(0, 40))
                if rng.random() < 0.98
                else suggestion.due_on + dt.timedelta(days=rng.randint(1, 15))
            )
            rules.check_reply(suggestion, replied, rng.choices(list(ReplyCategory.values), weights=[55, 35, 10])[0])
            if rng.random() < 0.92:
                rules.check_feedback(
                    suggestion,
                    replied + dt.timedelta(days=rng.randint(5, 20)),
                    rng.choices(list(Satisfaction.values), weights=[85, 13, 2])[0],
                )
            derive_suggestion(suggestion)
            others = [u for u in city.departments if u != unit]
            suggestion._co = rng.sample(others, k=rng.choice([0, 0, 1, 2]))
            suggestions.append(suggestion)
    Suggestion.objects.bulk_create(suggestions, batch_size=BATCH)
    for suggestion in suggestions:
        for unit in suggestion._co:
            co_handlers.append(
                SuggestionCoHandler(
                    suggestion=suggestion,
                    unit=unit,
                    opinion_sent_on=suggestion.assigned_on + dt.timedelta(days=rng.randint(15, 30)),
                )
            )
    SuggestionCoHandler.objects.bulk_create(co_handlers, batch_size=BATCH)
    builder.log(f"建议提案：{len(suggestions)} 件，协办 {len(co_handlers)} 次")

    holders = city.departments + [city.government] + city.counties
    weights = [rng.paretovariate(1.3) for _ in holders]
    requests = []
    for i in range(volume(builder, 600, 30)):
        unit = rng.choices(holders, weights=weights)[0]
        received = day_in_year(rng, calendar)
        request = DisclosureRequest(
            unit=unit,
            number=f"YSQ{DEMO_YEAR}{i + 1:05d}",
            applicant_type=ApplicantType.PERSON if rng.random() < 0.85 else ApplicantType.ENTITY,
            applicant_name=person(rng),
            channel=rng.choices(list(DisclosureChannel.values), weights=[55, 30, 10, 1, 4])[0],
            content=rng.choice(
                [
                    "征地补偿安置方案",
                    "建设项目规划许可文件",
                    "行政处罚决定书",
                    "专项资金分配情况",
                    "房屋征收决定及补偿方案",
                    "环境影响评价文件",
                ]
            ),
            received_on=received,
        )
        if rng.random() < 0.05:
            rules.check_request_correction(request, calendar.add_workdays(received, rng.randint(1, 7)))
            rules.check_receive_correction(
                request, request.correction_requested_on + dt.timedelta(days=rng.randint(3, 15))
            )
        start = request.correction_received_on or received
        derive_disclosure(request, (), calendar)
        if rng.random() < 0.03:
            rules.check_extend(request, 20, calendar.add_workdays(start, 18), f"政务公开办主任 {person(rng)}")
            derive_disclosure(request, (), calendar)
        replied = calendar.add_workdays(
            start,
            rng.randint(3, 20 + request.extension_days)
            if rng.random() < 0.97
            else 20 + request.extension_days + rng.randint(1, 5),
        )
        if replied <= YEAR_END:
            reply_type = rng.choices(list(DisclosureReply.values), weights=[10, 45, 8, 20, 10, 3, 4])[0]
            reason = ""
            if reply_type == DisclosureReply.REFUSED:
                reason = rng.choice(REFUSAL_REASONS)
            elif reply_type == DisclosureReply.NOT_RESPONSIBLE:
                reason = f"该信息由{rng.choice(city.departments).name}负责公开"
            rules.check_reply_disclosure(request, reply_type, replied, reason)
            derive_disclosure(request, (), calendar)
        requests.append(request)
    DisclosureRequest.objects.bulk_create(requests, batch_size=BATCH)
    builder.log(f"依申请公开：{len(requests)} 件")

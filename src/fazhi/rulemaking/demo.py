"""The demo city's 制度建设与依法决策: five years of 行政规范性文件 (a few dozen a year at each level), a city-wide
clean-up, decision catalogues with about 15 major decisions at city level, legal advisers and their reviews.

Dates are fixed around DEMO_YEAR, except two consultations opened around the day the demo is built, so that
the portal always has one to comment on.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from fazhi.demo import names
from fazhi.demo.draws import person
from fazhi.demo.generator import BATCH, DEMO_YEAR, DemoBuilder, DemoCity, demo_step

from .choices import (
    AdviserKind,
    CleanupKind,
    CleanupOutcomeKind,
    DecisionCategory,
    DecisionStatus,
    DiscussionOutcome,
    DocumentStatus,
    LegislationKind,
    LegislationStage,
    ReviewAdoption,
    ReviewConclusion,
    ReviewerKind,
    ReviewStatus,
    ReviewSubject,
    RiskLevel,
)
from .deadlines import derive_document, derive_review, legality_review_shortfall, validity_limit
from .models import (
    CleanupCampaign,
    CleanupItem,
    Consultation,
    DecisionCatalogue,
    LegalAdviser,
    LegalityReview,
    LegislationProject,
    MajorDecision,
    NormativeDocument,
    PublicComment,
    in_force_q,
)

FIRST_YEAR = DEMO_YEAR - 4
TOPICS = [
    "城市道路占用挖掘",
    "农村宅基地审批",
    "住房公积金缴存",
    "城市养犬",
    "建筑垃圾处置",
    "物业服务",
    "老旧小区改造",
    "户外广告设置",
    "中小企业纾困",
    "高层次人才引进",
    "高标准农田建设",
    "城镇生活垃圾分类",
    "公共租赁住房",
    "困难群众临时救助",
    "义务教育招生",
    "医疗救助",
    "长期护理保险",
    "燃气安全",
    "扬尘污染防治",
    "河湖长制",
    "政府投资项目",
    "政府采购",
    "科技创新券",
    "稳岗就业补贴",
    "创业担保贷款",
    "夜间经济",
    "公共停车场",
    "网络预约出租汽车",
    "互联网租赁自行车",
    "殡葬管理",
    "见义勇为奖励",
    "集体土地征收补偿",
    "国有土地上房屋征收补偿",
    "地名管理",
    "农贸市场升级改造",
    "小微企业首贷续贷",
    "工业用地弹性出让",
    "既有住宅加装电梯",
    "历史建筑保护",
    "古树名木保护",
]
FORMS = [
    ("{city}{topic}管理办法", False),
    ("关于加强{topic}工作的实施意见", False),
    ("{city}{topic}实施细则", False),
    ("{city}{topic}暂行办法", True),
    ("{city}{topic}试行办法", True),
    ("关于进一步规范{topic}的通知", False),
]
REVIEWERS = {"city": "市司法局", "county": "县司法局"}
COMMENT_TEXTS = [
    "建议明确申请材料清单，减少重复提交。",
    "第三条的适用范围建议进一步细化，避免理解分歧。",
    "建议增加过渡期安排。",
    "补贴标准偏低，建议结合物价水平适当提高。",
    "建议对小微企业给予更大力度的支持。",
    "办理时限建议压缩至十个工作日以内。",
    "建议增加网上办理渠道。",
    "有关罚则的上位法依据建议在说明中列明。",
    "建议听取社区和物业企业的意见。",
    "支持出台该文件，建议尽快实施。",
    "建议明确监管部门职责分工。",
    "部分用语不够规范，建议修改。",
]
DECISION_TITLES = [
    ("{city}国土空间总体规划实施方案", DecisionCategory.PLAN),
    ("{city}“十五五”综合交通运输发展规划", DecisionCategory.PLAN),
    ("{city}中心城区供水价格调整", DecisionCategory.MARKET),
    ("{city}城市生活垃圾处理收费标准调整", DecisionCategory.MARKET),
    ("{city}基本医疗保险市级统筹方案", DecisionCategory.PUBLIC_SERVICE),
    ("{city}学前教育资源布局规划", DecisionCategory.PUBLIC_SERVICE),
    ("{city}城区学校划片调整方案", DecisionCategory.PUBLIC_SERVICE),
    ("{city}养老服务体系建设规划", DecisionCategory.SOCIAL),
    ("{city}饮用水水源保护区划定调整", DecisionCategory.ENVIRONMENT),
    ("{city}重污染天气应急减排措施", DecisionCategory.ENVIRONMENT),
    ("{city}矿产资源总体规划", DecisionCategory.RESOURCES),
    ("{city}历史文化名城保护规划", DecisionCategory.RESOURCES),
    ("{city}城市轨道交通一期工程", DecisionCategory.PROJECT),
    ("{city}城东污水处理厂扩建工程", DecisionCategory.PROJECT),
    ("{city}老旧供热管网改造工程", DecisionCategory.PROJECT),
    ("{city}出租汽车运力投放调整", DecisionCategory.MARKET),
    ("{city}公共停车收费标准调整", DecisionCategory.MARKET),
    ("{city}农村人居环境整治方案", DecisionCategory.SOCIAL),
    ("{city}城市更新专项规划", DecisionCategory.PLAN),
    ("{city}中心医院新院区建设", DecisionCategory.PROJECT),
]
SPONSORS = ["发展和改革局", "住房和城乡建设局", "自然资源局", "交通运输局", "卫生健康委"]
REVIEW_SUBJECTS = [
    (ReviewSubject.CONTRACT, "{unit}办公用房租赁合同"),
    (ReviewSubject.CONTRACT, "{unit}信息化系统运维服务合同"),
    (ReviewSubject.CONTRACT, "{unit}物业管理服务合同"),
    (ReviewSubject.AGREEMENT, "{unit}招商引资合作协议"),
    (ReviewSubject.AGREEMENT, "{unit}战略合作框架协议"),
    (ReviewSubject.AGREEMENT, "{unit}政府和社会资本合作项目协议"),
    (ReviewSubject.PLAN, "{unit}年度工作方案"),
    (ReviewSubject.PLAN, "{unit}专项整治行动方案"),
    (ReviewSubject.POLICY, "{unit}扶持政策措施"),
    (ReviewSubject.DISPUTE, "{unit}行政诉讼答辩意见"),
    (ReviewSubject.OTHER, "{unit}信访事项处理意见"),
    (ReviewSubject.CONTRACT, "{unit}政府采购合同"),
]
LAW_FIRMS = [
    "云川明理律师事务所",
    "云川正衡律师事务所",
    "江岚信达律师事务所",
    "云川弘法律师事务所",
    "江岚中正律师事务所",
]


def on_workday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def short(unit) -> str:
    return unit.short_name or unit.name


def document_body(title: str, topic: str, city: str) -> str:
    return "\n".join(
        [
            f"第一条 为了规范{topic}工作，保障公民、法人和其他组织的合法权益，根据有关法律、法规和规章，"
            f"结合{city}实际，制定本规定。",
            f"第二条 本规定适用于{city}行政区域内的{topic}及其监督管理活动。",
            f"第三条 {topic}工作坚持依法、公开、便民的原则，主管部门应当公布办理流程、申请材料和办理时限。",
            "第四条 有关部门应当按照职责分工，加强协作配合，依法履行监督管理职责。",
            "第五条 违反本规定的，由有关部门依照法律、法规和规章的规定处理。",
            f"第六条 本规定自施行之日起生效。（{title}）",
        ]
    )


@demo_step("制度建设与依法决策台账", order=40)
def build_rulemaking(city: DemoCity, builder: DemoBuilder) -> None:
    rng, log = builder.rng, builder.log
    city_name = city.government.name.removesuffix("人民政府")
    issuers = _issuers(city, rng)
    documents = _documents(city, builder, issuers, city_name)
    log(f"行政规范性文件：{len(documents)} 件")
    _consultations_on_documents(builder, documents)
    _cleanup(city, builder)
    decisions = _decisions(city, builder, city_name)
    log(f"重大行政决策：{len(decisions)} 项")
    advisers = _advisers(city, builder)
    reviews = _reviews(city, builder, advisers)
    log(f"法律顾问：{len(advisers)} 名；合法性审查：{reviews} 件")
    _legislation(city, builder, city_name)
    _open_now(city, builder, city_name)


def _issuers(city, rng):
    """(unit, level, documents a year, number prefix): the city government, about a dozen departments, each county."""
    departments = rng.sample(city.departments, min(12, len(city.departments)))
    rows = [(city.government, "city", 14, f"{names.CITY[1][:2]}府规")]
    taken = set()
    for dept in departments:
        # Two departments may share their first two characters (生态环境局, 生态林业局): a 文号 must not.
        length = 2
        while short(dept)[:length] in taken and length < len(short(dept)):
            length += 1
        taken.add(short(dept)[:length])
        rows.append((dept, "city", 2, f"{names.CITY[1][:2]}{short(dept)[:length]}规"))
    rows += [(county, "county", rng.randint(18, 28), f"{short(county)[:2]}政规") for county in city.counties]
    rows += [(zone, "county", 3, f"{short(zone)[2:4]}管规") for zone in city.zones]
    return rows


def _documents(city, builder, issuers, city_name):
    rng = builder.rng
    docs = []
    for unit, level, per_year, prefix in issuers:
        for year in range(FIRST_YEAR, DEMO_YEAR + 1):
            count = max(1, round(per_year * rng.uniform(0.75, 1.25)))
            for n in range(1, count + 1):
                topic = rng.choice(TOPICS)
                form, provisional = rng.choice(FORMS)
                title = form.format(
                    city=short(unit).removesuffix("人民政府") if level == "county" else city_name, topic=topic
                )
                doc = NormativeDocument(
                    unit=unit,
                    title=title,
                    drafted_by=f"{short(unit)}{rng.choice(['法规科', '综合科', '业务科', '政策法规处'])}",
                    body=document_body(title, topic, city_name),
                    provisional=provisional,
                    affects_market=rng.random() < 0.3,
                )
                published = on_workday(dt.date(year, 1, 10) + dt.timedelta(days=rng.randrange(340)))
                if year == DEMO_YEAR and rng.random() < 0.06:
                    # Still in the pipeline at the end of the demo year.
                    doc.status = rng.choice(
                        [DocumentStatus.DRAFTING, DocumentStatus.REVIEWING, DocumentStatus.REVIEW_FAILED]
                    )
                    if doc.status != DocumentStatus.DRAFTING:
                        doc.review_submitted_on = published - dt.timedelta(days=20)
                    if doc.status == DocumentStatus.REVIEW_FAILED:
                        doc.reviewed_on, doc.review_passed = published - dt.timedelta(days=8), False
                        doc.reviewer, doc.review_opinion = (
                            REVIEWERS[level],
                            "部分条款缺乏上位法依据，增设了义务性规定，建议修改后重新报送。",
                        )
                    docs.append(doc)
                    continue
                doc.review_submitted_on = published - dt.timedelta(days=rng.randint(25, 45))
                doc.reviewed_on = doc.review_submitted_on + dt.timedelta(days=rng.randint(5, 15))
                doc.review_passed, doc.reviewer = True, REVIEWERS[level]
                doc.review_opinion = rng.choice(
                    [
                        "经审核，该文件制定主体适格，内容合法，程序正当，同意提交审议。",
                        "经审核，建议修改第三条、第五条表述后提交审议。",
                    ]
                )
                doc.deliberated_on = on_workday(doc.reviewed_on + dt.timedelta(days=rng.randint(3, 10)))
                meeting = "常务会议" if unit.unit_type in ("government", "county") else "办公会议"
                doc.meeting = f"{short(unit)}{year}年第{rng.randint(1, 30)}次{meeting}"
                published = max(published, doc.deliberated_on + dt.timedelta(days=2))
                doc.status, doc.number, doc.published_on = (
                    DocumentStatus.PUBLISHED,
                    f"{prefix}〔{year}〕{n}号",
                    published,
                )
                doc.effective_from = published + dt.timedelta(days=rng.choice([0, 0, 10, 30]))
                limit, _ = validity_limit(doc, doc.effective_from)
                shorter = min(limit, doc.effective_from + relativedelta(years=3, days=-1))
                doc.valid_until = limit if rng.random() < 0.85 else shorter
                derive_document(doc)  # the 备案期限 and the expiry evaluation date, as the steps set them
                doc.filing_body = (
                    "江岚省人民政府、云川市人大常委会"
                    if unit == city.government
                    else ("云川市人民政府" if level == "city" or unit in city.counties + city.zones else "")
                )
                roll = rng.random()
                if roll < 0.95:
                    doc.filed_on = published + dt.timedelta(
                        days=rng.randint(3, max(3, (doc.filing_due_on - published).days))
                    )
                elif roll < 0.985:
                    doc.filed_on = doc.filing_due_on + dt.timedelta(days=rng.randint(1, 25))
                derive_document(doc)  # flags a late filing
                if doc.evaluation_due_on <= dt.date(DEMO_YEAR, 12, 31) and rng.random() < 0.6:
                    doc.evaluated_on = doc.evaluation_due_on + dt.timedelta(days=rng.randint(5, 60))
                    doc.evaluation_kind, doc.evaluation_conclusion = (
                        "expiry",
                        rng.choice(["continue", "amend", "repeal"]),
                    )
                    doc.evaluation_report = "经评估，文件实施总体平稳，达到预期目标。"
                docs.append(doc)
    NormativeDocument.objects.bulk_create(docs, batch_size=BATCH)
    return docs


def _consultations_on_documents(builder, documents):
    """Documents touching market entities were put out for comment for at least the statutory period."""
    rng = builder.rng
    consultations, comments = [], []
    for doc in documents:
        if not doc.affects_market or doc.review_submitted_on is None:
            continue
        ends = doc.review_submitted_on - dt.timedelta(days=rng.randint(1, 5))
        starts = ends - dt.timedelta(days=rng.choice([30, 30, 31, 35, 45]))
        consultations.append(
            Consultation(
                unit_id=doc.unit_id,
                document=doc,
                title=f"关于《{doc.title}（征求意见稿）》公开征求意见的公告",
                draft_text=doc.body,
                explanation="为广泛听取社会各界意见，现将征求意见稿全文公布。",
                starts_on=starts,
                ends_on=ends,
                feedback="共收到意见若干条，经研究，采纳合理意见并对相关条款作了修改；未采纳的意见已说明理由。",
                feedback_published_on=ends + dt.timedelta(days=rng.randint(5, 15)),
            )
        )
    Consultation.objects.bulk_create(consultations, batch_size=BATCH)
    for consultation in consultations:
        comments += _comments(rng, consultation, rng.choice([0, 1, 2, 3, 5, 8, 12]), answered=True)
    PublicComment.objects.bulk_create(comments, batch_size=BATCH)
    builder.log(f"规范性文件公开征求意见：{len(consultations)} 次，收到意见 {len(comments)} 条")


def _comments(rng, consultation, count, answered, until=None):
    rows = []
    span = max(1, ((until or consultation.ends_on) - consultation.starts_on).days)
    for _ in range(count):
        day = consultation.starts_on + dt.timedelta(days=rng.randrange(span))
        adopted = rng.random() < 0.4 if answered else None
        rows.append(
            PublicComment(
                consultation=consultation,
                content=rng.choice(COMMENT_TEXTS),
                name=person(rng) if rng.random() < 0.5 else "",
                submitted_at=timezone.make_aware(
                    dt.datetime.combine(day, dt.time(rng.randint(8, 21), rng.randrange(60)))
                ),
                adopted=adopted,
                reply=""
                if adopted is None
                else ("已采纳并修改相关条款。" if adopted else "该意见超出文件调整范围，未予采纳。"),
            )
        )
    return rows


def _cleanup(city, builder):
    """A city-wide 专项清理 in the demo year: every document in force gets an outcome with a reason."""
    rng = builder.rng
    started, completed = dt.date(DEMO_YEAR, 6, 2), dt.date(DEMO_YEAR, 10, 31)
    campaign = CleanupCampaign.objects.create(
        unit=city.government,
        title=f"{DEMO_YEAR}年全市行政规范性文件专项清理",
        kind=CleanupKind.SPECIAL,
        started_on=started,
        completed_on=completed,
        published_on=dt.date(DEMO_YEAR, 11, 14),
        note="对全市现行有效的行政规范性文件逐件清理，清理结果向社会公布。",
    )
    reasons = {
        CleanupOutcomeKind.RETAIN: "与上位法一致，符合当前工作实际，继续有效。",
        CleanupOutcomeKind.AMEND: "部分条款与新修订的上位法不一致，需要修改。",
        CleanupOutcomeKind.REPEAL: "调整对象已消失，不再适用，予以废止。",
        CleanupOutcomeKind.INVALIDATE: "适用期已过或任务已完成，宣布失效。",
    }
    items, ended = [], {CleanupOutcomeKind.REPEAL: [], CleanupOutcomeKind.INVALIDATE: []}
    for doc in NormativeDocument.objects.filter(in_force_q(started)).only("id"):
        outcome = rng.choices(list(reasons), weights=[76, 10, 9, 5])[0]
        items.append(
            CleanupItem(
                campaign=campaign,
                document_id=doc.pk,
                outcome=outcome,
                reason=reasons[outcome],
                decided_on=started + dt.timedelta(days=rng.randint(20, 120)),
            )
        )
        if outcome in ended:
            ended[outcome].append(doc.pk)
    CleanupItem.objects.bulk_create(items, batch_size=BATCH)
    for outcome, status in (
        (CleanupOutcomeKind.REPEAL, DocumentStatus.REPEALED),
        (CleanupOutcomeKind.INVALIDATE, DocumentStatus.INVALIDATED),
    ):
        NormativeDocument.objects.filter(pk__in=ended[outcome]).update(
            status=status, ended_on=completed, end_reason=reasons[outcome]
        )
    builder.log(f"规范性文件清理：{len(items)} 件")


def _decisions(city, builder, city_name):
    rng = builder.rng
    deciders = [(city.government, rng.randint(14, 18), city_name)] + [
        (county, rng.randint(3, 8), short(county)) for county in city.counties
    ]
    decisions = []
    for unit, count, place in deciders:
        for year in (DEMO_YEAR - 1, DEMO_YEAR):
            catalogue = DecisionCatalogue.objects.create(
                unit=unit,
                year=year,
                title=f"{unit.name}{year}年度重大行政决策事项目录",
                party_approved_on=dt.date(year, 2, 20),
                published_on=dt.date(year, 3, 1),
            )
            for title, category in rng.sample(DECISION_TITLES, min(count, len(DECISION_TITLES))):
                decisions.append(_decision(rng, unit, catalogue, title.format(city=place), category, year))
    MajorDecision.objects.bulk_create(decisions, batch_size=BATCH)
    consultations, comments = [], []
    for decision in decisions:
        if decision.participation_exempt_reason or decision.consultation_dates is None:
            continue
        starts, ends, answered = decision.consultation_dates
        consultations.append(
            Consultation(
                unit_id=decision.unit_id,
                decision=decision,
                title=f"关于《{decision.title}（草案）》公开征求意见的公告",
                draft_text=f"{decision.title}（草案）\n一、总体要求\n二、主要内容\n三、保障措施",
                starts_on=starts,
                ends_on=ends,
                feedback="共收到意见建议若干条，已逐条研究，采纳情况和理由随决策草案一并报送。" if answered else "",
                feedback_published_on=decision.participation_completed_on if answered else None,
            )
        )
    Consultation.objects.bulk_create(consultations, batch_size=BATCH)
    for consultation in consultations:
        comments += _comments(
            rng, consultation, rng.randint(5, 60), answered=consultation.feedback_published_on is not None
        )
    PublicComment.objects.bulk_create(comments, batch_size=BATCH)
    return decisions


def _decision(rng, unit, catalogue, title, category, year):
    proposed = on_workday(dt.date(year, 3, 10) + dt.timedelta(days=rng.randrange(150)))
    decision = MajorDecision(
        unit=unit,
        catalogue=catalogue,
        title=title,
        category=category,
        sponsor=short(unit) + rng.choice(SPONSORS),
        proposed_by=f"{short(unit)}分管副职 {person(rng)}",
        proposed_on=proposed,
        description="决策草案包括目标任务、主要措施、实施步骤和保障措施。",
    )
    decision.consultation_dates = None
    day = proposed
    if rng.random() < 0.9:
        starts = day + dt.timedelta(days=rng.randint(10, 30))
        ends = starts + dt.timedelta(days=rng.choice([30, 30, 35, 40]))
        decision.participation_completed_on = ends + dt.timedelta(days=rng.randint(5, 12))
        decision.consultation_dates = (starts, ends, True)
        day = decision.participation_completed_on
    else:
        decision.participation_exempt_reason = "决策事项涉及依法不予公开的内容，通过座谈会听取相关方面意见。"
    if (
        category
        in (DecisionCategory.PLAN, DecisionCategory.PROJECT, DecisionCategory.RESOURCES, DecisionCategory.ENVIRONMENT)
        or rng.random() < 0.5
    ):
        decision.expert_review_on = day + dt.timedelta(days=rng.randint(3, 15))
        decision.expert_names = "、".join(person(rng) for _ in range(rng.randint(3, 7)))
        decision.expert_opinion = "方案总体可行，建议进一步细化实施步骤和资金保障。"
    else:
        decision.expert_exempt_reason = "决策事项专业性、技术性不强，未组织专家论证。"
    if rng.random() < 0.85:
        decision.risk_assessed_on = day + dt.timedelta(days=rng.randint(5, 20))
        decision.risk_level = rng.choices([RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH], weights=[70, 27, 3])[0]
        decision.risk_summary = "风险总体可控，已制定风险防范和化解措施。"
    else:
        # A decision neither assessed nor recorded as not applicable could not go to collective discussion.
        decision.risk_exempt_reason = "决策实施不会对社会稳定、公共安全等造成不利影响。"
    day = max(d for d in (day, decision.expert_review_on, decision.risk_assessed_on) if d)
    late_in_year = year == DEMO_YEAR and day > dt.date(DEMO_YEAR, 10, 15)
    if late_in_year and rng.random() < 0.5:
        decision.consultation_dates = decision.consultation_dates and (*decision.consultation_dates[:2], False)
        decision.participation_completed_on = None
        return decision  # still going through its procedures at year end
    decision.legality_submitted_on = on_workday(day + dt.timedelta(days=2))
    decision.legality_reviewed_on = on_workday(decision.legality_submitted_on + dt.timedelta(days=rng.randint(11, 25)))
    if legality_review_shortfall(decision.legality_submitted_on, decision.legality_reviewed_on):  # a holiday fell in it
        decision.legality_short_reason = "决策事项时间紧迫，经决策机关同意缩短审查时间。"
    decision.legality_reviewer, decision.legality_passed = f"{short(unit)}司法局", True
    decision.legality_opinion = "决策草案符合法定权限，程序合法，内容不违反法律法规规定。"
    decision.discussed_on = on_workday(decision.legality_reviewed_on + dt.timedelta(days=rng.randint(5, 20)))
    decision.meeting = f"{short(unit)}{decision.discussed_on.year}年第{rng.randint(5, 30)}次常务会议"
    decision.decided_by = f"{person(rng)}（{'市长' if unit.unit_type == 'government' else '县（区）长'}）"
    decision.attendees = "政府领导班子成员，有关部门主要负责人列席，司法局列席"
    decision.discussion_outcome = rng.choices(
        [DiscussionOutcome.ADOPTED, DiscussionOutcome.ADOPTED_AMENDED, DiscussionOutcome.DEFERRED], weights=[80, 16, 4]
    )[0]
    if decision.discussion_outcome == DiscussionOutcome.DEFERRED:
        decision.status = DecisionStatus.PLANNED
        return decision
    decision.status = DecisionStatus.DECIDED
    decision.published_on = decision.discussed_on + dt.timedelta(days=rng.randint(3, 20))
    decision.publication_channel = "政府门户网站、政府公报"
    decision.status = DecisionStatus.PUBLISHED
    if year < DEMO_YEAR and rng.random() < 0.3:
        decision.evaluated_on = decision.published_on + dt.timedelta(days=rng.randint(180, 300))
        decision.evaluator = rng.choice(["江岚大学法学院（第三方）", "云川市社会科学院（第三方）"])
        decision.evaluation_summary = "决策实施效果良好，建议继续实施并完善配套措施。"
    return decision


def _advisers(city, builder):
    rng = builder.rng
    start, end = dt.date(DEMO_YEAR - 1, 7, 1), dt.date(DEMO_YEAR + 1, 6, 30)
    engaged = [(city.government, 5, [city.government] + rng.sample(city.departments, 8))]
    engaged += [(dept, 1, [dept]) for dept in rng.sample(city.departments, 20)]
    towns_by_county = {}
    for town in city.towns:
        towns_by_county.setdefault(town.parent_id, []).append(town)
    engaged += [(county, rng.randint(2, 4), [county] + towns_by_county.get(county.pk, [])) for county in city.counties]
    made = []
    for unit, count, served in engaged:
        for _ in range(count):
            kind = rng.choices(
                [AdviserKind.LAWYER, AdviserKind.FIRM, AdviserKind.PUBLIC_LAWYER, AdviserKind.SCHOLAR],
                weights=[45, 20, 25, 10],
            )[0]
            firm = (
                rng.choice(LAW_FIRMS)
                if kind in (AdviserKind.LAWYER, AdviserKind.FIRM)
                else (short(unit) if kind == AdviserKind.PUBLIC_LAWYER else "江岚大学法学院")
            )
            adviser = LegalAdviser.objects.create(
                unit=unit,
                name=firm if kind == AdviserKind.FIRM else person(rng),
                kind=kind,
                firm=firm,
                license_number=f"1990{rng.randrange(10**12):012d}"
                if kind in (AdviserKind.LAWYER, AdviserKind.PUBLIC_LAWYER)
                else "",
                contract_start=start,
                contract_end=end,
            )
            adviser.units_served.set(served)
            made.append((adviser, served))
    return made


def _reviews(city, builder, advisers):
    rng = builder.rng
    share = min(builder.scale * 20, 1)
    by_unit = {}
    for adviser, served in advisers:
        for unit in served:
            by_unit.setdefault(unit.pk, []).append(adviser)
    plan = (
        [(city.government, 80)]
        + [(d, rng.randint(3, 10)) for d in city.departments]
        + [(c, rng.randint(15, 30)) for c in city.counties]
    )
    rows, serial = [], 0
    for unit, count in plan:
        for _ in range(max(1, round(count * share))):
            serial += 1
            subject_type, subject = rng.choice(REVIEW_SUBJECTS)
            requested = on_workday(dt.date(DEMO_YEAR, 1, 5) + dt.timedelta(days=rng.randrange(350)))
            review = LegalityReview(
                unit=unit,
                number=f"HF{DEMO_YEAR}-{serial:05d}",
                subject_type=subject_type,
                subject=subject.format(unit=short(unit)),
                requested_by=f"{short(unit)}{rng.choice(['办公室', '财务科', '业务科'])}",
                requested_on=requested,
                amount=round(rng.uniform(5, 5000), 2)
                if subject_type in (ReviewSubject.CONTRACT, ReviewSubject.AGREEMENT)
                else None,
            )
            if requested > dt.date(DEMO_YEAR, 12, 20):
                rows.append(review)
                continue
            candidates = by_unit.get(unit.pk, [])
            if candidates and rng.random() < 0.55:
                review.reviewer_kind, review.adviser = ReviewerKind.ADVISER, rng.choice(candidates)
                review.reviewer_name = review.adviser.name
            else:
                review.reviewer_kind = rng.choice([ReviewerKind.LEGAL_OFFICE, ReviewerKind.PUBLIC_LAWYER])
                legal_office = review.reviewer_kind == ReviewerKind.LEGAL_OFFICE
                review.reviewer_name = short(unit) + ("法制科" if legal_office else "公职律师 " + person(rng))
            days = rng.randint(1, 12)
            review.opinion_on = on_workday(requested + dt.timedelta(days=days))
            derive_review(review)  # the working days taken, by the 工作日 calendar
            review.conclusion = rng.choices(
                [ReviewConclusion.LAWFUL, ReviewConclusion.LAWFUL_IF_AMENDED, ReviewConclusion.UNLAWFUL],
                weights=[55, 40, 5],
            )[0]
            review.opinion = {
                "lawful": "经审查，未发现违反法律法规的内容。",
                "amend": "建议修改违约责任、争议解决等条款后签订。",
                "unlawful": "相关约定缺乏法律依据，不宜签订。",
            }[review.conclusion]
            review.status = ReviewStatus.OPINION_GIVEN
            if rng.random() < 0.9:
                review.adoption = rng.choices([ReviewAdoption.ADOPTED, ReviewAdoption.PARTLY], weights=[85, 15])[0]
                review.closed_on = review.opinion_on + dt.timedelta(days=rng.randint(1, 10))
                review.status = ReviewStatus.CLOSED
            rows.append(review)
    LegalityReview.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _legislation(city, builder, city_name):
    rng = builder.rng
    projects = [
        ("{city}城市绿化条例", LegislationKind.LOCAL_REGULATION, False),
        ("{city}文明行为促进条例", LegislationKind.LOCAL_REGULATION, True),
        ("{city}城市供水管理办法", LegislationKind.GOVERNMENT_RULE, True),
        ("{city}电动自行车管理办法", LegislationKind.GOVERNMENT_RULE, False),
        ("{city}地下管线管理办法", LegislationKind.GOVERNMENT_RULE, False),
        ("{city}消防安全责任规定", LegislationKind.GOVERNMENT_RULE, True),
    ]
    for title, kind, revision in projects:
        stage = rng.choice([LegislationStage.SUBMITTED, LegislationStage.ADOPTED, LegislationStage.DRAFTING])
        drafted = (
            dt.date(DEMO_YEAR, rng.randint(3, 10), rng.randint(1, 28)) if stage != LegislationStage.DRAFTING else None
        )
        LegislationProject.objects.create(
            unit=city.government,
            year=DEMO_YEAR,
            title=title.format(city=city_name),
            kind=kind,
            revision=revision,
            stage=stage,
            drafted_on=drafted,
            adopted_on=drafted + dt.timedelta(days=45) if stage == LegislationStage.ADOPTED else None,
        )


def _open_now(city, builder, city_name):
    """One draft document and one draft decision out for comment today, so the portal has something open."""
    rng, today = builder.rng, timezone.localdate()
    starts, ends = today - dt.timedelta(days=7), today + dt.timedelta(days=24)
    doc = NormativeDocument.objects.create(
        unit=city.government,
        title=f"{city_name}既有住宅加装电梯管理办法",
        drafted_by="市住房和城乡建设局",
        body=document_body(f"{city_name}既有住宅加装电梯管理办法", "既有住宅加装电梯", city_name),
        affects_market=True,
    )
    catalogue, _ = DecisionCatalogue.objects.get_or_create(
        unit=city.government,
        year=today.year,
        defaults={
            "title": f"{city.government.name}{today.year}年度重大行政决策事项目录",
            "party_approved_on": dt.date(today.year, 1, 2),
            "published_on": dt.date(today.year, 1, 2),
        },
    )
    decision = MajorDecision.objects.create(
        unit=city.government,
        catalogue=catalogue,
        title=f"{city_name}公共停车收费标准调整方案",
        category=DecisionCategory.MARKET,
        sponsor="市发展和改革委员会",
        proposed_by=f"分管副市长 {person(rng)}",
        proposed_on=starts - dt.timedelta(days=20),
    )
    for subject, field in ((doc, "document"), (decision, "decision")):
        consultation = Consultation.objects.create(
            unit=city.government,
            title=f"关于《{subject.title}（征求意见稿）》公开征求意见的公告",
            draft_text=getattr(subject, "body", "") or f"{subject.title}（草案）",
            starts_on=starts,
            ends_on=ends,
            explanation="欢迎社会各界提出意见建议。",
            **{field: subject},
        )
        PublicComment.objects.bulk_create(_comments(rng, consultation, rng.randint(3, 9), answered=False, until=today))

"""The demo city's 行政执法: about 80 bodies, 6,000 officers, 3,000 matters and 30,000 cases a year at scale 1."""

import datetime as dt
import hashlib
from decimal import Decimal

from fazhi.core.identifiers import uscc_check_char
from fazhi.demo import names
from fazhi.demo.draws import company, person
from fazhi.demo.generator import BATCH, DEMO_YEAR, DemoBuilder, DemoCity, demo_step, entity_code, person_id
from fazhi.law.calendar import default_calendar

from .choices import (
    BodyType,
    CaseStatus,
    CertificateKind,
    DiscretionGrade,
    FileGrade,
    MatterType,
    Outcome,
    PartyType,
    RecordKind,
    ReviewResult,
)
from .deadlines import derive_case
from .models import (
    Case,
    CaseFileReview,
    CaseRecord,
    Certificate,
    DiscretionStandard,
    EnforcementBody,
    LegalReview,
    Matter,
    Officer,
    Training,
)

# Units with the heaviest enforcement load get more officers and matters (weights, by short name).
HEAVY = {
    "市场监督管理局": 8,
    "城市管理综合行政执法局": 8,
    "市场监管综合行政执法支队": 6,
    "生态环境保护综合行政执法支队": 4,
    "交通运输综合行政执法支队": 4,
    "文化市场综合行政执法支队": 3,
    "农业综合行政执法支队": 3,
    "应急管理局": 3,
    "卫生健康委员会": 3,
    "自然资源局": 3,
    "公安局": 2,
    "税务局": 2,
}
CATEGORY = {
    "市场监督管理局": "市场监管",
    "城市管理综合行政执法局": "城市管理",
    "生态环境局": "生态环境",
    "应急管理局": "应急管理",
    "卫生健康委员会": "卫生健康",
    "交通运输局": "交通运输",
    "自然资源局": "自然资源",
    "农业农村局": "农业农村",
    "文化广电和旅游局": "文化旅游",
    "司法局": "司法行政",
}
MATTER_STEMS = {
    MatterType.PENALTY: [
        "对未取得许可从事经营活动的处罚",
        "对违反安全生产规定的处罚",
        "对超标排放污染物的处罚",
        "对违法占用道路的处罚",
        "对销售不合格产品的处罚",
        "对未按规定公示信息的处罚",
    ],
    MatterType.INSPECTION: ["对经营场所的监督检查", "对安全生产条件的监督检查", "对排污单位的监督检查"],
    MatterType.COERCION: ["查封、扣押涉案物品", "暂停使用相关设施设备"],
    MatterType.LEVY: ["征收相关行政事业性收费"],
}
MATTER_TYPE_WEIGHTS = {MatterType.PENALTY: 70, MatterType.INSPECTION: 15, MatterType.COERCION: 10, MatterType.LEVY: 5}


def agency_code(rng, region: str) -> str:
    """A 统一社会信用代码 of a 机关 (registration office 1, category 1)."""
    body = "11" + region + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + uscc_check_char(body)


def fake_hash(*parts) -> str:
    """A stable SHA-256 standing for a recorded file in the demo's (imaginary) evidence store."""
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


@demo_step("行政执法台账", order=20)
def build_enforcement(city: DemoCity, builder: DemoBuilder) -> None:
    rng, log, calendar = builder.rng, builder.log, default_calendar()
    region = names.CITY[0]
    units = city.departments + city.counties + city.zones
    bodies = EnforcementBody.objects.bulk_create(
        [
            EnforcementBody(
                unit=unit,
                code=f"{unit.code}-B1",
                name=unit.name,
                body_type=BodyType.AUTHORISED if "支队" in unit.name else BodyType.AGENCY,
                credit_code=agency_code(rng, region),
                legal_basis="本单位“三定”规定及相关法律、法规、规章",
                powers="依法实施本领域行政处罚、行政检查和行政强制",
                is_active=True,
            )
            for unit in units
        ],
        batch_size=BATCH,
    )
    weights = [HEAVY.get(b.unit.short_name, 3 if b.unit in city.counties else 1) for b in bodies]
    log(f"执法主体：{len(bodies)} 个")

    officer_count = max(len(bodies) * 4, round(6000 * builder.scale))
    officers = []
    for body in rng.choices(bodies, weights=weights, k=officer_count):
        officers.append(
            Officer(
                unit_id=body.unit_id,
                body=body,
                name=person(rng),
                id_number=person_id(rng, region),
                post=rng.choice(["科员", "副科长", "科长", "执法队员", "中队长"]),
                law_category=CATEGORY.get(body.unit.short_name, "综合执法"),
                is_legal_reviewer=rng.random() < 0.04,
            )
        )
    core = []  # every body has a legal reviewer and three officers certified all year, whatever the scale
    for body in bodies:
        core.append(
            Officer(
                unit_id=body.unit_id,
                body=body,
                name=person(rng),
                id_number=person_id(rng, region),
                post="法制审核员",
                law_category="法制审核",
                is_legal_reviewer=True,
            )
        )
        core += [
            Officer(
                unit_id=body.unit_id,
                body=body,
                name=person(rng),
                id_number=person_id(rng, region),
                post="执法队员",
                law_category=CATEGORY.get(body.unit.short_name, "综合执法"),
            )
            for _ in range(3)
        ]
    officers += core
    core_ids = {o.id_number for o in core}
    seen = set()
    officers = [o for o in officers if not (o.id_number in seen or seen.add(o.id_number))]
    Officer.objects.bulk_create(officers, batch_size=BATCH)
    certificates, trainings = [], []
    for n, officer in enumerate(officers, 1):
        reviewer_post = officer.id_number in core_ids
        issued = (
            dt.date(2021, 3, 1) if reviewer_post else dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(365 * 7))
        )
        cert = Certificate(
            unit_id=officer.unit_id,
            officer=officer,
            kind=CertificateKind.ENFORCEMENT,
            number=f"{region}{n:08d}",
            issued_on=issued,
            expires_on=issued + dt.timedelta(days=365 * 5),
        )
        if not reviewer_post and issued.year <= DEMO_YEAR and rng.random() < 0.02:
            cert.revoked_on = min(dt.date(DEMO_YEAR, 12, 31), issued + dt.timedelta(days=rng.randrange(60, 900)))
            cert.revocation_reason = rng.choice(["调离执法岗位", "退休", "考核不合格"])
        certificates.append(cert)
        if rng.random() < 0.3:
            score = Decimal(rng.randint(55, 99))
            trainings.append(
                Training(
                    officer=officer,
                    title=f"{DEMO_YEAR}年度行政执法人员公共法律知识培训",
                    held_on=dt.date(DEMO_YEAR, rng.randint(3, 10), rng.randint(1, 28)),
                    hours=Decimal(rng.choice([16, 24, 40])),
                    exam_score=score,
                    passed=score >= 60,
                )
            )
    Certificate.objects.bulk_create(certificates, batch_size=BATCH)
    Training.objects.bulk_create(trainings, batch_size=BATCH)
    log(f"执法人员：{len(officers)} 人，执法证件：{len(certificates)} 件")

    matter_count = max(len(bodies) * 3, round(3000 * min(builder.scale * 20, 1)))
    matters, standards = [], []
    types = list(MATTER_TYPE_WEIGHTS)
    for n, body in enumerate(rng.choices(bodies, weights=weights, k=matter_count), 1):
        kind = rng.choices(types, weights=list(MATTER_TYPE_WEIGHTS.values()))[0]
        matter = Matter(
            unit_id=body.unit_id,
            body=body,
            code=f"{body.code}-{n:05d}",
            name=f"{rng.choice(MATTER_STEMS[kind])}（{body.unit.short_name or body.unit.name}第{n}项）",
            matter_type=kind,
            legal_basis="相关法律、法规、规章的具体条款",
            is_major=rng.random() < 0.1,
        )
        if kind == MatterType.PENALTY:
            top = Decimal(rng.choice([5000, 10000, 50000, 100000, 200000]))
            matter.fine_min, matter.fine_max = top / 10, top
        matters.append(matter)
    Matter.objects.bulk_create(matters, batch_size=BATCH)
    for matter in matters:
        if matter.fine_max:
            middle = (matter.fine_min + matter.fine_max) / 2
            standards += [
                DiscretionStandard(
                    matter=matter,
                    grade=DiscretionGrade.ORDINARY,
                    circumstances="一般违法情形",
                    fine_min=matter.fine_min,
                    fine_max=middle,
                ),
                DiscretionStandard(
                    matter=matter,
                    grade=DiscretionGrade.SERIOUS,
                    circumstances="违法情节较重",
                    fine_min=middle,
                    fine_max=matter.fine_max,
                ),
            ]
    DiscretionStandard.objects.bulk_create(standards, batch_size=BATCH)
    log(f"权责清单事项：{len(matters)} 项")

    # Cases are handled by officers whose certificate covers the whole demo year.
    year_start, year_end = dt.date(DEMO_YEAR, 1, 1), dt.date(DEMO_YEAR, 12, 31)
    able: dict[int, list] = {}
    reviewers: dict[int, list] = {}
    for officer, cert in zip(officers, certificates):
        if cert.issued_on <= year_start and cert.expires_on >= year_end and cert.revoked_on is None:
            (reviewers if officer.is_legal_reviewer else able).setdefault(officer.body_id, []).append(officer)
    matters = [m for m in matters if len(able.get(m.body_id, [])) >= 2]
    matter_weights = [rng.paretovariate(1.3) for _ in matters]
    total = round(30000 * builder.scale)
    made = 0
    through = Case.officers.through
    while made < total:
        batch = []
        for matter in rng.choices(matters, weights=matter_weights, k=min(BATCH, total - made)):
            made += 1
            opened = calendar.add_workdays(year_start, rng.randrange(240))
            natural_person = rng.random() < 0.35
            case = Case(
                unit_id=matter.unit_id,
                number=f"{matter.body.code}-{DEMO_YEAR}-{made:06d}",
                matter=matter,
                party_type=PartyType.PERSON if natural_person else PartyType.ENTITY,
                party_name=person(rng) if natural_person else company(rng),
                party_id_number=person_id(rng, region) if natural_person else entity_code(rng, region),
                opened_on=opened,
                facts="经调查核实，当事人存在违法行为",
                is_major=matter.is_major,
            )
            derive_case(case, matter.matter_type, matter.is_major)
            if rng.random() < 0.93:
                decided = opened + dt.timedelta(days=rng.randint(5, 80))
                if decided <= year_end:
                    if case.is_major:
                        case.legal_review_passed_on = decided - dt.timedelta(days=rng.randint(1, 4))
                    case.decided_on = decided
                    case.status = CaseStatus.DECIDED
                    if matter.matter_type == MatterType.PENALTY and rng.random() < 0.92:
                        case.outcome = Outcome.PENALTY
                        standard_top = matter.fine_max or Decimal(5000)
                        case.fine_amount = (standard_top * Decimal(rng.uniform(0.1, 0.5))).quantize(Decimal("1"))
                        case.discretion_grade = DiscretionGrade.ORDINARY if matter.fine_max else ""
                        if matter.fine_max and case.fine_amount > (matter.fine_min + matter.fine_max) / 2:
                            case.discretion_grade = DiscretionGrade.SERIOUS
                        if rng.random() < 0.2:
                            case.confiscation_amount = Decimal(rng.randint(1, 200) * 100)
                    else:
                        case.outcome = {
                            MatterType.PENALTY: Outcome.NO_PENALTY,
                            MatterType.COERCION: Outcome.COERCION,
                        }.get(matter.matter_type, Outcome.OTHER)
                    derive_case(case, matter.matter_type, matter.is_major)  # the 公示 limit from the decision
                    if rng.random() < 0.97:
                        late = rng.random() < 0.04
                        case.published_on = (
                            calendar.add_workdays(decided, rng.randint(1, 3))
                            if not late
                            else case.publicity_due_on + dt.timedelta(days=rng.randint(1, 20))
                        )
                    if rng.random() < 0.8 and decided + dt.timedelta(days=30) <= year_end:
                        case.closed_on = decided + dt.timedelta(days=rng.randint(5, 30))
                        case.status = CaseStatus.CLOSED
            derive_case(
                case, matter.matter_type, matter.is_major
            )  # what Case.save would (bulk_create does not call it)
            batch.append(case)
        Case.objects.bulk_create(batch, batch_size=BATCH)
        links, records, reviews, file_reviews = [], [], [], []
        for case in batch:
            team = rng.sample(able[case.matter.body_id], 2)
            links += [through(case_id=case.pk, officer_id=o.pk) for o in team]
            for i in range(rng.randint(1, 3)):
                kind = rng.choice([RecordKind.DOCUMENT, RecordKind.VIDEO, RecordKind.AUDIO, RecordKind.PHOTO])
                records.append(
                    CaseRecord(
                        case=case,
                        kind=kind,
                        title=f"{kind.label}{i + 1}",
                        recorded_on=case.opened_on,
                        officer=team[i % 2],
                        sha256=fake_hash(case.number, i),
                        reference=f"evidence/{case.number}/{i + 1}",
                    )
                )
            if case.legal_review_passed_on and reviewers.get(case.matter.body_id):
                reviews.append(
                    LegalReview(
                        case=case,
                        reviewer=rng.choice(reviewers[case.matter.body_id]),
                        reviewed_on=case.legal_review_passed_on,
                        result=ReviewResult.PASSED,
                        opinion="事实清楚，证据确凿，适用依据正确，程序合法",
                    )
                )
            if case.closed_on and rng.random() < 0.06:
                score = Decimal(rng.randint(62, 99))
                file_reviews.append(
                    CaseFileReview(
                        case=case,
                        reviewed_on=min(year_end, case.closed_on + dt.timedelta(days=rng.randint(10, 60))),
                        reviewer="市司法局案卷评查组",
                        score=score,
                        grade=FileGrade.EXCELLENT if score >= 90 else FileGrade.PASS if score >= 70 else FileGrade.FAIL,
                    )
                )
        through.objects.bulk_create(links, batch_size=BATCH)
        CaseRecord.objects.bulk_create(records, batch_size=BATCH)
        LegalReview.objects.bulk_create(reviews, batch_size=BATCH)
        CaseFileReview.objects.bulk_create(file_reviews, batch_size=BATCH)
        log(f"执法案件：{made}/{total}")

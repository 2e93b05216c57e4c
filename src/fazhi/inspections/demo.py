"""The demo city's 双随机、一公开: a register of 50,000 entities at scale 1, the published list of matters and
plans of the inspecting departments, and the year's tasks drawn by the real engine, with results."""

import datetime as dt

from fazhi.demo import names
from fazhi.demo.generator import BATCH, DEMO_YEAR, DemoBuilder, DemoCity, demo_step, entity_code
from fazhi.enforcement.models import EnforcementBody, Officer
from fazhi.law.calendar import default_calendar
from fazhi.org.models import Region

from . import rules
from .choices import PROBLEM_RESULTS, EntityType, MatterCategory, Result
from .deadlines import derive_target
from .models import Conflict, InspectionMatter, InspectionPlan, InspectionTask, MarketEntity, TaskEntity

RISK_WEIGHTS = {"A": 38, "B": 36, "C": 16, "D": 7, "E": 3}
INDUSTRY_WEIGHTS = {"F": 34, "H": 14, "O": 10, "L": 8, "C": 8, "E": 5, "G": 5, "I": 4, "M": 4, "K": 3, "A": 3, "R": 2}
RATIOS = {"ratio_a": 1, "ratio_b": 2, "ratio_c": 4, "ratio_d": 8, "ratio_e": 15}
# Inspecting departments and what they inspect (invented wording, not any real list).
INSPECTORS = {
    "市场监督管理局": (
        [
            "食品经营者落实食品安全主体责任情况检查",
            "产品质量监督抽查",
            "企业公示信息情况检查",
            "特种设备使用单位安全管理情况检查",
        ],
        "F,H,C,O,L",
    ),
    "生态环境局": (["排污单位执行排污许可情况检查", "危险废物规范化管理情况检查"], "C,E,D"),
    "卫生健康委员会": (["公共场所卫生情况检查", "医疗机构依法执业情况检查"], "H,O,Q"),
    "应急管理局": (["危险化学品经营单位安全生产情况检查", "工贸企业安全生产情况检查"], "C,F,B"),
    "文化广电和旅游局": (["营业性演出和娱乐场所经营情况检查", "旅行社经营情况检查"], "R,L"),
    "交通运输局": (["道路运输企业经营情况检查"], "G"),
    "司法局": (["法律服务机构执业情况检查"], "L"),
}
RESULT_WEIGHTS = {Result.NO_PROBLEM: 86, Result.RECTIFY: 8, Result.CASE: 2, Result.TRANSFER: 1, Result.UNREACHABLE: 3}


@demo_step("“双随机、一公开”抽查", order=30)
def build_inspections(city: DemoCity, builder: DemoBuilder) -> None:
    rng, log, calendar = builder.rng, builder.log, default_calendar()
    region_code = names.CITY[0]
    counties = {c.region_id: c for c in city.counties}
    regions = list(Region.objects.filter(pk__in=counties))
    total = max(500, round(50_000 * builder.scale))
    industries, industry_weights = list(INDUSTRY_WEIGHTS), list(INDUSTRY_WEIGHTS.values())
    classes, class_weights = list(RISK_WEIGHTS), list(RISK_WEIGHTS.values())
    entities, seen = [], set()
    while len(entities) < total:
        code = entity_code(rng, region_code)
        if code in seen:
            continue
        seen.add(code)
        region = rng.choice(regions)
        individual = rng.random() < 0.3
        entities.append(
            MarketEntity(
                unit=counties[region.pk],
                uscc=code,
                region=region,
                name=(
                    f"{region.name}{rng.choice(names.SURNAMES)}记{rng.choice(['小吃店', '便利店', '五金店', '理发店'])}"
                    if individual
                    else f"云川{rng.choice(names.COMPANY_WORDS)}{rng.choice(names.COMPANY_KINDS)}"
                ),
                entity_type=EntityType.INDIVIDUAL if individual else EntityType.COMPANY,
                industry=rng.choices(industries, weights=industry_weights)[0],
                risk_class=rng.choices(classes, weights=class_weights)[0],
                registered_on=dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(365 * 20)),
                is_active=rng.random() > 0.03,
            )
        )
    MarketEntity.objects.bulk_create(entities, batch_size=BATCH)
    log(f"检查对象名录库：{len(entities)} 户")

    by_name = {u.short_name: u for u in city.departments}
    bodies = {b.unit_id: b for b in EnforcementBody.objects.filter(unit__in=[by_name[n] for n in INSPECTORS])}
    conflicts = []
    officers = list(Officer.objects.filter(body__in=bodies.values()).order_by("pk"))
    for officer in rng.sample(officers, k=max(1, len(officers) // 50)):
        conflicts.append(
            Conflict(
                unit_id=officer.unit_id,
                officer=officer,
                entity=rng.choice(entities),
                reason=rng.choice(["近亲属为其负责人", "曾在该单位任职", "存在经济往来"]),
                declared_on=dt.date(DEMO_YEAR, 1, rng.randint(2, 28)),
            )
        )
    Conflict.objects.bulk_create(conflicts, batch_size=BATCH, ignore_conflicts=True)

    tasks, serial = [], 0
    for short_name, (matter_names, industry_codes) in INSPECTORS.items():
        unit = by_name[short_name]
        body = bodies[unit.pk]
        matters = []
        for i, name in enumerate(matter_names, 1):
            matters.append(
                InspectionMatter.objects.create(
                    unit=unit,
                    code=f"{unit.code}-SC{i:02d}",
                    name=name,
                    body=body,
                    category=MatterCategory.KEY if i == 1 else MatterCategory.GENERAL,
                    basis="相关法律、法规、规章规定的监督检查条款",
                    objects_description="辖区内相关市场主体",
                    method="现场检查、书面检查",
                    content=f"{name}的主要内容",
                    published_on=dt.date(DEMO_YEAR, 1, 10),
                )
            )
        plan = InspectionPlan.objects.create(
            unit=unit,
            code=f"{unit.code}-JH{DEMO_YEAR}",
            year=DEMO_YEAR,
            name=f"{unit.name}{DEMO_YEAR}年度“双随机、一公开”抽查工作计划",
            content="按信用风险分类确定抽查比例：A类1%、B类2%、C类4%、D类8%、E类15%；同一事项一年内不重复抽查。",
            published_on=dt.date(DEMO_YEAR, 1, 20),
        )
        for quarter, matter in enumerate(matters * 2, 0):
            if quarter >= 4:
                break
            serial += 1
            start = dt.date(DEMO_YEAR, 3 * quarter + 2, 1)
            task = InspectionTask.objects.create(
                unit=unit,
                code=f"{unit.code}-RW{DEMO_YEAR}{serial:03d}",
                name=f"{DEMO_YEAR}年{matter.name}（第{quarter + 1}批）",
                plan=plan,
                industries=industry_codes,
                start_on=start,
                end_on=start + dt.timedelta(days=75),
                **RATIOS,
            )
            task.matters.set([matter])
            task.bodies.set([body])
            tasks.append(task)
    market, health = by_name["市场监督管理局"], by_name["卫生健康委员会"]
    for n, (lead, partner) in enumerate([(market, health), (market, by_name["应急管理局"])], 1):
        start = dt.date(DEMO_YEAR, 4 + 3 * n, 1)
        task = InspectionTask.objects.create(
            unit=lead,
            code=f"{lead.code}-LH{DEMO_YEAR}{n:02d}",
            name=f"{DEMO_YEAR}年部门联合“双随机、一公开”抽查（第{n}批）",
            plan=InspectionPlan.objects.get(unit=lead, year=DEMO_YEAR),
            industries="F,H,C",
            start_on=start,
            end_on=start + dt.timedelta(days=60),
            ratio_a=0.5,
            ratio_b=1,
            ratio_c=2,
            ratio_d=4,
            ratio_e=8,
        )
        task.matters.set(InspectionMatter.objects.filter(unit__in=[lead, partner]).order_by("code")[:3])
        task.bodies.set([bodies[lead.pk], bodies[partner.pk]])
        tasks.append(task)

    results, drawn = list(RESULT_WEIGHTS), 0
    for task in tasks:
        on = task.start_on - dt.timedelta(days=7)
        run = rules.draw_task(task, on=on, seed=rng.getrandbits(128))
        rules.publish_task(task, on + dt.timedelta(days=2))
        targets = list(TaskEntity.objects.filter(run=run).order_by("position"))
        drawn += len(targets)
        for target in targets:
            if rng.random() < 0.08:
                continue  # not inspected yet
            target.inspected_on = min(task.end_on, task.start_on + dt.timedelta(days=rng.randrange(60)))
            target.result = rng.choices(results, weights=list(RESULT_WEIGHTS.values()))[0]
            target.disposal = "责令限期整改，已复查" if target.result in PROBLEM_RESULTS else ""
            if rng.random() < 0.95:
                target.published_on = calendar.add_workdays(target.inspected_on, rng.choice([3, 5, 10, 15, 18, 25]))
            derive_target(target)  # what TaskEntity.save would (bulk_update does not call it)
        TaskEntity.objects.bulk_update(
            targets,
            [
                "inspected_on",
                "result",
                "problem_found",
                "disposal",
                "result_due_on",
                "published_on",
                "published_on_time",
            ],
            batch_size=1000,
        )
    log(f"抽查任务：{len(tasks)} 个，抽取检查对象 {drawn} 户")

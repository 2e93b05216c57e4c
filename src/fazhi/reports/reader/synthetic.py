"""Synthetic annual reports for tests and the benchmark: deterministic, from templates written for this
purpose (no sentence of a real report), with the facts each one states, so a reading can be checked.

    text, facts = synthetic_report(rng, index)     # facts: [(metric, value, qualifier), …]
    corpus(n, seed)                                 # n reports of 10–40 KB (UTF-8)
"""

from __future__ import annotations

import random
from dataclasses import dataclass

CN_DIGITS = "零一二三四五六七八九"
NAME_SYLLABLES = "澄青望石白松云鹤桃临翠金清柳长马龙黄古双杨东西红岩川溪江岭泉坪桥湖源峰阳宁安平兴华丰"
SUFFIXES = [("市", "city"), ("区", "district"), ("县", "county")]
SECTION_TITLES = [
    "深入推进依法行政，政府职能依法全面履行",
    "完善依法行政制度体系，规范性文件管理更加严格",
    "健全行政决策制度，依法决策水平不断提高",
    "严格规范公正文明执法，执法质效稳步提升",
    "依法化解社会矛盾纠纷，社会大局保持稳定",
    "强化行政权力制约监督，政务公开持续深化",
    "深化法治宣传教育，全社会法治观念明显增强",
    "加强组织领导，法治政府建设推进机制不断完善",
]
# Sentences any report may carry: the corpus's boilerplate.
COMMON = [
    "坚持以法治思维和法治方式推动各项工作，法治政府建设各项任务有序推进",
    "把法治政府建设摆在全局工作的突出位置，与经济社会发展同部署、同推进、同督促、同考核",
    "严格落实重大行政决策程序规定，将公众参与、专家论证、风险评估、合法性审查、集体讨论决定列为必经程序",
    "落实执法公示、全过程记录、法制审核三项制度，重大执法决定一律先行审核",
    "深入开展“放管服”改革，持续优化法治化营商环境",
    "坚持和发展新时代“枫桥经验”，完善矛盾纠纷多元化解机制",
    "自觉接受人大法律监督、政协民主监督，认真办理代表建议和委员提案",
    "落实“谁执法谁普法”普法责任制，推动普法与依法治理有机融合",
    "健全领导干部学法用法制度，把法治教育纳入干部教育培训总体规划",
    "加强行政复议规范化建设，充分发挥行政复议化解行政争议的主渠道作用",
    "推进政务公开标准化规范化，及时回应社会关切",
    "加强行政规范性文件备案审查，坚决纠正违法和不当的文件",
    "持续推进“互联网+政务服务”，推动更多事项实现网上办、掌上办",
    "建立健全行政执法与刑事司法衔接机制，防止有案不移、以罚代刑",
    "认真落实党政主要负责人履行推进法治建设第一责任人职责，定期听取法治政府建设工作汇报",
]
SUBJECTS = [
    "县司法局",
    "市场监管部门",
    "生态环境部门",
    "各乡镇",
    "各部门",
    "综合执法队伍",
    "政务服务中心",
    "法治督察组",
    "农业农村部门",
    "交通运输部门",
]
VERBS = ["扎实开展", "持续推进", "认真组织", "统筹推动", "全面部署", "深入实施", "稳步推进", "着力加强"]
OBJECTS = [
    "专项整治行动",
    "执法规范化建设",
    "基层法治阵地建设",
    "公共法律服务体系建设",
    "审批流程再造",
    "信用监管体系建设",
    "执法人员能力提升工程",
    "依法治理示范创建",
    "行政争议实质性化解",
    "网格化服务管理",
]
GOALS = [
    "群众满意度进一步提升",
    "基层治理能力明显增强",
    "营商环境持续改善",
    "执法行为更加规范",
    "工作机制日趋完善",
    "服务效能显著提高",
]
SHORTCOMINGS = [
    "部分单位对法治政府建设重视程度不够，工作推进不平衡",
    "基层执法力量相对薄弱，执法人员专业素质有待提高",
    "规范性文件合法性审核机制仍需完善",
    "法治宣传的针对性和实效性还需增强",
]
PLANS = [
    "进一步压实法治建设责任，完善考核评价体系",
    "持续深化行政执法体制改革，提升执法规范化水平",
    "加强行政复议和应诉工作，推动行政争议实质性化解",
    "健全普法工作机制，推进法治文化建设",
]


def cn_number(n: int) -> str:
    """Small whole numbers in Chinese numerals (1–99)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + ("" if ones == 0 else CN_DIGITS[ones])


@dataclass
class Planted:
    metric: str
    value: float
    qualifier: str | None


def _count(rng: random.Random, low: int, high: int, style: bool = True) -> tuple[str, float, str | None]:
    n = rng.randint(low, high)
    roll = rng.random() if style else 1.0
    if roll < 0.12 and n >= 30:
        n = n // 10 * 10
        return f"{n}余", n, "approx"
    if roll < 0.2 and n < 100:
        return cn_number(n), n, None
    if roll < 0.28 and n >= 20000:
        w = round(n / 10000, 2)
        return f"{w:g}万", round(w * 10000, 6), None
    return str(n), n, None


def _rate(rng: random.Random) -> tuple[str, float, str | None]:
    value = round(rng.uniform(40, 100), rng.choice([0, 1, 2]))
    if rng.random() < 0.1:
        value = int(value)
        return f"{value}%以上", round(value / 100, 6), "lower_bound"
    text = f"{value:g}%"
    return text, round(value / 100, 6), None


def _amount(rng: random.Random) -> tuple[str, float, str | None]:
    if rng.random() < 0.2:
        yi = round(rng.uniform(1.1, 9.9), 2)
        return f"{yi:g}亿元", round(yi * 10000, 6), None
    wan = round(rng.uniform(1, 9999), 2)
    return f"{wan:g}万元", wan, None


def _fill(rng, template: str, specs: dict) -> tuple[str, list[Planted]]:
    planted, values = [], {}
    for name, (metric, kind, low, high) in specs.items():
        if kind == "count":
            text, value, qualifier = _count(rng, low, high)
        elif kind == "rate":
            text, value, qualifier = _rate(rng)
        else:
            text, value, qualifier = _amount(rng)
        values[name] = text
        planted.append(Planted(metric, value, qualifier))
    return template.format(**values), planted


# (template, {slot: (metric, kind, low, high)}), grouped by section of the outline.
FACTS = {
    0: [
        (
            "全年梳理公布政务服务事项{a}项，其中行政许可事项{b}项",
            {"a": ("service_items", "count", 800, 3000), "b": ("licensing_items", "count", 100, 400)},
        ),
        (
            "网上可办事项达到{a}项，网上可办率{b}",
            {"a": ("service_items_online", "count", 500, 2500), "b": ("online_rate", "rate", 0, 0)},
        ),
        (
            "承诺办理时限比法定时限平均压缩{a}，推行容缺受理事项{b}项",
            {"a": ("time_limit_compression_rate", "rate", 0, 0), "b": ("tolerance_items", "count", 10, 200)},
        ),
        (
            "政务服务中心全年受理办件{a}件，办结{b}件",
            {
                "a": ("applications_received", "count", 20000, 300000),
                "b": ("applications_completed", "count", 20000, 300000),
            },
        ),
        (
            "签发电子证照{a}张，新增跨省通办事项{b}项",
            {"a": ("e_licenses_issued", "count", 1000, 90000), "b": ("cross_province_items", "count", 10, 160)},
        ),
        ("取消各类证明事项{a}项", {"a": ("proofs_cancelled", "count", 10, 300)}),
    ],
    1: [
        (
            "本年度制发行政规范性文件{a}件，报送备案{b}件，备案率{c}",
            {
                "a": ("normative_docs_issued", "count", 5, 60),
                "b": ("normative_docs_filed", "count", 5, 60),
                "c": ("normative_docs_filing_rate", "rate", 0, 0),
            },
        ),
        (
            "组织开展规范性文件集中清理，共清理文件{a}件，废止{b}件，宣布失效{c}件",
            {
                "a": ("normative_docs_cleaned", "count", 50, 600),
                "b": ("normative_docs_repealed", "count", 1, 60),
                "c": ("normative_docs_invalidated", "count", 1, 40),
            },
        ),
    ],
    2: [
        (
            "对政府合同、协议等进行合法性审查{a}件，政府法律顾问提供法律意见{b}件",
            {"a": ("legality_reviews", "count", 20, 500), "b": ("legal_adviser_opinions", "count", 10, 300)},
        ),
        ("全年作出重大行政决策{a}项", {"a": ("major_decisions", "count", 2, 30)}),
    ],
    3: [
        (
            "全年办理行政执法案件{a}件，其中行政处罚案件{b}件，罚没金额{c}",
            {
                "a": ("enforcement_cases", "count", 300, 9000),
                "b": ("penalty_cases", "count", 200, 5000),
                "c": ("penalty_amount", "amount", 0, 0),
            },
        ),
        (
            "开展“双随机、一公开”抽查{a}批次，抽查市场主体{b}户",
            {"a": ("spot_check_batches", "count", 20, 400), "b": ("spot_check_entities", "count", 300, 9000)},
        ),
        ("组织评查行政执法案卷{a}卷", {"a": ("case_files_reviewed", "count", 50, 900)}),
        ("全县持证执法人员{a}人", {"a": ("enforcement_officers", "count", 200, 3000)}),
    ],
    4: [
        (
            "全年共收到行政复议申请{a}件，审结{b}件",
            {"a": ("reconsideration_received", "count", 20, 400), "b": ("reconsideration_closed", "count", 20, 400)},
        ),
        (
            "办理行政应诉案件{a}件，行政机关负责人出庭应诉率达到{b}",
            {"a": ("litigation_cases", "count", 10, 300), "b": ("head_appearance_rate", "rate", 0, 0)},
        ),
        (
            "各级人民调解组织共调解矛盾纠纷{a}件，调解成功{b}件",
            {"a": ("mediation_received", "count", 300, 9000), "b": ("mediation_resolved", "count", 300, 9000)},
        ),
        (
            "办理法律援助案件{a}件，提供法律咨询{b}人次",
            {"a": ("legal_aid_cases", "count", 50, 2000), "b": ("legal_consultations", "count", 500, 30000)},
        ),
    ],
    5: [
        (
            "办理人大代表建议{a}件、政协提案{b}件，办复率{c}",
            {
                "a": ("npc_suggestions_handled", "count", 10, 300),
                "b": ("cppcc_proposals_handled", "count", 10, 300),
                "c": ("suggestions_reply_rate", "rate", 0, 0),
            },
        ),
        ("受理政府信息公开申请{a}件", {"a": ("disclosure_requests", "count", 10, 600)}),
        ("完成审计项目{a}个", {"a": ("audit_projects", "count", 3, 90)}),
    ],
    6: [
        (
            "开展各类普法活动{a}场次，发放普法资料{b}份，受众{c}人次",
            {
                "a": ("law_publicity_events", "count", 100, 3000),
                "b": ("law_materials_distributed", "count", 5000, 400000),
                "c": ("law_publicity_participants", "count", 20000, 900000),
            },
        ),
        ("举办法治讲座{a}场", {"a": ("law_lectures", "count", 5, 300)}),
    ],
    7: [
        (
            "政府常务会议集体学法{a}次，组织领导干部法治培训{b}人次",
            {"a": ("leadership_law_study_sessions", "count", 4, 30), "b": ("staff_trained", "count", 200, 9000)},
        ),
        (
            "召开法治建设专题会议{a}次，开展法治督察{b}次",
            {"a": ("rule_of_law_meetings", "count", 2, 20), "b": ("supervision_inspections", "count", 2, 30)},
        ),
    ],
}


def _region(rng: random.Random, index: int) -> tuple[str, str]:
    a = NAME_SYLLABLES[index % len(NAME_SYLLABLES)]
    b = NAME_SYLLABLES[(index // len(NAME_SYLLABLES) + 7 * index) % len(NAME_SYLLABLES)]
    suffix, level = SUFFIXES[index % len(SUFFIXES)]
    if a == b:
        b = "阳"
    return a + b + suffix, level


def _filler(rng: random.Random) -> str:
    if rng.random() < 0.45:
        return rng.choice(COMMON)
    return (
        f"{rng.choice(SUBJECTS)}{rng.choice(VERBS)}{rng.choice(OBJECTS)}，"
        f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}，{rng.choice(GOALS)}"
    )


@dataclass
class SyntheticReport:
    name: str
    text: str
    region: str
    level: str
    year: int
    facts: list[Planted]


def synthetic_report(rng: random.Random, index: int, target_bytes: int | None = None) -> SyntheticReport:
    region, level = _region(rng, index)
    year = rng.choice([2021, 2022, 2023, 2024, 2025])
    target = target_bytes or rng.randint(10_000, 40_000)
    facts: list[Planted] = []
    lines = [
        f"{region}人民政府关于{year}年度法治政府建设情况的报告",
        "",
        f"{year}年，{region}坚持以习近平法治思想为指导，" + rng.choice(COMMON) + "。现将有关情况报告如下。",
        f"一、{year}年推进法治政府建设的主要举措和成效",
    ]
    body_bytes = 0
    parts: list[list[str]] = []
    for s, title in enumerate(SECTION_TITLES):
        paragraphs = [f"({cn_number(s + 1)}){title}。"]
        sentences = []
        for template, specs in FACTS[s]:
            text, planted = _fill(rng, template, specs)
            sentences.append(text)
            facts.extend(planted)
        parts.append([paragraphs[0], sentences])
    # Grow the body with filler until the report reaches its size; facts stay where they are.
    budget = target - 900
    while body_bytes < budget:
        section = rng.randrange(len(parts))
        filler = _filler(rng)
        parts[section][1].insert(rng.randrange(len(parts[section][1]) + 1), filler)
        body_bytes += len(filler.encode("utf-8")) + 6
    ordinals = "一二三四五六七八九十"
    for heading, sentences in parts:
        lines.append(heading)
        chunks = [sentences[i : i + 4] for i in range(0, len(sentences), 4)]
        paragraph = []
        for k, chunk in enumerate(chunks):
            marker = ordinals[k] + "是" if k < len(ordinals) else ""
            paragraph.append(marker + "。".join(chunk) + "。")
        lines.append("".join(paragraph))
    lines.append("二、存在的不足和原因")
    lines.append("".join(f"{ordinals[k]}是{s}。" for k, s in enumerate(rng.sample(SHORTCOMINGS, 3))))
    lines.append(f"三、{year + 1}年推进法治政府建设的主要安排")
    lines.append("".join(f"{ordinals[k]}是{s}。" for k, s in enumerate(rng.sample(PLANS, 3))))
    lines += ["", f"{region}人民政府", f"{year + 1}年3月{rng.randint(1, 28)}日"]
    return SyntheticReport(f"synthetic-{index:04d}.txt", "\n".join(lines), region, level, year, facts)


def corpus(n: int, seed: int = 2026) -> list[SyntheticReport]:
    rng = random.Random(seed)
    return [synthetic_report(rng, i) for i in range(n)]

"""The report reader on synthetic texts written for these tests: figures, qualifiers, periods, mapping
to metrics, scope, outline and required content, title and region. No real report's text is used here."""

import pytest

from fazhi.reports.reader import read_text
from fazhi.reports.reader.figures import extract
from fazhi.reports.reader.text import mask, normalize

TITLE = "青崖县人民政府关于2023年度法治政府建设情况的报告\n"


def figures(text):
    return [(f.value, f.unit, f.qualifier) for f in extract(mask(normalize(text)))]


def facts(body, title=TITLE):
    reading = read_text(title + body)
    return [(f.metric, f.value, f.qualifier) for f in reading.facts]


def fact(body, metric, title=TITLE):
    found = [f for f in read_text(title + body).facts if f.metric == metric]
    assert found, f"{metric} not read from {body!r}"
    return found[0]


# -- figures --------------------------------------------------------------------------------------------
def test_arabic_figures_with_unit_words_multipliers_and_percentages():
    assert figures("办理案件326件，受众4.5万人次，罚没款1.28亿元，好评率99.6%，罚款 12.5 万元") == [
        (326, "件", None),
        (45000, "人次", None),
        (128000000, "元", None),
        (0.996, "%", None),
        (125000, "元", None),
    ]


def test_space_between_number_and_unit_and_full_width_digits():
    assert figures("查处案件 8 件，整改率 86 %，共１２３项") == [(8, "件", None), (0.86, "%", None), (123, "项", None)]


def test_thousand_separators():
    assert figures("发放资料12,500份") == [(12500, "份", None)]


def test_chinese_numerals_with_a_unit_word_are_figures():
    assert figures("聘请三位律师担任法律顾问，设立十二个调解室，培训两批次") == [
        (3, "位", None),
        (12, "个", None),
        (2, "批次", None),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "推行一网通办，做到一次办好",
        "一是加强组织领导，二是完善制度",
        "落实“双随机、一公开”监管",
        "压实一把手责任",
        "实现一件事一次办",
        "全面推行三项制度",
    ],
)
def test_domain_terms_are_masked_not_read_as_numbers(text):
    assert figures(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "2019年以来",
        "2020年3月18日印发",
        "依据〔2019〕28号文件",
        "第八届人民政府第二十一次常务会议",
        "拨打12345热线",
        "《法治政府建设实施纲要(2015—2020年)》",
        "国务院第712号令",
        "10月28日至11月3日",
        "（2021-2025年）",
    ],
)
def test_dates_document_numbers_ordinals_and_codes_are_not_figures(text):
    assert figures(text) == []


def test_approximations_and_bounds():
    assert figures("开展活动200余场次，参与群众近3000人，压缩50%以上，办理超过80件，学习10多次") == [
        (200, "场次", "approx"),
        (3000, "人", "approx"),
        (0.5, "%", "lower_bound"),
        (80, "件", "lower_bound"),
        (10, "次", "approx"),
    ]


def test_ranges_keep_both_ends():
    found = extract(mask(normalize("每个单位指定2-3名联络员")))
    assert [(f.value, f.value_max, f.qualifier, f.unit) for f in found] == [(2, 3, "range", "名")]


def test_unit_word_variants_are_normalised():
    assert figures("举办讲座35场(次)，咨询500人/次，培训80人(次)") == [
        (35, "场次", None),
        (500, "人次", None),
        (80, "人次", None),
    ]


def test_year_on_year_changes_are_not_levels():
    assert (
        facts("一、主要举措和成效\n罚没金额同比提高142%。行政复议案件同比下降12.5%。") == []
    )  # a change maps to no level
    found = figures("罚没金额同比提高142%，行政复议案件同比下降12.5%")
    assert found == [(1.42, "%", "yoy"), (-0.125, "%", "yoy")]


# -- periods and years ----------------------------------------------------------------------------------
def test_partial_periods():
    f = fact("1-11月，全县共收到行政复议申请86件。", "reconsideration_received")
    assert (f.value, f.qualifier, f.period) == (86, "partial_period", "1-11月")
    assert fact("截至10月31日，共收到行政复议申请40件。", "reconsideration_received").qualifier == "partial_period"
    assert fact("2023年1月—9月，共收到行政复议申请30件。", "reconsideration_received").qualifier == "partial_period"


@pytest.mark.parametrize(
    "body",
    [
        "截至12月31日，共收到行政复议申请86件。",
        "截至目前，共收到行政复议申请86件。",
        "全年共收到行政复议申请86件。",
        "截至2024年2月底，共收到行政复议申请86件。",
    ],
)
def test_whole_year_statements_are_not_partial(body):
    assert fact(body, "reconsideration_received").qualifier is None


def test_relative_years_resolve_against_the_report_year_not_today():
    assert fact("今年共收到行政复议申请86件。", "reconsideration_received").year == 2023
    assert fact("全年共收到行政复议申请86件。", "reconsideration_received").year == 2023
    assert fact("去年共收到行政复议申请70件。", "reconsideration_received").year == 2022
    reading = read_text("2019年度白鹭县法治政府建设情况\n今年共收到行政复议申请9件。")
    assert reading.year == 2019 and reading.facts[0].year == 2019


# -- mapping to metrics ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body, expected",
    [
        (
            "全县政务服务事项共发布1204项，其中行政许可事项311项。",
            [("service_items", 1204, None), ("licensing_items", 311, None)],
        ),
        ("网上可办率达到96.5%，即办件210项。", [("online_rate", 0.965, None), ("instant_items", 210, None)]),
        (
            "共收到行政复议申请187件，审结160件，纠错率12.5%。",
            [
                ("reconsideration_received", 187, None),
                ("reconsideration_closed", 160, None),
                ("reconsideration_correction_rate", 0.125, None),
            ],
        ),
        (
            "办理行政执法案件3200件，罚没款合计856.3万元。",
            [("enforcement_cases", 3200, None), ("penalty_amount", 856.3, None)],
        ),
        ("罚没金额1.2亿元。", [("penalty_amount", 12000, None)]),
        (
            "人民调解组织调解矛盾纠纷2100余件，调解成功2050件。",
            [("mediation_received", 2100, "approx"), ("mediation_resolved", 2050, None)],
        ),
        (
            "县政府常务会议集体学法6次，举办法治讲座12场。",
            [("leadership_law_study_sessions", 6, None), ("law_lectures", 12, None)],
        ),
        (
            "发放普法宣传资料3.2万份，受众8万人次。",
            [("law_materials_distributed", 32000, None), ("law_publicity_participants", 80000, None)],
        ),
        (
            "审查规范性文件14件，报送备案14件，备案率100%。",
            [
                ("normative_docs_reviewed", 14, None),
                ("normative_docs_filed", 14, None),
                ("normative_docs_filing_rate", 1.0, None),
            ],
        ),
        (
            "办理人大代表建议45件、政协提案38件，办复率100%。",
            [
                ("npc_suggestions_handled", 45, None),
                ("cppcc_proposals_handled", 38, None),
                ("suggestions_reply_rate", 1.0, None),
            ],
        ),
        ("聘请三位律师担任政府法律顾问。", [("legal_advisers", 3, None)]),
        (
            "组织行政复议听证8次，被申请人负责人出席听证率达到75%。",
            [("reconsideration_hearings", 8, None), ("reconsideration_head_attendance_rate", 0.75, None)],
        ),
        (
            "受理信访事项120件，其中重复信访15件，按期办结率98%。",
            [
                ("petitions_received", 120, None),
                ("petitions_repeated", 15, None),
                ("petitions_on_time_rate", 0.98, None),
            ],
        ),
        (
            "办理人大代表建议30件，代表满意率100%。",
            [("npc_suggestions_handled", 30, None), ("suggestions_satisfaction_rate", 1.0, None)],
        ),
        (
            "组织领导干部学法考试，参考人员1200人，合格率99.5%。",
            [("law_exam_candidates", 1200, None), ("law_exam_pass_rate", 0.995, None)],
        ),
        (
            "全年受理政务服务办件5.6万件，按时办结率99.9%。",
            [("applications_received", 56000, None), ("applications_on_time_rate", 0.999, None)],
        ),
    ],
)
def test_figures_map_to_catalogue_metrics(body, expected):
    assert facts("一、主要举措和成效\n" + body) == expected


def test_unrelated_figures_stay_unmapped_with_their_sentence():
    reading = read_text(TITLE + "一、主要举措和成效\n完成植树造林1200亩，新建公路35公里。共收到行政复议申请12件。")
    assert [(f.metric, f.value) for f in reading.facts] == [("reconsideration_received", 12)]
    assert [(f.value, f.unit) for f in reading.unmapped] == [(1200, "亩"), (35, "公里")]
    assert reading.unmapped[0].quote == "完成植树造林1200亩"
    assert reading.facts[0].quote == "共收到行政复议申请12件"


def test_respectively_lists_pair_each_figure_with_its_label():
    found = facts("一、主要举措和成效\n全县事项网办二级、三级、四级深度占比分别达到98%、60%和25%。")
    assert found == [("online_rate", 0.98, None), ("depth4_rate", 0.25, None)]


def test_public_interest_litigation_is_not_enforcement_or_suggestions():
    assert facts("一、主要举措和成效\n检察院共受理公益诉讼案件20件，立案20件，被建议单位回复率100%。") == []


def test_a_statement_without_a_number_can_state_a_figure():
    assert facts("一、主要举措和成效\n规范性文件全部按时报送，无逾期备案情况。") == [
        ("normative_docs_filed_on_time_rate", 1.0, None)
    ]


def test_figures_of_next_years_plan_are_not_this_years_facts():
    reading = read_text(
        TITLE + "一、主要举措和成效\n共收到行政复议申请12件。\n二、存在的不足\n基层力量薄弱。\n"
        "三、下一步工作安排\n力争每季度开展法治督察1次，培训执法人员500人。"
    )
    assert [(f.metric, f.value) for f in reading.facts] == [("reconsideration_received", 12)]
    assert {f.value for f in reading.unmapped} == {1, 500}
    assert all("下一年度" in f.note for f in reading.unmapped)


# -- scope -----------------------------------------------------------------------------------------------
def test_scope_parts_after_qizhong_and_breakdowns():
    reading = read_text(
        TITLE + "一、主要举措和成效\n负责人出庭应诉案件30件，其中县法院18件，市中院12件。"
        "对全县28家县直单位、15个乡镇的法治建设情况进行了考核。"
    )
    found = [(f.metric, f.value, f.scope) for f in reading.facts]
    assert found == [
        ("head_appearances", 30, "self"),
        ("head_appearances", 18, "sub"),
        ("head_appearances", 12, "sub"),
        ("units_assessed", 28, "sub"),
        ("units_assessed", 15, "sub"),
    ]


def test_different_metrics_in_one_sentence_are_each_the_units_own_total():
    reading = read_text(TITLE + "一、主要举措和成效\n清理规范性文件120件，其中废止12件、宣布失效8件。")
    assert [(f.metric, f.scope) for f in reading.facts] == [
        ("normative_docs_cleaned", "self"),
        ("normative_docs_repealed", "self"),
        ("normative_docs_invalidated", "self"),
    ]


# -- outline and required content ----------------------------------------------------------------------
OUTLINE = (
    TITLE + "一、2023年法治政府建设主要举措和成效\n（一）优化政务服务\n1.深化改革。一是精简事项；二是压缩时限。\n"
    "（1）网上办理\n①全程网办\n(二)加强执法监督\n二、存在的问题\n（一）基层力量薄弱。\n三、2024年工作安排\n"
    "（一）强化督察。\n"
)


def test_outline_levels_and_titles():
    reading = read_text(OUTLINE)
    assert [(h.level, h.marker, h.title) for h in reading.headings] == [
        (1, "一、", "2023年法治政府建设主要举措和成效"),
        (2, "(一)", "优化政务服务"),
        (3, "1.", "深化改革"),
        (4, "(1)", "网上办理"),
        (5, "①", "全程网办"),
        (2, "(二)", "加强执法监督"),
        (1, "二、", "存在的问题"),
        (2, "(一)", "基层力量薄弱"),
        (1, "三、", "2024年工作安排"),
        (2, "(一)", "强化督察"),
    ]  # full-width parentheses read as ASCII ones
    assert [h.key for h in reading.headings if h.level == 1] == [
        "measures_and_results",
        "shortcomings",
        "next_year_plan",
    ]


def test_inline_items_are_found():
    from fazhi.reports.reader.outline import items

    assert [n for _, n in items("一是精简事项；二是压缩时限。三是加强监管")] == ["一", "二", "三"]


def test_missing_required_content_is_listed():
    reading = read_text(OUTLINE)
    assert reading.required_sections == {
        "measures_and_results": True,
        "leader_duties": False,
        "shortcomings": True,
        "next_year_plan": True,
    }
    assert reading.missing_sections == ["leader_duties"]


def test_leader_duties_found_in_a_heading_or_in_the_text_but_not_in_a_cited_title():
    by_heading = read_text(OUTLINE.replace("(二)加强执法监督", "(二)落实第一责任人职责"))
    assert by_heading.required_sections["leader_duties"]
    by_text = read_text(
        OUTLINE.replace("二是压缩时限。", "二是压缩时限。县委县政府主要负责人认真履行推进法治建设第一责任人职责。")
    )
    assert by_text.required_sections["leader_duties"]
    cited = read_text(OUTLINE.replace("二是压缩时限。", "二是学习《关于落实推进法治建设第一责任人职责的若干措施》。"))
    assert not cited.required_sections["leader_duties"]


def test_shortcomings_and_plan_under_other_names():
    reading = read_text(
        TITLE + "一、工作开展情况\n内容。\n二、短板和不足\n内容。\n三、对策建议\n内容。\n四、其他需要报告的情况\n无。"
    )
    assert [h.key for h in reading.headings] == ["measures_and_results", "shortcomings", "next_year_plan", "other"]


# -- title, region, level, unit, year -------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("青崖县人民政府关于2023年度法治政府建设情况的报告\n正文", ("青崖县", "county", "青崖县人民政府", 2023)),
        (
            "2022年度澄江区法治政府建设工作报告\n正文\n澄江区人民政府\n2023年3月20日",
            ("澄江区", "district", "澄江区人民政府", 2022),
        ),
        (
            "来源：本站\n翠屏市人民政府\n关于2021年度法治政府建设工作情况的报告\n正文",
            ("翠屏市", "city", "翠屏市人民政府", 2021),
        ),
        ("江岚省云川市司法局2024年法治政府建设年度报告\n正文", ("云川市", "city_department", "云川市司法局", 2024)),
        # issue 20: the title's label and an editor's note, a name starting with a numeral, 州 inside a name,
        # a street, a department of a district, a joint title of the party committee and the government
        (
            "URL: http://x\nTITLE: 六塘镇2025年法治政府建设工作报告 [标题系拟定]\n\n正文",
            ("六塘镇", "township", "六塘镇人民政府", 2025),
        ),
        (
            "台州市澄湖区人民政府关于2021年法治政府建设的年度报告\n正文",
            ("澄湖区", "district", "台州市澄湖区人民政府", 2021),
        ),
        ("云川市青石街道2025年法治政府建设工作报告\n正文", ("青石街道", "street", "青石街道办事处", 2025)),
        (
            "云川市澄江区司法局2023年法治政府建设情况报告\n正文",
            ("澄江区", "county_department", "云川市澄江区司法局", 2023),
        ),
        (
            "中共青崖县委 青崖县人民政府关于2024年法治政府建设情况的报告\n正文",
            ("青崖县", "county", "青崖县人民政府", 2024),
        ),
        (
            "中共云川市交通运输局党组2022年度法治政府建设报告\n正文",
            ("云川市", "city_department", "云川市交通运输局党组", 2022),
        ),
        ("江岚省人民政府关于2020年法治政府建设情况的报告\n正文", ("江岚省", "province", "江岚省人民政府", 2020)),
    ],
)
def test_region_level_unit_and_year(text, expected):
    reading = read_text(text)
    assert (reading.region, reading.level, reading.unit, reading.year) == expected


def test_year_can_be_given():
    assert read_text("某报告\n共收到行政复议申请3件。", year=2021).year == 2021


def test_json_object_has_the_gold_keys_first():
    data = read_text(TITLE + "一、主要举措和成效\n共收到行政复议申请12件。", filename="a.txt").to_dict()
    assert list(data)[:6] == ["file", "region", "level", "year", "required_sections", "facts"]
    assert list(data["facts"][0])[:5] == ["metric", "value", "qualifier", "scope", "quote"]
    assert data["file"] == "a.txt" and data["facts"][0]["metric"] == "reconsideration_received"


# -- issue 20: a reader that generalises ------------------------------------------------------------------
def _facts(body: str) -> set:
    return {(f.metric, round(f.value, 6), f.qualifier) for f in read_text(TITLE + body).facts}


def test_traditional_characters_are_read_as_simplified():
    reading = read_text("青崖縣人民政府關於2023年度法治政府建設情況的報告\n全年共收到行政複議申請12件。")
    assert (reading.region, reading.level, reading.year) == ("青崖县", "county", 2023)
    assert ("reconsideration_received", 12, None) in {(f.metric, f.value, f.qualifier) for f in reading.facts}


def test_opencc_loads_within_a_second():
    import subprocess
    import sys
    import time

    code = "import time; from fazhi.reports.reader.text import simplified; t = time.perf_counter(); "
    code += "simplified('對'); print(time.perf_counter() - t)"  # OpenCC's dictionaries load on first use
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(done.stdout) < 1.0 and time.perf_counter() - start < 10


def test_simplified_keeps_offsets():
    from fazhi.reports.reader.text import simplified

    text = "審查規範性文件12件，發放宣傳資料3000份"
    assert len(simplified(text)) == len(text) and simplified(text).startswith("审查规范性文件")


def test_region_comes_from_the_title_never_from_a_sentence():
    reading = read_text("法治政府建设工作报告\n按照阿里地区的统一部署，全年共收到行政复议申请3件。")
    assert reading.region is None


def test_planned_and_cumulative_qualifiers():
    facts = _facts("清理规范性文件100件，其中建议宣布废止9件。拟取消证明事项12项。")
    assert ("normative_docs_repealed", 9, "planned") in facts and ("proofs_cancelled", 12, "planned") in facts
    facts = _facts("平台上线以来累计受理办件3.2万件。全年累计开展普法活动45场。")
    assert ("applications_received", 32000, "cumulative") in facts
    assert ("law_publicity_events", 45, None) in facts  # 全年累计: the year's own total


def test_lexicon_reads_catalogue_v2_metrics_no_rule_names():
    facts = _facts("下发责令整改通知书37份。聘任法治副校长42名。全年开展矛盾纠纷排查12次。")
    facts |= _facts("企业开办时间压缩至2个工作日。")
    assert {
        ("correction_orders", 37, None),
        ("school_legal_vice_principals", 42, None),
        ("disputes_screened", 12, None),
        ("business_startup_days", 2, None),
    } <= facts


def test_regular_meeting_studying_rule_of_law_is_an_agenda_item_not_a_meeting():
    facts = _facts("县政府常务会议专题研究法治政府建设工作4次。召开县委全面依法治县委员会会议2次。")
    assert ("rule_of_law_agenda_items", 4, None) in facts and ("rule_of_law_meetings", 2, None) in facts


def test_a_figure_over_a_mixed_list_is_no_metric_and_a_shared_value_is_each():
    reading = read_text(TITLE + "召开县委常委会议、依法治县委员会会议共5次。学法考试参考率、合格率均达100%。")
    assert not [f for f in reading.facts if f.value == 5]
    assert [f for f in reading.unmapped if f.value == 5][0].note.startswith("多项合计")
    got = {(f.metric, f.value) for f in reading.facts}
    assert {("law_exam_participation_rate", 1.0), ("law_exam_pass_rate", 1.0)} <= got


def test_other_figures_keep_their_label_and_are_not_facts():
    reading = read_text(TITLE + "全年开展中心组理论学习25次，新建村级文化广场12个。")
    assert reading.facts == []
    texts = [o["text"] for o in reading.other_figures]
    assert texts == ["中心组理论学习 25次", "新建村级文化广场 12个"]
    assert read_text(TITLE + "新建村级文化广场12个。").to_dict()["other_figures"][0]["label"] == "新建村级文化广场"


def test_metric_lexicon_covers_every_shown_metric_of_the_catalogue():
    from fazhi.metrics.catalogue import catalogue
    from fazhi.reports.reader.lexicon import metric_lexicon

    listed = {e.metric for entries in metric_lexicon().entries.values() for e in entries}
    shown = {code for code, m in catalogue().metrics.items() if not m.internal}
    assert listed == shown


def test_scope_of_other_bodies_and_parts():
    reading = read_text(TITLE + "全国共审查规范性文件1200件。全县共审查规范性文件25件，其中县卫健局审查3件。")
    scopes = {f.value: f.scope for f in reading.facts if f.metric == "normative_docs_reviewed"}
    assert scopes == {1200: "other", 25: "self", 3: "sub"}


def test_year_from_the_opening_lines_not_from_later_sentences():
    body = "\n".join(["正文第一段没有年份。", "第二段。", "第三段。", "第四段。", "与2019年相比，2019年的做法2019年。"])
    assert read_text("青崖县法治政府建设情况报告\n" + body).year is None
    assert read_text("青崖县法治政府建设情况报告\n2024年，我县深入推进依法行政。\n" + body).year == 2024


def test_other_phrasings_of_the_same_quantity_and_the_right_neighbour():
    """The kinds of miss the issue lists, in invented wording."""
    facts = _facts("审核区政府规范性文件12件。共计审查文件15件。取得公职律师工作证人数8人。")
    facts |= _facts("全年共审核决策、文件等36件次。")
    assert {
        ("normative_docs_reviewed", 12, None),
        ("normative_docs_reviewed", 15, None),
        ("legal_advisers", 8, None),
        ("legality_reviews", 36, None),
    } <= facts
    facts = _facts("全年共收到行政复议申请20件，驳回复议申请3件。县政府常务会议研究法治建设有关议题6次。")
    assert ("reconsideration_dismissed", 3, None) in facts and ("reconsideration_received", 3, None) not in facts
    assert ("rule_of_law_agenda_items", 6, None) in facts
    assert ("legal_advisers", 118, None) not in _facts("在官网公开118名律师联系方式。")


def test_a_session_of_a_congress_is_no_figure():
    assert extract(mask(normalize("深入学习贯彻市委六届二次全会精神，召开专题会议2次"))) != []
    assert [f.raw for f in extract(mask(normalize("深入学习贯彻市委六届二次全会精神")))] == []


# Invented sentences of the kinds that recur in openings of real reports, each with every fact it states.
WORDING = [
    ("开展党纪学习教育专题学习5次。", set()),  # no law named: no law study
    ("将习近平法治思想纳入理论学习中心组学习重点内容，全年组织专题学习3次。", {("leadership_law_study_sessions", 3)}),
    ("集中学习《民法典》4次。", {("leadership_law_study_sessions", 4)}),
    ("研究法治建设有关议题4次。", {("rule_of_law_agenda_items", 4)}),
    ("帮助企业解决涉法事项13项。", set()),
    ("成立法治建设领导小组，召开会议4次。", {("rule_of_law_meetings", 4)}),
    ("组织特邀监督员对6个重点领域开展专项检查。", {("supervision_inspections", 6)}),
    ("共有1200项政务服务事项实现全程网办。", {("service_items_online", 1200)}),
    ("12345热线受理群众诉求3.5万件，办结率98%。", {("hotline_tickets", 35000), ("hotline_completion_rate", 0.98)}),
    ("开通12369举报热线，受理举报50起，办结率100%。", {("violation_reports_received", 50)}),  # no 12345 rate
    ("全年共接待群众来访320人次。", {("petitions_received", 320)}),
    ("按照上级统一部署，开展专项整治。", set()),  # 统一部署 holds no 一部
    ("本年划转审批事项40项。", {("approval_items_transferred", 40)}),
    ("举办干部培训班9期，轮训干部800人。", set()),  # no law named: no law training
    ("组织执法人员法治培训班3期，培训120人次。", {("law_training_sessions", 3), ("staff_trained", 120)}),
    ("梳理权力事项共8类2100项。", {("power_list_items", 2100)}),
    ("开展政策措施清理，共梳理规章、规范性文件等300件。", {("normative_docs_cleaned", 300)}),
    ("每年召开一次专题会议，研究法治工作。", set()),  # a rule of frequency
    ("受理来信来访47件70人次。", {("petitions_received", 47)}),
    ("认领政务服务事项1560项，发布实施清单1420项。", {("service_items", 1420)}),  # the published count
    ("推动82项政务服务事项“就近办”。", set()),  # a part of the catalogue
    ("开展法律进机关、进乡村、进社区活动30余次。", {("law_publicity_events", 30)}),
    ("举办宪法宣传周系列活动12场。", {("law_publicity_events", 12)}),
    ("组织“法律明白人”培训2期，培训法律明白人150名。", set()),  # villagers, not officials
    ("全年召开政府常务会议28次，其中会前学法12次。", {("leadership_law_study_sessions", 12)}),
    ("全镇召开党委会议12次，研究法治议题4项。", {("rule_of_law_agenda_items", 4)}),
    ("开展法治培训，覆盖镇村干部200余人。", {("staff_trained", 200)}),
    (
        "开展政策措施清理，共梳理规章、规范性文件以及其他政策措施679件，开展公平竞争审查80件。",
        {("normative_docs_cleaned", 679)},
    ),
    (
        "县委常委会、县政府常务会议分别学法6次、8次。",
        {("leadership_law_study_sessions", 6), ("leadership_law_study_sessions", 8)},
    ),
    ("公布权责清单（主项96个，实施清单215个）。", {("power_list_items", 96)}),  # implementation items: no total
    ("新增进驻事项56项。", set()),  # a change, not the centre's items at the year's end
    ("办理不动产登记业务1.2万件。", set()),  # one business, not all applications
    ("印制发放普法宣传单2000份。", {("law_materials_distributed", 2000)}),
    ("收集“好差评”评价数据5.6万条。", {("ratings_total", 56000)}),
    ("压缩办理时限65%。", {("time_limit_compression_rate", 0.65)}),
    ("自助服务区提供服务事项85项。", set()),  # a part of the catalogue
    ("设置“跨省通办”专窗2个，实现跨省通办事项96项。", {("cross_province_items", 96)}),  # windows are no items
    ("网上办件量达到8.6万件。", set()),  # a part of the applications received
    ("实现“零跑动”事项达430项，占比81%。", {("zero_visit_rate", 0.81)}),  # a share of the items named before
    ("政务服务大厅共进驻单位26家。", {("center_units", 26)}),
    ("按照依法治县委员会的部署，各部门共开展专题学习60余次。", set()),  # a committee's name names no law
    ("开展禁毒宣传、执法业务培训等活动4场。", set()),  # activities of several kinds
    ("12345热线受理工单2.1万件，按时办结率97%。", {("hotline_tickets", 21000)}),  # not the applications' rate
    ("推进“高效办成一件事”，上线主题服务18项，办件9000件。", set()),  # one package's applications
    ("政务服务中心日均接待群众1200人次。", set()),  # no public legal service
    ("全年共有即办件8万件。", set()),  # a part of the applications, and no items
    ("开展法律咨询活动28次。", {("law_publicity_events", 28)}),
    ("组织青少年法治教育活动19场。", {("law_publicity_events", 19)}),
    ("组织旁听庭审活动2次，参加人员150人。", set()),  # officials at a hearing: no publicity audience
    ("开展重大行政决策后评估3项。", set()),  # evaluated, not made in the year
    ("法律顾问列席县政府常务会议18次。", set()),  # an adviser attending: no agenda item
]


@pytest.mark.parametrize(("body", "expected"), WORDING, ids=[w[0][:12] for w in WORDING])
def test_recurring_wording_reads_to_the_catalogue(body, expected):
    read = {(metric, value) for metric, value, _q in _facts(body)}
    assert read == {(m, float(v)) for m, v in expected}


def test_a_running_total_since_an_earlier_year_is_the_report_years():
    (since,) = read_text(TITLE + "自2019年以来，累计培训执法人员5200人次。").facts
    (earlier,) = read_text(TITLE + "2021年，共培训执法人员900人次。").facts
    assert (since.metric, since.qualifier, since.year) == ("staff_trained", "cumulative", 2023)
    assert (earlier.metric, earlier.year) == ("staff_trained", 2021)


def test_a_higher_bodys_figure_is_not_the_units_own():
    reading = read_text(TITLE + "省厅发布典型案例6个。")
    assert [f.scope for f in reading.facts] == ["other"]

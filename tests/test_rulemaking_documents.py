"""行政规范性文件: the lifecycle, each refusal with the rule it breaks, the deadlines, clean-up, search and import."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook

from fazhi.core.importing import ImportRefused, run_import
from fazhi.core.ledgers import registry
from fazhi.law.deadlines import deadline
from fazhi.law.errors import RuleViolation
from fazhi.law.params import param
from fazhi.rulemaking import rules
from fazhi.rulemaking.choices import CleanupOutcomeKind, DocumentStatus
from fazhi.rulemaking.deadlines import filing_due, validity_limit
from fazhi.rulemaking.models import CleanupCampaign, Consultation, NormativeDocument

D = dt.date


def make_doc(unit, title="云测市城市养犬管理办法", **extra):
    return NormativeDocument.objects.create(unit=unit, title=title, body=f"{title}正文：犬只登记与管理。", **extra)


def reviewed(doc, passed=True, on=D(2025, 3, 3)):
    rules.submit_for_review(doc, on)
    return rules.complete_review(doc, on + dt.timedelta(days=7), "市司法局", "经审核，内容合法。", passed)


def deliberated(doc, on=D(2025, 3, 14)):
    reviewed(doc)
    return rules.deliberate(doc, on, "市政府第5次常务会议")


def published(doc, number="云测府规〔2025〕1号", on=D(2025, 3, 20), effective=D(2025, 4, 1), valid_until=None):
    deliberated(doc)
    return rules.publish_document(
        doc, number=number, published_on=on, effective_from=effective, valid_until=valid_until
    )


def repeal(doc, on):
    """A document repealed as a clean-up campaign repeals it (a campaign of its own is more than these tests need)."""
    NormativeDocument.all_objects.filter(pk=doc.pk).update(
        status=DocumentStatus.REPEALED, ended_on=on, end_reason="废止"
    )
    doc.refresh_from_db()


def assert_rule(excinfo, code):
    assert isinstance(excinfo.value, RuleViolation) and excinfo.value.code == code, excinfo.value


# -- the happy path ----------------------------------------------------------------------------------------------
def test_full_lifecycle_sets_deadlines_from_the_law(tree):
    doc = published(make_doc(tree["gov"]))
    assert doc.status == DocumentStatus.PUBLISHED and doc.number == "云测府规〔2025〕1号"
    validity = param("normative.validity_max", D(2025, 4, 1))
    assert doc.valid_until == D(2025, 4, 1) + relativedelta(years=validity.value) - dt.timedelta(days=1)
    assert doc.filing_due_on == deadline("normative.filing_deadline", D(2025, 3, 20)).due
    before = param("normative.expiry_evaluation_before", D(2025, 3, 20))
    assert doc.evaluation_due_on == doc.valid_until - relativedelta(months=before.value)
    assert doc.is_in_force(D(2025, 4, 1)) and not doc.is_in_force(D(2025, 3, 31))
    assert not doc.is_in_force(doc.valid_until + dt.timedelta(days=1))
    rules.file_document(doc, D(2025, 4, 2), "云测市人民政府")
    assert doc.filed_on == D(2025, 4, 2) and not doc.filing_overdue()
    assert doc.history.count() >= 6, "every step is in the change history"


def test_provisional_documents_have_the_shorter_validity_limit(tree):
    doc = make_doc(tree["gov"], title="云测市夜间经济暂行办法", provisional=True)
    deliberated(doc)
    short = param("normative.provisional_validity_max", D(2025, 4, 1))
    limit = D(2025, 4, 1) + relativedelta(years=short.value) - dt.timedelta(days=1)
    with pytest.raises(RuleViolation) as refused:
        rules.publish_document(
            doc,
            number="暂1号",
            published_on=D(2025, 3, 20),
            effective_from=D(2025, 4, 1),
            valid_until=limit + dt.timedelta(days=1),
        )
    assert_rule(refused, "normative.validity_within_max")
    assert "暂行、试行" in str(refused.value.messages)
    rules.publish_document(doc, number="暂1号", published_on=D(2025, 3, 20), effective_from=D(2025, 4, 1))
    assert doc.valid_until == limit


# -- refusals ----------------------------------------------------------------------------------------------------
def test_deliberation_and_publication_refused_without_a_passed_review(tree):
    doc = make_doc(tree["gov"])
    with pytest.raises(RuleViolation) as refused:
        rules.deliberate(doc, D(2025, 3, 14), "常务会议")
    assert_rule(refused, "normative.publish_after_review")
    assert "国办发〔2018〕115号" in refused.value.messages[0]
    with pytest.raises(RuleViolation) as refused:
        rules.publish_document(doc, number="X1", published_on=D(2025, 3, 20), effective_from=D(2025, 4, 1))
    assert_rule(refused, "normative.publish_after_review")
    reviewed(doc, passed=False)
    with pytest.raises(RuleViolation, match="审核未通过"):
        rules.deliberate(doc, D(2025, 3, 14), "常务会议")
    with pytest.raises(RuleViolation, match="审核未通过"):
        rules.publish_document(doc, number="X1", published_on=D(2025, 3, 20), effective_from=D(2025, 4, 1))
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.REVIEW_FAILED and doc.published_on is None and doc.number == ""


def test_a_failed_review_can_be_resubmitted_and_passed(tree):
    doc = make_doc(tree["gov"])
    reviewed(doc, passed=False)
    rules.submit_for_review(doc, D(2025, 3, 20))
    assert doc.status == DocumentStatus.REVIEWING and doc.review_passed is None
    rules.complete_review(doc, D(2025, 3, 25), "市司法局", "修改后合法", True)
    assert doc.status == DocumentStatus.REVIEW_PASSED


def test_publication_refused_before_collective_deliberation(tree):
    doc = make_doc(tree["gov"])
    reviewed(doc)
    with pytest.raises(RuleViolation) as refused:
        rules.publish_document(doc, number="X1", published_on=D(2025, 3, 20), effective_from=D(2025, 4, 1))
    assert_rule(refused, "normative.publish_after_deliberation")


def test_effective_date_before_publication_is_refused(tree):
    doc = make_doc(tree["gov"])
    deliberated(doc)
    with pytest.raises(RuleViolation) as refused:
        rules.publish_document(doc, number="X1", published_on=D(2025, 3, 20), effective_from=D(2025, 3, 19))
    assert_rule(refused, "normative.effective_after_publication")


def test_validity_beyond_the_limit_is_refused(tree):
    doc = make_doc(tree["gov"])
    deliberated(doc)
    limit, _ = validity_limit(doc, D(2025, 4, 1))
    with pytest.raises(RuleViolation) as refused:
        rules.publish_document(
            doc,
            number="X1",
            published_on=D(2025, 3, 20),
            effective_from=D(2025, 4, 1),
            valid_until=limit + dt.timedelta(days=1),
        )
    assert_rule(refused, "normative.validity_within_max")
    assert f"{limit:%Y年%m月%d日}" in refused.value.messages[0]


def test_a_document_number_is_used_once(tree):
    published(make_doc(tree["gov"]))
    other = make_doc(tree["dept"], title="另一文件")
    deliberated(other)
    with pytest.raises(ValidationError, match="已被其他文件使用"):
        rules.publish_document(
            other, number="云测府规〔2025〕1号", published_on=D(2025, 3, 20), effective_from=D(2025, 4, 1)
        )


def test_filing_before_publication_is_refused(tree):
    doc = make_doc(tree["gov"])
    deliberated(doc)
    with pytest.raises(RuleViolation) as refused:
        rules.file_document(doc, D(2025, 3, 25), "云测市人民政府")
    assert_rule(refused, "normative.file_after_publication")
    rules.publish_document(doc, number="X1", published_on=D(2025, 3, 20), effective_from=D(2025, 4, 1))
    with pytest.raises(ValidationError, match="报送备案日期不能早于公布日期"):
        rules.file_document(doc, D(2025, 3, 19), "云测市人民政府")
    rules.file_document(doc, D(2025, 3, 21), "云测市人民政府")
    with pytest.raises(ValidationError, match="已于2025年03月21日报送备案"):
        rules.file_document(doc, D(2025, 3, 22), "云测市人民政府")


def test_market_documents_need_a_finished_public_consultation_before_deliberation(tree):
    doc = make_doc(tree["gov"], affects_market=True)
    reviewed(doc)
    with pytest.raises(RuleViolation) as refused:
        rules.deliberate(doc, D(2025, 3, 14), "常务会议")
    assert_rule(refused, "normative.market_consultation")
    assert "优化营商环境条例" in refused.value.messages[0]

    consulted = make_doc(tree["gov"], title="涉企文件", affects_market=True)
    start = D(2025, 3, 1)
    ends = start + dt.timedelta(days=param("normative.public_comment_min", start).value)
    rules.open_document_consultation(consulted, title="征求意见", draft_text="草案", starts_on=start, ends_on=ends)
    reviewed(consulted, on=D(2025, 3, 3))
    with pytest.raises(RuleViolation, match="尚未届满"):
        rules.deliberate(consulted, ends, "常务会议")
    rules.deliberate(consulted, ends + dt.timedelta(days=1), "常务会议")
    assert consulted.status == DocumentStatus.DELIBERATED


def test_no_deliberation_while_a_comment_period_runs_and_no_consultation_after_review(tree):
    doc = make_doc(tree["gov"])
    rules.open_document_consultation(
        doc, title="征求意见", draft_text="草案", starts_on=D(2025, 3, 1), ends_on=D(2025, 3, 20)
    )
    reviewed(doc)
    with pytest.raises(ValidationError, match="征求意见期至2025年03月20日，尚未届满，不能提交审议"):
        rules.deliberate(doc, D(2025, 3, 14), "常务会议")
    with pytest.raises(ValidationError, match="不能再公开征求意见"):
        rules.open_document_consultation(
            doc, title="再征求", draft_text="草案", starts_on=D(2025, 3, 21), ends_on=D(2025, 4, 30)
        )
    rules.deliberate(doc, D(2025, 3, 21), "常务会议")


def test_a_recorded_reason_exempts_a_market_document_from_consultation(tree):
    doc = make_doc(tree["gov"], affects_market=True, consultation_exempt_reason="涉及依法需要保密的内容")
    deliberated(doc)
    assert doc.status == DocumentStatus.DELIBERATED


# -- the comment period ------------------------------------------------------------------------------------------
def test_comment_period_shorter_than_the_minimum_needs_a_reason(tree):
    doc = make_doc(tree["gov"], affects_market=True)
    start = D(2025, 5, 6)
    minimum = param("normative.public_comment_min", start).value
    with pytest.raises(ValidationError) as refused:
        rules.open_document_consultation(
            doc, title="征求意见", draft_text="草案", starts_on=start, ends_on=start + dt.timedelta(days=minimum - 1)
        )
    assert "normative.comment_period_min" in [e.code for e in refused.value.error_dict["ends_on"]]
    assert Consultation.objects.count() == 0
    # The start day is not counted: the shortest lawful period ends `minimum` days after it.
    rules.open_document_consultation(
        doc, title="征求意见", draft_text="草案", starts_on=start, ends_on=start + dt.timedelta(days=minimum)
    )
    other = make_doc(tree["gov"], title="另一", affects_market=True)
    rules.open_document_consultation(
        other,
        title="短期征求意见",
        draft_text="草案",
        starts_on=start,
        ends_on=start + dt.timedelta(days=10),
        short_reason="上级要求限期出台，缩短征求意见期",
    )
    assert Consultation.objects.count() == 2


def test_documents_not_touching_market_entities_have_no_minimum_period(tree):
    doc = make_doc(tree["gov"])
    rules.open_document_consultation(
        doc, title="征求意见", draft_text="草案", starts_on=D(2025, 5, 6), ends_on=D(2025, 5, 12)
    )
    with pytest.raises(ValidationError, match="尚未结束的征求意见"):
        rules.open_document_consultation(
            doc, title="再次", draft_text="草案", starts_on=D(2025, 5, 10), ends_on=D(2025, 5, 20)
        )


# -- filing deadline and expiry reminders ----------------------------------------------------------------------
def test_filing_overdue_is_flagged_when_late_or_missing(tree):
    on_time = published(make_doc(tree["gov"], title="按时"), number="A1")
    late = published(make_doc(tree["gov"], title="逾期备案"), number="A2")
    missing = published(make_doc(tree["gov"], title="未备案"), number="A3")
    due = late.filing_due_on
    rules.file_document(on_time, due, "云测市人民政府")
    rules.file_document(late, due + dt.timedelta(days=1), "云测市人民政府")
    assert not on_time.filing_overdue() and late.filing_overdue()
    assert not missing.filing_overdue(due) and missing.filing_overdue(due + dt.timedelta(days=1))
    overdue = set(rules.filing_overdue_documents(due + dt.timedelta(days=1)).values_list("title", flat=True))
    assert overdue == {"逾期备案", "未备案"}
    assert set(rules.filing_overdue_documents(due).values_list("title", flat=True)) == {"逾期备案"}


def test_filing_deadline_falls_back_when_the_holiday_calendar_lacks_the_year():
    # 2099 is in no holiday notice: the unrolled date is used rather than refusing the publication.
    version = param("normative.filing_deadline", D(2099, 12, 20))
    assert filing_due(D(2099, 12, 20)) == D(2099, 12, 20) + dt.timedelta(days=version.value)


def test_expiry_reminder_starts_at_the_evaluation_date_and_ends_with_an_evaluation(tree):
    doc = published(make_doc(tree["gov"]), valid_until=D(2026, 3, 31))
    due = doc.evaluation_due_on
    assert due == D(2026, 3, 31) - relativedelta(
        months=param("normative.expiry_evaluation_before", D(2025, 3, 20)).value
    )
    assert not rules.expiring_documents(due - dt.timedelta(days=1)).exists()
    assert list(rules.expiring_documents(due)) == [doc] and doc.needs_expiry_evaluation(due)
    assert not rules.expiring_documents(D(2026, 4, 1)).exists(), "an expired document is no longer in force"
    rules.evaluate_document(doc, due, "expiry", "continue", "实施情况良好")
    assert not rules.expiring_documents(due).exists()


def test_evaluation_of_an_unpublished_document_is_refused(tree):
    with pytest.raises(ValidationError, match="只能评估已公布"):
        rules.evaluate_document(make_doc(tree["gov"]), D(2025, 5, 1), "post", "continue", "评估")


# -- 清理 --------------------------------------------------------------------------------------------------------
@pytest.fixture
def stock(tree):
    docs = {
        "gov": published(make_doc(tree["gov"], title="市级文件"), number="S1"),
        "county": published(make_doc(tree["county"], title="县级文件"), number="S2"),
        "town": published(make_doc(tree["town"], title="镇级文件"), number="S3"),
        "other": published(make_doc(tree["other_county"], title="另一县文件"), number="S4"),
    }
    expired = published(make_doc(tree["county"], title="已过期文件"), number="S5", valid_until=D(2025, 5, 31))
    return docs, expired


def test_a_campaign_lists_every_document_in_force_in_its_subtree(stock, tree):
    docs, expired = stock
    campaign = CleanupCampaign.objects.create(unit=tree["county"], title="县清理", started_on=D(2025, 6, 2))
    assert rules.add_documents_in_force(campaign) == 2
    assert {i.document for i in campaign.items.all()} == {docs["county"], docs["town"]}
    assert rules.add_documents_in_force(campaign) == 0, "listing twice adds nothing"


def test_a_campaign_cannot_complete_until_every_document_has_an_outcome_with_a_reason(stock, tree):
    docs, _ = stock
    campaign = CleanupCampaign.objects.create(unit=tree["gov"], title="全市清理", started_on=D(2025, 6, 2))
    with pytest.raises(ValidationError, match="清理清单为空"):
        rules.complete_cleanup(campaign, D(2025, 9, 1))
    rules.add_documents_in_force(campaign)
    items = {i.document.title: i for i in campaign.items.select_related("document")}
    with pytest.raises(RuleViolation) as refused:
        rules.record_cleanup_outcome(items["市级文件"], CleanupOutcomeKind.RETAIN, "  ", D(2025, 7, 1))
    assert_rule(refused, "normative.cleanup_every_document")
    rules.record_cleanup_outcome(items["市级文件"], CleanupOutcomeKind.RETAIN, "继续适用", D(2025, 7, 1))
    rules.record_cleanup_outcome(items["县级文件"], CleanupOutcomeKind.REPEAL, "调整对象消失", D(2025, 7, 1))
    rules.record_cleanup_outcome(items["镇级文件"], CleanupOutcomeKind.INVALIDATE, "任务已完成", D(2025, 7, 1))
    with pytest.raises(RuleViolation, match="尚有1件文件未作结论（“另一县文件”") as refused:
        rules.complete_cleanup(campaign, D(2025, 9, 1))
    assert_rule(refused, "normative.cleanup_every_document")
    rules.record_cleanup_outcome(items["另一县文件"], CleanupOutcomeKind.AMEND, "与新法不一致", D(2025, 7, 1))
    with pytest.raises(ValidationError, match="清理完成后方可公布"):
        rules.publish_cleanup(campaign, D(2025, 9, 2))
    rules.complete_cleanup(campaign, D(2025, 9, 1))
    for doc in docs.values():
        doc.refresh_from_db()
    assert docs["county"].status == DocumentStatus.REPEALED and docs["county"].ended_on == D(2025, 9, 1)
    assert docs["town"].status == DocumentStatus.INVALIDATED and not docs["town"].is_in_force(D(2025, 9, 2))
    assert docs["gov"].is_in_force(D(2025, 9, 2)) and docs["other"].is_in_force(D(2025, 9, 2))
    with pytest.raises(ValidationError, match="结论不能再修改"):
        rules.record_cleanup_outcome(items["市级文件"], CleanupOutcomeKind.REPEAL, "改主意", D(2025, 9, 2))
    rules.publish_cleanup(campaign, D(2025, 9, 5))
    assert campaign.published_on == D(2025, 9, 5)


# -- search ------------------------------------------------------------------------------------------------------
def test_search_finds_documents_in_force_by_title_body_or_number(tree):
    dog = published(make_doc(tree["gov"], title="云测市城市养犬管理办法"), number="云测府规〔2025〕1号")
    NormativeDocument.objects.filter(pk=dog.pk).update(body="第一条 携犬出户应当束犬链。")
    gone = published(make_doc(tree["gov"], title="养犬登记暂行规定"), number="云测府规〔2025〕2号")
    repeal(gone, D(2025, 5, 1))
    make_doc(tree["gov"], title="养犬收费办法（草案）")
    qs = NormativeDocument.objects.all()
    day = D(2025, 6, 1)
    assert list(rules.search_in_force(qs, "养犬", day)) == [dog]
    assert list(rules.search_in_force(qs, "犬链", day)) == [dog]
    assert list(rules.search_in_force(qs, "〔2025〕1号", day)) == [dog]
    assert list(rules.search_in_force(qs, "养犬 收费", day)) == []
    assert list(rules.search_in_force(qs, "", D(2025, 3, 31))) == [], "not yet in force"


# -- Excel import ------------------------------------------------------------------------------------------------
SPEC = registry.get("normative-documents").importer
HEADERS = [c.header for c in SPEC.columns]


def import_row(number, unit_code="C1", **overrides):
    row = {
        "文号": number,
        "文件名称": f"文件{number}",
        "制定机关编码": unit_code,
        "起草科室（单位）": "法规科",
        "暂行或试行": "否",
        "涉及市场主体": "否",
        "合法性审核日期": D(2024, 2, 1),
        "审核机构": "县司法局",
        "集体审议日期": D(2024, 2, 10),
        "审议会议": "县政府常务会议",
        "公布日期": D(2024, 2, 20),
        "施行日期": D(2024, 3, 1),
        "有效期至": None,
        "备案机关": "云测市人民政府",
        "报送备案日期": D(2024, 3, 5),
        "正文": "正文",
    }
    row.update(overrides)
    return [row[h] for h in HEADERS]


def workbook(tmp_path, rows):
    book = Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    path = tmp_path / "docs.xlsx"
    book.save(path)
    return path


def test_import_of_published_documents_computes_their_deadlines(users, tree, tmp_path):
    result = run_import(
        SPEC,
        workbook(tmp_path, [import_row("县规1"), import_row("县规2", "C1-T1", **{"暂行或试行": "是"})]),
        users["unit_admin"],
    )
    assert result.rows == 2
    doc = NormativeDocument.objects.get(number="县规1")
    assert doc.status == DocumentStatus.PUBLISHED and doc.unit == tree["county"] and doc.review_passed
    assert doc.valid_until == validity_limit(doc, D(2024, 3, 1))[0]
    assert doc.filing_due_on == filing_due(D(2024, 2, 20)) and not doc.filing_overdue() and doc.filed_on_time
    assert doc.review_submitted_on == doc.reviewed_on == D(2024, 2, 1) and doc.meeting == "县政府常务会议"
    provisional = NormativeDocument.objects.get(number="县规2")
    assert provisional.valid_until < doc.valid_until


def test_import_refuses_rows_that_break_the_lifecycle_and_imports_nothing(users, tree, tmp_path):
    rows = [
        import_row("好1"),
        import_row("坏1", **{"公布日期": D(2024, 2, 5)}),  # published before deliberation
        import_row("坏2", **{"报送备案日期": D(2024, 2, 1)}),  # filed before publication
        import_row("坏3", **{"有效期至": D(2030, 1, 1)}),  # beyond the validity limit
        import_row("坏4", "C2"),  # unit outside the importer's scope
    ]
    with pytest.raises(ImportRefused) as refused:
        run_import(SPEC, workbook(tmp_path, rows), users["unit_admin"])
    problems = {p.row: str(p) for p in refused.value.problems}
    assert NormativeDocument.all_objects.count() == 0
    assert "公布日期" in problems[3] and "集体审议" in problems[3]
    assert "报送备案日期" in problems[4] and "公布后方可报送备案" in problems[4]
    assert "有效期至" in problems[5] and "有效期不得超过" in problems[5]
    assert "不在您的数据范围内" in problems[6]
    assert 2 not in problems


def test_a_published_document_cannot_be_edited(tree, users, login):
    doc = published(make_doc(tree["gov"]))
    client = login(users["office"])
    response = client.post(
        reverse("ledger:normative-documents-edit", args=[doc.pk]),
        {
            "unit": tree["gov"].pk,
            "title": "悄悄改名",
            "drafted_by": "",
            "body": doc.body,
            "consultation_exempt_reason": "",
            "filing_required": "on",
        },
    )
    assert response.status_code == 400 and "文件已公布，不能修改" in response.content.decode()
    doc.refresh_from_db()
    assert doc.title == "云测市城市养犬管理办法"
    draft = make_doc(tree["gov"], title="草稿")
    response = client.post(
        reverse("ledger:normative-documents-edit", args=[draft.pk]),
        {
            "unit": tree["gov"].pk,
            "title": "草稿（修改）",
            "drafted_by": "",
            "body": "",
            "consultation_exempt_reason": "",
            "filing_required": "on",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "草稿（修改）"


def test_steps_out_of_order_or_with_bad_dates_are_refused(tree):
    doc = make_doc(tree["gov"])
    with pytest.raises(ValidationError, match="尚未送合法性审核"):
        rules.complete_review(doc, D(2025, 3, 10), "市司法局", "合法", True)
    rules.submit_for_review(doc, D(2025, 3, 3))
    with pytest.raises(ValidationError, match="不能送合法性审核"):
        rules.submit_for_review(doc, D(2025, 3, 4))
    with pytest.raises(ValidationError, match="审核完成日期不能早于送审日期"):
        rules.complete_review(doc, D(2025, 3, 2), "市司法局", "合法", True)
    with pytest.raises(ValidationError, match="须填写审核机构"):
        rules.complete_review(doc, D(2025, 3, 10), " ", "合法", True)
    rules.complete_review(doc, D(2025, 3, 10), "市司法局", "合法", True)
    with pytest.raises(ValidationError, match="审议日期不能早于合法性审核完成日期"):
        rules.deliberate(doc, D(2025, 3, 9), "常务会议")
    rules.deliberate(doc, D(2025, 3, 14), "常务会议")
    with pytest.raises(ValidationError, match="公布日期不能早于集体审议日期"):
        rules.publish_document(doc, number="X1", published_on=D(2025, 3, 13), effective_from=D(2025, 4, 1))
    with pytest.raises(ValidationError, match="须填写文号"):
        rules.publish_document(doc, number=" ", published_on=D(2025, 3, 20), effective_from=D(2025, 4, 1))
    rules.publish_document(doc, number="X1", published_on=D(2025, 3, 20), effective_from=D(2025, 4, 1))
    with pytest.raises(ValidationError, match="不能公布"):
        rules.publish_document(doc, number="X2", published_on=D(2025, 3, 21), effective_from=D(2025, 4, 1))
    unfiled = published(make_doc(tree["gov"], title="无须备案", filing_required=False), number="X3")
    with pytest.raises(ValidationError, match="无须报送备案"):
        rules.file_document(unfiled, D(2025, 3, 25), "云测市人民政府")

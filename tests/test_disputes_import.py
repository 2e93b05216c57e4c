"""Excel import of 行政复议 and 人民调解 cases: the workflow's rules apply to every row, all rows or none."""

import datetime as dt

import pytest

from fazhi.core.importing import ImportRefused, run_import
from fazhi.core.ledgers import registry
from fazhi.disputes.models import MediatedDispute, MediationOrganisation, ReconsiderationCase

from .test_import import workbook_file

SPEC = registry.get("reconsideration-cases").importer
HEADERS = [c.header for c in SPEC.columns]
D = dt.date


def row(number, **overrides):
    values = {
        "案号": number,
        "复议机关单位编码": "C1-T1",
        "申请人类型": "自然人",
        "申请人": "张三",
        "第三人": None,
        "被申请人": "某局",
        "行政行为类别": "行政处罚",
        "被申请复议的行政行为": "罚款2000元",
        "行政行为作出日期": D(2025, 2, 10),
        "知道行政行为之日": D(2025, 2, 12),
        "已告知复议权利": "是",
        "知道复议权利之日": None,
        "涉及不动产": "否",
        "涉及金额（元）": 2000,
        "收到申请日期": D(2025, 3, 3),
        "受理日期": D(2025, 3, 5),
        "审理程序": "普通程序",
        "适用简易程序情形": None,
        "不予受理决定日期": None,
        "不予受理理由": None,
        "延长审理期限（日）": None,
        "批准延长日期": None,
        "延长理由": None,
        "结案日期": D(2025, 4, 20),
        "结案方式": "撤销",
    }
    values.update(overrides)
    return [values[h] for h in HEADERS]


def test_rows_import_with_their_derived_deadlines(users, tree, tmp_path):
    rows = [
        row("R1"),
        row("R2", 审理程序="简易程序", 适用简易程序情形="案件涉及款额在法定限额以下", 结案日期=D(2025, 4, 20)),
        row(
            "R3",
            受理日期=None,
            结案日期=None,
            结案方式=None,
            不予受理决定日期=D(2025, 3, 6),
            不予受理理由="不属于受案范围",
        ),
        row(
            "R4",
            结案日期=None,
            结案方式=None,
            批准延长日期=D(2025, 4, 1),
            延长理由="案情复杂",
            **{"延长审理期限（日）": 30},
        ),
    ]
    assert run_import(SPEC, workbook_file(tmp_path, HEADERS, rows), users["clerk"]).rows == 4
    r1, r2, r3, r4 = (ReconsiderationCase.objects.get(number=n) for n in ("R1", "R2", "R3", "R4"))
    assert r1.status == "closed" and r1.due_on == D(2025, 5, 6) and r1.on_time  # 60 days is Sunday 5-4; 5-5 a holiday
    assert (
        r2.procedure == "simplified" and r2.due_on == D(2025, 4, 7) and r2.on_time is False
    )  # 4-4 清明, 4-5/6 weekend
    assert r3.status == "not_accepted" and r3.due_on is None
    assert r4.status == "accepted" and r4.due_on == D(2025, 6, 3) and r4.extended_on == D(2025, 4, 1)
    assert r4.extension_reason == "案情复杂"
    assert r1.history.get().history_change_reason == "Excel导入"


@pytest.mark.parametrize(
    "overrides, column, message",
    [
        (
            {
                "收到申请日期": D(2023, 12, 20),
                "知道行政行为之日": D(2023, 12, 1),
                "行政行为作出日期": D(2023, 12, 1),
                "受理日期": D(2023, 12, 22),
                "结案日期": None,
                "结案方式": None,
                "审理程序": "简易程序",
                "适用简易程序情形": "案件涉及款额在法定限额以下",
            },
            "",
            "没有有效的法律规定",
        ),
        ({"知道行政行为之日": D(2024, 12, 1), "行政行为作出日期": D(2024, 12, 1)}, "", "行政复议申请期限60日"),
        (
            {
                "受理日期": None,
                "结案日期": None,
                "结案方式": None,
                "不予受理决定日期": D(2025, 3, 20),
                "不予受理理由": "x",
            },
            "不予受理决定日期",
            "视为受理",
        ),
        (
            {"延长审理期限（日）": 31, "批准延长日期": D(2025, 4, 1), "延长理由": "案情复杂"},
            "延长审理期限（日）",
            "最长延长30日",
        ),
        ({"延长审理期限（日）": 10}, "", "延长审理期限（日）与批准延长日期应同时填写"),
        (
            {"延长审理期限（日）": 10, "批准延长日期": D(2025, 5, 7), "延长理由": "来不及"},
            "延长审理期限（日）",
            "届满前",
        ),
        (
            {
                "审理程序": "简易程序",
                "适用简易程序情形": "案件涉及款额在法定限额以下",
                "延长审理期限（日）": 10,
                "批准延长日期": D(2025, 3, 20),
                "延长理由": "复杂",
            },
            "延长审理期限（日）",
            "第五十五条",
        ),
        ({"结案方式": None}, "", "结案日期与结案方式应同时填写"),
    ],
)
def test_a_row_breaking_a_rule_refuses_the_whole_file(users, tree, tmp_path, overrides, column, message):
    rows = [row("OK-1"), row("BAD", **overrides), row("OK-2")]
    with pytest.raises(ImportRefused) as refused:
        run_import(SPEC, workbook_file(tmp_path, HEADERS, rows), users["clerk"])
    [problem] = refused.value.problems
    assert problem.row == 3 and problem.column == column and message in problem.message
    assert ReconsiderationCase.all_objects.count() == 0


def test_a_unit_outside_scope_is_refused(users, tree, tmp_path):
    with pytest.raises(ImportRefused) as refused:
        run_import(SPEC, workbook_file(tmp_path, HEADERS, [row("X", 复议机关单位编码="C2")]), users["clerk"])
    assert "不在您的数据范围内" in refused.value.problems[0].message


def test_mediated_disputes_import(users, tree, tmp_path):
    spec = registry.get("mediated-disputes").importer
    headers = [c.header for c in spec.columns]
    MediationOrganisation.objects.create(
        unit=tree["town"], name="城关调委会", org_type="township", established_on=D(2015, 1, 1)
    )
    MediationOrganisation.objects.create(
        unit=tree["other_county"], name="外县调委会", org_type="township", established_on=D(2015, 1, 1)
    )

    def mrow(number, organisation="城关调委会", status="调解成功", form="书面协议", closed=D(2025, 3, 10)):
        return [number, organisation, "邻里纠纷", "甲、乙", None, 500, D(2025, 3, 3), status, form, closed]

    with pytest.raises(ImportRefused) as refused:
        run_import(
            spec,
            workbook_file(
                tmp_path,
                headers,
                [mrow("M1"), mrow("M2", organisation="外县调委会"), mrow("M3", form=None), mrow("M4", status="调解中")],
            ),
            users["clerk"],
        )
    assert [p.row for p in refused.value.problems] == [3, 4, 5]
    rows = [mrow("M1"), mrow("M2", status="调解不成"), mrow("M3", status=None, form=None, closed=None)]
    assert run_import(spec, workbook_file(tmp_path, headers, rows, name="ok.xlsx"), users["clerk"]).rows == 3
    assert sorted(MediatedDispute.objects.values_list("status", flat=True)) == ["failed", "in_progress", "resolved"]

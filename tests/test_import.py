"""Excel import: all rows or none, every problem named by row, column and reason, in Chinese."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from fazhi.core.importing import ImportRefused, run_import
from fazhi.core.ledgers import registry
from fazhi.core.models import ImportJob
from fazhi.services.models import Application, ServiceItem

from .factories import make_item, valid_id, valid_uscc

ITEM_SPEC = registry.get("service-items").importer
APP_SPEC = registry.get("applications").importer


def workbook_file(tmp_path, headers, rows, name="data.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


ITEM_HEADERS = [c.header for c in ITEM_SPEC.columns]


def item_row(code, unit_code, statutory=20, promised=5, **overrides):
    row = {
        "事项编码": code,
        "事项名称": f"事项{code}",
        "事项类型": "行政许可",
        "实施单位编码": unit_code,
        "设定依据": "",
        "法定时限（工作日）": statutory,
        "承诺时限（工作日）": promised,
        "网上办理深度": 4,
        "到现场次数": 0,
        "可容缺受理": "否",
        "可容缺材料": "",
        "可告知承诺": "是",
        "跨省通办": "否",
        "生效日期": dt.date(2025, 1, 1),
        "失效日期": None,
    }
    row.update(overrides)
    return [row[h] for h in ITEM_HEADERS]


def test_a_clean_file_imports_every_row_with_history(users, tree, tmp_path):
    rows = [item_row(f"IMP-{i}", "C1-T1") for i in range(5)]
    result = run_import(ITEM_SPEC, workbook_file(tmp_path, ITEM_HEADERS, rows), users["clerk"])
    assert result.rows == 5
    item = ServiceItem.objects.get(code="IMP-3")
    assert item.unit == tree["town"] and item.commitment_allowed and item.online_depth == 4
    record = item.history.get()
    assert record.history_user == users["clerk"] and record.history_change_reason == "Excel导入"


def planner_row_estimate(table: str) -> int | None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone() is None:
                return None
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
            row = cursor.fetchone()
            return int(row[0].split()[0]) if row else None
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        estimate = cursor.fetchone()[0]
        return None if estimate < 0 else int(estimate)


def test_a_large_import_refreshes_the_planner_statistics(users, tree, tmp_path, monkeypatch):
    monkeypatch.setattr("fazhi.core.importing.LARGE_IMPORT_ROWS", 4)
    rows = [item_row(f"BIG-{i}", "C1-T1") for i in range(6)]
    run_import(ITEM_SPEC, workbook_file(tmp_path, ITEM_HEADERS, rows), users["clerk"])
    assert planner_row_estimate(ServiceItem._meta.db_table) == ServiceItem.all_objects.count() >= 6


def test_one_bad_row_imports_nothing_and_names_row_and_column(users, tree, tmp_path):
    rows = [item_row(f"IMP-{i}", "C1-T1") for i in range(3000)]
    rows[2500] = item_row("IMP-2500", "C1-T1", statutory=10, promised=15)  # data row 2501 → sheet row 2502
    with pytest.raises(ImportRefused) as refused:
        run_import(ITEM_SPEC, workbook_file(tmp_path, ITEM_HEADERS, rows), users["clerk"])
    assert ServiceItem.all_objects.count() == 0, "the 2,000 rows of the first batch were rolled back"
    [problem] = refused.value.problems
    assert (problem.row, problem.column) == (2502, "承诺时限（工作日）")
    assert "第2502行“承诺时限（工作日）”列" in str(problem) and "第三十六条" in str(problem)


def test_every_kind_of_problem_is_reported_at_once(users, tree, tmp_path):
    make_item(tree["town"], code="EXISTS")
    rows = [
        item_row("A1", "C1-T1"),
        item_row("A1", "C1-T1"),  # duplicate in file
        item_row("EXISTS", "C1-T1"),  # already in the ledger
        item_row("B1", "C2"),  # unit outside the clerk's scope
        item_row("B2", "C1-T1", statutory="二十"),  # not a number
        item_row("B3", "C1-T1", **{"生效日期": "2025-13-01"}),
        item_row("B4", "C1-T1", **{"事项类型": "行政许可证"}),
        item_row("B5", "C1-T1", **{"可告知承诺": "也许"}),
        item_row("B6", "C1-T1", **{"事项名称": "=A1&B1"}),
        item_row("", "C1-T1"),
    ]
    with pytest.raises(ImportRefused) as refused:
        run_import(ITEM_SPEC, workbook_file(tmp_path, ITEM_HEADERS, rows), users["clerk"])
    found = {(p.row, p.column): p.message for p in refused.value.problems}
    assert "在文件中重复出现" in found[(3, "事项编码")]
    assert "已存在于台账中" in found[(4, "事项编码")]
    assert "不在您的数据范围内" in found[(5, "")]
    assert "不是整数" in found[(6, "法定时限（工作日）")]
    assert "不是有效日期" in found[(7, "生效日期")]
    assert "不是可选值" in found[(8, "事项类型")]
    assert "应填“是”或“否”" in found[(9, "可告知承诺")]
    assert "公式" in found[(10, "事项名称")]
    assert "必填项为空" in found[(11, "事项编码")]
    assert ServiceItem.objects.filter(code="A1").count() == 0


def test_missing_columns_and_non_excel_files_are_refused(users, tree, tmp_path):
    with pytest.raises(ImportRefused) as refused:
        run_import(ITEM_SPEC, workbook_file(tmp_path, ITEM_HEADERS[:3], [["X", "Y", "行政许可"]]), users["clerk"])
    assert {p.column for p in refused.value.problems} >= {"实施单位编码", "法定时限（工作日）"}
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip file" * 100)
    with pytest.raises(ImportRefused, match="不是有效的 Excel"):
        run_import(ITEM_SPEC, junk, users["clerk"])


def test_applications_import_computes_deadlines_and_checks_identifiers(users, tree, tmp_path):
    make_item(tree["town"], code="SVC", promised=5)
    headers = [c.header for c in APP_SPEC.columns]
    good = [
        "APP-1",
        "SVC",
        "自然人",
        "张三",
        valid_id(3),
        "窗口办理",
        dt.date(2025, 6, 3),
        dt.date(2025, 6, 3),
        dt.date(2025, 6, 11),
        "准予",
    ]
    entity = [
        "APP-2",
        "SVC",
        "法人或其他组织",
        "某公司",
        valid_uscc(4),
        "网上办理",
        dt.date(2025, 6, 3),
        None,
        None,
        None,
    ]
    run_import(APP_SPEC, workbook_file(tmp_path, headers, [good, entity]), users["clerk"])
    app = Application.objects.get(number="APP-1")
    assert app.due_on == dt.date(2025, 6, 10) and app.on_time is False and app.status == "decided"
    assert Application.objects.get(number="APP-2").status == "received"
    bad_id = [
        "APP-3",
        "SVC",
        "自然人",
        "李四",
        valid_id(3)[:-1] + "0" if valid_id(3)[-1] != "0" else valid_id(3)[:-1] + "1",
        "窗口办理",
        dt.date(2025, 6, 3),
        None,
        None,
        None,
    ]
    with pytest.raises(ImportRefused) as refused:
        run_import(APP_SPEC, workbook_file(tmp_path, headers, [bad_id], "b.xlsx"), users["clerk"])
    [problem] = refused.value.problems
    assert problem.column == "证件号码" and "校验位" in problem.message


def test_the_template_round_trips(users, tree, client, tmp_path):
    client.force_login(users["clerk"])
    response = client.get(reverse("ledger:service-items-template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ITEM_HEADERS
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.content)
    with pytest.raises(ImportRefused):  # the example row names a unit that is not the clerk's
        run_import(ITEM_SPEC, path, users["clerk"])


def test_upload_through_the_web_page(users, tree, client, tmp_path):
    client.force_login(users["clerk"])
    path = workbook_file(tmp_path, ITEM_HEADERS, [item_row("WEB-1", "C1-T1")])
    with path.open("rb") as handle:
        response = client.post(reverse("ledger:service-items-import"), {"file": handle})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == "succeeded" and job.rows_imported == 1
    status = client.get(reverse("ledger:import-job", args=[job.pk]) + "?format=json").json()
    assert status["status"] == "succeeded" and status["rows"] == 1
    refused = client.post(reverse("ledger:service-items-import"), {"file": io.BytesIO(b"x")})
    assert refused.status_code == 400


def test_a_duplicate_in_a_later_batch_is_found_by_the_database(users, tree, tmp_path):
    rows = [item_row(f"IMP-{i}", "C1-T1") for i in range(2500)]
    rows.append(item_row("IMP-7", "C1-T1"))  # sheet row 2502, batch 2; IMP-7 was written with batch 1
    with pytest.raises(ImportRefused) as refused:
        run_import(ITEM_SPEC, workbook_file(tmp_path, ITEM_HEADERS, rows), users["clerk"])
    [problem] = refused.value.problems
    assert (problem.row, problem.column) == (2502, "事项编码") and "在文件中重复出现" in problem.message
    assert ServiceItem.all_objects.count() == 0


def test_a_zip_bomb_and_merged_cells_are_refused(users, tree, tmp_path, settings):
    import zipfile

    settings.FAZHI_IMPORT_MAX_EXPANDED_BYTES = 5 * 1024 * 1024
    bomb = workbook_file(tmp_path, ITEM_HEADERS, [item_row("Z-1", "C1-T1")], "bomb.xlsx")
    with (
        zipfile.ZipFile(bomb, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/padding.xml", "w") as member,
    ):
        for _ in range(10):
            member.write(b"\0" * 1024 * 1024)
    assert bomb.stat().st_size < 200_000
    with pytest.raises(ImportRefused, match="解压后超过 5 MB"):
        run_import(ITEM_SPEC, bomb, users["clerk"])

    merged = Workbook()
    sheet = merged.active
    sheet.append(ITEM_HEADERS)
    sheet.append(item_row("M-1", "C1-T1"))
    sheet.append(item_row("M-2", "C1-T1"))
    sheet.merge_cells("D2:D3")  # 实施单位编码 merged over two rows: the second row has no value of its own
    path = tmp_path / "merged.xlsx"
    merged.save(path)
    with pytest.raises(ImportRefused) as refused:
        run_import(ITEM_SPEC, path, users["clerk"])
    assert [(p.row, p.column) for p in refused.value.problems] == [(3, "实施单位编码")]
    assert not ServiceItem.all_objects.exists()

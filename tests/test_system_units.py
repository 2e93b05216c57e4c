"""单位管理 and 机构改革: the unit tree imported from Excel (all or nothing), a merge in the middle of a year and what
it does to ledger rows, scope, figures, assessment and reports; the pages are the system administrator's only."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from fazhi.core.importing import ImportRefused
from fazhi.metrics.models import LedgerSnapshot
from fazhi.metrics.registry import Period, unit_metrics
from fazhi.metrics.store import compute_period
from fazhi.org import changes
from fazhi.org.choices import Role, UnitLevel, UnitType
from fazhi.org.models import Region, Unit, UnitChange, User
from fazhi.org.scope import scope_of
from fazhi.reports.models import AnnualReport
from fazhi.services import rules
from fazhi.services.models import Application

from .factories import make_application, make_item, serial_uscc, valid_id

D = dt.date
MERGE_DAY = D(2025, 7, 1)
HEADERS = [
    "名称",
    "简称",
    "单位编码",
    "统一社会信用代码",
    "行政区划代码",
    "行政区划名称",
    "上级单位",
    "单位类型",
    "层级",
]


def workbook(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def city_rows():
    """A small city, children before their parents: the importer must take parents from later rows."""
    return [
        [
            "云测市司法局",
            "市司法局",
            "",
            serial_uscc(2, "11990100MB"),
            "990100",
            "",
            "云测市人民政府",
            "政府工作部门",
            "市级",
        ],
        ["测试县城关镇人民政府", "城关镇", "C1-T1", "", "990121", "测试县", "C1", "乡镇（街道）", "乡级"],
        ["云测市人民政府", "市政府", "G", serial_uscc(1, "11990100MB"), "990100", "云测市", "", "人民政府", "市级"],
        ["测试县人民政府", "测试县", "C1", "", "990121", "测试县", "云测市人民政府", "县（市、区）", "县级"],
    ]


@pytest.fixture
def sysadmin(db):
    return User.objects.create(username="root", role=Role.SYSADMIN, is_staff=True, is_superuser=True)


def tree_table(page: str) -> str:
    """The unit table of the 单位管理 page (the unit switcher of every page lists every unit too)."""
    return page.split('class="table table-sm bg-white border unit-tree"', 1)[1].split("</table>", 1)[0]


def upload(client, content: bytes):
    return client.post(reverse("system:units-import"), {"file": SimpleUploadedFile("units.xlsx", content)})


# -- Excel import and export ---------------------------------------------------------------------------------------
def test_a_city_is_imported_into_an_empty_tree(client, sysadmin):
    client.force_login(sysadmin)
    response = upload(client, workbook(city_rows()))
    assert response.status_code == 302, response.content.decode().split("<main", 1)[-1][:3000]
    units = {u.code: u for u in Unit.objects.select_related("parent", "region")}
    assert set(units) == {"G", serial_uscc(2, "11990100MB"), "C1", "C1-T1"}
    justice = units[serial_uscc(2, "11990100MB")]  # no 单位编码: the 统一社会信用代码 is the code
    assert justice.parent == units["G"] and justice.credit_code == justice.code and justice.short_name == "市司法局"
    assert units["C1-T1"].parent == units["C1"] and units["C1"].parent == units["G"] and units["G"].parent is None
    assert units["C1-T1"].path == f"/{units['G'].pk}/{units['C1'].pk}/{units['C1-T1'].pk}/"
    assert units["C1-T1"].unit_type == UnitType.TOWN and units["C1-T1"].level == UnitLevel.TOWNSHIP
    county = Region.objects.get(code="990121")
    assert county.name == "测试县" and county.parent.code == "990100"
    assert units["G"].history.first().history_change_reason == "Excel导入"
    assert units["G"].history.first().history_user == sysadmin

    # the export has the import's columns, and imports again into an empty tree
    exported = client.get(reverse("system:units-export"))
    sheet = load_workbook(io.BytesIO(b"".join(exported.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][: len(HEADERS)]) == HEADERS
    assert ("测试县人民政府", "云测市人民政府") in {(r[0], r[6]) for r in rows[1:]}


def test_one_bad_row_imports_nothing_and_names_its_row_and_column(client, sysadmin):
    client.force_login(sysadmin)
    rows = city_rows()
    rows[2][3] = "11990100MB00000011"  # row 4: a wrong check character
    rows[1][6] = "不存在的县"  # row 3: a parent neither in the file nor in the tree
    rows.append(["云测市司法局", "", "D9", "", "990100", "", "G", "政府工作部门", "市级"])  # row 6: a name twice
    rows.append(["某局", "", "", "", "990100", "", "G", "委员会", "市级"])  # row 7: no code; an unknown type
    response = upload(client, workbook(rows))
    assert response.status_code == 400
    page = response.content.decode()
    assert "导入未执行" in page and "未导入任何数据" in page
    assert "第4行“统一社会信用代码”列：统一社会信用代码校验位错误" in page
    assert "第3行“上级单位”列：“不存在的县”既不是本文件中的单位，也不是系统中的在用单位" in page
    assert "第6行“名称”列：“云测市司法局”与第2行重复" in page
    assert "第7行“单位类型”列：“委员会”不是可选值" in page
    assert Unit.objects.count() == 0 and Region.objects.count() == 0


def test_a_cycle_and_an_unknown_region_are_refused(client, sysadmin, tmp_path):
    from fazhi.system.unit_import import import_units

    rows = [
        ["甲", "", "A", "", "990100", "云测市", "乙", "政府工作部门", "市级"],
        ["乙", "", "B", "", "990100", "", "A", "政府工作部门", "市级"],
        ["丙", "", "C", "", "990199", "", "", "其他单位", "市级"],
    ]
    path = tmp_path / "units.xlsx"
    path.write_bytes(workbook(rows))
    with pytest.raises(ImportRefused) as refused:
        import_units(path, sysadmin)
    shown = [str(p) for p in refused.value.problems]
    assert "第2行“上级单位”列：上级单位关系形成循环（第2、3行）" in shown
    assert "第3行“上级单位”列：上级单位关系形成循环（第2、3行）" in shown
    assert any(p.startswith("第4行“行政区划代码”列：行政区划代码“990199”尚未登记") for p in shown)
    assert Unit.objects.count() == 0


def test_an_import_into_a_tree_names_existing_parents(client, users, tree):
    client.force_login(users["sysadmin"])
    rows = [["测试县新区管委会", "", "C1-Z", "", "990121", "", "C1", "功能区", "县级"]]
    assert upload(client, workbook(rows)).status_code == 302
    assert Unit.objects.get(code="C1-Z").parent == tree["county"]
    again = upload(client, workbook(rows))
    assert "第2行“名称”列：“测试县新区管委会”已是系统中已有单位的名称" in again.content.decode()


# -- the pages -----------------------------------------------------------------------------------------------------
def test_the_tree_is_searched_and_a_unit_created_and_edited(client, users, tree):
    client.force_login(users["sysadmin"])
    page = tree_table(client.get(reverse("system:units"), {"q": "城关"}).content.decode())
    assert "测试县城关镇人民政府" in page and "测试县人民政府" in page  # the match, and its county above it
    assert "云测市司法局" not in page
    page = tree_table(client.get(reverse("system:units"), {"q": "C2"}).content.decode())
    assert "另一县人民政府" in page and "测试县人民政府" not in page
    assert "单位管理" in client.get(reverse("system:index")).content.decode()

    created = client.post(
        reverse("system:unit-create"),
        {
            "name": "云测市数据局",
            "code": "D4",
            "credit_code": serial_uscc(9, "11990100MB"),
            "unit_type": UnitType.DEPARTMENT,
            "level": UnitLevel.CITY,
            "region": tree["gov"].region_id,
            "parent": tree["gov"].pk,
            "sort_order": 0,
            "is_active": "on",
        },
    )
    unit = Unit.objects.get(code="D4")
    assert created.status_code == 302 and unit.parent == tree["gov"]
    bad = client.post(reverse("system:unit-edit", args=[unit.pk]), {"name": "x", "credit_code": "123"})
    assert "统一社会信用代码应为18位" in bad.content.decode()
    detail = client.get(reverse("system:unit-detail", args=[unit.pk])).content.decode()
    assert "新建单位" in detail and "云测市数据局" in detail


@pytest.mark.parametrize("role", ["office", "unit_admin", "clerk", "leader"])
def test_only_the_system_administrator_may_open_unit_management(client, users, tree, role):
    client.force_login(users[role])
    unit = tree["county"]
    for name, args in [
        ("system:units", []),
        ("system:unit-create", []),
        ("system:units-import", []),
        ("system:units-template", []),
        ("system:units-export", []),
        ("system:unit-changes", []),
        ("system:unit-change-new", []),
        ("system:unit-detail", [unit.pk]),
        ("system:unit-edit", [unit.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403, name
    assert client.post(reverse("system:unit-edit", args=[unit.pk]), {"name": "改名"}).status_code == 403
    assert Unit.objects.get(pk=unit.pk).name == "测试县人民政府"
    index = client.get(reverse("system:index"))
    assert index.status_code == 403 or reverse("system:units") not in index.content.decode()


# -- 机构改革 ---------------------------------------------------------------------------------------------------------
def accepted(item, number, day):
    application = make_application(item, number=number, received=day)
    rules.accept(application, day)
    return application


@pytest.fixture
def merged(tree, users):
    """D1 and D2 merge into a new D3 on 2025-07-01: applications accepted before and after the day."""
    d1, d2 = tree["dept"], tree["dept2"]
    item1, item2 = make_item(d1, code="I-D1"), make_item(d2, code="I-D2")
    accepted(item1, "A-1", D(2025, 3, 3))
    accepted(item1, "A-2", D(2025, 6, 30))
    accepted(item2, "B-1", D(2025, 5, 6))
    clerk1 = User.objects.create(username="clerk-d1", role=Role.CLERK, unit=d1)
    new = Unit(
        name="云测市综合行政局",
        code="D3",
        unit_type=UnitType.DEPARTMENT,
        level=UnitLevel.CITY,
        region=tree["gov"].region,
        parent=tree["gov"],
    )
    change = changes.merge_units([d1, d2], new, MERGE_DAY, user=users["sysadmin"], document="云机改〔2025〕1号")
    d3 = Unit.objects.get(code="D3")
    item3 = make_item(d3, code="I-D3")
    accepted(item3, "C-1", D(2025, 7, 1))
    accepted(item3, "C-2", D(2025, 9, 9))
    for unit in (d1, d2):
        unit.refresh_from_db()
    clerk1.refresh_from_db()
    return {"d1": d1, "d2": d2, "d3": d3, "change": change, "clerk1": clerk1, "item1": item1}


def test_a_merge_ends_the_old_units_and_keeps_their_rows(merged, users):
    d1, d2, d3, change = merged["d1"], merged["d2"], merged["d3"], merged["change"]
    assert d1.valid_to == d2.valid_to == D(2025, 6, 30) and d3.valid_from == MERGE_DAY and d3.valid_to is None
    assert set(change.predecessors.all()) == {d1, d2} and list(change.successors.all()) == [d3]
    assert str(change) == "2025年7月1日合并：云测市司法局、云测市市场监督管理局合并为云测市综合行政局"
    # rows and their history stay with the unit they were entered for
    assert set(Application.objects.filter(unit=d1).values_list("number", flat=True)) == {"A-1", "A-2"}
    assert Application.history.filter(unit=d3).count() == 4  # C-1, C-2: created and accepted
    assert not Application.history.filter(number__in=["A-1", "A-2", "B-1"], unit=d3).exists()
    reason = d1.history.first()
    assert reason.history_change_reason.startswith("机构改革：合并（2025年7月1日生效，云机改〔2025〕1号）")
    assert reason.history_user == users["sysadmin"]
    assert merged["clerk1"].unit == d3 and merged["clerk1"].pk in change.details["users"]


def test_the_2025_figures_split_at_the_merge(merged, tree):
    d1, d2, d3 = merged["d1"], merged["d2"], merged["d3"]
    year = Period.year(2025)
    values = unit_metrics(year, [d1, d2, d3, tree["gov"]], families=["services"])
    received = {unit: values[unit.pk]["applications_received"] for unit in (d1, d2, d3, tree["gov"])}
    assert received == {d1: 2, d2: 1, d3: 2, tree["gov"]: 5}
    # the months: the old units' rows up to the day, the new unit's after it
    first_half = unit_metrics(Period(D(2025, 1, 1), D(2025, 6, 30)), [d1, d3], families=["services"])
    assert first_half[d1.pk]["applications_received"] == 2 and first_half[d3.pk]["applications_received"] == 0

    # the stored figures list a unit only for a period it existed in
    compute_period(year)
    compute_period(Period.year(2026))
    compute_period(Period.year(2024))
    stored = {
        (unit_id, start.year)
        for unit_id, start in LedgerSnapshot.objects.filter(superseded_at__isnull=True).values_list(
            "unit_id", "period_start"
        )
    }
    assert {(d1.pk, 2025), (d2.pk, 2025), (d3.pk, 2025), (d1.pk, 2024), (d3.pk, 2026)} <= stored
    assert not {(d1.pk, 2026), (d2.pk, 2026), (d3.pk, 2024)} & stored


def test_the_figures_page_says_where_the_rows_went(merged, users, client):
    client.force_login(users["office"])
    client.post(reverse("web:switch-unit"), {"unit": merged["d1"].pk, "next": reverse("web:dashboard")})
    page = client.get(reverse("services:figures"), {"year": 2025}).content.decode()
    assert "2025年7月1日起云测市司法局、云测市市场监督管理局合并为云测市综合行政局" in page
    assert "此前的数据计入云测市司法局、云测市市场监督管理局，自该日起计入云测市综合行政局" in page
    page = client.get(reverse("services:figures"), {"year": 2026}).content.decode()
    assert "存续至2025年6月30日，2026年不在存续期内" in page


def test_a_row_for_a_dissolved_unit_after_the_day_is_refused_from_every_road(merged, users, client):
    d1, item1 = merged["d1"], merged["item1"]
    late = Application(
        unit=d1,
        item=item1,
        number="A-9",
        applicant_type="person",
        applicant_name="李四",
        applicant_id_number=valid_id(3),
        channel="window",
        received_on=D(2025, 8, 1),
    )
    with pytest.raises(ValidationError) as refused:
        late.full_clean()
    message = refused.value.message_dict["unit"][0]
    assert message == (
        "“云测市司法局”已于2025年6月30日后撤销（2025年7月1日合并），"
        "收件日期2025年8月1日的记录不能再录入该单位，请录入“云测市综合行政局”名下"
    )
    # a row of before the day, entered late, still belongs to the old unit
    late.received_on = D(2025, 6, 20)
    late.full_clean()

    client.force_login(users["office"])
    form = {
        "unit": d1.pk,
        "number": "A-10",
        "item": item1.pk,
        "applicant_type": "person",
        "applicant_name": "李四",
        "applicant_id_number": valid_id(3),
        "channel": "window",
        "received_on": "2025-08-01",
    }
    response = client.post(reverse("ledger:applications-add"), form)
    assert response.status_code == 400 and "已于2025年6月30日后撤销" in response.content.decode()
    api = client.post(reverse("api:applications-list"), form, content_type="application/json")
    assert api.status_code == 400 and "已于2025年6月30日后撤销" in api.content.decode()
    record = {**form, "item": "I-D1"}
    del record["unit"]
    synced = client.post(reverse("api:applications-sync"), {"records": [record]}, content_type="application/json")
    assert synced.status_code == 400 and "已于2025年6月30日后撤销" in synced.content.decode()
    assert not Application.all_objects.filter(number="A-10").exists()

    # and the new unit takes no row of before its day
    early = Application(unit=merged["d3"], item_id=None, received_on=D(2025, 6, 1))
    with pytest.raises(ValidationError) as refused:
        early.full_clean()
    assert "“云测市综合行政局”自2025年7月1日起设立，收件日期2025年6月1日的记录不能录入该单位" in str(refused.value)


def test_the_successors_clerk_sees_the_predecessors_rows(merged, users, tree, client):
    d1, d2, d3 = merged["d1"], merged["d2"], merged["d3"]
    clerk3 = User.objects.create(username="clerk-d3", role=Role.CLERK, unit=d3)
    assert set(Application.objects.visible_to(clerk3).values_list("number", flat=True)) == {
        "A-1",
        "A-2",
        "B-1",
        "C-1",
        "C-2",
    }
    scope = scope_of(clerk3)
    assert scope.allows(d1) and scope.allows(d2) and not scope.allows(tree["county"])
    client.force_login(clerk3)
    page = client.get(reverse("ledger:applications-list")).content.decode()
    assert "A-1" in page and "B-1" in page and "C-2" in page
    detail = client.get(reverse("ledger:applications-detail", args=[Application.objects.get(number="A-1").pk]))
    assert detail.status_code == 200
    # the old unit's users do not see the new unit's rows, nor does anyone else
    clerk_old = User.objects.create(username="clerk-d2", role=Role.CLERK, unit=d2)
    assert set(Application.objects.visible_to(clerk_old).values_list("number", flat=True)) == {"B-1"}
    assert not Application.objects.visible_to(users["clerk"]).filter(unit__in=[d1, d2, d3]).exists()
    # a subtree role above the new unit sees what came with it
    admin = User.objects.create(username="admin-d3", role=Role.UNIT_ADMIN, unit=d3)
    assert Application.objects.visible_to(admin).count() == 5


def test_the_assessment_and_the_report_take_the_units_of_their_year(merged, tree, users):
    d1, d3 = merged["d1"], merged["d3"]

    def report(unit, year):
        made = AnnualReport(unit=unit, year=year)
        made.refresh_derived()
        return made

    report(d1, 2025).full_clean()  # the old unit reports on the year it existed in
    with pytest.raises(ValidationError, match="2026年度的记录不能再录入该单位"):
        report(d1, 2026).full_clean()
    with pytest.raises(ValidationError, match="2024年度的记录不能录入该单位"):
        report(d3, 2024).full_clean()
    assert set(Unit.objects.existing_in(D(2026, 1, 1), D(2026, 12, 31))) == set(Unit.objects.all()) - {
        d1,
        merged["d2"],
    }

    from fazhi.assessment.framework import load_framework
    from fazhi.assessment.scoring import assessed_units

    framework = load_framework()
    assert {d1, d3} <= set(assessed_units(framework, 2025))
    assert d1 not in assessed_units(framework, 2026) and d3 not in assessed_units(framework, 2024)


def test_rename_keeps_the_unit_and_its_figures(tree, users):
    d1 = tree["dept"]
    item = make_item(d1, code="I-R")
    accepted(item, "R-1", D(2025, 3, 3))
    change = changes.rename_unit(d1, "云测市法治局", MERGE_DAY, short_name="市法治局", user=users["sysadmin"])
    accepted(item, "R-2", D(2025, 9, 1))
    d1.refresh_from_db()
    assert d1.name == "云测市法治局" and d1.valid_to is None and d1.short_name == "市法治局"
    assert str(change) == "2025年7月1日更名：云测市司法局更名为云测市法治局"
    values = unit_metrics(Period.year(2025), [d1], families=["services"])[d1.pk]
    assert values["applications_received"] == 2
    assert set(d1.history.values_list("name", flat=True)) == {"云测市司法局", "云测市法治局"}
    # a clerk keeps seeing the unit's rows; nothing to inherit from itself
    clerk = User.objects.create(username="clerk-r", role=Role.CLERK, unit=d1)
    assert scope_of(clerk).inherited_ids == frozenset()
    assert Application.objects.visible_to(clerk).count() == 2


def test_a_split_and_a_move(tree, users):
    county, town = tree["county"], tree["town"]
    made = [
        Unit.objects.create(
            name=name, code=code, unit_type=UnitType.TOWN, level=UnitLevel.TOWNSHIP, region=town.region, parent=county
        )
        for name, code in (("城东街道", "C1-T2"), ("城西街道", "C1-T3"))
    ]
    with pytest.raises(ValidationError, match="分设至少需要两个新单位"):
        changes.split_unit(town, made[:1], MERGE_DAY)
    change = changes.split_unit(town, made, MERGE_DAY, user=users["sysadmin"])
    town.refresh_from_db()
    assert town.valid_to == D(2025, 6, 30) and all(Unit.objects.get(pk=u.pk).valid_from == MERGE_DAY for u in made)
    assert str(change) == "2025年7月1日分设：测试县城关镇人民政府分设为城东街道、城西街道"
    clerk = User.objects.create(username="clerk-t2", role=Role.CLERK, unit=made[0])
    assert scope_of(clerk).allows(town)

    # a move: the unit stays itself; an earlier year is totalled in the tree of then
    dept = tree["dept"]
    item = make_item(dept, code="I-M")
    accepted(item, "M-1", D(2024, 5, 5))
    changes.move_unit(dept, county, D(2025, 1, 1), user=users["sysadmin"])
    dept.refresh_from_db()
    assert dept.parent == county and dept.path.startswith(county.path)
    before = unit_metrics(Period.year(2024), [county, tree["gov"]], families=["services"])
    assert before[county.pk]["applications_received"] == 0 and before[tree["gov"].pk]["applications_received"] == 1
    with pytest.raises(ValidationError, match="上级单位不能是本单位或其下级单位"):
        changes.move_unit(county, dept, D(2025, 2, 1))
    assert UnitChange.objects.count() == 2


def test_changes_are_recorded_through_the_pages(client, users, tree):
    client.force_login(users["sysadmin"])
    response = client.post(
        reverse("system:unit-change-new") + "?kind=merge",
        {
            "kind": "merge",
            "predecessors": [tree["dept"].pk, tree["dept2"].pk],
            "new_name": "云测市综合行政局",
            "new_code": "D3",
            "new_unit_type": UnitType.DEPARTMENT,
            "new_level": UnitLevel.CITY,
            "new_region": tree["gov"].region_id,
            "new_parent": tree["gov"].pk,
            "effective_on": "2025-07-01",
            "document": "云机改〔2025〕1号",
            "move_children": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Unit.objects.get(code="D3").valid_from == MERGE_DAY
    listing = client.get(reverse("system:unit-changes")).content.decode()
    assert "云测市司法局、云测市市场监督管理局合并为云测市综合行政局" in listing and "云机改〔2025〕1号" in listing
    again = client.post(
        reverse("system:unit-change-new") + "?kind=rename",
        {"kind": "rename", "unit": tree["dept"].pk, "name": "新名", "effective_on": "2025-08-01"},
    )
    assert again.status_code == 200  # the dissolved unit is no longer a choice
    assert "选择一个有效的选项" in again.content.decode() or "不在存续期内" in again.content.decode()
    detail = client.get(reverse("system:unit-detail", args=[tree["dept"].pk])).content.decode()
    assert "存续至2025年6月30日" in detail and "机构改革：合并" in detail


# -- in a browser ----------------------------------------------------------------------------------------------------
def received_shown(page) -> str:
    row = page.locator("#figures-table tr", has_text="办件受理量").inner_text()
    return row.split()[-1]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_city_sets_itself_up_from_excel_and_a_merge_splits_its_figures(live_server, page, tmp_path):
    from .browser import ARTIFACTS
    from .conftest import PASSWORD
    from .test_system_users import NEW_PASSWORD, workbook_upload

    admin = User(username="admin", role=Role.SYSADMIN, is_staff=True, is_superuser=True)
    admin.set_password(PASSWORD)
    admin.save()
    ARTIFACTS.mkdir(exist_ok=True)
    path = tmp_path / "云测市单位.xlsx"
    path.write_bytes(
        workbook(
            [
                ["云测市司法局", "市司法局", "D1", "", "990100", "", "G", "政府工作部门", "市级"],
                ["云测市市场监督管理局", "市市场监管局", "D2", "", "990100", "", "G", "政府工作部门", "市级"],
                [
                    "云测市人民政府",
                    "市政府",
                    "G",
                    serial_uscc(1, "11990100MB"),
                    "990100",
                    "云测市",
                    "",
                    "人民政府",
                    "市级",
                ],
            ]
        )
    )

    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(live_server.url + reverse("system:index"))
    page.click(f"a[href='{reverse('system:units')}']")
    page.wait_for_selector("table.unit-tree")
    assert "还没有单位" in page.inner_text("table.unit-tree")
    page.click("text=Excel 导入")
    page.set_input_files("input[type=file]", str(path))
    page.click("button:has-text('上传并导入')")
    page.wait_for_selector("text=导入成功：共导入3个单位。")
    tree_text = page.inner_text("table.unit-tree")
    assert "云测市人民政府" in tree_text and "云测市市场监督管理局" in tree_text
    page.screenshot(path=str(ARTIFACTS / "units-imported.png"), full_page=True)

    # Then its staff, from Excel: the new clerk's first login must change the one-time password.
    staff = tmp_path / "云测市用户.xlsx"
    staff.write_bytes(workbook_upload([["wang", "王五", "D1", "经办人", None]]).read())
    page.goto(live_server.url + reverse("system:index"))
    page.click("text=用户管理")
    page.click("text=导入 Excel")
    page.set_input_files("input[name=file]", str(staff))
    page.click("button:has-text('上传并导入')")
    page.wait_for_selector("#imported-users")
    one_time = page.locator("#imported-users tr", has_text="wang").locator("td.font-monospace").inner_text().strip()
    page.click("button:has-text('退出')")
    page.fill("#id_username", "wang")
    page.fill("#id_password", one_time)
    page.click("button[type=submit]")
    page.wait_for_selector("#change-reason")
    page.fill("#id_old_password", one_time)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("button:has-text('修改密码')")
    page.wait_for_selector("#todo-summary")
    assert User.objects.get(username="wang").unit.code == "D1"
    page.click("button:has-text('退出')")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#todo-summary")
    page.goto(live_server.url + reverse("system:units"))

    d1, d2 = Unit.objects.get(code="D1"), Unit.objects.get(code="D2")
    accepted(make_item(d1, code="I-D1"), "A-1", D(2025, 3, 3))
    accepted(make_item(d1, code="I-D1b"), "A-2", D(2025, 6, 30))
    accepted(make_item(d2, code="I-D2"), "B-1", D(2025, 5, 6))

    page.click("text=机构改革")
    page.click("text=登记合并")
    page.wait_for_selector("#change-form")
    page.select_option("#id_predecessors", [str(d1.pk), str(d2.pk)])
    page.fill("#id_new_name", "云测市综合行政局")
    page.fill("#id_new_code", "D3")
    page.select_option("#id_new_unit_type", UnitType.DEPARTMENT.value)
    page.select_option("#id_new_level", UnitLevel.CITY.value)
    page.select_option("#id_new_region", str(Region.objects.get(code="990100").pk))
    page.select_option("#id_new_parent", str(Unit.objects.get(code="G").pk))
    page.fill("#id_effective_on", "2025-07-01")
    page.fill("#id_document", "云机改〔2025〕1号")
    page.click("button:has-text('登记合并')")
    page.wait_for_selector("text=已登记机构改革")
    assert "云测市司法局、云测市市场监督管理局合并为云测市综合行政局" in page.inner_text("table.unit-change-list")

    d3 = Unit.objects.get(code="D3")
    assert User.objects.get(username="wang").unit == d3  # the merge moved the old units' staff
    item3 = make_item(d3, code="I-D3")
    accepted(item3, "C-1", D(2025, 7, 1))
    accepted(item3, "C-2", D(2025, 9, 9))
    accepted(item3, "C-3", D(2025, 12, 1))

    try:
        shown = figures_shown(live_server, page, (d1, d3))
    finally:
        # The transactional test's flush empties tables in any order, and the 办件日汇总 triggers would write a total
        # for a unit already gone: the applications go first.
        Application.all_objects.all()._raw_delete(Application.all_objects.db)
    assert shown == {"D1": "2", "D3": "3"}


def figures_shown(live_server, page, units) -> dict[str, str]:
    """办件受理量 of 2025 on the 政务服务 figures page of each unit, chosen in the unit switcher; a screenshot each."""
    from .browser import ARTIFACTS

    shown = {}
    for unit in units:
        page.goto(live_server.url + reverse("services:figures") + "?year=2025")
        with page.expect_navigation():
            page.select_option("#unit-select", str(unit.pk))
        page.wait_for_selector("#figures-table")
        shown[unit.code] = received_shown(page)
        assert "2025年7月1日起云测市司法局、云测市市场监督管理局合并为云测市综合行政局" in page.inner_text(".unit-note")
        page.screenshot(path=str(ARTIFACTS / f"figures-after-merge-{unit.code}.png"), full_page=True)
    return shown

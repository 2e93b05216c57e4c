"""系统管理 (issue 22): 用户管理, the password policy, 登录日志 and 操作日志."""

import datetime as dt
import io

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from fazhi.disputes.choices import ActType
from fazhi.disputes.models import ReconsiderationCase
from fazhi.org.choices import ROLE_RANK, Role
from fazhi.org.models import User
from fazhi.system import accounts, oplog
from fazhi.system.models import AccountAction, AccountEvent, LoginEvent, LoginLog

from .browser import ARTIFACTS
from .conftest import PASSWORD

NEW_PASSWORD = "Yun-ce-Shi-88"
HEADERS = ["用户名", "姓名", "所在单位", "角色", "初始密码"]


def workbook_upload(rows, headers=HEADERS, name="users.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def sheet_text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    workbook = load_workbook(io.BytesIO(body), read_only=True)
    return "\n".join(str(v) for s in workbook.worksheets for row in s.iter_rows(values_only=True) for v in row if v)


def test_every_role_has_a_rank():
    assert set(ROLE_RANK) == set(Role.values)
    assert ROLE_RANK[Role.SYSADMIN] > ROLE_RANK[Role.OFFICE] > ROLE_RANK[Role.UNIT_ADMIN] > ROLE_RANK[Role.CLERK]


# -- 用户管理 ----------------------------------------------------------------------------------------------
def test_sysadmin_creates_a_user_and_sees_the_one_time_password_once(users, tree, login):
    client = login(users["sysadmin"])
    response = client.post(
        reverse("system:user-add"),
        {"username": "zhangsan", "full_name": "张三", "unit": tree["dept"].pk, "role": Role.CLERK},
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = response.context["password"]
    assert password in response.content.decode()
    user = User.objects.get(username="zhangsan")
    assert user.check_password(password) and user.must_change_password and user.unit == tree["dept"]
    event = AccountEvent.objects.get(target=user)
    assert event.action == AccountAction.CREATE and event.actor == users["sysadmin"] and password not in event.detail
    # The edit page (what a reload leads to) never shows it again.
    assert password not in client.get(reverse("system:user-edit", args=[user.pk])).content.decode()


def test_a_given_initial_password_must_pass_the_policy(users, tree, login):
    client = login(users["sysadmin"])
    response = client.post(
        reverse("system:user-add"),
        {"username": "lisi", "unit": tree["dept"].pk, "role": Role.CLERK, "password": "12345678"},
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="lisi").exists()
    assert any("密码" in error for error in response.context["form"].errors["password"])


def test_sysadmin_edits_unit_and_role_and_the_flags_follow_the_role(users, tree):
    admin = users["sysadmin"]
    user, _ = accounts.create_user(admin, username="wang", full_name="王五", unit=tree["dept"], role=Role.SYSADMIN)
    assert user.is_superuser and user.is_staff
    accounts.update_user(admin, user, full_name="王五", unit=tree["county"], role=Role.CLERK)
    user.refresh_from_db()
    assert (user.unit, user.role, user.is_superuser, user.is_staff) == (tree["county"], Role.CLERK, False, False)
    event = AccountEvent.objects.filter(target=user, action=AccountAction.UPDATE).get()
    assert "角色：系统管理员 → 经办人" in event.detail and "所在单位：云测市司法局 → 测试县人民政府" in event.detail


def test_unit_admin_cannot_grant_office_or_sysadmin(users, tree, login):
    unit_admin = users["unit_admin"]
    for role in (Role.OFFICE, Role.SYSADMIN):
        with pytest.raises(ValidationError) as refused:
            accounts.create_user(unit_admin, username=f"x-{role}", full_name="", unit=tree["town"], role=role)
        assert refused.value.message_dict["role"] == [
            f"不能授予高于本人角色的角色：{Role(role).label}（您的角色为单位管理员）"
        ]
        with pytest.raises(ValidationError, match="不能授予高于本人角色的角色"):
            accounts.update_user(unit_admin, users["clerk"], full_name="", unit=tree["town"], role=role)
    assert users["clerk"].role == Role.CLERK and User.objects.get(pk=users["clerk"].pk).role == Role.CLERK
    # Equal or lower is allowed: a unit admin may appoint another unit admin in the subtree.
    deputy, _ = accounts.create_user(unit_admin, username="deputy", full_name="", unit=tree["town"], role="unit_admin")
    assert deputy.role == Role.UNIT_ADMIN
    # The form offers only the grantable roles, and a forged post is refused.
    client = login(unit_admin)
    page = client.get(reverse("system:user-add")).content.decode()
    assert 'value="office"' not in page and 'value="sysadmin"' not in page and 'value="unit_admin"' in page
    response = client.post(
        reverse("system:user-edit", args=[users["clerk"].pk]), {"unit": tree["town"].pk, "role": Role.OFFICE}
    )
    assert response.status_code == 400
    assert User.objects.get(pk=users["clerk"].pk).role == Role.CLERK


def test_unit_admin_cannot_manage_a_user_outside_the_subtree(users, tree, login):
    unit_admin = users["unit_admin"]
    outsider, _ = accounts.create_user(
        users["sysadmin"], username="outsider", full_name="", unit=tree["other_county"], role=Role.CLERK
    )
    with pytest.raises(PermissionDenied, match="用户“outsider”不在您的管理范围内"):
        accounts.update_user(unit_admin, outsider, full_name="改名", unit=tree["town"], role=Role.CLERK)
    with pytest.raises(PermissionDenied, match="不在您的管理范围内"):
        accounts.reset_password(unit_admin, outsider)
    with pytest.raises(PermissionDenied, match="不在您的管理范围内"):
        accounts.set_active(unit_admin, outsider, False)
    with pytest.raises(ValidationError) as refused:
        accounts.create_user(unit_admin, username="new", full_name="", unit=tree["other_county"], role=Role.CLERK)
    assert refused.value.message_dict["unit"] == ["单位“另一县人民政府”不在您的管理范围内"]
    # Pages: the outsider is not found, and is not in the list or the export.
    client = login(unit_admin)
    for name in ("system:user-edit", "system:user-disable", "system:user-reset-password"):
        assert client.post(reverse(name, args=[outsider.pk])).status_code == 404
    listed = {user.username for user in client.get(reverse("system:users")).context["page"].rows}
    assert listed == {"unit_admin", "clerk", "leader"}
    exported = sheet_text(client.get(reverse("system:user-export")))
    assert "outsider" not in exported and "clerk" in exported and "leader" in exported
    outsider.refresh_from_db()
    assert outsider.is_active and outsider.full_name == ""


def test_unit_admin_cannot_manage_a_higher_role_inside_the_subtree(users, tree):
    office_in_county, _ = accounts.create_user(
        users["sysadmin"], username="fzb-county", full_name="", unit=tree["county"], role=Role.OFFICE
    )
    with pytest.raises(PermissionDenied, match="不能管理角色高于本人的用户：“fzb-county”的角色为法治办"):
        accounts.set_active(users["unit_admin"], office_in_county, False)


def test_other_roles_manage_nobody(users, login):
    for role in ("office", "clerk", "leader"):
        with pytest.raises(PermissionDenied, match="只有系统管理员和单位管理员可以管理用户"):
            accounts.reset_password(users[role], users["clerk"] if role != "clerk" else users["leader"])
        assert login(users[role]).get(reverse("system:users")).status_code == 403


def test_disabling_keeps_the_account_and_stops_logins(users, client):
    clerk = users["clerk"]
    accounts.set_active(users["unit_admin"], clerk, False)
    clerk.refresh_from_db()
    assert not clerk.is_active and User.objects.filter(pk=clerk.pk).exists()
    assert client.post(reverse("login"), {"username": "clerk", "password": PASSWORD}).status_code == 200  # refused
    assert LoginLog.objects.filter(username="clerk", event=LoginEvent.FAILURE).get().reason == "账号已停用"
    accounts.set_active(users["unit_admin"], clerk, True)
    assert client.post(reverse("login"), {"username": "clerk", "password": PASSWORD}).status_code == 302
    assert list(AccountEvent.objects.filter(target=clerk).values_list("action", flat=True).order_by("id")) == [
        AccountAction.DISABLE,
        AccountAction.ENABLE,
    ]


def test_nobody_disables_or_demotes_themselves(users, tree):
    admin = users["unit_admin"]
    with pytest.raises(ValidationError, match="不能停用自己的账号"):
        accounts.set_active(admin, admin, False)
    with pytest.raises(ValidationError, match="不能修改自己的角色"):
        accounts.update_user(admin, admin, full_name="", unit=tree["county"], role=Role.CLERK)
    with pytest.raises(ValidationError, match="不能修改自己的所在单位"):
        accounts.update_user(admin, admin, full_name="", unit=tree["town"], role=Role.UNIT_ADMIN)


def test_reset_password_gives_a_one_time_password_that_must_be_changed(users, login, client):
    admin = login(users["unit_admin"])
    response = admin.post(reverse("system:user-reset-password", args=[users["clerk"].pk]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = response.context["password"]
    clerk = User.objects.get(username="clerk")
    assert clerk.must_change_password and clerk.check_password(password) and not clerk.check_password(PASSWORD)
    admin.logout()
    assert client.post(reverse("login"), {"username": "clerk", "password": password}).status_code == 302
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("system:password-change"))


# -- Excel import and export ---------------------------------------------------------------------------
def test_sysadmin_imports_users_from_excel(users, tree, login):
    client = login(users["sysadmin"])
    upload = workbook_upload(
        [
            ["zhao", "赵一", "云测市司法局", "经办人", None],
            ["qian", "钱二", "C1-T1", "领导", "Qian-Er-2026x"],
            ["sun", "孙三", "D2", "单位管理员", None],
        ]
    )
    response = client.post(reverse("system:user-import"), {"file": upload})
    assert response.status_code == 200, response.content.decode()[:2000]
    created = {user.username: password for user, password in response.context["created"]}
    assert set(created) == {"zhao", "qian", "sun"} and created["qian"] is None
    zhao = User.objects.get(username="zhao")
    assert zhao.check_password(created["zhao"]) and zhao.must_change_password and zhao.unit == tree["dept"]
    qian = User.objects.get(username="qian")
    assert qian.check_password("Qian-Er-2026x") and qian.role == Role.LEADER and qian.unit == tree["town"]
    assert User.objects.get(username="sun").role == Role.UNIT_ADMIN
    assert AccountEvent.objects.filter(action=AccountAction.IMPORT, actor=users["sysadmin"]).count() == 3
    assert created["zhao"] in response.content.decode()


def test_an_import_with_any_bad_row_imports_nothing_and_names_row_and_column(users, tree, login):
    client = login(users["unit_admin"])
    upload = workbook_upload(
        [
            ["ok-user", "好", "C1-T1", "经办人", None],
            ["far", "远", "另一县人民政府", "经办人", None],
            ["boss", "官", "C1", "法治办", None],
            ["Clerk", "重", "C1", "经办人", None],
            ["weak", "弱", "C1", "经办人", "fazhi-demo-2026"],
            ["ok-user", "又", "C1", "经办人", None],
            ["bad name!", "名", "C1", "经办员", None],
        ]
    )
    response = client.post(reverse("system:user-import"), {"file": upload})
    assert response.status_code == 400
    problems = [str(p) for p in response.context["refused"].problems]
    assert "第3行“所在单位”列：单位“另一县人民政府”不存在或不在您的管理范围内" in problems
    assert "第4行“角色”列：不能授予高于本人角色的角色：法治办（您的角色为单位管理员）" in problems
    assert "第5行“用户名”列：用户名“Clerk”已被使用" in problems
    assert "第6行“初始密码”列：不能使用演示系统的公开密码（或包含它的密码）" in problems
    assert "第7行“用户名”列：“ok-user”在文件中重复出现" in problems
    assert any(p.startswith("第8行“角色”列：“经办员”不是可选值") for p in problems)
    assert "导入未执行" in response.content.decode()
    assert not User.objects.filter(username__in=["ok-user", "far", "boss", "weak"]).exists()


def test_the_import_template_and_the_export_share_the_columns(users, login):
    client = login(users["sysadmin"])
    template = load_workbook(io.BytesIO(client.get(reverse("system:user-import-template")).content))
    assert [c.value for c in template.worksheets[0][1]] == HEADERS
    exported = load_workbook(io.BytesIO(b"".join(client.get(reverse("system:user-export")).streaming_content)))
    header = [c.value for c in exported.worksheets[0][1]]
    assert header[:3] == ["用户名", "姓名", "所在单位"] and "角色" in header


# -- the password policy ---------------------------------------------------------------------------------
def test_the_demo_password_and_common_passwords_are_refused():
    for password in ("fazhi-demo-2026", "FAZHI-DEMO-2026!", "password123", "12345678", "short"):
        with pytest.raises(ValidationError):
            password_validation.validate_password(password)
    password_validation.validate_password(NEW_PASSWORD)
    assert len(accounts.one_time_password()) >= 12
    password_validation.validate_password(accounts.one_time_password())


def test_forced_change_on_first_login(users, tree, client):
    accounts.create_user(
        users["sysadmin"],
        username="newbie",
        full_name="新人",
        unit=tree["dept"],
        role=Role.CLERK,
        password="Init-Pass-77",
    )
    response = client.post(reverse("login"), {"username": "newbie", "password": "Init-Pass-77"})
    assert response.status_code == 302
    response = client.get(reverse("web:dashboard"))
    change = reverse("system:password-change")
    assert response.status_code == 302 and response["Location"] == f"{change}?next=%2F"
    assert client.get(reverse("ledger:service-items-list")).status_code == 302
    assert client.get(reverse("api:service-items-list")).status_code == 403
    page = client.get(response["Location"])
    assert page.status_code == 200 and "您的密码由管理员设置" in page.content.decode()
    # The demo's password, the same password again, two different entries: refused.
    refused = client.post(
        change,
        {"old_password": "Init-Pass-77", "new_password1": "fazhi-demo-2026", "new_password2": "fazhi-demo-2026"},
    )
    assert refused.status_code == 400 and "不能使用演示系统的公开密码" in refused.content.decode()
    refused = client.post(
        change, {"old_password": "Init-Pass-77", "new_password1": "Init-Pass-77", "new_password2": "Init-Pass-77"}
    )
    assert "新密码不能与原密码相同" in refused.content.decode()
    refused = client.post(
        change, {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert "原密码不正确" in refused.content.decode()
    done = client.post(
        change,
        {"old_password": "Init-Pass-77", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, "next": "/"},
    )
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get(reverse("web:dashboard")).status_code == 200  # the session survived the change
    user = User.objects.get(username="newbie")
    assert not user.must_change_password and user.password_changed_at is not None
    assert AccountEvent.objects.filter(target=user, action=AccountAction.CHANGE_PASSWORD, actor=user).exists()


def test_an_expired_password_must_be_changed(users, login, settings):
    settings.FAZHI_PASSWORD_MAX_AGE_DAYS = 90
    clerk = users["clerk"]
    client = login(clerk)
    assert client.get(reverse("web:dashboard")).status_code == 200  # the fixture's users are not forced
    User.objects.filter(pk=clerk.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert "已超过90天未修改" in client.get(response["Location"]).content.decode()
    settings.FAZHI_PASSWORD_MAX_AGE_DAYS = 0
    assert client.get(reverse("web:dashboard")).status_code == 200


# -- 登录日志 ---------------------------------------------------------------------------------------------
def test_the_login_log_records_a_failure_and_a_success(users, client, login):
    agent = "Mozilla/5.0 (fazhi-test)"
    client.post(reverse("login"), {"username": "clerk", "password": "wrong"}, HTTP_USER_AGENT=agent)
    client.post(reverse("login"), {"username": "nobody", "password": "wrong"}, HTTP_USER_AGENT=agent)
    client.post(reverse("login"), {"username": "clerk", "password": PASSWORD}, HTTP_USER_AGENT=agent)
    rows = list(LoginLog.objects.order_by("id"))
    assert [(r.username, r.event, r.reason) for r in rows] == [
        ("clerk", LoginEvent.FAILURE, "密码错误"),
        ("nobody", LoginEvent.FAILURE, "用户名不存在"),
        ("clerk", LoginEvent.SUCCESS, ""),
    ]
    assert all(r.ip_address == "127.0.0.1" and r.user_agent == agent for r in rows)
    assert rows[0].user == users["clerk"] and rows[1].user is None
    admin = login(users["sysadmin"])
    page = admin.get(reverse("system:login-log"), {"username": "clerk", "event": "failure"})
    assert page.status_code == 200
    shown = page.context["page"].rows
    assert [(r.username, r.event) for r in shown] == [("clerk", LoginEvent.FAILURE)]
    exported = sheet_text(admin.get(reverse("system:login-log-export")))
    assert "密码错误" in exported and "用户名不存在" in exported and agent in exported
    for role in ("office", "unit_admin", "clerk"):
        assert login(users[role]).get(reverse("system:login-log")).status_code == 403


def test_a_locked_out_attempt_is_logged_as_such(users, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "clerk", "password": "guess"})
    assert client.post(reverse("login"), {"username": "clerk", "password": PASSWORD}).status_code == 429
    last = LoginLog.objects.order_by("-id").first()
    assert (last.event, last.reason) == (LoginEvent.FAILURE, "失败次数过多，已被暂时锁定")


def test_a_user_agent_that_looks_like_a_formula_stays_text_in_the_export(users, client, login):
    client.post(reverse("login"), {"username": "x", "password": "y"}, HTTP_USER_AGENT='=HYPERLINK("http://evil")')
    response = login(users["sysadmin"]).get(reverse("system:login-log-export"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    [cell] = [c for row in workbook.worksheets[0].iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)]
    assert cell.value == '=HYPERLINK("http://evil")' and cell.data_type == "s"


# -- 操作日志 ---------------------------------------------------------------------------------------------
def test_the_operation_log_lists_a_step_with_its_reason(users, tree, login):
    case = ReconsiderationCase.objects.create(
        unit=tree["town"],
        number="FY-LOG-1",
        applicant_name="张三",
        respondent_name="云测市市场监督管理局",
        received_on=dt.date(2025, 6, 3),
        act_type=ActType.PENALTY,
        known_on=dt.date(2025, 5, 29),
    )
    clerk = login(users["clerk"])
    response = clerk.post(
        reverse("ledger:reconsideration-cases-action", args=[case.pk, "accept"]),
        {"accepted_on": "2025-06-04", "procedure": "ordinary"},
    )
    assert response.status_code == 302
    admin = login(users["sysadmin"])
    page = admin.get(
        reverse("system:operation-log"),
        {"user": "clerk", "source": "disputes.reconsiderationcase", "change_type": "~"},
    )
    assert page.status_code == 200
    [entry] = page.context["page"].rows
    assert entry.reason == "受理" and entry.user == users["clerk"] and entry.label == "FY-LOG-1"
    detail = reverse("ledger:reconsideration-cases-detail", args=[case.pk])
    assert entry.link == detail and f'href="{detail}"' in page.content.decode()
    exported = sheet_text(admin.get(reverse("system:operation-log-export"), {"user": "clerk"}))
    assert "受理" in exported and "FY-LOG-1" in exported and "行政复议案件" in exported
    assert login(users["office"]).get(reverse("system:operation-log")).status_code == 403


def test_the_operation_log_pages_across_tables_without_loss(users, tree):
    """Rows of two tables at the same instants: every page boundary, both ways, shows each row exactly once."""
    from fazhi.services.models import ServiceItem

    from .factories import make_item

    items = [make_item(tree["town"], code=f"LOG-{n}") for n in range(4)]
    accounts.create_user(users["sysadmin"], username="u-log", full_name="", unit=tree["town"], role=Role.CLERK)
    instant = timezone.now().replace(microsecond=0)
    ServiceItem.history.model.objects.filter(id__in=[i.pk for i in items]).update(history_date=instant)
    AccountEvent.objects.update(at=instant)
    everything = oplog.page(oplog.Filters(), size=1000).rows
    keys = [(e.source.key, e.pk) for e in everything]
    assert len(keys) == len(set(keys)) and len(keys) >= 5
    assert [e.sort_key for e in everything] == sorted((e.sort_key for e in everything), reverse=True)
    for size in (1, 2, 3):
        walked, token = [], None
        while True:
            result = oplog.page(oplog.Filters(), after=token, size=size)
            walked.extend((e.source.key, e.pk) for e in result.rows)
            if result.next_token is None:
                break
            token = result.next_token
        assert walked == keys, size
        back = oplog.page(oplog.Filters(), before=oplog.encode(everything[size]), size=size).rows
        assert [(e.source.key, e.pk) for e in back] == keys[:size]
    assert oplog.page(oplog.Filters(), size=2).count == len(keys)


# -- 浏览器 -----------------------------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_import_then_first_login_forces_a_change(live_server, page, users, tree, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    upload = tmp_path / "用户导入.xlsx"
    upload.write_bytes(
        workbook_upload([["liu", "刘六", "C1", "经办人", None], ["chen", "陈七", "D1", "领导", None]]).read()
    )

    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "sysadmin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#todo-summary")
    page.click("text=系统管理")
    page.click("text=用户管理")
    page.wait_for_selector("#user-table")
    page.click("text=导入 Excel")
    page.set_input_files("input[name=file]", str(upload))
    page.click("button:has-text('上传并导入')")
    page.wait_for_selector("#imported-users")
    page.screenshot(path=str(ARTIFACTS / "system-users-imported.png"), full_page=True)
    row = page.locator("#imported-users tr", has_text="liu")
    password = row.locator("td.font-monospace").inner_text().strip()
    assert len(password) >= 12
    page.click("button:has-text('退出')")

    page.wait_for_selector("#id_username")
    page.fill("#id_username", "liu")
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("#change-reason")
    assert reverse("system:password-change") in page.url
    page.screenshot(path=str(ARTIFACTS / "system-password-change.png"), full_page=True)
    page.fill("#id_old_password", password)
    page.fill("#id_new_password1", "fazhi-demo-2026")
    page.fill("#id_new_password2", "fazhi-demo-2026")
    page.click("button:has-text('修改密码')")
    assert "不能使用演示系统的公开密码" in page.inner_text(".field-error")
    page.fill("#id_old_password", password)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("button:has-text('修改密码')")
    page.wait_for_selector("#todo-summary")
    assert "密码已修改" in page.inner_text("main")
    page.screenshot(path=str(ARTIFACTS / "system-after-change.png"), full_page=True)
    user = User.objects.get(username="liu")
    assert not user.must_change_password and user.check_password(NEW_PASSWORD)

    # The system administrator sees it all in the logs.
    page.click("button:has-text('退出')")
    page.fill("#id_username", "sysadmin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#todo-summary")
    page.goto(live_server.url + reverse("system:login-log"))
    assert "liu" in page.inner_text("#login-log")
    page.screenshot(path=str(ARTIFACTS / "system-login-log.png"), full_page=True)
    page.goto(live_server.url + reverse("system:operation-log"))
    log = page.inner_text("#operation-log")
    assert "修改密码" in log and "导入用户" in log
    page.screenshot(path=str(ARTIFACTS / "system-operation-log.png"), full_page=True)
    page.goto(live_server.url + reverse("system:user-edit", args=[user.pk]))
    page.screenshot(path=str(ARTIFACTS / "system-user-edit.png"), full_page=True)

"""双随机 and 行政执法 through the staff pages and the API: tasks with many-to-many fields, 回避 by code, figures."""

import datetime as dt

from django.urls import reverse

from fazhi.enforcement.rules import revoke_certificate
from fazhi.inspections.models import Conflict, InspectionTask

from .test_enforcement_rules import make_body, make_officer
from .test_inspections_rules import make_entities, make_matter

D = dt.date


def task_payload(unit, matter, body, code="API-1", **extra):
    return {
        "unit": unit.pk,
        "code": code,
        "name": "接口任务",
        "matters": [matter.pk],
        "bodies": [body.pk],
        "ratio_a": "0",
        "ratio_b": "1",
        "ratio_c": "5.00",
        "ratio_d": "8",
        "ratio_e": "15",
        "start_on": "2025-04-01",
        "end_on": "2025-09-30",
        "inspectors_per_entity": 2,
        **extra,
    }


def test_task_api_takes_matters_and_bodies(tree, users, login):
    unit = tree["dept2"]
    body = make_body(unit)
    matter = make_matter(body)
    client = login(users["office"])
    response = client.post(
        reverse("api:inspection-tasks-list"), task_payload(unit, matter, body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    task = InspectionTask.objects.get(code="API-1")
    assert list(task.matters.all()) == [matter] and list(task.bodies.all()) == [body]
    refused = client.post(
        reverse("api:inspection-tasks-list"),
        task_payload(unit, matter, body, code="API-2", inspectors_per_entity=1),
        content_type="application/json",
    )
    assert refused.status_code == 400 and "第四十二条" in refused.content.decode()
    foreign = client.post(
        reverse("api:inspection-tasks-list"),
        task_payload(tree["county"], matter, body, code="API-3"),
        content_type="application/json",
    )
    assert foreign.status_code == 400 and "牵头单位" in foreign.content.decode()


def test_task_form_refuses_a_single_inspector_per_entity(tree, users, login):
    unit = tree["dept2"]
    body = make_body(unit)
    matter = make_matter(body)
    data = task_payload(unit, matter, body, code="FORM-1", inspectors_per_entity=1)
    response = login(users["office"]).post(reverse("ledger:inspection-tasks-add"), data)
    assert response.status_code == 400 and "每个检查对象须由不少于规定人数" in response.content.decode()
    data["inspectors_per_entity"] = 2
    assert login(users["office"]).post(reverse("ledger:inspection-tasks-add"), data).status_code == 302


def test_conflict_is_declared_by_the_entity_code(tree, users, login):
    unit = tree["dept2"]
    officer = make_officer(make_body(unit), 1)
    entity = make_entities(unit, {"C": 1})[0]
    client = login(users["office"])
    data = {
        "unit": unit.pk,
        "officer": officer.pk,
        "entity_uscc": "91990100MA0000000X",
        "reason": "亲属",
        "declared_on": "2025-01-02",
    }
    response = client.post(reverse("ledger:conflicts-add"), data)
    assert response.status_code == 400 and "名录库中没有" in response.content.decode()
    data["entity_uscc"] = entity.uscc.lower()
    assert client.post(reverse("ledger:conflicts-add"), data).status_code == 302
    assert Conflict.objects.get().entity == entity


def test_officer_list_filters_the_certified(tree, users, login):
    body = make_body(tree["dept2"])
    today = dt.date.today()
    holder = make_officer(body, 1, issued=today - dt.timedelta(days=30), expires=today + dt.timedelta(days=300))
    revoked = make_officer(body, 2, issued=today - dt.timedelta(days=30), expires=today + dt.timedelta(days=300))
    revoke_certificate(revoked.certificates.get(), today - dt.timedelta(days=1), "调离")
    page = login(users["office"]).get(reverse("ledger:officers-list") + "?certified=true").content.decode()
    assert holder.name in page and revoked.name not in page


def test_figures_page_shows_every_enforcement_metric(tree, users, login):
    page = login(users["leader"]).get(reverse("enforcement:figures") + "?year=2025")
    text = page.content.decode()
    assert page.status_code == 200
    for name in ("行政执法主体数", "持证执法人员数", "双随机抽查批次", "抽查结果公示率", "执法投诉举报数"):
        assert name in text
    assert "人工填报" in text


def test_verify_page_of_another_units_task_is_not_found(tree, users, login):
    task = InspectionTask.objects.create(
        unit=tree["other_county"], code="X", name="别的县", ratio_c=1, start_on=D(2025, 4, 1), end_on=D(2025, 5, 1)
    )
    assert login(users["clerk"]).get(reverse("inspections:verify", args=[task.pk])).status_code == 404
    page = login(users["office"]).get(reverse("inspections:verify", args=[task.pk])).content.decode()
    assert "尚未抽取" in page

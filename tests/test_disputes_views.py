"""Staff pages of the dispute, oversight and publicity areas: figures of the unit's subtree, overdue counts per unit."""

import datetime as dt

from django.urls import reverse

from fazhi.disputes import rules
from fazhi.oversight import rules as oversight_rules
from fazhi.publicity.models import LawStudySession

from .test_disputes_reconsideration import make_case
from .test_oversight import make_request

D = dt.date


def test_figures_pages_show_the_year_of_the_users_subtree(tree, users, login):
    for unit, number, outcome in [
        (tree["town"], "T1", "revoked"),
        (tree["county"], "C1", "upheld"),
        (tree["other_county"], "X1", "revoked"),
    ]:
        case = make_case(unit, number=number, received=D(2025, 3, 3))
        rules.accept(case, D(2025, 3, 4))
        rules.decide(case, outcome, D(2025, 4, 1))
    LawStudySession.objects.create(
        unit=tree["county"], kind="central_group", held_on=D(2025, 5, 5), topic="学习宪法", attendees=30
    )
    client = login(users["unit_admin"])
    page = client.get(reverse("disputes:figures") + "?year=2025").content.decode()
    assert "测试县人民政府" in page
    assert '<td>行政复议审结数</td><td class="text-end">2</td>' in page  # the county and its town, not the other county
    assert '<td>行政复议纠错率</td><td class="text-end">50.00%</td>' in page
    page = client.get(reverse("publicity:figures") + "?year=2025").content.decode()
    assert '<td>政府常务会议/中心组学法次数</td><td class="text-end">1</td>' in page
    assert client.get(reverse("oversight:figures") + "?year=abc").status_code == 200
    assert "年度数据" in client.get(reverse("web:area", args=["disputes"])).content.decode()


def test_overdue_page_counts_late_rows_per_unit_in_scope(tree, users, login):
    for unit, number in [
        (tree["town"], "R1"),
        (tree["town"], "R2"),
        (tree["county"], "R3"),
        (tree["other_county"], "R4"),
    ]:
        make_request(unit, number, received=D(2025, 1, 6))
    done = make_request(tree["town"], "R5", received=D(2025, 1, 6))
    oversight_rules.reply_disclosure(done, "provided", D(2025, 1, 10))
    page = login(users["unit_admin"]).get(reverse("oversight:overdue")).content.decode()
    assert "逾期 3 件" in page and "另一县" not in page
    assert f'?overdue=true&amp;unit={tree["town"].pk}">2</a>' in page
    assert login(users["clerk"]).get(reverse("disputes:overdue")).status_code == 200


def test_api_creates_cases_but_leaves_the_workflow_to_the_rules(tree, users, client):
    client.force_login(users["clerk"])
    payload = {
        "unit": tree["town"].pk,
        "number": "API-FY-1",
        "applicant_name": "张三",
        "respondent_name": "某局",
        "act_type": "penalty",
        "known_on": "2025-03-10",
        "received_on": "2025-03-03",
    }
    response = client.post(reverse("api:reconsideration-cases-list"), payload, content_type="application/json")
    assert response.status_code == 400 and "不能早于知道行政行为之日" in str(response.json())
    payload["known_on"] = "2025-03-01"
    # The status is set by the steps only: a new case sent as closed is refused, naming the step routes.
    response = client.post(
        reverse("api:reconsideration-cases-list"), {**payload, "status": "closed"}, content_type="application/json"
    )
    assert response.status_code == 400 and "/api/reconsideration-cases/{id}/decide/" in response.json()["status"][0]
    response = client.post(reverse("api:reconsideration-cases-list"), payload, content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "received"
    payload.update(number="API-FY-2", unit=tree["other_county"].pk)
    assert (
        client.post(reverse("api:reconsideration-cases-list"), payload, content_type="application/json").status_code
        == 400
    )
    response = client.post(
        reverse("api:suggestions-list"),
        {
            "unit": tree["town"].pk,
            "kind": "npc",
            "session": "十五届人大三次会议",
            "number": "9",
            "title": "建议",
            "proposer": "王代表",
            "assigned_on": "2025-03-20",
        },
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["due_on"] == "2025-06-20"


def test_export_carries_the_derived_deadline(tree, users, login):
    from .scope_walk import response_text

    case = make_case(tree["town"], number="EXP-1", received=D(2025, 6, 3))
    rules.accept(case, D(2025, 6, 3))
    text = response_text(login(users["clerk"]).get(reverse("ledger:reconsideration-cases-export")))
    assert "EXP-1" in text and "审理期限届满日" in text and "2025-08-04" in text

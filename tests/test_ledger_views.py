"""The reusable ledger pattern: list, detail with history, form with Chinese messages, recycle bin, export."""

import datetime as dt
import io
import itertools

import pytest
from django.db import connection, models
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fazhi.core.cells import holds
from fazhi.core.ledgers import registry
from fazhi.services.models import Application, ServiceItem

from .factories import ledger_row, make_application, make_item

SAMPLES = {models.DateField: dt.date(2025, 6, 2), models.DateTimeField: timezone.now()}


def item_form(unit, **overrides):
    data = {
        "unit": unit.pk,
        "code": "NEW-1",
        "name": "新事项",
        "item_type": "licensing",
        "legal_basis": "",
        "statutory_limit": 20,
        "promised_limit": 8,
        "online_depth": 3,
        "visits_required": 0,
        "tolerance_documents": "",
        "effective_from": "2025-01-01",
        "effective_to": "",
    }
    data.update(overrides)
    return data


def test_create_edit_and_history(users, tree, login):
    client = login(users["clerk"])
    response = client.post(reverse("ledger:service-items-add"), item_form(tree["town"]))
    assert response.status_code == 302
    item = ServiceItem.objects.get(code="NEW-1")
    assert item.unit == tree["town"]
    client.post(reverse("ledger:service-items-edit", args=[item.pk]), item_form(tree["town"], promised_limit=6))
    item.refresh_from_db()
    assert item.promised_limit == 6
    assert [h.history_type for h in item.history.order_by("history_date")] == ["+", "~"]
    assert item.history.earliest("history_date").history_user == users["clerk"]
    page = client.get(reverse("ledger:service-items-detail", args=[item.pk])).content.decode()
    assert "变更记录" in page and "承诺时限（工作日）：8 → 6" in page


def test_form_refuses_a_promised_limit_longer_than_the_statutory_one(users, tree, login):
    client = login(users["clerk"])
    response = client.post(
        reverse("ledger:service-items-add"), item_form(tree["town"], statutory_limit=10, promised_limit=15)
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "承诺办理时限不得超过法定办理时限" in page and "优化营商环境条例" in page and "第三十六条" in page
    assert not ServiceItem.objects.filter(code="NEW-1").exists()


def test_form_refuses_control_characters_an_export_could_not_hold(users, tree, login):
    client = login(users["clerk"])
    response = client.post(reverse("ledger:service-items-add"), item_form(tree["town"], name="新\x07事项"))
    assert response.status_code == 400 and "不能包含控制字符" in response.content.decode()
    assert not ServiceItem.all_objects.filter(code="NEW-1").exists()


def test_form_cannot_place_a_row_in_a_unit_outside_scope(users, tree, login):
    client = login(users["clerk"])
    response = client.post(reverse("ledger:service-items-add"), item_form(tree["other_county"]))
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    assert not ServiceItem.all_objects.filter(code="NEW-1").exists()


def test_delete_needs_a_reason_and_restore_brings_the_row_back(users, tree, login):
    item = make_item(tree["town"])
    client = login(users["clerk"])
    refused = client.post(reverse("ledger:service-items-delete", args=[item.pk]), {"reason": " "})
    assert refused.status_code == 400 and "必须填写删除原因" in refused.content.decode()
    assert (
        client.post(reverse("ledger:service-items-delete", args=[item.pk]), {"reason": "重复录入"}).status_code == 302
    )
    assert not ServiceItem.objects.filter(pk=item.pk).exists()
    deleted = ServiceItem.all_objects.get(pk=item.pk)
    assert deleted.deletion_reason == "重复录入" and deleted.deleted_by == users["clerk"]
    assert "I-1" in client.get(reverse("ledger:service-items-recycle")).content.decode()
    assert "I-1" not in client.get(reverse("ledger:service-items-list")).content.decode()
    client.post(reverse("ledger:service-items-restore", args=[item.pk]))
    assert ServiceItem.objects.filter(pk=item.pk).exists()
    reasons = list(item.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons[-2:] == ["删除：重复录入", "从回收站恢复"]


def test_rows_cannot_be_destroyed(tree):
    item = make_item(tree["town"])
    with pytest.raises(Exception, match="不能物理删除"):
        item.delete()


def test_leader_reads_but_cannot_write(users, tree, login):
    item = make_item(tree["town"])
    client = login(users["leader"])
    assert client.get(reverse("ledger:service-items-detail", args=[item.pk])).status_code == 200
    assert client.get(reverse("ledger:service-items-add")).status_code == 403
    assert client.post(reverse("ledger:service-items-delete", args=[item.pk]), {"reason": "x"}).status_code == 403
    assert client.post(reverse("api:service-items-list"), {}).status_code == 403


def test_keyset_pages_walk_every_row_once(users, tree, login):
    for i in range(120):
        make_item(tree["town"], code=f"K-{i:03d}", promised=i % 20)
    client = login(users["office"])
    seen, url, pages = [], reverse("ledger:service-items-list") + "?sort=-promised_limit", 0
    while url:
        response = client.get(url)
        page = response.context["page"]
        seen += [row.code for row in page.rows]
        pages += 1
        url = (
            reverse("ledger:service-items-list") + f"?sort=-promised_limit&after={page.next_token}"
            if page.next_token
            else None
        )
    assert pages == 3 and len(seen) == 120 == len(set(seen))
    limits = [ServiceItem.objects.get(code=code).promised_limit for code in seen]
    assert limits == sorted(limits, reverse=True)
    back = client.get(reverse("ledger:service-items-list") + f"?sort=-promised_limit&before={page.prev_token}").context[
        "page"
    ]
    assert [row.code for row in back.rows] == seen[50:100]


@pytest.mark.parametrize("sort", ["-received_on", "received_on"])
def test_a_county_list_read_unit_by_unit_walks_its_rows_in_order(users, tree, login, sort):
    county_item, town_item = make_item(tree["county"], code="CI"), make_item(tree["town"], code="TI")
    other_item = make_item(tree["other_county"], code="OI")
    for i in range(45):  # two units' rows interleaved, days shared across units (the id breaks the tie)
        make_application(
            (county_item, town_item)[i % 3 == 0], number=f"P-{i:02d}", received=dt.date(2025, 1, 1 + i // 4)
        )
        make_application(other_item, number=f"O-{i:02d}", received=dt.date(2025, 1, 1 + i // 4))
    descending = sort.startswith("-")
    expected = list(
        Application.objects.filter(unit__in=[tree["county"], tree["town"]])
        .order_by(sort, "-pk" if descending else "pk")
        .values_list("number", flat=True)
    )
    client = login(users["unit_admin"])
    base = reverse("ledger:applications-list") + f"?sort={sort}&size=20"
    seen, url, pages = [], base, []
    while url:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).context["page"]
        assert any("UNION ALL" in query["sql"] for query in queries.captured_queries)  # one query per unit, merged
        pages.append(page)
        seen += [row.number for row in page.rows]
        url = base + f"&after={page.next_token}" if page.next_token else None
    assert seen == expected and len(seen) == 45
    assert [row.number for row in client.get(base + "&page=2").context["page"].rows] == expected[20:40]
    back = client.get(base + f"&before={pages[-1].prev_token}").context["page"]
    assert [row.number for row in back.rows] == expected[20:40]


def test_filters_and_export_follow_the_list(users, tree, login):
    make_item(tree["town"], code="ZERO", promised=0, tolerance_allowed=True, tolerance_documents="户口簿复印件")
    make_item(tree["town"], code="FIVE", promised=5)
    client = login(users["clerk"])
    listed = client.get(reverse("ledger:service-items-list") + "?tolerance_allowed=true").content.decode()
    assert "ZERO" in listed and "FIVE" not in listed
    response = client.get(reverse("ledger:service-items-export") + "?tolerance_allowed=true")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("事项编码", "事项名称") and [r[0] for r in rows[1:]] == ["ZERO"]


def test_the_lists_read_which_rows_owe_a_step_off_the_rows_as_the_database_would(tree):
    """cells.holds answers each duty's condition from a loaded row (sparing the list and detail pages a query per
    duty); for every registered duty and every mix of the values it tests, it agrees with the database."""
    checked = 0
    for number, ledger in enumerate(ledger for ledger in registry if ledger.duties):
        row = ledger_row(ledger, tree["town"], f"H{number}Z")
        model = type(row)
        for duty in ledger.duties:
            choices = []
            for lookup, value in duty.pending.children:
                name, _, operator = lookup.partition("__")
                field = model._meta.get_field(name)
                if operator == "isnull":
                    choices.append([(field.attname, None), (field.attname, SAMPLES[type(field)])])
                else:
                    other = next(c for c, _ in field.choices if c != value) if field.choices else not value
                    choices.append([(field.attname, value), (field.attname, other)])
            for values in itertools.product(*choices):
                model.all_objects.filter(pk=row.pk).update(**dict(values))
                fresh = model.all_objects.get(pk=row.pk)
                in_database = model.all_objects.filter(duty.pending, pk=row.pk).exists()
                assert holds(duty.pending, fresh) is in_database, (ledger.slug, duty.name, values)
            checked += 1
    assert checked >= 15
    # What it cannot read off a row it leaves to the database.
    assert holds(Q(status="accepted") | Q(status="received"), ServiceItem()) is None
    assert holds(~Q(promised_limit=1), ServiceItem()) is None
    assert holds(Q(unit__code="C1"), ServiceItem()) is None
    assert holds(Q(statutory_limit__gt=1), ServiceItem(statutory_limit=2)) is None


def test_a_list_page_reads_its_rows_in_a_fixed_number_of_queries(users, tree, login):
    """The lists load only the fields they show (core.views.list_fields): none is fetched again row by row, so the
    page's queries do not grow with its rows, for every ledger."""
    client = login(users["office"])

    def queries(ledger):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(ledger.url_name("list")))
        assert response.status_code == 200, ledger.slug
        return len(captured)

    for ledger in registry:
        marker = f"NQ{ledger.slug}".replace("-", "")
        ledger_row(ledger, tree["town"], f"{marker}1Z")
        one = queries(ledger)
        ledger_row(ledger, tree["county"], f"{marker}2Z")
        ledger_row(ledger, tree["dept"], f"{marker}3Z")
        assert queries(ledger) == one, ledger.slug


def test_what_a_related_row_shows_is_what_its_label_fields_load(tree):
    """A model's `label_fields` name every field its `__str__` reads: loaded alone, it needs no other query."""
    from fazhi.enforcement.models import Matter
    from fazhi.org.models import Unit
    from fazhi.services.models import Application

    for factory in ("cases", "applications"):
        ledger_row(registry.get(factory), tree["town"], "LF1Z")
    for model in (Unit, ServiceItem, Application, Matter):
        row = model._base_manager.only(*model.label_fields).order_by("pk").first()
        with CaptureQueriesContext(connection) as captured:
            label = str(row)
        assert label and not captured.captured_queries, model


def test_the_filter_form_kept_rendered_follows_each_scope_and_each_choice(users, tree):
    """A list's filter form is kept rendered per process (LedgerListView.filter_cells_key): the office's form, with
    every unit, is never shown to a county, and a chosen unit stays chosen only on the page that chose it."""
    office, county = Client(), Client()
    office.force_login(users["office"])
    county.force_login(users["unit_admin"])
    url = reverse("ledger:service-items-list")

    def unit_options(client, query=""):
        page = client.get(url + query).content.decode()
        return page.split('id="id_unit">')[1].split("</select>")[0]  # the filter's, not the unit switcher's

    assert "另一县人民政府" in unit_options(office)
    shown = unit_options(county)
    assert "另一县人民政府" not in shown and "测试县城关镇人民政府" in shown
    chosen = unit_options(county, f"?unit={tree['town'].pk}")
    assert f'<option value="{tree["town"].pk}" selected>' in chosen
    assert " selected" not in unit_options(county).replace('<option value="" selected>', "")
    assert "另一县人民政府" in unit_options(office, f"?unit={tree['town'].pk}")

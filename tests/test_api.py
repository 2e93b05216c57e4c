"""The REST API: token auth, data scope, the model's own rules, soft delete, schema and docs."""

from django.urls import reverse
from rest_framework.authtoken.models import Token

from fazhi.services.models import ServiceItem

from .factories import make_item


def test_token_auth_and_scope(users, tree, client):
    make_item(tree["town"], code="MINE")
    make_item(tree["other_county"], code="THEIRS")
    token = Token.objects.create(user=users["clerk"])
    response = client.get(reverse("api:service-items-list"), HTTP_AUTHORIZATION=f"Token {token.key}")
    codes = [row["code"] for row in response.json()["results"]]
    assert codes == ["MINE"]
    assert client.get(reverse("api:service-items-list")).status_code in (401, 403)


def test_api_refuses_what_the_form_refuses(users, tree, client):
    client.force_login(users["clerk"])
    payload = {
        "unit": tree["town"].pk,
        "code": "API-1",
        "name": "接口事项",
        "item_type": "licensing",
        "statutory_limit": 10,
        "promised_limit": 12,
        "effective_from": "2025-01-01",
    }
    response = client.post(reverse("api:service-items-list"), payload, content_type="application/json")
    assert response.status_code == 400
    assert "优化营商环境条例" in response.json()["promised_limit"][0]
    payload["promised_limit"] = 4
    assert client.post(reverse("api:service-items-list"), payload, content_type="application/json").status_code == 201
    payload.update(code="API-2", unit=tree["other_county"].pk)
    assert client.post(reverse("api:service-items-list"), payload, content_type="application/json").status_code == 400


def test_api_delete_is_soft_and_needs_a_reason(users, tree, client):
    item = make_item(tree["town"])
    client.force_login(users["clerk"])
    assert client.delete(reverse("api:service-items-detail", args=[item.pk])).status_code == 400
    assert client.delete(reverse("api:service-items-detail", args=[item.pk]) + "?reason=录入错误").status_code == 204
    assert ServiceItem.all_objects.get(pk=item.pk).deletion_reason == "录入错误"


def test_schema_and_offline_docs(users, client):
    client.force_login(users["office"])
    schema = client.get(reverse("api:schema"))
    assert schema.status_code == 200 and b"/api/applications/" in schema.content
    docs = client.get(reverse("api:docs")).content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()


def test_bad_payloads_get_chinese_errors_and_write_nothing(users, tree, client):
    client.force_login(users["clerk"])
    base = {
        "unit": tree["town"].pk,
        "code": "BAD-1",
        "name": "事项",
        "item_type": "licensing",
        "statutory_limit": 10,
        "promised_limit": 5,
        "effective_from": "2025-01-01",
    }
    cases = [
        ({"statutory_limit": "十"}, "statutory_limit", "整数"),
        ({"name": "长" * 201}, "name", "200"),
        ({"item_type": "不存在的类型"}, "item_type", "不是合法选项"),
        ({"effective_from": "2025-02-30"}, "effective_from", "日期"),
        ({"unit": "'; DROP TABLE org_unit; --"}, "unit", ""),
    ]
    for change, field, words in cases:
        response = client.post(reverse("api:service-items-list"), {**base, **change}, content_type="application/json")
        assert response.status_code == 400, change
        assert words in " ".join(response.json()[field]), response.json()
    assert not ServiceItem.all_objects.exists()
    stored = client.post(
        reverse("api:service-items-list"),
        {**base, "name": "<b>x</b>'; DROP TABLE org_unit; --"},
        content_type="application/json",
    )
    assert stored.status_code == 201 and ServiceItem.objects.get().name == "<b>x</b>'; DROP TABLE org_unit; --"
    assert (
        client.post(reverse("api:service-items-list"), "{not json", content_type="application/json").status_code == 400
    )

"""API fuzzing (issue 9, hardening): every operation of the OpenAPI schema, as every role, with schemathesis.

For each role the test generates requests for every operation of the project's own schema, positive and
negative (malformed, overlong, wrong types), calls the API in-process through Django's WSGI handler with the
role's token, and requires:

* no server error (5xx);
* status code, content type and body as the schema documents them (refusals included);
* malformed requests refused with a 4xx;
* no row outside the role's data scope, in any list, detail or write response.

Path ids and foreign keys in bodies are drawn mostly from the fixed data set (rows inside and outside the
role's scope), so the fuzzer reaches real rows instead of answering 404 to random integers. Every example
runs in a savepoint that is rolled back, so each starts from the same data and nothing leaks across tests.
The number of examples is bounded and the generation derandomized: a run is reproducible and takes about a
minute or two on a small CI machine.
"""

import os
from types import SimpleNamespace

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from fazhi.api.urls import router
from fazhi.core.ledgers import registry
from fazhi.org.models import Unit
from fazhi.org.scope import scope_of

from .factories import ledger_row

ROLES = ["sysadmin", "office", "unit_admin", "clerk", "leader"]
# Examples per operation, each sent as every role. Bounded so the whole fuzz stays within a few minutes of CI;
# FAZHI_FUZZ_EXAMPLES=50 runs a deeper (still deterministic) search locally.
MAX_EXAMPLES = int(os.environ.get("FAZHI_FUZZ_EXAMPLES", "4"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def wsgi_app():
    """Django's own WSGI handler, kept from closing the test's connection at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_app, db):
    return schemathesis.openapi.from_wsgi(reverse("api:schema") + "?format=json", wsgi_app)


@pytest.fixture
def fixed_rows(tree):
    """One row of every ledger in each of four units: two sibling subtrees (the county with its town, the
    other county) and a department of the city government."""
    for ledger in registry:
        for key in ("town", "county", "other_county", "dept"):
            unit = tree[key]
            ledger_row(ledger, unit, f"FZ{ledger.slug}{unit.code}Z".replace("-", ""))


def model_for(path: str):
    """The model an API path serves: /api/<prefix>/… → the viewset registered under that prefix."""
    prefix = path.strip("/").split("/")[1]
    viewset = next(viewset for registered, viewset, _ in router.registry if registered == prefix)
    return viewset.queryset.model


def owning_unit(model, pk):
    if model is Unit:
        return Unit.objects.filter(pk=pk).first()
    lookup = model.objects.all().unit_lookup
    unit_id = model._base_manager.filter(pk=pk).values_list(lookup, flat=True).first()
    return Unit.objects.filter(pk=unit_id).first()


def rows_in(body, operation_path: str, method: str):
    if not isinstance(body, dict):
        return []
    if "/evidence/" in operation_path:
        return []  # evidence files are reached only under their row, whose id in the path is checked
    if method == "GET" and not operation_path.endswith("{id}/"):
        return body.get("results") or []
    return [body]


def scope_leaks(user, case, response) -> list[str]:
    """Rows a successful request reached (the row of its path, the rows it returned) outside the user's scope."""
    if not 200 <= response.status_code < 300:
        return []
    if user is None:
        return [f"{case.method.upper()} {case.formatted_path}: answered {response.status_code} without a token"]
    scope = scope_of(user)
    model = model_for(case.operation.path)
    ids = [case.path_parameters["id"]] if "id" in (case.path_parameters or {}) else []
    if response.content:
        ids += [row.get("id") for row in rows_in(response.json(), case.operation.path, case.method.upper())]
    leaks = []
    for pk in ids:
        unit = owning_unit(model, pk)
        if unit is None or not scope.allows(unit):
            leaks.append(
                f"{case.method.upper()} {case.formatted_path}: {model.__name__} {pk} of unit "
                f"{getattr(unit, 'code', None)} outside the scope of {user.username}"
            )
    return leaks


def related_choices(admin):
    """For each serializer's relation fields, the ids of every existing row they may point to."""
    context = {"request": SimpleNamespace(user=admin)}
    choices = {}
    for prefix, viewset, _ in router.registry:
        fields = {}
        for name, field in viewset.serializer_class(context=context).get_fields().items():
            related = getattr(field, "child_relation", field)
            queryset = getattr(related, "queryset", None)
            if isinstance(related, serializers.PrimaryKeyRelatedField) and queryset is not None:
                ids = sorted(queryset.model._base_manager.values_list("pk", flat=True))
                if ids:
                    fields[name] = ids
        choices[prefix] = fields
    return choices


def steer(case, draw, ids_by_model, choices):
    """Point most generated ids at real rows (inside and outside the scope); keep some raw fuzzed values."""
    if "id" in (case.path_parameters or {}):
        ids = ids_by_model[model_for(case.operation.path)]
        if ids and draw(st.integers(0, 3)):
            case.path_parameters["id"] = draw(st.sampled_from(ids))
    if isinstance(case.body, dict):
        prefix = case.operation.path.strip("/").split("/")[1]
        for name, ids in choices.get(prefix, {}).items():
            if name in case.body and draw(st.integers(0, 3)):
                value = draw(st.sampled_from(ids))
                case.body[name] = [value] if isinstance(case.body[name], list) else value
    case.meta  # noqa: B018 -- reading it re-judges the edited case: a negative id replaced by a real one is positive


# The operations are dealt into shards so that pytest-xdist spreads the fuzzing over the workers.
FUZZ_SHARDS = 4


@pytest.mark.parametrize("shard", range(FUZZ_SHARDS))
def test_fuzz_every_operation_as_every_role(shard, users, fixed_rows, api_schema):
    """Each generated request is sent once per role, and once without a token (which must be refused): the
    generation cost is shared, and every role sees every case. Shard `shard` takes every FUZZ_SHARDS-th operation."""
    tokens = {role: Token.objects.create(user=users[role]).key for role in ROLES}
    ids_by_model = {
        viewset.queryset.model: sorted(viewset.queryset.model._base_manager.values_list("pk", flat=True))
        for _, viewset, _ in router.registry
    }
    choices = related_choices(users["sysadmin"])
    operations = [result.ok() for result in api_schema.get_all_operations()]
    # units (list, detail), the 办件 sync; per ledger: list, create, read, update, patch, delete, restore and each step;
    # per ledger taking evidence: its list, upload and download
    expected = 2 + 1 + sum(7 + len(ledger.actions) + 3 * ledger.evidence for ledger in registry)
    assert len(operations) == expected, "the schema lost operations"
    failures = []
    for operation in operations[shard::FUZZ_SHARDS]:
        strategy = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        @FUZZ_SETTINGS
        @given(case=strategy, data=st.data())
        def fuzz(case, data):
            steer(case, data.draw, ids_by_model, choices)
            for role in [*ROLES, "anonymous"]:
                headers = {"Authorization": f"Token {tokens[role]}"} if role in tokens else {}
                try:
                    with transaction.atomic():
                        response = case.call(headers=headers)
                        case.validate_response(response, checks=CHECKS, headers=headers)
                        leaks = scope_leaks(users.get(role), case, response)
                        assert not leaks, leaks
                        transaction.set_rollback(True)
                except (Exception, BaseExceptionGroup) as error:
                    error.add_note(f"(as {role})")
                    raise

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as error:  # collect every operation's failure, then report them all
            notes = " ".join(getattr(error, "__notes__", []))
            failures.append(f"{operation.label} {notes}: {error}")
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)


def test_refusals_the_fuzzer_found_are_clear_400s(users, tree, client):
    """Each case once answered 500, 200 or an HTML page; now a 4xx with a Chinese message (JSON)."""
    client.force_login(users["clerk"])
    town = tree["town"].pk
    # A statutory deadline computed on save, for a date no rule in force covers: was a 500.
    response = client.post(
        reverse("api:suggestions-list"),
        {
            "unit": town,
            "kind": "cppcc",
            "session": "一届一次",
            "number": "T-1",
            "title": "提案",
            "proposer": "委员",
            "assigned_on": "0118-07-25",
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "没有有效的法律规定" in str(response.json()), response.content
    item = {
        "unit": town,
        "code": "I-1",
        "name": "事项",
        "item_type": "licensing",
        "statutory_limit": 10,
        "promised_limit": 5,
        "effective_from": "2025-01-01",
    }
    for change, words in [
        ({"name": 12345}, "文本"),
        ({"name": "事项\x13"}, "控制字符"),
        ({"name": " " + "长" * 200}, "200"),
    ]:
        response = client.post(reverse("api:service-items-list"), {**item, **change}, content_type="application/json")
        assert response.status_code == 400 and words in str(response.json()), (change, response.content)
    # Form encodings are not accepted (they let "" stand for "not given").
    assert client.post(reverse("api:service-items-list"), item).status_code == 415
    # Query parameters: a typo or a value of the wrong type is refused, not ignored.
    for query, words in [
        ("service-items/?unti=5", "不支持的查询参数"),
        ("service-items/?cross_province=maybe", "true 或 false"),
        ("service-items/?page_size=true", "正整数"),
        ("decision-catalogues/?year=1.5", "整数"),
    ]:
        response = client.get(f"/api/{query}")
        assert response.status_code == 400 and words in str(response.json()), (query, response.content)
    assert client.get(reverse("api:service-items-list") + "?cross_province=&page_size=2").status_code == 200
    # A path no route matches, under /api/: JSON, not the site's HTML page.
    response = client.get("/api/service-items/2.5e-275/")
    assert response.status_code == 404 and response.json() == {"detail": "接口地址不存在"}

"""The data-scope walk: every registered route, every role, no row of another unit.

Test code (tests/test_scope_walk.py runs it). A function view taking a pk names the model it serves with
fazhi.core.routes.serves, which the product ships.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

# Routes the walk does not request, each with the reason. Anything else must be walkable.
SKIPPED_NAMESPACES = {
    "admin": "Django admin is for 系统管理员 (is_staff) only, whose scope is the whole tree",
    "portal": "the public portal shows only what the law makes public; its own tests check it shows nothing else",
}
SKIPPED_NAMES = {"logout": "ends the session", "login": "public form, shows no ledger data"}
PARAMETER_VALUES = {
    "area": "services",
    "format": "json",
    "action": "any",
    "field": "any",
    "task_id": "8f0c3a52-5b8e-4d2a-9a53-2f3c1d6f7e10",
    "file_id": 1,  # an evidence file under a row (fazhi.evidence): the row of another unit answers 404 first
}
PARAMETER_VALUES["year"] = 2027  # 系统管理 → 工作日历: a year whose holidays are not published yet


@dataclass(frozen=True)
class Route:
    namespace: str | None
    name: str | None  # namespaced url name
    params: tuple[str, ...]
    callback: object


def iter_routes(urlconf=None):
    yield from _walk(get_resolver(urlconf).url_patterns, None)


def _walk(patterns, namespace):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, full)
        elif isinstance(entry, URLPattern):
            pattern = entry.pattern
            params = tuple(getattr(pattern, "converters", {}) or ()) or tuple(pattern.regex.groupindex)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(namespace=namespace, name=name, params=params, callback=entry.callback)


def model_of(callback):
    """The model a view serves: a ledger view's ledger, or a DRF viewset's queryset model."""
    if getattr(callback, "model", None) is not None:  # a function view marked with @serves(Model)
        return callback.model
    initkwargs = getattr(callback, "view_initkwargs", None) or getattr(callback, "initkwargs", None) or {}
    ledger = initkwargs.get("ledger") or getattr(getattr(callback, "cls", None), "ledger", None)
    if ledger is not None:
        return ledger.model
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    queryset = getattr(cls, "queryset", None)
    return queryset.model if queryset is not None else getattr(cls, "model", None)


def response_text(response) -> str:
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if "spreadsheetml" in content_type:
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return body.decode("utf-8", errors="replace")


def find_scope_leaks(
    client, outside_rows: dict, markers: list[str], outside_unit, urlconf=None, shared_rows=None
) -> list[str]:
    """Request every route as the logged-in client; return a description of each leak or uncovered route.

    outside_rows maps a model to one row the user must not reach; markers are strings that only rows outside
    the user's scope carry; outside_unit is a unit outside the user's scope, offered to every form.
    shared_rows maps models that belong to no unit (an assessment run of the whole city) to a row: the user
    may open it, but what it shows must carry no marker.
    """
    shared_rows = shared_rows or {}
    from fazhi.org.models import Unit

    outside_rows = {Unit: outside_unit, **outside_rows}
    problems = []
    for route in iter_routes(urlconf):
        if (route.namespace or "").split(":")[0] in SKIPPED_NAMESPACES or route.name in SKIPPED_NAMES:
            continue
        if route.name is None:
            problems.append(f"unnamed route {route.callback!r}: name it so the walk can reach it")
            continue
        kwargs = {}
        for param in route.params:
            if param == "pk":
                model = model_of(route.callback)
                if model in shared_rows:
                    kwargs["pk"] = shared_rows[model].pk
                    continue
                if model not in outside_rows:
                    problems.append(f"{route.name}: no outside row of {model} to test with")
                    break
                kwargs["pk"] = outside_rows[model].pk
            elif param in PARAMETER_VALUES:
                kwargs[param] = PARAMETER_VALUES[param]
            else:
                problems.append(f"{route.name}: parameter {param!r} unknown to the scope walk")
                break
        else:
            url = reverse(route.name, kwargs=kwargs, urlconf=urlconf)
            for method in ("get", "post"):
                shared = "pk" in kwargs and model_of(route.callback) in shared_rows
                data = {"unit": outside_unit.pk} if "pk" not in kwargs or shared else {}
                response = getattr(client, method)(url, data)
                if response.status_code >= 500:
                    problems.append(f"{method.upper()} {url}: server error {response.status_code}")
                    continue
                if "pk" in kwargs and not shared and response.status_code not in (403, 404, 405):
                    problems.append(f"{method.upper()} {url}: row of another unit answered {response.status_code}")
                if response.status_code == 200:
                    text = response_text(response)
                    leaked = [marker for marker in markers if marker in text]
                    if leaked:
                        problems.append(f"{method.upper()} {url}: shows rows of other units {leaked[:3]}")
    return problems

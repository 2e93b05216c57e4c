from django.urls import reverse

from fazhi.core.current import current_unit, session_year, year_choices
from fazhi.core.ledgers import AREA_NAMES, AREAS, registry
from fazhi.org.scope import scope_of


def active_ledger(match):
    """The ledger a generic ledger view serves (its as_view(ledger=...)), else None."""
    return getattr(getattr(match, "func", None), "view_initkwargs", {}).get("ledger")


def side_menu(request, active_area, ledger):
    """The left-hand menu: each area with its pages and ledgers; the area and the item shown are marked."""
    from .views import AREA_PAGES  # the area pages live with the area view

    path = request.path
    menu = []
    for key, name in AREAS:
        items = []
        for title, url_name in AREA_PAGES.get(key, []):
            url = reverse(url_name)
            items.append({"title": title, "url": url, "active": ledger is None and path == url, "page": True})
        for item in registry.in_area(key):
            url = reverse(item.url_name("list"))
            items.append({"title": item.title, "url": url, "active": item is ledger, "page": False})
        active = key == active_area or any(item["active"] for item in items)
        menu.append({"key": key, "name": name, "url": reverse("web:area", args=[key]), "items": items, "open": active})
    return menu


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from fazhi.org.models import Unit

    units = list(Unit.objects.visible_to(user).only("id", "name", "depth", "valid_to"))
    top = min((unit.depth for unit in units), default=0)
    for unit in units:
        unit.indent = "\u3000" * (unit.depth - top)
    scope = scope_of(user)
    scope_label = "全市" if scope.everything else (user.unit.name if user.unit_id else "")
    match = getattr(request, "resolver_match", None)
    ledger = active_ledger(match)
    area = (
        getattr(match, "kwargs", {}).get("area")
        or (ledger.area if ledger is not None else None)
        or getattr(request, "active_area", None)
    )
    return {
        "nav_areas": AREAS,
        "active_area": area,
        "active_area_name": AREA_NAMES.get(area, ""),
        "side_menu": side_menu(request, area, ledger),
        "switchable_units": units,
        "current_unit": current_unit(request),
        "scope_label": scope_label,
        "session_year": session_year(request),
        "year_choices": year_choices(),
    }

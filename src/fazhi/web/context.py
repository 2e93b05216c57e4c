from functools import lru_cache

from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from fazhi.core.cells import esc
from fazhi.core.current import current_unit, scope_units, session_year, year_choices
from fazhi.core.ledgers import AREA_NAMES, AREAS, registry
from fazhi.org.scope import scope_of


def active_ledger(match):
    """The ledger a generic ledger view serves (its as_view(ledger=...)), else None."""
    return getattr(getattr(match, "func", None), "view_initkwargs", {}).get("ledger")


@lru_cache(maxsize=8)
def _menu_entries(prefix: str) -> tuple:
    """The menu's areas and their entries with their addresses: code, not data, so worked out once per process."""
    from .views import AREA_PAGES  # the area pages live with the area view

    areas = []
    for key, name in AREAS:
        entries = [(title, reverse(url_name), False, None) for title, url_name in AREA_PAGES.get(key, [])]
        entries += [(item.title, reverse(item.url_name("list")), True, item) for item in registry.in_area(key)]
        areas.append((key, name, reverse("web:area", args=[key]), tuple(entries)))
    return tuple(areas)


def side_menu_html(request, active_area, ledger) -> str:
    """The left-hand menu's areas as HTML (base.html): each with its pages and ledgers, the area and the item shown
    marked. The same for every user, so kept per process for each place it can be opened at (area, ledger, page)."""
    prefix = get_script_prefix()
    on_area_page = getattr(getattr(request, "resolver_match", None), "view_name", None) == "web:area"
    pages = {url for *_, entries in _menu_entries(prefix) for _, url, is_ledger, _ in entries if not is_ledger}
    page = request.path if ledger is None and request.path in pages else None
    return _side_menu_html(prefix, active_area, ledger.slug if ledger else None, page, on_area_page)


@lru_cache(maxsize=512)
def _side_menu_html(prefix: str, active_area, ledger_slug, page, on_area_page: bool) -> str:
    parts = []
    for key, name, area_url, entries in _menu_entries(prefix):
        items = []
        for title, url, is_ledger, item in entries:
            active = item.slug == ledger_slug if is_ledger else page == url
            items.append((title, url, active, not is_ledger))
        is_open = key == active_area or any(active for _, _, active, _ in items)
        links = "".join(
            format_html(
                '<li><a class="side-link side-sub{}{}" href="{}" title="{}">{}</a></li>',
                " active" if active else "",
                " side-page" if is_page else "",
                url,
                title,
                title,
            )
            for title, url, active, is_page in items
        )
        parts.append(
            format_html(
                '\n    <details class="side-group" data-area="{}"{}>\n      <summary class="side-area{}">{}</summary>\n'
                '      <ul class="list-unstyled mb-1">\n'
                '        <li><a class="side-link side-sub{}" href="{}">概览</a></li>\n'
                "        {}\n      </ul>\n    </details>\n    ",
                key,
                " open" if is_open else "",
                " current" if is_open else "",
                name,
                " active" if key == active_area and on_area_page else "",
                area_url,
                mark_safe(links),
            )
        )
    return mark_safe("".join(parts))


INDENT = "\u3000"  # a full-width space per level below the top of the user's scope


def unit_options(request, current) -> str:
    """The unit switcher's options (base.html): the units in the user's scope, indented by depth below the top one,
    the chosen one selected."""
    return _unit_options(tuple(scope_units(request)), current.pk if current else None)


@lru_cache(maxsize=512)
def _unit_options(units: tuple, current_id) -> str:
    # Kept per process, keyed by the units themselves (read for each page): never out of date.
    top = min((depth for _, _, depth, *_ in units), default=0)
    options = []
    for pk, name, depth, valid_to, _ in units:
        selected = " selected" if pk == current_id else ""
        indent = INDENT * (depth - top)
        ended = "（已撤销）" if valid_to else ""
        options.append(f'\n      <option value="{esc(pk)}"{selected}>{esc(indent)}{esc(name)}{ended}</option>\n      ')
    return mark_safe("".join(options))


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    scope_label = "全市" if scope.everything else (user.unit.name if user.unit_id else "")
    match = getattr(request, "resolver_match", None)
    ledger = active_ledger(match)
    area = (
        getattr(match, "kwargs", {}).get("area")
        or (ledger.area if ledger is not None else None)
        or getattr(request, "active_area", None)
    )
    current = current_unit(request)
    return {
        "nav_areas": AREAS,
        "active_area": area,
        "active_area_name": AREA_NAMES.get(area, ""),
        "side_menu_html": side_menu_html(request, area, ledger),
        "unit_options": unit_options(request, current),
        "current_unit": current,
        "scope_label": scope_label,
        "session_year": session_year(request),
        "year_choices": year_choices(),
    }

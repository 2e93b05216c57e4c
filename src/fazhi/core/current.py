"""The unit a user is working on (the unit switcher; it only ever narrows the user's scope), and the year."""

from django.apps import apps
from django.utils import timezone

from fazhi.org.scope import check_unit_in_scope, scope_of

SESSION_KEY = "fazhi_unit_id"


def current_unit(request):
    """The selected unit, or None for the user's whole scope. A stale or out-of-scope choice is dropped."""
    unit_id = request.session.get(SESSION_KEY)
    if not unit_id:
        return None
    unit = apps.get_model("org", "Unit").objects.filter(pk=unit_id).first()
    if unit is None or not scope_of(request.user).allows(unit):
        request.session.pop(SESSION_KEY, None)
        return None
    return unit


def scope_units(request) -> list[tuple[int, str, int, object, str]]:
    """(id, name, depth, valid_to, path) of every unit in the user's scope, in tree order: read once per request for the
    pages' unit switcher and unit filters (a unit's name is what its options show, `Unit.__str__`)."""
    units = getattr(request, "_fazhi_scope_units", None)
    if units is None:
        units = list(
            apps.get_model("org", "Unit")
            .objects.visible_to(request.user)
            .values_list("id", "name", "depth", "valid_to", "path")
        )
        request._fazhi_scope_units = units
    return units


def set_current_unit(request, unit) -> None:
    if unit is None:
        request.session.pop(SESSION_KEY, None)
        return
    check_unit_in_scope(request.user, unit)
    request.session[SESSION_KEY] = unit.pk


YEAR_SESSION_KEY = "fazhi_year"
FIRST_YEAR = 2019  # the first year the ledgers and figures pages offer


def year_choices() -> range:
    """The years a page offers, newest first: this year down to FIRST_YEAR."""
    return range(timezone.localdate().year, FIRST_YEAR - 1, -1)


def session_year(request) -> int:
    """The year chosen in the header for the whole session, else last year: the one whose report and figures are
    due. Every page that shows a year opens on it."""
    stored = getattr(request, "session", {}).get(YEAR_SESSION_KEY)
    if isinstance(stored, int) and stored in year_choices():
        return stored
    return timezone.localdate().year - 1


def set_session_year(request, year: int) -> None:
    if year not in year_choices():
        raise ValueError(f"year {year} is not offered")
    request.session[YEAR_SESSION_KEY] = year


def year_of(request, default: int | None = None) -> int:
    """The year asked for in the query (`?year=`), else `default`, else the session's year (`session_year`)."""
    fallback = default if default is not None else session_year(request)
    try:
        return int(request.GET.get("year") or fallback)
    except ValueError:
        return fallback


def focus_unit(request):
    """The unit whose figures a page shows: the chosen one, else the top of the user's scope."""
    return current_unit(request) or (
        apps.get_model("org", "Unit").objects.visible_to(request.user).order_by("depth", "sort_order", "pk").first()
    )

from fazhi.core.current import current_unit
from fazhi.core.ledgers import AREAS
from fazhi.org.scope import scope_of


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
    return {
        "nav_areas": AREAS,
        "active_area": getattr(match, "kwargs", {}).get("area") or getattr(request, "active_area", None),
        "switchable_units": units,
        "current_unit": current_unit(request),
        "scope_label": scope_label,
    }

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from fazhi.core.current import current_unit
from fazhi.core.ledgers import registry
from fazhi.org.choices import Role

from . import items as todo

PAGE_SIZE = 50
SEES_UNITS = {Role.SYSADMIN, Role.OFFICE, Role.LEADER}


def _int(value, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(value), low), high)
    except (TypeError, ValueError):
        return default


def todo_context(request, *, limit: int = PAGE_SIZE) -> dict:
    """Everything the to-do page and the 工作台 show, for the request's user, unit and filters."""
    window = todo.Window.on(todo.today(), _int(request.GET.get("within"), todo.warning_workdays(), 0, 60))
    unit = current_unit(request)
    ledger = request.GET.get("ledger") or None
    if ledger and ledger not in {s.ledger.slug for s in todo.sources()}:
        ledger = None
    state = request.GET.get("state") if request.GET.get("state") in todo.STATE_NAMES else None
    mine = request.GET.get("mine") == "1"
    entered_by = request.user if mine else None
    page = _int(request.GET.get("page"), 1, 1, 10_000)
    memo = todo.Memo.for_user(request.user, window, unit)
    sees_units = request.user.role in SEES_UNITS
    by_unit = todo.counts_by_unit(request.user, window, unit, ledger, memo=memo) if sees_units else []
    if sees_units and entered_by is None:
        by_source = todo.counts_from_units(by_unit, ledger)  # the same rows, summed
    else:
        by_source = todo.counts_by_source(request.user, window, unit, entered_by, ledger, memo=memo)
    totals = todo.Counts()
    for _, counts in by_source:
        totals.add(counts)
    shown = {todo.OVERDUE: totals.overdue, todo.TODAY: totals.today, todo.SOON: totals.soon}.get(state, totals.total)
    page_items = todo.items(
        request.user,
        window,
        within_unit=unit,
        entered_by=entered_by,
        ledger=ledger,
        state=state,
        offset=(page - 1) * limit,
        limit=limit,
        memo=memo,
    )
    return {
        "window": window,
        "ledger": ledger,
        "state": state,
        "mine": mine,
        "page": page,
        "has_next": page * limit < shown,
        "shown": shown,
        "totals": totals,
        "by_source": by_source,
        "by_unit": by_unit,
        "items": page_items,
        "ledgers": [ledger for ledger in registry if ledger.duties],
        "state_names": todo.STATE_NAMES,
        "current_unit": unit,
    }


@login_required
def index(request):
    return render(request, "todo/index.html", todo_context(request))

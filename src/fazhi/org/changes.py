"""机构改革 as steps: merge, rename, split and move units, each in one transaction, recorded as a `UnitChange`.

The views of 单位管理 (fazhi.system.units) call these functions and nothing else writes a unit's dates or moves it
under another parent on a date. What a change does, and what it leaves alone:

- ledger rows and their history stay with the unit they were entered for; nothing of a ledger is rewritten;
- a predecessor that ends (merge, split) gets `valid_to`, the day before the change; a ledger row dated after it
  is refused for that unit from every road (`core.models.check_unit_in_force`);
- a new successor gets `valid_from`, the day of the change; a row dated before it is refused for it;
- the successors' users see the predecessors' rows (`org.scope`);
- figures follow the rows: a year's figures of the old units cover their rows up to the change, the new unit's
  the rows after it; a move keeps the unit and its rows, and the tree of an earlier period is the one in force
  then (`UnitQuerySet.tree_at`).

Every saved unit's history record carries the change as its reason and the user who recorded it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from .choices import UnitChangeKind
from .models import Unit, UnitChange, User, chinese_date

ONE_DAY = dt.timedelta(days=1)


# -- checks (pure: they read the units given, write nothing) -----------------------------------------------------
def check_in_force(units: Iterable[Unit], on: dt.date, field: str) -> None:
    """Each unit is in force on the change's day and was already in force the day before (a unit cannot end on
    the day it begins)."""
    for unit in units:
        if unit.valid_to is not None and unit.valid_to < on:
            raise ValidationError({field: f"“{unit.name}”已于{chinese_date(unit.valid_to)}后撤销，不能再参与机构改革"})
        if unit.valid_from is not None and unit.valid_from >= on:
            raise ValidationError(
                {field: f"“{unit.name}”自{chinese_date(unit.valid_from)}起设立，生效日期应晚于其设立日期"}
            )


def check_merge(predecessors: list[Unit], successor: Unit, on: dt.date) -> None:
    if successor.pk is not None and any(unit.pk == successor.pk for unit in predecessors):
        raise ValidationError({"predecessors": f"“{successor.name}”是合并后的单位，不应同时列为被合并单位"})
    needed = 2 if successor.pk is None else 1
    if len(predecessors) < needed:
        raise ValidationError(
            {"predecessors": "合并为新单位时至少选择两个原单位" if needed == 2 else "请选择并入的原单位"}
        )
    check_in_force(predecessors, on, "predecessors")
    if successor.pk is not None and not successor.in_force_on(on):
        raise ValidationError({"successor": f"“{successor.name}”在生效日期不在存续期内"})
    if successor.parent_id is not None and any(unit.pk == successor.parent_id for unit in predecessors):
        raise ValidationError({"parent": "合并后的单位不能隶属于被合并（撤销）的单位"})


def check_split(predecessor: Unit, successors: list[Unit], on: dt.date) -> None:
    if len(successors) < 2:
        raise ValidationError({"successors": "分设至少需要两个新单位"})
    if any(unit.pk == predecessor.pk for unit in successors):
        raise ValidationError({"successors": f"“{predecessor.name}”分设后撤销，不能同时作为新单位"})
    check_in_force([predecessor], on, "predecessor")
    for unit in successors:
        if unit.valid_to is not None and unit.valid_to < on:
            raise ValidationError({"successors": f"“{unit.name}”在生效日期前已撤销"})


def check_rename(unit: Unit, name: str, on: dt.date) -> None:
    if not name.strip():
        raise ValidationError({"name": "请填写新名称"})
    if name.strip() == unit.name:
        raise ValidationError({"name": "新名称与现名称相同"})
    if not unit.in_force_on(on):
        raise ValidationError({"unit": f"“{unit.name}”在生效日期不在存续期内"})


def check_move(unit: Unit, parent: Unit | None, on: dt.date) -> None:
    if (parent.pk if parent else None) == unit.parent_id:
        raise ValidationError({"parent": "新的上级单位与现上级单位相同"})
    if parent is not None and parent.path.startswith(unit.path):
        raise ValidationError({"parent": "上级单位不能是本单位或其下级单位"})
    if not unit.in_force_on(on):
        raise ValidationError({"unit": f"“{unit.name}”在生效日期不在存续期内"})
    if parent is not None and not parent.in_force_on(on):
        raise ValidationError({"parent": f"“{parent.name}”在生效日期不在存续期内"})


# -- steps ---------------------------------------------------------------------------------------------------------
def _save(unit: Unit, reason: str, user) -> None:
    unit._change_reason = reason
    unit._history_user = user if getattr(user, "is_authenticated", False) else None
    unit.save()


def _record(kind, on, predecessors, successors, *, document, note, user, details) -> UnitChange:
    change = UnitChange(kind=kind, effective_on=on, document=document or "", note=note or "", details=details)
    change.created_by = user if getattr(user, "is_authenticated", False) else None
    change._history_user = change.created_by
    change._change_reason = f"登记机构改革（{change.get_kind_display()}）"
    change.save()
    change.predecessors.set(predecessors)
    change.successors.set(successors)
    return change


def _reason(kind: str, on: dt.date, document: str) -> str:
    label = UnitChangeKind(kind).label
    return f"机构改革：{label}（{chinese_date(on)}生效{'，' + document if document else ''}）"


def _end(units: Iterable[Unit], on: dt.date, reason: str, user) -> None:
    for unit in units:
        unit.valid_to = on - ONE_DAY
        _save(unit, reason, user)


def _move(unit: Unit, parent: Unit | None, reason: str, user) -> dict:
    move = {"unit": unit.pk, "from": unit.parent_id, "to": parent.pk if parent else None}
    unit.parent = parent
    _save(unit, reason, user)
    return move


def _lock(units: Iterable[Unit]) -> list[Unit]:
    """The units as stored now, locked until the end of the transaction, in the caller's order."""
    ids = [unit.pk for unit in units]
    stored = Unit.objects.select_for_update().in_bulk(ids)
    return [stored[pk] for pk in ids]


def merge_units(
    predecessors: Iterable[Unit],
    successor: Unit,
    on: dt.date,
    *,
    user=None,
    document: str = "",
    note: str = "",
    move_children: bool = True,
    move_users: bool = True,
) -> UnitChange:
    """合并: the predecessors end the day before `on`; `successor`, a saved unit or a new one (unsaved; set up on
    `on`), carries on. The predecessors' units below, and their users, move to the successor when asked."""
    reason = _reason(UnitChangeKind.MERGE, on, document)
    with transaction.atomic():
        predecessors = _lock(predecessors)
        if successor.pk is not None:
            successor = _lock([successor])[0]
        check_merge(predecessors, successor, on)
        if successor.pk is None:
            successor.valid_from = on
            successor.full_clean()
            _save(successor, reason, user)
        _end(predecessors, on, reason, user)
        moves = []
        if move_children:
            ended = {unit.pk for unit in predecessors}
            children = (
                Unit.objects.filter(parent_id__in=ended)
                .exclude(valid_to__lt=on)
                .exclude(pk=successor.pk)
                .order_by("path")
            )
            moves = [_move(child, successor, reason, user) for child in children]
        moved_users = []
        if move_users:
            moved_users = list(User.objects.filter(unit__in=predecessors).values_list("pk", flat=True))
            User.objects.filter(pk__in=moved_users).update(unit=successor)
        return _record(
            UnitChangeKind.MERGE,
            on,
            predecessors,
            [successor],
            document=document,
            note=note,
            user=user,
            details={"moves": moves, "users": moved_users},
        )


def split_unit(
    predecessor: Unit,
    successors: Iterable[Unit],
    on: dt.date,
    *,
    user=None,
    document: str = "",
    note: str = "",
    set_up_successors: bool = True,
) -> UnitChange:
    """分设: `predecessor` ends the day before `on` and its work passes to the successors (saved units: create
    them first). `set_up_successors`: a successor with no 设立日期 gets `on` as its own. The predecessor's users and
    the units below it stay where they are: to whom each goes is decided one by one (a move, the users page)."""
    reason = _reason(UnitChangeKind.SPLIT, on, document)
    with transaction.atomic():
        predecessor = _lock([predecessor])[0]
        successors = _lock(successors)
        check_split(predecessor, successors, on)
        if set_up_successors:
            for unit in successors:
                if unit.valid_from is None:
                    unit.valid_from = on
                    _save(unit, reason, user)
        _end([predecessor], on, reason, user)
        return _record(
            UnitChangeKind.SPLIT, on, [predecessor], successors, document=document, note=note, user=user, details={}
        )


def rename_unit(
    unit: Unit, name: str, on: dt.date, *, short_name: str | None = None, user=None, document: str = "", note: str = ""
) -> UnitChange:
    """更名: the same unit under a new name; its rows, figures, users and place in the tree are unchanged (its
    history keeps the old name)."""
    reason = _reason(UnitChangeKind.RENAME, on, document)
    with transaction.atomic():
        unit = _lock([unit])[0]
        check_rename(unit, name, on)
        details = {"old_name": unit.name, "new_name": name.strip()}
        if short_name is not None:
            details.update(old_short_name=unit.short_name, new_short_name=short_name.strip())
            unit.short_name = short_name.strip()
        unit.name = name.strip()
        _save(unit, reason, user)
        return _record(
            UnitChangeKind.RENAME, on, [unit], [unit], document=document, note=note, user=user, details=details
        )


def move_unit(
    unit: Unit, parent: Unit | None, on: dt.date, *, user=None, document: str = "", note: str = ""
) -> UnitChange:
    """调整隶属关系: the unit (with the units below it) moves under `parent` from `on`. It stays the same unit: its
    rows and figures are its own; periods ending before `on` are totalled in the tree as it stood then."""
    reason = _reason(UnitChangeKind.MOVE, on, document)
    with transaction.atomic():
        unit = _lock([unit])[0]
        if parent is not None:
            parent = _lock([parent])[0]
        check_move(unit, parent, on)
        move = _move(unit, parent, reason, user)
        return _record(
            UnitChangeKind.MOVE, on, [unit], [unit], document=document, note=note, user=user, details={"moves": [move]}
        )

"""Data scope: which units' rows a user may see and change. This module is the only place that decides it.

Every list, detail, form, export and API endpoint reaches rows through `ScopedQuerySet.visible_to`, and
`tests/test_scope_walk.py` walks every registered route with every role to prove none bypasses it.

After a 机构改革 (org.UnitChange) a unit carries on the work of its predecessors: its users see the predecessors'
rows as their own (a clerk the predecessors' own rows, a subtree role the predecessors' subtrees), and their
predecessors' in turn.
"""

import threading
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.signals import request_finished, request_started
from django.db import models
from simple_history.signals import post_create_historical_record

from .history import Kept, history_versions, memo_seconds, tree_version_in

WHOLE_TREE_ROLES = frozenset({"sysadmin", "office"})
SUBTREE_ROLES = frozenset({"unit_admin", "leader"})
READ_ONLY_ROLES = frozenset({"leader"})


@dataclass(frozen=True)
class Scope:
    everything: bool
    root_path: str | None  # a subtree root, for subtree roles
    own_unit_id: int | None  # a single unit, for clerks
    inherited_paths: tuple[str, ...] = ()  # the subtrees of the root's predecessors (subtree roles)
    inherited_ids: frozenset[int] = frozenset()  # the own unit's predecessors (clerks)

    def allows(self, unit) -> bool:
        if self.everything:
            return True
        if self.root_path is not None:
            return any(unit.path.startswith(path) for path in (self.root_path, *self.inherited_paths))
        return unit.pk == self.own_unit_id or unit.pk in self.inherited_ids


NOTHING = Scope(everything=False, root_path=None, own_unit_id=None)


def scope_of(user) -> Scope:
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    if user.is_superuser or user.role in WHOLE_TREE_ROLES:
        return Scope(everything=True, root_path=None, own_unit_id=None)
    if user.unit_id is None:
        return NOTHING
    # Asked several times a request (lists, forms, the unit switcher): kept on the user object for its unit and
    # role, the same object for the whole request.
    key = (user.unit_id, user.role)
    cached = getattr(user, "_fazhi_scope", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    if user.role in SUBTREE_ROLES:
        scope = Scope(
            everything=False,
            root_path=user.unit.path,
            own_unit_id=None,
            inherited_paths=kept(("subtrees", user.unit.path), lambda: inherited_subtrees(user.unit.path)),
        )
    else:
        inherited = kept(("units", user.unit_id), lambda: inherited_units(user.unit_id))
        scope = Scope(everything=False, root_path=None, own_unit_id=user.unit_id, inherited_ids=inherited)
    user._fazhi_scope = (key, scope)
    return scope


# -- what a process keeps of the unit tree ----------------------------------------------------------------------

_kept = Kept(entries=1024)  # results kept per process, the least recently used dropped first


def clear_kept() -> None:
    _kept.clear()


_request = threading.local()  # this thread's request: whether one is being served, and the tree's version it read


def _request_started(**kwargs) -> None:
    _request.active, _request.version = True, None


def _request_finished(**kwargs) -> None:
    _request.active, _request.version = False, None


def _tree_changed(sender, instance=None, **kwargs) -> None:
    if instance is not None and instance._meta.label in ("org.Unit", "org.UnitChange"):
        _request.version = None  # a unit or a 机构改革 written in this request: read the version again


request_started.connect(_request_started, dispatch_uid="fazhi.org.scope.request_started")
request_finished.connect(_request_finished, dispatch_uid="fazhi.org.scope.request_finished")
post_create_historical_record.connect(_tree_changed, dispatch_uid="fazhi.org.scope.tree_changed")


def tree_version() -> tuple | None:
    """The newest history record of the units and of their 机构改革 (fazhi.org.history), read once per request and
    again after the request wrote one; None outside a request (a job, a command): nothing is kept for those."""
    if not getattr(_request, "active", False):
        return None
    if _request.version is None:
        _request.version = tree_version_in(history_versions([]))
    return _request.version


def note_tree_version(versions: dict) -> None:
    """The tree's version as read along with other tables' (`history_versions`' answer, which holds the units' and
    the 机构改革's), so that a request that read it there does not read it again."""
    if getattr(_request, "active", False) and _request.version is None:
        _request.version = tree_version_in(versions)


def kept(key: tuple, compute):
    """`compute()`, read from the unit tree (a scope's inherited units, a subtree's unit ids), kept per process while
    the tree's history has no newer record (`tree_version`) and for at most `memo_seconds()`; 0: read every time.
    A new unit, a move or a 机构改革 writes history, so the next read sees the tree afresh."""
    seconds = memo_seconds()
    version = tree_version() if seconds > 0 else None
    if version is None:
        return compute()
    return _kept.get((key, version), compute)


def _succession():
    """(predecessor id, predecessor path, successor id, successor path) of every 机构改革 that links two units."""
    change_model = apps.get_model("org", "UnitChange")
    edges = change_model.objects.values_list(
        "predecessors__id", "predecessors__path", "successors__id", "successors__path"
    )
    # A rename or a move keeps the unit: nothing to inherit.
    return [edge for edge in edges if edge[0] is not None and edge[2] is not None and edge[0] != edge[2]]


def _predecessors_of(start: set[int], edges) -> set[int]:
    by_successor: dict[int, set[int]] = {}
    for predecessor, _, successor, _ in edges:
        by_successor.setdefault(successor, set()).add(predecessor)
    found, frontier = set(), list(start)
    while frontier:
        for predecessor in by_successor.get(frontier.pop(), ()):
            if predecessor not in found and predecessor not in start:
                found.add(predecessor)
                frontier.append(predecessor)
    return found


def inherited_units(unit_id: int) -> frozenset[int]:
    """The predecessors of the unit, and theirs in turn: the units whose rows its clerks see."""
    edges = _succession()
    return frozenset(_predecessors_of({unit_id}, edges)) if edges else frozenset()


def inherited_subtrees(root_path: str) -> tuple[str, ...]:
    """The subtrees of the predecessors of any unit under `root_path` that lie outside it."""
    edges = _succession()
    if not edges:
        return ()
    inside = {successor for _, _, successor, path in edges if path.startswith(root_path)}
    inherited = _predecessors_of(inside, edges)
    paths = {path for predecessor, path, _, _ in edges if predecessor in inherited}
    outside = sorted(path for path in paths if not path.startswith(root_path))
    # A subtree inside another adds nothing.
    return tuple(path for path in outside if not any(path != other and path.startswith(other) for other in outside))


def can_write(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role not in READ_ONLY_ROLES


def check_unit_in_scope(user, unit) -> None:
    if not scope_of(user).allows(unit):
        raise PermissionDenied("所选单位不在您的数据范围内")


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows which unit owns each row (`unit_lookup`) and filters by a user's scope."""

    unit_lookup = "unit"

    def scope_filter(self, root_paths):
        # The subtree's ids as a literal list: the unit table is small, and PostgreSQL plans an index scan
        # on the ledger's unit column for a list where it would hash-join a subquery over the whole table.
        unit_model = apps.get_model("org", "Unit")
        q = models.Q()
        for path in root_paths:

            def subtree(path=path):
                return tuple(unit_model.objects.filter(path__startswith=path).values_list("pk", flat=True))

            ids = list(kept(("subtree", path), subtree))
            q |= models.Q(**{f"{self.unit_lookup}__in": ids})
        return q

    def own_filter(self, unit_id):
        return models.Q(**{f"{self.unit_lookup}_id" if "__" not in self.unit_lookup else self.unit_lookup: unit_id})

    def units_filter(self, unit_ids):
        return models.Q(**{f"{self.unit_lookup}__in": sorted(unit_ids)})

    def visible_to(self, user, within=None):
        """Rows the user may see; `within` narrows to one unit's subtree, which must itself be in scope."""
        scope = scope_of(user)
        if scope == NOTHING:
            return self.none()
        qs = self
        if scope.root_path is not None:
            qs = qs.filter(self.scope_filter([scope.root_path, *scope.inherited_paths]))
        elif scope.inherited_ids:
            qs = qs.filter(self.units_filter({scope.own_unit_id, *scope.inherited_ids}))
        elif not scope.everything:
            qs = qs.filter(self.own_filter(scope.own_unit_id))
        if within is not None:
            check_unit_in_scope(user, within)
            if scope.own_unit_id != within.pk:
                qs = qs.filter(self.scope_filter([within.path]))
        return qs

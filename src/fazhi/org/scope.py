"""Data scope: which units' rows a user may see and change. This module is the only place that decides it.

Every list, detail, form, export and API endpoint reaches rows through `ScopedQuerySet.visible_to`, and
`tests/test_scope_walk.py` walks every registered route with every role to prove none bypasses it.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models

WHOLE_TREE_ROLES = frozenset({"sysadmin", "office"})
SUBTREE_ROLES = frozenset({"unit_admin", "leader"})
READ_ONLY_ROLES = frozenset({"leader"})


@dataclass(frozen=True)
class Scope:
    everything: bool
    root_path: str | None  # a subtree root, for subtree roles
    own_unit_id: int | None  # a single unit, for clerks

    def allows(self, unit) -> bool:
        if self.everything:
            return True
        if self.root_path is not None:
            return unit.path.startswith(self.root_path)
        return unit.pk == self.own_unit_id


NOTHING = Scope(everything=False, root_path=None, own_unit_id=None)


def scope_of(user) -> Scope:
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    if user.is_superuser or user.role in WHOLE_TREE_ROLES:
        return Scope(everything=True, root_path=None, own_unit_id=None)
    if user.unit_id is None:
        return NOTHING
    if user.role in SUBTREE_ROLES:
        return Scope(everything=False, root_path=user.unit.path, own_unit_id=None)
    return Scope(everything=False, root_path=None, own_unit_id=user.unit_id)


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
            ids = list(unit_model.objects.filter(path__startswith=path).values_list("pk", flat=True))
            q |= models.Q(**{f"{self.unit_lookup}__in": ids})
        return q

    def own_filter(self, unit_id):
        return models.Q(**{f"{self.unit_lookup}_id" if "__" not in self.unit_lookup else self.unit_lookup: unit_id})

    def visible_to(self, user, within=None):
        """Rows the user may see; `within` narrows to one unit's subtree, which must itself be in scope."""
        scope = scope_of(user)
        if scope == NOTHING:
            return self.none()
        qs = self
        if scope.root_path is not None:
            qs = qs.filter(self.scope_filter([scope.root_path]))
        elif not scope.everything:
            qs = qs.filter(self.own_filter(scope.own_unit_id))
        if within is not None:
            check_unit_in_scope(user, within)
            if scope.own_unit_id != within.pk:
                qs = qs.filter(self.scope_filter([within.path]))
        return qs

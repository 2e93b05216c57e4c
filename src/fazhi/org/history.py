"""How a process knows that what it kept is still true: the newest history record of the tables it was read from.

Every change of a ledger row, a unit or a 机构改革 writes a history record (django-simple-history; a 机构改革's
units through its m2m history), so a process may keep what it read from those tables while their history has no
newer record, and for at most `memo_seconds()` (a write that bypassed history is seen after that at the latest).
Used by the to-do memo (fazhi.todo.items.Memo) and the scope's unit tree (fazhi.org.scope).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from functools import cache

from django.conf import settings
from django.db import connections, router


def memo_seconds() -> float:
    """How long a process may reuse what it kept (settings.FAZHI_TODO_MEMO_SECONDS); 0: never."""
    return float(getattr(settings, "FAZHI_TODO_MEMO_SECONDS", 0) or 0)


_MISSING = object()


class Kept:
    """Values a process keeps, the least recently used dropped beyond `entries`, each for `seconds()` (by default
    `memo_seconds()`; None: until dropped for room). Keys hold what the value follows from (here the versions,
    `history_versions`, it was read at), so a change is a new key, never a stale entry."""

    def __init__(self, entries: int, seconds=memo_seconds):
        self.entries = entries
        self.seconds = seconds
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, key, default=None):
        """The value kept under `key`, or `default`."""
        with self._lock:
            found = self._values.get(key)
            if found is None or (found[0] is not None and found[0] <= time.monotonic()):
                return default
            self._values.move_to_end(key)
            return found[1]

    def get(self, key, compute):
        found = self.peek(key, _MISSING)
        if found is not _MISSING:
            return found
        started = time.monotonic()  # what compute() reads is as old as this, not as its end
        value = compute()
        until = None if self.seconds is None else started + self.seconds()
        with self._lock:
            self._values[key] = (until, value)
            self._values.move_to_end(key)
            while len(self._values) > self.entries:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)


def history_versions(models) -> dict:
    """{model: (newest history id, newest history time)} of each model's history, and of the unit tree's (units and
    their 机构改革), in one statement of index look-ups. The time as well as the id: an id given back by a rolled
    back insert (SQLite) may be given again, to a later record."""
    from fazhi.org.models import Unit, UnitChange

    models = [*dict.fromkeys([*models, Unit, UnitChange])]
    connection = connections[router.db_for_read(Unit)]
    quote = connection.ops.quote_name
    columns = []
    for model in models:
        table = quote(history_table(model))
        columns += [
            f"(SELECT MAX({quote('history_id')}) FROM {table})",
            f"(SELECT MAX({quote('history_date')}) FROM {table})",
        ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns))
        row = cursor.fetchone()
    return {model: (row[2 * i], str(row[2 * i + 1])) for i, model in enumerate(models)}


def tree_version_in(versions: dict) -> tuple:
    """The unit tree's version in `history_versions`' answer: its units' and their 机构改革's newest records."""
    from fazhi.org.models import Unit, UnitChange

    return versions[Unit], versions[UnitChange]


@cache
def history_table(model) -> str:
    return model.history.model._meta.db_table  # `model.history` builds a manager class on every access

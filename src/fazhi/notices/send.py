"""Creating notifications: once per (user, key), whoever calls and however often."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .models import Notification


@dataclass(frozen=True)
class Message:
    user_id: int
    key: str
    title: str
    body: str = ""
    url: str = ""
    kind: str = ""


def notify(user, key: str, title: str, body: str = "", url: str = "", kind: str = "") -> bool:
    """Create the notification unless this user already has one with this key; True when it is new."""
    _, created = Notification.objects.get_or_create(
        user=user, key=key[:200], defaults={"title": title[:300], "body": body, "url": url[:500], "kind": kind}
    )
    return created


def notify_many(messages: Iterable[Message]) -> int:
    """Bulk form of `notify` for the nightly scan: one query per thousand; returns how many were new."""
    messages = list({(m.user_id, m.key[:200]): m for m in messages}.values())
    if not messages:
        return 0
    before = Notification.objects.filter(user_id__in={m.user_id for m in messages}).count()
    for start in range(0, len(messages), 1000):
        Notification.objects.bulk_create(
            [
                Notification(
                    user_id=m.user_id, key=m.key[:200], title=m.title[:300], body=m.body, url=m.url[:500], kind=m.kind
                )
                for m in messages[start : start + 1000]
            ],
            ignore_conflicts=True,
        )
    return Notification.objects.filter(user_id__in={m.user_id for m in messages}).count() - before

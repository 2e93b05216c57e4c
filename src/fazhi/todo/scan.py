"""The nightly deadline scan: 电子监察 cards, warnings to the people who must act, and the daily digest e-mails.

For every duty it reads the open rows due by the warning horizon (id, unit, due date, last change) and warns
each unit's clerks and unit administrators once per row and state: when it enters the warning window, on its last
day, and when it becomes overdue. A notification's key names the row, the state and the due date, so a second run
the same night, or a run after a missed night, sends nothing twice and misses nothing. The office (法治办) gets
one summary a day of the whole city instead of every row.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from fazhi.law.calendar import default_calendar
from fazhi.notices.models import DigestSent, Notification, Preference
from fazhi.notices.send import Message, notify_many
from fazhi.org.choices import Role
from fazhi.org.models import Unit, User
from fazhi.services.cards import issue_cards

from .items import STATE_NAMES, TODAY, Source, Window, counts_by_unit, sources, workdays_left
from .models import ScanRun

log = logging.getLogger(__name__)

# Who is warned about a row: the people who keep its unit's ledgers.
ROW_RECIPIENTS = (Role.CLERK, Role.UNIT_ADMIN)
# Who gets the city's daily summary instead.
SUMMARY_RECIPIENTS = (Role.OFFICE,)
NOTICE_KIND = "todo"


@dataclass
class ScanResult:
    day: dt.date
    rows: int = 0
    notices: int = 0
    yellow_cards: int = 0
    red_cards: int = 0
    digests: int = 0
    run_id: int | None = None


def _recipients_by_unit() -> dict[int, list[int]]:
    table: dict[int, list[int]] = defaultdict(list)
    users = User.objects.filter(is_active=True, role__in=ROW_RECIPIENTS, unit__isnull=False)
    for user_id, unit_id in users.values_list("pk", "unit_id"):
        table[unit_id].append(user_id)
    return table


def _labels(source: Source, pks: list[int]) -> dict[int, str]:
    model = source.ledger.model
    labels = {}
    for start in range(0, len(pks), 500):
        for obj in (
            model.objects.select_related(*source.ledger.select_related).in_bulk(pks[start : start + 500]).values()
        ):
            labels[obj.pk] = str(obj)
    return labels


def _existing(kind: str, keys: list[str]) -> set[tuple[int, str]]:
    found = set()
    for start in range(0, len(keys), 2000):
        chunk = keys[start : start + 2000]
        found.update(Notification.objects.filter(key__in=chunk, kind=kind).values_list("user_id", "key"))
    return found


def _row_messages(today: dt.date, window: Window, recipients: dict[int, list[int]]) -> tuple[int, list[Message]]:
    calendar = default_calendar()
    scanned, messages = 0, []
    for source in sources():
        due_field = source.duty.due_field
        rows = source.rows(source.ledger.model.objects.all(), window)
        wanted: list[tuple[int, int, dt.date, str]] = []
        for pk, unit_id, due in rows.values_list("pk", "unit_id", due_field).iterator(chunk_size=5000):
            scanned += 1
            if unit_id not in recipients:
                continue
            state = window.state(due)
            key = f"{NOTICE_KIND}:{state}:{source.key}:{pk}:{due.isoformat()}"
            wanted.append((pk, unit_id, due, key))
        if not wanted:
            continue
        # Only rows some recipient has not been told about yet need a label (the first night, or a new state).
        existing = _existing(f"{NOTICE_KIND}:{source.key}", [w[3] for w in wanted])
        new = [w for w in wanted if any((user_id, w[3]) not in existing for user_id in recipients[w[1]])]
        labels = _labels(source, [w[0] for w in new])
        detail = source.ledger.url_name("detail")
        for pk, unit_id, due, key in new:
            state = window.state(due)
            left = workdays_left(calendar, today, due)
            when = "今日到期" if state == TODAY else (f"已逾期{-left}个工作日" if left < 0 else f"{left}个工作日后到期")
            title = f"【{STATE_NAMES[state]}】{source.label}：{labels.get(pk, pk)}（{when}）"
            mark = "（暂定）" if calendar.is_provisional(due) else ""
            body = f"期限：{due:%Y年%m月%d日}{mark}；依据：{source.duty.rule_on(due)}"
            url = reverse(detail, args=[pk]) + (f"#step-{source.duty.step}" if source.duty.step else "")
            for user_id in recipients[unit_id]:
                if (user_id, key) not in existing:
                    messages.append(Message(user_id, key, title, body, url, kind=f"{NOTICE_KIND}:{source.key}"))
    return scanned, messages


def _summary_messages(today: dt.date, window: Window) -> list[Message]:
    """The office's daily summary: the city's counts per unit, computed once and cut to each user's scope."""
    messages = []
    readers = list(User.objects.filter(is_active=True, role__in=SUMMARY_RECIPIENTS))
    if not readers:
        return messages
    city = counts_by_unit(readers[0], window, everything=True)
    for user in readers:
        visible = set(Unit.objects.visible_to(user).values_list("pk", flat=True))
        by_unit = [row for row in city if row.unit.pk in visible]
        overdue = sum(row.counts.overdue for row in by_unit)
        due_today = sum(row.counts.today for row in by_unit)
        soon = sum(row.counts.soon for row in by_unit)
        if not (overdue or due_today or soon):
            continue
        worst = "、".join(f"{row.unit.name}{row.counts.overdue}项" for row in by_unit[:5] if row.counts.overdue)
        messages.append(
            Message(
                user.pk,
                f"summary:{today.isoformat()}",
                f"{today:%m月%d日}待办汇总：逾期{overdue}项，今日到期{due_today}项，{window.within}个工作日内到期{soon}项",
                f"逾期较多的单位：{worst}" if worst else "",
                reverse("todo:index"),
                kind="summary",
            )
        )
    return messages


def scan(today: dt.date | None = None) -> ScanResult:
    """Issue the day's cards and warnings; safe to run again (nothing is issued or sent twice)."""
    today = today or timezone.localdate()
    run = ScanRun.objects.create(day=today, started_at=timezone.now())
    result = ScanResult(day=today, run_id=run.pk)
    cards = issue_cards(today)
    result.yellow_cards, result.red_cards = cards["yellow"], cards["red"]
    window = Window.on(today)
    result.rows, messages = _row_messages(today, window, _recipients_by_unit())
    messages += _summary_messages(today, window)
    result.notices = notify_many(messages)
    run.rows_scanned, run.notices = result.rows, result.notices
    run.yellow_cards, run.red_cards = result.yellow_cards, result.red_cards
    run.finished_at = timezone.now()
    run.save()
    return result


def _digest_text(user, notices: list[Notification], day: dt.date) -> str:
    site = settings.FAZHI_SITE_URL.rstrip("/")
    lines = [f"{user.full_name or user.username}：", "", f"截至{day:%Y年%m月%d日}，以下事项需要您关注：", ""]
    for notice in notices:
        lines.append(f"· {notice.title}")
        if notice.body:
            lines.append(f"  {notice.body}")
        if notice.url:
            lines.append(f"  {site}{notice.url}")
    lines += ["", f"全部待办：{site}{reverse('todo:index')}", f"不再接收此邮件：{site}{reverse('notices:inbox')}"]
    return "\n".join(lines)


def send_digests(day: dt.date | None = None) -> int:
    """One e-mail per user per day with the notifications not yet mailed; users who opted out get none.

    The day's DigestSent row is written in the same transaction as the mailing: a second run finds it and sends
    nothing; a mail server failure rolls it back and the next run tries again.
    """
    day = day or timezone.localdate()
    opted_out = Preference.objects.filter(daily_digest=False).values("user_id")
    users = (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .exclude(pk__in=opted_out)
        .filter(Q(notifications__emailed_at__isnull=True, notifications__read_at__isnull=True))
        .distinct()
    )
    sent = 0
    for user in users:
        notices = list(
            Notification.objects.filter(user=user, emailed_at__isnull=True, read_at__isnull=True).order_by(
                "created_at", "id"
            )[:200]
        )
        if not notices:
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(user=user, day=day, notices=len(notices))
                send_mail(
                    f"【法治政府建设平台】{day:%m月%d日}待办提醒（{len(notices)}项）",
                    _digest_text(user, notices, day),
                    settings.DEFAULT_FROM_EMAIL,
                    [user.email],
                )
                Notification.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=timezone.now())
        except IntegrityError:
            continue  # already mailed today
        except OSError:
            log.exception("digest mail to %s failed; it will be retried on the next run", user.pk)
            continue
        sent += 1
    return sent


def nightly(today: dt.date | None = None) -> ScanResult:
    """The scheduled job: the scan, then the digests of what it found."""
    result = scan(today)
    result.digests = send_digests(result.day)
    ScanRun.objects.filter(pk=result.run_id).update(digests=result.digests)
    return result

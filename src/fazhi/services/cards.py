"""电子监察 of 政务服务: issuing yellow and red cards.

A yellow card when an accepted application reaches its last working day (its due date) undecided; a red card
when it is still undecided after it. Each application gets each colour once; a card, once issued, stays.
`issue_cards(day)` is what the nightly scan runs; `backfill_cards(start, end)` issues what a scan on every day of
a past span would have issued (for imported history and the demo city), from each application's dates.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q

from .choices import ApplicationStatus
from .models import Application, SupervisionCard

BATCH = 5000


def _issue(rows, colour: str) -> int:
    """Bulk-insert cards from (application id, unit id, due date, issue day) rows; a card already there stays."""
    issued, batch = 0, []
    for application_id, unit_id, due_on, issued_on in rows:
        batch.append(
            SupervisionCard(
                application_id=application_id, unit_id=unit_id, colour=colour, issued_on=issued_on, due_on=due_on
            )
        )
        if len(batch) >= BATCH:
            SupervisionCard.objects.bulk_create(batch, ignore_conflicts=True)
            issued, batch = issued + len(batch), []
    if batch:
        SupervisionCard.objects.bulk_create(batch, ignore_conflicts=True)
    return issued + len(batch)


def _without_card(colour: str):
    return Application.objects.exclude(pk__in=SupervisionCard.objects.filter(colour=colour).values("application_id"))


def issue_cards(day: dt.date) -> dict[str, int]:
    """The cards of `day` (the scan runs before office hours): yellow for applications accepted before today and due
    today, red for those past due; both still undecided."""
    open_accepted = Q(status=ApplicationStatus.ACCEPTED, decided_on__isnull=True)
    yellow = _without_card(SupervisionCard.Colour.YELLOW).filter(open_accepted, due_on=day, accepted_on__lt=day)
    red = _without_card(SupervisionCard.Colour.RED).filter(open_accepted, due_on__lt=day)
    return {
        "yellow": _issue(((a, u, d, day) for a, u, d in _rows(yellow)), SupervisionCard.Colour.YELLOW),
        "red": _issue(((a, u, d, day) for a, u, d in _rows(red)), SupervisionCard.Colour.RED),
    }


def backfill_cards(start: dt.date, end: dt.date) -> dict[str, int]:
    """The cards daily scans over [start, end] would have issued: yellow on the due date to every application accepted
    before it and still undecided that morning, red on the day after it to every one decided after it or not at all.
    An 即办件 (due the day it is accepted) gets no yellow card: no morning scan saw it open."""
    undecided_on_due = Q(decided_on__isnull=True) | Q(decided_on__gte=F("due_on"))
    late = Q(decided_on__isnull=True) | Q(decided_on__gt=F("due_on"))
    accepted = Q(accepted_on__isnull=False, due_on__isnull=False)
    one_day = dt.timedelta(days=1)
    yellow = _without_card(SupervisionCard.Colour.YELLOW).filter(
        accepted, undecided_on_due, accepted_on__lt=F("due_on"), due_on__range=(start, end)
    )
    red = _without_card(SupervisionCard.Colour.RED).filter(
        accepted, late, due_on__range=(start - one_day, end - one_day)
    )
    return {
        "yellow": _issue(((a, u, d, d) for a, u, d in _rows(yellow)), SupervisionCard.Colour.YELLOW),
        "red": _issue(((a, u, d, d + one_day) for a, u, d in _rows(red)), SupervisionCard.Colour.RED),
    }


def _rows(applications):
    return applications.values_list("pk", "unit_id", "due_on").iterator(chunk_size=BATCH)

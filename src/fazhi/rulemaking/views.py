"""Staff page of 制度建设与依法决策: what is due (filings, expiry evaluations, consultations, decisions waiting on a
procedure) and the year's figures. Every query goes through the scope layer."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from fazhi.core.current import current_unit, focus_unit, year_choices, year_of
from fazhi.metrics.catalogue import catalogue
from fazhi.metrics.registry import Period, unit_metrics

from . import rules
from .choices import DecisionStatus, DocumentStatus
from .models import Consultation, MajorDecision, NormativeDocument

LIMIT = 50


@login_required
def overview(request):
    today = timezone.localdate()
    within = current_unit(request)
    user = request.user
    documents = NormativeDocument.objects.visible_to(user, within=within).select_related("unit")
    unfiled = documents.filter(status=DocumentStatus.PUBLISHED, filing_required=True, filed_on__isnull=True)
    overdue_ids = rules.filing_overdue_documents(today).values("pk")
    year = year_of(request)
    unit = focus_unit(request)
    figures = []
    if unit is not None:
        values = unit_metrics(Period.year(year), [unit], families=["rules"])[unit.pk]
        figures = [
            (m.name, m.format(values.get(m.code)), m.definition)
            for m in catalogue().in_family("rules")
            if m.code in values
        ]
    return render(
        request,
        "rulemaking/overview.html",
        {
            "today": today,
            "year": year,
            "unit": unit,
            "figures": figures,
            "years": year_choices(),
            "filing_overdue": unfiled.filter(pk__in=overdue_ids).order_by("filing_due_on")[:LIMIT],
            "filing_due": unfiled.exclude(pk__in=overdue_ids).order_by("filing_due_on")[:LIMIT],
            "expiring": documents.filter(pk__in=rules.expiring_documents(today).values("pk")).order_by("valid_until")[
                :LIMIT
            ],
            "consultations": Consultation.objects.visible_to(user, within=within)
            .filter(ends_on__gte=today)
            .annotate(count=Count("comments"))
            .order_by("ends_on")[:LIMIT],
            "awaiting_feedback": Consultation.objects.visible_to(user, within=within)
            .filter(ends_on__lt=today, feedback_published_on__isnull=True)
            .order_by("ends_on")[:LIMIT],
            "decisions": MajorDecision.objects.visible_to(user, within=within)
            .filter(status=DecisionStatus.PLANNED)
            .select_related("unit")
            .order_by("proposed_on")[:LIMIT],
            "active_area": "rulemaking",
        },
    )

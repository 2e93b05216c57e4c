"""Public 行政执法公示: bodies, certified officers, the 权责清单 (事前) and published decisions (事后)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from .choices import PartyType
from .models import Case, EnforcementBody, Matter, valid_certificates

PAGE = 50


def page_of(request, queryset):
    return Paginator(queryset, PAGE).get_page(request.GET.get("page"))


def mask_person(name: str) -> str:
    """A natural person's name is shown as 张某: the decision is public, the person's identity is not."""
    return (name[:1] + "某") if name else ""


def index(request):
    return render(
        request,
        "enforcement/portal_index.html",
        {
            "bodies": EnforcementBody.objects.filter(is_active=True).count(),
            "matters": Matter.objects.filter(is_active=True).count(),
            "decisions": Case.objects.filter(published_on__isnull=False).count(),
        },
    )


def bodies(request):
    rows = EnforcementBody.objects.filter(is_active=True).select_related("unit").order_by("unit__path", "code")
    return render(request, "enforcement/portal_bodies.html", {"page": page_of(request, rows)})


def officers(request):
    """执法人员 holding a valid certificate today: name, certificate number, body and category."""
    certificates = (
        valid_certificates(timezone.localdate())
        .filter(officer__is_active=True, officer__deleted_at__isnull=True)
        .select_related("officer__body")
        .order_by("officer__body__code", "officer__name", "id")
    )
    return render(request, "enforcement/portal_officers.html", {"page": page_of(request, certificates)})


def matters(request):
    rows = Matter.objects.filter(is_active=True).select_related("body").order_by("body__code", "code")
    return render(request, "enforcement/portal_matters.html", {"page": page_of(request, rows)})


def decisions(request):
    rows = (
        Case.objects.filter(published_on__isnull=False).select_related("matter__body").order_by("-published_on", "-id")
    )
    page = page_of(request, rows)
    for case in page.object_list:
        case.public_party = mask_person(case.party_name) if case.party_type == PartyType.PERSON else case.party_name
        case.public_id = "" if case.party_type == PartyType.PERSON else case.party_id_number
    return render(request, "enforcement/portal_decisions.html", {"page": page})

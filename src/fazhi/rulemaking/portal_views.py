"""Public pages: normative documents in force (with search), the decision catalogues, and open consultations
with the comment form. Only what is published is shown; the public's own opinions are counted, never listed."""

from __future__ import annotations

import hashlib
import hmac

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from . import rules
from .choices import DocumentStatus
from .models import Consultation, DecisionCatalogue, MajorDecision, NormativeDocument

PAGE = 30
# Not statutory: how many opinions one client address may submit per window (count, seconds).
DEFAULT_COMMENT_RATE = (5, 600)
PUBLIC_STATUSES = (DocumentStatus.PUBLISHED, DocumentStatus.REPEALED, DocumentStatus.INVALIDATED)


def page_of(request, queryset):
    return Paginator(queryset, PAGE).get_page(request.GET.get("page"))


def documents(request):
    today = timezone.localdate()
    term = request.GET.get("q", "").strip()[:100]
    rows = rules.search_in_force(NormativeDocument.objects.select_related("unit"), term, today)
    rows = rows.order_by("-published_on", "-id")
    return render(
        request, "rulemaking/portal_documents.html", {"page": page_of(request, rows), "q": term, "today": today}
    )


def document(request, pk):
    doc = get_object_or_404(
        NormativeDocument.objects.select_related("unit"),
        pk=pk,
        status__in=PUBLIC_STATUSES,
        published_on__lte=timezone.localdate(),
    )
    return render(
        request,
        "rulemaking/portal_document.html",
        {
            "doc": doc,
            "in_force": doc.is_in_force(),
            "today": timezone.localdate(),
        },
    )


def decisions(request):
    today = timezone.localdate()
    catalogues = (
        DecisionCatalogue.objects.filter(published_on__lte=today)
        .select_related("unit")
        .prefetch_related(Prefetch("decisions", queryset=MajorDecision.objects.order_by("proposed_on", "id")))
        .order_by("-year", "unit__path")
    )
    return render(request, "rulemaking/portal_decisions.html", {"page": page_of(request, catalogues)})


def consultations(request):
    today = timezone.localdate()
    visible = Consultation.objects.filter(starts_on__lte=today).select_related("unit").annotate(count=Count("comments"))
    open_now = visible.filter(ends_on__gte=today).order_by("ends_on", "id")
    answered = visible.filter(ends_on__lt=today, feedback_published_on__isnull=False).order_by(
        "-feedback_published_on", "-id"
    )
    return render(
        request,
        "rulemaking/portal_consultations.html",
        {
            "open": open_now,
            "answered": page_of(request, answered),
            "today": today,
        },
    )


class CommentForm(forms.Form):
    control_size = ""  # the public page's controls are full size
    name = forms.CharField(label="姓名（可不填）", max_length=50, required=False)
    contact = forms.CharField(
        label="联系方式（可不填）",
        max_length=100,
        required=False,
    )
    content = forms.CharField(
        label="意见和建议",
        min_length=5,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "请填写意见内容",
            "min_length": "意见内容至少%(limit_value)d个字",
            "max_length": "意见内容最多%(limit_value)d个字",
        },
    )


def client_hash(request) -> str:
    """A keyed hash of the client address: enough to rate-limit and spot abuse, without keeping the address.
    REMOTE_ADDR is the address of whoever connected; behind a proxy the proxy must set it (not a header)."""
    address = request.META.get("REMOTE_ADDR", "")
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def within_rate(key: str) -> bool:
    limit, window = getattr(settings, "FAZHI_COMMENT_RATE", DEFAULT_COMMENT_RATE)
    cache_key = f"rulemaking:comment-rate:{key}"
    cache.add(cache_key, 0, timeout=window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        count = 1
    return count <= limit


@require_http_methods(["GET", "POST"])
def consultation(request, pk):
    today = timezone.localdate()
    item = get_object_or_404(Consultation.objects.select_related("unit"), pk=pk, starts_on__lte=today)
    if item.document_id is None and item.decision_id is None:
        raise Http404
    form, status, refusal = CommentForm(), 200, None
    if request.method == "POST":
        form = CommentForm(request.POST)
        try:
            rules.comments_open(item, timezone.localdate())
        except ValidationError as error:
            refusal, status = "；".join(error.messages), 400
        else:
            if form.is_valid():
                key = client_hash(request)
                if not within_rate(key):
                    refusal, status = "提交过于频繁，请稍后再试", 429
                else:
                    data = form.cleaned_data
                    try:
                        rules.submit_comment(
                            item,
                            content=data["content"],
                            name=data["name"],
                            contact=data["contact"],
                            client_hash=key,
                            on=timezone.localdate(),
                        )
                    except ValidationError as error:
                        refusal, status = "；".join(error.messages), 400
                    else:
                        messages.success(request, "您的意见已提交，感谢参与。")
                        return redirect("portal:rulemaking:consultation", pk=item.pk)
            else:
                status = 400
    return render(
        request,
        "rulemaking/portal_consultation.html",
        {
            "item": item,
            "form": form,
            "refusal": refusal,
            "open": item.is_open(today),
            "count": item.comments.count(),
            "today": today,
        },
        status=status,
    )

from django.shortcuts import get_object_or_404
from django.shortcuts import render as render_page

from . import render
from .models import AnnualReport


def published():
    return AnnualReport.objects.filter(status=AnnualReport.Status.PUBLISHED).select_related("unit")


def index(request):
    reports = published().order_by("-year", "unit__path")
    return render_page(request, "reports/portal_index.html", {"reports": reports})


def document(request, pk):
    return render.response(get_object_or_404(published(), pk=pk), request.GET.get("format", "html"))

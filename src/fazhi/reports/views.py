from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404

from fazhi.core.routes import serves

from . import render
from .models import AnnualReport


@serves(AnnualReport)
@login_required
def document(request, pk):
    report = get_object_or_404(AnnualReport.objects.visible_to(request.user), pk=pk)
    return render.response(report, request.GET.get("format", "html"))

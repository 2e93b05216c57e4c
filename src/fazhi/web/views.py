from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from fazhi.core.current import set_current_unit, set_session_year, year_choices
from fazhi.core.ledgers import AREA_NAMES, registry
from fazhi.org.models import Unit
from fazhi.todo.views import todo_context

# Pages of an area beyond its ledgers (figures, dashboards), by url name.
AREA_PAGES = {
    "services": [("年度数据与图表", "services:figures")],
    "disputes": [("年度数据", "disputes:figures"), ("逾期统计", "disputes:overdue")],
    "oversight": [("年度数据", "oversight:figures"), ("逾期统计", "oversight:overdue")],
    "publicity": [("年度数据", "publicity:figures")],
    "enforcement": [("行政执法年度数据", "enforcement:figures")],
    "rulemaking": [("制度建设工作提醒与年度数据", "rulemaking:overview")],
    "decisions": [("制度建设工作提醒与年度数据", "rulemaking:overview")],
    "assessment": [
        ("考核与排名", "assessment:index"),
        ("考核方案", "assessment:schemes"),
        ("本单位考核指标", "assessment:unit_items"),
        ("历年趋势", "assessment:trend"),
        ("台账与报告数据比对", "assessment:gaps"),
    ],
    "reports": [("报送与公开", "reports:status"), ("读取已公开报告", "reports:reading_list")],
}


@login_required
def dashboard(request):
    """The 工作台 opens on what is due: the to-do summary, the first items and, for the office, the units."""
    return render(request, "web/dashboard.html", todo_context(request, limit=10))


@login_required
def area(request, area):
    if area not in AREA_NAMES:
        raise Http404("没有这个业务领域")
    pages = [(title, reverse(name)) for title, name in AREA_PAGES.get(area, [])]
    return render(
        request, "web/area.html", {"area_name": AREA_NAMES[area], "ledgers": registry.in_area(area), "pages": pages}
    )


@login_required
@require_POST
def switch_unit(request):
    unit_id = request.POST.get("unit")
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=unit_id) if unit_id else None
    set_current_unit(request, unit)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


@login_required
@require_POST
def switch_year(request):
    """The year every page opens on for the rest of the session (a page's own ?year= still wins)."""
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = None
    if year in year_choices():
        set_session_year(request, year)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    parts = urlsplit(target)  # the page's own ?year= would hide the choice just made
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "year"])
    return redirect(urlunsplit(parts._replace(query=query)))


@never_cache
@require_safe
def healthz(request):
    """Liveness for a load balancer: the process answers and its database does (one `SELECT 1`).

    Public and data-free; it reads no session, so it sets no cookie.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from fazhi.core.routes import serves

from .models import Notification, Preference

PAGE_SIZE = 50


@login_required
def inbox(request):
    notices = Notification.objects.filter(user=request.user)
    if request.GET.get("unread") == "1":
        notices = notices.filter(read_at__isnull=True)
    try:
        page = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        page = 1
    rows = list(notices[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    preference = Preference.objects.filter(user=request.user).first()
    return render(
        request,
        "notices/inbox.html",
        {
            "notices": rows[:PAGE_SIZE],
            "has_next": len(rows) > PAGE_SIZE,
            "page": page,
            "unread_only": request.GET.get("unread") == "1",
            "daily_digest": preference.daily_digest if preference else True,
        },
    )


@serves(Notification)
@login_required
@require_POST
def open_notice(request, pk):
    """Mark one notification read and go where it points."""
    notice = get_object_or_404(Notification, pk=pk, user=request.user)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    target = notice.url or "notices:inbox"
    if notice.url and not url_has_allowed_host_and_scheme(notice.url, allowed_hosts={request.get_host()}):
        target = "notices:inbox"
    return redirect(target)


@login_required
@require_POST
def read_all(request):
    count = Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, f"已将{count}条消息标记为已读")
    return redirect("notices:inbox")


@login_required
@require_POST
def preferences(request):
    wanted = request.POST.get("daily_digest") == "1"
    Preference.objects.update_or_create(user=request.user, defaults={"daily_digest": wanted})
    messages.success(request, "已开启每日待办邮件" if wanted else "已关闭每日待办邮件，站内消息照常提醒")
    return redirect("notices:inbox")

from .models import Notification


def unread(request):
    """The unread count for the header's 消息 badge (one indexed count per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": Notification.objects.filter(user=user, read_at__isnull=True).count()}

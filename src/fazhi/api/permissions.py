from rest_framework.permissions import SAFE_METHODS, BasePermission

from fazhi.org.scope import can_write


class LedgerPermission(BasePermission):
    message = "您没有执行该操作的权限"

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or can_write(request.user)

"""Error pages in Chinese, inside the layout, with the reason and a way back (403, 404, 405; 500 is static).

The API keeps its JSON errors: these handlers answer only pages outside /api/.
"""

from django.http import JsonResponse
from django.shortcuts import render

API_PREFIX = "/api/"


def _page(request, status: int, title: str, reason: str, hint: str = ""):
    return render(
        request,
        "error_page.html",
        {"error_status": status, "error_title": title, "error_reason": reason, "error_hint": hint},
        status=status,
    )


def _reason(exception, default: str) -> str:
    message = str(exception or "").strip()
    # Django's own exceptions carry English or technical text (e.g. a resolver's tried patterns): not for users.
    return message if message and not message.isascii() else default


def permission_denied(request, exception=None):
    return _page(
        request,
        403,
        "没有权限",
        _reason(exception, "您的角色或数据范围不允许进行此操作。"),
        "如确需办理，请联系本单位管理员调整角色或数据范围。",
    )


def page_not_found(request, exception=None):
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "接口地址不存在"}, status=404, json_dumps_params={"ensure_ascii": False})
    return _page(
        request,
        404,
        "页面或记录不存在",
        _reason(exception, "您要访问的页面或记录不存在，或者不在您的数据范围内。"),
        "请检查地址是否正确；记录可能已被删除（可在台账的回收站中查看）。",
    )


class MethodNotAllowedPage:
    """A 405 from a view (e.g. GET on a page that only accepts a form submission) becomes a page in Chinese."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or request.path.startswith(API_PREFIX) or response.content:
            return response
        page = _page(
            request,
            405,
            "不能直接打开此地址",
            "这个地址只接受页面上的按钮或表单提交，不能在浏览器地址栏中直接打开。",
            "请回到上一页，通过页面上的按钮完成操作。",
        )
        page["Allow"] = response.get("Allow", "")
        return page

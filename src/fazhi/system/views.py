"""系统管理: the entry page listing what the user's role may administer."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from fazhi.org.choices import Role

ADMINISTRATORS = {Role.SYSADMIN, Role.UNIT_ADMIN}


@login_required
def index(request):
    if request.user.role not in ADMINISTRATORS:
        raise PermissionDenied("只有系统管理员和单位管理员可以进入系统管理")
    return render(request, "system/index.html", {"sections": sections_for(request.user)})


def sections_for(user) -> list[tuple[str, str, str]]:
    """(title, url name, what it is for) of each part of 系统管理 this user may open."""
    return [section for section, roles in SECTIONS if user.role in roles]


# Each part of 系统管理 adds itself here: ((title, url name, description), roles that may open it).
SECTIONS: list[tuple[tuple[str, str, str], set[str]]] = [
    (
        ("用户管理", "system:users", "新建、导入、导出用户，修改单位和角色，停用账号，重置密码"),
        {Role.SYSADMIN, Role.UNIT_ADMIN},
    ),
    (("登录日志", "system:login-log", "每次登录成功、失败和退出：用户名、IP地址、时间、浏览器"), {Role.SYSADMIN}),
    (("操作日志", "system:operation-log", "谁在何时对哪条记录做了什么：各台账的变更记录和账号变更"), {Role.SYSADMIN}),
    (
        ("个人信息查看记录", "system:reveal-log", "谁在何时查看了哪条记录的完整身份证号、电话号码"),
        {Role.SYSADMIN},
    ),
    (
        ("佐证材料下载记录", "system:evidence-download-log", "谁在何时从哪里下载了哪条记录的哪个佐证材料"),
        {Role.SYSADMIN},
    ),
]

from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class UnitType(models.TextChoices):
    GOVERNMENT = "government", "人民政府"
    DEPARTMENT = "department", "政府工作部门"
    COUNTY = "county", "县（市、区）"
    TOWN = "town", "乡镇（街道）"
    ZONE = "zone", "功能区"
    OTHER = "other", "其他单位"


class UnitLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡级"


class Role(models.TextChoices):
    SYSADMIN = "sysadmin", "系统管理员"
    OFFICE = "office", "法治办"
    UNIT_ADMIN = "unit_admin", "单位管理员"
    CLERK = "clerk", "经办人"
    LEADER = "leader", "领导"


# The order of roles, as data: a user may grant only a role ranked at or below their own, and manage only users
# whose role ranks at or below their own (fazhi.system.accounts reads it; the scope of units is org.scope's).
ROLE_RANK: dict[str, int] = {
    Role.SYSADMIN: 3,
    Role.OFFICE: 2,
    Role.UNIT_ADMIN: 1,
    Role.LEADER: 0,
    Role.CLERK: 0,
}


# Who may see personal information (身份证号, phone numbers) whole: the people who handle the records. Everyone else
# sees it masked; these roles see it masked on pages too and reveal one value at a time, which is logged
# (fazhi.privacy), while their exports and API answers carry it whole.
PERSONAL_DATA_ROLES = frozenset({Role.CLERK, Role.UNIT_ADMIN})


class UnitChangeKind(models.TextChoices):
    MERGE = "merge", "合并"
    RENAME = "rename", "更名"
    SPLIT = "split", "分设"
    MOVE = "move", "调整隶属关系"

"""The self-assessment steps: the 法治办 reviews (fixes the score or returns it), the unit resubmits a returned one;
and the steps of a year's 考核方案: edits, import, publication, the lock of the first assessment run.

As in every ledger, a pure `check_*` validates a move against the row's fields and makes it in memory (the demo
generator replays it), and the locked step (`@step`) loads what it needs, calls it and saves.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.core.steps import StateConflict, step
from fazhi.law.steps import require_status, require_text
from fazhi.org.choices import UnitType
from fazhi.org.scope import WHOLE_TREE_ROLES

from .framework import FrameworkError, _rule, build_framework, check_formula, framework_data
from .models import OnMissing, Scheme, SchemeArea, SchemeIndicator, SchemeItem, SelfAssessment
from .schemes import DEFAULT_LABEL, framework_for, scheme_data
from .workbook import CODE, SCHEME_CODE

Status = SelfAssessment.Status


def item_points(assessment: SelfAssessment) -> float:
    try:
        return framework_for(assessment.year)[0].item(assessment.item).points
    except StopIteration:
        raise ValidationError(f"指标项“{assessment.item}”不在该年度的考核方案中") from None


def check_review(
    assessment: SelfAssessment, score: float | None, comment: str, returned: bool, *, maximum: float, user=None
) -> None:
    """Fix the reviewed score (within the item's points), or return the self-assessment with the reasons."""
    require_status(assessment, "审核", Status.SUBMITTED)
    comment = require_text(comment, ValidationError("请填写审核意见（退回修改的，说明需要修改的内容）"))
    if returned:
        score = None
    elif score is None:
        raise ValidationError("请填写审核得分")
    elif not 0 <= score <= maximum:
        raise ValidationError(f"审核得分应在0到该项分值{maximum:g}分之间")
    assessment.status = Status.RETURNED if returned else Status.REVIEWED
    assessment.reviewed_score, assessment.review_comment = score, comment
    assessment.reviewed_by, assessment.reviewed_at = user, timezone.now()


def check_resubmit(assessment: SelfAssessment) -> None:
    """A returned self-assessment, revised by its unit, goes back to the 法治办; the last review stays in history."""
    require_status(assessment, "重新提交", Status.RETURNED)
    assessment.status = Status.SUBMITTED


@step("审核自评")
def review(
    assessment: SelfAssessment, score: float | None, comment: str, returned: bool = False, user=None
) -> SelfAssessment:
    """Only the 法治办 fixes a self-assessment's score; the unit cannot review itself."""
    if user is not None and user.role not in WHOLE_TREE_ROLES and not user.is_superuser:
        raise PermissionDenied("只有法治办可以审核自评")
    check_review(assessment, score, comment, returned, maximum=item_points(assessment), user=user)
    assessment.save()
    return assessment


@step("重新提交自评")
def resubmit(assessment: SelfAssessment) -> SelfAssessment:
    check_resubmit(assessment)
    assessment.save()
    return assessment


# -- 考核方案: the scheme of a year ----------------------------------------------------------------------
# Every change of a scheme is a step on the scheme's row: it is locked while the change is made (two editors, or
# an edit and the run that locks the scheme, are served one after the other), a locked scheme is refused here
# and not only in a form, and the scheme's history records each change with the step's name.

SAVE_AREA, DELETE_AREA = "保存一级指标", "删除一级指标"
SAVE_INDICATOR, DELETE_INDICATOR = "保存二级指标", "删除二级指标"
SAVE_ITEM, DELETE_ITEM = "保存指标项", "删除指标项"
EDIT_SCHEME, IMPORT_SCHEME = "修改方案信息", "导入考核方案"
PUBLISH_SCHEME, LOCK_SCHEME = "发布考核方案", "考核锁定考核方案"
ITEM_FIELDS = [
    "indicator",
    "code",
    "name",
    "points",
    "formula",
    "rule",
    "applies_to",
    "on_missing",
    "guidance",
    "order",
]
SCHEME_FIELDS = ["name", "code", "version", "document", "applies_to", "on_missing", "green", "yellow"]
FIRST_YEAR, LAST_YEAR = 2000, 2100


def can_manage_schemes(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (user.is_superuser or user.role in WHOLE_TREE_ROLES)


def require_office(user) -> None:
    if user is not None and not can_manage_schemes(user):
        raise PermissionDenied("只有法治办可以维护考核方案")


def check_editable(scheme: Scheme) -> None:
    """A scheme the year's assessment has run under is kept as it was: its results are read against it."""
    if scheme.status == Scheme.Status.LOCKED:
        when = f"于{timezone.localtime(scheme.locked_at):%Y年%m月%d日}" if scheme.locked_at else ""
        raise StateConflict(
            f"{scheme}已{when}开展考核后锁定，不能再修改：该年度的考核结果按它计算。"
            "如需调整，请将它复制为新年度的方案后修改。"
        )


def check_types(types, field: str) -> list[str]:
    unknown = [t for t in types if t not in UnitType.values]
    if unknown:
        raise ValidationError({field: f"没有这种单位类型：{'、'.join(unknown)}"})
    return list(types)


def normalized_rule(rule: dict) -> dict:
    """The rule with its numbers as floats: a scheme reads the same whether typed, imported or copied."""
    shaped = {"type": rule["type"]}
    for key in ("lower", "upper", "threshold"):
        if key in rule:
            shaped[key] = float(rule[key])
    if "bands" in rule:
        shaped["bands"] = [{"min": float(b["min"]), "share": float(b["share"])} for b in rule["bands"]]
    return shaped


def add_content(scheme: Scheme, data: dict, reason: str) -> None:
    """Areas, indicators and items of file-format data, written under the scheme with history."""
    for area_order, area_spec in enumerate(data["areas"], 1):
        area = SchemeArea(scheme=scheme, code=area_spec["code"], name=area_spec["name"], order=area_order)
        area._change_reason = reason
        area.save()
        for indicator_order, indicator_spec in enumerate(area_spec["indicators"], 1):
            indicator = SchemeIndicator(
                area=area, code=indicator_spec["code"], name=indicator_spec["name"], order=indicator_order
            )
            indicator._change_reason = reason
            indicator.save()
            for item_order, spec in enumerate(indicator_spec["items"], 1):
                rule = normalized_rule(spec["rule"])
                item = SchemeItem(
                    scheme=scheme,
                    indicator=indicator,
                    code=spec["code"],
                    name=spec["name"],
                    points=float(spec["points"]),
                    formula="" if rule["type"] == "qualitative" else str(spec.get("formula") or ""),
                    rule=rule,
                    target=spec.get("target"),
                    applies_to=list(spec.get("applies_to") or []),
                    on_missing=spec.get("on_missing") or "",
                    guidance=spec.get("guidance") or "",
                    order=item_order,
                )
                item._change_reason = reason
                item.save()


def check_data(data: dict) -> None:
    try:
        build_framework(data, "")
    except (FrameworkError, KeyError, TypeError) as error:
        raise ValidationError(f"指标体系有误：{error}") from None


@transaction.atomic
def create_scheme(year: int, source: Scheme | None = None, user=None) -> Scheme:
    """A draft scheme for the year, copied from another year's scheme or (source None) the packaged framework."""
    require_office(user)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": f"年度应在{FIRST_YEAR}到{LAST_YEAR}之间"})
    if Scheme.objects.filter(year=year).exists():
        raise ValidationError({"year": f"{year}年度已有考核方案，请直接修改它"})
    if source is None:
        data = framework_data()
        copied_from = f"{DEFAULT_LABEL}（{data['name']}，{data['version']}）"
    else:
        data = scheme_data(source)
        copied_from = f"{source}（{source.name}，{source.version}）"
    check_data(data)
    lights = data.get("lights") or {}
    scheme = Scheme(
        year=year,
        code=data["code"],
        name=data["name"],
        version=f"{year}.1",
        document=data.get("document") or "",
        applies_to=list(data.get("applies_to") or []),
        on_missing=data.get("on_missing") or "zero",
        source_priority=list(data.get("source_priority") or ["ledger", "report", "manual"]),
        green=float(lights.get("green", 0.85)),
        yellow=float(lights.get("yellow", 0.7)),
        copied_from=copied_from,
    )
    reason = f"复制自{copied_from}"
    scheme._change_reason = reason
    scheme.save()
    add_content(scheme, data, reason)
    return scheme


def changed(scheme: Scheme) -> None:
    """Count a change of the scheme's content (the cache key of its framework) and record it in its history."""
    scheme.revision += 1
    scheme.save()


@step(EDIT_SCHEME)
def edit_scheme(scheme: Scheme, fields: dict, user=None) -> Scheme:
    require_office(user)
    check_editable(scheme)
    if not 0 < fields["yellow"] < fields["green"] <= 1:
        raise ValidationError({"yellow": "亮灯线应满足 0 < 黄灯线 < 绿灯线 ≤ 1"})
    if not SCHEME_CODE.match(fields["code"]):
        raise ValidationError({"code": "方案编码由字母、数字、下划线、连字符和点组成"})
    fields = {**fields, "applies_to": check_types(fields["applies_to"], "applies_to")}
    for key in SCHEME_FIELDS:
        setattr(scheme, key, fields[key])
    changed(scheme)
    return scheme


def next_code(prefix: str, taken) -> str:
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


@step(SAVE_AREA)
def save_area(scheme: Scheme, area: SchemeArea | None, name: str, order: int | None = None, user=None) -> SchemeArea:
    require_office(user)
    check_editable(scheme)
    name = require_text(name, ValidationError({"name": "请填写一级指标名称"}))
    others = SchemeArea.objects.filter(scheme=scheme).exclude(pk=getattr(area, "pk", None))
    if others.filter(name=name).exists():
        raise ValidationError({"name": f"已有一级指标“{name}”"})
    if area is None:
        area = SchemeArea(scheme=scheme, code=next_code("area", set(others.values_list("code", flat=True))))
        order = order or (others.count() + 1)
    area.name, area.order = name, order if order is not None else area.order
    area._change_reason = SAVE_AREA
    area.save()
    changed(scheme)
    return area


@step(DELETE_AREA)
def delete_area(scheme: Scheme, area: SchemeArea, user=None) -> Scheme:
    require_office(user)
    check_editable(scheme)
    if area.indicators.exists():
        raise ValidationError(f"一级指标“{area.name}”下还有二级指标，请先删除或移走它们")
    area._change_reason = DELETE_AREA
    area.delete()
    changed(scheme)
    return scheme


@step(SAVE_INDICATOR)
def save_indicator(
    scheme: Scheme, indicator: SchemeIndicator | None, area: SchemeArea, name: str, order: int | None = None, user=None
) -> SchemeIndicator:
    require_office(user)
    check_editable(scheme)
    if area.scheme_id != scheme.pk:
        raise ValidationError({"area": "一级指标不属于本方案"})
    name = require_text(name, ValidationError({"name": "请填写二级指标名称"}))
    all_indicators = SchemeIndicator.objects.filter(area__scheme=scheme).exclude(pk=getattr(indicator, "pk", None))
    if all_indicators.filter(area=area, name=name).exists():
        raise ValidationError({"name": f"该一级指标下已有二级指标“{name}”"})
    if indicator is None:
        indicator = SchemeIndicator(code=next_code("ind", set(all_indicators.values_list("code", flat=True))))
        order = order or (all_indicators.filter(area=area).count() + 1)
    indicator.area, indicator.name = area, name
    if order is not None:
        indicator.order = order
    indicator._change_reason = SAVE_INDICATOR
    indicator.save()
    changed(scheme)
    return indicator


@step(DELETE_INDICATOR)
def delete_indicator(scheme: Scheme, indicator: SchemeIndicator, user=None) -> Scheme:
    require_office(user)
    check_editable(scheme)
    if indicator.items.exists():
        raise ValidationError(f"二级指标“{indicator.name}”下还有指标项，请先删除或移走它们")
    indicator._change_reason = DELETE_INDICATOR
    indicator.delete()
    changed(scheme)
    return scheme


def self_assessed(scheme: Scheme, code: str) -> bool:
    return SelfAssessment.objects.filter(year=scheme.year, item=code).exists()


def check_item(scheme: Scheme, item: SchemeItem | None, fields: dict) -> dict:
    """The item's fields as they will be stored, or a ValidationError naming the field (the unknown metric…)."""
    fields = dict(fields)
    if fields["indicator"].area.scheme_id != scheme.pk:
        raise ValidationError({"indicator": "二级指标不属于本方案"})
    fields["name"] = require_text(fields["name"], ValidationError({"name": "请填写考核内容"}))
    others = SchemeItem.objects.filter(scheme=scheme).exclude(pk=getattr(item, "pk", None))
    fields["code"] = (fields.get("code") or "").strip() or next_code("item", set(others.values_list("code", flat=True)))
    if not CODE.match(fields["code"]):
        raise ValidationError({"code": "指标项编码应以字母开头，由字母、数字、下划线组成"})
    if others.filter(code=fields["code"]).exists():
        raise ValidationError({"code": f"本方案已有编码为“{fields['code']}”的指标项"})
    if item is not None and item.code != fields["code"] and self_assessed(scheme, item.code):
        raise ValidationError({"code": f"已有单位提交了该项{scheme.year}年度的自评（按编码对应），不能修改编码"})
    if not fields["points"] or fields["points"] <= 0:
        raise ValidationError({"points": "分值应为正数"})
    try:
        fields["rule"] = normalized_rule(_rule(dict(fields["rule"]), fields["name"]))
    except (FrameworkError, KeyError, TypeError, ValueError) as error:
        raise ValidationError({"rule": str(error).split("：", 1)[-1]}) from None
    fields["formula"] = (fields.get("formula") or "").strip()
    if fields["rule"]["type"] == "qualitative":
        if fields["formula"]:
            raise ValidationError({"formula": "定性指标由单位自评、法治办审核，不填计算公式"})
    else:
        try:
            check_formula(fields["formula"])
        except FrameworkError as error:
            raise ValidationError({"formula": str(error)}) from None
    fields["applies_to"] = check_types(fields.get("applies_to") or [], "applies_to")
    if fields.get("on_missing") not in ("", None, *OnMissing.values):
        raise ValidationError({"on_missing": "缺数据时应为按0分计或不计入满分"})
    fields["on_missing"] = fields.get("on_missing") or ""
    fields["guidance"] = (fields.get("guidance") or "").strip()
    return fields


@step(SAVE_ITEM)
def save_item(scheme: Scheme, item: SchemeItem | None, fields: dict, user=None) -> SchemeItem:
    """Add an item (item None) or change one: its formula is checked against the metric catalogue here."""
    require_office(user)
    check_editable(scheme)
    if item is not None and item.scheme_id != scheme.pk:
        raise ValidationError("指标项不属于本方案")
    fields = check_item(scheme, item, {key: fields.get(key) for key in ITEM_FIELDS})
    if item is None:
        item = SchemeItem(scheme=scheme)
        if fields.get("order") is None:
            fields["order"] = SchemeItem.objects.filter(indicator=fields["indicator"]).count() + 1
    for key in ITEM_FIELDS:
        if key != "order" or fields.get("order") is not None:
            setattr(item, key, fields[key])
    item._change_reason = SAVE_ITEM
    item.save()
    changed(scheme)
    return item


@step(DELETE_ITEM)
def delete_item(scheme: Scheme, item: SchemeItem, user=None) -> Scheme:
    require_office(user)
    check_editable(scheme)
    if self_assessed(scheme, item.code):
        raise ValidationError(f"已有单位提交了“{item.name}”{scheme.year}年度的自评，不能删除该指标项")
    item._change_reason = DELETE_ITEM
    item.delete()
    changed(scheme)
    return scheme


@step(IMPORT_SCHEME)
def replace_content(scheme: Scheme, data: dict, user=None) -> Scheme:
    """Replace the scheme's information and content with file-format data (an imported workbook's)."""
    require_office(user)
    check_editable(scheme)
    check_data(data)
    for rows in (
        SchemeItem.objects.filter(scheme=scheme),
        SchemeIndicator.objects.filter(area__scheme=scheme),
        SchemeArea.objects.filter(scheme=scheme),
    ):
        for row in rows:
            row._change_reason = IMPORT_SCHEME
            row.delete()
    for key in ("code", "name", "version", "document"):
        setattr(scheme, key, str(data.get(key) or getattr(scheme, key)))
    scheme.applies_to = check_types(data.get("applies_to") or [], "applies_to")
    scheme.on_missing = data.get("on_missing") or scheme.on_missing
    scheme.green, scheme.yellow = float(data["lights"]["green"]), float(data["lights"]["yellow"])
    add_content(scheme, data, IMPORT_SCHEME)
    changed(scheme)
    return scheme


@step(PUBLISH_SCHEME)
def publish_scheme(scheme: Scheme, user=None) -> Scheme:
    """The draft becomes the year's scheme: the assessment uses it and every unit sees its items."""
    require_office(user)
    if scheme.status != Scheme.Status.DRAFT:
        raise StateConflict(f"{scheme}已经发布，不能重复发布")
    if not SchemeItem.objects.filter(scheme=scheme).exists():
        raise ValidationError("方案中还没有指标项，不能发布")
    check_data(scheme_data(scheme))
    scheme.status, scheme.published_at, scheme.published_by = Scheme.Status.PUBLISHED, timezone.now(), user
    scheme.save()
    return scheme


@step(LOCK_SCHEME)
def lock_scheme(scheme: Scheme) -> Scheme:
    """The year's first assessment locks its scheme: the results are read against it from now on."""
    if scheme.status != Scheme.Status.PUBLISHED:
        raise StateConflict(f"{scheme}{scheme.get_status_display()}，不能锁定")
    scheme.status, scheme.locked_at = Scheme.Status.LOCKED, timezone.now()
    scheme.save()
    return scheme

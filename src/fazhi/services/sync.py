"""Applications arriving in bulk (the provincial 一体化政务服务平台's export, an Excel 台账): each record carries the
dates of the steps taken so far, and goes through the same checks as the steps taken one by one.

A new record is built in memory, its steps replayed with the pure checks of `rules` (受理 then 办结, or 不予受理),
its derived fields computed by `derive_application`, and written in bulk with its history. A record whose 办件编号
is already in the ledger is compared with the stored row: the same dates change nothing (a batch sent twice is a
no-op), later steps are taken by the locked steps themselves, and a date that contradicts the stored one is an
error. The batch is all or nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.core.bulk import insert_with_history
from fazhi.core.models import check_unit_in_force, unit_limits
from fazhi.core.steps import check_for_field
from fazhi.core.text import CONTROL_CHARACTERS
from fazhi.law.calendar import WorkCalendar, default_calendar

from . import rules
from .choices import ApplicantType, ApplicationStatus, Channel, Outcome
from .deadlines import derive_application
from .models import Application, ServiceItem

MAX_BATCH = 10_000
REFUSAL_NEEDS_DATE = "不予受理的办件须填写不予受理决定日期（办结日期）"


@dataclass(frozen=True)
class RecordError:
    record: int  # 1-based position in the batch (or the Excel row)
    field: str
    message: str

    def as_dict(self):
        return {"record": self.record, "field": self.field, "message": self.message}


class SyncRefused(Exception):
    def __init__(self, errors: list[RecordError]):
        self.errors = errors
        super().__init__(f"同步未执行：{len(errors)}处错误，未写入任何办件")


@dataclass
class SyncResult:
    created: int = 0
    advanced: int = 0
    unchanged: int = 0

    def as_dict(self):
        return {"created": self.created, "advanced": self.advanced, "unchanged": self.unchanged}


@dataclass(frozen=True)
class RecordField:
    """One field of a sync record: its JSON type, whether it is required, and its limit or choices."""

    name: str
    label: str
    kind: str  # "text", "date", "choice", "bool"
    required: bool = True
    max_length: int | None = None
    choices: tuple = ()


RECORD_FIELDS = [
    RecordField("number", "办件编号", "text", max_length=40),
    RecordField("item", "事项编码", "text", max_length=64),
    RecordField("applicant_type", "申请人类型", "choice", choices=tuple(ApplicantType.values)),
    RecordField("applicant_name", "申请人", "text", max_length=200),
    RecordField("applicant_id_number", "证件号码", "text", max_length=18),
    RecordField("channel", "申请渠道", "choice", choices=tuple(Channel.values)),
    RecordField("received_on", "收件日期", "date"),
    RecordField("accepted_on", "受理日期", "date", required=False),
    RecordField("decided_on", "办结日期（不予受理时为决定日期）", "date", required=False),
    RecordField("outcome", "办理结果", "choice", required=False, choices=tuple(Outcome.values)),
    RecordField("refused", "不予受理", "bool", required=False),
]


def parse_record(raw, position: int) -> tuple[dict, list[RecordError]]:
    """A JSON record as field values, or the errors that name its fields (checked as strictly as the serializers)."""
    if not isinstance(raw, dict):
        return {}, [RecordError(position, "", "每件办件应为一个 JSON 对象")]
    values, errors = {}, []
    unknown = set(raw) - {f.name for f in RECORD_FIELDS}
    for name in sorted(unknown):
        errors.append(RecordError(position, name, "不支持的字段"))
    for spec in RECORD_FIELDS:
        value = raw.get(spec.name)
        if value is None or value == "":
            if spec.required:
                errors.append(RecordError(position, spec.name, f"{spec.label}为必填项"))
            values[spec.name] = None if spec.kind == "date" else (False if spec.kind == "bool" else "")
            continue
        try:
            values[spec.name] = _parse(spec, value)
        except ValueError as error:
            errors.append(RecordError(position, spec.name, f"{spec.label}：{error}"))
    return values, errors


def _parse(spec: RecordField, value):
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise ValueError("应为 true 或 false")
        return value
    if not isinstance(value, str):
        raise ValueError("应为字符串")
    if spec.kind == "date":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"“{value}”不是有效日期（应为 2025-01-31 格式）") from None
    value = value.strip()
    if CONTROL_CHARACTERS.search(value):
        raise ValueError("不能包含控制字符")
    if spec.kind == "choice" and value not in spec.choices:
        raise ValueError(f"“{value}”不是可选值（可选：{'、'.join(spec.choices)}）")
    if spec.max_length and len(value) > spec.max_length:
        raise ValueError(f"最多{spec.max_length}个字符")
    return value


def replay(
    application: Application,
    promised_limit: int,
    *,
    accepted_on: dt.date | None,
    decided_on: dt.date | None,
    outcome: str,
    refused: bool = False,
    calendar: WorkCalendar | None = None,
) -> None:
    """Take, in memory, the steps a new record's dates say were taken; refusals name the rule broken."""
    if refused:
        if accepted_on is not None:
            raise ValidationError({"accepted_on": "不予受理的办件不能有受理日期"})
        if decided_on is None:
            raise ValidationError({"decided_on": REFUSAL_NEEDS_DATE})
        check_for_field("decided_on", rules.check_refuse, application, decided_on)
    else:
        if decided_on is not None and accepted_on is None:
            raise ValidationError({"accepted_on": "有办结日期的办件必须填写受理日期"})
        if accepted_on is not None:
            check_for_field("accepted_on", rules.check_accept, application, accepted_on)
        if decided_on is not None:
            check_for_field("decided_on", rules.check_decide, application, decided_on, outcome)
        elif outcome:
            raise ValidationError({"outcome": "未办结的办件不能有办理结果"})
    derive_application(application, promised_limit, (), calendar)


def sync_batch(raw_records, user) -> SyncResult:
    """Parse and apply a batch as the API receives it: a list of JSON records, all applied or none."""
    if not isinstance(raw_records, list):
        raise SyncRefused([RecordError(0, "records", "records 应为办件列表")])
    if not raw_records or len(raw_records) > MAX_BATCH:
        raise SyncRefused([RecordError(0, "records", f"每批应有1至{MAX_BATCH}件，本批{len(raw_records)}件")])
    records, errors = [], []
    for position, raw in enumerate(raw_records, 1):
        values, problems = parse_record(raw, position)
        records.append(None if problems else values)
        errors.extend(problems)
    codes = {record["item"] for record in records if record}
    items = {
        item.code: item
        for item in ServiceItem.objects.visible_to(user)
        .filter(code__in=codes)
        .only("id", "code", "unit_id", "promised_limit")
    }
    return sync_applications(records, user, items=items, errors=errors)


def sync_applications(
    records: list[dict | None], user, *, items: dict[str, ServiceItem], errors: list[RecordError] | None = None
) -> SyncResult:
    """Apply a batch of parsed records (keys as Application fields, `item` an item code, optional `refused`).

    `items`: the service items the user may write, by code; `errors`: problems found already (their records are
    None), reported with the rest. Raises SyncRefused listing every problem.
    """
    calendar = default_calendar()
    errors = list(errors or ())
    numbers = [record.get("number") if record else None for record in records]
    seen: dict[str, int] = {}
    for position, number in enumerate(numbers, 1):
        if number is None:
            continue
        if number in seen:
            errors.append(RecordError(position, "number", f"办件编号“{number}”在本批中重复（第{seen[number]}件）"))
        seen.setdefault(number, position)
    stored = {app.number: app for app in Application.all_objects.filter(number__in=[n for n in numbers if n])}
    new, advance, result = [], [], SyncResult()
    limits = unit_limits()
    for position, record in enumerate(records, 1):
        if record is None:
            continue
        item = items.get(record.get("item"))
        if item is None:
            errors.append(RecordError(position, "item", f"事项编码“{record.get('item')}”不存在或不在您的数据范围内"))
            continue
        existing = stored.get(record["number"])
        try:
            if existing is None:
                new.append(build_new(record, item, calendar, limits))
            else:
                plan = compare(existing, record, item)
                if plan:
                    advance.append((position, existing, plan))
                else:
                    result.unchanged += 1
        except ValidationError as error:
            errors.extend(record_errors(position, error))
    if errors:
        raise SyncRefused(errors)
    with transaction.atomic():
        insert_with_history(Application, new, user=user, reason="批量同步")
        for position, application, plan in advance:
            try:
                for step, args in plan:
                    step(application, *args)
            except ValidationError as error:
                errors.extend(record_errors(position, error))
        if errors:
            raise SyncRefused(errors)  # rolls back the rows written above
    result.created, result.advanced = len(new), len(advance)
    return result


def build_new(record: dict, item: ServiceItem, calendar: WorkCalendar, limits: dict | None = None) -> Application:
    """A new application from a record, checked as its steps would be. `limits`: `core.models.unit_limits()`, read
    once for a batch (a unit dissolved by a 机构改革 takes no application received after it)."""
    application = Application(
        unit_id=item.unit_id,
        item=item,
        number=record["number"],
        applicant_type=record["applicant_type"],
        applicant_name=record["applicant_name"],
        applicant_id_number=(record["applicant_id_number"] or "").upper(),
        channel=record["channel"],
        received_on=record["received_on"],
    )
    application.clean()
    check_unit_in_force(application, unit_limits() if limits is None else limits)
    replay(
        application,
        item.promised_limit,
        accepted_on=record.get("accepted_on"),
        decided_on=record.get("decided_on"),
        outcome=record.get("outcome") or "",
        refused=bool(record.get("refused")),
        calendar=calendar,
    )
    return application


def compare(stored: Application, record: dict, item: ServiceItem) -> list:
    """The steps still to take on a stored application for it to match the record; refused if they contradict."""
    if stored.is_deleted:
        raise ValidationError({"number": f"办件“{stored.number}”在回收站中，请先恢复"})
    if stored.item_id != item.pk:
        raise ValidationError({"item": f"与台账中该办件的事项（{stored.item.code}）不一致"})
    if stored.received_on != record["received_on"]:
        raise ValidationError({"received_on": f"与台账中该办件的收件日期（{stored.received_on:%Y-%m-%d}）不一致"})
    accepted_on, decided_on = record.get("accepted_on"), record.get("decided_on")
    outcome, refused = record.get("outcome") or "", bool(record.get("refused"))
    if refused != (stored.status == ApplicationStatus.NOT_ACCEPTED):
        if not refused or stored.status != ApplicationStatus.RECEIVED:
            raise ValidationError({"status": f"台账中该办件状态为“{stored.get_status_display()}”，与本记录不一致"})
        if decided_on is None:
            raise ValidationError({"decided_on": REFUSAL_NEEDS_DATE})
        return [(rules.refuse_acceptance, (decided_on,))]
    if refused:
        if stored.decided_on != decided_on:
            raise ValidationError({"decided_on": f"与台账中的不予受理日期（{stored.decided_on:%Y-%m-%d}）不一致"})
        return []
    plan = []
    for name, value in (("accepted_on", accepted_on), ("decided_on", decided_on)):
        kept = getattr(stored, name)
        if kept is not None and kept != value:
            raise ValidationError(
                {
                    name: f"与台账中已记录的{Application._meta.get_field(name).verbose_name}"
                    f"（{kept:%Y-%m-%d}）不一致；已办理的步骤不能通过同步改写"
                }
            )
    if stored.decided_on is not None and stored.outcome != outcome:
        raise ValidationError({"outcome": f"与台账中已记录的办理结果（{stored.get_outcome_display()}）不一致"})
    if stored.accepted_on is None and accepted_on is not None:
        plan.append((rules.accept, (accepted_on,)))
    if stored.decided_on is None and decided_on is not None:
        plan.append((rules.decide, (decided_on, outcome)))
    return plan


def record_errors(position: int, error: ValidationError) -> list[RecordError]:
    if hasattr(error, "error_dict"):
        return [
            RecordError(position, name, message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [RecordError(position, "", message) for message in error.messages]

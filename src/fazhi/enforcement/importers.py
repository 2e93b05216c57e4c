"""Excel import of officers (with their certificate) and of matters of the 权责清单."""

from fazhi.core.bulk import insert_with_history
from fazhi.core.importing import CellError, Column, ImportSpec, boolean, choice, date, text

from .choices import CertificateKind, MatterType
from .models import Certificate, EnforcementBody, Matter, Officer

IMPORT_REASON = "Excel导入"


def money(value):
    from decimal import Decimal, InvalidOperation

    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise CellError(f"“{value}”不是金额") from None
    if amount < 0:
        raise CellError("金额不能为负数")
    return amount.quantize(Decimal("0.01"))


class OfficerImport(ImportSpec):
    def __init__(self):
        super().__init__(
            slug="officers",
            title="执法人员",
            key_header="身份证号",
            columns=[
                Column("姓名", "name", text(50), example="张三"),
                Column("身份证号", "id_number", text(18), example="", note="18位居民身份证号码，校验位须正确"),
                Column("执法主体编码", "body", text(32), example="YC-D25-B1", note="本人数据范围内的执法主体编码"),
                Column("职务", "post", text(100), required=False, example="科员"),
                Column("执法类别", "law_category", text(100), example="市场监管"),
                Column("法制审核人员", "is_legal_reviewer", boolean(), required=False, example="否"),
                Column("证件类型", "kind", choice(CertificateKind.choices), required=False, example="行政执法证"),
                Column("证件编号", "number", text(40), required=False, example="99010020250001"),
                Column("发证日期", "issued_on", date(), required=False, example="2025-01-15"),
                Column("有效期至", "expires_on", date(), required=False, example="2030-01-14"),
            ],
        )
        self.field_headers = {c.key: c.header for c in self.columns}

    def prepare(self, user):
        return {
            "bodies": {b.code: b for b in EnforcementBody.objects.visible_to(user)},
            "certificates": set(Certificate.all_objects.values_list("number", flat=True)),
            "numbers_in_file": set(),
        }

    def build(self, values, context):
        body = context["bodies"].get(values["body"])
        if body is None:
            raise CellError(f"执法主体编码“{values['body']}”不存在或不在您的数据范围内")
        officer = Officer(
            unit_id=body.unit_id,
            body=body,
            name=values["name"],
            id_number=values["id_number"].upper(),
            post=values["post"] or "",
            law_category=values["law_category"],
            is_legal_reviewer=bool(values["is_legal_reviewer"]),
        )
        officer.clean_fields(exclude=["unit", "body"])
        officer.clean()
        officer._certificate = None
        if values["number"]:
            if not (values["issued_on"] and values["expires_on"]):
                raise CellError("填写证件编号的，须同时填写发证日期和有效期至")
            if values["number"] in context["certificates"] or values["number"] in context["numbers_in_file"]:
                raise CellError(f"证件编号“{values['number']}”已存在")
            context["numbers_in_file"].add(values["number"])
            certificate = Certificate(
                unit_id=body.unit_id,
                kind=values["kind"] or CertificateKind.ENFORCEMENT,
                number=values["number"],
                issued_on=values["issued_on"],
                expires_on=values["expires_on"],
            )
            certificate.clean_fields(exclude=["unit", "officer"])
            if certificate.expires_on <= certificate.issued_on:
                raise CellError("有效期至必须晚于发证日期")
            officer._certificate = certificate
        return officer

    def key(self, instance):
        return instance.id_number

    def existing_keys(self, keys):
        return set(Officer.all_objects.filter(id_number__in=keys).values_list("id_number", flat=True))

    def save_batch(self, instances, user):
        insert_with_history(Officer, instances, user=user, reason=IMPORT_REASON)
        certificates = []
        for officer in instances:
            if officer._certificate is not None:
                officer._certificate.officer_id = officer.pk
                certificates.append(officer._certificate)
        insert_with_history(Certificate, certificates, user=user, reason=IMPORT_REASON)


class MatterImport(ImportSpec):
    def __init__(self):
        super().__init__(
            slug="matters",
            title="执法事项",
            key_header="事项编码",
            columns=[
                Column("事项编码", "code", text(64), example="YC-D25-CF-0001"),
                Column("事项名称", "name", text(200), example="对未取得食品经营许可从事食品经营活动的处罚"),
                Column(
                    "事项类型",
                    "matter_type",
                    choice(MatterType.choices),
                    example="行政处罚",
                    note="、".join(MatterType.labels),
                ),
                Column("实施主体编码", "body", text(32), example="YC-D25-B1"),
                Column("法律依据", "legal_basis", text(), example="《中华人民共和国食品安全法》第一百二十二条"),
                Column(
                    "重大执法决定",
                    "is_major",
                    boolean(),
                    required=False,
                    example="否",
                    note="是：作出决定前须经法制审核",
                ),
                Column("法定罚款下限（元）", "fine_min", money, required=False, example=50000),
                Column("法定罚款上限（元）", "fine_max", money, required=False, example=100000),
            ],
        )
        self.field_headers = {c.key: c.header for c in self.columns}

    def prepare(self, user):
        return {"bodies": {b.code: b for b in EnforcementBody.objects.visible_to(user)}}

    def build(self, values, context):
        body = context["bodies"].get(values["body"])
        if body is None:
            raise CellError(f"实施主体编码“{values['body']}”不存在或不在您的数据范围内")
        matter = Matter(
            unit_id=body.unit_id,
            body=body,
            code=values["code"],
            name=values["name"],
            matter_type=values["matter_type"],
            legal_basis=values["legal_basis"],
            is_major=bool(values["is_major"]),
            fine_min=values["fine_min"],
            fine_max=values["fine_max"],
        )
        matter.clean_fields(exclude=["unit", "body"])
        matter.clean()
        return matter

    def key(self, instance):
        return instance.code

    def existing_keys(self, keys):
        return set(Matter.all_objects.filter(code__in=keys).values_list("code", flat=True))

    def save_batch(self, instances, user):
        insert_with_history(Matter, instances, user=user, reason=IMPORT_REASON)

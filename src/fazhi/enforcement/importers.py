"""Excel import of officers (with their certificate) and of matters of the 权责清单."""

from fazhi.core.bulk import insert_with_history
from fazhi.core.importing import CellError, Column, Importer, boolean, choice, date, look_up, money, text

from .choices import CertificateKind, MatterType
from .models import Certificate, EnforcementBody, Matter, Officer


def bodies_in_scope(user) -> dict:
    return {"bodies": {b.code: b for b in EnforcementBody.objects.visible_to(user)}}


class OfficerImport(Importer):
    slug = "officers"
    title = "执法人员"
    model = Officer
    natural_key = ("id_number",)
    columns = [
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
    ]

    def prepare(self, user):
        return {
            **bodies_in_scope(user),
            "certificates": set(Certificate.all_objects.values_list("number", flat=True)),
            "numbers_in_file": set(),
        }

    def build(self, values, context):
        code = values["body"]
        body = look_up(context["bodies"], code, f"执法主体编码“{code}”不存在或不在您的数据范围内")
        return Officer(
            unit_id=body.unit_id,
            body=body,
            name=values["name"],
            id_number=values["id_number"].upper(),
            post=values["post"] or "",
            law_category=values["law_category"],
            is_legal_reviewer=bool(values["is_legal_reviewer"]),
        )

    def check(self, officer, values, context):
        """The officer's own checks, then the certificate's: one number once, expiry after issue."""
        officer.clean_fields(exclude=["unit", "body"])
        officer.clean()
        officer._certificate = None
        number = values["number"]
        if not number:
            return
        if not (values["issued_on"] and values["expires_on"]):
            raise CellError("填写证件编号的，须同时填写发证日期和有效期至")
        if number in context["certificates"] or number in context["numbers_in_file"]:
            raise CellError(f"证件编号“{number}”已存在")
        context["numbers_in_file"].add(number)
        certificate = Certificate(
            unit_id=officer.unit_id,
            kind=values["kind"] or CertificateKind.ENFORCEMENT,
            number=number,
            issued_on=values["issued_on"],
            expires_on=values["expires_on"],
        )
        certificate.clean_fields(exclude=["unit", "officer"])
        if certificate.expires_on <= certificate.issued_on:
            raise CellError("有效期至必须晚于发证日期")
        officer._certificate = certificate

    def save(self, officers, user):
        super().save(officers, user)
        certificates = []
        for officer in officers:
            if officer._certificate is not None:
                officer._certificate.officer_id = officer.pk
                certificates.append(officer._certificate)
        insert_with_history(Certificate, certificates, user=user, reason=self.reason)


class MatterImport(Importer):
    slug = "matters"
    title = "执法事项"
    model = Matter
    natural_key = ("code",)
    columns = [
        Column("事项编码", "code", text(64), example="YC-D25-CF-0001"),
        Column("事项名称", "name", text(200), example="对未取得食品经营许可从事食品经营活动的处罚"),
        Column(
            "事项类型", "matter_type", choice(MatterType.choices), example="行政处罚", note="、".join(MatterType.labels)
        ),
        Column("实施主体编码", "body", text(32), example="YC-D25-B1"),
        Column("法律依据", "legal_basis", text(), example="《中华人民共和国食品安全法》第一百二十二条"),
        Column("重大执法决定", "is_major", boolean(), required=False, example="否", note="是：作出决定前须经法制审核"),
        Column("法定罚款下限（元）", "fine_min", money(), required=False, example=50000),
        Column("法定罚款上限（元）", "fine_max", money(), required=False, example=100000),
    ]

    def prepare(self, user):
        return bodies_in_scope(user)

    def build(self, values, context):
        code = values["body"]
        body = look_up(context["bodies"], code, f"实施主体编码“{code}”不存在或不在您的数据范围内")
        return Matter(
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

    def check(self, matter, values, context):
        matter.clean_fields(exclude=["unit", "body"])
        matter.clean()

"""Personal information (个人信息保护法): masked on pages, in exports and in the API; reveals are logged."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from fazhi.privacy.masking import mask
from fazhi.privacy.models import Reveal
from fazhi.services.choices import ApplicantType
from fazhi.services.models import Application
from tests.factories import make_application, make_item, valid_id, valid_uscc

PERSON_ID = valid_id(7)
MASKED = PERSON_ID[:4] + "*" * 10 + PERSON_ID[-4:]


def test_masking_keeps_the_ends_of_personal_identifiers_and_leaves_company_codes_whole():
    assert mask(PERSON_ID) == MASKED
    assert mask(valid_uscc(3)) == valid_uscc(3)
    assert mask("13912345678") == "139****5678"
    assert mask("张三") == "张三" and mask("") == "" and mask(None) is None


def _application(tree):
    item = make_item(tree["town"], code="PII-1")
    app = make_application(item, number="PII-A")
    app.applicant_id_number = PERSON_ID
    app.save()
    company = make_application(item, number="PII-B")
    company.applicant_type, company.applicant_name = ApplicantType.ENTITY, "某公司"
    company.applicant_id_number = valid_uscc(9)
    company.save()
    return app


def test_a_company_code_stays_whole(users, tree, login):
    _application(tree)
    company = Application.objects.get(number="PII-B")
    detail = login(users["office"]).get(reverse("ledger:applications-detail", args=[company.pk])).content.decode()
    assert valid_uscc(9) in detail


def test_pages_mask_and_the_clerk_reveals_one_value_which_is_logged(users, tree, login):
    app = _application(tree)
    for role in ("office", "leader", "clerk"):
        client = login(users[role])
        listing = client.get(reverse("ledger:applications-list")).content.decode()
        detail = client.get(reverse("ledger:applications-detail", args=[app.pk])).content.decode()
        assert PERSON_ID not in listing and PERSON_ID not in detail, role
        assert MASKED in detail and "PII-B" in listing, role
    clerk = login(users["clerk"])
    detail = clerk.get(reverse("ledger:applications-detail", args=[app.pk])).content.decode()
    reveal = reverse("ledger:applications-reveal", args=[app.pk, "applicant_id_number"])
    assert reveal in detail and "显示" in detail
    revealed = clerk.post(reveal)
    assert revealed.status_code == 200 and PERSON_ID in revealed.content.decode()
    log = Reveal.objects.get()
    assert (log.user, log.object_id, log.field, log.model) == (
        users["clerk"],
        app.pk,
        "applicant_id_number",
        "services.application",
    )
    # The leader may not reveal, nor anyone a field that is not personal, nor a record out of scope.
    assert login(users["leader"]).post(reveal).status_code == 403
    clerk = login(users["clerk"])
    assert clerk.post(reverse("ledger:applications-reveal", args=[app.pk, "applicant_name"])).status_code == 404
    assert Reveal.objects.count() == 1


def _export_cells(client) -> set:
    response = client.get(reverse("ledger:applications-export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    return {cell for row in sheet.iter_rows(values_only=True) for cell in row}


def test_exports_and_the_api_mask_for_roles_that_do_not_handle_records(users, tree, login):
    app = _application(tree)
    assert MASKED in _export_cells(login(users["office"])) and PERSON_ID not in _export_cells(login(users["office"]))
    assert PERSON_ID in _export_cells(login(users["clerk"]))
    url = f"/api/applications/{app.pk}/"
    assert login(users["leader"]).get(url).json()["applicant_id_number"] == MASKED
    assert login(users["clerk"]).get(url).json()["applicant_id_number"] == PERSON_ID


def test_a_masked_value_sent_back_unchanged_keeps_the_stored_one(users, tree, login):
    app = _application(tree)
    office = login(users["office"])
    body = office.get(f"/api/applications/{app.pk}/").json()
    assert body["applicant_id_number"] == MASKED
    response = office.patch(
        f"/api/applications/{app.pk}/",
        {"applicant_id_number": MASKED, "applicant_name": "李四"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    app.refresh_from_db()
    assert app.applicant_id_number == PERSON_ID and app.applicant_name == "李四"


def test_the_sysadmin_reads_and_exports_the_reveal_log(users, tree, login):
    app = _application(tree)
    login(users["clerk"]).post(reverse("ledger:applications-reveal", args=[app.pk, "applicant_id_number"]))
    admin = login(users["sysadmin"])
    page = admin.get(reverse("system:reveal-log")).content.decode()
    assert "办件" in page and "证件号码" in page and "测试县城关镇人民政府" in page
    export = admin.get(reverse("system:reveal-log-export"))
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).worksheets[0]
    rows = [tuple(row[2:5]) for row in sheet.iter_rows(values_only=True)]
    assert ("办件", "证件号码", app.pk) in rows
    assert login(users["office"]).get(reverse("system:reveal-log")).status_code == 403

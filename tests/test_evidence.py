"""Evidence files on ledger rows (issue 19, part 3): content checks, the detail page's panel, the API, the scope,
the recycle bin, the download log, an S3-compatible store (moto's server), and the journey in Chromium."""

import io
import socket
import zipfile

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from openpyxl import Workbook, load_workbook

from fazhi.core.ledgers import registry
from fazhi.evidence import rules
from fazhi.evidence.content import check_upload
from fazhi.evidence.models import EvidenceDownload, EvidenceFile
from fazhi.law.errors import StateConflict
from fazhi.org.models import User
from tests.factories import ledger_row

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64
LOCAL = "django.core.files.storage.FileSystemStorage"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def office_file(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<x/>")
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def evidence_storage(settings, tmp_path):
    """Evidence bytes in a folder of the test's own, never under the working directory's var/media."""
    settings.STORAGES = {**settings.STORAGES, "evidence": {"BACKEND": LOCAL, "OPTIONS": {"location": str(tmp_path)}}}
    return tmp_path


def stored_files(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()]


@pytest.fixture
def case(tree):
    return ledger_row(registry.get("cases"), tree["town"], "EV1Z")


@pytest.fixture
def other_case(tree):
    return ledger_row(registry.get("cases"), tree["other_county"], "EV2Z")


def urls(record, evidence=None, slug="cases"):
    detail = reverse(f"ledger:{slug}-detail", args=[record.pk])
    upload_url = reverse(f"evidence:{slug}-upload", args=[record.pk])
    if evidence is None:
        return detail, upload_url
    return (
        detail,
        upload_url,
        *(
            reverse(f"evidence:{slug}-{name}", args=[record.pk, evidence.pk])
            for name in ("download", "delete", "restore")
        ),
    )


# -- content checks ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("决定书.pdf", PDF),
        ("会议纪要.docx", office_file("word/document.xml")),
        ("台账.xlsx", None),
        ("旧版.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),
        ("公示截图.PNG", PNG),
        ("照片.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32),
        ("电子公文.ofd", office_file("OFD.xml")),
        ("说明.txt", "听证笔录：申请人到场。\n".encode("gb18030")),
    ],
)
def test_allowed_files_pass_with_their_type_and_hash(name, content):
    content = xlsx_bytes() if content is None else content
    checked = check_upload(upload(name, content))
    assert checked.name == name and checked.size == len(content) and len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("处罚决定书.pdf", EXE, "文件内容与扩展名不符"),
        ("处罚决定书.pdf", ELF, "可执行程序"),
        ("纪要.docx", EXE, "文件内容与扩展名不符"),
        ("纪要.docx", office_file("xl/workbook.xml"), "不是Word文件"),  # an Excel file named .docx
        ("截图.png", PDF, "不是PNG 图片文件"),
        ("说明.txt", b"text\x00with a NUL", "不是文本文件"),
        ("说明.txt", b"#!/bin/sh\nrm -rf /\n", "可执行程序或脚本"),
        ("程序.exe", EXE, "不支持的文件类型“.exe”"),
        ("压缩包.zip", office_file("a.txt"), "不支持的文件类型“.zip”"),
        ("无扩展名", PDF, "（无扩展名）"),
        ("空.pdf", b"", "空文件"),
    ],
)
def test_refused_files_say_why_in_chinese(name, content, words):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        check_upload(upload(name, content))
    assert words in refused.value.messages[0]


def test_the_size_limit_comes_from_settings(settings):
    from django.core.exceptions import ValidationError

    settings.FAZHI_EVIDENCE_MAX_MB = 1
    check_upload(upload("a.pdf", PDF + b" " * (1024 * 1024 - len(PDF))))
    with pytest.raises(ValidationError, match="过大.*最大 1 MB"):
        check_upload(upload("a.pdf", PDF + b" " * (1024 * 1024)))


# -- the detail page's panel ------------------------------------------------------------------------------------


def test_upload_list_download_delete_and_restore_on_the_detail_page(users, case, login, evidence_storage):
    client = login(users["clerk"])
    detail, upload_url = urls(case)
    page = client.get(detail).content.decode()
    assert 'id="evidence-upload"' in page and "尚未上传佐证材料" in page
    response = client.post(upload_url, {"kind": "decision", "note": "盖章版", "file": upload("处罚决定书.pdf", PDF)})
    assert response.status_code == 302 and response["Location"].endswith("#evidence")
    evidence = EvidenceFile.objects.get()
    assert (evidence.name, evidence.kind, evidence.size, evidence.mime_type) == (
        "处罚决定书.pdf",
        "decision",
        len(PDF),
        "application/pdf",
    )
    assert evidence.unit == case.unit and evidence.record == case and evidence.uploaded_by == users["clerk"]
    assert [path.read_bytes() for path in stored_files(evidence_storage)] == [PDF]
    assert "处罚决定书.pdf" not in evidence.storage_name  # stored under a name of its own
    page = client.get(detail).content.decode()
    _, _, download, delete, restore = urls(case, evidence)
    assert "处罚决定书.pdf" in page and download in page and "决定书" in page and "盖章版" in page
    assert evidence.storage_name not in page  # never a storage path or URL
    # The same content twice on one row is refused.
    client.post(upload_url, {"kind": "other", "file": upload("copy.pdf", PDF)})
    assert EvidenceFile.objects.count() == 1
    # Download: the bytes, as an attachment under the original name, logged.
    response = client.get(download, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    log = EvidenceDownload.objects.get()
    assert (log.file, log.user, log.ip_address, log.channel) == (evidence, users["clerk"], "10.1.2.3", "web")
    # Delete: a reason is required; then the file is in the panel's recycle bin, its bytes kept.
    client.post(delete, {"reason": ""})
    assert EvidenceFile.objects.count() == 1
    client.post(delete, {"reason": "上传错了版本"})
    assert EvidenceFile.objects.count() == 0 and EvidenceFile.all_objects.get().deletion_reason == "上传错了版本"
    assert len(stored_files(evidence_storage)) == 1
    page = client.get(detail).content.decode()
    assert 'id="evidence-recycle"' in page and "上传错了版本" in page and restore in page
    client.post(restore)
    assert EvidenceFile.objects.get() == evidence
    reasons = list(evidence.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == ["上传", "删除：上传错了版本", "从回收站恢复"]


def test_a_refused_upload_stores_nothing(users, case, login, evidence_storage):
    client = login(users["clerk"])
    detail, upload_url = urls(case)
    response = client.post(upload_url, {"kind": "decision", "file": upload("决定书.pdf", EXE)}, follow=True)
    assert "文件内容与扩展名不符" in response.content.decode()
    assert not EvidenceFile.all_objects.exists() and stored_files(evidence_storage) == []


def test_the_row_decides_the_scope(users, tree, case, other_case, login, evidence_storage):
    evidence = rules.attach(case, upload("a.pdf", PDF), kind="case_file", user=users["clerk"])
    other = rules.attach(other_case, upload("b.pdf", PDF), kind="case_file", user=users["sysadmin"])
    _, upload_url, download, delete, restore = urls(case, evidence)
    # The county's read-only leader sees the town's case: may download, may not upload or delete.
    leader = login(users["leader"])
    assert leader.get(download).status_code == 200
    assert 'id="evidence-upload"' not in leader.get(urls(case)[0]).content.decode()
    assert leader.post(upload_url, {"kind": "other", "file": upload("c.pdf", PDF + b"1")}).status_code == 403
    assert leader.post(delete, {"reason": "x"}).status_code == 403
    # The other county's file is not reached through this row's address, nor through its own.
    assert leader.get(reverse("evidence:cases-download", args=[case.pk, other.pk])).status_code == 404
    assert leader.get(reverse("evidence:cases-download", args=[other_case.pk, other.pk])).status_code == 404
    # A clerk of the other county: 404 for the town's case and its file, exactly like the case's own page.
    outsider = User.objects.create(username="c2", role="clerk", unit=tree["other_county"])
    client = login(outsider)
    assert client.get(urls(case)[0]).status_code == 404
    assert client.get(download).status_code == 404
    assert client.post(upload_url, {"kind": "other", "file": upload("d.pdf", PDF + b"2")}).status_code == 404
    assert client.post(delete, {"reason": "x"}).status_code == 404
    assert EvidenceFile.objects.count() == 2 and EvidenceDownload.objects.count() == 1


def test_only_ledgers_that_take_evidence_have_the_panel(users, tree, login):
    item = ledger_row(registry.get("service-items"), tree["town"], "EV3Z")
    assert not registry.get("service-items").evidence
    with pytest.raises(NoReverseMatch):
        reverse("evidence:service-items-upload", args=[item.pk])
    page = login(users["clerk"]).get(reverse("ledger:service-items-detail", args=[item.pk])).content.decode()
    assert 'id="evidence"' not in page
    with pytest.raises(Exception, match="不能上传佐证材料"):
        rules.attach(item, upload("a.pdf", PDF), kind="other", user=users["clerk"])
    expected = {
        "cases",
        "major-decisions",
        "normative-documents",
        "legality-reviews",
        "reconsideration-cases",
        "lawsuits",
        "annual-reports",
    }
    assert expected <= {ledger.slug for ledger in registry if ledger.evidence}


def test_a_row_in_the_recycle_bin_keeps_its_files_but_takes_no_new_ones(users, case, login):
    evidence = rules.attach(case, upload("a.pdf", PDF), kind="case_file", user=users["clerk"])
    case.soft_delete(users["clerk"], "重复录入")
    client = login(users["clerk"])
    _, upload_url, download, _, _ = urls(case, evidence)
    assert client.get(download).status_code == 200
    response = client.post(upload_url, {"kind": "other", "file": upload("b.pdf", PDF + b"1")}, follow=True)
    assert "该记录已在回收站中" in response.content.decode()
    with pytest.raises(StateConflict):
        rules.attach(case, upload("b.pdf", PDF + b"1"), kind="other", user=users["clerk"])


# -- API ---------------------------------------------------------------------------------------------------------


def test_api_lists_uploads_and_downloads_under_the_row(users, tree, case, other_case, login):
    client = login(users["clerk"])
    base = reverse("api:cases-evidence", args=[case.pk])
    assert client.get(base).json() == []
    response = client.post(base, {"kind": "minutes", "file": upload("纪要.pdf", PDF)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "纪要.pdf" and body["kind_display"] == "会议纪要" and body["uploaded_by"] == "clerk"
    assert [row["id"] for row in client.get(base).json()] == [body["id"]]
    download = reverse("api:cases-evidence-download", args=[case.pk, body["id"]])
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert EvidenceDownload.objects.get().channel == "api"
    # Refusals: a renamed program (400, in Chinese), JSON instead of a file (415), no kind (400).
    response = client.post(base, {"kind": "minutes", "file": upload("纪要2.pdf", EXE)})
    assert response.status_code == 400 and "文件内容与扩展名不符" in str(response.json())
    assert client.post(base, {"kind": "minutes"}, content_type="application/json").status_code == 415
    assert client.post(base, {"file": upload("x.pdf", PDF + b"x")}).status_code == 400
    # The read-only leader may list and download, not upload; the other county's row is a 404.
    leader = login(users["leader"])
    assert leader.get(download).status_code == 200
    assert leader.post(base, {"kind": "other", "file": upload("y.pdf", PDF + b"y")}).status_code == 403
    other = reverse("api:cases-evidence", args=[other_case.pk])
    assert leader.get(other).status_code == 404
    assert leader.get(reverse("api:cases-evidence-download", args=[other_case.pk, body["id"]])).status_code == 404
    assert EvidenceFile.objects.count() == 1


# -- 系统管理 → 佐证材料下载记录 -----------------------------------------------------------------------------------


def test_the_download_log_is_shown_and_exported_to_the_system_administrator(users, case, login):
    evidence = rules.attach(case, upload("听证笔录.pdf", PDF), kind="hearing_record", user=users["clerk"])
    rules.log_download(evidence, users["leader"], "10.0.0.9")
    assert login(users["clerk"]).get(reverse("system:evidence-download-log")).status_code == 403
    admin = login(users["sysadmin"])
    assert "佐证材料下载记录" in admin.get(reverse("system:index")).content.decode()
    page = admin.get(reverse("system:evidence-download-log")).content.decode()
    assert "听证笔录.pdf" in page and "10.0.0.9" in page and "执法案件" in page
    assert reverse("ledger:cases-detail", args=[case.pk]) in page
    narrowed = admin.get(reverse("system:evidence-download-log"), {"username": "clerk"}).content.decode()
    assert "听证笔录.pdf" not in narrowed
    exported = admin.get(reverse("system:evidence-download-log-export"))
    sheet = load_workbook(io.BytesIO(b"".join(exported.streaming_content))).active
    values = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert "听证笔录.pdf" in values and "听证笔录" in values and "10.0.0.9" in values


# -- an S3-compatible object store ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3_bucket(settings):
    """moto's S3 server on a free local port, a bucket in it, and the evidence storage pointed at it."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    credentials = {"aws_access_key_id": "fazhi-test", "aws_secret_access_key": "fazhi-test-secret"}
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **credentials)
    client.create_bucket(Bucket="fazhi-evidence")
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "fazhi-evidence",
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": credentials["aws_access_key_id"],
                "secret_key": credentials["aws_secret_access_key"],
                "addressing_style": "path",
                "file_overwrite": False,
                "default_acl": None,
            },
        },
    }
    try:
        yield client
    finally:
        server.stop()


def test_evidence_kept_in_an_s3_bucket(users, case, login, s3_bucket):
    from storages.backends.s3 import S3Storage

    assert isinstance(storages["evidence"], S3Storage)
    client = login(users["clerk"])
    client.post(urls(case)[1], {"kind": "publication_proof", "file": upload("公示证明.pdf", PDF)})
    evidence = EvidenceFile.objects.get()
    keys = [entry["Key"] for entry in s3_bucket.list_objects_v2(Bucket="fazhi-evidence").get("Contents", [])]
    assert keys == [evidence.storage_name]
    assert s3_bucket.get_object(Bucket="fazhi-evidence", Key=evidence.storage_name)["Body"].read() == PDF
    _, _, download, delete, restore = urls(case, evidence)
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.post(delete, {"reason": "错传"})
    assert not EvidenceFile.objects.exists()
    assert s3_bucket.head_object(Bucket="fazhi-evidence", Key=evidence.storage_name)["ContentLength"] == len(PDF)
    client.post(restore)
    assert EvidenceFile.objects.get() == evidence
    # A refused upload leaves nothing in the bucket.
    client.post(urls(case)[1], {"kind": "other", "file": upload("x.pdf", ELF)})
    assert len(s3_bucket.list_objects_v2(Bucket="fazhi-evidence")["Contents"]) == 1


# -- the journey in Chromium ------------------------------------------------------------------------------------


def sign_in(page, live_server, username):
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", "test-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.browser
def test_evidence_uploaded_then_downloaded_in_scope_and_404_out_of_scope(live_server, page, users, tree, tmp_path):
    """A clerk uploads a decision on a case's page and downloads it; a clerk of another county gets a 404."""
    from tests.browser import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    case = ledger_row(registry.get("cases"), tree["town"], "EV9Z")
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server, "clerk")
    detail = live_server.url + reverse("ledger:cases-detail", args=[case.pk])
    page.goto(detail)
    page.wait_for_selector("#evidence-upload")
    page.select_option("#evidence-kind", "decision")
    source = tmp_path / "行政处罚决定书.pdf"
    source.write_bytes(PDF)
    page.set_input_files("#evidence-file", str(source))
    page.fill("#evidence-note", "盖章扫描件")
    page.click("#evidence-upload button[type=submit]")
    page.wait_for_selector(".alert-success")
    row = page.locator("#evidence-files tbody tr").first
    assert "行政处罚决定书.pdf" in row.inner_text() and "决定书" in row.inner_text()
    page.locator("#evidence-upload").scroll_into_view_if_needed()
    page.mouse.move(600, 400)
    page.mouse.wheel(0, -180)  # the panel's heading out from under the page header
    page.wait_for_timeout(400)
    page.screenshot(path=str(ARTIFACTS / "evidence-panel-clerk.png"))
    with page.expect_download() as download_info:
        page.click("#evidence-files a.evidence-download")
    download = download_info.value
    assert download.suggested_filename == "行政处罚决定书.pdf"
    assert download.path().read_bytes() == PDF
    evidence = EvidenceFile.objects.get()
    assert EvidenceDownload.objects.filter(file=evidence, user=users["clerk"]).count() == 1
    # Another county's clerk: the file's address answers 404, as the case's own page does.
    User.objects.create_user(username="clerk_c2", password="test-pass-2026", role="clerk", unit=tree["other_county"])
    page.context.clear_cookies()
    sign_in(page, live_server, "clerk_c2")
    response = page.goto(live_server.url + reverse("evidence:cases-download", args=[case.pk, evidence.pk]))
    assert response.status == 404
    page.screenshot(path=str(ARTIFACTS / "evidence-download-404.png"))
    assert page.goto(detail).status == 404
    assert EvidenceDownload.objects.count() == 1
    page.goto("about:blank")  # no request may still run while the database is flushed

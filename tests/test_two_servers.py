"""Two app servers behind nginx (scripts/two-servers.sh) serving one city, one of them killed during a load run;
and, on either database, the shared cache the servers count rate limits in.

The servers: PostgreSQL only (two servers cannot share a SQLite file on one server's disk). They run the
production settings on the test database — the test is transactional, so what it writes is committed and gunicorn
sees it — behind nginx sending X-Forwarded-Proto: https as the TLS proxy would. Skipped without nginx or gunicorn,
unless FAZHI_REQUIRE_SERVERS=1 (.ci/run sets it): then it fails.

First, what must be shared is shown to be: a session logged in on one server is used on the other, an evidence
file uploaded to one is downloaded from the other, the public-comment rate limit counts the posts to both, and
neither server keeps a file in its own FAZHI_HOME. Then writers create 办件 through the API and readers read them
through nginx for a few seconds; midway one server's gunicorn (master and workers) is killed with SIGKILL. Every
write answered 201 must be in the database, every request after the kill must succeed (answered by the other
server), and only a request in flight at the kill may fail: nginx retries a GET on the other server but never a
POST it had already sent (that server may have done it).
"""

import datetime as dt
import http.client
import importlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from fazhi.core import replica
from fazhi.core.replica import ReplicaRouter, reads_from_replica
from fazhi.rulemaking.models import Consultation, NormativeDocument, PublicComment
from fazhi.rulemaking.portal_views import DEFAULT_COMMENT_RATE
from fazhi.services.models import Application

from .conftest import PASSWORD
from .factories import make_application, make_item

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "two-servers.sh"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # Debian's is in /usr/sbin, off a plain user's PATH
GUNICORN = Path(sys.executable).with_name("gunicorn")
LOAD_SECONDS = 8.0  # the load run: writers and readers through nginx
KILL_AFTER = 3.0  # one server is killed this far into it
WRITERS = READERS = 3
PROXY = {"X-Forwarded-Proto": "https"}  # what the TLS proxy (nginx) sends: said by hand when calling a server
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_the_cache_is_a_database_table_every_server_reads_on_the_primary(db, monkeypatch):
    cache.set("two-servers:probe", 7)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM fazhi_cache WHERE cache_key LIKE %s", ["%two-servers:probe"])
        assert cursor.fetchone()[0] == 1
    monkeypatch.setattr(replica, "configured", lambda: True)
    with reads_from_replica():
        assert ReplicaRouter().db_for_read(cache.cache_model_class) == replica.PRIMARY  # a rate limit is never stale
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_migrate_makes_the_cache_table(db):
    migration = importlib.import_module("fazhi.core.migrations.0003_cache_table")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE fazhi_cache")
    assert "fazhi_cache" not in connection.introspection.table_names()
    migration.create_cache_table(None, SimpleNamespace(connection=connection))
    assert "fazhi_cache" in connection.introspection.table_names()
    migration.create_cache_table(None, SimpleNamespace(connection=connection))  # a second migrate: no error


def free_base_port() -> int:
    """A port with the two after it free too: nginx, server 1, server 2."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base > 65000:
            continue
        try:
            for port in (base, base + 1, base + 2):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no three free ports in a row on 127.0.0.1")


def database_url() -> str:
    """The test database, as the servers must reach it."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


@dataclass
class Servers:
    url: str
    lb: int  # nginx
    ports: tuple[int, int]  # server 1, server 2
    folder: Path

    def pid(self, server: int) -> int:
        return int((self.folder / f"server-{server}.pid").read_text())


@pytest.fixture
def servers(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("two app servers share one PostgreSQL database; SQLite is a file on one server's disk")
    missing = [what for what in (NGINX, str(GUNICORN)) if not os.access(what, os.X_OK)]
    if missing:
        if os.environ.get("FAZHI_REQUIRE_SERVERS") == "1":
            pytest.fail(f"FAZHI_REQUIRE_SERVERS=1 but {', '.join(missing)} missing (.ci/run installs nginx)")
        pytest.skip(f"{', '.join(missing)} missing (Debian's nginx package; gunicorn in the venv)")
    base = free_base_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "FAZHI_ENV": "production",
        "FAZHI_DEBUG": "0",
        # one secret for every server (sessions, CSRF); the test's own, so the test can read what they sign
        "FAZHI_SECRET_KEY": settings.SECRET_KEY,
        "FAZHI_ALLOWED_HOSTS": "127.0.0.1",
        "FAZHI_CONN_MAX_AGE": "60",
        "FAZHI_FORWARDED_PROTO": "https",
        "FAZHI_SERVERS_PORT": str(base),
        "FAZHI_SERVERS_DIR": str(tmp_path),
        "FAZHI_SERVER_WORKERS": "2",
        "FAZHI_NGINX": NGINX,
        "FAZHI_GUNICORN": str(GUNICORN),
        "FAZHI_PYTHON": sys.executable,
    }
    for name in ("FAZHI_REPLICA_URL", "FAZHI_MEDIA_ROOT", "FAZHI_S3_BUCKET", "FAZHI_SSL_REDIRECT"):
        env.pop(name, None)
    try:
        started = subprocess.run(
            [str(SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=150, check=False
        )
        assert started.returncode == 0, f"two-servers.sh start failed:\n{started.stdout}\n{started.stderr}"
        yield Servers(started.stdout.strip().splitlines()[-1], base, (base + 1, base + 2), tmp_path)
    finally:
        subprocess.run([str(SCRIPT), "stop"], env=env, capture_output=True, timeout=60, check=False)


@dataclass
class Answer:
    status: int  # 0: no answer (the connection failed)
    headers: http.client.HTTPMessage | None = None
    body: bytes = b""
    cut: bool = False  # the body stopped short: the server died after its headers, which nginx had passed on

    @property
    def upstream(self) -> str:
        """The server that answered, as nginx says (the last one tried)."""
        return (self.headers.get("X-Fazhi-Upstream", "") if self.headers else "").split(",")[-1].strip()

    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        for header in (self.headers.get_all("Set-Cookie") if self.headers else None) or []:
            jar.load(header)
        return {name: morsel.value for name, morsel in jar.items()}


def call(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        try:
            return Answer(response.status, response.headers, response.read())
        except http.client.IncompleteRead as error:
            return Answer(response.status, response.headers, error.partial, cut=True)
    except (OSError, http.client.HTTPException):
        return Answer(0)
    finally:
        conn.close()


def form(port: int, path: str, fields: dict, cookies: dict) -> Answer:
    """A browser's form POST over https (through the proxy): the CSRF cookie and token, the page's own origin."""
    return call(
        port,
        "POST",
        path,
        urlencode({**fields, "csrfmiddlewaretoken": cookies["csrftoken"]}).encode(),
        {
            **PROXY,
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"https://127.0.0.1:{port}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        },
    )


def show_shared_state(servers: Servers, users, tree, token: str):
    one, two = servers.ports

    # A session: logged in on server 1, used on server 2.
    clerk = users["clerk"]
    clerk.password = make_password(PASSWORD, hasher=PBKDF2PasswordHasher())  # the servers' own hasher
    clerk.save(update_fields=["password"])
    login = reverse("login")
    cookies = call(one, "GET", login, headers=PROXY).cookies()
    answer = form(one, login, {"username": "clerk", "password": PASSWORD}, cookies)
    assert answer.status == 302, answer.body[:500]
    session = {"sessionid": answer.cookies()["sessionid"]}
    ledger = reverse("ledger:applications-list")
    page = call(two, "GET", ledger, headers={**PROXY, "Cookie": f"sessionid={session['sessionid']}"})
    assert page.status == 200 and "办件" in page.body.decode()
    assert page.headers["Strict-Transport-Security"]  # the forwarded https was trusted: HSTS, no redirect

    # An evidence file: uploaded to server 1, downloaded from server 2.
    doc = NormativeDocument.objects.create(unit=tree["town"], title="云测镇养犬办法", body="正文")
    evidence = reverse("api:normative-documents-evidence", args=[doc.pk])
    body = encode_multipart(BOUNDARY, {"kind": "other", "file": SimpleUploadedFile("说明.pdf", PDF)})
    api = {**PROXY, "Authorization": f"Token {token}"}
    uploaded = call(one, "POST", evidence, body, {**api, "Content-Type": MULTIPART_CONTENT})
    assert uploaded.status == 201, uploaded.body[:500]
    download = reverse("api:normative-documents-evidence-download", args=[doc.pk, json.loads(uploaded.body)["id"]])
    fetched = call(two, "GET", download, headers=api)
    assert fetched.status == 200 and fetched.body == PDF

    # The public-comment rate limit (the shared cache): posts alternate between the servers, the limit holds.
    today = timezone.localdate()
    item = Consultation.objects.create(
        unit=doc.unit,
        title="征求意见：云测镇养犬办法",
        draft_text="征求意见稿",
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=30),
        document=doc,
    )
    limit = getattr(settings, "FAZHI_COMMENT_RATE", DEFAULT_COMMENT_RATE)[0]
    page = reverse("portal:rulemaking:consultation", args=[item.pk])
    cookies = call(one, "GET", page, headers=PROXY).cookies()
    codes = [form((one, two)[i % 2], page, {"content": f"第{i}条意见的内容"}, cookies).status for i in range(limit + 1)]
    assert codes == [302] * limit + [429]
    assert PublicComment.objects.filter(consultation=item).count() == limit


@dataclass(eq=False)
class Done:
    kind: str  # "write" or "read"
    started: float
    ended: float
    answer: Answer
    number: str = ""

    @property
    def ok(self) -> bool:
        return self.answer.status == (201 if self.kind == "write" else 200) and not self.answer.cut


def load_run(servers: Servers, token: str, body: dict, read_paths: list[str]):
    """Writers and readers through nginx for LOAD_SECONDS; server 1 killed at KILL_AFTER.

    The calls, when the kill was sent and when server 1 was gone."""
    done: list[Done] = []
    lock = threading.Lock()
    start = time.monotonic()
    stop_at = start + LOAD_SECONDS
    api = {"Authorization": f"Token {token}", "Content-Type": "application/json"}

    def record(kind, started, answer, number=""):
        with lock:
            done.append(Done(kind, started, time.monotonic(), answer, number))

    def writer(n):
        seq = 0
        while time.monotonic() < stop_at:
            seq += 1
            number = f"HA-{n}-{seq}"
            started = time.monotonic()
            answer = call(
                servers.lb, "POST", "/api/applications/", json.dumps({**body, "number": number}).encode(), api
            )
            record("write", started, answer, number)

    def reader(n):
        seq = n
        while time.monotonic() < stop_at:
            seq += 1
            started = time.monotonic()
            record("read", started, call(servers.lb, "GET", read_paths[seq % len(read_paths)], headers=api))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    threads += [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
    for thread in threads:
        thread.start()
    time.sleep(KILL_AFTER)
    master = servers.pid(1)
    group = os.getpgid(master)
    assert group not in (os.getpgrp(), 0), "gunicorn --daemon runs in a process group of its own"
    killed_at = time.monotonic()
    os.killpg(group, signal.SIGKILL)  # the master and its workers, at once, with no goodbye
    # The kernel takes a moment to end them: the server is gone once its port refuses connections.
    while time.monotonic() < killed_at + 10:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", servers.ports[0])) != 0:
                break
        time.sleep(0.002)
    gone_at = time.monotonic()
    for thread in threads:
        thread.join()
    return done, killed_at, gone_at


@pytest.mark.django_db(transaction=True)
def test_two_servers_share_everything_and_one_dies_during_a_load_run(servers, users, tree):
    cache.clear()
    token = Token.objects.create(user=users["clerk"]).key
    show_shared_state(servers, users, tree, token)

    item = make_item(tree["town"])
    seed = make_application(item, number="HA-SEED")
    body = {
        "unit": tree["town"].pk,
        "item": item.pk,
        "applicant_type": "person",
        "applicant_name": "张三",
        "applicant_id_number": seed.applicant_id_number,
        "channel": "online",
        "received_on": "2025-06-03",
    }
    reads = ["/api/applications/", f"/api/applications/{seed.pk}/", f"/api/service-items/{item.pk}/"]
    done, killed_at, gone_at = load_run(servers, token, body, reads)

    writes = [d for d in done if d.kind == "write"]
    confirmed = {d.number for d in writes if d.ok}
    stored = set(
        Application.objects.filter(number__startswith="HA-").exclude(pk=seed.pk).values_list("number", flat=True)
    )
    failed = [d for d in done if not d.ok]
    in_flight = [d for d in done if d.started <= gone_at and d.ended >= killed_at]
    after = [d for d in done if d.started > gone_at]
    before = [d for d in done if d.ended < killed_at]
    one, two = (f"127.0.0.1:{port}" for port in servers.ports)
    figures = (
        f"{len(writes)} writes ({len(confirmed)} confirmed, {len(stored - confirmed)} stored unconfirmed), "
        f"{len(done) - len(writes)} reads; {len(in_flight)} in flight at the kill (server 1 gone "
        f"{(gone_at - killed_at) * 1000:.0f} ms after it); failed: "
        f"{sum(d.kind == 'write' for d in failed)} writes, {sum(d.kind == 'read' for d in failed)} reads "
        f"{sorted({d.answer.status for d in failed})}, {sum(d.answer.cut for d in failed)} of them cut off; "
        f"{len(after)} requests after the kill"
    )
    print(f"\ntwo servers, server 1 killed at {KILL_AFTER:.0f} s of {LOAD_SECONDS:.0f} s: {figures}")
    figures += "".join(
        f"\n  {d.kind} {d.answer.status} {d.started - killed_at:+.3f}…{d.ended - killed_at:+.3f} s "
        f"{d.answer.headers.get('X-Fazhi-Upstream') if d.answer.headers else ''} {d.answer.body[:80]!r}"
        for d in failed
    )

    assert confirmed <= stored, f"confirmed writes lost: {sorted(confirmed - stored)[:10]} ({figures})"
    assert stored <= {d.number for d in writes}  # nothing written twice or out of thin air (a retried POST)
    # nginx retries every GET the dead server had not begun to answer; only one whose headers it had already
    # passed on (the server died between its headers and its body) cannot be taken back.
    assert all(d.answer.cut for d in failed if d.kind == "read"), f"a GET failed: nginx should retry it ({figures})"
    assert all(d in in_flight for d in failed), f"one failed not in flight at the kill ({figures})"
    assert {d.answer.upstream for d in before} == {one, two}  # both served before
    assert len(after) >= 10 and all(d.ok for d in after), figures  # the other keeps serving …
    assert {d.answer.upstream for d in after} == {two}  # … alone
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", servers.ports[0])) != 0  # server 1 is really gone

    # Nothing was kept on either server's own disk: uploads went to the shared media folder.
    for server in (1, 2):
        assert [p for p in (servers.folder / f"server-{server}").rglob("*") if p.is_file()] == []

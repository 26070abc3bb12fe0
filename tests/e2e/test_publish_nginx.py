"""Publishing under load: a real nginx serves DEST as OPERATIONS.md says while releases switch.

21 distinct releases (two data packages, each site with pages and one content-hashed stylesheet,
all carrying a release marker) go live one after the other while Python threads fetch pages and
the stylesheet each page names; the last switch is a rollback. Every response must be 200 and every
stylesheet must come from the release of the page that named it.

The load and the switches are paced by request count, not by clocks: a switch happens every STEP
requests, and the load waits (never more than SLACK requests ahead) when the publisher lags, so
every release is seen by clients on any machine.
"""

from __future__ import annotations

import grp
import hashlib
import http.client
import os
import pwd
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from tiny_package import make_data

from generator import publish
from generator.cli import main
from generator.site import manifest

pytestmark = pytest.mark.e2e

THREADS = 8
ITERATIONS = 250  # each iteration: one page and the stylesheet it names
PUBLISHES = 20
SWITCHES = PUBLISHES + 1  # and one rollback
STEP = 150
SLACK = 60
PAGE_MARKER = re.compile(r'<meta name="release" content="(\d+)">')
ASSET_HREF = re.compile(r'<link rel="stylesheet" href="(/assets/app\.[0-9a-f]{12}\.css)">')
ASSET_MARKER = re.compile(r"^/\* release (\d+) \*/")



def make_site(root: Path, data: Path, release: int) -> Path:
    """Two pages naming one content-hashed stylesheet, all marked with `release`."""
    css = f"/* release {release} */\n" + "body { color: #222; }\n" * 80
    asset = f"assets/app.{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
    page = (f'<!doctype html><meta name="release" content="{release}">'
            f'<link rel="stylesheet" href="/{asset}"><h1>第 {release} 版</h1>')
    (root / "assets").mkdir(parents=True)
    (root / "page").mkdir()
    (root / asset).write_text(css, encoding="utf-8")
    (root / "index.html").write_text(page, encoding="utf-8")
    (root / "page" / "index.html").write_text(page, encoding="utf-8")
    manifest.write_manifest(root, data, errors=0, warnings=0)
    return root


def nginx_conf(prefix: Path, dest: Path, port: int) -> str:
    user = ""
    if os.geteuid() == 0:  # workers would run as nobody and could not read tmp_path
        user = f"user {pwd.getpwuid(os.getuid()).pw_name} {grp.getgrgid(os.getgid()).gr_name};"
    server = publish.nginx_server_block(dest, listen=f"127.0.0.1:{port}", server_name="localhost")
    return f"""\
{user}
daemon off;
worker_processes 2;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    types {{
        text/html html; text/css css; application/javascript js; image/svg+xml svg;
        application/json json;
    }}
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{server}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def nginx(tmp_path):
    """Start nginx serving tmp_path/www; yield (dest, port); stop it whatever happened."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    prefix, dest, port = tmp_path / "nginx", tmp_path / "www", free_port()
    prefix.mkdir()
    dest.mkdir()
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_conf(prefix, dest, port), encoding="utf-8")
    proc = subprocess.Popen([binary, "-p", str(prefix), "-e", str(prefix / "error.log"),
                             "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(400):
            if proc.poll() is not None:
                raise AssertionError(f"nginx exited: {proc.stdout.read().decode()}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        else:
            raise AssertionError("nginx did not start listening")
        yield dest, port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Pacer:
    """Interleaves load and switches by request count: no clocks, same order on any machine."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.requests = 0
        self.switches = 0
        self.load_left = THREADS

    def before_request(self) -> None:
        with self.cond:
            while self.switches < SWITCHES and self.requests >= (self.switches + 1) * STEP + SLACK:
                self.cond.wait()
            self.requests += 1
            self.cond.notify_all()

    def wait_turn(self, switch: int) -> None:
        with self.cond:
            while self.requests < switch * STEP and self.load_left:
                self.cond.wait()

    def switched(self, everything: bool = False) -> None:
        with self.cond:
            self.switches = SWITCHES if everything else self.switches + 1
            self.cond.notify_all()

    def thread_done(self) -> None:
        with self.cond:
            self.load_left -= 1
            self.cond.notify_all()


class Client(threading.Thread):
    """Fetches ITERATIONS pages and their stylesheets over one keep-alive connection."""

    def __init__(self, port: int, pacer: Pacer, number: int) -> None:
        super().__init__(daemon=True)
        self.port, self.pacer, self.number = port, pacer, number
        self.requests = 0
        self.failures: list[str] = []
        self.mixed: list[tuple[str, str]] = []
        self.seen: set[str] = set()

    def get(self, conn: http.client.HTTPConnection, path: str) -> tuple[int, dict, str]:
        self.pacer.before_request()
        self.requests += 1
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read().decode("utf-8")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            for i in range(ITERATIONS):
                try:
                    self.iteration(conn, "/" if (i + self.number) % 2 else "/page/")
                except (OSError, http.client.HTTPException) as exc:
                    self.failures.append(f"{type(exc).__name__}: {exc}")
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        finally:
            conn.close()
            self.pacer.thread_done()

    def iteration(self, conn: http.client.HTTPConnection, page: str) -> None:
        status, headers, body = self.get(conn, page)
        if status != 200 or headers.get("cache-control") != "no-cache":
            self.failures.append(f"{page}: {status} {headers.get('cache-control')}")
            return
        release, href = PAGE_MARKER.search(body), ASSET_HREF.search(body)
        if not (release and href):
            self.failures.append(f"{page}: not a page of any release: {body[:80]!r}")
            return
        release, href = release.group(1), href.group(1)
        self.seen.add(release)
        status, headers, css = self.get(conn, href)
        asset_release = ASSET_MARKER.match(css)
        immutable = "immutable" in headers.get("cache-control", "")
        if status != 200 or not immutable or not asset_release:
            self.failures.append(f"{href} (page of release {release}): {status} {css[:40]!r}")
        elif asset_release.group(1) != release:
            self.mixed.append((release, asset_release.group(1)))


def test_publish_and_rollback_under_load(nginx, tmp_path, capsys):
    dest, port = nginx
    data = [make_data(tmp_path / "data-a", "code,name\n411702,驿城区\n"),
            make_data(tmp_path / "data-b", "code,name\n411721,西平县\n")]
    sites = [(make_site(tmp_path / f"site-{n}", data[n % 2], n), data[n % 2])
             for n in range(PUBLISHES + 1)]

    def publish_release(n: int) -> None:
        site, site_data = sites[n]
        assert main(["publish", "--dest", str(dest), "--site", str(site),
                     "--data", str(site_data)]) == 0

    publish_release(0)
    check_headers_and_gzip(port)

    pacer = Pacer()
    clients = [Client(port, pacer, number) for number in range(THREADS)]
    for client in clients:
        client.start()
    try:
        for n in range(1, PUBLISHES + 1):
            pacer.wait_turn(n)
            publish_release(n)
            pacer.switched()
        pacer.wait_turn(SWITCHES)
        assert main(["publish", "--dest", str(dest), "--rollback"]) == 0
        pacer.switched()
    finally:
        pacer.switched(everything=True)
        for client in clients:
            client.join()

    requests = sum(c.requests for c in clients)
    failures = [f for c in clients for f in c.failures]
    mixed = [m for c in clients for m in c.mixed]
    seen = set().union(*(c.seen for c in clients))
    live = publish.live_release(dest)
    with capsys.disabled():
        print(f"\nnginx publish under load: {requests} requests, {len(failures)} failed, "
              f"{len(mixed)} mixed; {PUBLISHES} publishes + 1 rollback; "
              f"releases seen by clients: {len(seen)}; live after rollback: {live}")
    assert failures == []
    assert mixed == []
    assert requests == THREADS * ITERATIONS * 2
    assert seen == {str(n) for n in range(PUBLISHES + 1)}
    assert PAGE_MARKER.search(fetch(port, "/")[2]).group(1) == str(PUBLISHES - 1)
    assert len(publish.list_releases(dest)) == publish.DEFAULT_KEEP


def fetch(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
        text = body.decode("utf-8") if "content-encoding" not in headers else ""
        return response.status, headers, text
    finally:
        conn.close()


def check_headers_and_gzip(port: int) -> None:
    """The server block of OPERATIONS.md: HTML revalidated, hashed assets immutable, gzip on."""
    status, headers, body = fetch(port, "/")
    assert (status, headers["cache-control"]) == (200, "no-cache")
    href = ASSET_HREF.search(body).group(1)
    status, headers, _ = fetch(port, href, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["content-encoding"] == "gzip"
    assert fetch(port, "/releases/")[0] == 404
    assert fetch(port, "/no-such-page/")[0] == 404

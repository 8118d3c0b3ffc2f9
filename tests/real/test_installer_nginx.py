"""install/nginx/jupyterhub-classroom.conf for real: nginx accepts it, redirects http to https,
and forwards https and websockets (Upgrade/Connection) to the hub's port.

The site file is used as shipped; only what a teacher edits (ports, certificate paths) is
replaced, and IPv6 listeners are dropped. The "hub" behind it is a small tornado app that reports
the forwarded headers and echoes on a websocket.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "install" / "nginx" / "jupyterhub-classroom.conf"

pytestmark = [pytest.mark.real]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def backend() -> Iterator[int]:
    import tornado.web
    import tornado.websocket

    class Api(tornado.web.RequestHandler):
        def get(self) -> None:
            self.write({"proto": self.request.headers.get("X-Forwarded-Proto"),
                        "host": self.request.headers.get("Host")})

    class Echo(tornado.websocket.WebSocketHandler):
        def on_message(self, message: str | bytes) -> None:
            self.write_message(message)

    port = free_port()
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        app = tornado.web.Application([(r"/hub/api", Api), (r"/ws", Echo)])
        app.listen(port, "127.0.0.1")
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    started.wait(10)
    yield port
    loop.call_soon_threadsafe(loop.stop)


@pytest.fixture(scope="module")
def nginx(backend: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int]]:
    if os.geteuid() != 0:
        pytest.skip("needs root")
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(binary):
        pytest.skip("nginx is not installed (apt-get install nginx)")
    tmp = tmp_path_factory.mktemp("nginx")
    subprocess.run(  # noqa: S603
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=hub.example.org", "-keyout", str(tmp / "key.pem"),
         "-out", str(tmp / "cert.pem")], check=True, capture_output=True,
    )
    http_port, https_port = free_port(), free_port()
    site = SITE.read_text()
    site = re.sub(r"^\s*listen \[::\].*\n", "", site, flags=re.M)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl")
    site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {tmp}/cert.pem;", site)
    site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {tmp}/key.pem;", site)
    assert "proxy_pass http://127.0.0.1:8000;" in site
    site = site.replace("127.0.0.1:8000", f"127.0.0.1:{backend}")
    (tmp / "site.conf").write_text(site)
    (tmp / "nginx.conf").write_text(
        f"user root;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\nevents {{}}\n"
        f"http {{\n access_log {tmp}/access.log;\n"
        + "".join(f" {k}_temp_path {tmp}/{k};\n"
                  for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + f" include {tmp}/site.conf;\n}}\n"
    )
    argv = [binary, "-p", str(tmp), "-c", str(tmp / "nginx.conf")]
    check = subprocess.run([*argv, "-t"], capture_output=True, text=True, check=False)  # noqa: S603
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([*argv, "-g", "daemon off;"])  # noqa: S603
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp / "error.log").read_text()
                time.sleep(0.2)
        yield http_port, https_port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_plain_http_redirects_to_https(nginx: tuple[int, int]) -> None:
    http_port, _ = nginx
    r = requests.get(f"http://127.0.0.1:{http_port}/hub/login",
                     headers={"Host": "hub.example.org"}, allow_redirects=False, timeout=10)
    assert r.status_code == 301
    assert r.headers["Location"] == "https://hub.example.org/hub/login"


def test_https_is_forwarded_with_the_original_scheme(nginx: tuple[int, int]) -> None:
    _, https_port = nginx
    r = requests.get(f"https://127.0.0.1:{https_port}/hub/api", verify=False, timeout=10,
                     headers={"Host": "hub.example.org"})
    assert r.status_code == 200
    assert r.json() == {"proto": "https", "host": "hub.example.org"}
    assert "max-age" in r.headers["Strict-Transport-Security"]


def test_websockets_pass_through(nginx: tuple[int, int]) -> None:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    _, https_port = nginx
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE

    async def roundtrip() -> str | bytes | None:
        conn = await websocket_connect(
            HTTPRequest(f"wss://127.0.0.1:{https_port}/ws", ssl_options=context))
        await conn.write_message(json.dumps({"kernel": "hello"}))
        reply = await asyncio.wait_for(conn.read_message(), 10)
        conn.close()
        return reply

    assert asyncio.run(roundtrip()) == '{"kernel": "hello"}'

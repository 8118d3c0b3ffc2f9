"""The forwarder sends the teacher's token only to a classroom service run by root (or by the
teacher): a listener of another account on the service's port gets nothing."""

from __future__ import annotations

import http.server
import json
import os
import threading
from collections.abc import Iterator

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_extension_companion.provision import listeners
from jupyter_extension_companion.server import routes

pytest_plugins = ("pytest_jupyter.jupyter_server",)


@pytest.fixture
def jp_server_config(jp_server_config):
    return {"ServerApp": {"jpserver_extensions": {"jupyter_extension_companion": True}}}


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.seen.append(self.headers.get("Authorization") or "")
        body = b"[]"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        self.posted.append((self.path, self.headers.get("Content-Type") or "",
                            self.rfile.read(length)))
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    posted: list[tuple[str, str, bytes]] = []

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.seen = []
    _Recorder.posted = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "teacher-secret")
    monkeypatch.setenv("CLASSROOM_SERVICE_URL", f"http://127.0.0.1:{port}/services/classroom/")
    try:
        yield _Recorder.seen
    finally:
        server.shutdown()
        server.server_close()


class _Teacher:
    """The visitor as a hub would make it: this server's owner, a hub admin."""

    username = name = "teacher"
    hub_user = {"name": "teacher", "admin": True}


def _as_teacher(jp_fetch, io_loop, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", "teacher")
    monkeypatch.setattr(routes.AdminForwardHandler, "current_user",
                        property(lambda self: _Teacher(), lambda self, value: None))


def test_forwarder_refuses_a_service_port_held_by_another_account(
    jp_fetch, io_loop, monkeypatch: pytest.MonkeyPatch, service: list[str]
) -> None:
    _as_teacher(jp_fetch, io_loop, monkeypatch)
    monkeypatch.setattr(listeners, "trusted_uids", lambda: {-1})  # our listener counts as foreign
    with pytest.raises(HTTPClientError) as e:
        io_loop.run_sync(lambda: jp_fetch("classroom", "api", "admin", "users"))
    assert e.value.code == 502
    assert json.loads(e.value.response.body)["code"] == "unverified_listener"
    assert service == []  # not even a connection with the token


def test_forwarder_sends_the_token_to_a_verified_service(
    jp_fetch, io_loop, monkeypatch: pytest.MonkeyPatch, service: list[str]
) -> None:
    _as_teacher(jp_fetch, io_loop, monkeypatch)
    assert listeners.trusted_uids() == {0, os.geteuid()}
    r = io_loop.run_sync(lambda: jp_fetch("classroom", "api", "admin", "users"))
    assert r.code == 200 and service == ["token teacher-secret"]


def test_forwarder_passes_a_roster_file_through_byte_for_byte(
    jp_fetch, io_loop, monkeypatch: pytest.MonkeyPatch, service: list[str]
) -> None:
    """The sidebar uploads the roster file's bytes (ISO-8859-1 here): the service gets exactly
    those bytes, its content type and the query, not a re-encoded text."""
    _as_teacher(jp_fetch, io_loop, monkeypatch)
    data = "Familienname;Vorname\r\nMüller;Jürgen\r\n".encode("iso-8859-1") + bytes(range(256))
    r = io_loop.run_sync(lambda: jp_fetch(
        "classroom", "api", "admin", "roster", "uploads", method="POST", body=data,
        params={"filename": "10a.csv"}, headers={"Content-Type": "text/csv"}))
    assert r.code == 200
    ((path, content_type, received),) = _Recorder.posted
    assert received == data and content_type == "text/csv"
    assert path == "/services/classroom/api/v1/roster/uploads?filename=10a.csv"


class _Export(http.server.BaseHTTPRequestHandler):
    """A class export as the service sends it: larger than the HTTP client's 100 MB buffer."""

    block = bytes(range(256)) * 4096  # 1 MiB
    blocks = 101

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.send_response(200)
        self.send_header("Content-Type", "application/gzip")
        self.send_header("Content-Disposition", 'attachment; filename="10a-x.tar.gz"')
        self.send_header("Content-Length", str(len(self.block) * self.blocks))
        self.end_headers()
        for _ in range(self.blocks):
            self.wfile.write(self.block)

    def log_message(self, *args: object) -> None:
        pass


def test_forwarder_streams_a_class_export_larger_than_the_client_buffer(
    jp_fetch, io_loop, monkeypatch: pytest.MonkeyPatch, jp_http_port, jp_base_url,
    jp_auth_header,
) -> None:
    """A class export (every home of the class) reaches the browser whole, with its file name,
    however large: the forwarder passes it on chunk by chunk (it used to buffer the answer,
    and the client refused anything over 100 MB)."""
    import hashlib

    from tornado.httpclient import AsyncHTTPClient, HTTPRequest

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Export)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "teacher-secret")
    monkeypatch.setenv("CLASSROOM_SERVICE_URL",
                       f"http://127.0.0.1:{server.server_address[1]}/services/classroom/")
    _as_teacher(jp_fetch, io_loop, monkeypatch)
    digest = hashlib.sha256()
    size = 0

    def on_chunk(chunk: bytes) -> None:
        nonlocal size
        size += len(chunk)
        digest.update(chunk)

    url = (f"http://localhost:{jp_http_port}{jp_base_url}"
           "classroom/api/admin/class-exports/10a-x.tar.gz")
    client = AsyncHTTPClient(force_instance=True, max_body_size=1 << 30)
    try:
        r = io_loop.run_sync(lambda: client.fetch(HTTPRequest(
            url, headers=jp_auth_header, streaming_callback=on_chunk, request_timeout=300)),
            timeout=300)
    finally:
        client.close()
        server.shutdown()
        server.server_close()
    expected = hashlib.sha256(_Export.block * _Export.blocks).hexdigest()
    assert r.code == 200
    assert r.headers["Content-Type"] == "application/gzip"
    assert r.headers["Content-Disposition"] == 'attachment; filename="10a-x.tar.gz"'
    assert size == len(_Export.block) * _Export.blocks
    assert digest.hexdigest() == expected

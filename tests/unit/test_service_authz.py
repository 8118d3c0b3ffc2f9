"""Who may call the service and how much they may send (fakes for the hub; no root).

The route table says per route who may call it and its body cap; the service checks both on the
headers alone, before it reads a byte of the body (issue 8: items 1 and 5).
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.service.base import DEFAULT_MAX_BODY, MIB, TEACHER
from jupyter_extension_companion.service.routes import all_routes
from jupyter_extension_companion.service.routes.meta import openapi_document

from .service_harness import PREFIX, running_service


def concrete(pattern: str) -> str:
    return re.sub(r"\{[a-z_]+\}", "abc1", pattern)


@pytest.fixture
async def service(tmp_path: Path):
    paths = ClassroomPaths().with_prefix(tmp_path)
    async with running_service(paths) as (ctx, call):
        yield ctx, call, paths


@pytest.mark.parametrize("token", ["t-admin-identify", "t-admin-visit", "t-admin-other"])
async def test_teacher_token_without_the_service_scope_is_refused(service, token):
    _ctx, call, paths = service
    table = [(m.upper(), concrete(r.pattern)) for r in all_routes() for m in r.methods]
    assert len(table) >= 12
    for method, path in table:
        code, body = await call(method, path, {"name": "x", "teacher": True}, token)
        assert code == 403, (method, path, code, body)
        assert body["code"] == "no_scope" and "access:services!service=classroom" in \
            body["message"]
    assert not paths.audit_log.exists()


async def test_teacher_token_with_the_scope_is_accepted(service):
    _ctx, call, _paths = service
    code, body = await call("GET", "/api/v1/openapi.json")
    assert code == 200 and body["openapi"].startswith("3.")


def test_every_route_states_caller_and_body_cap_in_the_table_and_openapi():
    doc = openapi_document(all_routes(), PREFIX)
    for route in all_routes():
        assert route.caller == TEACHER
        assert 0 <= route.max_body <= 80 * MIB, route.pattern
        for method in route.methods:
            operation = doc["paths"][route.pattern][method]
            assert operation["x-caller"] == TEACHER
            if method in ("post", "put", "patch"):
                assert operation["x-max-body-bytes"] == route.max_body
    caps = {r.pattern: r.max_body for r in all_routes()}
    assert caps["/api/v1/users"] == DEFAULT_MAX_BODY
    assert caps["/api/v1/jars/upload"] > 50 * MIB  # a 50 MB jar, base64-encoded


async def _raw(port: int, head: str, body: bytes = b"", wait: float = 5.0) -> bytes:
    """Send ``head`` (and ``body``) on a fresh connection; what comes back within ``wait`` s."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head.encode() + body)
    await writer.drain()
    data = b""
    try:
        while True:
            chunk = await asyncio.wait_for(reader.read(65536), wait)
            if not chunk:
                break
            data += chunk
            if b"\r\n\r\n" in data:
                headers, _, rest = data.partition(b"\r\n\r\n")
                length = re.search(rb"Content-Length: (\d+)", headers)
                if length and len(rest) >= int(length.group(1)):
                    break
    except (TimeoutError, asyncio.TimeoutError, ConnectionError):
        pass
    writer.close()
    return data


def _head(path: str, length: int, token: str | None) -> str:
    auth = f"Authorization: token {token}\r\n" if token else ""
    return (f"POST {PREFIX.rstrip('/')}{path} HTTP/1.1\r\nHost: x\r\n{auth}"
            f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n")


def _status_and_json(data: bytes) -> tuple[int, Any]:
    assert data.startswith(b"HTTP/1.1 "), data[:200]
    head, _, rest = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(rest)


@pytest.mark.parametrize("token", [None, "bogus", "t-student", "t-admin-visit"])
async def test_refused_before_the_body_is_sent(service, token):
    """Headers announcing 90 MB, no body sent: the answer comes at once (nothing is waited
    for or buffered); a service that read the body first would wait for it and time out."""
    _ctx, call, _paths = service
    data = await _raw(call.port, _head("/api/v1/users", 90 * MIB, token), wait=5.0)
    code, body = _status_and_json(data)
    assert code == 403 and body["code"] in ("not_authenticated", "not_admin", "no_scope")


async def test_oversized_body_gets_413_before_it_is_sent(service):
    _ctx, call, _paths = service
    data = await _raw(call.port, _head("/api/v1/users", DEFAULT_MAX_BODY + 1, "t-admin"))
    code, body = _status_and_json(data)
    assert code == 413 and body["code"] == "too_large" and "64 KB" in body["message"]
    # the jar upload route accepts more than the default (its own cap, declared in the table)
    upload = next(r for r in all_routes() if r.pattern == "/api/v1/jars/upload")
    data = await _raw(call.port, _head(upload.pattern, upload.max_body + 1, "t-admin"))
    assert _status_and_json(data)[0] == 413


async def test_chunked_body_past_the_cap_is_cut_off(service):
    """No Content-Length: tornado stops reading at the route's cap and drops the connection."""
    _ctx, call, _paths = service
    head = (f"POST {PREFIX.rstrip('/')}/api/v1/users HTTP/1.1\r\nHost: x\r\n"
            "Authorization: token t-admin\r\nTransfer-Encoding: chunked\r\n\r\n")
    piece = b"x" * 32768
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    data = await _raw(call.port, head, chunk * 4 + b"0\r\n\r\n")
    # never handled: no answer of the handler (tornado may write a bare 400 as it hangs up)
    assert data == b"" or data.startswith(b"HTTP/1.1 400 Bad Request\r\n\r\n"), data[:200]


async def test_body_within_the_cap_still_works(service):
    _ctx, call, _paths = service
    code, body = await call("POST", "/api/v1/users", b"[1, 2]")
    assert code == 400 and body["code"] == "bad_json"


@pytest.mark.parametrize("token", [None, "t-admin-visit"])
async def test_refused_request_with_a_body_gets_its_answer(service, token):
    """The body is dropped, not kept, and the client (a proxy, say) still sees the 403."""
    _ctx, call, _paths = service
    for _ in range(3):
        code, body = await call("POST", "/api/v1/users", b"x" * (5 * MIB), token)
        assert code == 403 and body["code"] in ("not_authenticated", "no_scope"), (code, body)


async def test_oversized_body_sent_anyway_gets_its_413(service):
    _ctx, call, _paths = service
    code, body = await call("POST", "/api/v1/users", b"x" * (DEFAULT_MAX_BODY * 4))
    assert code == 413 and body["code"] == "too_large", (code, body)


def test_handlers_never_read_the_unstreamed_body():
    """Handlers stream their bodies: ``self.request.body`` is empty; use ``json_body()``."""
    folder = Path(__file__).resolve().parents[2] / "jupyter_extension_companion" / "service"
    offenders = [p.name for p in folder.rglob("*.py") if "request.body" in p.read_text()]
    assert offenders == []

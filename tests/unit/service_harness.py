"""The classroom service on a free local port, with fake hub identities, for unit tests."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from tornado.httpclient import AsyncHTTPClient
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.audit import AuditLog
from jupyter_extension_companion.service.app import ServiceContext, make_app

PREFIX = "/services/classroom/"
SERVICE_SCOPE = "access:services!service=classroom"
# token -> the hub's answer for it (its owner; ``scopes``: what the *token* may do)
TOKENS = {
    "t-admin": {"kind": "user", "name": "teach", "admin": True,
                "scopes": ["access:servers!server=teach/", SERVICE_SCOPE]},
    "t-student": {"kind": "user", "name": "stud", "admin": False, "scopes": [SERVICE_SCOPE]},
    "t-service": {"kind": "service", "name": "classroom", "admin": True,
                  "scopes": ["admin:users", "access:services"]},
    # a teacher's tokens without the service scope: identify-only, and what a student's server
    # receives when the teacher opens it (OAuth: that server's access plus identify)
    "t-admin-identify": {"kind": "user", "name": "teach", "admin": True,
                         "scopes": ["read:users:name!user=teach"]},
    "t-admin-visit": {"kind": "user", "name": "teach", "admin": True,
                      "scopes": ["access:servers!server=stud/", "read:users:name!user=teach"]},
    # another service's scope is not ours
    "t-admin-other": {"kind": "user", "name": "teach", "admin": True,
                      "scopes": ["access:services!service=other"]},
}

Call = Callable[..., Awaitable[tuple[int, Any]]]


@asynccontextmanager
async def running_service(
    paths: ClassroomPaths, roster_factory: Callable[[], Any] = lambda: None
) -> AsyncIterator[tuple[ServiceContext, Call]]:
    """Yield the service's context and ``call(method, path, body=None, token="t-admin")``,
    which answers ``(status, json_or_None)``."""

    async def identify(token: str) -> dict[str, Any] | None:
        return TOKENS.get(token)

    ctx = ServiceContext(paths=paths, identify=identify, roster_factory=roster_factory,
                         audit=AuditLog(paths.audit_log))
    sockets = bind_sockets(0, "127.0.0.1")
    server = HTTPServer(make_app(ctx, prefix=PREFIX))
    server.add_sockets(sockets)
    port = sockets[0].getsockname()[1]
    client = AsyncHTTPClient()

    async def call(method: str, path: str, body: Any = None,
                   token: str | None = "t-admin") -> tuple[int, Any]:
        headers = {"Authorization": f"token {token}"} if token else {}
        data = None
        if method in ("POST", "PUT", "PATCH"):
            data = body if isinstance(body, bytes) else json.dumps(body or {}).encode()
        r = await client.fetch(f"http://127.0.0.1:{port}{PREFIX.rstrip('/')}{path}",
                               method=method, headers=headers, body=data,
                               allow_nonstandard_methods=True, raise_error=False)
        return r.code, (json.loads(r.body) if r.body else None)

    call.port = port  # type: ignore[attr-defined]  # for raw-socket tests
    try:
        yield ctx, call
    finally:
        server.stop()

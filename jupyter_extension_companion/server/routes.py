"""The single-user server extension: /classroom/api/... for the lab extension.

- ``GET /classroom/api/whoami``: who the visitor is, whether they are a teacher (hub admin),
  whether the server runs under a hub and whether the classroom service answers.
- ``/classroom/api/admin/<path>``: forwarded to the classroom service's ``/api/v1/<path>`` with
  this server's own hub token, but only when the visitor is this server's owner *and* a hub
  admin. A teacher visiting a student's server (admin access, sharing) is not the owner, so
  nothing is forwarded. The service checks again on its side: the token must carry the scope
  ``access:services!service=classroom`` (JupyterHub gives it to teachers' server tokens only)
  and belong to a hub admin.
"""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import unquote

import tornado
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado.httpclient import AsyncHTTPClient, HTTPRequest

from ..provision import listeners
from ..provision.errors import ClassroomError
from .hub_token import server_token

NAMESPACE = "classroom"
FORWARD_TIMEOUT = 600.0
# Headers passed through to the service (never cookies or the visitor's own Authorization).
_FORWARD_HEADERS = ("Content-Type", "Accept")
# Downloads passed through chunk by chunk (a class export holds every home: it may be far
# larger than the HTTP client's 100 MB buffer, and is never held in memory whole).
_STREAMED = ("class-exports/",)
MAX_STREAMED = 64 * 1024**3
# Headers of a streamed download passed back to the browser.
_STREAMED_HEADERS = ("Content-Type", "Content-Disposition", "Content-Length")
_SAFE_SEGMENT = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~@%")


def hub_env() -> dict[str, str] | None:
    """The hub's variables when this server was spawned by JupyterHub, else None."""
    user = os.environ.get("JUPYTERHUB_USER")
    token = server_token()
    if not user or not token:
        return None
    return {
        "user": user,
        "token": token,
        "service_url": os.environ.get("CLASSROOM_SERVICE_URL", ""),
    }


class ClassroomAPIHandler(APIHandler):
    """Base: JSON errors as {message, code}, the visitor's hub model."""

    def hub_user(self) -> dict[str, Any] | None:
        return getattr(self.current_user, "hub_user", None)

    def is_teacher(self) -> bool:
        model = self.hub_user()
        return bool(model and model.get("admin") is True)

    def fail(self, status: int, message: str, code: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"message": message, "code": code}))


class WhoamiHandler(ClassroomAPIHandler):
    @tornado.web.authenticated
    async def get(self) -> None:
        env = hub_env()
        user = self.current_user
        name = getattr(user, "username", "") or ""
        if env is None or self.hub_user() is None:
            self.finish(json.dumps({"name": name, "teacher": False, "hub": False,
                                    "service": False}))
            return
        teacher = self.is_teacher()
        service = False
        if teacher and name == env["user"] and env["service_url"]:
            service = await _service_answers(env["service_url"])
        from .school import _school

        school = _school() or {}
        self.finish(json.dumps({"name": name, "teacher": teacher, "hub": True,
                                "owner": name == env["user"], "service": service,
                                # whose server this is, and whether the school shows it
                                "server_owner": env["user"],
                                "show_server_owner": school.get("show_server_owner", True)}))


async def _service_answers(url: str) -> bool:
    """True if anything answers at the service URL (it refuses unauthenticated calls: fine)."""
    try:
        await AsyncHTTPClient().fetch(url_path_join(url, "api/v1/openapi.json"),
                                      request_timeout=3.0, raise_error=False)
    except Exception:  # noqa: BLE001 - any connection problem means "not answering"
        return False
    return True


def _clean_path(raw: str) -> str | None:
    """The forwarded path if every segment is plain (no '.', '..', empty or odd characters)."""
    segments = raw.split("/")
    for seg in segments:
        if not seg or unquote(seg) in (".", "..") or "/" in unquote(seg):
            return None
        if not set(seg) <= _SAFE_SEGMENT:
            return None
    return "/".join(segments)


class AdminForwardHandler(ClassroomAPIHandler):
    """Forwards a teacher's own calls to the classroom service."""

    async def _forward(self, path: str) -> None:
        env = hub_env()
        if env is None or self.hub_user() is None:
            return self.fail(409, "Managing the class needs JupyterHub: this Jupyter server "
                             "was not started by a hub.", "no_hub")
        if not env["service_url"]:
            return self.fail(503, "The classroom service URL is not set (CLASSROOM_SERVICE_URL); "
                             "re-run the installer.", "no_service")
        if self.current_user.username != env["user"]:
            return self.fail(403, "Only the owner of this server may manage the class from it; "
                             "open your own server.", "not_owner")
        if not self.is_teacher():
            return self.fail(403, "Only teachers (hub admins) may manage the class.", "not_admin")
        # Use the raw (still percent-encoded) path so that %2F cannot become a separator.
        prefix = url_path_join(self.base_url, NAMESPACE, "api", "admin") + "/"
        path_now = self.request.path
        raw = path_now[len(prefix):] if path_now.startswith(prefix) else ""
        clean = _clean_path(raw)
        if clean is None:
            return self.fail(400, "Bad admin API path.", "bad_path")
        url = url_path_join(env["service_url"], "api/v1", clean)
        if self.request.query:
            url += "?" + self.request.query
        try:  # the teacher's token goes only to a service run by root (not a student's listener)
            listeners.verify_listener(url, "classroom service")
        except ClassroomError as e:
            code = "service_down" if e.code == "not_listening" else e.code
            return self.fail(502, e.message, code)
        headers = {h: self.request.headers[h] for h in _FORWARD_HEADERS if h in self.request.headers}
        headers["Authorization"] = f"token {env['token']}"
        method = self.request.method or "GET"
        if method == "GET" and clean.startswith(_STREAMED):
            return await self._stream(url, headers)
        body = self.request.body if method in ("POST", "PUT", "PATCH") else None
        req = HTTPRequest(url, method=method, headers=headers, body=body,
                          allow_nonstandard_methods=True, request_timeout=FORWARD_TIMEOUT,
                          follow_redirects=False)
        try:
            resp = await AsyncHTTPClient().fetch(req, raise_error=False)
        except Exception as e:  # noqa: BLE001 - connection refused, timeout
            return self.fail(502, f"The classroom service does not answer ({e}); is the hub "
                             "running? (`classroom doctor`)", "service_down")
        if resp.code == 599:
            return self.fail(502, "The classroom service does not answer; is the hub running? "
                             "(`classroom doctor`)", "service_down")
        self.set_status(resp.code)
        self.set_header("Content-Type", resp.headers.get("Content-Type", "application/json"))
        self.finish(resp.body or b"")

    async def _stream(self, url: str, headers: dict[str, str]) -> None:
        """GET a download from the service and pass it on as it arrives (status and headers
        first, then every chunk): no size limit of the client's buffer, no copy in memory."""
        status: list[int] = []
        received: dict[str, str] = {}
        started = False

        def on_header(line: str) -> None:
            if line.startswith("HTTP/"):
                status[:] = [int(line.split()[1])]
                received.clear()
            elif ":" in line:
                name, value = line.split(":", 1)
                received[name.strip().lower()] = value.strip()

        def start() -> None:
            nonlocal started
            started = True
            self.set_status(status[0] if status else 502)
            for name in _STREAMED_HEADERS:
                if name.lower() in received:
                    self.set_header(name, received[name.lower()])

        def on_chunk(chunk: bytes) -> None:
            if not started:
                start()
            self.write(chunk)
            self.flush()

        client = AsyncHTTPClient(force_instance=True, max_body_size=MAX_STREAMED,
                                 max_buffer_size=MAX_STREAMED)
        req = HTTPRequest(url, method="GET", headers=headers, request_timeout=FORWARD_TIMEOUT,
                          follow_redirects=False, header_callback=on_header,
                          streaming_callback=on_chunk)
        try:
            resp = await client.fetch(req, raise_error=False)
        except Exception as e:  # noqa: BLE001 - connection refused, timeout
            resp = None
            error = str(e)
        finally:
            client.close()
        if resp is None or resp.code == 599:
            if started:  # cut short: the browser sees less than Content-Length
                self.request.connection.close()  # type: ignore[union-attr]
                return
            return self.fail(502, "The classroom service does not answer"
                             f"{f' ({error})' if resp is None else ''}; is the hub running? "
                             "(`classroom doctor`)", "service_down")
        if not started:
            start()
        self.finish()

    @tornado.web.authenticated
    async def get(self, path: str) -> None:
        await self._forward(path)

    @tornado.web.authenticated
    async def post(self, path: str) -> None:
        await self._forward(path)

    @tornado.web.authenticated
    async def put(self, path: str) -> None:
        await self._forward(path)

    @tornado.web.authenticated
    async def patch(self, path: str) -> None:
        await self._forward(path)

    @tornado.web.authenticated
    async def delete(self, path: str) -> None:
        await self._forward(path)


def handlers() -> list[tuple[str, type]]:
    """(path below /classroom/api, handler) pairs of every area of the server extension."""
    routes: list[tuple[str, type]] = [
        ("whoami", WhoamiHandler),
        ("admin/(.*)", AdminForwardHandler),
    ]
    from .mqtt import HANDLERS as mqtt_handlers  # snippets and templates (issue 5)

    routes += mqtt_handlers
    return routes


def setup_route_handlers(web_app: Any) -> None:
    """Register every /classroom/api handler on the Jupyter server's tornado app."""
    base_url = web_app.settings["base_url"]
    web_app.add_handlers(".*$", [
        (url_path_join(base_url, NAMESPACE, "api", pattern), handler)
        for pattern, handler in handlers()
    ])

"""The service's building blocks: the route table entry and the base handler.

Every handler authorizes the request on its headers alone, before a byte of the body is read
(the handlers stream their bodies: :func:`tornado.web.stream_request_body`). The route table says
who may call each route (:attr:`Route.caller`) and how large its body may be
(:attr:`Route.max_body`). For :data:`TEACHER` routes, the token in the ``Authorization`` header
must

- carry the service's access scope (``access:services!service=classroom``), checked with
  JupyterHub's own :class:`jupyterhub.services.auth.HubAuth` on the token's *scopes*: a teacher's
  token that only reaches a student's server (what that student's server receives when the
  teacher visits it) or only identifies the teacher is refused, and
- belong to a hub *user* (not a service) whose model says ``admin: true``.

The acting name is taken from the hub's answer, never from the request.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from tornado import web

from ..provision.errors import ClassroomError

if TYPE_CHECKING:
    from .app import ServiceContext

log = logging.getLogger("jupyter_extension_companion.service")

T = TypeVar("T")

#: who may call a route: a teacher (hub admin) with a token that carries the service's scope
TEACHER = "teacher"
CALLERS = frozenset({TEACHER})
KIB = 1024
MIB = 1024 * KIB
#: the body cap of a route that declares none: small JSON objects
DEFAULT_MAX_BODY = 64 * KIB
_TOKEN_HEADER = re.compile(r"(?:token|bearer)\s+(\S+)\s*$", re.IGNORECASE)
_PARAM = re.compile(r"\{([a-z_]+)\}")
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    """One entry of the route table: the OpenAPI-style path, its handler and its spec.

    ``pattern`` is relative to the service prefix, e.g. ``/api/v1/users/{name}``; ``spec`` maps
    lower-case HTTP methods to OpenAPI operation objects. The tornado URL, the OpenAPI document
    and the authorization tests are all derived from this one table.
    """

    pattern: str
    handler: type[web.RequestHandler]
    spec: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: who may call it (one of :data:`CALLERS`); checked before the body is read
    caller: str = TEACHER
    #: the largest request body in bytes; larger ones get 413 before they are read
    max_body: int = DEFAULT_MAX_BODY

    def __post_init__(self) -> None:
        if self.caller not in CALLERS:
            raise ValueError(f"route {self.pattern}: unknown caller {self.caller!r}")
        if self.max_body < 0:
            raise ValueError(f"route {self.pattern}: max_body must be >= 0")

    @property
    def methods(self) -> list[str]:
        return [m for m in HTTP_METHODS if m in self.spec]

    @property
    def params(self) -> list[str]:
        return _PARAM.findall(self.pattern)

    def tornado_pattern(self, prefix: str) -> str:
        """The regex tornado routes on (each ``{param}`` is one path segment)."""
        body = _PARAM.sub(lambda m: f"(?P<{m.group(1)}>[^/]+)", self.pattern)
        return prefix.rstrip("/") + body


def json_body_schema(properties: dict[str, Any], required: list[str] | None = None) -> dict:
    """An OpenAPI requestBody for a JSON object with ``properties``."""
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def op(summary: str, *, body: dict | None = None, query: list[dict] | None = None) -> dict:
    """A minimal OpenAPI operation object (responses are the service's common ones)."""
    operation: dict[str, Any] = {
        "summary": summary,
        "responses": {
            "200": {"description": "OK (JSON)"},
            "400": {"$ref": "#/components/responses/Error"},
            "403": {"$ref": "#/components/responses/Error"},
            "404": {"$ref": "#/components/responses/Error"},
            "409": {"$ref": "#/components/responses/Error"},
            "413": {"$ref": "#/components/responses/Error"},
            "500": {"$ref": "#/components/responses/Error"},
        },
    }
    if body is not None:
        operation["requestBody"] = body
    if query:
        operation["parameters"] = query
    return operation


#: the largest body of a refused request that is read (and dropped) so that the client sees
#: the answer; beyond it the connection is closed after the answer
DISCARD_LIMIT = 100 * MIB
#: the body cap of the catch-all handler (unknown paths: authorized first, then 404)
UNKNOWN_ROUTE_MAX_BODY = DEFAULT_MAX_BODY


def _too_large(limit: int) -> ClassroomError:
    size = f"{limit // MIB} MB" if limit >= MIB else f"{max(limit // KIB, 1)} KB"
    return ClassroomError(
        f"The request body is larger than this route accepts ({size}). Send less data "
        "(split the roster, upload a smaller file).",
        code="too_large",
        status=413,
    )


@web.stream_request_body
class ClassroomHandler(web.RequestHandler):
    """Base of every service handler: authorization on the headers, a capped body, JSON in and
    out, errors.

    ``stream_request_body`` makes tornado call :meth:`prepare` as soon as the headers are in and
    read the body only afterwards: a refused request's body is never buffered (tornado discards
    it), and an accepted one is kept only up to the route's ``max_body``.
    """

    #: the hub user name of the authenticated admin (set in prepare)
    actor: str = ""

    def initialize(self, route: Route | None = None) -> None:
        self.route = route
        self._chunks: list[bytes] = []
        self._received = 0
        self._dropping = False

    @property
    def max_body(self) -> int:
        return self.route.max_body if self.route is not None else UNKNOWN_ROUTE_MAX_BODY

    @property
    def ctx(self) -> ServiceContext:
        return self.settings["classroom"]

    def check_xsrf_cookie(self) -> None:
        """Token-authenticated API: no cookies are accepted, so there is nothing to forge."""

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")

    async def prepare(self) -> None:  # type: ignore[override]
        try:
            await self._admit()
        except ClassroomError as e:
            if not self._body_pending():
                raise
            await self._answer_before_the_body(e)

    async def _admit(self) -> None:
        """Authorize the caller and check the declared body size: headers only."""
        # 1. who (the body has not been read yet)
        caller = self.route.caller if self.route is not None else TEACHER
        if caller == TEACHER:
            await self._authorize_teacher()
        # 2. how much: refuse a declared oversized body before reading it; a chunked body
        # that grows past the cap makes tornado drop the connection at the cap
        limit = self.max_body
        length = self.request.headers.get("Content-Length")
        if length is not None:
            if not length.strip().isdigit():
                raise ClassroomError("Bad Content-Length header.", code="bad_request")
            if int(length) > limit:
                raise _too_large(limit)
        self._set_body_limit(limit)

    def _set_body_limit(self, limit: int) -> None:
        connection = self.request.connection
        if connection is not None and hasattr(connection, "set_max_body_size"):
            connection.set_max_body_size(limit)

    def _body_pending(self) -> bool:
        """True if the client will send a body we have not read (and we can afford to drop)."""
        headers = self.request.headers
        if headers.get("Expect", "").lower() == "100-continue":
            return False  # tornado sends no "100 Continue" for a refused request: no body comes
        if "chunked" in headers.get("Transfer-Encoding", "").lower():
            self._set_body_limit(DISCARD_LIMIT)
            return True
        length = headers.get("Content-Length", "0").strip()
        if not length.isdigit() or not 0 < int(length) <= DISCARD_LIMIT:
            return False  # absurd sizes: answer and hang up (the client may see a reset)
        self._set_body_limit(int(length))
        return True

    async def _answer_before_the_body(self, error: ClassroomError) -> None:
        """Send the refusal now, then read and drop the body; finish once it has arrived.

        Tornado closes a connection whose request body is unread as soon as the answer is
        written; the unread bytes make the kernel reset it, and a client (or the proxy) still
        sending may never see the answer. So the answer goes out complete (Content-Length)
        while the body is drained without being kept.
        """
        log.info("%s %s -> %s %s (body dropped)", self.request.method, self.request.path,
                 error.status, error.code)
        payload = json.dumps({"message": error.message, "code": error.code}).encode()
        self.set_status(error.status)
        self.set_header("Content-Length", str(len(payload)))
        self.write(payload)
        self._dropping = True
        # the handler's method runs once the body is in: make it just finish the answer
        setattr(self, (self.request.method or "get").lower(), self._finish_dropped)
        await self.flush()

    def _finish_dropped(self, *args: Any, **kwargs: Any) -> None:
        self.finish()

    async def _authorize_teacher(self) -> None:
        match = _TOKEN_HEADER.match(self.request.headers.get("Authorization", ""))
        if not match:
            raise ClassroomError(
                "Authentication required: send a hub API token (Authorization: token ...).",
                code="not_authenticated",
                status=403,
            )
        model = await self.ctx.identify(match.group(1))
        if not model:
            raise ClassroomError(
                "The token was not accepted by the hub.", code="not_authenticated", status=403
            )
        if not self.ctx.has_access(model):
            raise ClassroomError(
                "This token may not use the classroom service (it lacks the scope "
                f"{' or '.join(sorted(self.ctx.access_scopes))}). Use the Classroom sidebar in "
                "your own JupyterLab, or a token made for the service.",
                code="no_scope",
                status=403,
            )
        if model.get("kind", "user") != "user" or model.get("admin") is not True:
            raise ClassroomError(
                "Only teachers (hub admins) may use the classroom service.",
                code="not_admin",
                status=403,
            )
        self.actor = str(model["name"])

    def data_received(self, chunk: bytes) -> None:
        """Collect the body (called only after prepare(); dropped if it refused)."""
        if self._dropping:
            return
        self._received += len(chunk)
        if self._received > self.max_body:  # tornado enforces the cap too; never buffer more
            raise _too_large(self.max_body)
        self._chunks.append(chunk)

    @property
    def body(self) -> bytes:
        """The request body (read after prepare(), at most the route's ``max_body``)."""
        return b"".join(self._chunks)

    # -- input -------------------------------------------------------------------------------
    def json_body(self) -> dict[str, Any]:
        """The request body as a JSON object ({} when empty); 400 if it is not one."""
        raw = self.body
        if not raw:
            return {}
        try:
            data = json.loads(raw)
        except ValueError as e:
            raise ClassroomError(f"The request body is not valid JSON: {e}", code="bad_json") from None
        if not isinstance(data, dict):
            raise ClassroomError("The request body must be a JSON object.", code="bad_json")
        return data

    def bool_arg(self, name: str, default: bool = False) -> bool:
        value = self.get_query_argument(name, None)
        if value is None:
            return default
        if value.lower() in ("1", "true", "yes"):
            return True
        if value.lower() in ("0", "false", "no"):
            return False
        raise ClassroomError(f"?{name}= must be true or false, not {value!r}.", code="bad_query")

    # -- work --------------------------------------------------------------------------------
    async def blocking(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking provision call in the service's thread pool."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.ctx.executor, lambda: fn(*args, **kwargs))

    def send(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.finish(json.dumps(data, default=str))

    # -- errors ------------------------------------------------------------------------------
    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, ClassroomError):
            body = {"message": exc.message, "code": exc.code}
        elif isinstance(exc, web.HTTPError):
            body = {"message": exc.log_message or self._reason, "code": f"http_{status_code}"}
        else:
            body = {"message": "Internal error in the classroom service; see its log.",
                    "code": "internal"}
        self.finish(json.dumps(body))

    def send_error(self, status_code: int = 500, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, ClassroomError):
            status_code = exc.status
        super().send_error(status_code, **kwargs)

    def log_exception(self, typ, value, tb) -> None:  # type: ignore[no-untyped-def]
        if isinstance(value, ClassroomError) and value.status < 500:
            log.info("%s %s -> %s %s", self.request.method, self.request.path, value.status,
                     value.code)
        else:
            super().log_exception(typ, value, tb)


class NotFoundHandler(ClassroomHandler):
    """Any other path below the prefix: authenticated first, then 404 (no route discovery)."""

    async def _not_found(self, *args: Any) -> None:
        raise ClassroomError("No such API route.", code="no_route", status=404)

    get = post = put = patch = delete = _not_found  # type: ignore[assignment]

"""The service's building blocks: the route table entry and the base handler.

Every handler authenticates the request against the hub before it does anything: the token in
the ``Authorization`` header must belong to a hub *user* (not a service) whose model says
``admin: true``. The acting name is taken from the hub's answer, never from the request.
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
            "500": {"$ref": "#/components/responses/Error"},
        },
    }
    if body is not None:
        operation["requestBody"] = body
    if query:
        operation["parameters"] = query
    return operation


class ClassroomHandler(web.RequestHandler):
    """Base of every service handler: hub-admin authentication, JSON in and out, errors."""

    #: the hub user name of the authenticated admin (set in prepare)
    actor: str = ""

    @property
    def ctx(self) -> ServiceContext:
        return self.settings["classroom"]

    def check_xsrf_cookie(self) -> None:
        """Token-authenticated API: no cookies are accepted, so there is nothing to forge."""

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")

    async def prepare(self) -> None:  # type: ignore[override]
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
        if model.get("kind", "user") != "user" or model.get("admin") is not True:
            raise ClassroomError(
                "Only teachers (hub admins) may use the classroom service.",
                code="not_admin",
                status=403,
            )
        self.actor = str(model["name"])

    # -- input -------------------------------------------------------------------------------
    def json_body(self) -> dict[str, Any]:
        """The request body as a JSON object ({} when empty); 400 if it is not one."""
        raw = self.request.body
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

    def audit(self, action: str, target: str, outcome: str, **details: Any) -> None:
        """One audit line for a change, with the hub user as the actor."""
        try:
            self.ctx.audit.record(self.actor, action, target, outcome, **details)
        except OSError:
            log.exception("could not write the audit log")

    async def change(
        self, action: str, target: str, fn: Callable[..., T], *args: Any, **details: Any
    ) -> T:
        """Run ``fn(*args)`` in the pool and audit the outcome (ok or the refusal's code)."""
        try:
            result = await self.blocking(fn, *args)
        except ClassroomError as e:
            self.audit(action, target, "refused" if e.status < 500 else "failed", code=e.code,
                       reason=e.message, **details)
            raise
        except Exception as e:
            self.audit(action, target, "failed", code="internal", reason=str(e), **details)
            raise
        changed = getattr(result, "changed", True)
        self.audit(action, target, "ok" if changed else "unchanged", **details)
        return result

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

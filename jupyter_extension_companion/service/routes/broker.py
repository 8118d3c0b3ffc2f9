"""Service routes for the class MQTT broker, class snippets and class templates.

- ``GET/PUT /api/v1/broker``: the class broker (Lab ``overrides.json`` defaults).
- ``POST /api/v1/broker/test``: connect, publish, receive; reports timing and outcome.
- ``POST /api/v1/snippets``: the teacher's active cell becomes a class snippet.
- ``POST /api/v1/templates``: the teacher's notebook becomes a class template.
"""

from __future__ import annotations

from ...provision import broker, snippets, templates
from ...provision.errors import ClassroomError
from ..base import KIB, MIB, ClassroomHandler, Route, json_body_schema, op

_BROKER_PROPS = {
    "host": {"type": "string"},
    "port": {"type": "integer", "minimum": 1, "maximum": 65535},
    "tls": {"type": "boolean"},
    "topicPrefix": {"type": "string"},
    "username": {"type": "string"},
    "password": {"type": "string"},
}


class BrokerHandler(ClassroomHandler):
    async def get(self) -> None:
        settings = await self.blocking(broker.read_class_broker, self.ctx.paths)
        self.send(
            {
                "settings": settings.to_json(hide_password=True),
                "path": str(self.ctx.paths.lab_settings_overrides),
            }
        )

    async def put(self) -> None:
        body = self.json_body()
        # An empty password with hasPassword=true means "keep the stored one" (the UI never
        # receives the password, so it cannot send it back).
        if body.get("hasPassword") and not body.get("password"):
            body.pop("password", None)
        body.pop("hasPassword", None)
        result = await self.blocking(
            broker.write_class_broker, self.ctx.paths, body, actor=self.actor
        )
        self.send(result)


class BrokerTestHandler(ClassroomHandler):
    async def post(self) -> None:
        body = self.json_body()
        current = await self.blocking(broker.read_class_broker, self.ctx.paths)
        if body.get("hasPassword") and not body.get("password"):
            body.pop("password", None)
        body.pop("hasPassword", None)
        timeout = body.pop("timeout", 5)
        settings = broker.validate(body, base=current)
        if not isinstance(timeout, (int, float)) or not 0.5 <= timeout <= 30:
            raise ClassroomError("'timeout' must be 0.5 to 30 seconds.", code="bad_field")
        outcome = await self.blocking(
            broker.check_broker, settings, username=self.actor, timeout=float(timeout)
        )
        self.send(outcome)


class SnippetsHandler(ClassroomHandler):
    async def post(self) -> None:
        body = self.json_body()
        result = await self.blocking(
            snippets.add_class_snippet, self.ctx.paths, actor=self.actor,
            language=body.get("language"), name=body.get("name"), title=body.get("title", ""),
            description=body.get("description", "") or "", body=body.get("body", ""),
            order=body.get("order", 500),
        )  # fmt: skip
        self.send(result, status=201 if result["changed"] else 200)


class TemplatesHandler(ClassroomHandler):
    async def post(self) -> None:
        body = self.json_body()
        result = await self.blocking(
            templates.add_class_template, self.ctx.paths, actor=self.actor,
            name=body.get("name"), title=body.get("title", ""), notebook=body.get("notebook"),
            description=body.get("description", "") or "",
        )  # fmt: skip
        self.send(result, status=201 if result["changed"] else 200)


ROUTES: list[Route] = [
    Route(
        "/api/v1/broker",
        BrokerHandler,
        {
            "get": op("The class MQTT broker (password hidden) -> {settings, path}"),
            "put": op(
                "Set the class broker for every student (Lab overrides.json)",
                body=json_body_schema(_BROKER_PROPS),
            ),
        },
    ),
    Route(
        "/api/v1/broker/test",
        BrokerTestHandler,
        {
            "post": op(
                "Connect, publish and receive on the broker (the class one, or the values sent)"
                " -> {ok, stage, message, connect_ms, roundtrip_ms, topic}",
                body=json_body_schema({**_BROKER_PROPS, "timeout": {"type": "number"}}),
            )
        },
    ),
    Route(
        "/api/v1/snippets",
        SnippetsHandler,
        {
            "post": op(
                "Add a class snippet (a file in the Jupyter data path)",
                body=json_body_schema(
                    {
                        "language": {"type": "string", "enum": list(snippets.LANGUAGES)},
                        "name": {"type": "string", "pattern": snippets.NAME_RE.pattern},
                        "title": {"type": "string"},
                        "description": {"type": "string"},
                        "body": {"type": "string"},
                        "order": {"type": "integer"},
                    },
                    ["language", "name", "title", "body"],
                ),
            )
        },
        max_body=512 * KIB,  # snippets.MAX_BODY (64 KB), JSON-escaped
    ),
    Route(
        "/api/v1/templates",
        TemplatesHandler,
        {
            "post": op(
                "Save a notebook as a class template (outputs cleared)",
                body=json_body_schema(
                    {
                        "name": {"type": "string", "pattern": templates.NAME_RE.pattern},
                        "title": {"type": "string"},
                        "description": {"type": "string"},
                        "notebook": {"type": "object"},
                    },
                    ["name", "title", "notebook"],
                ),
            )
        },
        max_body=32 * MIB,  # the notebook still with its outputs (cleared here)
    ),
]

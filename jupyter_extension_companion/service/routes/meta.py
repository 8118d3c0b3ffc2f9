"""The OpenAPI document of the service, built from the route table: GET /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from ... import __version__
from ..base import ClassroomHandler, Route, op


def openapi_document(routes: list[Route], prefix: str) -> dict[str, Any]:
    """OpenAPI 3.0 for ``routes`` (one source of truth: the same table tornado routes on)."""
    paths: dict[str, Any] = {}
    for route in routes:
        entry: dict[str, Any] = paths.setdefault(route.pattern, {})
        if route.params:
            entry["parameters"] = [
                {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                for p in route.params
            ]
        for method in route.methods:
            # who may call it and the body cap: from the same table the service enforces
            entry[method] = {**route.spec[method], "x-caller": route.caller}
            if method in ("post", "put", "patch"):
                entry[method]["x-max-body-bytes"] = route.max_body
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "JupyterLab Classroom service",
            "version": __version__,
            "description": "Hub-admin only. Authenticate with a hub API token of a teacher "
            "that carries the scope access:services!service=classroom "
            "(Authorization: token ...). Errors are {message, code}; a body larger than "
            "x-max-body-bytes gets 413 before it is read.",
        },
        "servers": [{"url": prefix.rstrip("/")}],
        "components": {
            "securitySchemes": {"hubToken": {"type": "apiKey", "in": "header",
                                             "name": "Authorization"}},
            "responses": {"Error": {"description": "Refused or failed", "content": {
                "application/json": {"schema": {"type": "object", "properties": {
                    "message": {"type": "string"}, "code": {"type": "string"}}}}}}},
        },
        "security": [{"hubToken": []}],
        "paths": paths,
    }


class OpenAPIHandler(ClassroomHandler):
    async def get(self) -> None:
        self.send(openapi_document(self.settings["classroom_routes"],
                                   self.settings["classroom_prefix"]))


ROUTES: list[Route] = [
    Route("/api/v1/openapi.json", OpenAPIHandler, {"get": op("This OpenAPI document")}),
]

"""Service routes for the school defaults: GET/PUT /api/v1/school (provision/school_defaults)."""

from __future__ import annotations

from ...provision.school_defaults import read_school_defaults, write_school_defaults
from ..base import ClassroomHandler, Route, json_body_schema, op


class SchoolHandler(ClassroomHandler):
    async def get(self) -> None:
        defaults = await self.blocking(read_school_defaults, self.ctx.paths)
        self.send(defaults.to_json())

    async def put(self) -> None:
        body = self.json_body()
        defaults, changed = await self.blocking(
            lambda: write_school_defaults(self.ctx.paths, body, audit=self.ctx.audit,
                                          actor=self.actor))
        self.send({**defaults.to_json(), "changed": changed})


_FIELDS = {"news_prompt": {"type": "boolean"}, "student_extension_manager": {"type": "boolean"},
           "show_server_owner": {"type": "boolean"}}
ROUTES: list[Route] = [
    Route("/api/v1/school", SchoolHandler, {
        "get": op("The school defaults -> {news_prompt, student_extension_manager, "
                  "show_server_owner}"),
        "put": op("Change one or more school defaults (the news prompt takes effect when a "
                  "server starts, the others at the next page load) -> the defaults + changed",
                  body=json_body_schema(_FIELDS)),
    }),
]
